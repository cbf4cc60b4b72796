/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Deploy stage: YAML read as Kubernetes reads it and written so that
 * it reads back the same, the Pod Security Standards, the profile
 * exported to Kubernetes and Docker, and manifests audited against it.
 * JSON in this file is written with single quotes (see hrt_json).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/control.h"
#include "hardrun/export.h"
#include "hardrun/k8s.h"
#include "helpers.h"

static const char *const shipped[] = { "restricted", "baseline", "strict", "web",
				       "worker", "build", "debug" };

static cJSON *yaml(const char *text)
{
	cJSON *docs = NULL;
	hr_error err = { 0 };
	int r = hr_yaml_parse(text, strlen(text), &hr_yaml_manifest_limits, &docs, NULL, &err);

	cr_assert_eq(r, 0, "YAML refused: %s\n%s", err.msg, text);
	return docs;
}

/* The YAML is refused with a message containing `needle`. */
static void yaml_refused(const char *text, const char *needle)
{
	cJSON *docs = NULL;
	hr_error err = { 0 };
	int r = hr_yaml_parse(text, strlen(text), &hr_yaml_manifest_limits, &docs, NULL, &err);

	cr_assert_eq(r, HR_E_INVALID, "accepted: %s", text);
	cr_assert_null(docs);
	cr_assert_not_null(strstr(err.msg, needle), "message `%s` lacks `%s`", err.msg, needle);
}

/* --- reading YAML ---------------------------------------------------------------- */

Test(yaml, plain_scalars_are_typed_as_go_yaml_v2_types_them)
{
	cJSON *d = yaml("a: yes\nb: Off\nc: 0755\nd: '0755'\ne: ~\nf: 1_000\ng: 0x1F\n"
			"h: 1e3\ni: 0o17\nj: 0b101\nk: 08\nl: \"true\"\nm: !!str 12\nt: -3\n"
			"o:\np: y\nq: abc\nr: 1.5\ns: 0.\nn: key\n");

	hrt_assert_json(cJSON_GetArrayItem(d, 0),
			"{'a':true,'b':false,'c':493,'d':'0755','e':null,'f':1000,'g':31,"
			"'h':1000,'i':15,'j':5,'k':8,'l':'true','m':'12','t':-3,'o':null,'p':true,"
			"'q':'abc','r':1.5,'s':0,'false':'key'}",
			"typed scalars (go-yaml v2 reads the key n as false)");
	cJSON_Delete(d);
}

Test(yaml, documents_json_aliases_and_keys)
{
	cJSON *d = yaml("---\n# only a comment\n---\nx: &a {k: [1, 2]}\nz: *a\n1: one\ntrue: t\n"
			"---\n{\"j\": \"a\\/b\", \"n\": [null, false]}\n---\n");

	cr_assert_eq(cJSON_GetArraySize(d), 2, "empty documents are skipped");
	hrt_assert_json(cJSON_GetArrayItem(d, 0),
			"{'x':{'k':[1,2]},'z':{'k':[1,2]},'1':'one','true':'t'}", "aliases, keys");
	hrt_assert_json(cJSON_GetArrayItem(d, 1), "{'j':'a/b','n':[null,false]}", "JSON");
	cJSON_Delete(d);
}

Test(yaml, lines_of_nodes)
{
	const char *text = "---\n# c\na: 1\nb:\n  - x\n  - {k/~: 2}\n---\n[3]\n";
	cJSON *docs = NULL, *lines = NULL;
	hr_error err = { 0 };

	cr_assert_eq(hr_yaml_parse(text, strlen(text), &hr_yaml_manifest_limits, &docs, &lines, &err),
		     0, "%s", err.msg);
	hrt_assert_json(lines, "[{'':3,'/a':3,'/b':5,'/b/0':5,'/b/1':6,'/b/1/k~1~0':6},{'':8,'/0':8}]",
			"the line of every node, by JSON pointer");
	cJSON_Delete(docs);
	cJSON_Delete(lines);
}

Test(yaml, what_could_be_read_two_ways_is_refused)
{
	yaml_refused("a: 1\nb: 2\na: 3\n", "line 3, column 1: duplicate key `a`");
	yaml_refused("base: &b {x: 1}\nc:\n  <<: *b\n", "merge keys");
	yaml_refused("a: !custom x\n", "tag `!custom` is not supported");
	yaml_refused("a: !!int abc\n", "not a valid int");
	yaml_refused("a: .inf\n", "cannot be written in JSON");
	yaml_refused("a: 123456789012345678901\n", "too large");
	yaml_refused("a: *nothing\n", "names no anchor");
	yaml_refused("a: [1, 2\n", "line ");
	yaml_refused("a: \"x\\0y\"\n", "NUL");
	yaml_refused("a: \xff\n", "invalid UTF-8");
	yaml_refused("? [1]\n: x\n", "must be a scalar");
}

