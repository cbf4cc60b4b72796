/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runc's command line, read as runc reads it: what the engines really send
 * (containerd's shim, Docker, podman through conmon), urfave/cli's
 * reordering of flags that follow the container id (and its quirk: the
 * word after a flag without "=" moves along), Go's flag package (-x is
 * --x, --flag=value or the next word, "--", bools), runc's argument
 * counts; which argv is a runtime call at all; and the argv hardrun hands
 * the runtime after removing its own flags and editing the others.
 *
 * A case is one line of words split at spaces. Where a case says what runc
 * does, that was checked against runc 1.1.5.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/runc_argv.h"
#include "helpers.h"

TestSuite(parse, .timeout = 10);
TestSuite(detect, .timeout = 10);
TestSuite(edit, .timeout = 10);

/* argv for "hardrun WORDS...": argv[0] is "hardrun". */
struct words {
	char *buf;
	char *argv[64];
	int argc;
};

static void split(const char *line, struct words *w)
{
	char *save = NULL;

	w->buf = hr_xstrdup(line);
	w->argc = 0;
	w->argv[w->argc++] = (char *)"hardrun";
	for (char *t = strtok_r(w->buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		cr_assert_lt(w->argc, 63);
		w->argv[w->argc++] = t;
	}
	w->argv[w->argc] = NULL;
}

static char *join(char *const *v)
{
	char *s = hr_xstrdup("");

	for (size_t i = 0; v && v[i]; i++) {
		char *t = hr_xasprintf("%s%s%s", s, i ? " " : "", v[i]);
		free(s);
		s = t;
	}
	return s;
}

/* The runtime's argv as one line; "RT" stands for the runtime. */
static char *final_line(const struct hr_runc_call *c, char *const *extra)
{
	char **v = hr_runc_final_argv(c, "RT", extra);
	char *s = join(v);

	free(v);
	return s;
}

static char *pos_line(const struct hr_runc_call *c)
{
	char *s = hr_xstrdup("");

	for (size_t i = 0; hr_runc_pos(c, i); i++) {
		char *t = hr_xasprintf("%s%s%s", s, i ? " " : "", hr_runc_pos(c, i));
		free(s);
		s = t;
	}
	return s;
}

/*
 * `expect` is a list of checks separated by spaces:
 *   name=value   the (last) flag `name` has that value
 *   name=        ... the empty value
 *   name         a bool flag given without "="
 *   !name        no such flag
 *   @root=R @log=L @log-format=F @profile=P @runtime=R @config=C
 *                the global flags hardrun reads (@x=- : not given)
 */
static void check_expect(const struct hr_runc_call *c, const char *line, const char *expect)
{
	_cleanup_free_ char *copy = hr_xstrdup(expect ? expect : "");
	char *save = NULL;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(t, '=');
		if (t[0] == '@') {
			static const char *const names[] = { "root",	"log",	   "log-format",
							     "profile", "runtime", "config" };
			const char *got[] = { c->root,	     c->log,	    c->log_format,
					      c->hr_profile, c->hr_runtime, c->hr_config };
			bool found = false;
			cr_assert_not_null(eq, "bad check %s", t);
			*eq = '\0';
			for (size_t i = 0; i < HR_ARRAY_SIZE(names); i++) {
				if (strcmp(names[i], t + 1) != 0)
					continue;
				found = true;
				if (strcmp(eq + 1, "-") == 0)
					cr_expect_null(got[i], "%s: %s should be unset, is `%s`", line,
						       t, got[i]);
				else
					cr_expect(got[i] && strcmp(got[i], eq + 1) == 0,
						  "%s: %s should be `%s`, is `%s`", line, t, eq + 1,
						  got[i] ? got[i] : "(null)");
			}
			cr_assert(found, "bad check %s", t);
		} else if (t[0] == '!') {
			cr_expect_null(hr_runc_opt(c, t + 1), "%s: --%s should be absent", line, t + 1);
		} else {
			const struct hr_runc_opt *o;
			if (eq)
				*eq = '\0';
			o = hr_runc_opt(c, t);
			cr_expect_not_null(o, "%s: --%s missing", line, t);
			if (!o)
				continue;
			if (eq)
				cr_expect(o->value && strcmp(o->value, eq + 1) == 0,
					  "%s: --%s should be `%s`, is `%s`", line, t, eq + 1,
					  o->value ? o->value : "(null)");
			else
				cr_expect_null(o->value, "%s: bool --%s has value `%s`", line, t,
					       o->value);
		}
	}
}

