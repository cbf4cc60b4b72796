/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A profile in Kubernetes' terms, and a manifest judged against it. The
 * two are one mapping read in both directions: every setting export
 * writes is a setting the audit checks, so `hardrun check --k8s` passes
 * what `hardrun export k8s` made, and flags each place where a manifest
 * says less than the profile enforces. Each control writes and checks
 * its own settings (k8s_export, k8s_audit_* in its descriptor, control.h);
 * this file builds the documents around them and walks the manifests.
 *
 * The audit's outcomes say what hardrun would do with the container at
 * Run (runtime mode, through the RuntimeClass): "changed" when it would
 * tighten it (the manifest should say so itself), "refused" when it would
 * not start it. The profile's modes apply as at Run.
 */
#include "config.h"

#include <stdio.h>

#include "hardrun/control.h"
#include "hardrun/harden.h"
#include "hardrun/k8s.h"
#include "hardrun/k8s_parts.h"
#include "hardrun/manifest.h"

/* containerd's (and Docker's) default capability set: what a container
 * keeps when its manifest drops nothing. */

/* --- names ------------------------------------------------------------------ */

char *hr_k8s_seccomp_name(const struct hr_profile *p)
{
	const char *base = strrchr(p->name, '/') ? strrchr(p->name, '/') + 1 : p->name;
	size_t n = strlen(base);

	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	return hr_xasprintf("hardrun/%.*s.json", (int)n, base);
}

/* The profile's name as org.hardrun.profile takes it (no directory, no
 * .json): the name it must be installed under on the nodes. */
static char *profile_short_name(const struct hr_profile *p)
{
	_cleanup_free_ char *s = hr_k8s_seccomp_name(p);
	return hr_xasprintf("%.*s", (int)(strlen(s) - 13), s + 8);
}

static bool dns_label(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool dns_subdomain(const char *s)
{
	_cleanup_free_ char *copy = hr_xstrdup(s ? s : "");
	char *save = NULL;

	if (!*copy || strlen(copy) > 253 || copy[strlen(copy) - 1] == '.' || copy[0] == '.')
		return false;
	for (char *l = strtok_r(copy, ".", &save); l; l = strtok_r(NULL, ".", &save))
		if (!dns_label(l))
			return false;
	return strstr(s, "..") == NULL;
}

/* --- export ------------------------------------------------------------------ */

void hr_k8s_export_done(struct hr_k8s_export *x)
{
	if (!x)
		return;
	cJSON_Delete(x->docs);
	hr_pss_result_done(&x->pss);
	hr_strv_free(x->notes);
	*x = (struct hr_k8s_export){ 0 };
}

/* The order of the notes (what Kubernetes cannot say): the controls named
 * here first, then the others in table order. */
static const char *const export_order[] = { "rootfs", "user", "resources", "rlimits", NULL };

/* The keys of an object in the order Kubernetes' own examples write them;
 * keys not named stay after them in the order they were added. */
static void order_keys(cJSON *obj, const char *const *keys)
{
	size_t n = (size_t)cJSON_GetArraySize(obj), k = 0;
	_cleanup_free_ cJSON **items = hr_xcalloc(n + 1, sizeof *items);

	/* Detached items keep their names (->string): take them all out,
	 * put back the named ones in order, then the rest in theirs. */
	while (obj->child)
		items[k++] = cJSON_DetachItemViaPointer(obj, obj->child);
	for (size_t i = 0; keys[i]; i++)
		for (size_t j = 0; j < n; j++)
			if (items[j] && strcmp(items[j]->string, keys[i]) == 0) {
				cJSON_AddItemToArray(obj, items[j]);
				items[j] = NULL;
			}
	for (size_t j = 0; j < n; j++)
		if (items[j])
			cJSON_AddItemToArray(obj, items[j]);
}

static cJSON *pod_template(const struct hr_profile *p, const struct hr_k8s_export_opts *o,
			   char ***notes)
{
	static const char *const pod_keys[] = { "runtimeClassName", "securityContext", "containers",
						"volumes", NULL };
	static const char *const container_keys[] = {
		"name", "image", "securityContext", "resources", "volumeMounts", NULL
	};
	static const char *const sc_keys[] = { "allowPrivilegeEscalation", "privileged",
					       "readOnlyRootFilesystem", "capabilities", NULL };
	const struct hr_control *ctl[HR_CONTROLS_MAX];
	cJSON *tpl = cJSON_CreateObject(), *meta;
	_cleanup_free_ char *short_name = profile_short_name(p);
	struct hr_k8s_tpl t = { .o = o, .notes = notes };

	meta = cJSON_AddObjectToObject(tpl, "metadata");
	if (strcmp(o->kind, "Pod") == 0)
		cJSON_AddStringToObject(meta, "name", o->name);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(meta, "labels"), "app", o->name);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(meta, "annotations"),
				"org.hardrun.profile", short_name);
	t.spec = cJSON_AddObjectToObject(tpl, "spec");
	cJSON_AddStringToObject(t.spec, "runtimeClassName", o->runtime_class);
	t.pod_sc = cJSON_AddObjectToObject(t.spec, "securityContext");
	t.container = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(t.spec, "containers"), t.container);
	cJSON_AddStringToObject(t.container, "name", o->container);
	cJSON_AddStringToObject(t.container, "image", o->image);
	t.sc = cJSON_AddObjectToObject(t.container, "securityContext");
	hr_controls_ordered(export_order, ctl);
	for (size_t i = 0; i < hr_controls_count; i++)
		if (ctl[i]->k8s_export)
			ctl[i]->k8s_export(p, &t);
	order_keys(t.spec, pod_keys);
	order_keys(t.container, container_keys);
	order_keys(t.sc, sc_keys);
	hr_strv_pushf(notes, "masked and read-only paths, devices, mount options and host paths "
		    "(maskedPaths, devices, mounts): Kubernetes' defaults apply "
		    "(procMount: Default); hardrun enforces the profile's at Run, and `hardrun "
		    "check --k8s` flags hostPath volumes it would refuse");
	return tpl;
}

