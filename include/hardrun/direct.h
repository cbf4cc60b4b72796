/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct mode's container (`hardrun BUNDLE`): launched by the one
 * pipeline (pipeline.h) into a private bundle, run in the foreground like
 * `runc run` under hardrun's supervision, then deleted from the runtime
 * with its private bundle. The user's bundle is never modified. The CLI
 * (src/cli/direct.c) parses argv, calls these and prints.
 */
#ifndef HARDRUN_DIRECT_H
#define HARDRUN_DIRECT_H

#include "hardrun/hrconfig.h"
#include "hardrun/pipeline.h"
#include "hardrun/select.h"
#include "hardrun/state.h"

/* How long a stopped container's init gets before it is killed. */
#define HR_DIRECT_STOP_GRACE_SECONDS 10

struct hr_direct_launch {
	const char *bundle;
	const struct hr_selection *sel;
	const struct hr_config *cfg;
	const char *runtime;	   /* the runtime's path; NULL: judge only (--dry-run) */
	char *const *runtime_args; /* its global flags */
	const char *id;		   /* the container id */
	struct hr_state *state;	   /* open (hr_launch_state_open), unless judging only */
	/* Called after hardening, before the spec is written (the trace
	 * listener of --explain and learn). May be NULL. */
	int (*before_write)(void *ud, struct hr_launch *l, hr_error *err);
	void *ud;
};

/* A container id of hardrun's own: hardrun-PID-RANDOM. */
void hr_direct_make_id(char *buf, size_t cap);

/*
 * The launch (hr_launch_prepare, direct mode's trust): with a runtime,
 * the private bundle, which records the runtime and its flags so that a
 * later hardrun can delete the container if this one dies; without one,
 * the hardened l->spec only. Returns as hr_launch_prepare.
 */
int hr_direct_prepare(const struct hr_direct_launch *d, struct hr_launch *l, hr_error *err);

/*
 * `runtime FLAGS... run --bundle PRIVATE ID` in the foreground, the
 * signals hardrun gets passed on; a stop request gives the container
 * HR_DIRECT_STOP_GRACE_SECONDS, then `kill ID KILL`. Returns the
 * container's exit status (128+N for signal N), or a negative errno when
 * the runtime could not be started.
 */
int hr_direct_supervise(const struct hr_direct_launch *d, const struct hr_launch *l);

/*
 * Once it ended: `runtime delete --force ID` if the runtime may still
 * hold it (a runtime that was itself killed), and the private bundle
 * removed. Returns 0, or a negative errno with err (a warning: the next
 * launch sweeps what is left).
 */
int hr_direct_cleanup(const struct hr_direct_launch *d, struct hr_launch *l, hr_error *err);

#endif
