/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/json.h"
#include "hardrun/seccomp.h"

static const char *const action_names[HR_ACT__MAX] = {
	[HR_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[HR_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
	[HR_ACT_KILL] = "SCMP_ACT_KILL",
	[HR_ACT_TRAP] = "SCMP_ACT_TRAP",
	[HR_ACT_ERRNO] = "SCMP_ACT_ERRNO",
	[HR_ACT_TRACE] = "SCMP_ACT_TRACE",
	[HR_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
	[HR_ACT_LOG] = "SCMP_ACT_LOG",
	[HR_ACT_ALLOW] = "SCMP_ACT_ALLOW",
};

static const char *const op_names[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

/* The ABI names libseccomp accepts; which of them a given libseccomp
 * supports is asked of libseccomp itself. */
static const char *const arch_abi_names[] = {
	"x86_64", "x86",     "x32",	 "aarch64",   "arm",	      "riscv64", "ppc64le",
	"ppc64",  "ppc",     "s390x",	 "s390",      "mips",	      "mipsel",	 "mips64",
	"mipsel64", "mips64n32", "mipsel64n32", "parisc", "parisc64", "loongarch64", "m68k",
	"sh", "sheb",
};

int hr_seccomp_action_from_name(const char *name)
{
	for (int i = 0; i < HR_ACT__MAX; i++)
		if (strcmp(action_names[i], name) == 0)
			return i;
	return -1;
}

const char *hr_seccomp_action_name(int action)
{
	return (unsigned)action < HR_ACT__MAX ? action_names[action] : "SCMP_ACT_KILL_PROCESS";
}

bool hr_seccomp_action_denies(int action)
{
	return action >= HR_ACT_KILL_PROCESS && action <= HR_ACT_ERRNO;
}

static uint32_t abi_token(const char *abi)
{
	return seccomp_arch_resolve_name(abi);
}

uint32_t hr_seccomp_arch_from_name(const char *name, const char **ret_oci)
{
	static char oci[HR_ARRAY_SIZE(arch_abi_names)][32];
	uint32_t want = 0;
	char abi[32];
	size_t i;

	if (strcmp(name, "native") == 0) {
		want = seccomp_arch_native();
	} else {
		if (strncmp(name, "SCMP_ARCH_", 10) != 0 || strlen(name + 10) >= sizeof abi)
			return 0;
		for (i = 0; name[10 + i]; i++)
			abi[i] = (char)tolower((unsigned char)name[10 + i]);
		abi[i] = '\0';
	}
	for (i = 0; i < HR_ARRAY_SIZE(arch_abi_names); i++) {
		uint32_t tok = abi_token(arch_abi_names[i]);
		if (!tok)
			continue;
		if (want ? tok == want : strcmp(arch_abi_names[i], abi) == 0) {
			if (!oci[i][0]) {
				size_t k;
				memcpy(oci[i], "SCMP_ARCH_", 10);
				for (k = 0; arch_abi_names[i][k]; k++)
					oci[i][10 + k] =
						(char)toupper((unsigned char)arch_abi_names[i][k]);
				oci[i][10 + k] = '\0';
			}
			if (ret_oci)
				*ret_oci = oci[i];
			return tok;
		}
	}
	return 0;
}

bool hr_seccomp_name_known(const char *name)
{
	if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR)
		return true;
	for (size_t i = 0; i < HR_ARRAY_SIZE(arch_abi_names); i++) {
		uint32_t tok = abi_token(arch_abi_names[i]);
		if (tok && seccomp_syscall_resolve_name_arch(tok, name) != __NR_SCMP_ERROR)
			return true;
	}
	return false;
}

/* --- validation -------------------------------------------------------- */

static int check_u64(const cJSON *j, const char *ptr, hr_error *err)
{
	if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > 18446744073709551615.0 ||
	    j->valuedouble != hr_floor(j->valuedouble))
		return hr_err(err, HR_E_INVALID, "%s: expected an unsigned 64-bit integer", ptr);
	return 0;
}

static int check_rule(const cJSON *rule, const char *ptr, bool strict_names, hr_error *err)
{
	static const char *const keys[] = { "names", "action", "errnoRet", "args", "comment",
					    "includes", "excludes", NULL };
	cJSON *names, *action, *eno, *args;
	size_t i = 0;
	int r, a;

	if (!cJSON_IsObject(rule))
		return hr_err(err, HR_E_INVALID, "%s: expected an object", ptr);
	if (strict_names) {
		for (const cJSON *m = rule->child; m; m = m->next) {
			bool ok = false;
			for (size_t k = 0; k < 4 && keys[k]; k++)
				ok |= strcmp(m->string, keys[k]) == 0;
			if (!ok)
				return hr_err(err, HR_E_INVALID,
					      "%s/%s: unknown key (fix: a rule has names, action, "
					      "errnoRet and args)",
					      ptr, m->string);
		}
	}
	if ((r = hr_json_get_array(rule, "names", ptr, &names, err)) < 0 ||
	    (r = hr_json_get_string(rule, "action", ptr, &action, err)) < 0 ||
	    (r = hr_json_get(rule, "errnoRet", ptr, &eno, err)) < 0 ||
	    (r = hr_json_get_array(rule, "args", ptr, &args, err)) < 0)
		return r;
	if (!names || !names->child)
		return hr_err(err, HR_E_INVALID, "%s/names: expected a non-empty array of "
						 "system call names",
			      ptr);
	{
		_cleanup_free_ char *np = hr_json_ptr(ptr, "names");
		if ((r = hr_json_check_string_array(names, np, err)) < 0)
			return r;
	}
	if (strict_names)
		for (const cJSON *n = names->child; n; n = n->next, i++)
			if (!hr_seccomp_name_known(n->valuestring))
				return hr_err(err, HR_E_INVALID,
					      "%s/names/%zu: `%s` is not a system call on any "
					      "architecture libseccomp knows (fix: check the spelling)",
					      ptr, i, n->valuestring);
	if (!action || (a = hr_seccomp_action_from_name(action->valuestring)) < 0)
		return hr_err(err, HR_E_INVALID,
			      "%s/action: expected an OCI seccomp action such as SCMP_ACT_ALLOW "
			      "or SCMP_ACT_ERRNO",
			      ptr);
	if (strict_names && a == HR_ACT_NOTIFY)
		return hr_err(err, HR_E_INVALID,
			      "%s/action: SCMP_ACT_NOTIFY needs a listener, which a profile "
			      "cannot name (fix: use SCMP_ACT_ALLOW or SCMP_ACT_ERRNO)",
			      ptr);
	if (eno && (!cJSON_IsNumber(eno) || eno->valuedouble < 0 || eno->valuedouble > 4095 ||
		    eno->valuedouble != hr_floor(eno->valuedouble)))
		return hr_err(err, HR_E_INVALID, "%s/errnoRet: expected an errno number (0-4095)",
			      ptr);
	i = 0;
	for (const cJSON *arg = args ? args->child : NULL; arg; arg = arg->next, i++) {
		_cleanup_free_ char *app = hr_xasprintf("%s/args/%zu", ptr, i);
		cJSON *idx, *val, *val2, *op;
		bool op_ok = false;

		if (i >= 6)
			return hr_err(err, HR_E_INVALID,
				      "%s/args: more than 6 conditions (a system call has at most "
				      "6 arguments)",
				      ptr);
		if (!cJSON_IsObject(arg))
			return hr_err(err, HR_E_INVALID, "%s: expected an object", app);
		for (const cJSON *m = strict_names ? arg->child : NULL; m; m = m->next)
			if (strcmp(m->string, "index") != 0 && strcmp(m->string, "value") != 0 &&
			    strcmp(m->string, "valueTwo") != 0 && strcmp(m->string, "op") != 0)
				return hr_err(err, HR_E_INVALID,
					      "%s/%s: unknown key (fix: a condition has index, "
					      "value, valueTwo and op)",
					      app, m->string);
		if ((r = hr_json_get(arg, "index", app, &idx, err)) < 0 ||
		    (r = hr_json_get(arg, "value", app, &val, err)) < 0 ||
		    (r = hr_json_get(arg, "valueTwo", app, &val2, err)) < 0 ||
		    (r = hr_json_get_string(arg, "op", app, &op, err)) < 0)
			return r;
		if (!cJSON_IsNumber(idx) || idx->valuedouble < 0 || idx->valuedouble > 5 ||
		    idx->valuedouble != hr_floor(idx->valuedouble))
			return hr_err(err, HR_E_INVALID, "%s/index: expected 0 to 5", app);
		if (val && (r = check_u64(val, app, err)) < 0)
			return r;
		if (val2 && (r = check_u64(val2, app, err)) < 0)
			return r;
		for (size_t k = 0; op && k < HR_ARRAY_SIZE(op_names); k++)
			op_ok |= strcmp(op->valuestring, op_names[k]) == 0;
		if (!op_ok)
			return hr_err(err, HR_E_INVALID,
				      "%s/op: expected an OCI comparison such as SCMP_CMP_EQ or "
				      "SCMP_CMP_MASKED_EQ",
				      app);
	}
	return 0;
}

int hr_seccomp_rule_check(const cJSON *rule, const char *ptr, bool strict, hr_error *err)
{
	return check_rule(rule, ptr, strict, err);
}

static int check_rules(const cJSON *rules, const char *where, bool strict, hr_error *err)
{
	size_t i = 0;

	if (!cJSON_IsArray(rules))
		return hr_err(err, HR_E_INVALID, "%s: expected an array of rules", where);
	for (const cJSON *rule = rules->child; rule; rule = rule->next, i++) {
		_cleanup_free_ char *p = hr_json_ptr_index(where, i);
		int r = check_rule(rule, p, strict, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int hr_seccomp_rules_check(const cJSON *rules, const char *where, hr_error *err)
{
	return check_rules(rules, where, true, err);
}

int hr_seccomp_spec_check(const cJSON *f, const char *where, hr_error *err)
{
	cJSON *act, *archs, *calls, *flags, *eno;
	int r;

	if (!cJSON_IsObject(f))
		return hr_err(err, HR_E_INVALID, "%s: expected an object", where);
	if ((r = hr_json_get_string(f, "defaultAction", where, &act, err)) < 0 ||
	    (r = hr_json_get(f, "defaultErrnoRet", where, &eno, err)) < 0 ||
	    (r = hr_json_get_array(f, "architectures", where, &archs, err)) < 0 ||
	    (r = hr_json_get_array(f, "syscalls", where, &calls, err)) < 0 ||
	    (r = hr_json_get_array(f, "flags", where, &flags, err)) < 0)
		return r;
	if (!act || hr_seccomp_action_from_name(act->valuestring) < 0)
		return hr_err(err, HR_E_INVALID,
			      "%s/defaultAction: missing or not an OCI seccomp action (fix: use "
			      "e.g. SCMP_ACT_ERRNO)",
			      where);
	if (eno && (!cJSON_IsNumber(eno) || eno->valuedouble < 0 || eno->valuedouble > 4095))
		return hr_err(err, HR_E_INVALID, "%s/defaultErrnoRet: expected an errno number",
			      where);
	if (archs) {
		_cleanup_free_ char *p = hr_json_ptr(where, "architectures");
		if ((r = hr_json_check_string_array(archs, p, err)) < 0)
			return r;
	}
	if (flags) {
		_cleanup_free_ char *p = hr_json_ptr(where, "flags");
		if ((r = hr_json_check_string_array(flags, p, err)) < 0)
			return r;
	}
	if (calls) {
		_cleanup_free_ char *p = hr_json_ptr(where, "syscalls");
		return check_rules(calls, p, false, err);
	}
	return 0;
}

/* --- per-name view of a filter ----------------------------------------- */

struct rule_ref {
	const char *name;
	const cJSON *rule;
	int action;
	int seq;
};

struct view {
	struct rule_ref *v;
	size_t n;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct rule_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : x->seq - y->seq;
}

static void view_add_rules(struct view *vw, const cJSON *rules)
{
	size_t cap = 0;
	int seq = 0;

	for (const cJSON *r = rules ? rules->child : NULL; r; r = r->next) {
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		for (const cJSON *n = names ? names->child : NULL; n; n = n->next)
			cap++;
		(void)act;
	}
	vw->v = hr_xrealloc(vw->v, (vw->n + cap + 1) * sizeof *vw->v);
	for (const cJSON *r = rules ? rules->child : NULL; r; r = r->next, seq++) {
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		int a = hr_seccomp_action_from_name(act->valuestring);
		for (const cJSON *n = names ? names->child : NULL; n; n = n->next)
			vw->v[vw->n++] = (struct rule_ref){ n->valuestring, r, a, seq };
	}
	qsort(vw->v, vw->n, sizeof *vw->v, cmp_ref);
}

/* The rules naming `name`, in a view sorted by name: [*first, *first +
 * count). Names are asked in increasing order: *pos, where the search
 * starts, only moves forward, so a walk over a sorted list of names costs
 * one pass over the view. */
static size_t view_seek(const struct view *vw, size_t *pos, const char *name, size_t *first)
{
	size_t i = *pos, n = 0;

	while (i < vw->n && strcmp(vw->v[i].name, name) < 0)
		i++;
	*pos = *first = i;
	while (i + n < vw->n && strcmp(vw->v[i + n].name, name) == 0)
		n++;
	return n;
}

/* Whether the sorted list v holds name, for names asked in increasing
 * order, as view_seek. */
static bool strv_seek(char *const *v, size_t n, size_t *pos, const char *name)
{
	while (*pos < n && strcmp(v[*pos], name) < 0)
		(*pos)++;
	return *pos < n && strcmp(v[*pos], name) == 0;
}

static bool has_args(const cJSON *rule)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(rule, "args");
	return a && a->child;
}

static double num_or_zero(const cJSON *o, const char *k)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(j) ? j->valuedouble : 0;
}

/* Whether two numbers of a rule (absent: 0) are the same, as their texts
 * would be: the kept text of a number beyond a double's precision, else
 * the value, which validation made an integer (check_u64), so that equal
 * doubles are equal texts. */
static bool num_same(const cJSON *a, const cJSON *b)
{
	const char *ta = cJSON_IsNumber(a) ? a->valuestring : NULL;
	const char *tb = cJSON_IsNumber(b) ? b->valuestring : NULL;
	double x = cJSON_IsNumber(a) ? a->valuedouble : 0,
	       y = cJSON_IsNumber(b) ? b->valuedouble : 0;
	char bx[32], by[32];

	if (!ta && !tb)
		return x == y;
	if (!ta) {
		snprintf(bx, sizeof bx, "%.0f", x);
		ta = bx;
	}
	if (!tb) {
		snprintf(by, sizeof by, "%.0f", y);
		tb = by;
	}
	return strcmp(ta, tb) == 0;
}

static const char *op_of(const cJSON *arg)
{
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(arg, "op");
	return cJSON_IsString(op) ? op->valuestring : "";
}

/* Whether two rules have the same effect: action, the errno it answers
 * (ERRNO and TRACE only) and the same conditions in the same order. */
static bool rule_same(const struct rule_ref *a, const struct rule_ref *b)
{
	const cJSON *aa = cJSON_GetObjectItemCaseSensitive(a->rule, "args");
	const cJSON *ba = cJSON_GetObjectItemCaseSensitive(b->rule, "args");
	const cJSON *x, *y;

	if (a->action != b->action)
		return false;
	if ((a->action == HR_ACT_ERRNO || a->action == HR_ACT_TRACE) &&
	    !num_same(cJSON_GetObjectItemCaseSensitive(a->rule, "errnoRet"),
		      cJSON_GetObjectItemCaseSensitive(b->rule, "errnoRet")))
		return false;
	for (x = aa ? aa->child : NULL, y = ba ? ba->child : NULL; x && y; x = x->next, y = y->next)
		if (num_or_zero(x, "index") != num_or_zero(y, "index") ||
		    strcmp(op_of(x), op_of(y)) != 0 ||
		    !num_same(cJSON_GetObjectItemCaseSensitive(x, "value"),
			      cJSON_GetObjectItemCaseSensitive(y, "value")) ||
		    !num_same(cJSON_GetObjectItemCaseSensitive(x, "valueTwo"),
			      cJSON_GetObjectItemCaseSensitive(y, "valueTwo")))
			return false;
	return !x && !y;
}

/* Whether both lists hold the same rules, in any order and with the same
 * repeats: each rule of a is matched to one rule of b not matched yet.
 * Quadratic, but na is the profile's rules for one call: a few. */
static bool same_rules(const struct rule_ref *a, size_t na, const struct rule_ref *b, size_t nb)
{
	bool few[32] = { false }, *used = few, same = na == nb;

	if (!same)
		return false;
	if (na > HR_ARRAY_SIZE(few))
		used = hr_xcalloc(na, sizeof *used);
	for (size_t i = 0; i < na && same; i++) {
		size_t j = 0;
		while (j < nb && (used[j] || !rule_same(&a[i], &b[j])))
			j++;
		same = j < nb;
		if (same)
			used[j] = true;
	}
	if (used != few)
		free(used);
	return same;
}

bool hr_syscall_exists(uint32_t arch, const char *name)
{
	/* A name libseccomp knows from other architectures resolves to a
	 * negative pseudo number here: the call does not exist on `arch`. */
	return seccomp_syscall_resolve_name_arch(arch, name) >= 0;
}

/* --- building the result ----------------------------------------------- */

struct out {
	cJSON *allow_names; /* names of the one unconditional allow rule */
	cJSON *syscalls;
	const uint32_t *arch;
	size_t n_arch;
};

static bool exists_on(const struct out *o, const char *name)
{
	for (size_t i = 0; i < o->n_arch; i++)
		if (hr_syscall_exists(o->arch[i], name))
			return true;
	return false;
}

static void emit_allow(struct out *o, const char *name)
{
	cJSON_AddItemToArray(o->allow_names, cJSON_CreateString(name));
}

/* Copy `rule` for `name` alone. */
/* The rule for one call: `rule`'s members in their order, with "names"
 * holding only `name`, without comment, includes and excludes. Member by
 * member: duplicating the whole rule copied all its names once per name
 * (quadratic: a rule of 300 names made 90,000 nodes). */
static void emit_rule(struct out *o, const char *name, const cJSON *rule)
{
	cJSON *c = cJSON_CreateObject(), *names = cJSON_CreateArray();

	if (!c || !names)
		abort();
	cJSON_AddItemToArray(names, cJSON_CreateString(name));
	for (const cJSON *m = rule->child; m; m = m->next) {
		if (strcmp(m->string, "names") == 0) {
			cJSON_AddItemToObject(c, "names", names);
			names = NULL;
		} else if (strcmp(m->string, "comment") != 0 &&
			   strcmp(m->string, "includes") != 0 &&
			   strcmp(m->string, "excludes") != 0) {
			cJSON *d = cJSON_Duplicate(m, true);
			if (!d)
				abort();
			cJSON_AddItemToObject(c, m->string, d);
		}
	}
	if (names)
		cJSON_AddItemToObject(c, "names", names);
	cJSON_AddItemToArray(o->syscalls, c);
}

static void emit_refs(struct out *o, const char *name, const struct rule_ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		emit_rule(o, name, r[i].rule);
}

static void note(char *buf, size_t cap, const char *name)
{
	size_t len = strlen(buf);
	if (len + strlen(name) + 6 >= cap) {
		if (len + 4 < cap && !strstr(buf, "..."))
			strcat(buf, ", ...");
		return;
	}
	if (len)
		strcat(buf, ", ");
	strcat(buf, name);
}

static cJSON *new_filter(const char *action, int errno_ret, char *const *arch_names,
			 size_t n_arch, struct out *o)
{
	cJSON *f = cJSON_CreateObject(), *archs = cJSON_CreateArray(), *allow;

	cJSON_AddStringToObject(f, "defaultAction", action);
	if (strcmp(action, "SCMP_ACT_ERRNO") == 0)
		cJSON_AddNumberToObject(f, "defaultErrnoRet", errno_ret);
	for (size_t i = 0; i < n_arch; i++)
		cJSON_AddItemToArray(archs, cJSON_CreateString(arch_names[i]));
	cJSON_AddItemToObject(f, "architectures", archs);
	o->syscalls = cJSON_AddArrayToObject(f, "syscalls");
	allow = cJSON_CreateObject();
	o->allow_names = cJSON_AddArrayToObject(allow, "names");
	cJSON_AddStringToObject(allow, "action", "SCMP_ACT_ALLOW");
	cJSON_AddItemToArray(o->syscalls, allow);
	return f;
}

static void finish_filter(struct out *o)
{
	/* No unconditional allow at all: drop the empty rule runtimes reject. */
	if (!o->allow_names->child)
		cJSON_DeleteItemFromArray(o->syscalls, 0);
}

/*
 * The profile's own verdict for each name: rules take precedence over the
 * plain allow list (a name with rules is governed by its rules alone).
 */
cJSON *hr_seccomp_profile_filter(const struct hr_seccomp_profile *sp)
{
	struct view pv = { 0 };
	struct out o = { .arch = sp->arch_tokens, .n_arch = sp->n_arch };
	cJSON *f = new_filter(sp->default_action, sp->default_errno, sp->arch_names, sp->n_arch, &o);
	const char *prev = NULL;
	size_t at = 0;

	view_add_rules(&pv, sp->rules);
	for (size_t i = 0; i < sp->n_allow; i++) {
		size_t first;
		if (view_seek(&pv, &at, sp->allow[i], &first) == 0 && exists_on(&o, sp->allow[i]))
			emit_allow(&o, sp->allow[i]);
	}
	for (size_t i = 0; i < pv.n; i++) {
		if (prev && strcmp(prev, pv.v[i].name) == 0 && pv.v[i].rule == pv.v[i - 1].rule)
			continue;
		prev = pv.v[i].name;
		if (exists_on(&o, pv.v[i].name))
			emit_rule(&o, pv.v[i].name, pv.v[i].rule);
	}
	finish_filter(&o);
	free(pv.v);
	return f;
}

static bool all_deny(const struct rule_ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!hr_seccomp_action_denies(r[i].action))
			return false;
	return true;
}

/* Unconditional ALLOW or LOG rules only. TRACE and NOTIFY leave the call
 * to another process, which may refuse it: they are not an allow here. */
static bool all_unconditional_allow(const struct rule_ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((r[i].action != HR_ACT_ALLOW && r[i].action != HR_ACT_LOG) ||
		    has_args(r[i].rule))
			return false;
	return n > 0;
}

/* Rules that amount to SCMP_ACT_ALLOW with no conditions. */
static bool all_plain_allow(const struct rule_ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].action != HR_ACT_ALLOW || has_args(r[i].rule))
			return false;
	return n > 0;
}

