/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Denial tracing and learning, the pure parts: routing a hardened
 * filter's denials to a listener must change no verdict (what is allowed
 * stays an allow rule, what a rule answers keeps its rule, what the
 * default refuses is routed), the messages must name the call and a
 * change that really allows it, and the learned profile must load.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/mount_options.h"
#include "hardrun/seccomp.h"
#include "hardrun/trace.h"
#include "helpers.h"

#define SOCK "/run/hardrun/listen/0123456789abcdef.sock"

/* A spec whose only content is the profile's filter. */
static cJSON *spec_with_filter(cJSON *filter)
{
	cJSON *spec = cJSON_CreateObject();
	cJSON *linux_ = cJSON_AddObjectToObject(spec, "linux");

	cJSON_AddItemToObject(linux_, "seccomp", filter);
	return spec;
}

static cJSON *restricted_spec(struct hr_profile **ret_profile)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *spec = spec_with_filter(hr_seccomp_profile_filter(&p->seccomp));

	if (ret_profile)
		*ret_profile = p;
	else
		hr_profile_free(p);
	return spec;
}

static bool named_by_rule(const cJSON *rules, const char *name, size_t upto)
{
	size_t i = 0;

	for (const cJSON *r = rules->child; r && i < upto; r = r->next, i++)
		if (hrt_has_string(cJSON_GetObjectItem(r, "names"), name))
			return true;
	return false;
}

/* libseccomp, as runc uses it, accepts the routed filter. */
static void assert_installable(const cJSON *f)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	FILE *null = fopen("/dev/null", "we");

	cr_assert_not_null(ctx);
	for (const cJSON *r = cJSON_GetObjectItem(f, "syscalls")->child; r; r = r->next) {
		const char *act = cJSON_GetObjectItem(r, "action")->valuestring;
		const cJSON *args = cJSON_GetObjectItem(r, "args");
		uint32_t a;
		if (args && args->child)
			continue; /* conditions are test-seccomp's business */
		a = strcmp(act, "SCMP_ACT_NOTIFY") == 0	 ? SCMP_ACT_NOTIFY
		    : strcmp(act, "SCMP_ACT_ALLOW") == 0 ? SCMP_ACT_ALLOW
							 : SCMP_ACT_ERRNO(ENOSYS);
		for (const cJSON *n = cJSON_GetObjectItem(r, "names")->child; n; n = n->next) {
			int sc = seccomp_syscall_resolve_name(n->valuestring);
			int rc;
			if (sc == __NR_SCMP_ERROR)
				continue;
			rc = seccomp_rule_add(ctx, a, sc, 0);
			cr_assert(rc == 0 || rc == -EACCES, "libseccomp refuses %s: %s",
				  n->valuestring, strerror(-rc));
		}
	}
	cr_assert_eq(seccomp_export_bpf(ctx, fileno(null)), 0);
	seccomp_release(ctx);
	fclose(null);
}

