/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A finding is data: what a policy pass saw, what it did about it and how
 * a user can change that. Reports (text, JSON), logs and exit codes are
 * renderings of the same list.
 */
#ifndef HARDRUN_FINDING_H
#define HARDRUN_FINDING_H

#include "hardrun/util.h"

enum hr_severity {
	HR_SEV_INFO,
	HR_SEV_LOW,
	HR_SEV_MEDIUM,
	HR_SEV_HIGH,
	HR_SEV_CRITICAL,
};

/* Where in the Build -> Ship -> Run -> Deploy pipeline the concern lives. */
enum hr_stage {
	HR_STAGE_BUILD,
	HR_STAGE_SHIP,
	HR_STAGE_RUN,
	HR_STAGE_DEPLOY,
};

enum hr_outcome {
	HR_CHANGED, /* the spec was tightened */
	HR_REFUSED, /* the spec cannot run under the profile */
	HR_WARNED,  /* reported, left as it was */
};

/* A rule: the stable identity behind findings. The table lives in
 * src/core/rules.c and is what the man page's rule list is checked against. */
struct hr_rule {
	const char *id;
	enum hr_severity severity;
	enum hr_stage stage;
	const char *summary; /* what the rule enforces, one line */
	const char *hint;    /* the general way to allow what it restricts */
	/* The pointer of its findings is a path in the image's root file
	 * system (a file the audit found), not a JSON pointer into the spec. */
	bool in_image;
};

extern const struct hr_rule hr_rules[];
extern const size_t hr_rules_count;
/* NULL if unknown. */
const struct hr_rule *hr_rule_find(const char *id);

struct hr_finding {
	const struct hr_rule *rule;
	enum hr_outcome outcome;
	char *pointer; /* JSON pointer into the spec */
	char *before;  /* compact JSON of the old value, NULL if absent */
	char *after;   /* compact JSON of the new value, NULL if removed */
	char *message; /* what happened, one sentence; NULL only for a CHANGED
			* finding of a changes_summary_only list */
	char *hint;    /* how to allow it, one line (defaults to the rule's) */
	enum hr_stage stage; /* where it was found: the rule's stage unless the checker says */
	unsigned line;	     /* for text inputs (a Dockerfile): the line, 1-based; 0 if none */
};

/* Findings of one rule beyond this many in one list are not kept: the
 * last kept one of the rule is followed by a summary finding that counts
 * the rest, so that an input with a million bad entries costs a bounded
 * report, log record and memory. */
#define HR_FINDINGS_PER_RULE 100

struct hr_findings {
	struct hr_finding *v;
	size_t n, cap;
	/* By index into hr_rules, 3 x hr_rules_count: findings kept, findings
	 * not kept, 1 + the index of the rule's summary finding (0: none). */
	size_t *per_rule;
	/* Set by a caller that reads, of CHANGED findings, only what is
	 * counted and where (rule, outcome, pointer, stage, line), as a
	 * launch in mode harden does: their before, after and message are
	 * then not built at all (NULL). REFUSED and WARNED findings are
	 * always complete. hr_harden clears it while a control whose mode is
	 * warn or refuse runs, since its CHANGED findings become WARNED or
	 * REFUSED ones (hr_findings_apply_mode) and are printed. */
	bool changes_summary_only;
};

/* Frees the findings f holds and leaves it empty; NULL-safe. Also the
 * cleanup of a struct hr_findings: _cleanup_(hr_findings_done). */
void hr_findings_done(struct hr_findings *f);

/*
 * Record a finding; before/after are copied, the message is formatted
 * (none of them for a CHANGED finding of a changes_summary_only list).
 * `rule_id` must name a row of hr_rules (an unknown id aborts: it is a bug).
 * hint may be NULL for the rule's general hint. Returns the finding (for
 * the caller to set its stage or line), or NULL when f is NULL or the rule
 * already has HR_FINDINGS_PER_RULE findings in f: then the rule's summary
 * finding counts it (and is refused if any finding it counts is).
 */
struct hr_finding *hr_finding_add(struct hr_findings *f, const char *rule_id, enum hr_outcome outcome,
		    const char *pointer, const char *before, const char *after,
		    const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* hr_finding_add with a va_list. */
struct hr_finding *hr_finding_addv(struct hr_findings *f, const char *rule_id,
				   enum hr_outcome outcome, const char *pointer, const char *before,
				   const char *after, const char *hint, const char *fmt, va_list ap)
	__attribute__((format(printf, 8, 0)));

/* Whether a finding of `outcome` added to f keeps its texts (before,
 * after, message): false when f is NULL (nothing is kept) or when f is
 * changes_summary_only and outcome is HR_CHANGED. A caller that builds a
 * text only for a finding asks this first. */
bool hr_findings_want_text(const struct hr_findings *f, enum hr_outcome outcome);

/* The finding's message, or the rule's summary where none was built
 * (changes_summary_only): what a printer shows. */
const char *hr_finding_message(const struct hr_finding *x);

/* Count `more` findings of rule_id in its summary as if each had been
 * added with that outcome and not kept. */
void hr_findings_count_more(struct hr_findings *f, const char *rule_id, enum hr_outcome outcome,
			    enum hr_stage stage, size_t more);

size_t hr_findings_count(const struct hr_findings *f, enum hr_outcome outcome);

const char *hr_severity_name(enum hr_severity s);
const char *hr_stage_name(enum hr_stage s);
const char *hr_outcome_name(enum hr_outcome o);

#endif
