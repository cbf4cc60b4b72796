/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The judgement of `hardrun doctor` and of a launch (src/core/enforce.c):
 * a runtime's --version read, which versions lack the fixes of
 * CVE-2025-31133, CVE-2025-52565 and CVE-2025-52881, the preconditions of
 * each found in a spec and its image, and each control's status from
 * facts given here.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "hardrun/doctor.h"
#include "hardrun/json.h"
#include "helpers.h"

TestSuite(doctor, .timeout = 10);

static void parse(const char *text, struct hr_runtime_info *r)
{
	*r = (struct hr_runtime_info){ .major = -1, .minor = -1, .patch = -1 };
	hr_runtime_parse_version(text, r);
}

Test(doctor, runtime_version)
{
	struct hr_runtime_info r;

	parse("runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev\n"
	      "go: go1.19.8\nlibseccomp: 2.5.4\n",
	      &r);
	cr_expect_eq(r.kind, HR_RT_RUNC);
	cr_expect_str_eq(r.version, "1.1.5+ds1");
	cr_expect(r.major == 1 && r.minor == 1 && r.patch == 5 && r.rc == 0);
	cr_expect_str_eq(r.commit, "1.1.5+ds1-1+deb12u1");
	cr_expect_str_eq(r.libseccomp, "2.5.4");
	cr_expect(r.seccomp);
	hr_runtime_info_done(&r);

	parse("runc version 1.4.0-rc.3\ncommit: v1.4.0-rc.3-0-gabc\n", &r);
	cr_expect(r.major == 1 && r.minor == 4 && r.patch == 0 && r.rc == 3);
	cr_expect(!r.seccomp, "no libseccomp line: built without");
	hr_runtime_info_done(&r);

	parse("crun version 1.8.1\ncommit: f8a096be\nrundir: /run/crun\nspec: 1.0.0\n"
	      "+SYSTEMD +SELINUX +APPARMOR +CAP +SECCOMP +EBPF +YAJL\n",
	      &r);
	cr_expect_eq(r.kind, HR_RT_CRUN);
	cr_expect(r.seccomp);
	hr_runtime_info_done(&r);

	parse("", &r);
	cr_expect_eq(r.kind, HR_RT_UNKNOWN);
	cr_expect_null(r.version);
	hr_runtime_info_done(&r);
}

/* runc's advisories: fixed in 1.2.8, 1.3.3 and 1.4.0-rc.3. */
Test(doctor, exposure)
{
	static const struct {
		const char *text;
		int exposed;
	} cases[] = {
		{ "runc version 1.0.3", 1 },	      { "runc version 1.1.5+ds1", 1 },
		{ "runc version 1.1.15", 1 },	      { "runc version 1.2.0", 1 },
		{ "runc version 1.2.7", 1 },	      { "runc version 1.2.8", 0 },
		{ "runc version 1.2.9", 0 },	      { "runc version 1.3.0", 1 },
		{ "runc version 1.3.2", 1 },	      { "runc version 1.3.3", 0 },
		{ "runc version 1.3.4", 0 },	      { "runc version 1.4.0-rc.1", 1 },
		{ "runc version 1.4.0-rc.2", 1 },     { "runc version 1.4.0-rc.3", 0 },
		{ "runc version 1.4.0-rc.3+dev", 0 }, { "runc version 1.4.0", 0 },
		{ "runc version 1.5.1", 0 },	      { "runc version 0.1.1", 1 },
		{ "runc version 2.0.0", 0 },	      { "crun version 1.8.1", 0 },
		{ "runc version unknown", -1 },	      { "youki version 0.3.0", -1 },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		struct hr_runtime_info r;
		parse(cases[i].text, &r);
		for (int c = 0; c < HR_CVE__MAX; c++)
			cr_expect_eq(hr_runtime_exposed(&r, c), cases[i].exposed, "%s: %s exposed %d",
				     cases[i].text, hr_cves[c].id, hr_runtime_exposed(&r, c));
		hr_runtime_info_done(&r);
	}
	cr_expect_eq(hr_runtime_exposed(NULL, HR_CVE_2025_31133), -1);
}

/* Paths of the fake root file system that are symbolic links. */
static const char *links[8];
static int is_link(void *ud, const char *path)
{
	(void)ud;
	for (size_t i = 0; i < HR_ARRAY_SIZE(links) && links[i]; i++)
		if (strcmp(links[i], path) == 0)
			return 1;
	return 0;
}

