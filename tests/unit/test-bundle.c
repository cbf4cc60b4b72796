/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bundle I/O: config.json is read only as a regular file of bounded size,
 * never through a symlink and without hanging on a FIFO; it is replaced
 * atomically, so a failure or a kill at any step leaves the complete old
 * file or the complete new one, and no temporary behind.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hardrun/bundle.h"
#include "helpers.h"

#define OLD "{\"ociVersion\": \"1.0.2\", \"old\": true}\n"
#define NEW "{\"ociVersion\":\"1.0.2\",\"new\":true,\"padding\":\"..................\"}"

static char *dir;

static void setup(void)
{
	dir = hrt_mkdtemp();
	hr_bundle_inject_fault(0, false);
}

static void teardown(void)
{
	hrt_rm_rf(dir);
	free(dir);
}

TestSuite(read, .init = setup, .fini = teardown, .timeout = 20);
TestSuite(write, .init = setup, .fini = teardown, .timeout = 20);

static char *in_dir(const char *name)
{
	return hr_xasprintf("%s/%s", dir, name);
}

static void open_bundle(struct hr_bundle *b)
{
	hr_error err = { 0 };

	cr_assert_eq(hr_bundle_open(dir, b, &err), 0, "%s", err.msg);
}

static int read_config(size_t max, char **buf, hr_error *err)
{
	struct hr_bundle b;
	size_t len;
	int r;

	open_bundle(&b);
	*buf = NULL;
	r = hr_bundle_read(&b, "config.json", max, buf, &len, NULL, err);
	hr_bundle_close(&b);
	return r;
}

static void assert_msg(const hr_error *err, const char *needle)
{
	cr_assert_not_null(strstr(err->msg, needle), "message `%s` lacks `%s`", err->msg, needle);
}

/* Names in the bundle directory that start with the temporary prefix. */
static size_t count_temps(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)))
		n += strncmp(de->d_name, ".hardrun-tmp.", 13) == 0;
	closedir(d);
	return n;
}

static char *config_text(void)
{
	_cleanup_free_ char *path = in_dir("config.json");
	return hrt_read_file(path, NULL);
}

/* --- reading ---------------------------------------------------------- */

Test(read, regular_file)
{
	_cleanup_free_ char *path = in_dir("config.json");
	_cleanup_free_ char *buf = NULL;
	struct hr_bundle b;
	struct stat st;
	size_t len = 0;
	hr_error err = { 0 };

	hrt_write_file(path, OLD);
	open_bundle(&b);
	cr_assert_eq(hr_bundle_read(&b, "config.json", 1024, &buf, &len, &st, &err), 0, "%s",
		     err.msg);
	cr_assert_str_eq(buf, OLD);
	cr_assert_eq(len, strlen(OLD));
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_size, (off_t)strlen(OLD));
	cr_assert_eq(b.path[0], '/');
	hr_bundle_close(&b);
}

Test(read, missing_file)
{
	char *buf;
	hr_error err = { 0 };

	cr_assert_eq(read_config(1024, &buf, &err), -ENOENT);
	assert_msg(&err, "runc spec");
}

Test(read, symlink_inside_the_bundle)
{
	_cleanup_free_ char *real = in_dir("real.json"), *link = in_dir("config.json");
	char *buf;
	hr_error err = { 0 };

	hrt_write_file(real, OLD);
	cr_assert_eq(symlink("real.json", link), 0);
	cr_assert_eq(read_config(1024, &buf, &err), -ELOOP);
	cr_assert_null(buf);
	assert_msg(&err, "is a symbolic link");
}

Test(read, symlink_pointing_outside)
{
	_cleanup_free_ char *link = in_dir("config.json");
	char *buf;
	hr_error err = { 0 };

	cr_assert_eq(symlink("/etc/passwd", link), 0);
	cr_assert_eq(read_config(1 << 20, &buf, &err), -ELOOP);
	cr_assert_null(buf);
}

Test(read, dangling_symlink)
{
	_cleanup_free_ char *link = in_dir("config.json");
	char *buf;
	hr_error err = { 0 };

	cr_assert_eq(symlink("/nonexistent/config.json", link), 0);
	cr_assert_eq(read_config(1024, &buf, &err), -ELOOP);
}

Test(read, fifo_does_not_hang, .timeout = 5)
{
	_cleanup_free_ char *path = in_dir("config.json");
	char *buf;
	hr_error err = { 0 };

	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(read_config(1024, &buf, &err), -EINVAL);
	assert_msg(&err, "is not a regular file (it is a FIFO)");
}

