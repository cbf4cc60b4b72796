/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/runc_argv.h"

struct flagdef {
	const char *names; /* "long,short" as urfave/cli spells them */
	bool value;
};

#define HELP { "help,h", false }

static const struct flagdef create_flags[] = {
	{ "bundle,b", true },	  { "console-socket", true }, { "pid-file", true },
	{ "no-pivot", false },	  { "no-new-keyring", false }, { "preserve-fds", true },
	{ "config,f", true }, /* crun: another file than BUNDLE/config.json */
	HELP,		      { NULL, false },
};

static const struct flagdef run_flags[] = {
	{ "bundle,b", true },	  { "console-socket", true },  { "pid-file", true },
	{ "no-pivot", false },	  { "no-new-keyring", false }, { "preserve-fds", true },
	{ "config,f", true },	  { "detach,d", false },       { "keep", false },
	{ "no-subreaper", false }, HELP,		       { NULL, false },
};

static const struct flagdef restore_flags[] = {
	{ "console-socket", true },    { "image-path", true },	       { "work-path", true },
	{ "leave-running", false },    { "tcp-established", false },   { "ext-unix-sk", false },
	{ "shell-job", false },	       { "file-locks", false },	       { "manage-cgroups-mode", true },
	{ "bundle,b", true },	       { "detach,d", false },	       { "pid-file", true },
	{ "no-subreaper", false },     { "no-pivot", false },	       { "empty-ns", true },
	{ "auto-dedup", false },       { "lazy-pages", false },	       { "lsm-profile", true },
	{ "lsm-mount-context", true }, HELP,			       { NULL, false },
};

static const struct flagdef exec_flags[] = {
	{ "console-socket", true }, { "pidfd-socket", true },	    { "cwd", true },
	{ "env,e", true },	    { "tty,t", false },		    { "user,u", true },
	{ "additional-gids,g", true }, { "process,p", true },	    { "detach,d", false },
	{ "pid-file", true },	    { "process-label", true },	    { "apparmor", true },
	{ "no-new-privs", false },  { "cap,c", true },		    { "preserve-fds", true },
	{ "cgroup", true },	    { "ignore-paused", false },	    HELP,
	{ NULL, false },
};

static const struct flagdef update_flags[] = {
	{ "resources,r", true },       { "blkio-weight", true },      { "cpu-period", true },
	{ "cpu-quota", true },	       { "cpu-share", true },	      { "cpu-rt-period", true },
	{ "cpu-rt-runtime", true },    { "cpuset-cpus", true },	      { "cpuset-mems", true },
	{ "kernel-memory", true },     { "kernel-memory-tcp", true }, { "memory", true },
	{ "memory-reservation", true }, { "memory-swap", true },      { "pids-limit", true },
	{ "l3-cache-schema", true },   { "mem-bw-schema", true },     { "cpu-idle", true },
	HELP,			       { NULL, false },
};

/* delete is read too: the private bundle goes with the container. */
static const struct flagdef delete_flags[] = {
	{ "force,f", false }, HELP, { NULL, false },
};

static const struct {
	const char *name;
	enum hr_runc_cmd cmd;
	const struct flagdef *flags; /* NULL: not parsed, passed through */
	bool reorder;		     /* flags may follow the positional words */
} commands[] = {
	{ "create", HR_RUNC_CREATE, create_flags, true },
	{ "run", HR_RUNC_RUN, run_flags, true },
	{ "restore", HR_RUNC_RESTORE, restore_flags, true },
	{ "exec", HR_RUNC_EXEC, exec_flags, false },
	{ "update", HR_RUNC_UPDATE, update_flags, true },
	{ "start", HR_RUNC_START, NULL, true },
	{ "state", HR_RUNC_STATE, NULL, true },
	{ "kill", HR_RUNC_KILL, NULL, true },
	{ "delete", HR_RUNC_DELETE, delete_flags, true },
	{ "list", HR_RUNC_LIST, NULL, true },
	{ "ps", HR_RUNC_PS, NULL, false },
	{ "pause", HR_RUNC_PAUSE, NULL, true },
	{ "resume", HR_RUNC_RESUME, NULL, true },
	{ "events", HR_RUNC_EVENTS, NULL, true },
	{ "checkpoint", HR_RUNC_CHECKPOINT, NULL, true },
	{ "spec", HR_RUNC_SPEC, NULL, true },
	{ "features", HR_RUNC_FEATURES, NULL, true },
};

