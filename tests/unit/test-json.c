/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON layer refuses every document that runc (Go's encoding/json)
 * could read differently from hardrun, keeps long integers exact, and
 * looks fields up the way Go does.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "hardrun/json.h"
#include "helpers.h"

/* Parse `len` bytes, expecting a refusal; returns the message. */
static void refused(const char *text, size_t len, const struct hr_json_limits *lim,
		    hr_error *err)
{
	cJSON *tree = NULL;
	int r = hr_json_parse(text, len, lim ? lim : &hr_json_spec_limits, &tree, err);

	cr_assert_eq(r, HR_E_INVALID, "accepted: %.80s", text);
	cr_assert_null(tree, "a refused parse must not hand out a tree");
}

static void refused_str(const char *text, hr_error *err)
{
	refused(text, strlen(text), NULL, err);
}

static void assert_msg(const hr_error *err, const char *needle)
{
	cr_assert_not_null(strstr(err->msg, needle), "message `%s` lacks `%s`", err->msg, needle);
}

/* --- refusals ---------------------------------------------------------- */

Test(parse, invalid_syntax_gives_line_and_column)
{
	hr_error err = { 0 };

	refused_str("{\n  \"a\": 1,\n  \"b\": tru\n}", &err);
	/* the `t` of `tru` */
	assert_msg(&err, "line 3, column 8: invalid JSON");
}

Test(parse, truncated_document)
{
	hr_error err = { 0 };

	refused_str("{\"process\": {\"args\": [\"sh\", ", &err);
	assert_msg(&err, "unexpected end of JSON");
}

Test(parse, trailing_comma_is_not_truncation)
{
	hr_error err = { 0 };

	/* balanced brackets: the error is the comma, not a cut-off file */
	refused_str("{\n  \"a\": 1,\n}", &err);
	assert_msg(&err, "line 3, column 1: invalid JSON");
}

Test(parse, unterminated_string_is_truncation)
{
	hr_error err = { 0 };

	refused_str("{\"a\": \"x}", &err);
	assert_msg(&err, "unexpected end of JSON");
}

Test(parse, backslash_at_the_end_is_truncation)
{
	hr_error err = { 0 };

	refused_str("{\"a\": \"x\\", &err);
	assert_msg(&err, "unexpected end of JSON");
}

/* Nothing inside a string counts: not brackets for the depth, not digits
 * for the numbers whose text is kept, not a quote after a backslash. */
Test(parse, strings_are_passed_over_whole)
{
	char text[512] = "{\"a\": \"\\\"";
	cJSON *j;

	for (int i = 0; i < 100; i++)
		strcat(text, "[");
	strcat(text, " 123456789012345678901 \\\\\", \"b\": 98765432109876543210}");
	j = hrt_parse(text);
	cr_assert_str_eq(cJSON_GetObjectItem(j, "b")->valuestring, "98765432109876543210");
	cr_assert_eq(strncmp(cJSON_GetObjectItem(j, "a")->valuestring, "\"[[[", 4), 0);
	cJSON_Delete(j);
}

/* hardrun writes integers itself (not through cJSON's sprintf and sscanf):
 * what it writes must be what cJSON writes, digit for digit, in arrays
 * and objects, and for more numbers than it keeps on its stack. */
Test(print, numbers_as_cjson_writes_them)
{
	static const double values[] = { 0,
					 -0.0,
					 1,
					 -1,
					 7,
					 10,
					 4095,
					 65536,
					 -65536,
					 2147483647,
					 2147483648.0,
					 4294967295.0,
					 -4294967296.0,
					 1e14,
					 999999999999999.0,
					 -999999999999999.0,
					 1e15,
					 -1e15,
					 1e16,
					 123456789012345.0,
					 0.5,
					 -2.25,
					 1e-7,
					 3e300 };
	cJSON *theirs = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(theirs, "list");
	cJSON *mine;
	char *a, *b;

	for (int round = 0; round < 5; round++)
		for (size_t i = 0; i < HR_ARRAY_SIZE(values); i++) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "v", values[i]);
			cJSON_AddItemToArray(list, cJSON_CreateNumber(values[i] * (round + 1)));
			cJSON_AddItemToArray(list, o);
		}
	mine = cJSON_Duplicate(theirs, true);
	a = hr_json_print(mine, false);
	b = cJSON_PrintUnformatted(theirs);
	cr_assert_str_eq(a, b);
	free(a);
	a = hr_json_print(mine, true);
	cJSON_free(b);
	b = cJSON_Print(theirs);
	cr_assert_str_eq(a, b);
	/* The tree is left as it was: numbers, and no text of hardrun's. */
	cr_assert(cJSON_Compare(mine, theirs, true));
	for (const cJSON *n = cJSON_GetObjectItem(mine, "list")->child; n; n = n->next)
		cr_assert(cJSON_IsNumber(n) ? !n->valuestring
					    : cJSON_IsNumber(n->child) && !n->child->valuestring);
	free(a);
	cJSON_free(b);
	cJSON_Delete(mine);
	cJSON_Delete(theirs);
}

