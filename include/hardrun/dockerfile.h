/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dockerfiles: the build-time counterpart of the runtime profile. The
 * tokenizer (src/core/image/dockerfile.c) reads BuildKit's syntax: parser
 * directives (escape), comments, line continuations, heredocs, JSON (exec)
 * and shell forms, flags, multi-stage FROM ... AS. The rules
 * (src/core/image/dockerfile_rules.c) report with the same finding ids as the
 * runtime where the concern is the same (user.root-uid, image.secret,
 * image.ref-digest), stage build. Both are pure.
 */
#ifndef HARDRUN_DOCKERFILE_H
#define HARDRUN_DOCKERFILE_H

#include <cjson/cJSON.h>

#include "hardrun/finding.h"
#include "hardrun/profile.h"
#include "hardrun/strmap.h"

#define HR_DOCKERFILE_MAX_BYTES (1u << 20)

struct hr_df_instr {
	char *keyword;	 /* upper case: FROM, RUN, ... */
	char *args;	 /* after the flags; continuation lines joined with a space */
	char **flags;	 /* leading --name[=value] words (--from=..., --mount=...) */
	cJSON *json;	 /* the exec form's array of strings, or NULL (shell form) */
	char **heredocs; /* the bodies of its <<WORD documents, in order */
	unsigned line;	 /* first line, 1-based */
	int stage;	 /* the stage it belongs to; -1 before the first FROM */
};

struct hr_df_stage {
	char *image;	  /* FROM's image, as written */
	char *name;	  /* AS name, or NULL */
	int base;	  /* the earlier stage FROM names, or -1 */
	unsigned line;
	size_t first, end; /* its instructions: [first, end) */
};

struct hr_dockerfile {
	struct hr_df_instr *v;
	size_t n;
	struct hr_df_stage *stages;
	size_t n_stages;
	char escape;
	char **global_args; /* NAME=default (or NAME) of the ARGs before the first FROM */
};

/*
 * Parse a Dockerfile. Errors (unknown instruction, no FROM, an
 * unterminated heredoc, more than 1 MiB) say `where`:LINE and the fix.
 * Linear in len: every line is read once, a heredoc's body once, stages
 * are found by name in a map. Returns 0 or HR_E_INVALID.
 */
int hr_dockerfile_parse(const char *text, size_t len, const char *where, struct hr_dockerfile *out,
			hr_error *err);
void hr_dockerfile_done(struct hr_dockerfile *d);

/* Variables of a build (ARG, ENV): a map, so that a Dockerfile of many
 * variables and many references costs each reference one lookup. A
 * stage's variables have the global ARGs as their parent. { 0 } is empty. */
struct hr_df_vars {
	const struct hr_df_vars *parent; /* looked in when a name is not here */
	struct hr_strmap map;		 /* name -> 1 + index into values */
	struct hr_strv_builder values;
};
/* Set NAME (its n bytes) to value; a later definition wins. */
void hr_df_vars_set(struct hr_df_vars *v, const char *name, size_t n, const char *value);
/* The value of NAME here or in a parent, or NULL. */
const char *hr_df_vars_get(const struct hr_df_vars *v, const char *name, size_t n);
/* Set each NAME=value of a vector (a NAME without = is left undefined). */
void hr_df_vars_from(struct hr_df_vars *v, char *const *assignments);
void hr_df_vars_done(struct hr_df_vars *v);

/* Expand $VAR, ${VAR}, ${VAR:-default} and ${VAR:+alt} from `vars` (may
 * be NULL); unknown variables expand to nothing and set *unresolved (may
 * be NULL). Linear in s. */
char *hr_df_expand(const char *s, const struct hr_df_vars *vars, bool *unresolved);

/* The words of a shell command line, quotes removed; operators (&&, ||,
 * ;, |, newline) are words of their own. */
char **hr_df_shell_words(const char *s);

/* The findings for a parsed Dockerfile under profile `p`. */
void hr_dockerfile_rules(const struct hr_dockerfile *d, const struct hr_profile *p,
			 struct hr_findings *f);

#endif