/* Global flags of runc and crun that take a value; all others are bools. */
static const char *const global_valued[] = { "log",	 "log-format",	   "root",
					     "criu",	 "rootless",	   "cgroup-manager",
					     "log-level", NULL };
static const char *const global_bool[] = { "debug", "systemd-cgroup", "help", "h",
					   "version", "v", NULL };

static bool parse_go_bool(const char *s)
{
	static const char *const ok[] = { "1", "t", "T", "TRUE", "true", "True",
					  "0", "f", "F", "FALSE", "false", "False", NULL };
	for (size_t i = 0; ok[i]; i++)
		if (strcmp(ok[i], s) == 0)
			return true;
	return false;
}

/* The global bools whose value decides whether runc runs anything. */
enum { G_H = 1, G_HELP = 2, G_V = 4, G_VERSION = 8 };

/*
 * A global bool flag, as Go's flag package sets it (the last occurrence
 * wins; each spelling of urfave's "help, h" is a flag of its own). With
 * help or version true, runc (urfave/cli v1) prints that and runs no
 * subcommand; so it does for a value Go cannot read as a bool, which is
 * a usage error. crun, whose flags are argp's, prints its version or
 * help, or rejects the line, for each of these too.
 */
static void global_bool_flag(struct hr_runc_call *c, const char *name, size_t len,
			     const char *iv)
{
	static const struct {
		const char *name;
		unsigned bit;
	} named[] = { { "h", G_H }, { "help", G_HELP }, { "v", G_V }, { "version", G_VERSION } };
	bool on = !iv || strchr("1tT", iv[0]);

	if (iv && !parse_go_bool(iv)) {
		c->informational = true;
		return;
	}
	for (size_t k = 0; k < HR_ARRAY_SIZE(named); k++) {
		if (strlen(named[k].name) != len || strncmp(named[k].name, name, len) != 0)
			continue;
		c->global_seen |= named[k].bit;
		if (on)
			c->global_true |= named[k].bit;
		else
			c->global_true &= ~named[k].bit;
	}
}

const char *hr_runc_cmd_name(enum hr_runc_cmd cmd)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(commands); i++)
		if (commands[i].cmd == cmd)
			return commands[i].name;
	return cmd == HR_RUNC_NONE ? "" : "?";
}

static bool in_list(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncmp(list[i], s, n) == 0)
			return true;
	return false;
}

/* "--name=v" / "-name" -> name (length) and inline value; false if the
 * word is not a flag. */
static bool split_flag(const char *w, const char **name, size_t *len, const char **inline_v)
{
	if (w[0] != '-' || !w[1] || strcmp(w, "--") == 0)
		return false;
	w += w[1] == '-' ? 2 : 1;
	*name = w;
	*len = strcspn(w, "=");
	*inline_v = w[*len] == '=' ? w + *len + 1 : NULL;
	return true;
}

/* The canonical name of flag `name` in `defs`, or NULL. */
static const struct flagdef *lookup(const struct flagdef *defs, const char *name, size_t n)
{
	for (const struct flagdef *d = defs; d->names; d++) {
		const char *p = d->names;
		while (*p) {
			size_t l = strcspn(p, ",");
			if (l == n && strncmp(p, name, n) == 0)
				return d;
			p += l;
			if (*p == ',')
				p++;
		}
	}
	return NULL;
}