/* The state of one merge: both filters' rules by name, the filter being
 * written, and what is counted for the finding. */
struct merge {
	const struct hr_seccomp_profile *sp;
	struct view pv, ev; /* the profile's and the spec's rules */
	struct out o;
	bool e_default_allows; /* the spec's default action allows */
	bool notify;	       /* a NOTIFY rule was kept */
	struct hr_seccomp_merge_stats *st;
};

/* The architectures both filters accept, into tokens and names (each with
 * room for sp->n_arch); returns how many. An empty list in the spec means
 * the native one only. */
static size_t shared_archs(const struct hr_seccomp_profile *sp, const cJSON *e_arch,
			   uint32_t *tokens, char **names)
{
	size_t n_arch = 0;

	for (size_t i = 0; i < sp->n_arch; i++) {
		bool in_spec = false;
		if (!e_arch || !e_arch->child) {
			in_spec = sp->arch_tokens[i] == seccomp_arch_native();
		} else {
			for (const cJSON *a = e_arch->child; a; a = a->next)
				in_spec |= hr_seccomp_arch_from_name(a->valuestring, NULL) ==
					   sp->arch_tokens[i];
		}
		if (in_spec) {
			tokens[n_arch] = sp->arch_tokens[i];
			names[n_arch++] = sp->arch_names[i];
		}
	}
	return n_arch;
}

