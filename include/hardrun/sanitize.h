/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one output sanitizer. What hardrun prints carries text it did not
 * write: file names and package names of an image, strings of a
 * Dockerfile or a manifest, paths of a spec. None of it may forge a line
 * of a report, move a terminal's cursor or set its title, or make a JSON
 * document unreadable to a strict parser. So every output goes through
 * here, with one rule per kind of output:
 *
 *  - text (reports, standard error, messages an engine shows): control
 *    characters (C0, DEL), C1 controls, the Unicode characters that
 *    reorder or hide text (bidirectional overrides and isolates, line and
 *    paragraph separators) and bytes that are not UTF-8 are written as
 *    `\xNN` (a byte) or `\uNNNN` (a character); everything else as it is.
 *  - JSON (reports, SARIF, the SBOM, the audit and runtime logs): the
 *    document stays valid UTF-8: each byte that is not part of a valid
 *    UTF-8 sequence becomes U+FFFD (written `\ufffd`), as Go's
 *    encoding/json does; DEL, C1 controls and the characters above are
 *    written as `\uNNNN` escapes, which keep their value.
 *
 * Pure: strings in, strings out.
 */
#ifndef HARDRUN_SANITIZE_H
#define HARDRUN_SANITIZE_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "hardrun/util.h"

/* The length (1 to 4) of the valid UTF-8 sequence at s (len bytes
 * available), its code point in *cp; 0 when s does not start one. */
size_t hr_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Whether the character must not reach a terminal or a report as it is. */
bool hr_char_unsafe(uint32_t cp);

/* The text form of s (see above); malloc'd. */
char *hr_text_clean(const char *s);
/* Append the text form of the n bytes at s to b. */
void hr_text_clean_buf(struct hr_buf *b, const char *s, size_t n);
/* Write the text form of s. This and hr_fprintf_clean write, so they are
 * the shell's (src/host/report/clean.c), not the core's. */
void hr_fputs_clean(const char *s, FILE *out);
/* Format, then write the text form of the result (the format's own
 * characters are cleaned too: add a newline with fputc). */
void hr_fprintf_clean(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Make printed JSON text (as cJSON or hr_json_print writes it: every
 * byte >= 0x80 and every DEL lies inside a string) valid UTF-8 with the
 * escapes above; takes ownership of text and returns the result. */
char *hr_json_clean(char *text);
/* Print a document for output (report, SBOM, log line): cJSON's printer,
 * then hr_json_clean. Aborts when out of memory. */
char *hr_json_output(const cJSON *doc, bool pretty);

#endif
