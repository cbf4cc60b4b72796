/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Findings that keep only a summary of the changes (finding.h,
 * changes_summary_only), as runtime mode's create asks for: the same
 * findings as a complete list, rule by rule, pointer by pointer, outcome
 * by outcome, but a CHANGED one without its texts, which are then never
 * built; REFUSED and WARNED ones complete.
 *
 * Linked with -Wl,--wrap=hr_json_brief: every brief a pass prints goes
 * through the counter below, so a pass that still prints the text of a
 * change nobody keeps fails a test here.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/harden.h"
#include "hardrun/report.h"
#include "helpers.h"

static size_t briefs;

char *__real_hr_json_brief(const cJSON *node);
char *__wrap_hr_json_brief(const cJSON *node);

char *__wrap_hr_json_brief(const cJSON *node)
{
	briefs++;
	return __real_hr_json_brief(node);
}

struct run {
	int r;
	char *out; /* the hardened document, NULL unless r == 0 */
	struct hr_findings f;
	size_t briefs; /* hr_json_brief calls during the hardening */
};

static void run_done(struct run *x)
{
	free(x->out);
	hr_findings_done(&x->f);
}

static struct run harden(const char *text, const struct hr_profile *p, bool summary)
{
	struct run x = { .f = { .changes_summary_only = summary } };
	hr_error err = { 0 };
	size_t at = briefs;

	x.r = hr_harden_text(text, strlen(text), p, &hrt_fake_env, &x.out, &x.f, &err);
	x.briefs = briefs - at;
	return x;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* `lean` keeps the same findings as `full`: same rules, outcomes,
 * pointers, stages, lines and hints in the same order; a CHANGED one has
 * no texts, a REFUSED or WARNED one the same texts. The hardened
 * documents are the same. */
static void assert_same_but_lean(const struct run *full, const struct run *lean, const char *what)
{
	cr_assert_eq(lean->r, full->r, "%s: hardening returned %d, with full findings %d", what,
		     lean->r, full->r);
	cr_assert(same_text(lean->out, full->out), "%s: the hardened documents differ", what);
	cr_assert_eq(lean->f.n, full->f.n, "%s: %zu findings, with full findings %zu", what,
		     lean->f.n, full->f.n);
	for (enum hr_outcome o = HR_CHANGED; o <= HR_WARNED; o++)
		cr_assert_eq(hr_findings_count(&lean->f, o), hr_findings_count(&full->f, o));
	for (size_t i = 0; i < full->f.n; i++) {
		const struct hr_finding *a = &full->f.v[i], *b = &lean->f.v[i];

		cr_assert_eq(b->rule, a->rule, "%s: finding %zu: %s, with full findings %s", what,
			     i, b->rule->id, a->rule->id);
		cr_assert_eq(b->outcome, a->outcome, "%s: %s: another outcome", what, a->rule->id);
		cr_assert_str_eq(b->pointer, a->pointer, "%s: %s: another pointer", what,
				 a->rule->id);
		cr_assert_eq(b->stage, a->stage);
		cr_assert_eq(b->line, a->line);
		cr_assert_str_eq(b->hint, a->hint);
		cr_assert_not_null(a->message, "%s: %s at %s: a complete finding has a message",
				   what, a->rule->id, a->pointer);
		if (a->outcome == HR_CHANGED) {
			cr_assert(!b->before && !b->after && !b->message,
				  "%s: %s at %s: a change kept its texts (%s)", what, a->rule->id,
				  a->pointer, b->message ? b->message : "before/after");
		} else {
			cr_assert(same_text(b->before, a->before) &&
					  same_text(b->after, a->after) &&
					  same_text(b->message, a->message),
				  "%s: %s %s at %s lost its texts", what,
				  hr_outcome_name(a->outcome), a->rule->id, a->pointer);
		}
	}
}

static int is_case(const struct dirent *de)
{
	return de->d_name[0] >= '0' && de->d_name[0] <= '9';
}

/* Every golden case (hardened, refused, invalid), under its profile. */
Test(findings, summary_of_changes_on_the_golden_specs, .timeout = 120)
{
	_cleanup_free_ char *root = hrt_src_path("tests/golden");
	struct dirent **list = NULL;
	int n = scandir(root, &list, is_case, alphasort);
	size_t changed = 0, refused = 0, warned = 0;

	cr_assert(n > 0, "no golden cases in %s", root);
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *in = hrt_src_path("tests/golden/%s/input.json",
						       list[i]->d_name);
		_cleanup_free_ char *pf = hrt_src_path("tests/golden/%s/profile", list[i]->d_name);
		_cleanup_free_ char *text = hrt_read_file(in, NULL);
		_cleanup_free_ char *name = hrt_read_file(pf, NULL);
		_cleanup_profile_ struct hr_profile *p = NULL;

		cr_assert(text && name, "%s: needs input.json and profile", list[i]->d_name);
		name[strcspn(name, "\n")] = '\0';
		p = hrt_profile(name);
		struct run full = harden(text, p, false), lean = harden(text, p, true);
		assert_same_but_lean(&full, &lean, list[i]->d_name);
		/* Only a refusal's or a warning's texts are printed. */
		if (!hr_findings_count(&full.f, HR_REFUSED) &&
		    !hr_findings_count(&full.f, HR_WARNED))
			cr_assert_eq(lean.briefs, 0, "%s: %zu briefs printed that no finding keeps",
				     list[i]->d_name, lean.briefs);
		changed += hr_findings_count(&full.f, HR_CHANGED);
		refused += hr_findings_count(&full.f, HR_REFUSED);
		warned += hr_findings_count(&full.f, HR_WARNED);
		run_done(&full);
		run_done(&lean);
		free(list[i]);
	}
	free(list);
	/* The cases hold all three kinds, or the comparison proves little. */
	cr_assert(changed > 100 && refused > 10 && warned > 0, "changed %zu refused %zu warned %zu",
		  changed, refused, warned);
}