struct parse_case {
	const char *line;
	enum hr_runc_cmd cmd;
	bool parsed;	    /* create, run, restore, exec, update */
	const char *error;  /* a part of parse_error; NULL: none */
	const char *pos;    /* positional words; NULL: not checked */
	const char *expect; /* see check_expect */
	const char *final;  /* the runtime's argv; NULL: the same words */
};

static void run_case(const struct parse_case *k)
{
	struct words w;
	struct hr_runc_call c;

	split(k->line, &w);
	hr_runc_parse(w.argc, w.argv, &c);
	cr_expect_eq(c.cmd, k->cmd, "%s: command %s, expected %s", k->line,
		     hr_runc_cmd_name(c.cmd), hr_runc_cmd_name(k->cmd));
	cr_expect_eq(c.parsed, k->parsed, "%s: parsed = %d (%s)", k->line, c.parsed,
		     c.parse_error);
	if (k->error)
		cr_expect_not_null(strstr(c.parse_error, k->error),
				   "%s: error `%s` lacks `%s`", k->line, c.parse_error, k->error);
	else
		cr_expect_str_empty(c.parse_error, "%s: unexpected error `%s`", k->line,
				    c.parse_error);
	if (k->pos) {
		_cleanup_free_ char *got = pos_line(&c);
		cr_expect_str_eq(got, k->pos, "%s: positional words `%s`, expected `%s`", k->line,
				 got, k->pos);
	}
	check_expect(&c, k->line, k->expect);
	{
		_cleanup_free_ char *got = final_line(&c, NULL);
		const char *words = k->final ? k->final : k->line;
		_cleanup_free_ char *want = hr_xasprintf("RT%s%s", *words ? " " : "", words);
		cr_expect_str_eq(got, want, "%s: runtime argv `%s`, expected `%s`", k->line, got,
				 want);
	}
	hr_runc_call_done(&c);
	free(w.buf);
}

static void run_cases(const struct parse_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_case(&cases[i]);
}

#define SHIM "--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json"
#define SHIM_GLOBALS "@root=/run/containerd/runc/k8s.io @log=/b/log.json @log-format=json"

/* What containerd's runc shim, Docker and podman (via conmon) send. */
Test(parse, real_callers)
{
	static const struct parse_case cases[] = {
		{ SHIM " create --bundle /b --pid-file /b/init.pid ID", HR_RUNC_CREATE, true, NULL,
		  "ID", SHIM_GLOBALS " bundle=/b pid-file=/b/init.pid !no-pivot !console-socket",
		  NULL },
		{ SHIM " --systemd-cgroup create --bundle /b --pid-file /b/init.pid "
		       "--console-socket /s.sock --no-pivot ID",
		  HR_RUNC_CREATE, true, NULL, "ID",
		  SHIM_GLOBALS " bundle=/b pid-file=/b/init.pid console-socket=/s.sock no-pivot",
		  NULL },
		{ SHIM " start ID", HR_RUNC_START, false, NULL, NULL, SHIM_GLOBALS, NULL },
		{ SHIM " exec --process /b/p.json --detach --pid-file /b/p.pid ID", HR_RUNC_EXEC,
		  true, NULL, "ID",
		  SHIM_GLOBALS " process=/b/p.json detach pid-file=/b/p.pid !user !cap", NULL },
		{ SHIM " kill --all ID 9", HR_RUNC_KILL, false, NULL, NULL, NULL, NULL },
		{ SHIM " kill ID 15", HR_RUNC_KILL, false, NULL, NULL, NULL, NULL },
		/* delete is read too: the private bundle goes with the container */
		{ SHIM " delete --force ID", HR_RUNC_DELETE, true, NULL, "ID", SHIM_GLOBALS " force",
		  NULL },
		{ SHIM " delete -f ID", HR_RUNC_DELETE, true, NULL, "ID", "force", NULL },
		{ SHIM " delete ID --force", HR_RUNC_DELETE, true, NULL, "ID", "force", NULL },
		{ SHIM " pause ID", HR_RUNC_PAUSE, false, NULL, NULL, NULL, NULL },
		{ SHIM " resume ID", HR_RUNC_RESUME, false, NULL, NULL, NULL, NULL },
		{ SHIM " update --resources=- ID", HR_RUNC_UPDATE, true, NULL, "ID",
		  SHIM_GLOBALS " resources=- !memory", NULL },
		/* Docker (through containerd) and podman (through conmon) */
		{ "create --bundle /b --pid-file /p ID", HR_RUNC_CREATE, true, NULL, "ID",
		  "bundle=/b pid-file=/p @root=- @log=- @log-format=-", NULL },
		{ "--log /l --log-format=json create --bundle /b --pid-file /p ID", HR_RUNC_CREATE,
		  true, NULL, "ID", "@log=/l @log-format=json bundle=/b", NULL },
		{ "--systemd-cgroup --root=/run/runc start ID", HR_RUNC_START, false, NULL, NULL,
		  "@root=/run/runc", NULL },
		{ "features", HR_RUNC_FEATURES, false, NULL, NULL, NULL, NULL },
		{ "--root /r state ID", HR_RUNC_STATE, false, NULL, NULL, "@root=/r", NULL },
		{ "--root /r list -q", HR_RUNC_LIST, false, NULL, NULL, NULL, NULL },
		{ "ps ID -ef", HR_RUNC_PS, false, NULL, NULL, NULL, NULL },
		{ "events --stats ID", HR_RUNC_EVENTS, false, NULL, NULL, NULL, NULL },
		{ "checkpoint --image-path /i ID", HR_RUNC_CHECKPOINT, false, NULL, NULL, NULL,
		  NULL },
		{ "spec --rootless", HR_RUNC_SPEC, false, NULL, NULL, NULL, NULL },
		{ "restore --image-path /i --bundle /b --detach ID", HR_RUNC_RESTORE, true, NULL,
		  "ID", "image-path=/i bundle=/b detach", NULL },
		{ "run --bundle /b -d --keep ID", HR_RUNC_RUN, true, NULL, "ID",
		  "bundle=/b detach keep", NULL },
		/* crun's -f/--config */
		{ "create -f other.json --bundle /b ID", HR_RUNC_CREATE, true, NULL, "ID",
		  "config=other.json bundle=/b", NULL },
	};

	run_cases(cases, HR_ARRAY_SIZE(cases));
}

