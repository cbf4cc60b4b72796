/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small static program that integration tests put inside a container
 * to report, from the inside, what hardening took effect. Output is
 * key=value lines; errno values are printed by name.
 *
 *   probe report          identity, capabilities, seccomp, file system, limits
 *   probe forkbomb N      try to have N processes at once; report how far it got
 *   probe alloc MB        allocate and touch MB MiB of memory
 *   probe exit N          exit with status N
 *   probe sleep S         sleep S seconds, ignoring SIGTERM as a pid 1 does
 *   probe sleep-handler S sleep S seconds; exit 0 on SIGTERM
 *   probe escape          what an attacker inside would try, each reported as
 *                         esc_KEY=ok (it worked) or the errno that stopped it
 *   probe ids             uid, euid, gid, egid (a setuid copy of the probe,
 *                         /suid-probe, run by `escape`)
 *   probe fds             the open file descriptors, one number per line (an
 *                         executable named fd-runtime is a fake runtime that
 *                         runs this and ignores its arguments)
 *   probe keyctl|keyring|uring|deny-loop N
 *                         workloads that need calls restricted denies
 *                         (probe_trace.c: --explain and hardrun learn)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "probe_trace.h"

static const char *err_name(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

static void result(const char *key, int rc, int e)
{
	printf("%s=%s\n", key, rc >= 0 ? "ok" : err_name(e));
}

static void status_field(const char *field, const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(field);

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			char *v = line + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			v[strcspn(v, "\n")] = '\0';
			printf("%s=%s\n", key, v);
		}
	}
	fclose(f);
}

static void first_line(const char *path, const char *key)
{
	char buf[128] = "";
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("%s=%s\n", key, err_name(errno));
		return;
	}
	if (fgets(buf, sizeof buf, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	printf("%s=%s\n", key, buf);
}

static void read_bytes(const char *path, const char *key)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		printf("%s=%s\n", key, err_name(errno));
		return;
	}
	n = read(fd, buf, sizeof buf);
	printf("%s=%s%zd\n", key, n < 0 ? "err:" : "bytes:", n < 0 ? (ssize_t)errno : n);
	close(fd);
}

/* Run fn in a child so that a successful unshare/mount does not change
 * the probe itself. */
static void in_child(const char *key, int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int rc = fn();
		_exit(rc < 0 ? (errno & 0xff) : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		printf("%s=child-failed\n", key);
		return;
	}
	printf("%s=%s\n", key, WEXITSTATUS(status) ? err_name(WEXITSTATUS(status)) : "ok");
}

static int do_unshare_user(void) { return unshare(CLONE_NEWUSER); }
static int do_unshare_ns(void) { return unshare(CLONE_NEWNS); }
static int do_mount(void) { return mount("none", "/tmp", "tmpfs", 0, NULL); }
static int do_ptrace(void) { return (int)ptrace(PTRACE_TRACEME, 0, NULL, NULL); }
static int do_setuid0(void) { return setuid(0); }
static int do_chroot(void) { return chroot("/"); }

/* The user namespace as the container sees it: its uid map's lines as
 * INSIDE:OUTSIDE:COUNT joined by ",", and whether host uid 0 is among
 * the ids mapped ("host_root=mapped" for the host's own namespace). */
static void userns_report(void)
{
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long in, out, count;
	bool root = false, first = true;

	if (!f) {
		printf("uid_map=%s\nhost_root=unknown\n", strerror(errno));
		return;
	}
	printf("uid_map=");
	while (fscanf(f, "%lu %lu %lu", &in, &out, &count) == 3) {
		printf("%s%lu:%lu:%lu", first ? "" : ",", in, out, count);
		root |= out == 0;
		first = false;
	}
	fclose(f);
	printf("\nhost_root=%s\n", root ? "mapped" : "unmapped");
}

