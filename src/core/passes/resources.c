/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Without limits one container can take the node: memory until the OOM
 * killer picks a victim, processes until fork fails everywhere. Limits
 * are set when absent and lowered when above the profile's maximum; they
 * are never raised.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "hardrun/fields.h"
#include "hardrun/k8s_parts.h"
#include "pass.h"

#define INT64_MAX_JSON 9223372036854775807.0

/* Ensure obj.key is in (0, max]: absent, zero, negative (unlimited) or
 * larger values become max. Returns the final value. */
static int clamp(struct hr_pass_ctx *c, cJSON *obj, const char *key, const char *where,
		 int64_t max, const char *rule, const char *what, double *final)
{
	_cleanup_free_ char *ptr = hr_json_ptr(where, key);
	cJSON *v;
	int r;

	if ((r = hr_json_get_int(obj, key, where, -INT64_MAX_JSON, INT64_MAX_JSON, &v, c->err)) < 0)
		return r;
	if (v && v->valuedouble > 0 && v->valuedouble <= (double)max) {
		*final = v->valuedouble;
		return 0;
	}
	_cleanup_free_ char *before = hr_pass_brief(c, v);
	/* hr_json_set frees v */
	const char *how = !v || v->valuedouble <= 0 ? "was unset or unlimited; set to" : "lowered to";
	hr_json_set(obj, key, hr_json_new_number((double)max));
	hr_pass_changed(c, rule, ptr, before, cJSON_GetObjectItemCaseSensitive(obj, key),
			"%s %s %lld", what, how, (long long)max);
	*final = (double)max;
	return 0;
}

/* A cgroup v2 limit as the kernel reads it: an integer in C notation,
 * which memory files (memparse) may follow with K, M, G, T, P or E. */
static bool parse_cgroup_value(const char *s, bool suffixes, double *ret)
{
	static const char units[] = "KMGTPE";
	unsigned long long v;
	const char *u;
	char *end;
	double mult = 1;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return false;
	if (suffixes && *end && (u = strchr(units, toupper((unsigned char)*end)))) {
		mult = (double)(1ULL << (10 * (u - units + 1))); /* K = 2^10 .. E = 2^60 */
		end++;
	}
	if (*end)
		return false;
	*ret = (double)v * mult;
	return true;
}

/* runc's and crun's conversion of CPU shares to a cgroup v2 weight. */
static double shares_to_weight(int64_t shares)
{
	return 1 + (double)(((shares - 2) * 9999) / 262142);
}

/* cgroup v2 values set through lnx.resources.unified bypass the typed
 * fields; apply the same maxima there. */
static int clamp_unified(struct hr_pass_ctx *c, cJSON *res, double mem, double pids)
{
	static const struct {
		const char *key, *rule;
	} keys[] = { { "memory.max", "resources.memory" },
		     { "memory.swap.max", "resources.memory" },
		     { "pids.max", "resources.pids" },
		     { "cpu.weight", "resources.cpu-shares" } };
	cJSON *uni;
	int r;

	if ((r = hr_json_get_object(res, "unified", "/linux/resources", &uni, c->err)) < 0 || !uni)
		return r;
	for (size_t i = 0; i < HR_ARRAY_SIZE(keys); i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(uni, keys[i].key);
		_cleanup_free_ char *ptr = hr_json_ptr("/linux/resources/unified", keys[i].key);
		bool swap = strcmp(keys[i].key, "memory.swap.max") == 0;
		double max = swap ? 0
			   : strcmp(keys[i].key, "pids.max") == 0 ? pids
			   : strcmp(keys[i].key, "cpu.weight") == 0
				   ? shares_to_weight(c->profile->resources.cpu_shares)
				   : mem;
		char buf[32];
		double cur;

		if (!v)
			continue;
		if (!cJSON_IsString(v))
			return hr_err(c->err, HR_E_INVALID, "%s: expected a string", ptr);
		/* Anything but a number within the maximum ("max", garbage the
		 * kernel might read some other way) is replaced. */
		if (parse_cgroup_value(v->valuestring, strncmp(keys[i].key, "memory.", 7) == 0,
				       &cur) &&
		    cur <= max)
			continue;
		_cleanup_free_ char *before = hr_pass_brief(c, v);
		snprintf(buf, sizeof buf, "%.0f", max);
		hr_json_set(uni, keys[i].key, cJSON_CreateString(buf));
		hr_pass_changed(c, keys[i].rule, ptr, before,
				cJSON_GetObjectItemCaseSensitive(uni, keys[i].key),
				"cgroup v2 %s lowered to %s", keys[i].key, buf);
	}
	return 0;
}

