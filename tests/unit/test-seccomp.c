/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp filters: the profile's own filter, and the combination with a
 * filter found in a spec, which must allow a call only when both allow
 * it. Every filter produced here is also built with libseccomp, the way
 * runc builds it, so a result the runtime cannot install fails the test.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "hardrun/seccomp.h"
#include "helpers.h"

/* --- looking at a filter ------------------------------------------------ */

static const char *action_of(const cJSON *rule)
{
	return cJSON_GetObjectItem(rule, "action")->valuestring;
}

static bool has_args(const cJSON *rule)
{
	const cJSON *a = cJSON_GetObjectItem(rule, "args");
	return a && a->child;
}

/* Rules of `filter` that name `name`. */
static size_t rules_for(const cJSON *filter, const char *name, const cJSON **first)
{
	size_t n = 0;

	for (const cJSON *r = cJSON_GetObjectItem(filter, "syscalls")->child; r; r = r->next)
		if (hrt_has_string(cJSON_GetObjectItem(r, "names"), name)) {
			if (first && !n)
				*first = r;
			n++;
		}
	return n;
}

/* Some rule lets the call through (under some arguments). */
static bool may_allow(const cJSON *filter, const char *name)
{
	for (const cJSON *r = cJSON_GetObjectItem(filter, "syscalls")->child; r; r = r->next)
		if (hrt_has_string(cJSON_GetObjectItem(r, "names"), name) &&
		    !hr_seccomp_action_denies(hr_seccomp_action_from_name(action_of(r))))
			return true;
	return false;
}

/* Allowed whatever the arguments. */
static bool allows_always(const cJSON *filter, const char *name)
{
	for (const cJSON *r = cJSON_GetObjectItem(filter, "syscalls")->child; r; r = r->next)
		if (hrt_has_string(cJSON_GetObjectItem(r, "names"), name) &&
		    strcmp(action_of(r), "SCMP_ACT_ALLOW") == 0 && !has_args(r))
			return true;
	return false;
}

static const char *native_oci_name(void)
{
	struct utsname u;

	cr_assert_eq(uname(&u), 0);
	if (strcmp(u.machine, "x86_64") == 0)
		return "SCMP_ARCH_X86_64";
	if (strcmp(u.machine, "aarch64") == 0)
		return "SCMP_ARCH_AARCH64";
	if (strcmp(u.machine, "riscv64") == 0)
		return "SCMP_ARCH_RISCV64";
	if (strcmp(u.machine, "ppc64le") == 0)
		return "SCMP_ARCH_PPC64LE";
	if (strcmp(u.machine, "s390x") == 0)
		return "SCMP_ARCH_S390X";
	cr_skip_test("no OCI architecture name known for machine %s", u.machine);
	return NULL;
}

/* --- building it as runc would -------------------------------------------- */

static uint32_t action_value(const char *name, const cJSON *errno_ret, int dflt_errno)
{
	int e = cJSON_IsNumber(errno_ret) ? (int)errno_ret->valuedouble : dflt_errno;

	switch (hr_seccomp_action_from_name(name)) {
	case HR_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case HR_ACT_KILL_THREAD:
	case HR_ACT_KILL:
		return SCMP_ACT_KILL_THREAD;
	case HR_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case HR_ACT_ERRNO:
		return SCMP_ACT_ERRNO((uint32_t)e);
	case HR_ACT_TRACE:
		return SCMP_ACT_TRACE((uint32_t)e);
	case HR_ACT_LOG:
		return SCMP_ACT_LOG;
	case HR_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	default:
		cr_assert_fail("action %s", name);
		return 0;
	}
}

static enum scmp_compare op_value(const char *op)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i].name, op) == 0)
			return ops[i].op;
	cr_assert_fail("op %s", op);
	return SCMP_CMP_EQ;
}

