/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filterdump PID: the seccomp filters process PID has loaded, as the
 * kernel holds them, read from outside with PTRACE_SECCOMP_GET_FILTER
 * (tests/integration/crun-bpf.sh). One line per filter, the newest first:
 * its length in instructions and the instructions in hex. The process is
 * stopped for the read (PTRACE_SEIZE, PTRACE_INTERRUPT) and let go again.
 * Exit status 0, or 1 with a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

int main(int argc, char **argv)
{
	pid_t pid;
	int status, rc = 0;

	if (argc != 2 || (pid = (pid_t)atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: filterdump PID\n");
		return 1;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) {
		fprintf(stderr, "filterdump: ptrace %d: %s\n", (int)pid, strerror(errno));
		return 1;
	}
	if (waitpid(pid, &status, __WALL) < 0) {
		fprintf(stderr, "filterdump: waitpid %d: %s\n", (int)pid, strerror(errno));
		return 1;
	}
	for (long i = 0;; i++) {
		long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, NULL);
		struct sock_filter *f;
		if (n < 0) {
			if (errno != ENOENT || i == 0) {
				fprintf(stderr, "filterdump: filter %ld of %d: %s\n", i, (int)pid,
					strerror(errno));
				rc = 1;
			}
			break;
		}
		if (!(f = calloc((size_t)n, sizeof *f)) ||
		    ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, f) != n) {
			fprintf(stderr, "filterdump: filter %ld of %d: %s\n", i, (int)pid,
				strerror(errno));
			free(f);
			rc = 1;
			break;
		}
		printf("%ld ", n);
		for (long k = 0; k < n; k++)
			printf("%04x%02x%02x%08x", f[k].code, f[k].jt, f[k].jf, f[k].k);
		printf("\n");
		free(f);
	}
	(void)ptrace(PTRACE_DETACH, pid, 0, 0);
	return rc;
}
