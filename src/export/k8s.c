/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A profile in Kubernetes' terms, and a manifest judged against it. The
 * two are one mapping read in both directions: every setting export
 * writes is a setting the audit checks, so `hardrun check --k8s` passes
 * what `hardrun export k8s` made, and flags each place where a manifest
 * says less than the profile enforces.
 *
 * The audit's outcomes say what hardrun would do with the container at
 * Run (runtime mode, through the RuntimeClass): "changed" when it would
 * tighten it (the manifest should say so itself), "refused" when it would
 * not start it. The profile's modes apply as at Run.
 */
#include "config.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "hardrun/harden.h"
#include "hardrun/k8s.h"
#include "manifest.h"

/* containerd's (and Docker's) default capability set: what a container
 * keeps when its manifest drops nothing. */

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
		{ "Ki", 1024.0L }, { "Mi", 1048576.0L }, { "Gi", 1073741824.0L },
		{ "Ti", 1099511627776.0L }, { "Pi", 1125899906842624.0L },
		{ "Ei", 1152921504606846976.0L }, { "n", 1e-9L }, { "u", 1e-6L }, { "m", 1e-3L },
		{ "k", 1e3L }, { "M", 1e6L }, { "G", 1e9L }, { "T", 1e12L }, { "P", 1e15L },
		{ "E", 1e18L }, { "", 1.0L },
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
	if ((*p == 'e' || *p == 'E') && p[1] && (p[1] == '+' || p[1] == '-' ||
						(p[1] >= '0' && p[1] <= '9'))) {
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
static char *bytes_quantity(int64_t b)
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
static int64_t shares_millicores(int64_t shares)
{
	return shares * 1000 / 1024;
}

static char *millicores_quantity(int64_t m)
{
	return m % 1000 == 0 ? hr_xasprintf("%" PRId64, m / 1000) : hr_xasprintf("%" PRId64 "m", m);
}

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

/* A volume name for a writable path: /var/tmp -> var-tmp. */
static char *volume_name(const char *path, size_t index)
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

static cJSON *strings(char *const *v)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; v && v[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

/* The capabilities of the profile in Kubernetes' spelling. */
static char **k8s_caps(uint64_t allow)
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

/* size= of the tmpfs options, in bytes; 0 when absent or relative. */
static int64_t tmpfs_size(const char *opts)
{
	_cleanup_free_ char *copy = hr_xstrdup(opts ? opts : "");
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strncmp(o, "size=", 5) == 0 && !strchr(o, '%'))
			return hr_parse_size(o + 5) > 0 ? hr_parse_size(o + 5) : 0;
	return 0;
}

static bool has_opt(const char *opts, const char *want)
{
	_cleanup_free_ char *copy = hr_xstrdup(opts ? opts : "");
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strcmp(o, want) == 0)
			return true;
	return false;
}