Test(yaml, aliases_are_bounded)
{
	/* Each level doubles the node count: 2^24 nodes from a few lines. */
	char text[4096];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof text - n, "a0: &a0 [x, x]\n");
	for (int i = 1; i < 25; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "a%d: &a%d [*a%d, *a%d]\n", i, i,
				      i - 1, i - 1);
	yaml_refused(text, "more than 1000000 nodes");
}

Test(yaml, nesting_is_bounded)
{
	char text[512];
	memset(text, '[', 100);
	text[100] = '\0';
	yaml_refused(text, "nesting deeper than 64");
}

/* --- writing YAML ---------------------------------------------------------------- */

Test(yaml, what_is_written_reads_back_the_same)
{
	cJSON *docs = hrt_json("[{'s':['true','0755','','null','- x','a: b','#c','yes','1.5','~',"
			       "'é ü','<<','=','0x1F','.inf','ALL','/tmp','docker.io/a/b:1','y'],"
			       "'n':[0,-1,65534,1.5],'b':[true,false],'z':null,'e':{},'a':[]},"
			       "{'k':'v'}]");
	char *text = hr_yaml_emit(docs, "a header\nof two lines");
	cJSON *back;

	cr_assert_not_null(text);
	cr_assert(strncmp(text, "# a header\n# of two lines\n---", 29) == 0, "%s", text);
	back = yaml(text);
	{
		_cleanup_free_ char *a = hr_json_print(docs, false), *b = hr_json_print(back, false);
		cr_assert_str_eq(b, a, "emitted:\n%s", text);
	}
	cJSON_Delete(back);
	cJSON_Delete(docs);
	free(text);
}

/* --- quantities ------------------------------------------------------------------ */

Test(k8s, quantities)
{
	cr_expect_eq(hr_k8s_quantity("1Gi", 1), 1073741824);
	cr_expect_eq(hr_k8s_quantity("64Mi", 1), 67108864);
	cr_expect_eq(hr_k8s_quantity("1G", 1), 1000000000);
	cr_expect_eq(hr_k8s_quantity("1.5Gi", 1), 1610612736);
	cr_expect_eq(hr_k8s_quantity("1e3", 1), 1000);
	cr_expect_eq(hr_k8s_quantity("1E", 1), 1000000000000000000);
	cr_expect_eq(hr_k8s_quantity("500m", 1000), 500);
	cr_expect_eq(hr_k8s_quantity("2", 1000), 2000);
	cr_expect_eq(hr_k8s_quantity("0.25", 1000), 250);
	cr_expect_eq(hr_k8s_quantity("1Gb", 1), -1);
	cr_expect_eq(hr_k8s_quantity("-1Gi", 1), -1);
	cr_expect_eq(hr_k8s_quantity("Gi", 1), -1);
	cr_expect_eq(hr_k8s_quantity("", 1), -1);
	cr_expect_eq(hr_k8s_quantity("100Ei", 1), -1);
}

/* --- Pod Security Standards ------------------------------------------------------ */

static const char *restricted_pod =
	"{'securityContext':{'runAsNonRoot':true,'seccompProfile':{'type':'RuntimeDefault'}},"
	"'containers':[{'name':'a','image':'i','securityContext':{'allowPrivilegeEscalation':false,"
	"'capabilities':{'drop':['ALL'],'add':['NET_BIND_SERVICE']}}}],"
	"'volumes':[{'name':'v','emptyDir':{}},{'name':'s','secret':{'secretName':'x'}}]}";

/* The pod spec `restricted_pod` with `path` (a JSON pointer below the
 * spec) set to `value`, judged: the level and the controls that failed. */
static enum hr_pss_level pss_with(const char *path, const char *value, char *controls, size_t cap)
{
	cJSON *spec = hrt_json(restricted_pod), *parent, *v = hrt_json(value);
	_cleanup_free_ char *copy = hr_xstrdup(path);
	char *slash = strrchr(copy, '/');
	struct hr_pss_result r = { 0 };
	enum hr_pss_level l;

	*slash = '\0';
	parent = copy[0] ? hrt_at(spec, copy) : spec;
	cr_assert_not_null(parent, "%s", copy);
	if (cJSON_IsArray(parent))
		cJSON_AddItemToArray(parent, v);
	else
		hr_json_set(parent, slash + 1, v);
	l = hr_pss_check_pod(NULL, spec, "/metadata", "/spec", &r);
	controls[0] = '\0';
	for (size_t i = 0; i < r.n; i++)
		snprintf(controls + strlen(controls), cap - strlen(controls), "%s%s", i ? "," : "",
			 r.v[i].control);
	cr_assert_eq(l, hr_pss_level_of(&r));
	hr_pss_result_done(&r);
	cJSON_Delete(spec);
	return l;
}

