/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A profile as `docker run` flags and a compose fragment. Each setting is
 * what hardrun's control would leave in the spec of a container started
 * from an image that runs as root with Docker's defaults; the round trip
 * (tests/e2e/export-docker.sh) checks that plain runc started with these
 * flags shows what hardrun shows.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/export.h"

void hr_docker_export_done(struct hr_docker_export *x)
{
	if (!x)
		return;
	hr_strv_free(x->args);
	cJSON_Delete(x->compose);
	hr_strv_free(x->notes);
	*x = (struct hr_docker_export){ 0 };
}

/* Bytes as Docker writes sizes: 1g, 256m, 64k, or 1000b. */
static char *docker_size(int64_t b)
{
	static const struct {
		int shift;
		const char *unit;
	} units[] = { { 30, "g" }, { 20, "m" }, { 10, "k" } };
	for (size_t i = 0; i < HR_ARRAY_SIZE(units); i++) {
		int64_t u = INT64_C(1) << units[i].shift;
		if (b >= u && b % u == 0)
			return hr_xasprintf("%" PRId64 "%s", b / u, units[i].unit);
	}
	return hr_xasprintf("%" PRId64 "b", b);
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

/* The tmpfs options hardrun mounts with (the profile's plus nosuid and
 * nodev), and "exec" when they lack noexec: Docker adds noexec to a
 * --tmpfs unless told otherwise. */
static char *tmpfs_options(const char *opts)
{
	char *o = hr_xstrdup(opts ? opts : "");
	static const char *const always[] = { "nosuid", "nodev" };

	for (size_t i = 0; i < HR_ARRAY_SIZE(always); i++)
		if (!has_opt(o, always[i])) {
			char *n = hr_xasprintf("%s%s%s", o, *o ? "," : "", always[i]);
			free(o);
			o = n;
		}
	if (!has_opt(o, "noexec") && !has_opt(o, "exec")) {
		char *n = hr_xasprintf("%s,exec", o);
		free(o);
		o = n;
	}
	return o;
}

static cJSON *ulimit(int64_t v)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "soft", (double)v);
	cJSON_AddNumberToObject(o, "hard", (double)v);
	return o;
}

int hr_docker_export(const struct hr_profile *p, const char *seccomp_path, const char *service,
		     struct hr_docker_export *ret, hr_error *err)
{
	struct hr_docker_export x = { .compose = cJSON_CreateObject() };
	cJSON *svc, *arr, *ul;
	_cleanup_free_ char *mem = docker_size(p->resources.memory);

