/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile images and manifests (issue 20), reader by reader: each shape
 * that made a reader quadratic, unbounded or unsafe, with a generous
 * bound of time (the code before took minutes on each) and the finding
 * it must still make; the path resolver against its bounds and the
 * kernel's rules; one deadline checked by time; findings capped per rule;
 * the ELF reader on headers whose offsets wrap; the output sanitizer; the
 * system calls refused on purpose.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/dangerous.h"
#include "hardrun/dockerfile.h"
#include "hardrun/image.h"
#include "hardrun/rootfs.h"
#include "hardrun/k8s.h"
#include "hardrun/sanitize.h"
#include "hardrun/strmap.h"
#include "helpers.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Each shape below took the code before this test minutes (measured:
 * 56 s to more than 300 s); linear, it takes milliseconds. The bound is
 * generous for a loaded machine and a sanitizer build. */
#define GENEROUS 5.0

static char *repeat(const char *s, size_t times, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	char *r = hr_xmalloc(n * times + t + 1);

	for (size_t i = 0; i < times; i++)
		memcpy(r + i * n, s, n);
	memcpy(r + n * times, tail, t + 1);
	return r;
}

/* --- the readers are linear ------------------------------------------------ */

Test(linear, pem_headers_without_a_body)
{
	/* 1 MiB of headers, then a token: every header used to be read to
	 * the end of the file (132 s). */
	_cleanup_free_ char *t = repeat("-----BEGIN PRIVATE KEY-----\n", (1u << 20) / 28,
					"aws_access_key_id = AKIAABCDEFGHIJKLMNOP\n");
	struct hr_secret_hit hits[HR_SECRET__MAX];
	double t0 = now();
	size_t n = hr_secrets_scan("/etc/app.conf", t, strlen(t), hits, HR_SECRET__MAX);

	cr_expect_lt(now() - t0, GENEROUS, "the scan took %.1f s", now() - t0);
	cr_assert_geq(n, 1);
	cr_expect_eq(hits[0].kind, HR_SECRET_AWS_ACCESS_KEY);
	cr_expect_eq(hits[0].line, (1u << 20) / 28 + 1, "the token's own line");
}

Test(linear, pem_key_after_headers_is_found_at_its_line)
{
	const char *key = "-----BEGIN EC PRIVATE KEY-----\n"
			  "MHcCAQEEIDk0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjoAoGCCqGSM49\n"
			  "-----END EC PRIVATE KEY-----\n";
	_cleanup_free_ char *t = repeat("-----BEGIN RSA PRIVATE KEY-----\n", 10000, key);
	size_t at = 0;

	cr_assert_eq(hr_secret_token_at(t, strlen(t), &at), HR_SECRET_PRIVATE_KEY);
	cr_expect_eq(at, strlen(t) - strlen(key), "the real key, not the first header");
}

Test(linear, passwd_of_newlines)
{
	/* 4 MiB of newlines and no colon: strchr(':') looked to the end
	 * for every line (327 s). */
	_cleanup_free_ char *t = repeat("\n", 4u << 20, "u:x:1000:1000::/:/bin/sh\n");
	double t0 = now();

	cr_expect(hr_passwd_has_uid(t, 1000));
	cr_expect_not(hr_passwd_has_uid(t, 65534));
	cr_expect_lt(now() - t0, GENEROUS, "took %.1f s", now() - t0);
	cr_expect(hr_passwd_has_uid("root:x:0:0::/:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n", 65534));
	cr_expect_not(hr_passwd_has_uid("#x:x:65534:1\nu:x:655340:1\nv:x:4294967296:1\nw:65534:x:1\n", 65534));
}

static void parse_df(const char *text, struct hr_findings *f)
{
	struct hr_dockerfile d;
	hr_error err = { 0 };
	struct hr_profile *p = hrt_profile("restricted");

	cr_assert_eq(hr_dockerfile_parse(text, strlen(text), "Dockerfile", &d, &err), 0, "%s", err.msg);
	hr_dockerfile_rules(&d, p, f);
	hr_dockerfile_done(&d);
	hr_profile_free(p);
}

