/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hardening profile: what a workload may keep. Profiles are JSON files
 * (man/hardrun-profile.5); this module turns their text into a validated,
 * resolved struct. It does no I/O: the loader in src/host/runtime reads the
 * files, follows "extends" and calls in here.
 */
#ifndef HARDRUN_PROFILE_H
#define HARDRUN_PROFILE_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "hardrun/image_policy.h"
#include "hardrun/util.h"

enum hr_ns_type {
	HR_NS_PID,
	HR_NS_NETWORK,
	HR_NS_MOUNT,
	HR_NS_IPC,
	HR_NS_UTS,
	HR_NS_USER,
	HR_NS_CGROUP,
	HR_NS_TIME,
	HR_NS__MAX,
};
/* OCI name of a namespace type, and back (-1 if unknown). */
const char *hr_ns_name(enum hr_ns_type t);
int hr_ns_from_name(const char *name);

struct hr_device {
	char *path;
	char type; /* 'c' or 'b' */
	int64_t major, minor;
};

/* A device cgroup allow rule; major/minor -1 stands for "*". */
struct hr_devrule {
	char type; /* 'c', 'b' or 'a' */
	int64_t major, minor;
	char access[4];
};

/* An inclusive range of host ids, as written "FIRST-LAST". */
struct hr_id_range {
	uint32_t first, last;
};

struct hr_seccomp_profile {
	char *default_action; /* a deny action: SCMP_ACT_ERRNO, _KILL*, _TRAP */
	int default_errno;
	char **arch_names;     /* OCI names, e.g. SCMP_ARCH_X86_64 ("native" resolved) */
	uint32_t *arch_tokens; /* libseccomp tokens, same order */
	size_t n_arch;
	char **allow; /* unconditionally allowed names, sorted, unique */
	size_t n_allow;
	cJSON *rules; /* OCI syscall rules (conditional allows, errno answers) */
};

/* What a control does with a spec that does not meet the profile. */
enum hr_mode {
	HR_MODE_HARDEN, /* fix it (the default) */
	HR_MODE_WARN,	/* report it, change nothing: for rolling hardrun out */
	HR_MODE_REFUSE, /* refuse the spec */
};
const char *hr_mode_name(enum hr_mode m);

#define HR_CONTROLS_MAX 32

struct hr_profile {
	char *name;   /* as selected, e.g. "restricted" */
	char *source; /* the file it came from, for messages */
	char *description;

	struct {
		bool allow_root;
		uint32_t uid, gid; /* given to a process that would run as root */
		uint32_t umask;
	} user;

	struct {
		uint64_t allow; /* bit per capability number */
		bool ambient;
	} caps;

	struct hr_seccomp_profile seccomp;

	struct {
		bool readonly;
		char **writable;
		char *tmpfs_options;
	} rootfs;

	struct {
		char **denied_sources;   /* host paths (and what is below or above them) */
		char **allowed_sources;  /* patterns: exceptions below denied sources */
		char **writable_sources; /* patterns: bind sources that stay writable */
		char **denied_types;
		char **allowed_types;	/* file system types that may be mounted (binds aside) */
		char **device_sources;	/* patterns: devices and images a disk fs may come from */
		char **allowed_sockets; /* patterns: root-owned sockets a bind may expose */
	} mounts;

	struct {
		char **trusted; /* patterns: hook executables direct mode runs */
	} hooks;

	struct {
		bool enabled;	 /* every container gets a user namespace of its own */
		bool allow_root; /* uid 0 inside one (not host root) is allowed */
		uint64_t caps;	 /* what the processes keep inside one, bit per capability */
		struct hr_id_range *host_ranges; /* where user namespace ranges may lie */
		size_t n_host_ranges;
	} userns;

	struct {
		int64_t oom_score_adj_min;
		int64_t nice_min;
		bool realtime; /* SCHED_FIFO/RR/DEADLINE, IOPRIO_CLASS_RT, cpu.realtime* */
		bool restore;  /* `restore` of a checkpoint (its credentials are the image's) */
	} process;

	struct {
		bool allow_unconfined; /* AppArmor unconfined, SELinux spc_t / unconfined_t */
	} lsm;

	struct {
		unsigned required;   /* bit per enum hr_ns_type */
		unsigned allow_host; /* may share the host's namespace of this type */
		unsigned allow_join; /* may join another (non-host) namespace by path */
	} ns;

	struct {
		int64_t memory; /* bytes */
		int64_t pids;
		int64_t cpu_shares;
		int64_t hugepages; /* bytes per page size */
	} resources;

	struct {
		int64_t core, nofile, nproc;
		int64_t memlock, rtprio, nice, msgqueue; /* lowered when the spec sets them */
	} rlimits;

	char **masked_paths;
	char **readonly_paths;

	struct hr_device *devices;
	size_t n_devices;
	struct hr_devrule *dev_cgroup;
	size_t n_dev_cgroup;

	char **sysctl_allow; /* exact names or fnmatch(3) patterns */
	char **annotations_allow;

