/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A string map with a keyed hash: see include/hardrun/strmap.h. */
#include "config.h"

#include <string.h>
#include <sys/random.h>

#include "hardrun/strmap.h"

static uint64_t sip_key[2];
static bool sip_keyed;

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1;                                                      \
		v1 = ROTL(v1, 13);                                             \
		v1 ^= v0;                                                      \
		v0 = ROTL(v0, 32);                                             \
		v2 += v3;                                                      \
		v3 = ROTL(v3, 16);                                             \
		v3 ^= v2;                                                      \
		v0 += v3;                                                      \
		v3 = ROTL(v3, 21);                                             \
		v3 ^= v0;                                                      \
		v2 += v1;                                                      \
		v1 = ROTL(v1, 17);                                             \
		v1 ^= v2;                                                      \
		v2 = ROTL(v2, 32);                                             \
	} while (0)

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

uint64_t hr_hash(const void *data, size_t len)
{
	const unsigned char *in = data;
	uint64_t v0, v1, v2, v3, b = (uint64_t)len << 56, m;
	size_t i, end = len - len % 8;

	if (!sip_keyed) {
		/* A key the input cannot know. Without the kernel's pool
		 * (never on Linux >= 3.17) the address of the key is better
		 * than a constant. */
		if (getrandom(sip_key, sizeof sip_key, GRND_NONBLOCK) != (ssize_t)sizeof sip_key)
			sip_key[0] = (uint64_t)(uintptr_t)&sip_key, sip_key[1] = ~sip_key[0];
		sip_keyed = true;
	}
	v0 = sip_key[0] ^ UINT64_C(0x736f6d6570736575);
	v1 = sip_key[1] ^ UINT64_C(0x646f72616e646f6d);
	v2 = sip_key[0] ^ UINT64_C(0x6c7967656e657261);
	v3 = sip_key[1] ^ UINT64_C(0x7465646279746573);
	for (i = 0; i < end; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t k = 0; k < len % 8; k++)
		b |= (uint64_t)in[end + k] << (8 * k);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static struct hr_strmap_entry *slot(const struct hr_strmap *m, const char *key, size_t len,
				    uint64_t h)
{
	size_t mask = m->cap - 1;

	/* Linear probing in a table at most half full. */
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct hr_strmap_entry *e = &m->v[i];
		if (!e->key || (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0))
			return e;
	}
}

static void grow(struct hr_strmap *m)
{
	struct hr_strmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 16;
	m->v = hr_xcalloc(m->cap, sizeof *m->v);
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i].key)
			*slot(m, old.v[i].key, old.v[i].len, old.v[i].hash) = old.v[i];
	free(old.v);
}

bool hr_strmap_put(struct hr_strmap *m, const char *key, size_t len, uintptr_t value,
		   uintptr_t *ret_old)
{
	uint64_t h = hr_hash(key, len);
	struct hr_strmap_entry *e;

	if (2 * (m->n + 1) > m->cap)
		grow(m);
	e = slot(m, key, len, h);
	if (e->key) {
		if (ret_old)
			*ret_old = e->value;
		e->value = value;
		return true;
	}
	e->key = hr_xmalloc(len + 1);
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	e->len = len;
	e->hash = h;
	e->value = value;
	m->n++;
	return false;
}

bool hr_strmap_get(const struct hr_strmap *m, const char *key, size_t len, uintptr_t *ret)
{
	const struct hr_strmap_entry *e;

	if (!m->cap)
		return false;
	e = slot(m, key, len, hr_hash(key, len));
	if (!e->key)
		return false;
	if (ret)
		*ret = e->value;
	return true;
}

void hr_strmap_done(struct hr_strmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	*m = (struct hr_strmap){ 0 };
}
