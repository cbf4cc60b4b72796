/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json text -> parse -> harden under a shipped profile (while
 * fuzzing, the one the input's hash picks; in the replay, each). For
 * every profile: a spec that hardens must satisfy the monotonicity
 * invariant (invariant.h), print as JSON that reads back the same, and
 * harden again without a change; a refusal must come with a refused
 * finding; invalid input must name the place in an error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hardrun/json.h"
#include "invariant.h"

const char fz_target_name[] = "spec";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_load_profiles();
	return 0;
}

static void check_findings(const struct hr_findings *f, const char *profile)
{
	for (size_t i = 0; i < f->n; i++)
		if (!f->v[i].rule || !f->v[i].pointer || !f->v[i].message || !f->v[i].hint ||
		    !f->v[i].message[0])
			fz_die("profile %s: finding %zu is incomplete", profile, i);
}

/* `in` is the input as parsed, left as it is; hardening works on a copy
 * (cJSON_Duplicate, as hr_harden copies a spec): two of the four parses
 * an execution made were of the same text again, and parsing was the
 * largest single cost of the target. */
static void one_profile(const cJSON *in, const struct fz_profile *fp, int swap)
{
	struct hr_env env = fz_env(swap);
	_cleanup_json_ cJSON *out = NULL, *back = NULL;
	_cleanup_(hr_findings_done) struct hr_findings f = { 0 }, again = { 0 };
	_cleanup_free_ char *printed = NULL;
	hr_error err = { 0 };
	char why[1024];
	int r;

	out = cJSON_Duplicate(in, true);
	if (!out)
		abort();
	r = hr_harden(out, fp->p, &env, &f, &err);
	check_findings(&f, fp->name);
	if (r == HR_E_REFUSED) {
		if (hr_findings_count(&f, HR_REFUSED) == 0)
			fz_die("profile %s: refused without a refused finding", fp->name);
		return;
	}
	if (r == HR_E_INVALID) {
		/* The message locates the problem with a JSON pointer. */
		if (err.msg[0] != '/')
			fz_die("profile %s: an invalid spec's error does not start with a JSON "
			       "pointer: %s",
			       fp->name, err.msg);
		return;
	}
	if (r != 0)
		fz_die("profile %s: hr_harden returned %d (%s)", fp->name, r, err.msg);
	if (hr_findings_count(&f, HR_REFUSED) != 0)
		fz_die("profile %s: accepted with a refused finding", fp->name);
	if (!fz_monotonic(in, out, fp->p, &env, fp->filter, why, sizeof why))
		fz_die("profile %s: %s", fp->name, why);

	/* What the runtime gets must read back as what was checked... */
	printed = hr_json_print(out, false);
	if (hr_json_parse(printed, strlen(printed), &hr_json_spec_limits, &back, &err) < 0)
		fz_die("profile %s: the hardened spec does not parse: %s", fp->name, err.msg);
	if (!hr_json_equal(back, out))
		fz_die("profile %s: the hardened spec reads back differently", fp->name);
	/* ... and hardening it again changes nothing. */
	r = hr_harden(back, fp->p, &env, &again, &err);
	if (r != 0)
		fz_die("profile %s: hardening the hardened spec returned %d: %s", fp->name, r,
		       err.msg);
	if (hr_findings_count(&again, HR_CHANGED) != 0) {
		_cleanup_free_ char *rule = NULL;
		for (size_t i = 0; i < again.n && !rule; i++)
			if (again.v[i].outcome == HR_CHANGED)
				rule = hr_xasprintf("%s at %s: %s", again.v[i].rule->id,
						    again.v[i].pointer, again.v[i].message);
		fz_die("profile %s: not idempotent: %s", fp->name, rule);
	}
	if (!hr_json_equal(back, out))
		fz_die("profile %s: hardening twice changed the spec", fp->name);
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* A launch keeps only a summary of the changes (changes_summary_only):
 * it must harden to the same spec, with the same findings in the same
 * places, and keep the texts of everything it prints (refused, warned). */
static void lean_matches(const cJSON *in, const struct fz_profile *fp, int swap)
{
	struct hr_env env = fz_env(swap);
	_cleanup_json_ cJSON *full = cJSON_Duplicate(in, true), *lean = cJSON_Duplicate(in, true);
	_cleanup_(hr_findings_done) struct hr_findings ff = { 0 },
						       lf = { .changes_summary_only = true };
	hr_error ef = { 0 }, el = { 0 };
	int rf, rl;

	if (!full || !lean)
		abort();
	rf = hr_harden(full, fp->p, &env, &ff, &ef);
	rl = hr_harden(lean, fp->p, &env, &lf, &el);
	if (rf != rl || strcmp(ef.msg, el.msg) != 0)
		fz_die("profile %s: a summary of the changes hardens differently: %d (%s), "
		       "not %d (%s)",
		       fp->name, rl, el.msg, rf, ef.msg);
	if (rf == 0 && !hr_json_equal(full, lean))
		fz_die("profile %s: a summary of the changes hardens to another spec", fp->name);
	if (ff.n != lf.n)
		fz_die("profile %s: %zu findings with a summary of the changes, %zu without",
		       fp->name, lf.n, ff.n);
	for (size_t i = 0; i < ff.n; i++) {
		const struct hr_finding *a = &ff.v[i], *b = &lf.v[i];
		/* A change's texts are not built; a rule's summary of the
		 * findings it did not list keeps its count. */
		bool texts = a->outcome != HR_CHANGED;
		if (a->rule != b->rule || a->outcome != b->outcome ||
		    strcmp(a->pointer, b->pointer) != 0 ||
		    (texts ? !same_text(a->message, b->message) || !same_text(a->before, b->before) ||
				     !same_text(a->after, b->after)
			   : (b->message && !same_text(a->message, b->message)) || b->before ||
				     b->after))
			fz_die("profile %s: finding %zu (%s at %s) differs with a summary of the "
			       "changes",
			       fp->name, i, a->rule->id, a->pointer);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_json_ cJSON *doc = NULL;
	hr_error err = { 0 };

	if (size > hr_json_spec_limits.max_bytes)
		return 0;
	text = fz_text(data, size);
	if (hr_json_parse(text, size, &hr_json_spec_limits, &doc, &err) < 0) {
		if (!err.msg[0])
			fz_die("a parse error without a message");
		return 0;
	}
	fz_load_profiles();
	/* The host can limit swap, cannot, or it is not known: by size, so
	 * that a given input always sees the same host. Under libFuzzer, one
	 * shipped profile per input, by its hash: seven times the executions,
	 * and every profile still judges a seventh of them (hardening under
	 * all seven each time left the campaign at 69 executions a second);
	 * the replay judges every seed and crasher under all seven. */
	if (!fz_replay) {
		one_profile(doc, &fz_profiles[fz_hash(data, size) % fz_profiles_count],
			    (int)(size % 3) - 1);
		return 0;
	}
	/* The replay (every seed, crasher and grown corpus input) also
	 * checks that the same text parses again to an equal tree, and that
	 * a launch's summary of the changes hardens alike (lean_matches). */
	{
		_cleanup_json_ cJSON *again = NULL;
		if (hr_json_parse(text, size, &hr_json_spec_limits, &again, &err) < 0)
			fz_die("a document that parsed once does not parse again: %s", err.msg);
		if (!hr_json_equal(again, doc))
			fz_die("the same text parsed twice gave different trees");
	}
	for (size_t i = 0; i < fz_profiles_count; i++) {
		one_profile(doc, &fz_profiles[i], (int)(size % 3) - 1);
		lean_matches(doc, &fz_profiles[i], (int)(size % 3) - 1);
	}
	return 0;
}