/* urfave/cli moves the flags of create, run, restore and update in front
 * of the container id; exec's and ps's flags stop at the id. */
Test(parse, flags_after_the_id)
{
	static const struct parse_case cases[] = {
		{ "create ID --bundle /b --pid-file /p", HR_RUNC_CREATE, true, NULL, "ID",
		  "bundle=/b pid-file=/p", NULL },
		{ "create --pid-file /p ID --bundle=/b", HR_RUNC_CREATE, true, NULL, "ID",
		  "bundle=/b pid-file=/p", NULL },
		{ "run ID -d --bundle=/b", HR_RUNC_RUN, true, NULL, "ID", "detach bundle=/b", NULL },
		{ "update ID --memory 8g --pids-limit 100", HR_RUNC_UPDATE, true, NULL, "ID",
		  "memory=8g pids-limit=100", NULL },
		{ "restore ID --bundle /b --image-path /i", HR_RUNC_RESTORE, true, NULL, "ID",
		  "bundle=/b image-path=/i", NULL },
		/* The word after a flag without "=" moves with it, whatever it
		 * looks like: runc reads these as a limit of -1 and stdin. */
		{ "update ID --pids-limit -1", HR_RUNC_UPDATE, true, NULL, "ID", "pids-limit=-1",
		  NULL },
		{ "update ID --resources -", HR_RUNC_UPDATE, true, NULL, "ID", "resources=-", NULL },
		{ "create ID --bundle --", HR_RUNC_CREATE, true, NULL, "ID", "bundle=--", NULL },
		/* ... even after a bool flag, where it stops being a flag value
		 * and comes before the id: two positional words. */
		{ "create ID --no-pivot X", HR_RUNC_CREATE, false, "requires exactly 1 argument",
		  "X ID", "no-pivot", NULL },
		/* ... and a flag word after a valued flag is that flag's value */
		{ "create ID --console-socket --bundle /b", HR_RUNC_CREATE, false,
		  "requires exactly 1 argument", "/b ID", "console-socket=--bundle", NULL },
		/* With "=", nothing moves along. */
		{ "create ID --no-pivot=true X", HR_RUNC_CREATE, false,
		  "requires exactly 1 argument", "ID X", "no-pivot=true", NULL },
		/* A flag that is not create's stays where it is (runc: usage). */
		{ "create ID --bogus", HR_RUNC_CREATE, false, "requires exactly 1 argument",
		  "ID --bogus", NULL, NULL },
		/* exec: the command's own flags are not hardrun's, nor runc's */
		{ "exec ID --user 0 /probe report", HR_RUNC_EXEC, true, NULL,
		  "ID --user 0 /probe report", "!user", NULL },
		{ "exec --user 1000 ID sh -c --cap", HR_RUNC_EXEC, true, NULL, "ID sh -c --cap",
		  "user=1000 !cap", NULL },
		{ "exec -t ID /bin/ls -p /x", HR_RUNC_EXEC, true, NULL, "ID /bin/ls -p /x",
		  "tty !process", NULL },
		{ "ps ID -o pid", HR_RUNC_PS, false, NULL, NULL, NULL, NULL },
	};

	run_cases(cases, HR_ARRAY_SIZE(cases));
}

