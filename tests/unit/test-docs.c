/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The documentation is checked against the code: every rule id, every
 * profile key, every option and exit status the code knows must appear in
 * the man pages (as a term, not just as a word somewhere), and README.md's
 * quick start must be the two commands CI runs.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/control.h"
#include "hardrun/fields.h"
#include "hardrun/finding.h"
#include "hardrun/harden.h"
#include "hardrun/hrconfig.h"
#include "hardrun/profile.h"
#include "helpers.h"

static char *doc(const char *rel)
{
	_cleanup_free_ char *path = hrt_src_path("%s", rel);
	char *text = hrt_read_file(path, NULL);

	cr_assert_not_null(text, "%s is missing", rel);
	return text;
}

/* `term` set as a man page term: one of the words of a ".B", ".BR",
 * ".BI" or ".SS" line (for .BR/.BI, the bold ones alternate with others,
 * which is close enough), or "\fBterm\f" inline. */
static bool man_has_term(const char *man, const char *term)
{
	static const char *const macros[] = { ".B ", ".BR ", ".BI ", ".SS " };
	_cleanup_free_ char *inline_form = hr_xasprintf("\\fB%s\\f", term);
	size_t tlen = strlen(term);

	if (strstr(man, inline_form))
		return true;
	for (const char *line = man; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		bool macro = false;

		for (size_t i = 0; i < HR_ARRAY_SIZE(macros); i++)
			macro |= strncmp(line, macros[i], strlen(macros[i])) == 0;
		if (!macro)
			continue;
		for (const char *w = strchr(line, ' '); w && w < line + len;) {
			size_t wl;
			while (w < line + len && (*w == ' ' || *w == '"'))
				w++;
			wl = strcspn(w, " \"\n");
			while (wl > 0 && strchr(",.;:", w[wl - 1]))
				wl--;
			if (wl == tlen && strncmp(w, term, tlen) == 0)
				return true;
			w += wl ? wl : 1;
			while (w < line + len && strchr(",.;:", *w))
				w++;
		}
	}
	return false;
}

Test(docs, every_rule_id_is_documented)
{
	_cleanup_free_ char *man = doc("man/hardrun.1");
	_cleanup_free_ char *readme = doc("README.md");

	for (size_t i = 0; i < hr_rules_count; i++) {
		_cleanup_free_ char *code = hr_xasprintf("`%s`", hr_rules[i].id);
		cr_expect(man_has_term(man, hr_rules[i].id), "hardrun.1 lacks the term %s",
			  hr_rules[i].id);
		cr_expect_not_null(strstr(readme, code), "README.md lacks %s", code);
	}
}

static void expect_keys(const cJSON *node, const char *man, const char *where)
{
	for (const cJSON *c = node ? node->child : NULL; c; c = c->next) {
		if (c->string) {
			_cleanup_free_ char *ptr = hr_json_ptr(where, c->string);
			cr_expect(man_has_term(man, c->string),
				  "hardrun-profile.5 lacks the key %s (at %s)", c->string, ptr);
			expect_keys(c, man, ptr);
		} else if (cJSON_IsObject(c)) {
			expect_keys(c, man, where);
		}
	}
}

Test(docs, every_profile_key_is_documented)
{
	_cleanup_free_ char *man = doc("man/hardrun-profile.5");
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *shown = hr_profile_to_json(p);

	/* hr_profile_to_json writes every member of the language. */
	expect_keys(shown, man, "");
	cr_expect(man_has_term(man, "extends"), "hardrun-profile.5 lacks the key extends");
	cr_expect(man_has_term(man, "add"), "hardrun-profile.5 lacks the delta key add");
	cr_expect(man_has_term(man, "remove"), "hardrun-profile.5 lacks the delta key remove");
	cJSON_Delete(shown);
	hr_profile_free(p);
}

Test(docs, every_config_key_is_documented)
{
	_cleanup_free_ char *man = doc("man/hardrun.conf.5");

	for (size_t i = 0; hr_config_keys[i]; i++)
		cr_expect(man_has_term(man, hr_config_keys[i]), "hardrun.conf.5 lacks the key %s",
			  hr_config_keys[i]);
}