Test(read, directory)
{
	_cleanup_free_ char *path = in_dir("config.json");
	char *buf;
	hr_error err = { 0 };

	cr_assert_eq(mkdir(path, 0700), 0);
	cr_assert_eq(read_config(1024, &buf, &err), -EINVAL);
	assert_msg(&err, "(it is a directory)");
}

Test(read, device)
{
	_cleanup_free_ char *path = in_dir("config.json");
	char *buf;
	hr_error err = { 0 };

	if (mknod(path, S_IFCHR | 0600, makedev(1, 5)) < 0)
		cr_skip_test("cannot create a device node here (%s)", strerror(errno));
	cr_assert_eq(read_config(1024, &buf, &err), -EINVAL);
	assert_msg(&err, "(it is a device)");
}

Test(read, size_limit)
{
	_cleanup_free_ char *path = in_dir("config.json");
	char *buf = NULL;
	hr_error err = { 0 };
	size_t n = strlen(OLD);

	hrt_write_file(path, OLD);
	cr_assert_eq(read_config(n, &buf, &err), 0, "exactly the limit is fine: %s", err.msg);
	free(buf);
	cr_assert_eq(read_config(n - 1, &buf, &err), -EFBIG);
	cr_assert_null(buf);
	assert_msg(&err, "more than the limit");
}

Test(read, bundle_that_is_not_a_directory)
{
	_cleanup_free_ char *path = in_dir("file");
	struct hr_bundle b;
	hr_error err = { 0 };

	hrt_write_file(path, OLD);
	cr_assert_eq(hr_bundle_open(path, &b, &err), -ENOTDIR);
	assert_msg(&err, "give the directory that holds config.json");
	cr_assert_eq(b.dirfd, -1);
}

/* --- writing ----------------------------------------------------------- */

static int write_config(const char *data, mode_t mode, uid_t uid, gid_t gid, hr_error *err)
{
	struct hr_bundle b;
	int r;

	open_bundle(&b);
	r = hr_bundle_write(&b, "config.json", data, strlen(data), mode, uid, gid, err);
	hr_bundle_close(&b);
	return r;
}

Test(write, replaces_the_file)
{
	_cleanup_free_ char *path = in_dir("config.json");
	_cleanup_free_ char *text = NULL;
	hr_error err = { 0 };

	hrt_write_file(path, OLD);
	cr_assert_eq(write_config(NEW, 0644, (uid_t)-1, (gid_t)-1, &err), 0, "%s", err.msg);
	text = config_text();
	cr_assert_str_eq(text, NEW);
	cr_assert_eq(count_temps(), 0);
}

Test(write, mode_and_owner)
{
	_cleanup_free_ char *path = in_dir("config.json");
	struct stat st;
	hr_error err = { 0 };
	mode_t old_umask = umask(077);

	hrt_write_file(path, OLD);
	if (geteuid() == 0) {
		cr_assert_eq(write_config(NEW, 0640, 1234, 5678, &err), 0, "%s", err.msg);
		cr_assert_eq(stat(path, &st), 0);
		cr_assert_eq(st.st_uid, 1234);
		cr_assert_eq(st.st_gid, 5678);
	} else {
		cr_assert_eq(write_config(NEW, 0640, (uid_t)-1, (gid_t)-1, &err), 0, "%s", err.msg);
		cr_assert_eq(stat(path, &st), 0);
	}
	/* the umask does not narrow the mode asked for */
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert_eq(write_config(NEW, 0604, (uid_t)-1, (gid_t)-1, &err), 0);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0604);
	umask(old_umask);
}

/* After a failed write the old file is intact and no temporary is left. */
static void failing_step(enum hr_write_step step, const char *what)
{
	_cleanup_free_ char *path = in_dir("config.json");
	_cleanup_free_ char *text = NULL;
	hr_error err = { 0 };

	hrt_write_file(path, OLD);
	hr_bundle_inject_fault(step, false);
	cr_assert_eq(write_config(NEW, 0644, (uid_t)-1, (gid_t)-1, &err), -EIO, "%s", what);
	hr_bundle_inject_fault(0, false);
	text = config_text();
	cr_assert_str_eq(text, OLD, "%s: the old file changed", what);
	cr_assert_eq(count_temps(), 0, "%s: a temporary was left", what);
}

Test(write, failure_at_each_step_keeps_the_old_file)
{
	failing_step(HR_WRITE_OPEN_TEMP, "open");
	failing_step(HR_WRITE_WRITE, "write");
	failing_step(HR_WRITE_FSYNC, "fsync");
	failing_step(HR_WRITE_RENAME, "rename");
}

