/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Will a profile really be enforced on this node? The facts that decide
 * it (which runtime, which version, what the kernel offers), what each
 * control of a profile needs from them, and the runtime's known CVEs
 * that could undo a control. `hardrun doctor` prints all of it; a launch
 * uses the same judgement for a profile's "requireEnforced" and to refuse
 * what an exposed runtime's CVEs need.
 *
 * The judgement (src/core/enforce.c) is pure: facts in, statuses and
 * findings out. The facts are gathered by src/host/runtime/host_probe.c.
 */
#ifndef HARDRUN_DOCTOR_H
#define HARDRUN_DOCTOR_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "hardrun/finding.h"
#include "hardrun/profile.h"

/* --- the runtime ------------------------------------------------------- */

enum hr_runtime_kind {
	HR_RT_UNKNOWN, /* its --version said nothing hardrun knows */
	HR_RT_RUNC,
	HR_RT_CRUN,
};

struct hr_runtime_info {
	char *path;
	enum hr_runtime_kind kind;
	char *version;		/* as printed, e.g. "1.1.5+ds1"; NULL if unknown */
	int major, minor, patch; /* of version; -1 if unknown */
	int rc;			/* the N of "-rc.N"; 0 for a release */
	char *commit, *spec, *libseccomp; /* further lines of --version; may be NULL */
	bool seccomp;		/* built with seccomp support, as far as --version says */
	cJSON *features;	/* `RUNTIME features`, where it has one (doctor only) */
	bool cached;		/* the answer came from hardrun's cache */
};
void hr_runtime_info_done(struct hr_runtime_info *r);

/* Parse the text of `RUNTIME --version` into *r (pure). */
void hr_runtime_parse_version(const char *text, struct hr_runtime_info *r);

/*
 * Identify the runtime at `path` by its --version. Only root caches the
 * answer, in hardrun's cache directory (as the profile cache does), keyed
 * by the binary's identity: device, inode, size, modification and change
 * time. A cached answer costs no process; a new binary is asked once.
 * With `features`, also run `RUNTIME features`. Returns 0 (kind
 * HR_RT_UNKNOWN when the runtime said nothing hardrun knows) or a
 * negative errno when it cannot be run.
 */
int hr_runtime_identify(const char *path, bool features, struct hr_runtime_info *r,
			hr_error *err);

/* --- the runtime's known CVEs --------------------------------------------- */

enum hr_cve {
	HR_CVE_2025_31133, /* masked paths undone through a /dev/null symlink */
	HR_CVE_2025_52565, /* /dev/console bind-mount redirected */
	HR_CVE_2025_52881, /* writes to /proc redirected (LSM labels, sysctls) */
	HR_CVE__MAX,
};

struct hr_cve_info {
	const char *id;	      /* "CVE-2025-31133" */
	const char *rule;     /* the rule a launch refusal reports */
	const char *title;    /* what it does, one line */
	const char *fixed_in; /* the runc releases with the fix */
	const char *crun;     /* crun's status */
	const char *refused;  /* what hardrun refuses at launch on an exposed runtime */
};
extern const struct hr_cve_info hr_cves[HR_CVE__MAX];

/* 1 if the runtime lacks the fix for `cve`, 0 if it has it or is not
 * affected, -1 when hardrun cannot tell (an unknown runtime or version). */
int hr_runtime_exposed(const struct hr_runtime_info *r, enum hr_cve cve);

/*
 * What in the spec (a hardened one, about to start) and its image an
 * exposed runtime's CVEs need: /dev, /dev/null, /dev/console, /dev/pts,
 * /dev/ptmx or /proc as symbolic links in the root file system, no /dev
 * tmpfs of its own, a mount over /dev/null, /dev/console or into /proc,
 * shared mount propagation. `is_symlink(ud, path)` says whether a path of
 * the root file system is a symbolic link (1), not (0) or cannot be read
 * (negative: judged as one). For each CVE in `check` (a bit per enum
 * hr_cve) a finding of its rule with `outcome`. Returns the CVEs that
 * found something (a bit each).
 */
