/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Build and Ship stages, checked where the image actually runs: the
 * image (root file system) audit's facts and rules, the secret scanner,
 * the image reference and its policy: the pure part, which does no I/O.
 * The readers of a root file system are in rootfs.h. Every reader here is
 * linear in what it reads, or bounded by a small constant named where it
 * is defined.
 */
#ifndef HARDRUN_IMAGE_H
#define HARDRUN_IMAGE_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdbool.h>

#include "hardrun/finding.h"
#include "hardrun/profile.h"

/* --- image references (src/core/image_ref.c, pure) ---------------------- */

/* The annotations engines put the image reference in, most specific
 * first (hr_image_ref takes the first present). */
extern const char *const hr_image_ref_keys[];

/* A reference in Docker's normal form: "docker.io/library/busybox:latest". */
struct hr_image_ref_parts {
	char *name;   /* registry/repository */
	char *tag;    /* NULL when only a digest is given */
	char *digest; /* "sha256:<64 hex>", or NULL */
	char *full;   /* name[:tag][@digest] */
};
/* Parse and normalise `ref` (busybox -> docker.io/library/busybox:latest).
 * Returns 0, or -EINVAL when it is not a reference. */
int hr_image_ref_parse(const char *ref, struct hr_image_ref_parts *out);
void hr_image_ref_parts_done(struct hr_image_ref_parts *p);
/* The first of `patterns` (fnmatch(3), no FNM_PATHNAME) that matches the
 * normalised reference or its name alone; NULL if none. */
const char *hr_image_ref_match(const struct hr_image_ref_parts *ref, char *const *patterns);
/* "sha256:" and 64 lowercase hex digits. */
bool hr_image_digest_valid(const char *d);

/* The image reference and digest of a container, from the annotations
 * engines set, the first present of hr_image_ref_keys (containerd's CRI,
 * OCI image annotations, podman); borrowed from the tree, NULL when
 * absent. */
void hr_image_ref(const cJSON *annotations, const char **ref, const char **digest);

/* The image reference pass (a row of hr_controls): allowedRefs, requireDigest. */
struct hr_pass_ctx;
int hr_pass_image(struct hr_pass_ctx *c);

/* --- secrets (src/core/image/secrets.c, pure) -------------------------------- */

enum hr_secret_kind {
	HR_SECRET_PRIVATE_KEY,	     /* a PEM or OpenSSH private key */
	HR_SECRET_KEYSTORE,	     /* a PKCS#12 file (.p12, .pfx) */
	HR_SECRET_AWS_ACCESS_KEY,    /* AKIA.../ASIA... key id */
	HR_SECRET_AWS_CREDENTIALS,   /* an AWS shared credentials file with a secret */
	HR_SECRET_CLOUD_SERVICE_KEY, /* a GCP service-account key file */
	HR_SECRET_TOKEN,	     /* a token of a known service (GitHub, GitLab, Slack, ...) */
	HR_SECRET_PASSWORD_HASH,     /* a password hash in /etc/shadow */
	HR_SECRET_DOTENV,	     /* a .env file with values */
	HR_SECRET_ASSIGNMENT,	     /* password=, token:, ... in a configuration file */
	HR_SECRET_URL_CREDENTIALS,   /* scheme://user:password@host */
	HR_SECRET_REGISTRY_AUTH,     /* registry credentials (.docker/config.json, .npmrc, ...) */
	HR_SECRET__MAX,
};
const char *hr_secret_kind_name(enum hr_secret_kind k);

struct hr_secret_hit {
	enum hr_secret_kind kind;
	unsigned line; /* 1-based; 0 for the file as a whole */
};

/*
 * Look for secrets in the first `len` bytes of the file at `path` (its
 * path inside the image, which says what kind of file it is). Returns
 * the number of hits stored in `hits` (at most `max`, one per kind, the
 * first line of each). The secret itself is never copied anywhere.
 */
size_t hr_secrets_scan(const char *path, const char *buf, size_t len, struct hr_secret_hit *hits,
		       size_t max);
/* True when a file at `path` is worth reading whatever its content looks
 * like (a key file, a credentials file, a .env file). */
bool hr_secrets_by_name(const char *path);
/* What the path alone decides about a scan (a bit per kind of file: key
 * store, configuration, .env, credentials, ...): two paths of one class
 * get the same hits from the same bytes. */
unsigned hr_secrets_path_class(const char *path);
/* For Dockerfiles: does an ENV or ARG name suggest a secret (PASSWORD,
 * API_KEY, ...), and is `value` (may be NULL) a real value rather than a
 * placeholder or a reference (${X}, changeme, /run/secrets/x)? */
bool hr_secret_name(const char *key);
bool hr_secret_value(const char *value);
/* A token of a known form anywhere in `s` (AKIA..., ghp_..., a private key
 * header); -1 if none, else the kind. */
