/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runtime layer's container calls (container.h, exec.h, update.h):
 * update's numbers read as runc reads them and clamped to the profile's
 * limits under each mode; exec's flags turned into the process runc
 * would build; and the audit record of a launch, which direct and
 * runtime mode both write through hr_launch_audit, for a refusal at the
 * profile's selection.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/container.h"
#include "hardrun/exec.h"
#include "hardrun/harden.h"
#include "hardrun/update.h"
#include "helpers.h"

TestSuite(update, .timeout = 10);
TestSuite(exec, .timeout = 10);
TestSuite(audit, .timeout = 30);

/* A runc call from one line of words split at spaces ("hardrun" first). */
struct call {
	char *buf;
	char *argv[64];
	struct hr_runc_call c;
};

static void parse(struct call *w, const char *line)
{
	char *save = NULL;
	int argc = 0;

	w->buf = hr_xstrdup(line);
	w->argv[argc++] = (char *)"hardrun";
	for (char *t = strtok_r(w->buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		w->argv[argc++] = t;
	w->argv[argc] = NULL;
	hr_runc_parse(argc, w->argv, &w->c);
	cr_assert(w->c.parsed, "%s: %s", line, w->c.parse_error);
}

/* What the runtime would be given, after "runc". */
static char * final(const struct call *w)
{
	_cleanup_free_ char **v = hr_runc_final_argv(&w->c, "runc", NULL);
	struct hr_buf b = { 0 };

	for (size_t i = 1; v[i]; i++) {
		if (i > 1)
			hr_buf_add(&b, " ", 1);
		hr_buf_add(&b, v[i], strlen(v[i]));
	}
	return b.s ? b.s : hr_xstrdup("");
}

static void done(struct call *w)
{
	hr_runc_call_done(&w->c);
	free(w->buf);
}

static bool has_note(const struct hr_call_result *r, const char *part)
{
	for (size_t i = 0; r->notes && r->notes[i]; i++)
		if (strstr(r->notes[i], part))
			return true;
	return false;
}

Test(update, sizes_as_runc_reads_them)
{
	cr_expect_eq(hr_update_parse_ram("1024"), 1024);
	cr_expect_eq(hr_update_parse_ram("512m"), 512.0 * 1048576);
	cr_expect_eq(hr_update_parse_ram("1G"), 1073741824.0);
	cr_expect_eq(hr_update_parse_ram("2KiB"), 2048);
	cr_expect_eq(hr_update_parse_ram("2 kb"), 2048);
	cr_expect_eq(hr_update_parse_ram("1.5k"), 1536);
	cr_expect_eq(hr_update_parse_ram("0.7"), 0, "rounded down");
	cr_expect_eq(hr_update_parse_ram("1t"), 1099511627776.0);
	cr_expect_eq(hr_update_parse_ram("1p"), 1125899906842624.0);
	cr_expect_eq(hr_update_parse_ram("-1"), -1);
	cr_expect_eq(hr_update_parse_ram(""), -1);
	cr_expect_eq(hr_update_parse_ram("lots"), -1);
	cr_expect_eq(hr_update_parse_ram("1x"), -1);
	cr_expect_eq(hr_update_parse_ram("1mm"), -1);
	cr_expect_eq(hr_update_parse_ram("inf"), -1);
	cr_expect_eq(hr_update_parse_ram("nan"), -1);
}

Test(update, ints_as_go_parses_them)
{
	static const struct {
		const char *s;
		bool ok;
		double v;
	} cases[] = {
		{ "100", true, 100 }, { "1_000_000", true, 1e6 }, { "0x10", true, 16 },
		{ "0X1f", true, 31 }, { "010", true, 8 },	  { "0o17", true, 15 },
		{ "0b101", true, 5 }, { "0", true, 0 },		  { "-5", true, -5 },
		{ "+7", true, 7 },    { "09", false, 0 },	  { "0x", false, 0 },
		{ "", false, 0 },     { "-", false, 0 },	  { "12ab", false, 0 },
		{ "1e3", false, 0 },  { "0b2", false, 0 },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		double v = -42;
		bool ok = hr_update_parse_go_int(cases[i].s, &v);
		cr_expect_eq(ok, cases[i].ok, "`%s`: %s", cases[i].s, ok ? "read" : "refused");
		if (ok && cases[i].ok)
			cr_expect_eq(v, cases[i].v, "`%s` read as %g", cases[i].s, v);
	}
}

Test(update, decimals_only_digits)
{
	double v = 0;

	cr_expect(hr_update_parse_decimal("1024", &v) && v == 1024);
	cr_expect_not(hr_update_parse_decimal("", &v));
	cr_expect_not(hr_update_parse_decimal("+1", &v));
	cr_expect_not(hr_update_parse_decimal("-1", &v));
	cr_expect_not(hr_update_parse_decimal("0x10", &v));
	cr_expect_not(hr_update_parse_decimal("1.5", &v));
}

Test(update, over_the_limit_lowered_within_it_respelled)
{
	_cleanup_profile_ struct hr_profile *p = hrt_profile("restricted");
	struct hr_call_result res = { 0 };
	struct call w;
	char *out;

	p->resources.pids = 1024;
	p->resources.memory = 1073741824;
	p->resources.cpu_shares = 512;
	parse(&w, "update --pids-limit 99999 --memory 0x1 --cpu-share 100 --memory-swap 512m ID");
	cr_assert_eq(hr_update_clamp_flags(&w.c, p, 0, &res), 0);
	out = final(&w);
	cr_expect(strstr(out, "--pids-limit 1024") != NULL, "%s", out);
	cr_expect(strstr(out, "--cpu-share 100") != NULL, "%s", out);
	cr_expect(strstr(out, "--memory-swap 536870912") != NULL, "respelled: %s", out);
	cr_expect(has_note(&res,
			   "update ID: --pids-limit 99999 lowered to 1024 (rule resources.pids)"));
	cr_expect_null(res.refusal);
	free(out);
	hr_call_result_done(&res);
	done(&w);
}

Test(update, memory_brings_swap_along_when_accounted)
{
	_cleanup_profile_ struct hr_profile *p = hrt_profile("restricted");
	struct hr_call_result res = { 0 };
	struct call w;
	char *out;

	p->resources.memory = 1073741824;
	parse(&w, "update --memory 8g ID");
	cr_assert_eq(hr_update_clamp_flags(&w.c, p, 1, &res), 0);
	out = final(&w);
	cr_expect(strstr(out, "--memory-swap=1073741824") && strstr(out, "--memory 1073741824"),
		  "%s", out);
	cr_expect(has_note(&res, "--memory 8g lowered to 1073741824"));
	cr_expect(has_note(&res, "--memory-swap=1073741824 added"));
	free(out);
	hr_call_result_done(&res);
	done(&w);
}

Test(update, warn_leaves_the_words_refuse_refuses)
{
	_cleanup_profile_ struct hr_profile *p = hrt_profile("restricted");
	struct hr_call_result res = { 0 };
	struct call w;
	char *out;

	p->resources.pids = 100;
	hrt_set_mode(p, "resources", HR_MODE_WARN);
	parse(&w, "update --pids-limit 1_000 --memory lots ID");
	cr_assert_eq(hr_update_clamp_flags(&w.c, p, 0, &res), 0);
	out = final(&w);
	cr_expect_str_eq(out, "update --pids-limit 1_000 --memory lots ID");
	cr_expect(has_note(&res, "would have been changed, mode warn leaves it: --pids-limit "
				 "1_000 lowered to 100"));
	cr_expect(has_note(&res, "--memory lots is not a number hardrun can check"));
	free(out);
	hr_call_result_done(&res);
	done(&w);

	hrt_set_mode(p, "resources", HR_MODE_REFUSE);
	parse(&w, "update --pids-limit 1000 ID");
	cr_assert_eq(hr_update_clamp_flags(&w.c, p, 0, &res), HR_E_REFUSED);
	cr_expect(strstr(res.refusal, "mode refuse does not make: --pids-limit 1000 lowered "
				      "to 100 (rule resources.pids)") != NULL,
		  "%s", res.refusal);
	hr_call_result_done(&res);
	done(&w);

	hrt_set_mode(p, "resources", HR_MODE_HARDEN);
	parse(&w, "update --memory lots ID");
	cr_assert_eq(hr_update_clamp_flags(&w.c, p, 0, &res), HR_E_REFUSED,
		     "what hardrun cannot read it cannot check");
	cr_expect(strstr(res.refusal, "give a plain number, such as --memory 512m") != NULL, "%s",
		  res.refusal);
	hr_call_result_done(&res);
	done(&w);
}

Test(exec, flags_become_the_process_runc_builds)
{
	_cleanup_profile_ struct hr_profile *p = hrt_profile("restricted");
	_cleanup_json_ cJSON *cproc = hrt_json(
		"{'args':['/init'],'cwd':'/','env':['PATH=/bin'],'user':{'uid':5}}");
	_cleanup_json_ cJSON *proc = NULL;
	struct hr_call_result res = { 0 };
	struct call w;
	char *out;

	parse(&w, "exec --user 1000:2000 --additional-gids 7 --cap CAP_NET_RAW --env A=b "
		  "--cwd /x --tty --detach ID /bin/sh -c x");
	cr_assert_eq(hr_exec_process_from_flags(&w.c, p, cproc, &res, &proc), 0);
	hrt_assert_json(proc,
			"{'args':['/bin/sh','-c','x'],'cwd':'/x','env':['PATH=/bin','A=b'],"
			"'user':{'uid':1000,'gid':2000,'additionalGids':[7]},'terminal':true,"
			"'capabilities':{'bounding':['CAP_NET_RAW'],'inheritable':['CAP_NET_RAW'],"
			"'effective':['CAP_NET_RAW'],'permitted':['CAP_NET_RAW'],"
			"'ambient':['CAP_NET_RAW']}}",
			"the process");
	out = final(&w);
	cr_expect_str_eq(out, "exec --detach ID", "the runtime keeps its own flags only");
	free(out);
	done(&w);
}

Test(exec, names_cannot_be_checked)
{
	_cleanup_profile_ struct hr_profile *p = hrt_profile("restricted");
	_cleanup_json_ cJSON *proc = NULL;
	struct hr_call_result res = { 0 };
	struct call w;
	char *out;

	parse(&w, "exec --user root ID /bin/true");
	cr_assert_eq(hr_exec_process_from_flags(&w.c, p, NULL, &res, &proc), HR_E_REFUSED);
	cr_expect(strstr(res.refusal, "--user root: only numeric uid[:gid] can be checked (hint: "
				      "give the numeric ids)") != NULL,
		  "%s", res.refusal);
	hr_call_result_done(&res);
	done(&w);

	hrt_set_mode(p, "user", HR_MODE_WARN);
	parse(&w, "exec --user root ID /bin/true");
	cr_assert_eq(hr_exec_process_from_flags(&w.c, p, NULL, &res, &proc), 0);
	cr_expect(has_note(&res, "exec ID: --user root: only numeric uid[:gid] can be checked; "
				 "mode warn passes it on unchecked"));
	out = final(&w);
	cr_expect_str_eq(out, "exec --user root ID", "left for the runtime under warn");
	free(out);
	hr_call_result_done(&res);
	done(&w);
}

/* A bundle whose spec asks, by annotation, for a profile weaker than the
 * default: refused when the profile is chosen, before anything else. */
Test(audit, selection_refusal_recorded_like_any_launch)
{
	char dir[] = "/tmp/hr-test-container-XXXXXX";
	_cleanup_free_ char *profiles = hrt_src_path("profiles");
	_cleanup_free_ char *cfgpath = NULL;
	char *dirs[] = { profiles, NULL };
	struct hr_selection sel = { .dirs = dirs };
	struct hr_launch_opts o = { .sel = &sel, .judge_only = true, .mode = HR_ENV_DIRECT };
	struct hr_launch l = { .root_fd = -1, .bundle = { .dirfd = -1 } };
	hr_error err = { 0 };
	cJSON *rec;

	cr_assert_not_null(mkdtemp(dir));
	cfgpath = hr_xasprintf("%s/config.json", dir);
	hrt_write_file(cfgpath, "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/true\"],"
				"\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},"
				"\"annotations\":{\"org.hardrun.profile\":\"baseline\"}}");
	o.bundle = dir;
	cr_assert_eq(hr_launch_prepare(&o, &l, &err), HR_E_REFUSED, "%s", err.msg);
	cr_assert_null(l.profile, "refused at the selection");
	rec = hr_launch_audit_json("refused", "hr-42", dir, "/usr/sbin/runc", &l);
	hrt_assert_json(hrt_at(rec, "/event"), "'refused'", "event");
	hrt_assert_json(hrt_at(rec, "/container"), "'hr-42'", "the container id");
	hrt_assert_json(hrt_at(rec, "/runtime"), "'/usr/sbin/runc'", "the runtime");
	cr_expect(cJSON_IsString(hrt_at(rec, "/bundle")), "the bundle");
	cr_expect(strstr(cJSON_GetStringValue(hrt_at(rec, "/reason")),
			 "refused by hardrun: annotation org.hardrun.profile=baseline asks for a "
			 "profile weaker than `restricted`") != NULL,
		  "the reason");
	cr_expect(cJSON_IsString(hrt_at(rec, "/specSha256Before")), "the spec as read");
	cr_expect_null(hrt_at(rec, "/profile"), "no profile was chosen");
	cJSON_Delete(rec);
	hr_launch_done(&l);
	(void)unlink(cfgpath);
	(void)rmdir(dir);
}
