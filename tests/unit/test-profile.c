/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profiles: the shipped ones load and say what they claim; a mistake in a
 * profile is an error that names the JSON pointer and how to fix it;
 * "extends" chains with add/remove deltas resolve, and cycles, deep chains
 * and deltas with nothing to apply to are refused.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/capability.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/mount_options.h"
#include "hardrun/profile.h"
#include "hardrun/profile_flat.h"
#include "hardrun/seccomp.h"
#include "helpers.h"

static char *tmp;

static void setup(void)
{
	tmp = hrt_mkdtemp();
}

static void teardown(void)
{
	hrt_rm_rf(tmp);
	free(tmp);
}

TestSuite(load, .init = setup, .fini = teardown);
TestSuite(validate);
TestSuite(helpers);
TestSuite(compare);

static char *write_profile(const char *name, const char *text)
{
	char *path = hr_xasprintf("%s/%s.json", tmp, name);

	hrt_write_file(path, text);
	return path;
}

/* Load with the shipped profiles as the search path. */
static int load(const char *name_or_path, struct hr_profile **ret, hr_error *err)
{
	_cleanup_free_ char *dir = hrt_src_path("profiles");
	char *dirs[] = { dir, NULL };

	*ret = NULL;
	return hr_profile_load(name_or_path, dirs, ret, err);
}

static void assert_msg(const hr_error *err, const char *needle)
{
	cr_assert_not_null(strstr(err->msg, needle), "message `%s` lacks `%s`", err->msg, needle);
}

static bool cap_allowed(const struct hr_profile *p, const char *name)
{
	int v = hr_cap_from_name(name);

	cr_assert(v >= 0, "%s", name);
	return p->caps.allow & (UINT64_C(1) << v);
}

static bool syscall_allowed(const struct hr_profile *p, const char *name)
{
	return bsearch(&name, p->seccomp.allow, p->seccomp.n_allow, sizeof(char *),
		       hr_strcmp_p) != NULL;
}

/* Validate a partial profile document (one that extends another). */
static int validate(const char *text, hr_error *err)
{
	cJSON *doc = hrt_parse(text);
	int r = hr_profile_parse(doc, true, NULL, NULL, hr_mount_options_host(), NULL, err);

	cJSON_Delete(doc);
	return r;
}

static void invalid(const char *text, const char *needle)
{
	hr_error err = { 0 };

	cr_assert_eq(validate(text, &err), HR_E_INVALID, "accepted: %s", text);
	assert_msg(&err, needle);
}

static void valid(const char *text)
{
	hr_error err = { 0 };

	cr_assert_eq(validate(text, &err), 0, "refused: %s: %s", text, err.msg);
}

/* --- the shipped profiles ------------------------------------------------ */

Test(load, restricted)
{
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load("restricted", &p, &err), 0, "%s", err.msg);
	cr_assert_str_eq(p->name, "restricted");
	cr_assert_not(p->user.allow_root);
	cr_assert_eq(p->user.uid, 65534);
	cr_assert_eq(p->user.umask, 027);
	cr_assert_eq(p->caps.allow, 0, "no capabilities");
	cr_assert_not(p->caps.ambient);
	cr_assert_str_eq(p->seccomp.default_action, "SCMP_ACT_ERRNO");
	cr_assert_eq(p->seccomp.default_errno, EPERM);
	cr_assert_eq(p->seccomp.n_arch, 1);
	cr_assert(syscall_allowed(p, "read"));
	cr_assert_not(syscall_allowed(p, "ptrace"));
	cr_assert_not(syscall_allowed(p, "io_uring_setup"));
	cr_assert(p->rootfs.readonly);
	cr_assert(hr_strv_contains(p->rootfs.writable, "/tmp"));
	cr_assert_not_null(strstr(p->rootfs.tmpfs_options, "size=64m"));
	cr_assert(hr_strv_contains(p->mounts.denied_sources, "/var/run/docker.sock"));
	cr_assert_eq(p->resources.memory, INT64_C(1) << 30);
	cr_assert_eq(p->resources.pids, 1024);
	cr_assert_eq(p->rlimits.core, 0);
	cr_assert_eq(p->rlimits.nofile, 8192);
	cr_assert(p->ns.required & (1u << HR_NS_PID));
	cr_assert_not(p->ns.required & (1u << HR_NS_USER));
	cr_assert_eq(p->ns.allow_host, 0);
	cr_assert(p->ns.allow_join & (1u << HR_NS_NETWORK));
	cr_assert(hr_strv_contains(p->masked_paths, "/proc/kcore"));
	cr_assert_eq(p->n_devices, 8);
	hr_profile_free(p);
}

Test(load, baseline_extends_restricted)
{
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load("baseline", &p, &err), 0, "%s", err.msg);
	cr_assert(p->user.allow_root);
	cr_assert_eq(p->user.umask, 022);
	cr_assert(cap_allowed(p, "CAP_CHOWN"));
	cr_assert(cap_allowed(p, "CAP_NET_BIND_SERVICE"));
	cr_assert_not(cap_allowed(p, "CAP_NET_RAW"));
	cr_assert_not(cap_allowed(p, "CAP_SYS_ADMIN"));
	cr_assert(syscall_allowed(p, "chroot"), "added by the delta");
	cr_assert(syscall_allowed(p, "read"), "kept from restricted");
	cr_assert_not(p->rootfs.readonly);
	cr_assert_eq(p->resources.memory, INT64_C(4) << 30);
	/* what baseline does not mention comes from restricted */
	cr_assert(hr_strv_contains(p->mounts.denied_sources, "/var/run/docker.sock"));
	cr_assert_eq(p->ns.required, (1u << HR_NS_PID) | (1u << HR_NS_NETWORK) |
					     (1u << HR_NS_MOUNT) | (1u << HR_NS_IPC) |
					     (1u << HR_NS_UTS) | (1u << HR_NS_CGROUP));
	hr_profile_free(p);
}

Test(load, strict_by_path)
{
	_cleanup_free_ char *path = hrt_src_path("profiles/strict.json");
	struct hr_profile *p;
	hr_error err = { 0 };
	bool personality = false;

	cr_assert_eq(load(path, &p, &err), 0, "%s", err.msg);
	cr_assert_str_eq(p->name, "strict");
	cr_assert_eq(p->resources.memory, INT64_C(256) << 20);
	cr_assert_eq(p->resources.pids, 256);
	cr_assert_eq(p->rlimits.nofile, 1024);
	cr_assert_not_null(strstr(p->rootfs.tmpfs_options, "size=16m"));
	/* A pod's containers join its sandbox's network namespace. */
	cr_assert(p->ns.allow_join & (1u << HR_NS_NETWORK));
	cr_assert(p->ns.allow_join & (1u << HR_NS_IPC));
	cr_assert_not(syscall_allowed(p, "splice"));
	cr_assert_not(syscall_allowed(p, "modify_ldt"));
	cr_assert(syscall_allowed(p, "read"));
	/* "rules" replaces the base list: no personality rules remain */
	for (cJSON *r = p->seccomp.rules->child; r; r = r->next)
		personality |= hrt_has_string(cJSON_GetObjectItem(r, "names"), "personality");
	cr_assert_not(personality);
	hr_profile_free(p);
}