/* Names with plain allows in the profile. */
static void merge_plain_allows(struct merge *m)
{
	struct hr_seccomp_merge_stats *st = m->st;
	size_t p_at = 0, e_at = 0; /* the allow list is sorted, as the views */

	for (size_t i = 0; i < m->sp->n_allow; i++) {
		const char *name = m->sp->allow[i];
		size_t pf, ef_first, ne;

		if (view_seek(&m->pv, &p_at, name, &pf) > 0 || !exists_on(&m->o, name))
			continue;
		ne = view_seek(&m->ev, &e_at, name, &ef_first);
		if (ne > 0 && all_plain_allow(&m->ev.v[ef_first], ne)) {
			emit_allow(&m->o, name);
			st->allowed++;
		} else if (ne > 0) {
			/* The spec restricts the call; its rules are narrower than
			 * an unconditional allow, so they are the intersection. */
			emit_refs(&m->o, name, &m->ev.v[ef_first], ne);
			for (size_t k = 0; k < ne; k++)
				m->notify |= m->ev.v[ef_first + k].action == HR_ACT_NOTIFY;
			if (all_deny(&m->ev.v[ef_first], ne)) {
				st->denied_by_spec++;
				note(st->examples_spec, sizeof st->examples_spec, name);
			} else {
				st->allowed++;
			}
		} else if (m->e_default_allows) {
			emit_allow(&m->o, name);
			st->allowed++;
		} else {
			st->denied_by_spec++;
			note(st->examples_spec, sizeof st->examples_spec, name);
		}
	}
}

