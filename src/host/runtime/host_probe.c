/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The facts `hardrun doctor` and a launch judge by: which runtime this is
 * (asked once per binary, then cached), and what the kernel offers. The
 * judgement itself is src/core/enforce.c.
 */
#include "config.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/mount.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "hardrun/doctor.h"
#include "hardrun/host.h"
#include "hardrun/json.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

void hr_runtime_info_done(struct hr_runtime_info *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->version);
	free(r->commit);
	free(r->spec);
	free(r->libseccomp);
	cJSON_Delete(r->features);
	*r = (struct hr_runtime_info){ 0 };
}

/*
 * Run argv with /dev/null for input and errors, and return what it prints
 * (at most 1 MiB) once it exits; it is killed after `seconds`. Returns its
 * exit status, or a negative errno.
 */
static int run_capture(char *const *argv, int seconds, char **ret, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	_cleanup_free_ char *out = hr_xmalloc(cap);
	struct timespec start, now;
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -e;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		(void)dup2(fds[1], 1);
		if (null >= 0) {
			(void)dup2(null, 0);
			(void)dup2(null, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	(void)close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		long left;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = seconds * 1000L - ((now.tv_sec - start.tv_sec) * 1000L +
					  (now.tv_nsec - start.tv_nsec) / 1000000L);
		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			(void)kill(pid, SIGKILL);
			break;
		}
		if (len + 1 >= cap) {
			if (cap >= (1u << 20))
				break;
			cap *= 2;
			out = hr_xrealloc(out, cap);
		}
		n = read(fds[0], out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	(void)close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	out[len] = '\0';
	*ret = HR_TAKE_PTR(out);
	if (ret_len)
		*ret_len = len;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The binary's identity: what changes when it is replaced or upgraded. */
static char *identity(const char *path, const struct stat *st)
{
	return hr_xasprintf("runtime %s|dev %ju|ino %ju|size %jd|mtime %jd.%09ld|ctime %jd.%09ld",
			    path, (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
			    (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
			    st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
			    st->st_ctim.tv_nsec);
}

/* The cached --version text of the binary `key` names, or NULL. */
static char *cache_get(const char *key)
{
	struct hr_bundle b = { .dirfd = -1 };
	_cleanup_free_ char *name = hr_cache_file_name("runtime-", key), *text = NULL;
	_cleanup_json_ cJSON *e = NULL;
	char *v = NULL;
	size_t len;

	if (hr_cache_open(&b) < 0)
		return NULL;
	if (hr_bundle_read(&b, name, 1u << 20, &text, &len, NULL, NULL) == 0 &&
	    (e = cJSON_ParseWithLength(text, len))) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "key");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "version");
		if (cJSON_IsString(k) && strcmp(k->valuestring, key) == 0 && cJSON_IsString(t))
			v = hr_xstrdup(t->valuestring);
	}
	hr_bundle_close(&b);
	return v;
}

static void cache_put(const char *key, const char *version)
{
	struct hr_bundle b = { .dirfd = -1 };
	_cleanup_free_ char *name = hr_cache_file_name("runtime-", key), *text = NULL;
	_cleanup_json_ cJSON *e = cJSON_CreateObject();

	if (hr_cache_open(&b) < 0)
		return;
	cJSON_AddStringToObject(e, "key", key);
	cJSON_AddStringToObject(e, "version", version);
	text = hr_json_print(e, false);
	/* Best effort: a cache that cannot be written is a miss next time. */
	(void)hr_bundle_write(&b, name, text, strlen(text), 0600, 0, 0, NULL);
	hr_bundle_close(&b);
}

int hr_runtime_identify(const char *path, bool features, struct hr_runtime_info *r,
			hr_error *err)
{
	_cleanup_free_ char *key = NULL, *text = NULL;
	char *argv[] = { (char *)path, (char *)"--version", NULL };
	struct stat st;
	int rc;

	*r = (struct hr_runtime_info){ .path = hr_xstrdup(path), .major = -1, .minor = -1,
				       .patch = -1 };
	if (stat(path, &st) < 0)
		return hr_err(err, -errno, "runtime %s: %s", path, strerror(errno));
	key = identity(path, &st);
	text = geteuid() == 0 ? cache_get(key) : NULL;
	r->cached = text != NULL;
	if (!text) {
		rc = run_capture(argv, 5, &text, NULL);
		if (rc < 0)
			return hr_err(err, rc, "runtime %s: cannot run it: %s", path, strerror(-rc));
		if (rc != 0) {
			free(text);
			text = hr_xstrdup(""); /* unknown, and known to be so */
		}
		if (geteuid() == 0)
			cache_put(key, text);
	}
	hr_runtime_parse_version(text, r);
	if (features) {
		char *fargv[] = { (char *)path, (char *)"features", NULL };
		_cleanup_free_ char *ftext = NULL;
		size_t flen = 0;
		if (run_capture(fargv, 5, &ftext, &flen) == 0)
			(void)hr_json_parse(ftext, flen, &hr_json_spec_limits, &r->features, NULL);
	}
	return 0;
}

bool hr_runtime_args_disable_cgroups(char *const *args)
{
	for (size_t i = 0; args && args[i]; i++) {
		const char *a = args[i];
		if (a[0] == '-' && a[1] == '-')
			a++;
		if (strcmp(a, "-cgroup-manager=disabled") == 0 ||
		    (strcmp(a, "-cgroup-manager") == 0 && args[i + 1] &&
		     strcmp(args[i + 1], "disabled") == 0))
			return true;
	}
	return false;
}

/* --- the kernel ------------------------------------------------------------ */

void hr_host_facts_done(struct hr_host_facts *h)
{
	if (!h)
		return;
	free(h->kernel);
	hr_strv_free(h->seccomp_actions);
	hr_strv_free(h->cgroup_controllers);
	for (size_t i = 0; i < h->n_idmap; i++) {
		free(h->idmap[i].fs_type);
		free(h->idmap[i].path);
	}
	free(h->idmap);
	*h = (struct hr_host_facts){ 0 };
}

/* The first line of a small file, or NULL. */
static char *read_line(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	char *s = NULL;

	if (!f)
		return NULL;
	if (fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		s = hr_xstrdup(buf);
	}
	fclose(f);
	return s;
}

static char **words(const char *s)
{
	char **v = NULL;
	_cleanup_free_ char *copy = hr_xstrdup(s ? s : "");
	char *save = NULL;

	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		hr_strv_push(&v, w);
	return v;
}

static void probe_cgroups(struct hr_host_facts *h)
{
	struct statfs fs;
	_cleanup_free_ char *ctl = NULL;
	char line[256];
	FILE *f;

	h->swap_accounting = hr_host_swap_accounting();
	if (statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) {
		h->cgroup_version = 2;
		ctl = read_line("/sys/fs/cgroup/cgroup.controllers");
		h->cgroup_controllers = words(ctl);
		return;
	}
	h->cgroup_version = statfs("/sys/fs/cgroup/unified", &fs) == 0 &&
					    fs.f_type == CGROUP2_SUPER_MAGIC
				    ? 3
				    : 1;
	/* v1: a controller that is enabled and mounted in a hierarchy */
	f = fopen("/proc/cgroups", "re");
	while (f && fgets(line, sizeof line, f)) {
		char name[64];
		int hier, num, enabled;
		if (line[0] == '#' || sscanf(line, "%63s %d %d %d", name, &hier, &num, &enabled) != 4)
			continue;
		if (enabled && hier > 0)
			hr_strv_push(&h->cgroup_controllers, name);
	}
	if (f)
		fclose(f);
}

/* A file system's name by its magic number (statfs), for the usual ones. */
static void fs_type_name(unsigned long magic, char *out, size_t n)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} names[] = { { 0xEF53, "ext4" },	{ 0x58465342, "xfs" }, { 0x9123683E, "btrfs" },
		      { 0x794c7630, "overlay" }, { 0x01021994, "tmpfs" }, { 0x2fc12fc1, "zfs" },
		      { 0x65735546, "fuse" },	{ 0x6969, "nfs" } };

	snprintf(out, n, "0x%lx", magic);
	for (size_t k = 0; k < HR_ARRAY_SIZE(names); k++)
		if (magic == names[k].magic)
			snprintf(out, n, "%s", names[k].name);
}