unsigned hr_cve_preconditions(const cJSON *spec, unsigned check,
			      int (*is_symlink)(void *ud, const char *path), void *ud,
			      enum hr_outcome outcome, const char *why, struct hr_findings *f);

/* --- the kernel ------------------------------------------------------------ */

struct hr_idmap_fs {
	char *fs_type, *path; /* the file system, and the mount it was tried on */
	int result;	      /* 1 supported, 0 not, negative errno: could not try */
};

struct hr_host_facts {
	char *kernel;
	/* seccomp */
	bool seccomp;	       /* filters at all */
	char **seccomp_actions; /* /proc/sys/kernel/seccomp/actions_avail */
	bool seccomp_notify;
	/* namespaces: which types /proc/self/ns has */
	unsigned ns_available; /* bit per enum hr_ns_type */
	long max_user_namespaces; /* -1 unknown */
	/* cgroups */
	int cgroup_version;	   /* 1, 2, or 3 for hybrid (v1 controllers, v2 mounted too) */
	char **cgroup_controllers; /* that can limit a container */
	int swap_accounting;	   /* as hr_host_swap_accounting */
	/* LSMs */
	bool apparmor, selinux;
	/* Landlock: its ABI version, or a negative errno */
	int landlock_abi;
	/* idmapped mounts per file system type (doctor only) */
	struct hr_idmap_fs *idmap;
	size_t n_idmap;
};
void hr_host_facts_done(struct hr_host_facts *h);

/* Read the kernel's facts (cheap: /proc and /sys). With `idmap_paths`
 * (NULL-terminated, doctor only), also try an idmapped mount of each
 * path's file system and of a new tmpfs: a detached copy, attached
 * nowhere, in a child process. */
void hr_host_facts_probe(struct hr_host_facts *h, char *const *idmap_paths);

/* --- will each control take effect? ---------------------------------------- */

enum hr_enforce_status {
	HR_ENFORCED,
	HR_AT_RISK,	/* enforced, but a CVE of the runtime can undo it */
	HR_NOT_ENFORCED,
	HR_NOT_APPLICABLE, /* the profile asks nothing of it */
};
const char *hr_enforce_status_name(enum hr_enforce_status s);

struct hr_control_status {
	const char *control; /* a control of hr_controls, or "exec.labels" */
	enum hr_enforce_status status;
	char *detail; /* why, one sentence */
};

struct hr_enforcement {
	struct hr_control_status *v;
	size_t n;
	bool enforced; /* every control enforced or not applicable */
};
void hr_enforcement_done(struct hr_enforcement *e);

/*
 * Judge each control of profile `p` against the facts: the runtime `r`
 * (NULL: unknown), run with cgroups managed or not (`cgroups_disabled`,
 * crun's --cgroup-manager=disabled), and the kernel `h`. Pure.
 */
void hr_enforcement_judge(const struct hr_profile *p, const struct hr_runtime_info *r,
			  bool cgroups_disabled, const struct hr_host_facts *h,
			  struct hr_enforcement *ret);

/*
 * The launch's checks, after hardening, before the runtime starts: the
 * CVE preconditions of hr_cve_preconditions on a runtime that is exposed
 * or cannot be told (the runtime is identified only when the spec or its
 * image has one, so a plain create costs no process), and, for a profile
 * with "requireEnforced", every control enforced (rule
 * profile.require-enforced). Findings refuse, or warn under a profile in
 * warn mode. `bundle_dirfd` is the bundle's directory, against which a
 * relative root.path is resolved. Returns 0, or HR_E_REFUSED when a
 * finding refuses.
 */
int hr_launch_checks(const cJSON *spec, int bundle_dirfd, const struct hr_profile *p,
		     const char *runtime, bool cgroups_disabled, struct hr_findings *f,
		     hr_error *err);

/* True when the runtime's global flags turn cgroups off (crun's
 * --cgroup-manager=disabled, in either form). */
bool hr_runtime_args_disable_cgroups(char *const *args);

#endif