/* Names the profile governs with rules. */
static void merge_profile_rules(struct merge *m)
{
	struct hr_seccomp_merge_stats *st = m->st;
	const struct view *pv = &m->pv, *ev = &m->ev;
	size_t e_at = 0;

	for (size_t i = 0; i < pv->n;) {
		const char *name = pv->v[i].name;
		size_t np = 1, ef_first, ne;

		while (i + np < pv->n && strcmp(pv->v[i + np].name, name) == 0)
			np++;
		if (!exists_on(&m->o, name)) {
			i += np;
			continue;
		}
		ne = view_seek(ev, &e_at, name, &ef_first);
		if (all_deny(&pv->v[i], np) ||
		    (ne == 0 && m->e_default_allows) ||
		    all_unconditional_allow(&ev->v[ef_first], ne) ||
		    same_rules(&pv->v[i], np, &ev->v[ef_first], ne)) {
			emit_refs(&m->o, name, &pv->v[i], np);
			if (!all_deny(&pv->v[i], np))
				st->allowed++;
		} else if (ne == 0) {
			st->denied_by_spec++;
			note(st->examples_spec, sizeof st->examples_spec, name);
		} else {
			/* Both filters restrict the arguments, differently: their
			 * intersection is not expressible rule by rule, so the call
			 * is denied rather than guessed at. */
			st->conflicts++;
			note(st->examples_conflict, sizeof st->examples_conflict, name);
		}
		i += np;
	}
}