int hr_k8s_export(const struct hr_profile *p, const struct hr_k8s_export_opts *o,
		  struct hr_k8s_export *ret, hr_error *err)
{
	struct hr_k8s_export x = { 0 };
	cJSON *doc, *tpl, *meta;
	bool pod = strcmp(o->kind, "Pod") == 0;

	if (!pod && strcmp(o->kind, "Deployment") != 0)
		return hr_err(err, HR_E_INVALID, "--kind %s: Pod or Deployment (fix: --kind pod)",
			      o->kind);
	if (!dns_label(o->container))
		return hr_err(err, HR_E_INVALID, "--container %s: not a DNS label (fix: at most 63 "
						 "lowercase letters, digits and -)", o->container);
	if (!dns_subdomain(o->name))
		return hr_err(err, HR_E_INVALID, "--name %s: not a DNS subdomain (fix: lowercase "
						 "letters, digits, - and .)", o->name);
	if (!dns_subdomain(o->runtime_class))
		return hr_err(err, HR_E_INVALID, "--runtime-class %s: not a DNS subdomain (fix: "
						 "lowercase letters, digits, - and .)",
			      o->runtime_class);
	if (!o->image || !*o->image || strpbrk(o->image, " \t\n"))
		return hr_err(err, HR_E_INVALID, "--image: an image reference without spaces");
	if (!o->seccomp_name || !*o->seccomp_name || o->seccomp_name[0] == '/' ||
	    strstr(o->seccomp_name, ".."))
		return hr_err(err, HR_E_INVALID, "the seccomp profile name `%s` must be relative to "
						 "the kubelet's seccomp directory, without ..",
			      o->seccomp_name ? o->seccomp_name : "");

