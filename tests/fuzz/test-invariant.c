/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fuzz oracle must be able to fail: the engines' specs, hardened,
 * meet the monotonicity invariant, and each way of granting more than the input or
 * the profile, applied by hand to a correctly hardened spec, is caught
 * and named.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/seccomp.h"
#include "helpers.h"
#include "invariant.h"

TestSuite(invariant, .timeout = 60);

static char why[1024];

/* docker-run-default hardened under `profile`: *in untouched, *out hardened. */
static struct hr_profile *hardened(const char *fixture, const char *profile, cJSON **in, cJSON **out)
{
	struct hr_profile *p = hrt_profile(profile);
	_cleanup_(hr_findings_done) struct hr_findings f = { 0 };
	hr_error err = { 0 };

	*in = hrt_fixture(fixture);
	*out = hrt_fixture(fixture);
	cr_assert_eq(hr_harden(*out, p, &hrt_fake_env, &f, &err), 0, "%s", err.msg);
	cr_assert(fz_monotonic(*in, *out, p, &hrt_fake_env, NULL, why, sizeof why),
		  "the untampered spec fails: %s", why);
	return p;
}

typedef void (*tamper_fn)(cJSON *spec);

static void expect_caught(const char *profile, tamper_fn tamper, const char *needle)
{
	cJSON *in, *out;
	struct hr_profile *p = hardened("docker-run-default", profile, &in, &out);

	tamper(out);
	cr_assert_not(fz_monotonic(in, out, p, &hrt_fake_env, NULL, why, sizeof why),
		      "tampering (%s) was not caught", needle);
	cr_assert_not_null(strstr(why, needle), "caught, but `%s` does not name `%s`", why, needle);
	cJSON_Delete(in);
	cJSON_Delete(out);
	hr_profile_free(p);
}