Test(load, show_round_trips)
{
	const char *names[] = { "restricted", "baseline", "strict" };

	for (size_t i = 0; i < HR_ARRAY_SIZE(names); i++) {
		struct hr_profile *p = hrt_profile(names[i]), *q = NULL;
		cJSON *a = hr_profile_to_json(p), *b;
		hr_error err = { 0 };

		cr_assert_eq(hr_profile_parse(a, false, names[i], "x", hr_mount_options_host(), &q, &err), 0,
			     "%s: `profile show` output does not load: %s", names[i], err.msg);
		b = hr_profile_to_json(q);
		cr_assert(hr_json_equal(a, b), "%s changes on a round trip", names[i]);
		cJSON_Delete(a);
		cJSON_Delete(b);
		hr_profile_free(p);
		hr_profile_free(q);
	}
}

Test(load, unknown_name)
{
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load("no-such-profile", &p, &err), -ENOENT);
	assert_msg(&err, "no profile named `no-such-profile`");
	cr_assert_eq(load("bad name!", &p, &err), -EINVAL);
	assert_msg(&err, "is not a profile name");
}

/* --- extends and deltas -------------------------------------------------- */

Test(load, extends_with_add_and_remove)
{
	_cleanup_free_ char *child = write_profile(
		"child", "{\"description\": \"restricted, serving port 80\",\n"
			 " \"extends\": \"restricted\",\n"
			 " \"capabilities\": {\"allow\": {\"add\": [\"CAP_NET_BIND_SERVICE\"]}},\n"
			 " \"seccomp\": {\"allow\": {\"add\": [\"ptrace\"], \"remove\": "
			 "[\"splice\", \"tee\"]}},\n"
			 " \"resources\": {\"pids\": 64}}\n");
	_cleanup_free_ char *grandchild = write_profile(
		"grandchild", "{\"extends\": \"child\",\n"
			      " \"capabilities\": {\"allow\": {\"remove\": "
			      "[\"CAP_NET_BIND_SERVICE\"]}}}\n");
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load(child, &p, &err), 0, "%s", err.msg);
	cr_assert_str_eq(p->name, "child");
	cr_assert_str_eq(p->description, "restricted, serving port 80");
	cr_assert_eq(p->caps.allow, UINT64_C(1) << hr_cap_from_name("CAP_NET_BIND_SERVICE"));
	cr_assert(syscall_allowed(p, "ptrace"));
	cr_assert_not(syscall_allowed(p, "splice"));
	cr_assert_not(syscall_allowed(p, "tee"));
	cr_assert(syscall_allowed(p, "vmsplice"), "only the named items go");
	cr_assert_eq(p->resources.pids, 64);
	cr_assert_eq(p->resources.memory, INT64_C(1) << 30, "siblings of a changed key stay");
	hr_profile_free(p);

	cr_assert_eq(load(grandchild, &p, &err), 0, "%s", err.msg);
	cr_assert_eq(p->caps.allow, 0);
	cr_assert(syscall_allowed(p, "ptrace"), "the middle profile's delta still applies");
	/* Without a description of its own it says whose it borrows. */
	cr_assert_str_eq(p->description, "Extends child: restricted, serving port 80");
	hr_profile_free(p);
}

Test(load, remove_of_an_absent_item)
{
	_cleanup_free_ char *path = write_profile(
		"bad", "{\"extends\": \"restricted\", \"seccomp\": {\"allow\": {\"remove\": "
		       "[\"ptrace\"]}}}");
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load(path, &p, &err), HR_E_INVALID);
	cr_assert_null(p);
	assert_msg(&err, path);
	assert_msg(&err, "/seccomp/allow/remove: `ptrace` is not in the base profile's list");
}

Test(load, delta_without_extends)
{
	_cleanup_free_ char *src = hrt_src_path("profiles/restricted.json");
	_cleanup_free_ char *text = hrt_read_file(src, NULL);
	cJSON *doc = hrt_parse(text), *caps;
	_cleanup_free_ char *out = NULL, *path = NULL;
	struct hr_profile *p;
	hr_error err = { 0 };

	/* a complete profile, but one list is written as a change */
	caps = cJSON_GetObjectItem(doc, "capabilities");
	hr_json_set(caps, "allow", hrt_parse("{\"add\": [\"CAP_CHOWN\"]}"));
	out = hr_json_print(doc, true);
	path = write_profile("standalone", out);
	cr_assert_eq(load(path, &p, &err), HR_E_INVALID);
	assert_msg(&err, "/capabilities/allow: an {\"add\", \"remove\"} change needs a base profile");
	cJSON_Delete(doc);
}

Test(load, standalone_profile_must_be_complete)
{
	_cleanup_free_ char *path = write_profile("thin", "{\"description\": \"too thin\"}");
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load(path, &p, &err), HR_E_INVALID);
	assert_msg(&err, "/user: missing");
}

Test(load, cycle)
{
	_cleanup_free_ char *a = write_profile("a", "{\"extends\": \"b\"}");
	_cleanup_free_ char *b = write_profile("b", "{\"extends\": \"a\"}");
	_cleanup_free_ char *self = write_profile("self", "{\"extends\": \"self\"}");
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load(a, &p, &err), -ELOOP);
	assert_msg(&err, "\"extends\" leads back to itself");
	assert_msg(&err, "a.json");
	cr_assert_eq(load(self, &p, &err), -ELOOP);
	assert_msg(&err, "leads back to itself");
}

/* p00 extends p01 ... extends p<last>, which extends restricted. */
static char *write_chain(size_t last)
{
	char *first = NULL;

	for (size_t i = 0; i <= last; i++) {
		char name[16], text[128];
		snprintf(name, sizeof name, "p%02zu", i);
		if (i < last)
			snprintf(text, sizeof text, "{\"extends\": \"p%02zu\"}", i + 1);
		else
			snprintf(text, sizeof text, "{\"extends\": \"restricted\"}");
		char *path = write_profile(name, text);
		if (i == 0)
			first = path;
		else
			free(path);
	}
	return first;
}

Test(load, chain_of_sixteen_loads)
{
	/* 15 files plus restricted: 16 levels */
	_cleanup_free_ char *first = write_chain(14);
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load(first, &p, &err), 0, "%s", err.msg);
	cr_assert_eq(p->resources.pids, 1024);
	hr_profile_free(p);
}

Test(load, chain_deeper_than_sixteen)
{
	/* 16 files plus restricted: 17 levels */
	_cleanup_free_ char *first = write_chain(15);
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load(first, &p, &err), -ELOOP);
	assert_msg(&err, "may hold at most 16 profiles");
}

Test(load, extends_a_path_relative_to_the_extending_file)
{
	_cleanup_free_ char *sub = hr_xasprintf("%s/team", tmp);
	_cleanup_free_ char *base = hr_xasprintf("%s/team/base.json", tmp);
	_cleanup_free_ char *child = hr_xasprintf("%s/team/app.json", tmp);
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(mkdir(sub, 0755), 0);
	hrt_write_file(base, "{\"extends\": \"restricted\", \"resources\": {\"pids\": 77}}");
	hrt_write_file(child, "{\"description\": \"app\", \"extends\": \"base.json\"}");
	/* Whatever the current directory is, base.json is the one beside app.json. */
	cr_assert_eq(chdir("/"), 0);
	cr_assert_eq(load(child, &p, &err), 0, "%s", err.msg);
	cr_assert_eq(p->resources.pids, 77);
	hr_profile_free(p);
}

