/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Root in a container should not be root on the host, whatever the image
 * expects. Every container gets a user namespace of its own (profile
 * "userns": {"enabled": true}) whose ids map to a range of host ids that
 * no other container and no host user has: the image's uid 0 is root
 * inside, an unprivileged stranger outside. A container that joins its
 * pod's namespaces joins the user namespace they belong to instead.
 *
 * A user namespace the spec brings (podman --userns, a Kubernetes pod
 * with hostUsers: false) keeps its mappings, judged: mapping any id to
 * host root (or to the host's own users) makes the container's
 * "unprivileged" user a privileged one on the host, through every file
 * and kernel object that user owns. Mappings are held to the node's floor
 * and the profile's ranges (see hardrun/idmap.h).
 */
#include "config.h"

#include <stdio.h>

#include "hardrun/idmap.h"
#include "hardrun/k8s_parts.h"
#include "pass.h"

/* containerd's CRI names a pod container's sandbox so. */
#define HR_CRI_SANDBOX_ID "io.kubernetes.cri.sandbox-id"

bool hr_spec_has_userns(const cJSON *spec)
{
	const cJSON *nss = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "linux"), "namespaces");

	for (const cJSON *ns = nss ? nss->child : NULL; ns; ns = ns->next) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(ns, "type");
		if (cJSON_IsString(t) && strcmp(t->valuestring, "user") == 0)
			return true;
	}
	return false;
}

bool hr_pass_in_userns(const struct hr_pass_ctx *c)
{
	return c->env->process_in_userns || hr_spec_has_userns(c->spec);
}

uint64_t hr_pass_caps_allowed(const struct hr_pass_ctx *c)
{
	return c->profile->caps.allow | (hr_pass_in_userns(c) ? c->profile->userns.caps : 0);
}

/* A spec's own mapping into hardrun's pool would share ids with a
 * container hardrun gave them to: its files, its processes. */
static void pool_overlap(struct hr_pass_ctx *c, const cJSON *maps, const char *ptr)
{
	size_t i = 0;

	if (c->env->idpool_hi <= c->env->idpool_lo)
		return;
	for (const cJSON *m = maps->child; m; m = m->next, i++) {
		const cJSON *host = cJSON_GetObjectItemCaseSensitive(m, "hostID");
		const cJSON *size = cJSON_GetObjectItemCaseSensitive(m, "size");
		_cleanup_free_ char *p = NULL;
		uint64_t lo, hi;

		if (!cJSON_IsNumber(host) || !cJSON_IsNumber(size))
			continue; /* (hr_idmap_check judged the shape) */
		lo = (uint64_t)host->valuedouble;
		hi = lo + (uint64_t)size->valuedouble;
		if (hi <= c->env->idpool_lo || lo >= c->env->idpool_hi)
			continue;
		p = hr_json_ptr_index(ptr, i);
		hr_finding_add(c->findings, "userns.mapping", HR_REFUSED, p, NULL, NULL, NULL,
			       "the user namespace maps container ids to host ids %llu-%llu, in "
			       "hardrun's pool of containers' ranges (%llu-%llu): it would share "
			       "ids with a container hardrun gave them to",
			       (unsigned long long)lo, (unsigned long long)hi - 1,
			       (unsigned long long)c->env->idpool_lo,
			       (unsigned long long)c->env->idpool_hi - 1);
	}
}

static int judge_mappings(struct hr_pass_ctx *c, cJSON *lnx)
{
	static const char *const keys[] = { "uidMappings", "gidMappings" };
	int r;

	for (size_t k = 0; k < HR_ARRAY_SIZE(keys); k++) {
		_cleanup_free_ char *ptr = hr_json_ptr("/linux", keys[k]);
		_cleanup_free_ char *why = NULL;
		cJSON *maps;
		size_t idx = 0;

		if ((r = hr_json_get_array(lnx, keys[k], "/linux", &maps, c->err)) < 0)
			return r;
		if (!maps)
			continue;
		r = hr_idmap_check(maps, ptr, c->profile->userns.host_ranges,
				   c->profile->userns.n_host_ranges, c->env->min_host_id, &idx, &why,
				   c->err);
		if (r < 0)
			return r;
		if (r > 0) {
			_cleanup_free_ char *p = hr_json_ptr_index(ptr, idx);
			hr_finding_add(c->findings, "userns.mapping", HR_REFUSED, p, NULL, NULL, NULL,
				       "the user namespace maps container ids to %s", why);
			continue;
		}
		pool_overlap(c, maps, ptr);
	}
	return 0;
}