/* linux.cgroupsPath: never a cgroup that holds processes already. */
static int cgroups_path(struct hr_pass_ctx *c, const cJSON *lnx)
{
	_cleanup_free_ char *why = NULL;
	cJSON *cp;
	int r, used;

	if ((r = hr_json_get_string(lnx, "cgroupsPath", "/linux", &cp, c->err)) < 0 || !cp ||
	    !cp->valuestring[0] || !c->env->cgroup_in_use)
		return r;
	used = c->env->cgroup_in_use(c->env->ud, cp->valuestring, &why);
	if (used == 0)
		return 0;
	_cleanup_free_ char *before = hr_json_brief(cp);
	if (used > 0)
		hr_finding_add(c->findings, "resources.cgroup-in-use", HR_REFUSED, "/linux/cgroupsPath",
			       before, NULL, NULL,
			       "cgroupsPath `%s` names a cgroup in use (%s): the container would "
			       "share its limits and its processes",
			       cp->valuestring, why ? why : "it holds processes");
	else
		hr_finding_add(c->findings, "resources.cgroup-in-use", HR_REFUSED, "/linux/cgroupsPath",
			       before, NULL, NULL,
			       "whether cgroupsPath `%s` is in use cannot be told: %s",
			       cp->valuestring, strerror(-used));
	return 0;
}

/* A page size as runc and crun name hugetlb files: 2MB, 1GB, 64KB. */
static bool page_size_ok(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && s[0] != '0' && strchr("KMG", s[n]) && s[n] && s[n + 1] == 'B' && !s[n + 2];
}

static int hugepages(struct hr_pass_ctx *c, const cJSON *res)
{
	cJSON *hl;
	size_t i = 0;
	int r;

	if ((r = hr_json_get_array(res, "hugepageLimits", "/linux/resources", &hl, c->err)) < 0 ||
	    !hl)
		return r;
	for (cJSON *e = hl->child; e; e = e->next, i++) {
		_cleanup_free_ char *ptr = hr_json_ptr_index("/linux/resources/hugepageLimits", i);
		cJSON *size, *limit;

		if (!cJSON_IsObject(e))
			return hr_err(c->err, HR_E_INVALID, "%s: expected an object", ptr);
		if ((r = hr_json_get_string(e, "pageSize", ptr, &size, c->err)) < 0 ||
		    (r = hr_json_get_int(e, "limit", ptr, 0, 18446744073709551615.0, &limit, c->err)) < 0)
			return r;
		if (!size || !page_size_ok(size->valuestring)) {
			_cleanup_free_ char *before = hr_json_brief(size);
			_cleanup_free_ char *sptr = hr_json_ptr(ptr, "pageSize");
			hr_finding_add(c->findings, "resources.hugepages", HR_REFUSED, sptr, before,
				       NULL, "name a huge page size such as 2MB or 1GB",
				       "not a huge page size: runc writes the cgroup file it names");
			continue;
		}
		if (!limit || limit->valuedouble > (double)c->profile->resources.hugepages) {
			_cleanup_free_ char *before = hr_pass_brief(c, limit);
			_cleanup_free_ char *lptr = hr_json_ptr(ptr, "limit");
			hr_json_set(e, "limit", hr_json_new_number((double)c->profile->resources.hugepages));
			hr_pass_changed(c, "resources.hugepages", lptr, before,
					cJSON_GetObjectItemCaseSensitive(e, "limit"),
					"%s huge pages limited to %lld bytes", size->valuestring,
					(long long)c->profile->resources.hugepages);
		}
	}
	return 0;
}