static cJSON *pod_template(const struct hr_profile *p, const struct hr_k8s_export_opts *o,
			   char ***notes)
{
	cJSON *tpl = cJSON_CreateObject(), *meta, *spec, *psc, *c, *csc, *caps, *res, *mounts, *vols;
	_cleanup_strv_ char **add = k8s_caps(p->caps.allow);
	_cleanup_free_ char *short_name = profile_short_name(p);
	char *const drop_all[] = { (char *)"ALL", NULL };

	meta = cJSON_AddObjectToObject(tpl, "metadata");
	if (strcmp(o->kind, "Pod") == 0)
		cJSON_AddStringToObject(meta, "name", o->name);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(meta, "labels"), "app", o->name);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(meta, "annotations"),
				"org.hardrun.profile", short_name);
	spec = cJSON_AddObjectToObject(tpl, "spec");
	cJSON_AddStringToObject(spec, "runtimeClassName", o->runtime_class);
	psc = cJSON_AddObjectToObject(spec, "securityContext");
	if (!p->user.allow_root) {
		cJSON_AddBoolToObject(psc, "runAsNonRoot", true);
		cJSON_AddNumberToObject(psc, "runAsUser", p->user.uid);
		cJSON_AddNumberToObject(psc, "runAsGroup", p->user.gid);
	}
	{
		cJSON *sp = cJSON_AddObjectToObject(psc, "seccompProfile");
		cJSON_AddStringToObject(sp, "type", "Localhost");
		cJSON_AddStringToObject(sp, "localhostProfile", o->seccomp_name);
	}
	c = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(spec, "containers"), c);
	cJSON_AddStringToObject(c, "name", o->container);
	cJSON_AddStringToObject(c, "image", o->image);
	csc = cJSON_AddObjectToObject(c, "securityContext");
	cJSON_AddBoolToObject(csc, "allowPrivilegeEscalation", false);
	cJSON_AddBoolToObject(csc, "privileged", false);
	cJSON_AddBoolToObject(csc, "readOnlyRootFilesystem", p->rootfs.readonly);
	caps = cJSON_AddObjectToObject(csc, "capabilities");
	cJSON_AddItemToObject(caps, "drop", strings(drop_all));
	if (add)
		cJSON_AddItemToObject(caps, "add", strings(add));
	res = cJSON_AddObjectToObject(c, "resources");
	{
		_cleanup_free_ char *mem = bytes_quantity(p->resources.memory);
		_cleanup_free_ char *cpu = millicores_quantity(shares_millicores(p->resources.cpu_shares));
		cJSON_AddStringToObject(cJSON_AddObjectToObject(res, "limits"), "memory", mem);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(res, "requests"), "cpu", cpu);
	}
	if (p->rootfs.readonly && p->rootfs.writable && p->rootfs.writable[0]) {
		int64_t size = tmpfs_size(p->rootfs.tmpfs_options);
		mounts = cJSON_AddArrayToObject(c, "volumeMounts");
		vols = cJSON_AddArrayToObject(spec, "volumes");
		for (size_t i = 0; p->rootfs.writable[i]; i++) {
			_cleanup_free_ char *vn = volume_name(p->rootfs.writable[i], i);
			cJSON *m = cJSON_CreateObject(), *v = cJSON_CreateObject(), *ed;
			cJSON_AddStringToObject(m, "name", vn);
			cJSON_AddStringToObject(m, "mountPath", p->rootfs.writable[i]);
			cJSON_AddItemToArray(mounts, m);
			cJSON_AddStringToObject(v, "name", vn);
			ed = cJSON_AddObjectToObject(v, "emptyDir");
			cJSON_AddStringToObject(ed, "medium", "Memory");
			if (size > 0) {
				_cleanup_free_ char *q = bytes_quantity(size);
				cJSON_AddStringToObject(ed, "sizeLimit", q);
			}
			cJSON_AddItemToArray(vols, v);
		}
		if (has_opt(p->rootfs.tmpfs_options, "noexec"))
			hr_strv_pushf(notes, "noexec: an emptyDir cannot be mounted noexec; the profile's "
				    "writable paths (rootfs.writable) are, when hardrun mounts them "
				    "itself (drop the volumes to have it do so under the RuntimeClass)");
	}
	hr_strv_pushf(notes, "umask %04o: Kubernetes has no umask setting; hardrun sets it at Run",
	     p->user.umask);
	hr_strv_pushf(notes, "processes: %" PRId64 " (resources.pids): Kubernetes limits them per node "
		    "(the kubelet's podPidsLimit); hardrun sets the container's limit at Run",
	     p->resources.pids);
	hr_strv_pushf(notes, "rlimits core=%" PRId64 " nofile=%" PRId64 " nproc=%" PRId64
		    ": Kubernetes has no rlimit setting; hardrun sets them at Run",
	     p->rlimits.core, p->rlimits.nofile, p->rlimits.nproc);
	if (p->caps.ambient && add && !p->user.allow_root)
		hr_strv_pushf(notes, "ambient capabilities: Kubernetes does not raise them, so a non-root "
			    "process loses %s at execve unless it runs under hardrun (the "
			    "RuntimeClass), which makes them ambient",
		     add[0]);
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
		static const struct {
			enum hr_ns_type t;
			const char *field;
		} host_ns[] = { { HR_NS_NETWORK, "hostNetwork" }, { HR_NS_PID, "hostPID" },
				{ HR_NS_IPC, "hostIPC" } };

		(void)hr_pss_check_pod(m_get(t, "metadata"), m_get(t, "spec"), pm, ps, &x.pss);
		for (size_t i = 0; i < HR_ARRAY_SIZE(host_ns); i++)
			if (p->ns.allow_host & (1u << host_ns[i].t))
				hr_pss_add(&x.pss, HR_PSS_BASELINE, "Host Namespaces",
					   "profile:/namespaces/allowHost",
					   "the profile lets a pod share the host's %s namespace (%s)",
					   hr_ns_name(host_ns[i].t), host_ns[i].field);
		for (size_t i = 0; p->sysctl_allow && p->sysctl_allow[i]; i++)
			if (!hr_pss_sysctl_safe(p->sysctl_allow[i]))
				hr_pss_add(&x.pss, HR_PSS_BASELINE, "Sysctls", "profile:/sysctl/allow",
					   "the profile allows sysctl %s, which is not in the "
					   "standard's safe set",
					   p->sysctl_allow[i]);
		x.level = hr_pss_level_of(&x.pss);
	}
	*ret = x;
	return 0;
}

/* --- audit ------------------------------------------------------------------ */

struct actx {
	const struct hr_profile *p;
	const struct hr_k8s_audit_opts *o;
	struct hr_findings *f;
	hr_error *err;
	char *short_name;
	size_t pod_first; /* the current pod's first finding: duplicates are within a pod */
};

