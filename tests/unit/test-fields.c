/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The field table: it holds every field of the runtime spec's own JSON
 * schema (Debian's golang-github-opencontainers-specs-dev), and the walk
 * refuses what it does not hold at any depth, with the pointer and a fix;
 * applies the rows that remove or refuse; and checks types.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/control.h"
#include "hardrun/fields.h"
#include "hardrun/harden.h"
#include "helpers.h"

#define SCHEMA_DIR "/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema"

static cJSON *schemas[8];
static const char *const schema_files[] = { "config-schema.json", "config-linux.json",
					    "defs.json", "defs-linux.json" };

static const cJSON *schema_file(const char *name)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(schema_files); i++)
		if (strcmp(schema_files[i], name) == 0) {
			if (!schemas[i]) {
				_cleanup_free_ char *path = hr_xasprintf("%s/%s", SCHEMA_DIR, name);
				_cleanup_free_ char *text = hrt_read_file(path, NULL);
				cr_assert_not_null(text, "%s is missing (fix: scripts/deps test installs "
							 "golang-github-opencontainers-specs-dev)",
						   path);
				schemas[i] = cJSON_Parse(text);
				cr_assert_not_null(schemas[i], "%s: not JSON", path);
			}
			return schemas[i];
		}
	cr_assert_fail("a $ref to an unexpected schema file %s", name);
	return NULL;
}

/* Follow "$ref": "file.json#/a/b" or "#/a/b" (relative to `file`). */
static const cJSON *deref(const cJSON *s, const char **file)
{
	const cJSON *ref;

	while (s && (ref = cJSON_GetObjectItemCaseSensitive(s, "$ref"))) {
		_cleanup_free_ char *copy = hr_xstrdup(ref->valuestring);
		char *hash = strchr(copy, '#');
		const cJSON *at;

		if (hash)
			*hash++ = '\0';
		if (copy[0])
			*file = strstr(ref->valuestring, "defs-linux.json") ? "defs-linux.json"
			      : strstr(ref->valuestring, "defs.json")	     ? "defs.json"
			      : strstr(ref->valuestring, "config-linux.json") ? "config-linux.json"
									     : "config-schema.json";
		at = schema_file(*file);
		for (char *tok = hash ? strtok(hash, "/") : NULL; tok && at; tok = strtok(NULL, "/"))
			at = cJSON_GetObjectItemCaseSensitive(at, tok);
		s = at;
	}
	return s;
}

static size_t checked;

static void expect_in_table(const cJSON *s, const char *file, const char *path, unsigned depth)
{
	const cJSON *props, *items, *pattern, *add;

	s = deref(s, &file);
	if (!s || depth > 12)
		return;
	/* oneOf/anyOf/allOf: every branch's properties */
	static const char *const combos[] = { "oneOf", "anyOf", "allOf" };
	for (size_t k = 0; k < HR_ARRAY_SIZE(combos); k++)
		for (const cJSON *b = cJSON_GetObjectItemCaseSensitive(s, combos[k]) ?
					      cJSON_GetObjectItemCaseSensitive(s, combos[k])->child
					      : NULL;
		     b; b = b->next)
			expect_in_table(b, file, path, depth + 1);
	props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	for (const cJSON *p = props ? props->child : NULL; p; p = p->next) {
		_cleanup_free_ char *sub = hr_xasprintf("%s/%s", path, p->string);
		/* other platforms are refused whole: their insides do not matter */
		if (strcmp(path, "") == 0 &&
		    (strcmp(p->string, "windows") == 0 || strcmp(p->string, "solaris") == 0 ||
		     strcmp(p->string, "vm") == 0 || strcmp(p->string, "zos") == 0))
			continue;
		cr_expect_not_null(hr_field_at(sub), "the runtime spec's schema has %s, the field "
						     "table does not",
				   sub);
		checked++;
		if (hr_field_at(sub) && hr_field_at(sub)->disp == HR_FD_JUDGED)
			expect_in_table(p, file, sub, depth + 1);
	}
	items = cJSON_GetObjectItemCaseSensitive(s, "items");
	if (items) {
		_cleanup_free_ char *sub = hr_xasprintf("%s/*", path);
		expect_in_table(items, file, sub, depth + 1);
	}
	pattern = cJSON_GetObjectItemCaseSensitive(s, "patternProperties");
	add = cJSON_GetObjectItemCaseSensitive(s, "additionalProperties");
	for (const cJSON *p = pattern ? pattern->child : NULL; p; p = p->next) {
		_cleanup_free_ char *sub = hr_xasprintf("%s/*", path);
		const struct hr_field *m = hr_field_at(path);
		cr_expect(m && m->type == HR_FT_MAP, "%s: a map in the schema, not in the table", path);
		if (m && m->type == HR_FT_MAP && hr_field_at(sub))
			expect_in_table(p, file, sub, depth + 1);
	}
	if (cJSON_IsObject(add)) {
		const struct hr_field *m = hr_field_at(path);
		cr_expect(m && m->type == HR_FT_MAP, "%s: a map in the schema, not in the table", path);
	}
}

