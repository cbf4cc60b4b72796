/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flat form of a resolved profile (profile_flat.h). The structure is
 * written as it lies in memory, for its scalars, followed by what each of
 * its pointers holds; reading copies the structure back and gives every
 * pointer a fresh allocation, so hr_profile_free() frees the result as
 * it frees a parsed profile.
 *
 * A pointer member this file does not know would come back pointing into
 * the process that wrote the cache. The size check below stops the build
 * when struct hr_profile changes: add the new member's content to
 * flatten() and unflatten() (or confirm it is a scalar) and update the
 * size.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/json.h"
#include "hardrun/profile_flat.h"

_Static_assert(sizeof(struct hr_profile) == 640,
	       "struct hr_profile changed: carry its new members in src/core/profile_flat.c "
	       "(pointers in flatten() and unflatten()), then update this size");
_Static_assert(sizeof(struct hr_seccomp_profile) == 64,
	       "struct hr_seccomp_profile changed: see src/core/profile_flat.c");
_Static_assert(sizeof(struct hr_image_policy) == 32,
	       "struct hr_image_policy changed: see src/core/profile_flat.c");

/* Bumped whenever the encoding below changes. */
#define FLAT_VERSION 1
#define NONE UINT32_MAX

const char *hr_profile_flat_signature(void)
{
	static char sig[64];

	if (!sig[0])
		snprintf(sig, sizeof sig, "flat%d/%zu/%zu/%zu", FLAT_VERSION,
			 sizeof(struct hr_profile), sizeof(struct hr_seccomp_profile),
			 sizeof(struct hr_image_policy));
	return sig;
}

/* --- writing ------------------------------------------------------------- */

static void put_u32(struct hr_buf *b, uint32_t v)
{
	hr_buf_add(b, &v, sizeof v);
}

static void put_str(struct hr_buf *b, const char *s)
{
	if (!s) {
		put_u32(b, NONE);
		return;
	}
	size_t n = strlen(s);
	put_u32(b, (uint32_t)n);
	hr_buf_add(b, s, n);
}

static void put_strn(struct hr_buf *b, char *const *v, size_t n)
{
	if (!v) {
		put_u32(b, NONE);
		return;
	}
	put_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		put_str(b, v[i]);
}

static void put_strv(struct hr_buf *b, char *const *v)
{
	put_strn(b, v, hr_strv_len(v));
}

void hr_profile_flatten(const struct hr_profile *p, struct hr_buf *b)
{
	const struct hr_seccomp_profile *sc = &p->seccomp;
	char *rules = NULL;

	hr_buf_add(b, p, sizeof *p);
	put_str(b, p->name);
	put_str(b, p->source);
	put_str(b, p->description);
	put_str(b, sc->default_action);
	put_strn(b, sc->arch_names, sc->n_arch);
	hr_buf_add(b, sc->arch_tokens, sc->n_arch * sizeof *sc->arch_tokens);
	put_strn(b, sc->allow, sc->n_allow);
	/* hardrun's printer keeps long numbers' text; its parser restores it. */
	rules = sc->rules ? hr_json_print(sc->rules, false) : NULL;
	put_str(b, rules);
	free(rules);
	put_strv(b, p->rootfs.writable);
	put_str(b, p->rootfs.tmpfs_options);
	put_strv(b, p->mounts.denied_sources);
	put_strv(b, p->mounts.allowed_sources);
	put_strv(b, p->mounts.writable_sources);
	put_strv(b, p->mounts.denied_types);
	put_strv(b, p->mounts.allowed_types);
	put_strv(b, p->mounts.device_sources);
	put_strv(b, p->mounts.allowed_sockets);
	put_strv(b, p->hooks.trusted);
	hr_buf_add(b, p->userns.host_ranges,
		   p->userns.host_ranges ? p->userns.n_host_ranges * sizeof *p->userns.host_ranges
					 : 0);
	put_u32(b, p->userns.host_ranges ? 1 : 0);
	put_strv(b, p->masked_paths);
	put_strv(b, p->readonly_paths);
	for (size_t i = 0; i < p->n_devices; i++) {
		hr_buf_add(b, &p->devices[i], sizeof p->devices[i]);
		put_str(b, p->devices[i].path);
	}
	hr_buf_add(b, p->dev_cgroup, p->n_dev_cgroup * sizeof *p->dev_cgroup);
	put_strv(b, p->sysctl_allow);
	put_strv(b, p->annotations_allow);
	put_strv(b, p->image.allowed_refs);
	put_strv(b, p->notes);
}

/* --- reading ------------------------------------------------------------- */

struct rd {
	const char *p, *end;
	bool bad;
};

static const void *take(struct rd *r, size_t n)
{
	const void *at = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return at;
}

static uint32_t get_u32(struct rd *r)
{
	uint32_t v = NONE;
	const void *at = take(r, sizeof v);

	if (at)
		memcpy(&v, at, sizeof v);
	return v;
}

static char *get_str(struct rd *r)
{
	uint32_t n = get_u32(r);
	const char *at;
	char *s;

	if (n == NONE || r->bad)
		return NULL;
	if (!(at = take(r, n)))
		return NULL;
	s = hr_xmalloc((size_t)n + 1);
	memcpy(s, at, n);
	s[n] = '\0';
	return s;
}

/* A NULL-terminated vector (NULL when none was written); its length in
 * *ret_n. */
static char **get_strv(struct rd *r, size_t *ret_n)
{
	uint32_t n = get_u32(r);
	char **v;

	if (ret_n)
		*ret_n = 0;
	if (n == NONE || r->bad)
		return NULL;
	/* Each string takes at least its length: a count beyond the bytes
	 * left is no profile of ours. */
	if (n > (size_t)(r->end - r->p) / sizeof(uint32_t)) {
		r->bad = true;
		return NULL;
	}
	v = hr_xcalloc((size_t)n + 1, sizeof *v);
	for (uint32_t i = 0; i < n && !r->bad; i++)
		if (!(v[i] = get_str(r)))
			r->bad = true;
	if (ret_n)
		*ret_n = n;
	return v;
}

