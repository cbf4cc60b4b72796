/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the Criterion unit tests: finding the source tree, loading
 * fixtures and profiles, running the core, looking at findings, scratch
 * directories. Every helper asserts on failure, so a test reads as the
 * behaviour it checks.
 */
#ifndef HARDRUN_TEST_HELPERS_H
#define HARDRUN_TEST_HELPERS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hardrun/finding.h"
#include "hardrun/harden.h"
#include "hardrun/json.h"
#include "hardrun/profile.h"

/* $top_srcdir (set by `make check`), or "." when run by hand. */
const char *hrt_srcdir(void);
/* A malloc'd path below the source tree. */
char *hrt_src_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whole file; NULL if it does not exist (asserts on other errors). */
char *hrt_read_file(const char *path, size_t *ret_len);
void hrt_write_file(const char *path, const char *text);

/* Parse JSON text with the spec limits; asserts it parses. */
cJSON *hrt_parse(const char *text);
/* Parse JSON written with single quotes for readability in C strings:
 * every ' becomes ". Asserts it parses. */
cJSON *hrt_json(const char *relaxed);
/* Assert that `node` equals the (single-quoted) JSON text. */
void hrt_assert_json(const cJSON *node, const char *relaxed, const char *what);

/* tests/fixtures/NAME.json, parsed. */
cJSON *hrt_fixture(const char *name);
/* A shipped profile (profiles/NAME.json), resolved. */
struct hr_profile *hrt_profile(const char *name);
/* Set the mode of one control of p, as a profile's "modes" would. */
void hrt_set_mode(struct hr_profile *p, const char *control, enum hr_mode m);

/* The node at an RFC 6901 pointer, or NULL. */
cJSON *hrt_at(const cJSON *root, const char *pointer);
/* True if the array holds the string. */
bool hrt_has_string(const cJSON *array, const char *s);

/* The first finding of `rule` (at `pointer`, unless NULL), or NULL. */
const struct hr_finding *hrt_find(const struct hr_findings *f, const char *rule,
				  const char *pointer);
size_t hrt_count(const struct hr_findings *f, const char *rule);
/* Assert a finding of `rule` at `pointer` with that outcome; return it. */
const struct hr_finding *hrt_expect(const struct hr_findings *f, const char *rule,
				    enum hr_outcome outcome, const char *pointer);
/* All findings, one per line, for assertion messages. */
char *hrt_findings_text(const struct hr_findings *f);

/* The host as the golden cases and the pass tests see it (fake_env.h). */
#include "fake_env.h"

/* `s` as roff text: backslashes and minus signs escaped, and a leading
 * control character made plain. */
void hrt_roff_text(FILE *out, const char *s);

/* A fresh directory below /tmp, and its recursive removal. */
char *hrt_mkdtemp(void);
void hrt_rm_rf(const char *path);

#endif
