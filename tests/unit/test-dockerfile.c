/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Dockerfile tokenizer on real-world-shaped files (continuations,
 * comments inside them, heredocs, the escape directive, JSON and shell
 * forms, stages) and the rules: the crafted bad Dockerfile trips every
 * rule, the clean multi-stage one none.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/dockerfile.h"
#include "helpers.h"

static void parse(const char *text, struct hr_dockerfile *d)
{
	hr_error err = { 0 };
	cr_assert_eq(hr_dockerfile_parse(text, strlen(text), "Dockerfile", d, &err), 0, "%s", err.msg);
}

static int parse_err(const char *text, hr_error *err)
{
	struct hr_dockerfile d;
	int r = hr_dockerfile_parse(text, strlen(text), "Dockerfile", &d, err);
	if (r == 0)
		hr_dockerfile_done(&d);
	return r;
}

Test(dockerfile, continuations_comments_and_forms)
{
	struct hr_dockerfile d;

	parse("# a comment\n"
	      "FROM debian:12 AS base\n"
	      "RUN apt-get update \\\n"
	      "# a comment inside the instruction\n"
	      "\n"
	      "    && apt-get install -y curl\n"
	      "CMD [\"/bin/app\", \"--flag\"]\n"
	      "ENTRYPOINT [not json\n"
	      "copy --from=base --chown=1:1 /a /b\n",
	      &d);
	cr_assert_eq(d.n, 5);
	cr_expect_str_eq(d.v[1].keyword, "RUN");
	cr_expect_eq(d.v[1].line, 3);
	cr_expect_str_eq(d.v[1].args, "apt-get update     && apt-get install -y curl");
	cr_expect_not_null(d.v[2].json, "exec form");
	cr_expect_str_eq(cJSON_GetArrayItem(d.v[2].json, 1)->valuestring, "--flag");
	cr_expect_null(d.v[3].json, "invalid JSON is shell form, as in BuildKit");
	cr_expect_str_eq(d.v[4].keyword, "COPY", "keywords are case-insensitive");
	cr_expect_str_eq(d.v[4].flags[0], "--from=base");
	cr_expect_str_eq(d.v[4].flags[1], "--chown=1:1");
	cr_expect_str_eq(d.v[4].args, "/a /b");
	cr_expect_eq(d.n_stages, 1);
	cr_expect_str_eq(d.stages[0].name, "base");
	hr_dockerfile_done(&d);
}

Test(dockerfile, escape_directive_and_heredocs)
{
	struct hr_dockerfile d;

	parse("# escape=`\n"
	      "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
	      "RUN dir c:\\ `\n"
	      "    && echo ok\n"
	      "RUN <<EOF bash -e\n"
	      "apt-get update\n"
	      "echo \"<<not a heredoc\"\n"
	      "EOF\n"
	      "COPY <<-ONE <<TWO /etc/\n"
	      "\tfirst\n"
	      "\tONE\n"
	      "second\n"
	      "TWO\n"
	      "RUN [\"echo\", \"<<EOF\"]\n"
	      "USER app\n",
	      &d);
	cr_assert_eq(d.escape, '`');
	cr_assert_eq(d.n, 6);
	cr_expect_str_eq(d.v[1].args, "dir c:\\     && echo ok", "a backslash is text with escape=`");
	cr_expect_str_eq(d.v[2].heredocs[0], "apt-get update\necho \"<<not a heredoc\"\n");
	cr_expect_str_eq(d.v[3].heredocs[0], "first\n", "<<- strips tabs");
	cr_expect_str_eq(d.v[3].heredocs[1], "second\n");
	cr_expect_null(d.v[4].heredocs, "no heredocs in exec form");
	cr_expect_str_eq(d.v[5].keyword, "USER");
	cr_expect_eq(d.v[5].line, 15);
	hr_dockerfile_done(&d);
}

