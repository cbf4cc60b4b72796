/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renderings of findings: for people (text), for programs (JSON) and for
 * code-scanning dashboards (SARIF 2.1.0). All take the same findings, so
 * what a CI gate sees is what a person reads.
 */
#ifndef HARDRUN_REPORT_H
#define HARDRUN_REPORT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "hardrun/finding.h"
#include "hardrun/profile.h"

enum {
	HR_REPORT_COLOR = 1 << 0,
	HR_REPORT_REFUSALS_ONLY = 1 << 1,
};

/* One line per finding (two for refusals: the reason and the hint). */
void hr_report_text(FILE *out, const struct hr_findings *f, const struct hr_profile *p,
		    unsigned flags);

/* What was checked, for the machine-readable reports. */
struct hr_report_subject {
	const char *input;   /* the file checked, as given */
	const char *kind;    /* "oci-spec", "dockerfile", "kubernetes", ... */
	const struct hr_profile *profile;
	const char *artifact; /* the file the findings point into; NULL: input */
	const char *rootfs;   /* the image's root, for rules in_image; NULL: none */
};

/* {"tool", "profile", "input", "meets", "refused", "summary", "findings"}. */
cJSON *hr_report_json(const struct hr_findings *f, const struct hr_report_subject *s);

/*
 * A SARIF 2.1.0 log with one run: the rules that fired (with their help)
 * and one result per finding, located in its file (the artifact, or the
 * image's file for rules in_image) as a URI the SARIF validator accepts,
 * at its line (line 1 when a finding has none), and by JSON pointer as a
 * logical location, with a partial fingerprint that stays the same from
 * run to run.
 */
cJSON *hr_report_sarif(const struct hr_findings *f, const struct hr_report_subject *s);

/*
 * A unified diff (3 lines of context) of two texts, line by line, with the
 * given labels; nothing when they are equal. Returns the number of changed
 * lines.
 */
size_t hr_diff(FILE *out, const char *a, const char *b, const char *label_a,
	       const char *label_b, bool color);

#endif
