/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A Docker-format seccomp profile -> hr_seccomp_import for three targets
 * (no capabilities, Docker's default set, every capability; while
 * fuzzing, the one the input's hash picks; in the replay, each). Invariants:
 * nothing is allowed that no applicable entry of the file allowed (an
 * entry whose capability conditions fail contributes nothing); every name
 * is one libseccomp knows; the result, as the seccomp section of a
 * profile, either is refused with a message or gives a filter that
 * libseccomp builds, and hardening a spec under that profile keeps the
 * monotonicity invariant.
 */
#include "config.h"

#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "hardrun/json.h"
#include "hardrun/mount_options.h"
#include "hardrun/seccomp.h"
#include "hardrun/seccomp_import.h"
#include "invariant.h"

const char fz_target_name[] = "seccomp-import";

static const struct hr_json_limits profile_limits = {
	.max_bytes = 1u << 20,
	.max_depth = 32,
	.max_members = 16384,
};

/* The restricted profile without its seccomp section, and the section. */
static cJSON *restricted_doc, *restricted_sc;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_load_profiles();
	restricted_doc = hr_profile_to_json(fz_profiles[0].p);
	restricted_sc = cJSON_DetachItemFromObjectCaseSensitive(restricted_doc, "seccomp");
	return 0;
}

static uint64_t caps_of(const char *const *names)
{
	uint64_t m = 0;
	for (size_t i = 0; names[i]; i++)
		m |= UINT64_C(1) << hr_cap_from_name(names[i]);
	return m;
}

static bool cap_in(uint64_t caps, const cJSON *name)
{
	int v = cJSON_IsString(name) ? hr_cap_from_name(name->valuestring) : -1;
	return v >= 0 && (caps & (UINT64_C(1) << v));
}

/* The entry's capability conditions hold for `caps` (the architecture and
 * kernel conditions are not judged here: they can only take more away). */
static bool caps_hold(const cJSON *e, uint64_t caps)
{
	const cJSON *inc = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(e, "includes"), "caps");
	const cJSON *exc = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(e, "excludes"), "caps");

	for (const cJSON *c = cJSON_IsArray(inc) ? inc->child : NULL; c; c = c->next)
		if (!cap_in(caps, c))
			return false;
	for (const cJSON *c = cJSON_IsArray(exc) ? exc->child : NULL; c; c = c->next)
		if (cap_in(caps, c))
			return false;
	return true;
}

static bool args_equal(const cJSON *a, const cJSON *b)
{
	bool ea = !cJSON_IsArray(a) || !a->child, eb = !cJSON_IsArray(b) || !b->child;
	return ea || eb ? ea && eb : hr_json_equal(a, b);
}

/* The input's entries by the names they carry ("names" and "name"),
 * sorted by name: looking each imported call up costs log n, not a walk
 * of every entry's names (which was a quarter of the target's time). */
struct entry_ref {
	const char *name;
	const cJSON *entry;
};

struct entry_index {
	struct entry_ref *v;
	size_t n, cap;
};

static void entry_index_done(struct entry_index *x)
{
	free(x->v);
}

static int entry_ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry_ref *)a)->name, ((const struct entry_ref *)b)->name);
}

static void index_add(struct entry_index *x, const cJSON *name, const cJSON *e)
{
	if (!cJSON_IsString(name))
		return;
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		x->v = hr_xrealloc(x->v, x->cap * sizeof *x->v);
	}
	x->v[x->n++] = (struct entry_ref){ name->valuestring, e };
}

static void index_entries(const cJSON *docker, struct entry_index *x)
{
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(docker, "syscalls");

	for (const cJSON *e = cJSON_IsArray(calls) ? calls->child : NULL; e; e = e->next) {
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(e, "names");
		for (const cJSON *n = cJSON_IsArray(names) ? names->child : NULL; n; n = n->next)
			index_add(x, n, e);
		index_add(x, cJSON_GetObjectItemCaseSensitive(e, "name"), e);
	}
	if (x->n)
		qsort(x->v, x->n, sizeof *x->v, entry_ref_cmp);
}

/* Some applicable entry of the input has `name` with this action and args. */
static bool from_input(const struct entry_index *x, uint64_t caps, const char *name,
		       const char *action, const cJSON *args)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(x->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < x->n && strcmp(x->v[i].name, name) == 0; i++) {
		const cJSON *e = x->v[i].entry;
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(e, "action");
		if (cJSON_IsString(act) && strcmp(act->valuestring, action) == 0 &&
		    caps_hold(e, caps) &&
		    args_equal(cJSON_GetObjectItemCaseSensitive(e, "args"), args))
			return true;
	}
	return false;
}

/* Build the filter with libseccomp, as runc would: libseccomp refuses two
 * comparisons of one argument in a rule, so runc (matchCall) then adds
 * each comparison as a rule of its own. */
