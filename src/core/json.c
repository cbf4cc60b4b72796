/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/json.h"

const struct hr_json_limits hr_json_spec_limits = {
	.max_bytes = 16u << 20,
	.max_depth = 64,
	.max_members = 65536,
};

void hr_json_deletep(cJSON **j)
{
	if (*j)
		cJSON_Delete(*j);
}

/* --- the arena (json.h) ---------------------------------------------------- */

/* Under AddressSanitizer the arena is never used: cJSON's nodes come from
 * malloc, so that a use after free or a leak of a tree is still found. */
#if defined(__SANITIZE_ADDRESS__)
#define HR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HR_ASAN 1
#endif
#endif

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

static struct {
	struct arena_chunk *head;
	size_t live; /* blocks handed out and not freed */
	bool active, hooked;
} arena;

static bool in_arena(const void *p)
{
	const unsigned char *q = p;

	for (const struct arena_chunk *c = arena.head; c; c = c->next)
		if (q >= c->data && q < c->data + c->size)
			return true;
	return false;
}

static void *arena_alloc(size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;
	struct arena_chunk *c = arena.head;
	unsigned char *p;

	if (!arena.active)
		return malloc(n);
	if (!c || c->size - c->used < need) {
		/* 128 KiB, doubling: only the pages used count as memory. */
		size_t size = c ? c->size * 2 : 128u << 10;
		while (size < need)
			size *= 2;
		c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		*c = (struct arena_chunk){ .next = arena.head, .size = size };
		arena.head = c;
	}
	p = c->data + c->used;
	c->used += need;
	arena.live++;
	return p;
}

static void arena_free(void *p)
{
	if (!p)
		return;
	if (in_arena(p))
		arena.live--;
	else
		free(p);
}

static cJSON_Hooks arena_hooks = { .malloc_fn = arena_alloc, .free_fn = arena_free };

void hr_json_arena_start(void)
{
#ifndef HR_ASAN
	/* Nothing of the last use is alive (check runs one per input): the
	 * arena starts again in its largest chunk, so it does not grow. */
	if (arena.live == 0 && arena.head) {
		struct arena_chunk *c = arena.head->next;
		while (c) {
			struct arena_chunk *next = c->next;
			free(c);
			c = next;
		}
		arena.head->next = NULL;
		arena.head->used = 0;
	}
	if (!arena.hooked) {
		cJSON_InitHooks(&arena_hooks);
		arena.hooked = true;
	}
	arena.active = true;
#endif
}

void hr_json_arena_stop(void)
{
	arena.active = false;
	/* Nothing of it alive: cJSON is plain again (its printer reallocates
	 * only under its own hooks), until the next start. */
	if (arena.hooked && arena.live == 0) {
		cJSON_InitHooks(NULL);
		arena.hooked = false;
	}
}

size_t hr_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c;
		size_t n;
		uint32_t cp;
		uint64_t w;

		/* A spec is almost all ASCII: eight bytes at a time. */
		while (i + 8 <= len && (memcpy(&w, p + i, 8), !(w & UINT64_C(0x8080808080808080))))
			i += 8;
		if (i >= len)
			break;
		c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n >= len)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

