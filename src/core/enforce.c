/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Will each control of a profile take effect? What it needs from the
 * runtime and the kernel, and which known CVEs of the runtime can undo
 * it. Pure: the facts come in (src/host/runtime/host_probe.c gathers them).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/control.h"
#include "hardrun/doctor.h"
#include "hardrun/harden.h"
#include "hardrun/json.h"

/*
 * runc's advisories of 2025-11-05 (GHSA-9493-h29p-rfm2, GHSA-qw9x-cqr3-wc7r,
 * GHSA-cgrx-mc8f-2prm): every runc before 1.2.8, 1.3.3 and 1.4.0-rc.3 is
 * affected; 1.1 is no longer maintained upstream. crun's maintainers found
 * crun not affected (containers/crun#1906: the reproducers fail, and crun
 * opens nothing under /proc after pivot_root).
 */
const struct hr_cve_info hr_cves[HR_CVE__MAX] = {
	[HR_CVE_2025_31133] = {
		"CVE-2025-31133", "runtime.cve-2025-31133",
		"masked paths undone: runc bind-mounts the container's /dev/null over each masked "
		"file without checking it, so a /dev/null that is a symbolic link (in the image, "
		"or made by a racing container through shared mounts) gets its target mounted "
		"writable, such as /proc/sys/kernel/core_pattern",
		"runc 1.2.8, 1.3.3, 1.4.0-rc.3",
		"not affected (containers/crun#1906)",
		"a root file system whose /dev or /dev/null is a symbolic link, a spec without a "
		"/dev tmpfs of its own, a mount over /dev/null, shared mount propagation",
	},
	[HR_CVE_2025_52565] = {
		"CVE-2025-52565", "runtime.cve-2025-52565",
		"/dev/console redirected: for a container with a terminal runc bind-mounts the "
		"terminal over /dev/console without enough checks, so a symbolic link or a race "
		"puts a writable procfs file there",
		"runc 1.2.8, 1.3.3, 1.4.0-rc.3",
		"not affected (containers/crun#1906)",
		"with a terminal: a root file system whose /dev, /dev/console, /dev/pts or "
		"/dev/ptmx is a symbolic link, a spec without a /dev tmpfs or a devpts at "
		"/dev/pts, a mount over /dev/console, shared mount propagation",
	},
	[HR_CVE_2025_52881] = {
		"CVE-2025-52881", "runtime.cve-2025-52881",
		"writes to /proc redirected: runc's writes to /proc (the LSM label in "
		"/proc/self/attr, sysctls) can be sent to another procfs file through mounts, "
		"for example by a racing container with shared mounts",
		"runc 1.2.8, 1.3.3, 1.4.0-rc.3",
		"not affected (containers/crun#1906)",
		"a root file system whose /proc is a symbolic link, a mount into /proc other "
		"than procfs itself, shared mount propagation",
	},
};

void hr_runtime_parse_version(const char *text, struct hr_runtime_info *r)
{
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		_cleanup_free_ char *line = hr_xmalloc(n + 1);
		const char *v;

		memcpy(line, l, n);
		line[n] = '\0';
		l = nl ? nl + 1 : NULL;
		if (!r->version && (strncmp(line, "runc version ", 13) == 0 ||
				    strncmp(line, "crun version ", 13) == 0)) {
			int consumed = 0;
			r->kind = line[0] == 'r' ? HR_RT_RUNC : HR_RT_CRUN;
			v = line + 13;
			r->version = hr_xstrdup(v);
			if (sscanf(v, "%d.%d.%d%n", &r->major, &r->minor, &r->patch, &consumed) != 3) {
				r->major = r->minor = r->patch = -1;
				continue;
			}
			/* 1.4.0-rc.3, 1.4.0-rc.3+dev; a build suffix (+ds1) is no rc */
			if (strncmp(v + consumed, "-rc.", 4) == 0)
				r->rc = atoi(v + consumed + 4);
			else if (strncmp(v + consumed, "-rc", 3) == 0)
				r->rc = atoi(v + consumed + 3);
		} else if (strncmp(line, "commit: ", 8) == 0 && !r->commit) {
			r->commit = hr_xstrdup(line + 8);
		} else if (strncmp(line, "spec: ", 6) == 0 && !r->spec) {
			r->spec = hr_xstrdup(line + 6);
		} else if (strncmp(line, "libseccomp: ", 12) == 0 && !r->libseccomp) {
			r->libseccomp = hr_xstrdup(line + 12);
			r->seccomp = true; /* runc prints it when built with seccomp */
		} else if (line[0] == '+' || line[0] == '-') {
			/* crun: "+SYSTEMD +SELINUX +APPARMOR +CAP +SECCOMP ..." */
			if (strstr(line, "+SECCOMP"))
				r->seccomp = true;
		}
	}
}