static char *canonical(const struct flagdef *d)
{
	size_t l = strcspn(d->names, ",");
	char *s = hr_xmalloc(l + 1);
	memcpy(s, d->names, l);
	s[l] = '\0';
	return s;
}

static void add_opt(struct hr_runc_call *c, const struct flagdef *d, size_t index,
		    size_t value_at, const char *value)
{
	c->opts = hr_xrealloc(c->opts, (c->n_opts + 1) * sizeof *c->opts);
	c->opts[c->n_opts++] = (struct hr_runc_opt){
		.name = canonical(d), .index = index, .value_at = value_at, .value = value
	};
}

/* urfave/cli v1's reorderArgs (1.22.2 and later, as in runc 1.1): flags
 * (and the word after a flag without "=") move in front of the other
 * words; "--" ends the reordering and goes in front of the words left
 * behind, so `create ID --` is one positional word, as runc reads it. */
static size_t reorder(const struct hr_runc_call *c, const struct flagdef *defs, size_t from,
		      size_t *out)
{
	size_t n = 0, nrest = 0, total = c->argc - from;
	_cleanup_free_ size_t *rest = hr_xcalloc(total + 1, sizeof *rest);
	bool may_be_value = false;

	for (size_t i = from; i < c->argc; i++) {
		const char *w = c->argv[i], *name, *iv;
		size_t len;
		bool is_flag = strcmp(w, "-") != 0 && split_flag(w, &name, &len, &iv) &&
			       lookup(defs, name, len);

		if (may_be_value && !is_flag) {
			may_be_value = false;
			out[n++] = i;
		} else if (strcmp(w, "--") == 0) {
			memmove(rest + 1, rest, nrest * sizeof *rest);
			rest[0] = i;
			nrest++;
			for (i++; i < c->argc; i++)
				rest[nrest++] = i;
			break;
		} else if (is_flag) {
			out[n++] = i;
			may_be_value = !strchr(w, '=');
		} else {
			rest[nrest++] = i;
		}
	}
	memcpy(out + n, rest, nrest * sizeof *rest);
	return n + nrest;
}

static void parse_subcommand(struct hr_runc_call *c, const struct flagdef *defs, bool reord)
{
	size_t from = c->cmd_index + 1, n;
	_cleanup_free_ size_t *order = hr_xcalloc(c->argc + 1, sizeof *order);
	size_t k = 0;

	if (reord) {
		n = reorder(c, defs, from, order);
	} else {
		n = 0;
		for (size_t i = from; i < c->argc; i++)
			order[n++] = i;
	}
	/* Go's flag package: flags until the first non-flag word or "--". */
	for (; k < n; k++) {
		const char *w = c->argv[order[k]], *name, *iv;
		const struct flagdef *d;
		size_t len;

		if (strcmp(w, "--") == 0) {
			k++;
			break;
		}
		if (strcmp(w, "-") == 0 || !split_flag(w, &name, &len, &iv))
			break;
		if (len == 0 || name[0] == '-' || name[0] == '=') {
			snprintf(c->parse_error, sizeof c->parse_error, "bad flag syntax: %s", w);
			return;
		}
		d = lookup(defs, name, len);
		if (!d) {
			snprintf(c->parse_error, sizeof c->parse_error,
				 "flag provided but not defined: -%.*s", (int)len, name);
			return;
		}
		if (!d->value) {
			if (iv && !parse_go_bool(iv)) {
				snprintf(c->parse_error, sizeof c->parse_error,
					 "invalid boolean value \"%s\" for -%.*s: parse error", iv,
					 (int)len, name);
				return;
			}
			/* --flag=false is a flag that is off: record its value */
			add_opt(c, d, order[k], 0, iv);
		} else if (iv) {
			add_opt(c, d, order[k], 0, iv);
		} else if (k + 1 < n) {
			add_opt(c, d, order[k], order[k + 1], c->argv[order[k + 1]]);
			k++;
		} else {
			snprintf(c->parse_error, sizeof c->parse_error, "flag needs an argument: -%.*s",
				 (int)len, name);
			return;
		}
	}
	c->pos = hr_xcalloc(n - k + 1, sizeof *c->pos);
	for (; k < n; k++)
		c->pos[c->n_pos++] = order[k];

	/* runc's own argument count checks */
	if (c->cmd == HR_RUNC_EXEC ? c->n_pos < 1 : c->n_pos != 1) {
		snprintf(c->parse_error, sizeof c->parse_error,
			 "\"%s\" requires %s 1 argument(s)", hr_runc_cmd_name(c->cmd),
			 c->cmd == HR_RUNC_EXEC ? "a minimum of" : "exactly");
		return;
	}
	c->parsed = true;
}