Test(parse, empty_document)
{
	hr_error err = { 0 };

	refused("", 0, NULL, &err);
	assert_msg(&err, "empty");
}

Test(parse, trailing_garbage)
{
	hr_error err = { 0 };

	refused_str("{\"a\": 1} {\"a\": 2}", &err);
	assert_msg(&err, "line 1, column 10");
}

Test(parse, invalid_utf8)
{
	static const char *const bad[] = {
		"{\"a\": \"\xff\"}",	     /* never valid */
		"{\"a\": \"\xc0\xaf\"}",     /* overlong '/' */
		"{\"a\": \"\xed\xa0\x80\"}", /* UTF-16 surrogate */
		"{\"a\": \"\xf4\x90\x80\x80\"}", /* above U+10FFFF */
		"{\"a\": \"\xe2\x84\"}",     /* cut short */
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(bad); i++) {
		hr_error err = { 0 };
		refused_str(bad[i], &err);
		assert_msg(&err, "line 1, column 8: invalid UTF-8");
	}
}

Test(parse, invalid_utf8_position_on_later_line)
{
	hr_error err = { 0 };

	refused_str("{\n\"a\":\n  \"ok \xc3\"\n}", &err);
	assert_msg(&err, "line 3, column 7");
}

Test(parse, nul_escape)
{
	hr_error err = { 0 };

	refused_str("{\"process\": {\"args\": [\"sh\\u0000-c\"]}}", &err);
	assert_msg(&err, "\\u0000");
	assert_msg(&err, "line 1, column 26");
}

Test(parse, escaped_backslash_before_u0000_is_text)
{
	/* "\\u0000" is a backslash followed by the characters u0000. */
	cJSON *j = hrt_parse("{\"a\": \"\\\\u0000\"}");

	cr_assert_str_eq(cJSON_GetObjectItem(j, "a")->valuestring, "\\u0000");
	cJSON_Delete(j);
}

Test(parse, nul_byte)
{
	static const char text[] = "{\"a\": \"x\0y\"}";
	hr_error err = { 0 };

	refused(text, sizeof text - 1, NULL, &err);
	assert_msg(&err, "NUL byte");
}

Test(parse, exact_duplicate_key)
{
	hr_error err = { 0 };

	refused_str("{\"process\": {\"cwd\": \"/\", \"cwd\": \"/root\"}}", &err);
	assert_msg(&err, "/process: key `cwd` appears twice");
}

Test(parse, keys_differing_in_case)
{
	hr_error err = { 0 };

	refused_str("{\"process\": {\"user\": {\"uid\": 1000}, \"User\": {\"uid\": 0}}}", &err);
	assert_msg(&err, "/process: keys");
	assert_msg(&err, "differ only in case");
	assert_msg(&err, "`User`");
	assert_msg(&err, "`user`");
}

Test(parse, go_folds_long_s)
{
	hr_error err = { 0 };

	/* U+017F LATIN SMALL LETTER LONG S, raw and escaped */
	refused_str("{\"process\": {\"user\": {\"uid\": 1000}, \"u\xc5\xbf"
		    "er\": {\"uid\": 0}}}",
		    &err);
	assert_msg(&err, "differ only in case");
	refused_str("{\"process\": {\"user\": {\"uid\": 1000}, \"u\\u017fer\": {\"uid\": 0}}}",
		    &err);
	assert_msg(&err, "differ only in case");
}