int hr_runtime_exposed(const struct hr_runtime_info *r, enum hr_cve cve)
{
	(void)cve; /* the three were fixed in the same releases */
	if (!r || r->kind == HR_RT_UNKNOWN)
		return -1;
	if (r->kind == HR_RT_CRUN)
		return 0;
	if (r->major < 0)
		return -1;
	if (r->major != 1)
		return r->major < 1;
	switch (r->minor) {
	case 0:
	case 1:
		return 1;
	case 2:
		return r->patch < 8;
	case 3:
		return r->patch < 3;
	case 4:
		/* 1.4.0-rc.1 and rc.2 lack it; rc.3 and 1.4.0 have it */
		return r->patch == 0 && r->rc > 0 && r->rc < 3;
	default:
		return 0;
	}
}

static bool dest_is(const cJSON *m, const char *path)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "destination");
	_cleanup_free_ char *n = NULL;

	if (!cJSON_IsString(d))
		return false;
	n = hr_path_normalize(d->valuestring);
	return strcmp(n, path) == 0;
}

static bool type_is(const cJSON *m, const char *type)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(m, "type");
	return cJSON_IsString(t) && strcmp(t->valuestring, type) == 0;
}

static bool shared(const cJSON *spec, char **where)
{
	const cJSON *rp = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "linux"), "rootfsPropagation");
	int i = 0;

	if (cJSON_IsString(rp) && strstr(rp->valuestring, "shared")) {
		*where = hr_xstrdup("/linux/rootfsPropagation");
		return true;
	}
	for (const cJSON *m = cJSON_GetObjectItemCaseSensitive(spec, "mounts") ?
				      cJSON_GetObjectItemCaseSensitive(spec, "mounts")->child :
				      NULL;
	     m; m = m->next, i++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(m, "options");
		for (const cJSON *x = cJSON_IsArray(o) ? o->child : NULL; x; x = x->next)
			if (cJSON_IsString(x) && (strcmp(x->valuestring, "shared") == 0 ||
						  strcmp(x->valuestring, "rshared") == 0)) {
				*where = hr_xasprintf("/mounts/%d/options", i);
				return true;
			}
	}
	return false;
}

/* The index of the first mount at `dest` (of `type`, when not NULL), or -1. */
static int mount_at(const cJSON *spec, const char *dest, const char *type)
{
	const cJSON *mounts = cJSON_GetObjectItemCaseSensitive(spec, "mounts");
	int i = 0;

	for (const cJSON *m = cJSON_IsArray(mounts) ? mounts->child : NULL; m; m = m->next, i++)
		if (dest_is(m, dest) && (!type || type_is(m, type)))
			return i;
	return -1;
}

struct pre {
	const cJSON *spec;
	int (*is_symlink)(void *ud, const char *path);
	void *ud;
	enum hr_outcome outcome;
	const char *why;
	struct hr_findings *f;
	unsigned found;
};