static void expect_level(const char *path, const char *value, enum hr_pss_level want,
			 const char *control)
{
	char controls[512];
	enum hr_pss_level l = pss_with(path, value, controls, sizeof controls);

	cr_expect_eq(l, want, "%s = %s: %s, not %s (%s)", path, value, hr_pss_level_name(l),
		     hr_pss_level_name(want), controls);
	if (control)
		cr_expect_not_null(strstr(controls, control), "%s = %s: %s lacks %s", path, value,
				   controls, control);
}

Test(pss, each_control)
{
	struct hr_pss_result r = { 0 };
	cJSON *spec = hrt_json(restricted_pod);

	cr_assert_eq(hr_pss_check_pod(NULL, spec, "/metadata", "/spec", &r), HR_PSS_RESTRICTED,
		     "%zu violations, first %s", r.n, r.n ? r.v[0].detail : "");
	hr_pss_result_done(&r);
	cJSON_Delete(spec);

	expect_level("/hostNetwork", "true", HR_PSS_PRIVILEGED, "Host Namespaces");
	expect_level("/hostPID", "true", HR_PSS_PRIVILEGED, "Host Namespaces");
	expect_level("/hostIPC", "false", HR_PSS_RESTRICTED, NULL);
	expect_level("/containers/0/securityContext/privileged", "true", HR_PSS_PRIVILEGED,
		     "Privileged Containers");
	expect_level("/containers/0/securityContext/capabilities/add", "['NET_RAW']",
		     HR_PSS_PRIVILEGED, "Capabilities");
	expect_level("/containers/0/securityContext/capabilities/add", "['CHOWN']",
		     HR_PSS_BASELINE, "Capabilities");
	expect_level("/containers/0/securityContext/capabilities/drop", "['NET_RAW']",
		     HR_PSS_BASELINE, "Capabilities");
	expect_level("/volumes/-", "{'name':'h','hostPath':{'path':'/srv'}}", HR_PSS_PRIVILEGED,
		     "HostPath Volumes");
	expect_level("/volumes/-", "{'name':'n','nfs':{'server':'s','path':'/'}}",
		     HR_PSS_BASELINE, "Volume Types");
	expect_level("/volumes/-", "{'name':'p','persistentVolumeClaim':{'claimName':'c'}}",
		     HR_PSS_RESTRICTED, NULL);
	expect_level("/containers/0/ports", "[{'containerPort':80,'hostPort':8080}]",
		     HR_PSS_PRIVILEGED, "Host Ports");
	expect_level("/containers/0/ports", "[{'containerPort':80,'hostPort':0}]",
		     HR_PSS_RESTRICTED, NULL);
	expect_level("/securityContext/seLinuxOptions", "{'type':'spc_t'}", HR_PSS_PRIVILEGED,
		     "SELinux");
	expect_level("/securityContext/seLinuxOptions", "{'type':'container_t','level':'s0:c1'}",
		     HR_PSS_RESTRICTED, NULL);
	expect_level("/containers/0/securityContext/seLinuxOptions", "{'user':'system_u'}",
		     HR_PSS_PRIVILEGED, "SELinux");
	expect_level("/containers/0/securityContext/procMount", "'Unmasked'", HR_PSS_PRIVILEGED,
		     "/proc Mount Type");
	expect_level("/containers/0/securityContext/procMount", "'Default'", HR_PSS_RESTRICTED,
		     NULL);
	expect_level("/securityContext/seccompProfile", "{'type':'Unconfined'}",
		     HR_PSS_PRIVILEGED, "Seccomp");
	expect_level("/securityContext/seccompProfile", "{'type':'Localhost','localhostProfile':'x'}",
		     HR_PSS_RESTRICTED, NULL);
	expect_level("/securityContext/seccompProfile", "null", HR_PSS_BASELINE, "Seccomp");
	expect_level("/containers/0/securityContext/appArmorProfile", "{'type':'Unconfined'}",
		     HR_PSS_PRIVILEGED, "AppArmor");
	expect_level("/securityContext/sysctls", "[{'name':'net.ipv4.tcp_syncookies','value':'1'}]",
		     HR_PSS_RESTRICTED, NULL);
	expect_level("/securityContext/sysctls", "[{'name':'kernel.msgmax','value':'1'}]",
		     HR_PSS_PRIVILEGED, "Sysctls");
	expect_level("/containers/0/securityContext/allowPrivilegeEscalation", "true",
		     HR_PSS_BASELINE, "Privilege Escalation");
	expect_level("/securityContext/runAsNonRoot", "false", HR_PSS_BASELINE,
		     "Running as Non-root");
	expect_level("/containers/0/securityContext/runAsNonRoot", "false", HR_PSS_BASELINE,
		     "Running as Non-root");
	expect_level("/containers/0/securityContext/runAsUser", "0", HR_PSS_BASELINE,
		     "Running as Non-root user");
	expect_level("/securityContext/windowsOptions", "{'hostProcess':true}", HR_PSS_PRIVILEGED,
		     "HostProcess");
	/* An init container is judged like the others. */
	expect_level("/initContainers", "[{'name':'i','image':'i'}]", HR_PSS_BASELINE,
		     "Privilege Escalation");
}