Test(load, extends_an_unknown_profile)
{
	_cleanup_free_ char *path = write_profile("orphan", "{\"extends\": \"nope\"}");
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load(path, &p, &err), -ENOENT);
	assert_msg(&err, "no profile named `nope`");
}

Test(load, invalid_json_names_the_file)
{
	_cleanup_free_ char *path = write_profile("broken", "{\"extends\": \"restricted\",\n}");
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_eq(load(path, &p, &err), HR_E_INVALID);
	assert_msg(&err, path);
	assert_msg(&err, "line 2, column 1");
}

Test(load, untrusted_file_is_refused_when_root)
{
	_cleanup_free_ char *path = write_profile("theirs", "{\"extends\": \"restricted\"}");
	struct hr_profile *p;
	hr_error err = { 0 };

	if (geteuid() != 0)
		cr_skip_test("needs root: the trust check only applies when hardrun runs as root");
	cr_assert_eq(chown(path, 1000, 1000), 0);
	cr_assert_eq(load(path, &p, &err), -EPERM);
	assert_msg(&err, "writable by a user other than root");

	cr_assert_eq(chown(path, 0, 0), 0);
	cr_assert_eq(chmod(path, 0664), 0);
	cr_assert_eq(load(path, &p, &err), -EPERM);
	assert_msg(&err, "its group or others");

	cr_assert_eq(chmod(path, 0644), 0);
	cr_assert_eq(chmod(tmp, 0777), 0);
	cr_assert_eq(load(path, &p, &err), -EPERM, "a world-writable directory lets anyone "
						    "swap the file");
	assert_msg(&err, "its directory");

	cr_assert_eq(chmod(tmp, 0700), 0);
	cr_assert_eq(load(path, &p, &err), 0, "%s", err.msg);
	hr_profile_free(p);
}

Test(load, a_users_link_in_a_sticky_directory_is_refused)
{
	_cleanup_free_ char *target = hrt_src_path("profiles/debug.json");
	_cleanup_free_ char *sticky = hr_xasprintf("%s/sticky", tmp);
	_cleanup_free_ char *link = hr_xasprintf("%s/sticky/restricted.json", tmp);
	_cleanup_free_ char *mine = hr_xasprintf("%s/sticky/mine.json", tmp);
	struct hr_profile *p;
	hr_error err = { 0 };

	if (geteuid() != 0)
		cr_skip_test("needs root: the trust check only applies when hardrun runs as root");
	cr_assert_eq(mkdir(sticky, 01777), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	/* a user's link named like a profile, to a root-owned, weaker one */
	cr_assert_eq(symlink(target, link), 0);
	cr_assert_eq(lchown(link, 1000, 1000), 0);
	cr_assert_eq(load(link, &p, &err), -EPERM, "a user's link was trusted");
	assert_msg(&err, "a symbolic link owned by uid 1000");
	/* root's own link there is root's choice */
	cr_assert_eq(lchown(link, 0, 0), 0);
	cr_assert_eq(load(link, &p, &err), 0, "%s", err.msg);
	hr_profile_free(p);
	/* and so is a regular file: a user's own is refused as before */
	hrt_write_file(mine, "{\"extends\": \"restricted\"}");
	cr_assert_eq(chown(mine, 1000, 1000), 0);
	cr_assert_eq(load(mine, &p, &err), -EPERM);
}

/* --- field validation ------------------------------------------------------ */

Test(validate, unknown_key_suggests_the_near_one)
{
	invalid("{\"user\": {\"umaks\": \"0027\"}}",
		"/user/umaks: unknown key (fix: did you mean `umask`?)");
	invalid("{\"capabilites\": {}}",
		"/capabilites: unknown key (fix: did you mean `capabilities`?)");
	invalid("{\"rootfs\": {\"zzzzzzzzzzzz\": true}}",
		"/rootfs/zzzzzzzzzzzz: unknown key (fix: use one of: readonly, writable, "
		"tmpfsOptions)");
}

Test(validate, capability_names)
{
	valid("{\"capabilities\": {\"allow\": [\"CAP_CHOWN\", \"CAP_NET_BIND_SERVICE\"]}}");
	invalid("{\"capabilities\": {\"allow\": [\"CAP_CHOWN\", \"CAP_NOPE\"]}}",
		"/capabilities/allow/1: `CAP_NOPE` is not a capability libcap knows");
	invalid("{\"capabilities\": {\"allow\": [\"cap_chown\"]}}",
		"/capabilities/allow/0: `cap_chown` is not a capability");
	invalid("{\"capabilities\": {\"allow\": [\"12\"]}}",
		"/capabilities/allow/0: `12` is not a capability");
	invalid("{\"capabilities\": {\"allow\": [\"CAP_\"]}}", "`CAP_` is not a capability");
	invalid("{\"capabilities\": {\"allow\": [\"CAP_chown\"]}}", "is not a capability");
	invalid("{\"capabilities\": {\"allow\": [1]}}", "/capabilities/allow/0: expected a string");
}

Test(validate, syscall_names)
{
	/* socketcall exists on x86 and s390 only: known to libseccomp */
	valid("{\"seccomp\": {\"allow\": [\"read\", \"socketcall\"]}}");
	invalid("{\"seccomp\": {\"allow\": [\"read\", \"notasyscall\"]}}",
		"/seccomp/allow/1: `notasyscall` is not a system call");
	invalid("{\"seccomp\": {\"rules\": [{\"names\": [\"opne\"], \"action\": "
		"\"SCMP_ACT_ALLOW\"}]}}",
		"/seccomp/rules/0/names/0: `opne` is not a system call");
	invalid("{\"seccomp\": {\"rules\": [{\"names\": [\"open\"], \"action\": "
		"\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": "
		"\"SCMP_CMP_EQ\"}]}]}}",
		"/seccomp/rules/0/args/0/index: expected 0 to 5");
	invalid("{\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"}}",
		"/seccomp/defaultAction: a profile is an allowlist");
	invalid("{\"seccomp\": {\"architectures\": [\"SCMP_ARCH_PDP11\"]}}",
		"/seccomp/architectures/0: `SCMP_ARCH_PDP11` is not an architecture");
}

Test(validate, errno_values)
{
	valid("{\"seccomp\": {\"defaultErrno\": \"EPERM\"}}");
	valid("{\"seccomp\": {\"defaultErrno\": \"ENOSYS\"}}");
	valid("{\"seccomp\": {\"defaultErrno\": 38}}");
	invalid("{\"seccomp\": {\"defaultErrno\": \"ENOTANERRNO\"}}", "/seccomp/defaultErrno:");
	invalid("{\"seccomp\": {\"defaultErrno\": \"eperm\"}}", "/seccomp/defaultErrno:");
	invalid("{\"seccomp\": {\"defaultErrno\": 0}}", "/seccomp/defaultErrno:");
	invalid("{\"seccomp\": {\"defaultErrno\": 4096}}", "/seccomp/defaultErrno:");
	invalid("{\"seccomp\": {\"defaultErrno\": 1.5}}", "/seccomp/defaultErrno:");
}