/* What the spec allowed that the profile does not: counted only. */
static void count_denied_by_profile(struct merge *m)
{
	struct hr_seccomp_merge_stats *st = m->st;
	const struct view *ev = &m->ev;
	size_t p_at = 0, a_at = 0; /* the spec's names come in order */

	for (size_t i = 0; i < ev->n;) {
		const char *name = ev->v[i].name;
		size_t n = 1, pf;
		bool allowed = false;

		while (i + n < ev->n && strcmp(ev->v[i + n].name, name) == 0)
			n++;
		for (size_t k = 0; k < n; k++)
			allowed |= !hr_seccomp_action_denies(ev->v[i + k].action);
		if (allowed && view_seek(&m->pv, &p_at, name, &pf) == 0 &&
		    !strv_seek(m->sp->allow, m->sp->n_allow, &a_at, name) &&
		    exists_on(&m->o, name)) {
			st->denied_by_profile++;
			note(st->examples_profile, sizeof st->examples_profile, name);
		}
		i += n;
	}
}

/* The spec's flags but the one that turns off a mitigation, and its
 * listener if a NOTIFY rule survived. */
static void merge_flags_and_listener(cJSON *f, const cJSON *ef, bool notify,
				     struct hr_seccomp_merge_stats *st)
{
	const cJSON *e_flags = cJSON_GetObjectItemCaseSensitive(ef, "flags");
	cJSON *flags = NULL;

