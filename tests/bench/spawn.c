/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spawn: scripts/bench's stopwatch. Starts N copies of a command at the
 * same moment and reports, for each, when its first byte of output
 * arrived, when it exited, its exit status and its peak resident memory.
 *
 *   spawn [-n N] -- COMMAND [ARGS...]
 *
 * "{}" in an argument becomes the copy's index (0 to N-1), so that copies
 * can name distinct containers. Each copy's standard input is /dev/null;
 * its standard output and error go to a pipe that spawn reads and
 * discards, except that the first 4 KiB of a copy that fails are shown on
 * stderr. One line per copy, on stdout, in the order the copies were
 * started:
 *
 *   index=I status=S first_ns=F total_ns=T maxrss_kib=M cpu_ns=C
 *
 * F and T count from the moment that copy was forked (CLOCK_MONOTONIC); F
 * is -1 if the copy wrote nothing. T is taken when the process exits (a
 * pidfd becomes readable), not when its output ends. M is wait4()'s
 * ru_maxrss: the peak of the process over its life, across execve() too
 * (the kernel keeps the high-water mark of the image it replaced), and of
 * the children it waited for. It includes what the copy shared with
 * spawn between fork and exec, which is why spawn is built static and
 * small (a static program that does nothing shows about 0.5 MiB). C is
 * the CPU time it used (user and system, with its waited-for children):
 * T much above C is time spent waiting (for the disk, for other
 * processes). S is the exit status, or 128+N after signal N.
 *
 * Why not /usr/bin/time and date: one fork of a helper costs about as much
 * as what is being measured, and they time copies one after another.
 *
 * Exit status: 0 if every copy exited 0, 1 if one did not, 2 for bad
 * usage or a failure of spawn's own.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COPIES 1024
#define KEEP_BYTES 4096
/* After every copy has exited, how long a pipe a grandchild still holds
 * open is read before it is abandoned. */
#define DRAIN_MS 2000

struct copy {
	pid_t pid;
	int out;   /* read end of its output pipe, -1 once closed */
	int pidfd; /* readable when it exits, -1 once reaped */
	int64_t t0, first, total;
	int status;
	long maxrss_kib;
	int64_t cpu_ns;
	char kept[KEEP_BYTES];
	size_t n_kept;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "spawn: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* argv with every "{}" replaced by the index; only in the child, which
 * execs or exits (nothing is freed). */
static char **with_index(char **argv, int argc, unsigned index)
{
	char **v = calloc((size_t)argc + 1, sizeof *v);

	if (!v)
		return argv;
	for (int i = 0; i < argc; i++) {
		v[i] = argv[i];
		for (char *at; (at = strstr(v[i], "{}"));) {
			char *s;
			if (asprintf(&s, "%.*s%u%s", (int)(at - v[i]), v[i], index, at + 2) < 0)
				return argv;
			v[i] = s;
		}
	}
	return v;
}

static void start(struct copy *c, unsigned index, char **argv, int argc)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe2");
	c->t0 = now_ns();
	c->pid = fork();
	if (c->pid < 0)
		die("fork");
	if (c->pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		char **v = with_index(argv, argc, index);

		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		execvp(v[0], v);
		dprintf(2, "spawn: cannot execute %s: %s\n", v[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	c->out = p[0];
	if (fcntl(c->out, F_SETFL, O_NONBLOCK) < 0)
		die("fcntl");
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0)
		die("pidfd_open");
	c->first = -1;
}

static void read_output(struct copy *c)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(c->out, buf, sizeof buf);

		if (n > 0) {
			size_t keep = KEEP_BYTES - c->n_kept;

			if (c->first < 0)
				c->first = now_ns() - c->t0;
			if (keep > (size_t)n)
				keep = (size_t)n;
			memcpy(c->kept + c->n_kept, buf, keep);
			c->n_kept += keep;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close(c->out); /* end of output, or an error: nothing more to read */
		c->out = -1;
		return;
	}
}

static void reap(struct copy *c)
{
	struct rusage ru;
	int status;
	pid_t r;

	c->total = now_ns() - c->t0;
	while ((r = wait4(c->pid, &status, 0, &ru)) < 0 && errno == EINTR)
		;
	if (r < 0)
		die("wait4");
	c->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	c->maxrss_kib = ru.ru_maxrss;
	c->cpu_ns = ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
		    ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
	close(c->pidfd);
	c->pidfd = -1;
}

int main(int argc, char **argv)
{
	static struct copy copies[MAX_COPIES];
	static struct pollfd fds[2 * MAX_COPIES];
	static struct copy *owner[2 * MAX_COPIES];
	unsigned n = 1, running;
	int64_t drain_until = 0;
	int opt, failed = 0;

	while ((opt = getopt(argc, argv, "+n:")) != -1) {
		char *end;
		unsigned long v;

		switch (opt) {
		case 'n':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v < 1 || v > MAX_COPIES) {
				fprintf(stderr, "spawn: -n %s: give 1 to %d copies\n", optarg,
					MAX_COPIES);
				return 2;
			}
			n = (unsigned)v;
			break;
		default:
			fprintf(stderr, "usage: spawn [-n N] -- COMMAND [ARGS...]\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: spawn [-n N] -- COMMAND [ARGS...]\n");
		return 2;
	}

	for (unsigned i = 0; i < n; i++)
		start(&copies[i], i, argv + optind, argc - optind);
	running = n;

	for (;;) {
		nfds_t k = 0;
		int timeout = -1, r;

		for (unsigned i = 0; i < n; i++) {
			if (copies[i].pidfd >= 0) {
				fds[k] = (struct pollfd){ .fd = copies[i].pidfd, .events = POLLIN };
				owner[k++] = &copies[i];
			}
			if (copies[i].out >= 0) {
				fds[k] = (struct pollfd){ .fd = copies[i].out, .events = POLLIN };
				owner[k++] = &copies[i];
			}
		}
		if (k == 0)
			break;
		if (running == 0) {
			int64_t left = drain_until - now_ns();

			if (left <= 0)
				break;
			timeout = (int)(left / 1000000) + 1;
		}
		r = poll(fds, k, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll");
		/* Output first: a copy's last bytes may arrive with its exit. */
		for (nfds_t j = 0; j < k; j++)
			if (fds[j].revents && fds[j].fd == owner[j]->out)
				read_output(owner[j]);
		for (nfds_t j = 0; j < k; j++)
			if (fds[j].revents && fds[j].fd == owner[j]->pidfd) {
				reap(owner[j]);
				if (--running == 0)
					drain_until = now_ns() + (int64_t)DRAIN_MS * 1000000;
			}
	}

	for (unsigned i = 0; i < n; i++) {
		struct copy *c = &copies[i];

		if (c->out >= 0)
			close(c->out);
		printf("index=%u status=%d first_ns=%lld total_ns=%lld maxrss_kib=%ld cpu_ns=%lld\n", i,
		       c->status, (long long)c->first, (long long)c->total, c->maxrss_kib,
		       (long long)c->cpu_ns);
		if (c->status != 0) {
			failed = 1;
			fprintf(stderr, "spawn: copy %u exited with status %d; its output:\n%.*s\n", i,
				c->status, (int)c->n_kept, c->kept);
		}
	}
	return fflush(stdout) == 0 ? failed : 2;
}