Test(dockerfile, stages_and_variables)
{
	struct hr_dockerfile d;
	bool unresolved = false;
	_cleanup_free_ char *a = NULL, *b = NULL;
	char *assign[] = { (char *)"BASE=debian", (char *)"TAG=12", (char *)"UNSET", NULL };
	struct hr_df_vars global = { 0 }, vars = { .parent = &global };

	parse("ARG BASE=debian TAG\n"
	      "FROM ${BASE}:${TAG:-12} AS build\n"
	      "RUN make\n"
	      "FROM build AS test\n"
	      "FROM scratch\n"
	      "COPY --from=build /out /\n",
	      &d);
	cr_assert_eq(d.n_stages, 3);
	cr_expect_eq(d.stages[1].base, 0, "FROM a stage by name");
	cr_expect_eq(d.stages[2].base, -1);
	cr_expect_str_eq(d.global_args[0], "BASE=debian");
	cr_expect_eq(d.stages[0].first, 2);
	cr_expect_eq(d.stages[0].end, 3);
	hr_dockerfile_done(&d);
	hr_df_vars_from(&global, assign);
	a = hr_df_expand("${BASE}:${TAG:-x}-$MISSING${NONE:+y}$UNSET", &vars, &unresolved);
	cr_expect_str_eq(a, "debian:12-");
	cr_expect(unresolved);
	b = hr_df_expand("\\$HOME", &vars, NULL);
	cr_expect_str_eq(b, "$HOME");
	{
		/* A stage's own definition wins over the global one, later over earlier. */
		_cleanup_free_ char *c = NULL;
		hr_df_vars_set(&vars, "TAG", 3, "13");
		hr_df_vars_set(&vars, "TAG", 3, "14");
		c = hr_df_expand("$BASE:$TAG", &vars, NULL);
		cr_expect_str_eq(c, "debian:14");
	}
	hr_df_vars_done(&vars);
	hr_df_vars_done(&global);
}

Test(dockerfile, shell_words)
{
	_cleanup_strv_ char **w = hr_df_shell_words("a 'b c' \"d \\\"e\\\"\"&&f||g;h | i\n j");
	const char *want[] = { "a", "b c", "d \"e\"", "&&", "f", "||", "g", ";", "h", "|", "i", ";", "j" };

	cr_assert_eq(hr_strv_len(w), HR_ARRAY_SIZE(want));
	for (size_t i = 0; i < HR_ARRAY_SIZE(want); i++)
		cr_expect_str_eq(w[i], want[i]);
}

Test(dockerfile, errors_name_the_line_and_the_fix)
{
	hr_error err = { 0 };

	cr_expect_eq(parse_err("FROM a\nRUNN x\n", &err), HR_E_INVALID);
	cr_expect(strstr(err.msg, "Dockerfile:2: unknown instruction `RUNN`"), "%s", err.msg);
	cr_expect_eq(parse_err("RUN x\nFROM a\n", &err), HR_E_INVALID);
	cr_expect(strstr(err.msg, "Dockerfile:1: RUN before the first FROM"), "%s", err.msg);
	cr_expect_eq(parse_err("FROM a\nRUN <<EOF\necho\n", &err), HR_E_INVALID);
	cr_expect(strstr(err.msg, "Dockerfile:2: heredoc <<EOF is not closed"), "%s", err.msg);
	cr_expect_eq(parse_err("# just a comment\n", &err), HR_E_INVALID);
	cr_expect(strstr(err.msg, "no FROM"), "%s", err.msg);
	cr_expect_eq(parse_err("FROM a b c d\n", &err), HR_E_INVALID);
	cr_expect_eq(parse_err("FROM a\nRUN \xff\n", &err), HR_E_INVALID);
}