Test(routing, restricted_keeps_every_verdict)
{
	cJSON *spec = restricted_spec(NULL);
	cJSON *before = cJSON_Duplicate(spec, true);
	const cJSON *f = hrt_at(spec, "/linux/seccomp");
	const cJSON *rules = cJSON_GetObjectItem(f, "syscalls");
	size_t n_before = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(
		hrt_at(before, "/linux/seccomp"), "syscalls"));
	struct hr_trace_routing rt;
	hr_error err = { 0 };
	const cJSON *notify, *old, *cur;
	size_t i = 0, checked = 0;

	cr_assert_eq(hr_trace_filter(spec, SOCK, &rt, &err), 0, "%s", err.msg);
	cr_assert_gt(rt.routed, 50, "only %zu names routed", rt.routed);
	cr_assert_eq(rt.deny_errno, EPERM);
	cr_assert_str_eq(cJSON_GetObjectItem(f, "listenerPath")->valuestring, SOCK);
	cr_assert_str_eq(cJSON_GetObjectItem(f, "defaultAction")->valuestring, "SCMP_ACT_ERRNO");

	/* The rules that were there are there, unchanged and first. */
	cr_assert_eq((size_t)cJSON_GetArraySize(rules), n_before + 1);
	old = cJSON_GetObjectItem(hrt_at(before, "/linux/seccomp"), "syscalls")->child;
	for (cur = rules->child; i < n_before; cur = cur->next, old = old->next, i++)
		cr_assert(hr_json_equal(cur, old), "rule %zu changed", i);
	notify = cur;
	cr_assert_str_eq(cJSON_GetObjectItem(notify, "action")->valuestring, "SCMP_ACT_NOTIFY");
	cr_assert_null(cJSON_GetObjectItem(notify, "args"), "the routing rule has conditions");
	cr_assert_eq((size_t)cJSON_GetArraySize(cJSON_GetObjectItem(notify, "names")), rt.routed);

	/* Every name libseccomp knows here: routed exactly when no rule named
	 * it (write stays with the default: runtimes refuse to route it). */
	for (int nr = 0; nr < HR_TRACE_MAX_NR; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
		bool ruled, routed;
		if (!name)
			continue;
		ruled = named_by_rule(rules, name, n_before);
		routed = hrt_has_string(cJSON_GetObjectItem(notify, "names"), name);
		if (strcmp(name, "write") == 0)
			cr_assert(!routed, "write is routed");
		else
			cr_assert(ruled != routed, "%s: named by a rule %d, routed %d", name, ruled,
				  routed);
		checked++;
		free(name);
	}
	cr_assert_gt(checked, 300);
	for (const char *const *n = (const char *const[]){ "keyctl", "add_key", "io_uring_setup",
							  "ptrace", "mount", "unshare", NULL };
	     *n; n++)
		cr_assert(hrt_has_string(cJSON_GetObjectItem(notify, "names"), *n), "%s not routed",
			  *n);
	/* Allowed, answered by a rule, or allowed under conditions: kept. */
	for (const char *const *n = (const char *const[]){ "read", "clone3", "personality",
							  "clone", "getpid", NULL };
	     *n; n++)
		cr_assert(!hrt_has_string(cJSON_GetObjectItem(notify, "names"), *n), "%s routed", *n);
	assert_installable(f);
	cJSON_Delete(before);
	cJSON_Delete(spec);
}

Test(routing, answers_with_the_filters_errno)
{
	cJSON *spec = restricted_spec(NULL);
	struct hr_trace_routing rt;
	hr_error err = { 0 };

	hr_json_set(hrt_at(spec, "/linux/seccomp"), "defaultErrnoRet", cJSON_CreateNumber(38));
	cr_assert_eq(hr_trace_filter(spec, SOCK, &rt, &err), 0, "%s", err.msg);
	cr_assert_eq(rt.deny_errno, ENOSYS);
	cJSON_Delete(spec);
}

static void expect_untraceable(cJSON *spec, const char *why)
{
	cJSON *before = cJSON_Duplicate(spec, true);
	struct hr_trace_routing rt;
	hr_error err = { 0 };

	cr_assert_eq(hr_trace_filter(spec, SOCK, &rt, &err), HR_E_REFUSED);
	cr_assert_not_null(strstr(err.msg, why), "message: %s", err.msg);
	cr_assert(hr_json_equal(spec, before), "the spec changed");
	cJSON_Delete(before);
	cJSON_Delete(spec);
}

Test(routing, refuses_a_default_a_listener_cannot_reproduce)
{
	cJSON *spec = restricted_spec(NULL);

	hr_json_set(hrt_at(spec, "/linux/seccomp"), "defaultAction",
		    cJSON_CreateString("SCMP_ACT_KILL_PROCESS"));
	expect_untraceable(spec, "SCMP_ACT_KILL_PROCESS");
}

Test(routing, refuses_a_listener_of_the_specs_own)
{
	cJSON *spec = restricted_spec(NULL);
	cJSON *spec2 = restricted_spec(NULL);

	hr_json_set(hrt_at(spec, "/linux/seccomp"), "listenerPath",
		    cJSON_CreateString("/run/other.sock"));
	expect_untraceable(spec, "listener");
	cJSON_AddItemToArray(cJSON_GetObjectItem(hrt_at(spec2, "/linux/seccomp"), "syscalls"),
			     hrt_json("{'names': ['mount'], 'action': 'SCMP_ACT_NOTIFY'}"));
	expect_untraceable(spec2, "listener");
}

