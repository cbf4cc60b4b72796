/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * YAML in and out, with libyaml. Kubernetes reads a manifest with
 * sigs.k8s.io/yaml: go-yaml v2 (YAML 1.1) turns it into JSON, and the API
 * server decodes that. What hardrun judges must be what the API server
 * will see, so the reader here types plain scalars as go-yaml v2 does and
 * refuses what the two could read differently (duplicate keys, merge
 * keys, exotic tags) instead of guessing.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "hardrun/json.h"
#include "hardrun/k8s.h"
#include "hardrun/strmap.h"

const struct hr_yaml_limits hr_yaml_manifest_limits = {
	.max_bytes = 16u << 20,
	.max_depth = 64,
	.max_nodes = 1000000,
	.max_docs = 10000,
};

/* Integers beyond 2^53 do not survive a double: refuse rather than judge
 * a rounded value. */
#define EXACT_MAX 9007199254740992.0

/* --- typing plain scalars as go-yaml v2 ----------------------------------- */

enum ytype { Y_STR, Y_NULL, Y_BOOL, Y_NUM, Y_BAD };

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* An integer as Go's strconv.ParseInt(s, 0, 64) (or ParseUint) reads it
 * after go-yaml removed the underscores: an optional sign, then 0x, 0o,
 * 0b, a leading 0 (octal) or decimal digits. */
static bool parse_go_int(const char *s, double *ret)
{
	bool neg = false;
	unsigned base = 10;
	double v = 0;
	const char *p = s;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	if (!*p)
		return false;
	for (; *p; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (*p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return false;
		if (d >= base)
			return false;
		v = v * base + d;
		if (v > 18446744073709551615.0)
			return false;
	}
	*ret = neg ? -v : v;
	return true;
}

/* go-yaml v2's float syntax: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_yaml_float(const char *s)
{
	const char *p = s;
	size_t digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++, digits++;
		if (!digits)
			return false;
	} else {
		while (*p >= '0' && *p <= '9')
			p++, digits++;
		if (!digits)
			return false;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		digits = 0;
		while (*p >= '0' && *p <= '9')
			p++, digits++;
		if (!digits)
			return false;
	}
	return *p == '\0';
}

/* The type of a plain scalar, and its value for booleans and numbers. */
static enum ytype resolve_plain(const char *s, bool *ret_bool, double *ret_num)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
					     "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "n", "N", "no", "No", "NO", "off", "Off", "OFF",
					      "false", "False", "FALSE", NULL };
	static const char *const specials[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf",
						"+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
						".NaN", ".NAN", NULL };

	if (in_list(s, nulls))
		return Y_NULL;
	if (in_list(s, trues) || in_list(s, falses)) {
		*ret_bool = in_list(s, trues);
		return Y_BOOL;
	}
	if (in_list(s, specials))
		return Y_BAD;
	if (strchr("+-.0123456789", s[0])) {
		_cleanup_free_ char *plain = hr_xmalloc(strlen(s) + 1);
		size_t k = 0;
		for (const char *p = s; *p; p++)
			if (*p != '_')
				plain[k++] = *p;
		plain[k] = '\0';
		if (parse_go_int(plain, ret_num))
			return Y_NUM;
		if (is_yaml_float(plain)) {
			char *end;
			errno = 0;
			*ret_num = strtod(plain, &end);
			if (errno == 0 && !*end && isfinite(*ret_num))
				return Y_NUM;
			return Y_BAD;
		}
	}
	return Y_STR;
}

/* --- the reader ------------------------------------------------------------ */

struct anchor {
	char *name;
	cJSON *node; /* borrowed from the tree being built */
	bool complete;
};

/* The JSON pointers of the lines map, in all, at most this many bytes:
 * a pointer repeats every key above its node, so a long key over a long
 * list would otherwise cost their product. Nodes past it have no line. */
#define LINES_MAX_BYTES (32u << 20)