/* Go's flag package. */
Test(parse, go_flag_syntax)
{
	static const struct parse_case cases[] = {
		/* -x == --x, for long names too */
		{ "create -bundle /b -pid-file=/p ID", HR_RUNC_CREATE, true, NULL, "ID",
		  "bundle=/b pid-file=/p", NULL },
		{ "create --b /b ID", HR_RUNC_CREATE, true, NULL, "ID", "bundle=/b", NULL },
		{ "create -b=/b ID", HR_RUNC_CREATE, true, NULL, "ID", "bundle=/b", NULL },
		{ "exec -u 0 -c CAP_SYS_ADMIN --cap=CAP_NET_RAW -p /f ID", HR_RUNC_EXEC, true, NULL,
		  "ID", "user=0 cap=CAP_NET_RAW process=/f", NULL },
		/* --flag=value and --flag value; = may give the empty value */
		{ "create --bundle=/b ID", HR_RUNC_CREATE, true, NULL, "ID", "bundle=/b", NULL },
		{ "create --bundle= ID", HR_RUNC_CREATE, true, NULL, "ID", "bundle=", NULL },
		/* a valued flag takes the next word, whatever it is */
		{ "create --bundle --pid-file ID", HR_RUNC_CREATE, true, NULL, "ID",
		  "bundle=--pid-file !pid-file", NULL },
		{ "exec --user -- ID", HR_RUNC_EXEC, true, NULL, "ID", "user=--", NULL },
		/* the last occurrence wins */
		{ "create --bundle /a --bundle /b ID", HR_RUNC_CREATE, true, NULL, "ID",
		  "bundle=/b", NULL },
		{ "create ID --bundle /a -b /b", HR_RUNC_CREATE, true, NULL, "ID", "bundle=/b",
		  NULL },
		/* bools: never the next word; =value with Go's spellings */
		{ "create --no-pivot=false --bundle /b ID", HR_RUNC_CREATE, true, NULL, "ID",
		  "no-pivot=false bundle=/b", NULL },
		{ "create --no-pivot=1 ID", HR_RUNC_CREATE, true, NULL, "ID", "no-pivot=1", NULL },
		{ "create --no-pivot=T ID", HR_RUNC_CREATE, true, NULL, "ID", "no-pivot=T", NULL },
		{ "create --no-pivot false ID", HR_RUNC_CREATE, false,
		  "requires exactly 1 argument", "false ID", "no-pivot", NULL },
		{ "create --no-pivot=maybe ID", HR_RUNC_CREATE, false,
		  "invalid boolean value \"maybe\" for -no-pivot: parse error", NULL, NULL, NULL },
		{ "create --no-pivot=yes ID", HR_RUNC_CREATE, false, "invalid boolean value", NULL,
		  NULL, NULL },
		/* "--" ends the flags; reordered, it goes before the words left
		 * behind (runc accepts `create ID --`) */
		{ "create --bundle /b -- ID", HR_RUNC_CREATE, true, NULL, "ID", "bundle=/b", NULL },
		{ "create --bundle /b ID --", HR_RUNC_CREATE, true, NULL, "ID", "bundle=/b", NULL },
		{ "create -- --bundle", HR_RUNC_CREATE, true, NULL, "--bundle", "!bundle", NULL },
		{ "create --bogus --", HR_RUNC_CREATE, true, NULL, "--bogus", NULL, NULL },
		{ "create ID -- --bundle /b", HR_RUNC_CREATE, false, "requires exactly 1 argument",
		  "ID --bundle /b", "!bundle", NULL },
		{ "exec --user 0 -- ID sh", HR_RUNC_EXEC, true, NULL, "ID sh", "user=0", NULL },
		{ "exec -- --user 0", HR_RUNC_EXEC, true, NULL, "--user 0", "!user", NULL },
		/* "-" is a word, not a flag */
		{ "create - --bundle /b", HR_RUNC_CREATE, true, NULL, "-", "bundle=/b", NULL },
		/* missing value */
		{ "create --bundle", HR_RUNC_CREATE, false, "flag needs an argument: -bundle", NULL,
		  NULL, NULL },
		{ "exec ID --user", HR_RUNC_EXEC, true, NULL, "ID --user", "!user", NULL },
		{ "exec --user", HR_RUNC_EXEC, false, "flag needs an argument: -user", NULL, NULL,
		  NULL },
		{ "update ID --memory", HR_RUNC_UPDATE, false, "requires exactly 1 argument", "",
		  "memory=ID", NULL },
		/* bad syntax and unknown flags: runc's own messages */
		{ "create --bogus ID", HR_RUNC_CREATE, false,
		  "flag provided but not defined: -bogus", NULL, NULL, NULL },
		{ "create -x=1 --bundle /b ID", HR_RUNC_CREATE, false,
		  "flag provided but not defined: -x", NULL, NULL, NULL },
		{ "exec --privileged ID sh", HR_RUNC_EXEC, false,
		  "flag provided but not defined: -privileged", NULL, NULL, NULL },
		{ "update --kernel-memory-tcpx 1 ID", HR_RUNC_UPDATE, false,
		  "flag provided but not defined", NULL, NULL, NULL },
		{ "create ---bundle /b ID", HR_RUNC_CREATE, false, "bad flag syntax: ---bundle",
		  NULL, NULL, NULL },
		{ "create -=x ID", HR_RUNC_CREATE, false, "bad flag syntax: -=x", NULL, NULL,
		  NULL },
		/* runc's argument counts */
		{ "create", HR_RUNC_CREATE, false, "\"create\" requires exactly 1 argument(s)", "",
		  NULL, NULL },
		{ "create a b", HR_RUNC_CREATE, false, "requires exactly 1 argument", "a b", NULL,
		  NULL },
		{ "run --bundle /b", HR_RUNC_RUN, false, "\"run\" requires exactly 1 argument", "",
		  NULL, NULL },
		{ "update", HR_RUNC_UPDATE, false, "\"update\" requires exactly 1 argument", "",
		  NULL, NULL },
		{ "exec", HR_RUNC_EXEC, false, "\"exec\" requires a minimum of 1 argument", "",
		  NULL, NULL },
		{ "exec --process /p", HR_RUNC_EXEC, false, "requires a minimum of 1 argument", "",
		  "process=/p", NULL },
		{ "exec ID", HR_RUNC_EXEC, true, NULL, "ID", NULL, NULL },
		/* --help is a flag like the others (runtime mode passes such a
		 * call through: runc only prints the help) */
		{ "create --bundle /b --help", HR_RUNC_CREATE, false, "requires exactly 1", "",
		  "help bundle=/b", NULL },
		{ "update ID -h=false", HR_RUNC_UPDATE, true, NULL, "ID", "help=false", NULL },
	};

	run_cases(cases, HR_ARRAY_SIZE(cases));
}

