/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy core: harden a parsed OCI spec in place under a resolved
 * profile. Pure code: it opens no file, prints nothing, reads no
 * environment and never exits. Facts about the host that a decision needs
 * (where a bind-mount source really points, whether a namespace path is
 * the host's) come in through struct hr_env, which the caller fills.
 */
#ifndef HARDRUN_HARDEN_H
#define HARDRUN_HARDEN_H

#include <cjson/cJSON.h>
#include <sys/types.h>

#include "hardrun/finding.h"
#include "hardrun/profile.h"

/*
 * How a host path named in the spec is used. It decides how the path is
 * opened: relative to the bundle or not, and which links are followed (the
 * runtime follows symbolic links everywhere, but a magic link such as
 * /proc/PID/root only where the field means one).
 */
enum hr_path_use {
	HR_PATH_BIND,	/* a bind mount's source, or a path in a mount option */
	HR_PATH_ROOT,	/* root.path */
	HR_PATH_DEVICE, /* the source of a disk file system mount */
	HR_PATH_EXEC,	/* a hook's executable (/proc/PID/exe is followed) */
	HR_PATH_NS,	/* a namespace to join (/proc/PID/ns/TYPE is followed) */
	HR_PATH_SOCKET, /* linux.seccomp.listenerPath */
};

/*
 * What the host says about the object a path names, as opened once. Owned
 * by the env that returned it and valid as long as it is; the same path
 * and use always give the same facts (they are what was judged).
 */
struct hr_path_facts {
	int err;	  /* 0, or the errno of opening it (ENOENT, ELOOP, ...) */
	const char *path; /* the path opened: absolute, joined to the bundle */
	const char *real; /* the path of the object opened, links resolved */
	mode_t mode;	  /* st_mode: type and permission bits */
	uid_t uid;
	gid_t gid;
	dev_t dev;
	ino_t ino;
	dev_t rdev; /* of a device node */
	/* HR_PATH_EXEC, HR_PATH_SOCKET: every directory above it is root's
	 * and not writable by others (or sticky, with a root-owned entry) */
	bool dirs_trusted;
	const char *untrusted_dir; /* the first that is not, or NULL */
	/* HR_PATH_EXEC: the path was /proc/PID/exe of a process running as
	 * root (an engine running its own binary as a hook) */
	bool root_process;
	/* HR_PATH_BIND of a directory: a unix socket owned by root at or below
	 * it (HR_SOCKET_SCAN_DEPTH levels, HR_SOCKET_SCAN_ENTRIES entries) */
	const char *socket;
	bool scan_incomplete; /* the bounds were reached before the end (what lies
			       * beyond them is not seen) */
};

#define HR_SOCKET_SCAN_DEPTH 4
#define HR_SOCKET_SCAN_ENTRIES 8192

/* Where a spec is judged: the rules for hooks differ (hardrun(1), HOOKS). */
enum hr_env_mode {
	HR_ENV_CHECK,	/* hardrun check, and no env: either kind of trust counts */
	HR_ENV_DIRECT,	/* direct mode: the profile trusts hooks */
	HR_ENV_RUNTIME, /* runtime mode: hardrun.conf trusts hooks, or the engine runs itself */
};

/* A namespace by its nsfs inode. */
struct hr_ns_id {
	bool known;
	dev_t dev;
	ino_t ino;
};

struct hr_env {
	/* Every host path the spec names is judged through this one callback,
	 * which opens the object once and says what it is (see hr_path_facts).
	 * Never NULL when set. NULL callback: paths are judged by name only. */
	const struct hr_path_facts *(*path_facts)(void *ud, const char *path,
						   enum hr_path_use use);
	/* The namespaces hardrun itself runs in (those a container shares when
	 * its spec leaves the type out), indexed by enum hr_ns_type. */
	struct hr_ns_id host_ns[HR_NS__MAX];
	/* 1 if `cgroups_path` (linux.cgroupsPath as the runtime reads it) names
	 * a cgroup that holds processes already (another container's, or the
	 * host's), with a malloc'd explanation in *ret_why; 0 if not; negative
	 * if it cannot be told. NULL callback: not checked. */
	int (*cgroup_in_use)(void *ud, const char *cgroups_path, char **ret_why);
	enum hr_env_mode mode;
	/* Paths that cannot be opened are judged by name, with a warning,
	 * instead of refused (check and dry runs, away from the host). */
	bool lenient;
	/* The bundle directory as opened (absolute, links resolved); NULL
	 * if none. root.path must lie in it or match root_locations. */
	const char *bundle_path;
	/* hardrun.conf: where engines keep root file systems outside the
	 * bundle; the hook executables and seccomp listeners it trusts;
	 * the lowest host id a user namespace may map. */
	char *const *root_locations;
	char *const *trusted_hooks;
	char *const *trusted_listeners;
	/* Annotation keys hardrun.conf's profileRules match on: the node's
	 * own, known to hardrun like those of the field table. */
	char *const *rule_annotations;
	uint32_t min_host_id;
	/* Host ids [idpool_lo, idpool_hi) are hardrun's pool of containers'
	 * ranges (hardrun.conf userNamespaces): a spec's own mappings may not
	 * reach into them. 0, 0: no pool. */
	uint64_t idpool_lo, idpool_hi;
	/* A range of host ids no one else has, for a new user namespace of the
	 * container's own: 0 with *ret_host and *ret_size, or a negative errno
	 * with *ret_why (malloc'd): -ENOSPC (every range taken) and -EPERM
	 * (hardrun may not map ids) refuse the container, any other is an
	 * error of the host. NULL callback: none can be had here (a
	 * judgement away from a launch). */
	int (*userns_range)(void *ud, uint32_t *ret_host, uint32_t *ret_size, char **ret_why);
	/* The user namespace that owns the namespace at `path` (one the spec
	 * joins): 1 with *ret_path (malloc'd; a path that names it) when it is
	 * not the host's, 0 when it is the host's, negative when that cannot
	 * be told. NULL callback: 0. */
	int (*ns_owner_userns)(void *ud, const char *path, char **ret_path);
	/* Whether the user namespace at `userns_path` (which owns namespaces
	 * the spec joins) is that of pod sandbox `sandbox_id`, one hardrun
	 * started under the same runtime root: 1 yes, 0 no, negative when
	 * that cannot be told. NULL callback: judged away from a launch, the
	 * annotation alone is judged. */
	int (*pod_sandbox_userns)(void *ud, const char *sandbox_id, const char *userns_path);
	/* exec: the container the process joins has a user namespace. */
	bool process_in_userns;
	/* 1 if the host can limit memory+swap, 0 if not, negative if unknown. */
	int swap_accounting;
	/* The hard limits of the process that starts the runtime, which a
	 * container inherits for every rlimit its spec leaves out; indexed by
	 * RLIMIT_*. Without CAP_SYS_RESOURCE in the initial user namespace
	 * the runtime cannot go above them, so an rlimit hardrun adds is
	 * never higher. Ignored unless own_rlimits_known. */
	bool own_rlimits_known;
	unsigned long long own_hard_rlimits[16];
	void *ud;
};

struct hr_pass_ctx {
	cJSON *spec;
	const struct hr_profile *profile;
	const struct hr_env *env;
	struct hr_findings *findings;
	hr_error *err;
	bool exec; /* an exec'd process (hr_harden_process), not a launch */
};

/* A pass: one hardening concern. Returns 0 (refusals are findings with
 * outcome HR_REFUSED) or HR_E_INVALID for a spec it cannot read. */
typedef int (*hr_pass_fn)(struct hr_pass_ctx *c);

/*
 * Run every control's pass over `spec` (a parsed config.json) in the
 * order of hr_controls (control.h).
 * Findings are appended to *findings. Returns 0 when the spec now meets
 * the profile, HR_E_REFUSED when a pass refused it (the findings with
 * outcome HR_REFUSED say why; the tree is then partly edited and must not
 * be used), or HR_E_INVALID with a message naming the JSON pointer.
 * env may be NULL.
 */
int hr_harden(cJSON *spec, const struct hr_profile *profile, const struct hr_env *env,
	      struct hr_findings *findings, hr_error *err);

/*
 * Harden the process of `runc exec` (a process.json, or one built from
 * exec's flags) under the profile its container was created with: user,
 * no_new_privs, capabilities and rlimits as for a container, and the
 * container's own AppArmor profile and SELinux label (from
 * `container_process`, the process of its hardened spec; NULL if unknown).
 * Each control follows its mode in the profile (the labels the profile's
 * own "mode"): under warn the process is left as it is.
 * env may be NULL. Returns 0, HR_E_REFUSED or HR_E_INVALID like hr_harden.
 */
int hr_harden_process(cJSON *process, const struct hr_profile *profile,
		      const cJSON *container_process, const struct hr_env *env,
		      struct hr_findings *findings, hr_error *err);

/*
 * Clamp the resources of `runc update` (a linux.resources object) to the
 * profile's maxima. Unlike hardening a spec, absent values stay absent and
 * 0 (no change) stays 0: an update only touches what it names, with one
 * exception: a memory limit without memory+swap gets memory+swap equal to
 * it where the host can limit swap (`swap_accounting` > 0). hardrun
 * created the container with memory+swap equal to its limit, so raising
 * the limit alone above it would fail in the kernel. Returns 0 or
 * HR_E_INVALID.
 */
int hr_clamp_update(cJSON *resources, const struct hr_profile *profile, int swap_accounting,
		    struct hr_findings *findings, hr_error *err);

/*
 * What the mode of `control` makes of the findings from index `first` on:
 * under warn each becomes a warning (the caller judged a copy), under
 * refuse each change becomes a refusal naming the control, under harden
 * they stay as they are.
 */
void hr_findings_apply_mode(struct hr_findings *findings, size_t first, enum hr_mode mode,
			    const char *control);

/* Parse config.json text with hr_json_parse, check its top level, harden
 * it and print it. On success *ret_text is the hardened document. */
int hr_harden_text(const char *text, size_t len, const struct hr_profile *profile,
		   const struct hr_env *env, char **ret_text, struct hr_findings *findings,
		   hr_error *err);

/* What host path, if any, the source of a spec's mount names: a bind
 * source, or the device (or image) of a disk file system. */
enum hr_mount_source {
	HR_MOUNT_SOURCE_NONE,
	HR_MOUNT_SOURCE_BIND,
	HR_MOUNT_SOURCE_DEVICE,
};
enum hr_mount_source hr_mount_source_kind(const cJSON *mount);

/* The host directories an overlay option names ("lowerdir=/a:/b" gives
 * /a and /b, "\:" unescaped), or NULL for an option that names none. */
char **hr_overlay_option_paths(const char *opt);
/* `opt` with the directories it names replaced by `paths` (as many),
 * escaped. */
char *hr_overlay_option_with(const char *opt, char *const *paths);

/* Whether the spec gives the container a user namespace (new or joined). */
bool hr_spec_has_userns(const cJSON *spec);

#endif
