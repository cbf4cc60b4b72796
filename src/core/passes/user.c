/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Root in a container is root on the host's kernel, one bug away. The
 * process gets the profile's unprivileged ids instead, gid 0 leaves the
 * supplementary groups, and the umask only ever gains bits. In a user
 * namespace of the container's own (see userns.c) root is an
 * unprivileged host id, and the profile's "userns": {"allowRoot"} says
 * whether it may be root there.
 */
#include "config.h"

#include <math.h>

#include "hardrun/k8s_parts.h"
#include "pass.h"

#define UID_MAX_JSON 4294967295.0
#define RUNC_DEFAULT_UMASK 022

int hr_pass_user(struct hr_pass_ctx *c)
{
	const struct hr_profile *p = c->profile;
	cJSON *process, *user, *uid, *gid, *groups, *umask;
	int r;

	if ((r = hr_json_get_object(c->spec, "process", "", &process, c->err)) < 0)
		return r;
	if (!process)
		return hr_err(c->err, HR_E_INVALID,
			      "/process: missing (fix: a spec that runs a container needs a "
			      "process; `runc spec` shows one)");
	if ((r = hr_json_ensure_object(process, "user", "/process", &user, c->err)) < 0 ||
	    (r = hr_json_get_int(user, "uid", "/process/user", 0, UID_MAX_JSON, &uid, c->err)) < 0 ||
	    (r = hr_json_get_int(user, "gid", "/process/user", 0, UID_MAX_JSON, &gid, c->err)) < 0 ||
	    (r = hr_json_get_array(user, "additionalGids", "/process/user", &groups, c->err)) < 0 ||
	    (r = hr_json_get_int(user, "umask", "/process/user", 0, UID_MAX_JSON, &umask, c->err)) < 0)
		return r;

	/* Every group is judged, whatever the profile lets root be: the
	 * runtime would pass a group it cannot read on to setgroups. */
	size_t gi = 0;
	for (const cJSON *g = groups ? groups->child : NULL; g; g = g->next, gi++)
		if (!cJSON_IsNumber(g) || g->valuedouble < 0 || g->valuedouble > UID_MAX_JSON ||
		    g->valuedouble != hr_floor(g->valuedouble)) {
			_cleanup_free_ char *ptr = hr_json_ptr_index("/process/user/additionalGids", gi);
			return hr_err(c->err, HR_E_INVALID, "%s: expected a group id (0 to 4294967295)",
				      ptr);
		}

	/* Root in a user namespace of the container's own is not host root. */
	if (!p->user.allow_root && !(p->userns.allow_root && hr_pass_in_userns(c))) {
		/* An absent id is 0 to the runtime. */
		if (!uid || uid->valuedouble == 0) {
			_cleanup_free_ char *before = hr_pass_brief(c, uid);
			hr_json_set(user, "uid", hr_json_new_number(p->user.uid));
			hr_pass_changed(c, "user.root-uid", "/process/user/uid", before,
					cJSON_GetObjectItemCaseSensitive(user, "uid"),
					"the process would run as root; it runs as uid %u",
					p->user.uid);
		}
		if (!gid || gid->valuedouble == 0) {
			_cleanup_free_ char *before = hr_pass_brief(c, gid);
			hr_json_set(user, "gid", hr_json_new_number(p->user.gid));
			hr_pass_changed(c, "user.root-gid", "/process/user/gid", before,
					cJSON_GetObjectItemCaseSensitive(user, "gid"),
					"the process's group would be root; it is gid %u",
					p->user.gid);
		}
		if (groups) {
			_cleanup_free_ char *before = hr_pass_brief(c, groups);
			bool removed = false;
			cJSON *g = groups->child;

			while (g) {
				cJSON *next = g->next;
				if (g->valuedouble == 0) {
					cJSON_Delete(cJSON_DetachItemViaPointer(groups, g));
					removed = true;
				}
				g = next;
			}
			if (removed)
				hr_pass_changed(c, "user.root-additional-gid",
						"/process/user/additionalGids", before, groups,
						"gid 0 removed from the supplementary groups");
		}
	}

	uint32_t old = umask ? (uint32_t)umask->valuedouble : RUNC_DEFAULT_UMASK;
	uint32_t want = (old | p->user.umask) & 0777;
	if (!umask || want != old) {
		_cleanup_free_ char *before = hr_pass_brief(c, umask);
		hr_json_set(user, "umask", hr_json_new_number(want));
		hr_pass_changed(c, "user.umask", "/process/user/umask", before,
				cJSON_GetObjectItemCaseSensitive(user, "umask"),
				"umask %04o (the profile requires at least %04o)", want,
				p->user.umask);
	}
	return 0;
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_user(const struct hr_profile *a, const struct hr_profile *b, char *why,
			size_t cap)
{
	if (a->user.allow_root && !b->user.allow_root)
		return hr_weaker_say(why, cap, "allows root");
	if (a->user.uid != b->user.uid || a->user.gid != b->user.gid)
		return hr_weaker_say(why, cap, "runs processes as %u:%u, not %u:%u", a->user.uid,
				     a->user.gid, b->user.uid, b->user.gid);
	if ((a->user.umask & b->user.umask) != b->user.umask)
		return hr_weaker_say(why, cap, "has a umask (%04o) without bits of %04o",
				     a->user.umask, b->user.umask);
	return false;
}

static void k8s_export_user(const struct hr_profile *p, struct hr_k8s_tpl *t)
{
	if (!p->user.allow_root) {
		cJSON_AddBoolToObject(t->pod_sc, "runAsNonRoot", true);
		cJSON_AddNumberToObject(t->pod_sc, "runAsUser", p->user.uid);
		cJSON_AddNumberToObject(t->pod_sc, "runAsGroup", p->user.gid);
	}
	hr_strv_pushf(t->notes,
		      "umask %04o: Kubernetes has no umask setting; hardrun sets it at Run",
		      p->user.umask);
}

static void docker_export_user(const struct hr_profile *p, struct hr_docker_out *d)
{
	if (!p->user.allow_root) {
		hr_strv_pushf(&d->x->args, "--user=%u:%u", p->user.uid, p->user.gid);
		_cleanup_free_ char *u = hr_xasprintf("%u:%u", p->user.uid, p->user.gid);
		cJSON_AddStringToObject(d->svc, "user", u);
	}
	hr_strv_pushf(&d->x->notes,
		      "umask %04o: docker run has no umask flag; hardrun sets it at Run",
		      p->user.umask);
	if (!p->user.allow_root)
		hr_strv_pushf(&d->x->notes,
			      "--user applies to every image; hardrun changes only root (an image "
			      "that runs as another user keeps it): drop --user for such an image");
}

/* Groups set for the whole pod. */
static int k8s_audit_pod_user(struct hr_k8s_audit *a, const struct hr_k8s_pod *pp)
{
	const struct hr_k8s_sc *pod = pp->sc;
	const struct hr_profile *p = a->p;
	size_t j = 0;

	if (p->user.allow_root)
		return 0;
	for (const cJSON *v = pod->supp ? pod->supp->child : NULL; v; v = v->next, j++) {
		if (!hr_k8s_is_int(v))
			return hr_err(a->err, HR_E_INVALID,
				      "%s/supplementalGroups/%zu: expected an "
				      "integer",
				      pod->ptr, j);
		if (v->valuedouble != 0)
			continue;
		_cleanup_free_ char *ptr = hr_xasprintf("%s/supplementalGroups/%zu", pod->ptr, j);
		hr_k8s_add(a, "k8s.run-as-root-group", "user", HR_CHANGED, ptr, v, NULL,
			   "the pod adds group 0 to its containers; hardrun would remove it");
	}
	if (pod->fs_group && pod->fs_group->valuedouble == 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(pod->ptr, "fsGroup");
		cJSON *w = cJSON_CreateNumber(p->user.gid);
		hr_k8s_add(a, "k8s.run-as-root-group", "user", HR_CHANGED, ptr, pod->fs_group, w,
			   "the pod's volumes are owned by group 0 (fsGroup 0), which its "
			   "containers join");
		cJSON_Delete(w);
	}
	return 0;
}

/* user: the container's value, else the pod's (where it is set). */
static int k8s_audit_user(struct hr_k8s_audit *a, const struct hr_k8s_container *c)
{
	const struct hr_profile *p = a->p;
	const struct hr_k8s_sc *s = c->sc, *pod = c->pod->sc;
	const char *name = c->name;
	const cJSON *uid = s->run_as_user ? s->run_as_user : pod->run_as_user;
	const char *uptr = s->run_as_user ? s->ptr : pod->ptr;
	const cJSON *nr = s->run_as_non_root ? s->run_as_non_root : pod->run_as_non_root;
	const cJSON *gid = s->run_as_group ? s->run_as_group : pod->run_as_group;
	const char *gptr = s->run_as_group ? s->ptr : pod->ptr;
	cJSON *want_uid, *want_gid, *t;

	if (p->user.allow_root)
		return 0;
	/* Under a profile that gives root a user namespace of its own, root
	 * stays root there: say so, not that it would change. */
	_cleanup_free_ char *becomes =
		p->userns.enabled && p->userns.allow_root
			? hr_xstrdup(
				  "under hardrun it is root only in a user namespace of its own, "
				  "never host root")
			: hr_xasprintf("hardrun would run it as uid %u", p->user.uid);

	want_uid = cJSON_CreateNumber(p->user.uid);
	want_gid = cJSON_CreateNumber(p->user.gid);
	t = cJSON_CreateTrue();
	if (uid && uid->valuedouble == 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(uptr, "runAsUser");
		hr_k8s_add(a, "k8s.run-as-root", "user", HR_CHANGED, ptr, uid, want_uid,
			   "container `%s` runs as root (runAsUser 0); %s", name, becomes);
	} else if (!uid && !cJSON_IsTrue(nr)) {
		_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "runAsNonRoot");
		hr_k8s_add(a, "k8s.run-as-root", "user", HR_CHANGED, ptr, nr, t,
			   "container `%s` may run as root (no runAsUser, runAsNonRoot not "
			   "true): its image decides; %s",
			   name, becomes);
	}
	if (!gid || gid->valuedouble == 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(gid ? gptr : s->ptr, "runAsGroup");
		hr_k8s_add(a, "k8s.run-as-root-group", "user", HR_CHANGED, ptr, gid, want_gid,
			   "container `%s` %s; hardrun would give it gid %u", name,
			   gid ? "runs with group 0 (runAsGroup 0)"
			       : "may run with group 0 (no runAsGroup)",
			   p->user.gid);
	}
	cJSON_Delete(want_uid);
	cJSON_Delete(want_gid);
	cJSON_Delete(t);
	return 0;
}

const struct hr_control hr_control_user = {
	.name = "user",
	.pass = hr_pass_user,
	.weaker = weaker_user,
	.k8s_export = k8s_export_user,
	.k8s_audit_pod = k8s_audit_pod_user,
	.k8s_audit_container = k8s_audit_user,
	.docker_export = docker_export_user,
};