	enum hr_mode mode;		     /* for controls not in modes[] */
	enum hr_mode modes[HR_CONTROLS_MAX]; /* by index into hr_controls */
	bool has_mode[HR_CONTROLS_MAX];
	bool troubleshooting;		     /* weakens isolation on purpose: say so loudly */
	bool explain;			     /* trace seccomp denials (hardrun(1), DENIAL TRACING) */
	bool require_enforced;		     /* refuse a launch where a control would not take
						effect (hardrun(1), DOCTOR) */
	struct hr_image_policy image;	     /* what it asks of images (image_policy.h) */

	char **notes; /* what loading it left out or decided, to show the user */
};

/*
 * True when profile `a` allows something `b` does not (a capability, a
 * system call, a writable path, a higher limit, a warn-only control, ...);
 * `why` receives the first such thing, e.g. "allows CAP_NET_RAW".
 */
bool hr_profile_weaker(const struct hr_profile *a, const struct hr_profile *b, char *why,
		       size_t cap);

/* The mode of control `name` (a name of hr_controls). */
enum hr_mode hr_profile_mode(const struct hr_profile *p, size_t pass_index);
/* The same by the control's name; a name no control has gets the
 * profile's own "mode". */
enum hr_mode hr_profile_mode_of(const struct hr_profile *p, const char *control);

struct hr_profile *hr_profile_free(struct hr_profile *p);
void hr_profile_freep(struct hr_profile **p);
#define _cleanup_profile_ _cleanup_(hr_profile_freep)

/*
 * What the host's mount(8) knows, which a profile's tmpfs options are
 * checked against. The core loads no library and reads no file, so the
 * shell passes it in: hr_mount_options_host() (src/host/runtime/mount_options.c)
 * answers from libmount.
 */
struct hr_mount_options {
	/* 0 when next() and known() can be called; else a negative code and
	 * err says why and how to fix it. */
	int (*ready)(hr_error *err);
	/* Splits the next "name[=value]" off *optstr, as libmount's
	 * mnt_optstr_next_option() does: 0, 1 at the end, < 0 if malformed. */
	int (*next)(char **optstr, char **name, size_t *namesz, char **value, size_t *valuesz);
	/* True when `name` (namesz bytes) is a generic Linux mount option. */
	bool (*known)(const char *name, size_t namesz);
};

/*
 * Validate a profile document. With `partial`, members may be missing (a
 * profile that extends another states only what it changes); otherwise
 * every member must be present and *ret receives the resolved profile.
 * `mnt` checks "tmpfsOptions"; with NULL a profile that has them is
 * refused (fail closed). Errors carry the JSON pointer and a hint; the
 * caller prefixes the file name. Returns 0 or HR_E_INVALID.
 */
int hr_profile_parse(const cJSON *doc, bool partial, const char *name, const char *source,
		     const struct hr_mount_options *mnt, struct hr_profile **ret,
		     hr_error *err);

/*
 * Like hr_profile_parse (complete), for a document hardrun resolved and
 * validated before and kept in its cache: the names of system calls,
 * capabilities and mount options are not looked up again. Structure and
 * types are still checked. Never use it on a document from elsewhere.
 */
int hr_profile_parse_trusted(const cJSON *doc, const char *name, const char *source,
			     struct hr_profile **ret, hr_error *err);

/*
 * Check a profile document and collect every error (one per unknown
 * top-level key and the first one of each section) into *errors. Returns
 * the number of errors.
 */
size_t hr_profile_check(const cJSON *doc, bool partial, const struct hr_mount_options *mnt,
			char ***errors);

/*
 * Overlay `child` onto `base` (both profile documents, base already fully
 * resolved): objects merge member by member; a list given as
 * {"add": [...], "remove": [...]} edits the base's list; anything else
 * replaces. Returns 0 and a new tree in *ret, or HR_E_INVALID (removing
 * an item the base does not have).
 */
int hr_profile_overlay(const cJSON *base, const cJSON *child, cJSON **ret, hr_error *err);

/* The resolved profile as a profile document (for `profile show`). */
cJSON *hr_profile_to_json(const struct hr_profile *p);

/* Capability helpers (libcap names, e.g. "CAP_NET_RAW"). Returns the
 * capability number, or -1 if the text is not a capability name. */
int hr_cap_from_name(const char *name);
/*
 * The capabilities an engine gives every container (containerd's and
 * Docker's defaults, in containerd's order; podman's and `runc spec`'s
 * are subsets), NULL-terminated: they say nothing about the workload.
 */
extern const char *const hr_engine_default_caps[];
bool hr_cap_engine_default(int cap);
/* The spec's spelling ("CAP_NET_RAW") of capability number v; malloc'd. */
char *hr_cap_name(int v);

/* Errno by name ("EPERM") or decimal text; -1 if neither. */
int hr_errno_from_name(const char *name);

/* Bytes from "512M", "64m", "1G", "4096" (binary units). -1 on error. */
int64_t hr_parse_size(const char *s);

#endif