static void add_cap(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/process/capabilities/effective"),
			     cJSON_CreateString("CAP_SYS_ADMIN"));
}
static void raise_ambient(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/process/capabilities/ambient"),
			     cJSON_CreateString("CAP_NET_BIND_SERVICE"));
}
static void no_caps_object(cJSON *s)
{
	cJSON_DeleteItemFromObject(hrt_at(s, "/process"), "capabilities");
}
static void nnp_off(cJSON *s)
{
	hr_json_set(hrt_at(s, "/process"), "noNewPrivileges", cJSON_CreateFalse());
}
static void root_user(cJSON *s)
{
	hr_json_set(hrt_at(s, "/process/user"), "uid", cJSON_CreateNumber(0));
}
static void drop_userns(cJSON *s)
{
	cJSON *nss = hrt_at(s, "/linux/namespaces");

	for (cJSON *ns = nss->child, *next; ns; ns = next) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(ns, "type");
		next = ns->next;
		if (cJSON_IsString(t) && strcmp(t->valuestring, "user") == 0)
			cJSON_Delete(cJSON_DetachItemViaPointer(nss, ns));
	}
}
static void umask_open(cJSON *s)
{
	hr_json_set(hrt_at(s, "/process/user"), "umask", cJSON_CreateNumber(0));
}
static void root_writable(cJSON *s)
{
	hr_json_set(hrt_at(s, "/root"), "readonly", cJSON_CreateFalse());
}
static void bind_etc(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/mounts"),
			     hrt_json("{'destination': '/host', 'type': 'bind', 'source': '/etc',"
				      " 'options': ['rbind', 'ro', 'rro', 'nosuid', 'nodev']}"));
}
static void suid_mount(cJSON *s)
{
	cJSON *opts = hrt_at(s, "/mounts/0/options");
	for (cJSON *o = opts->child; o; o = o->next)
		if (strcmp(o->valuestring, "nosuid") == 0) {
			cJSON_Delete(cJSON_DetachItemViaPointer(opts, o));
			break;
		}
}
/* size=0 is no limit to the kernel, the smallest number to a naive reader. */
static void tmpfs_unlimited(cJSON *s)
{
	for (cJSON *m = hrt_at(s, "/mounts")->child; m; m = m->next) {
		cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");
		if (strcmp(cJSON_GetObjectItemCaseSensitive(m, "destination")->valuestring,
			   "/tmp") != 0)
			continue;
		for (cJSON *o = opts->child; o; o = o->next)
			if (strncmp(o->valuestring, "size=", 5) == 0)
				cJSON_SetValuestring(o, "size=0");
	}
}
static void drop_mount(cJSON *s)
{
	cJSON_DeleteItemFromArray(hrt_at(s, "/mounts"), 0);
}
static void drop_netns(cJSON *s)
{
	cJSON *nss = hrt_at(s, "/linux/namespaces");
	for (cJSON *n = nss->child; n; n = n->next)
		if (strcmp(cJSON_GetObjectItem(n, "type")->valuestring, "network") == 0) {
			cJSON_Delete(cJSON_DetachItemViaPointer(nss, n));
			break;
		}
}
static void join_host_pid(cJSON *s)
{
	for (cJSON *n = hrt_at(s, "/linux/namespaces")->child; n; n = n->next)
		if (strcmp(cJSON_GetObjectItem(n, "type")->valuestring, "pid") == 0)
			cJSON_AddStringToObject(n, "path", "/proc/1/ns/pid");
}
static void more_memory(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux/resources/memory"), "limit", cJSON_CreateNumber(1099511627776.0));
}
static void no_pids_limit(cJSON *s)
{
	cJSON_DeleteItemFromObject(hrt_at(s, "/linux/resources/pids"), "limit");
}
static void swap_unset(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux/resources/memory"), "swap", cJSON_CreateNumber(0));
}
static void unified_max(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux/resources"), "unified", hrt_json("{'pids.max': 'max'}"));
}
static void more_files(cJSON *s)
{
	for (cJSON *r = hrt_at(s, "/process/rlimits")->child; r; r = r->next)
		if (strcmp(cJSON_GetObjectItem(r, "type")->valuestring, "RLIMIT_NOFILE") == 0)
			hr_json_set(r, "hard", cJSON_CreateNumber(1048576));
}
static void allow_ptrace(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/linux/seccomp/syscalls"),
			     hrt_json("{'names': ['ptrace'], 'action': 'SCMP_ACT_ALLOW'}"));
}
static void unconditional_clone(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/linux/seccomp/syscalls"),
			     hrt_json("{'names': ['clone'], 'action': 'SCMP_ACT_ALLOW'}"));
}
static void seccomp_default_allow(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux/seccomp"), "defaultAction", cJSON_CreateString("SCMP_ACT_ALLOW"));
}
static void no_seccomp(cJSON *s)
{
	cJSON_DeleteItemFromObject(hrt_at(s, "/linux"), "seccomp");
}
static void add_device(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux"), "devices",
		    hrt_json("[{'path': '/dev/sda', 'type': 'b', 'major': 8, 'minor': 0}]"));
}
static void allow_all_devices(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/linux/resources/devices"),
			     hrt_json("{'allow': true, 'access': 'rwm'}"));
}
static void unmask_kcore(cJSON *s)
{
	cJSON *m = hrt_at(s, "/linux/maskedPaths");
	for (cJSON *e = m->child; e; e = e->next)
		if (strcmp(e->valuestring, "/proc/kcore") == 0) {
			cJSON_Delete(cJSON_DetachItemViaPointer(m, e));
			break;
		}
}
static void add_sysctl(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux"), "sysctl", hrt_json("{'kernel.panic': '1'}"));
}
static void runtime_override(cJSON *s)
{
	hr_json_set(s, "annotations", hrt_json("{'run.oci.seccomp_bpf_data': 'AAAA'}"));
}
static void new_hook(cJSON *s)
{
	hr_json_set(s, "hooks", hrt_json("{'prestart': [{'path': '/bin/sh'}]}"));
}

