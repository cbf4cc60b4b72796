/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hardrun.conf: every key read into its field; an unknown key, a value of
 * the wrong type, a relative directory or a runtime argument that is no
 * flag is an error naming the JSON pointer; the file is read only when
 * only root can change it (hardrun runs as root), and a missing file means
 * the defaults unless it was named explicitly.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "helpers.h"

TestSuite(parse, .timeout = 10);
TestSuite(load, .timeout = 10);

static int parse(const char *relaxed, struct hr_config *cfg, hr_error *err)
{
	_cleanup_free_ char *text = hr_xstrdup(relaxed);

	/* single quotes for readability, as hrt_json() */
	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	*cfg = (struct hr_config){ 0 };
	return hr_config_parse(text, strlen(text), cfg, err);
}

static void expect_ok(const char *relaxed, struct hr_config *cfg)
{
	hr_error err = { 0 };

	cr_assert_eq(parse(relaxed, cfg, &err), 0, "%s: %s", relaxed, err.msg);
}

/* The text is refused with a message holding `needle`. */
static void expect_error(const char *relaxed, const char *needle)
{
	struct hr_config cfg;
	hr_error err = { 0 };
	int r = parse(relaxed, &cfg, &err);

	cr_expect_lt(r, 0, "%s: accepted", relaxed);
	cr_expect_not_null(strstr(err.msg, needle), "%s: message `%s` lacks `%s`", relaxed,
			   err.msg, needle);
	hr_config_done(&cfg);
}

Test(parse, every_key)
{
	struct hr_config cfg;

	expect_ok("{ 'runtime': '/usr/bin/crun',"
		  "  'runtimeArgs': [ '--cgroup-manager=disabled', '--debug' ],"
		  "  'profileDirs': [ '/etc/hardrun/profiles', '/srv/profiles' ],"
		  "  'defaultProfile': 'baseline',"
		  "  'log': { 'file': '/var/log/hardrun.log' } }",
		  &cfg);
	cr_expect_str_eq(cfg.runtime, "/usr/bin/crun");
	cr_assert_eq(hr_strv_len(cfg.runtime_args), 2);
	cr_expect_str_eq(cfg.runtime_args[0], "--cgroup-manager=disabled");
	cr_expect_str_eq(cfg.runtime_args[1], "--debug");
	cr_assert_eq(hr_strv_len(cfg.profile_dirs), 2);
	cr_expect_str_eq(cfg.profile_dirs[0], "/etc/hardrun/profiles");
	cr_expect_str_eq(cfg.profile_dirs[1], "/srv/profiles");
	cr_expect_str_eq(cfg.default_profile, "baseline");
	cr_expect_str_eq(cfg.log_file, "/var/log/hardrun.log");
	cr_expect_null(cfg.path, "parse reads no file");
	hr_config_done(&cfg);
	cr_expect_null(cfg.runtime, "free leaves a clean struct");
	hr_config_done(&cfg); /* twice is fine */
}

Test(parse, profile_rules)
{
	struct hr_config cfg;

	expect_ok("{ 'profileRules': [ { 'match': { 'io.kubernetes.cri.sandbox-name': 'web-*' },"
		  "                      'profile': 'baseline' } ],"
		  "  'allowWeakerAnnotations': true }",
		  &cfg);
	cr_assert_eq(cfg.n_rules, 1);
	cr_expect_str_eq(cfg.rules[0].keys[0], "io.kubernetes.cri.sandbox-name");
	cr_expect_str_eq(cfg.rules[0].patterns[0], "web-*");
	cr_expect_str_eq(cfg.rules[0].profile, "baseline");
	cr_expect(cfg.allow_weaker_annotations);
	hr_config_done(&cfg);
	expect_error("{ 'profileRules': [ { 'match': { 'a': 'b' }, 'profile': 'x', 'y': 1 } ] }",
		     "/profileRules/0/y: unknown key");
	expect_error("{ 'profileRules': [ { 'profile': 'x' } ] }", "/profileRules/0");
	expect_error("{ 'allowWeakerAnnotations': 'yes' }", "allowWeakerAnnotations");
}