Test(pss, apparmor_annotations)
{
	cJSON *spec = hrt_json(restricted_pod);
	cJSON *meta = hrt_json("{'annotations':{'container.apparmor.security.beta.kubernetes.io/a':"
			       "'unconfined'}}");
	struct hr_pss_result r = { 0 };

	cr_expect_eq(hr_pss_check_pod(meta, spec, "/metadata", "/spec", &r), HR_PSS_PRIVILEGED);
	cr_assert_eq(r.n, 1);
	cr_expect_str_eq(r.v[0].control, "AppArmor");
	cr_expect_str_eq(r.v[0].pointer,
			 "/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1a");
	hr_pss_result_done(&r);
	cJSON_Delete(meta);
	cJSON_Delete(spec);
}

/* --- export k8s ------------------------------------------------------------------ */

static struct hr_k8s_export export_k8s(const struct hr_profile *p, const char *kind)
{
	_cleanup_free_ char *sc = hr_k8s_seccomp_name(p);
	struct hr_k8s_export_opts o = { .kind = kind, .name = "app", .container = "app",
					.image = "busybox", .runtime_class = "hardrun",
					.seccomp_name = sc, .runtime_class_doc = true };
	struct hr_k8s_export x = { 0 };
	hr_error err = { 0 };

	cr_assert_eq(hr_k8s_export(p, &o, &x, &err), 0, "%s", err.msg);
	o.seccomp_name = NULL;
	return x;
}

Test(export_k8s, restricted_in_kubernetes_terms)
{
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_k8s_export x = export_k8s(p, "Deployment");
	const cJSON *d = cJSON_GetArrayItem(x.docs, 1);

	hrt_assert_json(cJSON_GetArrayItem(x.docs, 0),
			"{'apiVersion':'node.k8s.io/v1','kind':'RuntimeClass',"
			"'metadata':{'name':'hardrun'},'handler':'hardrun'}",
			"the RuntimeClass");
	cr_expect_str_eq(hrt_at(d, "/kind")->valuestring, "Deployment");
	hrt_assert_json(hrt_at(d, "/spec/template/spec/securityContext"),
			"{'runAsNonRoot':true,'runAsUser':65534,'runAsGroup':65534,"
			"'seccompProfile':{'type':'Localhost','localhostProfile':'hardrun/restricted.json'}}",
			"the pod's securityContext");
	hrt_assert_json(hrt_at(d, "/spec/template/spec/containers/0/securityContext"),
			"{'allowPrivilegeEscalation':false,'privileged':false,"
			"'readOnlyRootFilesystem':true,'capabilities':{'drop':['ALL']}}",
			"the container's securityContext");
	hrt_assert_json(hrt_at(d, "/spec/template/spec/containers/0/resources"),
			"{'limits':{'memory':'1Gi'},'requests':{'cpu':'1'}}", "resources");
	hrt_assert_json(hrt_at(d, "/spec/template/spec/volumes"),
			"[{'name':'tmp','emptyDir':{'medium':'Memory','sizeLimit':'64Mi'}},"
			"{'name':'run','emptyDir':{'medium':'Memory','sizeLimit':'64Mi'}},"
			"{'name':'var-tmp','emptyDir':{'medium':'Memory','sizeLimit':'64Mi'}}]",
			"an emptyDir per writable path");
	hrt_assert_json(hrt_at(d, "/spec/template/spec/containers/0/volumeMounts"),
			"[{'name':'tmp','mountPath':'/tmp'},{'name':'run','mountPath':'/run'},"
			"{'name':'var-tmp','mountPath':'/var/tmp'}]",
			"mounted at the writable paths");
	cr_expect_str_eq(hrt_at(d, "/spec/template/spec/runtimeClassName")->valuestring, "hardrun");
	cr_expect_str_eq(hrt_at(d, "/spec/template/metadata/annotations/org.hardrun.profile")
				 ->valuestring, "restricted");
	cr_expect_eq(x.level, HR_PSS_RESTRICTED);
	cr_expect_eq(x.pss.n, 0);
	cr_expect(x.notes && x.notes[0], "what Kubernetes cannot say is listed");
	hr_k8s_export_done(&x);
	hr_profile_free(p);
}

/* Each shipped profile: the PSS level, what keeps it from the next, and
 * YAML that reads back as the same tree. */
