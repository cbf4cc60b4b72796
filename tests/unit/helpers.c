/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/control.h"
#include "hardrun/host.h"
#include "helpers.h"

/*
 * Criterion counts a skipped test as passed, and so would automake: a
 * tier that skipped itself (the golden cases off x86_64) would look
 * green. When every test that ran passed but some were skipped, the
 * program exits 77 instead, which automake reports as SKIP and a strict
 * run (HARDRUN_TEST_STRICT=1) turns into a failure.
 */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	if (stats->tests_skipped > 0 && stats->tests_failed == 0 && stats->tests_crashed == 0) {
		const char *strict = getenv("HARDRUN_TEST_STRICT");
		fprintf(stderr, "SKIP: %zu of %zu tests skipped themselves%s\n",
			(size_t)stats->tests_skipped, (size_t)stats->nb_tests,
			strict && strcmp(strict, "1") == 0 ? " (HARDRUN_TEST_STRICT=1: a failure)" : "");
		fflush(NULL);
		_exit(strict && strcmp(strict, "1") == 0 ? 1 : 77);
	}
}

const char *hrt_srcdir(void)
{
	const char *s = getenv("top_srcdir");
	return s && *s ? s : ".";
}

char *hrt_src_path(const char *fmt, ...)
{
	_cleanup_free_ char *rel = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&rel, fmt, ap);
	va_end(ap);
	cr_assert(r >= 0);
	return hr_xasprintf("%s/%s", hrt_srcdir(), rel);
}

char *hrt_read_file(const char *path, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t len = 0;

	if (fd < 0 && errno == ENOENT)
		return NULL;
	cr_assert(fd >= 0, "cannot open %s: %s", path, strerror(errno));
	cr_assert(fstat(fd, &st) == 0);
	buf = hr_xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		cr_assert(n > 0, "cannot read %s", path);
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return buf;
}

void hrt_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	cr_assert_not_null(f, "cannot create %s: %s", path, strerror(errno));
	cr_assert(fputs(text, f) >= 0);
	cr_assert(fclose(f) == 0);
}

cJSON *hrt_parse(const char *text)
{
	cJSON *j = NULL;
	hr_error err = { 0 };
	int r = hr_json_parse(text, strlen(text), &hr_json_spec_limits, &j, &err);

	cr_assert_eq(r, 0, "test JSON does not parse: %s", err.msg);
	return j;
}

cJSON *hrt_json(const char *relaxed)
{
	_cleanup_free_ char *text = hr_xstrdup(relaxed);

	for (char *q = text; *q; q++)
		if (*q == '\'')
			*q = '"';
	return hrt_parse(text);
}

void hrt_assert_json(const cJSON *node, const char *relaxed, const char *what)
{
	cJSON *want = hrt_json(relaxed);
	_cleanup_free_ char *got_text = node ? hr_json_print(node, false) : hr_xstrdup("(absent)");
	_cleanup_free_ char *want_text = hr_json_print(want, false);
	bool same = node && hr_json_equal(node, want);

	cJSON_Delete(want);
	cr_assert(same, "%s:\n  got:  %s\n  want: %s", what, got_text, want_text);
}

cJSON *hrt_fixture(const char *name)
{
	_cleanup_free_ char *path = hrt_src_path("tests/fixtures/%s.json", name);
	_cleanup_free_ char *text = hrt_read_file(path, NULL);

	cr_assert_not_null(text, "missing fixture %s", path);
	return hrt_parse(text);
}

struct hr_profile *hrt_profile(const char *name)
{
	_cleanup_free_ char *dir = hrt_src_path("profiles");
	char *dirs[] = { dir, NULL };
	struct hr_profile *p = NULL;
	hr_error err = { 0 };
	int r = hr_profile_load(name, dirs, &p, &err);

	cr_assert_eq(r, 0, "profile %s does not load: %s", name, err.msg);
	return p;
}

void hrt_set_mode(struct hr_profile *p, const char *control, enum hr_mode m)
{
	size_t i = hr_control_index(control);

	cr_assert_neq(i, SIZE_MAX, "no control %s", control);
	p->modes[i] = m;
	p->has_mode[i] = true;
}

cJSON *hrt_at(const cJSON *root, const char *pointer)
{
	const cJSON *cur = root;
	const char *p = pointer;

	if (!*p)
		return (cJSON *)root;
	while (cur && *p == '/') {
		char tok[512];
		size_t n = 0;

		for (p++; *p && *p != '/' && n + 1 < sizeof tok; p++) {
			if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
				tok[n++] = p[1] == '0' ? '~' : '/';
				p++;
			} else {
				tok[n++] = *p;
			}
		}
		tok[n] = '\0';
		if (cJSON_IsArray(cur)) {
			char *end;
			long i = strtol(tok, &end, 10);
			cur = *end || i < 0 ? NULL : cJSON_GetArrayItem(cur, (int)i);
		} else {
			cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
		}
	}
	return *p ? NULL : (cJSON *)cur;
}

bool hrt_has_string(const cJSON *array, const char *s)
{
	for (const cJSON *e = array ? array->child : NULL; e; e = e->next)
		if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
			return true;
	return false;
}

const struct hr_finding *hrt_find(const struct hr_findings *f, const char *rule,
				  const char *pointer)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].rule->id, rule) == 0 &&
		    (!pointer || strcmp(f->v[i].pointer, pointer) == 0))
			return &f->v[i];
	return NULL;
}

size_t hrt_count(const struct hr_findings *f, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].rule->id, rule) == 0)
			n++;
	return n;
}

char *hrt_findings_text(const struct hr_findings *f)
{
	char *out = hr_xstrdup("");

	for (size_t i = 0; i < f->n; i++) {
		char *next = hr_xasprintf("%s  %s %s %s: %s\n", out, hr_outcome_name(f->v[i].outcome),
					  f->v[i].rule->id, f->v[i].pointer, f->v[i].message);
		free(out);
		out = next;
	}
	return out;
}

const struct hr_finding *hrt_expect(const struct hr_findings *f, const char *rule,
				    enum hr_outcome outcome, const char *pointer)
{
	const struct hr_finding *x = hrt_find(f, rule, pointer);

	if (!x || x->outcome != outcome) {
		_cleanup_free_ char *all = hrt_findings_text(f);
		cr_assert_fail("expected %s %s at %s; findings:\n%s", hr_outcome_name(outcome), rule,
			       pointer ? pointer : "(any)", all);
	}
	return x;
}

char *hrt_mkdtemp(void)
{
	char *dir = hr_xstrdup("/tmp/hardrun-test.XXXXXX");

	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	return dir;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

void hrt_rm_rf(const char *path)
{
	if (path)
		(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void hrt_roff_text(FILE *out, const char *s)
{
	bool start = true;
	for (; *s; s++) {
		if (start && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
		start = false;
	}
}