Test(parse, go_folds_kelvin_sign)
{
	hr_error err = { 0 };

	/* U+212A KELVIN SIGN folds to k: "\u212aind" collides with "kind" */
	refused_str("{\"kind\": 1, \"\xe2\x84\xaa"
		    "ind\": 2}",
		    &err);
	assert_msg(&err, "differ only in case");
	refused_str("{\"linux\": {\"masKedPaths\": [], \"mas\\u212aedPaths\": []}}", &err);
	assert_msg(&err, "/linux: keys");
}

Test(parse, other_non_ascii_letters_do_not_fold)
{
	/* Only s and k have non-ASCII folds in Go; "ü" is its own key. */
	cJSON *j = hrt_parse("{\"user\": 1, \"\xc3\xbcser\": 2}");

	cr_assert_eq(cJSON_GetArraySize(j), 2);
	cJSON_Delete(j);
}

Test(parse, string_maps_compare_exactly)
{
	cJSON *j = hrt_parse("{\"annotations\": {\"Foo\": \"1\", \"foo\": \"2\"},"
			     " \"linux\": {\"sysctl\": {\"net.A\": \"1\", \"net.a\": \"2\"},"
			     " \"resources\": {\"unified\": {\"Memory.max\": \"1\", \"memory.max\": "
			     "\"2\"}}}}");

	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "annotations")), 2);
	cr_assert_eq(cJSON_GetArraySize(hrt_at(j, "/linux/sysctl")), 2);
	cr_assert_eq(cJSON_GetArraySize(hrt_at(j, "/linux/resources/unified")), 2);
	cJSON_Delete(j);
}

Test(parse, string_maps_still_refuse_exact_duplicates)
{
	hr_error err = { 0 };

	refused_str("{\"annotations\": {\"run.oci.x\": \"a\", \"run.oci.x\": \"b\"}}", &err);
	assert_msg(&err, "/annotations: key `run.oci.x` appears twice");
}

Test(parse, map_exemption_does_not_reach_nested_objects)
{
	hr_error err = { 0 };

	/* Below a string map, ordinary objects fold again. */
	refused_str("{\"linux\": {\"Sysctl\": {}, \"sysctl\": {}}}", &err);
	assert_msg(&err, "differ only in case");
}

/* Objects of more than a dozen members are checked another way (sorted):
 * the same collisions are found there, wherever they sit. */
Test(parse, large_objects_find_the_same_collisions)
{
	hr_error err = { 0 };
	struct hr_buf b = { 0 };
	char key[32];

	hr_buf_add(&b, "{\"annotations\": {", 17);
	for (int i = 0; i < 30; i++) {
		snprintf(key, sizeof key, "%s\"k%02d\": \"v\"", i ? ", " : "", i);
		hr_buf_add(&b, key, strlen(key));
	}
	hr_buf_add(&b, ", \"K07\": \"v\"}}", 15);
	cJSON *j = hrt_parse(b.s); /* a string map: K07 is not k07 */
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "annotations")), 31);
	cJSON_Delete(j);
	b.s[b.n - 12] = 'k'; /* ... but k07 twice is */
	refused_str(b.s, &err);
	assert_msg(&err, "/annotations: key `k07` appears twice");
	memcpy(b.s, "{\"process\":     {", 17); /* in an object, K07 and k07 fold */
	b.s[b.n - 12] = 'K';
	refused_str(b.s, &err);
	assert_msg(&err, "/process: keys `");
	assert_msg(&err, "`K07`");
	assert_msg(&err, "`k07`");
	assert_msg(&err, "differ only in case");
	free(b.s);
}