/* The flags before the subcommand: runc's, crun's and hardrun's own. */
Test(parse, global_flags)
{
	static const struct parse_case cases[] = {
		{ "--debug --root=/r --log /l --log-format text --criu /c --rootless false "
		  "state ID",
		  HR_RUNC_STATE, false, NULL, NULL, "@root=/r @log=/l @log-format=text", NULL },
		{ "-root /r -log=/l state ID", HR_RUNC_STATE, false, NULL, NULL, "@root=/r @log=/l",
		  NULL },
		/* a global flag's value may look like a subcommand */
		{ "--root create state ID", HR_RUNC_STATE, false, NULL, NULL, "@root=create", NULL },
		/* crun's --cgroup-manager takes a value, in both forms */
		{ "--cgroup-manager=disabled create --bundle /b ID", HR_RUNC_CREATE, true, NULL,
		  "ID", "bundle=/b", NULL },
		{ "--cgroup-manager disabled --root /r create --bundle /b ID", HR_RUNC_CREATE, true,
		  NULL, "ID", "@root=/r bundle=/b", NULL },
		/* "--" ends the global flags: the subcommand is the next word (runc
		 * and crun both run `runc --root R -- create ...`) */
		{ "--root /r -- create --bundle /b ID", HR_RUNC_CREATE, true, NULL, "ID",
		  "@root=/r bundle=/b", NULL },
		{ "-- state ID", HR_RUNC_STATE, false, NULL, NULL, NULL, NULL },
		{ "--root /r --", HR_RUNC_NONE, false, NULL, NULL, NULL, NULL },
		/* A global flag that neither runc nor crun spells so: hardrun
		 * cannot tell whether it takes the next word (crun reads
		 * --cgroup as --cgroup-manager), so not where the subcommand
		 * is, and create is not read at all. */
		{ "--cgroup disabled create --bundle /b ID", HR_RUNC_UNKNOWN, false,
		  "unknown global flag --cgroup", NULL, NULL, NULL },
		{ "--prog=x --root /r create --bundle /b ID", HR_RUNC_CREATE, false,
		  "unknown global flag --prog", NULL, "@root=/r !bundle", NULL },
		{ "--bogus-global state ID", HR_RUNC_STATE, false, "unknown global flag --bogus",
		  NULL, NULL, NULL },
		/* hardrun's own flags: both forms, removed from the runtime's
		 * argv, every other word keeping its place */
		{ "--hardrun-profile strict --root /r --hardrun-runtime=/usr/bin/crun --log /l "
		  "--hardrun-config /etc/h.conf create --bundle /b ID",
		  HR_RUNC_CREATE, true, NULL, "ID",
		  "@profile=strict @runtime=/usr/bin/crun @config=/etc/h.conf @root=/r @log=/l "
		  "bundle=/b",
		  "--root /r --log /l create --bundle /b ID" },
		{ "--hardrun-profile=web --hardrun-runtime crun --hardrun-config=/c --debug state "
		  "ID",
		  HR_RUNC_STATE, false, NULL, NULL, "@profile=web @runtime=crun @config=/c",
		  "--debug state ID" },
		{ "-hardrun-profile baseline exec --user 0 ID sh", HR_RUNC_EXEC, true, NULL, "ID sh",
		  "@profile=baseline user=0", "exec --user 0 ID sh" },
		/* the value of a hardrun flag is not the subcommand */
		{ "--hardrun-profile create state ID", HR_RUNC_STATE, false, NULL, NULL,
		  "@profile=create", "state ID" },
		/* after the subcommand, --hardrun-* is no flag of hardrun's */
		{ "exec ID --hardrun-profile x", HR_RUNC_EXEC, true, NULL,
		  "ID --hardrun-profile x", "@profile=-", NULL },
		{ "create --hardrun-profile x ID", HR_RUNC_CREATE, false,
		  "flag provided but not defined: -hardrun-profile", NULL, "@profile=-", NULL },
		{ "--hardrun-bogus x create --bundle /b ID", HR_RUNC_CREATE, false,
		  "unknown hardrun flag --hardrun-bogus", NULL, NULL, "create --bundle /b ID" },
		/* no subcommand */
		{ "--version", HR_RUNC_NONE, false, NULL, NULL, NULL, NULL },
		{ "--root /r", HR_RUNC_NONE, false, NULL, NULL, "@root=/r", NULL },
		{ "--hardrun-profile strict", HR_RUNC_NONE, false, NULL, NULL, "@profile=strict",
		  "" },
		{ "frobnicate ID", HR_RUNC_UNKNOWN, false, NULL, NULL, NULL, NULL },
	};

	run_cases(cases, HR_ARRAY_SIZE(cases));
}

