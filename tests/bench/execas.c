/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * execas: a fixed command line for an engine that takes the path of its
 * runtime and no arguments (ctr --runc-binary, containerd's BinaryName).
 * A copy at PATH executes the words of the file PATH.argv, one per line
 * (the program, then its first arguments), followed by its own arguments.
 *
 * scripts/bench puts a copy in front of runc and another in front of
 * `hardrun --hardrun-config FILE`, so that the wrapper's cost, the same on
 * both sides, cancels out of the ratio. It is static and small: its
 * exec costs a fraction of a millisecond.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_WORDS 32

__attribute__((noreturn)) static void die(const char *what, const char *path)
{
	fprintf(stderr, "execas: %s %s: %s\n", what, path, strerror(errno));
	exit(127);
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], file[PATH_MAX + 8], text[4096];
	char *words[MAX_WORDS + 1], **v, *save = NULL;
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	size_t n = 0, got = 0;
	int fd;

	if (len < 0)
		die("cannot read", "/proc/self/exe");
	self[len] = '\0';
	snprintf(file, sizeof file, "%s.argv", self);
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		die("cannot open", file);
	for (;;) {
		ssize_t r = read(fd, text + got, sizeof text - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("cannot read", file);
		if (r == 0)
			break;
		got += (size_t)r;
		if (got == sizeof text - 1) {
			errno = EFBIG;
			die("too long:", file);
		}
	}
	close(fd);
	text[got] = '\0';
	for (char *w = strtok_r(text, "\n", &save); w && n < MAX_WORDS; w = strtok_r(NULL, "\n", &save))
		words[n++] = w;
	if (n == 0) {
		errno = EINVAL;
		die("no program in", file);
	}
	v = calloc(n + (size_t)argc, sizeof *v);
	if (!v)
		die("out of memory for", file);
	memcpy(v, words, n * sizeof *v);
	memcpy(v + n, argv + 1, ((size_t)argc - 1) * sizeof *v);
	execv(v[0], v);
	die("cannot execute", v[0]);
}
