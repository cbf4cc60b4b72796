/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether one profile allows something another does not. Used where a
 * profile is chosen by someone less trusted than the node's administrator
 * (an annotation on a pod or a container): such a choice may tighten the
 * node's choice, not loosen it, unless the administrator says otherwise.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/harden.h"
#include "hardrun/json.h"
#include "hardrun/profile.h"
#include "hardrun/seccomp.h"

static bool say(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool say(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		(void)vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return true;
}

/* Every string of `a` is in `b`; the first that is not goes to *missing. */
static bool subset(char *const *a, char *const *b, const char **missing)
{
	for (size_t i = 0; a && a[i]; i++)
		if (!hr_strv_contains(b, a[i])) {
			*missing = a[i];
			return false;
		}
	return true;
}

static bool args_none(const cJSON *args)
{
	return !args || !args->child;
}

/* Whether profile `s` allows call `name` at least as far as a rule with
 * argument conditions `args` (NULL: unconditionally) does: unconditionally,
 * or by a rule with the same conditions. */
static bool allows_call(const struct hr_seccomp_profile *s, const char *name, const cJSON *args)
{
	for (size_t i = 0; i < s->n_allow; i++)
		if (strcmp(s->allow[i], name) == 0)
			return true;
	for (const cJSON *r = s->rules ? s->rules->child : NULL; r; r = r->next) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		const cJSON *rargs = cJSON_GetObjectItemCaseSensitive(r, "args");
		if (hr_seccomp_action_denies(hr_seccomp_action_from_name(act->valuestring)))
			continue;
		if (!args_none(rargs) && (args_none(args) || !hr_json_equal(rargs, args)))
			continue;
		for (const cJSON *n = names ? names->child : NULL; n; n = n->next)
			if (strcmp(n->valuestring, name) == 0)
				return true;
	}
	return false;
}

/* The size= of a tmpfs option string in bytes (-1: none, unbounded), and
 * whether it has `opt`. */
static int64_t tmpfs_size(const char *opts)
{
	_cleanup_free_ char *copy = hr_xstrdup(opts ? opts : "");
	int64_t size = -1;
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strncmp(o, "size=", 5) == 0)
			size = hr_parse_size(o + 5);
	return size;
}

static bool tmpfs_has(const char *opts, const char *opt)
{
	_cleanup_free_ char *copy = hr_xstrdup(opts ? opts : "");
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strcmp(o, opt) == 0)
			return true;
	return false;
}

static bool range_within(const struct hr_id_range *r, const struct hr_profile *p)
{
	for (size_t i = 0; i < p->userns.n_host_ranges; i++)
		if (r->first >= p->userns.host_ranges[i].first &&
		    r->last <= p->userns.host_ranges[i].last)
			return true;
	return false;
}

static bool device_in(const struct hr_device *d, const struct hr_profile *p)
{
	for (size_t i = 0; i < p->n_devices; i++)
		if (strcmp(p->devices[i].path, d->path) == 0 && p->devices[i].type == d->type &&
		    p->devices[i].major == d->major && p->devices[i].minor == d->minor)
			return true;
	return false;
}

static bool rule_in(const struct hr_devrule *d, const struct hr_profile *p)
{
	for (size_t i = 0; i < p->n_dev_cgroup; i++) {
		const struct hr_devrule *o = &p->dev_cgroup[i];
		if (o->type == d->type && o->major == d->major &&
		    (o->minor < 0 || o->minor == d->minor) &&
		    strspn(d->access, o->access) == strlen(d->access))
			return true;
	}
	return false;
}

/* How it enforces: troubleshooting, warn modes, requireEnforced. */
static bool weaker_modes(const struct hr_profile *a, const struct hr_profile *b, char *why,
			 size_t cap)
{
	if (a->troubleshooting && !b->troubleshooting)
		return say(why, cap, "is a troubleshooting profile");
	for (size_t i = 0; i < hr_passes_count && i < HR_CONTROLS_MAX; i++)
		if (hr_profile_mode(a, i) == HR_MODE_WARN && hr_profile_mode(b, i) != HR_MODE_WARN)
			return say(why, cap, "only warns about %s", hr_passes[i].name);
	if (!a->require_enforced && b->require_enforced)
		return say(why, cap, "does not require its controls to be enforced");
	return false;
}

/* The process's identity and capabilities. */
static bool weaker_user(const struct hr_profile *a, const struct hr_profile *b, char *why,
			size_t cap)
{
	if (a->user.allow_root && !b->user.allow_root)
		return say(why, cap, "allows root");
	if (a->caps.allow & ~b->caps.allow) {
		for (int v = 0; v < 64; v++)
			if ((a->caps.allow & ~b->caps.allow) & (UINT64_C(1) << v)) {
				_cleanup_free_ char *n = hr_cap_name(v);
				return say(why, cap, "allows %s", n);
			}
	}
	if (a->caps.ambient && !b->caps.ambient)
		return say(why, cap, "makes capabilities ambient");
	if (a->user.uid != b->user.uid || a->user.gid != b->user.gid)
		return say(why, cap, "runs processes as %u:%u, not %u:%u", a->user.uid, a->user.gid,
			    b->user.uid, b->user.gid);
	if ((a->user.umask & b->user.umask) != b->user.umask)
		return say(why, cap, "has a umask (%04o) without bits of %04o", a->user.umask,
			    b->user.umask);
	return false;
}