Test(docs, every_shipped_profile_is_documented)
{
	static const char *const shipped[] = { "restricted", "baseline", "strict" };
	_cleanup_free_ char *man = doc("man/hardrun-profile.5");
	_cleanup_free_ char *readme = doc("README.md");

	for (size_t i = 0; i < HR_ARRAY_SIZE(shipped); i++) {
		_cleanup_free_ char *path = hrt_src_path("profiles/%s.json", shipped[i]);
		_cleanup_free_ char *text = hrt_read_file(path, NULL);
		_cleanup_free_ char *code = hr_xasprintf("`%s`", shipped[i]);
		cr_assert_not_null(text, "profiles/%s.json is missing", shipped[i]);
		cr_expect(man_has_term(man, shipped[i]), "hardrun-profile.5 lacks %s", shipped[i]);
		cr_expect_not_null(strstr(readme, code), "README.md lacks %s", code);
	}
}

Test(docs, every_option_and_exit_status_is_documented)
{
	_cleanup_free_ char *man = doc("man/hardrun.1");
	_cleanup_free_ char *readme = doc("README.md");
	const char *bin = getenv("HARDRUN");
	_cleanup_free_ char *cmd = hr_xasprintf("%s help", bin ? bin : "./hardrun");
	char line[512];
	size_t n = 0;
	FILE *help = popen(cmd, "r");

	cr_assert_not_null(help);
	while (fgets(line, sizeof line, help)) {
		char *p = line;
		while ((p = strstr(p, "--"))) {
			char opt[64];
			size_t k = 0;
			while (k + 1 < sizeof opt && (p[k] == '-' || (p[k] >= 'a' && p[k] <= 'z')))
				opt[k] = p[k], k++;
			opt[k] = '\0';
			p += k ? k : 2;
			if (k <= 2 || strncmp(opt, "--cgroup", 8) == 0)
				continue; /* an example of a runtime flag, not ours */
			_cleanup_free_ char *code = hr_xasprintf("`%s", opt);
			cr_expect(man_has_term(man, opt), "hardrun.1 lacks the option %s", opt);
			cr_expect_not_null(strstr(readme, code), "README.md lacks %s", opt);
			n++;
		}
	}
	cr_assert_eq(pclose(help), 0, "%s failed", cmd);
	cr_assert_geq(n, 8, "found only %zu options in `hardrun help`", n);
	for (int status = 124; status <= 127; status++) {
		char s[8];
		snprintf(s, sizeof s, "%d", status);
		cr_expect(man_has_term(man, s), "hardrun.1 EXIT STATUS lacks %d", status);
		cr_expect_not_null(strstr(readme, s), "README.md lacks exit status %d", status);
	}
}

Test(docs, quick_start_is_the_two_commands_ci_runs)
{
	_cleanup_free_ char *readme = doc("README.md");
	_cleanup_free_ char *ci = doc(".ci/run");
	const char *qs = strstr(readme, "\n## Quick start\n");
	const char *block, *end;
	char cmds[2][64];
	size_t n = 0;

	cr_assert_not_null(qs, "README.md has no \"## Quick start\" section");
	block = strstr(qs, "\n```\n");
	cr_assert_not_null(block, "the quick start has no code block");
	block += 5;
	end = strstr(block, "\n```");
	cr_assert_not_null(end);
	for (const char *l = block; l < end;) {
		const char *nl = strchr(l, '\n');
		size_t len = (size_t)((nl && nl < end ? nl : end) - l);
		char buf[256];
		snprintf(buf, sizeof buf, "%.*s", (int)len, l);
		buf[strcspn(buf, "#")] = '\0';
		for (size_t k = strlen(buf); k > 0 && buf[k - 1] == ' '; k--)
			buf[k - 1] = '\0';
		if (buf[0]) {
			cr_assert_lt(n, 2, "more than two commands in the quick start");
			snprintf(cmds[n++], sizeof cmds[0], "%s", buf);
		}
		l += len + 1;
	}
	cr_assert_eq(n, 2, "the quick start must hold exactly two commands");
	cr_expect_str_eq(cmds[0], "./scripts/quickstart");
	cr_expect_str_eq(cmds[1], "./scripts/test");
	cr_expect_not_null(strstr(ci, "./scripts/test"), ".ci/run must run ./scripts/test");
}