static void refuse(struct pre *c, enum hr_cve cve, const char *ptr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void refuse(struct pre *c, enum hr_cve cve, const char *ptr, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL, *hint = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	va_end(ap);
	hint = hr_xasprintf("upgrade the runtime to one with the fix (%s) or to crun, which is "
			    "not affected; or remove what %s needs from the spec or the image",
			    hr_cves[cve].fixed_in, hr_cves[cve].id);
	hr_finding_add(c->f, hr_cves[cve].rule, c->outcome, ptr, NULL, NULL, hint,
		       "%s, a precondition of %s; %s (fixed in %s)", what, hr_cves[cve].id, c->why,
		       hr_cves[cve].fixed_in);
	c->found |= 1u << cve;
}

static void symlink_at(struct pre *c, enum hr_cve cve, const char *path)
{
	int r = c->is_symlink(c->ud, path);
	if (r != 0)
		refuse(c, cve, "/root/path", "%s in the root file system %s", path,
		       r > 0 ? "is a symbolic link" : "cannot be checked");
}

unsigned hr_cve_preconditions(const cJSON *spec, unsigned check,
			      int (*is_symlink)(void *ud, const char *path), void *ud,
			      enum hr_outcome outcome, const char *why, struct hr_findings *f)
{
	struct pre c = { spec, is_symlink, ud, outcome, why, f, 0 };
	const cJSON *linux_ = cJSON_GetObjectItemCaseSensitive(spec, "linux");
	const cJSON *masked = cJSON_GetObjectItemCaseSensitive(linux_, "maskedPaths");
	const cJSON *term = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "process"), "terminal");
	bool dev_tmpfs = mount_at(spec, "/dev", "tmpfs") >= 0;
	_cleanup_free_ char *sh = NULL;
	bool is_shared = shared(spec, &sh);
	int i;

	if ((check & (1u << HR_CVE_2025_31133)) && cJSON_GetArraySize(masked) > 0) {
		symlink_at(&c, HR_CVE_2025_31133, "/dev");
		symlink_at(&c, HR_CVE_2025_31133, "/dev/null");
		if (!dev_tmpfs)
			refuse(&c, HR_CVE_2025_31133, "/mounts",
			       "no tmpfs at /dev: /dev/null is the image's");
		if ((i = mount_at(spec, "/dev/null", NULL)) >= 0) {
			_cleanup_free_ char *p = hr_json_ptr_index("/mounts", (size_t)i);
			refuse(&c, HR_CVE_2025_31133, p, "a mount over /dev/null");
		}
		if (is_shared)
			refuse(&c, HR_CVE_2025_31133, sh, "shared mount propagation");
	}
	if ((check & (1u << HR_CVE_2025_52565)) && cJSON_IsTrue(term)) {
		symlink_at(&c, HR_CVE_2025_52565, "/dev");
		symlink_at(&c, HR_CVE_2025_52565, "/dev/console");
		symlink_at(&c, HR_CVE_2025_52565, "/dev/pts");
		symlink_at(&c, HR_CVE_2025_52565, "/dev/ptmx");
		if (!dev_tmpfs)
			refuse(&c, HR_CVE_2025_52565, "/mounts",
			       "a terminal and no tmpfs at /dev: /dev/console is the image's");
		if (mount_at(spec, "/dev/pts", "devpts") < 0)
			refuse(&c, HR_CVE_2025_52565, "/mounts",
			       "a terminal and no devpts at /dev/pts");
		if ((i = mount_at(spec, "/dev/console", NULL)) >= 0) {
			_cleanup_free_ char *p = hr_json_ptr_index("/mounts", (size_t)i);
			refuse(&c, HR_CVE_2025_52565, p, "a mount over /dev/console");
		}
		if (is_shared)
			refuse(&c, HR_CVE_2025_52565, sh, "shared mount propagation");
	}
	if (check & (1u << HR_CVE_2025_52881)) {
		const cJSON *mounts = cJSON_GetObjectItemCaseSensitive(spec, "mounts");
		symlink_at(&c, HR_CVE_2025_52881, "/proc");
		i = 0;
		for (const cJSON *m = cJSON_IsArray(mounts) ? mounts->child : NULL; m;
		     m = m->next, i++) {
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "destination");
			_cleanup_free_ char *p = NULL;
			if (!cJSON_IsString(d) || !hr_path_is_under(d->valuestring, "/proc") ||
			    (dest_is(m, "/proc") && type_is(m, "proc")))
				continue;
			p = hr_json_ptr_index("/mounts", (size_t)i);
			refuse(&c, HR_CVE_2025_52881, p, "a mount at %s, in /proc",
			       d->valuestring);
		}
		if (is_shared)
			refuse(&c, HR_CVE_2025_52881, sh, "shared mount propagation");
	}
	return c.found;
}

/* --- will each control take effect? ---------------------------------------- */

const char *hr_enforce_status_name(enum hr_enforce_status s)
{
	static const char *const names[] = { [HR_ENFORCED] = "enforced",
					     [HR_AT_RISK] = "at risk",
					     [HR_NOT_ENFORCED] = "not enforced",
					     [HR_NOT_APPLICABLE] = "not applicable" };
	return (unsigned)s < HR_ARRAY_SIZE(names) ? names[s] : "?";
}

void hr_enforcement_done(struct hr_enforcement *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].detail);
	free(e->v);
	*e = (struct hr_enforcement){ 0 };
}

static void put(struct hr_enforcement *e, const char *control, enum hr_enforce_status s,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(struct hr_enforcement *e, const char *control, enum hr_enforce_status s,
		const char *fmt, ...)
{
	char *d = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&d, fmt, ap) < 0)
		abort();
	va_end(ap);
	e->v = hr_xrealloc(e->v, (e->n + 1) * sizeof *e->v);
	e->v[e->n++] = (struct hr_control_status){ control, s, d };
	if (s == HR_AT_RISK || s == HR_NOT_ENFORCED)
		e->enforced = false;
}

