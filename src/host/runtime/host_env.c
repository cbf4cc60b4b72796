/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the policy core learns about this host. Every host path a spec
 * names (bind sources, root.path, paths in mount options, hook
 * executables, namespaces to join, seccomp listeners) is pinned once
 * (pin.h: opened as the runtime would reach it) and its facts are taken
 * from that object and kept with it here: what was judged is exactly what
 * was opened, and what the pipeline hands the runtime.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/host.h"
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"

struct hr_host_path {
	struct hr_host_path *next;
	enum hr_path_use use;
	char *asked;		  /* the path as the spec wrote it */
	const struct hr_pin *pin; /* the object judged, opened once (pin.h) */
	struct hr_path_facts facts;
	char *path, *untrusted_dir, *socket; /* owned strings of facts */
};

/* /proc/PID/exe: the PID, or 0 if `path` is not of that form. */
static long proc_exe_pid(const char *path)
{
	char *end;
	long pid;

	if (strncmp(path, "/proc/", 6) != 0 || path[6] < '1' || path[6] > '9')
		return 0;
	pid = strtol(path + 6, &end, 10);
	return strcmp(end, "/exe") == 0 && pid > 0 ? pid : 0;
}

/* Whether every uid and gid of process `pid` is 0. */
static bool runs_as_root(long pid)
{
	char status[64], line[256];
	bool uid = false, gid = false;
	FILE *f;

	snprintf(status, sizeof status, "/proc/%ld/status", pid);
	f = fopen(status, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b, c, d;
		if (sscanf(line, "Uid: %lu %lu %lu %lu", &a, &b, &c, &d) == 4)
			uid = !a && !b && !c && !d;
		else if (sscanf(line, "Gid: %lu %lu %lu %lu", &a, &b, &c, &d) == 4)
			gid = !a && !b && !c && !d;
	}
	fclose(f);
	return uid && gid;
}

bool hr_host_dirs_trusted(const char *real, char **ret_dir)
{
	_cleanup_free_ char *buf = hr_xstrdup(real);
	struct stat dir, entry;
	char *slash;

	*ret_dir = NULL;
	if (real[0] != '/' || lstat("/", &dir) < 0)
		goto untrusted_root;
	/* Each directory, with the entry below it. */
	for (char *p = buf + 1; *p; p = slash + 1) {
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		if (lstat(buf, &entry) < 0) {
			*ret_dir = hr_xstrdup(buf);
			return false;
		}
		if (dir.st_uid != 0 ||
		    ((dir.st_mode & (S_IWGRP | S_IWOTH)) &&
		     (!(dir.st_mode & S_ISVTX) || entry.st_uid != 0))) {
			char *end = strrchr(buf, '/');
			*ret_dir = end == buf ? hr_xstrdup("/") : hr_xstrdup(buf);
			if (end != buf)
				(*ret_dir)[end - buf] = '\0';
			return false;
		}
		if (!slash)
			break;
		if (!S_ISDIR(entry.st_mode)) {
			*ret_dir = hr_xstrdup(buf);
			return false;
		}
		*slash = '/';
		dir = entry;
	}
	return true;
untrusted_root:
	*ret_dir = hr_xstrdup("/");
	return false;
}

struct scan {
	size_t entries;
	bool incomplete;
	char *found;
};

/* The first unix socket owned by root in directory `fd` (named `at`) or
 * below it, within the bounds; symbolic links are not followed. */
static void scan_sockets(int fd, const char *at, unsigned depth, struct scan *s)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		s->incomplete |= errno != ENOENT; /* unreadable: cannot be told */
		return;
	}
	while (!s->found && (de = readdir(d))) {
		struct stat st;
		unsigned char t = de->d_type;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++s->entries > HR_SOCKET_SCAN_ENTRIES) {
			s->incomplete = true;
			break;
		}
		if (t != DT_SOCK && t != DT_DIR && t != DT_UNKNOWN)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISSOCK(st.st_mode) && st.st_uid == 0) {
			s->found = hr_xasprintf("%s/%s", strcmp(at, "/") ? at : "", de->d_name);
		} else if (S_ISDIR(st.st_mode)) {
			int sub;
			if (depth + 1 >= HR_SOCKET_SCAN_DEPTH) {
				s->incomplete = true;
				continue;
			}
			sub = openat(dirfd(d), de->d_name,
				     O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0) {
				_cleanup_free_ char *name =
					hr_xasprintf("%s/%s", strcmp(at, "/") ? at : "", de->d_name);
				scan_sockets(sub, name, depth + 1, s);
				close(sub);
			}
		}
	}
	closedir(d);
}