Test(parse, nesting_beyond_the_limit)
{
	const size_t depth = 100000;
	char *text = hr_xmalloc(2 * depth + 1);
	hr_error err = { 0 };

	memset(text, '[', depth);
	memset(text + depth, ']', depth);
	text[2 * depth] = '\0';
	refused(text, 2 * depth, NULL, &err);
	assert_msg(&err, "nesting deeper than 64 levels");
	assert_msg(&err, "line 1, column 65");
	free(text);
}

Test(parse, nesting_at_the_limit)
{
	char text[2 * 64 + 1];
	cJSON *j = NULL;

	memset(text, '[', 64);
	memset(text + 64, ']', 64);
	text[128] = '\0';
	cr_assert_eq(hr_json_parse(text, 128, &hr_json_spec_limits, &j, NULL), 0);
	cJSON_Delete(j);
}

Test(parse, brackets_inside_strings_do_not_count)
{
	char text[300];
	cJSON *j;

	memset(text, 0, sizeof text);
	strcpy(text, "{\"a\": \"");
	memset(text + strlen(text), '[', 200);
	strcat(text, "\"}");
	j = hrt_parse(text);
	cJSON_Delete(j);
}

Test(parse, too_many_members)
{
	size_t n = hr_json_spec_limits.max_members + 1;
	char *text = hr_xmalloc(2 * n + 2);
	hr_error err = { 0 };
	size_t o = 0;

	text[o++] = '[';
	for (size_t i = 0; i < n; i++) {
		text[o++] = '0';
		text[o++] = i + 1 < n ? ',' : ']';
	}
	text[o] = '\0';
	refused(text, o, NULL, &err);
	assert_msg(&err, "/: 65537 members, more than the limit of 65536");
	free(text);
}

Test(parse, too_many_object_members_names_the_pointer)
{
	static const struct hr_json_limits lim = { .max_bytes = 1024, .max_depth = 8,
						   .max_members = 3 };
	static const char text[] = "{\"linux\": {\"sysctl\": {\"a\": \"1\", \"b\": \"2\", "
				   "\"c\": \"3\", \"d\": \"4\"}}}";
	hr_error err = { 0 };

	refused(text, strlen(text), &lim, &err);
	assert_msg(&err, "/linux/sysctl: 4 members, more than the limit of 3");
}

Test(parse, non_finite_number)
{
	hr_error err = { 0 };

	refused_str("{\"linux\": {\"resources\": {\"memory\": {\"limit\": 1e999}}}}", &err);
	assert_msg(&err, "/linux/resources/memory/limit: number out of range");
	refused_str("{\"a\": [-1e999]}", &err);
	assert_msg(&err, "/a/0: number out of range");
}

Test(parse, numbers_json_does_not_write)
{
	/* cJSON reads each with strtod; Go refuses each. */
	static const char *const bad[] = { "01",  "-01",  "00",	   "-00", "1.",
					   "-.5", "1.e5", "1e",	   "1e+", "1E-",
					   "-",	  "0.",	  "1.5.3", "1-2", "00000000000000000001" };
	static const char *const good[] = { "0",	"-0",	 "10",
					    "1.5",	"1e5",	 "1E+5",
					    "-1.25e-3", "0.0e0", "12345678901234567890" };
	hr_error err = { 0 };

	for (size_t i = 0; i < HR_ARRAY_SIZE(bad); i++) {
		_cleanup_free_ char *doc = hr_xasprintf("{\n  \"uid\": %s\n}", bad[i]);
		_cleanup_free_ char *want = hr_xasprintf(
			"line 2, column 10: `%s` is not a JSON number", bad[i]);
		refused_str(doc, &err);
		assert_msg(&err, want);
		assert_msg(&err, "(fix: ");
	}
	for (size_t i = 0; i < HR_ARRAY_SIZE(good); i++) {
		_cleanup_free_ char *doc = hr_xasprintf("{\"uid\": [%s]}", good[i]);
		cJSON *j = hrt_parse(doc);
		cJSON_Delete(j);
	}
	/* Shown up to 40 characters. */
	refused_str("{\"a\": 0000000000000000000000000000000000000000000000001}", &err);
	assert_msg(&err, "`0000000000000000000000000000000000000000...` is not");
}