/* Build `filter` with libseccomp and export it as BPF, as runc does. */
static void assert_installable(const cJSON *filter)
{
	const cJSON *dflt = cJSON_GetObjectItem(filter, "defaultAction");
	const cJSON *eno = cJSON_GetObjectItem(filter, "defaultErrnoRet");
	int dflt_errno = cJSON_IsNumber(eno) ? (int)eno->valuedouble : EPERM;
	scmp_filter_ctx ctx = seccomp_init(action_value(dflt->valuestring, eno, EPERM));
	FILE *null = fopen("/dev/null", "we");

	cr_assert_not_null(ctx);
	cr_assert_eq(seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE), 0);
	for (const cJSON *a = cJSON_GetObjectItem(filter, "architectures")->child; a; a = a->next)
		cr_assert_eq(seccomp_arch_add(ctx, hr_seccomp_arch_from_name(a->valuestring, NULL)), 0);
	for (const cJSON *r = cJSON_GetObjectItem(filter, "syscalls")->child; r; r = r->next) {
		struct scmp_arg_cmp cmp[6];
		unsigned n = 0;
		uint32_t act = action_value(action_of(r), cJSON_GetObjectItem(r, "errnoRet"),
					    dflt_errno);

		cr_assert(cJSON_GetArraySize(cJSON_GetObjectItem(r, "names")) > 0,
			  "a rule without names");
		for (const cJSON *a = has_args(r) ? cJSON_GetObjectItem(r, "args")->child : NULL; a;
		     a = a->next, n++) {
			const cJSON *v = cJSON_GetObjectItem(a, "value");
			const cJSON *v2 = cJSON_GetObjectItem(a, "valueTwo");
			cmp[n] = (struct scmp_arg_cmp){
				.arg = (unsigned)cJSON_GetObjectItem(a, "index")->valuedouble,
				.op = op_value(cJSON_GetObjectItem(a, "op")->valuestring),
				.datum_a = v ? (scmp_datum_t)v->valuedouble : 0,
				.datum_b = v2 ? (scmp_datum_t)v2->valuedouble : 0,
			};
		}
		for (const cJSON *nm = cJSON_GetObjectItem(r, "names")->child; nm; nm = nm->next) {
			int sc = seccomp_syscall_resolve_name(nm->valuestring);
			int rc;

			if (sc == __NR_SCMP_ERROR)
				continue; /* runc skips names this libseccomp lacks */
			rc = seccomp_rule_add_array(ctx, act, sc, n, cmp);
			cr_assert(rc == 0 || rc == -EACCES,
				  "libseccomp refuses the rule for %s: %s", nm->valuestring,
				  strerror(-rc));
		}
	}
	cr_assert_eq(seccomp_export_bpf(ctx, fileno(null)), 0);
	seccomp_release(ctx);
	fclose(null);
}

/* --- merging ------------------------------------------------------------- */

struct merged {
	struct hr_profile *profile;
	cJSON *spec_filter;
	cJSON *result;
	struct hr_seccomp_merge_stats st;
};

static void merge(struct merged *m, const char *profile, cJSON *spec_filter)
{
	hr_error err = { 0 };
	int r;

	m->profile = hrt_profile(profile);
	m->spec_filter = spec_filter;
	r = hr_seccomp_merge(&m->profile->seccomp, spec_filter, &m->result, &m->st, &err);
	cr_assert_eq(r, 0, "%s", err.msg);
	assert_installable(m->result);
}

static void merged_free(struct merged *m)
{
	cJSON_Delete(m->result);
	cJSON_Delete(m->spec_filter);
	hr_profile_free(m->profile);
}

/* A call the result may allow must be one both filters may allow. */
static void assert_intersection(const struct merged *m)
{
	const struct hr_seccomp_profile *sp = &m->profile->seccomp;
	bool spec_default_allows = !hr_seccomp_action_denies(hr_seccomp_action_from_name(
		cJSON_GetObjectItem(m->spec_filter, "defaultAction")->valuestring));
	cJSON *profile_filter = hr_seccomp_profile_filter(sp);

	for (const cJSON *r = cJSON_GetObjectItem(m->result, "syscalls")->child; r; r = r->next) {
		if (hr_seccomp_action_denies(hr_seccomp_action_from_name(action_of(r))))
			continue;
		for (const cJSON *n = cJSON_GetObjectItem(r, "names")->child; n; n = n->next) {
			const char *name = n->valuestring;
			cr_assert(may_allow(profile_filter, name),
				  "%s is allowed, but the profile denies it", name);
			if (spec_default_allows)
				cr_assert(rules_for(m->spec_filter, name, NULL) == 0 ||
						  may_allow(m->spec_filter, name),
					  "%s is allowed, but the spec denies it", name);
			else
				cr_assert(may_allow(m->spec_filter, name),
					  "%s is allowed, but the spec denies it", name);
		}
	}
	cJSON_Delete(profile_filter);
}

/* --- the profile's filter --------------------------------------------------- */