/* Docker's spec under restricted: dozens of changes, no refusal, and not
 * one brief printed for them. */
Test(findings, no_brief_is_printed_for_a_change)
{
	_cleanup_(hr_json_deletep) cJSON *spec = hrt_fixture("docker-run-default");
	_cleanup_free_ char *text = hr_json_print(spec, false);
	_cleanup_profile_ struct hr_profile *p = hrt_profile("restricted");
	struct run full = harden(text, p, false), lean = harden(text, p, true);

	cr_assert_eq(full.r, 0);
	cr_assert_eq(hr_findings_count(&full.f, HR_REFUSED), 0);
	cr_assert_gt(hr_findings_count(&full.f, HR_CHANGED), 10);
	/* The counter sees the passes' briefs: complete findings print many. */
	cr_assert_gt(full.briefs, 10, "only %zu briefs with full findings", full.briefs);
	cr_assert_eq(lean.briefs, 0, "%zu briefs printed that no finding keeps", lean.briefs);
	assert_same_but_lean(&full, &lean, "docker-run-default");
	run_done(&full);
	run_done(&lean);
}

/* Under warn and refuse a control's changes become WARNED and REFUSED
 * findings, which are printed: they keep every text. */
Test(findings, warn_and_refuse_keep_their_texts)
{
	_cleanup_(hr_json_deletep) cJSON *spec = hrt_fixture("docker-run-default");
	_cleanup_free_ char *text = hr_json_print(spec, false);
	_cleanup_profile_ struct hr_profile *p = hrt_profile("restricted");
	const struct hr_finding *x;

	hrt_set_mode(p, "capabilities", HR_MODE_WARN);
	hrt_set_mode(p, "mounts", HR_MODE_WARN);
	{
		struct run full = harden(text, p, false), lean = harden(text, p, true);
		assert_same_but_lean(&full, &lean, "capabilities and mounts in mode warn");
		x = hrt_expect(&lean.f, "capabilities.drop", HR_WARNED,
			       "/process/capabilities/bounding");
		cr_assert(x->before && x->after && x->message);
		cr_assert_gt(hr_findings_count(&lean.f, HR_CHANGED), 0,
			     "other controls still harden");
		run_done(&full);
		run_done(&lean);
	}
	hrt_set_mode(p, "capabilities", HR_MODE_REFUSE);
	{
		struct run full = harden(text, p, false), lean = harden(text, p, true);
		assert_same_but_lean(&full, &lean, "capabilities in mode refuse");
		cr_assert_eq(lean.r, HR_E_REFUSED);
		x = hrt_expect(&lean.f, "capabilities.drop", HR_REFUSED,
			       "/process/capabilities/bounding");
		cr_assert(x->before && x->after);
		cr_assert(strstr(x->message, "needs a change that mode refuse does not make: ") &&
				  strstr(x->message, "dropped from bounding"),
			  "%s", x->message);
		run_done(&full);
		run_done(&lean);
	}
	/* The caller's request is back after hr_harden. */
	{
		struct run lean = harden(text, p, true);
		cr_assert(lean.f.changes_summary_only);
		run_done(&lean);
	}
}

/* Should a lean list reach a printer after all, it shows the rule's
 * summary where the message was not built, never "(null)". */
Test(findings, printers_take_a_change_without_texts)
{
	_cleanup_(hr_json_deletep) cJSON *spec = hrt_fixture("docker-run-default");
	_cleanup_free_ char *text = hr_json_print(spec, false);
	_cleanup_profile_ struct hr_profile *p = hrt_profile("restricted");
	struct run lean = harden(text, p, true);
	const struct hr_finding *x = hrt_expect(&lean.f, "capabilities.drop", HR_CHANGED,
						"/process/capabilities/bounding");
	struct hr_report_subject subj = { .input = "config.json",
					  .kind = "oci-spec",
					  .profile = p };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	cr_assert_null(x->message);
	cr_assert_str_eq(hr_finding_message(x), x->rule->summary);
	hr_report_text(out, &lean.f, p, 0);
	fclose(out);
	cr_assert(strstr(buf, x->rule->summary), "%s", buf);
	cr_assert_null(strstr(buf, "(null)"), "%s", buf);
	free(buf);
	{
		_cleanup_(hr_json_deletep) cJSON *j = hr_report_json(&lean.f, &subj);
		_cleanup_(hr_json_deletep) cJSON *s = hr_report_sarif(&lean.f, &subj);
		_cleanup_free_ char *jt = hr_json_print(j, false), *st = hr_json_print(s, false);
		cr_assert(strstr(jt, x->rule->summary) && strstr(st, x->rule->summary));
		cr_assert_null(strstr(st, "(null)"));
	}
	run_done(&lean);
}