static void unknown_field(cJSON *s)
{
	cJSON_AddItemToObject(hrt_at(s, "/process"), "futureField", cJSON_CreateTrue());
}
static void net_devices(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux"), "netDevices", hrt_json("{'eth0': {}}"));
}
static void tmp_exec(cJSON *s)
{
	for (cJSON *m = hrt_at(s, "/mounts")->child; m; m = m->next)
		if (strcmp(cJSON_GetObjectItem(m, "destination")->valuestring, "/tmp") == 0) {
			cJSON *o = cJSON_GetObjectItem(m, "options");
			for (cJSON *e = o->child; e; e = e->next)
				if (strcmp(e->valuestring, "noexec") == 0) {
					cJSON_Delete(cJSON_DetachItemViaPointer(o, e));
					break;
				}
		}
}
/* Applied to the input and the output alike: what the input asks for and
 * hardening kept. */
static void proc_elsewhere(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/mounts"),
			     hrt_json("{'destination': '/p', 'type': 'proc', 'source': 'proc',"
				      " 'options': ['nosuid', 'nodev']}"));
}
static void shared_bind(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/mounts"),
			     hrt_json("{'destination': '/d', 'type': 'bind', 'source': '/srv/d',"
				      " 'options': ['rbind', 'rshared', 'ro', 'rro', 'nosuid', 'nodev']}"));
}
static void socket_bind(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/mounts"),
			     hrt_json("{'destination': '/d', 'type': 'bind', 'source': '/srv/api.sock',"
				      " 'options': ['rbind', 'ro', 'rro', 'nosuid', 'nodev']}"));
}
static void disk_mount(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/mounts"),
			     hrt_json("{'destination': '/d', 'type': 'ext4', 'source': '/dev/vda',"
				      " 'options': ['nosuid', 'nodev']}"));
}
static void userns_root(cJSON *s)
{
	cJSON_AddItemToArray(hrt_at(s, "/linux/namespaces"), hrt_json("{'type': 'user'}"));
	hr_json_set(hrt_at(s, "/linux"), "uidMappings",
		    hrt_json("[{'containerID': 0, 'hostID': 0, 'size': 65536}]"));
	hr_json_set(hrt_at(s, "/linux"), "gidMappings",
		    hrt_json("[{'containerID': 0, 'hostID': 100000, 'size': 65536}]"));
}
static void oom_negative(cJSON *s)
{
	hr_json_set(hrt_at(s, "/process"), "oomScoreAdj", cJSON_CreateNumber(-999));
}
static void fifo(cJSON *s)
{
	hr_json_set(hrt_at(s, "/process"), "scheduler", hrt_json("{'policy': 'SCHED_FIFO', 'priority': 50}"));
}
static void unconfined(cJSON *s)
{
	hr_json_set(hrt_at(s, "/process"), "apparmorProfile", cJSON_CreateString("unconfined"));
}
static void tmp_hook(cJSON *s)
{
	hr_json_set(s, "hooks", hrt_json("{'createRuntime': [{'path': '/tmp/evil'}]}"));
}
static void listener(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux/seccomp"), "listenerPath", cJSON_CreateString("/run/other.sock"));
}
static void busy_cgroup(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux"), "cgroupsPath", cJSON_CreateString("/busy/x"));
}
static void root_boot(cJSON *s)
{
	hr_json_set(hrt_at(s, "/root"), "path", cJSON_CreateString("/boot"));
}
static void shared_root(cJSON *s)
{
	hr_json_set(hrt_at(s, "/linux"), "rootfsPropagation", cJSON_CreateString("rshared"));
}

static void expect_kept_caught(const char *profile, tamper_fn tamper, const char *needle)
{
	cJSON *in, *out;
	struct hr_profile *p = hardened("docker-run-default", profile, &in, &out);

	tamper(in);
	tamper(out);
	cr_assert_not(fz_monotonic(in, out, p, &hrt_fake_env, NULL, why, sizeof why),
		      "keeping it (%s) was not caught", needle);
	cr_assert_not_null(strstr(why, needle), "caught, but `%s` does not name `%s`", why, needle);
	cJSON_Delete(in);
	cJSON_Delete(out);
	hr_profile_free(p);
}

