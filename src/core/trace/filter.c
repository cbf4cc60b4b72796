/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Routing a hardened filter's denials to a listener. Pure: the spec comes
 * in as a tree, libseccomp names the system calls, nothing is opened.
 */
#include "config.h"

#include <seccomp.h>
#include <string.h>

#include "hardrun/json.h"
#include "hardrun/seccomp.h"
#include "hardrun/trace.h"

struct names {
	char **v;
	size_t n, cap;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_push(struct names *s, char *owned)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = hr_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = owned;
}

/* Sort and drop duplicates. */
static void names_unique(struct names *s)
{
	size_t k = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof *s->v, cmp_name);
	for (size_t i = 1; i < s->n; i++) {
		if (strcmp(s->v[i], s->v[k]) == 0)
			free(s->v[i]);
		else
			s->v[++k] = s->v[i];
	}
	s->n = k + 1;
}

static bool names_has(const struct names *s, const char *name)
{
	return bsearch(&name, s->v, s->n, sizeof *s->v, cmp_name) != NULL;
}

static void names_done(struct names *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct names){ 0 };
}

int hr_trace_filter(cJSON *spec, const char *listener_path, struct hr_trace_routing *ret,
		    hr_error *err)
{
	cJSON *linux_ = cJSON_GetObjectItemCaseSensitive(spec, "linux");
	cJSON *f = cJSON_GetObjectItemCaseSensitive(linux_, "seccomp");
	cJSON *act, *eno, *archs, *calls, *lp, *rule, *arr;
	struct names governed = { 0 }, routed = { 0 };
	uint32_t tokens[32];
	size_t n_tok = 0;
	bool notify = false;
	int r;

	*ret = (struct hr_trace_routing){ .deny_errno = 1 };
	if (!f)
		return 0; /* no filter: seccomp denies nothing */
	if ((r = hr_seccomp_spec_check(f, "/linux/seccomp", err)) < 0)
		return r;
	act = cJSON_GetObjectItemCaseSensitive(f, "defaultAction");
	eno = cJSON_GetObjectItemCaseSensitive(f, "defaultErrnoRet");
	archs = cJSON_GetObjectItemCaseSensitive(f, "architectures");
	calls = cJSON_GetObjectItemCaseSensitive(f, "syscalls");
	lp = cJSON_GetObjectItemCaseSensitive(f, "listenerPath");
	/* A listener can only answer with an error or let the call go on: a
	 * default that kills or traps cannot be reproduced, and answering
	 * differently would change what the workload sees. */
	if (strcmp(act->valuestring, "SCMP_ACT_ERRNO") != 0)
		return hr_err(err, HR_E_REFUSED,
			      "/linux/seccomp/defaultAction is %s, which a listener cannot answer "
			      "the same way (only SCMP_ACT_ERRNO can be traced)",
			      act->valuestring);
	for (const cJSON *c = calls ? calls->child : NULL; c; c = c->next) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(c, "action");
		notify |= strcmp(a->valuestring, "SCMP_ACT_NOTIFY") == 0;
	}
	if (lp || notify)
		return hr_err(err, HR_E_REFUSED,
			      "the spec's seccomp filter already routes calls to a listener of its "
			      "own (/linux/seccomp/listenerPath), and a filter has one listener");
	/* Never 0: answering "no error" would make a refused call succeed. */
	if (cJSON_IsNumber(eno) && eno->valuedouble >= 1 && eno->valuedouble <= 4095)
		ret->deny_errno = (int)eno->valuedouble;

	/* Names a rule governs keep their rule: an unconditional rule added
	 * for them would replace their conditional ones. */
	for (const cJSON *c = calls ? calls->child : NULL; c; c = c->next) {
		const cJSON *ns = cJSON_GetObjectItemCaseSensitive(c, "names");
		for (const cJSON *n = ns ? ns->child : NULL; n; n = n->next)
			names_push(&governed, hr_xstrdup(n->valuestring));
	}
	names_push(&governed, hr_xstrdup("write"));
	names_unique(&governed);

	for (const cJSON *a = archs ? archs->child : NULL; a && n_tok < HR_ARRAY_SIZE(tokens);
	     a = a->next) {
		uint32_t t = hr_seccomp_arch_from_name(a->valuestring, NULL);
		if (t)
			tokens[n_tok++] = t;
	}
	if (n_tok == 0)
		tokens[n_tok++] = seccomp_arch_native();
	for (size_t i = 0; i < n_tok; i++) {
		for (int nr = 0; nr < HR_TRACE_MAX_NR; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(tokens[i], nr);
			if (!name)
				continue;
			if (names_has(&governed, name))
				free(name);
			else
				names_push(&routed, name);
		}
	}
	names_unique(&routed);
	names_done(&governed);
	if (routed.n == 0)
		return 0;

	rule = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(rule, "names");
	for (size_t i = 0; i < routed.n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(routed.v[i]));
	cJSON_AddStringToObject(rule, "action", "SCMP_ACT_NOTIFY");
	if (!calls)
		calls = cJSON_AddArrayToObject(f, "syscalls");
	cJSON_AddItemToArray(calls, rule);
	hr_json_set(f, "listenerPath", cJSON_CreateString(listener_path));
	ret->routed = routed.n;
	names_done(&routed);
	return 0;
}