/* A copy of `n` items of `size` bytes (NULL for none). */
static void *get_array(struct rd *r, size_t n, size_t size, size_t extra)
{
	const void *at;
	void *v;

	if (n > (size_t)(r->end - r->p) / (size ? size : 1)) {
		r->bad = true;
		return NULL;
	}
	if (!(at = take(r, n * size)))
		return NULL;
	v = hr_xcalloc(n + extra, size);
	memcpy(v, at, n * size);
	return v;
}

int hr_profile_unflatten(const void *data, size_t len, struct hr_profile **ret)
{
	struct rd r = { .p = data, .end = (const char *)data + len };
	const struct hr_profile *raw = take(&r, sizeof *raw);
	struct hr_profile *p;
	struct hr_seccomp_profile *sc;
	_cleanup_free_ char *rules = NULL;
	size_t n;

	if (!raw)
		return -EINVAL;
	p = hr_xmalloc(sizeof *p);
	memcpy(p, raw, sizeof *p);
	sc = &p->seccomp;
	/* Every pointer is the writer's: none survives the copy. Counts stay
	 * until their arrays are read, then are set from what was read. */
	p->name = p->source = p->description = NULL;
	sc->default_action = NULL;
	sc->arch_names = NULL;
	sc->arch_tokens = NULL;
	sc->allow = NULL;
	sc->rules = NULL;
	p->rootfs.writable = NULL;
	p->rootfs.tmpfs_options = NULL;
	p->mounts.denied_sources = p->mounts.allowed_sources = p->mounts.writable_sources = NULL;
	p->mounts.denied_types = p->mounts.allowed_types = p->mounts.device_sources = NULL;
	p->mounts.allowed_sockets = NULL;
	p->hooks.trusted = NULL;
	p->userns.host_ranges = NULL;
	p->masked_paths = p->readonly_paths = NULL;
	p->devices = NULL;
	p->dev_cgroup = NULL;
	p->sysctl_allow = p->annotations_allow = NULL;
	p->image.allowed_refs = NULL;
	p->notes = NULL;
	size_t n_devices = p->n_devices, n_host_ranges = p->userns.n_host_ranges;
	size_t n_dev_cgroup = p->n_dev_cgroup, n_arch = sc->n_arch;
	p->n_devices = p->n_dev_cgroup = p->userns.n_host_ranges = 0;
	sc->n_arch = sc->n_allow = 0;

	p->name = get_str(&r);
	p->source = get_str(&r);
	p->description = get_str(&r);
	sc->default_action = get_str(&r);
	sc->arch_names = get_strv(&r, &n);
	if (n != n_arch)
		r.bad = true;
	if (!r.bad) {
		sc->arch_tokens = get_array(&r, n_arch, sizeof *sc->arch_tokens, 0);
		sc->n_arch = sc->arch_tokens || n_arch == 0 ? n_arch : 0;
	}
	sc->allow = get_strv(&r, &sc->n_allow);
	rules = get_str(&r);
	p->rootfs.writable = get_strv(&r, NULL);
	p->rootfs.tmpfs_options = get_str(&r);
	p->mounts.denied_sources = get_strv(&r, NULL);
	p->mounts.allowed_sources = get_strv(&r, NULL);
	p->mounts.writable_sources = get_strv(&r, NULL);
	p->mounts.denied_types = get_strv(&r, NULL);
	p->mounts.allowed_types = get_strv(&r, NULL);
	p->mounts.device_sources = get_strv(&r, NULL);
	p->mounts.allowed_sockets = get_strv(&r, NULL);
	p->hooks.trusted = get_strv(&r, NULL);
	if (!r.bad) {
		struct hr_id_range *ranges =
			get_array(&r, n_host_ranges, sizeof *ranges, 1);
		if (get_u32(&r) == 1 && !r.bad) {
			p->userns.host_ranges = ranges;
			p->userns.n_host_ranges = n_host_ranges;
		} else {
			free(ranges);
		}
	}
	p->masked_paths = get_strv(&r, NULL);
	p->readonly_paths = get_strv(&r, NULL);
	if (!r.bad && n_devices <= len / sizeof *p->devices) {
		p->devices = hr_xcalloc(n_devices + 1, sizeof *p->devices);
		for (size_t i = 0; i < n_devices && !r.bad; i++) {
			const struct hr_device *d = take(&r, sizeof *d);
			if (!d)
				break;
			memcpy(&p->devices[i], d, sizeof *d);
			p->devices[i].path = get_str(&r);
			p->n_devices = i + 1;
		}
	} else {
		r.bad = true;
	}
	if (!r.bad) {
		p->dev_cgroup = get_array(&r, n_dev_cgroup, sizeof *p->dev_cgroup, 1);
		p->n_dev_cgroup = p->dev_cgroup ? n_dev_cgroup : 0;
	}
	p->sysctl_allow = get_strv(&r, NULL);
	p->annotations_allow = get_strv(&r, NULL);
	p->image.allowed_refs = get_strv(&r, NULL);
	p->notes = get_strv(&r, NULL);
	if (!r.bad && rules &&
	    hr_json_parse(rules, strlen(rules), &hr_json_spec_limits, &sc->rules, NULL) < 0)
		r.bad = true;
	if (r.bad || r.p != r.end || !p->name || !p->source || !sc->default_action) {
		hr_profile_free(p);
		return -EINVAL;
	}
	*ret = p;
	return 0;
}
