/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The helpers the controls' Kubernetes and Docker pieces share with
 * k8s.c and docker.c (k8s_parts.h): quantities, names, the audit's
 * findings and typed reads.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "hardrun/control.h"
#include "hardrun/json.h"
#include "hardrun/k8s_parts.h"

/* --- quantities -------------------------------------------------------------- */

/* ceill(3) of x >= 0, without libm; what is beyond 9.2e18 is only ever
 * refused, so it comes back as it is. */
static long double ceil_nonneg(long double x)
{
	int64_t t;

	if (!(x <= 9.2e18L))
		return x;
	t = (int64_t)x;
	return (long double)t < x ? (long double)(t + 1) : (long double)t;
}

int64_t hr_k8s_quantity(const char *s, int64_t scale)
{
	static const struct {
		const char *suffix;
		long double mult;
	} suffixes[] = {
		{ "Ki", 1024.0L },
		{ "Mi", 1048576.0L },
		{ "Gi", 1073741824.0L },
		{ "Ti", 1099511627776.0L },
		{ "Pi", 1125899906842624.0L },
		{ "Ei", 1152921504606846976.0L },
		{ "n", 1e-9L },
		{ "u", 1e-6L },
		{ "m", 1e-3L },
		{ "k", 1e3L },
		{ "M", 1e6L },
		{ "G", 1e9L },
		{ "T", 1e12L },
		{ "P", 1e15L },
		{ "E", 1e18L },
		{ "", 1.0L },
	};
	const char *p = s;
	long double v = 0, frac = 0.1L, mult = 1;
	bool digits = false;
	int exp = 0, esign = 1;

	if (!s || !*s)
		return -1;
	if (*p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, digits = true)
		v = v * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true, frac /= 10)
			v += frac * (*p - '0');
	if (!digits)
		return -1;
	if ((*p == 'e' || *p == 'E') && p[1] &&
	    (p[1] == '+' || p[1] == '-' || (p[1] >= '0' && p[1] <= '9'))) {
		const char *q = p + 1;
		if (*q == '+' || *q == '-')
			esign = *q++ == '-' ? -1 : 1;
		if (*q >= '0' && *q <= '9') {
			for (; *q >= '0' && *q <= '9' && exp < 100; q++)
				exp = exp * 10 + (*q - '0');
			if (*q == '\0') {
				p = q;
				/* 10^exp is exact in a long double up to 10^27;
				 * its reciprocal is then one correct rounding. */
				for (int k = 0; k < exp; k++)
					mult *= 10;
				if (esign < 0)
					mult = 1 / mult;
			}
		}
	}
	if (*p) {
		size_t i;
		for (i = 0; i < HR_ARRAY_SIZE(suffixes); i++)
			if (strcmp(p, suffixes[i].suffix) == 0)
				break;
		if (i == HR_ARRAY_SIZE(suffixes))
			return -1;
		mult = suffixes[i].mult;
	}
	v = ceil_nonneg(v * mult * scale);
	if (v > 9.2e18L)
		return -1;
	return (int64_t)v;
}

/* Bytes as the shortest exact quantity: 1Gi, 64Mi, or plain bytes. */
char *hr_k8s_bytes_quantity(int64_t b)
{
	static const char *const units[] = { "Ei", "Pi", "Ti", "Gi", "Mi", "Ki" };
	for (size_t i = 0; i < HR_ARRAY_SIZE(units); i++) {
		int64_t u = INT64_C(1) << (10 * (6 - i));
		if (b >= u && b % u == 0)
			return hr_xasprintf("%" PRId64 "%s", b / u, units[i]);
	}
	return hr_xasprintf("%" PRId64, b);
}

/* CPU shares as the CPU request that gives them (1024 shares a CPU). */
int64_t hr_k8s_shares_millicores(int64_t shares)
{
	return shares * 1000 / 1024;
}

char *hr_k8s_millicores_quantity(int64_t m)
{
	return m % 1000 == 0 ? hr_xasprintf("%" PRId64, m / 1000) : hr_xasprintf("%" PRId64 "m", m);
}