static bool has(char *const *v, const char *s)
{
	return hr_strv_contains(v, s);
}

/* The kernel's name (actions_avail) of a profile's seccomp default action. */
static const char *kernel_action(const char *oci)
{
	static const struct {
		const char *oci, *kernel;
	} map[] = { { "SCMP_ACT_ERRNO", "errno" },	       { "SCMP_ACT_KILL", "kill_thread" },
		    { "SCMP_ACT_KILL_THREAD", "kill_thread" }, { "SCMP_ACT_KILL_PROCESS", "kill_process" },
		    { "SCMP_ACT_TRAP", "trap" },	       { "SCMP_ACT_LOG", "log" } };
	for (size_t i = 0; oci && i < HR_ARRAY_SIZE(map); i++)
		if (strcmp(map[i].oci, oci) == 0)
			return map[i].kernel;
	return NULL;
}

static void judge_seccomp(const struct hr_profile *p, const struct hr_runtime_info *r,
			  const struct hr_host_facts *h, struct hr_enforcement *e)
{
	const char *act = kernel_action(p->seccomp.default_action);

	if (!h->seccomp)
		return put(e, "seccomp", HR_NOT_ENFORCED,
			   "the kernel has no seccomp filters (CONFIG_SECCOMP_FILTER)");
	if (act && !has(h->seccomp_actions, act))
		return put(e, "seccomp", HR_NOT_ENFORCED,
			   "the kernel lacks the action %s (%s) the profile denies with",
			   p->seccomp.default_action, act);
	if (r && r->kind != HR_RT_UNKNOWN && !r->seccomp)
		return put(e, "seccomp", HR_NOT_ENFORCED,
			   "%s was built without seccomp support", r->path);
	if (p->explain && !h->seccomp_notify)
		return put(e, "seccomp", HR_NOT_ENFORCED,
			   "\"explain\" needs seccomp user notification (SECCOMP_RET_USER_NOTIF, "
			   "Linux 5.0), which the kernel lacks");
	if (p->explain && r && r->kind == HR_RT_RUNC && r->major == 1 && r->minor < 1)
		return put(e, "seccomp", HR_NOT_ENFORCED,
			   "\"explain\" needs a runtime that passes seccomp listeners (runc 1.1 or "
			   "later, crun)");
	if (!r || r->kind == HR_RT_UNKNOWN)
		return put(e, "seccomp", HR_ENFORCED,
			   "the kernel filters with %s; the runtime is unknown, its seccomp support "
			   "was not checked",
			   act ? act : p->seccomp.default_action);
	put(e, "seccomp", HR_ENFORCED, "filter with default action %s%s%s%s",
	    p->seccomp.default_action, r->libseccomp ? " (libseccomp " : "",
	    r->libseccomp ? r->libseccomp : "", r->libseccomp ? ")" : "");
}

static void judge_namespaces(const struct hr_profile *p, const struct hr_host_facts *h,
			     struct hr_enforcement *e)
{
	char missing[256] = "";

	for (int t = 0; t < HR_NS__MAX; t++) {
		if (!(p->ns.required & (1u << t)))
			continue;
		if (!(h->ns_available & (1u << t)) ||
		    (t == HR_NS_USER && h->max_user_namespaces == 0))
			snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
				 missing[0] ? ", " : "", hr_ns_name((enum hr_ns_type)t));
	}
	if (missing[0])
		put(e, "namespaces", HR_NOT_ENFORCED,
		    "the kernel cannot make these namespaces the profile requires: %s%s", missing,
		    h->max_user_namespaces == 0 ? " (user.max_user_namespaces is 0)" : "");
	else
		put(e, "namespaces", HR_ENFORCED, "the kernel has every namespace type required");
}

