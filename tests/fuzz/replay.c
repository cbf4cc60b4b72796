/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replay: a main for a fuzz target, without libFuzzer. It feeds the target
 * each file of tests/fuzz/corpus/TARGET and tests/fuzz/crashers/TARGET (or
 * the files and directories given as arguments), so that `make check`
 * runs every seed and every crash ever found, with any compiler. A
 * violated invariant aborts, naming the input.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fuzz.h"

static size_t run_file(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ uint8_t *buf = NULL;
	struct stat st;
	size_t len = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	buf = hr_xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n <= 0) {
			fprintf(stderr, "replay: %s: read failed\n", path);
			exit(1);
		}
		len += (size_t)n;
	}
	/* Named before it runs: an abort leaves this as the last line. */
	fprintf(stderr, "replay: %s\n", path);
	(void)LLVMFuzzerTestOneInput(buf, len);
	return 1;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in `dir` (sorted), or `dir` itself if it is a file.
 * A missing directory counts 0. */
static size_t run_path(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, done = 0;

	if (!d)
		return errno == ENOTDIR ? run_file(path) : 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "README") != 0)
			(void)hr_strv_push(&names, de->d_name);
	closedir(d);
	n = hr_strv_len(names);
	if (n)
		qsort(names, n, sizeof *names, cmp);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = hr_xasprintf("%s/%s", path, names[i]);
		done += run_file(p);
	}
	hr_strv_free(names);
	return done;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	size_t corpus = 0, crashers = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fz_replay = true;
	(void)LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			corpus += run_path(argv[i]);
	} else {
		_cleanup_free_ char *c = hr_xasprintf("%s/tests/fuzz/corpus/%s", fz_srcdir(),
						      fz_target_name);
		_cleanup_free_ char *k = hr_xasprintf("%s/tests/fuzz/crashers/%s", fz_srcdir(),
						      fz_target_name);
		corpus = run_path(c);
		crashers = run_path(k);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("replay %s: %zu corpus inputs and %zu past crashers, no invariant violated "
	       "(%.1f s)\n",
	       fz_target_name, corpus, crashers,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	/* Replaying nothing proves nothing. */
	if (corpus == 0) {
		fprintf(stderr, "replay %s: no corpus found under %s/tests/fuzz/corpus\n",
			fz_target_name, fz_srcdir());
		return 1;
	}
	return 0;
}
