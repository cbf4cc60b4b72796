/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one way the subcommands print an error (cli.h). Apart from main.c so
 * that the subcommands and the dispatcher do not need each other.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "hardrun/sanitize.h"
#include "hardrun/util.h"

void hr_cli_error(const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	/* Messages name files and values from the input: one line, no
	 * terminal sequences (include/hardrun/sanitize.h). */
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	fputs("hardrun: ", stderr);
	hr_fputs_clean(msg, stderr);
	fputc('\n', stderr);
}
