/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hardrun/pin.h"

void hr_pins_init(struct hr_pins *pins, int base_fd, const char *base)
{
	*pins = (struct hr_pins){ .base_fd = base_fd, .base = base };
}

void hr_pins_done(struct hr_pins *pins)
{
	if (!pins)
		return;
	for (size_t i = 0; i < pins->n; i++) {
		free(pins->v[i]->source);
		free(pins->v[i]->real);
		if (pins->v[i]->fd >= 0)
			(void)close(pins->v[i]->fd);
		free(pins->v[i]);
	}
	free(pins->v);
	*pins = (struct hr_pins){ 0 };
}

static const struct hr_pin *find(const struct hr_pins *pins, const char *source, bool magic)
{
	for (size_t i = 0; i < pins->n; i++)
		if (pins->v[i]->magic == magic && strcmp(pins->v[i]->source, source) == 0)
			return pins->v[i];
	return NULL;
}

const struct hr_pin *hr_pins_find(const struct hr_pins *pins, const char *source)
{
	return find(pins, source, false);
}

static const struct hr_pin *add(struct hr_pins *pins, const struct hr_pin *pin)
{
	if (pins->n == pins->cap) {
		pins->cap = pins->cap ? pins->cap * 2 : 8;
		pins->v = hr_xrealloc(pins->v, pins->cap * sizeof *pins->v);
	}
	pins->v[pins->n] = hr_xmalloc(sizeof *pin);
	*pins->v[pins->n] = *pin;
	return pins->v[pins->n++];
}

static int get(struct hr_pins *pins, const char *source, bool magic, const struct hr_pin **ret,
	       hr_error *err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = magic ? 0 : RESOLVE_NO_MAGICLINKS };
	const struct hr_pin *found = find(pins, source, magic);
	struct hr_pin pin = { .fd = -1, .magic = magic };
	char link[64], real[4096];
	ssize_t n;

	/* A path is opened once: a second look could find something else
	 * (what did not exist then may be a symbolic link to /etc now). */
	if (found && found->fd < 0)
		return hr_err(err, found->error, "%s", found->real);
	if (found) {
		*ret = found;
		return 0;
	}
	if (source[0] != '/' && pins->base_fd < 0)
		return hr_err(err, -EINVAL, "`%s`: a relative path with no bundle to resolve it in",
			      source);
	pin.fd = (int)syscall(SYS_openat2, source[0] == '/' ? AT_FDCWD : pins->base_fd, source,
			      &how, sizeof how);
	/* Kernels before 5.6 (and valgrind) lack openat2: the object is still
	 * opened once, only /proc's magic links are followed. */
	if (pin.fd < 0 && errno == ENOSYS)
		pin.fd = openat(source[0] == '/' ? AT_FDCWD : pins->base_fd, source,
				O_PATH | O_CLOEXEC);
	if (pin.fd < 0) {
		int e = errno;
		pin.real = hr_xasprintf("`%s`%s%s%s: %s%s", source, source[0] == '/' ? "" : " (in ",
					source[0] == '/' ? "" : pins->base,
					source[0] == '/' ? "" : ")",
					e == ENOENT ? "does not exist" : strerror(e),
					e == ELOOP ? " (it goes through a /proc magic link: refused)"
						   : "");
		pin.error = -e;
		pin.source = hr_xstrdup(source);
		add(pins, &pin);
		return hr_err(err, -e, "%s", pin.real);
	}
	snprintf(link, sizeof link, "/proc/self/fd/%d", pin.fd);
	n = readlink(link, real, sizeof real - 1);
	/* (A namespace is no path: "net:[4026531840]".) */
	if (n <= 0 || (real[0] != '/' && !magic) || fstat(pin.fd, &pin.st) < 0) {
		int e = n < 0 ? errno : EINVAL;
		(void)close(pin.fd);
		return hr_err(err, -e, "`%s`: cannot tell what it is: %s", source, strerror(e));
	}
	real[n] = '\0';
	pin.source = hr_xstrdup(source);
	pin.real = hr_xstrdup(real);
	*ret = add(pins, &pin);
	return 0;
}

int hr_pins_get(struct hr_pins *pins, const char *source, const struct hr_pin **ret,
		hr_error *err)
{
	return get(pins, source, false, ret, err);
}

int hr_pins_get_magic(struct hr_pins *pins, const char *source, const struct hr_pin **ret,
		      hr_error *err)
{
	return get(pins, source, true, ret, err);
}

int hr_pin_attach(const struct hr_pin *pin, const struct hr_pbundle *pb, const char *rel,
		  bool recursive, hr_error *err)
{
	_cleanup_close_ int tree = -1;
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;

	if (S_ISDIR(pin->st.st_mode)) {
		if (mkdirat(pb->dirfd, rel, 0700) < 0 && errno != EEXIST)
			return hr_err(err, -errno, "%s/%s: %s", pb->path, rel, strerror(errno));
	} else {
		int fd = openat(pb->dirfd, rel, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return hr_err(err, -errno, "%s/%s: %s", pb->path, rel, strerror(errno));
		(void)close(fd);
	}
	if (recursive)
		flags |= AT_RECURSIVE;
	tree = open_tree(pin->fd, "", flags);
	if (tree < 0 || move_mount(tree, "", pb->dirfd, rel, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return hr_err(err, -errno,
			      "`%s` (%s): cannot pin it for the runtime: %s: %s", pin->source,
			      pin->real, tree < 0 ? "open_tree" : "move_mount", strerror(errno));
	return 0;
}
