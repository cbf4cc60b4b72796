/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The field table: every field of an OCI runtime spec (1.0.0 to 1.2, and
 * those of 1.3 for Linux), and every annotation a runtime or engine acts
 * on, each with one disposition: judged by a named control (which keeps,
 * changes or refuses it), removed with a finding, or refused. Anything the
 * table does not hold is refused, at any depth, and so is a spelling that
 * Go (runc) would read as a field of the table. The man page's FIELDS
 * section, `hardrun check` and the fuzz oracle read this one table.
 */
#ifndef HARDRUN_FIELDS_H
#define HARDRUN_FIELDS_H

#include <cjson/cJSON.h>

#include "hardrun/finding.h"

enum hr_field_type {
	HR_FT_OBJECT,  /* its members are the children */
	HR_FT_ARRAY,   /* its elements are described by the one child "*" */
	HR_FT_MAP,     /* string keys: the children are fnmatch(3) patterns of keys,
			* the first that matches describes the value */
	HR_FT_STRING,
	HR_FT_NUMBER,
	HR_FT_BOOL,
	HR_FT_STRINGS, /* an array of strings */
	HR_FT_NUMBERS, /* an array of numbers */
};

enum hr_field_disp {
	HR_FD_JUDGED,  /* the control reads it and keeps, changes or refuses it */
	HR_FD_REMOVED, /* removed, with a finding of `rule` */
	HR_FD_REFUSED, /* its presence (not null) refuses the spec, rule `rule` */
};

struct hr_field {
	const char *name; /* member name, "*" for an array's elements, or a key pattern */
	enum hr_field_type type;
	enum hr_field_disp disp;
	const char *control; /* the control (pass) that owns it, or "fields" */
	const char *rule;    /* the rule of its findings; NULL: the control's own */
	/* the runtime-spec version that added it; for an annotation, who
	 * reads or writes it */
	const char *origin;
	const char *doc;     /* one line: what it is and what hardrun does with it */
	const struct hr_field *children; /* ended by a row with name NULL */
};

/* The root of the table: the members of config.json. */
extern const struct hr_field hr_field_root;

/* Visit every row, depth first, with its path ("/process/user/uid",
 * "/mounts/ * /options" without the spaces, "/annotations/run.oci.*"). */
typedef void (*hr_field_visit_fn)(const struct hr_field *f, const char *path, void *ud);
void hr_fields_visit(hr_field_visit_fn fn, void *ud);

/* The row at `path` in that notation, or NULL. */
const struct hr_field *hr_field_at(const char *path);

/* The child of a map row whose pattern matches `key` first, or NULL. */
const struct hr_field *hr_field_map_match(const struct hr_field *map, const char *key);

/*
 * Judge `node` (at JSON pointer `ptr`) against row `f` and everything
 * below it: a member the table does not have, or spelled so that Go
 * would read it as one it has, is refused and taken out of the tree; a
 * row that is removed or refused is applied; a value of the wrong JSON
 * type is an error. Findings are appended to `findings`. Returns 0 (the
 * findings say whether anything was refused) or HR_E_INVALID.
 */
int hr_fields_judge(cJSON *node, const struct hr_field *f, const char *ptr,
		    struct hr_findings *findings, hr_error *err);

/* Name of a type and of a disposition, for messages and the man page. */
const char *hr_field_type_name(enum hr_field_type t);
const char *hr_field_disp_name(enum hr_field_disp d);

#endif
