/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fnmatch.h>
#include <string.h>
#include <sys/stat.h>

#include "fake_env.h"
#include "hardrun/hrconfig.h"

struct fact {
	struct fact *next;
	enum hr_path_use use;
	char *asked;
	struct hr_path_facts f;
	char *path, *real, *socket;
};

/* Kept for the life of the process, as a host env keeps them. */
static struct fact *facts;

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void fill(struct fact *e)
{
	struct hr_path_facts *f = &e->f;
	const char *p = e->asked;

	if (p[0] != '/' && e->use == HR_PATH_ROOT) {
		char *j = hr_xasprintf("/bundle/%s", p);
		e->path = hr_path_normalize(j);
		free(j);
	} else {
		e->path = hr_xstrdup(p);
	}
	f->path = e->path;
	if (e->path[0] != '/') {
		f->err = e->use == HR_PATH_BIND ? ENOENT : EINVAL;
		return;
	}
	e->real = hr_path_normalize(e->path);
	f->real = e->real;
	f->mode = S_IFDIR | 0755;
	f->dirs_trusted = true;
	switch (e->use) {
	case HR_PATH_BIND:
		if (ends_with(e->real, ".sock")) {
			f->mode = S_IFSOCK | 0660;
			e->socket = hr_xstrdup(e->real);
		} else if (ends_with(e->real, "/sockets")) {
			e->socket = hr_xasprintf("%s/api.sock", e->real);
		}
		f->socket = e->socket;
		break;
	case HR_PATH_ROOT:
		break;
	case HR_PATH_DEVICE:
		if (strncmp(e->real, "/dev/", 5) == 0)
			f->mode = S_IFBLK | 0660;
		else if (ends_with(e->real, ".img"))
			f->mode = S_IFREG | 0644;
		else
			f->err = ENOENT;
		break;
	case HR_PATH_EXEC:
		f->mode = S_IFREG | 0755;
		if (fnmatch("/proc/[1-9]*/exe", e->real, FNM_PATHNAME) == 0) {
			free(e->real);
			e->real = hr_xstrdup("/usr/sbin/dockerd");
			f->real = e->real;
			f->root_process = true;
		} else if (strncmp(e->real, "/tmp/", 5) == 0) {
			f->uid = 1000;
			f->dirs_trusted = false;
			f->untrusted_dir = "/tmp";
		}
		break;
	case HR_PATH_NS:
		f->mode = S_IFREG | 0444;
		f->dev = 4;
		if (strncmp(e->real, "/proc/1/", 8) == 0 ||
		    strcmp(e->real, "/run/docker/netns/default") == 0) {
			f->ino = 1;
		} else {
			f->ino = 100;
			for (const char *q = e->real; *q; q++)
				f->ino = f->ino * 31 + (unsigned char)*q;
		}
		break;
	case HR_PATH_SOCKET:
		if (strncmp(e->real, "/run/", 5) == 0 && ends_with(e->real, ".sock"))
			f->mode = S_IFSOCK | 0660;
		else
			f->err = ENOENT;
		break;
	}
}

static const struct hr_path_facts *fake_facts(void *ud, const char *path, enum hr_path_use use)
{
	struct fact *e;

	(void)ud;
	for (e = facts; e; e = e->next)
		if (e->use == use && strcmp(e->asked, path) == 0)
			return &e->f;
	e = hr_xcalloc(1, sizeof *e);
	e->use = use;
	e->asked = hr_xstrdup(path);
	fill(e);
	e->next = facts;
	facts = e;
	return &e->f;
}

static int fake_cgroup_in_use(void *ud, const char *path, char **ret_why)
{
	(void)ud;
	if (strcmp(path, "/") == 0 || strncmp(path, "/busy", 5) == 0) {
		*ret_why = hr_xstrdup("it holds processes");
		return 1;
	}
	return 0;
}

static char hook_pattern[] = "/usr/libexec/oci/hooks.d/*";
static char listener[] = "/run/seccomp-agent.sock";
static char *const trusted_hooks[] = { hook_pattern, NULL };
static char *const trusted_listeners[] = { listener, NULL };

/* Every namespace a spec joins belongs to the host's user namespace, as a
 * node's do (CNI's network namespace, a sandbox of the host's ids). */
static int fake_ns_owner_userns(void *ud, const char *path, char **ret)
{
	(void)ud;
	(void)path;
	(void)ret;
	return 0;
}

const struct hr_env hrt_fake_env = {
	.path_facts = fake_facts,
	.ns_owner_userns = fake_ns_owner_userns,
	.host_ns = { [0 ... HR_NS__MAX - 1] = { true, 4, 1 } },
	.cgroup_in_use = fake_cgroup_in_use,
	.mode = HR_ENV_CHECK,
	.bundle_path = "/bundle",
	.root_locations = (char *const *)hr_config_default_root_locations,
	.trusted_hooks = trusted_hooks,
	.trusted_listeners = trusted_listeners,
	.min_host_id = HR_CONFIG_DEFAULT_MIN_HOST_ID,
	.swap_accounting = 1,
};