static void rules_of(const char *fixture, const char *profile, struct hr_findings *f)
{
	_cleanup_free_ char *path = hrt_src_path("tests/fixtures/dockerfiles/%s", fixture);
	size_t len = 0;
	_cleanup_free_ char *text = hrt_read_file(path, &len);
	struct hr_profile *p = hrt_profile(profile);
	struct hr_dockerfile d;
	hr_error err = { 0 };

	cr_assert_not_null(text, "%s", path);
	cr_assert_eq(hr_dockerfile_parse(text, len, fixture, &d, &err), 0, "%s", err.msg);
	hr_dockerfile_rules(&d, p, f);
	hr_dockerfile_done(&d);
	hr_profile_free(p);
}

static const struct hr_finding *at_line(const struct hr_findings *f, const char *rule,
					unsigned line)
{
	char ptr[32];
	const struct hr_finding *x;

	snprintf(ptr, sizeof ptr, "line %u", line);
	x = hrt_find(f, rule, ptr);
	cr_expect_not_null(x, "no %s at %s in:\n%s", rule, ptr, hrt_findings_text(f));
	if (x) {
		cr_expect_eq(x->line, line);
		cr_expect_eq(x->stage, HR_STAGE_BUILD, "%s is stage build", rule);
	}
	return x;
}

Test(dockerfile_rules, the_bad_dockerfile_trips_every_rule)
{
	struct hr_findings f = { 0 };

	rules_of("bad.Dockerfile", "restricted", &f);
	cr_expect(strstr(at_line(&f, "image.ref-digest", 3)->message, "latest"));
	at_line(&f, "image.secret", 4);	 /* ARG GITHUB_TOKEN */
	at_line(&f, "image.secret", 5);	 /* ENV DB_PASSWORD=... */
	at_line(&f, "dockerfile.add-url", 7);
	at_line(&f, "image.secret", 8);	 /* COPY id_rsa */
	cr_expect(strstr(at_line(&f, "dockerfile.package-unpinned", 9)->message, "curl, gcc, ca-certificates"));
	at_line(&f, "dockerfile.package-cache", 9);
	at_line(&f, "dockerfile.package-unpinned", 12);
	at_line(&f, "dockerfile.package-cache", 12);
	cr_expect(strstr(at_line(&f, "user.root-uid", 13)->message, "USER root"));
	cr_expect(strstr(at_line(&f, "dockerfile.compilers", 9)->message, "single-stage"));
	at_line(&f, "dockerfile.healthcheck", 3);
	cr_expect_eq(f.n, 12, "%s", hrt_findings_text(&f));
	cr_expect_eq(hr_findings_count(&f, HR_WARNED), 12);
	cr_expect_null(strstr(hrt_findings_text(&f), "Sup3rS3cretValue42"), "the value is never shown");
	hr_findings_done(&f);
	/* The profile decides about the user, as for a spec. */
	rules_of("bad.Dockerfile", "baseline", &f);
	cr_expect_eq(hrt_count(&f, "user.root-uid"), 0, "baseline allows root");
	hr_findings_done(&f);
}

Test(dockerfile_rules, clean_multistage_and_real_world_files)
{
	struct hr_findings f = { 0 };

	rules_of("clean-multistage.Dockerfile", "restricted", &f);
	cr_expect_eq(f.n, 0, "%s", hrt_findings_text(&f));
	hr_findings_done(&f);
	rules_of("heredoc-escape.Dockerfile", "restricted", &f);
	cr_expect_eq(f.n, 0, "%s", hrt_findings_text(&f));
	hr_findings_done(&f);
	rules_of("python-app.Dockerfile", "restricted", &f);
	at_line(&f, "image.ref-digest", 1);
	at_line(&f, "user.root-uid", 1);
	at_line(&f, "dockerfile.package-cache", 5); /* pip -r without --no-cache-dir */
	at_line(&f, "dockerfile.healthcheck", 1);
	cr_expect_eq(hrt_count(&f, "dockerfile.package-unpinned"), 0, "-r: versions are in the file");
	cr_expect_eq(f.n, 4, "%s", hrt_findings_text(&f));
	hr_findings_done(&f);
}