/* --- FIELDS: hardrun(1) lists every row of the field table ---------------- */

struct fields_doc {
	struct hr_buf text;
	size_t rows;
};

static void field_line(const struct hr_field *f, const char *path, void *ud)
{
	struct fields_doc *d = ud;
	char *line = NULL;
	size_t len = 0;
	FILE *out;
	bool control_known = strcmp(f->control, "fields") == 0;

	for (size_t i = 0; i < hr_controls_count; i++)
		control_known |= strcmp(hr_controls[i]->name, f->control) == 0;
	cr_expect(control_known, "%s: control `%s` is neither a pass nor \"fields\"", path,
		  f->control);
	cr_expect(!f->rule || hr_rule_find(f->rule), "%s: rule `%s` is not in rules.c", path,
		  f->rule);
	cr_expect(f->disp == HR_FD_JUDGED || f->rule, "%s: removed or refused without a rule", path);
	out = open_memstream(&line, &len);
	fputs(".TP\n.B ", out);
	hrt_roff_text(out, path);
	fputc('\n', out);
	if (f->disp != HR_FD_JUDGED)
		fprintf(out, "%s (\\fB", hr_field_disp_name(f->disp));
	else
		fprintf(out, "%s by \\fB%s\\fR%s",
			strcmp(f->control, "fields") == 0 ? "checked" : "judged", f->control,
			f->rule ? " (\\fB" : "");
	if (f->rule) {
		hrt_roff_text(out, f->rule);
		fputs("\\fR)", out);
	}
	if (f->origin[0] >= '0' && f->origin[0] <= '9')
		fprintf(out, ", since %s", f->origin);
	else {
		fputs(", ", out);
		hrt_roff_text(out, f->origin[0] ? f->origin : "any other key");
	}
	fprintf(out, "; %s: ", hr_field_type_name(f->type));
	hrt_roff_text(out, f->doc);
	fputs(".\n", out);
	fclose(out);
	hr_buf_add(&d->text, line, len);
	free(line);
	d->rows++;
}

#define FIELDS_BEGIN ".\\\" BEGIN FIELDS: generated from src/core/fields.c by tests/unit/test-docs\n"
#define FIELDS_END ".\\\" END FIELDS\n"

Test(docs, every_field_and_its_disposition_is_documented)
{
	_cleanup_free_ char *path = hrt_src_path("man/hardrun.1");
	_cleanup_free_ char *man = doc("man/hardrun.1");
	struct fields_doc d = { 0 };
	const char *update = getenv("HARDRUN_DOCS_UPDATE");
	char *begin, *end;

	hr_fields_visit(field_line, &d);
	cr_assert_gt(d.rows, 200, "only %zu rows in the field table", d.rows);
	begin = strstr(man, FIELDS_BEGIN);
	end = begin ? strstr(begin, FIELDS_END) : NULL;
	cr_assert(begin && end, "hardrun.1 has no generated FIELDS list between `%s` and `%s`",
		  FIELDS_BEGIN, FIELDS_END);
	begin += strlen(FIELDS_BEGIN);
	if (update && strcmp(update, "1") == 0) {
		_cleanup_free_ char *out = hr_xasprintf("%.*s%s%s", (int)(begin - man), man,
						       d.text.s, end);
		hrt_write_file(path, out);
		cr_log_warn("wrote the FIELDS list of man/hardrun.1; review it before committing");
	} else {
		cr_expect((size_t)(end - begin) == d.text.n && strncmp(begin, d.text.s, d.text.n) == 0,
			  "man/hardrun.1's FIELDS list differs from the field table (src/core/fields.c): "
			  "run HARDRUN_DOCS_UPDATE=1 tests/unit/test-docs and review the change");
	}
	free(d.text.s);
}