/* A volume name for a writable path: /var/tmp -> var-tmp. */
char *hr_k8s_volume_name(const char *path, size_t index)
{
	char *v = hr_xmalloc(strlen(path) + 32);
	size_t k = 0;

	for (const char *p = path; *p && k < 50; p++) {
		char ch = *p;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			ch = '-';
		if (ch == '-' && (k == 0 || v[k - 1] == '-'))
			continue;
		v[k++] = ch;
	}
	while (k > 0 && v[k - 1] == '-')
		k--;
	v[k] = '\0';
	if (!k) {
		free(v);
		return hr_xasprintf("writable-%zu", index);
	}
	return v;
}

cJSON *hr_k8s_strings(char *const *v)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; v && v[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

/* The capabilities of the profile in Kubernetes' spelling. */
char **hr_k8s_cap_names(uint64_t allow)
{
	char **v = NULL;
	for (int c = 0; c < 64; c++) {
		if (!(allow & (UINT64_C(1) << c)))
			continue;
		_cleanup_free_ char *n = hr_cap_name(c);
		if (n)
			hr_strv_push(&v, strncmp(n, "CAP_", 4) == 0 ? n + 4 : n);
	}
	return v;
}

void hr_k8s_add(struct hr_k8s_audit *a, const char *rule, const char *control, enum hr_outcome out,
		const char *ptr, const cJSON *before, const cJSON *after, const char *fmt, ...)
{
	_cleanup_free_ char *b = hr_json_brief(before), *af = hr_json_brief(after), *msg = NULL;
	size_t pi = control ? hr_control_index(control) : SIZE_MAX;
	va_list ap;

	for (size_t i = a->pod_first; i < a->f->n; i++)
		if (strcmp(a->f->v[i].rule->id, rule) == 0 &&
		    strcmp(a->f->v[i].pointer, ptr) == 0 &&
		    (a->f->v[i].after ? af && strcmp(a->f->v[i].after, af) == 0 : !af))
			return;
	if (pi != SIZE_MAX) {
		enum hr_mode m = hr_profile_mode(a->p, pi);
		if (m == HR_MODE_WARN)
			out = HR_WARNED;
		else if (m == HR_MODE_REFUSE)
			out = HR_REFUSED;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	hr_finding_add(a->f, rule, out, ptr, b, af, NULL, "%s", msg);
}

int hr_k8s_want(struct hr_k8s_audit *a, const cJSON *obj, const char *key, const char *base,
		int (*is)(const cJSON *), const char *what, const cJSON **ret)
{
	const cJSON *v = m_get(obj, key);

	*ret = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!is(v)) {
		_cleanup_free_ char *ptr = hr_json_ptr(base, key);
		return hr_err(a->err, HR_E_INVALID, "%s: expected %s", ptr, what);
	}
	*ret = v;
	return 0;
}

int hr_k8s_is_object(const cJSON *v)
{
	return cJSON_IsObject(v);
}
int hr_k8s_is_array(const cJSON *v)
{
	return cJSON_IsArray(v);
}
int hr_k8s_is_string(const cJSON *v)
{
	return cJSON_IsString(v);
}
int hr_k8s_is_bool(const cJSON *v)
{
	return cJSON_IsBool(v);
}
int hr_k8s_is_int(const cJSON *v)
{
	return cJSON_IsNumber(v) && v->valuedouble == hr_floor(v->valuedouble);
}
int hr_k8s_is_quantity(const cJSON *v)
{
	return cJSON_IsString(v) || cJSON_IsNumber(v);
}

int64_t hr_k8s_quantity_of(const cJSON *v, int64_t scale)
{
	if (cJSON_IsNumber(v)) {
		long double x = (long double)v->valuedouble * scale;
		return x < 0 || x > 9.2e18L ? -1 : (int64_t)ceil_nonneg(x);
	}
	return hr_k8s_quantity(v->valuestring, scale);
}

cJSON *hr_docker_security_opt(struct hr_docker_out *d)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(d->svc, "security_opt");

	return arr ? arr : cJSON_AddArrayToObject(d->svc, "security_opt");
}