/* The mounts of a spec as the engines write it, and more. */
#define MOUNTS                                                                              \
	"{ 'destination': '/proc', 'type': 'proc', 'source': 'proc' },"                       \
	"{ 'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs' },"                      \
	"{ 'destination': '/dev/pts', 'type': 'devpts', 'source': 'devpts' }"
#define SPEC(terminal, mounts, linux_extra)                                                  \
	"{ 'process': { 'terminal': " terminal " }, 'root': { 'path': 'rootfs' },"            \
	"  'mounts': [ " mounts " ],"                                                           \
	"  'linux': { 'maskedPaths': [ '/proc/kcore' ]" linux_extra " } }"

static unsigned pre(const char *relaxed, const char *const *ln, const char *want)
{
	_cleanup_json_ cJSON *spec = hrt_json(relaxed);
	_cleanup_(hr_findings_done) struct hr_findings f = { 0 };
	unsigned found;
	bool seen = false;

	memset(links, 0, sizeof links);
	for (size_t i = 0; ln && ln[i]; i++)
		links[i] = ln[i];
	found = hr_cve_preconditions(spec, (1u << HR_CVE__MAX) - 1, is_link, NULL, HR_REFUSED,
				     "runc 1.1.5 lacks its fix", &f);
	for (size_t i = 0; i < f.n; i++) {
		cr_expect_eq(f.v[i].outcome, HR_REFUSED);
		cr_expect(strncmp(f.v[i].rule->id, "runtime.cve-", 12) == 0);
		cr_expect(strstr(f.v[i].message, "runc 1.1.5 lacks its fix"), "%s", f.v[i].message);
		seen |= want && strstr(f.v[i].message, want);
	}
	if (want)
		cr_expect(seen, "no finding says `%s`", want);
	return found;
}

#define BIT(c) (1u << (c))

Test(doctor, preconditions)
{
	static const char *const null_link[] = { "/dev/null", NULL };
	static const char *const console_link[] = { "/dev/console", NULL };
	static const char *const proc_link[] = { "/proc", NULL };
	static const char *const dev_link[] = { "/dev", NULL };

	cr_expect_eq(pre(SPEC("true", MOUNTS, ""), NULL, NULL), 0, "a spec as the engines write it");
	cr_expect_eq(pre(SPEC("true", MOUNTS, ""), null_link,
			 "/dev/null in the root file system is a symbolic link"),
		     BIT(HR_CVE_2025_31133));
	cr_expect_eq(pre(SPEC("true", MOUNTS, ""), console_link, "/dev/console in the root file system"),
		     BIT(HR_CVE_2025_52565));
	cr_expect_eq(pre(SPEC("false", MOUNTS, ""), console_link, NULL), 0,
		     "/dev/console matters only with a terminal");
	cr_expect_eq(pre(SPEC("true", MOUNTS, ""), dev_link, "/dev in the root file system"),
		     BIT(HR_CVE_2025_31133) | BIT(HR_CVE_2025_52565));
	cr_expect_eq(pre(SPEC("true", MOUNTS, ""), proc_link, "/proc in the root file system"),
		     BIT(HR_CVE_2025_52881));
	/* no /dev tmpfs: /dev/null and /dev/console are the image's */
	cr_expect_eq(pre(SPEC("true", "{ 'destination': '/proc', 'type': 'proc', 'source': 'proc' }", ""),
			 NULL, "no tmpfs at /dev"),
		     BIT(HR_CVE_2025_31133) | BIT(HR_CVE_2025_52565));
	cr_expect_eq(pre(SPEC("false", "{ 'destination': '/proc', 'type': 'proc', 'source': 'proc' }", ""),
			 NULL, "no tmpfs at /dev: /dev/null"),
		     BIT(HR_CVE_2025_31133));
	/* without masked paths there is nothing for CVE-2025-31133 to undo */
	cr_expect_eq(pre("{ 'process': {}, 'mounts': [ " MOUNTS " ] }", null_link, NULL), 0);
	cr_expect_eq(pre(SPEC("false", MOUNTS ", { 'destination': '/proc/meminfo', 'type': 'bind',"
						    " 'source': '/x' }", ""),
			 NULL, "a mount at /proc/meminfo, in /proc"),
		     BIT(HR_CVE_2025_52881));
	cr_expect_eq(pre(SPEC("true", MOUNTS, ", 'rootfsPropagation': 'rshared'"), NULL,
			 "shared mount propagation"),
		     BIT(HR_CVE_2025_31133) | BIT(HR_CVE_2025_52565) | BIT(HR_CVE_2025_52881));
	cr_expect_eq(pre(SPEC("false", MOUNTS ", { 'destination': '/data', 'type': 'bind',"
						    " 'source': '/x', 'options': [ 'rbind', 'shared' ] }", ""),
			 NULL, "shared mount propagation"),
		     BIT(HR_CVE_2025_31133) | BIT(HR_CVE_2025_52881));
	cr_expect_eq(pre(SPEC("false", MOUNTS ", { 'destination': '/dev//null/', 'type': 'bind',"
						    " 'source': '/x' }", ""),
			 NULL, "a mount over /dev/null"),
		     BIT(HR_CVE_2025_31133));
	cr_expect_eq(pre(SPEC("true", MOUNTS ", { 'destination': '/dev/console', 'type': 'bind',"
						   " 'source': '/x' }", ""),
			 NULL, "a mount over /dev/console"),
		     BIT(HR_CVE_2025_52565));
}

