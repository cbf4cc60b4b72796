/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A file's bytes (its path chosen by the first byte among kinds the
 * scanner treats differently) -> hr_secrets_scan and hr_secret_token_at.
 * Invariants: at most one hit per kind, each of a known kind, on a line
 * the file has; and the private key the scanner finds is the one a naive
 * reader finds, which tries every header afresh (the scanner skips the
 * headers whose bodies it already read: this checks that skipping loses
 * nothing and finds nothing more).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "fuzz.h"
#include "hardrun/image.h"

const char fz_target_name[] = "secrets";

static const char *const paths[] = { "/etc/app/config.yaml", "/app/.env",
				     "/root/.aws/credentials", "/etc/shadow",
				     "/root/.docker/config.json", "/app/data.bin",
				     "/srv/keystore.p12", "/etc/app.properties" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The scanner's rule for a PEM key at s, read without shortcuts. */
static bool naive_key_at(const char *s, size_t len)
{
	static const char begin[] = "-----BEGIN ";
	const char *p, *end = s + len, *k;
	size_t b64 = 0, win = len < 56 ? len : 56;
	const char *nl;

	if (len < 11 || memcmp(s, begin, 11) != 0)
		return false;
	nl = memchr(s, '\n', win);
	k = memmem(s, nl ? (size_t)(nl - s) : win, "PRIVATE KEY-----", 16);
	if (!k || k - s > 40)
		return false;
	for (p = k + 16; p < end;) {
		if (*p == '-' && (size_t)(end - p) >= 9 && memcmp(p, "-----END ", 9) == 0)
			return b64 >= 64;
		if (*p == '-' && (size_t)(end - p) >= 11 && memcmp(p, begin, 11) == 0)
			return false;
		if (*p == '\\' && p + 1 < end && (p[1] == 'n' || p[1] == 'r')) {
			p += 2;
			continue;
		}
		if (isalnum((unsigned char)*p) || *p == '+' || *p == '/' || *p == '=')
			b64++;
		else if (!(*p == ':' || *p == ',' || *p == '-') && !isspace((unsigned char)*p))
			return false;
		p++;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = paths[size ? data[0] % HR_ARRAY_SIZE(paths) : 0];
	const char *buf = size ? (const char *)data + 1 : "";
	size_t len = size ? size - 1 : 0, at = 0, ref = len, lines = 1;
	struct hr_secret_hit hits[HR_SECRET__MAX];
	size_t n;
	int kind;

	/* A copy of exactly len bytes: a read past it is ASan's to see. */
	char *copy = hr_xmalloc(len ? len : 1);
	memcpy(copy, buf, len);
	n = hr_secrets_scan(path, copy, len, hits, HR_ARRAY_SIZE(hits));
	for (size_t i = 0; i < len; i++)
		lines += copy[i] == '\n';
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)hits[i].kind >= HR_SECRET__MAX || hits[i].line > lines)
			fz_die("secrets: hit %zu: kind %d at line %u of %zu", i, hits[i].kind,
			       hits[i].line, lines);
		for (size_t k = 0; k < i; k++)
			if (hits[k].kind == hits[i].kind)
				fz_die("secrets: kind %d reported twice", hits[i].kind);
	}
	kind = hr_secret_token_at(copy, len, &at);
	for (size_t i = 0; i < len && ref == len; i++)
		if (copy[i] == '-' && naive_key_at(copy + i, len - i))
			ref = i;
	if (kind == HR_SECRET_PRIVATE_KEY && at != ref)
		fz_die("secrets: a private key at %zu, the naive reader's at %zu", at, ref);
	if (kind != HR_SECRET_PRIVATE_KEY && ref < len && (kind < 0 || at >= ref))
		fz_die("secrets: the naive reader finds a private key at %zu, the scanner %s at %zu",
		       ref, kind < 0 ? "nothing" : "another token", at);
	free(copy);
	return 0;
}