Test(profile_filter, restricted)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *f = hr_seccomp_profile_filter(&p->seccomp);
	const cJSON *clone3 = NULL, *args;
	_cleanup_free_ char *archs = NULL;

	cr_assert_str_eq(cJSON_GetObjectItem(f, "defaultAction")->valuestring, "SCMP_ACT_ERRNO");
	cr_assert_eq(cJSON_GetObjectItem(f, "defaultErrnoRet")->valuedouble, 1.0);
	archs = hr_xasprintf("['%s']", native_oci_name());
	hrt_assert_json(cJSON_GetObjectItem(f, "architectures"), archs, "native architecture");

	cr_assert_eq(rules_for(f, "clone3", &clone3), 1);
	hrt_assert_json(clone3, "{'names': ['clone3'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38}",
			"clone3 answers ENOSYS so that libc falls back to clone");
	cr_assert_eq(rules_for(f, "personality", NULL), 5);
	cr_assert_not(allows_always(f, "personality"), "only the listed personalities");
	cr_assert_eq(rules_for(f, "clone", NULL), 1);
	cr_assert_not(allows_always(f, "clone"), "namespace flags stay masked");
	cr_assert(allows_always(f, "read"));
	cr_assert_eq(rules_for(f, "ptrace", NULL), 0);
	cr_assert_eq(rules_for(f, "io_uring_setup", NULL), 0);
	args = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(f, "syscalls"), 0), "args");
	cr_assert_null(args, "the first rule is the plain allow list");
	assert_installable(f);
	cJSON_Delete(f);
	hr_profile_free(p);
}

Test(profile_filter, only_calls_of_its_architectures)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *f = hr_seccomp_profile_filter(&p->seccomp);
	uint32_t native = seccomp_arch_native();

	/* libseccomp gives calls of other architectures negative pseudo
	 * numbers; a filter for this one has no use for them */
	for (const cJSON *r = cJSON_GetObjectItem(f, "syscalls")->child; r; r = r->next)
		for (const cJSON *n = cJSON_GetObjectItem(r, "names")->child; n; n = n->next)
			cr_assert(seccomp_syscall_resolve_name_arch(native, n->valuestring) >= 0,
				  "%s does not exist on this architecture", n->valuestring);
	/* restricted lists _llseek and chown32 (32-bit only) */
	if (seccomp_syscall_resolve_name_arch(native, "_llseek") < 0)
		cr_assert_eq(rules_for(f, "_llseek", NULL), 0);
	if (seccomp_syscall_resolve_name_arch(native, "chown32") < 0)
		cr_assert_eq(rules_for(f, "chown32", NULL), 0);
	cr_assert_not(hr_syscall_exists(SCMP_ARCH_X86_64, "chown32"));
	cr_assert(hr_syscall_exists(SCMP_ARCH_X86, "chown32"));
	cr_assert(hr_syscall_exists(SCMP_ARCH_X86_64, "read"));
	cJSON_Delete(f);
	hr_profile_free(p);
}

/* --- combining with a spec's filter ------------------------------------------ */

Test(merge, docker_default)
{
	cJSON *spec = hrt_fixture("docker-run-default");
	struct merged m = { 0 };
	const cJSON *r;

	merge(&m, "restricted", cJSON_DetachItemFromObject(cJSON_GetObjectItem(spec, "linux"),
							  "seccomp"));
	cJSON_Delete(spec);
	/* Docker allows ptrace; the profile does not */
	cr_assert_not(may_allow(m.result, "ptrace"));
	cr_assert_not(may_allow(m.result, "io_uring_setup"));
	cr_assert_not_null(strstr(m.st.examples_profile, "ptrace"), "%s", m.st.examples_profile);
	cr_assert_geq(m.st.denied_by_profile, 2);
	/* both restrict personality the same way: the rules stay */
	cr_assert_eq(rules_for(m.result, "personality", NULL), 5);
	cr_assert_not(allows_always(m.result, "personality"));
	cr_assert_eq(rules_for(m.result, "clone", &r), 1);
	hrt_assert_json(cJSON_GetObjectItem(r, "args"),
			"[{'index': 0, 'value': 2114060288, 'op': 'SCMP_CMP_MASKED_EQ'}]", "clone");
	cr_assert(allows_always(m.result, "read"));
	cr_assert_eq(m.st.conflicts, 0);
	/* x86 and x32 were in the spec but not in the profile */
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(m.result, "architectures")), 1);
	cr_assert_str_eq(cJSON_GetObjectItem(m.result, "defaultAction")->valuestring,
			 "SCMP_ACT_ERRNO");
	assert_intersection(&m);
	merged_free(&m);
}

