/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runc's `exec`, judged: the process it adds to a container hardrun
 * launched, hardened by the core (hr_harden_process) against the spec and
 * profile recorded for the container (container.h), and handed to the
 * runtime as one whole process it cannot read differently from hardrun.
 */
#ifndef HARDRUN_EXEC_H
#define HARDRUN_EXEC_H

#include <cjson/cJSON.h>

#include "hardrun/container.h"
#include "hardrun/hrconfig.h"
#include "hardrun/profile.h"
#include "hardrun/runc_argv.h"

/*
 * exec's flag form, turned into the process it asks for, the way runc
 * builds it: the container's process `cproc` with the arguments, --cwd,
 * --env (appended), --tty, --user uid[:gid], --additional-gids, --cap
 * (added to every set), --apparmor and --process-label of the command
 * line, which are dropped from `call`. Returns 0 with *ret, or
 * HR_E_REFUSED (res->refusal) for a value that cannot be checked (under
 * the user control's warn: a note, and the value is left out).
 */
int hr_exec_process_from_flags(struct hr_runc_call *call, const struct hr_profile *profile,
			       const cJSON *cproc, struct hr_call_result *res, cJSON **ret);

/*
 * The exec `call` of a container with recorded `spec` and `profile`: its
 * process (--process FILE, or the flags) hardened and passed on as
 * --process=/proc/self/fd/N, a sealed memory file above the descriptors
 * --preserve-fds hands in, which stays open for the runtime. Under a
 * warn-only profile `call` is left as it was and the notes say what would
 * have changed. Returns 0, HR_E_REFUSED with res->refusal, or another
 * negative code with err naming the file or the step.
 */
int hr_exec_prepare(struct hr_runc_call *call, const cJSON *spec, const struct hr_profile *profile,
		    const struct hr_config *cfg, struct hr_call_result *res, hr_error *err);

#endif