static void report(void)
{
	int fd, rc;
	long r;
	struct rlimit rl;
	mode_t um = umask(0);

	umask(um);
	printf("uid=%u\ngid=%u\numask=%04o\n", getuid(), getgid(), um);
	userns_report();
	status_field("Groups", "groups");
	status_field("CapEff", "cap_eff");
	status_field("CapPrm", "cap_prm");
	status_field("CapBnd", "cap_bnd");
	status_field("CapAmb", "cap_amb");
	status_field("CapInh", "cap_inh");
	status_field("NoNewPrivs", "no_new_privs");
	status_field("Seccomp", "seccomp");

	fd = open("/probe-write-test", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	result("write_root", fd, errno);
	if (fd >= 0) {
		close(fd);
		unlink("/probe-write-test");
	}
	fd = open("/tmp/probe-write-test", O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	result("write_tmp", fd, errno);
	if (fd >= 0) {
		/* Copy ourselves and try to run the copy: noexec must stop it. */
		int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
		char buf[65536];
		ssize_t n;
		while (src >= 0 && (n = read(src, buf, sizeof buf)) > 0)
			if (write(fd, buf, (size_t)n) != n)
				break;
		if (src >= 0)
			close(src);
		close(fd);
		pid_t pid = fork();
		if (pid == 0) {
			char a0[] = "/tmp/probe-write-test", a1[] = "exit", a2[] = "0";
			char *argv[] = { a0, a1, a2, NULL };
			execv(argv[0], argv);
			_exit(errno & 0xff);
		}
		int status = 0;
		waitpid(pid, &status, 0);
		printf("exec_tmp=%s\n", WIFEXITED(status) && WEXITSTATUS(status)
					       ? err_name(WEXITSTATUS(status))
					       : "ok");
		unlink("/tmp/probe-write-test");
	}

	r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	result("keyctl", (int)r, errno);
	r = syscall(SYS_clone3, NULL, 0);
	result("clone3", (int)r, errno);
	{
		/* struct io_uring_params: 120 bytes, zeroed */
		unsigned char params[120] = { 0 };
		r = syscall(SYS_io_uring_setup, 4, params);
		result("io_uring_setup", (int)r, errno);
		if (r >= 0)
			close((int)r);
	}
	rc = socket(AF_INET, SOCK_RAW, 1);
	result("raw_socket", rc, errno);
	if (rc >= 0)
		close(rc);
	in_child("unshare_user", do_unshare_user);
	in_child("unshare_mount", do_unshare_ns);
	in_child("mount", do_mount);
	in_child("ptrace", do_ptrace);
	in_child("setuid0", do_setuid0);
	in_child("chroot", do_chroot);

	read_bytes("/proc/kcore", "read_kcore");
	read_bytes("/proc/keys", "read_proc_keys");
	read_bytes("/proc/interrupts", "read_interrupts");
	read_bytes("/proc/timer_list", "read_timer_list");
	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	result("write_sysrq", fd, errno);
	if (fd >= 0)
		close(fd);
	fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC);
	result("write_proc_sys", fd, errno);
	if (fd >= 0)
		close(fd);

	if (access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) == 0)
		first_line("/sys/fs/cgroup/memory/memory.limit_in_bytes", "memory_limit");
	else
		first_line("/sys/fs/cgroup/memory.max", "memory_limit");
	if (access("/sys/fs/cgroup/pids/pids.max", F_OK) == 0)
		first_line("/sys/fs/cgroup/pids/pids.max", "pids_limit");
	else
		first_line("/sys/fs/cgroup/pids.max", "pids_limit");
	getrlimit(RLIMIT_CORE, &rl);
	printf("rlimit_core=%llu\n", (unsigned long long)rl.rlim_max);
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("rlimit_nofile=%llu\n", (unsigned long long)rl.rlim_max);
	getrlimit(RLIMIT_NPROC, &rl);
	printf("rlimit_nproc=%llu\n", (unsigned long long)rl.rlim_max);
}

/* --- escape attempts --------------------------------------------------- */

/* Exec the setuid-root copy of the probe as a non-root user (dropping to
 * 1000 first when running as root) and report the euid it got. */