static const struct hr_control_status *status_of(const struct hr_enforcement *e,
						 const char *control)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i].control, control) == 0)
			return &e->v[i];
	cr_assert_fail("no status for %s", control);
	return NULL;
}

Test(doctor, enforcement)
{
	struct hr_profile *p = hrt_profile("restricted"), *warn = hrt_profile("restricted");
	char *actions[] = { (char *)"kill_process", (char *)"errno", (char *)"user_notif", NULL };
	char *ctl[] = { (char *)"memory", (char *)"pids", (char *)"cpu", (char *)"devices", NULL };
	char *noswap_ctl[] = { (char *)"pids", (char *)"cpu", (char *)"devices", NULL };
	struct hr_host_facts h = { .seccomp = true, .seccomp_actions = actions, .seccomp_notify = true,
				   .ns_available = (1u << HR_NS__MAX) - 1, .max_user_namespaces = 100,
				   .cgroup_version = 1, .cgroup_controllers = ctl, .swap_accounting = 1 };
	struct hr_runtime_info fixed, old;
	struct hr_enforcement e;

	parse("runc version 1.3.3\nlibseccomp: 2.5.5\n", &fixed);
	parse("runc version 1.1.5\nlibseccomp: 2.5.4\n", &old);
	hr_enforcement_judge(p, &fixed, false, &h, &e);
	cr_expect(e.enforced, "a fixed runc on a full host");
	cr_expect_eq(status_of(&e, "seccomp")->status, HR_ENFORCED);
	cr_expect_eq(status_of(&e, "exec.labels")->status, HR_NOT_APPLICABLE);
	hr_enforcement_done(&e);

	hr_enforcement_judge(p, &old, false, &h, &e);
	cr_expect(!e.enforced);
	cr_expect_eq(status_of(&e, "paths")->status, HR_AT_RISK);
	cr_expect(strstr(status_of(&e, "paths")->detail, "CVE-2025-31133"));
	hr_enforcement_done(&e);

	hr_enforcement_judge(p, &fixed, true, &h, &e);
	cr_expect_eq(status_of(&e, "resources")->status, HR_NOT_ENFORCED, "cgroups disabled");
	cr_expect_eq(status_of(&e, "devices")->status, HR_NOT_ENFORCED);
	hr_enforcement_done(&e);

	h.cgroup_controllers = noswap_ctl;
	hr_enforcement_judge(p, &fixed, false, &h, &e);
	cr_expect(strstr(status_of(&e, "resources")->detail, "memory"), "%s",
		  status_of(&e, "resources")->detail);
	cr_expect_eq(status_of(&e, "resources")->status, HR_NOT_ENFORCED);
	hr_enforcement_done(&e);
	h.cgroup_controllers = ctl;

	actions[1] = NULL; /* no errno action */
	hr_enforcement_judge(p, &fixed, false, &h, &e);
	cr_expect_eq(status_of(&e, "seccomp")->status, HR_NOT_ENFORCED);
	hr_enforcement_done(&e);
	actions[1] = (char *)"errno";

	h.max_user_namespaces = 0;
	hr_enforcement_judge(p, &fixed, false, &h, &e);
	cr_expect_eq(status_of(&e, "namespaces")->status, HR_ENFORCED,
		     "restricted requires no user namespace");
	hr_enforcement_done(&e);

	warn->mode = HR_MODE_WARN;
	hr_enforcement_judge(warn, &fixed, false, &h, &e);
	cr_expect(!e.enforced);
	cr_expect_eq(status_of(&e, "user")->status, HR_NOT_ENFORCED);
	cr_expect(strstr(status_of(&e, "user")->detail, "mode warn"));
	hr_enforcement_done(&e);

	hr_runtime_info_done(&fixed);
	hr_runtime_info_done(&old);
	hr_profile_free(p);
	hr_profile_free(warn);
}
