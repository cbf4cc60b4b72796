/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A container hardrun launched, after its launch (pipeline.h): the record
 * of it that exec and update follow (the private bundle's hardened spec
 * and the profile named there), handing the private bundle to the
 * runtime, running the runtime, delete, and the audit record of a launch.
 * The runtime mode's subcommands (src/cli/runtime.c) parse argv, call
 * these and print; exec.h and update.h judge what an exec or update adds.
 */
#ifndef HARDRUN_CONTAINER_H
#define HARDRUN_CONTAINER_H

#include <cjson/cJSON.h>

#include "hardrun/finding.h"
#include "hardrun/hrconfig.h"
#include "hardrun/pbundle.h"
#include "hardrun/pipeline.h"
#include "hardrun/profile.h"
#include "hardrun/runc_argv.h"
#include "hardrun/state.h"

/*
 * What hardrun made of an exec or update: the changes it made (or, under
 * warn, would have made), one line each and in order, for hardrun's own
 * log and the audit log; and, when the call returned HR_E_REFUSED, why
 * (one line, the rule and the fix). Emptied by hr_call_result_done().
 * Notes are added with hr_strv_pushf(&r->notes, ...).
 */
struct hr_call_result {
	char **notes;
	char *refusal;
};
void hr_call_result_done(struct hr_call_result *r);
/* The findings of an exec's process or an update's resources, as notes
 * ("CMD ID: RULE PTR: message"); a warning says it changed nothing. */
void hr_call_result_findings(struct hr_call_result *r, const struct hr_runc_call *call,
			     const struct hr_findings *f);

/*
 * A value of `call` that hardrun cannot check (`what`: "--user x: only
 * numeric uid[:gid] can be checked"): under warn (`mode`) it passes as it
 * is and a note says it went unchecked (0); otherwise HR_E_REFUSED with
 * the refusal naming profile `p` and `hint`.
 */
int hr_call_unreadable(const struct hr_runc_call *call, const struct hr_profile *p,
		       enum hr_mode mode, const char *what, const char *hint,
		       struct hr_call_result *res);

/* Where runtime mode finds its containers. */
struct hr_containers {
	struct hr_state *state; /* open (hr_launch_state_open) */
	const char *root;	/* the runtime's state root (--root), NULL: unknown */
	char *const *dirs;	/* profile directories, in search order */
};

/*
 * The runtime's state root for a call: --root among `global` (the last
 * wins), else the runtime's default (state.h), else NULL. Borrowed.
 */
const char *hr_runtime_root(const char *runtime, char *const *global);

/* Does the runtime with state root `root` hold container `id`? Unknown
 * (root NULL, or the check fails otherwise than ENOENT): yes. */
bool hr_runtime_has(const char *root, const char *id);

/* True when every control of `p`, and p itself, only warns: hardrun then
 * changes nothing on any call (hardrun(1), "Warn mode"). */
bool hr_profile_warn_only(const struct hr_profile *p);

/*
 * The private bundle of container `id`, opened and locked (state.h);
 * pb->root_fd holds the runtime root's directory and is closed with
 * hr_container_record_close(). Returns 0, -ENOENT when hardrun has none,
 * or another negative errno.
 */
int hr_container_open_record(const struct hr_containers *c, const char *id, struct hr_pbundle *pb,
			     hr_error *err);
void hr_container_record_close(struct hr_pbundle *pb);

/*
 * The hardened spec hardrun recorded for container `id` and the profile
 * named in it, for `cmd` (exec, update) to follow. Returns 0 with both
 * set; 0 with *ret_spec NULL when neither hardrun nor the runtime has
 * such a container (the runtime says so); or HR_E_REFUSED with
 * res->refusal when hardrun cannot establish them (a container hardrun
 * cannot place gets nothing new, not a default).
 */
int hr_container_record(const struct hr_containers *c, const char *cmd, const char *id,
			cJSON **ret_spec, struct hr_profile **ret_profile,
			struct hr_call_result *res);

/*
 * The runtime's command to ask it about a container (`state ID`): it,
 * `runtime_args` (hardrun.conf's) and the call's global flags without
 * --log (whose file is the engine's). The strings are copies.
 */
char **hr_runtime_cmd(const struct hr_runc_call *call, const char *runtime,
		      char *const *runtime_args);

/*
 * Run the runtime as `call` now reads, as a child (hardrun has work left
 * after it returns), and wait. Returns 0 with its wait status, or a
 * negative errno when it could not be executed.
 */
int hr_runtime_run(const struct hr_runc_call *call, const char *runtime, char *const *runtime_args,
		   int *ret_wstatus);

/*
 * create, run, restore: point `call` at the private bundle `pb_path`
 * instead of the engine's: --bundle replaced (or added), --config
 * dropped, and --console-socket and --pid-file made absolute from the
 * working directory, as the runtime moves into the bundle.
 */
void hr_container_hand_over(struct hr_runc_call *call, const char *pb_path);

/*
 * After the runtime's create, run or restore of `id` ended with wait
 * status `wstatus`: the private bundle goes if nothing holds the
 * container (the runtime failed and does not have it, or a `run` in the
 * foreground ended), else its pins are unmounted and the hardened spec
 * stays for exec and update.
 */
void hr_container_launched(const struct hr_runc_call *call, const char *root, const char *id,
			   struct hr_pbundle *pb, int wstatus);

/*
 * delete: 0 when hardrun holds nothing of `id` (the caller execs the
 * runtime); else the runtime is run (1, its wait status in *ret_wstatus,
 * or a negative errno when it could not be executed) and the private
 * bundle removed once the runtime no longer holds the container. A
 * failure to remove it is set in `warning`, not returned.
 */
int hr_container_delete(const struct hr_containers *c, const struct hr_runc_call *call,
			const char *runtime, char *const *runtime_args, int *ret_wstatus,
			hr_error *warning);

/*
 * The audit record of a launch (`event`: create, run, restore, direct)
 * or of its refusal ("refused", reason l->refusal), the same in direct
 * and runtime mode: container id, the bundle (as opened, else as named),
 * the spec before and after, profile and how, findings, runtime, and the
 * launch's extra members (image audit, SBOM, tracing). Written to
 * hardrun.conf's audit destinations; returns 0 or a negative errno (a
 * record, not a gate: the caller reports it and goes on).
 */
int hr_launch_audit(const struct hr_config *cfg, const char *event, const char *id,
		    const char *bundle, const char *runtime, const struct hr_launch *l,
		    hr_error *err);
/* The same record, as JSON (for tests). */
cJSON *hr_launch_audit_json(const char *event, const char *id, const char *bundle,
			    const char *runtime, const struct hr_launch *l);

/* The audit record of a change an exec or update (`event`) of `id` was
 * given: `note` as its reason. Returns 0 or a negative errno. */
int hr_container_audit_note(const struct hr_config *cfg, const char *event, const char *id,
			    const char *runtime, const char *note, hr_error *err);

#endif