Test(parse, defaults)
{
	struct hr_config cfg;

	expect_ok("{}", &cfg);
	cr_expect_null(cfg.runtime);
	cr_expect_null(cfg.runtime_args);
	cr_expect_null(cfg.profile_dirs);
	cr_expect_null(cfg.default_profile);
	cr_expect_null(cfg.log_file);
	hr_config_done(&cfg);
	expect_ok("{ 'runtime': 'crun', 'runtimeArgs': [], 'log': {} }", &cfg);
	cr_expect_str_eq(cfg.runtime, "crun", "a name is looked up in PATH later");
	cr_expect_eq(hr_strv_len(cfg.runtime_args), 0);
	cr_expect_null(cfg.log_file);
	hr_config_done(&cfg);
}

/* Every command searches profiles in one order: --profile-dir, then
 * hardrun.conf's profileDirs, then the defaults. */
Test(search_path, flag_then_config_then_defaults)
{
	struct hr_config cfg;
	char a[] = "/flag/a", b[] = "/flag/b";
	char *extra[] = { a, b, NULL };
	_cleanup_strv_ char **dirs = NULL, **none = NULL;
	size_t n_default = hr_strv_len(hr_default_profile_dirs);

	expect_ok("{ 'profileDirs': ['/conf/a', '/conf/b'] }", &cfg);
	dirs = hr_profile_search_path(extra, &cfg);
	cr_assert_eq(hr_strv_len(dirs), 4 + n_default);
	cr_expect_str_eq(dirs[0], "/flag/a");
	cr_expect_str_eq(dirs[1], "/flag/b");
	cr_expect_str_eq(dirs[2], "/conf/a");
	cr_expect_str_eq(dirs[3], "/conf/b");
	for (size_t i = 0; i < n_default; i++)
		cr_expect_str_eq(dirs[4 + i], hr_default_profile_dirs[i]);
	hr_config_done(&cfg);
	none = hr_profile_search_path(NULL, NULL);
	cr_assert_eq(hr_strv_len(none), n_default);
	cr_expect_str_eq(none[0], hr_default_profile_dirs[0]);
}

Test(parse, unknown_keys)
{
	expect_error("{ 'runtimes': 'crun' }", "/runtimes: unknown key (fix: use runtime,");
	expect_error("{ 'defaultprofile': 'baseline' }", "/defaultprofile: unknown key");
	expect_error("{ 'log': { 'file': '/x', 'level': 'debug' } }",
		     "/log/level: unknown key (fix: use file)");
}

Test(parse, wrong_types)
{
	expect_error("[]", "/: expected a JSON object");
	expect_error("'runc'", "/: expected a JSON object");
	expect_error("{ 'runtime': 5 }", "/runtime");
	expect_error("{ 'runtime': '' }", "/runtime: expected a non-empty string");
	expect_error("{ 'runtime': null }", "/runtime");
	expect_error("{ 'runtimeArgs': '--debug' }", "/runtimeArgs");
	expect_error("{ 'runtimeArgs': [ 1 ] }", "/runtimeArgs/0: expected a non-empty string");
	expect_error("{ 'runtimeArgs': [ '--debug', '' ] }",
		     "/runtimeArgs/1: expected a non-empty string");
	expect_error("{ 'profileDirs': '/etc' }", "/profileDirs");
	expect_error("{ 'profileDirs': [ [ '/etc' ] ] }", "/profileDirs/0");
	expect_error("{ 'defaultProfile': [ 'a' ] }", "/defaultProfile");
	expect_error("{ 'defaultProfile': '' }", "/defaultProfile: expected a non-empty string");
	expect_error("{ 'log': '/var/log/h' }", "/log");
	expect_error("{ 'log': { 'file': true } }", "/log/file");
	expect_error("{ 'runtime': 'runc' ", "unexpected end of JSON");
	expect_error("{ 'runtime': 'runc', 'runtime': 'crun' }", "runtime");
}

Test(parse, relative_paths)
{
	expect_error("{ 'profileDirs': [ 'profiles' ] }",
		     "/profileDirs/0: expected an absolute path");
	expect_error("{ 'profileDirs': [ '/ok', './x' ] }",
		     "/profileDirs/1: expected an absolute path");
	expect_error("{ 'log': { 'file': 'hardrun.log' } }",
		     "/log/file: expected an absolute path");
}