static size_t pass_index(const char *name)
{
	for (size_t i = 0; i < hr_passes_count; i++)
		if (strcmp(hr_passes[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

/* Record a finding once (a pod-level value is seen through every
 * container). `pass` is the control whose mode applies. */
static void add(struct actx *a, const char *rule, const char *pass, enum hr_outcome out,
		const char *ptr, const cJSON *before, const cJSON *after, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
static void add(struct actx *a, const char *rule, const char *pass, enum hr_outcome out,
		const char *ptr, const cJSON *before, const cJSON *after, const char *fmt, ...)
{
	_cleanup_free_ char *b = hr_json_brief(before), *af = hr_json_brief(after), *msg = NULL;
	size_t pi = pass ? pass_index(pass) : SIZE_MAX;
	va_list ap;

	for (size_t i = a->pod_first; i < a->f->n; i++)
		if (strcmp(a->f->v[i].rule->id, rule) == 0 && strcmp(a->f->v[i].pointer, ptr) == 0 &&
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

/* Typed reads: absent is fine, the wrong type is an error at `ptr`. */
static int want(struct actx *a, const cJSON *obj, const char *key, const char *base,
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

static int is_object(const cJSON *v) { return cJSON_IsObject(v); }
static int is_array(const cJSON *v) { return cJSON_IsArray(v); }
static int is_string(const cJSON *v) { return cJSON_IsString(v); }
static int is_bool(const cJSON *v) { return cJSON_IsBool(v); }
static int is_int(const cJSON *v)
{
	return cJSON_IsNumber(v) && v->valuedouble == hr_floor(v->valuedouble);
}
static int is_quantity(const cJSON *v) { return cJSON_IsString(v) || cJSON_IsNumber(v); }

#define WANT(obj, key, base, kind, what, ret)                                                    \
	do {                                                                                     \
		int _r = want(a, obj, key, base, is_##kind, what, ret);                          \
		if (_r < 0)                                                                      \
			return _r;                                                               \
	} while (0)

static int64_t quantity_of(const cJSON *v, int64_t scale)
{
	if (cJSON_IsNumber(v)) {
		long double x = (long double)v->valuedouble * scale;
		return x < 0 || x > 9.2e18L ? -1 : (int64_t)ceil_nonneg(x);
	}
	return hr_k8s_quantity(v->valuestring, scale);
}

/* The securityContext fields the audit reads, checked for type. */
struct sc {
	const cJSON *obj, *run_as_user, *run_as_group, *run_as_non_root, *seccomp, *seccomp_type,
		*seccomp_localhost, *privileged, *ape, *rorf, *caps, *add, *drop, *proc_mount,
		*supp, *fs_group, *sysctls;
	char *ptr;
};

static int read_sc(struct actx *a, const cJSON *parent, const char *base, struct sc *s)
{
	*s = (struct sc){ .ptr = hr_json_ptr(base, "securityContext") };
	WANT(parent, "securityContext", base, object, "an object", &s->obj);
	WANT(s->obj, "runAsUser", s->ptr, int, "an integer", &s->run_as_user);
	WANT(s->obj, "runAsGroup", s->ptr, int, "an integer", &s->run_as_group);
	WANT(s->obj, "runAsNonRoot", s->ptr, bool, "true or false", &s->run_as_non_root);
	WANT(s->obj, "seccompProfile", s->ptr, object, "an object", &s->seccomp);
	{
		_cleanup_free_ char *sp = hr_json_ptr(s->ptr, "seccompProfile");
		WANT(s->seccomp, "type", sp, string, "a string", &s->seccomp_type);
		WANT(s->seccomp, "localhostProfile", sp, string, "a string", &s->seccomp_localhost);
	}
	WANT(s->obj, "privileged", s->ptr, bool, "true or false", &s->privileged);
	WANT(s->obj, "allowPrivilegeEscalation", s->ptr, bool, "true or false", &s->ape);
	WANT(s->obj, "readOnlyRootFilesystem", s->ptr, bool, "true or false", &s->rorf);
	WANT(s->obj, "capabilities", s->ptr, object, "an object", &s->caps);
	{
		_cleanup_free_ char *cp = hr_json_ptr(s->ptr, "capabilities");
		WANT(s->caps, "add", cp, array, "an array of capability names", &s->add);
		WANT(s->caps, "drop", cp, array, "an array of capability names", &s->drop);
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
	WANT(s->obj, "procMount", s->ptr, string, "a string", &s->proc_mount);
	WANT(s->obj, "supplementalGroups", s->ptr, array, "an array of integers", &s->supp);
	WANT(s->obj, "fsGroup", s->ptr, int, "an integer", &s->fs_group);
	WANT(s->obj, "sysctls", s->ptr, array, "an array of {name, value}", &s->sysctls);
	return 0;
}

/* Judge a hostPath through the profile's own mounts control: a bind of
 * `path` in a minimal spec, hardened. Sources are judged lexically, as
 * the path is the node's, not this host's. */
static int judge_host_path(const struct hr_profile *p, const char *path, char **ret_denied,
			   bool *ret_writable)
{
	_cleanup_(hr_json_deletep) cJSON *spec = cJSON_Parse(
		"{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":65534,\"gid\":65534},"
		"\"args\":[\"sh\"],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},"
		"\"mounts\":[{\"destination\":\"/hostpath\",\"type\":\"bind\",\"options\":[\"rbind\",\"rw\"]}],"
		"\"linux\":{}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cJSON_AddStringToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(spec, "mounts"), 0), "source",
				path);
	*ret_denied = NULL;
	*ret_writable = true;
	if (hr_harden(spec, p, NULL, &f, &err) == HR_E_INVALID) {
		*ret_denied = hr_xstrdup(err.msg);
		return 0;
	}
	for (size_t i = 0; i < f.n; i++) {
		if (strcmp(f.v[i].rule->id, "mounts.sensitive-source") == 0 && !*ret_denied)
			*ret_denied = hr_xstrdup(f.v[i].message);
		if (strcmp(f.v[i].rule->id, "mounts.bind-readonly") == 0)
			*ret_writable = false;
	}
	hr_findings_done(&f);
	return 0;
}

static bool strv_has_path(const cJSON *mounts, const char *path)
{
	_cleanup_free_ char *want_path = hr_path_normalize(path);
	for (const cJSON *m = mounts ? mounts->child : NULL; m; m = m->next) {
		const char *mp = m_str(m, "mountPath");
		if (mp) {
			_cleanup_free_ char *n = hr_path_normalize(mp);
			if (strcmp(n, want_path) == 0)
				return true;
		}
	}
	return false;
}

/* user: the container's value, else the pod's (where it is set). */
static void audit_user(struct actx *a, const struct sc *s, const struct sc *pod, const char *name)
{
	const struct hr_profile *p = a->p;
	const cJSON *uid = s->run_as_user ? s->run_as_user : pod->run_as_user;
	const char *uptr = s->run_as_user ? s->ptr : pod->ptr;
	const cJSON *nr = s->run_as_non_root ? s->run_as_non_root : pod->run_as_non_root;
	const cJSON *gid = s->run_as_group ? s->run_as_group : pod->run_as_group;
	const char *gptr = s->run_as_group ? s->ptr : pod->ptr;
	cJSON *want_uid, *want_gid, *t;

	if (p->user.allow_root)
		return;
	/* Under a profile that gives root a user namespace of its own, root
	 * stays root there: say so, not that it would change. */
	_cleanup_free_ char *becomes =
		p->userns.enabled && p->userns.allow_root
			? hr_xstrdup("under hardrun it is root only in a user namespace of its own, "
				     "never host root")
			: hr_xasprintf("hardrun would run it as uid %u", p->user.uid);

	want_uid = cJSON_CreateNumber(p->user.uid);
	want_gid = cJSON_CreateNumber(p->user.gid);
	t = cJSON_CreateTrue();
	if (uid && uid->valuedouble == 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(uptr, "runAsUser");
		add(a, "k8s.run-as-root", "user", HR_CHANGED, ptr, uid, want_uid,
		    "container `%s` runs as root (runAsUser 0); %s", name, becomes);
	} else if (!uid && !cJSON_IsTrue(nr)) {
		_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "runAsNonRoot");
		add(a, "k8s.run-as-root", "user", HR_CHANGED, ptr, nr, t,
		    "container `%s` may run as root (no runAsUser, runAsNonRoot not "
		    "true): its image decides; %s",
		    name, becomes);
	}
	if (!gid || gid->valuedouble == 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(gid ? gptr : s->ptr, "runAsGroup");
		add(a, "k8s.run-as-root-group", "user", HR_CHANGED, ptr, gid, want_gid,
		    "container `%s` %s; hardrun would give it gid %u", name,
		    gid ? "runs with group 0 (runAsGroup 0)"
			: "may run with group 0 (no runAsGroup)",
		    p->user.gid);
	}
	cJSON_Delete(want_uid);
	cJSON_Delete(want_gid);
	cJSON_Delete(t);
}

/* no_new_privs, and privileged. */
static void audit_privileges(struct actx *a, const struct sc *s, const char *name)
{
	if (!cJSON_IsFalse(s->ape)) {
		_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "allowPrivilegeEscalation");
		cJSON *f = cJSON_CreateFalse();
		add(a, "k8s.privilege-escalation", "no-new-privileges", HR_CHANGED, ptr, s->ape, f,
		    "container `%s` may gain privileges through setuid files "
		    "(allowPrivilegeEscalation is not false); hardrun sets no_new_privs",
		    name);
		cJSON_Delete(f);
	}
	if (cJSON_IsTrue(s->privileged)) {
		_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "privileged");
		add(a, "k8s.privileged", "privileged", HR_REFUSED, ptr, s->privileged, NULL,
		    "container `%s` is privileged (every capability and device, no "
		    "seccomp): hardrun refuses it (spec.privileged)",
		    name);
	}
}

/* capabilities: what the runtime would grant, against the allowlist. */
static void audit_capabilities(struct actx *a, const struct sc *s, const char *name)
{
	const struct hr_profile *p = a->p;
	bool drops_all = false;
	uint64_t kept = 0, dropped = 0;
	char extra[256] = "";
	size_t j = 0;
	const cJSON *v;

	for (v = s->drop ? s->drop->child : NULL; v; v = v->next) {
		_cleanup_free_ char *cn = m_cap_spec_name(v->valuestring);
		int n = hr_cap_from_name(cn);
		drops_all |= strcmp(v->valuestring, "ALL") == 0;
		if (n >= 0)
			dropped |= UINT64_C(1) << n;
	}
	for (size_t i = 0; !drops_all && hr_engine_default_caps[i]; i++) {
		int n = hr_cap_from_name(hr_engine_default_caps[i]);
		if (n >= 0 && !(dropped & (UINT64_C(1) << n)) &&
		    !(p->caps.allow & (UINT64_C(1) << n))) {
			kept |= UINT64_C(1) << n;
			if (strlen(extra) + 24 < sizeof extra)
				snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
					 "%s%s", *extra ? ", " : "", hr_engine_default_caps[i] + 4);
		}
	}
	if (kept) {
		_cleanup_free_ char *ptr = hr_xasprintf("%s/capabilities/drop", s->ptr);
		cJSON *all = cJSON_CreateStringArray((const char *[]){ "ALL" }, 1);
		add(a, "k8s.capabilities", "capabilities", HR_CHANGED, ptr, s->drop, all,
		    "container `%s` keeps the runtime's default capabilities %s, which "
		    "the profile does not allow; hardrun would drop them",
		    name, extra);
		cJSON_Delete(all);
	}
	for (v = s->add ? s->add->child : NULL; v; v = v->next, j++) {
		_cleanup_free_ char *cn = m_cap_spec_name(v->valuestring);
		int n = hr_cap_from_name(cn);
		if (n >= 0 && (p->caps.allow & (UINT64_C(1) << n)))
			continue;
		_cleanup_free_ char *ptr = hr_xasprintf("%s/capabilities/add/%zu", s->ptr, j);
		if (hr_cap_engine_default(n))
			add(a, "k8s.capabilities", "capabilities", HR_CHANGED, ptr, v, NULL,
			    "container `%s` adds %s, which the profile does not allow; hardrun "
			    "would drop it",
			    name, v->valuestring);
		else
			add(a, "k8s.capabilities", "capabilities", HR_REFUSED, ptr, v, NULL,
			    "container `%s` adds %s, which the profile does not allow; hardrun "
			    "refuses it (capabilities.added)",
			    name, v->valuestring);
	}
}

/* seccomp: the container's profile, else the pod's. */
static void audit_seccomp(struct actx *a, const struct sc *s, const struct sc *pod,
			  const char *name)
{
	const struct sc *from = s->seccomp ? s : pod->seccomp ? pod : s;
	const char *type = from->seccomp_type ? from->seccomp_type->valuestring : NULL;
	const char *lp = from->seccomp_localhost ? from->seccomp_localhost->valuestring : NULL;
	_cleanup_free_ char *ptr = hr_json_ptr(from->ptr, "seccompProfile");
	cJSON *want_sc = cJSON_CreateObject();

	cJSON_AddStringToObject(want_sc, "type", "Localhost");
	cJSON_AddStringToObject(want_sc, "localhostProfile", a->o->seccomp_name);
	if (!type || strcmp(type, "Unconfined") == 0)
		add(a, "k8s.seccomp", "seccomp", HR_CHANGED, ptr, from->seccomp, want_sc,
		    "container `%s` runs without a seccomp filter%s; hardrun would "
		    "install the profile's",
		    name, type ? " (Unconfined)" : "");
	else if (strcmp(type, "Localhost") != 0 || !lp || strcmp(lp, a->o->seccomp_name) != 0)
		add(a, "k8s.seccomp-profile", "seccomp", HR_CHANGED, ptr, from->seccomp, want_sc,
		    "container `%s` uses seccomp profile %s%s%s, not the profile's "
		    "filter; hardrun would combine the two (a call passes only if "
		    "both allow it)",
		    name, type, lp ? " " : "", lp ? lp : "");
	cJSON_Delete(want_sc);
}

/* A read-only root with volumes where the profile lets it write, and
 * /proc masked. mp: the pointer to the container's volumeMounts. */
static void audit_rootfs(struct actx *a, const struct sc *s, const cJSON *mounts, const char *mp,
			 const char *name)
{
	const struct hr_profile *p = a->p;

	if (p->rootfs.readonly) {
		if (!cJSON_IsTrue(s->rorf)) {
			_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "readOnlyRootFilesystem");
			cJSON *t = cJSON_CreateTrue();
			add(a, "k8s.readonly-rootfs", "rootfs", HR_CHANGED, ptr, s->rorf, t,
			    "container `%s` has a writable root file system; hardrun would "
			    "make it read-only",
			    name);
			cJSON_Delete(t);
		}
		for (size_t i = 0; p->rootfs.writable && p->rootfs.writable[i]; i++) {
			if (strv_has_path(mounts, p->rootfs.writable[i]))
				continue;
			cJSON *want_m = cJSON_CreateObject();
			_cleanup_free_ char *vn = volume_name(p->rootfs.writable[i], i);
			cJSON_AddStringToObject(want_m, "name", vn);
			cJSON_AddStringToObject(want_m, "mountPath", p->rootfs.writable[i]);
			add(a, "k8s.writable-path", "rootfs", HR_CHANGED, mp, NULL, want_m,
			    "container `%s` has no volume at %s, where the profile lets it "
			    "write; hardrun would mount a tmpfs there",
			    name, p->rootfs.writable[i]);
			cJSON_Delete(want_m);
		}
	}
	if (s->proc_mount && strcmp(s->proc_mount->valuestring, "Default") != 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "procMount");
		cJSON *d = cJSON_CreateString("Default");
		add(a, "k8s.proc-mount", "paths", HR_CHANGED, ptr, s->proc_mount, d,
		    "container `%s` asks for an unmasked /proc (procMount %s); hardrun "
		    "would mask the profile's paths",
		    name, s->proc_mount->valuestring);
		cJSON_Delete(d);
	}
}

/* resources: the memory limit and the CPU request (or limit). rp: the
 * pointer to the container's resources. */
static int audit_resources(struct actx *a, const cJSON *limits, const cJSON *requests,
			   const char *rp, const char *name)
{
	const struct hr_profile *p = a->p;
	const cJSON *mem = NULL, *cpu = NULL;
	_cleanup_free_ char *lp = hr_json_ptr(rp, "limits");
	_cleanup_free_ char *qp = hr_json_ptr(rp, "requests");
	_cleanup_free_ char *want_mem = bytes_quantity(p->resources.memory);
	int64_t max_m = shares_millicores(p->resources.cpu_shares), m;
	const char *cpu_ptr = qp;

	WANT(limits, "memory", lp, quantity, "a quantity", &mem);
	WANT(requests, "cpu", qp, quantity, "a quantity", &cpu);
	if (!cpu) {
		/* Without a request, the limit is the request. */
		WANT(limits, "cpu", lp, quantity, "a quantity", &cpu);
		cpu_ptr = lp;
	}
	m = mem ? quantity_of(mem, 1) : -2;
	if (m == -1) {
		_cleanup_free_ char *ptr = hr_json_ptr(lp, "memory");
		return hr_err(a->err, HR_E_INVALID, "%s: `%s` is not a quantity", ptr,
			      cJSON_IsString(mem) ? mem->valuestring : "?");
	}
	if (m < 0 || m > p->resources.memory) {
		_cleanup_free_ char *ptr = hr_json_ptr(lp, "memory");
		cJSON *w = cJSON_CreateString(want_mem);
		add(a, "k8s.memory-limit", "resources", HR_CHANGED, ptr, mem, w,
		    "container `%s` %s; hardrun would limit it to %s", name,
		    mem ? "may use more memory than the profile allows" : "has no memory limit",
		    want_mem);
		cJSON_Delete(w);
	}
	if (cpu) {
		int64_t c_m = quantity_of(cpu, 1000);
		_cleanup_free_ char *ptr = hr_json_ptr(cpu_ptr, "cpu");
		if (c_m < 0)
			return hr_err(a->err, HR_E_INVALID, "%s: not a quantity", ptr);
		if (c_m > max_m) {
			_cleanup_free_ char *q = millicores_quantity(max_m);
			cJSON *w = cJSON_CreateString(q);
			add(a, "k8s.cpu-request", "resources", HR_CHANGED, ptr, cpu, w,
			    "container `%s` asks for more CPU weight than the profile's %" PRId64
			    " shares; hardrun would lower them",
			    name, p->resources.cpu_shares);
			cJSON_Delete(w);
		}
	}
	return 0;
}

/* hostPath volumes mounted writable where the profile's mounts control
 * would make them read-only. */
static void audit_host_paths(struct actx *a, const cJSON *mounts, const cJSON *volumes,
			     const char *mp, const char *name)
{
	size_t j = 0;

	for (const cJSON *m = mounts ? mounts->child : NULL; m; m = m->next, j++) {
		const char *vn = m_str(m, "name");
		const cJSON *vol = NULL, *hp;
		size_t vi = 0;
		for (vol = volumes ? volumes->child : NULL; vol; vol = vol->next, vi++)
			if (vn && m_str(vol, "name") && strcmp(m_str(vol, "name"), vn) == 0)
				break;
		hp = m_get(vol, "hostPath");
		if (!hp || !m_str(hp, "path") || m_true(m, "readOnly"))
			continue;
		_cleanup_free_ char *denied = NULL;
		bool writable = true;
		judge_host_path(a->p, m_str(hp, "path"), &denied, &writable);
		if (denied || writable)
			continue; /* refused at the volume, or allowed */
		_cleanup_free_ char *ptr = hr_xasprintf("%s/%zu/readOnly", mp, j);
		cJSON *t = cJSON_CreateTrue();
		add(a, "k8s.host-path-writable", "mounts", HR_CHANGED, ptr, m_get(m, "readOnly"), t,
		    "container `%s` mounts host path %s (volume `%s`) writable; hardrun "
		    "would make it read-only",
		    name, m_str(hp, "path"), vn);
		cJSON_Delete(t);
	}
}

static int audit_container(struct actx *a, const cJSON *c, const char *cptr, const struct sc *pod,
			   const cJSON *volumes)
{
	const char *name;
	const cJSON *v, *res = NULL, *limits = NULL, *requests = NULL, *mounts = NULL;
	struct sc s;
	int r;

	if (!cJSON_IsObject(c))
		return hr_err(a->err, HR_E_INVALID, "%s: expected a container (an object)", cptr);
	WANT(c, "name", cptr, string, "a string", &v);
	name = v ? v->valuestring : "?";
	if ((r = read_sc(a, c, cptr, &s)) < 0) {
		free(s.ptr);
		return r;
	}
	{
		_cleanup_free_ char *sp = s.ptr;
		_cleanup_free_ char *rp = hr_json_ptr(cptr, "resources");
		_cleanup_free_ char *mp = hr_json_ptr(cptr, "volumeMounts");

		WANT(c, "resources", cptr, object, "an object", &res);
		WANT(res, "limits", rp, object, "an object", &limits);
		WANT(res, "requests", rp, object, "an object", &requests);
		WANT(c, "volumeMounts", cptr, array, "an array", &mounts);
		audit_user(a, &s, pod, name);
		audit_privileges(a, &s, name);
		audit_capabilities(a, &s, name);
		audit_seccomp(a, &s, pod, name);
		audit_rootfs(a, &s, mounts, mp, name);
		if ((r = audit_resources(a, limits, requests, rp, name)) < 0)
			return r;
		audit_host_paths(a, mounts, volumes, mp, name);
	}
	return 0;
}

/* The runtime class (nothing enforces the profile at Run without it), and
 * the profile the pod asks for by annotation. */
static void audit_pod_runtime(struct actx *a, const cJSON *rc, const cJSON *ann, const char *sptr,
			      const char *aptr)
{
	const char *want_rc = a->o->runtime_class;
	const char *have = rc ? rc->valuestring : NULL;
	bool ok = have && (want_rc ? strcmp(have, want_rc) == 0
				   : strcmp(have, "hardrun") == 0 || strncmp(have, "hardrun-", 8) == 0);
	const cJSON *pa = m_get(ann, "org.hardrun.profile");

	if (!ok) {
		_cleanup_free_ char *ptr = hr_json_ptr(sptr, "runtimeClassName");
		cJSON *w = cJSON_CreateString(want_rc ? want_rc : "hardrun");
		add(a, "k8s.runtime-class", NULL, HR_CHANGED, ptr, rc, w,
		    "the pod %s, so nothing enforces the profile when it runs",
		    have ? "runs under another runtime class" : "has no runtimeClassName");
		cJSON_Delete(w);
	}
	if (cJSON_IsString(pa) && strcmp(pa->valuestring, a->short_name) != 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(aptr, "org.hardrun.profile");
		cJSON *w = cJSON_CreateString(a->short_name);
		add(a, "k8s.profile-annotation", NULL, HR_WARNED, ptr, pa, w,
		    "the pod asks for profile `%s`, but was checked against `%s`",
		    pa->valuestring, a->short_name);
		cJSON_Delete(w);
	}
}

/* Host namespaces: hardrun would give the container its own. */
static int audit_pod_namespaces(struct actx *a, const cJSON *spec, const char *sptr)
{
	static const struct {
		const char *field;
		enum hr_ns_type t;
	} host_ns[] = { { "hostNetwork", HR_NS_NETWORK }, { "hostPID", HR_NS_PID },
			{ "hostIPC", HR_NS_IPC } };
	const cJSON *v;
	int r;

	for (size_t i = 0; i < HR_ARRAY_SIZE(host_ns); i++) {
		if ((r = want(a, spec, host_ns[i].field, sptr, is_bool, "true or false", &v)) < 0)
			return r;
		if (!cJSON_IsTrue(v) || (a->p->ns.allow_host & (1u << host_ns[i].t)))
			continue;
		_cleanup_free_ char *ptr = hr_json_ptr(sptr, host_ns[i].field);
		cJSON *f = cJSON_CreateFalse();
		add(a, "k8s.host-namespace", "namespaces", HR_REFUSED, ptr, v, f,
		    "the pod shares the host's %s namespace; hardrun refuses it "
		    "(namespaces.host-join)",
		    hr_ns_name(host_ns[i].t));
		cJSON_Delete(f);
	}
	return 0;
}

/* Groups set for the whole pod. */
static int audit_pod_groups(struct actx *a, const struct sc *pod)
{
	const struct hr_profile *p = a->p;
	size_t j = 0;

	if (p->user.allow_root)
		return 0;
	for (const cJSON *v = pod->supp ? pod->supp->child : NULL; v; v = v->next, j++) {
		if (!is_int(v))
			return hr_err(a->err, HR_E_INVALID, "%s/supplementalGroups/%zu: expected an "
							    "integer", pod->ptr, j);
		if (v->valuedouble != 0)
			continue;
		_cleanup_free_ char *ptr = hr_xasprintf("%s/supplementalGroups/%zu", pod->ptr, j);
		add(a, "k8s.run-as-root-group", "user", HR_CHANGED, ptr, v, NULL,
		    "the pod adds group 0 to its containers; hardrun would remove it");
	}
	if (pod->fs_group && pod->fs_group->valuedouble == 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(pod->ptr, "fsGroup");
		cJSON *w = cJSON_CreateNumber(p->user.gid);
		add(a, "k8s.run-as-root-group", "user", HR_CHANGED, ptr, pod->fs_group, w,
		    "the pod's volumes are owned by group 0 (fsGroup 0), which its "
		    "containers join");
		cJSON_Delete(w);
	}
	return 0;
}

/* Sysctls the profile does not allow: hardrun refuses them. */
static int audit_pod_sysctls(struct actx *a, const struct sc *pod)
{
	const struct hr_profile *p = a->p;
	size_t j = 0;

	for (const cJSON *v = pod->sysctls ? pod->sysctls->child : NULL; v; v = v->next, j++) {
		const char *n = m_str(v, "name");
		bool ok = false;
		if (!n)
			return hr_err(a->err, HR_E_INVALID, "%s/sysctls/%zu/name: expected a string",
				      pod->ptr, j);
		_cleanup_free_ char *dotted = hr_xstrdup(n);
		for (char *c = dotted; *c; c++)
			if (*c == '/')
				*c = '.';
		for (size_t k = 0; p->sysctl_allow && p->sysctl_allow[k] && !ok; k++)
			ok = fnmatch(p->sysctl_allow[k], dotted, 0) == 0;
		if (ok)
			continue;
		_cleanup_free_ char *ptr = hr_xasprintf("%s/sysctls/%zu/name", pod->ptr, j);
		add(a, "k8s.sysctl", "sysctl", HR_REFUSED, ptr, m_get(v, "name"), NULL,
		    "the pod sets sysctl %s, which the profile does not allow; hardrun "
		    "refuses it",
		    n);
	}
	return 0;
}

/* hostPath volumes that expose what the profile refuses. */
static int audit_pod_volumes(struct actx *a, const cJSON *volumes, const char *vptr)
{
	size_t j = 0;

	for (const cJSON *v = volumes ? volumes->child : NULL; v; v = v->next, j++) {
		const cJSON *hp = m_get(v, "hostPath");
		const char *path = m_str(hp, "path");
		_cleanup_free_ char *denied = NULL;
		bool writable;

		if (!hp)
			continue;
		if (!path)
			return hr_err(a->err, HR_E_INVALID, "%s/%zu/hostPath/path: expected a string",
				      vptr, j);
		judge_host_path(a->p, path, &denied, &writable);
		if (!denied)
			continue;
		_cleanup_free_ char *ptr = hr_xasprintf("%s/%zu/hostPath/path", vptr, j);
		add(a, "k8s.host-path", "mounts", HR_REFUSED, ptr, m_get(hp, "path"), NULL,
		    "volume `%s`: %s; hardrun refuses it",
		    m_str(v, "name") ? m_str(v, "name") : "?", denied);
	}
	return 0;
}

static int audit_pod(struct actx *a, const cJSON *meta, const cJSON *spec, const char *mptr,
		     const char *sptr)
{
	const cJSON *v, *volumes = NULL, *ann = NULL, *rc = NULL;
	_cleanup_free_ char *vptr = hr_json_ptr(sptr, "volumes");
	_cleanup_free_ char *aptr = hr_json_ptr(mptr, "annotations");
	struct sc pod;
	int r;

	if (!cJSON_IsObject(spec))
		return hr_err(a->err, HR_E_INVALID, "%s: expected a pod spec (an object)", sptr);
	if (meta && !cJSON_IsObject(meta))
		return hr_err(a->err, HR_E_INVALID, "%s: expected an object", mptr);
	a->pod_first = a->f->n;
	if ((r = read_sc(a, spec, sptr, &pod)) < 0)
		goto out;
	if ((r = want(a, spec, "volumes", sptr, is_array, "an array", &volumes)) < 0 ||
	    (r = want(a, meta, "annotations", mptr, is_object, "an object", &ann)) < 0 ||
	    (r = want(a, spec, "runtimeClassName", sptr, is_string, "a string", &rc)) < 0)
		goto out;
	audit_pod_runtime(a, rc, ann, sptr, aptr);
	if ((r = audit_pod_namespaces(a, spec, sptr)) < 0 || (r = audit_pod_groups(a, &pod)) < 0 ||
	    (r = audit_pod_sysctls(a, &pod)) < 0 || (r = audit_pod_volumes(a, volumes, vptr)) < 0)
		goto out;
	for (size_t l = 0; l < HR_ARRAY_SIZE(m_container_lists); l++) {
		const cJSON *list = NULL;
		size_t j = 0;
		if ((r = want(a, spec, m_container_lists[l], sptr, is_array, "an array", &list)) < 0)
			goto out;
		for (v = list ? list->child : NULL; v; v = v->next, j++) {
			_cleanup_free_ char *cptr = hr_xasprintf("%s/%s/%zu", sptr, m_container_lists[l], j);
			if ((r = audit_container(a, v, cptr, &pod, volumes)) < 0)
				goto out;
		}
	}
	r = 0;
out:
	free(pod.ptr);
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

static int audit_doc(struct actx *a, const cJSON *doc, const char *base, unsigned depth,
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
	struct actx a = { .p = p, .o = o, .f = f, .err = err, .short_name = profile_short_name(p) };
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
