/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Core dumps can carry secrets out of a process, so they are off; open
 * files and processes per user are capped. A missing rlimit is inherited
 * from the engine (often 1048576 files), so it is added: at the profile's
 * value, or at the hard limit the runtime itself runs with if that is
 * lower, which the container would have inherited and which the runtime
 * may not be allowed to raise.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>

#include "hardrun/k8s_parts.h"
#include "pass.h"

#define U64_MAX_JSON 18446744073709551615.0

static const struct {
	const char *type, *rule;
	int resource;
	size_t off;
} managed[] = {
	{ "RLIMIT_CORE", "rlimits.core", RLIMIT_CORE, offsetof(struct hr_profile, rlimits.core) },
	{ "RLIMIT_NOFILE", "rlimits.nofile", RLIMIT_NOFILE,
	  offsetof(struct hr_profile, rlimits.nofile) },
	{ "RLIMIT_NPROC", "rlimits.nproc", RLIMIT_NPROC, offsetof(struct hr_profile, rlimits.nproc) },
};

static int64_t cap_of(const struct hr_profile *p, size_t k)
{
	return *(const int64_t *)((const char *)p + managed[k].off);
}

/* Lowered to the profile's value when the spec sets them; an absent one
 * is inherited from the runtime, which the node's administrator set. */
static const struct {
	const char *type, *rule;
	size_t off;
} capped[] = {
	{ "RLIMIT_MEMLOCK", "rlimits.memlock", offsetof(struct hr_profile, rlimits.memlock) },
	{ "RLIMIT_RTPRIO", "rlimits.rtprio", offsetof(struct hr_profile, rlimits.rtprio) },
	{ "RLIMIT_NICE", "rlimits.nice", offsetof(struct hr_profile, rlimits.nice) },
	{ "RLIMIT_MSGQUEUE", "rlimits.msgqueue", offsetof(struct hr_profile, rlimits.msgqueue) },
};

/* What runc and crun know; the rest only restrict the process. */
static const char *const known[] = { "RLIMIT_AS",     "RLIMIT_CORE",	"RLIMIT_CPU",
				     "RLIMIT_DATA",   "RLIMIT_FSIZE",	"RLIMIT_LOCKS",
				     "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",
				     "RLIMIT_NOFILE", "RLIMIT_NPROC",	"RLIMIT_RSS",
				     "RLIMIT_RTPRIO", "RLIMIT_RTTIME",	"RLIMIT_SIGPENDING",
				     "RLIMIT_STACK" };

static void cap_present(struct hr_pass_ctx *c, cJSON *e, const char *ptr, size_t k)
{
	int64_t max = *(const int64_t *)((const char *)c->profile + capped[k].off);
	cJSON *soft = cJSON_GetObjectItemCaseSensitive(e, "soft");
	cJSON *hard = cJSON_GetObjectItemCaseSensitive(e, "hard");
	double h = hard ? hard->valuedouble : 0, s = soft ? soft->valuedouble : 0;
	_cleanup_free_ char *before = NULL;

	if (h <= (double)max && s <= h)
		return;
	before = hr_pass_brief(c, e);
	h = h < (double)max ? h : (double)max;
	s = s < h ? s : h;
	hr_json_set(e, "hard", hr_json_new_number(h));
	hr_json_set(e, "soft", hr_json_new_number(s));
	hr_pass_changed(c, capped[k].rule, ptr, before, e, "%s capped at %lld", capped[k].type,
			(long long)max);
}

