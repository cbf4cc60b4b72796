/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A command line (words separated by NUL bytes) -> hr_runc_parse, the
 * edits runtime mode makes (drop a --cap, set --user and --memory, add
 * --no-new-privs), hr_runc_final_argv. The invariant: the runtime reads
 * the final command line as hardrun read it, with the edits: the same
 * subcommand, container id, bundle and flag values, no hardrun flag left,
 * the dropped flags gone and the inserted ones there. A difference would
 * be a way to have runc act on something hardrun did not check.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "hardrun/runc_argv.h"

const char fz_target_name[] = "runc-argv";

#define MAX_WORDS 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static const char *opt_value(const struct hr_runc_call *c, const char *name)
{
	const struct hr_runc_opt *o = hr_runc_opt(c, name);
	return o ? (o->value ? o->value : "<bool>") : NULL;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool go_true(const char *v)
{
	return !v || strcmp(v, "1") == 0 || v[0] == 't' || v[0] == 'T';
}

/* What runtime.c does to the calls it hardens. */
static void edit(struct hr_runc_call *c)
{
	bool nnp = false;

	for (size_t i = 0; i < c->n_opts; i++) {
		struct hr_runc_opt *o = &c->opts[i];
		if (c->dropped[o->index])
			continue;
		if (strcmp(o->name, "cap") == 0)
			hr_runc_drop(c, o);
		else if (strcmp(o->name, "user") == 0)
			hr_runc_set_value(c, o, "65534:65534");
		else if (strcmp(o->name, "memory") == 0)
			hr_runc_set_value(c, o, "1073741824");
		else if (strcmp(o->name, "resources") == 0)
			hr_runc_set_value(c, o, "-");
		else if (strcmp(o->name, "no-new-privs") == 0 && !go_true(o->value))
			hr_runc_drop(c, o);
		else if (strcmp(o->name, "no-new-privs") == 0)
			nnp = true;
	}
	if (c->cmd == HR_RUNC_EXEC && !nnp)
		hr_runc_insert(c, "--no-new-privs");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = NULL;
	char *words[MAX_WORDS + 2];
	char *extra[] = { (char *)"--systemd-cgroup", NULL };
	struct hr_runc_call c1, c2;
	char **final;
	int argc = 1;
	size_t n_final;

	if (size > 4096)
		return 0;
	text = fz_text(data, size);
	words[0] = (char *)"hardrun";
	for (size_t off = 0; off <= size && argc <= MAX_WORDS; argc++) {
		words[argc] = text + off;
		off += strlen(text + off) + 1;
	}
	words[argc] = NULL;

	(void)hr_runc_argv_is_runtime_call(argc, words);
	hr_runc_parse(argc, words, &c1);
	if (c1.parsed)
		edit(&c1);
	final = hr_runc_final_argv(&c1, "/usr/bin/runc", extra);
	n_final = hr_strv_len(final);
	if (strcmp(final[0], "/usr/bin/runc") != 0 || strcmp(final[1], "--systemd-cgroup") != 0)
		fz_die("the runtime and hardrun.conf's flags do not come first");

	/* A call hardrun refuses never reaches the runtime. */
	if (c1.parse_error[0] && !c1.parsed)
		goto out;
	hr_runc_parse((int)n_final, final, &c2);
	if (c2.hr_profile || c2.hr_runtime || c2.hr_config)
		fz_die("a --hardrun-* flag reaches the runtime");
	if (c2.cmd != c1.cmd)
		fz_die("the runtime reads subcommand %s, hardrun read %s", hr_runc_cmd_name(c2.cmd),
		       hr_runc_cmd_name(c1.cmd));
	if (!same_str(c1.root, c2.root) || !same_str(c1.log, c2.log) ||
	    !same_str(c1.log_format, c2.log_format))
		fz_die("the runtime reads other --root, --log or --log-format values");
	if (c1.parsed) {
		static const char *const names[] = {
			"bundle", "config", "process", "resources", "user", "pid-file",
			"console-socket", "preserve-fds", "additional-gids", "apparmor",
			"process-label", "memory", "memory-swap", "pids-limit", "cpu-share",
			"no-new-privs", "detach", "help",
		};
		if (!c2.parsed)
			fz_die("the runtime cannot read the command line hardrun wrote: %s",
			       c2.parse_error);
		if (c1.n_pos != c2.n_pos)
			fz_die("%zu positional words became %zu", c1.n_pos, c2.n_pos);
		for (size_t i = 0; i < c1.n_pos; i++)
			if (strcmp(hr_runc_pos(&c1, i), hr_runc_pos(&c2, i)) != 0)
				fz_die("positional word %zu `%s` became `%s`", i, hr_runc_pos(&c1, i),
				       hr_runc_pos(&c2, i));
		for (size_t i = 0; i < HR_ARRAY_SIZE(names); i++)
			if (!same_str(opt_value(&c1, names[i]), opt_value(&c2, names[i])) &&
			    strcmp(names[i], "no-new-privs") != 0)
				fz_die("--%s is `%s` to hardrun, `%s` to the runtime", names[i],
				       opt_value(&c1, names[i]), opt_value(&c2, names[i]));
		if (hr_runc_opt(&c2, "cap"))
			fz_die("a dropped --cap reaches the runtime");
		if (c1.cmd == HR_RUNC_EXEC && (!hr_runc_opt(&c2, "no-new-privs") ||
					       !go_true(hr_runc_opt(&c2, "no-new-privs")->value)))
			fz_die("exec reaches the runtime without --no-new-privs");
	}
	hr_runc_call_done(&c2);
out:
	free(final);
	hr_runc_call_done(&c1);
	return 0;
}
