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

static bool allows_call(const struct hr_seccomp_profile *s, const char *name)
{
	for (size_t i = 0; i < s->n_allow; i++)
		if (strcmp(s->allow[i], name) == 0)
			return true;
	for (const cJSON *r = s->rules ? s->rules->child : NULL; r; r = r->next) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		if (hr_seccomp_action_denies(hr_seccomp_action_from_name(act->valuestring)))
			continue;
		for (const cJSON *n = names ? names->child : NULL; n; n = n->next)
			if (strcmp(n->valuestring, name) == 0)
				return true;
	}
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

bool hr_profile_weaker(const struct hr_profile *a, const struct hr_profile *b, char *why,
		       size_t cap)
{
	const char *m;

	if (a->troubleshooting && !b->troubleshooting)
		return say(why, cap, "is a troubleshooting profile");
	for (size_t i = 0; i < hr_passes_count && i < HR_CONTROLS_MAX; i++)
		if (hr_profile_mode(a, i) == HR_MODE_WARN && hr_profile_mode(b, i) != HR_MODE_WARN)
			return say(why, cap, "only warns about %s", hr_passes[i].name);
	if (!a->require_enforced && b->require_enforced)
		return say(why, cap, "does not require its controls to be enforced");
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
	for (size_t i = 0; i < a->seccomp.n_allow; i++)
		if (!allows_call(&b->seccomp, a->seccomp.allow[i]))
			return say(why, cap, "allows the system call %s", a->seccomp.allow[i]);
	for (const cJSON *r = a->seccomp.rules ? a->seccomp.rules->child : NULL; r; r = r->next) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		if (hr_seccomp_action_denies(hr_seccomp_action_from_name(act->valuestring)))
			continue;
		for (const cJSON *n = names ? names->child : NULL; n; n = n->next)
			if (!allows_call(&b->seccomp, n->valuestring))
				return say(why, cap, "allows the system call %s", n->valuestring);
	}
	if (!a->rootfs.readonly && b->rootfs.readonly)
		return say(why, cap, "leaves the root file system writable");
	if (!subset(a->rootfs.writable, b->rootfs.writable, &m))
		return say(why, cap, "makes %s writable", m);
	if (!subset(b->mounts.denied_sources, a->mounts.denied_sources, &m))
		return say(why, cap, "allows bind mounts of %s", m);
	if (!subset(a->mounts.allowed_sources, b->mounts.allowed_sources, &m))
		return say(why, cap, "allows bind mounts from %s", m);
	if (!subset(a->mounts.writable_sources, b->mounts.writable_sources, &m))
		return say(why, cap, "leaves bind mounts from %s writable", m);
	if (!subset(b->mounts.denied_types, a->mounts.denied_types, &m))
		return say(why, cap, "allows %s mounts", m);
	for (int t = 0; t < HR_NS__MAX; t++) {
		unsigned bit = 1u << t;
		if ((b->ns.required & bit) && !(a->ns.required & bit))
			return say(why, cap, "does not require a %s namespace", hr_ns_name(t));
		if ((a->ns.allow_host & bit) && !(b->ns.allow_host & bit))
			return say(why, cap, "allows the host's %s namespace", hr_ns_name(t));
		if ((a->ns.allow_join & bit) && !(b->ns.allow_join & bit))
			return say(why, cap, "allows joining another %s namespace", hr_ns_name(t));
	}
	if (a->resources.memory > b->resources.memory)
		return say(why, cap, "allows more memory");
	if (a->resources.pids > b->resources.pids)
		return say(why, cap, "allows more processes");
	if (a->resources.cpu_shares > b->resources.cpu_shares)
		return say(why, cap, "allows more CPU shares");
	if (a->rlimits.core > b->rlimits.core)
		return say(why, cap, "allows core dumps");
	if (a->rlimits.nofile > b->rlimits.nofile)
		return say(why, cap, "allows more open files");
	if (a->rlimits.nproc > b->rlimits.nproc)
		return say(why, cap, "allows more processes per user");
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
	if (hr_image_policy_weaker(&a->image, &b->image, why, cap))
		return true;
	return false;
}
