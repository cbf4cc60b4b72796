/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/host.h"

static char *resolve_source(void *ud, const char *source)
{
	const struct hr_host_env *h = ud;
	_cleanup_free_ char *joined = NULL;

	if (source[0] != '/') {
		if (!h->bundle || !h->bundle->path)
			return NULL;
		joined = hr_xasprintf("%s/%s", h->bundle->path, source);
		source = joined;
	}
	return realpath(source, NULL);
}

static const char *proc_ns_name(enum hr_ns_type t)
{
	switch (t) {
	case HR_NS_NETWORK:
		return "net";
	case HR_NS_MOUNT:
		return "mnt";
	default:
		return hr_ns_name(t);
	}
}

/* "Host" is the namespace hardrun itself runs in: the one a container
 * would share if the spec left the type out. */
static int ns_is_host(void *ud, enum hr_ns_type type, const char *path)
{
	struct stat a, b;
	char self[64];

	(void)ud;
	snprintf(self, sizeof self, "/proc/self/ns/%s", proc_ns_name(type));
	if (stat(path, &a) < 0 || stat(self, &b) < 0)
		return -1;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int hr_host_swap_accounting(void)
{
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
		return access("/sys/fs/cgroup/init.scope/memory.swap.max", F_OK) == 0 ||
				       access("/sys/fs/cgroup/system.slice/memory.swap.max", F_OK) == 0
			       ? 1
			       : -1;
	return access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0 ? 1 : 0;
}

void hr_host_env_init(struct hr_host_env *h, const struct hr_bundle *b)
{
	h->bundle = b;
	h->env = (struct hr_env){
		.resolve_source = resolve_source,
		.ns_is_host = ns_is_host,
		.swap_accounting = hr_host_swap_accounting(),
		.own_rlimits_known = true,
		.ud = h,
	};
	/* The runtime is this process after exec, or its child: its limits
	 * are ours. */
	for (int i = 0; i < (int)HR_ARRAY_SIZE(h->env.own_hard_rlimits); i++) {
		struct rlimit rl;
		h->env.own_hard_rlimits[i] =
			i < RLIM_NLIMITS && getrlimit(i, &rl) == 0 ? (unsigned long long)rl.rlim_max
								  : (unsigned long long)RLIM_INFINITY;
	}
}

/* hardrun may be installed under the runtime's name, or found first in
 * PATH: never pick itself, which would exec itself forever. */
static bool is_self(const char *path)
{
	struct stat a, b;
	return stat(path, &a) == 0 && stat("/proc/self/exe", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int hr_runtime_find(const char *name_or_path, char **ret, hr_error *err)
{
	static const char *const defaults[] = { "runc", "crun" };
	const char *path_env = secure_getenv("PATH");
	_cleanup_free_ char *path = hr_xstrdup(path_env && *path_env ? path_env
						  : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

	if (name_or_path && strchr(name_or_path, '/')) {
		if (access(name_or_path, X_OK) < 0)
			return hr_err(err, -errno, "runtime %s: %s (fix: give the path of runc or "
						   "crun, or install one)",
				      name_or_path, strerror(errno));
		if (is_self(name_or_path))
			return hr_err(err, -EINVAL,
				      "runtime %s: is hardrun itself (fix: give the path of the "
				      "real runc or crun)",
				      name_or_path);
		*ret = realpath(name_or_path, NULL);
		if (!*ret)
			*ret = hr_xstrdup(name_or_path);
		return 0;
	}
	for (size_t k = 0; k < (name_or_path ? 1 : HR_ARRAY_SIZE(defaults)); k++) {
		const char *want = name_or_path ? name_or_path : defaults[k];
		char *save = NULL;
		_cleanup_free_ char *copy = hr_xstrdup(path);

		for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			_cleanup_free_ char *cand = NULL;
			if (dir[0] != '/')
				continue; /* never a relative PATH entry */
			cand = hr_xasprintf("%s/%s", dir, want);
			if (access(cand, X_OK) == 0 && !is_self(cand)) {
				*ret = HR_TAKE_PTR(cand);
				return 0;
			}
		}
	}
	return hr_err(err, -ENOENT,
		      "no runtime found: %s is not in PATH (fix: apt-get install runc, or "
		      "pass --runtime PATH)",
		      name_or_path ? name_or_path : "neither runc nor crun");
}