Test(export_k8s, every_shipped_profile)
{
	static const struct {
		const char *profile;
		enum hr_pss_level level;
		const char *blocked_by; /* a control of the next level, or NULL */
	} want[] = {
		{ "restricted", HR_PSS_RESTRICTED, NULL },
		{ "strict", HR_PSS_RESTRICTED, NULL },
		{ "web", HR_PSS_RESTRICTED, NULL },
		{ "worker", HR_PSS_RESTRICTED, NULL },
		{ "build", HR_PSS_RESTRICTED, NULL },
		{ "baseline", HR_PSS_BASELINE, "Running as Non-root" },
		{ "debug", HR_PSS_PRIVILEGED, "Capabilities" },
	};
	for (size_t i = 0; i < HR_ARRAY_SIZE(want); i++) {
		struct hr_profile *p = hrt_profile(want[i].profile);
		for (int k = 0; k < 2; k++) {
			struct hr_k8s_export x = export_k8s(p, k ? "Pod" : "Deployment");
			char *text = hr_yaml_emit(x.docs, "header");
			cJSON *back;
			bool found = want[i].blocked_by == NULL;

			cr_assert_not_null(text);
			back = yaml(text);
			cr_expect(hr_json_equal(back, x.docs), "%s: the YAML reads back differently",
				  want[i].profile);
			cr_expect_eq(x.level, want[i].level, "%s: %s, not %s", want[i].profile,
				     hr_pss_level_name(x.level), hr_pss_level_name(want[i].level));
			for (size_t v = 0; v < x.pss.n; v++)
				found |= strcmp(x.pss.v[v].control, want[i].blocked_by) == 0 &&
					 x.pss.v[v].level == want[i].level + 1;
			cr_expect(found, "%s: not kept from the next level by %s", want[i].profile,
				  want[i].blocked_by);
			cJSON_Delete(back);
			free(text);
			hr_k8s_export_done(&x);
		}
		hr_profile_free(p);
	}
}

Test(export_k8s, what_the_profile_allows_lowers_the_level)
{
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_k8s_export x;

	p->ns.allow_host |= 1u << HR_NS_NETWORK;
	hr_strv_push(&p->sysctl_allow, "net.core.somaxconn");
	x = export_k8s(p, "Pod");
	cr_expect_eq(x.level, HR_PSS_PRIVILEGED);
	cr_assert_eq(x.pss.n, 2);
	cr_expect_str_eq(x.pss.v[0].control, "Host Namespaces");
	cr_expect_str_eq(x.pss.v[1].control, "Sysctls");
	hr_k8s_export_done(&x);
	hr_profile_free(p);
}

Test(export_k8s, bad_options_are_refused)
{
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_k8s_export_opts o = { .kind = "Pod", .name = "app", .container = "App_1",
					.image = "busybox", .runtime_class = "hardrun",
					.seccomp_name = "hardrun/restricted.json" };
	struct hr_k8s_export x = { 0 };
	hr_error err = { 0 };

	cr_expect_eq(hr_k8s_export(p, &o, &x, &err), HR_E_INVALID);
	cr_expect_not_null(strstr(err.msg, "--container App_1: not a DNS label"), "%s", err.msg);
	o.container = "app";
	o.seccomp_name = "../etc/x.json";
	cr_expect_eq(hr_k8s_export(p, &o, &x, &err), HR_E_INVALID);
	o.seccomp_name = "hardrun/restricted.json";
	o.kind = "Job";
	cr_expect_eq(hr_k8s_export(p, &o, &x, &err), HR_E_INVALID);
	cr_expect_null(x.docs);
	hr_profile_free(p);
}

/* --- audit ------------------------------------------------------------------------ */

static int audit(const cJSON *docs, const char *profile, struct hr_findings *f, hr_error *err)
{
	struct hr_profile *p = hrt_profile(profile);
	_cleanup_free_ char *sc = hr_k8s_seccomp_name(p);
	struct hr_k8s_audit_opts o = { .seccomp_name = sc };
	int r = hr_k8s_audit(docs, p, &o, f, NULL, err);

	hr_profile_free(p);
	return r;
}

static cJSON *fixture(const char *name)
{
	_cleanup_free_ char *path = hrt_src_path("tests/fixtures/k8s/%s", name);
	_cleanup_free_ char *text = hrt_read_file(path, NULL);

	cr_assert_not_null(text, "%s", path);
	return yaml(text);
}

Test(audit, every_exported_profile_passes)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(shipped); i++) {
		struct hr_profile *p = hrt_profile(shipped[i]);
		for (int k = 0; k < 2; k++) {
			struct hr_k8s_export x = export_k8s(p, k ? "Pod" : "Deployment");
			struct hr_findings f = { 0 };
			hr_error err = { 0 };
			_cleanup_free_ char *text = NULL;

			cr_assert_eq(audit(x.docs, shipped[i], &f, &err), 0, "%s", err.msg);
			text = hrt_findings_text(&f);
			/* debug says, at every use, that it weakens isolation. */
			cr_expect_eq(f.n, strcmp(shipped[i], "debug") == 0, "%s:\n%s", shipped[i], text);
			hr_findings_done(&f);
			hr_k8s_export_done(&x);
		}
		hr_profile_free(p);
	}
}