	x.docs = cJSON_CreateArray();
	if (o->runtime_class_doc) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "apiVersion", "node.k8s.io/v1");
		cJSON_AddStringToObject(doc, "kind", "RuntimeClass");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(doc, "metadata"), "name",
					o->runtime_class);
		cJSON_AddStringToObject(doc, "handler", o->runtime_class);
		cJSON_AddItemToArray(x.docs, doc);
	}
	tpl = pod_template(p, o, &x.notes);
	if (pod) {
		/* apiVersion and kind first, as people write them. */
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "apiVersion", "v1");
		cJSON_AddStringToObject(doc, "kind", "Pod");
		cJSON_AddItemToObject(doc, "metadata", cJSON_DetachItemFromObject(tpl, "metadata"));
		cJSON_AddItemToObject(doc, "spec", cJSON_DetachItemFromObject(tpl, "spec"));
		cJSON_Delete(tpl);
	} else {
		cJSON *spec, *sel;
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "apiVersion", "apps/v1");
		cJSON_AddStringToObject(doc, "kind", "Deployment");
		meta = cJSON_AddObjectToObject(doc, "metadata");
		cJSON_AddStringToObject(meta, "name", o->name);
		spec = cJSON_AddObjectToObject(doc, "spec");
		cJSON_AddNumberToObject(spec, "replicas", 1);
		sel = cJSON_AddObjectToObject(cJSON_AddObjectToObject(spec, "selector"), "matchLabels");
		cJSON_AddStringToObject(sel, "app", o->name);
		cJSON_AddItemToObject(spec, "template", tpl);
	}
	cJSON_AddItemToArray(x.docs, doc);

	/* The level: the manifest's, lowered by what the profile allows a pod
	 * that the manifest does not use. */
	{
		size_t di = (size_t)cJSON_GetArraySize(x.docs);
		_cleanup_free_ char *pm = hr_xasprintf("#%zu%s", di, pod ? "/metadata"
									 : "/spec/template/metadata");
		_cleanup_free_ char *ps = hr_xasprintf("#%zu%s", di, pod ? "/spec"
									 : "/spec/template/spec");
		const cJSON *t = pod ? doc : m_get(m_get(doc, "spec"), "template");

		(void)hr_pss_check_pod(m_get(t, "metadata"), m_get(t, "spec"), pm, ps, &x.pss);
		for (size_t i = 0; i < hr_controls_count; i++)
			if (hr_controls[i]->pss)
				hr_controls[i]->pss(p, &x.pss);
		x.level = hr_pss_level_of(&x.pss);
	}
	*ret = x;
	return 0;
}

/* --- audit ------------------------------------------------------------------ */

static int read_sc(struct hr_k8s_audit *a, const cJSON *parent, const char *base,
		   struct hr_k8s_sc *s)
{
	*s = (struct hr_k8s_sc){ .ptr = hr_json_ptr(base, "securityContext") };
	HR_K8S_WANT(parent, "securityContext", base, object, "an object", &s->obj);
	HR_K8S_WANT(s->obj, "runAsUser", s->ptr, int, "an integer", &s->run_as_user);
	HR_K8S_WANT(s->obj, "runAsGroup", s->ptr, int, "an integer", &s->run_as_group);
	HR_K8S_WANT(s->obj, "runAsNonRoot", s->ptr, bool, "true or false", &s->run_as_non_root);
	HR_K8S_WANT(s->obj, "seccompProfile", s->ptr, object, "an object", &s->seccomp);
	{
		_cleanup_free_ char *sp = hr_json_ptr(s->ptr, "seccompProfile");
		HR_K8S_WANT(s->seccomp, "type", sp, string, "a string", &s->seccomp_type);
		HR_K8S_WANT(s->seccomp, "localhostProfile", sp, string, "a string",
			    &s->seccomp_localhost);
	}
	HR_K8S_WANT(s->obj, "privileged", s->ptr, bool, "true or false", &s->privileged);
	HR_K8S_WANT(s->obj, "allowPrivilegeEscalation", s->ptr, bool, "true or false", &s->ape);
	HR_K8S_WANT(s->obj, "readOnlyRootFilesystem", s->ptr, bool, "true or false", &s->rorf);
	HR_K8S_WANT(s->obj, "capabilities", s->ptr, object, "an object", &s->caps);
	{
		_cleanup_free_ char *cp = hr_json_ptr(s->ptr, "capabilities");
		HR_K8S_WANT(s->caps, "add", cp, array, "an array of capability names", &s->add);
		HR_K8S_WANT(s->caps, "drop", cp, array, "an array of capability names", &s->drop);
		/* Both lists, whether or not the other is there (a walk from
		 * `add` to `drop` skipped `drop` when `add` was absent, and a
		 * number in it reached strncmp as NULL). */
		const cJSON *lists[] = { s->add, s->drop };
		for (size_t i = 0; i < HR_ARRAY_SIZE(lists); i++)
			for (const cJSON *e = lists[i] ? lists[i]->child : NULL; e; e = e->next)
				if (!cJSON_IsString(e))
					return hr_err(a->err, HR_E_INVALID,
						      "%s/%s: expected capability names (strings)",
						      cp, i == 0 ? "add" : "drop");
	}
	HR_K8S_WANT(s->obj, "procMount", s->ptr, string, "a string", &s->proc_mount);
	HR_K8S_WANT(s->obj, "supplementalGroups", s->ptr, array, "an array of integers", &s->supp);
	HR_K8S_WANT(s->obj, "fsGroup", s->ptr, int, "an integer", &s->fs_group);
	HR_K8S_WANT(s->obj, "sysctls", s->ptr, array, "an array of {name, value}", &s->sysctls);
	return 0;
}