Test(parse, size_over_the_limit)
{
	size_t n = hr_json_spec_limits.max_bytes + 1;
	char *text = hr_xmalloc(n + 1);
	hr_error err = { 0 };

	memset(text, ' ', n);
	text[0] = '{';
	text[n - 1] = '}';
	text[n] = '\0';
	refused(text, n, NULL, &err);
	assert_msg(&err, "16777217 bytes, more than the limit of 16777216");
	free(text);
}

Test(parse, size_at_a_small_limit)
{
	static const struct hr_json_limits lim = { .max_bytes = 8, .max_depth = 4,
						   .max_members = 4 };
	cJSON *j = NULL;
	hr_error err = { 0 };

	cr_assert_eq(hr_json_parse("{\"a\":12}", 8, &lim, &j, &err), 0, "%s", err.msg);
	cJSON_Delete(j);
	refused("{\"a\":123}", 9, &lim, &err);
	assert_msg(&err, "9 bytes, more than the limit of 8");
}

/* --- numbers and unknown fields survive a round trip ------------------- */

Test(roundtrip, long_integers_print_back_unchanged)
{
	static const char text[] = "{\"u64max\":18446744073709551615,"
				   "\"i64max\":9223372036854775807,"
				   "\"i64min\":-9223372036854775808,"
				   "\"sixteen\":1234567890123457,"
				   "\"small\":42,\"neg\":-7,\"frac\":0.5}";
	cJSON *j = hrt_parse(text);
	char *out = hr_json_print(j, false);

	cr_assert_str_eq(out, text);
	free(out);
	/* pretty output carries the same digits */
	out = hr_json_print(j, true);
	cr_assert_not_null(strstr(out, "18446744073709551615"));
	cr_assert_not_null(strstr(out, "9223372036854775807"));
	free(out);
	/* and the tree is left as numbers, not raw nodes */
	cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(j, "u64max")));
	cJSON_Delete(j);
}

Test(roundtrip, long_integers_survive_duplication)
{
	cJSON *j = hrt_parse("{\"rlimits\":[{\"hard\":18446744073709551615}]}");
	cJSON *d = cJSON_Duplicate(j, true);
	char *out = hr_json_print(d, false);

	cr_assert_str_eq(out, "{\"rlimits\":[{\"hard\":18446744073709551615}]}");
	cr_assert(hr_json_equal(j, d));
	free(out);
	cJSON_Delete(d);
	cJSON_Delete(j);
}

Test(roundtrip, set_number_drops_the_source_text)
{
	cJSON *j = hrt_parse("{\"a\":18446744073709551615}");
	char *out;

	hr_json_set_number(cJSON_GetObjectItem(j, "a"), 7);
	out = hr_json_print(j, false);
	cr_assert_str_eq(out, "{\"a\":7}");
	free(out);
	cJSON_Delete(j);
}

Test(roundtrip, unknown_fields_survive)
{
	static const char text[] =
		"{\"ociVersion\":\"1.2.0\",\"x-vendor\":{\"nested\":[1,{\"k\":true},null]},"
		"\"process\":{\"args\":[\"sh\"],\"futureField\":{\"a\":\"b\"}},"
		"\"linux\":{\"intelRdt\":{\"closID\":\"x\"},\"netDevices\":{\"eth0\":{}}}}";
	cJSON *j = hrt_parse(text);
	char *out = hr_json_print(j, false);

	cr_assert_str_eq(out, text);
	free(out);
	cJSON_Delete(j);
}

Test(roundtrip, equal_compares_number_text)
{
	cJSON *a = hrt_parse("{\"n\":18446744073709551615,\"m\":1,\"o\":2}");
	cJSON *b = hrt_parse("{\"o\":2,\"m\":1,\"n\":18446744073709551615}");
	/* the same double, different integers */
	cJSON *c = hrt_parse("{\"o\":2,\"m\":1,\"n\":18446744073709551614}");
	cJSON *d = hrt_parse("{\"o\":2,\"m\":1}");

	cr_assert(hr_json_equal(a, b), "member order does not matter");
	cr_assert_not(hr_json_equal(a, c), "integers beyond 2^53 compare by their text");
	cr_assert_not(hr_json_equal(a, d));
	cr_assert_not(hr_json_equal(d, a));
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
	cJSON_Delete(d);
}

