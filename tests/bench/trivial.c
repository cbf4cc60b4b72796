/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The baseline of scripts/bench's memory figure: a C program that does
 * nothing, linked like hardrun (dynamically, with the C library), so that
 * its peak resident set is what loading any such program costs.
 */
int main(void)
{
	return 0;
}
