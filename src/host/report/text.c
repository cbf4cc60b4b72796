/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text report. Everything in it that comes from the input (pointers,
 * messages naming files and packages, values) goes through the output
 * sanitizer: a newline cannot forge a finding, an escape sequence cannot
 * reach the terminal. Only the colours are hardrun's own sequences.
 */
#include "config.h"

#include <string.h>

#include "hardrun/report.h"
#include "hardrun/sanitize.h"

static const char *sev_color(enum hr_severity s)
{
	switch (s) {
	case HR_SEV_CRITICAL:
	case HR_SEV_HIGH:
		return "\033[31m";
	case HR_SEV_MEDIUM:
		return "\033[33m";
	default:
		return "\033[36m";
	}
}

static void line(FILE *out, const struct hr_finding *x, size_t idw, unsigned flags)
{
	bool color = flags & HR_REPORT_COLOR;
	const char *on = color ? sev_color(x->rule->severity) : "";
	const char *off = color ? "\033[0m" : "";
	bool brief = x->before && x->after && strlen(x->before) <= 24 && strlen(x->after) <= 24;

	fprintf(out, "  %s%-8s%s %-*s ", on, hr_severity_name(x->rule->severity), off, (int)idw,
		x->rule->id);
	hr_fprintf_clean(out, "%s%s: %s",
			 x->outcome == HR_WARNED ? "(warning, nothing changed) " : "",
			 x->pointer[0] ? x->pointer : "/", hr_finding_message(x));
	if (brief)
		hr_fprintf_clean(out, " (%s -> %s)", x->before, x->after);
	fputc('\n', out);
	if (x->outcome == HR_REFUSED) {
		fprintf(out, "  %-8s %-*s hint: ", "", (int)idw, "");
		hr_fputs_clean(x->hint, out);
		fputc('\n', out);
	}
}

void hr_report_text(FILE *out, const struct hr_findings *f, const struct hr_profile *p,
		    unsigned flags)
{
	size_t idw = 0, refused = hr_findings_count(f, HR_REFUSED);
	size_t changed = hr_findings_count(f, HR_CHANGED);

	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->v[i].rule->id) > idw)
			idw = strlen(f->v[i].rule->id);
	if (refused) {
		hr_fprintf_clean(out, "hardrun: refused: the spec cannot run under profile `%s` (%s):",
				 p->name, p->source);
		fputc('\n', out);
		for (size_t i = 0; i < f->n; i++)
			if (f->v[i].outcome == HR_REFUSED)
				line(out, &f->v[i], idw, flags);
		return;
	}
	if (flags & HR_REPORT_REFUSALS_ONLY)
		return;
	size_t warned = hr_findings_count(f, HR_WARNED);
	hr_fprintf_clean(out, "hardrun: profile `%s` (%s): %zu change%s", p->name, p->source, changed,
			 changed == 1 ? "" : "s");
	if (warned)
		fprintf(out, ", %zu warning%s", warned, warned == 1 ? "" : "s");
	fputc('\n', out);
	for (size_t i = 0; p->notes && p->notes[i]; i++) {
		hr_fprintf_clean(out, "  note: %s", p->notes[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < f->n; i++)
		line(out, &f->v[i], idw, flags);
}
