/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/spawn.h"

char **hr_runtime_argv(const char *runtime, char *const *global, const char *const *args)
{
	size_t ng = hr_strv_len(global), na = 0;
	char **v;

	while (args[na])
		na++;
	v = hr_xcalloc(1 + ng + na + 1, sizeof *v);
	v[0] = (char *)runtime;
	for (size_t i = 0; i < ng; i++)
		v[1 + i] = global[i];
	for (size_t i = 0; i < na; i++)
		v[1 + ng + i] = (char *)args[i];
	return v;
}

int hr_run_quiet(char *const *argv)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			(void)dup2(null, 0);
			(void)dup2(null, 1);
			(void)dup2(null, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int hr_exit_status(int wstatus)
{
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);
		sigset_t set;
		/* Die the same way, so the caller sees what it would have seen
		 * had hardrun exec'd the runtime. */
		(void)signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
		(void)raise(sig);
		return 128 + sig;
	}
	return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 125;
}

/* The runtime's process until its exec. */
struct child {
	char *const *argv;
	sigset_t mask;	/* the caller's, restored in the child */
	pid_t parent;
	int exec_errno; /* set when the exec failed */
};

static int exec_child(void *arg)
{
	struct child *c = arg;

	sigprocmask(SIG_SETMASK, &c->mask, NULL);
	/* If hardrun is killed, so is the runtime: whoever killed
	 * hardrun meant the runtime. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != c->parent)
		_exit(125);
	execv(c->argv[0], c->argv);
	c->exec_errno = errno;
	_exit(126);
}

/*
 * Start argv[0] as a child sharing hardrun's memory until its exec
 * (CLONE_VM | CLONE_VFORK, as posix_spawn does): no copy of hardrun's page
 * tables to make and tear down again, which a fork of a process of a few
 * MiB costs at every create. hardrun waits, on a stack of its own that the
 * child borrows, until the child has exec'd or died.
 */
static pid_t spawn(struct child *c)
{
	char stack[32768] __attribute__((aligned(16)));
	pid_t pid = clone(exec_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, c);

	if (pid > 0 && c->exec_errno)
		fprintf(stderr, "hardrun: cannot execute %s: %s\n", c->argv[0],
			strerror(c->exec_errno));
	return pid;
}

int hr_supervise(char *const *argv, char *const *kill_argv, unsigned grace)
{
	static const int sigs[] = { SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD };
	sigset_t set, old;
	struct child c;
	pid_t pid;
	int status = 0, stop_requests = 0;
	struct timespec deadline = { 0 };
	bool killed = false;

	sigemptyset(&set);
	for (size_t i = 0; i < HR_ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	c = (struct child){ .argv = argv, .mask = old, .parent = getpid() };
	pid = spawn(&c);
	if (pid < 0) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -e;
	}
	for (;;) {
		siginfo_t si;
		int sig;

		if (kill_argv && stop_requests && !killed) {
			struct timespec now, left;
			clock_gettime(CLOCK_MONOTONIC, &now);
			left.tv_sec = deadline.tv_sec - now.tv_sec;
			left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
			if (left.tv_nsec < 0) {
				left.tv_sec--;
				left.tv_nsec += 1000000000L;
			}
			sig = left.tv_sec < 0 ? -1 : sigtimedwait(&set, &si, &left);
			if (sig < 0 && (left.tv_sec < 0 || errno == EAGAIN)) {
				(void)hr_run_quiet(kill_argv);
				killed = true;
				continue;
			}
		} else {
			sig = sigwaitinfo(&set, &si);
		}
		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
			continue;
		}
		/* A terminal's Ctrl-C reaches the runtime directly (same process
		 * group); relay only what was sent to hardrun alone. */
		if (si.si_code != SI_KERNEL)
			(void)kill(pid, sig);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
			if (stop_requests++ == 0) {
				clock_gettime(CLOCK_MONOTONIC, &deadline);
				deadline.tv_sec += grace;
			} else {
				deadline.tv_sec = 0; /* a second request: stop now */
				deadline.tv_nsec = 0;
			}
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}