Test(routing, nothing_to_route)
{
	cJSON *none = hrt_json("{'linux': {}}"), *none_before = hrt_json("{'linux': {}}");
	cJSON *all = spec_with_filter(hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': []}"));
	cJSON *before;
	cJSON *names = cJSON_CreateArray(), *rule = cJSON_CreateObject();
	struct hr_trace_routing rt;
	hr_error err = { 0 };

	cr_assert_eq(hr_trace_filter(none, SOCK, &rt, &err), 0);
	cr_assert_eq(rt.routed, 0);
	cr_assert(hr_json_equal(none, none_before));
	cJSON_Delete(none_before);

	/* Every name allowed: nothing is refused, nothing routed. */
	for (int nr = 0; nr < HR_TRACE_MAX_NR; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
		if (name)
			cJSON_AddItemToArray(names, cJSON_CreateString(name));
		free(name);
	}
	cJSON_AddItemToObject(rule, "names", names);
	cJSON_AddStringToObject(rule, "action", "SCMP_ACT_ALLOW");
	cJSON_AddItemToArray(hrt_at(all, "/linux/seccomp/syscalls"), rule);
	before = cJSON_Duplicate(all, true);
	cr_assert_eq(hr_trace_filter(all, SOCK, &rt, &err), 0, "%s", err.msg);
	cr_assert_eq(rt.routed, 0);
	cr_assert(hr_json_equal(all, before), "an unrouted filter changed");
	cJSON_Delete(before);
	cJSON_Delete(none);
	cJSON_Delete(all);
}

Test(routing, every_architecture_of_the_filter)
{
	cJSON *spec = restricted_spec(NULL);
	cJSON *archs = hrt_json("['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']");
	struct hr_trace_routing rt;
	hr_error err = { 0 };
	const cJSON *notify;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		cr_skip_test("x86 names are checked on x86_64");
	hr_json_set(hrt_at(spec, "/linux/seccomp"), "architectures", archs);
	cr_assert_eq(hr_trace_filter(spec, SOCK, &rt, &err), 0, "%s", err.msg);
	notify = cJSON_GetArrayItem(hrt_at(spec, "/linux/seccomp/syscalls"),
				    cJSON_GetArraySize(hrt_at(spec, "/linux/seccomp/syscalls")) - 1);
	/* socketcall exists on x86 only. */
	cr_assert(hrt_has_string(cJSON_GetObjectItem(notify, "names"), "socketcall"));
	cJSON_Delete(spec);
}

/* --- the table of denials ------------------------------------------------ */

static const uint64_t args0[6] = { 0, 0xfffffffffffffffdULL, 0, 0, 0, 0 };

Test(denials, counts_each_name_and_keeps_the_first_call)
{
	struct hr_denials d = { 0 };
	uint64_t other[6] = { 9, 9, 9, 9, 9, 9 };
	struct hr_denial *x;
	bool first;
	char **names;

	x = hr_denials_add(&d, "keyctl", SCMP_ARCH_X86_64, args0, 4242, 1, &first);
	cr_assert(first);
	x = hr_denials_add(&d, "add_key", SCMP_ARCH_X86_64, args0, 4243, 2, &first);
	cr_assert(first);
	x = hr_denials_add(&d, "keyctl", SCMP_ARCH_X86_64, other, 4244, 3, &first);
	cr_assert(!first);
	cr_assert_eq(x->count, 2);
	cr_assert_eq(x->pid, 4242, "the first caller is kept");
	cr_assert_eq(x->args[1], 0xfffffffffffffffdULL);
	cr_assert_eq(d.n, 2);
	names = hr_denials_names(&d);
	cr_assert_str_eq(names[0], "add_key");
	cr_assert_str_eq(names[1], "keyctl");
	cr_assert_null(names[2]);
	hr_strv_free(names);
	hr_denials_done(&d);
}

Test(denials, the_table_is_bounded)
{
	struct hr_denials d = { 0 };
	bool first;

	for (int i = 0; i < HR_DENIALS_MAX + 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "call%d", i);
		(void)hr_denials_add(&d, name, SCMP_ARCH_X86_64, args0, 1, 1, &first);
	}
	cr_assert_eq(d.n, HR_DENIALS_MAX);
	cr_assert_eq(d.dropped, 5);
	hr_denials_done(&d);
}