struct reader {
	yaml_parser_t parser;
	const struct hr_yaml_limits *lim;
	size_t nodes;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	struct hr_strmap anchor_names; /* name -> 1 + index into anchors */
	cJSON *lines; /* this document's JSON pointer -> line, or NULL */
	size_t lines_bytes;
	hr_error *err;
};

/* Note where the node at `ptr` starts, for reports that give lines. Every
 * node has a pointer of its own (keys are escaped), so it is added, never
 * looked for: a lookup in a cJSON object is a walk of its members. */
static void mark_line(struct reader *r, const char *ptr, const yaml_mark_t *m)
{
	if (r->lines && ptr)
		cJSON_AddNumberToObject(r->lines, ptr, (double)(m->line + 1));
}

/* The pointer of a child, or NULL when lines are not kept (or no longer:
 * past LINES_MAX_BYTES). */
static char *child_ptr(struct reader *r, const char *ptr, const char *key, size_t index)
{
	char *c;

	if (!r->lines || !ptr || r->lines_bytes > LINES_MAX_BYTES)
		return NULL;
	c = key ? hr_json_ptr(ptr, key) : hr_json_ptr_index(ptr, index);
	r->lines_bytes += strlen(c) + 1;
	return c;
}

static int at(struct reader *r, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int at(struct reader *r, const yaml_mark_t *m, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return hr_err(r->err, HR_E_INVALID, "line %zu, column %zu: %s", m->line + 1,
		      m->column + 1, msg);
}

static int next_event(struct reader *r, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&r->parser, ev)) {
		const yaml_mark_t *m = &r->parser.problem_mark;
		return hr_err(r->err, HR_E_INVALID, "line %zu, column %zu: %s%s%s",
			      m->line + 1, m->column + 1,
			      r->parser.problem ? r->parser.problem : "invalid YAML",
			      r->parser.context ? " " : "",
			      r->parser.context ? r->parser.context : "");
	}
	return 0;
}

static size_t count_nodes(const cJSON *n)
{
	size_t c = 1;
	for (const cJSON *k = n->child; k; k = k->next)
		c += count_nodes(k);
	return c;
}

static int count(struct reader *r, const yaml_mark_t *m, size_t n)
{
	r->nodes += n;
	if (r->nodes > r->lim->max_nodes)
		return at(r, m, "more than %zu nodes (aliases counted as copies)", r->lim->max_nodes);
	return 0;
}

/* Anchors are found by name in a map, and a node knows its own anchor's
 * index: no step of the reader looks through all anchors. *ret_index is
 * 1 + the anchor's index, or 0 when the node has none. */
static int remember(struct reader *r, const yaml_char_t *anchor, cJSON *node,
		    const yaml_mark_t *m, size_t *ret_index)
{
	const char *name = (const char *)anchor;
	uintptr_t i;

	*ret_index = 0;
	if (!anchor)
		return 0;
	if (hr_strmap_get(&r->anchor_names, name, strlen(name), &i)) {
		/* YAML lets a later anchor of the same name win; so do we. */
		r->anchors[i - 1].node = node;
		r->anchors[i - 1].complete = false;
		*ret_index = i;
		return 0;
	}
	if (r->n_anchors >= 100000)
		return at(r, m, "too many anchors");
	if (r->n_anchors == r->cap_anchors) {
		r->cap_anchors = r->cap_anchors ? 2 * r->cap_anchors : 16;
		r->anchors = hr_xrealloc(r->anchors, r->cap_anchors * sizeof *r->anchors);
	}
	r->anchors[r->n_anchors++] = (struct anchor){ hr_xstrdup(name), node, false };
	(void)hr_strmap_put(&r->anchor_names, name, strlen(name), r->n_anchors, NULL);
	*ret_index = r->n_anchors;
	return 0;
}

/* The node is whole: an alias may name it now (unless a node inside it
 * took its anchor's name meanwhile). */
static void completed(struct reader *r, size_t index, const cJSON *node)
{
	if (index && r->anchors[index - 1].node == node)
		r->anchors[index - 1].complete = true;
}

