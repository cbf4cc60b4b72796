/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/finding.h"

const struct hr_rule *hr_rule_find(const char *id)
{
	for (size_t i = 0; i < hr_rules_count; i++)
		if (strcmp(hr_rules[i].id, id) == 0)
			return &hr_rules[i];
	return NULL;
}

void hr_findings_free(struct hr_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].pointer);
		free(f->v[i].before);
		free(f->v[i].after);
		free(f->v[i].message);
		free(f->v[i].hint);
	}
	free(f->v);
	*f = (struct hr_findings){ 0 };
}

void hr_findings_freep(struct hr_findings *f)
{
	hr_findings_free(f);
}

void hr_finding_add(struct hr_findings *f, const char *rule_id, enum hr_outcome outcome,
		    const char *pointer, const char *before, const char *after,
		    const char *hint, const char *fmt, ...)
{
	const struct hr_rule *rule = hr_rule_find(rule_id);
	struct hr_finding *x;
	va_list ap;

	if (!rule)
		abort(); /* every pass names a rule of the table */
	if (!f)
		return;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = hr_xrealloc(f->v, f->cap * sizeof *f->v);
	}
	x = &f->v[f->n++];
	*x = (struct hr_finding){
		.rule = rule,
		.outcome = outcome,
		.pointer = hr_xstrdup(pointer ? pointer : ""),
		.before = before ? hr_xstrdup(before) : NULL,
		.after = after ? hr_xstrdup(after) : NULL,
		.hint = hr_xstrdup(hint ? hint : rule->hint),
		.stage = rule->stage,
	};
	va_start(ap, fmt);
	if (vasprintf(&x->message, fmt, ap) < 0)
		abort();
	va_end(ap);
}

size_t hr_findings_count(const struct hr_findings *f, enum hr_outcome outcome)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].outcome == outcome)
			n++;
	return n;
}

const char *hr_severity_name(enum hr_severity s)
{
	static const char *const names[] = { "info", "low", "medium", "high", "critical" };
	return (unsigned)s < HR_ARRAY_SIZE(names) ? names[s] : "unknown";
}

const char *hr_stage_name(enum hr_stage s)
{
	static const char *const names[] = { "build", "ship", "run", "deploy" };
	return (unsigned)s < HR_ARRAY_SIZE(names) ? names[s] : "unknown";
}

const char *hr_outcome_name(enum hr_outcome o)
{
	static const char *const names[] = { "changed", "refused", "warned" };
	return (unsigned)o < HR_ARRAY_SIZE(names) ? names[o] : "unknown";
}