int hr_pass_resources(struct hr_pass_ctx *c)
{
	const struct hr_profile *p = c->profile;
	cJSON *lnx, *res, *mem, *pids, *cpu, *swap;
	double limit = 0, pid_limit = 0, shares = 0;
	int r;

	if ((r = hr_json_ensure_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = hr_json_ensure_object(lnx, "resources", "/linux", &res, c->err)) < 0 ||
	    (r = hr_json_ensure_object(res, "memory", "/linux/resources", &mem, c->err)) < 0 ||
	    (r = hr_json_ensure_object(res, "pids", "/linux/resources", &pids, c->err)) < 0 ||
	    (r = hr_json_ensure_object(res, "cpu", "/linux/resources", &cpu, c->err)) < 0)
		return r;
	if ((r = cgroups_path(c, lnx)) < 0 || (r = hugepages(c, res)) < 0)
		return r;
	if ((r = clamp(c, mem, "limit", "/linux/resources/memory", p->resources.memory,
		       "resources.memory", "memory limit", &limit)) < 0 ||
	    (r = clamp(c, pids, "limit", "/linux/resources/pids", p->resources.pids,
		       "resources.pids", "pids limit", &pid_limit)) < 0 ||
	    (r = clamp(c, cpu, "shares", "/linux/resources/cpu", p->resources.cpu_shares,
		       "resources.cpu-shares", "cpu shares", &shares)) < 0)
		return r;

	/* memory.swap is memory+swap. When it is set, it may not exceed the
	 * limit; when absent it is only added where the host can enforce it
	 * (runc fails to start a container whose swap limit it cannot set). */
	if ((r = hr_json_get_int(mem, "swap", "/linux/resources/memory", -INT64_MAX_JSON,
				 INT64_MAX_JSON, &swap, c->err)) < 0)
		return r;
	if (swap && swap->valuedouble > 0 && swap->valuedouble < limit) {
		/* memory+swap below the memory limit: runc refuses that, and the
		 * spec's own bound on memory+swap bounds memory too. */
		cJSON *lim = cJSON_GetObjectItemCaseSensitive(mem, "limit");
		_cleanup_free_ char *before = hr_pass_brief(c, lim);
		limit = swap->valuedouble;
		hr_json_set(mem, "limit", hr_json_new_number(limit));
		hr_pass_changed(c, "resources.memory", "/linux/resources/memory/limit", before,
				cJSON_GetObjectItemCaseSensitive(mem, "limit"),
				"memory limit lowered to the spec's memory+swap limit (%.0f)", limit);
		return clamp_unified(c, res, limit, pid_limit);
	}
	/* 0 is "not set" to runc, like absent. */
	if ((swap && (swap->valuedouble < 0 || swap->valuedouble > limit)) ||
	    ((!swap || swap->valuedouble == 0) && c->env->swap_accounting > 0)) {
		_cleanup_free_ char *before = hr_pass_brief(c, swap);
		hr_json_set(mem, "swap", hr_json_new_number(limit));
		hr_pass_changed(c, "resources.memory", "/linux/resources/memory/swap", before,
				cJSON_GetObjectItemCaseSensitive(mem, "swap"),
				"memory+swap limited to the memory limit (%.0f): no swap beyond it",
				limit);
	}
	return clamp_unified(c, res, limit, pid_limit);
}

/* One value of `runc update`: 0 leaves the current limit alone, a
 * negative value (unlimited) or one above `max` becomes max. */
static void clamp_update(struct hr_pass_ctx *c, cJSON *obj, const char *key, const char *where,
			 int64_t max, const char *rule, const char *what)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	_cleanup_free_ char *ptr = hr_json_ptr(where, key);
	_cleanup_free_ char *before = NULL;

	if (!v || v->valuedouble == 0 || (v->valuedouble > 0 && v->valuedouble <= (double)max))
		return;
	before = hr_json_brief(v);
	hr_json_set_number(v, (double)max);
	hr_pass_changed(c, rule, ptr, before, v, "%s update %s %lld", what,
			before[0] == '-' ? "was unlimited; set to" : "lowered to", (long long)max);
}

int hr_clamp_update(cJSON *res, const struct hr_profile *p, int swap_accounting,
		    struct hr_findings *findings, hr_error *err)
{
	struct hr_pass_ctx c = { .profile = p, .findings = findings, .err = err };
	static const struct hr_env no_env = { .swap_accounting = -1 };
	cJSON *mem, *pids, *cpu, *v;
	int r;