static void forget_anchors(struct reader *r)
{
	for (size_t i = 0; i < r->n_anchors; i++)
		free(r->anchors[i].name);
	r->n_anchors = 0;
	hr_strmap_done(&r->anchor_names);
}

/* The keys of one mapping, for duplicates: compared one by one while
 * there are few (most mappings), in a map beyond. */
#define FEW_KEYS 16

struct keys {
	const char *few[FEW_KEYS];
	size_t n;
	struct hr_strmap many;
};

static bool has_key(const struct keys *k, const char *key)
{
	if (k->n <= FEW_KEYS) {
		for (size_t i = 0; i < k->n; i++)
			if (strcmp(k->few[i], key) == 0)
				return true;
		return false;
	}
	return hr_strmap_get(&k->many, key, strlen(key), NULL);
}

/* `key` is the mapping's own copy of the member's name, alive as long as
 * the mapping. */
static void add_key(struct keys *k, const char *key)
{
	if (k->n < FEW_KEYS) {
		k->few[k->n++] = key;
		return;
	}
	if (k->n == FEW_KEYS)
		for (size_t i = 0; i < FEW_KEYS; i++)
			(void)hr_strmap_put(&k->many, k->few[i], strlen(k->few[i]), 1, NULL);
	(void)hr_strmap_put(&k->many, key, strlen(key), 1, NULL);
	k->n++;
}

#define TAG(x) "tag:yaml.org,2002:" x

static int scalar(struct reader *r, const yaml_event_t *ev, cJSON **ret)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	size_t len = ev->data.scalar.length;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	bool b = false;
	double num = 0;
	enum ytype t;

	if (strlen(s) != len)
		return at(r, &ev->start_mark, "a NUL character in a scalar");
	if (hr_utf8_check(s, len) != len)
		return at(r, &ev->start_mark, "invalid UTF-8 in a scalar");
	if (tag && strcmp(tag, "!") != 0) {
		if (strcmp(tag, TAG("str")) == 0)
			t = Y_STR;
		else if (strcmp(tag, TAG("null")) == 0 || strcmp(tag, TAG("bool")) == 0 ||
			 strcmp(tag, TAG("int")) == 0 || strcmp(tag, TAG("float")) == 0) {
			t = resolve_plain(s, &b, &num);
			if ((tag[18] == 'n' && t != Y_NULL) || (tag[18] == 'b' && t != Y_BOOL) ||
			    ((tag[18] == 'i' || tag[18] == 'f') && t != Y_NUM))
				return at(r, &ev->start_mark, "`%s` is not a valid %s", s, tag + 18);
		} else
			return at(r, &ev->start_mark,
				  "tag `%s` is not supported (fix: remove the tag)", tag);
	} else if (plain && !tag) {
		t = resolve_plain(s, &b, &num);
	} else {
		t = Y_STR;
	}
	switch (t) {
	case Y_NULL:
		*ret = cJSON_CreateNull();
		break;
	case Y_BOOL:
		*ret = cJSON_CreateBool(b);
		break;
	case Y_NUM:
		if (fabs(num) > EXACT_MAX)
			return at(r, &ev->start_mark,
				  "`%s` is too large to be read exactly (fix: quote it if it is "
				  "a string)",
				  s);
		*ret = cJSON_CreateNumber(num);
		break;
	case Y_BAD:
		return at(r, &ev->start_mark, "`%s` cannot be written in JSON, which Kubernetes "
					      "turns every manifest into", s);
	default:
		*ret = cJSON_CreateString(s);
	}
	return count(r, &ev->start_mark, 1);
}

static int node(struct reader *r, yaml_event_t *ev, const char *ptr, unsigned depth,
		cJSON **ret);

/* A mapping key: a scalar, written as sigs.k8s.io/yaml writes keys into
 * JSON (true, 1, null become "true", "1", "null"). */
