/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Numbered golden cases, in the manner of libseccomp's regression tests:
 * tests/golden/NNN-short-name/ holds
 *
 *   input.json     an OCI spec
 *   profile        one line: the name of a profile in profiles/
 *   expected.json  the hardened spec (absent when the spec is refused)
 *   findings.txt   one line per finding: "<outcome> <rule-id> <pointer>",
 *                  the pointer "/" standing for the whole document as in
 *                  the text report; a refused spec lists its refusals only
 *   error.txt      instead of the two above, for input hardrun cannot
 *                  read: text the error message must contain
 *
 * A pointer names the value where the pass that recorded the finding saw
 * it: a tmpfs the rootfs pass later inserts before a mount below it moves
 * that mount, but not the pointers already recorded (see 007 and 021).
 *
 * The host is the fixed fake of helpers.h (hrt_fake_env). Seccomp output
 * depends on the architecture ("native"); the cases were recorded on
 * x86_64, and elsewhere the test is skipped, loudly.
 *
 * Cases are added and never rewritten, except when a profile's behaviour
 * changes on purpose (the commit says why and which findings moved, as
 * when restricted gave every container a user namespace: userns.private
 * and capabilities.userns in, user.root-* out). HARDRUN_GOLDEN_UPDATE=1 writes the
 * expected files of a case that has none yet (a new case); read them
 * before committing, for they are what the code does, not what it should.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hardrun/harden.h"
#include "hardrun/host.h"
#include "helpers.h"

/* Lines of `text` (modified in place); the vector is malloc'd. */
static char **split_lines(char *text, size_t *ret_n)
{
	size_t n = 0, cap = 16;
	char **v = hr_xcalloc(cap, sizeof *v);
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n + 1 >= cap) {
			cap *= 2;
			v = hr_xrealloc(v, cap * sizeof *v);
		}
		v[n++] = l;
	}
	v[n] = NULL;
	*ret_n = n;
	return v;
}

/*
 * A unified-style diff of two texts: lines only in `want` start with -,
 * lines only in `got` with +, two lines of context around each change.
 */
static char *diff_text(const char *want_text, const char *got_text)
{
	_cleanup_free_ char *a_buf = hr_xstrdup(want_text), *b_buf = hr_xstrdup(got_text);
	size_t na, nb;
	_cleanup_free_ char **a = split_lines(a_buf, &na);
	_cleanup_free_ char **b = split_lines(b_buf, &nb);
	_cleanup_free_ unsigned *lcs = hr_xcalloc((na + 1) * (nb + 1), sizeof *lcs);
	_cleanup_free_ char *ops = hr_xcalloc(na + nb + 1, 1);
	_cleanup_free_ const char **lines = hr_xcalloc(na + nb + 1, sizeof *lines);
	size_t i = 0, j = 0, n = 0;
	char *out = hr_xstrdup("");

#define L(x, y) lcs[(x) * (nb + 1) + (y)]
	for (size_t x = na; x-- > 0;)
		for (size_t y = nb; y-- > 0;)
			L(x, y) = strcmp(a[x], b[y]) == 0 ? L(x + 1, y + 1) + 1
				  : L(x + 1, y) > L(x, y + 1) ? L(x + 1, y)
							      : L(x, y + 1);
	while (i < na || j < nb) {
		if (i < na && j < nb && strcmp(a[i], b[j]) == 0) {
			ops[n] = ' ';
			lines[n++] = a[i++];
			j++;
		} else if (i < na && (j == nb || L(i + 1, j) >= L(i, j + 1))) {
			ops[n] = '-';
			lines[n++] = a[i++];
		} else {
			ops[n] = '+';
			lines[n++] = b[j++];
		}
	}
#undef L
	for (size_t k = 0; k < n; k++) {
		bool near = false;
		for (size_t d = k >= 2 ? k - 2 : 0; d <= k + 2 && d < n; d++)
			near |= ops[d] != ' ';
		if (!near)
			continue;
		char *next = hr_xasprintf("%s%c%s\n", out, ops[k], lines[k]);
		free(out);
		out = next;
	}
	return out;
}