Test(linear, dockerfile_many_words_many_rm_long_heredoc)
{
	struct hr_findings f = { 0 };
	double t0 = now();
	/* 250,000 words: hr_strv_push counted the vector at every push. */
	_cleanup_free_ char *words = repeat("a ", 250000, "\n");
	_cleanup_free_ char *w = hr_xasprintf("FROM debian:12\nRUN %s", words);
	/* 100,000 rm: each one read every word after it. */
	_cleanup_free_ char *rms = repeat(" rm", 100000, "\n");
	_cleanup_free_ char *r = hr_xasprintf("FROM debian:12\nRUN apt-get install -y curl &&%s", rms);
	/* A heredoc of almost 1 MiB: >300 s. */
	_cleanup_free_ char *body = repeat("apt-get install -y x y z\n", 40000, "EOF\n");
	_cleanup_free_ char *h = hr_xasprintf("FROM debian:12\nRUN <<EOF\n%s", body);

	parse_df(w, &f);
	parse_df(r, &f);
	cr_expect_not_null(hrt_find(&f, "dockerfile.package-cache", NULL), "%s", hrt_findings_text(&f));
	parse_df(h, &f);
	cr_expect_lt(now() - t0, 3 * GENEROUS, "took %.1f s", now() - t0);
	cr_expect_leq(hrt_count(&f, "dockerfile.package-unpinned"), HR_FINDINGS_PER_RULE + 1);
	hr_findings_done(&f);
}

Test(linear, dockerfile_variables_and_stages)
{
	/* Many ARGs before many stages: each stage copied every ARG. */
	struct hr_buf b = { 0 };
	struct hr_findings f = { 0 };
	double t0 = now();

	hr_buf_add(&b, "ARG", 3);
	for (int i = 0; i < 20000; i++) {
		char a[32];
		snprintf(a, sizeof a, " A%d=x", i);
		hr_buf_add(&b, a, strlen(a));
	}
	hr_buf_add(&b, "\n", 1);
	for (int i = 0; i < 5000; i++) {
		char a[64];
		snprintf(a, sizeof a, "FROM scratch AS s%d\nUSER $A%d\n", i, i);
		hr_buf_add(&b, a, strlen(a));
	}
	parse_df(b.s, &f);
	cr_expect_lt(now() - t0, GENEROUS, "took %.1f s", now() - t0);
	free(b.s);
	hr_findings_done(&f);
}

Test(linear, manifest_long_list_and_many_keys)
{
	struct hr_buf b = { 0 };
	cJSON *docs = NULL, *lines = NULL;
	hr_error err = { 0 };
	double t0 = now();

	/* 100,000 items: cJSON_GetArraySize and the line map's lookups
	 * walked the whole collection for every item (190 s). */
	hr_buf_add(&b, "[", 1);
	for (int i = 0; i < 100000; i++)
		hr_buf_add(&b, i ? ",1" : "1", i ? 2 : 1);
	hr_buf_add(&b, "]", 1);
	cr_assert_eq(hr_yaml_parse(b.s, b.n, &hr_yaml_manifest_limits, &docs, &lines, &err), 0, "%s",
		     err.msg);
	cr_expect_eq(cJSON_GetArraySize(cJSON_GetArrayItem(docs, 0)), 100000);
	cJSON_Delete(docs);
	cJSON_Delete(lines);
	/* 50,000 keys: each was looked for among all before it (43 s). */
	b.n = 0;
	hr_buf_add(&b, "{", 1);
	for (int i = 0; i < 50000; i++) {
		char k[32];
		snprintf(k, sizeof k, "%s\"k%d\": 1", i ? "," : "", i);
		hr_buf_add(&b, k, strlen(k));
	}
	hr_buf_add(&b, "}", 1);
	cr_assert_eq(hr_yaml_parse(b.s, b.n, &hr_yaml_manifest_limits, &docs, &lines, &err), 0, "%s",
		     err.msg);
	cJSON_Delete(docs);
	cJSON_Delete(lines);
	cr_expect_lt(now() - t0, GENEROUS, "took %.1f s", now() - t0);
	/* Past the few keys compared one by one, a duplicate is still one. */
	{
		const char *y = "{a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, k: 11, "
				"l: 12, m: 13, n: 14, o: 15, p: 16, q: 17, r: 18, c: 19}";
		cr_expect_eq(hr_yaml_parse(y, strlen(y), &hr_yaml_manifest_limits, &docs, NULL, &err),
			     HR_E_INVALID);
		cr_expect(strstr(err.msg, "duplicate key `c`"), "%s", err.msg);
	}
	free(b.s);
}