static void fill(struct hr_host_env *h, struct hr_host_path *e)
{
	struct hr_path_facts *f = &e->facts;
	const char *asked = e->asked;
	const struct hr_pin *pin;
	bool magic = false;
	long pid = 0;
	int r;

	/* As runc names it: relative to the bundle, else as written. */
	if (asked[0] == '/') {
		e->path = hr_xstrdup(asked);
	} else if ((e->use == HR_PATH_BIND || e->use == HR_PATH_ROOT) && h->bundle &&
		   h->bundle->path) {
		_cleanup_free_ char *j = hr_xasprintf("%s/%s", h->bundle->path, asked);
		e->path = hr_path_normalize(j);
	} else {
		e->path = hr_xstrdup(asked);
		f->path = e->path;
		f->err = EINVAL;
		return;
	}
	f->path = e->path;
	if (e->use == HR_PATH_EXEC)
		magic = (pid = proc_exe_pid(asked)) > 0;
	else if (e->use == HR_PATH_NS)
		magic = true; /* /proc/PID/ns/net is what it means */
	r = magic ? hr_pins_get_magic(h->pins, asked, &pin, NULL)
		  : hr_pins_get(h->pins, asked, &pin, NULL);
	if (r < 0) {
		f->err = -r;
		return;
	}
	e->pin = pin;
	f->real = pin->real;
	f->mode = pin->st.st_mode;
	f->uid = pin->st.st_uid;
	f->gid = pin->st.st_gid;
	f->dev = pin->st.st_dev;
	f->ino = pin->st.st_ino;
	f->rdev = pin->st.st_rdev;
	if (e->use == HR_PATH_EXEC || e->use == HR_PATH_SOCKET) {
		f->dirs_trusted = hr_host_dirs_trusted(pin->real, &e->untrusted_dir);
		f->untrusted_dir = e->untrusted_dir;
	}
	/* Not hardrun's own pid: the runtime it becomes runs the hooks. */
	if (pid > 0 && pid != (long)getpid())
		f->root_process = runs_as_root(pid);
	if (e->use == HR_PATH_BIND) {
		if (S_ISSOCK(pin->st.st_mode) && pin->st.st_uid == 0) {
			e->socket = hr_xstrdup(pin->real);
		} else if (S_ISDIR(pin->st.st_mode)) {
			struct scan sc = { 0 };
			scan_sockets(pin->fd, pin->real, 0, &sc);
			e->socket = sc.found;
			f->scan_incomplete = sc.incomplete && !sc.found;
		}
		f->socket = e->socket;
	}
}

