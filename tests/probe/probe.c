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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include <sys/wait.h>
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

static void report(void)
{
	int fd, rc;
	long r;
	struct rlimit rl;
	mode_t um = umask(0);

	umask(um);
	printf("uid=%u\ngid=%u\numask=%04o\n", getuid(), getgid(), um);
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
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && strcmp(argv[1], "report") == 0)
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
	else if (argc >= 2 && probe_trace_mode(argv[1]))
		return probe_trace(argc, argv); /* probe_trace.c */
	else {
		fprintf(stderr, "usage: probe report|forkbomb N|alloc MB|exit N|sleep S|sleep-handler S\n");
		return 2;
	}
	return 0;
}