Test(merge, podman_conditional_rules_copied)
{
	cJSON *spec = hrt_fixture("podman-run-default");
	struct merged m = { 0 };
	const cJSON *spec_socket = NULL;
	size_t copied = 0;

	merge(&m, "restricted", cJSON_DetachItemFromObject(cJSON_GetObjectItem(spec, "linux"),
							  "seccomp"));
	cJSON_Delete(spec);
	/* the profile allows socket outright; podman restricts it by
	 * argument: podman's rules are the intersection */
	cr_assert_eq(rules_for(m.spec_filter, "socket", &spec_socket), 4);
	cr_assert_eq(rules_for(m.result, "socket", NULL), 4);
	cr_assert_not(allows_always(m.result, "socket"));
	for (const cJSON *r = cJSON_GetObjectItem(m.result, "syscalls")->child; r; r = r->next) {
		if (!hrt_has_string(cJSON_GetObjectItem(r, "names"), "socket"))
			continue;
		for (const cJSON *s = cJSON_GetObjectItem(m.spec_filter, "syscalls")->child; s;
		     s = s->next)
			if (hrt_has_string(cJSON_GetObjectItem(s, "names"), "socket") &&
			    hr_json_equal(cJSON_GetObjectItem(s, "args"), cJSON_GetObjectItem(r, "args")) &&
			    strcmp(action_of(s), action_of(r)) == 0) {
				copied++;
				break;
			}
	}
	cr_assert_eq(copied, 4, "every socket rule is one of podman's");
	/* podman denies io_pgetevents, which the profile allows */
	cr_assert_not(may_allow(m.result, "io_pgetevents"));
	assert_intersection(&m);
	merged_free(&m);
}

Test(merge, spec_allow_flag_dropped)
{
	struct merged m = { 0 };

	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'flags': ['SECCOMP_FILTER_FLAG_LOG',"
		       " 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'], 'syscalls': [{'names': ['read', 'write'],"
		       " 'action': 'SCMP_ACT_ALLOW'}]}"));
	cr_assert(m.st.dropped_spec_allow);
	hrt_assert_json(cJSON_GetObjectItem(m.result, "flags"), "['SECCOMP_FILTER_FLAG_LOG']",
			"flags");
	merged_free(&m);

	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'flags': ['SECCOMP_FILTER_FLAG_SPEC_ALLOW'],"
		       " 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'}]}"));
	cr_assert_null(cJSON_GetObjectItem(m.result, "flags"), "no empty flags list");
	merged_free(&m);
}

Test(merge, stricter_default_wins)
{
	static const char *const defaults[][2] = {
		{ "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_PROCESS" },
		{ "SCMP_ACT_KILL", "SCMP_ACT_KILL" },
		{ "SCMP_ACT_TRAP", "SCMP_ACT_TRAP" },
		{ "SCMP_ACT_ERRNO", "SCMP_ACT_ERRNO" },
		{ "SCMP_ACT_LOG", "SCMP_ACT_ERRNO" },
		{ "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO" },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(defaults); i++) {
		struct merged m = { 0 };
		_cleanup_free_ char *text = hr_xasprintf(
			"{'defaultAction': '%s', 'syscalls': [{'names': ['read'], 'action': "
			"'SCMP_ACT_ALLOW'}]}",
			defaults[i][0]);

		merge(&m, "restricted", hrt_json(text));
		cr_assert_str_eq(cJSON_GetObjectItem(m.result, "defaultAction")->valuestring,
				 defaults[i][1], "spec default %s", defaults[i][0]);
		merged_free(&m);
	}
}

Test(merge, profile_default_wins_when_stricter)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *spec = hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38,"
			       " 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'}]}");
	struct hr_seccomp_merge_stats st;
	cJSON *out = NULL;

	free(p->seccomp.default_action);
	p->seccomp.default_action = hr_xstrdup("SCMP_ACT_KILL_PROCESS");
	cr_assert_eq(hr_seccomp_merge(&p->seccomp, spec, &out, &st, NULL), 0);
	cr_assert_str_eq(cJSON_GetObjectItem(out, "defaultAction")->valuestring,
			 "SCMP_ACT_KILL_PROCESS");
	cr_assert_null(cJSON_GetObjectItem(out, "defaultErrnoRet"));
	cJSON_Delete(out);
	cJSON_Delete(spec);
	hr_profile_free(p);
}