static void installable(const cJSON *f)
{
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(f, "syscalls");
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(1));

	if (!ctx)
		fz_die("seccomp_init failed");
	for (const cJSON *r = calls ? calls->child : NULL; r; r = r->next) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		const cJSON *eno = cJSON_GetObjectItemCaseSensitive(r, "errnoRet");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(r, "args");
		struct scmp_arg_cmp cmp[6];
		unsigned n = 0;
		uint32_t a;

		switch (hr_seccomp_action_from_name(act->valuestring)) {
		case HR_ACT_ALLOW: a = SCMP_ACT_ALLOW; break;
		case HR_ACT_LOG: a = SCMP_ACT_LOG; break;
		case HR_ACT_ERRNO: a = SCMP_ACT_ERRNO(cJSON_IsNumber(eno) ? (uint32_t)eno->valuedouble : 1); break;
		case HR_ACT_TRACE: a = SCMP_ACT_TRACE(cJSON_IsNumber(eno) ? (uint32_t)eno->valuedouble : 1); break;
		case HR_ACT_TRAP: a = SCMP_ACT_TRAP; break;
		case HR_ACT_KILL_PROCESS: a = SCMP_ACT_KILL_PROCESS; break;
		default: a = SCMP_ACT_KILL_THREAD; break;
		}
		for (const cJSON *x = args ? args->child : NULL; x && n < 6; x = x->next, n++) {
			static const struct {
				const char *name;
				enum scmp_compare op;
			} ops[] = { { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
				    { "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
				    { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
				    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ } };
			const cJSON *op = cJSON_GetObjectItemCaseSensitive(x, "op");
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, "value");
			const cJSON *v2 = cJSON_GetObjectItemCaseSensitive(x, "valueTwo");
			cmp[n] = (struct scmp_arg_cmp){
				.arg = (unsigned)cJSON_GetObjectItemCaseSensitive(x, "index")->valuedouble,
				.op = SCMP_CMP_EQ,
				.datum_a = cJSON_IsNumber(v) ? (scmp_datum_t)v->valuedouble : 0,
				.datum_b = cJSON_IsNumber(v2) ? (scmp_datum_t)v2->valuedouble : 0,
			};
			for (size_t k = 0; k < HR_ARRAY_SIZE(ops); k++)
				if (strcmp(ops[k].name, op->valuestring) == 0)
					cmp[n].op = ops[k].op;
		}
		bool split = false;
		for (unsigned i = 0; i < n; i++)
			for (unsigned k = i + 1; k < n; k++)
				split |= cmp[i].arg == cmp[k].arg;
		for (const cJSON *nm = cJSON_GetObjectItemCaseSensitive(r, "names")->child; nm;
		     nm = nm->next) {
			int sc = seccomp_syscall_resolve_name(nm->valuestring);
			int rc = 0;
			if (sc == __NR_SCMP_ERROR)
				continue;
			for (unsigned i = 0; split && i < n && (rc == 0 || rc == -EACCES || rc == -EEXIST); i++)
				rc = seccomp_rule_add_array(ctx, a, sc, 1, &cmp[i]);
			if (!split)
				rc = seccomp_rule_add_array(ctx, a, sc, n, cmp);
			/* EACCES: the action equals the default; libseccomp refuses
			 * such a rule and runc ignores that. */
			if (rc != 0 && rc != -EACCES && rc != -EEXIST)
				fz_die("libseccomp refuses the rule for %s: %s", nm->valuestring,
				       strerror(-rc));
		}
	}
	seccomp_release(ctx);
}