/* The order of findings: the controls named here first, then the others
 * in table order (pod-level ones, then each container's). */
static const char *const audit_order[] = { "namespaces",	"user",	      "sysctl",
					   "no-new-privileges", "privileged", "capabilities",
					   "seccomp",		"rootfs",     "paths",
					   "resources",		"mounts",     NULL };

static int audit_container(struct hr_k8s_audit *a, const cJSON *c, const char *cptr,
			   const struct hr_k8s_pod *pod, const struct hr_control *const *ctl)
{
	const cJSON *v, *res = NULL;
	struct hr_k8s_container k = { .ptr = cptr, .pod = pod };
	struct hr_k8s_sc s;
	int r;

	if (!cJSON_IsObject(c))
		return hr_err(a->err, HR_E_INVALID, "%s: expected a container (an object)", cptr);
	HR_K8S_WANT(c, "name", cptr, string, "a string", &v);
	k.name = v ? v->valuestring : "?";
	if ((r = read_sc(a, c, cptr, &s)) < 0) {
		free(s.ptr);
		return r;
	}
	k.sc = &s;
	{
		_cleanup_free_ char *sp = s.ptr;
		_cleanup_free_ char *rp = hr_json_ptr(cptr, "resources");
		_cleanup_free_ char *mp = hr_json_ptr(cptr, "volumeMounts");

		k.resources_ptr = rp;
		k.mounts_ptr = mp;
		HR_K8S_WANT(c, "resources", cptr, object, "an object", &res);
		HR_K8S_WANT(res, "limits", rp, object, "an object", &k.limits);
		HR_K8S_WANT(res, "requests", rp, object, "an object", &k.requests);
		HR_K8S_WANT(c, "volumeMounts", cptr, array, "an array", &k.mounts);
		for (size_t i = 0; i < hr_controls_count; i++)
			if (ctl[i]->k8s_audit_container &&
			    (r = ctl[i]->k8s_audit_container(a, &k)) < 0)
				return r;
	}
	return 0;
}

/* The runtime class (nothing enforces the profile at Run without it), and
 * the profile the pod asks for by annotation. */