Test(roundtrip, equal_respects_array_order)
{
	cJSON *a = hrt_parse("[1,2]");
	cJSON *b = hrt_parse("[2,1]");

	cr_assert_not(hr_json_equal(a, b));
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* --- lookups ------------------------------------------------------------ */

Test(get, exact_match_absent_and_folded)
{
	cJSON *j = hrt_parse("{\"Cwd\": \"/\", \"args\": []}");
	cJSON *got = (cJSON *)1;
	hr_error err = { 0 };

	cr_assert_eq(hr_json_get(j, "args", "/process", &got, &err), 0);
	cr_assert(cJSON_IsArray(got));
	cr_assert_eq(hr_json_get(j, "env", "/process", &got, &err), 0);
	cr_assert_null(got, "an absent member is NULL, not an error");
	cr_assert_eq(hr_json_get(j, "cwd", "/process", &got, &err), HR_E_INVALID);
	assert_msg(&err, "/process/Cwd: spelled differently from the OCI field `cwd`");
	cJSON_Delete(j);
}

Test(get, folded_unicode_match_is_an_error)
{
	cJSON *j = hrt_parse("{\"u\\u017fer\": {}}");
	cJSON *got;
	hr_error err = { 0 };

	cr_assert_eq(hr_json_get(j, "user", "/process", &got, &err), HR_E_INVALID);
	assert_msg(&err, "`user`");
	cJSON_Delete(j);
}

Test(get, typed_getters_name_the_pointer)
{
	cJSON *j = hrt_parse("{\"cwd\": 5, \"terminal\": \"yes\", \"n\": 1.5, \"m\": 10}");
	cJSON *got;
	hr_error err = { 0 };

	cr_assert_eq(hr_json_get_string(j, "cwd", "/process", &got, &err), HR_E_INVALID);
	assert_msg(&err, "/process/cwd: expected a string, found a number");
	cr_assert_eq(hr_json_get_bool(j, "terminal", "/process", &got, &err), HR_E_INVALID);
	assert_msg(&err, "/process/terminal: expected a boolean, found a string");
	cr_assert_eq(hr_json_get_int(j, "n", "/x", 0, 100, &got, &err), HR_E_INVALID);
	assert_msg(&err, "/x/n: ");
	cr_assert_eq(hr_json_get_int(j, "m", "/x", 0, 9, &got, &err), HR_E_INVALID);
	cr_assert_eq(hr_json_get_int(j, "m", "/x", 0, 10, &got, &err), 0);
	cr_assert_eq(got->valuedouble, 10.0);
	cJSON_Delete(j);
}

Test(get, check_string_array)
{
	cJSON *j = hrt_parse("[\"a\", 1]");
	hr_error err = { 0 };

	cr_assert_eq(hr_json_check_string_array(j, "/mounts/0/options", &err), HR_E_INVALID);
	assert_msg(&err, "/mounts/0/options/1: expected a string, found a number");
	cJSON_Delete(j);
}

Test(get, pointer_escaping)
{
	char *p = hr_json_ptr("/annotations", "a/b~c");

	cr_assert_str_eq(p, "/annotations/a~1b~0c");
	free(p);
	p = hr_json_ptr_index("/mounts", 12);
	cr_assert_str_eq(p, "/mounts/12");
	free(p);
}

Test(insert, at_head_middle_and_end)
{
	cJSON *a = hrt_parse("[1,2,3]");
	char *out;

	hr_json_insert(a, 3, hr_json_new_number(4));
	hr_json_insert(a, 1, hr_json_new_number(5));
	hr_json_insert(a, 0, hr_json_new_number(6));
	hr_json_insert(a, 99, hr_json_new_number(7));
	out = hr_json_print(a, false);
	cr_assert_str_eq(out, "[6,1,5,2,3,4,7]");
	free(out);
	/* the tail link cJSON appends through stays right */
	cJSON_AddItemToArray(a, hr_json_new_number(8));
	cr_assert_eq(cJSON_GetArrayItem(a, 7)->valuedouble, 8.0);
	cJSON_Delete(a);
}

/* --- paths --------------------------------------------------------------- */

Test(path, normalize)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "/", "/" },
		{ "//", "/" },
		{ "/..", "/" },
		{ "/../../etc", "/etc" },
		{ "/a/b/../c", "/a/c" },
		{ "//a///b/", "/a/b" },
		{ "/a/./b/.", "/a/b" },
		{ "/a/b/..", "/a" },
		{ "/var/lib/docker/volumes/v/_data/../../../../../../etc/shadow", "/etc/shadow" },
		{ "/a/..b/c", "/a/..b/c" },
		{ "/a/...", "/a/..." },
		{ "a/../../b", "../b" },
		{ "../..", "../.." },
		{ "./a/./b", "a/b" },
		{ "a/..", "." },
		{ "", "." },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		char *n = hr_path_normalize(cases[i].in);
		cr_expect_str_eq(n, cases[i].out, "normalize(\"%s\")", cases[i].in);
		free(n);
	}
}

