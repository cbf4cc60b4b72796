/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private bundles (pbundle.h). */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/idrange.h"
#include "hardrun/pbundle.h"
#include "hardrun/spawn.h"
#include "hardrun/state.h"

/* The containers a runtime held when a sweep listed its state root:
 * runc and crun keep a directory per container there. */
struct held_list {
	char **names; /* sorted */
	size_t n;
};

/* Lists the state root of `rt` once, so that a sweep does not look up
 * every bundle's container in it. False when it cannot be read: each
 * bundle's container is then looked up alone. */
static bool list_held(const struct hr_runtime_ref *rt, struct held_list *l)
{
	struct hr_strv_builder b = { 0 };
	struct dirent *de;
	DIR *d;
	int e;

	if (!rt || !rt->root || !(d = opendir(rt->root))) /* O_CLOEXEC, as glibc opens it */
		return false;
	errno = 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			hr_strvb_push(&b, de->d_name);
	e = errno;
	closedir(d);
	l->n = b.n;
	l->names = hr_strvb_take(&b);
	if (e != 0) {
		l->names = hr_strv_free(l->names);
		return false;
	}
	hr_strv_sort(l->names, l->n);
	return true;
}

/* Does the runtime still hold container `id`? By the sweep's listing
 * `l` when there is one; otherwise its state root is looked up, or,
 * when that is unknown, the runtime asked (`state ID`). A runtime that
 * cannot be asked holds everything. */
static bool runtime_has(const struct hr_runtime_ref *rt, const struct held_list *l, const char *id)
{
	_cleanup_free_ char *p = NULL;

	if (!rt || (!rt->root && !rt->cmd))
		return true;
	if (rt->root && l)
		return bsearch(&id, l->names, l->n, sizeof *l->names, hr_strcmp_p);
	if (!rt->root) {
		const char *const args[] = { "state", id, NULL };
		_cleanup_free_ char **argv = hr_runtime_argv(rt->cmd[0], rt->cmd + 1, args);
		return hr_run_quiet(argv) == 0;
	}
	p = hr_xasprintf("%s/%s", rt->root, id);
	return access(p, F_OK) == 0 || errno != ENOENT;
}

/* What a sweep knows before it looks at a bundle. */
struct sweep {
	const struct hr_runtime_ref *rt;
	const struct held_list *held; /* the runtime's containers, or NULL: ask */
	bool ask;		      /* ask a runtime without a state root (one id) */
	bool direct_runs;	      /* a direct-mode bundle may be here */
};

static bool sweep_one(int root_fd, const char *root_path, const struct sweep *sw, const char *name);

static void pbundle_init(struct hr_pbundle *pb)
{
	*pb = (struct hr_pbundle){ .dirfd = -1, .lock_fd = -1, .root_fd = -1 };
}

void hr_pbundle_close(struct hr_pbundle *pb)
{
	if (!pb)
		return;
	if (pb->dirfd >= 0)
		(void)close(pb->dirfd);
	if (pb->lock_fd >= 0)
		(void)close(pb->lock_fd);
	free(pb->path);
	free(pb->id);
	free(pb->tmp_name);
	pbundle_init(pb);
}

static bool valid_id(const char *id)
{
	return id && id[0] && id[0] != '.' && !strchr(id, '/') && strlen(id) <= 1024;
}

/* Try to own the bundle at `name`: lock it without waiting. */
static int try_lock(int root_fd, const char *name, int *ret_fd)
{
	int fd = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		(void)close(fd);
		return -e;
	}
	*ret_fd = fd;
	return 0;
}

/* Unmount what is mounted at `rel` below the bundle (not following a
 * symbolic link), by the bundle's absolute path: the tree is root's. */