Test(merge, stricter_spec_filter_stays)
{
	struct merged m = { 0 };

	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_KILL_PROCESS', 'syscalls': [{'names':"
		       " ['read', 'write', 'exit_group', 'ptrace'], 'action': 'SCMP_ACT_ALLOW'}]}"));
	cr_assert_str_eq(cJSON_GetObjectItem(m.result, "defaultAction")->valuestring,
			 "SCMP_ACT_KILL_PROCESS");
	cr_assert(allows_always(m.result, "read"));
	cr_assert(allows_always(m.result, "exit_group"));
	cr_assert_not(may_allow(m.result, "ptrace"), "the profile denies it");
	cr_assert_not(may_allow(m.result, "openat"), "the spec denies it");
	cr_assert_not(may_allow(m.result, "clone"), "the spec denies it");
	cr_assert_not(may_allow(m.result, "personality"), "the spec denies it");
	cr_assert_eq(m.st.allowed, 3);
	assert_intersection(&m);
	merged_free(&m);
}

Test(merge, denylist_spec_filter)
{
	struct merged m = { 0 };

	/* a filter that allows by default and denies a few calls */
	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir',"
		       " 'mkdirat', 'ptrace', 'personality'], 'action': 'SCMP_ACT_ERRNO', "
		       "'errnoRet': 13}]}"));
	cr_assert_str_eq(cJSON_GetObjectItem(m.result, "defaultAction")->valuestring,
			 "SCMP_ACT_ERRNO", "the profile's default: it is an allowlist");
	cr_assert(allows_always(m.result, "read"), "the spec allows it by default");
	cr_assert_not(may_allow(m.result, "mkdir"), "the spec denies it");
	cr_assert_not(may_allow(m.result, "mkdirat"), "the spec denies it");
	cr_assert_not(may_allow(m.result, "ptrace"));
	cr_assert_not(may_allow(m.result, "personality"), "the spec denies every personality");
	cr_assert_not(allows_always(m.result, "clone"), "the profile's conditions stay");
	cr_assert(may_allow(m.result, "clone"));
	cr_assert_not(may_allow(m.result, "kexec_load"), "neither allows it outright");
	assert_intersection(&m);
	merged_free(&m);
}

Test(merge, conditional_deny_in_a_denylist_never_becomes_an_allow)
{
	struct merged m = { 0 };
	const cJSON *r = NULL;

	/* AF_NETLINK (16) sockets denied, others allowed by default */
	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['socket'],"
		       " 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 16,"
		       " 'op': 'SCMP_CMP_EQ'}]}]}"));
	cr_assert_not(allows_always(m.result, "socket"));
	cr_assert_eq(rules_for(m.result, "socket", &r), 1);
	cr_assert_str_eq(action_of(r), "SCMP_ACT_ERRNO");
	merged_free(&m);
}

Test(merge, trace_default_is_not_an_allow)
{
	struct merged m = { 0 };

	/* Without a tracer, SCMP_ACT_TRACE fails the call with ENOSYS: a spec
	 * whose default is TRACE does not allow what it does not name. */
	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_TRACE', 'syscalls': [{'names': ['read'],"
		       " 'action': 'SCMP_ACT_ALLOW'}]}"));
	cr_assert(allows_always(m.result, "read"));
	cr_assert_not(may_allow(m.result, "write"), "TRACE by default is not an allow");
	cr_assert_not(may_allow(m.result, "openat"));
	merged_free(&m);
}

Test(merge, trace_rule_is_not_an_allow_for_conditional_profile_rules)
{
	struct merged m = { 0 };
	const cJSON *r = NULL;

	/* The profile allows clone with conditions; the spec hands clone to
	 * a tracer. Without one that fails the call, so the profile's
	 * conditional allow must not replace it. */
	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['clone'],"
		       " 'action': 'SCMP_ACT_TRACE'}, {'names': ['read'], 'action': 'SCMP_ACT_ALLOW'}]}"));
	cr_assert(rules_for(m.result, "clone", &r) == 0 || strcmp(action_of(r), "SCMP_ACT_ALLOW") != 0,
		  "clone must not become an allow");
	cr_assert_not(may_allow(m.result, "clone"));
	merged_free(&m);
}