static void line_col(const char *text, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* Long integers keep their source text; see hr_json_parse. */
struct kept_number {
	size_t ordinal; /* which number token in document order */
	size_t off, len;
};

struct scan {
	struct kept_number *kept;
	size_t n_kept, cap_kept;
	size_t n_numbers;
	bool unterminated; /* ended inside a string, array or object */
};

/* What prescan looks at outside strings; everything else (white space,
 * commas, colons, literals) it passes over. */
enum {
	SCAN_QUOTE = 1,
	SCAN_OPEN,
	SCAN_CLOSE,
	SCAN_NUMBER
};
static const unsigned char scan_class[256] = {
	['"'] = SCAN_QUOTE,  ['['] = SCAN_OPEN,	  ['{'] = SCAN_OPEN,   [']'] = SCAN_CLOSE,
	['}'] = SCAN_CLOSE,  ['-'] = SCAN_NUMBER, ['0'] = SCAN_NUMBER, ['1'] = SCAN_NUMBER,
	['2'] = SCAN_NUMBER, ['3'] = SCAN_NUMBER, ['4'] = SCAN_NUMBER, ['5'] = SCAN_NUMBER,
	['6'] = SCAN_NUMBER, ['7'] = SCAN_NUMBER, ['8'] = SCAN_NUMBER, ['9'] = SCAN_NUMBER,
};

static size_t skip_digits(const char *s, size_t i, size_t n)
{
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* Is s[0..n) a number as JSON writes it (RFC 8259)? cJSON reads a
 * number with strtod, which also takes 01, -00, 1., -.5 and 1.e5: Go
 * refuses each. */
static bool json_number(const char *s, size_t n)
{
	size_t i = s[0] == '-', d;

	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		i = skip_digits(s, i, n);
	else
		return false;
	if (i < n && s[i] == '.') {
		d = ++i;
		if ((i = skip_digits(s, i, n)) == d)
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		d = i;
		if ((i = skip_digits(s, i, n)) == d)
			return false;
	}
	return i == n;
}

static int not_a_number(const char *text, size_t off, size_t n, hr_error *err)
{
	size_t line, col;

	line_col(text, off, &line, &col);
	return hr_err(err, HR_E_INVALID,
		      "line %zu, column %zu: `%.*s%s` is not a JSON number: no leading zeros, "
		      "and digits on both sides of a decimal point (fix: write it as JSON "
		      "does, such as 1, 0.5 or 1e3)",
		      line, col, n > 40 ? 40 : (int)n, text + off, n > 40 ? "..." : "");
}

/*
 * A lexical pass over text that cJSON is about to parse. It does not
 * judge grammar (cJSON does); it finds what cJSON would accept but Go
 * would refuse or read differently (a NUL, a number strtod reads but
 * JSON does not write), and measures depth before cJSON's own recursion
 * limit turns a deep document into an anonymous parse error.
 *
 * text[len] is a NUL and none is before it, so that the inside of a
 * string, most of a spec, is passed over by strcspn to the next quote or
 * backslash at once.
 */
static int prescan(const char *text, size_t len, const struct hr_json_limits *lim,
		   struct scan *sc, hr_error *err)
{
	bool in_str = false;
	unsigned depth = 0;
	size_t line, col;

	for (size_t i = 0; i < len; i++) {
		switch (scan_class[(unsigned char)text[i]]) {
		case 0:
			continue;
		case SCAN_QUOTE:
			for (i++;; i += 2) {
				i += strcspn(text + i, "\\\"");
				if (i >= len || text[i] == '"')
					break;
				if (i + 5 < len && text[i + 1] == 'u' &&
				    memcmp(text + i + 2, "0000", 4) == 0) {
					line_col(text, i, &line, &col);
					return hr_err(err, HR_E_INVALID,
						      "line %zu, column %zu: string contains a NUL "
						      "character (\\u0000), which C programs would "
						      "silently truncate (fix: remove it)",
						      line, col);
				}
				if (i + 1 >= len) {
					i = len;
					break;
				}
			}
			in_str = i >= len;
			continue;
		case SCAN_OPEN:
			if (++depth > lim->max_depth) {
				line_col(text, i, &line, &col);
				return hr_err(err, HR_E_INVALID,
					      "line %zu, column %zu: nesting deeper than %u levels "
					      "(fix: an OCI spec is never this deep; check how the "
					      "file was generated)",
					      line, col, lim->max_depth);
			}
			continue;
		case SCAN_CLOSE:
			if (depth > 0)
				depth--;
			continue;
		case SCAN_NUMBER: {
			size_t start = i, digits = 0;

			while (i < len && (text[i] == '-' || text[i] == '+' || text[i] == '.' ||
					   text[i] == 'e' || text[i] == 'E' ||
					   (text[i] >= '0' && text[i] <= '9'))) {
				if (text[i] >= '0' && text[i] <= '9')
					digits++;
				i++;
			}
			/* Most are digits alone, without a leading zero. */
			if ((digits != i - start || (text[start] == '0' && digits > 1)) &&
			    !json_number(text + start, i - start))
				return not_a_number(text, start, i - start, err);
			i--;
			/* A double holds 15 significant decimal digits exactly, and
			 * cJSON prints only as many as it judges close enough:
			 * 8999999999999999.0 would come back as 9e+15. A longer
			 * number, however it is written, keeps its text. */
			if (digits > 15) {
				if (sc->n_kept == sc->cap_kept) {
					sc->cap_kept = sc->cap_kept ? sc->cap_kept * 2 : 8;
					sc->kept = hr_xrealloc(sc->kept,
							       sc->cap_kept * sizeof *sc->kept);
				}
				sc->kept[sc->n_kept++] = (struct kept_number){
					.ordinal = sc->n_numbers, .off = start, .len = i + 1 - start
				};
			}
			sc->n_numbers++;
			break;
		}
		}
	}
	sc->unterminated = in_str || depth > 0;
	return 0;
}

/* Go's encoding/json compares names with a simple case fold in which
 * U+017F (long s) equals 's' and U+212A (Kelvin) equals 'k'. The folded
 * character at *p (upper case), and *p moved past it; 0 at the end. */
static inline unsigned char fold_next(const unsigned char **p)
{
	const unsigned char *s = *p;

	if (s[0] >= 'a' && s[0] <= 'z') {
		*p = s + 1;
		return (unsigned char)(s[0] - 'a' + 'A');
	}
	if (s[0] == 0xc5 && s[1] == 0xbf) {
		*p = s + 2;
		return 'S';
	}
	if (s[0] == 0xe2 && s[1] == 0x84 && s[2] == 0xaa) {
		*p = s + 3;
		return 'K';
	}
	if (s[0])
		*p = s + 1;
	return s[0];
}

/* strcmp(3) of the folded names, without folding copies of them. */
static int fold_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (;;) {
		unsigned char cx = fold_next(&x), cy = fold_next(&y);
		if (cx != cy || !cx)
			return (int)cx - (int)cy;
	}
}

bool hr_json_fold_equal(const char *a, const char *b)
{
	return fold_cmp(a, b) == 0;
}

const char *hr_json_type_name(const cJSON *j)
{
	if (!j)
		return "nothing";
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsBool(j))
		return "a boolean";
	if (cJSON_IsNull(j))
		return "null";
	if (cJSON_IsArray(j))
		return "an array";
	if (cJSON_IsObject(j))
		return "an object";
	return "an unknown value";
}

