/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One suite per pass in src/core/passes/: the change it makes, the
 * finding it records (rule, outcome, JSON pointer), the HR_E_INVALID it
 * returns for a spec it cannot read, and that a spec already stricter
 * than the profile stays exactly as strict. JSON in this file is written
 * with single quotes (see hrt_json).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "hardrun/seccomp.h"
#include "helpers.h"
#include "passes/pass.h"

static const struct hr_env no_env = { .swap_accounting = -1 };

/* Run one pass over `spec` under profile `name`. */
static int run_with(hr_pass_fn fn, cJSON *spec, const struct hr_profile *p,
		    const struct hr_env *env, struct hr_findings *f, hr_error *err)
{
	struct hr_pass_ctx c = {
		.spec = spec, .profile = p, .env = env ? env : &no_env, .findings = f, .err = err,
	};
	return fn(&c);
}

static int run(hr_pass_fn fn, cJSON *spec, const char *profile, struct hr_findings *f,
	       hr_error *err)
{
	struct hr_profile *p = hrt_profile(profile);
	int r = run_with(fn, spec, p, &hrt_fake_env, f, err);

	hr_profile_free(p);
	return r;
}

/* The pass refuses to read `spec`, naming `needle` (a pointer) in the message. */
static void invalid(hr_pass_fn fn, const char *relaxed, const char *needle)
{
	cJSON *spec = hrt_json(relaxed);
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	int r = run(fn, spec, "restricted", &f, &err);

	cr_assert_eq(r, HR_E_INVALID, "accepted: %s", relaxed);
	cr_assert_not_null(strstr(err.msg, needle), "message `%s` lacks `%s`", err.msg, needle);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

/* The pass leaves `spec` exactly as it was and records nothing. */
static void unchanged(hr_pass_fn fn, const char *relaxed, const char *profile)
{
	cJSON *spec = hrt_json(relaxed), *copy = cJSON_Duplicate(spec, true);
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	int r = run(fn, spec, profile, &f, &err);
	_cleanup_free_ char *all = hrt_findings_text(&f);
	_cleanup_free_ char *now = hr_json_print(spec, false);

	cr_assert_eq(r, 0, "%s", err.msg);
	cr_assert_eq(f.n, 0, "findings for a spec that needs no change:\n%s", all);
	cr_assert(hr_json_equal(spec, copy), "spec changed under %s:\n  was: %s\n  now: %s",
		  profile, relaxed, now);
	hr_findings_done(&f);
	cJSON_Delete(copy);
	cJSON_Delete(spec);
}

#define PROC "'process': {'user': {'uid': 1000, 'gid': 1000, 'umask': 63}, 'args': ['sh']}"

/* --- annotations ------------------------------------------------------------ */

Test(annotations, runtime_overrides_removed)
{
	cJSON *spec = hrt_json("{'annotations': {'run.oci.seccomp_bpf_data': 'AAAA',"
			       " 'run.oci.hooks.stdout': '/tmp/x', 'io.kubernetes.pod.name': 'p',"
			       " 'Run.OCI.unrelated': 'x'}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_annotations, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(cJSON_GetObjectItem(spec, "annotations"),
			"{'io.kubernetes.pod.name': 'p', 'Run.OCI.unrelated': 'x'}", "annotations");
	x = hrt_expect(&f, "annotations.runtime-override", HR_CHANGED,
		       "/annotations/run.oci.seccomp_bpf_data");
	cr_assert_str_eq(x->before, "\"AAAA\"");
	cr_assert_null(x->after);
	hrt_expect(&f, "annotations.runtime-override", HR_CHANGED, "/annotations/run.oci.hooks.stdout");
	/* not crun's (annotation keys are exact), and not known either */
	hrt_expect(&f, "annotations.unknown", HR_REFUSED, "/annotations/Run.OCI.unrelated");
	cr_assert_eq(f.n, 3);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(annotations, profile_allowlist_keeps_one)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *spec = hrt_json("{'annotations': {'run.oci.keep_original_groups': '1',"
			       " 'run.oci.systemd.subgroup': 'x'}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	hr_strv_push(&p->annotations_allow, "run.oci.keep_*");
	cr_assert_eq(run_with(hr_pass_annotations, spec, p, NULL, &f, &err), 0);
	hrt_assert_json(cJSON_GetObjectItem(spec, "annotations"),
			"{'run.oci.keep_original_groups': '1'}", "annotations");
	hrt_expect(&f, "annotations.runtime-override", HR_CHANGED,
		   "/annotations/run.oci.systemd.subgroup");
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(annotations, pointer_escapes_the_key)
{
	cJSON *spec = hrt_json("{'annotations': {'run.oci.a/b~c': 'x'}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_annotations, spec, "restricted", &f, &err), 0);
	hrt_expect(&f, "annotations.runtime-override", HR_CHANGED, "/annotations/run.oci.a~1b~0c");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(annotations, type_errors)
{
	invalid(hr_pass_annotations, "{'annotations': ['run.oci.x']}",
		"/annotations: expected an object");
	invalid(hr_pass_annotations, "{'annotations': {'run.oci.x': 1}}",
		"/annotations/run.oci.x: expected a string");
	invalid(hr_pass_annotations, "{'Annotations': {}}", "/Annotations: spelled differently");
}

Test(annotations, nothing_to_remove)
{
	unchanged(hr_pass_annotations, "{'annotations': {'org.opencontainers.image.ref': 'x'}}",
		  "restricted");
	unchanged(hr_pass_annotations, "{}", "restricted");
}

/* --- privileged ------------------------------------------------------------- */

Test(privileged, docker_privileged_refused)
{
	cJSON *spec = hrt_fixture("docker-run-privileged");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_privileged, spec, "restricted", &f, &err), 0);
	x = hrt_expect(&f, "spec.privileged", HR_REFUSED, "");
	cr_assert_eq(x->rule->severity, HR_SEV_CRITICAL);
	cr_assert_eq(f.n, 1);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(privileged, whole_harden_refuses)
{
	cJSON *spec = hrt_fixture("docker-run-privileged");
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(hr_harden(spec, p, &hrt_fake_env, &f, &err), HR_E_REFUSED);
	cr_assert_not_null(strstr(err.msg, "refused under profile `restricted`"), "%s", err.msg);
	hrt_expect(&f, "spec.privileged", HR_REFUSED, "");
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(privileged, no_capabilities_object_counts_as_all)
{
	cJSON *spec = hrt_json("{'process': {'args': ['sh']},"
			       " 'linux': {'resources': {'devices': [{'allow': true, 'access': "
			       "'rwm'}]}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_privileged, spec, "restricted", &f, &err), 0);
	hrt_expect(&f, "spec.privileged", HR_REFUSED, "");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(privileged, one_missing_ingredient_is_not_privileged)
{
	/* CAP_SYS_ADMIN and all devices, but a seccomp filter: hardened
	 * piece by piece instead */
	unchanged(hr_pass_privileged,
		  "{'process': {'capabilities': {'bounding': ['CAP_SYS_ADMIN']}},"
		  " 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO'},"
		  " 'resources': {'devices': [{'allow': true, 'access': 'rwm'}]}}}",
		  "restricted");
	/* all devices allowed by type only for char devices: not every device */
	unchanged(hr_pass_privileged,
		  "{'process': {'capabilities': {'bounding': ['CAP_SYS_ADMIN']}},"
		  " 'linux': {'resources': {'devices': [{'allow': true, 'type': 'c', 'major': 1, "
		  "'access': 'rwm'}]}}}",
		  "restricted");
	unchanged(hr_pass_privileged,
		  "{'process': {'capabilities': {'bounding': ['CAP_CHOWN']}},"
		  " 'linux': {'resources': {'devices': [{'allow': true, 'access': 'rwm'}]}}}",
		  "restricted");
}

Test(privileged, type_errors_surface_in_harden)
{
	cJSON *spec = hrt_json("{'process': 'sh', 'root': {'path': 'rootfs'}}");
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	/* the privileged check reads loosely; the next pass names the error */
	cr_assert_eq(hr_harden(spec, p, NULL, &f, &err), HR_E_INVALID);
	cr_assert_not_null(strstr(err.msg, "/process: expected an object"), "%s", err.msg);
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

/* --- user ------------------------------------------------------------------- */

Test(user, root_becomes_the_profile_user)
{
	cJSON *spec = hrt_json("{'process': {'user': {'uid': 0, 'gid': 0, "
			       "'additionalGids': [0, 10, 0]}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_user, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/process/user"),
			"{'uid': 65534, 'gid': 65534, 'additionalGids': [10], 'umask': 23}",
			"process.user");
	x = hrt_expect(&f, "user.root-uid", HR_CHANGED, "/process/user/uid");
	cr_assert_str_eq(x->before, "0");
	cr_assert_str_eq(x->after, "65534");
	hrt_expect(&f, "user.root-gid", HR_CHANGED, "/process/user/gid");
	x = hrt_expect(&f, "user.root-additional-gid", HR_CHANGED, "/process/user/additionalGids");
	cr_assert_str_eq(x->before, "[0,10,0]");
	cr_assert_str_eq(x->after, "[10]");
	x = hrt_expect(&f, "user.umask", HR_CHANGED, "/process/user/umask");
	cr_assert_null(x->before, "umask was absent");
	cr_assert_eq(f.n, 4);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(user, absent_ids_are_root)
{
	cJSON *spec = hrt_json("{'process': {'args': ['sh']}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_user, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/process/user"), "{'uid': 65534, 'gid': 65534, 'umask': 23}",
			"process.user");
	cr_assert_null(hrt_expect(&f, "user.root-uid", HR_CHANGED, "/process/user/uid")->before);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(user, umask_only_gains_bits)
{
	cJSON *spec = hrt_json("{'process': {'user': {'uid': 1000, 'gid': 1000, 'umask': 2}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_user, spec, "restricted", &f, &err), 0);
	/* 002 | 027 = 027 */
	cr_assert_eq(hrt_at(spec, "/process/user/umask")->valuedouble, 027);
	cJSON_Delete(spec);
	hr_findings_done(&f);

	spec = hrt_json("{'process': {'user': {'uid': 1000, 'gid': 1000, 'umask': 56}}}");
	cr_assert_eq(run(hr_pass_user, spec, "restricted", &f, &err), 0);
	/* 070 | 027 = 077 */
	cr_assert_eq(hrt_at(spec, "/process/user/umask")->valuedouble, 077);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(user, allow_root_keeps_root)
{
	unchanged(hr_pass_user,
		  "{'process': {'user': {'uid': 0, 'gid': 0, 'additionalGids': [0], 'umask': 18}}}",
		  "baseline");
}

Test(user, never_loosens)
{
	unchanged(hr_pass_user,
		  "{'process': {'user': {'uid': 1000, 'gid': 1000, 'additionalGids': [1000],"
		  " 'umask': 63}}}",
		  "restricted");
	unchanged(hr_pass_user, "{'process': {'user': {'uid': 1000, 'gid': 1000, 'umask': 511}}}",
		  "strict");
}

Test(user, type_errors)
{
	invalid(hr_pass_user, "{}", "/process: missing");
	invalid(hr_pass_user, "{'process': []}", "/process: expected an object");
	invalid(hr_pass_user, "{'process': {'user': 0}}", "/process/user: expected an object");
	invalid(hr_pass_user, "{'process': {'user': {'uid': '0'}}}",
		"/process/user/uid: expected an integer, found a string");
	invalid(hr_pass_user, "{'process': {'user': {'uid': -1}}}", "/process/user/uid:");
	invalid(hr_pass_user, "{'process': {'user': {'gid': 0.5}}}", "/process/user/gid:");
	invalid(hr_pass_user, "{'process': {'user': {'additionalGids': [10, '0']}}}",
		"/process/user/additionalGids/1: expected a group id");
	invalid(hr_pass_user, "{'process': {'user': {'Uid': 0}}}",
		"/process/user/Uid: spelled differently from the OCI field `uid`");
	invalid(hr_pass_user, "{'process': {'user': {'uid': 1, 'umask': 'x'}}}",
		"/process/user/umask:");
}

/* --- no-new-privileges ------------------------------------------------------- */

Test(no_new_privs, set_when_absent_or_false)
{
	const char *specs[] = { "{'process': {}}", "{'process': {'noNewPrivileges': false}}" };
	const char *before[] = { NULL, "false" };

	for (size_t i = 0; i < 2; i++) {
		cJSON *spec = hrt_json(specs[i]);
		struct hr_findings f = { 0 };
		hr_error err = { 0 };
		const struct hr_finding *x;

		cr_assert_eq(run(hr_pass_no_new_privs, spec, "restricted", &f, &err), 0);
		cr_assert(cJSON_IsTrue(hrt_at(spec, "/process/noNewPrivileges")));
		x = hrt_expect(&f, "process.no-new-privileges", HR_CHANGED,
			       "/process/noNewPrivileges");
		if (before[i])
			cr_assert_str_eq(x->before, before[i]);
		else
			cr_assert_null(x->before);
		cr_assert_str_eq(x->after, "true");
		hr_findings_done(&f);
		cJSON_Delete(spec);
	}
}

Test(no_new_privs, already_set)
{
	unchanged(hr_pass_no_new_privs, "{'process': {'noNewPrivileges': true}}", "restricted");
}

Test(no_new_privs, type_errors)
{
	invalid(hr_pass_no_new_privs, "{'process': {'noNewPrivileges': 'yes'}}",
		"/process/noNewPrivileges: expected a boolean");
	invalid(hr_pass_no_new_privs, "{'process': {'NoNewPrivileges': false}}",
		"/process/NoNewPrivileges: spelled differently");
}

/* --- capabilities ------------------------------------------------------------ */

Test(capabilities, cut_to_the_allowlist)
{
	cJSON *spec = hrt_fixture("docker-run-default");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_capabilities, spec, "baseline", &f, &err), 0, "%s", err.msg);
	/* baseline keeps Docker's defaults but CAP_NET_RAW */
	cr_assert_not(hrt_has_string(hrt_at(spec, "/process/capabilities/bounding"), "CAP_NET_RAW"));
	cr_assert(hrt_has_string(hrt_at(spec, "/process/capabilities/bounding"), "CAP_CHOWN"));
	cr_assert_eq(cJSON_GetArraySize(hrt_at(spec, "/process/capabilities/effective")), 13);
	x = hrt_expect(&f, "capabilities.drop", HR_CHANGED, "/process/capabilities/bounding");
	cr_assert_str_eq(x->message, "1 dropped from bounding: CAP_NET_RAW");
	hrt_expect(&f, "capabilities.drop", HR_CHANGED, "/process/capabilities/effective");
	hrt_expect(&f, "capabilities.drop", HR_CHANGED, "/process/capabilities/permitted");
	cr_assert_eq(f.n, 3);
	hrt_assert_json(hrt_at(spec, "/process/capabilities/ambient"), "[]", "ambient");
	hrt_assert_json(hrt_at(spec, "/process/capabilities/inheritable"), "[]", "inheritable");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

/* What an engine gives every container is cut; what someone asked for
 * beyond that is refused, once per capability, at its first place. */
Test(capabilities, asked_for_beyond_the_engines_defaults_is_refused)
{
	cJSON *spec = hrt_json("{'process': {'capabilities': {"
			       "'bounding': ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN'],"
			       "'effective': ['CAP_SYS_ADMIN'], 'permitted': ['CAP_SYS_ADMIN'],"
			       "'ambient': ['CAP_FOO']}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_capabilities, spec, "restricted", &f, &err), 0, "%s", err.msg);
	x = hrt_expect(&f, "capabilities.added", HR_REFUSED, "/process/capabilities/bounding/1");
	cr_expect(strstr(x->message, "CAP_SYS_ADMIN") != NULL, "%s", x->message);
	hrt_expect(&f, "capabilities.added", HR_REFUSED, "/process/capabilities/bounding/2");
	x = hrt_expect(&f, "capabilities.added", HR_REFUSED, "/process/capabilities/ambient/0");
	cr_expect(strstr(x->message, "not a capability libcap knows") != NULL, "%s", x->message);
	cr_expect_eq(hrt_count(&f, "capabilities.added"), 3, "CAP_SYS_ADMIN once:\n%s",
		     hrt_findings_text(&f));
	cr_expect_null(hrt_find(&f, "capabilities.added", "/process/capabilities/bounding/0"),
		       "CAP_CHOWN is an engine's default: cut, not refused");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(capabilities, one_the_profile_allows_is_kept_not_refused)
{
	cJSON *spec = hrt_json("{'process': {'capabilities': {'bounding': ['CAP_SYS_PTRACE'],"
			       "'effective': ['CAP_SYS_PTRACE'], 'permitted': ['CAP_SYS_PTRACE']}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_capabilities, spec, "debug", &f, &err), 0, "%s", err.msg);
	cr_expect_null(hrt_find(&f, "capabilities.added", NULL), "%s", hrt_findings_text(&f));
	cr_expect(hrt_has_string(hrt_at(spec, "/process/capabilities/bounding"), "CAP_SYS_PTRACE"));
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(capabilities, an_execd_process_is_cut_not_refused)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *proc = hrt_json("{'args': ['sh'], 'cwd': '/', 'user': {'uid': 0, 'gid': 0},"
			       "'capabilities': {'bounding': ['CAP_SYS_ADMIN'],"
			       "'effective': ['CAP_SYS_ADMIN'], 'permitted': ['CAP_SYS_ADMIN']}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(hr_harden_process(proc, p, NULL, &hrt_fake_env, &f, &err), 0, "%s", err.msg);
	cr_expect_null(hrt_find(&f, "capabilities.added", NULL), "%s", hrt_findings_text(&f));
	hrt_expect(&f, "capabilities.drop", HR_CHANGED, "/process/capabilities/bounding");
	cr_expect_not(hrt_has_string(hrt_at(proc, "/capabilities/bounding"), "CAP_SYS_ADMIN"));
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(proc);
}

Test(capabilities, restricted_drops_everything)
{
	cJSON *spec = hrt_fixture("docker-run-default");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_capabilities, spec, "restricted", &f, &err), 0);
	hrt_assert_json(hrt_at(spec, "/process/capabilities"),
			"{'bounding': [], 'effective': [], 'permitted': [], 'inheritable': [],"
			" 'ambient': []}",
			"capabilities");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(capabilities, missing_object_becomes_the_allowlist)
{
	cJSON *spec = hrt_json("{'process': {'args': ['sh']}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;
	const char *sets[] = { "bounding", "effective", "permitted" };

	cr_assert_eq(run(hr_pass_capabilities, spec, "baseline", &f, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < 3; i++) {
		cJSON *set = cJSON_GetObjectItem(hrt_at(spec, "/process/capabilities"), sets[i]);
		cr_assert_eq(cJSON_GetArraySize(set), 13, "%s", sets[i]);
		cr_assert(hrt_has_string(set, "CAP_NET_BIND_SERVICE"));
		cr_assert_not(hrt_has_string(set, "CAP_SYS_ADMIN"));
		cr_assert_not(hrt_has_string(set, "CAP_NET_RAW"));
	}
	hrt_assert_json(hrt_at(spec, "/process/capabilities/inheritable"), "[]", "inheritable");
	hrt_assert_json(hrt_at(spec, "/process/capabilities/ambient"), "[]", "ambient");
	x = hrt_expect(&f, "capabilities.drop", HR_CHANGED, "/process/capabilities");
	cr_assert_null(x->before);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(capabilities, ambient_cleared_unless_profile_allows)
{
	static const char text[] =
		"{'process': {'capabilities': {'bounding': ['CAP_NET_BIND_SERVICE'],"
		" 'permitted': ['CAP_NET_BIND_SERVICE'], 'effective': ['CAP_NET_BIND_SERVICE'],"
		" 'inheritable': ['CAP_NET_BIND_SERVICE'], 'ambient': ['CAP_NET_BIND_SERVICE']}}}";
	struct hr_profile *p = hrt_profile("baseline");
	cJSON *spec = hrt_json(text);
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run_with(hr_pass_capabilities, spec, p, NULL, &f, &err), 0);
	hrt_assert_json(hrt_at(spec, "/process/capabilities/ambient"), "[]", "ambient");
	hrt_assert_json(hrt_at(spec, "/process/capabilities/inheritable"),
			"['CAP_NET_BIND_SERVICE']", "inheritable");
	hrt_expect(&f, "capabilities.ambient", HR_CHANGED, "/process/capabilities/ambient");
	cr_assert_eq(f.n, 1);
	hr_findings_done(&f);
	cJSON_Delete(spec);

	/* a profile with ambient capabilities keeps the allowed ones */
	p->caps.ambient = true;
	spec = hrt_json(text);
	cr_assert_eq(run_with(hr_pass_capabilities, spec, p, NULL, &f, &err), 0);
	hrt_assert_json(hrt_at(spec, "/process/capabilities/ambient"), "['CAP_NET_BIND_SERVICE']",
			"ambient");
	cr_assert_eq(f.n, 0);
	hr_findings_done(&f);
	cJSON_Delete(spec);
	hr_profile_free(p);
}

Test(capabilities, unknown_names_are_dropped)
{
	cJSON *spec = hrt_json("{'process': {'capabilities': {'bounding': ['CAP_CHOWN', "
			       "'CAP_BOGUS', 'cap_chown']}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_capabilities, spec, "baseline", &f, &err), 0);
	hrt_assert_json(hrt_at(spec, "/process/capabilities/bounding"), "['CAP_CHOWN']",
			"bounding");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(capabilities, never_loosens)
{
	/* a subset of the allowlist stays that subset; nothing is added */
	unchanged(hr_pass_capabilities,
		  "{'process': {'capabilities': {'bounding': ['CAP_CHOWN'], 'effective': [],"
		  " 'permitted': ['CAP_CHOWN'], 'inheritable': [], 'ambient': []}}}",
		  "baseline");
	unchanged(hr_pass_capabilities,
		  "{'process': {'capabilities': {'bounding': [], 'effective': [],"
		  " 'permitted': [], 'inheritable': [], 'ambient': []}}}",
		  "restricted");
}

Test(capabilities, type_errors)
{
	invalid(hr_pass_capabilities, "{'process': {'capabilities': []}}",
		"/process/capabilities: expected an object");
	invalid(hr_pass_capabilities, "{'process': {'capabilities': {'bounding': 'CAP_CHOWN'}}}",
		"/process/capabilities/bounding: expected an array");
	invalid(hr_pass_capabilities, "{'process': {'capabilities': {'effective': ['CAP_CHOWN', 5]}}}",
		"/process/capabilities/effective/1: expected a string");
	invalid(hr_pass_capabilities, "{'process': {'capabilities': {'Ambient': ['CAP_CHOWN']}}}",
		"/process/capabilities/Ambient: spelled differently");
}

/* --- seccomp ----------------------------------------------------------------- */

Test(seccomp, installed_when_absent)
{
	cJSON *spec = hrt_json("{" PROC ", 'linux': {}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *sc;

	cr_assert_eq(run(hr_pass_seccomp, spec, "restricted", &f, &err), 0, "%s", err.msg);
	sc = hrt_at(spec, "/linux/seccomp");
	cr_assert_str_eq(cJSON_GetObjectItem(sc, "defaultAction")->valuestring, "SCMP_ACT_ERRNO");
	cr_assert_eq(cJSON_GetObjectItem(sc, "defaultErrnoRet")->valuedouble, 1.0);
	hrt_expect(&f, "seccomp.install", HR_CHANGED, "/linux/seccomp");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(seccomp, null_filter_counts_as_absent)
{
	cJSON *spec = hrt_json("{" PROC ", 'linux': {'seccomp': null}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_seccomp, spec, "restricted", &f, &err), 0);
	cr_assert(cJSON_IsObject(hrt_at(spec, "/linux/seccomp")));
	hrt_expect(&f, "seccomp.install", HR_CHANGED, "/linux/seccomp");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

/* The names an OCI filter allows without conditions. */
static bool filter_allows(const cJSON *filter, const char *name)
{
	for (const cJSON *r = cJSON_GetObjectItem(filter, "syscalls")->child; r; r = r->next)
		if (strcmp(cJSON_GetObjectItem(r, "action")->valuestring, "SCMP_ACT_ALLOW") == 0 &&
		    hrt_has_string(cJSON_GetObjectItem(r, "names"), name))
			return true;
	return false;
}

Test(seccomp, docker_filter_merged)
{
	cJSON *spec = hrt_fixture("docker-run-default");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_seccomp, spec, "restricted", &f, &err), 0, "%s", err.msg);
	x = hrt_expect(&f, "seccomp.merge", HR_CHANGED, "/linux/seccomp");
	cr_assert_not_null(strstr(x->message, "ptrace"), "%s", x->message);
	cr_assert_not(filter_allows(hrt_at(spec, "/linux/seccomp"), "ptrace"));
	cr_assert(filter_allows(hrt_at(spec, "/linux/seccomp"), "read"));
	cr_assert_null(hrt_find(&f, "seccomp.install", NULL));
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(seccomp, stricter_spec_filter_stays)
{
	cJSON *spec = hrt_json("{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_KILL_PROCESS',"
			       " 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'],"
			       " 'syscalls': [{'names': ['read', 'write', 'exit_group'],"
			       " 'action': 'SCMP_ACT_ALLOW'}]}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *sc;

	cr_assert_eq(run(hr_pass_seccomp, spec, "restricted", &f, &err), 0, "%s", err.msg);
	sc = hrt_at(spec, "/linux/seccomp");
	cr_assert_str_eq(cJSON_GetObjectItem(sc, "defaultAction")->valuestring,
			 "SCMP_ACT_KILL_PROCESS");
	cr_assert(filter_allows(sc, "read"));
	cr_assert(filter_allows(sc, "exit_group"));
	cr_assert_not(filter_allows(sc, "open"), "the spec did not allow it");
	cr_assert_not(filter_allows(sc, "openat"), "the spec did not allow it");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(seccomp, hardened_filter_is_not_a_change)
{
	cJSON *spec = hrt_fixture("docker-run-default");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *once;

	cr_assert_eq(run(hr_pass_seccomp, spec, "restricted", &f, &err), 0);
	once = cJSON_Duplicate(spec, true);
	hr_findings_done(&f);
	cr_assert_eq(run(hr_pass_seccomp, spec, "restricted", &f, &err), 0);
	cr_assert(hr_json_equal(spec, once));
	cr_assert_eq(f.n, 0, "a second run found something to change");
	hr_findings_done(&f);
	cJSON_Delete(once);
	cJSON_Delete(spec);
}

Test(seccomp, no_common_architecture_refused)
{
	cJSON *spec = hrt_json("{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO',"
			       " 'architectures': ['SCMP_ARCH_S390X', 'SCMP_ARCH_PPC64LE'],"
			       " 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'}]}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	if (hr_seccomp_arch_from_name("native", NULL) == hr_seccomp_arch_from_name("SCMP_ARCH_S390X", NULL) ||
	    hr_seccomp_arch_from_name("native", NULL) == hr_seccomp_arch_from_name("SCMP_ARCH_PPC64LE", NULL))
		cr_skip_test("this test names two foreign architectures; this host is one of them");
	cr_assert_eq(run(hr_pass_seccomp, spec, "restricted", &f, &err), 0);
	hrt_expect(&f, "seccomp.merge", HR_REFUSED, "/linux/seccomp/architectures");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(seccomp, spec_allow_flag_dropped)
{
	cJSON *spec = hrt_json("{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO',"
			       " 'flags': ['SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_LOG'],"
			       " 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'}]}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_seccomp, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/linux/seccomp/flags"), "['SECCOMP_FILTER_FLAG_LOG']",
			"flags");
	hrt_expect(&f, "seccomp.flags", HR_CHANGED, "/linux/seccomp/flags");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(seccomp, type_errors)
{
	invalid(hr_pass_seccomp, "{'linux': []}", "/linux: expected an object");
	invalid(hr_pass_seccomp, "{'linux': {'seccomp': []}}", "/linux/seccomp: expected an object");
	invalid(hr_pass_seccomp, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_MAYBE'}}}",
		"/linux/seccomp/defaultAction:");
	invalid(hr_pass_seccomp,
		"{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': "
		"['socket'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': 1, 'op': "
		"'SCMP_CMP_ABOUT'}]}]}}}",
		"/linux/seccomp/syscalls/0/args/0/op:");
	invalid(hr_pass_seccomp,
		"{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': "
		"[7], 'action': 'SCMP_ACT_ALLOW'}]}}}",
		"/linux/seccomp/syscalls/0/names/0: expected a string");
}

/* --- mounts ------------------------------------------------------------------- */

/* Run the mounts pass over one mount (relaxed JSON). */
static int one_mount(const char *mount, const char *profile, const struct hr_env *env,
		     cJSON **ret_spec, struct hr_findings *f, hr_error *err)
{
	_cleanup_free_ char *text = hr_xasprintf("{'mounts': [%s]}", mount);
	struct hr_profile *p = hrt_profile(profile);
	int r;

	*ret_spec = hrt_json(text);
	r = run_with(hr_pass_mounts, *ret_spec, p, env, f, err);
	hr_profile_free(p);
	return r;
}

static void bind_refused(const char *source, const char *exposes)
{
	_cleanup_free_ char *m = hr_xasprintf("{'destination': '/mnt', 'type': 'bind', "
					      "'source': '%s', 'options': ['rbind']}",
					      source);
	_cleanup_free_ char *want = hr_xasprintf("exposes `%s`", exposes);
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;
	const struct hr_finding *x;

	cr_assert_eq(one_mount(m, "restricted", &hrt_fake_env, &spec, &f, &err), 0, "%s", err.msg);
	x = hrt_expect(&f, "mounts.sensitive-source", HR_REFUSED, "/mounts/0");
	cr_assert_not_null(strstr(x->message, want), "%s: %s", source, x->message);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(mounts, sensitive_sources_refused)
{
	bind_refused("/", "/proc"); /* above every denied path */
	bind_refused("/var/run/docker.sock", "/var/run/docker.sock");
	bind_refused("/run/containerd/containerd.sock", "/run/containerd");
	bind_refused("/etc", "/etc");
	bind_refused("/etc/shadow", "/etc");
	bind_refused("/var", "/var/lib/docker");	  /* above a denied path */
	bind_refused("/var/run", "/var/run/containerd"); /* ditto */
	bind_refused("/proc/1/root", "/proc");
	bind_refused("/var/lib/docker/volumes/v/_data/../../../../../../etc", "/etc");
	bind_refused("//etc//", "/etc");
	bind_refused("/var/lib/docker/containers/x/hosts/../../../image", "/var/lib/docker");
}

/* Denied sources whose first character is a wildcard, a bracket or a
 * backslash are tried on every path; a literal one only on paths that
 * begin with the same character, above or below it. (A backslash in a
 * denied source without wildcards is a character of its name.) */
Test(mounts, denied_patterns_by_their_first_character)
{
	struct hr_profile *p = hrt_profile("restricted");
	static const char *const denied[] = { "/xs*", "/[yz]q", "/\\w", "/?t", "/*/keys" };
	static const struct {
		const char *path, *by;
	} cases[] = {
		{ "/xsecret", "/xs*" }, { "/xsa/b", "/xs*" },
		{ "/zq", "/[yz]q" },	{ "/yq/a", "/[yz]q" },
		{ "/\\w/a", "/\\w" },	{ "/w", "/*/keys" },
		{ "/w/x", NULL },	{ "/home/keys", "/*/keys" },
		{ "/home", "/*/keys" }, { "/at", "/?t" },
		{ "/", "/proc" },	{ "/e/f", NULL },
		{ "/xa/b", NULL },	{ "/yr/b", NULL },
		{ "/etc/x", "/etc" },	{ "/eu/c", NULL },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(denied); i++)
		hr_strv_push(&p->mounts.denied_sources, denied[i]);
	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		const char *by = hr_pass_denied_by(p, cases[i].path);
		if (cases[i].by)
			cr_assert(by && strcmp(by, cases[i].by) == 0, "%s: %s, not %s",
				  cases[i].path, by ? by : "allowed", cases[i].by);
		else if (by && strcmp(by, "/proc") != 0)
			cr_assert_null(by, "%s: denied by %s", cases[i].path, by);
	}
	hr_profile_free(p);
}

Test(mounts, denied_root_means_the_root_only)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *spec = hrt_json("{'mounts': [{'destination': '/a', 'type': 'bind', 'source': '/'},"
			       " {'destination': '/b', 'type': 'bind', 'source': '/srv/data'}]}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	/* a profile that lists "/" itself must not deny every path below it */
	hr_strv_push(&p->mounts.denied_sources, "/");
	cr_assert_eq(run_with(hr_pass_mounts, spec, p, &hrt_fake_env, &f, &err), 0);
	x = hrt_expect(&f, "mounts.sensitive-source", HR_REFUSED, "/mounts/0");
	cr_assert_not_null(strstr(x->message, "bind mount of host path `/`"), "%s", x->message);
	cr_assert_null(hrt_find(&f, "mounts.sensitive-source", "/mounts/1"));
	hrt_expect(&f, "mounts.bind-readonly", HR_CHANGED, "/mounts/1/options");
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(mounts, engine_managed_exceptions_allowed)
{
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;

	cr_assert_eq(one_mount("{'destination': '/etc/hosts', 'type': 'bind', 'source':"
			       " '/var/lib/docker/containers/0123abcd/hosts', 'options': ['rbind',"
			       " 'rprivate']}",
			       "restricted", &hrt_fake_env, &spec, &f, &err),
		     0);
	cr_assert_null(hrt_find(&f, "mounts.sensitive-source", NULL));
	hrt_assert_json(hrt_at(spec, "/mounts/0/options"),
			"['rbind', 'rprivate', 'nosuid', 'nodev', 'ro', 'rro']", "options");
	hrt_expect(&f, "mounts.bind-readonly", HR_CHANGED, "/mounts/0/options");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(mounts, other_binds_become_read_only)
{
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;

	cr_assert_eq(one_mount("{'destination': '/data', 'type': 'bind', 'source': '/srv/data',"
			       " 'options': ['bind', 'rw']}",
			       "restricted", &hrt_fake_env, &spec, &f, &err),
		     0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/mounts/0/options"), "['bind', 'nosuid', 'nodev', 'ro']",
			"a plain bind gets ro, not rro");
	hrt_expect(&f, "mounts.bind-readonly", HR_CHANGED, "/mounts/0/options");
	hr_findings_done(&f);
	cJSON_Delete(spec);

	/* a bind recognised by its option alone, recursive */
	cr_assert_eq(one_mount("{'destination': '/data', 'source': '/srv/data',"
			       " 'options': ['rbind', 'rrw']}",
			       "restricted", &hrt_fake_env, &spec, &f, &err),
		     0);
	hrt_assert_json(hrt_at(spec, "/mounts/0/options"),
			"['rbind', 'nosuid', 'nodev', 'ro', 'rro']", "rbind gets rro too");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(mounts, writable_volume_stays_writable)
{
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;

	cr_assert_eq(one_mount("{'destination': '/data', 'type': 'bind', 'source':"
			       " '/var/lib/docker/volumes/db/_data', 'options': ['rbind', 'rw']}",
			       "restricted", &hrt_fake_env, &spec, &f, &err),
		     0);
	hrt_assert_json(hrt_at(spec, "/mounts/0/options"), "['rbind', 'rw', 'nosuid', 'nodev']",
			"options");
	hrt_expect(&f, "mounts.nosuid-nodev", HR_CHANGED, "/mounts/0/options");
	cr_assert_null(hrt_find(&f, "mounts.bind-readonly", NULL));
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(mounts, never_loosens)
{
	/* a read-only bind stays read-only, even from a writable source */
	unchanged(hr_pass_mounts,
		  "{'mounts': [{'destination': '/data', 'type': 'bind', 'source':"
		  " '/var/lib/docker/volumes/db/_data', 'options': ['rbind', 'ro', 'nosuid',"
		  " 'nodev']}]}",
		  "restricted");
	unchanged(hr_pass_mounts,
		  "{'mounts': [{'destination': '/data', 'type': 'bind', 'source': '/srv/data',"
		  " 'options': ['rbind', 'ro', 'rro', 'nosuid', 'nodev', 'noexec']}]}",
		  "restricted");
	unchanged(hr_pass_mounts,
		  "{'mounts': [{'destination': '/sys', 'type': 'sysfs', 'source': 'sysfs',"
		  " 'options': ['nosuid', 'noexec', 'nodev', 'ro']}]}",
		  "restricted");
}

Test(mounts, source_resolution)
{
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;
	const struct hr_finding *x;

	/* relative, and the host cannot open it */
	cr_assert_eq(one_mount("{'destination': '/data', 'type': 'bind', 'source': 'data'}",
			       "restricted", &hrt_fake_env, &spec, &f, &err),
		     0);
	x = hrt_expect(&f, "mounts.sensitive-source", HR_REFUSED, "/mounts/0");
	cr_assert_not_null(strstr(x->message, "cannot be opened"), "%s", x->message);
	hr_findings_done(&f);
	cJSON_Delete(spec);

	/* relative, and no host to ask */
	cr_assert_eq(one_mount("{'destination': '/data', 'type': 'bind', 'source': 'data'}",
			       "restricted", NULL, &spec, &f, &err),
		     0);
	x = hrt_expect(&f, "mounts.sensitive-source", HR_REFUSED, "/mounts/0");
	cr_assert_not_null(strstr(x->message, "relative"), "%s", x->message);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

/* A host on which /srv/link leads to /etc and relative sources are in
 * the bundle, /bundle. */
static const struct hr_path_facts *link_into_etc(void *ud, const char *source,
						 enum hr_path_use use)
{
	static struct hr_path_facts link = { .path = "/srv/link", .real = "/etc", .mode = 040755 };
	static struct hr_path_facts data = { .path = "/bundle/data", .real = "/bundle/data",
					     .mode = 040755 };

	(void)ud;
	(void)use;
	return strcmp(source, "/srv/link") == 0 ? &link : &data;
}

Test(mounts, symlinked_source_judged_where_it_leads)
{
	const struct hr_env env = { .path_facts = link_into_etc, .swap_accounting = -1 };
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;
	const struct hr_finding *x;

	cr_assert_eq(one_mount("{'destination': '/data', 'type': 'bind', 'source': '/srv/link'}",
			       "restricted", &env, &spec, &f, &err),
		     0);
	x = hrt_expect(&f, "mounts.sensitive-source", HR_REFUSED, "/mounts/0");
	cr_assert_not_null(strstr(x->message, "resolves to `/etc`"), "%s", x->message);
	hr_findings_done(&f);
	cJSON_Delete(spec);

	/* a relative source the host resolves is judged and made read-only */
	cr_assert_eq(one_mount("{'destination': '/data', 'type': 'bind', 'source': 'data'}",
			       "restricted", &env, &spec, &f, &err),
		     0);
	hrt_expect(&f, "mounts.bind-readonly", HR_CHANGED, "/mounts/0/options");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(mounts, denied_file_system_types)
{
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;

	cr_assert_eq(one_mount("{'destination': '/dev', 'type': 'devtmpfs', 'source': 'devtmpfs'}",
			       "restricted", &hrt_fake_env, &spec, &f, &err),
		     0);
	hrt_expect(&f, "mounts.fstype", HR_REFUSED, "/mounts/0");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(mounts, nosuid_nodev_and_kernel_fs)
{
	cJSON *spec = hrt_json(
		"{'mounts': [{'destination': '/scratch', 'type': 'tmpfs', 'source': 'tmpfs',"
		" 'options': ['suid', 'dev', 'size=1m']},"
		" {'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['mode=755']},"
		" {'destination': '/dev/pts', 'type': 'devpts', 'source': 'devpts'},"
		" {'destination': '/sys/fs/cgroup', 'type': 'cgroup2', 'source': 'cgroup',"
		" 'options': ['rw']}]}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_mounts, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/mounts/0/options"), "['size=1m', 'nosuid', 'nodev']",
			"tmpfs");
	hrt_assert_json(hrt_at(spec, "/mounts/1/options"), "['mode=755', 'nosuid']",
			"/dev keeps its device nodes");
	hrt_assert_json(hrt_at(spec, "/mounts/2/options"), "['nosuid']", "devpts");
	hrt_assert_json(hrt_at(spec, "/mounts/3/options"), "['nosuid', 'nodev', 'ro']", "cgroup2");
	hrt_expect(&f, "mounts.nosuid-nodev", HR_CHANGED, "/mounts/0/options");
	hrt_expect(&f, "mounts.kernel-fs-readonly", HR_CHANGED, "/mounts/3/options");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(mounts, type_errors)
{
	invalid(hr_pass_mounts, "{'mounts': {}}", "/mounts: expected an array");
	invalid(hr_pass_mounts, "{'mounts': ['x']}", "/mounts/0: expected an object");
	invalid(hr_pass_mounts, "{'mounts': [{'type': 'tmpfs'}]}", "/mounts/0/destination: missing");
	invalid(hr_pass_mounts, "{'mounts': [{'destination': 7}]}",
		"/mounts/0/destination: expected a string");
	invalid(hr_pass_mounts, "{'mounts': [{'destination': '/a', 'options': 'ro'}]}",
		"/mounts/0/options: expected an array");
	invalid(hr_pass_mounts, "{'mounts': [{'destination': '/a', 'options': ['ro', 1]}]}",
		"/mounts/0/options/1: expected a string");
	invalid(hr_pass_mounts, "{'mounts': [{'destination': '/a', 'type': 'bind'}]}",
		"/mounts/0/source: a bind mount needs a source");
	invalid(hr_pass_mounts, "{'mounts': [{'destination': '/a', 'Source': '/etc', 'type': 'bind'}]}",
		"/mounts/0/Source: spelled differently");
}

/* --- rootfs ------------------------------------------------------------------- */

Test(rootfs, read_only_with_tmpfs)
{
	cJSON *spec = hrt_json("{'root': {'path': 'rootfs'}, 'mounts': [{'destination': '/proc',"
			       " 'type': 'proc', 'source': 'proc'}]}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_rootfs, spec, "restricted", &f, &err), 0, "%s", err.msg);
	cr_assert(cJSON_IsTrue(hrt_at(spec, "/root/readonly")));
	hrt_expect(&f, "rootfs.readonly", HR_CHANGED, "/root/readonly");
	hrt_assert_json(hrt_at(spec, "/mounts/1"),
			"{'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs', 'options':"
			" ['nosuid', 'nodev', 'noexec', 'mode=1777', 'size=64m', 'tmpcopyup']}",
			"/tmp tmpfs");
	cr_assert_str_eq(hrt_at(spec, "/mounts/2/destination")->valuestring, "/run");
	cr_assert_str_eq(hrt_at(spec, "/mounts/3/destination")->valuestring, "/var/tmp");
	x = hrt_expect(&f, "rootfs.tmpfs", HR_CHANGED, "/mounts/1");
	cr_assert_null(x->before);
	cr_assert_eq(hrt_count(&f, "rootfs.tmpfs"), 3);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(rootfs, tmpfs_goes_before_mounts_below_it)
{
	/* a tmpfs at /run after /run/secrets would hide the secrets */
	cJSON *spec = hrt_json("{'root': {'path': 'rootfs', 'readonly': true}, 'mounts': ["
			       "{'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
			       "{'destination': '/run/secrets', 'type': 'bind', 'source': '/srv/s'},"
			       "{'destination': '/etc/hosts', 'type': 'bind', 'source': '/srv/h'}]}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_rootfs, spec, "restricted", &f, &err), 0, "%s", err.msg);
	cr_assert_str_eq(hrt_at(spec, "/mounts/0/destination")->valuestring, "/proc");
	cr_assert_str_eq(hrt_at(spec, "/mounts/1/destination")->valuestring, "/run");
	cr_assert_str_eq(hrt_at(spec, "/mounts/2/destination")->valuestring, "/run/secrets");
	cr_assert_str_eq(hrt_at(spec, "/mounts/3/destination")->valuestring, "/etc/hosts");
	cr_assert_str_eq(hrt_at(spec, "/mounts/4/destination")->valuestring, "/tmp");
	cr_assert_str_eq(hrt_at(spec, "/mounts/5/destination")->valuestring, "/var/tmp");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(spec, "mounts")), 6);
	hrt_expect(&f, "rootfs.tmpfs", HR_CHANGED, "/mounts/1");
	cr_assert_null(hrt_find(&f, "rootfs.readonly", NULL), "it was read-only already");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(rootfs, existing_mount_not_duplicated)
{
	cJSON *spec = hrt_fixture("docker-run-hardened-flags");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	size_t tmp = 0;

	cr_assert_eq(run(hr_pass_rootfs, spec, "restricted", &f, &err), 0, "%s", err.msg);
	for (cJSON *m = cJSON_GetObjectItem(spec, "mounts")->child; m; m = m->next)
		tmp += strcmp(cJSON_GetObjectItem(m, "destination")->valuestring, "/tmp") == 0;
	cr_assert_eq(tmp, 1);
	/* Docker's own /tmp (--tmpfs /tmp) is held to the profile's size */
	hrt_assert_json(hrt_at(spec, "/mounts/7/options"),
			"['noexec', 'nosuid', 'nodev', 'rprivate', 'size=67108864']", "/tmp");
	hrt_expect(&f, "rootfs.tmpfs", HR_CHANGED, "/mounts/7/options");
	cr_assert_eq(hrt_count(&f, "rootfs.tmpfs"), 3);
	hr_findings_done(&f);
	cJSON_Delete(spec);

	/* a destination spelled /tmp/ is /tmp */
	unchanged(hr_pass_rootfs,
		  "{'root': {'path': 'r', 'readonly': true}, 'mounts': [{'destination': '/tmp/'},"
		  " {'destination': '//run'}, {'destination': '/var/./tmp'}]}",
		  "restricted");
}

Test(rootfs, writable_profile_leaves_it)
{
	unchanged(hr_pass_rootfs, "{'root': {'path': 'rootfs'}, 'mounts': []}", "baseline");
	unchanged(hr_pass_rootfs, "{'root': {'path': 'rootfs', 'readonly': true}}", "baseline");
}

Test(rootfs, type_errors)
{
	invalid(hr_pass_rootfs, "{}", "/root: missing");
	invalid(hr_pass_rootfs, "{'root': 'rootfs'}", "/root: expected an object");
	invalid(hr_pass_rootfs, "{'root': {'readonly': 'yes'}}", "/root/readonly: expected a boolean");
	invalid(hr_pass_rootfs, "{'root': {'path': 'r'}, 'mounts': 5}", "/mounts: expected an array");
}

/* --- namespaces ----------------------------------------------------------------- */

Test(namespaces, missing_types_added)
{
	cJSON *spec = hrt_fixture("docker-run-default");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_namespaces, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/linux/namespaces/5"), "{'type': 'cgroup'}", "added");
	x = hrt_expect(&f, "namespaces.missing", HR_CHANGED, "/linux/namespaces/5");
	cr_assert_str_eq(x->after, "{\"type\":\"cgroup\"}");
	cr_assert_eq(f.n, 1);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

/* Every engine makes these unless told to share the host's. */
Test(namespaces, a_left_out_pid_network_ipc_or_uts_namespace_is_refused)
{
	static const char *const types[] = { "pid", "network", "ipc", "uts" };

	for (size_t i = 0; i < 4; i++) {
		_cleanup_free_ char *text = NULL;
		char nss[256] = "";
		struct hr_findings f = { 0 };
		hr_error err = { 0 };
		const struct hr_finding *x;
		cJSON *spec;

		for (size_t j = 0; j < 4; j++)
			if (j != i)
				snprintf(nss + strlen(nss), sizeof nss - strlen(nss), "%s{'type': '%s'}",
					 *nss ? ", " : "", types[j]);
		text = hr_xasprintf("{'linux': {'namespaces': [{'type': 'mount'}, {'type': "
				    "'cgroup'}, %s]}}", nss);
		spec = hrt_json(text);
		cr_assert_eq(run(hr_pass_namespaces, spec, "restricted", &f, &err), 0, "%s", err.msg);
		x = hrt_expect(&f, "namespaces.host-join", HR_REFUSED, "/linux/namespaces");
		cr_expect(strstr(x->message, types[i]) != NULL, "%s", x->message);
		cr_expect_null(hrt_find(&f, "namespaces.missing", NULL), "%s not added",
			       types[i]);
		hr_findings_done(&f);
		cJSON_Delete(spec);
	}
}

Test(namespaces, host_join_refused)
{
	cJSON *spec = hrt_json("{'linux': {'namespaces': [{'type': 'pid'},"
			       " {'type': 'network', 'path': '/proc/1/ns/net'}]}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_namespaces, spec, "restricted", &f, &err), 0, "%s", err.msg);
	x = hrt_expect(&f, "namespaces.host-join", HR_REFUSED, "/linux/namespaces/1");
	cr_assert_not_null(strstr(x->message, "the host's network namespace"), "%s", x->message);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(namespaces, unidentifiable_path_counts_as_host)
{
	cJSON *spec = hrt_json("{'linux': {'namespaces': [{'type': 'ipc', 'path': '/x/ipc'}]}}");
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	/* no host facts: the host cannot tell */
	cr_assert_eq(run_with(hr_pass_namespaces, spec, p, &no_env, &f, &err), 0);
	hrt_expect(&f, "namespaces.host-join", HR_REFUSED, "/linux/namespaces/0");
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(namespaces, other_namespace_join_depends_on_profile)
{
	static const char text[] = "{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'ipc'},"
				   " {'type': 'uts'}, {'type': 'mount'}, {'type': 'cgroup'},"
				   " {'type': 'network', 'path': '/proc/4242/ns/net'}]}}";
	cJSON *spec = hrt_json(text);
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	/* Every shipped profile lets a pod's containers join its sandbox's
	 * network namespace; one that leaves network out of allowJoin
	 * refuses it. */
	struct hr_profile *p = hrt_profile("strict");
	unchanged(hr_pass_namespaces, text, "restricted");
	unchanged(hr_pass_namespaces, text, "strict");
	p->ns.allow_join &= ~(1u << HR_NS_NETWORK);
	cr_assert_eq(run_with(hr_pass_namespaces, spec, p, &hrt_fake_env, &f, &err), 0);
	hrt_expect(&f, "namespaces.join", HR_REFUSED, "/linux/namespaces/5");
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(namespaces, allow_host_permits_the_host)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *spec = hrt_json("{'linux': {'namespaces': [{'type': 'network', 'path': "
			       "'/run/docker/netns/default'}, {'type': 'pid'}, {'type': 'ipc'}, "
			       "{'type': 'uts'}]}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	p->ns.required &= ~(1u << HR_NS_NETWORK);
	p->ns.allow_host |= 1u << HR_NS_NETWORK;
	cr_assert_eq(run_with(hr_pass_namespaces, spec, p, &hrt_fake_env, &f, &err), 0);
	cr_assert_null(hrt_find(&f, "namespaces.host-join", NULL));
	cr_assert_null(hrt_find(&f, "namespaces.join", NULL));
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(namespaces, user_namespace_kept)
{
	unchanged(hr_pass_namespaces,
		  "{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'ipc'}, {'type': 'uts'},"
		  " {'type': 'mount'}, {'type': 'network'}, {'type': 'cgroup'}, {'type': 'user'}],"
		  " 'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}]}}",
		  "strict");
}

Test(namespaces, type_errors)
{
	invalid(hr_pass_namespaces, "{'linux': {'namespaces': {}}}",
		"/linux/namespaces: expected an array");
	invalid(hr_pass_namespaces, "{'linux': {'namespaces': ['pid']}}",
		"/linux/namespaces/0: expected an object");
	invalid(hr_pass_namespaces, "{'linux': {'namespaces': [{'type': 'net'}]}}",
		"/linux/namespaces/0/type: expected pid, network");
	invalid(hr_pass_namespaces, "{'linux': {'namespaces': [{'path': '/proc/1/ns/pid'}]}}",
		"/linux/namespaces/0/type:");
	invalid(hr_pass_namespaces, "{'linux': {'namespaces': [{'type': 'pid', 'path': 1}]}}",
		"/linux/namespaces/0/path: expected a string");
	invalid(hr_pass_namespaces,
		"{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'pid', 'path': '/proc/1/ns/pid'}]}}",
		"/linux/namespaces/1: a second `pid` namespace");
}

/* --- resources ------------------------------------------------------------------ */

Test(resources, limits_added)
{
	cJSON *spec = hrt_fixture("docker-run-default");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_resources, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/linux/resources/memory"),
			"{'disableOOMKiller': false, 'limit': 1073741824, 'swap': 1073741824}",
			"memory");
	hrt_assert_json(hrt_at(spec, "/linux/resources/pids"), "{'limit': 1024}", "pids");
	hrt_assert_json(hrt_at(spec, "/linux/resources/cpu"), "{'shares': 1024}", "cpu");
	hrt_expect(&f, "resources.memory", HR_CHANGED, "/linux/resources/memory/limit");
	hrt_expect(&f, "resources.memory", HR_CHANGED, "/linux/resources/memory/swap");
	hrt_expect(&f, "resources.pids", HR_CHANGED, "/linux/resources/pids/limit");
	hrt_expect(&f, "resources.cpu-shares", HR_CHANGED, "/linux/resources/cpu/shares");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(resources, swap_left_alone_without_accounting)
{
	cJSON *spec = hrt_json("{'linux': {}}");
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run_with(hr_pass_resources, spec, p, &no_env, &f, &err), 0);
	hrt_assert_json(hrt_at(spec, "/linux/resources/memory"), "{'limit': 1073741824}",
			"runc cannot start a container whose swap it cannot limit");
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(resources, limits_lowered)
{
	cJSON *spec = hrt_json("{'linux': {'resources': {'memory': {'limit': 8589934592, 'swap': -1},"
			       " 'pids': {'limit': -1}, 'cpu': {'shares': 262144}}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_resources, spec, "strict", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/linux/resources"),
			"{'memory': {'limit': 268435456, 'swap': 268435456}, 'pids': {'limit': 256},"
			" 'cpu': {'shares': 512}}",
			"resources");
	x = hrt_expect(&f, "resources.memory", HR_CHANGED, "/linux/resources/memory/limit");
	cr_assert_str_eq(x->before, "8589934592");
	cr_assert_str_eq(x->after, "268435456");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(resources, swap_below_the_limit_bounds_memory)
{
	/* No memory limit, memory+swap 512M: the profile's 1G limit would sit
	 * above memory+swap, which runc refuses; the spec's own bound wins. */
	cJSON *spec = hrt_json("{'linux': {'resources': {'memory': {'swap': 536870912}}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_resources, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/linux/resources/memory"),
			"{'swap': 536870912, 'limit': 536870912}", "memory");
	cr_assert_eq(hrt_count(&f, "resources.memory"), 2, "%s", hrt_findings_text(&f));
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(resources, never_loosens)
{
	unchanged(hr_pass_resources,
		  "{'linux': {'resources': {'memory': {'limit': 67108864, 'swap': 67108864},"
		  " 'pids': {'limit': 10}, 'cpu': {'shares': 2},"
		  " 'unified': {'memory.max': '4M', 'pids.max': '5', 'memory.swap.max': '0'}}}}",
		  "restricted");
	/* swap below the memory limit is tighter, not looser */
	unchanged(hr_pass_resources,
		  "{'linux': {'resources': {'memory': {'limit': 67108864, 'swap': 67108864},"
		  " 'pids': {'limit': 10}, 'cpu': {'shares': 100}}}}",
		  "strict");
}

Test(resources, unified_clamped)
{
	cJSON *spec = hrt_json("{'linux': {'resources': {'unified': {'memory.max': 'max',"
			       " 'memory.swap.max': '100M', 'pids.max': 'max', 'memory.high': '5G',"
			       " 'cpu.weight': '100'}}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_resources, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/linux/resources/unified"),
			"{'memory.max': '1073741824', 'memory.swap.max': '0', 'pids.max': '1024',"
			" 'memory.high': '5G', 'cpu.weight': '39'}",
			"unified");
	x = hrt_expect(&f, "resources.memory", HR_CHANGED, "/linux/resources/unified/memory.max");
	cr_assert_str_eq(x->before, "\"max\"");
	hrt_expect(&f, "resources.memory", HR_CHANGED, "/linux/resources/unified/memory.swap.max");
	hrt_expect(&f, "resources.pids", HR_CHANGED, "/linux/resources/unified/pids.max");
	/* 1024 shares are weight 39 to runc and crun */
	hrt_expect(&f, "resources.cpu-shares", HR_CHANGED, "/linux/resources/unified/cpu.weight");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(resources, unified_values_read_as_the_kernel_does)
{
	cJSON *spec = hrt_json("{'linux': {'resources': {'unified': {'memory.max': '2G',"
			       " 'pids.max': '1k'}}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_resources, spec, "restricted", &f, &err), 0, "%s", err.msg);
	/* 2G is above 1G; pids.max takes no suffix, so "1k" is not a number */
	hrt_assert_json(hrt_at(spec, "/linux/resources/unified"),
			"{'memory.max': '1073741824', 'pids.max': '1024'}", "unified");
	hr_findings_done(&f);
	cJSON_Delete(spec);

	unchanged(hr_pass_resources,
		  "{'linux': {'resources': {'memory': {'limit': 1073741824, 'swap': 1073741824},"
		  " 'pids': {'limit': 1024}, 'cpu': {'shares': 1024},"
		  " 'unified': {'memory.max': '1G', 'memory.swap.max': '0', 'pids.max': '0x10'}}}}",
		  "restricted");
}

Test(resources, type_errors)
{
	invalid(hr_pass_resources, "{'linux': {'resources': []}}",
		"/linux/resources: expected an object");
	invalid(hr_pass_resources, "{'linux': {'resources': {'memory': {'limit': '1G'}}}}",
		"/linux/resources/memory/limit: expected an integer");
	invalid(hr_pass_resources, "{'linux': {'resources': {'pids': {'limit': 1.5}}}}",
		"/linux/resources/pids/limit:");
	invalid(hr_pass_resources, "{'linux': {'resources': {'memory': {'swap': 'all'}}}}",
		"/linux/resources/memory/swap:");
	invalid(hr_pass_resources, "{'linux': {'resources': {'unified': {'memory.max': 5}}}}",
		"/linux/resources/unified/memory.max: expected a string");
	invalid(hr_pass_resources, "{'linux': {'resources': {'unified': []}}}",
		"/linux/resources/unified: expected an object");
}

/* --- rlimits -------------------------------------------------------------------- */

Test(rlimits, added_when_absent)
{
	cJSON *spec = hrt_json("{'process': {'args': ['sh']}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_rlimits, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/process/rlimits"),
			"[{'type': 'RLIMIT_CORE', 'hard': 0, 'soft': 0},"
			" {'type': 'RLIMIT_NOFILE', 'hard': 8192, 'soft': 8192},"
			" {'type': 'RLIMIT_NPROC', 'hard': 16384, 'soft': 16384}]",
			"rlimits");
	hrt_expect(&f, "rlimits.core", HR_CHANGED, "/process/rlimits/0");
	hrt_expect(&f, "rlimits.nofile", HR_CHANGED, "/process/rlimits/1");
	hrt_expect(&f, "rlimits.nproc", HR_CHANGED, "/process/rlimits/2");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

/* A limit the spec leaves out is inherited from the runtime's process:
 * hardrun never adds one above that process's hard limit, which the
 * runtime may not be allowed to raise (runc's setrlimit then fails with
 * EPERM and the container does not start). A limit the spec sets is left
 * to the spec. */
Test(rlimits, added_no_higher_than_the_runtime_runs_with)
{
	cJSON *spec = hrt_json("{'process': {'rlimits': [{'type': 'RLIMIT_NPROC', 'hard': 20000,"
			       " 'soft': 20000}]}}");
	struct hr_env env = hrt_fake_env;
	struct hr_profile *p = hrt_profile("baseline");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	env.own_rlimits_known = true;
	for (size_t i = 0; i < HR_ARRAY_SIZE(env.own_hard_rlimits); i++)
		env.own_hard_rlimits[i] = 4096;
	cr_assert_eq(run_with(hr_pass_rlimits, spec, p, &env, &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/process/rlimits"),
			"[{'type': 'RLIMIT_NPROC', 'hard': 20000, 'soft': 20000},"
			" {'type': 'RLIMIT_CORE', 'hard': 0, 'soft': 0},"
			" {'type': 'RLIMIT_NOFILE', 'hard': 4096, 'soft': 4096}]",
			"rlimits");
	x = hrt_expect(&f, "rlimits.nofile", HR_CHANGED, "/process/rlimits/2");
	cr_assert_not_null(strstr(x->message, "the hard limit the runtime runs with"), "%s",
			   x->message);
	cr_assert_not_null(strstr(x->message, "65536"), "%s", x->message);
	cr_assert_null(hrt_find(&f, "rlimits.nproc", NULL));
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(rlimits, lowered_in_place)
{
	cJSON *spec = hrt_json("{'process': {'rlimits': [{'type': 'RLIMIT_MEMLOCK', 'hard': 65536,"
			       " 'soft': 65536}, {'type': 'RLIMIT_NOFILE', 'hard': "
			       "18446744073709551615, 'soft': 1048576}, {'type': 'RLIMIT_CORE',"
			       " 'hard': 0, 'soft': 0}]}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_rlimits, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/process/rlimits"),
			"[{'type': 'RLIMIT_MEMLOCK', 'hard': 65536, 'soft': 65536},"
			" {'type': 'RLIMIT_NOFILE', 'hard': 8192, 'soft': 8192},"
			" {'type': 'RLIMIT_CORE', 'hard': 0, 'soft': 0},"
			" {'type': 'RLIMIT_NPROC', 'hard': 16384, 'soft': 16384}]",
			"rlimits");
	x = hrt_expect(&f, "rlimits.nofile", HR_CHANGED, "/process/rlimits/1");
	cr_assert_not_null(strstr(x->before, "18446744073709551615"), "%s", x->before);
	cr_assert_null(hrt_find(&f, "rlimits.core", NULL));
	hrt_expect(&f, "rlimits.nproc", HR_CHANGED, "/process/rlimits/3");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(rlimits, soft_above_hard_is_fixed)
{
	cJSON *spec = hrt_json("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 100,"
			       " 'soft': 200}]}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_rlimits, spec, "restricted", &f, &err), 0);
	hrt_assert_json(hrt_at(spec, "/process/rlimits/0"),
			"{'type': 'RLIMIT_NOFILE', 'hard': 100, 'soft': 100}", "nofile");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(rlimits, never_loosens)
{
	unchanged(hr_pass_rlimits,
		  "{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1024, 'soft': 512},"
		  " {'type': 'RLIMIT_NPROC', 'hard': 10, 'soft': 10},"
		  " {'type': 'RLIMIT_CORE', 'hard': 0, 'soft': 0}]}}",
		  "strict");
}

Test(rlimits, type_errors)
{
	invalid(hr_pass_rlimits,
		"{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1, 'soft': 1},"
		" {'type': 'RLIMIT_NOFILE', 'hard': 2, 'soft': 2}]}}",
		"/process/rlimits/1: RLIMIT_NOFILE is listed twice");
	invalid(hr_pass_rlimits, "{'process': {'rlimits': {}}}", "/process/rlimits: expected an array");
	invalid(hr_pass_rlimits, "{'process': {'rlimits': [5]}}", "/process/rlimits/0: expected an object");
	invalid(hr_pass_rlimits, "{'process': {'rlimits': [{'type': 'NOFILE', 'hard': 1, 'soft': 1}]}}",
		"/process/rlimits/0/type: expected one of the RLIMIT_ names");
	invalid(hr_pass_rlimits, "{'process': {'rlimits': [{'type': 'RLIMIT_FOO', 'hard': 1, 'soft': 1}]}}",
		"/process/rlimits/0/type: expected one of the RLIMIT_ names");
	invalid(hr_pass_rlimits,
		"{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1, 'soft': '1'}]}}",
		"/process/rlimits/0/soft: expected an integer");
	invalid(hr_pass_rlimits,
		"{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': -1, 'soft': 1}]}}",
		"/process/rlimits/0/hard:");
}

/* --- paths ---------------------------------------------------------------------- */

Test(paths, profile_paths_added_spec_paths_kept)
{
	cJSON *spec = hrt_json("{'linux': {'maskedPaths': ['/proc/kcore', '/proc/custom'],"
			       " 'readonlyPaths': ['/proc/sys']}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *masked;
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_paths, spec, "restricted", &f, &err), 0, "%s", err.msg);
	masked = hrt_at(spec, "/linux/maskedPaths");
	cr_assert_eq(cJSON_GetArraySize(masked), 14);
	cr_assert_str_eq(cJSON_GetArrayItem(masked, 0)->valuestring, "/proc/kcore");
	cr_assert_str_eq(cJSON_GetArrayItem(masked, 1)->valuestring, "/proc/custom");
	cr_assert(hrt_has_string(masked, "/sys/firmware"));
	cr_assert_eq(cJSON_GetArraySize(hrt_at(spec, "/linux/readonlyPaths")), 5);
	x = hrt_expect(&f, "paths.masked", HR_CHANGED, "/linux/maskedPaths");
	cr_assert(strncmp(x->message, "12 paths masked: /proc/acpi", 27) == 0, "%s", x->message);
	hrt_expect(&f, "paths.readonly", HR_CHANGED, "/linux/readonlyPaths");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(paths, never_loosens)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *spec = hrt_json("{'linux': {}}"), *lnx = cJSON_GetObjectItem(spec, "linux");
	cJSON *masked = cJSON_AddArrayToObject(lnx, "maskedPaths");
	cJSON *ro = cJSON_AddArrayToObject(lnx, "readonlyPaths");
	_cleanup_free_ char *text = NULL;

	cJSON_AddItemToArray(masked, cJSON_CreateString("/proc/extra"));
	for (size_t i = 0; p->masked_paths[i]; i++)
		cJSON_AddItemToArray(masked, cJSON_CreateString(p->masked_paths[i]));
	for (size_t i = 0; p->readonly_paths[i]; i++)
		cJSON_AddItemToArray(ro, cJSON_CreateString(p->readonly_paths[i]));
	text = hr_json_print(spec, false);
	for (char *q = text; *q; q++)
		if (*q == '"')
			*q = '\'';
	unchanged(hr_pass_paths, text, "restricted");
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(paths, type_errors)
{
	invalid(hr_pass_paths, "{'linux': {'maskedPaths': '/proc/kcore'}}",
		"/linux/maskedPaths: expected an array");
	invalid(hr_pass_paths, "{'linux': {'readonlyPaths': ['/proc/sys', 1]}}",
		"/linux/readonlyPaths/1: expected a string");
}

/* --- devices -------------------------------------------------------------------- */

Test(devices, nonstandard_nodes_removed)
{
	cJSON *spec = hrt_json("{'linux': {'devices': ["
			       "{'path': '/dev/kvm', 'type': 'c', 'major': 10, 'minor': 232},"
			       "{'path': '/dev/null', 'type': 'c', 'major': 1, 'minor': 3},"
			       "{'path': '/dev/zero', 'type': 'c', 'major': 1, 'minor': 3},"
			       "{'path': '/dev/sda', 'type': 'b', 'major': 8, 'minor': 0},"
			       /* only the first letter of its type is one (fuzz: spec) */
			       "{'path': '/dev/null', 'type': 'c,', 'major': 1, 'minor': 3}],"
			       " 'resources': {'devices': [{'allow': false, 'access': 'rwm'}]}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_devices, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/linux/devices"),
			"[{'path': '/dev/null', 'type': 'c', 'major': 1, 'minor': 3}]",
			"only the standard device with its right numbers and type stays");
	cr_assert_eq(hrt_count(&f, "devices.nonstandard"), 4);
	x = hrt_expect(&f, "devices.nonstandard", HR_CHANGED, "/linux/devices/0");
	cr_assert_not_null(strstr(x->message, "/dev/kvm"), "%s", x->message);
	cr_assert_null(hrt_find(&f, "devices.cgroup", NULL));
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(devices, cgroup_rules_cut)
{
	cJSON *spec = hrt_json("{'linux': {'resources': {'devices': ["
			       "{'allow': true, 'access': 'rwm'},"
			       "{'allow': true, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rwm'},"
			       "{'allow': true, 'type': 'c', 'major': 10, 'minor': 200, 'access': 'rwm'},"
			       "{'allow': true, 'type': 'c', 'major': 136, 'access': 'rw'},"
			       "{'allow': true, 'type': 'b', 'major': 8, 'minor': 0, 'access': 'r'}]}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const struct hr_finding *x;

	cr_assert_eq(run(hr_pass_devices, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_assert_json(hrt_at(spec, "/linux/resources/devices"),
			"[{'allow': false, 'access': 'rwm'},"
			" {'allow': true, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rwm'},"
			" {'allow': true, 'type': 'c', 'major': 136, 'access': 'rw'}]",
			"device cgroup");
	x = hrt_expect(&f, "devices.cgroup", HR_CHANGED, "/linux/resources/devices");
	cr_assert_not_null(strstr(x->message, "3 allow rules removed"), "%s", x->message);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(devices, never_loosens)
{
	cJSON *spec = hrt_fixture("containerd-ctr-run");
	cJSON *before = cJSON_Duplicate(hrt_at(spec, "/linux/resources/devices"), true);
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	/* containerd's rules are all standard devices plus c 136:* */
	cr_assert_eq(run(hr_pass_devices, spec, "restricted", &f, &err), 0, "%s", err.msg);
	cr_assert(hr_json_equal(before, hrt_at(spec, "/linux/resources/devices")));
	cr_assert_eq(f.n, 0);
	hr_findings_done(&f);
	cJSON_Delete(before);
	cJSON_Delete(spec);

	unchanged(hr_pass_devices,
		  "{'linux': {'resources': {'devices': [{'allow': false, 'access': 'rwm'},"
		  " {'allow': false, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'w'}]}}}",
		  "restricted");
}

Test(devices, type_errors)
{
	invalid(hr_pass_devices, "{'linux': {'devices': {}}}", "/linux/devices: expected an array");
	invalid(hr_pass_devices, "{'linux': {'devices': [1]}}", "/linux/devices/0: expected an object");
	invalid(hr_pass_devices, "{'linux': {'devices': [{'path': '/dev/null'}]}}",
		"/linux/devices/0: a device needs a path and a type");
	invalid(hr_pass_devices, "{'linux': {'resources': {'devices': [{'access': 'rwm'}]}}}",
		"/linux/resources/devices/0/allow: missing");
	invalid(hr_pass_devices, "{'linux': {'resources': {'devices': [{'allow': 'yes'}]}}}",
		"/linux/resources/devices/0/allow: expected a boolean");
}

/* --- sysctl --------------------------------------------------------------------- */

Test(sysctl, unsafe_refused)
{
	cJSON *spec = hrt_json("{'linux': {'sysctl': {'net.ipv4.ping_group_range': '0 0',"
			       " 'kernel.core_pattern': '|/tmp/x', 'net/ipv4/ip_forward': '1',"
			       " 'net/ipv4/ip_unprivileged_port_start': '0'}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(run(hr_pass_sysctl, spec, "restricted", &f, &err), 0, "%s", err.msg);
	hrt_expect(&f, "sysctl.unsafe", HR_REFUSED, "/linux/sysctl/kernel.core_pattern");
	hrt_expect(&f, "sysctl.unsafe", HR_REFUSED, "/linux/sysctl/net~1ipv4~1ip_forward");
	cr_assert_eq(f.n, 2, "the slash spelling of a safe sysctl is safe");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(sysctl, safe_ones_pass)
{
	unchanged(hr_pass_sysctl,
		  "{'linux': {'sysctl': {'net.ipv4.ip_unprivileged_port_start': '0',"
		  " 'net.ipv4.ping_group_range': '0 2147483647'}}}",
		  "restricted");
}

Test(sysctl, type_errors)
{
	invalid(hr_pass_sysctl, "{'linux': {'sysctl': ['kernel.x']}}",
		"/linux/sysctl: expected an object");
	invalid(hr_pass_sysctl, "{'linux': {'sysctl': {'net.ipv4.ping_group_range': 0}}}",
		"/linux/sysctl/net.ipv4.ping_group_range: expected a string");
}

/* --- the whole pipeline ------------------------------------------------------- */

Test(harden, unknown_fields_refused)
{
	cJSON *spec = hrt_fixture("docker-run-default");
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cJSON_AddItemToObject(spec, "x-vendor", hrt_json("{'keep': [1, 18446744073709551615]}"));
	cJSON_AddItemToObject(cJSON_GetObjectItem(spec, "process"), "futureField",
			      hrt_json("{'a': 'b'}"));
	cJSON_AddItemToObject(hrt_at(spec, "/linux/resources/memory"), "limitTwo",
			      cJSON_CreateNumber(1));
	cJSON_AddItemToObject(hrt_at(spec, "/mounts/0"), "Options", hrt_json("['suid']"));
	cr_assert_eq(hr_harden(spec, p, &hrt_fake_env, &f, &err), HR_E_REFUSED, "%s", err.msg);
	hrt_expect(&f, "spec.unknown-field", HR_REFUSED, "/x-vendor");
	hrt_expect(&f, "spec.unknown-field", HR_REFUSED, "/process/futureField");
	hrt_expect(&f, "spec.unknown-field", HR_REFUSED, "/linux/resources/memory/limitTwo");
	/* Go reads Options as options: a folded spelling is named with its fix */
	const struct hr_finding *x = hrt_expect(&f, "spec.unknown-field", HR_REFUSED,
						"/mounts/0/Options");
	cr_assert_str_eq(x->hint, "rename it to `options`");
	/* taken out of the tree, so that no pass reads them */
	cr_assert_null(cJSON_GetObjectItem(spec, "x-vendor"));
	cr_assert_null(hrt_at(spec, "/process/futureField"));
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(harden, idempotent)
{
	const char *fixtures[] = { "docker-run-default", "containerd-ctr-run", "podman-run-default",
				   "docker-run-hardened-flags" };
	const char *profiles[] = { "restricted", "baseline", "strict" };

	for (size_t i = 0; i < HR_ARRAY_SIZE(fixtures); i++) {
		for (size_t k = 0; k < HR_ARRAY_SIZE(profiles); k++) {
			cJSON *spec = hrt_fixture(fixtures[i]), *once;
			struct hr_profile *p = hrt_profile(profiles[k]);
			struct hr_findings f = { 0 };
			hr_error err = { 0 };

			cr_assert_eq(hr_harden(spec, p, &hrt_fake_env, &f, &err), 0, "%s/%s: %s",
				     fixtures[i], profiles[k], err.msg);
			once = cJSON_Duplicate(spec, true);
			hr_findings_done(&f);
			cr_assert_eq(hr_harden(spec, p, &hrt_fake_env, &f, &err), 0);
			{
				/* what is kept is reported again (hooks), nothing changes */
				_cleanup_free_ char *all = hrt_findings_text(&f);
				cr_assert_eq(f.n, hr_findings_count(&f, HR_WARNED),
					     "%s under %s: hardening twice changes:\n%s", fixtures[i],
					     profiles[k], all);
			}
			cr_assert(hr_json_equal(spec, once));
			hr_findings_done(&f);
			hr_profile_free(p);
			cJSON_Delete(once);
			cJSON_Delete(spec);
		}
	}
}

Test(harden, text_round_trip)
{
	_cleanup_free_ char *path = hrt_src_path("tests/fixtures/containerd-ctr-run.json");
	size_t len;
	_cleanup_free_ char *text = hrt_read_file(path, &len);
	_cleanup_free_ char *out = NULL;
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *back;

	cr_assert_eq(hr_harden_text(text, len, p, &hrt_fake_env, &out, &f, &err), 0, "%s", err.msg);
	back = hrt_parse(out);
	/* Root in a user namespace of its own (restricted's "userns"). */
	cr_assert_eq(hrt_at(back, "/process/user/uid")->valuedouble, 0.0);
	cr_assert(hr_spec_has_userns(back));
	cJSON_Delete(back);
	hr_findings_done(&f);
	hr_profile_free(p);
}

Test(harden, mount_errors_point_into_the_input)
{
	/* The rootfs pass inserts tmpfs mounts; an error in the input's
	 * second mount must still be reported at /mounts/1. */
	cJSON *spec = hrt_json("{'process': {'args': ['sh']}, 'root': {'path': 'rootfs'},"
			       " 'mounts': [{'destination': '/proc', 'type': 'proc'},"
			       " {'type': 'tmpfs', 'source': 'tmpfs'}]}");
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(hr_harden(spec, p, &hrt_fake_env, &f, &err), HR_E_INVALID);
	cr_assert_not_null(strstr(err.msg, "/mounts/1/destination: missing"), "%s", err.msg);
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

Test(harden, not_an_object)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *spec = hrt_json("[]");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(hr_harden(spec, p, NULL, &f, &err), HR_E_INVALID);
	cr_assert_not_null(strstr(err.msg, "/: expected a JSON object"), "%s", err.msg);
	hr_profile_free(p);
	cJSON_Delete(spec);
}

/* The user namespace that owns a joined namespace, as the host facts
 * would tell: /proc/100/ns/TYPE belongs to another container's user
 * namespace, /proc/1/ns/TYPE to the host's. */
static int owner_of(void *ud, const char *path, char **ret)
{
	(void)ud;
	if (strncmp(path, "/proc/100/", 10) == 0) {
		*ret = hr_xstrdup("/proc/100/ns/user");
		return 1;
	}
	return 0;
}

static int one_range(void *ud, uint32_t *host, uint32_t *size, char **why)
{
	(void)ud;
	(void)why;
	*host = 0x100000;
	*size = 65536;
	return 0;
}

static int not_its_sandbox(void *ud, const char *id, const char *path)
{
	(void)ud;
	(void)path;
	return strcmp(id, "sb-1") == 0 ? 1 : 0;
}

Test(userns, joins_another_containers_namespaces_only_in_its_pod)
{
	struct hr_env env = hrt_fake_env;
	struct hr_profile *p = hrt_profile("restricted");
	static const char *const cases[][2] = {
		/* annotation, outcome */
		{ NULL, "refused" },
		{ "sb-2", "refused" },
		{ "sb-1", "joined" },
	};

	env.ns_owner_userns = owner_of;
	env.userns_range = one_range;
	env.pod_sandbox_userns = not_its_sandbox;
	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *text = hr_xasprintf(
			"{'linux': {'namespaces': [{'type': 'network', 'path': '/proc/100/ns/net'}]}%s%s%s}",
			cases[i][0] ? ", 'annotations': {'io.kubernetes.cri.sandbox-id': '" : "",
			cases[i][0] ? cases[i][0] : "", cases[i][0] ? "'}" : "");
		cJSON *spec = hrt_json(text);
		struct hr_findings f = { 0 };
		hr_error err = { 0 };

		cr_assert_eq(run_with(hr_pass_userns, spec, p, &env, &f, &err), 0, "%s", err.msg);
		if (strcmp(cases[i][1], "refused") == 0) {
			hrt_expect(&f, "userns.join", HR_REFUSED, "/linux/namespaces");
		} else {
			hrt_expect(&f, "userns.pod", HR_CHANGED, "/linux/namespaces/1");
			cr_assert_str_eq(hrt_at(spec, "/linux/namespaces/1/path")->valuestring,
					 "/proc/100/ns/user");
		}
		hr_findings_done(&f);
		cJSON_Delete(spec);
	}
	hr_profile_free(p);
}

Test(userns, a_host_namespace_keeps_the_hosts_ids)
{
	struct hr_env env = hrt_fake_env;
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *spec = hrt_json("{'linux': {'namespaces': [{'type': 'network', 'path': "
				"'/proc/1/ns/net'}]}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	env.ns_owner_userns = owner_of;
	env.userns_range = one_range;
	cr_assert_eq(run_with(hr_pass_userns, spec, p, &env, &f, &err), 0, "%s", err.msg);
	hrt_expect(&f, "userns.host-namespace", HR_WARNED, "/linux/namespaces");
	cr_assert(!hr_spec_has_userns(spec));
	hr_findings_done(&f);
	cJSON_Delete(spec);
	hr_profile_free(p);
}

Test(userns, a_container_gets_its_range)
{
	struct hr_env env = hrt_fake_env;
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *spec = hrt_json("{'linux': {'namespaces': [{'type': 'pid'}], 'sysctl': "
				"{'net.ipv4.ping_group_range': '0 2147483647'}}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	env.userns_range = one_range;
	cr_assert_eq(run_with(hr_pass_userns, spec, p, &env, &f, &err), 0, "%s", err.msg);
	hrt_expect(&f, "userns.private", HR_CHANGED, "/linux/namespaces/1");
	hrt_assert_json(hrt_at(spec, "/linux/uidMappings"),
			"[{'containerID': 0, 'hostID': 1048576, 'size': 65536}]", "uid mappings");
	cr_assert_str_eq(hrt_at(spec, "/linux/sysctl/net.ipv4.ping_group_range")->valuestring,
			 "0 65535");
	hr_findings_done(&f);
	cJSON_Delete(spec);
	hr_profile_free(p);
}

Test(userns, a_specs_own_mappings_stay_out_of_the_pool)
{
	struct hr_env env = hrt_fake_env;
	struct hr_profile *p = hrt_profile("restricted");
	static const struct {
		unsigned host;
		bool refused;
	} cases[] = { { 100000, false }, { 524288 - 65536, false }, { 524288 - 1, true },
		      { 600000, true } };

	env.idpool_lo = 524288;
	env.idpool_hi = 524288 + 65536 * 10;
	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *text = hr_xasprintf(
			"{'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': "
			"0, 'hostID': %u, 'size': 65536}]}}",
			cases[i].host);
		cJSON *spec = hrt_json(text);
		struct hr_findings f = { 0 };
		hr_error err = { 0 };

		cr_assert_eq(run_with(hr_pass_userns, spec, p, &env, &f, &err), 0, "%s", err.msg);
		if (cases[i].refused)
			hrt_expect(&f, "userns.mapping", HR_REFUSED, "/linux/uidMappings/0");
		else
			cr_expect_eq(hr_findings_count(&f, HR_REFUSED), 0, "host id %u", cases[i].host);
		hr_findings_done(&f);
		cJSON_Delete(spec);
	}
	hr_profile_free(p);
}
