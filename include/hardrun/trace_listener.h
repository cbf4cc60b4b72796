/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's half of denial tracing (trace.h): the listener process that
 * answers the calls the filter routes to it, and how it is started and
 * waited for (src/host/trace/listener.c).
 */
#ifndef HARDRUN_TRACE_LISTENER_H
#define HARDRUN_TRACE_LISTENER_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "hardrun/audit.h"
#include "hardrun/log.h"
#include "hardrun/profile.h"
#include "hardrun/trace.h"
#include "hardrun/trace_listener.h"

/* --- the listener ------------------------------------------------------ */

struct hr_trace_opts {
	enum hr_trace_mode mode;
	const char *container; /* the container id */
	const char *bundle;
	const struct hr_profile *profile; /* for messages: its name, file, allow list */
	struct hr_audit_dest audit;	  /* "denial" records (explaining) */
	/*
	 * Runtime mode: where the engine looks (the runtime log, hardrun's
	 * own log), and the listener detaches: it outlives hardrun, which
	 * execs the runtime, and ends with the container. Direct mode: lines
	 * on hardrun's standard error as they happen and a summary at the
	 * end; hr_trace_finish waits for it.
	 */
	bool detach;
	const struct hr_log *log; /* detached: the runtime's log; may be NULL */
	/* Detached: also write the first denial of each name to the
	 * container's own standard error (what `docker run` and `ctr run`
	 * show), through a duplicate of the calling process's descriptor 2. */
	bool container_stderr;
	bool quiet; /* direct mode: no line per call, only the summary */
};

struct hr_trace;

/*
 * Rewrite the spec's filter (hr_trace_filter) and start the listener on a
 * new socket in a directory only the caller's user can use (for root
 * /run/hardrun/listen). *ret is NULL when there is nothing to trace (no
 * filter, or no name to route). Returns 0,
 * HR_E_REFUSED when the filter cannot be traced (err says why; the spec is
 * unchanged), or a negative errno.
 */
int hr_trace_start(const struct hr_trace_opts *o, cJSON *spec, struct hr_trace **ret,
		   hr_error *err);

/*
 * Direct mode, once the runtime has returned: the container is gone, so
 * the listener answers what is still pending, prints its summary and
 * exits; this waits for it and frees t. *ret_names (optional) receives the
 * names it saw, sorted; NULL if it could not say (it died). Returns 0 or
 * a negative errno.
 */
int hr_trace_finish(struct hr_trace *t, char ***ret_names);

/* Release the caller's side. A detached listener goes on on its own; a
 * direct-mode one that hr_trace_finish did not wait for stops (nothing
 * connected, or the runtime is gone). NULL is fine. */
struct hr_trace *hr_trace_free(struct hr_trace *t);
void hr_trace_freep(struct hr_trace **t);

/* How the launch is traced, as members of its audit record ("trace"). */
void hr_trace_audit_members(const struct hr_trace *t, cJSON *extra);

/* Where listeners put their sockets (hardrun's state directory's
 * "listen"); NULL for the default. */
void hr_trace_set_dir(const char *dir);

#endif