static cJSON *mapping(uint32_t host, uint32_t size)
{
	cJSON *a = cJSON_CreateArray(), *m = cJSON_CreateObject();

	cJSON_AddItemToObject(m, "containerID", hr_json_new_number(0));
	cJSON_AddItemToObject(m, "hostID", hr_json_new_number(host));
	cJSON_AddItemToObject(m, "size", hr_json_new_number(size));
	cJSON_AddItemToArray(a, m);
	return a;
}

/*
 * The user namespace that owns the namespaces the spec joins by path,
 * if it is not the host's (a pod's sandbox): NULL when there is none.
 * Two such owners that differ are refused (*ret_refused).
 */
static char *pod_userns(struct hr_pass_ctx *c, const cJSON *nss, bool *ret_refused,
			const char **ret_host_type)
{
	char *found = NULL;
	size_t i = 0;

	*ret_refused = false;
	*ret_host_type = NULL;
	if (!c->env->ns_owner_userns)
		return NULL;
	for (const cJSON *ns = nss ? nss->child : NULL; ns; ns = ns->next, i++) {
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(ns, "path");
		_cleanup_free_ char *owner = NULL;
		int r;

		if (!cJSON_IsString(path) || !path->valuestring[0])
			continue;
		r = c->env->ns_owner_userns(c->env->ud, path->valuestring, &owner);
		if (r == 0) {
			/* the host's (judged by the namespaces control) */
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(ns, "type");
			if (cJSON_IsString(t) && !*ret_host_type)
				*ret_host_type = t->valuestring;
		}
		if (r <= 0)
			continue;
		if (found && strcmp(found, owner) != 0) {
			_cleanup_free_ char *ptr = hr_json_ptr_index("/linux/namespaces", i);
			hr_finding_add(c->findings, "userns.unavailable", HR_REFUSED, ptr, NULL, NULL,
				       "join namespaces of one pod only",
				       "joins namespaces of two different user namespaces (%s and "
				       "%s): the container cannot be in both",
				       found, owner);
			free(found);
			*ret_refused = true;
			return NULL;
		}
		if (!found)
			found = HR_TAKE_PTR(owner);
	}
	return found;
}

/*
 * A group range the kernel must find mapped in the user namespace:
 * Docker's "net.ipv4.ping_group_range" of "0 2147483647" (any group may
 * ping) becomes "0 SIZE-1", every group the container has.
 */
static void clamp_ping_groups(struct hr_pass_ctx *c, cJSON *lnx, uint32_t size)
{
	cJSON *sysctl = cJSON_GetObjectItemCaseSensitive(lnx, "sysctl");
	cJSON *v = cJSON_GetObjectItemCaseSensitive(sysctl, "net.ipv4.ping_group_range");
	unsigned long lo, hi;
	char *before, fixed[48];
	int n = 0;

	if (!cJSON_IsString(v) || sscanf(v->valuestring, "%lu %lu%n", &lo, &hi, &n) != 2 ||
	    v->valuestring[n] != '\0' || hi < size)
		return;
	before = hr_pass_brief(c, v);
	snprintf(fixed, sizeof fixed, "%lu %u", lo < size ? lo : (unsigned long)size - 1, size - 1);
	cJSON_SetValuestring(v, fixed);
	hr_pass_changed(c, "userns.private", "/linux/sysctl/net.ipv4.ping_group_range", before, v,
			"the groups that may ping are held to the container's %u mapped groups",
			size);
	free(before);
}

/* No user namespace in the spec: one of its own, or its pod's. `bare` is
 * a user namespace entry hardrun's own judgement left without mappings
 * (`hardrun -n` output run again): it gets them in place. */