Test(load, denied_tmpfs_contradicts_writable_paths)
{
	_cleanup_free_ char *path = write_profile(
		"notmpfs", "{\"description\": \"x\", \"extends\": \"restricted\", \"mounts\": "
			   "{\"deniedTypes\": {\"add\": [\"tmpfs\"]}}}");
	struct hr_profile *p;
	hr_error err = { 0 };

	cr_assert_lt(load(path, &p, &err), 0);
	assert_msg(&err, "/mounts/deniedTypes: lists tmpfs, but /rootfs/writable needs a tmpfs");
}

Test(validate, tmpfs_options)
{
	valid("{\"rootfs\": {\"tmpfsOptions\": \"nosuid,nodev,noexec,mode=1777,size=64m\"}}");
	valid("{\"rootfs\": {\"tmpfsOptions\": \"size=1g,nr_inodes=1000,ro\"}}");
	invalid("{\"rootfs\": {\"tmpfsOptions\": \"nosuid,nodev,mode=1777\"}}",
		"/rootfs/tmpfsOptions: no size=");
	invalid("{\"rootfs\": {\"tmpfsOptions\": \"size=64m,bogus\"}}",
		"`bogus` is not a mount option");
	invalid("{\"rootfs\": {\"tmpfsOptions\": \"size=64m,suid\"}}",
		"`suid` contradicts nosuid,nodev");
	invalid("{\"rootfs\": {\"tmpfsOptions\": \"size=64m,dev\"}}", "`dev` contradicts");
	invalid("{\"rootfs\": {\"tmpfsOptions\": \"size=lots\"}}", "size=lots is not a size");
	invalid("{\"rootfs\": {\"tmpfsOptions\": \"size=\"}}", "/rootfs/tmpfsOptions:");
	invalid("{\"rootfs\": {\"tmpfsOptions\": 64}}", "/rootfs/tmpfsOptions: expected a string");
}

Test(validate, memory_floor)
{
	valid("{\"resources\": {\"memory\": \"6M\"}}");
	valid("{\"resources\": {\"memory\": 6291456}}");
	invalid("{\"resources\": {\"memory\": \"5M\"}}", "/resources/memory: expected a size of "
							 "at least 6M");
	invalid("{\"resources\": {\"memory\": 6291455}}", "/resources/memory:");
	invalid("{\"resources\": {\"memory\": \"lots\"}}", "/resources/memory:");
	invalid("{\"resources\": {\"memory\": -1}}", "/resources/memory:");
	/* Beyond int64_t: refused, not converted (the fuzz campaign's
	 * crasher profile/memory-beyond-int64, a trap under clang's UBSan). */
	invalid("{\"resources\": {\"memory\": 1e19}}", "/resources/memory: expected a size");
	invalid("{\"resources\": {\"memory\": 4e97}}", "at most 8E");
	invalid("{\"resources\": {\"memory\": 9.1e18}}", "/resources/memory:");
	valid("{\"resources\": {\"memory\": 9000000000000000000}}");
}

Test(validate, paths_and_sources)
{
	invalid("{\"maskedPaths\": [\"proc/kcore\"]}", "/maskedPaths/0: `proc/kcore` is not an "
						      "absolute path");
	invalid("{\"maskedPaths\": [\"/proc/../etc\"]}", "is not in normal form (fix: write it "
							"as `/etc`)");
	invalid("{\"mounts\": {\"deniedSources\": [\"/etc/\"]}}", "/mounts/deniedSources/0:");
	invalid("{\"mounts\": {\"allowedSources\": [\"/var/lib/docker/../x\"]}}",
		"/mounts/allowedSources/0:");
	invalid("{\"mounts\": {\"writableSources\": [\"/data/\"]}}", "/mounts/writableSources/0:");
	valid("{\"mounts\": {\"writableSources\": [\"/srv/*/data\"]}}");
	/* A trailing . or .. component would name another directory. */
	invalid("{\"mounts\": {\"writableSources\": [\"/srv/..\"]}}", "is not in normal form");
	invalid("{\"mounts\": {\"allowedSources\": [\"/srv/.\"]}}", "is not in normal form");
	/* runc writes net.ipv4.x and net/ipv4/x alike; patterns use dots. */
	invalid("{\"sysctl\": {\"allow\": [\"net/ipv4/*\"]}}", "with dots");
}

Test(validate, seccomp_rules_a_profile_cannot_hold)
{
	/* NOTIFY needs a listener, which a profile has no way to name. */
	invalid("{\"seccomp\": {\"rules\": [{\"names\": [\"open\"], \"action\": "
		"\"SCMP_ACT_NOTIFY\"}]}}",
		"/seccomp/rules/0/action: SCMP_ACT_NOTIFY needs a listener");
	invalid("{\"seccomp\": {\"rules\": [{\"names\": [\"open\"], \"action\": "
		"\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
		"\"SCMP_CMP_EQ\", \"valu2\": 3}]}]}}",
		"/seccomp/rules/0/args/0/valu2: unknown key");
}

Test(validate, namespaces)
{
	invalid("{\"namespaces\": {\"required\": [\"pid\", \"net\"]}}",
		"/namespaces/required/1: `net` is not a namespace type");
	invalid("{\"namespaces\": {\"required\": [\"pid\"], \"allowHost\": [\"pid\"]}}",
		"both required and allowed from the host");
}

Test(validate, devices)
{
	invalid("{\"devices\": {\"allow\": [{\"path\": \"/etc/x\", \"type\": \"c\", \"major\": 1, "
		"\"minor\": 3}]}}",
		"/devices/allow/0/path: expected a path under /dev/");
	invalid("{\"devices\": {\"cgroupAllow\": [{\"type\": \"c\", \"major\": \"*\", \"minor\": "
		"\"*\", \"access\": \"rwm\"}]}}",
		"/devices/cgroupAllow/0/major:");
	invalid("{\"devices\": {\"cgroupAllow\": [{\"type\": \"c\", \"major\": 136, \"minor\": "
		"\"*\", \"access\": \"rwx\"}]}}",
		"/devices/cgroupAllow/0/access: expected letters from \"rwm\"");
}

Test(validate, user_and_limits)
{
	invalid("{\"user\": {\"uid\": 0}}", "/user/uid: expected an integer from 1");
	invalid("{\"user\": {\"umask\": \"27\"}}", "/user/umask: expected an octal string");
	invalid("{\"user\": {\"umask\": \"0800\"}}", "/user/umask:");
	invalid("{\"rlimits\": {\"nofile\": 8}}", "/rlimits/nofile: expected an integer from 16");
	invalid("{\"resources\": {\"pids\": 0}}", "/resources/pids:");
	invalid("{\"sysctl\": {\"allow\": [\"kernel.core_pattern; rm\"]}}", "/sysctl/allow/0:");
	invalid("{\"description\": \"\"}", "/description:");
	invalid("[]", "a profile is a JSON object");
}