	for (const cJSON *fl = e_flags ? e_flags->child : NULL; fl; fl = fl->next) {
		if (strcmp(fl->valuestring, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0) {
			st->dropped_spec_allow = true;
			continue;
		}
		if (!flags)
			flags = cJSON_AddArrayToObject(f, "flags");
		cJSON_AddItemToArray(flags, cJSON_CreateString(fl->valuestring));
	}
	if (notify) {
		const cJSON *lp = cJSON_GetObjectItemCaseSensitive(ef, "listenerPath");
		const cJSON *lm = cJSON_GetObjectItemCaseSensitive(ef, "listenerMetadata");
		if (lp)
			cJSON_AddItemToObject(f, "listenerPath", cJSON_Duplicate(lp, true));
		if (lm)
			cJSON_AddItemToObject(f, "listenerMetadata", cJSON_Duplicate(lm, true));
	}
}

int hr_seccomp_merge(const struct hr_seccomp_profile *sp, const cJSON *ef, cJSON **ret,
		     struct hr_seccomp_merge_stats *st, hr_error *err)
{
	const cJSON *e_act = cJSON_GetObjectItemCaseSensitive(ef, "defaultAction");
	const cJSON *e_eno = cJSON_GetObjectItemCaseSensitive(ef, "defaultErrnoRet");
	const cJSON *e_arch = cJSON_GetObjectItemCaseSensitive(ef, "architectures");
	const cJSON *e_calls = cJSON_GetObjectItemCaseSensitive(ef, "syscalls");
	int p_default = hr_seccomp_action_from_name(sp->default_action);
	struct merge m = { .sp = sp, .st = st };
	_cleanup_free_ uint32_t *tokens = NULL;
	_cleanup_free_ char **names = NULL;
	int e_default, res_errno, r;
	const char *res_action;
	size_t n_arch;
	cJSON *f;