struct golden {
	char *dir;
	const char *name;
	bool update;
	size_t failures;
	char *report;
};

static void fail(struct golden *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct golden *g, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	char *next;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	next = hr_xasprintf("%s\n=== golden case %s: %s\n", g->report, g->name, msg);
	free(g->report);
	g->report = next;
	g->failures++;
}

static char *case_file(const struct golden *g, const char *file)
{
	return hr_xasprintf("%s/%s", g->dir, file);
}

static char *findings_lines(const struct hr_findings *f, bool refusals_only)
{
	char *out = hr_xstrdup("");

	for (size_t i = 0; i < f->n; i++) {
		char *next;
		if (refusals_only && f->v[i].outcome != HR_REFUSED)
			continue;
		next = hr_xasprintf("%s%s %s %s\n", out, hr_outcome_name(f->v[i].outcome),
				    f->v[i].rule->id, f->v[i].pointer[0] ? f->v[i].pointer : "/");
		free(out);
		out = next;
	}
	return out;
}

static void write_new(struct golden *g, const char *file, const char *text)
{
	_cleanup_free_ char *path = case_file(g, file);

	hrt_write_file(path, text);
	cr_log_warn("golden case %s: wrote %s; review it before committing", g->name, file);
}

static void run_case(struct golden *g)
{
	_cleanup_free_ char *input_path = case_file(g, "input.json");
	_cleanup_free_ char *profile_path = case_file(g, "profile");
	_cleanup_free_ char *expected_path = case_file(g, "expected.json");
	_cleanup_free_ char *findings_path = case_file(g, "findings.txt");
	_cleanup_free_ char *error_path = case_file(g, "error.txt");
	_cleanup_free_ char *profiles_dir = hrt_src_path("profiles");
	size_t len = 0;
	_cleanup_free_ char *input = hrt_read_file(input_path, &len);
	_cleanup_free_ char *profile_name = hrt_read_file(profile_path, NULL);
	_cleanup_free_ char *expected = hrt_read_file(expected_path, NULL);
	_cleanup_free_ char *want_findings = hrt_read_file(findings_path, NULL);
	_cleanup_free_ char *want_error = hrt_read_file(error_path, NULL);
	_cleanup_free_ char *got_findings = NULL, *got_text = NULL;
	char *dirs[] = { profiles_dir, NULL };
	struct hr_profile *profile = NULL;
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec = NULL;
	bool is_new;
	int r;

	if (!input || !profile_name)
		return fail(g, "needs input.json and profile");
	profile_name[strcspn(profile_name, "\n")] = '\0';
	if (want_error)
		want_error[strcspn(want_error, "\n")] = '\0';
	is_new = !want_findings && !want_error;
	if (hr_profile_load(profile_name, dirs, &profile, &err) < 0)
		return fail(g, "profile `%s`: %s", profile_name, err.msg);

	r = hr_json_parse(input, len, &hr_json_spec_limits, &spec, &err);
	if (r == 0)
		r = hr_harden(spec, profile, &hrt_fake_env, &f, &err);

	if (r == HR_E_INVALID || want_error) {
		if (r != HR_E_INVALID)
			fail(g, "expected an error containing `%s`, but the spec was %s", want_error,
			     r == 0 ? "hardened" : "refused");
		else if (!want_error && !g->update)
			fail(g, "hardrun cannot read the input: %s", err.msg);
		else if (!want_error) {
			_cleanup_free_ char *line = hr_xasprintf("%s\n", err.msg);
			write_new(g, "error.txt", line);
		}
		else if (!strstr(err.msg, want_error))
			fail(g, "error message\n-%s\n+%s", want_error, err.msg);
		goto out;
	}
	if (r != 0 && r != HR_E_REFUSED) {
		fail(g, "hr_harden returned %d: %s", r, err.msg);
		goto out;
	}

	got_findings = findings_lines(&f, r == HR_E_REFUSED);
	if (r == 0) {
		got_text = hr_json_print(spec, true);
		char *with_nl = hr_xasprintf("%s\n", got_text);
		free(got_text);
		got_text = with_nl;
	}
	if (is_new && g->update) {
		if (got_text)
			write_new(g, "expected.json", got_text);
		write_new(g, "findings.txt", got_findings);
		goto out;
	}
	if (!want_findings) {
		fail(g, "findings.txt is missing (a new case? run with HARDRUN_GOLDEN_UPDATE=1)");
		goto out;
	}
	if (strcmp(want_findings, got_findings) != 0) {
		_cleanup_free_ char *d = diff_text(want_findings, got_findings);
		fail(g, "findings differ (-expected +actual):\n%s", d);
	}
	if (r == HR_E_REFUSED && expected) {
		fail(g, "the spec was refused, but expected.json says it is hardened: %s", err.msg);
	} else if (r == 0 && !expected) {
		fail(g, "the spec was hardened, but there is no expected.json (was it refused "
			"before?)");
	} else if (r == 0) {
		/* Both sides go through the parser, so numbers compare alike. */
		cJSON *want = NULL, *got = NULL;
		hr_error perr = { 0 };

		if (hr_json_parse(expected, strlen(expected), &hr_json_spec_limits, &want, &perr) < 0) {
			fail(g, "expected.json: %s", perr.msg);
		} else {
			cr_assert_eq(hr_json_parse(got_text, strlen(got_text), &hr_json_spec_limits,
						   &got, &perr),
				     0, "%s: hardened output does not parse: %s", g->name, perr.msg);
			if (!hr_json_equal(want, got)) {
				_cleanup_free_ char *wt = hr_json_print(want, true);
				_cleanup_free_ char *d = diff_text(wt, got_text);
				fail(g, "hardened spec differs (-expected +actual):\n%s", d);
			}
		}
		cJSON_Delete(want);
		cJSON_Delete(got);
	}
out:
	hr_findings_done(&f);
	hr_profile_free(profile);
	cJSON_Delete(spec);
}

