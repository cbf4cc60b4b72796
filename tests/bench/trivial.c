/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The baseline of scripts/bench's time and memory figures: a C program
 * that does nothing, linked like hardrun (dynamically, with the C
 * library), so that its peak resident set is what loading any such
 * program costs. Given a command, it execs it and does nothing else: an
 * engine -> trivial -> runtime chain costs what any program in hardrun's
 * place would cost, its exec, and nothing of hardrun's own work.
 */
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1) {
		execv(argv[1], argv + 1);
		return 127;
	}
	return 0;
}