/* --- messages ---------------------------------------------------------------- */

Test(messages, the_fix_is_one_line_of_profile)
{
	char *const one[] = { (char *)"keyctl", NULL };
	char *const two[] = { (char *)"add_key", (char *)"keyctl", NULL };
	char *a = hr_trace_fix(one), *b = hr_trace_fix(two);

	cr_assert_str_eq(a, "\"seccomp\": {\"allow\": {\"add\": [\"keyctl\"]}}");
	cr_assert_str_eq(b, "\"seccomp\": {\"allow\": {\"add\": [\"add_key\", \"keyctl\"]}}");
	free(a);
	free(b);
}

/* The fix, put in a profile that extends the one that denied the call,
 * gives a profile whose filter allows it. */
Test(messages, the_fix_allows_the_call)
{
	struct hr_profile *base = hrt_profile("restricted"), *fixed = NULL;
	char *const one[] = { (char *)"keyctl", NULL };
	char *fix = hr_trace_fix(one);
	char *text = hr_xasprintf("{%s}", fix);
	cJSON *child = hrt_parse(text), *base_doc = hr_profile_to_json(base), *merged = NULL;
	cJSON *filter;
	hr_error err = { 0 };

	cr_assert(!hr_trace_profile_allows(base, "keyctl"));
	cr_assert_eq(hr_profile_overlay(base_doc, child, &merged, &err), 0, "%s", err.msg);
	cr_assert_eq(hr_profile_parse(merged, false, "fixed", "fixed.json", hr_mount_options_host(), &fixed, &err), 0, "%s",
		     err.msg);
	cr_assert(hr_trace_profile_allows(fixed, "keyctl"));
	filter = hr_seccomp_profile_filter(&fixed->seccomp);
	cr_assert(hrt_has_string(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(filter,
											"syscalls"),
							   0),
						  "names"),
				 "keyctl"),
		  "keyctl is not in the allow rule of the fixed filter");
	cJSON_Delete(filter);
	cJSON_Delete(merged);
	cJSON_Delete(base_doc);
	cJSON_Delete(child);
	hr_profile_free(fixed);
	hr_profile_free(base);
	free(text);
	free(fix);
}

Test(messages, a_denial_names_call_caller_profile_rule_and_fix)
{
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_denial x = { .name = (char *)"keyctl", .arch = seccomp_arch_native(),
			       .args = { 0, 0xfffffffffffffffdULL }, .pid = 4242, .ns_pid = 1,
			       .count = 1 };
	char *m = hr_denial_message(&x, HR_TRACE_EXPLAIN, "c1", p, EPERM);
	cJSON *j = hr_denial_json(&x, p, EPERM);

	cr_assert_not_null(strstr(m, "denied keyctl(0, 0xfffffffffffffffd, 0, 0, 0, 0) with EPERM"),
			   "%s", m);
	cr_assert_not_null(strstr(m, "pid 1 (host pid 4242) of container c1"), "%s", m);
	cr_assert_not_null(strstr(m, "profile `restricted`"), "%s", m);
	cr_assert_not_null(strstr(m, "seccomp.denial"), "%s", m);
	cr_assert_not_null(strstr(m, "(fix: \"seccomp\": {\"allow\": {\"add\": [\"keyctl\"]}} in a "
				     "profile that extends `restricted`)"),
			   "%s", m);
	cr_assert_null(strchr(m, '\n'), "not one line: %s", m);
	cr_assert_str_eq(cJSON_GetObjectItem(j, "syscall")->valuestring, "keyctl");
	cr_assert_str_eq(cJSON_GetObjectItem(j, "deniedBy")->valuestring, "profile");
	cr_assert_str_eq(cJSON_GetObjectItem(j, "rule")->valuestring, "seccomp.denial");
	cr_assert_str_eq(cJSON_GetObjectItem(j, "errno")->valuestring, "EPERM");
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "args"), 1)->valuestring,
			 "0xfffffffffffffffd");
	cr_assert_eq(cJSON_GetObjectItem(j, "containerPid")->valuedouble, 1);
	free(m);
	cJSON_Delete(j);
	cr_assert_not_null(hr_rule_find("seccomp.denial"), "no rule seccomp.denial");
	hr_profile_free(p);
}

