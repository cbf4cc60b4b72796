/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runc's command line, read the way runc reads it, so that hardrun finds
 * the bundle, the container id and the process or resources file exactly
 * where runc will look for them. runc (urfave/cli v1 on Go's flag package)
 * takes global flags before the subcommand; `-x` equals `--x`; a value is
 * `--flag=value` or the next word; bool flags never take the next word.
 * Subcommand flags may follow the container id (urfave moves them in
 * front, taking the word after a flag without "=" along), except for exec
 * and ps, whose flags stop at the id.
 *
 * The parser works on a copy of argv that it can edit: remove a flag,
 * change a value, add a flag after the subcommand. hardrun's own global
 * flags (--hardrun-*) are found and removed here.
 */
#ifndef HARDRUN_RUNC_ARGV_H
#define HARDRUN_RUNC_ARGV_H

#include "hardrun/util.h"

enum hr_runc_cmd {
	HR_RUNC_NONE,    /* no subcommand (e.g. `--version` alone) */
	HR_RUNC_UNKNOWN, /* a word runc does not know as a subcommand */
	HR_RUNC_CREATE,
	HR_RUNC_RUN,
	HR_RUNC_RESTORE,
	HR_RUNC_EXEC,
	HR_RUNC_UPDATE,
	HR_RUNC_START,
	HR_RUNC_STATE,
	HR_RUNC_KILL,
	HR_RUNC_DELETE,
	HR_RUNC_LIST,
	HR_RUNC_PS,
	HR_RUNC_PAUSE,
	HR_RUNC_RESUME,
	HR_RUNC_EVENTS,
	HR_RUNC_CHECKPOINT,
	HR_RUNC_SPEC,
	HR_RUNC_FEATURES,
};

/* One occurrence of a subcommand flag. */
struct hr_runc_opt {
	const char *name; /* canonical (long) name, e.g. "bundle" */
	size_t index;     /* of the flag word in call->argv */
	size_t value_at;  /* of its value word, or 0 when inline (--x=v) or bool */
	const char *value;/* the value (NULL for a bool flag without =) */
};

struct hr_runc_call {
	char **argv; /* editable copy; argv[0] is the caller's */
	size_t argc;
	bool *dropped; /* per word: removed from what the runtime gets */

	/* hardrun's own global flags (removed from argv) */
	const char *hr_profile, *hr_runtime, *hr_config;
	/* runc global flags that hardrun uses */
	const char *root, *log, *log_format;
	bool saw_global; /* any global flag at all */
	/* runc runs no subcommand at all: a global -h/--help or -v/--version
	 * that Go reads as true, both spellings of one, or a global bool
	 * with a value Go cannot read (runc prints help, its version or a
	 * usage error). Nothing is to be hardened then. */
	bool informational;
	unsigned global_seen, global_true; /* of -h, --help, -v, --version */

	enum hr_runc_cmd cmd;
	size_t cmd_index; /* 0 if none */

	/* The subcommand's flags and positional words, read as runc would
	 * (only for create, run, restore, exec and update). */
	bool parsed;
	char parse_error[256];
	bool global_error; /* parse_error is about the global flags */
	struct hr_runc_opt *opts;
	size_t n_opts;
	size_t *pos; /* indexes of positional words */
	size_t n_pos;

	char **inserted; /* flags to add right after the subcommand */
	char **owned;    /* replacement words (argv points into them) */
};

/* Read argv. Never fails for a command line runc would reject: such
 * calls come back with parsed = false and the reason in parse_error. */
void hr_runc_parse(int argc, char **argv, struct hr_runc_call *call);
void hr_runc_call_done(struct hr_runc_call *call);

/* True when argv is an OCI runtime call (a runc subcommand, a runc or
 * hardrun global flag, or --help/--version) rather than hardrun's own. */
bool hr_runc_argv_is_runtime_call(int argc, char **argv);

const char *hr_runc_cmd_name(enum hr_runc_cmd cmd);

/* The last occurrence of flag `name` (Go's flag package: the last wins),
 * or NULL. */
const struct hr_runc_opt *hr_runc_opt(const struct hr_runc_call *call, const char *name);
/* The i-th positional word, or NULL. */
const char *hr_runc_pos(const struct hr_runc_call *call, size_t i);

/* Give every occurrence of flag `name` the value `value`. */
void hr_runc_set_value(struct hr_runc_call *call, const struct hr_runc_opt *opt,
		       const char *value);
/* Remove one flag occurrence (and its value word). */
void hr_runc_drop(struct hr_runc_call *call, const struct hr_runc_opt *opt);
/* Add a flag word right after the subcommand. */
void hr_runc_insert(struct hr_runc_call *call, const char *word);

/*
 * The runtime's argv: `runtime`, then `extra_globals` (from hardrun.conf),
 * then what the caller passed, minus hardrun's flags and the dropped
 * words, plus the inserted ones. The strings are borrowed from the call.
 */
char **hr_runc_final_argv(const struct hr_runc_call *call, const char *runtime,
			  char *const *extra_globals);

#endif
