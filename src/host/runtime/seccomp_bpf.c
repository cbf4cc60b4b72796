/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crun compiles linux.seccomp at every create; handed the program as
 * run.oci.seccomp_bpf_data it only decodes it. The program must be the
 * one crun would have made, byte for byte, so the translation below
 * follows crun 1.8's (libcrun_generate_seccomp) call for call: the
 * default action (with defaultErrnoRet, EPERM otherwise) to seccomp_init,
 * each architecture (SCMP_ARCH_ dropped, lower case) resolved by
 * libseccomp and added, then the rules in order: a rule whose action is
 * the default one is skipped, each name resolved for the native
 * architecture (an unknown one skipped, as crun warns and skips it), no
 * arguments one seccomp_rule_add, arguments one seccomp_rule_add_array
 * of all of them, or, when an index repeats, one rule per argument; no
 * filter attribute is set; the result of seccomp_export_bpf. What crun
 * would refuse, or treats apart from the filter (a listener), is not
 * compiled here: crun then compiles it, with its own errors.
 * tests/integration/crun-bpf.sh reads the loaded filter of real
 * containers and compares.
 *
 * The compiled program is kept in hardrun's cache directory, keyed by the
 * exact seccomp text, libseccomp's version and the kernel, so that a
 * start of a known filter costs one read.
 */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hardrun/doctor.h"
#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/seccomp_bpf.h"

/* Numbers as crun's parser takes them: exact non-negative integers. */
static bool exact_uint(const cJSON *n, uint64_t max, uint64_t *ret)
{
	if (!cJSON_IsNumber(n))
		return false;
	if (n->valuestring) {
		/* More than 15 digits: the source text (json.h). */
		const char *s = n->valuestring;
		uint64_t v = 0;
		if (!*s)
			return false;
		for (; *s; s++) {
			uint64_t d = (uint64_t)(*s - '0');
			if (!isdigit((unsigned char)*s) || v > (UINT64_MAX - d) / 10)
				return false;
			v = v * 10 + d;
		}
		*ret = v;
		return v <= max;
	}
	if (!(n->valuedouble >= 0 && n->valuedouble < 9007199254740992.0) ||
	    n->valuedouble != (double)(uint64_t)n->valuedouble)
		return false;
	*ret = (uint64_t)n->valuedouble;
	return *ret <= max;
}

static bool action_has_errno(const char *a)
{
	return strcmp(a, "SCMP_ACT_ERRNO") == 0 || strcmp(a, "SCMP_ACT_TRACE") == 0;
}

/* crun's names of actions; SCMP_ACT_NOTIFY needs a listener, which crun
 * sets up apart from the filter: not handed over. */