static int add_userns(struct hr_pass_ctx *c, cJSON *lnx, cJSON *nss, cJSON *bare)
{
	_cleanup_free_ char *pod = NULL, *why = NULL, *ptr = NULL;
	const char *host_type = NULL;
	uint32_t host = 0, size = 0;
	bool refused;
	cJSON *ns;
	int r;

	pod = pod_userns(c, nss, &refused, &host_type);
	if (refused)
		return 0;
	if (host_type) {
		/* runc joins a container's user namespace before its others, at
		 * create and at every exec; from inside a user namespace it may
		 * not join a namespace the host's owns (CNI's network namespace
		 * of a Kubernetes pod). The container keeps the host's ids, and
		 * the user rules hold root out. */
		hr_finding_add(c->findings, "userns.host-namespace", HR_WARNED, "/linux/namespaces",
			       NULL, NULL, NULL,
			       "joins a %s namespace of the host's user namespace: runc could not "
			       "start or exec it in a user namespace of its own, so it has none and "
			       "runs with the profile's user",
			       host_type);
		return 0;
	}
	ptr = hr_json_ptr_index("/linux/namespaces", (size_t)cJSON_GetArraySize(nss));
	ns = cJSON_CreateObject();
	cJSON_AddStringToObject(ns, "type", "user");
	if (bare) {
		size_t i = 0;
		for (cJSON *e = nss->child; e && e != bare; e = e->next)
			i++;
		free(ptr);
		ptr = hr_json_ptr_index("/linux/namespaces", i);
		/* In its place, whatever happens below. */
		cJSON_ReplaceItemViaPointer(nss, bare, ns);
	}
	if (pod) {
		/* Another container's namespaces: its identity too. Only a pod's
		 * containers share one, with their sandbox. */
		const cJSON *ann = cJSON_GetObjectItemCaseSensitive(c->spec, "annotations");
		const cJSON *sb = cJSON_GetObjectItemCaseSensitive(ann, HR_CRI_SANDBOX_ID);
		int r2 = !cJSON_IsString(sb) ? 0
			 : c->env->pod_sandbox_userns
				 ? c->env->pod_sandbox_userns(c->env->ud, sb->valuestring, pod)
				 : 1;
		if (r2 != 1) {
			cJSON_Delete(bare ? cJSON_DetachItemViaPointer(nss, ns) : ns);
			hr_finding_add(c->findings, "userns.join", HR_REFUSED, "/linux/namespaces", NULL,
				       NULL, NULL,
				       "joins namespaces of another container (user namespace %s)%s: "
				       "it would share that container's identity, its files and "
				       "processes",
				       pod,
				       !cJSON_IsString(sb) ? ", outside a pod"
				       : r2 == 0 ? ", which is not its pod sandbox's"
						 : ", and whether it is its pod sandbox's cannot be told");
			return 0;
		}
		cJSON_AddStringToObject(ns, "path", pod);
		if (!bare)
			cJSON_AddItemToArray(nss, ns);
		hr_pass_changed(c, "userns.pod", ptr, NULL, ns,
				"the container joins the user namespace of the pod whose "
				"namespaces it joins (%s)",
				pod);
		return 0;
	}
	if (!c->env->userns_range) {
		/* Judged away from a launch: the range is taken when it runs. */
		if (bare)
			return 0; /* as it was */
		cJSON_AddItemToArray(nss, ns);
		hr_pass_changed(c, "userns.private", ptr, NULL, ns,
				"the container gets a user namespace of its own; when it starts, its "
				"ids map to a range of host ids no one else has");
		return 0;
	}
	r = c->env->userns_range(c->env->ud, &host, &size, &why);
	if (r < 0 && r != -ENOSPC && r != -EPERM) {
		/* Neither a pool used up nor a hardrun that may not map ids:
		 * the host failed (a full state directory), an error. */
		cJSON_Delete(bare ? cJSON_DetachItemViaPointer(nss, ns) : ns);
		return hr_err(c->err, r, "%s", why ? why : strerror(-r));
	}
	if (r < 0) {
		cJSON_Delete(bare ? cJSON_DetachItemViaPointer(nss, ns) : ns);
		hr_finding_add(c->findings, "userns.unavailable", HR_REFUSED, ptr, NULL, NULL, NULL,
			       "no range of host ids is free for the container's user namespace: "
			       "%s",
			       why ? why : strerror(-r));
		return 0;
	}
	if (!bare)
		cJSON_AddItemToArray(nss, ns);
	hr_json_set(lnx, "uidMappings", mapping(host, size));
	hr_json_set(lnx, "gidMappings", mapping(host, size));
	clamp_ping_groups(c, lnx, size);
	hr_pass_changed(c, "userns.private", ptr, NULL, ns,
			"the container gets a user namespace of its own: its ids 0-%u are host "
			"ids %u-%u, which no other container and no host user has",
			size - 1, host, host + size - 1);
	return 0;
}

