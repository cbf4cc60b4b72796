/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the listener saw, as data and as text: the table of denied (or,
 * learning, used) system calls, the messages, the change that allows
 * them, and the profile `hardrun learn` writes. Pure: no I/O.
 */
#include "config.h"

#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/json.h"
#include "hardrun/trace.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct hr_denial *hr_denials_add(struct hr_denials *d, const char *name, uint32_t arch,
				 const uint64_t args[6], long pid, long ns_pid, bool *ret_first)
{
	struct hr_denial *x;

	*ret_first = false;
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, name) == 0) {
			d->v[i].count++;
			return &d->v[i];
		}
	if (d->n >= HR_DENIALS_MAX) {
		d->dropped++;
		return NULL;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = hr_xrealloc(d->v, d->cap * sizeof *d->v);
	}
	x = &d->v[d->n++];
	*x = (struct hr_denial){ .name = hr_xstrdup(name), .arch = arch, .pid = pid,
				 .ns_pid = ns_pid, .count = 1 };
	memcpy(x->args, args, sizeof x->args);
	*ret_first = true;
	return x;
}

void hr_denials_done(struct hr_denials *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	*d = (struct hr_denials){ 0 };
}

char **hr_denials_names(const struct hr_denials *d)
{
	char **v = hr_xcalloc(d->n + 1, sizeof *v);

	for (size_t i = 0; i < d->n; i++)
		v[i] = hr_xstrdup(d->v[i].name);
	qsort(v, d->n, sizeof *v, cmp_name);
	return v;
}

bool hr_trace_profile_allows(const struct hr_profile *p, const char *name)
{
	const struct hr_seccomp_profile *sp = &p->seccomp;

	if (sp->allow && bsearch(&name, sp->allow, sp->n_allow, sizeof *sp->allow, cmp_name))
		return true;
	for (const cJSON *r = sp->rules ? sp->rules->child : NULL; r; r = r->next) {
		const cJSON *ns = cJSON_GetObjectItemCaseSensitive(r, "names");
		for (const cJSON *n = ns ? ns->child : NULL; n; n = n->next)
			if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
				return true;
	}
	return false;
}

char *hr_trace_fix(char *const *names)
{
	char *list = hr_xstrdup(""), *t;

	/* Each name quoted by cJSON, joined as the profile examples are. */
	for (size_t i = 0; names && names[i]; i++) {
		cJSON *j = cJSON_CreateString(names[i]);
		char *q = hr_json_print(j, false);
		cJSON_Delete(j);
		if (!q)
			abort();
		t = hr_xasprintf("%s%s%s", list, i ? ", " : "", q);
		free(q);
		free(list);
		list = t;
	}
	t = hr_xasprintf("\"seccomp\": {\"allow\": {\"add\": [%s]}}", list);
	free(list);
	return t;
}

static const char *errno_name(int e, char *buf, size_t cap)
{
#ifdef HAVE_STRERRORNAME_NP
	const char *n = strerrorname_np(e);
	if (n)
		return n;
#endif
	snprintf(buf, cap, "errno %d", e);
	return buf;
}

/* Small values in decimal, the rest (pointers, masks, -1) in hex. */
static void arg_text(uint64_t v, char *buf, size_t cap)
{
	if (v < 65536)
		snprintf(buf, cap, "%llu", (unsigned long long)v);
	else
		snprintf(buf, cap, "0x%llx", (unsigned long long)v);
}

static char *call_text(const struct hr_denial *x)
{
	char a[6][24], arch[40] = "";

	for (int i = 0; i < 6; i++)
		arg_text(x->args[i], a[i], sizeof a[i]);
	if (x->arch != seccomp_arch_native())
		snprintf(arch, sizeof arch, " (architecture 0x%x)", (unsigned)x->arch);
	return hr_xasprintf("%s(%s, %s, %s, %s, %s, %s)%s", x->name, a[0], a[1], a[2], a[3], a[4],
			    a[5], arch);
}

static char *who_text(const struct hr_denial *x, const char *container)
{
	char c[160] = "";

	if (container)
		snprintf(c, sizeof c, " of container %s", container);
	if (x->ns_pid > 0 && x->ns_pid != x->pid)
		return hr_xasprintf("pid %ld (host pid %ld)%s", x->ns_pid, x->pid, c);
	return hr_xasprintf("pid %ld%s", x->pid, c);
}

char *hr_denial_message(const struct hr_denial *x, enum hr_trace_mode mode, const char *container,
			const struct hr_profile *p, int deny_errno)
{
	_cleanup_free_ char *call = call_text(x), *who = who_text(x, container), *fix = NULL;
	char *const one[] = { x->name, NULL };
	char eb[32];

	if (mode == HR_TRACE_LEARN)
		return hr_xasprintf("learned %s for %s: profile `%s` denies it; allowed for this "
				    "learning run",
				    call, who, p->name);
	if (hr_trace_profile_allows(p, x->name))
		return hr_xasprintf(
			"denied %s with %s for %s: profile `%s` allows %s, but the spec's own "
			"seccomp filter does not, and hardrun keeps what that filter refuses (rule "
			"seccomp.merge) (fix: allow %s in the filter given to the engine, e.g. "
			"docker run --security-opt seccomp=FILE)",
			call, errno_name(deny_errno, eb, sizeof eb), who, p->name, x->name, x->name);
	fix = hr_trace_fix(one);
	return hr_xasprintf("denied %s with %s for %s: profile `%s` does not allow %s (rule "
			    "seccomp.denial, %s) (fix: %s in a profile that extends `%s`)",
			    call, errno_name(deny_errno, eb, sizeof eb), who, p->name, x->name,
			    p->source ? p->source : p->name, fix, p->name);
}