/*
 * When runc runs no subcommand at all (it prints its help, its version or
 * a usage error), whatever follows: each line was run with runc 1.1.5.
 */
Test(parse, informational)
{
	static const struct {
		const char *line;
		bool informational;
	} cases[] = {
		{ "--root /r -v create --bundle /b ID", true },
		{ "--root /r --version create --bundle /b ID", true },
		{ "--root /r -h create ID", true },
		{ "--root /r --help exec ID sh", true },
		{ "-v=t update --memory 1g ID", true },
		{ "--version=T create ID", true },
		{ "--help=1 create ID", true },
		{ "-version create ID", true },
		/* the last occurrence of one spelling wins */
		{ "--version --version=false create --bundle /b ID", false },
		{ "--help=false create --bundle /b ID", false },
		{ "-h=FALSE create --bundle /b ID", false },
		{ "--version=0 --help=f create --bundle /b ID", false },
		/* both spellings: "Cannot use two forms of the same flag" */
		{ "-h --help=false create ID", true },
		{ "-v --version=false create ID", true },
		/* a bool's value Go cannot read: a usage error */
		{ "--debug=x create ID", true },
		{ "--systemd-cgroup=yes create ID", true },
		{ "-v=yes create ID", true },
		/* plain calls */
		{ "--debug --systemd-cgroup=true --root /r create --bundle /b ID", false },
		{ "create --bundle /b ID -v", false },
		/* a valued flag takes -v as its value */
		{ "--root -v create --bundle /b ID", false },
		{ "--log -h create --bundle /b ID", false },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		struct words w;
		struct hr_runc_call c;

		split(cases[i].line, &w);
		hr_runc_parse(w.argc, w.argv, &c);
		cr_expect_eq(c.informational, cases[i].informational, "%s: informational = %d",
			     cases[i].line, c.informational);
		hr_runc_call_done(&c);
		free(w.buf);
	}
}