static int is_case(const struct dirent *de)
{
	return strlen(de->d_name) > 4 && de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
	       de->d_name[1] >= '0' && de->d_name[1] <= '9' && de->d_name[2] >= '0' &&
	       de->d_name[2] <= '9' && de->d_name[3] == '-';
}

Test(golden, cases, .timeout = 120)
{
	_cleanup_free_ char *root = hrt_src_path("tests/golden");
	const char *update = getenv("HARDRUN_GOLDEN_UPDATE");
	struct dirent **list = NULL;
	struct golden g = { .report = hr_xstrdup(""), .update = update && strcmp(update, "1") == 0 };
	int n = scandir(root, &list, is_case, alphasort);

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		cr_skip_test("SKIPPED: the golden cases were recorded on x86_64 and their seccomp "
			     "filters name its system calls; record a set for this architecture");
	cr_assert(n >= 0, "cannot list %s: %s", root, strerror(errno));
	cr_assert(n > 0, "no golden cases in %s", root);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			cr_assert(strncmp(list[i]->d_name, list[i - 1]->d_name, 3) != 0,
				  "two golden cases numbered %.3s", list[i]->d_name);
		g.dir = hr_xasprintf("%s/%s", root, list[i]->d_name);
		g.name = list[i]->d_name;
		run_case(&g);
		free(g.dir);
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	cr_assert_eq(g.failures, 0, "%zu of %d golden cases failed:%s", g.failures, n, g.report);
	free(g.report);
}

Test(golden, diff_shows_changes)
{
	char *d = diff_text("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nD\ne\nf\ng\nh\ni\n");

	cr_assert_str_eq(d, " b\n c\n-d\n+D\n e\n f\n g\n h\n+i\n");
	free(d);
}