Test(validate, delta_needs_a_list)
{
	_cleanup_free_ char *src = hrt_src_path("profiles/restricted.json");
	_cleanup_free_ char *text = hrt_read_file(src, NULL);
	cJSON *base = hrt_parse(text), *out = NULL;
	cJSON *child = hrt_parse("{\"rootfs\": {\"tmpfsOptions\": {\"add\": [\"x\"]}}}");
	hr_error err = { 0 };

	cr_assert_eq(hr_profile_overlay(base, child, &out, &err), HR_E_INVALID);
	cr_assert_null(out);
	assert_msg(&err, "/rootfs/tmpfsOptions: {\"add\", \"remove\"} changes a list");
	cJSON_Delete(base);
	cJSON_Delete(child);
}

/* --- small parsers --------------------------------------------------------- */

Test(helpers, parse_size)
{
	cr_assert_eq(hr_parse_size("4096"), 4096);
	cr_assert_eq(hr_parse_size("64m"), INT64_C(64) << 20);
	cr_assert_eq(hr_parse_size("512M"), INT64_C(512) << 20);
	cr_assert_eq(hr_parse_size("1G"), INT64_C(1) << 30);
	cr_assert_eq(hr_parse_size("1GiB"), INT64_C(1) << 30);
	cr_assert_eq(hr_parse_size("-1"), -1);
	cr_assert_eq(hr_parse_size("1X"), -1);
	cr_assert_eq(hr_parse_size(""), -1);
	cr_assert_eq(hr_parse_size("0.5k"), 512);
	cr_assert_eq(hr_parse_size("0.1k"), -1, "not a whole number of bytes");
}

Test(helpers, errno_names)
{
	cr_assert_eq(hr_errno_from_name("EPERM"), EPERM);
	cr_assert_eq(hr_errno_from_name("ENOSYS"), ENOSYS);
	cr_assert_eq(hr_errno_from_name("38"), 38);
	cr_assert_eq(hr_errno_from_name("0"), -1);
	cr_assert_eq(hr_errno_from_name("4096"), -1);
	cr_assert_eq(hr_errno_from_name("EBOGUS"), -1);
	cr_assert_eq(hr_errno_from_name(""), -1);
}

Test(helpers, capability_names)
{
	char *n;

	cr_assert_eq(hr_cap_from_name("CAP_CHOWN"), 0);
	cr_assert_eq(hr_cap_from_name("CAP_SYS_ADMIN"), 21);
	cr_assert_eq(hr_cap_from_name("cap_sys_admin"), -1);
	cr_assert_eq(hr_cap_from_name("21"), -1);
	cr_assert_eq(hr_cap_from_name("CAP_Sys_Admin"), -1);
	cr_assert_eq(hr_cap_from_name("CAP_SYS_ADMIN "), -1);
	cr_assert_eq(hr_cap_from_name("CAP_"), -1);
	cr_assert_eq(hr_cap_from_name("CAP_21"), -1);
	/* Before the first name and after the last, in their order. */
	cr_assert_eq(hr_cap_from_name("CAP_A"), -1);
	cr_assert_eq(hr_cap_from_name("CAP_ZZZ"), -1);
	n = hr_cap_name(21);
	cr_assert_str_eq(n, "CAP_SYS_ADMIN");
	free(n);
	/* Every number libcap names goes there and back (the lookup table is
	 * libcap's, asked once). */
	for (int v = 0; v < 64; v++) {
		char *raw = cap_to_name((cap_value_t)v);
		bool named = raw && !(raw[0] >= '0' && raw[0] <= '9');

		cap_free(raw);
		if (!named)
			break;
		n = hr_cap_name(v);
		cr_expect_eq(hr_cap_from_name(n), v, "%s", n);
		free(n);
	}
	cr_assert(hr_cap_engine_default(hr_cap_from_name("CAP_CHOWN")));
	cr_assert_not(hr_cap_engine_default(hr_cap_from_name("CAP_SYS_ADMIN")));
	cr_assert_not(hr_cap_engine_default(-1));
}

Test(helpers, namespace_names)
{
	cr_assert_eq(hr_ns_from_name("network"), HR_NS_NETWORK);
	cr_assert_eq(hr_ns_from_name("net"), -1);
	cr_assert_str_eq(hr_ns_name(HR_NS_CGROUP), "cgroup");
}

/* --- comparing profiles --------------------------------------------------- */

static void weaker(const char *a, const char *b, bool expect, const char *why)
{
	struct hr_profile *pa = hrt_profile(a), *pb = hrt_profile(b);
	char buf[256] = "";
	bool w = hr_profile_weaker(pa, pb, buf, sizeof buf);

	cr_assert_eq(w, expect, "%s weaker than %s: expected %d, got %d (%s)", a, b, expect, w, buf);
	if (why)
		cr_assert_str_eq(buf, why);
	hr_profile_free(pa);
	hr_profile_free(pb);
}

Test(compare, shipped_profiles)
{
	weaker("restricted", "restricted", false, NULL);
	weaker("strict", "restricted", false, NULL);
	weaker("worker", "restricted", false, NULL);
	weaker("restricted", "strict", true, NULL);
	weaker("web", "restricted", true, "allows CAP_NET_BIND_SERVICE");
	weaker("baseline", "restricted", true, "allows root");
	weaker("build", "restricted", true, NULL);
	weaker("debug", "baseline", true, "is a troubleshooting profile");
	weaker("restricted", "worker", true, NULL);
}

Test(compare, audit_mode_is_weaker)
{
	_cleanup_free_ char *dir = hrt_mkdtemp();
	_cleanup_free_ char *path = hr_xasprintf("%s/audit.json", dir);
	_cleanup_free_ char *pdir = hrt_src_path("profiles");
	char *dirs[] = { pdir, NULL };
	struct hr_profile *a = NULL, *b = hrt_profile("restricted");
	hr_error err = { 0 };
	char why[256] = "";

	hrt_write_file(path, "{\"extends\": \"restricted\", \"modes\": {\"seccomp\": \"warn\"}}");
	cr_assert_eq(hr_profile_load(path, dirs, &a, &err), 0, "%s", err.msg);
	cr_assert(hr_profile_weaker(a, b, why, sizeof why));
	cr_assert_str_eq(why, "only warns about seccomp");
	hr_profile_free(a);
	hr_profile_free(b);
	hrt_rm_rf(dir);
}

/* --- the cache of resolved profiles -------------------------------------- */

static char *cache_tmp;

static void cache_setup(void)
{
	cache_tmp = hrt_mkdtemp();
	tmp = hrt_mkdtemp();
	hr_profile_cache_set_dir(hr_xasprintf("%s/cache", cache_tmp));
}

static void cache_teardown(void)
{
	hr_profile_cache_set_dir("/run/hardrun/cache");
	hrt_rm_rf(cache_tmp);
	hrt_rm_rf(tmp);
	free(cache_tmp);
	free(tmp);
}

TestSuite(cache, .init = cache_setup, .fini = cache_teardown);

static int64_t pids_of(const char *path, char **dirs)
{
	struct hr_profile *p = NULL;
	hr_error err = { 0 };
	int64_t v;

	cr_assert_eq(hr_profile_load(path, dirs, &p, &err), 0, "%s", err.msg);
	v = p->resources.pids;
	hr_profile_free(p);
	return v;
}