Test(parse, runtime_args_are_flags)
{
	/* Docker-style runtimeArgs are global flags; a word would become the
	 * subcommand. */
	expect_error("{ 'runtimeArgs': [ 'create' ] }",
		     "/runtimeArgs/0: `create` is not a flag (fix: global flags such as");
	expect_error("{ 'runtimeArgs': [ '--root', '/run/x' ] }",
		     "/runtimeArgs/1: `/run/x` is not a flag");
}

static char *tmp;

static void load_setup(void)
{
	tmp = hrt_mkdtemp();
}

static void load_teardown(void)
{
	hrt_rm_rf(tmp);
	free(tmp);
}

static char *write_conf(const char *text, mode_t mode)
{
	char *path = hr_xasprintf("%s/hardrun.conf", tmp);

	hrt_write_file(path, text);
	cr_assert_eq(chmod(path, mode), 0);
	return path;
}

Test(load, reads_the_file, .init = load_setup, .fini = load_teardown)
{
	_cleanup_free_ char *path = write_conf("{ \"defaultProfile\": \"strict\" }", 0644);
	struct hr_config cfg;
	hr_error err = { 0 };

	cr_assert_eq(hr_config_load(path, true, &cfg, &err), 0, "%s", err.msg);
	cr_expect_str_eq(cfg.default_profile, "strict");
	cr_expect_str_eq(cfg.path, path);
	hr_config_done(&cfg);
}

Test(load, missing_file, .init = load_setup, .fini = load_teardown)
{
	_cleanup_free_ char *path = hr_xasprintf("%s/none.conf", tmp);
	struct hr_config cfg;
	hr_error err = { 0 };

	/* the default path may be absent: the defaults apply */
	cr_expect_eq(hr_config_load(path, false, &cfg, &err), 0, "%s", err.msg);
	cr_expect_null(cfg.path);
	cr_expect_null(cfg.default_profile);
	hr_config_done(&cfg);
	/* a file named with --hardrun-config must be there */
	cr_expect_lt(hr_config_load(path, true, &cfg, &err), 0);
	cr_expect_not_null(strstr(err.msg, "none.conf: cannot open"), "%s", err.msg);
	hr_config_done(&cfg);
}

Test(load, errors_name_the_file, .init = load_setup, .fini = load_teardown)
{
	_cleanup_free_ char *path = write_conf("{ \"profileDirs\": [ \"rel\" ] }", 0644);
	struct hr_config cfg;
	hr_error err = { 0 };

	cr_expect_lt(hr_config_load(path, true, &cfg, &err), 0);
	cr_expect_not_null(strstr(err.msg, path), "%s", err.msg);
	cr_expect_not_null(strstr(err.msg, "/profileDirs/0"), "%s", err.msg);
	cr_expect_null(cfg.profile_dirs, "nothing is kept from a refused file");
	hr_config_done(&cfg);
}

Test(load, only_root_may_write_it, .init = load_setup, .fini = load_teardown)
{
	_cleanup_free_ char *path = write_conf("{ \"defaultProfile\": \"baseline\" }", 0666);
	struct hr_config cfg;
	hr_error err = { 0 };

	if (geteuid() != 0)
		cr_skip_test("only checked when running as root");
	cr_expect_lt(hr_config_load(path, true, &cfg, &err), 0);
	cr_expect_not_null(strstr(err.msg, "writable by its group or others"), "%s", err.msg);
	cr_expect_not_null(strstr(err.msg, "chmod go-w"), "%s", err.msg);
	cr_expect_null(cfg.default_profile);
	hr_config_done(&cfg);
	/* the default path too: a writable file is not "absent" */
	cr_expect_lt(hr_config_load(path, false, &cfg, &err), 0);
	hr_config_done(&cfg);
	cr_assert_eq(chmod(path, 0644), 0);
	cr_expect_eq(hr_config_load(path, true, &cfg, &err), 0, "%s", err.msg);
	cr_expect_str_eq(cfg.default_profile, "baseline");
	hr_config_done(&cfg);
}