Test(fields, the_runtime_spec_schema_is_in_the_table)
{
	expect_in_table(schema_file("config-schema.json"), "config-schema.json", "", 0);
	cr_assert_gt(checked, 150, "only %zu schema fields checked", checked);
	for (size_t i = 0; i < HR_ARRAY_SIZE(schemas); i++)
		if (schemas[i])
			cJSON_Delete(schemas[i]);
}

/* --- the walk ----------------------------------------------------------------- */

static int judge(const char *relaxed, struct hr_findings *f, cJSON **ret, hr_error *err)
{
	*ret = hrt_json(relaxed);
	return hr_fields_judge(*ret, &hr_field_root, "", f, err);
}

/* `relaxed` is refused, with rule `rule` at `ptr`, and the member is
 * taken out of the tree. */
static void refused(const char *relaxed, const char *rule, const char *ptr)
{
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;

	cr_assert_eq(judge(relaxed, &f, &spec, &err), 0, "%s: %s", relaxed, err.msg);
	hrt_expect(&f, rule, HR_REFUSED, ptr);
	cr_expect_null(hrt_at(spec, ptr), "%s: still in the tree", ptr);
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(fields, unknown_members_refused_at_every_depth)
{
	refused("{'hook': []}", "spec.unknown-field", "/hook");
	refused("{'process': {'user': {'uid': 0, 'privileged': true}}}", "spec.unknown-field",
		"/process/user/privileged");
	refused("{'linux': {'resources': {'memory': {'limit': 1, 'limitTwo': 2}}}}",
		"spec.unknown-field", "/linux/resources/memory/limitTwo");
	refused("{'mounts': [{'destination': '/a'}, {'destination': '/b', 'propagation': 'x'}]}",
		"spec.unknown-field", "/mounts/1/propagation");
	refused("{'hooks': {'prestart': [{'path': '/bin/true', 'user': 'root'}]}}",
		"spec.unknown-field", "/hooks/prestart/0/user");
	refused("{'hooks': {'onBoot': [{'path': '/bin/true'}]}}", "spec.unknown-field",
		"/hooks/onBoot");
	refused("{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names':"
		" ['read'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': 1, 'op':"
		" 'SCMP_CMP_EQ', 'mask': 3}]}]}}}",
		"spec.unknown-field", "/linux/seccomp/syscalls/0/args/0/mask");
	refused("{'linux': {'timeOffsets': {'realtime': {'secs': 1}}}}", "spec.unknown-field",
		"/linux/timeOffsets/realtime");
	refused("{'x-vendor': {'a': 1}}", "spec.unknown-field", "/x-vendor");
}

Test(fields, spellings_go_reads_as_known_fields_are_refused_with_the_fix)
{
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;
	const struct hr_finding *x;

	/* Go folds case, and reads U+017F as s and U+212A as k */
	cr_assert_eq(judge("{'Hooks': {}, 'process': {'User': {}, 'noNewPrivilege\\u017f': true},"
			   " 'linux': {'\\u212Aernel': 1, 'namespace\\u017f': []}}",
			   &f, &spec, &err),
		     0, "%s", err.msg);
	x = hrt_expect(&f, "spec.unknown-field", HR_REFUSED, "/Hooks");
	cr_assert_str_eq(x->hint, "rename it to `hooks`");
	hrt_expect(&f, "spec.unknown-field", HR_REFUSED, "/process/User");
	x = hrt_expect(&f, "spec.unknown-field", HR_REFUSED, "/process/noNewPrivilege\u017f");
	cr_assert_str_eq(x->hint, "rename it to `noNewPrivileges`");
	x = hrt_expect(&f, "spec.unknown-field", HR_REFUSED, "/linux/namespace\u017f");
	cr_assert_str_eq(x->hint, "rename it to `namespaces`");
	/* not a field of /linux, whatever it folds to */
	hrt_expect(&f, "spec.unknown-field", HR_REFUSED, "/linux/\u212Aernel");
	hr_findings_done(&f);
	cJSON_Delete(spec);
	/* map keys are exact: a folded annotation is not crun's */
	cr_assert_eq(judge("{'annotations': {'Run.OCI.seccomp_bpf_data': 'x'}}", &f, &spec, &err), 0);
	cr_assert_eq(f.n, 0, "the walk leaves annotations to their control");
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(fields, rows_that_refuse_or_remove)
{
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	cJSON *spec;

	refused("{'linux': {'netDevices': {'eth0': {'name': 'x'}}}}", "namespaces.net-devices",
		"/linux/netDevices");
	refused("{'windows': {'layerFolders': []}}", "spec.other-platform", "/windows");
	refused("{'freebsd': {}}", "spec.other-platform", "/freebsd");
	refused("{'process': {'commandLine': 'cmd.exe'}}", "spec.other-platform",
		"/process/commandLine");
	refused("{'linux': {'resources': {'network': {'classID': 1048577}}}}", "resources.network",
		"/linux/resources/network");
	refused("{'linux': {'resources': {'unified': {'memory.min': '1G'}}}}", "resources.unified",
		"/linux/resources/unified/memory.min");
	refused("{'linux': {'resources': {'unified': {'cgroup.subtree_control': '+memory'}}}}",
		"resources.unified", "/linux/resources/unified/cgroup.subtree_control");

	cr_assert_eq(judge("{'linux': {'intelRdt': {'closID': 'guaranteed', 'l3CacheSchema': 'L3:0=ff'}}}",
			   &f, &spec, &err),
		     0);
	hrt_expect(&f, "resources.intel-rdt", HR_CHANGED, "/linux/intelRdt");
	cr_assert_null(hrt_at(spec, "/linux/intelRdt"));
	hr_findings_done(&f);
	cJSON_Delete(spec);

	/* null is absent to runc: nothing to refuse */
	cr_assert_eq(judge("{'linux': {'netDevices': null}, 'windows': null}", &f, &spec, &err), 0);
	cr_assert_eq(f.n, 0);
	hr_findings_done(&f);
	cJSON_Delete(spec);

	/* a new time namespace's own clocks are kept */
	cr_assert_eq(judge("{'linux': {'timeOffsets': {'monotonic': {'secs': 3600}, 'boottime':"
			   " {'nanosecs': 5}}}}", &f, &spec, &err), 0);
	cr_assert_eq(f.n, 0);
	hr_findings_done(&f);
	cJSON_Delete(spec);

	/* what only restricts is kept */
	cr_assert_eq(judge("{'linux': {'resources': {'unified': {'memory.high': '1G', "
			   "'hugetlb.2MB.max': '0', 'io.max': '8:0 rbps=1'}}}}",
			   &f, &spec, &err),
		     0);
	cr_assert_eq(f.n, 0, "%s", hrt_findings_text(&f));
	hr_findings_done(&f);
	cJSON_Delete(spec);
}

Test(fields, types)
{
	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{ "{'process': {'args': 'sh'}}", "/process/args: expected an array of strings" },
		{ "{'process': {'args': ['sh', 5]}}", "/process/args/1: expected a string" },
		{ "{'hostname': 5}", "/hostname: expected a string, found a number" },
		{ "{'hooks': {'prestart': {}}}", "/hooks/prestart: expected an array" },
		{ "{'linux': {'sysctl': {'a.b': 1}}}", "/linux/sysctl/a.b: expected a string" },
		{ "{'process': {'user': {'additionalGids': ['0']}}}",
		  "/process/user/additionalGids/0: expected an integer" },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(bad); i++) {
		struct hr_findings f = { 0 };
		hr_error err = { 0 };
		cJSON *spec;

		cr_expect_eq(judge(bad[i].spec, &f, &spec, &err), HR_E_INVALID, "%s", bad[i].spec);
		cr_expect_not_null(strstr(err.msg, bad[i].msg), "%s: `%s` lacks `%s`", bad[i].spec,
				   err.msg, bad[i].msg);
		hr_findings_done(&f);
		cJSON_Delete(spec);
	}
}

Test(fields, exec_and_update_are_judged_too)
{
	struct hr_profile *p = hrt_profile("restricted");
	cJSON *proc = hrt_json("{'user': {'uid': 1000, 'gid': 1000}, 'args': ['sh'], 'cwd': '/',"
			       " 'apparmorProfile': 'x', 'privileged': true}");
	cJSON *res = hrt_json("{'memory': {'limit': 1}, 'cpu': {'shares': 2, 'rtBoost': 1}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(hr_harden_process(proc, p, NULL, &hrt_fake_env, &f, &err), HR_E_REFUSED);
	hrt_expect(&f, "spec.unknown-field", HR_REFUSED, "/process/privileged");
	hr_findings_done(&f);
	cr_assert_eq(hr_clamp_update(res, p, 1, &f, &err), HR_E_INVALID);
	cr_assert_not_null(strstr(err.msg, "/cpu/rtBoost"), "%s", err.msg);
	hr_findings_done(&f);
	cJSON_Delete(proc);
	cJSON_Delete(res);
	hr_profile_free(p);
}

Test(fields, lookups)
{
	cr_assert_not_null(hr_field_at("/process/user/uid"));
	cr_assert_not_null(hr_field_at("/mounts/*/options"));
	cr_assert_not_null(hr_field_at("/annotations/cdi.k8s.io/*"));
	cr_assert_null(hr_field_at("/process/user/username/x"));
	cr_assert_null(hr_field_at("/nope"));
	cr_assert_str_eq(hr_field_map_match(hr_field_at("/annotations"), "run.oci.handler")->name,
			 "run.oci.*");
	cr_assert_str_eq(hr_field_map_match(hr_field_at("/annotations"), "anything")->name, "*");
}

/* --- the controls: one descriptor each, owning rows of the table ---------- */

struct owners {
	size_t rows[HR_CONTROLS_MAX];
};

static void count_owner(const struct hr_field *f, const char *path, void *ud)
{
	struct owners *o = ud;
	size_t i;

	if (strcmp(f->control, "fields") == 0)
		return; /* the table's own: unknown, removed and refused fields */
	i = hr_control_index(f->control);
	cr_expect_neq(i, SIZE_MAX, "%s: control `%s` has no descriptor in hr_controls (control.h)",
		      path, f->control);
	if (i != SIZE_MAX)
		o->rows[i]++;
}

Test(controls, each_owns_rows_of_the_field_table_or_says_why_not)
{
	struct owners o = { { 0 } };

	cr_assert_leq(hr_controls_count, HR_CONTROLS_MAX);
	hr_fields_visit(count_owner, &o);
	for (size_t i = 0; i < hr_controls_count; i++) {
		const struct hr_control *c = hr_controls[i];
		cr_assert(c->name && c->pass, "row %zu: a control needs a name and a pass", i);
		cr_expect_str_eq(c->name, hr_control_names[i],
				 "row %zu: the descriptor says %s, the row of control.h %s", i, c->name,
				 hr_control_names[i]);
		cr_expect_eq(hr_control_index(c->name), i, "two controls are named %s", c->name);
		if (o.rows[i] == 0)
			cr_expect(
				c->no_fields && *c->no_fields,
				"%s owns no row of the field table and does not say why (no_fields)",
				c->name);
		else
			cr_expect_null(c->no_fields,
				       "%s owns %zu rows of the field table, yet says: %s", c->name,
				       o.rows[i], c->no_fields);
	}
}

Test(controls, an_output_order_is_every_control_once)
{
	static const char *const first[] = { "rootfs", "user", NULL };
	const struct hr_control *c[HR_CONTROLS_MAX] = { NULL };
	size_t seen = 0;

	hr_controls_ordered(first, c);
	cr_expect_str_eq(c[0]->name, "rootfs");
	cr_expect_str_eq(c[1]->name, "user");
	cr_expect_str_eq(c[2]->name, hr_controls[0]->name, "then the others in table order");
	for (size_t i = 0; i < hr_controls_count; i++)
		for (size_t k = 0; k < hr_controls_count; k++)
			seen += c[k] == hr_controls[i];
	cr_expect_eq(seen, hr_controls_count);
}