Test(write, failure_messages_say_the_old_file_is_unchanged)
{
	_cleanup_free_ char *path = in_dir("config.json");
	hr_error err = { 0 };

	hrt_write_file(path, OLD);
	hr_bundle_inject_fault(HR_WRITE_RENAME, false);
	cr_assert_eq(write_config(NEW, 0644, (uid_t)-1, (gid_t)-1, &err), -EIO);
	assert_msg(&err, "could not rename into place the new file");
	assert_msg(&err, "the old file is unchanged");
}

Test(write, directory_sync_failure_leaves_the_new_file)
{
	_cleanup_free_ char *path = in_dir("config.json");
	_cleanup_free_ char *text = NULL;
	hr_error err = { 0 };

	hrt_write_file(path, OLD);
	hr_bundle_inject_fault(HR_WRITE_DIR_FSYNC, false);
	cr_assert_eq(write_config(NEW, 0644, (uid_t)-1, (gid_t)-1, &err), -EIO);
	assert_msg(&err, "written, but the directory could not be synced");
	text = config_text();
	cr_assert_str_eq(text, NEW);
	cr_assert_eq(count_temps(), 0);
}

/* What each sync level leaves out: a fault at a step that is not taken
 * never fires, and the write succeeds. */
static int write_synced(enum hr_bundle_sync sync, enum hr_write_step fault, hr_error *err)
{
	struct hr_bundle b;
	int r;

	open_bundle(&b);
	b.sync = sync;
	hr_bundle_inject_fault(fault, false);
	r = hr_bundle_write(&b, "config.json", NEW, strlen(NEW), 0644, (uid_t)-1, (gid_t)-1, err);
	hr_bundle_close(&b);
	hr_bundle_inject_fault(0, false);
	return r;
}

Test(write, sync_levels)
{
	_cleanup_free_ char *path = in_dir("config.json");
	hr_error err = { 0 };

	hrt_write_file(path, OLD);
	/* HR_SYNC_FILE: the file is synced, the directory is not. */
	cr_assert_eq(write_synced(HR_SYNC_FILE, HR_WRITE_FSYNC, &err), -EIO);
	assert_msg(&err, "could not fsync the new file");
	hr_error_clear(&err);
	cr_assert_eq(write_synced(HR_SYNC_FILE, HR_WRITE_DIR_FSYNC, &err), 0, "%s", err.msg);
	/* HR_SYNC_NONE: neither. */
	hrt_write_file(path, OLD);
	cr_assert_eq(write_synced(HR_SYNC_NONE, HR_WRITE_FSYNC, &err), 0, "%s", err.msg);
	cr_assert_eq(write_synced(HR_SYNC_NONE, HR_WRITE_DIR_FSYNC, &err), 0, "%s", err.msg);
	{
		_cleanup_free_ char *text = config_text();
		cr_assert_str_eq(text, NEW);
	}
	cr_assert_eq(count_temps(), 0);
}

/* Kill the writer at `step` in a child; the file is then whole. */
static void killed_at(enum hr_write_step step, const char *expect)
{
	_cleanup_free_ char *path = in_dir("config.json");
	_cleanup_free_ char *text = NULL;
	int status;
	pid_t pid;

	hrt_write_file(path, OLD);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct hr_bundle b;
		if (hr_bundle_open(dir, &b, NULL) < 0)
			_exit(2);
		hr_bundle_inject_fault(step, true);
		(void)hr_bundle_write(&b, "config.json", NEW, strlen(NEW), 0644, (uid_t)-1,
				      (gid_t)-1, NULL);
		_exit(3); /* not reached: killed on the way */
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "step %d: the writer was not killed (status %#x)", (int)step, status);
	text = config_text();
	cr_assert_str_eq(text, expect, "step %d", (int)step);

	/* the next write removes what the dead writer left */
	{
		hr_error err = { 0 };
		cr_assert_eq(write_config(NEW, 0644, (uid_t)-1, (gid_t)-1, &err), 0, "%s", err.msg);
		cr_assert_eq(count_temps(), 0, "step %d: temporary not swept", (int)step);
	}
}

Test(write, killed_at_each_step)
{
	killed_at(HR_WRITE_OPEN_TEMP, OLD);
	killed_at(HR_WRITE_WRITE, OLD);
	killed_at(HR_WRITE_FSYNC, OLD);
	killed_at(HR_WRITE_RENAME, OLD);
	killed_at(HR_WRITE_DIR_FSYNC, NEW);
}

