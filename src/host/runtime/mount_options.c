/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <libmount.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/mount_options.h"

/*
 * libmount is loaded when a profile's tmpfs options are first checked, not
 * linked: with libblkid, libselinux and libpcre2 it is most of what the
 * dynamic loader does at start, and a start with a cached profile (every
 * `create` after the first) or a passed-through call never uses it.
 */
static struct {
	bool tried;
	char why[256];
	__typeof__(mnt_get_builtin_optmap) *optmap;
	__typeof__(mnt_optstr_next_option) *next_option;
} mnt;

static bool load_libmount(void)
{
	void *h;

	if (mnt.tried)
		return mnt.optmap && mnt.next_option;
	mnt.tried = true;
	h = dlopen("libmount.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(mnt.why, sizeof mnt.why, "%s", dlerror());
		return false;
	}
	mnt.optmap = (__typeof__(mnt_get_builtin_optmap) *)dlsym(h, "mnt_get_builtin_optmap");
	mnt.next_option = (__typeof__(mnt_optstr_next_option) *)dlsym(h, "mnt_optstr_next_option");
	if (mnt.optmap && mnt.next_option)
		return true;
	snprintf(mnt.why, sizeof mnt.why, "it lacks mnt_get_builtin_optmap or mnt_optstr_next_option");
	mnt.optmap = NULL;
	mnt.next_option = NULL;
	dlclose(h);
	return false;
}

static int ready(hr_error *err)
{
	if (!load_libmount())
		return hr_err(err, HR_E_INVALID,
			      "libmount.so.1 could not be loaded: %s (fix: install libmount1)",
			      mnt.why);
	return 0;
}

static int next(char **optstr, char **name, size_t *namesz, char **value, size_t *valuesz)
{
	return mnt.next_option(optstr, name, namesz, value, valuesz);
}

static bool known(const char *name, size_t namesz)
{
	/* "name=" and "name[=]" in the map are the same option. */
	for (const struct libmnt_optmap *m = mnt.optmap(MNT_LINUX_MAP); m && m->name; m++) {
		size_t l = strcspn(m->name, "=[");
		if (l == namesz && strncmp(m->name, name, l) == 0)
			return true;
	}
	return false;
}

const struct hr_mount_options *hr_mount_options_host(void)
{
	static const struct hr_mount_options host = { ready, next, known };
	return &host;
}
