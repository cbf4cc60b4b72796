/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Workloads that need system calls the restricted profile denies, for
 * `--explain` and `hardrun learn` (tests/integration/explain.sh, learn.sh).
 * Each does real work with them and exits 1, naming the call that failed,
 * when one is refused:
 *
 *   probe keyctl          look up the session keyring (keyctl)
 *   probe keyring         store a secret in the process keyring and read it
 *                         back (add_key, keyctl)
 *   probe uring           submit a request through an io_uring and reap its
 *                         completion (io_uring_setup, io_uring_enter)
 *   probe deny-loop N     call keyctl N times; report how many calls failed
 *                         with which errno and how many succeeded
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe_trace.h"

static const char *err_name(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

static int fail(const char *key, const char *call, int e)
{
	printf("%s=%s (%s)\n", key, err_name(e), call);
	return 1;
}

static int keyctl_session(void)
{
	long r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);

	if (r < 0)
		return fail("keyctl", "keyctl", errno);
	printf("keyctl=ok\n");
	return 0;
}

static int keyring(void)
{
	static const char secret[] = "hardrun-learned-this";
	char back[64] = "";
	long id, n;

	id = syscall(SYS_add_key, "user", "hardrun-probe", secret, sizeof secret - 1,
		     KEY_SPEC_PROCESS_KEYRING);
	if (id < 0)
		return fail("keyring", "add_key", errno);
	n = syscall(SYS_keyctl, KEYCTL_READ, id, back, sizeof back - 1);
	if (n < 0)
		return fail("keyring", "keyctl", errno);
	if (n != (long)sizeof secret - 1 || memcmp(back, secret, sizeof secret - 1) != 0) {
		printf("keyring=mismatch\n");
		return 1;
	}
	printf("keyring=ok\n");
	return 0;
}

static int uring(void)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask, tail, idx, head;
	size_t sq_len, cq_len;
	char *sq, *cq;
	long fd, r;

	memset(&p, 0, sizeof p);
	fd = syscall(SYS_io_uring_setup, 4, &p);
	if (fd < 0)
		return fail("uring", "io_uring_setup", errno);
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if ((p.features & IORING_FEAT_SINGLE_MMAP) && cq_len > sq_len)
		sq_len = cq_len;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, (int)fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return fail("uring", "mmap", errno);
	cq = (p.features & IORING_FEAT_SINGLE_MMAP)
		     ? sq
		     : mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, (int)fd,
			    IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof *sqes, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, (int)fd, IORING_OFF_SQES);
	if (cq == MAP_FAILED || sqes == MAP_FAILED)
		return fail("uring", "mmap", errno);
	sq_tail = (unsigned *)(sq + p.sq_off.tail);
	sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	sq_array = (unsigned *)(sq + p.sq_off.array);
	cq_head = (unsigned *)(cq + p.cq_off.head);
	cq_tail = (unsigned *)(cq + p.cq_off.tail);
	cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);

	/* One no-op request, tagged, and its completion. */
	tail = *sq_tail;
	idx = tail & *sq_mask;
	memset(&sqes[idx], 0, sizeof sqes[idx]);
	sqes[idx].opcode = IORING_OP_NOP;
	sqes[idx].user_data = 0x4852;
	sq_array[idx] = idx;
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
	r = syscall(SYS_io_uring_enter, (int)fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	if (r < 0)
		return fail("uring", "io_uring_enter", errno);
	head = __atomic_load_n(cq_head, __ATOMIC_ACQUIRE);
	if (head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
		printf("uring=no-completion\n");
		return 1;
	}
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) + (head & *cq_mask);
	if (cqe->user_data != 0x4852 || cqe->res != 0) {
		printf("uring=bad-completion res=%d\n", cqe->res);
		return 1;
	}
	__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
	close((int)fd);
	printf("uring=ok\n");
	return 0;
}

static int deny_loop(long n)
{
	long ok = 0, failed = 0;
	int first = 0;

	for (long i = 0; i < n; i++) {
		if (syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) >= 0) {
			ok++;
		} else {
			failed++;
			first = first ? first : errno;
		}
	}
	printf("deny_loop_ok=%ld\ndeny_loop_failed=%ld\ndeny_loop_errno=%s\n", ok, failed,
	       first ? err_name(first) : "none");
	return 0;
}

bool probe_trace_mode(const char *mode)
{
	return strcmp(mode, "keyctl") == 0 || strcmp(mode, "keyring") == 0 ||
	       strcmp(mode, "uring") == 0 || strcmp(mode, "deny-loop") == 0;
}

int probe_trace(int argc, char **argv)
{
	if (strcmp(argv[1], "keyctl") == 0)
		return keyctl_session();
	if (strcmp(argv[1], "keyring") == 0)
		return keyring();
	if (strcmp(argv[1], "uring") == 0)
		return uring();
	if (strcmp(argv[1], "deny-loop") == 0)
		return deny_loop(argc >= 3 ? atol(argv[2]) : 1);
	return 2;
}