static int key_text(struct reader *r, const yaml_event_t *ev, char **ret)
{
	_cleanup_(hr_json_deletep) cJSON *k = NULL;
	int rc;

	if (ev->type != YAML_SCALAR_EVENT)
		return at(r, &ev->start_mark, "a mapping key must be a scalar");
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag &&
	    strcmp((const char *)ev->data.scalar.value, "<<") == 0)
		return at(r, &ev->start_mark,
			  "merge keys (<<) are not supported (fix: write the merged keys out)");
	if ((rc = scalar(r, ev, &k)) < 0)
		return rc;
	if (cJSON_IsString(k))
		*ret = hr_xstrdup(k->valuestring);
	else if (cJSON_IsNull(k))
		*ret = hr_xstrdup("null");
	else if (cJSON_IsBool(k))
		*ret = hr_xstrdup(cJSON_IsTrue(k) ? "true" : "false");
	else if (k->valuedouble == (double)(int64_t)k->valuedouble)
		*ret = hr_xasprintf("%" PRId64, (int64_t)k->valuedouble);
	else
		return at(r, &ev->start_mark, "a number that is not an integer as a key");
	return 0;
}

static int collection(struct reader *r, yaml_event_t *start, const char *ptr, unsigned depth,
		      cJSON **ret)
{
	bool mapping = start->type == YAML_MAPPING_START_EVENT;
	const char *tag = (const char *)(mapping ? start->data.mapping_start.tag
						 : start->data.sequence_start.tag);
	_cleanup_(hr_json_deletep) cJSON *c = mapping ? cJSON_CreateObject() : cJSON_CreateArray();
	struct keys keys = { .n = 0 };
	size_t items = 0, anchor;
	int rc;

	if (depth >= r->lim->max_depth)
		return at(r, &start->start_mark, "nesting deeper than %u levels", r->lim->max_depth);
	if (tag && strcmp(tag, "!") != 0 && strcmp(tag, mapping ? TAG("map") : TAG("seq")) != 0)
		return at(r, &start->start_mark, "tag `%s` is not supported (fix: remove the tag)",
			  tag);
	if ((rc = count(r, &start->start_mark, 1)) < 0 ||
	    (rc = remember(r, mapping ? start->data.mapping_start.anchor
				      : start->data.sequence_start.anchor,
			   c, &start->start_mark, &anchor)) < 0)
		return rc;
	for (;;) {
		yaml_event_t ev;
		cJSON *child = NULL;
		_cleanup_free_ char *key = NULL, *cptr = NULL;

		if ((rc = next_event(r, &ev)) < 0)
			break;
		if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (mapping) {
			yaml_mark_t m = ev.start_mark;
			rc = key_text(r, &ev, &key);
			yaml_event_delete(&ev);
			if (rc < 0)
				break;
			if (has_key(&keys, key)) {
				rc = at(r, &m, "duplicate key `%s`", key);
				break;
			}
			if ((rc = next_event(r, &ev)) < 0)
				break;
		}
		cptr = child_ptr(r, ptr, mapping ? key : NULL, items);
		rc = node(r, &ev, cptr, depth + 1, &child);
		yaml_event_delete(&ev);
		if (rc < 0)
			break;
		if (mapping) {
			cJSON_AddItemToObject(c, key, child);
			add_key(&keys, c->child->prev->string);
		} else {
			cJSON_AddItemToArray(c, child);
		}
		items++;
	}
	hr_strmap_done(&keys.many);
	if (rc < 0)
		return rc;
	completed(r, anchor, c);
	*ret = HR_TAKE_PTR(c);
	return 0;
}

