/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A map from byte strings to numbers, for readers of untrusted input
 * that must stay linear: duplicate keys of a manifest's mapping, the
 * variables and stage names of a Dockerfile, the lines of a manifest's
 * nodes. The hash is SipHash-2-4 with a key drawn from the kernel once
 * per process, so keys an attacker chose to collide cost no more than
 * any others (a fixed hash would let one file make every lookup scan
 * the table). { 0 } is an empty map.
 */
#ifndef HARDRUN_STRMAP_H
#define HARDRUN_STRMAP_H

#include "hardrun/util.h"

struct hr_strmap_entry {
	char *key; /* a copy, NUL-terminated; NULL for a free slot */
	size_t len;
	uint64_t hash;
	uintptr_t value;
};

struct hr_strmap {
	struct hr_strmap_entry *v;
	size_t n, cap; /* cap is 0 or a power of two */
};

/* Set key (len bytes) to value. Returns true when the key was there
 * already (its old value in *ret_old, may be NULL). */
bool hr_strmap_put(struct hr_strmap *m, const char *key, size_t len, uintptr_t value,
		   uintptr_t *ret_old);
/* Whether key is there, with its value in *ret (may be NULL). */
bool hr_strmap_get(const struct hr_strmap *m, const char *key, size_t len, uintptr_t *ret);
void hr_strmap_done(struct hr_strmap *m);

/* SipHash-2-4 of the bytes under this process's key. */
uint64_t hr_hash(const void *data, size_t len);

#endif