static void unmount_at(const struct hr_pbundle *pb, const char *rel)
{
	_cleanup_free_ char *p = hr_xasprintf("%s/%s", pb->path, rel);

	while (umount2(p, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		; /* stacked pins: all of them */
}

void hr_pbundle_unpin(struct hr_pbundle *pb)
{
	_cleanup_close_ int mfd = -1;
	DIR *d;
	struct dirent *de;

	if (pb->dirfd < 0 || geteuid() != 0)
		return;
	mfd = openat(pb->dirfd, HR_PBUNDLE_PINS, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (mfd >= 0 && (d = fdopendir(HR_TAKE_FD(mfd)))) {
		while ((de = readdir(d))) {
			_cleanup_free_ char *rel = NULL;
			if (de->d_name[0] == '.')
				continue;
			rel = hr_xasprintf(HR_PBUNDLE_PINS "/%s", de->d_name);
			unmount_at(pb, rel);
		}
		closedir(d);
	}
}

/* Remove everything in directory `fd` (which is not followed into
 * mounts: a pin that stayed mounted makes unlinkat fail with EBUSY). */
static int remove_tree_at(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		(void)close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		int sub;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			r = -errno;
			continue;
		}
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* Never into a pin that is still mounted: below it are the
		 * host's own files. */
		if (sub >= 0 && hr_is_mount_root(sub)) {
			(void)close(sub);
			r = -EBUSY;
			continue;
		}
		if (sub >= 0) {
			int s = remove_tree_at(sub);
			if (s < 0)
				r = s;
		}
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			r = -errno;
	}
	closedir(d);
	return r;
}

/* The container's range of host ids goes with its bundle: if the range
 * file in bundles/.userns still names this bundle as its owner (a range
 * released before may be another container's by now). */
static void release_range(const struct hr_pbundle *pb)
{
	_cleanup_close_ int fd = openat(pb->dirfd, HR_PBUNDLE_USERNS, O_RDONLY | O_NOFOLLOW |
									  O_CLOEXEC);
	_cleanup_close_ int dir = -1;
	_cleanup_free_ char *owner = NULL;
	const char *key_end, *key;
	char buf[32];
	unsigned idx;
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, sizeof buf - 1)) <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "%u", &idx) != 1)
		return;
	/* path is STATE/bundles/KEY/ID: the owner is KEY/ID. */
	key_end = strrchr(pb->path, '/');
	for (key = key_end; key > pb->path && key[-1] != '/'; key--)
		;
	owner = hr_xasprintf("%.*s/%s", (int)(key_end - key), key, pb->id);
	dir = openat(pb->root_fd, "../" HR_IDRANGE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
							   O_CLOEXEC);
	if (dir >= 0)
		hr_idrange_release_owned(dir, idx, owner);
}