Test(audit, a_default_deployment_differs_everywhere)
{
	cJSON *docs = fixture("deployment-default.yaml");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const char *c = "#1/spec/template/spec/containers/0";
	char ptr[256];
	const struct hr_finding *x;

	cr_assert_eq(audit(docs, "restricted", &f, &err), 0, "%s", err.msg);
#define AT(fmt) (snprintf(ptr, sizeof ptr, fmt, c), ptr)
	x = hrt_expect(&f, "k8s.run-as-root", HR_CHANGED, AT("%s/securityContext/runAsNonRoot"));
	cr_expect_null(x->before);
	cr_expect_str_eq(x->after, "true");
	x = hrt_expect(&f, "k8s.run-as-root-group", HR_CHANGED, AT("%s/securityContext/runAsGroup"));
	cr_expect_str_eq(x->after, "65534");
	hrt_expect(&f, "k8s.privilege-escalation", HR_CHANGED,
		   AT("%s/securityContext/allowPrivilegeEscalation"));
	x = hrt_expect(&f, "k8s.capabilities", HR_CHANGED, AT("%s/securityContext/capabilities/drop"));
	cr_expect_str_eq(x->after, "[\"ALL\"]");
	cr_expect_not_null(strstr(x->message, "NET_RAW"), "%s", x->message);
	x = hrt_expect(&f, "k8s.seccomp", HR_CHANGED, AT("%s/securityContext/seccompProfile"));
	cr_expect_str_eq(x->after, "{\"type\":\"Localhost\",\"localhostProfile\":\"hardrun/restricted.json\"}");
	hrt_expect(&f, "k8s.readonly-rootfs", HR_CHANGED,
		   AT("%s/securityContext/readOnlyRootFilesystem"));
	cr_expect_eq(hrt_count(&f, "k8s.writable-path"), 3);
	x = hrt_expect(&f, "k8s.memory-limit", HR_CHANGED, AT("%s/resources/limits/memory"));
	cr_expect_str_eq(x->after, "\"1Gi\"");
	hrt_expect(&f, "k8s.runtime-class", HR_CHANGED, "#1/spec/template/spec/runtimeClassName");
	cr_expect_eq(f.n, 11, "%s", hrt_findings_text(&f));
	for (size_t i = 0; i < f.n; i++)
		cr_expect_eq(f.v[i].rule->stage, HR_STAGE_DEPLOY, "%s", f.v[i].rule->id);
#undef AT
	hr_findings_done(&f);

	/* baseline allows root, a writable root and Docker's capabilities but
	 * NET_RAW: fewer differences. */
	cr_assert_eq(audit(docs, "baseline", &f, &err), 0, "%s", err.msg);
	cr_expect_eq(hrt_count(&f, "k8s.run-as-root"), 0);
	cr_expect_eq(hrt_count(&f, "k8s.readonly-rootfs"), 0);
	x = hrt_find(&f, "k8s.capabilities", NULL);
	cr_assert_not_null(x);
	cr_expect_not_null(strstr(x->message, "keeps the runtime's default capabilities NET_RAW,"),
			   "%s", x->message);
	hr_findings_done(&f);
	cJSON_Delete(docs);
}