Test(merge, different_argument_rules_conflict)
{
	struct merged m = { 0 };

	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read'],"
		       " 'action': 'SCMP_ACT_ALLOW'}, {'names': ['clone'], 'action': 'SCMP_ACT_ALLOW',"
		       " 'args': [{'index': 0, 'value': 256, 'op': 'SCMP_CMP_MASKED_EQ'}]}]}"));
	cr_assert_not(may_allow(m.result, "clone"), "not guessed at");
	cr_assert_eq(m.st.conflicts, 1);
	cr_assert_not_null(strstr(m.st.examples_conflict, "clone"));
	merged_free(&m);
}

/* The profile's five personality rules, as the spec words them: the
 * same rules in another order (members too, valueTwo 0 spelt out) are
 * the same; one value off, or one rule repeated in place of another, is
 * a conflict. */
static const char *const personality_rules[] = {
	"{'names': ['personality'], 'args': [{'op': 'SCMP_CMP_EQ', 'value': 131080, 'index': 0}],"
	" 'action': 'SCMP_ACT_ALLOW'}",
	"{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	" 'args': [{'index': 0, 'value': 4294967295, 'valueTwo': 0, 'op': 'SCMP_CMP_EQ'}]}",
	"{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	" 'args': [{'index': 0, 'value': 0, 'op': 'SCMP_CMP_EQ'}]}",
	"{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	" 'args': [{'index': 0, 'value': 131072, 'op': 'SCMP_CMP_EQ'}]}",
	"{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	" 'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]}",
};

static unsigned personality_conflicts(const char *replace_last)
{
	struct merged m = { 0 };
	char text[2048] = "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [";
	unsigned conflicts;

	for (size_t i = 0; i < HR_ARRAY_SIZE(personality_rules); i++) {
		bool last = i + 1 == HR_ARRAY_SIZE(personality_rules);
		strcat(text, last && replace_last ? replace_last : personality_rules[i]);
		strcat(text, last ? "]}" : ", ");
	}
	merge(&m, "restricted", hrt_json(text));
	conflicts = m.st.conflicts;
	cr_assert_eq(may_allow(m.result, "personality"), conflicts == 0);
	merged_free(&m);
	return conflicts;
}

Test(merge, the_same_argument_rules_in_any_order_are_kept)
{
	cr_assert_eq(personality_conflicts(NULL), 0);
	cr_assert_eq(
		personality_conflicts("{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
				      " 'args': [{'index': 0, 'value': 9, 'op': 'SCMP_CMP_EQ'}]}"),
		1, "a value off");
	cr_assert_eq(
		personality_conflicts("{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
				      " 'args': [{'index': 0, 'value': 0, 'op': 'SCMP_CMP_EQ'}]}"),
		1, "a rule repeated, one missing");
	cr_assert_eq(personality_conflicts("{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
					   " 'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ',"
					   " 'valueTwo': 1}]}"),
		     1, "valueTwo differs");
	cr_assert_eq(
		personality_conflicts("{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
				      " 'args': [{'index': 1, 'value': 8, 'op': 'SCMP_CMP_EQ'}]}"),
		1, "another argument");
	cr_assert_eq(
		personality_conflicts("{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
				      " 'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_GE'}]}"),
		1, "another comparison");
	cr_assert_eq(
		personality_conflicts("{'names': ['personality'], 'action': 'SCMP_ACT_LOG',"
				      " 'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]}"),
		1, "another action");
}

Test(merge, empty_architecture_list_means_native)
{
	struct merged m = { 0 };
	_cleanup_free_ char *want = hr_xasprintf("['%s']", native_oci_name());

	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': [], 'syscalls': "
		       "[{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'}]}"));
	hrt_assert_json(cJSON_GetObjectItem(m.result, "architectures"), want, "architectures");
	merged_free(&m);
}

Test(merge, no_common_architecture)
{
	struct hr_profile *p = hrt_profile("restricted");
	const char *foreign = strcmp(native_oci_name(), "SCMP_ARCH_S390X") == 0
				      ? "SCMP_ARCH_X86_64"
				      : "SCMP_ARCH_S390X";
	_cleanup_free_ char *text = hr_xasprintf(
		"{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': ['%s'], 'syscalls': "
		"[{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'}]}",
		foreign);
	cJSON *spec = hrt_json(text), *out = NULL;
	struct hr_seccomp_merge_stats st;
	hr_error err = { 0 };

	cr_assert_eq(hr_seccomp_merge(&p->seccomp, spec, &out, &st, &err), HR_E_REFUSED);
	cr_assert_null(out);
	cr_assert_not_null(strstr(err.msg, "share no architecture"), "%s", err.msg);
	cJSON_Delete(spec);
	hr_profile_free(p);
}