static void one_target(const cJSON *doc, const struct hr_import_target *t)
{
	_cleanup_json_ cJSON *docker = cJSON_Duplicate(doc, true), *out = NULL;
	_cleanup_json_ cJSON *prof = NULL, *in = NULL, *spec = NULL, *filter = NULL;
	_cleanup_strv_ char **notes = NULL;
	_cleanup_profile_ struct hr_profile *p = NULL;
	_cleanup_(hr_findings_done) struct hr_findings f = { 0 };
	_cleanup_(entry_index_done) struct entry_index idx = { 0 };
	struct hr_env env = fz_env(1);
	const cJSON *allow, *rules;
	hr_error err = { 0 };
	char why[1024];
	int r;

	r = hr_seccomp_import(docker, t, &out, &notes, &err);
	if (r < 0) {
		if (err.msg[0] != '/')
			fz_die("an import error does not start with a JSON pointer: %s", err.msg);
		return;
	}
	if (r != 0)
		fz_die("hr_seccomp_import returned %d", r);
	allow = cJSON_GetObjectItemCaseSensitive(out, "allow");
	rules = cJSON_GetObjectItemCaseSensitive(out, "rules");
	index_entries(doc, &idx);
	if (!cJSON_IsArray(allow) || !cJSON_IsArray(rules))
		fz_die("the import lacks allow or rules");
	if (!hr_seccomp_action_denies(hr_seccomp_action_from_name(
		    cJSON_GetObjectItemCaseSensitive(out, "defaultAction")->valuestring)))
		fz_die("the imported default action allows");
	for (const cJSON *n = allow->child; n; n = n->next) {
		if (!hr_seccomp_name_known(n->valuestring))
			fz_die("%s is allowed but unknown to libseccomp", n->valuestring);
		if (!from_input(&idx, t->caps, n->valuestring, "SCMP_ACT_ALLOW", NULL))
			fz_die("%s is allowed, but no applicable entry allows it", n->valuestring);
	}
	for (const cJSON *rule = rules->child; rule; rule = rule->next) {
		const char *act = cJSON_GetObjectItemCaseSensitive(rule, "action")->valuestring;
		for (const cJSON *n = cJSON_GetObjectItemCaseSensitive(rule, "names")->child; n;
		     n = n->next)
			if (!from_input(&idx, t->caps, n->valuestring, act,
					cJSON_GetObjectItemCaseSensitive(rule, "args")))
				fz_die("a %s rule for %s comes from no applicable entry", act,
				       n->valuestring);
	}

	/* As a profile's seccomp section (what the loader makes of it): the
	 * restricted profile's, its members replaced by the import's. Only
	 * that section is built per input; the rest of the profile stays
	 * (copying all of it was a third of the target's time). The profile
	 * keeps copies of what it reads, so the section goes right after. */
	prof = cJSON_CreateObject();
	for (const cJSON *m = restricted_sc->child; m; m = m->next) {
		cJSON *o = cJSON_GetObjectItemCaseSensitive(out, m->string);
		cJSON_AddItemToObject(prof, m->string, cJSON_Duplicate(o ? o : m, true));
	}
	for (cJSON *m = out->child; m; m = m->next)
		if (!cJSON_GetObjectItemCaseSensitive(prof, m->string))
			cJSON_AddItemToObject(prof, m->string, cJSON_Duplicate(m, true));
	cJSON_AddItemToObject(restricted_doc, "seccomp", HR_TAKE_PTR(prof));
	r = hr_profile_parse(restricted_doc, false, "imported", "imported.json",
			     hr_mount_options_host(), &p, &err);
	cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(restricted_doc, "seccomp"));
	if (r < 0) {
		if (!err.msg[0])
			fz_die("a refused import without a message");
		return;
	}
	filter = hr_seccomp_profile_filter(&p->seccomp);
	installable(filter);
	{
		static const char spec_text[] =
			"{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
			"\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"rootfs\"},"
			"\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
			"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_AARCH64\"],"
			"\"syscalls\":[{\"names\":[\"read\",\"write\",\"openat\",\"socket\","
			"\"clone\",\"ptrace\",\"mount\",\"personality\",\"exit_group\"],"
			"\"action\":\"SCMP_ACT_ALLOW\"}]}}}";
		if (hr_json_parse(spec_text, sizeof spec_text - 1, &hr_json_spec_limits, &in, &err) < 0 ||
		    hr_json_parse(spec_text, sizeof spec_text - 1, &hr_json_spec_limits, &spec, &err) < 0)
			fz_die("the built-in spec: %s", err.msg);
		r = hr_harden(spec, p, &env, &f, &err);
		if (r == 0 && !fz_monotonic(in, spec, p, &env, filter, why, sizeof why))
			fz_die("under the imported profile: %s", why);
		if (r < 0 && r != HR_E_REFUSED)
			fz_die("hardening under the imported profile: %s", err.msg);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const docker_caps[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
		"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
		"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", NULL,
	};
	_cleanup_free_ char *text = NULL;
	_cleanup_json_ cJSON *doc = NULL;
	hr_error err = { 0 };
	uint32_t which;
	struct hr_import_target t = { .arch = seccomp_arch_native(), .kernel_major = 6,
				      .kernel_minor = 1 };

	if (size > profile_limits.max_bytes)
		return 0;
	text = fz_text(data, size);
	if (hr_json_parse(text, size, &profile_limits, &doc, &err) < 0)
		return 0;
	/* Under libFuzzer one target per input, by its hash (a third of the
	 * work: each import, profile parse, filter build and hardening is
	 * allocation-heavy under ASan); the replay runs all three. */
	which = fz_replay ? 3 : fz_hash(data, size) % 3;
	if (which == 0 || which == 3) {
		t.caps = 0;
		one_target(doc, &t);
	}
	if (which == 1 || which == 3) {
		t.caps = caps_of(docker_caps);
		one_target(doc, &t);
	}
	if (which == 2 || which == 3) {
		t.caps = ~UINT64_C(0) >> (63 - hr_cap_from_name("CAP_CHECKPOINT_RESTORE"));
		t.kernel_major = t.kernel_minor = 0;
		one_target(doc, &t);
	}
	return 0;
}
