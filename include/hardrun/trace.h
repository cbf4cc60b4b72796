/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Denial tracing (`--explain`, a profile's "explain": true) and learning
 * (`hardrun learn`), both through seccomp user notification.
 *
 * The filter keeps its verdicts. Calls it allows stay SCMP_ACT_ALLOW
 * rules and never reach hardrun; calls refused by an explicit rule (clone3
 * answered ENOSYS) keep that rule. Only the calls its default action
 * refuses are routed (SCMP_ACT_NOTIFY) to a listener process hardrun
 * runs. Explaining, the listener answers each with the errno the default
 * action would have returned, and records it; learning, it lets the call
 * proceed (SECCOMP_USER_NOTIF_FLAG_CONTINUE) and records it. If the
 * listener is gone, the kernel fails routed calls with ENOSYS: a routed
 * call is never allowed by accident.
 *
 * Pure parts (the filter rewrite, the table of denials, the messages and
 * the learned profile; src/core/trace/filter.c, src/core/trace/denials.c) do no
 * I/O. The listener and how it is started (trace_listener.h) are in
 * src/host/trace/listener.c.
 * The process model is described in hardrun(1), DENIAL TRACING.
 */
#ifndef HARDRUN_TRACE_H
#define HARDRUN_TRACE_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "hardrun/profile.h"

enum hr_trace_mode {
	HR_TRACE_EXPLAIN, /* answer as the filter would, and report */
	HR_TRACE_LEARN,	  /* let the call proceed, and record it */
};

/* System call numbers scanned per architecture for the names to route:
 * every table libseccomp has for the architectures hardrun runs on ends
 * well below it (the scan asks libseccomp, it holds no table of its own). */
#define HR_TRACE_MAX_NR 8192

struct hr_trace_routing {
	size_t routed;	/* names routed to the listener (0: nothing to trace) */
	int deny_errno; /* what the default action answers them */
};

/*
 * Route the calls that the spec's seccomp filter (linux.seccomp, already
 * hardened) refuses by its default action to the listener at
 * `listener_path`: one SCMP_ACT_NOTIFY rule naming every system call
 * libseccomp knows for the filter's architectures that no rule names
 * (`write` excepted: runtimes refuse to route it). Nothing else changes.
 * A spec without a filter is left alone (routed 0). Returns 0,
 * HR_E_REFUSED when the filter cannot be traced (a default action that
 * kills or traps, which a listener cannot reproduce; a listener of the
 * spec's own), with the reason in err, or HR_E_INVALID.
 */
int hr_trace_filter(cJSON *spec, const char *listener_path, struct hr_trace_routing *ret,
		    hr_error *err);

/* --- the table of denials ---------------------------------------------- */

struct hr_denial {
	char *name;	  /* as libseccomp names it for `arch` */
	uint32_t arch;	  /* AUDIT_ARCH_* of the call */
	uint64_t args[6]; /* the first call's arguments */
	long pid;	  /* the first caller, as hardrun sees it (host pid) */
	long ns_pid;	  /* the same in the container's pid namespace; 0 if unknown */
	uint64_t count;
};

/* At most this many distinct names are kept; more are only counted. */
#define HR_DENIALS_MAX 2048

struct hr_denials {
	struct hr_denial *v;
	size_t n, cap;
	uint64_t dropped; /* calls not kept because the table was full */
};

/*
 * Count one call of `name`. Returns its entry (*ret_first is set when
 * this is the first call of that name, whose pid and arguments are kept),
 * or NULL when the table is full. `name` is copied.
 */
struct hr_denial *hr_denials_add(struct hr_denials *d, const char *name, uint32_t arch,
				 const uint64_t args[6], long pid, long ns_pid, bool *ret_first);
void hr_denials_done(struct hr_denials *d);
/* The kept names, sorted (a NULL-terminated vector of copies). */
char **hr_denials_names(const struct hr_denials *d);

/* Whether profile `p` itself allows `name` (its allow list or a rule
 * naming it): if so, what refused the call is a filter of the spec's own
 * that hardrun kept (rule seccomp.merge), and changing the profile does
 * not help. */
bool hr_trace_profile_allows(const struct hr_profile *p, const char *name);

/* The one-line profile change that allows `names` (sorted):
 * "seccomp": {"allow": {"add": ["keyctl"]}}. malloc'd. */
char *hr_trace_fix(char *const *names);

/*
 * The message for the first call of one name, one line without a
 * trailing newline: what was called, by whom, what answered, under which
 * profile and rule, and the change that would allow it. `container` may
 * be NULL. malloc'd.
 */
char *hr_denial_message(const struct hr_denial *x, enum hr_trace_mode mode, const char *container,
			const struct hr_profile *p, int deny_errno);

/* The denial as members of an audit record: syscall, arch, args, pid,
 * containerPid, count, errno, deniedBy, rule, fix. */
cJSON *hr_denial_json(const struct hr_denial *x, const struct hr_profile *p, int deny_errno);

/* What the run was denied (or, learning, used), as lines that each
 * start with `prefix`, ending with the change that allows them all. */
char *hr_denials_summary(const struct hr_denials *d, enum hr_trace_mode mode, const char *prefix,
			 const char *container, const struct hr_profile *p);

/*
 * The profile `hardrun learn` writes: {"description", "extends",
 * "seccomp": {"allow": {"add": names}}}. `names` may be empty.
 */
cJSON *hr_trace_learned_profile(const char *extends, char *const *names, const char *description);

#endif