static size_t cache_entries(void)
{
	_cleanup_free_ char *cmd = hr_xasprintf("ls %s/cache 2>/dev/null | wc -l", cache_tmp);
	FILE *f = popen(cmd, "r");
	size_t n = 0;

	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%zu", &n), 1);
	pclose(f);
	return n;
}

Test(cache, a_resolved_profile_is_kept_and_follows_its_files)
{
	_cleanup_free_ char *pdir = hrt_src_path("profiles");
	_cleanup_free_ char *base = write_profile("base", "{\"extends\": \"restricted\", "
							  "\"resources\": {\"pids\": 11}}");
	_cleanup_free_ char *child = write_profile("child", "{\"extends\": \"base\"}");
	char *dirs[] = { tmp, pdir, NULL };

	if (geteuid() != 0)
		cr_skip_test("the cache is root's only");
	cr_assert_eq(pids_of("child", dirs), 11);
	cr_assert_eq(cache_entries(), 1, "the resolved profile is cached");
	cr_assert_eq(pids_of("child", dirs), 11, "read back from the cache");
	cr_assert_eq(cache_entries(), 1);

	/* A change to a file of the chain, even of the base, is seen. */
	sleep(0); /* mtime has nanoseconds; the size changes too */
	hrt_write_file(base, "{\"extends\": \"restricted\", \"resources\": {\"pids\": 222}}");
	cr_assert_eq(pids_of("child", dirs), 222);

	/* A file that appears earlier in the search path wins at once. */
	{
		_cleanup_free_ char *first = hr_xasprintf("%s/first", tmp);
		_cleanup_free_ char *shadow = hr_xasprintf("%s/child.json", first);
		char *dirs2[] = { first, tmp, pdir, NULL };
		cr_assert_eq(mkdir(first, 0755), 0);
		cr_assert_eq(pids_of("child", dirs2), 222);
		hrt_write_file(shadow, "{\"extends\": \"restricted\", \"resources\": {\"pids\": 33}}");
		cr_assert_eq(pids_of("child", dirs2), 33);
	}

	/* A profile made writable by others is refused, cached or not. */
	{
		struct hr_profile *p = NULL;
		hr_error err = { 0 };
		cr_assert_eq(chmod(base, 0666), 0);
		cr_assert_lt(hr_profile_load("child", dirs, &p, &err), 0);
		assert_msg(&err, "writable by its group or others");
		cr_assert_eq(chmod(base, 0644), 0);
	}
}

Test(cache, a_damaged_or_foreign_entry_is_ignored)
{
	_cleanup_free_ char *pdir = hrt_src_path("profiles");
	_cleanup_free_ char *child = write_profile("c2", "{\"extends\": \"restricted\", "
							 "\"resources\": {\"pids\": 44}}");
	_cleanup_free_ char *cmd = NULL;
	char *dirs[] = { tmp, pdir, NULL };

	if (geteuid() != 0)
		cr_skip_test("the cache is root's only");
	cr_assert_eq(pids_of("c2", dirs), 44);
	/* Overwrite every entry: garbage, then a valid entry for another key. */
	cmd = hr_xasprintf("for f in %s/cache/*.profile; do echo '{not json' > $f; done", cache_tmp);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(pids_of("c2", dirs), 44);
	free(cmd);
	/* An entry of the same length for another key. */
	cmd = hr_xasprintf("for f in %s/cache/*.profile; do sed -i 's/hardrun 0/hardrun 9/' $f; done",
			   cache_tmp);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(pids_of("c2", dirs), 44);
}

Test(cache, an_entry_is_used_while_its_files_are_unchanged)
{
	_cleanup_free_ char *pdir = hrt_src_path("profiles");
	_cleanup_free_ char *p3 = write_profile("c3", "{\"extends\": \"restricted\", "
						      "\"resources\": {\"pids\": 120005}}");
	_cleanup_free_ char *cmd = NULL;
	char *dirs[] = { tmp, pdir, NULL };

	if (geteuid() != 0)
		cr_skip_test("the cache is root's only");
	cr_assert_eq(pids_of("c3", dirs), 120005);
	/* Only a cache hit can yield what no file says: the entry holds the
	 * limit as a 64-bit integer (0x1d4c5), changed there to 120006. */
	cmd = hr_xasprintf("perl -0777 -pi -e 's/\\xc5\\xd4\\x01\\x00\\x00\\x00\\x00\\x00/"
			   "\\xc6\\xd4\\x01\\x00\\x00\\x00\\x00\\x00/' %s/cache/*.profile",
			   cache_tmp);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(pids_of("c3", dirs), 120006, "the entry was read");
	hrt_write_file(p3, "{\"extends\": \"restricted\", \"resources\": {\"pids\": 57}}");
	cr_assert_eq(pids_of("c3", dirs), 57, "and dropped once the file changed");
}

/* As an attacker would try it: a change that keeps the file's size and
 * times, a file given away, and an entry planted where others may write. */