/* Objects that Go decodes into map[string]...: keys are exact there. */
static bool is_string_map(const char *key)
{
	return key && (strcmp(key, "annotations") == 0 || strcmp(key, "sysctl") == 0 ||
		       strcmp(key, "unified") == 0);
}

static int cmp_folded_p(const void *a, const void *b)
{
	return fold_cmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_exact_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Where the walk is: one frame per level, turned into a JSON pointer only
 * when an error needs one (building it for every node costs more than
 * the rest of the walk). */
struct frame {
	const char *key; /* member name, or NULL for an array element */
	size_t index;
};

struct walk {
	const struct hr_json_limits *lim;
	const struct scan *sc;
	const char *text;
	size_t number_index;
	size_t kept_index;
	struct frame *frames; /* lim->max_depth + 1 of them */
};

static char *walk_ptr(const struct walk *w, size_t depth)
{
	char *p = hr_xstrdup("");

	for (size_t i = 0; i < depth; i++) {
		char *q = w->frames[i].key ? hr_json_ptr(p, w->frames[i].key)
					   : hr_json_ptr_index(p, w->frames[i].index);
		free(p);
		p = q;
	}
	if (!*p) {
		free(p);
		p = hr_xstrdup("/");
	}
	return p;
}

/* Two keys that Go (or, in a map, anyone) reads as one: an error. */
static int same_keys(const char *a, const char *b, const struct walk *w, size_t depth,
		     hr_error *err)
{
	_cleanup_free_ char *ptr = walk_ptr(w, depth);

	if (strcmp(a, b) == 0)
		return hr_err(err, HR_E_INVALID,
			      "%s: key `%s` appears twice; runtimes silently use the last one "
			      "(fix: keep one)",
			      ptr, b);
	return hr_err(err, HR_E_INVALID,
		      "%s: keys `%s` and `%s` differ only in case; runc reads them as the same "
		      "field (fix: keep one, spelled as the OCI spec does)",
		      ptr, a, b);
}

static int check_object_keys(const cJSON *obj, size_t n, bool exact_only, const struct walk *w,
			     size_t depth, hr_error *err)
{
	int (*cmp)(const char *, const char *) = exact_only ? strcmp : fold_cmp;
	_cleanup_free_ const char **keys = NULL;
	size_t i = 0;

	if (n < 2)
		return 0;
	/* Most objects are small: every pair, in the order the keys came. */
	if (n <= 12) {
		for (const cJSON *a = obj->child; a; a = a->next)
			for (const cJSON *b = a->next; b; b = b->next)
				if (cmp(a->string, b->string) == 0)
					return same_keys(a->string, b->string, w, depth, err);
		return 0;
	}
	keys = hr_xcalloc(n, sizeof *keys);
	for (const cJSON *c = obj->child; c; c = c->next)
		keys[i++] = c->string;
	qsort(keys, n, sizeof *keys, exact_only ? cmp_exact_p : cmp_folded_p);
	for (i = 1; i < n; i++)
		if (cmp(keys[i - 1], keys[i]) == 0)
			return same_keys(keys[i - 1], keys[i], w, depth, err);
	return 0;
}

static int walk_tree(cJSON *node, const char *parent_key, size_t depth, struct walk *w,
		     hr_error *err)
{
	if (cJSON_IsNumber(node)) {
		if (!isfinite(node->valuedouble)) {
			_cleanup_free_ char *ptr = walk_ptr(w, depth);
			return hr_err(err, HR_E_INVALID,
				      "%s: number out of range (fix: use a finite value, such as "
				      "one that fits in 64 bits)",
				      ptr);
		}
		if (w->kept_index < w->sc->n_kept &&
		    w->sc->kept[w->kept_index].ordinal == w->number_index) {
			const struct kept_number *k = &w->sc->kept[w->kept_index++];
			node->valuestring = hr_xmalloc(k->len + 1);
			memcpy(node->valuestring, w->text + k->off, k->len);
			node->valuestring[k->len] = '\0';
		}
		w->number_index++;
		return 0;
	}
	if (!cJSON_IsArray(node) && !cJSON_IsObject(node))
		return 0;

	size_t n = 0;
	for (cJSON *c = node->child; c; c = c->next)
		n++;
	if (n > w->lim->max_members) {
		_cleanup_free_ char *ptr = walk_ptr(w, depth);
		return hr_err(err, HR_E_INVALID,
			      "%s: %zu members, more than the limit of %zu (fix: an OCI "
			      "spec never needs this many; check how the file was generated)",
			      ptr, n, w->lim->max_members);
	}
	if (cJSON_IsObject(node)) {
		int r = check_object_keys(node, n, is_string_map(parent_key), w, depth, err);
		if (r < 0)
			return r;
	}
	/* The prescan bounded the depth, so the frames suffice. */
	size_t idx = 0;
	for (cJSON *c = node->child; c; c = c->next, idx++) {
		int r;
		w->frames[depth] = (struct frame){ cJSON_IsObject(node) ? c->string : NULL, idx };
		r = walk_tree(c, cJSON_IsObject(node) ? c->string : NULL, depth + 1, w, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int hr_json_parse(const char *text, size_t len, const struct hr_json_limits *lim,
		  cJSON **ret_tree, hr_error *err)
{
	struct scan sc = { 0 };
	_cleanup_json_ cJSON *tree = NULL;
	_cleanup_free_ char *copy = NULL;
	_cleanup_free_ struct frame *frames = NULL;
	const char *end = NULL;
	size_t bad, line, col;
	int r;

	if (len > lim->max_bytes)
		return hr_err(err, HR_E_INVALID,
			      "%zu bytes, more than the limit of %zu (fix: an OCI spec is "
			      "rarely above 1 MiB; check how the file was generated)",
			      len, lim->max_bytes);
	if (len == 0)
		return hr_err(err, HR_E_INVALID, "empty file (fix: it must hold a JSON object)");
	if (memchr(text, '\0', len))
		return hr_err(err, HR_E_INVALID,
			      "contains a NUL byte (fix: it must be JSON text)");
	bad = hr_utf8_check(text, len);
	if (bad < len) {
		line_col(text, bad, &line, &col);
		return hr_err(err, HR_E_INVALID,
			      "line %zu, column %zu: invalid UTF-8 (fix: save the file as UTF-8)",
			      line, col);
	}
	/* cJSON wants the terminating NUL inside the length it is given. */
	copy = hr_xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	r = prescan(copy, len, lim, &sc, err);
	if (r < 0)
		goto out;
	tree = cJSON_ParseWithLengthOpts(copy, len + 1, &end, true);
	if (!tree) {
		size_t off = end && end >= copy ? (size_t)(end - copy) : 0;
		if (off > len)
			off = len;
		if (sc.unterminated)
			off = len;
		else if (off >= len)
			/* Every string and bracket is closed, so nothing is cut
			 * off: cJSON points one past a bad last token (a comma
			 * before the final brace, say). */
			off = len - 1;
		line_col(copy, off, &line, &col);
		r = hr_err(err, HR_E_INVALID,
			   off >= len ? "line %zu, column %zu: unexpected end of JSON (fix: the "
					"file is truncated or not JSON)"
				      : "line %zu, column %zu: invalid JSON (fix: correct the "
					"syntax there; `python3 -m json.tool FILE` shows it too)",
			   line, col);
		goto out;
	}
	frames = hr_xcalloc((size_t)lim->max_depth + 2, sizeof *frames);
	struct walk w = { .lim = lim, .sc = &sc, .text = copy, .frames = frames };
	r = walk_tree(tree, NULL, 0, &w, err);
	if (r < 0)
		goto out;
	if (w.number_index != sc.n_numbers || w.kept_index != sc.n_kept) {
		r = hr_err(err, HR_E_INVALID, "numbers could not be matched to their text "
					      "(fix: report this file as a hardrun bug)");
		goto out;
	}
	*ret_tree = HR_TAKE_PTR(tree);
	r = 0;
out:
	free(sc.kept);
	return r;
}

/*
 * Numbers are printed as raw text: a kept number (beyond a double's
 * precision) as its text, an integer of at most 15 digits as its digits,
 * which is what cJSON's printer writes for it, without its sprintf of
 * "%1.15g" and sscanf back (3,000 instructions a number). Any other
 * number is left to cJSON.
 */
struct raw_number {
	cJSON *node;
	char digits[24]; /* "" for a kept number: its valuestring is its text */
};

struct raw_numbers {
	struct raw_number *v, few[64];
	size_t n, cap;
};

static bool short_integer(double d)
{
	return d > -1e15 && d < 1e15 && d == (double)(long long)d && !(d == 0 && signbit(d));
}

static void integer_text(char *out, long long v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		*--p = '-';
	memcpy(out, p, (size_t)(tmp + sizeof tmp - p));
}

static void collect_numbers(cJSON *node, struct raw_numbers *rn)
{
	for (; node; node = node->next) {
		if (cJSON_IsNumber(node) &&
		    (node->valuestring || short_integer(node->valuedouble))) {
			struct raw_number *x;
			if (rn->n == rn->cap) {
				rn->cap *= 2;
				if (rn->v == rn->few) {
					rn->v = hr_xmalloc(rn->cap * sizeof *rn->v);
					memcpy(rn->v, rn->few, sizeof rn->few);
				} else {
					rn->v = hr_xrealloc(rn->v, rn->cap * sizeof *rn->v);
				}
			}
			x = &rn->v[rn->n++];
			x->node = node;
			x->digits[0] = '\0';
			if (!node->valuestring)
				integer_text(x->digits, (long long)node->valuedouble);
		}
		if (node->child)
			collect_numbers(node->child, rn);
	}
}

char *hr_json_print(const cJSON *tree, bool pretty)
{
	cJSON *t = (cJSON *)tree;
	struct raw_numbers rn = { .cap = HR_ARRAY_SIZE(rn.few) };
	char *s;

	/* The tree is borrowed: its numbers are numbers again on return. */
	rn.v = rn.few;
	collect_numbers(t, &rn);
	for (size_t i = 0; i < rn.n; i++) {
		cJSON *n = rn.v[i].node;
		if (rn.v[i].digits[0])
			n->valuestring = rn.v[i].digits;
		n->type = (n->type & ~0xff) | cJSON_Raw;
	}
	/* The text is the caller's, to free(): from malloc, and with
	 * realloc, which cJSON uses only under its own hooks. */
	if (arena.hooked)
		cJSON_InitHooks(NULL);
	s = pretty ? cJSON_Print(t) : cJSON_PrintUnformatted(t);
	if (arena.hooked)
		cJSON_InitHooks(&arena_hooks);
	for (size_t i = 0; i < rn.n; i++) {
		cJSON *n = rn.v[i].node;
		if (rn.v[i].digits[0])
			n->valuestring = NULL;
		n->type = (n->type & ~0xff) | cJSON_Number;
	}
	if (rn.v != rn.few)
		free(rn.v);
	if (!s)
		abort();
	return s;
}

int hr_json_get(const cJSON *obj, const char *key, const char *where, cJSON **ret,
		hr_error *err)
{
	cJSON *folded = NULL;

	*ret = NULL;
	if (!obj)
		return 0;
	for (cJSON *c = obj->child; c; c = c->next)
		if (c->string[0] == key[0] && strcmp(c->string, key) == 0) {
			*ret = c;
			return 0;
		}
	/* Folded alike, two names begin with one letter in either case, or
	 * one of them with a byte of U+017F or U+212A. */
	for (cJSON *c = obj->child; c && !folded; c = c->next)
		if (((c->string[0] | 0x20) == (key[0] | 0x20) || (c->string[0] & 0x80) ||
		     (key[0] & 0x80)) &&
		    fold_cmp(c->string, key) == 0)
			folded = c;
	if (folded) {
		_cleanup_free_ char *p = hr_json_ptr(where, folded->string);
		return hr_err(err, HR_E_INVALID,
			      "%s: spelled differently from the OCI field `%s`, but runc reads "
			      "it as that field (fix: rename it to `%s`)",
			      p, key, key);
	}
	return 0;
}

static int type_error(const char *where, const char *key, const char *want,
		      const cJSON *got, hr_error *err)
{
	_cleanup_free_ char *p = key ? hr_json_ptr(where, key) : hr_xstrdup(where);
	return hr_err(err, HR_E_INVALID, "%s: expected %s, found %s (fix: see the OCI "
					 "runtime spec for this field)",
		      p[0] ? p : "/", want, hr_json_type_name(got));
}

#define TYPED_GETTER(fn, check, want)                                                   \
	int fn(const cJSON *obj, const char *key, const char *where, cJSON **ret,       \
	       hr_error *err)                                                           \
	{                                                                               \
		cJSON *j;                                                               \
		int r = hr_json_get(obj, key, where, &j, err);                          \
		if (r < 0)                                                              \
			return r;                                                       \
		if (j && !check(j))                                                     \
			return type_error(where, key, want, j, err);                    \
		*ret = j;                                                               \
		return 0;                                                               \
	}

TYPED_GETTER(hr_json_get_object, cJSON_IsObject, "an object")
TYPED_GETTER(hr_json_get_array, cJSON_IsArray, "an array")
TYPED_GETTER(hr_json_get_string, cJSON_IsString, "a string")
TYPED_GETTER(hr_json_get_bool, cJSON_IsBool, "a boolean")

int hr_json_get_int(const cJSON *obj, const char *key, const char *where, double min,
		    double max, cJSON **ret, hr_error *err)
{
	cJSON *j;
	int r = hr_json_get(obj, key, where, &j, err);

	if (r < 0)
		return r;
	if (j) {
		_cleanup_free_ char *p = hr_json_ptr(where, key);
		if (!cJSON_IsNumber(j))
			return type_error(where, key, "an integer", j, err);
		if (j->valuedouble != hr_floor(j->valuedouble) || j->valuedouble < min ||
		    j->valuedouble > max)
			return hr_err(err, HR_E_INVALID,
				      "%s: %s is not an integer between %.0f and %.0f "
				      "(fix: use a value in that range)",
				      p, j->valuestring ? j->valuestring : "the value", min, max);
	}
	*ret = j;
	return 0;
}

int hr_json_check_string_array(const cJSON *arr, const char *where, hr_error *err)
{
	size_t i = 0;

	for (const cJSON *c = arr ? arr->child : NULL; c; c = c->next, i++) {
		if (!cJSON_IsString(c)) {
			_cleanup_free_ char *p = hr_json_ptr_index(where, i);
			return type_error(p, NULL, "a string", c, err);
		}
	}
	return 0;
}

int hr_json_ensure_object(cJSON *obj, const char *key, const char *where, cJSON **ret,
			  hr_error *err)
{
	int r = hr_json_get_object(obj, key, where, ret, err);
	if (r < 0)
		return r;
	if (!*ret) {
		*ret = cJSON_CreateObject();
		if (!*ret)
			abort();
		cJSON_AddItemToObject(obj, key, *ret);
	}
	return 0;
}

int hr_json_ensure_array(cJSON *obj, const char *key, const char *where, cJSON **ret,
			 hr_error *err)
{
	int r = hr_json_get_array(obj, key, where, ret, err);
	if (r < 0)
		return r;
	if (!*ret) {
		*ret = cJSON_CreateArray();
		if (!*ret)
			abort();
		cJSON_AddItemToObject(obj, key, *ret);
	}
	return 0;
}

void hr_json_set(cJSON *obj, const char *key, cJSON *value)
{
	cJSON *old = NULL;

	for (cJSON *c = obj->child; c; c = c->next)
		if (strcmp(c->string, key) == 0) {
			old = c;
			break;
		}
	if (old) {
		if (!cJSON_ReplaceItemInObjectCaseSensitive(obj, key, value))
			abort();
	} else
		cJSON_AddItemToObject(obj, key, value);
}

void hr_json_insert(cJSON *array, size_t index, cJSON *item)
{
	cJSON *at = array->child;

	for (size_t i = 0; at && i < index; i++)
		at = at->next;
	if (!at) {
		cJSON_AddItemToArray(array, item);
		return;
	}
	/* cJSON keeps the last element in child->prev. */
	item->next = at;
	item->prev = at->prev;
	if (at == array->child)
		array->child = item;
	else
		at->prev->next = item;
	at->prev = item;
}

void hr_json_set_number(cJSON *node, double v)
{
	cJSON_free(node->valuestring); /* cJSON's memory when duplicated */
	node->valuestring = NULL;
	cJSON_SetNumberHelper(node, v);
}

cJSON *hr_json_new_number(double v)
{
	cJSON *n = cJSON_CreateNumber(v);
	if (!n)
		abort();
	return n;
}

char *hr_json_brief(const cJSON *node)
{
	if (!node)
		return NULL;
	return hr_json_print(node, false);
}

/* base + "/" + token, with '~' and '/' escaped (RFC 6901); built by hand:
 * a spec's walk makes thousands of these. */
char *hr_json_ptr(const char *base, const char *token)
{
	size_t nb = strlen(base), n = nb + 1;
	char *out, *o;

	for (const char *p = token; *p; p++)
		n += (*p == '~' || *p == '/') ? 2 : 1;
	o = out = hr_xmalloc(n + 1);
	memcpy(o, base, nb);
	o += nb;
	*o++ = '/';
	for (const char *p = token; *p; p++) {
		if (*p == '~') {
			*o++ = '~';
			*o++ = '0';
		} else if (*p == '/') {
			*o++ = '~';
			*o++ = '1';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

char *hr_json_ptr_index(const char *base, size_t index)
{
	char digits[24], *d = digits + sizeof digits;
	size_t nb = strlen(base), nd;
	char *out;

	do {
		*--d = (char)('0' + index % 10);
		index /= 10;
	} while (index);
	nd = (size_t)(digits + sizeof digits - d);
	out = hr_xmalloc(nb + 1 + nd + 1);
	memcpy(out, base, nb);
	out[nb] = '/';
	memcpy(out + nb + 1, d, nd);
	out[nb + 1 + nd] = '\0';
	return out;
}

bool hr_json_equal(const cJSON *a, const cJSON *b)
{
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b)) {
		if (a->valuestring || b->valuestring)
			return a->valuestring && b->valuestring &&
			       strcmp(a->valuestring, b->valuestring) == 0;
		return a->valuedouble == b->valuedouble;
	}
	if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
		const cJSON *x = a->child, *y = b->child;
		for (; x && y; x = x->next, y = y->next)
			if (!hr_json_equal(x, y))
				return false;
		return !x && !y;
	}
	if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
		size_t na = 0, nb = 0;
		for (const cJSON *x = a->child; x; x = x->next) {
			const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
			na++;
			if (!y || !hr_json_equal(x, y))
				return false;
		}
		for (const cJSON *y = b->child; y; y = y->next)
			nb++;
		return na == nb;
	}
	return cJSON_Compare(a, b, true);
}