static void judge_resources(const struct hr_profile *p, bool cgroups_disabled,
			    const struct hr_host_facts *h, struct hr_enforcement *e)
{
	char missing[256] = "";
	const struct {
		const char *controller;
		bool wanted;
	} want[] = { { "memory", p->resources.memory > 0 },
		     { "pids", p->resources.pids > 0 },
		     { "cpu", p->resources.cpu_shares > 0 } };

	if (cgroups_disabled)
		return put(e, "resources", HR_NOT_ENFORCED,
			   "the runtime runs with cgroups disabled (--cgroup-manager=disabled): no "
			   "limit is applied");
	for (size_t i = 0; i < HR_ARRAY_SIZE(want); i++)
		if (want[i].wanted && !has(h->cgroup_controllers, want[i].controller))
			snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
				 missing[0] ? ", " : "", want[i].controller);
	if (missing[0])
		return put(e, "resources", HR_NOT_ENFORCED,
			   "cgroup controllers missing on this host: %s", missing);
	if (p->resources.memory > 0 && h->swap_accounting == 0)
		return put(e, "resources", HR_NOT_ENFORCED,
			   "memory is limited, but not swap: the kernel has no swap accounting "
			   "(swapaccount=1), so a container may use swap beyond its limit");
	put(e, "resources", HR_ENFORCED, "cgroup %s controllers: memory, pids, cpu",
	    h->cgroup_version == 2 ? "v2" : h->cgroup_version == 3 ? "v1 (hybrid)" : "v1");
}

void hr_enforcement_judge(const struct hr_profile *p, const struct hr_runtime_info *r,
			  bool cgroups_disabled, const struct hr_host_facts *h,
			  struct hr_enforcement *e)
{
	int masked_exposed = hr_runtime_exposed(r, HR_CVE_2025_31133);

	*e = (struct hr_enforcement){ .enforced = true };
	for (size_t i = 0; i < hr_controls_count; i++) {
		const char *c = hr_control_names[i];
		if (hr_profile_mode(p, i) == HR_MODE_WARN) {
			put(e, c, HR_NOT_ENFORCED, "mode warn: reported, not enforced");
			continue;
		}
		if (strcmp(c, "seccomp") == 0) {
			judge_seccomp(p, r, h, e);
		} else if (strcmp(c, "namespaces") == 0) {
			judge_namespaces(p, h, e);
		} else if (strcmp(c, "resources") == 0) {
			judge_resources(p, cgroups_disabled, h, e);
		} else if (strcmp(c, "devices") == 0) {
			if (cgroups_disabled)
				put(e, c, HR_NOT_ENFORCED,
				    "the runtime runs with cgroups disabled: only the device nodes "
				    "are limited, not the device cgroup");
			else if (h->cgroup_version != 2 && !has(h->cgroup_controllers, "devices"))
				put(e, c, HR_NOT_ENFORCED, "no devices cgroup controller");
			else
				put(e, c, HR_ENFORCED, "device nodes and the %s",
				    h->cgroup_version == 2 ? "cgroup v2 device filter (eBPF)"
							   : "devices cgroup");
		} else if (strcmp(c, "lsm") == 0 && !h->apparmor && !h->selinux) {
			put(e, c, HR_NOT_APPLICABLE,
			    "neither AppArmor nor SELinux is active: no label takes effect");
		} else if (strcmp(c, "paths") == 0 && masked_exposed != 0) {
			/* The advisories' own mitigation for containers without a
			 * user namespace: no process that runs as root. */
			put(e, c, HR_AT_RISK,
			    "%s can undo masked paths (CVE-2025-31133, and CVE-2025-52565 through "
			    "/dev/console): hardrun refuses at launch what it can see of their "
			    "preconditions%s",
			    masked_exposed > 0 ? "the runtime" : "a runtime of unknown version",
			    p->user.allow_root
				    ? "; the profile allows root, which the procfs files such an "
				      "attack reaches are writable by"
				    : ", and the profile's user is not root, which those procfs "
				      "files are writable by only");
		} else {
			put(e, c, HR_ENFORCED, "applied by hardrun to the spec%s",
			    strcmp(c, "annotations") == 0 || strcmp(c, "image") == 0 ||
					    strcmp(c, "privileged") == 0 || strcmp(c, "hooks") == 0
				    ? ""
				    : ", and by the runtime");
		}
	}
	if ((h->apparmor || h->selinux) && hr_runtime_exposed(r, HR_CVE_2025_52881) != 0)
		put(e, "exec.labels", HR_AT_RISK,
		    "the runtime's write of the label to /proc/self/attr can be redirected "
		    "(CVE-2025-52881): hardrun refuses at launch what it can see of its "
		    "preconditions");
	else if (h->apparmor || h->selinux)
		put(e, "exec.labels", HR_ENFORCED, "%s%s%s active: an exec keeps the container's label",
		    h->apparmor ? "AppArmor" : "", h->apparmor && h->selinux ? " and " : "",
		    h->selinux ? "SELinux" : "");
	else
		put(e, "exec.labels", HR_NOT_APPLICABLE,
		    "neither AppArmor nor SELinux is active: there are no labels to keep");
}
