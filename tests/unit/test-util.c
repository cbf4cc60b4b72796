/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The helpers everything else is built on: an error passed on with
 * context stays an error, string vectors, NULL-safe destructors.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "hardrun/bundle.h"
#include "hardrun/container.h"
#include "hardrun/dockerfile.h"
#include "hardrun/doctor.h"
#include "hardrun/export.h"
#include "hardrun/finding.h"
#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "hardrun/image.h"
#include "hardrun/rootfs.h"
#include "hardrun/image_policy.h"
#include "hardrun/k8s.h"
#include "hardrun/mount_options.h"
#include "hardrun/pin.h"
#include "hardrun/pipeline.h"
#include "hardrun/profile.h"
#include "hardrun/runc_argv.h"
#include "hardrun/sbom.h"
#include "hardrun/state.h"
#include "hardrun/strmap.h"
#include "hardrun/trace.h"
#include "hardrun/trace_listener.h"
#include "hardrun/util.h"

/* A failing callee that did not fill the error object (err->code stays 0):
 * `return hr_err_prefix(...)` must still pass the failure on. */
static int fails_silently(hr_error *err)
{
	(void)err;
	return -ENOMEM;
}

static int caller(hr_error *err)
{
	int r = fails_silently(err);
	if (r < 0)
		return hr_err_prefix(err, r, "%s", "config.json");
	return 0;
}

Test(err_prefix, returns_the_code_without_an_error_object)
{
	cr_assert_eq(hr_err_prefix(NULL, -EINVAL, "x"), -EINVAL);
	cr_assert_eq(caller(NULL), -ENOMEM, "a failure turned into success");
}

Test(err_prefix, returns_the_code_when_the_callee_left_err_empty)
{
	hr_error err = { 0 };

	cr_assert_eq(caller(&err), -ENOMEM);
	cr_assert_eq(err.code, -ENOMEM);
	cr_assert_str_eq(err.msg, "config.json: ");
}

Test(err_prefix, adds_context_before_the_message)
{
	hr_error err = { 0 };

	cr_assert_eq(hr_err(&err, HR_E_INVALID, "/process/args: not an array"), HR_E_INVALID);
	cr_assert_eq(hr_err_prefix(&err, HR_E_INVALID, "%s/%s", "bundle", "config.json"),
		     HR_E_INVALID);
	cr_assert_str_eq(err.msg, "bundle/config.json: /process/args: not an array");
	cr_assert_eq(err.code, HR_E_INVALID);
}

Test(err_prefix, a_long_message_is_cut_not_overrun)
{
	hr_error err = { 0 };
	char big[HR_ERROR_MAX + 100];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	(void)hr_err(&err, -EIO, "%s", big);
	cr_assert_eq(hr_err_prefix(&err, -EIO, "prefix"), -EIO);
	cr_assert_eq(strlen(err.msg), HR_ERROR_MAX - 1);
	cr_assert_eq(strncmp(err.msg, "prefix: aaa", 11), 0);
}

Test(strv, push_appends_copies)
{
	_cleanup_strv_ char **v = NULL;
	char s[] = "one";

	hr_strv_push(&v, s);
	s[0] = 'X';
	hr_strv_push(&v, "two");
	cr_assert_eq(hr_strv_len(v), 2);
	cr_assert_str_eq(v[0], "one");
	cr_assert_str_eq(v[1], "two");
	cr_assert_null(v[2]);
}

/* Every destructor accepts NULL (systemd's rule), and a _free returns NULL
 * so `p = hr_X_free(p)` leaves nothing dangling. */
Test(destructors, accept_null)
{
	cr_assert_null(hr_strv_free(NULL));
	cr_assert_null(hr_profile_free(NULL));
	cr_assert_null(hr_trace_free(NULL));
	hr_image_policy_done(NULL);
	hr_launch_done(NULL);
	hr_call_result_done(NULL);
	hr_findings_done(NULL);
	hr_dockerfile_done(NULL);
	hr_runc_call_done(NULL);
	hr_docker_export_done(NULL);
	hr_image_ref_parts_done(NULL);
	hr_image_facts_done(NULL);
	hr_rootfs_close(NULL);
	hr_resolved_done(NULL);
	hr_exec_facts_done(NULL);
	hr_bundle_close(NULL);
	hr_pins_done(NULL);
	hr_state_close(NULL);
	hr_pbundle_close(NULL);
	hr_pss_result_done(NULL);
	hr_k8s_export_done(NULL);
	hr_runtime_info_done(NULL);
	hr_host_facts_done(NULL);
	hr_enforcement_done(NULL);
	hr_host_env_done(NULL);
	hr_packages_done(NULL);
	hr_os_release_done(NULL);
	hr_sbom_facts_done(NULL);
	hr_denials_done(NULL);
	hr_config_done(NULL);
	hr_strmap_done(NULL);
	hr_sbom_text_done(NULL);
	hr_df_vars_done(NULL);
}

/* A _done leaves its struct empty: calling it twice is harmless. */
Test(destructors, done_twice_is_harmless)
{
	struct hr_findings f = { 0 };
	char **v = NULL;

	hr_finding_add(&f, "hooks.untrusted", HR_CHANGED, "/mounts/0", "1", "2", "a hint", "%s", "a message");
	hr_findings_done(&f);
	cr_assert_eq(f.n, 0);
	cr_assert_null(f.v);
	hr_findings_done(&f);
	hr_strv_push(&v, "x");
	v = hr_strv_free(v);
	cr_assert_null(v);
}

/* The core loads nothing: a profile's tmpfs options are checked against the
 * mount options the host passes in, and refused when it passes none. */
Test(host_facts, tmpfs_options_need_the_hosts_table)
{
	cJSON *doc = cJSON_Parse("{\"rootfs\":{\"tmpfsOptions\":\"nosuid,nodev,size=64m\"}}");
	hr_error err = { 0 };

	cr_assert_eq(hr_profile_parse(doc, true, NULL, "x.json", NULL, NULL, &err), HR_E_INVALID);
	cr_assert_not_null(strstr(err.msg, "/rootfs/tmpfsOptions: cannot be checked"), "%s",
			   err.msg);
	cr_assert_eq(hr_profile_parse(doc, true, NULL, "x.json", hr_mount_options_host(), NULL,
				      &err),
		     0, "%s", err.msg);
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"rootfs\":{\"tmpfsOptions\":\"nosuid,nodev,size=64m,bogus\"}}");
	cr_assert_eq(hr_profile_parse(doc, true, NULL, "x.json", hr_mount_options_host(), NULL,
				      &err),
		     HR_E_INVALID);
	cr_assert_not_null(strstr(err.msg, "`bogus` is not a mount option"), "%s", err.msg);
	cJSON_Delete(doc);
}
