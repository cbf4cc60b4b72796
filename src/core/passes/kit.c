/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every control's file shares (pass.h): recording a change, editing
 * an options array, saying why one profile is weaker. Apart from the
 * table of controls (control.c) and from harden.c, which both need the
 * controls, so that the controls need neither.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/json.h"
#include "pass.h"

char *hr_pass_brief(const struct hr_pass_ctx *c, const cJSON *node)
{
	return hr_findings_want_text(c->findings, HR_CHANGED) ? hr_json_brief(node) : NULL;
}

void hr_pass_changed(struct hr_pass_ctx *c, const char *rule, const char *ptr,
		     const char *before, const cJSON *node, const char *fmt, ...)
{
	/* The after-text only where it is kept (changes_summary_only). */
	_cleanup_free_ char *after = hr_pass_brief(c, node);
	va_list ap;

	va_start(ap, fmt);
	(void)hr_finding_addv(c->findings, rule, HR_CHANGED, ptr, before, after, NULL, fmt, ap);
	va_end(ap);
}

bool hr_opts_has(const cJSON *options, const char *opt)
{
	for (const cJSON *o = options ? options->child : NULL; o; o = o->next)
		if (cJSON_IsString(o) && strcmp(o->valuestring, opt) == 0)
			return true;
	return false;
}

bool hr_opts_remove(cJSON *options, const char *opt)
{
	bool removed = false;
	cJSON *o = options->child;

	while (o) {
		cJSON *next = o->next;
		if (cJSON_IsString(o) && strcmp(o->valuestring, opt) == 0) {
			cJSON_Delete(cJSON_DetachItemViaPointer(options, o));
			removed = true;
		}
		o = next;
	}
	return removed;
}

bool hr_opts_add(cJSON *options, const char *opt)
{
	if (hr_opts_has(options, opt))
		return false;
	cJSON_AddItemToArray(options, cJSON_CreateString(opt));
	return true;
}

bool hr_weaker_say(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		(void)vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return true;
}

bool hr_strv_subset(char *const *a, char *const *b, const char **missing)
{
	for (size_t i = 0; a && a[i]; i++)
		if (!hr_strv_contains(b, a[i])) {
			*missing = a[i];
			return false;
		}
	return true;
}

bool hr_optstr_has(const char *opts, const char *opt)
{
	_cleanup_free_ char *copy = hr_xstrdup(opts ? opts : "");
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strcmp(o, opt) == 0)
			return true;
	return false;
}
