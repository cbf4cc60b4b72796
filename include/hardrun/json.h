/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON handling on top of cJSON, shaped by what the consumers of an OCI
 * spec do with it. runc decodes config.json with Go's encoding/json, which
 * matches object keys case-insensitively (with Unicode folding of 's' and
 * 'k'), lets the last duplicate key win and replaces invalid UTF-8. If
 * hardrun read the document differently from runc, a spec could hide a
 * field from hardrun and show it to runc. So the parser here refuses every
 * document on which the two readings could differ, and every lookup the
 * policy makes goes through hr_json_get(), which agrees with Go.
 */
#ifndef HARDRUN_JSON_H
#define HARDRUN_JSON_H

#include <cjson/cJSON.h>

#include "hardrun/util.h"

void hr_json_deletep(cJSON **j);
#define _cleanup_json_ _cleanup_(hr_json_deletep)

/*
 * Between hr_json_arena_start() and hr_json_arena_stop(), cJSON takes its
 * memory from one growing arena instead of malloc, and freeing a node of
 * the arena costs nothing: a container start builds and drops tens of
 * thousands of nodes, and malloc and free were a quarter of its
 * instructions. The arena is never given back (a launch is short and its
 * trees live to its end); nodes of either kind may be freed at any time
 * with cJSON_Delete(), before or after stop. So the rule for cJSON's
 * memory holds everywhere: what cJSON allocated (nodes, keys, strings,
 * cJSON_Print's text) goes back through cJSON (cJSON_Delete, cJSON_free),
 * never free(). hr_json_print() returns malloc'd text. Under
 * AddressSanitizer there is no arena, so that its checks see every node.
 */
void hr_json_arena_start(void);
void hr_json_arena_stop(void);

/* Bounds on what hr_json_parse accepts. */
struct hr_json_limits {
	size_t max_bytes;   /* document size */
	unsigned max_depth; /* nesting of arrays and objects */
	size_t max_members; /* members of one array or object */
};
extern const struct hr_json_limits hr_json_spec_limits;

/*
 * Parse `len` bytes of JSON text into a tree, refusing: invalid UTF-8,
 * "\u0000" escapes, non-finite numbers, exact duplicate keys in any object,
 * keys that collide under Go's case folding in any object that is not a
 * string map (annotations, sysctl, unified), and anything beyond `lim`.
 * Numbers of more than 15 digits (integers or not), which might not
 * survive a round trip through a double, keep their source text, and
 * hr_json_print() writes them back unchanged.
 *
 * Returns 0 and *ret_tree, or HR_E_INVALID with a message that gives the
 * line and column (or JSON pointer) of the problem.
 */
int hr_json_parse(const char *text, size_t len, const struct hr_json_limits *lim,
		  cJSON **ret_tree, hr_error *err);

/* Serialise; numbers hardrun did not change keep their source text.
 * Returns a malloc'd string. */
char *hr_json_print(const cJSON *tree, bool pretty);

/*
 * The member of `obj` named `key` as Go would find it: an exact match, or
 * a member whose name folds to the same. A folded, non-exact match is an
 * error (runc would read it as `key`, a reader of the canonical name would
 * not), reported at `where`. Returns 0 with *ret (NULL if absent), or
 * HR_E_INVALID.
 */
int hr_json_get(const cJSON *obj, const char *key, const char *where, cJSON **ret,
		hr_error *err);

/* Whether Go's encoding/json reads names `a` and `b` as the same field
 * (a simple case fold in which U+017F equals 's' and U+212A 'k'). */
bool hr_json_fold_equal(const char *a, const char *b);

/* What a node is, for messages: "a string", "an object", "null", ... */
const char *hr_json_type_name(const cJSON *j);

/* Typed access: the member must be absent or of the given type. */
int hr_json_get_object(const cJSON *obj, const char *key, const char *where,
		       cJSON **ret, hr_error *err);
int hr_json_get_array(const cJSON *obj, const char *key, const char *where,
		      cJSON **ret, hr_error *err);
int hr_json_get_string(const cJSON *obj, const char *key, const char *where,
		       cJSON **ret, hr_error *err);
int hr_json_get_bool(const cJSON *obj, const char *key, const char *where,
		     cJSON **ret, hr_error *err);
/* A number that is an integer in [min, max]. */
int hr_json_get_int(const cJSON *obj, const char *key, const char *where,
		    double min, double max, cJSON **ret, hr_error *err);
/* Check that every element of an array is a string. */
int hr_json_check_string_array(const cJSON *arr, const char *where, hr_error *err);

/* Get the object member `key`, creating it (as an empty object) if absent. */
int hr_json_ensure_object(cJSON *obj, const char *key, const char *where,
			  cJSON **ret, hr_error *err);
int hr_json_ensure_array(cJSON *obj, const char *key, const char *where,
			 cJSON **ret, hr_error *err);

/* Insert `item` into `array` before its `index`-th element, or append it
 * when index is the array's size or more; takes ownership of item.
 * (cJSON_InsertItemInArray is not used: some distribution builds of cJSON
 * 1.7.15, Debian 12's among them, refuse every insertion but at the head.) */
void hr_json_insert(cJSON *array, size_t index, cJSON *item);

/* Replace (or add) member `key` with `value`, taking ownership of value. */
void hr_json_set(cJSON *obj, const char *key, cJSON *value);
/* Set a number node's value, dropping any preserved source text. */
void hr_json_set_number(cJSON *node, double v);
cJSON *hr_json_new_number(double v);

/* Compact text of a node, for findings; NULL node gives NULL. */
char *hr_json_brief(const cJSON *node);

/* JSON pointer "<base>/<escaped token>" (RFC 6901). */
char *hr_json_ptr(const char *base, const char *token);
char *hr_json_ptr_index(const char *base, size_t index);

/* Structural equality that also compares preserved number text. */
bool hr_json_equal(const cJSON *a, const cJSON *b);

/* Validate UTF-8 (RFC 3629, no surrogates, no overlongs). Returns the
 * offset of the first bad byte, or len if all is well. */
size_t hr_utf8_check(const char *s, size_t len);

#endif