static bool action_of(const char *a, uint32_t errno_ret, uint32_t *ret)
{
	static const struct {
		const char *name;
		uint32_t action;
	} plain[] = {
		{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
		{ "SCMP_ACT_KILL", SCMP_ACT_KILL },
		{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
		{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
		{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
		{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	};

	if (strcmp(a, "SCMP_ACT_ERRNO") == 0) {
		*ret = SCMP_ACT_ERRNO(errno_ret);
		return true;
	}
	if (strcmp(a, "SCMP_ACT_TRACE") == 0) {
		*ret = SCMP_ACT_TRACE(errno_ret);
		return true;
	}
	for (size_t i = 0; i < HR_ARRAY_SIZE(plain); i++)
		if (strcmp(a, plain[i].name) == 0) {
			*ret = plain[i].action;
			return true;
		}
	return false;
}

static enum scmp_compare op_of(const char *s)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE },
		{ "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE },
		{ "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(ops); i++)
		if (strcmp(s, ops[i].name) == 0)
			return ops[i].op;
	return _SCMP_CMP_MIN;
}

/* Only members crun is known to read the same way either path. */
static bool only_members(const cJSON *o, const char *const *known)
{
	for (const cJSON *m = o->child; m; m = m->next) {
		bool ok = false;
		for (size_t i = 0; known[i] && !ok; i++)
			ok = strcmp(m->string, known[i]) == 0;
		if (!ok)
			return false;
	}
	return true;
}

static const cJSON *member(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* The arguments of one rule, as crun reads them (at most 6). */
static bool args_of(const cJSON *args, struct scmp_arg_cmp *cmp, unsigned *ret_n, bool *ret_multi,
		    const char **why)
{
	static const char *const keys[] = { "index", "value", "valueTwo", "op", NULL };
	unsigned n = 0, count[6] = { 0 };

	*ret_multi = false;
	for (const cJSON *a = args->child; a; a = a->next, n++) {
		uint64_t index, v1 = 0, v2 = 0;
		const cJSON *op = member(a, "op");
		if (n == 6)
			return *why = "more than 6 arguments in a rule", false;
		if (!cJSON_IsObject(a) || !only_members(a, keys) || !cJSON_IsString(op) ||
		    !exact_uint(member(a, "index"), 5, &index) ||
		    (member(a, "value") && !exact_uint(member(a, "value"), UINT64_MAX, &v1)) ||
		    (member(a, "valueTwo") && !exact_uint(member(a, "valueTwo"), UINT64_MAX, &v2)))
			return *why = "an argument crun would read otherwise", false;
		cmp[n] = (struct scmp_arg_cmp){ .arg = (unsigned)index,
						.op = op_of(op->valuestring),
						.datum_a = v1,
						.datum_b = v2 };
		if (cmp[n].op == _SCMP_CMP_MIN)
			return *why = "an operator crun does not know", false;
		if (++count[index] > 1)
			*ret_multi = true;
	}
	*ret_n = n;
	return true;
}

static bool add_rule(scmp_filter_ctx ctx, const cJSON *rule, uint32_t def, const char **why)
{
	static const char *const keys[] = { "names", "action", "errnoRet", "args", NULL };
	const cJSON *action = member(rule, "action"), *names = member(rule, "names");
	const cJSON *args = member(rule, "args"), *er = member(rule, "errnoRet");
	struct scmp_arg_cmp cmp[6];
	uint64_t errno_ret = 1; /* EPERM */
	unsigned n = 0;
	bool multi = false;
	uint32_t act;

	if (!cJSON_IsObject(rule) || !only_members(rule, keys) || !cJSON_IsString(action) ||
	    (names && !cJSON_IsArray(names)) || (args && !cJSON_IsArray(args)))
		return *why = "a rule crun would read otherwise", false;
	if (er &&
	    (!action_has_errno(action->valuestring) || !exact_uint(er, UINT32_MAX, &errno_ret)))
		return *why = "an errnoRet crun would refuse", false;
	if (!action_of(action->valuestring, (uint32_t)errno_ret, &act))
		return *why = "an action not handed over (SCMP_ACT_NOTIFY, or unknown)", false;
	if (act == def)
		return true;
	if (args && !args_of(args, cmp, &n, &multi, why))
		return false;
	for (const cJSON *nm = names ? names->child : NULL; nm; nm = nm->next) {
		int nr, r = 0;
		if (!cJSON_IsString(nm))
			return *why = "a system call name that is not a string", false;
		if ((nr = seccomp_syscall_resolve_name(nm->valuestring)) == __NR_SCMP_ERROR)
			continue;
		if (!args)
			r = seccomp_rule_add(ctx, act, nr, 0);
		else if (!multi)
			r = seccomp_rule_add_array(ctx, act, nr, n, cmp);
		else
			for (unsigned k = 0; k < n && r == 0; k++)
				r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k]);
		if (r < 0)
			return *why = "libseccomp refused a rule", false;
	}
	return true;
}

static bool add_arches(scmp_filter_ctx ctx, const cJSON *arches, const char **why)
{
	for (const cJSON *a = arches ? arches->child : NULL; a; a = a->next) {
		char lower[32];
		const char *s;
		size_t i;
		uint32_t token;
		int r;

		if (!cJSON_IsString(a))
			return *why = "an architecture that is not a string", false;
		s = a->valuestring;
		if (strncmp(s, "SCMP_ARCH_", 10) == 0)
			s += 10;
		for (i = 0; i < sizeof lower - 1 && s[i]; i++)
			lower[i] = (char)tolower((unsigned char)s[i]);
		lower[i] = '\0';
		if ((token = seccomp_arch_resolve_name(lower)) == 0)
			return *why = "an architecture libseccomp does not know", false;
		if ((r = seccomp_arch_add(ctx, token)) < 0 && r != -EEXIST)
			return *why = "libseccomp refused an architecture", false;
	}
	return true;
}

/* seccomp_export_bpf writes to a descriptor: a memfd, read back. */
static bool export_bpf(scmp_filter_ctx ctx, struct hr_buf *out)
{
	_cleanup_close_ int fd = memfd_create("hardrun-bpf", MFD_CLOEXEC);
	char buf[8192];
	ssize_t n;

	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return false;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		hr_buf_add(out, buf, (size_t)n);
	return n == 0 && out->n > 0 && out->n % 8 == 0;
}

static char *base64(const unsigned char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = hr_xmalloc((n + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? tab[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

bool hr_crun_bpf_compile(const cJSON *seccomp, char **ret_b64, const char **ret_why)
{
	static const char *const keys[] = { "defaultAction", "defaultErrnoRet", "architectures",
					    "flags",	     "syscalls",	NULL };
	const cJSON *def = member(seccomp, "defaultAction"),
		    *der = member(seccomp, "defaultErrnoRet");
	const cJSON *arches = member(seccomp, "architectures"),
		    *rules = member(seccomp, "syscalls");
	scmp_filter_ctx ctx = NULL;
	struct hr_buf bpf = { 0 };
	const char *why = NULL;
	uint64_t errno_ret = 1; /* EPERM */
	uint32_t act;
	bool ok = false;

	if (!cJSON_IsObject(seccomp) || !only_members(seccomp, keys)) {
		why = "linux.seccomp has a listener (listenerPath) or a member not handed over";
	} else if (!cJSON_IsString(def) || (arches && !cJSON_IsArray(arches)) ||
		   (rules && !cJSON_IsArray(rules))) {
		why = "linux.seccomp is not as crun reads it";
	} else if (der && (!action_has_errno(def->valuestring) ||
			   !exact_uint(der, UINT32_MAX, &errno_ret))) {
		why = "a defaultErrnoRet crun would refuse";
	} else if (!action_of(def->valuestring, (uint32_t)errno_ret, &act)) {
		why = "a default action not handed over";
	} else if (!(ctx = seccomp_init(act))) {
		why = "libseccomp refused the default action";
	} else if (add_arches(ctx, arches, &why)) {
		ok = true;
		for (const cJSON *r = rules ? rules->child : NULL; r && ok; r = r->next)
			ok = add_rule(ctx, r, act, &why);
		if (ok && !(ok = export_bpf(ctx, &bpf)))
			why = "libseccomp could not export the program";
	}
	if (ctx)
		seccomp_release(ctx);
	if (ok)
		*ret_b64 = base64((const unsigned char *)bpf.s, bpf.n);
	else if (ret_why)
		*ret_why = why;
	free(bpf.s);
	return ok;
}

/* --- the cache ------------------------------------------------------------- */

/*
 * An entry: MAGIC, the key's length and the key (which holds the whole
 * seccomp text: a name's collision is only a miss), the program's length,
 * a hash of it (an entry cut short by a crash is a miss, never a shorter
 * filter) and the program, base64.
 */
#define BPF_MAGIC "hardrun-seccomp-bpf-1\n"

static char *bpf_key(const char *text)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;

	if (uname(&u) < 0)
		return NULL;
	/* crun's own cache adds the same: the library, the kernel, the machine. */
	return hr_xasprintf("crun-1.8|libseccomp %u.%u.%u|kernel %s %s|%s|%s", v->major, v->minor,
			    v->micro, u.release, u.version, u.machine, text);
}

static void bpf_name(const char *key, char name[48])
{
	snprintf(name, 48, "seccomp-%016llx.bpf",
		 (unsigned long long)hr_cache_hash(key, strlen(key)));
}

static char *cache_get(const char *key)
{
	struct hr_bundle b = { .dirfd = -1 };
	_cleanup_free_ char *text = NULL;
	char name[48];
	size_t len, klen = strlen(key), m = strlen(BPF_MAGIC);
	uint64_t n, h;
	struct stat st;
	char *ret = NULL;

	if (hr_cache_open(&b) < 0)
		return NULL;
	bpf_name(key, name);
	/* The directory is root's alone (hr_cache_open); the file must be too. */
	if (hr_bundle_read(&b, name, 4u << 20, &text, &len, &st, NULL) == 0 && st.st_uid == 0 &&
	    !(st.st_mode & 077) && len >= m + klen + 1 + 2 * sizeof n &&
	    memcmp(text, BPF_MAGIC, m) == 0 && memcmp(text + m, key, klen) == 0 &&
	    text[m + klen] == '\n') {
		const char *p = text + m + klen + 1;
		memcpy(&n, p, sizeof n);
		memcpy(&h, p + sizeof n, sizeof h);
		p += 2 * sizeof n;
		if (n == (uint64_t)(text + len - p) && n > 0 && h == hr_cache_hash(p, n))
			ret = hr_xstrdup(p);
	}
	hr_bundle_close(&b);
	return ret;
}

static void cache_put(const char *key, const char *b64)
{
	struct hr_bundle b = { .dirfd = -1 };
	struct hr_buf e = { 0 };
	uint64_t n = strlen(b64), h = hr_cache_hash(b64, n);
	char name[48];

	if (hr_cache_open(&b) < 0)
		return;
	hr_buf_add(&e, BPF_MAGIC, strlen(BPF_MAGIC));
	hr_buf_add(&e, key, strlen(key));
	hr_buf_add(&e, "\n", 1);
	hr_buf_add(&e, &n, sizeof n);
	hr_buf_add(&e, &h, sizeof h);
	hr_buf_add(&e, b64, n);
	bpf_name(key, name);
	/* Best effort: an entry that cannot be written is a miss next time. */
	(void)hr_bundle_write(&b, name, e.s, e.n, 0600, 0, 0, NULL);
	hr_bundle_close(&b);
	free(e.s);
}

/* --- the launch ------------------------------------------------------------ */

/* crun by its name, then by what it says it is (cached per binary). */
static bool is_crun(const char *runtime)
{
	const char *base = runtime ? strrchr(runtime, '/') : NULL;
	struct hr_runtime_info r = { 0 };
	bool yes;

	if (!runtime || strcmp(base ? base + 1 : runtime, "crun") != 0)
		return false;
	yes = hr_runtime_identify(runtime, false, &r, NULL) == 0 && r.kind == HR_RT_CRUN &&
	      r.major >= 1;
	hr_runtime_info_done(&r);
	return yes;
}

static bool has_run_oci(const cJSON *spec)
{
	const cJSON *ann = member(spec, "annotations");

	for (const cJSON *a = cJSON_IsObject(ann) ? ann->child : NULL; a; a = a->next)
		if (strncmp(a->string, "run.oci.", 8) == 0)
			return true;
	return false;
}

enum hr_bpf_handoff hr_crun_bpf_handoff(const char *runtime, cJSON *spec, const char **ret_why)
{
	const cJSON *sc = member(member(spec, "linux"), "seccomp");
	_cleanup_free_ char *text = NULL, *key = NULL, *b64 = NULL;
	const char *why = NULL;
	enum hr_bpf_handoff how = HR_BPF_CACHED;
	cJSON *ann = NULL;

	if (!sc || cJSON_IsNull(sc) || !is_crun(runtime))
		return HR_BPF_NONE;
	if (has_run_oci(spec)) {
		why = "the spec keeps a run.oci.* annotation its profile allows";
		goto kept;
	}
	text = hr_json_print(sc, false);
	key = bpf_key(text);
	if (!key || !(b64 = cache_get(key))) {
		how = HR_BPF_COMPILED;
		if (!hr_crun_bpf_compile(sc, &b64, &why))
			goto kept;
		if (key)
			cache_put(key, b64);
	}
	if (hr_json_ensure_object(spec, "annotations", "", &ann, NULL) < 0) {
		why = "annotations is not an object";
		goto kept;
	}
	hr_json_set(ann, HR_CRUN_BPF_ANNOTATION, cJSON_CreateString(b64));
	return how;
kept:
	if (ret_why)
		*ret_why = why;
	return HR_BPF_KEPT;
}