static void audit_pod_runtime(struct hr_k8s_audit *a, const cJSON *rc, const cJSON *ann,
			      const char *sptr, const char *aptr)
{
	const char *want_rc = a->o->runtime_class;
	const char *have = rc ? rc->valuestring : NULL;
	bool ok = have && (want_rc ? strcmp(have, want_rc) == 0
				   : strcmp(have, "hardrun") == 0 || strncmp(have, "hardrun-", 8) == 0);
	const cJSON *pa = m_get(ann, "org.hardrun.profile");

	if (!ok) {
		_cleanup_free_ char *ptr = hr_json_ptr(sptr, "runtimeClassName");
		cJSON *w = cJSON_CreateString(want_rc ? want_rc : "hardrun");
		hr_k8s_add(a, "k8s.runtime-class", NULL, HR_CHANGED, ptr, rc, w,
			   "the pod %s, so nothing enforces the profile when it runs",
			   have ? "runs under another runtime class" : "has no runtimeClassName");
		cJSON_Delete(w);
	}
	if (cJSON_IsString(pa) && strcmp(pa->valuestring, a->short_name) != 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(aptr, "org.hardrun.profile");
		cJSON *w = cJSON_CreateString(a->short_name);
		hr_k8s_add(a, "k8s.profile-annotation", NULL, HR_WARNED, ptr, pa, w,
			   "the pod asks for profile `%s`, but was checked against `%s`",
			   pa->valuestring, a->short_name);
		cJSON_Delete(w);
	}
}

static int audit_pod(struct hr_k8s_audit *a, const cJSON *meta, const cJSON *spec, const char *mptr,
		     const char *sptr)
{
	const cJSON *v, *ann = NULL, *rc = NULL;
	_cleanup_free_ char *vptr = hr_json_ptr(sptr, "volumes");
	_cleanup_free_ char *aptr = hr_json_ptr(mptr, "annotations");
	const struct hr_control *ctl[HR_CONTROLS_MAX];
	struct hr_k8s_pod pod = { .spec = spec, .ptr = sptr, .volumes_ptr = vptr };
	struct hr_k8s_sc sc;
	int r;

	if (!cJSON_IsObject(spec))
		return hr_err(a->err, HR_E_INVALID, "%s: expected a pod spec (an object)", sptr);
	if (meta && !cJSON_IsObject(meta))
		return hr_err(a->err, HR_E_INVALID, "%s: expected an object", mptr);
	a->pod_first = a->f->n;
	pod.sc = &sc;
	if ((r = read_sc(a, spec, sptr, &sc)) < 0)
		goto out;
	if ((r = hr_k8s_want(a, spec, "volumes", sptr, hr_k8s_is_array, "an array", &pod.volumes)) <
		    0 ||
	    (r = hr_k8s_want(a, meta, "annotations", mptr, hr_k8s_is_object, "an object", &ann)) <
		    0 ||
	    (r = hr_k8s_want(a, spec, "runtimeClassName", sptr, hr_k8s_is_string, "a string",
			     &rc)) < 0)
		goto out;
	audit_pod_runtime(a, rc, ann, sptr, aptr);
	hr_controls_ordered(audit_order, ctl);
	for (size_t i = 0; i < hr_controls_count; i++)
		if (ctl[i]->k8s_audit_pod && (r = ctl[i]->k8s_audit_pod(a, &pod)) < 0)
			goto out;
	for (size_t l = 0; l < HR_ARRAY_SIZE(m_container_lists); l++) {
		const cJSON *list = NULL;
		size_t j = 0;
		if ((r = hr_k8s_want(a, spec, m_container_lists[l], sptr, hr_k8s_is_array,
				     "an array", &list)) < 0)
			goto out;
		for (v = list ? list->child : NULL; v; v = v->next, j++) {
			_cleanup_free_ char *cptr = hr_xasprintf("%s/%s/%zu", sptr, m_container_lists[l], j);
			if ((r = audit_container(a, v, cptr, &pod, ctl)) < 0)
				goto out;
		}
	}
	r = 0;
out:
	free(sc.ptr);
	return r;
}