Test(parse, command_names)
{
	cr_expect_str_eq(hr_runc_cmd_name(HR_RUNC_CREATE), "create");
	cr_expect_str_eq(hr_runc_cmd_name(HR_RUNC_FEATURES), "features");
	cr_expect_str_eq(hr_runc_cmd_name(HR_RUNC_NONE), "");
	cr_expect_str_eq(hr_runc_cmd_name(HR_RUNC_UNKNOWN), "?");
}

/* The flag's index and value word: what set_value and drop act on. */
Test(parse, option_positions)
{
	struct words w;
	struct hr_runc_call c;
	const struct hr_runc_opt *o;

	split("--root /r create ID --bundle /b --pid-file=/p --no-pivot", &w);
	hr_runc_parse(w.argc, w.argv, &c);
	cr_assert(c.parsed, "%s", c.parse_error);
	cr_expect_eq(c.cmd_index, 3);
	o = hr_runc_opt(&c, "bundle");
	cr_assert_not_null(o);
	cr_expect_eq(o->index, 5);
	cr_expect_eq(o->value_at, 6);
	o = hr_runc_opt(&c, "pid-file");
	cr_assert_not_null(o);
	cr_expect_eq(o->index, 7);
	cr_expect_eq(o->value_at, 0, "inline value");
	o = hr_runc_opt(&c, "no-pivot");
	cr_assert_not_null(o);
	cr_expect_eq(o->value_at, 0);
	cr_expect_null(o->value);
	cr_expect_str_eq(hr_runc_pos(&c, 0), "ID");
	cr_expect_null(hr_runc_pos(&c, 1));
	hr_runc_call_done(&c);
	free(w.buf);
}

struct detect_case {
	const char *line; /* NULL: no arguments at all */
	bool runtime;
};

/* hardrun's own command lines (direct mode, its subcommands) against
 * runtime calls. */
Test(detect, runtime_calls)
{
	static const struct detect_case cases[] = {
		/* direct mode */
		{ NULL, false },
		{ "/b", false },
		{ "--dry-run /b", false },
		{ "-q --profile-dir /x --runtime /usr/bin/runc /b", false },
		{ "--profile strict --id web /b", false },
		{ "-p strict -r crun --runtime-arg=--cgroup-manager=disabled /b", false },
		{ "--bogus x", false },
		{ "help", false },
		{ "version", false },
		{ "--bogus -v", false },
		/* runtime calls */
		{ "--version", true },
		{ "-v", true },
		{ "--help", true },
		{ "-h", true },
		{ "create --bundle /b ID", true },
		{ "start ID", true },
		{ "state ID", true },
		{ "features", true },
		{ "spec", true },
		{ "list", true },
		{ SHIM " create --bundle /b --pid-file /b/init.pid ID", true },
		{ "--root /r frobnicate", true },
		{ "--cgroup-manager=disabled create --bundle /b ID", true },
		{ "--cgroup-manager disabled create --bundle /b ID", true },
		{ "--systemd-cgroup delete --force ID", true },
		{ "--hardrun-profile strict", true },
		{ "--hardrun-runtime=/usr/bin/crun", true },
		{ "--hardrun-config /c", true },
		{ "--root /r -- create --bundle /b ID", true },
		/* runc's global flags alone, or before -v/-h (issue 19): runc
		 * answers with its version or help, as for -v alone */
		{ "--debug", true },
		{ "--root /r -v", true },
		{ "--root=/r --version", true },
		{ "--debug -h", true },
		{ "--systemd-cgroup --help", true },
		{ "--log /l --log-format json -v", true },
		{ "-root /r -criu /c --rootless=true -version", true },
		{ "--root /r help", true },
		{ "--root /r", true },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		struct words w = { 0 };
		char *argv0[] = { (char *)"hardrun", NULL };
		bool got;

		if (cases[i].line) {
			split(cases[i].line, &w);
			got = hr_runc_argv_is_runtime_call(w.argc, w.argv);
		} else {
			got = hr_runc_argv_is_runtime_call(1, argv0);
		}
		cr_expect_eq(got, cases[i].runtime, "`hardrun %s`: runtime call = %d",
			     cases[i].line ? cases[i].line : "", got);
		free(w.buf);
	}
}

/* Parse `line`, apply `edit`, compare the runtime's argv. */
static void expect_edit(const char *line, void (*edit)(struct hr_runc_call *),
			char *const *extra, const char *want)
{
	struct words w;
	struct hr_runc_call c;
	_cleanup_free_ char *got = NULL, *full = hr_xasprintf("RT %s", want);

	split(line, &w);
	hr_runc_parse(w.argc, w.argv, &c);
	if (edit)
		edit(&c);
	got = final_line(&c, extra);
	cr_expect_str_eq(got, full, "%s: runtime argv `%s`, expected `%s`", line, got, full);
	hr_runc_call_done(&c);
	free(w.buf);
}