cJSON *hr_denial_json(const struct hr_denial *x, const struct hr_profile *p, int deny_errno)
{
	cJSON *o = cJSON_CreateObject(), *args = cJSON_CreateArray();
	bool by_spec = hr_trace_profile_allows(p, x->name);
	char buf[32];

	cJSON_AddStringToObject(o, "syscall", x->name);
	snprintf(buf, sizeof buf, "0x%x", (unsigned)x->arch);
	cJSON_AddStringToObject(o, "arch", buf);
	for (int i = 0; i < 6; i++) {
		snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)x->args[i]);
		cJSON_AddItemToArray(args, cJSON_CreateString(buf));
	}
	cJSON_AddItemToObject(o, "args", args);
	cJSON_AddNumberToObject(o, "pid", (double)x->pid);
	if (x->ns_pid > 0)
		cJSON_AddNumberToObject(o, "containerPid", (double)x->ns_pid);
	cJSON_AddNumberToObject(o, "count", (double)x->count);
	cJSON_AddStringToObject(o, "errno", errno_name(deny_errno, buf, sizeof buf));
	cJSON_AddStringToObject(o, "deniedBy", by_spec ? "spec" : "profile");
	cJSON_AddStringToObject(o, "rule", by_spec ? "seccomp.merge" : "seccomp.denial");
	if (by_spec) {
		_cleanup_free_ char *s = hr_xasprintf("allow %s in the spec's own seccomp filter",
						      x->name);
		cJSON_AddStringToObject(o, "fix", s);
	} else {
		char *const one[] = { x->name, NULL };
		_cleanup_free_ char *s = hr_trace_fix(one);
		cJSON_AddStringToObject(o, "fix", s);
	}
	return o;
}

static int cmp_denial(const void *a, const void *b)
{
	return strcmp((*(const struct hr_denial *const *)a)->name,
		      (*(const struct hr_denial *const *)b)->name);
}

/* Append a formatted line to *s. */
static void addf(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(char **s, const char *fmt, ...)
{
	_cleanup_free_ char *line = NULL;
	char *t;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	t = hr_xasprintf("%s%s\n", *s ? *s : "", line);
	free(*s);
	*s = t;
}

char *hr_denials_summary(const struct hr_denials *d, enum hr_trace_mode mode, const char *prefix,
			 const char *container, const struct hr_profile *p)
{
	_cleanup_free_ char *c = container ? hr_xasprintf("container %s: ", container)
					   : hr_xstrdup("");
	_cleanup_strv_ char **fixable = NULL, **spec = NULL;
	_cleanup_free_ const struct hr_denial **sorted = hr_xcalloc(d->n + 1, sizeof *sorted);
	uint64_t calls = d->dropped;
	char *s = NULL;

	for (size_t i = 0; i < d->n; i++) {
		calls += d->v[i].count;
		sorted[i] = &d->v[i];
	}
	qsort(sorted, d->n, sizeof *sorted, cmp_denial);
	if (d->n == 0 && !d->dropped) {
		if (mode == HR_TRACE_LEARN)
			addf(&s, "%s%sthe run used no system call that profile `%s` denies", prefix,
			     c, p->name);
		else
			addf(&s, "%s%sno system call was denied (profile `%s`)", prefix, c,
			     p->name);
		return s;
	}
	if (mode == HR_TRACE_LEARN)
		addf(&s, "%s%sthe run used %zu system call%s that profile `%s` denies (%llu call%s):",
		     prefix, c, d->n, d->n == 1 ? "" : "s", p->name, (unsigned long long)calls,
		     calls == 1 ? "" : "s");
	else
		addf(&s, "%s%sprofile `%s` denied %zu system call%s (%llu call%s):", prefix, c,
		     p->name, d->n, d->n == 1 ? "" : "s", (unsigned long long)calls,
		     calls == 1 ? "" : "s");
	for (size_t k = 0; k < d->n; k++) {
		const struct hr_denial *x = sorted[k];
		_cleanup_free_ char *call = call_text(x), *who = who_text(x, NULL);
		bool by_spec = hr_trace_profile_allows(p, x->name);
		addf(&s, "%s  %s: %llu call%s, first by %s: %s%s", prefix, x->name,
		     (unsigned long long)x->count, x->count == 1 ? "" : "s", who, call,
		     by_spec ? " (refused by the spec's own filter, rule seccomp.merge)" : "");
		hr_strv_push(by_spec ? &spec : &fixable, x->name);
	}
	if (d->dropped)
		addf(&s, "%s  ... and %llu more calls of names beyond the first %d", prefix,
		     (unsigned long long)d->dropped, HR_DENIALS_MAX);
	if (fixable && mode == HR_TRACE_EXPLAIN) {
		_cleanup_free_ char *fix = hr_trace_fix(fixable);
		addf(&s, "%sto allow %s: %s in a profile that extends `%s`", prefix,
		     fixable[1] ? "them" : "it", fix, p->name);
	}
	if (spec)
		addf(&s, "%s%s also refused by the spec's own seccomp filter, which a profile "
			 "cannot change: allow %s there",
		     prefix, spec[1] ? "these were" : "this was", spec[1] ? "them" : "it");
	return s;
}

cJSON *hr_trace_learned_profile(const char *extends, char *const *names, const char *description)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "description", description);
	cJSON_AddStringToObject(d, "extends", extends);
	if (names && names[0]) {
		cJSON *sc = cJSON_AddObjectToObject(d, "seccomp");
		cJSON *allow = cJSON_AddObjectToObject(sc, "allow");
		cJSON *add = cJSON_AddArrayToObject(allow, "add");
		for (size_t i = 0; names[i]; i++)
			cJSON_AddItemToArray(add, cJSON_CreateString(names[i]));
	}
	return d;
}
