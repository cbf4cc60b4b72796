/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The launch pipeline, one for every way a container starts (direct
 * mode, runtime mode's create, run and restore) and for `check` and
 * `learn`: read the bundle's spec once, choose the profile, harden it
 * with the host's facts, audit the image, and, unless only judging, make
 * the private bundle the runtime will read (state.h, pin.h). The callers
 * keep argv and output; everything between the spec and the runtime's
 * `--bundle` is here.
 */
#ifndef HARDRUN_PIPELINE_H
#define HARDRUN_PIPELINE_H

#include <cjson/cJSON.h>

#include "hardrun/bundle.h"
#include "hardrun/finding.h"
#include "hardrun/harden.h"
#include "hardrun/hrconfig.h"
#include "hardrun/idrange.h"
#include "hardrun/pin.h"
#include "hardrun/profile.h"
#include "hardrun/select.h"
#include "hardrun/pbundle.h"
#include "hardrun/state.h"

/* Where hardrun records, in the hardened spec, the profile it applied
 * (the file, absolute) and how it was chosen: exec and update of the
 * container follow exactly it. */
#define HR_APPLIED_ANNOTATION "org.hardrun.applied.profile"
#define HR_APPLIED_HOW_ANNOTATION "org.hardrun.applied.how"
/* The engine's bundle the private one was made from (a record). */
#define HR_ENGINE_BUNDLE_ANNOTATION "org.hardrun.bundle"

struct hr_launch;

struct hr_launch_opts {
	const char *bundle;	 /* the bundle directory */
	const char *config;	 /* the spec: NULL for BUNDLE/config.json, else a path
				  * (relative to the working directory, as crun reads
				  * --config) */
	const struct hr_selection *sel;
	const struct hr_config *cfg;
	bool judge_only;	 /* check, --dry-run: nothing is pinned or written */
	enum hr_env_mode mode;	 /* whose trust applies to hooks (harden.h): direct mode's
				  * profile, runtime mode's hardrun.conf; check: either */
	bool image_checks;	 /* the image audit and SBOM of profile and cfg */
	bool restore;		 /* runtime mode's restore: refused unless the profile
				  * allows it (rule process.restore) */
	bool changes_summary_only; /* the caller prints no CHANGED finding (runtime mode:
				    * the audit record counts them, the log shows only
				    * REFUSED and WARNED ones): l->findings keeps only
				    * their rule, outcome and pointer (finding.h) */
	/* For a private bundle (not judge_only): */
	struct hr_state *state;
	const char *runtime_root; /* the runtime's --root, or NULL for its default */
	const char *runtime;	  /* the runtime's path */
	char *const *runtime_cmd; /* it and its global flags: to ask it `state ID` when
				   * runtime_root is unknown */
	const char *id;		  /* the container id */
	char *const *direct;	  /* direct mode: runtime and global flags, recorded so a
				   * later hardrun can delete the container if this one dies */
	/* Called after hardening, before the spec is written (the trace
	 * listener edits the seccomp filter there). May be NULL. */
	int (*before_write)(void *ud, struct hr_launch *l, hr_error *err);
	void *ud;
};

struct hr_launch {
	struct hr_bundle bundle;   /* the input bundle, open */
	char *config_name;	   /* the spec's file name in its directory */
	char *before;		   /* the spec as read */
	cJSON *spec;		   /* as hardened so far */
	char *after;		   /* what the runtime reads (NULL if nothing was written) */
	struct hr_profile *profile;/* NULL if selection failed */
	char *how;		   /* how the profile was chosen */
	struct hr_findings findings;
	cJSON *audit_extra;	   /* SBOM, image audit, tracing: for the audit record */
	char *refusal;		   /* why it was refused, one line; NULL if it was not */
	struct hr_pins pins;	   /* the host paths judged, opened once */
	size_t n_attached;	   /* clones mounted in the private bundle's m/ */
	int root_fd;		   /* the private bundle's runtime root directory */
	char *root_path;
	struct hr_pbundle pb;	   /* the private bundle, published, locked by us */
	bool spec_userns;	   /* the spec as read had a user namespace */
	struct hr_idrange range;   /* the host ids of its own user namespace ... */
	bool has_range;		   /* ... if it has one (recorded in P/userns) */
	char *owner;		   /* KEY/ID: the private bundle's name in STATE/bundles */
};

/*
 * Run the pipeline. Returns 0 with l->pb ready for `--bundle l->pb.path`
 * (or, when judge_only, with the hardened l->spec), HR_E_REFUSED with
 * l->refusal and l->findings saying why (nothing left behind), or another
 * negative code with err set, naming the file and field. l is always
 * filled far enough for hr_launch_done() and an audit record.
 */
int hr_launch_prepare(const struct hr_launch_opts *o, struct hr_launch *l, hr_error *err);
void hr_launch_done(struct hr_launch *l);

/* "refused by hardrun profile `p` (FILE): RULE at PTR: message (hint: ...); ..." */
char *hr_launch_refusal_text(const struct hr_findings *f, const struct hr_profile *p);

/*
 * The state directory for this call: --state-dir or hardrun.conf's
 * stateDir or the default, opened with its trust checks. Also points the
 * profile cache at STATE/cache. Returns 0 or a negative errno.
 */
int hr_launch_state_open(const char *explicit_dir, const struct hr_config *cfg,
			 struct hr_state *st, hr_error *err);

#endif