static void set_user(struct hr_runc_call *c)
{
	const struct hr_runc_opt *o = hr_runc_opt(c, "user");

	cr_assert_not_null(o);
	hr_runc_set_value(c, o, "65534");
	/* the parsed value follows */
	cr_expect_str_eq(hr_runc_opt(c, "user")->value, "65534");
}

static void drop_caps(struct hr_runc_call *c)
{
	const struct hr_runc_opt *o;

	while ((o = hr_runc_opt(c, "cap")))
		hr_runc_drop(c, o);
	cr_expect_null(hr_runc_opt(c, "cap"), "a dropped flag is no longer found");
}

static void insert_nnp(struct hr_runc_call *c)
{
	hr_runc_insert(c, "--no-new-privs");
	hr_runc_insert(c, "--apparmor=x");
}

static void drop_last_process(struct hr_runc_call *c)
{
	const struct hr_runc_opt *o = hr_runc_opt(c, "process");

	cr_assert_not_null(o);
	cr_expect_str_eq(o->value, "/b");
	hr_runc_drop(c, o);
	/* the runtime now reads the earlier one: so does hardrun */
	o = hr_runc_opt(c, "process");
	cr_assert_not_null(o);
	cr_expect_str_eq(o->value, "/a");
}

static void set_resources_stdin(struct hr_runc_call *c)
{
	hr_runc_set_value(c, hr_runc_opt(c, "resources"), "-");
	hr_runc_set_value(c, hr_runc_opt(c, "memory"), "1073741824");
}

static void set_every_user(struct hr_runc_call *c)
{
	for (size_t i = 0; i < c->n_opts; i++)
		if (strcmp(c->opts[i].name, "user") == 0)
			hr_runc_set_value(c, &c->opts[i], "65534");
}

Test(edit, set_value)
{
	/* the value word is replaced; with "=", the flag word is rewritten */
	expect_edit("exec --user 0 ID sh", set_user, NULL, "exec --user 65534 ID sh");
	expect_edit("exec -u 0:0 ID sh", set_user, NULL, "exec -u 65534 ID sh");
	expect_edit("exec --user=0 ID sh", set_user, NULL, "exec --user=65534 ID sh");
	expect_edit("exec -u=0 ID sh", set_user, NULL, "exec --user=65534 ID sh");
	expect_edit("exec -u 0 --user=0 ID id -u 0", set_every_user, NULL,
		    "exec -u 65534 --user=65534 ID id -u 0");
	expect_edit("update --resources /r.json --memory 8g ID", set_resources_stdin, NULL,
		    "update --resources - --memory 1073741824 ID");
	expect_edit("update ID -r=/r.json --memory=8g", set_resources_stdin, NULL,
		    "update ID --resources=- --memory=1073741824");
	/* hardrun's flags are gone, the rest keeps its order */
	expect_edit("--hardrun-profile x --root /r exec --user 0 ID sh", set_user, NULL,
		    "--root /r exec --user 65534 ID sh");
}

Test(edit, drop)
{
	expect_edit("exec --cap CAP_SYS_ADMIN --cap=CAP_NET_RAW -c CAP_CHOWN ID sh", drop_caps,
		    NULL, "exec ID sh");
	expect_edit("--root /r exec -t --cap CAP_SYS_ADMIN ID sh --cap x", drop_caps, NULL,
		    "--root /r exec -t ID sh --cap x");
	expect_edit("exec --process /a --process /b ID", drop_last_process, NULL,
		    "exec --process /a ID");
}

Test(edit, insert)
{
	/* right after the subcommand, before the caller's flags and the id */
	expect_edit("--root /r exec -t ID sh", insert_nnp, NULL,
		    "--root /r exec --no-new-privs --apparmor=x -t ID sh");
	expect_edit("--hardrun-profile=p exec ID", insert_nnp, NULL,
		    "exec --no-new-privs --apparmor=x ID");
}

Test(edit, extra_globals)
{
	char *extra[] = { (char *)"--cgroup-manager=disabled", (char *)"--debug", NULL };

	/* hardrun.conf's runtimeArgs come first, then the caller's words */
	expect_edit("--hardrun-runtime crun --root /r create --bundle /b ID", NULL, extra,
		    "--cgroup-manager=disabled --debug --root /r create --bundle /b ID");
	expect_edit("--version", NULL, extra, "--cgroup-manager=disabled --debug --version");
	expect_edit("exec --cap X ID", drop_caps, extra, "--cgroup-manager=disabled --debug exec ID");
}