/* System calls: plain allows, allowing rules, architectures. */
static bool weaker_seccomp(const struct hr_profile *a, const struct hr_profile *b, char *why,
			   size_t cap)
{
	for (size_t i = 0; i < a->seccomp.n_allow; i++)
		if (!allows_call(&b->seccomp, a->seccomp.allow[i], NULL))
			return say(why, cap, "allows the system call %s", a->seccomp.allow[i]);
	for (const cJSON *r = a->seccomp.rules ? a->seccomp.rules->child : NULL; r; r = r->next) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(r, "args");
		if (hr_seccomp_action_denies(hr_seccomp_action_from_name(act->valuestring)))
			continue;
		for (const cJSON *n = names ? names->child : NULL; n; n = n->next)
			if (!allows_call(&b->seccomp, n->valuestring, args))
				return say(why, cap, "allows the system call %s%s", n->valuestring,
					    args_none(args) ? "" : " with other arguments");
	}
	for (size_t i = 0; i < a->seccomp.n_arch; i++) {
		bool found = false;
		for (size_t k = 0; k < b->seccomp.n_arch; k++)
			found |= a->seccomp.arch_tokens[i] == b->seccomp.arch_tokens[k];
		if (!found)
			return say(why, cap, "allows system calls of %s", a->seccomp.arch_names[i]);
	}
	return false;
}

/* The root file system and its writable paths, mounts, hooks. */
static bool weaker_files(const struct hr_profile *a, const struct hr_profile *b, char *why,
			 size_t cap)
{
	const char *m;

	if (!a->rootfs.readonly && b->rootfs.readonly)
		return say(why, cap, "leaves the root file system writable");
	if (!subset(a->rootfs.writable, b->rootfs.writable, &m))
		return say(why, cap, "makes %s writable", m);
	if (tmpfs_has(b->rootfs.tmpfs_options, "noexec") &&
	    !tmpfs_has(a->rootfs.tmpfs_options, "noexec"))
		return say(why, cap, "lets programs run from its writable paths (no noexec)");
	if (tmpfs_size(b->rootfs.tmpfs_options) >= 0 &&
	    (tmpfs_size(a->rootfs.tmpfs_options) < 0 ||
	     tmpfs_size(a->rootfs.tmpfs_options) > tmpfs_size(b->rootfs.tmpfs_options)))
		return say(why, cap, "has larger writable paths (tmpfs size)");
	if (!subset(b->mounts.denied_sources, a->mounts.denied_sources, &m))
		return say(why, cap, "allows bind mounts of %s", m);
	if (!subset(a->mounts.allowed_sources, b->mounts.allowed_sources, &m))
		return say(why, cap, "allows bind mounts from %s", m);
	if (!subset(a->mounts.writable_sources, b->mounts.writable_sources, &m))
		return say(why, cap, "leaves bind mounts from %s writable", m);
	if (!subset(b->mounts.denied_types, a->mounts.denied_types, &m))
		return say(why, cap, "allows %s mounts", m);
	if (!subset(a->mounts.allowed_types, b->mounts.allowed_types, &m))
		return say(why, cap, "allows %s mounts", m);
	if (!subset(a->mounts.device_sources, b->mounts.device_sources, &m))
		return say(why, cap, "allows file systems from %s", m);
	if (!subset(a->mounts.allowed_sockets, b->mounts.allowed_sockets, &m))
		return say(why, cap, "allows binds of the socket %s", m);
	if (!subset(a->hooks.trusted, b->hooks.trusted, &m))
		return say(why, cap, "trusts the hook %s", m);
	return false;
}