Test(invariant, catches_what_the_field_table_and_the_new_controls_refuse)
{
	expect_caught("restricted", unknown_field, "/process/futureField: a field the table");
	expect_caught("restricted", net_devices, "/linux/netDevices: the table refuses it");
	expect_caught("restricted", tmp_exec, "a tmpfs at writable path /tmp");
	expect_kept_caught("restricted", proc_elsewhere, "proc outside its masked directory, at /p");
	expect_kept_caught("restricted", shared_bind, "shared propagation");
	expect_kept_caught("restricted", socket_bind, "exposes the root socket");
	expect_kept_caught("baseline", disk_mount, "file system type ext4 is denied");
	expect_kept_caught("restricted", userns_root, "maps host ids it may not");
	expect_kept_caught("restricted", oom_negative, "/process/oomScoreAdj");
	expect_kept_caught("restricted", fifo, "/process/scheduler/policy: real-time");
	expect_kept_caught("restricted", unconfined, "/process/apparmorProfile: unconfined");
	expect_kept_caught("restricted", tmp_hook, "/tmp/evil is not root's alone");
	expect_kept_caught("restricted", listener, "not a trusted listener");
	expect_kept_caught("restricted", busy_cgroup, "/linux/cgroupsPath: /busy/x is in use");
	expect_kept_caught("restricted", root_boot, "/root/path: /boot is neither");
	expect_kept_caught("restricted", shared_root, "/linux/rootfsPropagation: rshared");
}

Test(invariant, catches_capabilities)
{
	expect_caught("restricted", add_cap, "/process/capabilities/effective");
	expect_caught("restricted", raise_ambient, "/process/capabilities/ambient");
	expect_caught("restricted", no_caps_object, "/process/capabilities");
}

Test(invariant, catches_user_and_no_new_privs)
{
	/* restricted lets root be root in its user namespace: not strict,
	 * and not restricted once that namespace is gone. */
	expect_caught("strict", root_user, "/process/user/uid");
	expect_caught("restricted", drop_userns, "/process/user/uid");
	expect_caught("restricted", umask_open, "/process/user/umask");
	expect_caught("restricted", nnp_off, "/process/noNewPrivileges");
}

Test(invariant, catches_rootfs_and_mounts)
{
	expect_caught("restricted", root_writable, "/root/readonly");
	expect_caught("restricted", bind_etc, "a mount the input did not have");
	expect_caught("restricted", suid_mount, "nosuid");
	expect_caught("restricted", drop_mount, "was dropped");
	expect_caught("restricted", tmpfs_unlimited, "beyond the profile's options");
}

Test(invariant, catches_namespaces)
{
	expect_caught("restricted", drop_netns, "network namespace was dropped");
	expect_caught("restricted", join_host_pid, "pid joins `/proc/1/ns/pid`");
}

Test(invariant, catches_limits)
{
	expect_caught("restricted", more_memory, "/linux/resources/memory/limit");
	expect_caught("strict", no_pids_limit, "/linux/resources/pids/limit");
	expect_caught("restricted", swap_unset, "/linux/resources/memory/swap");
	expect_caught("restricted", unified_max, "/linux/resources/unified/pids.max");
	expect_caught("restricted", more_files, "RLIMIT_NOFILE");
}

Test(invariant, catches_seccomp)
{
	expect_caught("restricted", allow_ptrace, "ptrace is allowed");
	expect_caught("restricted", unconditional_clone, "clone is allowed");
	expect_caught("restricted", seccomp_default_allow, "default action SCMP_ACT_ALLOW");
	expect_caught("restricted", no_seccomp, "/linux/seccomp");
}

Test(invariant, catches_devices_paths_sysctl_annotations_and_the_rest)
{
	expect_caught("restricted", add_device, "/linux/devices/0");
	expect_caught("restricted", allow_all_devices, "/linux/resources/devices");
	expect_caught("restricted", unmask_kcore, "/linux/maskedPaths");
	expect_caught("restricted", add_sysctl, "/linux/sysctl");
	expect_caught("restricted", runtime_override, "/annotations/run.oci.seccomp_bpf_data");
	expect_caught("restricted", new_hook, "/hooks: ");
}