static const struct hr_path_facts *path_facts(void *ud, const char *path, enum hr_path_use use)
{
	struct hr_host_env *h = ud;
	struct hr_host_path *e;

	for (e = h->paths; e; e = e->next)
		if (e->use == use && strcmp(e->asked, path) == 0)
			return &e->facts;
	e = hr_xcalloc(1, sizeof *e);
	e->use = use;
	e->asked = hr_xstrdup(path);
	fill(h, e);
	e->next = h->paths;
	h->paths = e;
	return &e->facts;
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

/* --- cgroups --------------------------------------------------------------- */

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_WALK_MAX 4096

/* Whether the cgroup directory `dir` or one below it holds a process. */
static bool populated(const char *dir, size_t *budget)
{
	_cleanup_free_ char *events = hr_xasprintf("%s/cgroup.events", dir);
	_cleanup_free_ char *procs = hr_xasprintf("%s/cgroup.procs", dir);
	char buf[256];
	FILE *f;
	DIR *d;
	struct dirent *de;
	bool any = false;

	/* cgroup v2 says so for the whole subtree. */
	if ((f = fopen(events, "re"))) {
		while (fgets(buf, sizeof buf, f))
			any |= strcmp(buf, "populated 1\n") == 0;
		fclose(f);
		return any;
	}
	if ((f = fopen(procs, "re"))) {
		any = fgets(buf, sizeof buf, f) != NULL;
		fclose(f);
	}
	if (any)
		return true;
	if (!(d = opendir(dir)))
		return false;
	while (!any && (de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((*budget)-- == 0) {
			any = true; /* too many to look at: assume the worst */
			break;
		}
		sub = hr_xasprintf("%s/%s", dir, de->d_name);
		any = populated(sub, budget);
	}
	closedir(d);
	return any;
}

/* The path within each hierarchy that runc's systemd driver uses for
 * "slice:prefix:name": the slice expanded (a-b.slice is
 * a.slice/a-b.slice) and the unit prefix-name.scope below it. */
static char *systemd_path(const char *spec)
{
	_cleanup_free_ char *copy = hr_xstrdup(spec);
	char *prefix = strchr(copy, ':'), *name = prefix ? strchr(prefix + 1, ':') : NULL;
	_cleanup_free_ char *slices = hr_xstrdup("");
	const char *slice;

	if (!prefix || !name)
		return NULL;
	*prefix++ = '\0';
	*name++ = '\0';
	slice = copy[0] ? copy : "system.slice";
	if (strcmp(slice, "-.slice") != 0) {
		size_t n = strlen(slice);
		if (n < 7 || strcmp(slice + n - 6, ".slice") != 0)
			return NULL;
		for (size_t i = 0; i + 6 <= n; i++) {
			if (slice[i] != '-' && i + 6 != n)
				continue;
			char *next = hr_xasprintf("%s/%.*s.slice", slices, (int)i, slice);
			free(slices);
			slices = next;
		}
	}
	return hr_xasprintf("%s/%s%s%s.scope", slices, prefix, prefix[0] ? "-" : "", name);
}

/* The cgroup of this process in the hierarchy mounted at
 * /sys/fs/cgroup/`dir` (from /proc/self/cgroup), against which runc
 * places a relative cgroupsPath; "/" if it cannot be told. */
static char *own_cgroup(const char *dir)
{
	char line[1024];
	char *found = NULL;
	FILE *f = fopen("/proc/self/cgroup", "re");

	while (f && !found && fgets(line, sizeof line, f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		c2[1 + strcspn(c2 + 1, "\n")] = '\0';
		/* "4:cpu,cpuacct:/x", "1:name=systemd:/x", "0::/x" (v2) */
		if (strcmp(c1 + 1, dir) == 0 ||
		    (strncmp(c1 + 1, "name=", 5) == 0 && strcmp(c1 + 6, dir) == 0) ||
		    (!c1[1] && (strcmp(dir, "unified") == 0 || !dir[0])))
			found = hr_xstrdup(c2 + 1);
	}
	if (f)
		fclose(f);
	return found ? found : hr_xstrdup("/");
}

/* CGROUP_ROOT/`hierarchy`/`want` (relative to our own cgroup there when
 * not absolute), if it or a cgroup below it holds a process. */
static char *busy_cgroup(const char *hierarchy, const char *want, size_t *budget)
{
	_cleanup_free_ char *base = want[0] == '/' ? hr_xstrdup("") : own_cgroup(hierarchy);
	_cleanup_free_ char *full = hr_xasprintf("%s/%s", base, want);
	_cleanup_free_ char *dir = hr_path_normalize(full);
	char *path = hr_xasprintf(CGROUP_ROOT "%s%s%s", hierarchy[0] ? "/" : "", hierarchy,
				  strcmp(dir, "/") ? dir : "");

	if (populated(path, budget))
		return path;
	free(path);
	return NULL;
}

static int cgroup_in_use(void *ud, const char *cgroups_path, char **ret_why)
{
	_cleanup_free_ char *rel = strchr(cgroups_path, ':') ? systemd_path(cgroups_path) : NULL;
	const char *want = rel ? rel : cgroups_path;
	size_t budget = CGROUP_WALK_MAX;
	struct stat st;
	DIR *d;
	struct dirent *de;
	int used = 0;

	(void)ud;
	if (strchr(cgroups_path, ':') && !rel) {
		*ret_why = hr_xasprintf("`%s` is not a systemd slice:prefix:name", cgroups_path);
		return 1;
	}
	/* cgroup v2 at the root: one hierarchy. */
	if (stat(CGROUP_ROOT "/cgroup.controllers", &st) == 0) {
		char *busy = busy_cgroup("", want, &budget);
		if (busy)
			*ret_why = hr_xasprintf("%s holds processes", busy);
		free(busy);
		return busy ? 1 : 0;
	}
	/* cgroup v1: every hierarchy below /sys/fs/cgroup. */
	if (!(d = opendir(CGROUP_ROOT)))
		return errno == ENOENT ? 0 : -errno;
	while (!used && (de = readdir(d))) {
		_cleanup_free_ char *root = NULL, *procs = NULL, *busy = NULL;
		if (de->d_name[0] == '.')
			continue;
		root = hr_xasprintf(CGROUP_ROOT "/%s", de->d_name);
		procs = hr_xasprintf("%s/cgroup.procs", root);
		/* a hierarchy, not a link such as cpu -> cpu,cpuacct */
		if (lstat(root, &st) < 0 || !S_ISDIR(st.st_mode) || access(procs, F_OK) < 0)
			continue;
		if ((busy = busy_cgroup(de->d_name, want, &budget))) {
			*ret_why = hr_xasprintf("%s holds processes", busy);
			used = 1;
		}
	}
	closedir(d);
	return used;
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

/* --- user namespaces ------------------------------------------------------ */

static int userns_range(void *ud, uint32_t *ret_host, uint32_t *ret_size, char **ret_why)
{
	struct hr_host_env *h = ud;
	hr_error err = { 0 };
	int r;

	if (h->range_taken) {
		*ret_host = h->range.host;
		*ret_size = h->range.size;
		return 0;
	}
	r = hr_idrange_take(h->state, h->pool, h->owner, &h->range, &err);
	if (r < 0) {
		*ret_why = hr_xstrdup(err.msg);
		return r;
	}
	h->range_taken = true;
	*ret_host = h->range.host;
	*ret_size = h->range.size;
	return 0;
}

/* The user namespace owning the namespace at `path`: compared with ours,
 * and named as /proc/PID/ns/user when `path` is /proc/PID/ns/TYPE. */
static int ns_owner_userns(void *ud, const char *path, char **ret_path)
{
	struct hr_host_env *h = ud;
	const struct hr_path_facts *f = path_facts(h, path, HR_PATH_NS), *uf;
	_cleanup_close_ int fd = -1, owner = -1;
	struct stat self, st;
	char via[64];
	long pid;
	int n = 0;

	if (!f || f->err || stat("/proc/self/ns/user", &self) < 0)
		return -1;
	/* The pinned object, never the path again. */
	for (struct hr_host_path *e = h->paths; e; e = e->next)
		if (e->use == HR_PATH_NS && &e->facts == f && e->pin) {
			snprintf(via, sizeof via, "/proc/self/fd/%d", e->pin->fd);
			fd = open(via, O_RDONLY | O_CLOEXEC);
		}
	if (fd < 0 || (owner = ioctl(fd, NS_GET_USERNS)) < 0 || fstat(owner, &st) < 0)
		return -1;
	if (st.st_dev == self.st_dev && st.st_ino == self.st_ino)
		return 0;
	if (sscanf(path, "/proc/%ld/ns/%*[a-z_]%n", &pid, &n) != 1 || (size_t)n != strlen(path) ||
	    pid <= 0)
		return -1;
	_cleanup_free_ char *user = hr_xasprintf("/proc/%ld/ns/user", pid);
	uf = path_facts(h, user, HR_PATH_NS);
	if (!uf || uf->err || uf->dev != st.st_dev || uf->ino != st.st_ino)
		return -1;
	*ret_path = HR_TAKE_PTR(user);
	return 1;
}

/* The first line of a uid_map whose inside id is 0: its host id. */
static int map_root(const char *text, unsigned long *ret)
{
	unsigned long in, out, count;
	const char *line = text;

	while (line && *line) {
		if (sscanf(line, "%lu %lu %lu", &in, &out, &count) == 3 && in == 0) {
			*ret = out;
			return 0;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return -ENOENT;
}

/*
 * Is the user namespace at `path` (/proc/PID/ns/user) that of pod sandbox
 * `sandbox_id`? The sandbox must be a private bundle of hardrun's under
 * the same runtime root, made for a CRI sandbox, whose range of host ids
 * is the one the namespace maps (a range is one container's only).
 */
static int pod_sandbox_userns(void *ud, const char *sandbox_id, const char *path)
{
	struct hr_host_env *h = ud;
	_cleanup_free_ char *key = NULL, *rel = NULL, *text = NULL, *pid_dir = NULL;
	_cleanup_close_ int fd = -1, pid_fd = -1;
	_cleanup_json_ cJSON *spec = NULL;
	const cJSON *maps, *type;
	char buf[4096];
	unsigned long want, got;
	long pid;
	int n = 0;
	ssize_t len;
	struct stat st;

	if (!h->state || !h->owner || strchr(sandbox_id, '/') || sandbox_id[0] == '.' ||
	    !strchr(h->owner, '/'))
		return -1;
	key = hr_xasprintf("%.*s", (int)(strchr(h->owner, '/') - h->owner), h->owner);
	rel = hr_xasprintf("%s/%s/config.json", key, sandbox_id);
	fd = openat(h->state->bundles_fd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 0022) ||
	    (len = read(fd, buf, sizeof buf - 1)) < 0)
		return -1;
	/* Only the start matters, but the whole spec is parsed: read it all. */
	{
		struct hr_buf b = { 0 };
		hr_buf_add(&b, buf, (size_t)len);
		while ((len = read(fd, buf, sizeof buf)) > 0)
			hr_buf_add(&b, buf, (size_t)len);
		text = b.s;
		if (len < 0 || hr_json_parse(text, b.n, &hr_json_spec_limits, &spec, NULL) < 0)
			return -1;
	}
	type = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "annotations"),
						"io.kubernetes.cri.container-type");
	maps = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "linux"),
						"uidMappings");
	if (!cJSON_IsString(type) || strcmp(type->valuestring, "sandbox") != 0 ||
	    !cJSON_IsArray(maps) || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(
					    maps->child, "hostID")))
		return 0;
	want = (unsigned long)cJSON_GetObjectItemCaseSensitive(maps->child, "hostID")->valuedouble;
	if (sscanf(path, "/proc/%ld/ns/user%n", &pid, &n) != 1 || (size_t)n != strlen(path))
		return -1;
	pid_dir = hr_xasprintf("/proc/%ld", pid);
	if ((pid_fd = open(pid_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	_cleanup_close_ int map = openat(pid_fd, "uid_map", O_RDONLY | O_CLOEXEC);
	if (map < 0 || (len = read(map, buf, sizeof buf - 1)) <= 0)
		return -1;
	buf[len] = '\0';
	if (map_root(buf, &got) < 0)
		return 0;
	return got == want ? 1 : 0;
}

static int userns_unprivileged(void *ud, uint32_t *ret_host, uint32_t *ret_size, char **ret_why)
{
	(void)ud;
	(void)ret_host;
	(void)ret_size;
	*ret_why = hr_xstrdup("hardrun is not running as root, so it cannot map a range of host "
			      "ids (fix: run it as root, or give the spec a user namespace of its "
			      "own with linux.uidMappings and gidMappings)");
	return -EPERM;
}

void hr_host_env_userns(struct hr_host_env *h, struct hr_state *state,
			const struct hr_idpool *pool, const char *owner)
{
	h->state = state;
	h->pool = pool;
	h->owner = owner;
	h->env.userns_range = state && state->privileged ? userns_range : userns_unprivileged;
	h->env.pod_sandbox_userns = state && state->privileged ? pod_sandbox_userns : NULL;
}

void hr_host_env_init(struct hr_host_env *h, const struct hr_bundle *b, enum hr_env_mode mode,
		      const struct hr_config *cfg)
{
	*h = (struct hr_host_env){ .bundle = b, .range = { .lock_fd = -1 } };
	hr_pins_init(&h->own_pins, b ? b->dirfd : -1, b ? b->path : NULL);
	h->pins = &h->own_pins;
	h->root_locations = hr_strv_copy(cfg && cfg->root_locations
						 ? cfg->root_locations
						 : (char *const *)hr_config_default_root_locations);
	h->trusted_hooks = hr_strv_copy(cfg ? cfg->trusted_hooks : NULL);
	h->trusted_listeners = hr_strv_copy(cfg ? cfg->trusted_listeners : NULL);
	h->rule_annotations = hr_xcalloc(1, sizeof(char *));
	for (size_t i = 0; cfg && i < cfg->n_rules; i++)
		for (size_t k = 0; cfg->rules[i].keys && cfg->rules[i].keys[k]; k++)
			if (!hr_strv_contains(h->rule_annotations, cfg->rules[i].keys[k]))
				hr_strv_push(&h->rule_annotations, cfg->rules[i].keys[k]);
	h->env = (struct hr_env){
		.path_facts = path_facts,
		.cgroup_in_use = cgroup_in_use,
		.ns_owner_userns = ns_owner_userns,
		.mode = mode,
		.bundle_path = b ? b->path : NULL,
		.root_locations = h->root_locations,
		.trusted_hooks = h->trusted_hooks,
		.trusted_listeners = h->trusted_listeners,
		.rule_annotations = h->rule_annotations,
		.min_host_id = cfg && cfg->min_host_id ? cfg->min_host_id
						       : HR_CONFIG_DEFAULT_MIN_HOST_ID,
		.idpool_lo = cfg && cfg->idpool_size ? cfg->idpool_base : HR_IDPOOL_DEFAULT_BASE,
		.idpool_hi = cfg && cfg->idpool_size
				     ? (uint64_t)cfg->idpool_base +
					       (uint64_t)cfg->idpool_size * cfg->idpool_count
				     : (uint64_t)HR_IDPOOL_DEFAULT_BASE +
					       (uint64_t)HR_IDPOOL_DEFAULT_SIZE * HR_IDPOOL_DEFAULT_COUNT,
		.swap_accounting = hr_host_swap_accounting(),
		.own_rlimits_known = true,
		.ud = h,
	};
	for (int t = 0; t < HR_NS__MAX; t++) {
		char self[64];
		struct stat st;
		snprintf(self, sizeof self, "/proc/self/ns/%s", proc_ns_name(t));
		if (stat(self, &st) == 0)
			h->env.host_ns[t] = (struct hr_ns_id){ true, st.st_dev, st.st_ino };
	}
	/* The runtime is this process after exec, or its child: its limits
	 * are ours. */
	for (int i = 0; i < (int)HR_ARRAY_SIZE(h->env.own_hard_rlimits); i++) {
		struct rlimit rl;
		h->env.own_hard_rlimits[i] =
			i < RLIM_NLIMITS && getrlimit(i, &rl) == 0 ? (unsigned long long)rl.rlim_max
								  : (unsigned long long)RLIM_INFINITY;
	}
}

void hr_host_env_done(struct hr_host_env *h)
{
	struct hr_host_path *e;

	if (!h)
		return;
	e = h->paths;
	while (e) {
		struct hr_host_path *next = e->next;
		free(e->asked);
		free(e->path);
		free(e->untrusted_dir);
		free(e->socket);
		free(e);
		e = next;
	}
	h->paths = NULL;
	/* A range nobody took over from here: its container never came. */
	if (h->range_taken) {
		hr_idrange_release(h->state, h->range.index);
		hr_idrange_close(&h->range);
		h->range_taken = false;
	}
	hr_pins_done(&h->own_pins);
	hr_strv_free(h->root_locations);
	hr_strv_free(h->trusted_hooks);
	hr_strv_free(h->trusted_listeners);
	hr_strv_free(h->rule_annotations);
	h->root_locations = h->trusted_hooks = h->trusted_listeners = h->rule_annotations = NULL;
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