static void setuid_exec(void)
{
	char buf[256] = "", *e;
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (access("/suid-probe", X_OK) < 0) {
		printf("esc_setuid_euid=no-suid-probe\n");
		return;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		char a0[] = "/suid-probe", a1[] = "ids";
		char *argv[] = { a0, a1, NULL };
		(void)dup2(p[1], 1);
		if (getuid() == 0 && (setresgid(1000, 1000, 1000) < 0 || setgroups(0, NULL) < 0 ||
				      setresuid(1000, 1000, 1000) < 0)) {
			printf("cannot-drop-root:%s\n", err_name(errno));
			_exit(1);
		}
		execv(argv[0], argv);
		printf("exec:%s\n", err_name(errno));
		_exit(1);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	waitpid(pid, &status, 0);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	e = strstr(buf, "euid=");
	printf("esc_setuid_euid=%.*s\n", e ? (int)strcspn(e + 5, " ") : (int)strlen(buf),
	       e ? e + 5 : buf);
}

/* PTRACE_ATTACH to a sibling: another process of the container. */
static void ptrace_other(void)
{
	pid_t victim = fork();
	long r;

	if (victim == 0) {
		pause();
		_exit(0);
	}
	r = ptrace(PTRACE_ATTACH, victim, NULL, NULL);
	printf("esc_ptrace_attach=%s\n", r == 0 ? "ok" : err_name(errno));
	if (r == 0) {
		waitpid(victim, NULL, __WALL);
		ptrace(PTRACE_DETACH, victim, NULL, NULL);
	}
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
}

/* Write the hostname sysctl back unchanged: a write that changes nothing
 * but needs /proc/sys writable. */
static void sysctl_write(void)
{
	char name[256] = "";
	FILE *f = fopen("/proc/sys/kernel/hostname", "re");
	int fd;
	ssize_t n = -1;

	if (f) {
		if (!fgets(name, sizeof name, f))
			name[0] = '\0';
		fclose(f);
	}
	fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = write(fd, name, strlen(name));
		close(fd);
	}
	printf("esc_sysctl_write=%s\n", fd >= 0 && n >= 0 ? "ok" : err_name(errno));
}

static unsigned long long cgroup_limit(const char *v1, const char *v2)
{
	char buf[64] = "";
	FILE *f = fopen(access(v1, F_OK) == 0 ? v1 : v2, "re");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] >= '0' && buf[0] <= '9' ? strtoull(buf, NULL, 10) : 0;
}

/* Fork until the pids limit stops it (at most limit + 16). */
static void exceed_pids(void)
{
	unsigned long long limit = cgroup_limit("/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max");
	long want = limit ? (long)limit + 16 : 64, made = 0;
	pid_t *kids = calloc((size_t)want, sizeof *kids);
	int first_err = 0;

	for (long i = 0; i < want && kids; i++) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			first_err = errno;
			break;
		}
		kids[made++] = p;
	}
	printf("esc_pids_limit=%llu\nesc_pids_forked=%ld\nesc_pids=%s\n", limit, made,
	       first_err ? err_name(first_err) : "ok");
	for (long i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	free(kids);
}

/* Allocate and touch 64 MiB more than the memory limit, in a child. */
static void exceed_memory(void)
{
	unsigned long long limit = cgroup_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes",
						"/sys/fs/cgroup/memory.max");
	int status;
	pid_t pid;

	printf("esc_memory_limit=%llu\n", limit);
	if (!limit || limit > (16ULL << 30)) {
		printf("esc_memory=unlimited\n");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		for (unsigned long long done = 0; done < limit + (64ULL << 20); done += 1 << 20) {
			char *p = malloc(1 << 20);
			if (!p)
				_exit(12);
			memset(p, 0x5a, 1 << 20);
		}
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("esc_memory=%s\n", WIFSIGNALED(status) ? "killed"
				  : WEXITSTATUS(status) == 12 ? "ENOMEM"
							      : "ok");
}

