/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/json.h"
#include "hardrun/profile.h"
#include "hardrun/seccomp.h"
#include "hardrun/seccomp_import.h"

/* Docker names architectures as Go does (GOARCH); libseccomp by ABI. */
static const struct {
	const char *go, *abi;
} go_arches[] = {
	{ "amd64", "x86_64" },	   { "386", "x86" },	     { "x86", "x86" },
	{ "x32", "x32" },	   { "arm64", "aarch64" },   { "arm", "arm" },
	{ "ppc64le", "ppc64le" },  { "ppc64", "ppc64" },     { "s390x", "s390x" },
	{ "s390", "s390" },	   { "riscv64", "riscv64" }, { "mips64", "mips64" },
	{ "mips64n32", "mips64n32" }, { "mipsel64", "mipsel64" },
	{ "mipsel64n32", "mipsel64n32" }, { "mips", "mips" }, { "mipsel", "mipsel" },
	{ "loong64", "loongarch64" },
};

static bool arch_listed(const cJSON *list, uint32_t arch)
{
	for (const cJSON *a = list ? list->child : NULL; a; a = a->next) {
		if (!cJSON_IsString(a))
			continue;
		for (size_t i = 0; i < HR_ARRAY_SIZE(go_arches); i++)
			if (strcmp(go_arches[i].go, a->valuestring) == 0 &&
			    seccomp_arch_resolve_name(go_arches[i].abi) == arch)
				return true;
	}
	return false;
}

static bool has_cap(uint64_t caps, const char *name)
{
	int v = hr_cap_from_name(name);
	return v >= 0 && (caps & (UINT64_C(1) << v));
}

/* "4.8" >= major.minor? An unknown kernel (0.0) passes. */
static bool kernel_at_least(const struct hr_import_target *t, const char *min)
{
	unsigned maj = 0, mnr = 0;

	if (!t->kernel_major || sscanf(min, "%u.%u", &maj, &mnr) < 1)
		return true;
	return t->kernel_major > maj || (t->kernel_major == maj && t->kernel_minor >= mnr);
}

static int check_conditions(const cJSON *cond, const char *ptr, hr_error *err)
{
	static const char *const keys[] = { "caps", "arches", "minKernel" };

	if (!cond)
		return 0;
	if (!cJSON_IsObject(cond))
		return hr_err(err, HR_E_INVALID, "%s: expected an object", ptr);
	for (const cJSON *m = cond->child; m; m = m->next) {
		bool ok = false;
		for (size_t i = 0; i < HR_ARRAY_SIZE(keys); i++)
			ok |= strcmp(keys[i], m->string) == 0;
		if (!ok)
			return hr_err(err, HR_E_INVALID,
				      "%s/%s: unknown key (fix: caps, arches or minKernel)", ptr,
				      m->string);
		if (strcmp(m->string, "minKernel") == 0 ? !cJSON_IsString(m)
							 : hr_json_check_string_array(m, ptr, NULL) < 0 ||
								   !cJSON_IsArray(m))
			return hr_err(err, HR_E_INVALID, "%s/%s: wrong type", ptr, m->string);
	}
	return 0;
}

/* Does the entry apply to this target, as Docker decides it? */
static bool applies(const cJSON *e, const struct hr_import_target *t)
{
	const cJSON *inc = cJSON_GetObjectItemCaseSensitive(e, "includes");
	const cJSON *exc = cJSON_GetObjectItemCaseSensitive(e, "excludes");
	const cJSON *ic = cJSON_GetObjectItemCaseSensitive(inc, "caps");
	const cJSON *ia = cJSON_GetObjectItemCaseSensitive(inc, "arches");
	const cJSON *ik = cJSON_GetObjectItemCaseSensitive(inc, "minKernel");
	const cJSON *ec = cJSON_GetObjectItemCaseSensitive(exc, "caps");
	const cJSON *ea = cJSON_GetObjectItemCaseSensitive(exc, "arches");

	for (const cJSON *c = ic ? ic->child : NULL; c; c = c->next)
		if (!has_cap(t->caps, c->valuestring))
			return false; /* every included capability is needed */
	if (ia && ia->child && !arch_listed(ia, t->arch))
		return false;
	if (cJSON_IsString(ik) && !kernel_at_least(t, ik->valuestring))
		return false;
	for (const cJSON *c = ec ? ec->child : NULL; c; c = c->next)
		if (has_cap(t->caps, c->valuestring))
			return false; /* any excluded capability rules it out */
	if (ea && arch_listed(ea, t->arch))
		return false;
	return true;
}