int hr_pbundle_remove(struct hr_pbundle *pb, hr_error *err)
{
	const char *name = pb->tmp_name ? pb->tmp_name : pb->id;
	int r;

	if (pb->dirfd < 0)
		return 0;
	hr_pbundle_unpin(pb);
	if (geteuid() == 0)
		unmount_at(pb, HR_PBUNDLE_ROOTFS);
	if (!pb->tmp_name)
		release_range(pb);
	r = remove_tree_at(fcntl(pb->dirfd, F_DUPFD_CLOEXEC, 3));
	if (r == 0 && unlinkat(pb->root_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -errno;
	if (r < 0)
		return hr_err(err, r, "%s: cannot remove hardrun's private bundle: %s", pb->path,
			      strerror(-r));
	return 0;
}

int hr_pbundle_create(int root_fd, const char *root_path, const char *id,
		      const struct hr_runtime_ref *rt, struct hr_pbundle *pb, hr_error *err)
{
	char tmp[64];
	uint64_t rnd = 0;
	int r;

	pbundle_init(pb);
	if (!valid_id(id))
		return hr_err(err, -EINVAL, "container id `%s`: not usable as a name", id ? id : "");
	/* A bundle of that name: a live container's (the runtime will say it
	 * exists), or a stale one, removed here. */
	if (faccessat(root_fd, id, F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !sweep_one(root_fd, root_path,
		       &(struct sweep){ .rt = rt, .ask = true, .direct_runs = true }, id))
		return hr_err(err, -EEXIST, "container %s: exists", id);
	if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
		rnd = (uint64_t)getpid() << 20 ^ (uint64_t)time(NULL);
	snprintf(tmp, sizeof tmp, ".new-%016llx", (unsigned long long)rnd);
	/* Locked from its first moment: a sweep takes the directory's shared
	 * lock to look at temporaries. */
	if (flock(root_fd, LOCK_EX) < 0)
		return hr_err(err, -errno, "%s: cannot lock: %s", root_path, strerror(errno));
	if (mkdirat(root_fd, tmp, 0700) < 0) {
		r = -errno;
		(void)flock(root_fd, LOCK_UN);
		return hr_err(err, r, "%s/%s: cannot create: %s", root_path, tmp, strerror(-r));
	}
	pb->root_fd = root_fd;
	pb->tmp_name = hr_xstrdup(tmp);
	pb->id = hr_xstrdup(id);
	pb->path = hr_xasprintf("%s/%s", root_path, tmp);
	r = try_lock(root_fd, tmp, &pb->dirfd);
	(void)flock(root_fd, LOCK_UN);
	if (r < 0) {
		(void)unlinkat(root_fd, tmp, AT_REMOVEDIR);
		hr_pbundle_close(pb);
		return hr_err(err, r, "%s/%s: cannot lock: %s", root_path, tmp, strerror(-r));
	}
	pb->lock_fd = fcntl(pb->dirfd, F_DUPFD_CLOEXEC, 3); /* the lock lives with either */
	if (mkdirat(pb->dirfd, HR_PBUNDLE_PINS, 0700) < 0 ||
	    mkdirat(pb->dirfd, HR_PBUNDLE_ROOTFS, 0700) < 0) {
		r = -errno;
		(void)hr_pbundle_remove(pb, NULL);
		hr_pbundle_close(pb);
		return hr_err(err, r, "%s: %s", root_path, strerror(-r));
	}
	return 0;
}

int hr_pbundle_share(struct hr_pbundle *pb, gid_t gid, hr_error *err)
{
	_cleanup_close_ int m = openat(pb->dirfd, HR_PBUNDLE_PINS, O_RDONLY | O_DIRECTORY |
									 O_NOFOLLOW | O_CLOEXEC);

	if (m < 0 || fchown(pb->dirfd, 0, gid) < 0 || fchmod(pb->dirfd, 0710) < 0 ||
	    fchown(m, 0, gid) < 0 || fchmod(m, 0710) < 0)
		return hr_err(err, -errno, "%s: cannot let the container's root reach it: %s",
			      pb->path, strerror(errno));
	return 0;
}

int hr_pbundle_publish(struct hr_pbundle *pb, hr_error *err)
{
	_cleanup_free_ char *dir = NULL;
	char *slash;

	if (!pb->tmp_name)
		return 0;
	if (renameat2(pb->root_fd, pb->tmp_name, pb->root_fd, pb->id, RENAME_NOREPLACE) < 0)
		return hr_err(err, -errno, "%s: cannot name it %s: %s", pb->path, pb->id,
			      errno == EEXIST ? "a container of that id exists" : strerror(errno));
	dir = hr_xstrdup(pb->path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	free(pb->path);
	pb->path = hr_xasprintf("%s/%s", dir, pb->id);
	free(pb->tmp_name);
	pb->tmp_name = NULL;
	return 0;
}

int hr_pbundle_open(int root_fd, const char *root_path, const char *id, struct hr_pbundle *pb,
		    hr_error *err)
{
	int r;

	pbundle_init(pb);
	if (!valid_id(id))
		return hr_err(err, -ENOENT, "container id `%s`: not usable as a name", id ? id : "");
	pb->dirfd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pb->dirfd < 0)
		return hr_err(err, -errno, "%s/%s: %s", root_path, id, strerror(errno));
	pb->root_fd = root_fd;
	pb->id = hr_xstrdup(id);
	pb->path = hr_xasprintf("%s/%s", root_path, id);
	if ((r = hr_state_check_private_dir(pb->dirfd, pb->path, err)) < 0) {
		hr_pbundle_close(pb);
		return r;
	}
	return 0;
}

/* A direct-mode bundle's runtime: "RUNTIME\nGLOBAL\n...". */
static char **read_direct_file(int dirfd)
{
	_cleanup_close_ int fd = openat(dirfd, HR_PBUNDLE_DIRECT, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[8192], *save = NULL;
	char **lines = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & 0022))))
		return NULL;
	n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		hr_strv_push(&lines, l);
	return lines;
}

/* The runtime a stale direct-mode bundle recorded may be executed only
 * when root owns it and nobody else can change it. */
static bool trusted_runtime(const char *path)
{
	struct stat st;

	return path[0] == '/' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (geteuid() != 0 || (st.st_uid == 0 && !(st.st_mode & 0022)));
}