static int node(struct reader *r, yaml_event_t *ev, const char *ptr, unsigned depth,
		cJSON **ret)
{
	size_t anchor;
	uintptr_t i;
	int rc;

	mark_line(r, ptr, &ev->start_mark);
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if ((rc = scalar(r, ev, ret)) < 0)
			return rc;
		if ((rc = remember(r, ev->data.scalar.anchor, *ret, &ev->start_mark, &anchor)) < 0) {
			cJSON_Delete(*ret);
			*ret = NULL;
			return rc;
		}
		completed(r, anchor, *ret);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return collection(r, ev, ptr, depth, ret);
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		struct anchor *a;
		if (!hr_strmap_get(&r->anchor_names, name, strlen(name), &i))
			return at(r, &ev->start_mark, "alias *%s names no anchor", name);
		a = &r->anchors[i - 1];
		if (!a->complete)
			return at(r, &ev->start_mark, "alias *%s refers to a node that contains it",
				  a->name);
		if ((rc = count(r, &ev->start_mark, count_nodes(a->node))) < 0)
			return rc;
		*ret = cJSON_Duplicate(a->node, true);
		if (!*ret)
			abort();
		return 0;
	}
	default:
		return at(r, &ev->start_mark, "unexpected YAML event");
	}
}

int hr_yaml_parse(const char *text, size_t len, const struct hr_yaml_limits *lim,
		  cJSON **ret_docs, cJSON **ret_lines, hr_error *err)
{
	struct reader r = { .lim = lim, .err = err };
	_cleanup_(hr_json_deletep) cJSON *docs = cJSON_CreateArray();
	_cleanup_(hr_json_deletep) cJSON *lines = ret_lines ? cJSON_CreateArray() : NULL;
	size_t n_docs = 0;
	int rc = 0;

	if (len > lim->max_bytes)
		return hr_err(err, HR_E_INVALID, "larger than %zu bytes", lim->max_bytes);
	if (hr_utf8_check(text, len) != len)
		return hr_err(err, HR_E_INVALID, "byte %zu: invalid UTF-8",
			      hr_utf8_check(text, len));
	if (memchr(text, '\0', len))
		return hr_err(err, HR_E_INVALID, "a NUL byte");
	if (!yaml_parser_initialize(&r.parser))
		abort();
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);
	for (;;) {
		yaml_event_t ev;
		cJSON *doc = NULL;

		if ((rc = next_event(&r, &ev)) < 0)
			break;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue; /* the stream start */
		}
		yaml_event_delete(&ev);
		if (++n_docs > lim->max_docs) {
			rc = hr_err(err, HR_E_INVALID, "more than %zu documents", lim->max_docs);
			break;
		}
		if ((rc = next_event(&r, &ev)) < 0)
			break;
		r.lines = lines ? cJSON_CreateObject() : NULL;
		rc = node(&r, &ev, "", 0, &doc);
		yaml_event_delete(&ev);
		if (rc < 0) {
			cJSON_Delete(r.lines);
			break;
		}
		if ((rc = next_event(&r, &ev)) < 0) { /* the document end */
			cJSON_Delete(doc);
			cJSON_Delete(r.lines);
			break;
		}
		yaml_event_delete(&ev);
		/* Anchors do not reach across documents. */
		forget_anchors(&r);
		if (cJSON_IsNull(doc)) {
			cJSON_Delete(doc); /* an empty document, as `---` alone makes */
			cJSON_Delete(r.lines);
		} else {
			cJSON_AddItemToArray(docs, doc);
			if (lines)
				cJSON_AddItemToArray(lines, r.lines);
		}
		r.lines = NULL;
	}
	forget_anchors(&r);
	free(r.anchors);
	yaml_parser_delete(&r.parser);
	if (rc < 0)
		return rc;
	*ret_docs = HR_TAKE_PTR(docs);
	if (ret_lines)
		*ret_lines = HR_TAKE_PTR(lines);
	return 0;
}

/* --- the writer ------------------------------------------------------------ */

static int write_out(void *data, unsigned char *buffer, size_t size)
{
	hr_buf_add(data, buffer, size);
	return 1;
}

/* A string may be written plain when every YAML 1.1 reader takes it back
 * as that string: not a null, boolean or number to go-yaml, and not
 * starting like a number, a timestamp or a sexagesimal. libyaml itself
 * quotes what plain style cannot hold (": ", a leading "-", ...). */
static bool plain_ok(const char *s)
{
	bool b;
	double d;

	return s[0] && !strchr("0123456789+-.=<", s[0]) && resolve_plain(s, &b, &d) == Y_STR;
}

