/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/finding.h"

const struct hr_rule *hr_rule_find(const char *id)
{
	/* Every finding asks: the first letter before a call to strcmp. */
	for (size_t i = 0; i < hr_rules_count; i++)
		if (hr_rules[i].id[0] == id[0] && strcmp(hr_rules[i].id, id) == 0)
			return &hr_rules[i];
	return NULL;
}

void hr_findings_done(struct hr_findings *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].pointer);
		free(f->v[i].before);
		free(f->v[i].after);
		free(f->v[i].message);
		free(f->v[i].hint);
	}
	free(f->v);
	free(f->per_rule);
	*f = (struct hr_findings){ 0 };
}

static struct hr_finding *grow(struct hr_findings *f)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = hr_xrealloc(f->v, f->cap * sizeof *f->v);
	}
	return &f->v[f->n++];
}

/* The rule's summary finding, made or updated: how many were not kept. */
static void summarize(struct hr_findings *f, const struct hr_rule *rule, enum hr_outcome outcome,
		      enum hr_stage stage)
{
	size_t k = (size_t)(rule - hr_rules);
	size_t dropped = f->per_rule[hr_rules_count + k];
	size_t *summary = &f->per_rule[2 * hr_rules_count + k];
	struct hr_finding *x;

	if (!*summary) {
		/* Where the kept ones were found (a checker may have set it). */
		for (size_t i = f->n; i > 0; i--)
			if (f->v[i - 1].rule == rule) {
				stage = f->v[i - 1].stage;
				break;
			}
		x = grow(f);
		*x = (struct hr_finding){
			.rule = rule,
			.outcome = outcome,
			.pointer = hr_xstrdup(""),
			.hint = hr_xstrdup(rule->hint),
			.stage = stage,
		};
		*summary = f->n;
	}
	x = &f->v[*summary - 1];
	if (outcome == HR_REFUSED)
		x->outcome = HR_REFUSED;
	free(x->message);
	x->message = hr_xasprintf("%zu more finding%s of this rule not listed (at most %u of a rule "
				  "are)",
				  dropped, dropped == 1 ? "" : "s", HR_FINDINGS_PER_RULE);
}

bool hr_findings_want_text(const struct hr_findings *f, enum hr_outcome outcome)
{
	return f && !(f->changes_summary_only && outcome == HR_CHANGED);
}

const char *hr_finding_message(const struct hr_finding *x)
{
	return x->message ? x->message : x->rule->summary;
}

struct hr_finding *hr_finding_addv(struct hr_findings *f, const char *rule_id,
				   enum hr_outcome outcome, const char *pointer, const char *before,
				   const char *after, const char *hint, const char *fmt, va_list ap)
{
	const struct hr_rule *rule = hr_rule_find(rule_id);
	bool text = hr_findings_want_text(f, outcome);
	struct hr_finding *x;
	size_t k;

	if (!rule)
		abort(); /* every pass names a rule of the table */
	if (!f)
		return NULL;
	if (!f->per_rule)
		f->per_rule = hr_xcalloc(3 * hr_rules_count, sizeof *f->per_rule);
	k = (size_t)(rule - hr_rules);
	if (f->per_rule[k] >= HR_FINDINGS_PER_RULE) {
		f->per_rule[hr_rules_count + k]++;
		summarize(f, rule, outcome, rule->stage);
		return NULL;
	}
	f->per_rule[k]++;
	x = grow(f);
	*x = (struct hr_finding){
		.rule = rule,
		.outcome = outcome,
		.pointer = hr_xstrdup(pointer ? pointer : ""),
		.before = text && before ? hr_xstrdup(before) : NULL,
		.after = text && after ? hr_xstrdup(after) : NULL,
		.hint = hr_xstrdup(hint ? hint : rule->hint),
		.stage = rule->stage,
	};
	if (text && vasprintf(&x->message, fmt, ap) < 0)
		abort();
	return x;
}

struct hr_finding *hr_finding_add(struct hr_findings *f, const char *rule_id,
				  enum hr_outcome outcome, const char *pointer, const char *before,
				  const char *after, const char *hint, const char *fmt, ...)
{
	struct hr_finding *x;
	va_list ap;

	va_start(ap, fmt);
	x = hr_finding_addv(f, rule_id, outcome, pointer, before, after, hint, fmt, ap);
	va_end(ap);
	return x;
}

void hr_findings_count_more(struct hr_findings *f, const char *rule_id, enum hr_outcome outcome,
			    enum hr_stage stage, size_t more)
{
	const struct hr_rule *rule = hr_rule_find(rule_id);

	if (!rule)
		abort();
	if (!f || !more)
		return;
	if (!f->per_rule)
		f->per_rule = hr_xcalloc(3 * hr_rules_count, sizeof *f->per_rule);
	f->per_rule[hr_rules_count + (size_t)(rule - hr_rules)] += more;
	summarize(f, rule, outcome, stage);
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