Test(messages, a_call_the_profile_allows_was_refused_by_the_spec)
{
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_denial x = { .name = (char *)"getpid", .arch = seccomp_arch_native(), .pid = 7,
			       .count = 1 };
	char *m = hr_denial_message(&x, HR_TRACE_EXPLAIN, NULL, p, EPERM);
	cJSON *j = hr_denial_json(&x, p, EPERM);

	cr_assert_not_null(strstr(m, "spec's own seccomp filter"), "%s", m);
	cr_assert_not_null(strstr(m, "seccomp.merge"), "%s", m);
	cr_assert_str_eq(cJSON_GetObjectItem(j, "deniedBy")->valuestring, "spec");
	free(m);
	cJSON_Delete(j);
	hr_profile_free(p);
}

Test(messages, the_summary_counts_and_gives_one_change_for_all)
{
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_denials d = { 0 };
	bool first;
	char *s, *none;

	none = hr_denials_summary(&d, HR_TRACE_EXPLAIN, "hardrun: ", "c1", p);
	cr_assert_str_eq(none, "hardrun: container c1: no system call was denied (profile "
			       "`restricted`)\n");
	(void)hr_denials_add(&d, "keyctl", seccomp_arch_native(), args0, 10, 1, &first);
	(void)hr_denials_add(&d, "keyctl", seccomp_arch_native(), args0, 10, 1, &first);
	(void)hr_denials_add(&d, "add_key", seccomp_arch_native(), args0, 10, 1, &first);
	s = hr_denials_summary(&d, HR_TRACE_EXPLAIN, "hardrun: ", "c1", p);
	cr_assert_not_null(strstr(s, "profile `restricted` denied 2 system calls (3 calls)"), "%s", s);
	cr_assert_not_null(strstr(s, "hardrun:   keyctl: 2 calls, first by pid 1 (host pid 10)"),
			   "%s", s);
	cr_assert_not_null(strstr(s, "to allow them: \"seccomp\": {\"allow\": {\"add\": "
				     "[\"add_key\", \"keyctl\"]}}"),
			   "%s", s);
	free(s);
	free(none);
	hr_denials_done(&d);
	hr_profile_free(p);
}

/* --- the learned profile ------------------------------------------------ */

Test(learned, extends_the_base_and_adds_the_calls)
{
	char *const names[] = { (char *)"add_key", (char *)"keyctl", NULL };
	cJSON *doc = hr_trace_learned_profile("restricted", names, "learned in a test");
	struct hr_profile *partial = NULL;
	hr_error err = { 0 };

	hrt_assert_json(doc,
			"{'description': 'learned in a test', 'extends': 'restricted', "
			"'seccomp': {'allow': {'add': ['add_key', 'keyctl']}}}",
			"learned profile");
	cr_assert_eq(hr_profile_parse(doc, true, "learned", "learned.json", hr_mount_options_host(), &partial, &err), 0,
		     "%s", err.msg);
	hr_profile_free(partial);
	cJSON_Delete(doc);
	doc = hr_trace_learned_profile("restricted", (char *const[]){ NULL }, "nothing");
	hrt_assert_json(doc, "{'description': 'nothing', 'extends': 'restricted'}", "empty");
	cJSON_Delete(doc);
}

/* --- the profile key ------------------------------------------------------ */

Test(profile_key, explain_is_a_boolean)
{
	struct hr_profile *base = hrt_profile("restricted"), *p = NULL;
	cJSON *doc = hr_profile_to_json(base);
	hr_error err = { 0 };

	cr_assert(!base->explain, "restricted explains by default");
	hr_json_set(doc, "explain", cJSON_CreateTrue());
	cr_assert_eq(hr_profile_parse(doc, false, "x", "x.json", hr_mount_options_host(), &p, &err), 0, "%s", err.msg);
	cr_assert(p->explain);
	hr_profile_free(p);
	p = NULL;
	hr_json_set(doc, "explain", cJSON_CreateString("yes"));
	cr_assert_eq(hr_profile_parse(doc, false, "x", "x.json", hr_mount_options_host(), &p, &err), HR_E_INVALID);
	cr_assert_str_eq(err.msg, "/explain: expected true or false");
	cJSON_Delete(doc);
	hr_profile_free(base);
}