void hr_runc_parse(int argc, char **argv, struct hr_runc_call *c)
{
	size_t i;

	*c = (struct hr_runc_call){ 0 };
	c->argc = (size_t)argc;
	c->argv = hr_xcalloc(c->argc + 1, sizeof *c->argv);
	c->dropped = hr_xcalloc(c->argc + 1, sizeof *c->dropped);
	for (i = 0; i < c->argc; i++)
		c->argv[i] = argv[i];

	for (i = 1; i < c->argc; i++) {
		const char *w = c->argv[i], *name, *iv;
		size_t len;

		if (strcmp(w, "--") == 0 || !split_flag(w, &name, &len, &iv))
			break;
		if (len > 8 && strncmp(name, "hardrun-", 8) == 0) {
			const char *v = iv;
			c->dropped[i] = true;
			if (!v && i + 1 < c->argc) {
				v = c->argv[++i];
				c->dropped[i] = true;
			}
			if (len == 15 && strncmp(name, "hardrun-profile", len) == 0)
				c->hr_profile = v;
			else if (len == 15 && strncmp(name, "hardrun-runtime", len) == 0)
				c->hr_runtime = v;
			else if (len == 14 && strncmp(name, "hardrun-config", len) == 0)
				c->hr_config = v;
			else
				snprintf(c->parse_error, sizeof c->parse_error,
					 "unknown hardrun flag --%.*s (fix: --hardrun-profile, "
					 "--hardrun-runtime or --hardrun-config)",
					 (int)len, name);
			c->saw_global = true;
			continue;
		}
		if (in_list(global_valued, name, len)) {
			c->saw_global = true;
			const char *v = iv;
			if (!v && i + 1 < c->argc)
				v = c->argv[++i];
			if (len == 3 && strncmp(name, "log", 3) == 0)
				c->log = v;
			else if (len == 10 && strncmp(name, "log-format", 10) == 0)
				c->log_format = v;
			else if (len == 4 && strncmp(name, "root", 4) == 0)
				c->root = v;
		} else if (in_list(global_bool, name, len)) {
			c->saw_global = true;
			global_bool_flag(c, name, len, iv);
		} else if (!c->parse_error[0]) {
			/* Any other flag does not make the call a runtime call by
			 * itself (direct mode's own options look like that). As a
			 * runtime call it is an error: hardrun cannot tell whether
			 * it takes the next word (crun reads `--cgroup disabled
			 * create` as --cgroup-manager=disabled), so not which word
			 * is the subcommand. */
			snprintf(c->parse_error, sizeof c->parse_error,
				 "unknown global flag %.*s (fix: spell out one of runc's or crun's "
				 "global flags in full)",
				 (int)strcspn(w, "="), w);
		}
	}
	/* urfave/cli: both spellings of one flag on a line is an error. */
	if ((c->global_seen & (G_H | G_HELP)) == (G_H | G_HELP) ||
	    (c->global_seen & (G_V | G_VERSION)) == (G_V | G_VERSION))
		c->informational = true;
	if (c->global_true & (G_H | G_HELP | G_V | G_VERSION))
		c->informational = true;
	/* Go's flag package and argp end the global flags at "--": the
	 * subcommand is the word after it. */
	if (i < c->argc && strcmp(c->argv[i], "--") == 0)
		i++;
	c->global_error = c->parse_error[0] != '\0';
	if (i >= c->argc)
		return;
	c->cmd_index = i;
	c->cmd = HR_RUNC_UNKNOWN;
	for (size_t k = 0; k < HR_ARRAY_SIZE(commands); k++) {
		if (strcmp(commands[k].name, c->argv[i]) != 0)
			continue;
		c->cmd = commands[k].cmd;
		if (commands[k].flags && !c->parse_error[0])
			parse_subcommand(c, commands[k].flags, commands[k].reorder);
		break;
	}
}