Test(merge, malformed_spec_filter)
{
	static const struct {
		const char *filter, *where;
	} bad[] = {
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['socket'], 'action':"
		  " 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_SOMETIMES'}]}]}",
		  "/linux/seccomp/syscalls/0/args/0/op" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['socket'], 'action':"
		  " 'SCMP_ACT_ALLOW', 'args': [{'index': 7, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
		  "/linux/seccomp/syscalls/0/args/0/index" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read', 5], 'action':"
		  " 'SCMP_ACT_ALLOW'}]}",
		  "/linux/seccomp/syscalls/0/names/1" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': [], 'action':"
		  " 'SCMP_ACT_ALLOW'}]}",
		  "/linux/seccomp/syscalls/0/names" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read']}]}",
		  "/linux/seccomp/syscalls/0/action" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read'], 'action':"
		  " 'SCMP_ACT_ERRNO', 'errnoRet': -1}]}",
		  "/linux/seccomp/syscalls/0/errnoRet" },
		{ "{'syscalls': []}", "/linux/seccomp/defaultAction" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': [1]}",
		  "/linux/seccomp/architectures/0" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': {}}",
		  "/linux/seccomp/syscalls: expected an array" },
	};
	struct hr_profile *p = hrt_profile("restricted");

	for (size_t i = 0; i < HR_ARRAY_SIZE(bad); i++) {
		cJSON *spec = hrt_json(bad[i].filter), *out = NULL;
		struct hr_seccomp_merge_stats st;
		hr_error err = { 0 };

		cr_assert_eq(hr_seccomp_spec_check(spec, "/linux/seccomp", &err), HR_E_INVALID,
			     "check accepts %s", bad[i].filter);
		cr_assert_not_null(strstr(err.msg, bad[i].where), "`%s` lacks `%s`", err.msg,
				   bad[i].where);
		hr_error_clear(&err);
		cr_assert_eq(hr_seccomp_merge(&p->seccomp, spec, &out, &st, &err), HR_E_INVALID,
			     "merge accepts %s", bad[i].filter);
		cr_assert_null(out);
		cr_assert_not_null(strstr(err.msg, bad[i].where), "`%s` lacks `%s`", err.msg,
				   bad[i].where);
		cJSON_Delete(spec);
	}
	hr_profile_free(p);
}

Test(merge, unknown_names_in_a_spec_are_accepted)
{
	struct merged m = { 0 };

	/* a newer engine may list calls this libseccomp does not know */
	merge(&m, "restricted",
	      hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read',"
		       " 'some_future_call'], 'action': 'SCMP_ACT_ALLOW'}]}"));
	cr_assert(allows_always(m.result, "read"));
	cr_assert_not(may_allow(m.result, "some_future_call"));
	merged_free(&m);
}

/* --- actions ---------------------------------------------------------------- */

Test(actions, names_and_denial)
{
	cr_assert_eq(hr_seccomp_action_from_name("SCMP_ACT_ERRNO"), HR_ACT_ERRNO);
	cr_assert_eq(hr_seccomp_action_from_name("SCMP_ACT_errno"), -1);
	cr_assert(hr_seccomp_action_denies(HR_ACT_KILL_PROCESS));
	cr_assert(hr_seccomp_action_denies(HR_ACT_TRAP));
	cr_assert(hr_seccomp_action_denies(HR_ACT_ERRNO));
	cr_assert_not(hr_seccomp_action_denies(HR_ACT_TRACE), "a tracer may allow it");
	cr_assert_not(hr_seccomp_action_denies(HR_ACT_NOTIFY), "a listener may allow it");
	cr_assert_not(hr_seccomp_action_denies(HR_ACT_LOG));
	cr_assert(hr_seccomp_name_known("socketcall"));
	cr_assert_not(hr_seccomp_name_known("socketcal"));
	cr_assert_eq(hr_seccomp_arch_from_name("SCMP_ARCH_PDP11", NULL), 0);
}