Test(cache, no_entry_outlives_a_change_of_its_files_or_of_its_place)
{
	_cleanup_free_ char *pdir = hrt_src_path("profiles");
	_cleanup_free_ char *p4 = write_profile("c4", "{\"extends\": \"restricted\", "
						      "\"resources\": {\"pids\": 41}}");
	_cleanup_free_ char *cmd = NULL, *cdir = hr_xasprintf("%s/cache", cache_tmp);
	char *dirs[] = { tmp, pdir, NULL };
	struct hr_profile *p = NULL;
	hr_error err = { 0 };
	struct stat st;
	struct timespec times[2];

	if (geteuid() != 0)
		cr_skip_test("the cache is root's only");
	cr_assert_eq(pids_of("c4", dirs), 41);
	cr_assert_eq(stat(p4, &st), 0);
	/* Same size, mtime and atime put back: only ctime tells. */
	hrt_write_file(p4, "{\"extends\": \"restricted\", \"resources\": {\"pids\": 42}}");
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	cr_assert_eq(utimensat(AT_FDCWD, p4, times, 0), 0);
	cr_assert_eq(pids_of("c4", dirs), 42, "a same-size change with its times restored is seen");

	/* Given to another user, cached or not: refused. */
	cr_assert_eq(chown(p4, 65534, 0), 0);
	cr_assert_lt(hr_profile_load("c4", dirs, &p, &err), 0, "a cached profile not root's was used");
	assert_msg(&err, "a user other than root");
	cr_assert_eq(chown(p4, 0, 0), 0);
	cr_assert_eq(pids_of("c4", dirs), 42);

	/* The cache's directory open to others: its entries are not read. */
	cmd = hr_xasprintf("perl -0777 -pi -e 's/\\x2a\\x00\\x00\\x00\\x00\\x00\\x00\\x00/"
			   "\\x63\\x00\\x00\\x00\\x00\\x00\\x00\\x00/' %s/*.profile",
			   cdir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(pids_of("c4", dirs), 99, "the planted value is read while the place is root's");
	cr_assert_eq(chmod(cdir, 0777), 0);
	cr_assert_eq(pids_of("c4", dirs), 42, "an entry in a directory others can write was used");
	cr_assert_eq(chmod(cdir, 0700), 0);
}

/*
 * Every key of the profile language, made one step weaker on restricted,
 * is seen as weaker: an annotation can choose no profile that allows more
 * than the node's choice in any key. A key the language gains without a
 * line here fails the test (hr_profile_to_json writes every key).
 */
typedef void (*weaken_fn)(struct hr_profile *p);

static void w_uid(struct hr_profile *p) { p->user.uid = 1000; }
static void w_gid(struct hr_profile *p) { p->user.gid = 1000; }
static void w_root(struct hr_profile *p) { p->user.allow_root = true; }
static void w_umask(struct hr_profile *p) { p->user.umask = 0; }
static void w_cap(struct hr_profile *p) { p->caps.allow |= UINT64_C(1) << 21; }
static void w_ambient(struct hr_profile *p) { p->caps.ambient = true; }
static void w_default(struct hr_profile *p) { (void)p; }
static void w_arch(struct hr_profile *p)
{
	p->seccomp.arch_tokens[0] = hr_seccomp_arch_from_name("SCMP_ARCH_X86", NULL);
}
static void w_allow(struct hr_profile *p)
{
	free(p->seccomp.allow[0]);
	p->seccomp.allow[0] = hr_xstrdup("ptrace");
}
static void w_rules(struct hr_profile *p)
{
	/* personality, allowed with another argument */
	cJSON *r = hrt_json("{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW', 'args':"
			    " [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}");
	cJSON_AddItemToArray(p->seccomp.rules, r);
}
static void w_readonly(struct hr_profile *p) { p->rootfs.readonly = false; }
static void w_writable(struct hr_profile *p) { hr_strv_push(&p->rootfs.writable, "/srv"); }
static void w_tmpfs_exec(struct hr_profile *p)
{
	free(p->rootfs.tmpfs_options);
	p->rootfs.tmpfs_options = hr_xstrdup("nosuid,nodev,mode=1777,size=64m");
}
static void w_tmpfs_size(struct hr_profile *p)
{
	free(p->rootfs.tmpfs_options);
	p->rootfs.tmpfs_options = hr_xstrdup("nosuid,nodev,noexec,mode=1777,size=8g");
}
static void w_denied(struct hr_profile *p)
{
	hr_strv_free(p->mounts.denied_sources);
	p->mounts.denied_sources = hr_xcalloc(1, sizeof(char *));
}
static void w_allowed_src(struct hr_profile *p) { hr_strv_push(&p->mounts.allowed_sources, "/etc/*"); }
static void w_writable_src(struct hr_profile *p) { hr_strv_push(&p->mounts.writable_sources, "/srv"); }
static void w_denied_types(struct hr_profile *p)
{
	hr_strv_free(p->mounts.denied_types);
	p->mounts.denied_types = hr_xcalloc(1, sizeof(char *));
}
static void w_types(struct hr_profile *p) { hr_strv_push(&p->mounts.allowed_types, "ext4"); }
static void w_devsrc(struct hr_profile *p) { hr_strv_push(&p->mounts.device_sources, "/dev/vd*"); }
static void w_sockets(struct hr_profile *p) { hr_strv_push(&p->mounts.allowed_sockets, "/run/x.sock"); }
static void w_hooks(struct hr_profile *p) { hr_strv_push(&p->hooks.trusted, "/usr/bin/hook"); }
static void w_ranges(struct hr_profile *p) { p->userns.host_ranges[0].first = 1000; }
static void w_userns_off(struct hr_profile *p) { p->userns.enabled = false; }
/* restricted allows root in the user namespace already: a base that
 * does not makes it the weaker one. */
static void s_userns_root(struct hr_profile *p) { p->userns.allow_root = false; }
static void w_userns_caps(struct hr_profile *p) { p->userns.caps |= UINT64_C(1) << 21; }
static void w_oom(struct hr_profile *p) { p->process.oom_score_adj_min = -999; }
static void w_nice(struct hr_profile *p) { p->process.nice_min = -5; }
static void w_realtime(struct hr_profile *p) { p->process.realtime = true; }
static void w_restore(struct hr_profile *p) { p->process.restore = true; }
static void w_lsm(struct hr_profile *p) { p->lsm.allow_unconfined = true; }
static void w_required(struct hr_profile *p) { p->ns.required &= ~(1u << HR_NS_PID); }
static void w_host(struct hr_profile *p)
{
	p->ns.required &= ~(1u << HR_NS_NETWORK);
	p->ns.allow_host |= 1u << HR_NS_NETWORK;
}
static void w_join(struct hr_profile *p) { p->ns.allow_join |= 1u << HR_NS_USER; }
static void w_memory(struct hr_profile *p) { p->resources.memory *= 2; }
static void w_pids(struct hr_profile *p) { p->resources.pids *= 2; }
static void w_shares(struct hr_profile *p) { p->resources.cpu_shares *= 2; }
static void w_huge(struct hr_profile *p) { p->resources.hugepages = 1 << 30; }
static void w_core(struct hr_profile *p) { p->rlimits.core = 1 << 20; }
static void w_nofile(struct hr_profile *p) { p->rlimits.nofile *= 2; }
static void w_nproc(struct hr_profile *p) { p->rlimits.nproc *= 2; }
static void w_memlock(struct hr_profile *p) { p->rlimits.memlock *= 2; }
static void w_rtprio(struct hr_profile *p) { p->rlimits.rtprio = 10; }
static void w_rnice(struct hr_profile *p) { p->rlimits.nice = 20; }
static void w_msgq(struct hr_profile *p) { p->rlimits.msgqueue *= 2; }
static void w_masked(struct hr_profile *p) { free(p->masked_paths[0]); p->masked_paths[0] = hr_xstrdup("/proc/nothing"); }
static void w_ro(struct hr_profile *p) { free(p->readonly_paths[0]); p->readonly_paths[0] = hr_xstrdup("/proc/nothing"); }
static void w_dev(struct hr_profile *p) { p->devices[0].minor = 99; }
static void w_cgroup(struct hr_profile *p) { p->dev_cgroup[0].major = 8; }
static void w_sysctl(struct hr_profile *p) { hr_strv_push(&p->sysctl_allow, "kernel.*"); }
static void w_ann(struct hr_profile *p) { hr_strv_push(&p->annotations_allow, "run.oci.*"); }
static void w_mode(struct hr_profile *p) { p->mode = HR_MODE_WARN; }
static void w_modes(struct hr_profile *p) { p->has_mode[0] = true; p->modes[0] = HR_MODE_WARN; }
static void w_trouble(struct hr_profile *p) { p->troubleshooting = true; }
static void w_audit(struct hr_profile *p) { (void)p; }
/* restricted does not require enforcement: compare it with one that does */
static void s_require(struct hr_profile *p) { p->require_enforced = true; }
static void w_refs(struct hr_profile *p) { (void)p; }

static const struct {
	const char *key; /* a JSON pointer of hr_profile_to_json */
	weaken_fn weaken;
	bool weakens; /* false: no value of it allows more (description, ...) */
	weaken_fn strengthen; /* instead of weaken: make the base stronger */
} every_key[] = {
	{ "/description", NULL, false },
	{ "/user/uid", w_uid, true },
	{ "/user/gid", w_gid, true },
	{ "/user/allowRoot", w_root, true },
	{ "/user/umask", w_umask, true },
	{ "/capabilities/allow", w_cap, true },
	{ "/capabilities/ambient", w_ambient, true },
	/* every default action and errno denies: none allows more */
	{ "/seccomp/defaultAction", w_default, false },
	{ "/seccomp/defaultErrno", w_default, false },
	{ "/seccomp/architectures", w_arch, true },
	{ "/seccomp/allow", w_allow, true },
	{ "/seccomp/rules", w_rules, true },
	{ "/rootfs/readonly", w_readonly, true },
	{ "/rootfs/writable", w_writable, true },
	{ "/rootfs/tmpfsOptions", w_tmpfs_exec, true },
	{ "/rootfs/tmpfsOptions", w_tmpfs_size, true },
	{ "/mounts/deniedSources", w_denied, true },
	{ "/mounts/allowedSources", w_allowed_src, true },
	{ "/mounts/writableSources", w_writable_src, true },
	{ "/mounts/deniedTypes", w_denied_types, true },
	{ "/mounts/allowedTypes", w_types, true },
	{ "/mounts/deviceSources", w_devsrc, true },
	{ "/mounts/allowedSockets", w_sockets, true },
	{ "/hooks/trusted", w_hooks, true },
	{ "/userns/hostRanges", w_ranges, true },
	{ "/userns/enabled", w_userns_off, true },
	{ "/userns/allowRoot", NULL, true, s_userns_root },
	{ "/userns/capabilities", w_userns_caps, true },
	{ "/process/oomScoreAdjMin", w_oom, true },
	{ "/process/niceMin", w_nice, true },
	{ "/process/realtime", w_realtime, true },
	{ "/process/restore", w_restore, true },
	{ "/lsm/allowUnconfined", w_lsm, true },
	{ "/namespaces/required", w_required, true },
	{ "/namespaces/allowHost", w_host, true },
	{ "/namespaces/allowJoin", w_join, true },
	{ "/resources/memory", w_memory, true },
	{ "/resources/pids", w_pids, true },
	{ "/resources/cpuShares", w_shares, true },
	{ "/resources/hugepages", w_huge, true },
	{ "/rlimits/core", w_core, true },
	{ "/rlimits/nofile", w_nofile, true },
	{ "/rlimits/nproc", w_nproc, true },
	{ "/rlimits/memlock", w_memlock, true },
	{ "/rlimits/rtprio", w_rtprio, true },
	{ "/rlimits/nice", w_rnice, true },
	{ "/rlimits/msgqueue", w_msgq, true },
	{ "/maskedPaths", w_masked, true },
	{ "/readonlyPaths", w_ro, true },
	{ "/devices/allow", w_dev, true },
	{ "/devices/cgroupAllow", w_cgroup, true },
	{ "/sysctl/allow", w_sysctl, true },
	{ "/annotations/allow", w_ann, true },
	{ "/mode", w_mode, true },
	{ "/modes", w_modes, true },
	{ "/troubleshooting", w_trouble, true },
	{ "/requireEnforced", NULL, true, s_require },
	/* tracing reports more, it allows nothing more */
	{ "/explain", NULL, false },
	/* the image policy has its own comparison (hr_image_policy_weaker) */
	{ "/image/audit", w_audit, false },
	{ "/image/refuseAt", w_audit, false },
	{ "/image/minimal", w_audit, false },
	{ "/image/allowedRefs", w_refs, false },
	{ "/image/requireDigest", w_refs, false },
};

static bool listed(const char *ptr)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(every_key); i++)
		if (strcmp(every_key[i].key, ptr) == 0)
			return true;
	return false;
}

