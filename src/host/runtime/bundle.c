/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "hardrun/bundle.h"

#define TEMP_PREFIX ".hardrun-tmp."

static enum hr_write_step fault_step;
static bool fault_kill;

void hr_bundle_inject_fault(enum hr_write_step step, bool kill)
{
	fault_step = step;
	fault_kill = kill;
}

#ifdef HR_FAULT_INJECTION
/*
 * Test builds only (tests/faults/faulty-hardrun, never the installed
 * hardrun): HARDRUN_FAULT=STEP or STEP:kill, STEP one of open, write,
 * fsync, rename and dirsync, makes that step of every atomic write fail
 * with EIO, or kills the process there. A normal build has no such hook.
 */
static void fault_from_env(void)
{
	static const char *const steps[] = {
		[HR_WRITE_OPEN_TEMP] = "open", [HR_WRITE_WRITE] = "write",
		[HR_WRITE_FSYNC] = "fsync",    [HR_WRITE_RENAME] = "rename",
		[HR_WRITE_DIR_FSYNC] = "dirsync",
	};
	const char *v = getenv("HARDRUN_FAULT");

	for (size_t i = 1; v && i < HR_ARRAY_SIZE(steps); i++) {
		size_t n = strlen(steps[i]);
		if (strncmp(v, steps[i], n) == 0 && (!v[n] || strcmp(v + n, ":kill") == 0))
			hr_bundle_inject_fault((enum hr_write_step)i, v[n] != '\0');
	}
}
#endif

/* True if the write step should fail now (errno set to EIO). */
static bool faulted(enum hr_write_step step)
{
	if (fault_step != step)
		return false;
	if (fault_kill)
		(void)raise(SIGKILL);
	errno = EIO;
	return true;
}

int hr_bundle_open(const char *path, struct hr_bundle *b, hr_error *err)
{
	char link[64], resolved[4096];
	ssize_t n;

	b->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	b->path = NULL;
	b->sync = HR_SYNC_FILE_AND_DIR;
	if (b->dirfd < 0) {
		int e = errno;
		return hr_err(err, -e, "%s: cannot open the bundle directory: %s%s", path,
			      strerror(e),
			      e == ENOTDIR ? " (fix: give the directory that holds config.json)"
			      : e == ENOENT ? " (fix: check the path)"
					    : "");
	}
	/* The path of what was opened, not of what the name points at now. */
	snprintf(link, sizeof link, "/proc/self/fd/%d", b->dirfd);
	n = readlink(link, resolved, sizeof resolved - 1);
	if (n <= 0 || resolved[0] != '/') {
		int e = n < 0 ? errno : EINVAL;
		hr_bundle_close(b);
		return hr_err(err, -e, "%s: cannot resolve the bundle directory: %s", path,
			      strerror(e));
	}
	resolved[n] = '\0';
	b->path = hr_xstrdup(resolved);
	return 0;
}

void hr_bundle_close(struct hr_bundle *b)
{
	if (!b)
		return;
	if (b->dirfd >= 0)
		(void)close(b->dirfd);
	b->dirfd = -1;
	free(b->path);
	b->path = NULL;
}

int hr_bundle_read(const struct hr_bundle *b, const char *name, size_t max, char **ret_buf,
		   size_t *ret_len, struct stat *ret_st, hr_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
	fd = openat(b->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		if (e == ELOOP)
			return hr_err(err, -e,
				      "%s/%s: is a symbolic link; hardrun reads only a regular "
				      "file there (fix: replace the link with the file)",
				      b->path, name);
		return hr_err(err, -e, "%s/%s: cannot open: %s%s", b->path, name, strerror(e),
			      e == ENOENT ? " (fix: a bundle holds config.json; `runc spec` "
					    "writes one)"
					  : "");
	}
	if (fstat(fd, &st) < 0)
		return hr_err(err, -errno, "%s/%s: cannot stat: %s", b->path, name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return hr_err(err, -EINVAL,
			      "%s/%s: is not a regular file (it is a %s) (fix: it must be the "
			      "spec file itself)",
			      b->path, name,
			      S_ISDIR(st.st_mode)    ? "directory"
			      : S_ISFIFO(st.st_mode) ? "FIFO"
			      : S_ISSOCK(st.st_mode) ? "socket"
			      : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "device"
									   : "special file");
	if ((uint64_t)st.st_size > max)
		return hr_err(err, -EFBIG,
			      "%s/%s: %lld bytes, more than the limit of %zu (fix: an OCI spec "
			      "is rarely above 1 MiB; check how it was generated)",
			      b->path, name, (long long)st.st_size, max);
	buf = hr_xmalloc((size_t)st.st_size + 1);
	for (;;) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size + 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return hr_err(err, -errno, "%s/%s: read failed: %s", b->path, name,
				      strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > (size_t)st.st_size)
			return hr_err(err, -EAGAIN,
				      "%s/%s: changed size while being read (fix: do not edit it "
				      "while a container starts)",
				      b->path, name);
	}
	buf[len] = '\0';
	*ret_buf = HR_TAKE_PTR(buf);
	*ret_len = len;
	if (ret_st)
		*ret_st = st;
	return 0;
}

