/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/
 * pod-security-standards), baseline and restricted, as of Kubernetes
 * 1.32, judged on a pod spec. The lists of allowed values below are the
 * standard's own (data, not a capability or sysctl table of hardrun's:
 * the standard names them so). Controls for Windows pods that a Linux
 * runtime never sees (hostProcess) are judged too, since a manifest may
 * set them.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "hardrun/k8s.h"
#include "hardrun/manifest.h"

const char *hr_pss_level_name(enum hr_pss_level l)
{
	switch (l) {
	case HR_PSS_RESTRICTED:
		return "restricted";
	case HR_PSS_BASELINE:
		return "baseline";
	default:
		return "privileged";
	}
}

void hr_pss_result_done(struct hr_pss_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].pointer);
		free(r->v[i].detail);
	}
	free(r->v);
	*r = (struct hr_pss_result){ 0 };
}

void hr_pss_add(struct hr_pss_result *r, enum hr_pss_level level, const char *control,
		const char *pointer, const char *fmt, ...)
{
	va_list ap;
	char *detail;

	va_start(ap, fmt);
	if (vasprintf(&detail, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->v = hr_xrealloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[r->n++] = (struct hr_pss_violation){ level, control, hr_xstrdup(pointer), detail };
}

enum hr_pss_level hr_pss_level_of(const struct hr_pss_result *r)
{
	enum hr_pss_level l = HR_PSS_RESTRICTED;

	for (size_t i = 0; i < r->n; i++) {
		/* A failed baseline control leaves privileged; a failed
		 * restricted one leaves baseline at most. */
		enum hr_pss_level below = r->v[i].level == HR_PSS_BASELINE ? HR_PSS_PRIVILEGED
									    : HR_PSS_BASELINE;
		if (below < l)
			l = below;
	}
	return l;
}

static bool in(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

#define B HR_PSS_BASELINE
#define R HR_PSS_RESTRICTED

/* Capabilities baseline allows a container to add. */
static const char *const baseline_caps[] = { "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
					     "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
					     "SETFCAP", "SETGID", "SETPCAP", "SETUID",
					     "SYS_CHROOT", NULL };
/* The "safe" sysctls (1.27: ip_local_reserved_ports; 1.29: the tcp
 * keepalive and fin_timeout ones; 1.32: tcp_rmem and tcp_wmem). */
static const char *const safe_sysctls[] = {
	"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", NULL
};
static const char *const selinux_types[] = { "", "container_t", "container_init_t",
					     "container_kvm_t", "container_engine_t", NULL };
/* Volume sources restricted allows. */
static const char *const restricted_volumes[] = { "configMap", "csi", "downwardAPI",
						  "emptyDir", "ephemeral",
						  "persistentVolumeClaim", "projected", "secret",
						  NULL };

bool hr_pss_sysctl_safe(const char *name)
{
	return in(name, safe_sysctls);
}

/* Checks common to the pod's and each container's securityContext. */
static void check_context(const cJSON *sc, const char *ptr, struct hr_pss_result *r)
{
	const cJSON *se = m_get(sc, "seLinuxOptions");
	const char *t;
	_cleanup_free_ char *p_hp = hr_xasprintf("%s/windowsOptions/hostProcess", ptr);
	_cleanup_free_ char *p_se = hr_xasprintf("%s/seLinuxOptions", ptr);
	_cleanup_free_ char *p_sc = hr_xasprintf("%s/seccompProfile/type", ptr);
	_cleanup_free_ char *p_aa = hr_xasprintf("%s/appArmorProfile/type", ptr);
	_cleanup_free_ char *p_u = hr_xasprintf("%s/runAsUser", ptr);

	if (m_true(m_get(sc, "windowsOptions"), "hostProcess"))
		hr_pss_add(r, B, "HostProcess", p_hp, "hostProcess is true");
	if (se) {
		t = m_str(se, "type");
		if (!in(t ? t : "", selinux_types))
			hr_pss_add(r, B, "SELinux", p_se, "seLinuxOptions.type `%s` is not one of "
							   "container_t, container_init_t, "
							   "container_kvm_t, container_engine_t", t);
		if ((t = m_str(se, "user")) && *t)
			hr_pss_add(r, B, "SELinux", p_se, "seLinuxOptions.user is set");
		if ((t = m_str(se, "role")) && *t)
			hr_pss_add(r, B, "SELinux", p_se, "seLinuxOptions.role is set");
	}
	t = m_str(m_get(sc, "seccompProfile"), "type");
	if (t && strcmp(t, "Unconfined") == 0)
		hr_pss_add(r, B, "Seccomp", p_sc, "seccompProfile.type is Unconfined");
	t = m_str(m_get(sc, "appArmorProfile"), "type");
	if (t && strcmp(t, "Unconfined") == 0)
		hr_pss_add(r, B, "AppArmor", p_aa, "appArmorProfile.type is Unconfined");
	{
		const cJSON *u = m_get(sc, "runAsUser");
		if (cJSON_IsNumber(u) && u->valuedouble == 0)
			hr_pss_add(r, R, "Running as Non-root user", p_u, "runAsUser is 0");
	}
}

static void check_container(const cJSON *c, const char *ptr, const cJSON *pod_sc,
			    struct hr_pss_result *r)
{
	const cJSON *sc = m_get(c, "securityContext");
	const cJSON *caps = m_get(sc, "capabilities"), *v;
	const char *name = m_str(c, "name") ? m_str(c, "name") : "?";
	_cleanup_free_ char *p_sc = hr_xasprintf("%s/securityContext", ptr);
	size_t i = 0;

	check_context(sc, p_sc, r);
	if (m_true(sc, "privileged")) {
		_cleanup_free_ char *p = hr_xasprintf("%s/privileged", p_sc);
		hr_pss_add(r, B, "Privileged Containers", p, "container `%s` is privileged", name);
	}
	i = 0;
	for (v = m_first(caps, "add"); v; v = v->next, i++) {
		const char *cap = cJSON_IsString(v) ? v->valuestring : "?";
		_cleanup_free_ char *p = hr_xasprintf("%s/capabilities/add/%zu", p_sc, i);
		if (!in(cap, baseline_caps))
			hr_pss_add(r, B, "Capabilities", p, "container `%s` adds %s", name, cap);
		else if (strcmp(cap, "NET_BIND_SERVICE") != 0)
			hr_pss_add(r, R, "Capabilities", p,
				   "container `%s` adds %s (restricted allows NET_BIND_SERVICE only)",
				   name, cap);
	}
	{
		bool drops_all = false;
		for (v = m_first(caps, "drop"); v; v = v->next)
			drops_all |= cJSON_IsString(v) && strcmp(v->valuestring, "ALL") == 0;
		if (!drops_all) {
			_cleanup_free_ char *p = hr_xasprintf("%s/capabilities/drop", p_sc);
			hr_pss_add(r, R, "Capabilities", p, "container `%s` does not drop ALL", name);
		}
	}
	i = 0;
	for (v = m_first(c, "ports"); v; v = v->next, i++) {
		const cJSON *hp = m_get(v, "hostPort");
		if (cJSON_IsNumber(hp) && hp->valuedouble != 0) {
			_cleanup_free_ char *p = hr_xasprintf("%s/ports/%zu/hostPort", ptr, i);
			hr_pss_add(r, B, "Host Ports", p, "container `%s` uses host port %g", name,
				   hp->valuedouble);
		}
	}
	{
		const char *pm = m_str(sc, "procMount");
		if (pm && strcmp(pm, "Default") != 0) {
			_cleanup_free_ char *p = hr_xasprintf("%s/procMount", p_sc);
			hr_pss_add(r, B, "/proc Mount Type", p, "container `%s` has procMount %s", name,
				   pm);
		}
	}
	if (!cJSON_IsFalse(m_get(sc, "allowPrivilegeEscalation"))) {
		_cleanup_free_ char *p = hr_xasprintf("%s/allowPrivilegeEscalation", p_sc);
		hr_pss_add(r, R, "Privilege Escalation", p,
			   "container `%s` does not set allowPrivilegeEscalation to false", name);
	}
	/* Effective values: the container's, else the pod's. */
	{
		const cJSON *nr = m_get(sc, "runAsNonRoot");
		if (!nr)
			nr = m_get(pod_sc, "runAsNonRoot");
		if (!cJSON_IsTrue(nr)) {
			_cleanup_free_ char *p = hr_xasprintf("%s/runAsNonRoot", p_sc);
			hr_pss_add(r, R, "Running as Non-root", p,
				   "container `%s` does not set runAsNonRoot to true (nor its pod)",
				   name);
		}
	}
	{
		const char *t = m_str(m_get(sc, "seccompProfile"), "type");
		if (!t)
			t = m_str(m_get(pod_sc, "seccompProfile"), "type");
		if (!t || (strcmp(t, "RuntimeDefault") != 0 && strcmp(t, "Localhost") != 0)) {
			_cleanup_free_ char *p = hr_xasprintf("%s/seccompProfile/type", p_sc);
			hr_pss_add(r, R, "Seccomp", p,
				   "container `%s` has no RuntimeDefault or Localhost seccomp "
				   "profile (nor its pod)",
				   name);
		}
	}
}

enum hr_pss_level hr_pss_check_pod(const cJSON *meta, const cJSON *spec, const char *base_meta,
				   const char *base_spec, struct hr_pss_result *r)
{
	static const char *const host_ns[] = { "hostNetwork", "hostPID", "hostIPC" };
	const cJSON *sc = m_get(spec, "securityContext"), *v;
	_cleanup_free_ char *p_sc = hr_xasprintf("%s/securityContext", base_spec);
	struct hr_pss_result mine = { 0 };
	size_t i;

	for (i = 0; i < HR_ARRAY_SIZE(host_ns); i++)
		if (m_true(spec, host_ns[i])) {
			_cleanup_free_ char *p = hr_xasprintf("%s/%s", base_spec, host_ns[i]);
			hr_pss_add(&mine, B, "Host Namespaces", p, "%s is true", host_ns[i]);
		}
	check_context(sc, p_sc, &mine);
	i = 0;
	for (v = m_first(sc, "sysctls"); v; v = v->next, i++) {
		const char *n = m_str(v, "name");
		if (!in(n, safe_sysctls)) {
			_cleanup_free_ char *p = hr_xasprintf("%s/sysctls/%zu/name", p_sc, i);
			hr_pss_add(&mine, B, "Sysctls", p, "sysctl %s is not one of the safe set",
				   n ? n : "?");
		}
	}
	i = 0;
	for (v = m_first(spec, "volumes"); v; v = v->next, i++) {
		const char *src = NULL;
		_cleanup_free_ char *p = NULL;
		for (const cJSON *k = v->child; k; k = k->next)
			if (strcmp(k->string, "name") != 0)
				src = k->string;
		p = hr_xasprintf("%s/volumes/%zu%s%s", base_spec, i, src ? "/" : "", src ? src : "");
		if (src && strcmp(src, "hostPath") == 0)
			hr_pss_add(&mine, B, "HostPath Volumes", p, "volume `%s` is a hostPath",
				   m_str(v, "name") ? m_str(v, "name") : "?");
		else if (!in(src, restricted_volumes))
			hr_pss_add(&mine, R, "Volume Types", p, "volume `%s` is of type %s",
				   m_str(v, "name") ? m_str(v, "name") : "?", src ? src : "unknown");
	}
	for (v = m_first(meta, "annotations"); v; v = v->next) {
		static const char prefix[] = "container.apparmor.security.beta.kubernetes.io/";
		if (strncmp(v->string, prefix, sizeof prefix - 1) != 0 || !cJSON_IsString(v))
			continue;
		if (strcmp(v->valuestring, "runtime/default") != 0 &&
		    strncmp(v->valuestring, "localhost/", 10) != 0) {
			_cleanup_free_ char *p = hr_json_ptr(base_meta, "annotations");
			_cleanup_free_ char *pa = hr_json_ptr(p, v->string);
			hr_pss_add(&mine, B, "AppArmor", pa, "AppArmor profile `%s`", v->valuestring);
		}
	}
	for (size_t l = 0; l < HR_ARRAY_SIZE(m_container_lists); l++) {
		const cJSON *list = m_get(spec, m_container_lists[l]);
		i = 0;
		for (v = cJSON_IsArray(list) ? list->child : NULL; v; v = v->next, i++) {
			_cleanup_free_ char *p = hr_xasprintf("%s/%s/%zu", base_spec,
							      m_container_lists[l], i);
			check_container(v, p, sc, &mine);
		}
	}
	for (i = 0; i < mine.n; i++) {
		hr_pss_add(r, mine.v[i].level, mine.v[i].control, mine.v[i].pointer, "%s",
			   mine.v[i].detail);
	}
	{
		enum hr_pss_level l = hr_pss_level_of(&mine);
		hr_pss_result_done(&mine);
		return l;
	}
}