int hr_secret_token_kind(const char *s, size_t len);
/* The same, with the offset where the token starts in *at. Linear in len:
 * a private key's body is read once whatever the headers before it. */
int hr_secret_token_at(const char *s, size_t len, size_t *at);

/* --- what the walk finds (the walk itself: rootfs.h) -------------------- */

struct hr_image_entry {
	char *path; /* absolute inside the image */
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

struct hr_image_secret {
	char *path;
	enum hr_secret_kind kind;
	unsigned line;
};

enum hr_tool_kind { HR_TOOL_SHELL, HR_TOOL_PACKAGE_MANAGER };

struct hr_image_tool {
	char *path;
	enum hr_tool_kind kind;
};

/* Each list keeps at most HR_FINDINGS_PER_RULE entries (files, for the
 * secrets); the rest are only counted in more_*, so that an image of a
 * million bad files costs a bounded report. */
struct hr_image_facts {
	struct hr_image_entry *setid; /* setuid or setgid regular files */
	size_t n_setid, more_setid;
	struct hr_image_entry *writable; /* world-writable files, and dirs without sticky */
	size_t n_writable, more_writable;
	struct hr_image_secret *secrets; /* each file's hits together */
	size_t n_secrets, secret_files, more_secret_files;
	struct hr_image_tool *tools; /* shells and package managers in bin directories */
	size_t n_tools, more_tools;
	size_t files, dirs, others, scanned_files;
	uint64_t scanned_bytes;
	char *incomplete; /* why the walk stopped short, or NULL */
};

/* --- who the container runs as ----------------------------------------- */

/* Who the container runs as, for permission checks. */
struct hr_identity {
	uint32_t uid, gid;
	uint32_t groups[32];
	size_t n_groups;
	bool dac_override; /* CAP_DAC_OVERRIDE is effective (root in a spec that keeps it) */
};

/* --- ELF headers (src/core/image/elf.c, pure) --------------------------------- */

/* PT_INTERP of an ELF file whose first `n` bytes are `buf`: the loader's
 * path, up to its NUL, malloc'd; NULL if the file is static, not ELF, or
 * the interpreter (or a program header) lies beyond the bytes given.
 * Every offset of the header is checked against n without overflow. */
char *hr_elf_interp(const char *buf, size_t n);

/* --- what the entry point check finds (the check: rootfs.h) ------------ */

enum hr_exec_problem {
	HR_EXEC_OK,
	HR_EXEC_UNCHECKED,     /* on a mount, or no args: not the image's to judge */
	HR_EXEC_NOT_FOUND,     /* not in the image (or not in PATH) */
	HR_EXEC_NOT_REGULAR,   /* a directory, device, ... */
	HR_EXEC_NO_SEARCH,     /* a directory on the way is closed to the user */
	HR_EXEC_NO_EXEC,       /* no x bit for the user */
	HR_EXEC_NO_READ,       /* a script the user cannot read */
	HR_EXEC_NO_INTERP,     /* its #! interpreter or ELF loader is missing */
	HR_EXEC_NOEXEC_MOUNT,  /* under a mount the spec makes noexec */
};

/* The lookup of one entry point considers at most this many PATH
 * directories and takes at most this many resolution steps in all
 * (candidates, #! interpreter, ELF loader); beyond either it stops and
 * says so (hr_exec_facts.incomplete). */
#define HR_EXEC_MAX_PATH_DIRS 256
#define HR_EXEC_MAX_STEPS 65536

struct hr_exec_facts {
	enum hr_exec_problem problem;
	char *incomplete; /* why the lookup stopped short, or NULL */
	char *program;	/* args[0] as given */
	char *path;	/* what it resolved to in the image */
	char *detail;	/* the directory, interpreter or mount concerned */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct hr_identity who;
};

/* --- the audit's rules (src/core/image/audit_rules.c, pure) ------------------ */

struct hr_image_audit_input {
	const struct hr_image_facts *facts;
	const char *passwd;	/* /etc/passwd of the image, NULL if it has none */
	bool user_unchecked;	/* /etc/passwd was not read (time ran out): no user finding */
	uint32_t uid;		/* the uid the container runs as */
	const struct hr_exec_facts *exec; /* NULL if not checked */
};
/* The image audit's findings (stage build), outcome warned, or refused
 * where the profile's image audit is refuse and the severity reaches
 * refuseAt. */
void hr_image_audit_rules(const struct hr_image_audit_input *in, const struct hr_image_policy *pol,
			  struct hr_findings *f);
/* Does /etc/passwd text hold an entry for uid? */
bool hr_passwd_has_uid(const char *passwd, uint32_t uid);

#endif
