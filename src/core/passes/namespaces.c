/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A missing namespace type means sharing the host's: `docker run --pid
 * host` simply leaves pid out. Required types are added back; joining a
 * namespace by path is refused when the path is the host's own (or cannot
 * be identified), and needs the profile's consent otherwise (Kubernetes
 * pods join their sandbox's network, ipc and uts namespaces this way).
 */
#include "config.h"

#include "hardrun/k8s_parts.h"
#include "pass.h"

/* Whether the user namespace `user` (as opened) owns another namespace
 * the spec joins: the container joins its pod's namespaces, and with
 * them the pod's user namespace (userns.c). */
static bool owns_a_joined_namespace(struct hr_pass_ctx *c, const cJSON *nss,
				    const struct hr_path_facts *user)
{
	if (!c->env->ns_owner_userns || !user || user->err)
		return false;
	for (const cJSON *ns = nss->child; ns; ns = ns->next) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(ns, "type");
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(ns, "path");
		_cleanup_free_ char *owner = NULL;
		const struct hr_path_facts *f;

		if (!cJSON_IsString(type) || strcmp(type->valuestring, "user") == 0 ||
		    !cJSON_IsString(path) || !path->valuestring[0] ||
		    c->env->ns_owner_userns(c->env->ud, path->valuestring, &owner) <= 0)
			continue;
		f = hr_pass_path_facts(c, owner, HR_PATH_NS);
		if (f && !f->err && f->dev == user->dev && f->ino == user->ino)
			return true;
	}
	return false;
}

/* How a spec comes to lack a namespace that every engine makes: its
 * owner asked for the host's. */
static const char *const asked_host[HR_NS__MAX] = {
	[HR_NS_PID] = "--pid=host, Kubernetes' hostPID",
	[HR_NS_NETWORK] = "--network=host, Kubernetes' hostNetwork",
	[HR_NS_IPC] = "--ipc=host, Kubernetes' hostIPC",
	[HR_NS_UTS] = "--uts=host, Kubernetes' hostNetwork",
};

int hr_pass_namespaces(struct hr_pass_ctx *c)
{
	const struct hr_profile *p = c->profile;
	cJSON *lnx, *nss;
	unsigned present = 0;
	size_t i = 0;
	int r;

	if ((r = hr_json_ensure_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = hr_json_ensure_array(lnx, "namespaces", "/linux", &nss, c->err)) < 0)
		return r;
	for (cJSON *ns = nss->child; ns; ns = ns->next, i++) {
		_cleanup_free_ char *ptr = hr_json_ptr_index("/linux/namespaces", i);
		cJSON *type, *path;
		int t;

		if (!cJSON_IsObject(ns))
			return hr_err(c->err, HR_E_INVALID, "%s: expected an object", ptr);
		if ((r = hr_json_get_string(ns, "type", ptr, &type, c->err)) < 0 ||
		    (r = hr_json_get_string(ns, "path", ptr, &path, c->err)) < 0)
			return r;
		if (!type || (t = hr_ns_from_name(type->valuestring)) < 0)
			return hr_err(c->err, HR_E_INVALID,
				      "%s/type: expected pid, network, mount, ipc, uts, user, "
				      "cgroup or time",
				      ptr);
		if (present & (1u << t))
			return hr_err(c->err, HR_E_INVALID,
				      "%s: a second `%s` namespace (fix: list each type once)", ptr,
				      type->valuestring);
		present |= 1u << t;
		if (!path || !path->valuestring[0])
			continue;

		/* The object opened, against the namespace hardrun runs in; one
		 * that cannot be opened or compared counts as the host's. */
		const struct hr_path_facts *f = hr_pass_path_facts(c, path->valuestring, HR_PATH_NS);
		int host = -1;
		if (f && !f->err && c->env->host_ns[t].known)
			host = f->dev == c->env->host_ns[t].dev && f->ino == c->env->host_ns[t].ino;
		_cleanup_free_ char *before = hr_json_brief(ns);
		if (host != 0 && !(p->ns.allow_host & (1u << t))) {
			hr_finding_add(c->findings, "namespaces.host-join", HR_REFUSED, ptr, before,
				       NULL, NULL,
				       "joins %s %s namespace at %s",
				       host > 0 ? "the host's" : "a namespace that cannot be told "
								 "apart from the host's",
				       type->valuestring, path->valuestring);
		} else if (host == 0 && !(p->ns.allow_join & (1u << t)) &&
			   !(t == HR_NS_USER && owns_a_joined_namespace(c, nss, f))) {
			hr_finding_add(c->findings, "namespaces.join", HR_REFUSED, ptr, before, NULL,
				       NULL, "joins another %s namespace at %s, which the profile "
					     "does not allow",
				       type->valuestring, path->valuestring);
		}
	}
	for (int t = 0; t < HR_NS__MAX; t++) {
		if (!(p->ns.required & (1u << t)) || (present & (1u << t)))
			continue;
		/* Every engine makes these unless told to share the host's
		 * (--pid=host, hostPID, hostNetwork, hostIPC): a workload
		 * deployed that way is refused, not started as something else. */
		if (asked_host[t]) {
			hr_finding_add(c->findings, "namespaces.host-join", HR_REFUSED,
				       "/linux/namespaces", NULL, NULL, NULL,
				       "no %s namespace: the container would share the host's (%s)",
				       hr_ns_name(t), asked_host[t]);
			continue;
		}
		cJSON *ns = cJSON_CreateObject();
		_cleanup_free_ char *ptr = hr_json_ptr_index("/linux/namespaces",
							     (size_t)cJSON_GetArraySize(nss));
		cJSON_AddStringToObject(ns, "type", hr_ns_name(t));
		cJSON_AddItemToArray(nss, ns);
		hr_pass_changed(c, "namespaces.missing", ptr, NULL, ns,
				"the container would share the host's %s namespace; it gets its own",
				hr_ns_name(t));
	}
	return 0;
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_namespaces(const struct hr_profile *a, const struct hr_profile *b, char *why,
			      size_t cap)
{
	for (int t = 0; t < HR_NS__MAX; t++) {
		unsigned bit = 1u << t;
		if ((b->ns.required & bit) && !(a->ns.required & bit))
			return hr_weaker_say(why, cap, "does not require a %s namespace",
					     hr_ns_name(t));
		if ((a->ns.allow_host & bit) && !(b->ns.allow_host & bit))
			return hr_weaker_say(why, cap, "allows the host's %s namespace",
					     hr_ns_name(t));
		if ((a->ns.allow_join & bit) && !(b->ns.allow_join & bit))
			return hr_weaker_say(why, cap, "allows joining another %s namespace",
					     hr_ns_name(t));
	}
	return false;
}

/* The host namespaces a pod spec can ask for, and its fields. */
static const struct {
	const char *field;
	enum hr_ns_type t;
} k8s_host_ns[] = { { "hostNetwork", HR_NS_NETWORK },
		    { "hostPID", HR_NS_PID },
		    { "hostIPC", HR_NS_IPC } };

static void pss_namespaces(const struct hr_profile *p, struct hr_pss_result *r)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(k8s_host_ns); i++)
		if (p->ns.allow_host & (1u << k8s_host_ns[i].t))
			hr_pss_add(r, HR_PSS_BASELINE, "Host Namespaces",
				   "profile:/namespaces/allowHost",
				   "the profile lets a pod share the host's %s namespace (%s)",
				   hr_ns_name(k8s_host_ns[i].t), k8s_host_ns[i].field);
}

/* Host namespaces: hardrun would give the container its own. */
static int k8s_audit_pod_namespaces(struct hr_k8s_audit *a, const struct hr_k8s_pod *pod)
{
	const cJSON *spec = pod->spec;
	const char *sptr = pod->ptr;
	const cJSON *v;
	int r;

	for (size_t i = 0; i < HR_ARRAY_SIZE(k8s_host_ns); i++) {
		if ((r = hr_k8s_want(a, spec, k8s_host_ns[i].field, sptr, hr_k8s_is_bool,
				     "true or false", &v)) < 0)
			return r;
		if (!cJSON_IsTrue(v) || (a->p->ns.allow_host & (1u << k8s_host_ns[i].t)))
			continue;
		_cleanup_free_ char *ptr = hr_json_ptr(sptr, k8s_host_ns[i].field);
		cJSON *f = cJSON_CreateFalse();
		hr_k8s_add(a, "k8s.host-namespace", "namespaces", HR_REFUSED, ptr, v, f,
			   "the pod shares the host's %s namespace; hardrun refuses it "
			   "(namespaces.host-join)",
			   hr_ns_name(k8s_host_ns[i].t));
		cJSON_Delete(f);
	}
	return 0;
}

const struct hr_control hr_control_namespaces = {
	.name = "namespaces",
	.pass = hr_pass_namespaces,
	.weaker = weaker_namespaces,
	.k8s_audit_pod = k8s_audit_pod_namespaces,
	.pss = pss_namespaces,
};
