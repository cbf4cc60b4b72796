/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runc's `update`, judged: its flags (--memory, --memory-swap,
 * --pids-limit, --cpu-share) clamped to the profile's limits and its
 * --resources document to the profile's maxima (hr_clamp_update), under
 * the mode of the resources control, for a container hardrun launched
 * (container.h). The numbers are read the way runc reads them, so the
 * value hardrun checks is the value the runtime applies.
 */
#ifndef HARDRUN_UPDATE_H
#define HARDRUN_UPDATE_H

#include "hardrun/container.h"
#include "hardrun/profile.h"
#include "hardrun/runc_argv.h"

/* Bytes as runc's update flags read them ("512m", "1g", "1024", "2KiB"),
 * rounded down; -1 if not a size. */
double hr_update_parse_ram(const char *s);
/* An int flag as runc reads it (Go's strconv.ParseInt(s, 0, 64)): a sign,
 * then a 0x, 0o, 0b or 0 (octal) prefix, then digits that "_" may
 * separate. False if not such a number. */
bool hr_update_parse_go_int(const char *s, double *ret);
/* A plain decimal number (runc reads --cpu-share with ParseUint base 10). */
bool hr_update_parse_decimal(const char *s, double *ret);

/*
 * The flags of update `call` against profile `p`: a value over the
 * profile's limit is lowered to it (harden), left with a note (warn) or
 * refused (refuse); a value within it is rewritten in the one spelling
 * runc and crun read alike; a new --memory brings --memory-swap along
 * when the host accounts swap (`swap_accounting` > 0). Returns 0, or
 * HR_E_REFUSED with res->refusal (also for a value hardrun cannot read,
 * except under warn).
 */
int hr_update_clamp_flags(struct hr_runc_call *call, const struct hr_profile *p,
			  int swap_accounting, struct hr_call_result *res);

/*
 * The whole update `call`: its flags as above, then its --resources (a
 * file, or "-": standard input, read here) judged by the core and given
 * to the runtime on a new standard input (`--resources -`). Under warn a
 * file is left as named and standard input gets the very bytes read.
 * Returns 0, HR_E_REFUSED with res->refusal, or another negative code
 * with err.
 */
int hr_update_prepare(struct hr_runc_call *call, const struct hr_profile *profile,
		      int swap_accounting, struct hr_call_result *res, hr_error *err);

#endif
