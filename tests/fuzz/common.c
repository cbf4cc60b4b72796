/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "hardrun/host.h"
#include "hardrun/seccomp.h"
#include "fake_env.h"

#ifndef FZ_SRCDIR
#define FZ_SRCDIR "."
#endif

struct fz_profile fz_profiles[] = {
	{ "restricted", NULL, NULL }, { "baseline", NULL, NULL }, { "strict", NULL, NULL },
	{ "web", NULL, NULL },	      { "worker", NULL, NULL },	  { "build", NULL, NULL },
	{ "debug", NULL, NULL },
};
const size_t fz_profiles_count = HR_ARRAY_SIZE(fz_profiles);

const char *fz_srcdir(void)
{
	/* A test harness, not hardrun: the environment only says where the
	 * source tree is. */
	const char *s = getenv("top_srcdir");
	return s && *s ? s : FZ_SRCDIR;
}

_Noreturn void fz_die(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz invariant violated: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

void fz_load_profiles(void)
{
	_cleanup_free_ char *dir = NULL;
	char *dirs[2] = { NULL, NULL };

	if (fz_profiles[0].p)
		return;
	dir = hr_xasprintf("%s/profiles", fz_srcdir());
	dirs[0] = dir;
	for (size_t i = 0; i < fz_profiles_count; i++) {
		hr_error err = { 0 };
		if (hr_profile_load(fz_profiles[i].name, dirs, &fz_profiles[i].p, &err) < 0) {
			fprintf(stderr, "fuzz: cannot load profile %s from %s: %s\n",
				fz_profiles[i].name, dir, err.msg);
			exit(2);
		}
		fz_profiles[i].filter = hr_seccomp_profile_filter(&fz_profiles[i].p->seccomp);
	}
}

struct hr_env fz_env(int swap)
{
	struct hr_env env = hrt_fake_env;

	env.swap_accounting = swap;
	return env;
}

char *fz_text(const uint8_t *data, size_t size)
{
	char *t = hr_xmalloc(size + 1);

	if (size)
		memcpy(t, data, size);
	t[size] = '\0';
	return t;
}