	c.env = &no_env;
	if (!cJSON_IsObject(res))
		return hr_err(err, HR_E_INVALID, "/: expected an object (linux.resources)");
	/* An update names only what it changes; what the table does not
	 * know, or refuses, is an error: nothing of it reaches the runtime. */
	{
		_cleanup_(hr_findings_done) struct hr_findings fields = { 0 };
		if ((r = hr_fields_judge(res, hr_field_at("/linux/resources"), "", &fields, err)) < 0)
			return r;
		for (size_t i = 0; i < fields.n; i++)
			if (fields.v[i].outcome == HR_REFUSED)
				return hr_err(err, HR_E_INVALID, "%s: %s (%s; fix: %s)",
					      fields.v[i].pointer, fields.v[i].message,
					      fields.v[i].rule->id, fields.v[i].hint);
	}
	if ((r = hr_json_get_object(res, "memory", "", &mem, err)) < 0 ||
	    (r = hr_json_get_object(res, "pids", "", &pids, err)) < 0 ||
	    (r = hr_json_get_object(res, "cpu", "", &cpu, err)) < 0 ||
	    (r = hr_json_get_int(mem, "limit", "/memory", -INT64_MAX_JSON, INT64_MAX_JSON, &v, err)) < 0 ||
	    (r = hr_json_get_int(mem, "swap", "/memory", -INT64_MAX_JSON, INT64_MAX_JSON, &v, err)) < 0 ||
	    (r = hr_json_get_int(pids, "limit", "/pids", -INT64_MAX_JSON, INT64_MAX_JSON, &v, err)) < 0 ||
	    (r = hr_json_get_int(cpu, "shares", "/cpu", 0, INT64_MAX_JSON, &v, err)) < 0)
		return r;
	if (mem) {
		clamp_update(&c, mem, "limit", "/memory", p->resources.memory, "resources.memory",
			     "memory limit");
		clamp_update(&c, mem, "swap", "/memory", p->resources.memory, "resources.memory",
			     "memory+swap limit");
		v = cJSON_GetObjectItemCaseSensitive(mem, "limit");
		if (swap_accounting > 0 && v && v->valuedouble > 0 &&
		    !cJSON_GetObjectItemCaseSensitive(mem, "swap")) {
			cJSON_AddItemToObject(mem, "swap", hr_json_new_number(v->valuedouble));
			hr_pass_changed(&c, "resources.memory", "/memory/swap", NULL,
					cJSON_GetObjectItemCaseSensitive(mem, "swap"),
					"memory+swap update set to the new memory limit (%.0f), as "
					"the container was created with no swap beyond its limit",
					v->valuedouble);
		}
	}
	if (pids)
		clamp_update(&c, pids, "limit", "/pids", p->resources.pids, "resources.pids",
			     "pids limit");
	if (cpu)
		clamp_update(&c, cpu, "shares", "/cpu", p->resources.cpu_shares,
			     "resources.cpu-shares", "cpu shares");
	return clamp_unified(&c, res, (double)p->resources.memory, (double)p->resources.pids);
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_resources(const struct hr_profile *a, const struct hr_profile *b, char *why,
			     size_t cap)
{
	if (a->resources.memory > b->resources.memory)
		return hr_weaker_say(why, cap, "allows more memory");
	if (a->resources.pids > b->resources.pids)
		return hr_weaker_say(why, cap, "allows more processes");
	if (a->resources.cpu_shares > b->resources.cpu_shares)
		return hr_weaker_say(why, cap, "allows more CPU shares");
	if (a->resources.hugepages > b->resources.hugepages)
		return hr_weaker_say(why, cap, "allows more huge pages");
	return false;
}

static void k8s_export_resources(const struct hr_profile *p, struct hr_k8s_tpl *t)
{
	cJSON *res = cJSON_AddObjectToObject(t->container, "resources");
	_cleanup_free_ char *mem = hr_k8s_bytes_quantity(p->resources.memory);
	_cleanup_free_ char *cpu = hr_k8s_millicores_quantity(
		hr_k8s_shares_millicores(p->resources.cpu_shares));

	cJSON_AddStringToObject(cJSON_AddObjectToObject(res, "limits"), "memory", mem);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(res, "requests"), "cpu", cpu);
	hr_strv_pushf(t->notes,
		      "processes: %" PRId64 " (resources.pids): Kubernetes limits them per node "
		      "(the kubelet's podPidsLimit); hardrun sets the container's limit at Run",
		      p->resources.pids);
}

/* Bytes as Docker writes sizes: 1g, 256m, 64k, or 1000b. */
static char *docker_size(int64_t b)
{
	static const struct {
		int shift;
		const char *unit;
	} units[] = { { 30, "g" }, { 20, "m" }, { 10, "k" } };
	for (size_t i = 0; i < HR_ARRAY_SIZE(units); i++) {
		int64_t u = INT64_C(1) << units[i].shift;
		if (b >= u && b % u == 0)
			return hr_xasprintf("%" PRId64 "%s", b / u, units[i].unit);
	}
	return hr_xasprintf("%" PRId64 "b", b);
}