Test(path, is_under)
{
	static const struct {
		const char *path, *dir;
		bool under;
	} cases[] = {
		{ "/etc", "/etc", true },
		{ "/etc/passwd", "/etc", true },
		{ "/etcetera", "/etc", false },
		{ "/et", "/etc", false },
		{ "/", "/", true },
		{ "/anything/at/all", "/", true },
		{ "/var", "/var/lib/docker", false },
		{ "/var/lib/docker/containers/x/hosts", "/var/lib/docker", true },
		{ "/run/docker.sock", "/run/docker", false },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++)
		cr_expect_eq(hr_path_is_under(cases[i].path, cases[i].dir), cases[i].under,
			     "is_under(\"%s\", \"%s\")", cases[i].path, cases[i].dir);
}

Test(utf8, check_offsets)
{
	cr_assert_eq(hr_utf8_check("abc", 3), 3);
	cr_assert_eq(hr_utf8_check("a\xf4\x8f\xbf\xbf", 5), 5, "U+10FFFF is valid");
	cr_assert_eq(hr_utf8_check("ab\xe0\x80\xafz", 6), 2, "overlong 3-byte form");
	cr_assert_eq(hr_utf8_check("\xc3\xa9\xc3", 3), 2, "cut short at the end");
	cr_assert_eq(hr_utf8_check("\x80", 1), 0, "lone continuation byte");
}

/* The launch's trees live in an arena (json.h): what cJSON allocated goes
 * back through cJSON, text from hr_json_print goes to free(), trees of
 * either kind can be freed on either side of stop, and a second use of
 * the arena does not keep the first's memory. */
Test(arena, trees_and_text_cross_its_bounds)
{
	static const char text[] = "{\"a\": [1, 2, {\"b\": \"c\"}], \"n\": 123456789012345678901}";
	cJSON *before = NULL, *inside = NULL, *dup;
	hr_error err = { 0 };
	char *s;

	cr_assert_eq(hr_json_parse(text, strlen(text), &hr_json_spec_limits, &before, &err), 0);
	for (int round = 0; round < 3; round++) {
		hr_json_arena_start();
		cr_assert_eq(hr_json_parse(text, strlen(text), &hr_json_spec_limits, &inside, &err), 0);
		dup = cJSON_Duplicate(before, true);
		hr_json_set_number(cJSON_GetObjectItemCaseSensitive(dup, "n"), 7);
		s = hr_json_print(inside, false);
		cr_assert_str_eq(s, "{\"a\":[1,2,{\"b\":\"c\"}],\"n\":123456789012345678901}");
		free(s); /* malloc'd, though printed inside the arena */
		cJSON_Delete(dup);
		hr_json_arena_stop();
		s = hr_json_print(inside, false);
		cr_assert_str_eq(s, "{\"a\":[1,2,{\"b\":\"c\"}],\"n\":123456789012345678901}");
		free(s);
		cJSON_Delete(inside); /* made in the arena, freed after it */
	}
	cJSON_Delete(before); /* made before the arena, freed after it */
}