static void delete_container(char **rt, const char *id)
{
	const char *const args[] = { "delete", "--force", id, NULL };
	_cleanup_free_ char **argv = hr_runtime_argv(rt[0], rt + 1, args);

	(void)hr_run_quiet(argv);
}

/*
 * Remove the bundle `name` if it is stale: a crashed creator's temporary,
 * an engine's container the runtime no longer holds, or a direct-mode
 * run whose hardrun is gone (its container is deleted first). Returns
 * true when it is gone.
 */
static bool sweep_one(int root_fd, const char *root_path, const struct sweep *sw, const char *name)
{
	_cleanup_(hr_pbundle_close) struct hr_pbundle pb;
	_cleanup_strv_ char **direct = NULL;
	const struct hr_runtime_ref *rt = sw->rt;
	bool tmp = strncmp(name, ".new-", 5) == 0, is_direct = false;

	pbundle_init(&pb);
	if (tmp) {
		/* Its creator holds the directory's lock from mkdir to flock. */
		int r;
		if (flock(root_fd, LOCK_SH) < 0)
			return false;
		r = try_lock(root_fd, name, &pb.dirfd);
		(void)flock(root_fd, LOCK_UN);
		if (r < 0)
			return false; /* in use */
	} else {
		if (sw->direct_runs) {
			_cleanup_free_ char *marker = hr_xasprintf("%s/" HR_PBUNDLE_DIRECT, name);
			is_direct = faccessat(root_fd, marker, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
		}
		/* Cheap first: an engine's live container is not locked. Asking a
		 * runtime costs a process: only for one id, not for a sweep. */
		bool held = !sw->ask && (!rt || !rt->root) ? true : runtime_has(rt, sw->held, name);
		if (!is_direct && held)
			return false;
		if (!is_direct)
			hr_test_pause("HARDRUN_TEST_PAUSE_SWEEP", name);
		if (try_lock(root_fd, name, &pb.dirfd) < 0)
			return false; /* in use */
		/* Its creator keeps it locked until the runtime's create has
		 * ended: under the lock, ask again, for the runtime may have
		 * taken the container since it was looked up or listed. */
		if (!is_direct && runtime_has(rt, NULL, name))
			return false;
	}
	pb.root_fd = root_fd;
	pb.id = hr_xstrdup(name);
	pb.path = hr_xasprintf("%s/%s", root_path, name);
	if (is_direct) {
		/* Nothing here runs what root does not own. */
		direct = read_direct_file(pb.dirfd);
		if (!direct || !trusted_runtime(direct[0]))
			return false;
		delete_container(direct, name);
	}
	return hr_pbundle_remove(&pb, NULL) == 0;
}

void hr_state_sweep(int root_fd, const char *root_path, const struct hr_runtime_ref *rt)
{
	_cleanup_close_ int fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	DIR *d = fd >= 0 ? fdopendir(HR_TAKE_FD(fd)) : NULL;
	struct hr_strv_builder b = { 0 };
	_cleanup_strv_ char **names = NULL;
	struct held_list held = { 0 };
	struct sweep sw = { .rt = rt };
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
		    (de->d_name[0] != '.' || strncmp(de->d_name, ".new-", 5) == 0))
			hr_strvb_push(&b, de->d_name);
	closedir(d);
	names = hr_strvb_take(&b);
	/* Looked for after the listing: a direct-mode bundle in it was made
	 * after the file was (hr_pbundle_note_direct), and the file stays. In
	 * doubt, every bundle is looked at. */
	sw.direct_runs = faccessat(root_fd, HR_PBUNDLE_DIRECT_RUNS, F_OK, AT_SYMLINK_NOFOLLOW) ==
				 0 ||
			 errno != ENOENT;
	/* Unlisted: each bundle's container is looked up by path. */
	if (list_held(rt, &held))
		sw.held = &held;
	for (size_t i = 0; names[i]; i++)
		(void)sweep_one(root_fd, root_path, &sw, names[i]);
	hr_strv_free(held.names);
}

int hr_pbundle_note_direct(struct hr_pbundle *pb, hr_error *err)
{
	int fd = openat(pb->root_fd, HR_PBUNDLE_DIRECT_RUNS,
			O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return hr_err(err, -errno, "%s: cannot note a direct-mode run: %s", pb->path,
			      strerror(errno));
	(void)close(fd);
	return 0;
}
