/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The output sanitizer: see include/hardrun/sanitize.h for the rules. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/json.h"
#include "hardrun/sanitize.h"

size_t hr_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	uint32_t c;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[k] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

bool hr_char_unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	       /* Arabic letter mark, zero-width characters and the marks,
	        * embeddings, overrides and isolates that reorder text (the
	        * "Trojan Source" characters), line and paragraph separators. */
	       c == 0x061c || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

void hr_text_clean_buf(struct hr_buf *b, const char *s, size_t n)
{
	size_t i = 0, plain = 0;

	hr_buf_add(b, "", 0);
	while (i < n) {
		uint32_t cp = 0;
		size_t k = hr_utf8_decode(s + i, n - i, &cp);
		char esc[16];

		if (k > 0 && !hr_char_unsafe(cp)) {
			i += k;
			continue;
		}
		/* Flush the clean run before the escape. */
		hr_buf_add(b, s + plain, i - plain);
		if (k == 0 || cp < 0x80) {
			snprintf(esc, sizeof esc, "\\x%02x", (unsigned char)s[i]);
			i++;
		} else {
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
			i += k;
		}
		hr_buf_add(b, esc, strlen(esc));
		plain = i;
	}
	hr_buf_add(b, s + plain, n - plain);
}

char *hr_text_clean(const char *s)
{
	struct hr_buf b = { 0 };

	hr_text_clean_buf(&b, s ? s : "", s ? strlen(s) : 0);
	return b.s;
}

char *hr_json_clean(char *text)
{
	struct hr_buf b = { 0 };
	size_t n = strlen(text), i = 0, plain = 0;

	while (i < n) {
		unsigned char c = (unsigned char)text[i];
		uint32_t cp = 0;
		size_t k;
		char esc[16];

		if (c < 0x7f) {
			i++;
			continue;
		}
		k = hr_utf8_decode(text + i, n - i, &cp);
		if (k > 0 && !hr_char_unsafe(cp)) {
			i += k;
			continue;
		}
		hr_buf_add(&b, text + plain, i - plain);
		if (k == 0) {
			/* Not UTF-8: the replacement character, one per byte. */
			snprintf(esc, sizeof esc, "\\ufffd");
			i++;
		} else {
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
			i += k;
		}
		hr_buf_add(&b, esc, strlen(esc));
		plain = i;
	}
	if (!b.s)
		return text; /* nothing to change: the common case */
	hr_buf_add(&b, text + plain, n - plain);
	free(text);
	return b.s;
}

char *hr_json_output(const cJSON *doc, bool pretty)
{
	/* hr_json_print: malloc'd text, also in the arena (json.h). */
	return hr_json_clean(hr_json_print(doc, pretty));
}