/*
 * Try an idmapped mount of the file system at each path, and of a new
 * tmpfs: the mounts are detached copies (open_tree(OPEN_TREE_CLONE),
 * fsmount) that are never attached anywhere and vanish when closed. The
 * user namespace for the mapping belongs to a child that waits on a pipe.
 */
static void probe_idmap(struct hr_host_facts *h, char *const *paths)
{
	int ready[2], hold[2], nsfd = -1;
	char map[64], buf;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return;
	if (pipe2(hold, O_CLOEXEC) < 0) {
		(void)close(ready[0]);
		(void)close(ready[1]);
		return;
	}
	pid = fork();
	if (pid == 0) {
		char ok;
		(void)close(hold[1]); /* or its own write end would keep it waiting */
		(void)close(ready[0]);
		ok = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
		(void)!write(ready[1], &ok, 1);
		(void)!read(hold[0], &buf, 1); /* until the parent is done */
		_exit(0);
	}
	(void)close(ready[1]);
	(void)close(hold[0]);
	if (pid > 0 && read(ready[0], &buf, 1) == 1 && buf == 'y') {
		snprintf(map, sizeof map, "/proc/%d/uid_map", (int)pid);
		int u = open(map, O_WRONLY | O_CLOEXEC);
		snprintf(map, sizeof map, "/proc/%d/gid_map", (int)pid);
		int g = open(map, O_WRONLY | O_CLOEXEC);
		if (u >= 0 && g >= 0 && write(u, "0 100000 65536", 14) == 14 &&
		    write(g, "0 100000 65536", 14) == 14) {
			snprintf(map, sizeof map, "/proc/%d/ns/user", (int)pid);
			nsfd = open(map, O_RDONLY | O_CLOEXEC);
		}
		if (u >= 0)
			(void)close(u);
		if (g >= 0)
			(void)close(g);
	}
	/* A new tmpfs first, then the file system of each path, once per type. */
	for (size_t i = 0; i <= hr_strv_len(paths); i++) {
		const char *path = i == 0 ? NULL : paths[i - 1];
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP,
					   .userns_fd = (uint64_t)nsfd };
		char type[32] = "tmpfs";
		bool seen = false;
		int fd = -1, res;

		if (path) {
			struct statfs fs;
			if (statfs(path, &fs) < 0)
				continue;
			fs_type_name((unsigned long)fs.f_type, type, sizeof type);
			for (size_t k = 0; k < h->n_idmap; k++)
				seen |= strcmp(h->idmap[k].fs_type, type) == 0;
			if (seen)
				continue;
			fd = (int)syscall(SYS_open_tree, AT_FDCWD, path,
					  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		} else {
			int sfd = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
			if (sfd >= 0 && syscall(SYS_fsconfig, sfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
				fd = (int)syscall(SYS_fsmount, sfd, FSMOUNT_CLOEXEC, 0);
			if (sfd >= 0)
				(void)close(sfd);
		}
		if (fd < 0)
			res = -errno;
		else if (nsfd < 0)
			res = -EPERM;
		else
			res = syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) == 0
				      ? 1
				      : errno == EINVAL ? 0 : -errno;
		if (fd >= 0)
			(void)close(fd);
		h->idmap = hr_xrealloc(h->idmap, (h->n_idmap + 1) * sizeof *h->idmap);
		h->idmap[h->n_idmap++] = (struct hr_idmap_fs){
			hr_xstrdup(type), hr_xstrdup(path ? path : "(a new tmpfs)"), res
		};
	}
	if (nsfd >= 0)
		(void)close(nsfd);
	(void)close(ready[0]);
	(void)close(hold[1]); /* the child reads EOF and exits */
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

void hr_host_facts_probe(struct hr_host_facts *h, char *const *idmap_paths)
{
	static const char *const ns_proc[HR_NS__MAX] = {
		[HR_NS_PID] = "pid", [HR_NS_NETWORK] = "net", [HR_NS_MOUNT] = "mnt",
		[HR_NS_IPC] = "ipc", [HR_NS_UTS] = "uts",     [HR_NS_USER] = "user",
		[HR_NS_CGROUP] = "cgroup", [HR_NS_TIME] = "time",
	};
	struct utsname u;
	_cleanup_free_ char *actions = NULL, *max = NULL, *aa = NULL;
	long abi;

	*h = (struct hr_host_facts){ .max_user_namespaces = -1 };
	h->kernel = hr_xstrdup(uname(&u) == 0 ? u.release : "unknown");
	actions = read_line("/proc/sys/kernel/seccomp/actions_avail");
	h->seccomp = actions != NULL;
	h->seccomp_actions = words(actions);
	h->seccomp_notify = hr_strv_contains(h->seccomp_actions, "user_notif");
	for (int t = 0; t < HR_NS__MAX; t++) {
		char p[64];
		snprintf(p, sizeof p, "/proc/self/ns/%s", ns_proc[t]);
		if (access(p, F_OK) == 0)
			h->ns_available |= 1u << t;
	}
	max = read_line("/proc/sys/user/max_user_namespaces");
	if (max)
		h->max_user_namespaces = atol(max);
	probe_cgroups(h);
	aa = read_line("/sys/module/apparmor/parameters/enabled");
	h->apparmor = aa && aa[0] == 'Y';
	h->selinux = access("/sys/fs/selinux/enforce", F_OK) == 0;
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	h->landlock_abi = abi >= 0 ? (int)abi : -errno;
	if (idmap_paths)
		probe_idmap(h, idmap_paths);
}

/* --- at launch --------------------------------------------------------------- */

static int rootfs_symlink(void *ud, const char *path)
{
	int dirfd = *(int *)ud;
	struct stat st;

	if (dirfd < 0)
		return 0; /* no root file system here: the runtime will say so */
	if (fstatat(dirfd, path + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	return S_ISLNK(st.st_mode);
}

int hr_launch_checks(const cJSON *spec, int bundle_dirfd, const struct hr_profile *p,
		     const char *runtime, bool cgroups_disabled, struct hr_findings *f,
		     hr_error *err)
{
	const cJSON *rp = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "root"), "path");
	enum hr_outcome outcome = p->mode == HR_MODE_WARN ? HR_WARNED : HR_REFUSED;
	struct hr_runtime_info r = { 0 };
	bool identified = false;
	size_t refused_before = hr_findings_count(f, HR_REFUSED);
	_cleanup_close_ int rootfs = -1;
	unsigned all = (1u << HR_CVE__MAX) - 1, found, exposed = 0;

	/* root.path as the runtime resolves it: relative to the bundle,
	 * links followed */
	if (cJSON_IsString(rp))
		rootfs = openat(rp->valuestring[0] == '/' ? AT_FDCWD : bundle_dirfd, rp->valuestring,
				O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* The preconditions first, on a scratch list: only when the spec or
	 * its image has one is the runtime asked what it is. */
	{
		struct hr_findings probe = { 0 };
		found = hr_cve_preconditions(spec, all, rootfs_symlink, &rootfs, HR_WARNED, "", &probe);
		hr_findings_done(&probe);
	}
	if (found || p->require_enforced) {
		hr_error e = { 0 };
		identified = hr_runtime_identify(runtime, false, &r, &e) == 0;
	}
	for (int c = 0; c < HR_CVE__MAX; c++)
		if ((found & (1u << c)) && hr_runtime_exposed(identified ? &r : NULL, c) != 0)
			exposed |= 1u << c;
	if (exposed) {
		_cleanup_free_ char *why = identified && r.version
			? hr_xasprintf("%s %s lacks its fix", r.kind == HR_RT_RUNC ? "runc" : "the runtime",
				       r.version)
			: hr_xasprintf("hardrun cannot tell whether %s has its fix", runtime);
		hr_cve_preconditions(spec, exposed, rootfs_symlink, &rootfs, outcome, why, f);
	}
	if (p->require_enforced) {
		struct hr_host_facts h;
		struct hr_enforcement e;
		hr_host_facts_probe(&h, NULL);
		hr_enforcement_judge(p, identified ? &r : NULL, cgroups_disabled, &h, &e);
		for (size_t i = 0; i < e.n; i++) {
			const struct hr_control_status *s = &e.v[i];
			/* At risk is enforced unless the profile allows root, the
			 * advisories' condition for the attacks (see enforce.c). */
			if (s->status == HR_NOT_ENFORCED ||
			    (s->status == HR_AT_RISK && p->user.allow_root))
				hr_finding_add(f, "profile.require-enforced", outcome, "", NULL, NULL, NULL,
					       "control %s is %s on this node: %s", s->control,
					       hr_enforce_status_name(s->status), s->detail);
		}
		if (!identified)
			hr_finding_add(f, "profile.require-enforced", outcome, "", NULL, NULL, NULL,
				       "the runtime %s could not be identified: what it enforces "
				       "cannot be checked",
				       runtime);
		hr_enforcement_done(&e);
		hr_host_facts_done(&h);
	}
	hr_runtime_info_done(&r);
	if (hr_findings_count(f, HR_REFUSED) > refused_before)
		return hr_err(err, HR_E_REFUSED, "the spec was refused under profile `%s`", p->name);
	return 0;
}