static void escape(void)
{
	char buf[1];
	long r;
	int fd;

	/* Who makes the attempts: root of its own user namespace, or not. */
	printf("uid=%u\n", getuid());
	userns_report();
	in_child("esc_mount", do_mount);
	in_child("esc_unshare_user", do_unshare_user);
	setuid_exec();
	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC); /* opened, never written */
	result("esc_sysrq_open_write", fd, errno);
	if (fd >= 0)
		close(fd);
	fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("esc_kcore_read=%s\n", err_name(errno));
	} else {
		r = read(fd, buf, 1);
		printf("esc_kcore_read=%s%ld\n", r < 0 ? "err:" : "bytes:", r < 0 ? (long)errno : r);
		close(fd);
	}
	/* No module is ever loaded: an empty image fails in the kernel after
	 * the permission check; only a refusal before it says EPERM. */
	r = syscall(SYS_init_module, NULL, 0UL, "");
	result("esc_init_module", (int)r, errno);
	r = syscall(SYS_finit_module, -1, "", 0);
	result("esc_finit_module", (int)r, errno);
	ptrace_other();
	fd = socket(AF_INET, SOCK_RAW, 1);
	result("esc_raw_socket", fd, errno);
	if (fd >= 0)
		close(fd);
	sysctl_write();
	fd = open("/probe-escape-test", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	result("esc_write_root", fd, errno);
	if (fd >= 0) {
		close(fd);
		unlink("/probe-escape-test");
	}
	r = mknod("/tmp/probe-mem", S_IFCHR | 0600, makedev(1, 1)); /* /dev/mem */
	result("esc_mknod", (int)r, errno);
	if (r == 0) {
		fd = open("/tmp/probe-mem", O_RDONLY | O_CLOEXEC);
		result("esc_mknod_open", fd, errno);
		if (fd >= 0)
			close(fd);
		unlink("/tmp/probe-mem");
	}
	/* The "shocker" escape: a file handle names a host inode. Without
	 * CAP_DAC_READ_SEARCH the kernel says EPERM before reading it. */
	r = syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, O_RDONLY);
	result("esc_open_by_handle", (int)r, errno);
	exceed_pids();
	exceed_memory();
}

static void fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d))
			printf("%s\n", de->d_name);
	if (d)
		closedir(d);
}

static void forkbomb(long n)
{
	long made = 0;
	int first_err = 0;
	pid_t *kids = calloc((size_t)n, sizeof *kids);

	for (long i = 0; i < n && kids; i++) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			first_err = errno;
			break;
		}
		kids[made++] = p;
	}
	printf("forked=%ld\nfork_error=%s\n", made, first_err ? err_name(first_err) : "none");
	fflush(stdout);
	for (long i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
}

static void alloc(long mb)
{
	for (long i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);
		if (!p) {
			printf("alloc=ENOMEM at %ld MiB\n", i);
			return;
		}
		memset(p, 0x5a, 1 << 20);
	}
	printf("alloc=ok %ld MiB\n", mb);
}

static void on_term(int sig)
{
	static const char msg[] = "got SIGTERM\n";
	(void)sig;
	(void)!write(1, msg, sizeof msg - 1);
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(base ? base + 1 : argv[0], "fd-runtime") == 0)
		fds();
	else if (argc >= 2 && strcmp(argv[1], "report") == 0)
		report();
	else if (argc >= 3 && strcmp(argv[1], "forkbomb") == 0)
		forkbomb(atol(argv[2]));
	else if (argc >= 3 && strcmp(argv[1], "alloc") == 0)
		alloc(atol(argv[2]));
	else if (argc >= 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	else if (argc >= 3 && strcmp(argv[1], "sleep") == 0)
		sleep((unsigned)atoi(argv[2]));
	else if (argc >= 3 && strcmp(argv[1], "sleep-handler") == 0) {
		signal(SIGTERM, on_term);
		sleep((unsigned)atoi(argv[2]));
		printf("slept\n");
	}
	else if (argc >= 2 && strcmp(argv[1], "escape") == 0)
		escape();
	else if (argc >= 2 && strcmp(argv[1], "ids") == 0)
		printf("uid=%u euid=%u gid=%u egid=%u\n", getuid(), geteuid(), getgid(), getegid());
	else if (argc >= 2 && strcmp(argv[1], "fds") == 0)
		fds();
	else if (argc >= 2 && probe_trace_mode(argv[1]))
		return probe_trace(argc, argv); /* probe_trace.c */
	else {
		fprintf(stderr, "usage: probe report|forkbomb N|alloc MB|exit N|sleep S|"
				"sleep-handler S|escape|ids|fds\n");
		return 2;
	}
	return 0;
}