/* A privileged spec hardened instead of refused. */
Test(invariant, catches_a_hardened_privileged_spec)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *in = hrt_fixture("docker-run-privileged");
	cJSON *out = hrt_fixture("docker-run-default");

	cr_assert_not(fz_monotonic(in, out, p, &hrt_fake_env, NULL, why, sizeof why));
	cr_assert_not_null(strstr(why, "privileged"), "%s", why);
	cJSON_Delete(in);
	cJSON_Delete(out);
	hr_profile_free(p);
}

Test(invariant, seccomp_within_reads_arguments)
{
	cJSON *bound = hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
				" {'names': ['read'], 'action': 'SCMP_ACT_ALLOW'},"
				" {'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
				"  'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]},"
				" {'names': ['kill'], 'action': 'SCMP_ACT_TRACE'}]}");
	cJSON *same_args = hrt_json("{'defaultAction': 'SCMP_ACT_KILL', 'syscalls': ["
				    " {'names': ['read'], 'action': 'SCMP_ACT_ALLOW',"
				    "  'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]},"
				    " {'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
				    "  'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]},"
				    " {'names': ['kill'], 'action': 'SCMP_ACT_TRACE'}]}");
	cJSON *other_args = hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
				     " {'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
				     "  'args': [{'index': 0, 'value': 0, 'op': 'SCMP_CMP_EQ'}]}]}");
	cJSON *traced_allowed = hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
					 " {'names': ['kill'], 'action': 'SCMP_ACT_ALLOW'}]}");
	cJSON *default_allows = hrt_json("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
					 " {'names': ['mount'], 'action': 'SCMP_ACT_ERRNO'}]}");
	cJSON *mount_allowed = hrt_json("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
					" {'names': ['read', 'mount'], 'action': 'SCMP_ACT_ALLOW'}]}");

	cr_assert(fz_seccomp_within(same_args, bound, why, sizeof why), "%s", why);
	cr_assert_not(fz_seccomp_within(other_args, bound, why, sizeof why));
	cr_assert_not(fz_seccomp_within(traced_allowed, bound, why, sizeof why),
		      "ALLOW is more than TRACE");
	cr_assert_not(fz_seccomp_within(mount_allowed, default_allows, why, sizeof why),
		      "the bound denies mount");
	cr_assert_not_null(strstr(why, "mount"), "%s", why);
	cr_assert_not(fz_seccomp_within(default_allows, bound, why, sizeof why),
		      "a default that allows is more than one that denies");
	cJSON_Delete(bound);
	cJSON_Delete(same_args);
	cJSON_Delete(other_args);
	cJSON_Delete(traced_allowed);
	cJSON_Delete(default_allows);
	cJSON_Delete(mount_allowed);
}

/* The engines' specs meet it under every shipped profile (the replay of
 * tests/fuzz/corpus/spec does the same for the golden inputs). */
Test(invariant, engine_specs_meet_it_under_every_profile)
{
	static const char *const profiles[] = { "restricted", "baseline", "strict", "web",
						"worker", "build", "debug" };
	static const char *const fixtures[] = { "docker-run-default", "docker-run-hardened-flags",
						"podman-run-default", "containerd-ctr-run",
						"docker-run-host-ns-socket-sysadmin" };
	size_t checked = 0;

	for (size_t i = 0; i < HR_ARRAY_SIZE(profiles); i++) {
		struct hr_profile *p = hrt_profile(profiles[i]);
		for (size_t k = 0; k < HR_ARRAY_SIZE(fixtures); k++) {
			cJSON *in = hrt_fixture(fixtures[k]), *out = hrt_fixture(fixtures[k]);
			_cleanup_(hr_findings_done) struct hr_findings f = { 0 };
			hr_error err = { 0 };
			int r = hr_harden(out, p, &hrt_fake_env, &f, &err);

			cr_assert(r == 0 || r == HR_E_REFUSED, "%s/%s: %s", profiles[i], fixtures[k],
				  err.msg);
			if (r == 0) {
				cr_assert(fz_monotonic(in, out, p, &hrt_fake_env, NULL, why, sizeof why),
					  "%s under %s: %s", fixtures[k], profiles[i], why);
				checked++;
			}
			cJSON_Delete(in);
			cJSON_Delete(out);
		}
		hr_profile_free(p);
	}
	cr_assert_geq(checked, 25);
}