int hr_seccomp_import(const cJSON *docker, const struct hr_import_target *t, cJSON **ret,
		      char ***notes, hr_error *err)
{
	const cJSON *act = cJSON_GetObjectItemCaseSensitive(docker, "defaultAction");
	const cJSON *eno = cJSON_GetObjectItemCaseSensitive(docker, "defaultErrnoRet");
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(docker, "syscalls");
	cJSON *out, *allow, *rules;
	size_t i = 0;
	int a, r;

	if (!cJSON_IsObject(docker))
		return hr_err(err, HR_E_INVALID, "/: expected a seccomp profile object");
	if (!cJSON_IsString(act) || (a = hr_seccomp_action_from_name(act->valuestring)) < 0)
		return hr_err(err, HR_E_INVALID, "/defaultAction: expected an OCI seccomp action");
	if (!hr_seccomp_action_denies(a))
		return hr_err(err, HR_E_INVALID,
			      "/defaultAction: %s allows what the file does not name; hardrun "
			      "imports allowlists only (fix: import a profile whose default "
			      "denies, such as Docker's)",
			      act->valuestring);
	if (eno && (!cJSON_IsNumber(eno) || eno->valuedouble < 1 || eno->valuedouble > 4095))
		return hr_err(err, HR_E_INVALID, "/defaultErrnoRet: expected an errno number");
	if (calls && !cJSON_IsArray(calls))
		return hr_err(err, HR_E_INVALID, "/syscalls: expected an array");

	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "defaultAction", act->valuestring);
	cJSON_AddNumberToObject(out, "defaultErrno", eno ? eno->valuedouble : 1);
	allow = cJSON_AddArrayToObject(out, "allow");
	rules = cJSON_AddArrayToObject(out, "rules");

	for (const cJSON *e = calls ? calls->child : NULL; e; e = e->next, i++) {
		_cleanup_free_ char *ptr = hr_xasprintf("/syscalls/%zu", i);
		_cleanup_free_ char *iptr = hr_xasprintf("%s/includes", ptr);
		_cleanup_free_ char *xptr = hr_xasprintf("%s/excludes", ptr);
		const cJSON *names, *args, *eact;
		bool plain;
		cJSON *kept;

		/* Go writes an empty list as null ("args": null): absent. The
		 * members are looked up after this, so none points at a member
		 * deleted here. */
		for (cJSON *m = e->child; m;) {
			cJSON *next = m->next;
			if (cJSON_IsNull(m))
				cJSON_Delete(cJSON_DetachItemViaPointer((cJSON *)e, m));
			m = next;
		}
		names = cJSON_GetObjectItemCaseSensitive(e, "names");
		args = cJSON_GetObjectItemCaseSensitive(e, "args");
		eact = cJSON_GetObjectItemCaseSensitive(e, "action");
		/* Old files name one call per entry in "name". */
		if (!names && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "name"))) {
			cJSON *n = cJSON_CreateArray();
			cJSON_AddItemToArray(n, cJSON_CreateString(
						      cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring));
			cJSON_AddItemToObject((cJSON *)e, "names", n);
			names = n;
		}
		if ((r = hr_seccomp_rule_check(e, ptr, false, err)) < 0 ||
		    (r = check_conditions(cJSON_GetObjectItemCaseSensitive(e, "includes"), iptr, err)) < 0 ||
		    (r = check_conditions(cJSON_GetObjectItemCaseSensitive(e, "excludes"), xptr, err)) < 0)
			goto fail;
		if (!cJSON_IsArray(names) || !cJSON_IsString(eact) ||
		    hr_seccomp_action_from_name(eact->valuestring) < 0) {
			r = hr_err(err, HR_E_INVALID,
				   "%s: an entry needs names (an array) and an OCI action", ptr);
			goto fail;
		}
		if (hr_seccomp_action_from_name(eact->valuestring) == HR_ACT_NOTIFY) {
			r = hr_err(err, HR_E_INVALID,
				   "%s/action: SCMP_ACT_NOTIFY needs a listener, which a profile "
				   "cannot name",
				   ptr);
			goto fail;
		}
		if (!applies(e, t))
			continue;
		plain = strcmp(eact->valuestring, "SCMP_ACT_ALLOW") == 0 && (!args || !args->child);
		kept = cJSON_CreateArray();
		for (const cJSON *n = names->child; n; n = n->next) {
			if (!cJSON_IsString(n)) {
				cJSON_Delete(kept);
				r = hr_err(err, HR_E_INVALID, "%s/names: expected strings", ptr);
				goto fail;
			}
			if (!hr_seccomp_name_known(n->valuestring)) {
				hr_strv_push(notes, n->valuestring);
				continue;
			}
			cJSON_AddItemToArray(kept, cJSON_CreateString(n->valuestring));
		}
		if (!kept->child) {
			cJSON_Delete(kept);
			continue;
		}
		if (plain) {
			for (const cJSON *n = kept->child; n; n = n->next)
				cJSON_AddItemToArray(allow, cJSON_CreateString(n->valuestring));
			cJSON_Delete(kept);
		} else {
			cJSON *rule = cJSON_CreateObject();
			const cJSON *er = cJSON_GetObjectItemCaseSensitive(e, "errnoRet");
			cJSON_AddItemToObject(rule, "names", kept);
			cJSON_AddStringToObject(rule, "action", eact->valuestring);
			if (er)
				cJSON_AddItemToObject(rule, "errnoRet", cJSON_Duplicate(er, true));
			if (args && args->child)
				cJSON_AddItemToObject(rule, "args", cJSON_Duplicate(args, true));
			cJSON_AddItemToArray(rules, rule);
		}
	}
	*ret = out;
	return 0;
fail:
	cJSON_Delete(out);
	return r;
}