	*st = (struct hr_seccomp_merge_stats){ 0 };
	/* Everything below reads the spec's filter without checking it. */
	if ((r = hr_seccomp_spec_check(ef, "/linux/seccomp", err)) < 0)
		return r;
	e_default = hr_seccomp_action_from_name(e_act->valuestring);
	/* A TRACE or NOTIFY default leaves the call to a tracer or listener,
	 * which may refuse it (without a tracer, TRACE fails with ENOSYS):
	 * only ALLOW and LOG count as allowing. */
	m.e_default_allows = e_default == HR_ACT_ALLOW || e_default == HR_ACT_LOG;
	tokens = hr_xcalloc(sp->n_arch + 1, sizeof *tokens);
	names = hr_xcalloc(sp->n_arch + 1, sizeof *names);
	n_arch = shared_archs(sp, e_arch, tokens, names);
	if (n_arch == 0)
		return hr_err(err, HR_E_REFUSED,
			      "the spec's seccomp filter and the profile share no architecture");

	/* Default: the stricter of the two deny actions. */
	if (!m.e_default_allows && e_default < p_default) {
		res_action = hr_seccomp_action_name(e_default);
		res_errno = cJSON_IsNumber(e_eno) && e_eno->valuedouble >= 1 ? (int)e_eno->valuedouble : 1;
	} else {
		res_action = sp->default_action;
		res_errno = sp->default_errno;
	}

	m.o.arch = tokens;
	m.o.n_arch = n_arch;
	f = new_filter(res_action, res_errno, names, n_arch, &m.o);
	view_add_rules(&m.pv, sp->rules);
	view_add_rules(&m.ev, e_calls);
	merge_plain_allows(&m);
	merge_profile_rules(&m);
	count_denied_by_profile(&m);
	finish_filter(&m.o);
	merge_flags_and_listener(f, ef, m.notify, st);
	free(m.pv.v);
	free(m.ev.v);
	*ret = f;
	return 0;
}