	if (!service || !*service || strspn(service, "abcdefghijklmnopqrstuvwxyz"
						      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
						 strlen(service)) {
		cJSON_Delete(x.compose);
		return hr_err(err, HR_E_INVALID, "--service `%s`: use letters, digits and ._- "
						 "(compose's service names)", service ? service : "");
	}
	if (!seccomp_path || !*seccomp_path || strchr(seccomp_path, '\n')) {
		cJSON_Delete(x.compose);
		return hr_err(err, HR_E_INVALID, "the seccomp file needs a path (fix: --seccomp-file FILE)");
	}
	svc = cJSON_AddObjectToObject(cJSON_AddObjectToObject(x.compose, "services"), service);

	if (!p->user.allow_root) {
		hr_strv_pushf(&x.args, "--user=%u:%u", p->user.uid, p->user.gid);
		_cleanup_free_ char *u = hr_xasprintf("%u:%u", p->user.uid, p->user.gid);
		cJSON_AddStringToObject(svc, "user", u);
	}
	if (p->rootfs.readonly) {
		hr_strv_pushf(&x.args, "--read-only");
		cJSON_AddBoolToObject(svc, "read_only", true);
		arr = NULL;
		for (size_t i = 0; p->rootfs.writable && p->rootfs.writable[i]; i++) {
			_cleanup_free_ char *o = tmpfs_options(p->rootfs.tmpfs_options);
			_cleanup_free_ char *t = hr_xasprintf("%s:%s", p->rootfs.writable[i], o);
			hr_strv_pushf(&x.args, "--tmpfs=%s", t);
			if (!arr)
				arr = cJSON_AddArrayToObject(svc, "tmpfs");
			cJSON_AddItemToArray(arr, cJSON_CreateString(t));
		}
	}
	hr_strv_pushf(&x.args, "--cap-drop=ALL");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(svc, "cap_drop"), cJSON_CreateString("ALL"));
	arr = NULL;
	for (int c = 0; c < 64; c++) {
		if (!(p->caps.allow & (UINT64_C(1) << c)))
			continue;
		_cleanup_free_ char *n = hr_cap_name(c);
		const char *k = n && strncmp(n, "CAP_", 4) == 0 ? n + 4 : n;
		if (!k)
			continue;
		hr_strv_pushf(&x.args, "--cap-add=%s", k);
		if (!arr)
			arr = cJSON_AddArrayToObject(svc, "cap_add");
		cJSON_AddItemToArray(arr, cJSON_CreateString(k));
	}
	hr_strv_pushf(&x.args, "--security-opt=no-new-privileges");
	hr_strv_pushf(&x.args, "--security-opt=seccomp=%s", seccomp_path);
	arr = cJSON_AddArrayToObject(svc, "security_opt");
	cJSON_AddItemToArray(arr, cJSON_CreateString("no-new-privileges:true"));
	{
		_cleanup_free_ char *s = hr_xasprintf("seccomp:%s", seccomp_path);
		cJSON_AddItemToArray(arr, cJSON_CreateString(s));
	}
	/* memory+swap equal to memory: no swap beyond the limit, as hardrun. */
	hr_strv_pushf(&x.args, "--memory=%s", mem);
	hr_strv_pushf(&x.args, "--memory-swap=%s", mem);
	cJSON_AddStringToObject(svc, "mem_limit", mem);
	cJSON_AddStringToObject(svc, "memswap_limit", mem);
	hr_strv_pushf(&x.args, "--pids-limit=%" PRId64, p->resources.pids);
	cJSON_AddNumberToObject(svc, "pids_limit", (double)p->resources.pids);
	hr_strv_pushf(&x.args, "--cpu-shares=%" PRId64, p->resources.cpu_shares);
	cJSON_AddNumberToObject(svc, "cpu_shares", (double)p->resources.cpu_shares);
	hr_strv_pushf(&x.args, "--ulimit=core=%" PRId64 ":%" PRId64, p->rlimits.core, p->rlimits.core);
	hr_strv_pushf(&x.args, "--ulimit=nofile=%" PRId64 ":%" PRId64, p->rlimits.nofile, p->rlimits.nofile);
	hr_strv_pushf(&x.args, "--ulimit=nproc=%" PRId64 ":%" PRId64, p->rlimits.nproc, p->rlimits.nproc);
	ul = cJSON_AddObjectToObject(svc, "ulimits");
	cJSON_AddItemToObject(ul, "core", ulimit(p->rlimits.core));
	cJSON_AddItemToObject(ul, "nofile", ulimit(p->rlimits.nofile));
	cJSON_AddItemToObject(ul, "nproc", ulimit(p->rlimits.nproc));

	hr_strv_pushf(&x.notes, "umask %04o: docker run has no umask flag; hardrun sets it at Run",
	     p->user.umask);
	if (!p->user.allow_root)
		hr_strv_pushf(&x.notes, "--user applies to every image; hardrun changes only root (an image "
			       "that runs as another user keeps it): drop --user for such an image");
	if (p->userns.enabled && !p->user.allow_root)
		hr_strv_pushf(&x.notes,
			      "user namespace: docker run has no user namespace per container (only "
			      "dockerd's one --userns-remap); hardrun gives each container its own, "
			      "where root is root inside%s and a stranger outside. These flags keep "
			      "root out with --user instead",
			      p->userns.allow_root ? " with a few capabilities" : "");
	if (p->caps.ambient && p->caps.allow && !p->user.allow_root)
		hr_strv_pushf(&x.notes, "ambient capabilities: Docker does not raise them, so a non-root "
			       "process loses the added capabilities at execve unless its file has "
			       "them; hardrun makes them ambient");
	hr_strv_pushf(&x.notes, "masked and read-only paths, devices, sysctls and bind mounts: Docker's "
		       "defaults apply (docker run cannot add masked paths, and does not refuse "
		       "a bind of a sensitive host path); hardrun enforces the profile's at Run");
	*ret = x;
	return 0;
}
