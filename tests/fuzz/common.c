/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/sanitize.h"
#include "hardrun/seccomp.h"
#include "fake_env.h"

#ifndef FZ_SRCDIR
#define FZ_SRCDIR "."
#endif

struct fz_profile fz_profiles[] = {
	{ "restricted", NULL, NULL }, { "baseline", NULL, NULL }, { "strict", NULL, NULL },
	{ "web", NULL, NULL },	      { "worker", NULL, NULL },	  { "build", NULL, NULL },
	{ "debug", NULL, NULL },
};
const size_t fz_profiles_count = HR_ARRAY_SIZE(fz_profiles);

bool fz_replay;

/*
 * LeakSanitizer's suppressions for the targets and the replay (read by
 * ASan's and standalone LSan's runtime; without either, unused).
 * libseccomp 2.5.4 (Debian 12) loses two rule nodes in db_rule_add when
 * a rule on a call is added after rules of other actions that compare
 * other arguments of it (crashers/seccomp-import/libseccomp-2.5.4-leaks-
 * rule-nodes.json; a 15-line program calling libseccomp alone, then
 * seccomp_release, leaks the same 192 bytes): its leak, not hardrun's.
 * Debian builds libseccomp without frame pointers, so a leak report's
 * stack ends in its allocator, zmalloc; that is what is suppressed. The
 * only libseccomp context of the targets is the seccomp-import oracle's
 * (installable()), released on its one path; the core under test
 * allocates nothing through libseccomp. Here and not in tests/lsan.supp:
 * that file serves the whole suite, where hardrun's own code compiles
 * filters with libseccomp and a context it loses must still be found,
 * and libFuzzer campaigns run the targets outside make check.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:zmalloc\n";
}

uint32_t fz_hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

const char *fz_srcdir(void)
{
	/* A test harness, not hardrun: the environment only says where the
	 * source tree is. */
	const char *s = getenv("top_srcdir");
	return s && *s ? s : FZ_SRCDIR;
}

_Noreturn void fz_die(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz invariant violated: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

void fz_load_profiles(void)
{
	_cleanup_free_ char *dir = NULL;
	char *dirs[2] = { NULL, NULL };

	if (fz_profiles[0].p)
		return;
	dir = hr_xasprintf("%s/profiles", fz_srcdir());
	dirs[0] = dir;
	for (size_t i = 0; i < fz_profiles_count; i++) {
		hr_error err = { 0 };
		if (hr_profile_load(fz_profiles[i].name, dirs, &fz_profiles[i].p, &err) < 0) {
			fprintf(stderr, "fuzz: cannot load profile %s from %s: %s\n",
				fz_profiles[i].name, dir, err.msg);
			exit(2);
		}
		fz_profiles[i].filter = hr_seccomp_profile_filter(&fz_profiles[i].p->seccomp);
	}
}

struct hr_env fz_env(int swap)
{
	struct hr_env env = hrt_fake_env;

	env.swap_accounting = swap;
	return env;
}

char *fz_text(const uint8_t *data, size_t size)
{
	char *t = hr_xmalloc(size + 1);

	if (size)
		memcpy(t, data, size);
	t[size] = '\0';
	return t;
}

void fz_check_json(const char *text, const char *what)
{
	size_t n = strlen(text), bad = hr_utf8_check(text, n);
	cJSON *j;

	if (bad != n)
		fz_die("%s: invalid UTF-8 at byte %zu", what, bad);
	/* The layout's newlines and tabs, nothing else a terminal acts on. */
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t k = hr_utf8_decode(text + i, n - i, &cp);
		if (hr_char_unsafe(cp) && cp != '\n' && cp != '\t')
			fz_die("%s: character U+%04X at byte %zu", what, (unsigned)cp, i);
		i += k;
	}
	if (!(j = cJSON_Parse(text)))
		fz_die("%s: not JSON: %.200s", what, text);
	cJSON_Delete(j);
}

void fz_check_text(const char *text, const char *what)
{
	size_t n = strlen(text);

	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t k = hr_utf8_decode(text + i, n - i, &cp);
		if (k == 0)
			fz_die("%s: a byte that is not UTF-8 at %zu", what, i);
		if (hr_char_unsafe(cp))
			fz_die("%s: character U+%04X at byte %zu", what, (unsigned)cp, i);
		i += k;
	}
}

void fz_check_findings(const struct hr_findings *f)
{
	size_t *count = hr_xcalloc(hr_rules_count, sizeof *count);

	for (size_t i = 0; i < f->n; i++) {
		size_t k = (size_t)(f->v[i].rule - hr_rules);
		if (k >= hr_rules_count)
			fz_die("finding %zu has no rule of the table", i);
		if (++count[k] > HR_FINDINGS_PER_RULE + 1)
			fz_die("rule %s: %zu findings, more than %u and a summary", hr_rules[k].id,
			       count[k], HR_FINDINGS_PER_RULE);
		_cleanup_free_ char *m = hr_text_clean(f->v[i].message);
		fz_check_text(m, "a finding's message, cleaned");
	}
	free(count);
}
