/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The helpers everything else is built on: an error passed on with
 * context stays an error, string vectors, NULL-safe destructors.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

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
