/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host id ranges (src/host/runtime/idrange.c): one range is one container's
 * however many hardruns take, sweep and release at once; a range file is
 * never seen without its owner; a dead taker's leftovers are swept.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hardrun/idrange.h"
#include "helpers.h"

static char *tmp;
static struct hr_state st = { .fd = -1, .bundles_fd = -1 };
static int ranges = -1;
static const struct hr_idpool pool = { .base = 3000000000u, .size = 65536, .count = 3 };

static void setup(void)
{
	tmp = hrt_mkdtemp();
	st.path = tmp;
	st.fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(st.fd, 0);
	cr_assert_eq(mkdirat(st.fd, "bundles", 0700), 0);
	cr_assert_eq(mkdirat(st.fd, "held", 0700), 0);
	st.bundles_fd = openat(st.fd, "bundles", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(st.bundles_fd, 0);
	/* Not privileged: nothing is mounted, the directory is the test's. */
	st.privileged = false;
	cr_assert_eq(mkdirat(st.bundles_fd, HR_IDRANGE_DIR, 0700), 0);
	ranges = openat(st.bundles_fd, HR_IDRANGE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(ranges, 0);
}

static void teardown(void)
{
	close(ranges);
	close(st.bundles_fd);
	close(st.fd);
	hrt_rm_rf(tmp);
	free(tmp);
}

TestSuite(idrange, .init = setup, .fini = teardown);

/* The names in the ranges' directory, one per line, sorted by readdir. */
static size_t entries(void)
{
	char path[4096];
	size_t n = 0;
	FILE *ls;

	snprintf(path, sizeof path, "ls -A '%s/bundles/%s'", tmp, HR_IDRANGE_DIR);
	ls = popen(path, "r");
	cr_assert_not_null(ls);
	while (fgets(path, sizeof path, ls))
		n++;
	pclose(ls);
	return n;
}

/* One taker: `rounds` times sweep, take, hold (a marker only the holder of
 * the range may make), release. Exits 1 when a range was someone else's
 * at the same time. */
static void taker(int who, int rounds)
{
	int held = openat(st.fd, "held", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (int j = 0; j < rounds; j++) {
		struct hr_idrange r;
		char owner[64], marker[16];
		int fd;

		hr_idrange_sweep(&st);
		snprintf(owner, sizeof owner, "root/c%d-%d", who, j);
		if (hr_idrange_take(&st, &pool, owner, &r, NULL) < 0)
			continue; /* all taken: fine */
		snprintf(marker, sizeof marker, "%u", r.index);
		fd = openat(held, marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			_exit(1);
		close(fd);
		sched_yield();
		unlinkat(held, marker, 0);
		hr_idrange_release(&st, r.index);
		hr_idrange_close(&r);
	}
	_exit(0);
}

Test(idrange, parallel_takers_and_sweepers_never_share_a_range)
{
	enum { TAKERS = 6, ROUNDS = 1500 };
	pid_t pid[TAKERS];
	int shared = 0;

	for (int i = 0; i < TAKERS; i++) {
		pid[i] = fork();
		cr_assert_geq(pid[i], 0);
		if (pid[i] == 0)
			taker(i, ROUNDS);
	}
	for (int i = 0; i < TAKERS; i++) {
		int status;

		cr_assert_eq(waitpid(pid[i], &status, 0), pid[i]);
		cr_assert(WIFEXITED(status));
		shared += WEXITSTATUS(status) != 0;
	}
	cr_expect_eq(shared, 0, "%d of %d takers held a range another one held", shared, TAKERS);
	cr_expect_eq(entries(), 0, "range or claim files are left");
}

Test(idrange, a_range_file_names_its_owner_from_the_start)
{
	struct hr_idrange r;
	hr_error err = { 0 };
	char name[16], buf[64];
	ssize_t n;
	int fd;

	cr_assert_eq(hr_idrange_take(&st, &pool, "root/first", &r, &err), 0, "%s", err.msg);
	cr_expect_eq(r.host, pool.base + r.index * pool.size);
	cr_expect_eq(r.size, pool.size);
	snprintf(name, sizeof name, "%u", r.index);
	fd = openat(ranges, name, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	n = read(fd, buf, sizeof buf - 1);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	cr_expect_str_eq(buf, "root/first\n");
	/* Locked by its taker: a sweep leaves it, though no bundle exists. */
	cr_expect_neq(flock(fd, LOCK_EX | LOCK_NB), 0);
	hr_idrange_sweep(&st);
	cr_expect_eq(faccessat(ranges, name, F_OK, 0), 0);
	/* Nothing but the range: the claim it was linked from is gone. */
	cr_expect_eq(entries(), 1);
	/* Unlocked and its owner gone: swept. */
	hr_idrange_close(&r);
	hr_idrange_sweep(&st);
	cr_expect_neq(faccessat(ranges, name, F_OK, 0), 0);
	close(fd);
}

Test(idrange, a_dead_takers_claim_is_swept_a_live_one_is_not)
{
	int dead = openat(ranges, ".take.1.1", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int live = openat(ranges, ".take.2.2", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	cr_assert_geq(dead, 0);
	cr_assert_geq(live, 0);
	close(dead);
	cr_assert_eq(flock(live, LOCK_EX), 0);
	/* A child sweeps: flock is per open file, so ours counts. */
	if (fork() == 0) {
		hr_idrange_sweep(&st);
		_exit(0);
	}
	wait(NULL);
	cr_expect_neq(faccessat(ranges, ".take.1.1", F_OK, 0), 0, "a dead taker's claim stays");
	cr_expect_eq(faccessat(ranges, ".take.2.2", F_OK, 0), 0, "a live taker's claim was swept");
	close(live);
}

Test(idrange, a_full_pool_is_refused_saying_how_to_grow_it)
{
	struct hr_idrange r[3];
	struct hr_idrange more;
	hr_error err = { 0 };
	char owner[32];

	for (int i = 0; i < 3; i++) {
		snprintf(owner, sizeof owner, "root/c%d", i);
		cr_assert_eq(hr_idrange_take(&st, &pool, owner, &r[i], &err), 0, "%s", err.msg);
	}
	cr_expect_neq(r[0].index, r[1].index);
	cr_expect_neq(r[1].index, r[2].index);
	cr_expect_neq(r[0].index, r[2].index);
	cr_expect_eq(hr_idrange_take(&st, &pool, "root/c3", &more, &err), -ENOSPC);
	cr_expect(strstr(err.msg, "userNamespaces") != NULL, "%s", err.msg);
	cr_expect_eq(entries(), 3, "a refused take leaves its claim");
	for (int i = 0; i < 3; i++)
		hr_idrange_close(&r[i]);
}

Test(idrange, a_full_pool_frees_the_ranges_of_dead_takers_once)
{
	struct hr_idrange r[3], more, held;
	hr_error err = { 0 };
	char owner[32];

	/* Three ranges whose takers died before their bundles existed:
	 * unlocked, owners gone. Taking does not sweep while ranges are free. */
	for (int i = 0; i < 3; i++) {
		snprintf(owner, sizeof owner, "root/dead%d", i);
		cr_assert_eq(hr_idrange_take(&st, &pool, owner, &r[i], &err), 0, "%s", err.msg);
		hr_idrange_close(&r[i]);
	}
	cr_expect_eq(entries(), 3);
	/* The pool is full: the take sweeps it once and finds a range. */
	cr_assert_eq(hr_idrange_take(&st, &pool, "root/live", &more, &err), 0, "%s", err.msg);
	cr_expect_eq(entries(), 1, "a dead taker's range is left after the sweep");
	/* A range still held is never swept: full again, refused. */
	for (int i = 0; i < 2; i++) {
		snprintf(owner, sizeof owner, "root/held%d", i);
		cr_assert_eq(hr_idrange_take(&st, &pool, owner, &r[i], &err), 0, "%s", err.msg);
	}
	cr_expect_eq(hr_idrange_take(&st, &pool, "root/more", &held, &err), -ENOSPC);
	cr_expect_eq(entries(), 3);
	hr_idrange_close(&more);
	for (int i = 0; i < 2; i++)
		hr_idrange_close(&r[i]);
}