static void docker_export_resources(const struct hr_profile *p, struct hr_docker_out *d)
{
	_cleanup_free_ char *mem = docker_size(p->resources.memory);

	/* memory+swap equal to memory: no swap beyond the limit, as hardrun. */
	hr_strv_pushf(&d->x->args, "--memory=%s", mem);
	hr_strv_pushf(&d->x->args, "--memory-swap=%s", mem);
	cJSON_AddStringToObject(d->svc, "mem_limit", mem);
	cJSON_AddStringToObject(d->svc, "memswap_limit", mem);
	hr_strv_pushf(&d->x->args, "--pids-limit=%" PRId64, p->resources.pids);
	cJSON_AddNumberToObject(d->svc, "pids_limit", (double)p->resources.pids);
	hr_strv_pushf(&d->x->args, "--cpu-shares=%" PRId64, p->resources.cpu_shares);
	cJSON_AddNumberToObject(d->svc, "cpu_shares", (double)p->resources.cpu_shares);
}

/* The memory limit and the CPU request (or limit). */
static int k8s_audit_resources(struct hr_k8s_audit *a, const struct hr_k8s_container *c)
{
	const struct hr_profile *p = a->p;
	const cJSON *limits = c->limits, *requests = c->requests;
	const char *rp = c->resources_ptr, *name = c->name;
	const cJSON *mem = NULL, *cpu = NULL;
	_cleanup_free_ char *lp = hr_json_ptr(rp, "limits");
	_cleanup_free_ char *qp = hr_json_ptr(rp, "requests");
	_cleanup_free_ char *want_mem = hr_k8s_bytes_quantity(p->resources.memory);
	int64_t max_m = hr_k8s_shares_millicores(p->resources.cpu_shares), m;
	const char *cpu_ptr = qp;

	HR_K8S_WANT(limits, "memory", lp, quantity, "a quantity", &mem);
	HR_K8S_WANT(requests, "cpu", qp, quantity, "a quantity", &cpu);
	if (!cpu) {
		/* Without a request, the limit is the request. */
		HR_K8S_WANT(limits, "cpu", lp, quantity, "a quantity", &cpu);
		cpu_ptr = lp;
	}
	m = mem ? hr_k8s_quantity_of(mem, 1) : -2;
	if (m == -1) {
		_cleanup_free_ char *ptr = hr_json_ptr(lp, "memory");
		return hr_err(a->err, HR_E_INVALID, "%s: `%s` is not a quantity", ptr,
			      cJSON_IsString(mem) ? mem->valuestring : "?");
	}
	if (m < 0 || m > p->resources.memory) {
		_cleanup_free_ char *ptr = hr_json_ptr(lp, "memory");
		cJSON *w = cJSON_CreateString(want_mem);
		hr_k8s_add(a, "k8s.memory-limit", "resources", HR_CHANGED, ptr, mem, w,
			   "container `%s` %s; hardrun would limit it to %s", name,
			   mem ? "may use more memory than the profile allows"
			       : "has no memory limit",
			   want_mem);
		cJSON_Delete(w);
	}
	if (cpu) {
		int64_t c_m = hr_k8s_quantity_of(cpu, 1000);
		_cleanup_free_ char *ptr = hr_json_ptr(cpu_ptr, "cpu");
		if (c_m < 0)
			return hr_err(a->err, HR_E_INVALID, "%s: not a quantity", ptr);
		if (c_m > max_m) {
			_cleanup_free_ char *q = hr_k8s_millicores_quantity(max_m);
			cJSON *w = cJSON_CreateString(q);
			hr_k8s_add(
				a, "k8s.cpu-request", "resources", HR_CHANGED, ptr, cpu, w,
				"container `%s` asks for more CPU weight than the profile's %" PRId64
				" shares; hardrun would lower them",
				name, p->resources.cpu_shares);
			cJSON_Delete(w);
		}
	}
	return 0;
}

const struct hr_control hr_control_resources = {
	.name = "resources",
	.pass = hr_pass_resources,
	.weaker = weaker_resources,
	.k8s_export = k8s_export_resources,
	.k8s_audit_container = k8s_audit_resources,
	.docker_export = docker_export_resources,
};
