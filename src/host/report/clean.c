/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing through the output sanitizer (include/hardrun/sanitize.h): the
 * host's half, since the core writes nothing. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "hardrun/sanitize.h"

void hr_fputs_clean(const char *s, FILE *out)
{
	_cleanup_free_ char *t = hr_text_clean(s);

	(void)fputs(t, out);
}

void hr_fprintf_clean(FILE *out, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	hr_fputs_clean(s, out);
}