Test(audit, risky_workloads)
{
	cJSON *docs = fixture("workloads-risky.yaml");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	const char *ds = "#2/spec/template/spec", *cj = "#3/spec/jobTemplate/spec/template/spec";
	char ptr[256];
	const struct hr_finding *x;
	_cleanup_free_ char *all = NULL;

	cr_assert_eq(audit(docs, "restricted", &f, &err), 0, "%s", err.msg);
	all = hrt_findings_text(&f);
#define AT(base, fmt) (snprintf(ptr, sizeof ptr, "%s" fmt, base), ptr)
	/* The Service is skipped; the DaemonSet is refused. */
	hrt_expect(&f, "k8s.privileged", HR_REFUSED, AT(ds, "/containers/0/securityContext/privileged"));
	x = hrt_expect(&f, "k8s.host-path", HR_REFUSED, AT(ds, "/volumes/0/hostPath/path"));
	cr_expect_not_null(strstr(x->message, "/run/containerd"), "%s", x->message);
	/* Refused at Run too (namespaces.host-join): not started as something else. */
	hrt_expect(&f, "k8s.host-namespace", HR_REFUSED, AT(ds, "/hostNetwork"));
	hrt_expect(&f, "k8s.host-namespace", HR_REFUSED, AT(ds, "/hostPID")); /* yes */
	hrt_expect(&f, "k8s.capabilities", HR_REFUSED, AT(ds, "/containers/0/securityContext/capabilities/add/0"));
	hrt_expect(&f, "k8s.capabilities", HR_REFUSED, AT(ds, "/containers/0/securityContext/capabilities/add/1"));
	cr_expect_null(hrt_find(&f, "k8s.runtime-class", NULL), "both pods name hardrun:\n%s", all);

	/* The CronJob: the pod's user applies, the init container's runAsUser
	 * 0 overrides it; RuntimeDefault is not the profile's filter; the
	 * sysctl is refused; the hostPath is writable; procMount; memory. */
	cr_expect_null(hrt_find(&f, "k8s.run-as-root", AT(cj, "/containers/0/securityContext/runAsNonRoot")),
		       "%s", all);
	x = hrt_expect(&f, "k8s.run-as-root", HR_CHANGED, AT(cj, "/initContainers/0/securityContext/runAsUser"));
	cr_expect_str_eq(x->before, "0");
	cr_expect_null(hrt_find(&f, "k8s.run-as-root-group", AT(cj, "/containers/0/securityContext/runAsGroup")),
		       "%s", all);
	cr_expect_null(hrt_find(&f, "k8s.run-as-root-group", AT(cj, "/securityContext/runAsGroup")),
		       "%s", all);
	hrt_expect(&f, "k8s.seccomp-profile", HR_CHANGED, AT(cj, "/securityContext/seccompProfile"));
	cr_expect_eq(hrt_count(&f, "k8s.seccomp-profile"), 1, "once for the pod:\n%s", all);
	hrt_expect(&f, "k8s.sysctl", HR_REFUSED, AT(cj, "/securityContext/sysctls/0/name"));
	hrt_expect(&f, "k8s.host-path-writable", HR_CHANGED, AT(cj, "/containers/0/volumeMounts/0/readOnly"));
	cr_expect_null(hrt_find(&f, "k8s.host-path", AT(cj, "/volumes/0/hostPath/path")), "/srv is fine");
	hrt_expect(&f, "k8s.proc-mount", HR_CHANGED, AT(cj, "/containers/0/securityContext/procMount"));
	x = hrt_expect(&f, "k8s.memory-limit", HR_CHANGED, AT(cj, "/containers/0/resources/limits/memory"));
	cr_expect_str_eq(x->before, "\"4Gi\"");
	hrt_expect(&f, "k8s.cpu-request", HR_CHANGED, AT(cj, "/containers/0/resources/limits/cpu"));
	x = hrt_expect(&f, "k8s.profile-annotation", HR_WARNED,
		       "#3/spec/jobTemplate/spec/template/metadata/annotations/org.hardrun.profile");
	cr_expect_str_eq(x->before, "\"worker\"");
#undef AT
	hr_findings_done(&f);
	cJSON_Delete(docs);
}

Test(audit, json_list_and_modes)
{
	cJSON *docs = fixture("pod-list.json");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };
	struct hr_profile *p;
	struct hr_k8s_audit_opts o = { .seccomp_name = "hardrun/restricted.json" };
	size_t ui;

	cr_assert_eq(audit(docs, "restricted", &f, &err), 0, "%s", err.msg);
	cr_expect_eq(f.n, 0, "%s", hrt_findings_text(&f));
	hr_findings_done(&f);

	/* A control in mode warn reports, in mode refuse refuses. */
	cJSON_DeleteItemFromObject(hrt_at(docs, "/0/items/0/spec/securityContext"), "runAsNonRoot");
	cJSON_DeleteItemFromObject(hrt_at(docs, "/0/items/0/spec/securityContext"), "runAsUser");
	p = hrt_profile("restricted");
	for (ui = 0; ui < hr_controls_count && strcmp(hr_controls[ui]->name, "user") != 0; ui++)
		;
	cr_assert_lt(ui, hr_controls_count);
	p->modes[ui] = HR_MODE_WARN;
	p->has_mode[ui] = true;
	cr_assert_eq(hr_k8s_audit(docs, p, &o, &f, NULL, &err), 0, "%s", err.msg);
	hrt_expect(&f, "k8s.run-as-root", HR_WARNED,
		   "#1/items/0/spec/containers/0/securityContext/runAsNonRoot");
	hr_findings_done(&f);
	p->modes[ui] = HR_MODE_REFUSE;
	cr_assert_eq(hr_k8s_audit(docs, p, &o, &f, NULL, &err), 0, "%s", err.msg);
	hrt_expect(&f, "k8s.run-as-root", HR_REFUSED,
		   "#1/items/0/spec/containers/0/securityContext/runAsNonRoot");
	hr_findings_done(&f);
	hr_profile_free(p);
	cJSON_Delete(docs);
}