/* Remove temporaries a killed earlier run left behind. A temporary whose
 * writer is still alive (its pid is in the name) is left alone. */
static void sweep_temps(const struct hr_bundle *b)
{
	int fd = openat(b->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			(void)close(fd);
		return;
	}
	while ((de = readdir(d))) {
		long pid;
		char *end;

		if (strncmp(de->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(TEMP_PREFIX), &end, 10);
		if (pid > 0 && *end == '.' && pid != getpid() && kill((pid_t)pid, 0) == 0)
			continue;
		(void)unlinkat(b->dirfd, de->d_name, 0);
	}
	closedir(d);
}

int hr_bundle_write(const struct hr_bundle *b, const char *name, const char *data, size_t len,
		    mode_t mode, uid_t uid, gid_t gid, hr_error *err)
{
	char temp[128];
	uint64_t rnd = 0;
	_cleanup_close_ int fd = -1;
	size_t off = 0;
	int e;
	const char *what;

#ifdef HR_FAULT_INJECTION
	fault_from_env();
#endif
	sweep_temps(b);
	if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
		rnd = (uint64_t)getpid() * 2654435761u;
	snprintf(temp, sizeof temp, TEMP_PREFIX "%ld.%016llx", (long)getpid(),
		 (unsigned long long)rnd);

	if (faulted(HR_WRITE_OPEN_TEMP) ||
	    (fd = openat(b->dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			 mode & 07777)) < 0) {
		e = errno;
		return hr_err(err, -e, "%s: cannot create a temporary file to write %s: %s%s",
			      b->path, name, strerror(e),
			      e == EROFS || e == EACCES ? " (fix: make the directory writable)"
			      : e == ENOSPC		 ? " (fix: free some space)"
							 : "");
	}
	while (off < len) {
		ssize_t n = faulted(HR_WRITE_WRITE) ? -1 : write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			what = "write";
			goto fail;
		}
		off += (size_t)n;
	}
	what = "set the owner and mode of";
	if (((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0) ||
	    fchmod(fd, mode & 07777) < 0)
		goto fail;
	what = "fsync";
	if (b->sync != HR_SYNC_NONE && (faulted(HR_WRITE_FSYNC) || fsync(fd) < 0))
		goto fail;
	what = "rename into place";
	if (faulted(HR_WRITE_RENAME) || renameat(b->dirfd, temp, b->dirfd, name) < 0)
		goto fail;
	/* The rename is durable once the directory is. A failure here leaves
	 * the new file in place: report it, nothing to undo. */
	if (b->sync == HR_SYNC_FILE_AND_DIR && (faulted(HR_WRITE_DIR_FSYNC) || fsync(b->dirfd) < 0)) {
		e = errno;
		return hr_err(err, -e, "%s: %s written, but the directory could not be synced: %s",
			      b->path, name, strerror(e));
	}
	return 0;
fail:
	e = errno;
	(void)unlinkat(b->dirfd, temp, 0);
	return hr_err(err, -e, "%s/%s: could not %s the new file: %s (the old file is unchanged)",
		      b->path, name, what, strerror(e));
}

int hr_write_file(const char *path, const char *text, mode_t mode, hr_error *err)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	_cleanup_free_ char *dir = slash ? hr_xasprintf("%.*s", slash == path ? 1 : (int)(slash - path),
							path)
					 : hr_xstrdup(".");
	struct hr_bundle b = { .dirfd = -1 };
	int fd, r;

	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return hr_err(err, -EISDIR, "%s: names a directory (fix: give a file name)", path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hr_err(err, -errno, "%s: cannot write, its directory %s cannot be opened: %s",
			      path, dir, strerror(errno));
	(void)close(fd);
	if ((r = hr_bundle_open(dir, &b, err)) < 0)
		return r;
	r = hr_bundle_write(&b, name, text, strlen(text), mode, (uid_t)-1, (gid_t)-1, err);
	hr_bundle_close(&b);
	return r;
}
