/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages where the caller shows them. An engine passes the runtime
 * `--log FILE --log-format json` and shows the user the last "error"
 * line of that file (containerd) or its text: hardrun's own reasons (a
 * refusal, an error) go there in the runtime's format, and always to
 * stderr.
 */
#ifndef HARDRUN_LOG_H
#define HARDRUN_LOG_H

#include "hardrun/util.h"

struct hr_log {
	const char *path;     /* the runtime log (--log), or NULL */
	bool json;            /* --log-format json */
	const char *own_path; /* hardrun.conf's log file, or NULL */
};

/* level is "error", "warning" or "info". */
void hr_log(const struct hr_log *log, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append one JSON line to `path` only (no stderr). */
void hr_log_to(const char *path, const char *level, const char *msg);

#endif