/* The oracle reads cgroup numbers with its own parser (not the pass's):
 * the kernel's documented grammar, case by case ... */
Test(cgroup_number, the_kernels_grammar)
{
	static const struct {
		const char *s;
		bool memory, ok;
		long double v;
	} cases[] = {
		{ "0", false, true, 0 },	   { "123", false, true, 123 },
		{ "0x1f", false, true, 31 },	   { "0X1F", false, true, 31 },
		{ "017", false, true, 15 },	   { "08", false, false, 0 },
		{ "0x", false, false, 0 },	   { "", false, false, 0 },
		{ "max", false, false, 0 },	   { "-1", false, false, 0 },
		{ "+1", false, false, 0 },	   { " 1", false, false, 0 },
		{ "1 ", false, false, 0 },	   { "1k", false, false, 0 },
		{ "1k", true, true, 1024 },	   { "2M", true, true, 2 << 20 },
		{ "3g", true, true, 3ull << 30 }, { "1T", true, true, 1ull << 40 },
		{ "1p", true, true, 1ull << 50 }, { "1E", true, true, 1ull << 60 },
		{ "0x10k", true, true, 16 << 10 }, { "1kk", true, false, 0 },
		{ "1x", true, false, 0 },	   { "k", true, false, 0 },
		{ "18446744073709551615", false, true, 18446744073709551615.0L },
		{ "18446744073709551616", false, false, 0 },
		{ "0xffffffffffffffff", false, true, 18446744073709551615.0L },
		{ "0x10000000000000000", false, false, 0 },
		{ "16E", true, true, 16.0L * (1ull << 60) },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		long double v = -1;
		bool ok = fz_cgroup_number(cases[i].s, cases[i].memory, &v);
		cr_expect_eq(ok, cases[i].ok, "`%s` (memory %d): %s", cases[i].s, cases[i].memory,
			     ok ? "read" : "refused");
		if (ok && cases[i].ok)
			cr_expect(v == cases[i].v, "`%s`: %Lf, not %Lf", cases[i].s, v, cases[i].v);
	}
}

/* ... and as properties: any value written in decimal, hex or octal, with
 * any suffix, reads back as itself; bounds hold. */
Test(cgroup_number, round_trip_and_bounds)
{
	static const char suffixes[] = "kKmMgGtTpPeE";
	uint64_t x = 0x9e3779b97f4a7c15u;

	for (int i = 0; i < 20000; i++) {
		char buf[64];
		long double v;
		uint64_t n;
		int unit;

		/* xorshift64: a reproducible spread over every magnitude */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		n = x >> (x % 64);
		snprintf(buf, sizeof buf, i % 3 == 0 ? "%llu" : i % 3 == 1 ? "0x%llx" : "0%llo",
			 (unsigned long long)n);
		cr_assert(fz_cgroup_number(buf, false, &v) && v == (long double)n, "`%s`", buf);
		/* After hex digits an E is one more digit, to the kernel too. */
		unit = i % 3 == 1 && i % 12 >= 10 ? i % 10 : i % 12;
		snprintf(buf + strlen(buf), 2, "%c", suffixes[unit]);
		cr_assert(!fz_cgroup_number(buf, false, &v), "`%s` has a suffix pids.max refuses",
			  buf);
		cr_assert(fz_cgroup_number(buf, true, &v), "`%s`", buf);
		cr_assert(v == (long double)n * (long double)(1ull << (10 * (unit / 2 + 1))),
			  "`%s`: %Lf", buf, v);
		if (i % 3 == 1) {
			snprintf(buf, sizeof buf, "0x%llxe", (unsigned long long)(n >> 4));
			cr_assert(fz_cgroup_number(buf, true, &v) &&
					  v == (long double)((n >> 4) * 16 + 14),
				  "`%s`: e is a hex digit", buf);
		}
	}
}