static int emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev) ? 0 : -1;
}

static int emit_scalar(yaml_emitter_t *e, const char *s, bool quote)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
					  !quote, 1,
					  quote ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
						: YAML_PLAIN_SCALAR_STYLE))
		return -1;
	return emit(e, &ev);
}

static int emit_node(yaml_emitter_t *e, const cJSON *n)
{
	yaml_event_t ev;

	if (cJSON_IsObject(n)) {
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							 YAML_BLOCK_MAPPING_STYLE) ||
		    emit(e, &ev) < 0)
			return -1;
		for (const cJSON *c = n->child; c; c = c->next)
			if (emit_scalar(e, c->string, !plain_ok(c->string)) < 0 || emit_node(e, c) < 0)
				return -1;
		yaml_mapping_end_event_initialize(&ev);
		return emit(e, &ev);
	}
	if (cJSON_IsArray(n)) {
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  YAML_BLOCK_SEQUENCE_STYLE) ||
		    emit(e, &ev) < 0)
			return -1;
		for (const cJSON *c = n->child; c; c = c->next)
			if (emit_node(e, c) < 0)
				return -1;
		yaml_sequence_end_event_initialize(&ev);
		return emit(e, &ev);
	}
	if (cJSON_IsString(n))
		return emit_scalar(e, n->valuestring, !plain_ok(n->valuestring));
	if (cJSON_IsBool(n))
		return emit_scalar(e, cJSON_IsTrue(n) ? "true" : "false", false);
	if (cJSON_IsNull(n))
		return emit_scalar(e, "null", false);
	if (cJSON_IsNumber(n)) {
		char t[40];
		/* The shortest form that reads back as the same double: cJSON's
		 * printer takes 999999999999991.1 for 999999999999991 (its
		 * comparison allows an epsilon). A number that kept its source
		 * text (hr_json_parse) is written as it was. */
		if (n->valuestring) {
			_cleanup_free_ char *s = hr_json_brief(n);
			return emit_scalar(e, s, false);
		}
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(t, sizeof t, "%.*g", prec, n->valuedouble);
			if (strtod(t, NULL) == n->valuedouble)
				break;
		}
		return emit_scalar(e, t, false);
	}
	return -1;
}

char *hr_yaml_emit(const cJSON *docs, const char *header)
{
	struct hr_buf b = { 0 };
	yaml_emitter_t e;
	yaml_event_t ev;
	int rc = 0;

	hr_buf_add(&b, "", 0);
	for (const char *l = header; l && *l;) {
		size_t n = strcspn(l, "\n");
		hr_buf_add(&b, n ? "# " : "#", n ? 2 : 1);
		hr_buf_add(&b, l, n);
		hr_buf_add(&b, "\n", 1);
		l += n + (l[n] == '\n');
	}
	if (!yaml_emitter_initialize(&e))
		abort();
	yaml_emitter_set_output(&e, write_out, &b);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_indent(&e, 2);
	yaml_emitter_set_width(&e, 100);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	rc = emit(&e, &ev);
	for (const cJSON *d = docs ? docs->child : NULL; d && rc == 0; d = d->next) {
		if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0) ||
		    emit(&e, &ev) < 0 || emit_node(&e, d) < 0) {
			rc = -1;
			break;
		}
		yaml_document_end_event_initialize(&ev, 1);
		rc = emit(&e, &ev);
	}
	if (rc == 0) {
		yaml_stream_end_event_initialize(&ev);
		rc = emit(&e, &ev);
	}
	if (rc == 0 && !yaml_emitter_flush(&e))
		rc = -1;
	yaml_emitter_delete(&e);
	if (rc < 0) {
		free(b.s);
		return NULL;
	}
	/* libyaml leaves the last line open when the document end is implicit. */
	if (b.n && b.s[b.n - 1] != '\n')
		hr_buf_add(&b, "\n", 1);
	return b.s;
}