void hr_runc_call_done(struct hr_runc_call *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_opts; i++)
		free((char *)c->opts[i].name);
	free(c->opts);
	free(c->pos);
	free(c->dropped);
	/* Words hardrun added or replaced are the call's; the caller's are not. */
	hr_strv_free(c->inserted);
	hr_strv_free(c->owned);
	free(c->argv);
	*c = (struct hr_runc_call){ 0 };
}

bool hr_runc_argv_is_runtime_call(int argc, char **argv)
{
	struct hr_runc_call c;
	bool runtime;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
			  strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-v") == 0))
		return true;
	hr_runc_parse(argc, argv, &c);
	/* Global flags of runc's alone (`--root R -v`, `--debug`): runc
	 * answers them with its version or help. */
	runtime = (c.cmd != HR_RUNC_NONE && c.cmd != HR_RUNC_UNKNOWN) ||
		  (c.saw_global && (c.cmd_index > 0 || !c.parse_error[0])) || c.hr_profile ||
		  c.hr_runtime || c.hr_config;
	hr_runc_call_done(&c);
	return runtime;
}

const struct hr_runc_opt *hr_runc_opt(const struct hr_runc_call *c, const char *name)
{
	const struct hr_runc_opt *found = NULL;

	for (size_t i = 0; i < c->n_opts; i++)
		if (strcmp(c->opts[i].name, name) == 0 && !c->dropped[c->opts[i].index])
			found = &c->opts[i];
	return found;
}

const char *hr_runc_pos(const struct hr_runc_call *c, size_t i)
{
	return i < c->n_pos ? c->argv[c->pos[i]] : NULL;
}

void hr_runc_set_value(struct hr_runc_call *c, const struct hr_runc_opt *opt, const char *value)
{
	char *v;

	v = opt->value_at ? hr_xstrdup(value) : hr_xasprintf("--%s=%s", opt->name, value);
	hr_strv_push(&c->owned, v);
	free(v);
	v = c->owned[hr_strv_len(c->owned) - 1];
	if (opt->value_at)
		c->argv[opt->value_at] = v;
	else
		c->argv[opt->index] = v;
	((struct hr_runc_opt *)opt)->value = opt->value_at ? v : strchr(v, '=') + 1;
}

void hr_runc_drop(struct hr_runc_call *c, const struct hr_runc_opt *opt)
{
	c->dropped[opt->index] = true;
	if (opt->value_at)
		c->dropped[opt->value_at] = true;
}

void hr_runc_insert(struct hr_runc_call *c, const char *word)
{
	hr_strv_push(&c->inserted, word);
}

char **hr_runc_final_argv(const struct hr_runc_call *c, const char *runtime,
			  char *const *extra_globals)
{
	size_t n = 1 + hr_strv_len(extra_globals) + c->argc + hr_strv_len(c->inserted) + 1;
	char **v = hr_xcalloc(n, sizeof *v);
	size_t k = 0;

	v[k++] = (char *)runtime;
	for (size_t i = 0; extra_globals && extra_globals[i]; i++)
		v[k++] = extra_globals[i];
	for (size_t i = 1; i < c->argc; i++) {
		if (!c->dropped[i])
			v[k++] = c->argv[i];
		if (i == c->cmd_index)
			for (size_t j = 0; c->inserted && c->inserted[j]; j++)
				v[k++] = c->inserted[j];
	}
	return v;
}