static void leaf_keys(const cJSON *node, const char *where)
{
	for (const cJSON *c = node->child; c; c = c->next) {
		_cleanup_free_ char *ptr = hr_json_ptr(where, c->string);
		if (cJSON_IsObject(c) && c->child && strcmp(ptr, "/modes") != 0)
			leaf_keys(c, ptr);
		else
			cr_expect(listed(ptr), "the profile key %s has no weakening in this test: "
					       "teach hr_profile_weaker and this list about it",
				  ptr);
	}
}

Test(compare, every_key_is_compared)
{
	struct hr_profile *b = hrt_profile("restricted");
	cJSON *shown = hr_profile_to_json(b);

	leaf_keys(shown, "");
	cJSON_Delete(shown);
	for (size_t i = 0; i < HR_ARRAY_SIZE(every_key); i++) {
		struct hr_profile *a;
		char why[256] = "";

		struct hr_profile *base = b;

		if (!every_key[i].weakens)
			continue;
		a = hrt_profile("restricted");
		if (every_key[i].strengthen) {
			base = hrt_profile("restricted");
			every_key[i].strengthen(base);
		} else {
			every_key[i].weaken(a);
		}
		cr_expect(hr_profile_weaker(a, base, why, sizeof why), "%s made weaker is not seen "
								       "as weaker",
			  every_key[i].key);
		if (base != b)
			hr_profile_free(base);
		hr_profile_free(a);
	}
	hr_profile_free(b);
}

/* --- the flat form the cache keeps ----------------------------------------- */

/* Every shipped profile comes back from its flat form as it was, and
 * every cut of that form is refused, never half read. */
Test(flat, shipped_profiles_round_trip)
{
	static const char *const names[] = { "restricted", "baseline", "strict", "web",
					     "worker", "build", "debug" };

	for (size_t i = 0; i < HR_ARRAY_SIZE(names); i++) {
		struct hr_profile *p = hrt_profile(names[i]), *back = NULL;
		struct hr_buf b = { 0 };
		_cleanup_json_ cJSON *want = NULL, *got = NULL;

		hr_strv_push(&p->notes, "a note");
		hr_profile_flatten(p, &b);
		cr_assert_eq(hr_profile_unflatten(b.s, b.n, &back), 0, "%s", names[i]);
		want = hr_profile_to_json(p);
		got = hr_profile_to_json(back);
		cr_assert(hr_json_equal(want, got), "%s comes back as it was", names[i]);
		cr_assert_str_eq(back->name, p->name);
		cr_assert_str_eq(back->source, p->source);
		cr_assert_eq(hr_strv_len(back->notes), hr_strv_len(p->notes));
		cr_assert_eq(back->seccomp.n_allow, p->seccomp.n_allow);
		for (size_t k = 0; k < p->seccomp.n_allow; k++)
			cr_assert_str_eq(back->seccomp.allow[k], p->seccomp.allow[k]);
		cr_assert_not(hr_profile_weaker(back, p, NULL, 0), "%s", names[i]);
		cr_assert_not(hr_profile_weaker(p, back, NULL, 0), "%s", names[i]);
		hr_profile_free(back);
		/* Cut anywhere (every 13th length, and the last bytes): refused. */
		for (size_t n = 0; n < b.n; n += (n + 16 < b.n ? 13 : 1)) {
			back = NULL;
			cr_assert_eq(hr_profile_unflatten(b.s, n, &back), -EINVAL, "%s cut at %zu",
				     names[i], n);
			cr_assert_null(back);
		}
		free(b.s);
		hr_profile_free(p);
	}
}