/* Where a workload kind keeps its pod template. */
static const struct {
	const char *kind;
	const char *meta, *spec;
} workloads[] = {
	{ "Pod", "/metadata", "/spec" },
	{ "Deployment", "/spec/template/metadata", "/spec/template/spec" },
	{ "StatefulSet", "/spec/template/metadata", "/spec/template/spec" },
	{ "DaemonSet", "/spec/template/metadata", "/spec/template/spec" },
	{ "ReplicaSet", "/spec/template/metadata", "/spec/template/spec" },
	{ "ReplicationController", "/spec/template/metadata", "/spec/template/spec" },
	{ "Job", "/spec/template/metadata", "/spec/template/spec" },
	{ "CronJob", "/spec/jobTemplate/spec/template/metadata", "/spec/jobTemplate/spec/template/spec" },
};

static const cJSON *at_path(const cJSON *n, const char *path)
{
	_cleanup_free_ char *copy = hr_xstrdup(path);
	char *save = NULL;

	for (char *t = strtok_r(copy, "/", &save); t && n; t = strtok_r(NULL, "/", &save))
		n = m_get(n, t);
	return n;
}

static int audit_doc(struct hr_k8s_audit *a, const cJSON *doc, const char *base, unsigned depth,
		     size_t *n_workloads)
{
	const char *kind = m_str(doc, "kind");
	int r;

	if (!cJSON_IsObject(doc))
		return hr_err(a->err, HR_E_INVALID, "%s: expected a Kubernetes object (a mapping)",
			      base);
	if (kind && strcmp(kind, "List") == 0 && depth == 0) {
		const cJSON *items = m_get(doc, "items");
		size_t j = 0;
		if (!cJSON_IsArray(items))
			return hr_err(a->err, HR_E_INVALID, "%s/items: expected an array", base);
		for (const cJSON *it = items->child; it; it = it->next, j++) {
			_cleanup_free_ char *ptr = hr_xasprintf("%s/items/%zu", base, j);
			if ((r = audit_doc(a, it, ptr, depth + 1, n_workloads)) < 0)
				return r;
		}
		return 0;
	}
	for (size_t i = 0; kind && i < HR_ARRAY_SIZE(workloads); i++) {
		if (strcmp(kind, workloads[i].kind) != 0)
			continue;
		const cJSON *spec = at_path(doc, workloads[i].spec);
		_cleanup_free_ char *mptr = hr_xasprintf("%s%s", base, workloads[i].meta);
		_cleanup_free_ char *sptr = hr_xasprintf("%s%s", base, workloads[i].spec);
		if (!spec)
			return hr_err(a->err, HR_E_INVALID, "%s: a %s without a pod spec", sptr, kind);
		(*n_workloads)++;
		return audit_pod(a, at_path(doc, workloads[i].meta), spec, mptr, sptr);
	}
	return 0; /* a Service, a ConfigMap, ...: nothing runs from it */
}

int hr_k8s_audit(const cJSON *docs, const struct hr_profile *p,
		 const struct hr_k8s_audit_opts *o, struct hr_findings *f, size_t *ret_workloads,
		 hr_error *err)
{
	struct hr_k8s_audit a = {
		.p = p, .o = o, .f = f, .err = err, .short_name = profile_short_name(p),
		.harden = hr_harden,
	};
	size_t n = 0, i = 0;
	int r = 0;

	if (p->troubleshooting)
		hr_finding_add(f, "profile.troubleshooting", HR_WARNED, "", NULL, NULL, NULL,
			       "profile `%s` weakens isolation for troubleshooting; do not run "
			       "production workloads under it",
			       p->name);
	for (const cJSON *d = docs ? docs->child : NULL; d; d = d->next) {
		_cleanup_free_ char *base = hr_xasprintf("#%zu", ++i);
		if ((r = audit_doc(&a, d, base, 0, &n)) < 0)
			break;
	}
	free(a.short_name);
	if (r < 0)
		return r;
	if (n == 0)
		return hr_err(err, HR_E_INVALID, "no workload found (fix: give a file with a Pod, "
						 "Deployment, StatefulSet, DaemonSet, ReplicaSet, "
						 "Job or CronJob)");
	if (ret_workloads)
		*ret_workloads = n;
	return 0;
}