Test(audit, malformed_manifests_are_errors)
{
	static const struct {
		const char *yaml, *needle;
	} cases[] = {
		{ "kind: Service\n", "no workload found" },
		{ "kind: Pod\nspec:\n  containers:\n  - name: a\n    securityContext:\n      runAsNonRoot: \"true\"\n",
		  "#1/spec/containers/0/securityContext/runAsNonRoot: expected true or false" },
		{ "kind: Pod\nspec:\n  securityContext:\n    runAsUser: 1.5\n  containers: []\n",
		  "#1/spec/securityContext/runAsUser: expected an integer" },
		{ "kind: Deployment\nspec: {}\n", "#1/spec/template/spec: a Deployment without a pod spec" },
		{ "kind: Pod\nspec:\n  containers: {}\n", "#1/spec/containers: expected an array" },
		{ "kind: Pod\nspec:\n  containers:\n  - name: a\n    resources: {limits: {memory: lots}}\n",
		  "#1/spec/containers/0/resources/limits/memory: `lots` is not a quantity" },
		{ "- 1\n", "#1: expected a Kubernetes object" },
	};
	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		cJSON *docs = yaml(cases[i].yaml);
		struct hr_findings f = { 0 };
		hr_error err = { 0 };
		cr_expect_eq(audit(docs, "restricted", &f, &err), HR_E_INVALID, "accepted: %s",
			     cases[i].yaml);
		cr_expect_not_null(strstr(err.msg, cases[i].needle), "`%s` lacks `%s`", err.msg,
				   cases[i].needle);
		hr_findings_done(&f);
		cJSON_Delete(docs);
	}
}

/* --- export docker ---------------------------------------------------------------- */

Test(export_docker, restricted_as_docker_flags_and_compose)
{
	struct hr_profile *p = hrt_profile("restricted");
	struct hr_docker_export x = { 0 };
	hr_error err = { 0 };
	static const char *const want[] = {
		"--user=65534:65534", "--read-only",
		"--tmpfs=/tmp:nosuid,nodev,noexec,mode=1777,size=64m",
		"--tmpfs=/run:nosuid,nodev,noexec,mode=1777,size=64m",
		"--tmpfs=/var/tmp:nosuid,nodev,noexec,mode=1777,size=64m",
		"--cap-drop=ALL", "--security-opt=no-new-privileges",
		"--security-opt=seccomp=/etc/hardrun/restricted.json", "--memory=1g",
		"--memory-swap=1g", "--pids-limit=1024", "--cpu-shares=1024",
		"--ulimit=core=0:0", "--ulimit=nofile=8192:8192", "--ulimit=nproc=16384:16384",
		NULL,
	};

	cr_assert_eq(hr_docker_export(p, "/etc/hardrun/restricted.json", "app", &x, &err), 0, "%s",
		     err.msg);
	for (size_t i = 0; want[i] || x.args[i]; i++)
		cr_assert_str_eq(x.args[i] ? x.args[i] : "(end)", want[i] ? want[i] : "(end)",
				 "flag %zu", i);
	hrt_assert_json(x.compose,
			"{'services':{'app':{'user':'65534:65534','read_only':true,"
			"'tmpfs':['/tmp:nosuid,nodev,noexec,mode=1777,size=64m',"
			"'/run:nosuid,nodev,noexec,mode=1777,size=64m',"
			"'/var/tmp:nosuid,nodev,noexec,mode=1777,size=64m'],"
			"'cap_drop':['ALL'],'security_opt':['no-new-privileges:true',"
			"'seccomp:/etc/hardrun/restricted.json'],'mem_limit':'1g','memswap_limit':'1g',"
			"'pids_limit':1024,'cpu_shares':1024,'ulimits':{'core':{'soft':0,'hard':0},"
			"'nofile':{'soft':8192,'hard':8192},'nproc':{'soft':16384,'hard':16384}}}}}",
			"the compose fragment");
	hr_docker_export_done(&x);
	hr_profile_free(p);
}

Test(export_docker, baseline_and_build)
{
	struct hr_profile *p = hrt_profile("baseline");
	struct hr_docker_export x = { 0 };
	hr_error err = { 0 };
	size_t adds = 0;

	cr_assert_eq(hr_docker_export(p, "s.json", "web", &x, &err), 0, "%s", err.msg);
	for (size_t i = 0; x.args[i]; i++) {
		cr_expect(strncmp(x.args[i], "--user", 6) != 0, "baseline keeps the image's user");
		cr_expect(strcmp(x.args[i], "--read-only") != 0, "baseline's root is writable");
		cr_expect(strcmp(x.args[i], "--cap-add=NET_RAW") != 0);
		adds += strncmp(x.args[i], "--cap-add=", 10) == 0;
	}
	cr_expect_eq(adds, 13);
	hr_docker_export_done(&x);
	hr_profile_free(p);

	/* build's tmpfs lacks noexec: Docker would add it unless told exec. */
	p = hrt_profile("build");
	cr_assert_eq(hr_docker_export(p, "s.json", "ci", &x, &err), 0, "%s", err.msg);
	cr_expect(hrt_has_string(cJSON_GetObjectItem(hrt_at(x.compose, "/services/ci"), "tmpfs"),
				 "/workspace:nosuid,nodev,mode=1777,size=2g,exec"),
		  "build's tmpfs");
	cr_expect_eq(hr_docker_export(p, "s.json", "bad name", &x, &err), HR_E_INVALID);
	hr_docker_export_done(&x);
	hr_profile_free(p);
}
