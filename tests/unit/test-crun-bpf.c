/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The filter compiled for crun (run.oci.seccomp_bpf_data): what crun 1.8
 * does with a filter's rules (a rule with the default action skipped, an
 * unknown name skipped, a repeated argument index making one rule per
 * argument), and every case it treats apart or would refuse left to
 * crun. That the program is byte for byte crun's own is proven on real
 * containers by tests/integration/crun-bpf.sh.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "hardrun/json.h"
#include "hardrun/seccomp_bpf.h"

static char *compile(const char *json, const char **why)
{
	cJSON *sc = NULL;
	char *b64 = NULL;
	bool ok;

	cr_assert_eq(hr_json_parse(json, strlen(json), &hr_json_spec_limits, &sc, NULL), 0, "%s",
		     json);
	*why = NULL;
	ok = hr_crun_bpf_compile(sc, &b64, why);
	cJSON_Delete(sc);
	cr_assert_eq(ok, b64 != NULL);
	return b64;
}

#define HEAD "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"

static void same(const char *a, const char *b)
{
	const char *why;
	char *x = compile(a, &why), *y;

	cr_assert(x, "not compiled (%s): %s", why, a);
	y = compile(b, &why);
	cr_assert(y, "not compiled (%s): %s", why, b);
	cr_assert_str_eq(x, y, "%s and %s differ", a, b);
	free(x);
	free(y);
}

Test(crun_bpf, compiles_a_plain_filter)
{
	const char *why;
	char *b = compile(HEAD
			  "\"defaultErrnoRet\":1,\"syscalls\":[{\"names\":[\"getpid\",\"read\"],"
			  "\"action\":\"SCMP_ACT_ALLOW\"}]}",
			  &why);

	cr_assert(b, "%s", why);
	/* base64 of whole 8-byte instructions */
	cr_assert_gt(strlen(b), 8);
	cr_assert_eq(strlen(b) % 4, 0);
	cr_assert_eq(strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
		     strlen(b));
	free(b);
}

Test(crun_bpf, what_crun_skips)
{
	/* A rule with the default action, arguments and all, adds nothing. */
	same(HEAD "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		  "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
		  "\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	     HEAD "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	/* ... also with an explicit EPERM, which is the default errno. */
	same(HEAD "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		  "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}",
	     HEAD "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	/* A name libseccomp does not know is skipped, as crun warns and skips it. */
	same(HEAD
	     "\"syscalls\":[{\"names\":[\"getpid\",\"no_such_call\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	     HEAD "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
}

Test(crun_bpf, a_repeated_index_is_one_rule_per_argument)
{
	/* crun: arguments on the same index are alternatives, not all required. */
	same(HEAD
	     "\"syscalls\":[{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
	     "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
	     "{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	     HEAD
	     "\"syscalls\":[{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
	     "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
	     "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
	     "{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}");
}

Test(crun_bpf, architectures_as_crun_spells_them)
{
	same("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
	     "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"x86_64\",\"SCMP_ARCH_x86\",\"x86\"],"
	     "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
}

/* Left to crun: each of these must not be compiled here. */
Test(crun_bpf, left_to_crun)
{
	static const char *const cases[] = {
		HEAD "\"listenerPath\":\"/run/l.sock\",\"syscalls\":[]}",
		HEAD "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		"{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}",
		HEAD "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_WHATEVER\"}]}",
		HEAD
		"\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}]}",
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}",
		HEAD
		"\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,"
		"\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		HEAD
		"\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		"\"value\":0,\"op\":\"SCMP_CMP_SOMETIMES\"}]}]}",
		HEAD
		"\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		"\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		HEAD
		"\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		"\"value\":1.5,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		HEAD
		"\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		"\"value\":18446744073709551616,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		HEAD "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
		     "{\"index\":0,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"op\":\"SCMP_CMP_EQ\"},"
		     "{\"index\":2,\"op\":\"SCMP_CMP_EQ\"},{\"index\":3,\"op\":\"SCMP_CMP_EQ\"},"
		     "{\"index\":4,\"op\":\"SCMP_CMP_EQ\"},{\"index\":5,\"op\":\"SCMP_CMP_EQ\"},"
		     "{\"index\":0,\"op\":\"SCMP_CMP_NE\"}]}]}",
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_PDP11\"]}",
		HEAD
		"\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"x\"}]}",
		"{\"architectures\":[\"SCMP_ARCH_X86_64\"]}",
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *why;
		char *b = compile(cases[i], &why);
		cr_expect_null(b, "compiled, but crun treats it apart: %s", cases[i]);
		cr_expect(why && *why, "no reason given for %s", cases[i]);
		free(b);
	}
}

Test(crun_bpf, the_largest_value_is_exact)
{
	const char *why;
	char *b = compile(HEAD "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
			       "\"args\":[{\"index\":0,\"value\":18446744073709551615,"
			       "\"op\":\"SCMP_CMP_EQ\"}]}]}",
			  &why);

	cr_assert(b, "%s", why);
	free(b);
}