/* --- the path resolver ------------------------------------------------------ */

struct tree {
	char *dir;
	struct hr_rootfs r;
};

static void tree_open(struct tree *t)
{
	hr_error err = { 0 };

	t->dir = hrt_mkdtemp();
	cr_assert_eq(chmod(t->dir, 0755), 0); /* an image's root is searchable */
	cr_assert_eq(hr_rootfs_open_path(AT_FDCWD, t->dir, &t->r, &err), 0, "%s", err.msg);
}

static void tree_close(struct tree *t)
{
	hr_rootfs_close(&t->r);
	hrt_rm_rf(t->dir);
	free(t->dir);
}

static void mk(struct tree *t, const char *what, const char *path, const char *target)
{
	_cleanup_free_ char *p = hr_xasprintf("%s%s", t->dir, path);

	if (what[0] == 'd')
		cr_assert_eq(mkdir(p, 0755), 0, "%s", p);
	else if (what[0] == 'f')
		hrt_write_file(p, "x\n");
	else
		cr_assert_eq(symlink(target, p), 0, "%s", p);
}

/* "/a/a/a..." n levels deep below the root, made one level at a time. */
static char *deep(struct tree *t, size_t n)
{
	struct hr_buf b = { 0 };
	int fd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; i < n; i++) {
		int next;
		hr_buf_add(&b, "/a", 2);
		cr_assert_eq(mkdirat(fd, "a", 0755), 0);
		next = openat(fd, "a", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	cr_assert_eq(close(openat(fd, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
	close(fd);
	hr_buf_add(&b, "/f", 2);
	return b.s;
}

Test(resolve, a_path_deeper_than_the_bound_is_refused_not_overflowed)
{
	/* 256 directories and a file: comps[256] was written past its end. */
	struct tree t;
	struct hr_resolved res;
	_cleanup_free_ char *p256 = NULL, *target = NULL;

	tree_open(&t);
	p256 = deep(&t, HR_RESOLVE_MAX_DEPTH + 20);
	mk(&t, "d", "/etc", NULL);
	mk(&t, "l", "/etc/passwd", p256);
	cr_expect_eq(hr_rootfs_resolve(&t.r, "/etc/passwd", NULL, &res), -E2BIG);
	/* Up to the bound it resolves. */
	target = hr_xstrdup(p256);
	for (size_t i = 0, k = 0; target[i]; i++)
		if (target[i] == '/' && ++k == HR_RESOLVE_MAX_DEPTH + 1) {
			strcpy(target + i, "");
			break;
		}
	cr_assert_eq(hr_rootfs_resolve(&t.r, target, NULL, &res), 0, "%s", target);
	cr_expect(S_ISDIR(res.st.st_mode));
	cr_expect_str_eq(res.path, target);
	hr_resolved_done(&res);
	tree_close(&t);
}

Test(resolve, as_the_container_sees_it)
{
	struct tree t;
	struct hr_resolved res;
	struct hr_identity who = { .uid = 1000, .gid = 1000 };

	tree_open(&t);
	mk(&t, "d", "/etc", NULL);
	mk(&t, "f", "/etc/passwd", NULL);
	mk(&t, "d", "/usr", NULL);
	mk(&t, "d", "/usr/lib", NULL);
	mk(&t, "l", "/lib", "usr/lib");
	mk(&t, "l", "/usr/lib/out", "../../../../../etc/passwd");
	mk(&t, "l", "/usr/lib/abs", "/etc");
	mk(&t, "l", "/loop", "loop");
	mk(&t, "d", "/root", NULL);
	mk(&t, "f", "/root/x", NULL);
	{
		_cleanup_free_ char *r = hr_xasprintf("%s/root", t.dir);
		cr_assert_eq(chmod(r, 0700), 0);
	}
	cr_assert_eq(hr_rootfs_resolve(&t.r, "/lib/out", NULL, &res), 0);
	cr_expect_str_eq(res.path, "/etc/passwd", "\"..\" stops at the image's root");
	hr_resolved_done(&res);
	cr_assert_eq(hr_rootfs_resolve(&t.r, "/lib/abs/../usr/./lib//abs/passwd", NULL, &res), 0);
	cr_expect_str_eq(res.path, "/etc/passwd");
	hr_resolved_done(&res);
	cr_expect_eq(hr_rootfs_resolve(&t.r, "/etc/passwd/", NULL, &res), -ENOTDIR,
		     "a file with a slash after it is not a directory");
	cr_expect_eq(hr_rootfs_resolve(&t.r, "/lib/out/", NULL, &res), -ENOTDIR, "nor through a link");
	cr_expect_eq(hr_rootfs_resolve(&t.r, "/loop", NULL, &res), -ELOOP);
	cr_expect_eq(hr_rootfs_resolve(&t.r, "/nothere/x", NULL, &res), -ENOENT);
	cr_assert_eq(hr_rootfs_resolve(&t.r, "/root/x", &who, &res), 0);
	cr_expect_str_eq(res.blocked, "/root", "uid 1000 may not enter /root");
	hr_resolved_done(&res);
	tree_close(&t);
}

Test(resolve, links_with_long_targets_are_bounded)
{
	/* A chain of links, each target 2,000 "./" long: the remaining path
	 * was copied for every component (the PATH search's 63 s). */
	struct tree t;
	struct hr_resolved res;
	_cleanup_free_ char *pad = repeat("./", 2000, "");
	size_t steps = 100;
	double t0 = now();

	tree_open(&t);
	for (int i = 0; i < 40; i++) {
		_cleanup_free_ char *name = hr_xasprintf("/l%d", i);
		_cleanup_free_ char *target = hr_xasprintf("%sl%d", pad, i + 1);
		mk(&t, "l", name, target);
	}
	mk(&t, "d", "/l40", NULL);
	for (int i = 0; i < 1000; i++)
		cr_expect_eq(hr_rootfs_resolve(&t.r, "/l0/x", NULL, &res), -E2BIG);
	cr_expect_lt(now() - t0, GENEROUS, "took %.1f s", now() - t0);
	/* A shared budget of steps runs out across resolutions. */
	cr_expect_eq(hr_rootfs_resolve_steps(&t.r, "/l40", NULL, &steps, &res), 0);
	hr_resolved_done(&res);
	cr_expect_eq(steps, 99);
	steps = 3;
	cr_expect_eq(hr_rootfs_resolve_steps(&t.r, "/l39/x/y", NULL, &steps, &res), -E2BIG);
	cr_expect_eq(steps, 0);
	tree_close(&t);
}

Test(resolve, the_deadline_stops_it)
{
	struct tree t;
	struct hr_resolved res;
	struct hr_image_budget b;

	tree_open(&t);
	mk(&t, "d", "/etc", NULL);
	hr_image_budget_start(&b, 0);
	t.r.budget = &b;
	cr_expect_eq(hr_rootfs_resolve(&t.r, "/etc", NULL, &res), -ETIME);
	cr_expect(b.over);
	t.r.budget = NULL;
	tree_close(&t);
}

/* --- the walk: time, links, caps -------------------------------------------- */

Test(walk, its_deadline_is_time_not_a_count_of_entries)
{
	/* 20 entries: the deadline was looked at every 256 entries only, so
	 * a few slow files (hard links of a quadratic one) ran past it. */
	struct tree t;
	struct hr_image_facts facts;
	struct hr_walk_limits lim = hr_walk_default_limits;
	hr_error err = { 0 };

	tree_open(&t);
	for (int i = 0; i < 20; i++) {
		_cleanup_free_ char *name = hr_xasprintf("/f%d", i);
		mk(&t, "f", name, NULL);
	}
	lim.max_seconds = 0;
	cr_assert_eq(hr_image_walk(&t.r, &lim, &facts, &err), 0, "%s", err.msg);
	cr_assert_not_null(facts.incomplete);
	cr_expect(strstr(facts.incomplete, "took more than 0 seconds"), "%s", facts.incomplete);
	hr_image_facts_done(&facts);
	tree_close(&t);
}

Test(walk, hard_links_are_read_once_and_findings_are_capped)
{
	struct tree t;
	struct hr_image_facts facts;
	struct hr_findings f = { 0 };
	struct hr_image_policy pol = { .audit = HR_IMAGE_AUDIT_WARN, .refuse_at = HR_SEV_HIGH };
	struct hr_image_audit_input in = { .facts = &facts, .passwd = "root:x:0:0::/:/bin/sh\n" };
	_cleanup_free_ char *first = NULL;
	hr_error err = { 0 };

	tree_open(&t);
	mk(&t, "d", "/k", NULL);
	first = hr_xasprintf("%s/k/id.env", t.dir);
	hrt_write_file(first, "DB_PASSWORD=Sup3rS3cretValue\n");
	for (int i = 0; i < 150; i++) {
		_cleanup_free_ char *p = hr_xasprintf("%s/k/l%03d.env", t.dir, i);
		cr_assert_eq(link(first, p), 0);
	}
	for (int i = 0; i < 300; i++) {
		_cleanup_free_ char *p = hr_xasprintf("%s/w%d", t.dir, i);
		hrt_write_file(p, "");
		cr_assert_eq(chmod(p, 06777), 0);
	}
	cr_assert_eq(hr_image_walk(&t.r, NULL, &facts, &err), 0, "%s", err.msg);
	cr_expect_eq(facts.scanned_files, 1 + 0, "151 links of one file: read once (%zu)",
		     facts.scanned_files);
	cr_expect_eq(facts.secret_files + facts.more_secret_files, 151);
	cr_expect_eq(facts.n_writable, HR_FINDINGS_PER_RULE);
	cr_expect_eq(facts.more_writable, 200);
	cr_expect_eq(facts.n_setid + facts.more_setid, 300);
	hr_image_audit_rules(&in, &pol, &f);
	cr_expect_eq(hrt_count(&f, "image.world-writable"), HR_FINDINGS_PER_RULE + 1);
	cr_expect_eq(hrt_count(&f, "image.secret"), HR_FINDINGS_PER_RULE + 1);
	{
		const struct hr_finding *s = NULL;
		for (size_t i = 0; i < f.n; i++)
			if (strcmp(f.v[i].rule->id, "image.world-writable") == 0)
				s = &f.v[i];
		cr_assert_not_null(s);
		cr_expect_str_eq(s->message, "200 more findings of this rule not listed (at most 100 of a rule are)");
		cr_expect_eq(s->stage, HR_STAGE_BUILD);
	}
	hr_findings_done(&f);
	hr_image_facts_done(&facts);
	tree_close(&t);
}

Test(findings, capped_per_rule_with_a_summary_that_keeps_a_refusal)
{
	struct hr_findings f = { 0 };

	for (int i = 0; i < 250; i++)
		cr_expect_eq(hr_finding_add(&f, "image.setuid", i == 240 ? HR_REFUSED : HR_WARNED, "/x", NULL,
					    NULL, NULL, "n%d", i) == NULL,
			     i >= HR_FINDINGS_PER_RULE);
	hr_finding_add(&f, "image.secret", HR_WARNED, "/y", NULL, NULL, NULL, "other rule");
	cr_assert_eq(f.n, HR_FINDINGS_PER_RULE + 2);
	cr_expect_str_eq(f.v[HR_FINDINGS_PER_RULE].message,
			 "150 more findings of this rule not listed (at most 100 of a rule are)");
	cr_expect_eq(f.v[HR_FINDINGS_PER_RULE].outcome, HR_REFUSED, "a refusal is never hidden");
	cr_expect_eq(hr_findings_count(&f, HR_REFUSED), 1);
	hr_findings_done(&f);
}

/* --- ELF ------------------------------------------------------------------- */

static size_t elf64(char *buf, uint64_t phoff, uint64_t offset, uint64_t filesz)
{
	/* Ehdr (64 bytes), one Phdr (56) at phoff, the path after it. */
	memset(buf, 0, 256);
	memcpy(buf, "\177ELF\2\1\1", 7);
	buf[16] = 2;			/* ET_EXEC */
	memcpy(buf + 32, &phoff, 8);	/* e_phoff */
	buf[54] = 56;			/* e_phentsize */
	buf[56] = 1;			/* e_phnum */
	buf[64] = 3;			/* PT_INTERP */
	memcpy(buf + 64 + 8, &offset, 8);
	memcpy(buf + 64 + 32, &filesz, 8);
	strcpy(buf + 120, "/lib/ld.so");
	return 131;
}

Test(elf, offsets_that_wrap_name_no_loader)
{
	char buf[256];
	size_t n;
	char *i;

	n = elf64(buf, 64, 120, 11);
	i = hr_elf_interp(buf, n);
	cr_expect_str_eq(i, "/lib/ld.so");
	free(i);
	/* p_offset + p_filesz wraps around: the read went before buf. */
	n = elf64(buf, 64, UINT64_MAX - 15, 32);
	cr_expect_null(hr_elf_interp(buf, n));
	n = elf64(buf, 64, 120, UINT64_MAX - 100);
	cr_expect_null(hr_elf_interp(buf, n));
	n = elf64(buf, UINT64_MAX - 8, 120, 11);
	cr_expect_null(hr_elf_interp(buf, n));
	n = elf64(buf, 64, 120, 11);
	cr_expect_null(hr_elf_interp(buf, 130), "the path's NUL lies beyond the bytes read");
}

/* --- the output sanitizer ---------------------------------------------------- */

Test(sanitize, text_and_json)
{
	const char *hostile = "a\nb\033]0;pwned\007\xff\xc3\xa9\xe2\x80\xae\xc2\x9b\x7f\\x";
	_cleanup_free_ char *t = hr_text_clean(hostile);
	_cleanup_free_ char *j = NULL;
	cJSON *o = cJSON_CreateObject(), *back;

	cr_expect_str_eq(t, "a\\x0ab\\x1b]0;pwned\\x07\\xff\xc3\xa9\\u202e\\u009b\\x7f\\x");
	cJSON_AddStringToObject(o, "s", hostile);
	j = hr_json_output(o, false);
	cJSON_Delete(o);
	cr_expect_eq(hr_utf8_check(j, strlen(j)), strlen(j), "%s", j);
	cr_expect_str_eq(j, "{\"s\":\"a\\nb\\u001b]0;pwned\\u0007\\ufffd\xc3\xa9\\u202e\\u009b\\u007f\\\\x\"}");
	back = cJSON_Parse(j);
	cr_assert_not_null(back);
	cr_expect_str_eq(cJSON_GetObjectItem(back, "s")->valuestring,
			 "a\nb\033]0;pwned\007\xef\xbf\xbd\xc3\xa9\xe2\x80\xae\xc2\x9b\x7f\\x",
			 "every valid character keeps its value; the invalid byte is U+FFFD");
	cJSON_Delete(back);
}

Test(strmap, keys_of_any_bytes)
{
	struct hr_strmap m = { 0 };
	uintptr_t v = 0;

	for (uintptr_t i = 0; i < 20000; i++) {
		char k[16];
		snprintf(k, sizeof k, "k%lu", (unsigned long)i);
		cr_assert_not(hr_strmap_put(&m, k, strlen(k), i, NULL));
	}
	cr_expect(hr_strmap_put(&m, "k7", 2, 70, &v));
	cr_expect_eq(v, 7);
	cr_expect(hr_strmap_get(&m, "k7", 2, &v));
	cr_expect_eq(v, 70);
	cr_expect_not(hr_strmap_get(&m, "k7\0", 3, &v), "lengths count, not NULs");
	cr_expect_eq(m.n, 20000);
	hr_strmap_done(&m);
}

/* --- the system calls refused on purpose -------------------------------------- */

Test(dangerous, the_table_is_sorted_known_and_refused_by_the_shipped_profiles)
{
	static const char *const shipped[] = { "restricted", "baseline", "strict", "web",
					       "worker",     "build",	 NULL };

	for (size_t i = 0; hr_dangerous_name(i); i++) {
		if (i)
			cr_expect_lt(strcmp(hr_dangerous_name(i - 1), hr_dangerous_name(i)), 0);
		/* umount, vm86 and vm86old exist on i386 only. */
		cr_expect(seccomp_syscall_resolve_name(hr_dangerous_name(i)) != __NR_SCMP_ERROR ||
				  seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, hr_dangerous_name(i)) !=
					  __NR_SCMP_ERROR,
			  "%s is not a system call libseccomp knows", hr_dangerous_name(i));
		cr_expect_not_null(hr_syscall_danger(hr_dangerous_name(i)));
	}
	cr_expect_null(hr_syscall_danger("read"));
	for (size_t i = 0; shipped[i]; i++) {
		struct hr_profile *p = hrt_profile(shipped[i]);
		_cleanup_strv_ char **d = hr_profile_dangerous(p);
		cr_expect_null(d, "%s allows %s", shipped[i], d ? d[0] : "");
		hr_profile_free(p);
	}
	{
		/* debug does, on purpose, and says so (troubleshooting). */
		struct hr_profile *p = hrt_profile("debug");
		cr_expect_null(hr_profile_dangerous(p));
		p->troubleshooting = false;
		_cleanup_strv_ char **d = hr_profile_dangerous(p);
		cr_expect(d && hr_strv_contains(d, "ptrace"));
		/* The same names as looking each allowed one up. */
		for (size_t i = 0; i < p->seccomp.n_allow; i++)
			cr_expect_eq(hr_strv_contains(d, p->seccomp.allow[i]),
				     hr_syscall_danger(p->seccomp.allow[i]) != NULL, "%s",
				     p->seccomp.allow[i]);
		hr_profile_free(p);
	}
	{
		/* The table's first and last names, and names beyond both. */
		struct hr_profile *p = hrt_profile("strict");
		size_t last = 0;
		char aaa[] = "aaa", read[] = "read", zzzz[] = "zzzz";
		char *allow[] = { aaa, (char *)hr_dangerous_name(0), read, NULL, zzzz, NULL };

		while (hr_dangerous_name(last + 1))
			last++;
		allow[3] = (char *)hr_dangerous_name(last);
		hr_strv_free(p->seccomp.allow);
		p->seccomp.allow = hr_strv_copy(allow);
		p->seccomp.n_allow = HR_ARRAY_SIZE(allow) - 1;
		_cleanup_strv_ char **d = hr_profile_dangerous(p);
		cr_assert(d && d[0] && d[1] && !d[2]);
		cr_expect_str_eq(d[0], hr_dangerous_name(0));
		cr_expect_str_eq(d[1], hr_dangerous_name(last));
		hr_profile_free(p);
	}
}