int hr_pass_userns(struct hr_pass_ctx *c)
{
	cJSON *lnx, *nss, *bare = NULL;
	int r;

	if ((r = hr_json_ensure_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = judge_mappings(c, lnx)) < 0)
		return r;
	if (!c->profile->userns.enabled || c->env->process_in_userns)
		return 0;
	if ((r = hr_json_ensure_array(lnx, "namespaces", "/linux", &nss, c->err)) < 0)
		return r;
	for (cJSON *ns = nss->child; ns; ns = ns->next) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(ns, "type");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(ns, "path");
		if (cJSON_IsString(t) && strcmp(t->valuestring, "user") == 0 && !p &&
		    !cJSON_GetObjectItemCaseSensitive(lnx, "uidMappings") &&
		    !cJSON_GetObjectItemCaseSensitive(lnx, "gidMappings"))
			bare = ns;
	}
	if (hr_pass_in_userns(c) && !bare)
		return 0;
	return add_userns(c, lnx, nss, bare);
}

/* --- the control ------------------------------------------------------------ */

static bool range_within(const struct hr_id_range *r, const struct hr_profile *p)
{
	for (size_t i = 0; i < p->userns.n_host_ranges; i++)
		if (r->first >= p->userns.host_ranges[i].first &&
		    r->last <= p->userns.host_ranges[i].last)
			return true;
	return false;
}

static bool weaker_userns(const struct hr_profile *a, const struct hr_profile *b, char *why,
			  size_t cap)
{
	if (!a->userns.enabled && b->userns.enabled)
		return hr_weaker_say(why, cap,
				     "gives containers no user namespace of their own "
				     "(root in one is host root)");
	if (a->userns.allow_root && !b->userns.allow_root)
		return hr_weaker_say(why, cap, "allows root inside a user namespace");
	if (a->userns.caps & ~b->userns.caps) {
		for (int v = 0; v < 64; v++)
			if ((a->userns.caps & ~b->userns.caps) & (UINT64_C(1) << v)) {
				_cleanup_free_ char *n = hr_cap_name(v);
				return hr_weaker_say(why, cap, "keeps %s inside a user namespace",
						     n);
			}
	}
	for (size_t i = 0; i < a->userns.n_host_ranges; i++)
		if (!range_within(&a->userns.host_ranges[i], b))
			return hr_weaker_say(
				why, cap, "allows user namespaces to map host ids %u-%u",
				a->userns.host_ranges[i].first, a->userns.host_ranges[i].last);
	return false;
}

static void docker_export_userns(const struct hr_profile *p, struct hr_docker_out *d)
{
	if (p->userns.enabled && !p->user.allow_root)
		hr_strv_pushf(
			&d->x->notes,
			"user namespace: docker run has no user namespace per container (only "
			"dockerd's one --userns-remap); hardrun gives each container its own, "
			"where root is root inside%s and a stranger outside. These flags keep "
			"root out with --user instead",
			p->userns.allow_root ? " with a few capabilities" : "");
}

const struct hr_control hr_control_userns = {
	.name = "userns",
	.pass = hr_pass_userns,
	.weaker = weaker_userns,
	.docker_export = docker_export_userns,
};
