/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line's glue to tracing (src/core/trace, src/host/trace).
 * Direct mode: --explain, a profile's "explain": true and `hardrun learn`
 * start a listener before the runtime and end it after. Runtime mode: a profile's "explain": true
 * starts a detached listener for `create` and `run`.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"
#include "hardrun/trace.h"
#include "hardrun/trace_listener.h"

/* The process's arguments, shell-like, for the description. */
static char *command_text(const cJSON *spec)
{
	const cJSON *proc = cJSON_GetObjectItemCaseSensitive(spec, "process");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(proc, "args");
	char *s = hr_xstrdup("");

	for (const cJSON *a = args ? args->child : NULL; a; a = a->next) {
		char *t;
		if (!cJSON_IsString(a))
			continue;
		t = hr_xasprintf("%s%s%s", s, *s ? " " : "", a->valuestring);
		free(s);
		s = t;
		if (strlen(s) > 200) {
			t = hr_xasprintf("%.200s ...", s);
			free(s);
			return t;
		}
	}
	return s;
}

int hr_direct_trace_start(const struct hr_direct_opts *o, cJSON *spec,
			  const struct hr_profile *p, const struct hr_config *cfg, const char *id,
			  const char *bundle, const char *runtime, cJSON **extra,
			  struct hr_trace **ret, hr_error *err)
{
	struct hr_trace_opts to = {
		.mode = o->learn ? HR_TRACE_LEARN : HR_TRACE_EXPLAIN,
		.container = id,
		.bundle = bundle,
		.profile = p,
		.audit = { .file = cfg->audit_file, .syslog = cfg->audit_syslog },
		.quiet = o->learn && o->quiet,
	};
	int r;

	*ret = NULL;
	if (!o->learn && !o->explain && !p->explain)
		return 0;
	r = hr_trace_start(&to, spec, ret, err);
	if (r < 0 && !o->learn) {
		/* Explaining is a diagnosis: the run goes on as it would without
		 * it (the spec is as it was). */
		hr_cli_error("warning: denials are not traced: %s", err->msg);
		hr_error_clear(err);
		return 0;
	}
	if (r < 0)
		return hr_err_prefix(err, r, "learn: profile `%s`", p->name);
	if (!*ret) {
		if (o->learn)
			return hr_err(err, HR_E_INVALID,
				      "learn: profile `%s` denies no system call by its seccomp default "
				      "(no filter: is its seccomp control in warn mode?); there is "
				      "nothing to learn (fix: --base a profile that installs a filter)",
				      p->name);
		hr_cli_error("note: profile `%s` installs no seccomp filter: no system call can "
			     "be denied, nothing to explain",
			     p->name);
		return 0;
	}
	if (!*extra)
		*extra = cJSON_CreateObject();
	hr_trace_audit_members(*ret, *extra);
	if (o->learn) {
		o->learn->command = command_text(spec);
		o->learn->runtime = hr_xstrdup(runtime);
		o->learn->profile_name = hr_xstrdup(p->name);
		o->learn->profile_source = hr_xstrdup(p->source ? p->source : p->name);
		hr_cli_error("learn: every system call profile `%s` denies is let through and "
			     "recorded: a learning run is not a security boundary",
			     p->name);
	}
	return 0;
}

void hr_direct_trace_end(const struct hr_direct_opts *o, struct hr_trace *t,
			 const struct hr_profile *p)
{
	_cleanup_strv_ char **names = NULL;

	if (!t)
		return;
	(void)hr_trace_finish(t, &names);
	if (!o->learn || !names)
		return;
	/* A call the profile allows was refused by the spec's own filter:
	 * adding it to the profile would change nothing. */
	o->learn->traced = true;
	o->learn->names = hr_xcalloc(1, sizeof(char *));
	for (size_t i = 0; names[i]; i++)
		hr_strv_push(hr_trace_profile_allows(p, names[i]) ? &o->learn->spec_names
								  : &o->learn->names,
			     names[i]);
}

void hr_runtime_trace_start(cJSON *spec, const struct hr_profile *p, const char *id,
			    const char *bundle, const struct hr_log *log,
			    const struct hr_config *cfg)
{
	struct hr_trace_opts to = {
		.mode = HR_TRACE_EXPLAIN,
		.container = id,
		.bundle = bundle,
		.profile = p,
		.audit = { .file = cfg->audit_file, .syslog = cfg->audit_syslog },
		.detach = true,
		.log = log,
		.container_stderr = true,
	};
	struct hr_trace *t = NULL;
	hr_error err = { 0 };

	if (!p->explain)
		return;
	/* Explaining is a diagnosis: without it the container runs as it
	 * would have (the spec is as it was), and the log says why. */
	if (hr_trace_start(&to, spec, &t, &err) < 0)
		hr_log(log, "warning", "profile `%s` asks to explain denials, but they are not "
				       "traced: %s", p->name, err.msg);
	hr_trace_free(t);
}