/* User namespaces, scheduling, LSM and namespaces. */
static bool weaker_process(const struct hr_profile *a, const struct hr_profile *b, char *why,
			   size_t cap)
{
	if (!a->userns.enabled && b->userns.enabled)
		return say(why, cap, "gives containers no user namespace of their own (root in one "
				     "is host root)");
	if (a->userns.allow_root && !b->userns.allow_root)
		return say(why, cap, "allows root inside a user namespace");
	if (a->userns.caps & ~b->userns.caps) {
		for (int v = 0; v < 64; v++)
			if ((a->userns.caps & ~b->userns.caps) & (UINT64_C(1) << v)) {
				_cleanup_free_ char *n = hr_cap_name(v);
				return say(why, cap, "keeps %s inside a user namespace", n);
			}
	}
	for (size_t i = 0; i < a->userns.n_host_ranges; i++)
		if (!range_within(&a->userns.host_ranges[i], b))
			return say(why, cap, "allows user namespaces to map host ids %u-%u",
				    a->userns.host_ranges[i].first, a->userns.host_ranges[i].last);
	if (a->process.oom_score_adj_min < b->process.oom_score_adj_min)
		return say(why, cap, "lets the OOM killer spare it more (oomScoreAdjMin %lld)",
			    (long long)a->process.oom_score_adj_min);
	if (a->process.nice_min < b->process.nice_min)
		return say(why, cap, "allows a lower nice value (%lld)", (long long)a->process.nice_min);
	if (a->process.realtime && !b->process.realtime)
		return say(why, cap, "allows real-time scheduling");
	if (a->process.restore && !b->process.restore)
		return say(why, cap, "allows restoring checkpoints");
	if (a->lsm.allow_unconfined && !b->lsm.allow_unconfined)
		return say(why, cap, "allows an unconfined AppArmor profile or SELinux label");
	for (int t = 0; t < HR_NS__MAX; t++) {
		unsigned bit = 1u << t;
		if ((b->ns.required & bit) && !(a->ns.required & bit))
			return say(why, cap, "does not require a %s namespace", hr_ns_name(t));
		if ((a->ns.allow_host & bit) && !(b->ns.allow_host & bit))
			return say(why, cap, "allows the host's %s namespace", hr_ns_name(t));
		if ((a->ns.allow_join & bit) && !(b->ns.allow_join & bit))
			return say(why, cap, "allows joining another %s namespace", hr_ns_name(t));
	}
	return false;
}

/* Resources and rlimits. */
static bool weaker_limits(const struct hr_profile *a, const struct hr_profile *b, char *why,
			  size_t cap)
{
	if (a->resources.memory > b->resources.memory)
		return say(why, cap, "allows more memory");
	if (a->resources.pids > b->resources.pids)
		return say(why, cap, "allows more processes");
	if (a->resources.cpu_shares > b->resources.cpu_shares)
		return say(why, cap, "allows more CPU shares");
	if (a->resources.hugepages > b->resources.hugepages)
		return say(why, cap, "allows more huge pages");
	if (a->rlimits.core > b->rlimits.core)
		return say(why, cap, "allows core dumps");
	if (a->rlimits.nofile > b->rlimits.nofile)
		return say(why, cap, "allows more open files");
	if (a->rlimits.nproc > b->rlimits.nproc)
		return say(why, cap, "allows more processes per user");
	if (a->rlimits.memlock > b->rlimits.memlock)
		return say(why, cap, "allows more locked memory");
	if (a->rlimits.rtprio > b->rlimits.rtprio)
		return say(why, cap, "allows real-time priorities");
	if (a->rlimits.nice > b->rlimits.nice)
		return say(why, cap, "allows raising the priority (RLIMIT_NICE)");
	if (a->rlimits.msgqueue > b->rlimits.msgqueue)
		return say(why, cap, "allows more message queue bytes");
	return false;
}

/* What the kernel exposes: paths, devices, sysctls, annotations. */
static bool weaker_kernel(const struct hr_profile *a, const struct hr_profile *b, char *why,
			  size_t cap)
{
	const char *m;

	if (!subset(b->masked_paths, a->masked_paths, &m))
		return say(why, cap, "does not mask %s", m);
	if (!subset(b->readonly_paths, a->readonly_paths, &m))
		return say(why, cap, "does not make %s read-only", m);
	for (size_t i = 0; i < a->n_devices; i++)
		if (!device_in(&a->devices[i], b))
			return say(why, cap, "allows the device %s", a->devices[i].path);
	for (size_t i = 0; i < a->n_dev_cgroup; i++)
		if (!rule_in(&a->dev_cgroup[i], b))
			return say(why, cap, "allows more devices in the device cgroup");
	if (!subset(a->sysctl_allow, b->sysctl_allow, &m))
		return say(why, cap, "allows the sysctl %s", m);
	if (!subset(a->annotations_allow, b->annotations_allow, &m))
		return say(why, cap, "allows the annotation %s", m);
	return false;
}

/* The image policy (profile_image.c). */
static bool image_weaker(const struct hr_profile *a, const struct hr_profile *b,
			 char *why, size_t cap)
{
	return hr_image_policy_weaker(&a->image, &b->image, why, cap);
}

/* In the order of the reasons a weaker profile is given for. */
static bool (*const comparisons[])(const struct hr_profile *a, const struct hr_profile *b,
				   char *why, size_t cap) = {
	weaker_modes, weaker_user, weaker_seccomp, weaker_files,
	weaker_process, weaker_limits, weaker_kernel, image_weaker,
};

bool hr_profile_weaker(const struct hr_profile *a, const struct hr_profile *b, char *why,
		       size_t cap)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(comparisons); i++)
		if (comparisons[i](a, b, why, cap))
			return true;
	return false;
}
