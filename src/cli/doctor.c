/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun doctor`: will this profile really be enforced on this node?
 * The runtime hardrun would use (path, version, features), the kernel
 * facts each control depends on, whether each control of the profile
 * takes effect, and the runtime's known CVEs with the fix and what hardrun
 * does about them. The exit status says whether everything the profile
 * asks for is enforced.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hardrun/doctor.h"
#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"
#include "hardrun/select.h"

/* Where container file systems usually live: their types are tried for
 * idmapped mounts (with a new tmpfs). */
static char *const idmap_paths[] = { (char *)"/", (char *)"/var/lib", (char *)"/run",
				     (char *)"/tmp", (char *)"/home", NULL };

struct report {
	const struct hr_profile *p;
	const struct hr_runtime_info *r;
	const struct hr_host_facts *h;
	const struct hr_enforcement *e;
	int exposed[HR_CVE__MAX];
	bool cgroups_disabled;
	bool ok;
};

static const char *rt_name(const struct hr_runtime_info *r)
{
	return r->kind == HR_RT_RUNC ? "runc" : r->kind == HR_RT_CRUN ? "crun" : "unknown";
}

static cJSON *strv_json(char *const *v)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; v && v[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static cJSON *to_json(const struct report *x)
{
	cJSON *d = cJSON_CreateObject(), *o, *k, *a;

	o = cJSON_AddObjectToObject(d, "runtime");
	cJSON_AddStringToObject(o, "path", x->r->path);
	cJSON_AddStringToObject(o, "name", rt_name(x->r));
	x->r->version ? cJSON_AddStringToObject(o, "version", x->r->version)
		      : cJSON_AddNullToObject(o, "version");
	if (x->r->commit)
		cJSON_AddStringToObject(o, "commit", x->r->commit);
	if (x->r->spec)
		cJSON_AddStringToObject(o, "spec", x->r->spec);
	if (x->r->libseccomp)
		cJSON_AddStringToObject(o, "libseccomp", x->r->libseccomp);
	cJSON_AddBoolToObject(o, "seccomp", x->r->seccomp);
	cJSON_AddBoolToObject(o, "cgroupsDisabled", x->cgroups_disabled);
	cJSON_AddItemToObject(o, "features",
			      x->r->features ? cJSON_Duplicate(x->r->features, true) : cJSON_CreateNull());

	k = cJSON_AddObjectToObject(d, "kernel");
	cJSON_AddStringToObject(k, "release", x->h->kernel);
	o = cJSON_AddObjectToObject(k, "seccomp");
	cJSON_AddBoolToObject(o, "filters", x->h->seccomp);
	cJSON_AddItemToObject(o, "actions", strv_json(x->h->seccomp_actions));
	cJSON_AddBoolToObject(o, "notify", x->h->seccomp_notify);
	a = cJSON_AddArrayToObject(k, "namespaces");
	for (int t = 0; t < HR_NS__MAX; t++)
		if (x->h->ns_available & (1u << t))
			cJSON_AddItemToArray(a, cJSON_CreateString(hr_ns_name((enum hr_ns_type)t)));
	o = cJSON_AddObjectToObject(k, "userNamespaces");
	cJSON_AddBoolToObject(o, "available", (x->h->ns_available & (1u << HR_NS_USER)) &&
						      x->h->max_user_namespaces != 0);
	cJSON_AddNumberToObject(o, "max", (double)x->h->max_user_namespaces);
	a = cJSON_AddArrayToObject(k, "idmappedMounts");
	for (size_t i = 0; i < x->h->n_idmap; i++) {
		const struct hr_idmap_fs *m = &x->h->idmap[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "fsType", m->fs_type);
		cJSON_AddStringToObject(e, "path", m->path);
		m->result >= 0 ? cJSON_AddBoolToObject(e, "supported", m->result == 1)
			       : cJSON_AddNullToObject(e, "supported");
		if (m->result < 0)
			cJSON_AddStringToObject(e, "error", strerror(-m->result));
		cJSON_AddItemToArray(a, e);
	}
	o = cJSON_AddObjectToObject(k, "cgroup");
	cJSON_AddStringToObject(o, "version", x->h->cgroup_version == 2   ? "v2"
					      : x->h->cgroup_version == 3 ? "hybrid"
									  : "v1");
	cJSON_AddItemToObject(o, "controllers", strv_json(x->h->cgroup_controllers));
	cJSON_AddBoolToObject(o, "swapAccounting", x->h->swap_accounting > 0);
	o = cJSON_AddObjectToObject(k, "landlock");
	x->h->landlock_abi > 0 ? cJSON_AddNumberToObject(o, "abi", x->h->landlock_abi)
			       : cJSON_AddNullToObject(o, "abi");
	if (x->h->landlock_abi < 0)
		cJSON_AddStringToObject(o, "error", strerror(-x->h->landlock_abi));
	o = cJSON_AddObjectToObject(k, "lsm");
	cJSON_AddBoolToObject(o, "apparmor", x->h->apparmor);
	cJSON_AddBoolToObject(o, "selinux", x->h->selinux);

	o = cJSON_AddObjectToObject(d, "profile");
	cJSON_AddStringToObject(o, "name", x->p->name);
	cJSON_AddStringToObject(o, "source", x->p->source);
	cJSON_AddBoolToObject(o, "requireEnforced", x->p->require_enforced);
	a = cJSON_AddArrayToObject(d, "controls");
	for (size_t i = 0; i < x->e->n; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "control", x->e->v[i].control);
		cJSON_AddStringToObject(c, "status", hr_enforce_status_name(x->e->v[i].status));
		cJSON_AddStringToObject(c, "detail", x->e->v[i].detail);
		cJSON_AddItemToArray(a, c);
	}
	a = cJSON_AddArrayToObject(d, "cves");
	for (int i = 0; i < HR_CVE__MAX; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "id", hr_cves[i].id);
		cJSON_AddStringToObject(c, "title", hr_cves[i].title);
		x->exposed[i] < 0 ? cJSON_AddNullToObject(c, "exposed")
				  : cJSON_AddBoolToObject(c, "exposed", x->exposed[i] > 0);
		cJSON_AddStringToObject(c, "fixedIn", hr_cves[i].fixed_in);
		cJSON_AddStringToObject(c, "crun", hr_cves[i].crun);
		cJSON_AddStringToObject(c, "rule", hr_cves[i].rule);
		cJSON_AddStringToObject(c, "hardrunRefuses", hr_cves[i].refused);
		cJSON_AddItemToArray(a, c);
	}
	cJSON_AddBoolToObject(d, "enforced", x->ok);
	return d;
}

static void text(FILE *out, const struct report *x)
{
	const struct hr_runtime_info *r = x->r;
	const struct hr_host_facts *h = x->h;
	size_t risk = 0, not = 0;

	fprintf(out, "hardrun doctor: profile `%s` (%s)\n\nRuntime\n", x->p->name, x->p->source);
	fprintf(out, "  path             %s\n", r->path);
	if (r->version)
		fprintf(out, "  version          %s %s\n", rt_name(r), r->version);
	else
		fprintf(out, "  version          unknown: `%s --version` names neither runc nor crun\n",
			r->path);
	if (r->commit)
		fprintf(out, "  commit           %s\n", r->commit);
	if (r->spec)
		fprintf(out, "  OCI spec         %s\n", r->spec);
	fprintf(out, "  seccomp          %s%s%s\n", r->seccomp ? "built in" : "not built in, as far as --version says",
		r->libseccomp ? ", libseccomp " : "", r->libseccomp ? r->libseccomp : "");
	if (r->features) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(r->features, "linux");
		const cJSON *ns = cJSON_GetObjectItemCaseSensitive(l, "namespaces");
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(l, "seccomp");
		const cJSON *cg = cJSON_GetObjectItemCaseSensitive(l, "cgroup");
		fprintf(out, "  features         namespaces:");
		for (const cJSON *n = ns ? ns->child : NULL; n; n = n->next)
			fprintf(out, " %s", cJSON_IsString(n) ? n->valuestring : "?");
		fprintf(out, "; seccomp %s", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "enabled"))
						     ? "enabled"
						     : "disabled");
		fprintf(out, "; cgroup%s%s\n",
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cg, "v1")) ? " v1" : "",
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cg, "v2")) ? " v2" : "");
	} else {
		fprintf(out, "  features         not available (`%s features` gave no JSON)\n", r->path);
	}
	if (x->cgroups_disabled)
		fprintf(out, "  cgroups          disabled by its flags (--cgroup-manager=disabled)\n");

	fprintf(out, "\nKernel %s\n", h->kernel);
	fprintf(out, "  seccomp          %s", h->seccomp ? "filters; actions:" : "no filters\n");
	for (size_t i = 0; h->seccomp && h->seccomp_actions && h->seccomp_actions[i]; i++)
		fprintf(out, " %s", h->seccomp_actions[i]);
	if (h->seccomp)
		fprintf(out, "; user notification %s\n", h->seccomp_notify ? "yes" : "no");
	fprintf(out, "  namespaces      ");
	for (int t = 0; t < HR_NS__MAX; t++)
		if (h->ns_available & (1u << t))
			fprintf(out, " %s", hr_ns_name((enum hr_ns_type)t));
	fprintf(out, "\n  user namespaces  %s", (h->ns_available & (1u << HR_NS_USER)) &&
							    h->max_user_namespaces != 0
							    ? "yes"
							    : "no");
	if (h->max_user_namespaces >= 0)
		fprintf(out, " (user.max_user_namespaces %ld)", h->max_user_namespaces);
	fprintf(out, "\n  idmapped mounts ");
	for (size_t i = 0; i < h->n_idmap; i++) {
		const struct hr_idmap_fs *m = &h->idmap[i];
		fprintf(out, "%s %s (%s): %s", i ? ";" : "", m->fs_type,
			m->path[0] == '/' ? m->path : "new", m->result > 0 ? "yes"
							     : m->result == 0 ? "no"
									      : strerror(-m->result));
	}
	fprintf(out, "\n  cgroups          %s:", h->cgroup_version == 2   ? "v2"
					       : h->cgroup_version == 3 ? "v1 (hybrid)"
									: "v1");
	for (size_t i = 0; h->cgroup_controllers && h->cgroup_controllers[i]; i++)
		fprintf(out, " %s", h->cgroup_controllers[i]);
	fprintf(out, "; swap accounting %s\n", h->swap_accounting > 0	? "yes"
					       : h->swap_accounting == 0 ? "no"
									 : "unknown");
	if (h->landlock_abi > 0)
		fprintf(out, "  Landlock         ABI %d\n", h->landlock_abi);
	else
		fprintf(out, "  Landlock         not available (%s)\n", strerror(-h->landlock_abi));
	fprintf(out, "  LSM              %s\n", h->apparmor && h->selinux ? "AppArmor, SELinux"
					       : h->apparmor		  ? "AppArmor"
					       : h->selinux		  ? "SELinux"
									  : "neither AppArmor nor SELinux");

	fprintf(out, "\nControls of profile `%s`\n", x->p->name);
	for (size_t i = 0; i < x->e->n; i++) {
		const struct hr_control_status *s = &x->e->v[i];
		risk += s->status == HR_AT_RISK;
		not += s->status == HR_NOT_ENFORCED;
		fprintf(out, "  %-18s %-15s %s\n", s->control, hr_enforce_status_name(s->status),
			s->detail);
	}

	fprintf(out, "\nKnown runtime CVEs\n");
	for (int i = 0; i < HR_CVE__MAX; i++) {
		const struct hr_cve_info *c = &hr_cves[i];
		if (x->exposed[i] > 0)
			fprintf(out, "  %s  EXPOSED: %s %s lacks the fix\n", c->id, rt_name(r),
				r->version);
		else if (x->exposed[i] == 0)
			fprintf(out, "  %s  not exposed: %s%s%s\n", c->id, rt_name(r),
				r->version ? " " : "", r->version ? r->version : "");
		else
			fprintf(out, "  %s  unknown: hardrun cannot tell whether %s has the fix\n", c->id,
				r->path);
		fprintf(out, "      %s\n", c->title);
		fprintf(out, "      fixed in %s; crun: %s\n", c->fixed_in, c->crun);
		if (x->exposed[i] != 0)
			fprintf(out,
				"      fix: upgrade to %s or later, or use crun; until then hardrun "
				"refuses at launch (rule %s): %s\n",
				c->fixed_in, c->rule, c->refused);
	}
	fprintf(out, "\n%s\n",
		x->ok ? "Everything the profile asks for is enforced on this node."
		      : "NOT everything the profile asks for is enforced on this node");
	if (!x->ok)
		fprintf(out, "(%zu control%s at risk, %zu not enforced; exit status 1)\n", risk,
			risk == 1 ? "" : "s", not);
}

static void usage(FILE *out)
{
	fputs("Usage: hardrun doctor [OPTIONS]\n"
	      "Will the profile really be enforced on this node? The runtime, the kernel\n"
	      "facts each control depends on, each control's status, the runtime's known CVEs.\n"
	      "  -p, --profile NAME|PATH   the profile (default: the node's, as a container\n"
	      "                            without annotations would get it)\n"
	      "      --profile-dir DIR     look for profiles in DIR first (repeatable)\n"
	      "  -r, --runtime NAME|PATH   the runtime (default: hardrun.conf's, else runc,\n"
	      "                            else crun)\n"
	      "      --config FILE         hardrun.conf (default " HR_CONFIG_DEFAULT_PATH ")\n"
	      "  -f, --format text|json\n"
	      "Exit status: 0 everything the profile asks for is enforced, 1 not, 125 error,\n"
	      "127 no runtime. See hardrun(1), DOCTOR.\n",
	      out);
}

int hr_cmd_doctor(int argc, char **argv)
{
	enum { OPT_PROFILE_DIR = 256, OPT_CONFIG };
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "runtime", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_(hr_config_done) struct hr_config cfg = { 0 };
	_cleanup_strv_ char **dirs = NULL, **extra = NULL;
	_cleanup_profile_ struct hr_profile *p = NULL;
	_cleanup_free_ char *runtime = NULL, *how = NULL;
	const char *profile = NULL, *rt = NULL, *config = NULL, *format = "text";
	struct hr_runtime_info r = { 0 };
	struct hr_host_facts h = { 0 };
	struct hr_enforcement e = { 0 };
	struct report x = { 0 };
	hr_error err = { 0 };
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:r:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile = optarg;
			break;
		case OPT_PROFILE_DIR:
			hr_strv_push(&extra, optarg);
			break;
		case 'r':
			rt = optarg;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return HR_EXIT_ERROR;
		}
	}
	if (optind != argc || (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)) {
		usage(stderr);
		return HR_EXIT_ERROR;
	}
	if (hr_config_load(config ? config : HR_CONFIG_DEFAULT_PATH, config != NULL, &cfg, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return HR_EXIT_ERROR;
	}
	dirs = hr_profile_search_path(extra, &cfg);
	{
		struct hr_selection sel = { .explicit_choice = profile, .cfg = &cfg, .dirs = dirs };
		if (hr_select_profile(&sel, NULL, &p, &how, &err) < 0) {
			hr_cli_error("%s", err.msg);
			return HR_EXIT_ERROR;
		}
	}
	if (hr_runtime_find(rt ? rt : cfg.runtime, &runtime, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return err.code == -ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
	}
	if (hr_runtime_identify(runtime, true, &r, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return HR_EXIT_NOEXEC;
	}
	hr_host_facts_probe(&h, idmap_paths);
	x.cgroups_disabled = hr_runtime_args_disable_cgroups(cfg.runtime_args);
	hr_enforcement_judge(p, &r, x.cgroups_disabled, &h, &e);
	x = (struct report){ .p = p, .r = &r, .h = &h, .e = &e,
			     .cgroups_disabled = x.cgroups_disabled, .ok = e.enforced };
	for (int i = 0; i < HR_CVE__MAX; i++) {
		x.exposed[i] = hr_runtime_exposed(&r, i);
		if (x.exposed[i] != 0)
			x.ok = false;
	}
	if (strcmp(format, "json") == 0) {
		cJSON *d = to_json(&x);
		char *s = hr_json_print(d, true);
		printf("%s\n", s);
		free(s);
		cJSON_Delete(d);
	} else {
		text(stdout, &x);
	}
	status = x.ok ? 0 : 1;
	hr_enforcement_done(&e);
	hr_host_facts_done(&h);
	hr_runtime_info_done(&r);
	return status;
}