int hr_pass_rlimits(struct hr_pass_ctx *c)
{
	cJSON *process, *rl;
	cJSON *found[HR_ARRAY_SIZE(managed)] = { 0 };
	size_t i = 0;
	int r;

	if ((r = hr_json_get_object(c->spec, "process", "", &process, c->err)) < 0 ||
	    (r = hr_json_ensure_array(process, "rlimits", "/process", &rl, c->err)) < 0)
		return r;
	for (cJSON *e = rl->child; e; e = e->next, i++) {
		_cleanup_free_ char *ptr = hr_json_ptr_index("/process/rlimits", i);
		cJSON *type, *soft, *hard;

		if (!cJSON_IsObject(e))
			return hr_err(c->err, HR_E_INVALID, "%s: expected an object", ptr);
		if ((r = hr_json_get_string(e, "type", ptr, &type, c->err)) < 0 ||
		    (r = hr_json_get_int(e, "soft", ptr, 0, U64_MAX_JSON, &soft, c->err)) < 0 ||
		    (r = hr_json_get_int(e, "hard", ptr, 0, U64_MAX_JSON, &hard, c->err)) < 0)
			return r;
		bool ok = false;
		for (size_t k = 0; type && k < HR_ARRAY_SIZE(known); k++)
			ok |= strcmp(type->valuestring, known[k]) == 0;
		if (!ok)
			return hr_err(c->err, HR_E_INVALID,
				      "%s/type: expected one of the RLIMIT_ names of setrlimit(2), "
				      "such as RLIMIT_NOFILE",
				      ptr);
		for (cJSON *o = rl->child; o != e; o = o->next) {
			cJSON *ot = cJSON_GetObjectItemCaseSensitive(o, "type");
			if (strcmp(ot->valuestring, type->valuestring) == 0)
				return hr_err(c->err, HR_E_INVALID,
					      "%s: %s is listed twice (fix: keep one; runtimes "
					      "refuse duplicates)",
					      ptr, type->valuestring);
		}
		for (size_t k = 0; k < HR_ARRAY_SIZE(managed); k++)
			if (strcmp(type->valuestring, managed[k].type) == 0)
				found[k] = e;
		for (size_t k = 0; k < HR_ARRAY_SIZE(capped); k++)
			if (strcmp(type->valuestring, capped[k].type) == 0)
				cap_present(c, e, ptr, k);
	}
	for (size_t k = 0; k < HR_ARRAY_SIZE(managed); k++) {
		double max = (double)cap_of(c->profile, k);
		cJSON *e = found[k];
		_cleanup_free_ char *before = hr_pass_brief(c, e), *ptr = NULL;
		size_t idx = 0;

		if (e) {
			cJSON *soft = cJSON_GetObjectItemCaseSensitive(e, "soft");
			cJSON *hard = cJSON_GetObjectItemCaseSensitive(e, "hard");
			/* An absent limit is 0 to the runtime (Go's zero value):
			 * it is written out, never raised. */
			double h = hard ? hard->valuedouble : 0, s = soft ? soft->valuedouble : 0;
			if (hard && soft && h <= max && s <= h)
				continue;
			h = h < max ? h : max;
			s = s < h ? s : h;
			hr_json_set(e, "hard", hr_json_new_number(h));
			hr_json_set(e, "soft", hr_json_new_number(s));
			for (cJSON *x = rl->child; x != e; x = x->next)
				idx++;
		} else {
			const struct hr_env *env = c->env;
			double own = env && env->own_rlimits_known
					     ? (double)env->own_hard_rlimits[managed[k].resource]
					     : max;
			bool lower = own < max;
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "type", managed[k].type);
			cJSON_AddNumberToObject(e, "hard", lower ? own : max);
			cJSON_AddNumberToObject(e, "soft", lower ? own : max);
			idx = (size_t)cJSON_GetArraySize(rl);
			cJSON_AddItemToArray(rl, e);
			if (lower) {
				ptr = hr_json_ptr_index("/process/rlimits", idx);
				hr_pass_changed(c, managed[k].rule, ptr, before, e,
						"%s set to %.0f, the hard limit the runtime runs "
						"with, which is below the profile's %.0f and "
						"which it may not be allowed to raise",
						managed[k].type, own, max);
				continue;
			}
		}
		ptr = hr_json_ptr_index("/process/rlimits", idx);
		hr_pass_changed(c, managed[k].rule, ptr, before, e, "%s capped at %.0f",
				managed[k].type, max);
	}
	return 0;
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_rlimits(const struct hr_profile *a, const struct hr_profile *b, char *why,
			   size_t cap)
{
	if (a->rlimits.core > b->rlimits.core)
		return hr_weaker_say(why, cap, "allows core dumps");
	if (a->rlimits.nofile > b->rlimits.nofile)
		return hr_weaker_say(why, cap, "allows more open files");
	if (a->rlimits.nproc > b->rlimits.nproc)
		return hr_weaker_say(why, cap, "allows more processes per user");
	if (a->rlimits.memlock > b->rlimits.memlock)
		return hr_weaker_say(why, cap, "allows more locked memory");
	if (a->rlimits.rtprio > b->rlimits.rtprio)
		return hr_weaker_say(why, cap, "allows real-time priorities");
	if (a->rlimits.nice > b->rlimits.nice)
		return hr_weaker_say(why, cap, "allows raising the priority (RLIMIT_NICE)");
	if (a->rlimits.msgqueue > b->rlimits.msgqueue)
		return hr_weaker_say(why, cap, "allows more message queue bytes");
	return false;
}

static void k8s_export_rlimits(const struct hr_profile *p, struct hr_k8s_tpl *t)
{
	hr_strv_pushf(t->notes,
		      "rlimits core=%" PRId64 " nofile=%" PRId64 " nproc=%" PRId64
		      ": Kubernetes has no rlimit setting; hardrun sets them at Run",
		      p->rlimits.core, p->rlimits.nofile, p->rlimits.nproc);
}

static cJSON *ulimit(int64_t v)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "soft", (double)v);
	cJSON_AddNumberToObject(o, "hard", (double)v);
	return o;
}

static void docker_export_rlimits(const struct hr_profile *p, struct hr_docker_out *d)
{
	cJSON *ul;

	hr_strv_pushf(&d->x->args, "--ulimit=core=%" PRId64 ":%" PRId64, p->rlimits.core,
		      p->rlimits.core);
	hr_strv_pushf(&d->x->args, "--ulimit=nofile=%" PRId64 ":%" PRId64, p->rlimits.nofile,
		      p->rlimits.nofile);
	hr_strv_pushf(&d->x->args, "--ulimit=nproc=%" PRId64 ":%" PRId64, p->rlimits.nproc,
		      p->rlimits.nproc);
	ul = cJSON_AddObjectToObject(d->svc, "ulimits");
	cJSON_AddItemToObject(ul, "core", ulimit(p->rlimits.core));
	cJSON_AddItemToObject(ul, "nofile", ulimit(p->rlimits.nofile));
	cJSON_AddItemToObject(ul, "nproc", ulimit(p->rlimits.nproc));
}

const struct hr_control hr_control_rlimits = {
	.name = "rlimits",
	.pass = hr_pass_rlimits,
	.weaker = weaker_rlimits,
	.k8s_export = k8s_export_rlimits,
	.docker_export = docker_export_rlimits,
};