/* A pid that is not running: a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0)
		_exit(0);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

Test(write, stale_temporaries_swept)
{
	_cleanup_free_ char *path = in_dir("config.json");
	_cleanup_free_ char *stale = NULL, *live = NULL, *other = in_dir(".hardrun-notes");
	_cleanup_free_ char *text = NULL;
	hr_error err = { 0 };

	stale = hr_xasprintf("%s/.hardrun-tmp.%ld.0123456789abcdef", dir, (long)dead_pid());
	/* pid 1 is alive: its writer may still be busy */
	live = hr_xasprintf("%s/.hardrun-tmp.1.fedcba9876543210", dir);
	hrt_write_file(path, OLD);
	hrt_write_file(stale, "{\"half\": ");
	hrt_write_file(live, "{\"busy\": ");
	hrt_write_file(other, "keep");
	cr_assert_eq(write_config(NEW, 0644, (uid_t)-1, (gid_t)-1, &err), 0, "%s", err.msg);
	cr_assert_neq(access(stale, F_OK), 0, "the dead writer's temporary is still there");
	cr_assert_eq(access(live, F_OK), 0, "a live writer's temporary was removed");
	cr_assert_eq(access(other, F_OK), 0, "an unrelated file was removed");
	text = config_text();
	cr_assert_str_eq(text, NEW);
}

/* Run the write in a child with its own mount namespace in which the
 * bundle directory is a read-only bind mount. Exit codes: 0 the write
 * failed with EROFS and said so, 1 it did not, 77 no mount namespace. */
static int write_on_read_only_bind(char *msg, size_t cap)
{
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct hr_bundle b;
		hr_error err = { 0 };
		int r;

		close(pfd[0]);
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount(dir, dir, NULL, MS_BIND, NULL) < 0 ||
		    mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
			_exit(77);
		if (hr_bundle_open(dir, &b, &err) < 0)
			_exit(2);
		r = hr_bundle_write(&b, "config.json", NEW, strlen(NEW), 0644, (uid_t)-1,
				    (gid_t)-1, &err);
		(void)!write(pfd[1], err.msg, strlen(err.msg));
		_exit(r == -EROFS ? 0 : 1);
	}
	close(pfd[1]);
	n = read(pfd[0], msg, cap - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

Test(write, read_only_directory)
{
	_cleanup_free_ char *path = in_dir("config.json");
	_cleanup_free_ char *text = NULL;
	char msg[HR_ERROR_MAX];
	int r;

	hrt_write_file(path, OLD);
	r = write_on_read_only_bind(msg, sizeof msg);
	if (r == 77)
		cr_skip_test("cannot make a read-only bind mount here (needs root with "
			     "CAP_SYS_ADMIN); the read-only directory case is untested");
	cr_assert_eq(r, 0, "expected EROFS, got: %s", msg);
	cr_assert_not_null(strstr(msg, "(fix: make the directory writable)"), "%s", msg);
	text = config_text();
	cr_assert_str_eq(text, OLD);
	cr_assert_eq(count_temps(), 0);
}

/* hr_write_file: the outputs users keep (export -o, learn -o, sbom -o). */
Test(write, file_by_path_replaces_whole)
{
	_cleanup_free_ char *path = in_dir("out.json");
	_cleanup_free_ char *text = NULL;
	hr_error err = { 0 };
	struct stat st;

	cr_assert_eq(hr_write_file(path, OLD, 0644, &err), 0, "%s", err.msg);
	cr_assert_eq(hr_write_file(path, NEW, 0640, &err), 0, "%s", err.msg);
	text = hrt_read_file(path, NULL);
	cr_assert_str_eq(text, NEW);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert_eq(count_temps(), 0);
}

Test(write, file_by_path_bad_paths_change_nothing)
{
	_cleanup_free_ char *path = in_dir("out.json");
	_cleanup_free_ char *missing = in_dir("no/such/dir/out.json");
	_cleanup_free_ char *slash = in_dir("out.json/");
	_cleanup_free_ char *text = NULL;
	hr_error err = { 0 };

	hrt_write_file(path, OLD);
	cr_assert_lt(hr_write_file(missing, NEW, 0644, &err), 0);
	cr_assert_not_null(strstr(err.msg, "cannot be opened"), "%s", err.msg);
	hr_error_clear(&err);
	cr_assert_eq(hr_write_file(slash, NEW, 0644, &err), -EISDIR, "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "give a file name"), "%s", err.msg);
	hr_error_clear(&err);
	cr_assert_lt(hr_write_file(dir, NEW, 0644, &err), 0, "a directory as the file");
	text = hrt_read_file(path, NULL);
	cr_assert_str_eq(text, OLD);
	cr_assert_eq(count_temps(), 0);
}
