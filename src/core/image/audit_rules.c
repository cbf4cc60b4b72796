/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image audit's rules: what the walk found, turned into findings of
 * stage build. Pure: the walk and the entry point check did the reading.
 * A finding refuses only where the profile's image audit is "refuse" and
 * its severity reaches "refuseAt"; otherwise it is a warning, since an
 * image cannot be hardened, only judged.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hardrun/image.h"

static enum hr_outcome outcome_of(const struct hr_image_policy *pol, const char *rule)
{
	const struct hr_rule *r = hr_rule_find(rule);

	return pol->audit == HR_IMAGE_AUDIT_REFUSE && r && r->severity >= pol->refuse_at ? HR_REFUSED
											: HR_WARNED;
}

static void add(struct hr_findings *f, const struct hr_image_policy *pol, const char *rule,
		const char *pointer, const char *hint, const char *msg)
{
	struct hr_finding *x = hr_finding_add(f, rule, outcome_of(pol, rule), pointer, NULL, NULL,
					      hint, "%s", msg);
	if (x)
		x->stage = HR_STAGE_BUILD;
}

/* The entries the walk counted but did not keep. */
static void more(struct hr_findings *f, const struct hr_image_policy *pol, const char *rule,
		 size_t n)
{
	hr_findings_count_more(f, rule, outcome_of(pol, rule), HR_STAGE_BUILD, n);
}

bool hr_passwd_has_uid(const char *passwd, uint32_t uid)
{
	for (const char *l = passwd; l && *l;) {
		size_t n = strcspn(l, "\n");
		const char *c1 = memchr(l, ':', n);
		const char *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - l)) : NULL;

		/* name:password:uid:... on one line; every byte is looked at
		 * once, whatever the lines hold. */
		if (c2 && l[0] != '#') {
			const char *d = c2 + 1, *end = l + n;
			uint64_t v = 0;
			while (d < end && *d >= '0' && *d <= '9' && v <= UINT32_MAX)
				v = v * 10 + (uint64_t)(*d++ - '0');
			if (d > c2 + 1 && d < end && *d == ':' && v == uid)
				return true;
		}
		l = l[n] ? l + n + 1 : NULL;
	}
	return false;
}

static void entrypoint(const struct hr_exec_facts *e, const struct hr_image_policy *pol,
		       struct hr_findings *f)
{
	_cleanup_free_ char *msg = NULL, *hint = NULL;
	unsigned mode = (unsigned)(e->mode & 07777);

	switch (e->problem) {
	case HR_EXEC_OK:
	case HR_EXEC_UNCHECKED:
		return;
	case HR_EXEC_NOT_FOUND:
		msg = strchr(e->program, '/')
			      ? hr_xasprintf("`%s` is not in the image: the container would fail to start",
					     e->program)
			      : hr_xasprintf("`%s` is in none of the PATH directories (%.*s%s): the "
					     "container would fail to start",
					     e->program, 1024, e->detail ? e->detail : "",
					     e->detail && strlen(e->detail) > 1024 ? "..." : "");
		hint = hr_xstrdup("fix the entry point (args[0]) or add the program to the image");
		break;
	case HR_EXEC_NOT_REGULAR:
		msg = hr_xasprintf("`%s` is %s, not a program", e->path,
				   S_ISDIR(e->mode) ? "a directory" : "not a regular file");
		hint = hr_xstrdup("fix the entry point (args[0])");
		break;
	case HR_EXEC_NO_SEARCH:
		msg = hr_xasprintf("uid %u cannot enter directory %s on the way to %s: the container "
				   "would fail with permission denied",
				   e->who.uid, e->detail, e->path);
		hint = hr_xasprintf("make %s searchable by others (chmod o+x) in the image, or run it "
				    "as a user that may enter it",
				    e->detail);
		break;
	case HR_EXEC_NO_EXEC:
		msg = hr_xasprintf("uid %u (gid %u) cannot execute %s (mode %04o, owner %u:%u): the "
				   "container would fail with permission denied",
				   e->who.uid, e->who.gid, e->path, mode, (unsigned)e->uid,
				   (unsigned)e->gid);
		hint = hr_xasprintf("make %s executable by others (chmod o+rx) in the image, or give "
				    "the profile's user its group",
				    e->path);
		break;
	case HR_EXEC_NO_READ:
		msg = hr_xasprintf("uid %u cannot read the script %s (mode %04o, owner %u:%u), so its "
				   "interpreter cannot run it",
				   e->who.uid, e->path, mode, (unsigned)e->uid, (unsigned)e->gid);
		hint = hr_xasprintf("make %s readable by others (chmod o+r) in the image", e->path);
		break;
	case HR_EXEC_NO_INTERP:
		msg = hr_xasprintf("%s needs %s, which is not in the image or not executable by uid "
				   "%u: the container would fail with no such file or directory",
				   e->path, e->detail, e->who.uid);
		hint = hr_xstrdup("add the interpreter (or the C library's loader) to the image, or "
				  "build the program statically");
		break;
	case HR_EXEC_NOEXEC_MOUNT:
		msg = hr_xasprintf("%s lies on the mount at %s, which is noexec: the container would "
				   "fail with permission denied",
				   e->path, e->detail);
		hint = hr_xstrdup("install the program outside the profile's writable tmpfs paths");
		break;
	}
	add(f, pol, "image.entrypoint", "/process/args/0", hint, msg);
}

void hr_image_audit_rules(const struct hr_image_audit_input *in, const struct hr_image_policy *pol,
			  struct hr_findings *f)
{
	const struct hr_image_facts *x = in->facts;

	if (x->incomplete) {
		_cleanup_free_ char *m = hr_xasprintf("the audit is incomplete: it %s", x->incomplete);
		add(f, pol, "image.audit-incomplete", "/", NULL, m);
	}
	if (in->exec && in->exec->incomplete) {
		_cleanup_free_ char *m = hr_xasprintf("the audit is incomplete: the lookup of the "
						      "entry point %s",
						      in->exec->incomplete);
		add(f, pol, "image.audit-incomplete", "/process/args/0", NULL, m);
	}
	for (size_t i = 0; i < x->n_setid; i++) {
		const struct hr_image_entry *e = &x->setid[i];
		bool su = e->mode & S_ISUID, sg = e->mode & S_ISGID;
		_cleanup_free_ char *m = hr_xasprintf(
			"%s file (mode %04o, owner %u:%u): under hardrun no_new_privs keeps it from "
			"raising privileges, under another runtime it may",
			su && sg ? "setuid and setgid" : su ? "setuid" : "setgid",
			(unsigned)(e->mode & 07777), (unsigned)e->uid, (unsigned)e->gid);
		add(f, pol, "image.setuid", e->path, NULL, m);
	}
	more(f, pol, "image.setuid", x->more_setid);
	for (size_t i = 0; i < x->n_writable; i++) {
		const struct hr_image_entry *e = &x->writable[i];
		_cleanup_free_ char *m =
			S_ISDIR(e->mode)
				? hr_xasprintf("world-writable directory without the sticky bit (mode "
					       "%04o): any user can delete or replace the files of others "
					       "in it",
					       (unsigned)(e->mode & 07777))
				: hr_xasprintf("world-writable file (mode %04o): any process in the "
					       "container can change it",
					       (unsigned)(e->mode & 07777));
		add(f, pol, "image.world-writable", e->path, NULL, m);
	}
	more(f, pol, "image.world-writable", x->more_writable);
	/* One finding per file, naming every kind found in it (the walk
	 * records a file's hits together). */
	for (size_t i = 0; i < x->n_secrets;) {
		const char *path = x->secrets[i].path;
		char *m = hr_xstrdup("");
		for (; i < x->n_secrets && strcmp(x->secrets[i].path, path) == 0; i++) {
			const struct hr_image_secret *s = &x->secrets[i];
			char *t = s->line ? hr_xasprintf("%s%s%s at line %u", m, *m ? "; " : "",
							 hr_secret_kind_name(s->kind), s->line)
					  : hr_xasprintf("%s%s%s", m, *m ? "; " : "",
							 hr_secret_kind_name(s->kind));
			free(m);
			m = t;
		}
		{
			_cleanup_free_ char *msg = hr_xasprintf("%s (not shown)", m);
			add(f, pol, "image.secret", path, NULL, msg);
		}
		free(m);
	}
	more(f, pol, "image.secret", x->more_secret_files);
	if (in->user_unchecked) {
		/* image.audit-incomplete says why */
	} else if (!in->passwd) {
		_cleanup_free_ char *m = hr_xasprintf(
			"the image has no /etc/passwd, so uid %u has no name: programs that look "
			"their user up (whoami, ssh, some shells and libraries) fail",
			in->uid);
		add(f, pol, "image.user-unknown", "/process/user/uid", NULL, m);
	} else if (!hr_passwd_has_uid(in->passwd, in->uid)) {
		_cleanup_free_ char *m = hr_xasprintf(
			"uid %u has no entry in the image's /etc/passwd: programs that look their "
			"user up (whoami, ssh, some shells and libraries) fail",
			in->uid);
		add(f, pol, "image.user-unknown", "/process/user/uid", NULL, m);
	}
	if (pol->minimal)
		for (size_t i = 0; i < x->n_tools; i++) {
			const struct hr_image_tool *t = &x->tools[i];
			_cleanup_free_ char *m = hr_xasprintf(
				"%s in an image the profile says is minimal: it gives an intruder "
				"tools to work with",
				t->kind == HR_TOOL_SHELL ? "a shell" : "a package manager");
			add(f, pol, "image.not-minimal", t->path, NULL, m);
		}
	if (pol->minimal)
		more(f, pol, "image.not-minimal", x->more_tools);
	if (in->exec)
		entrypoint(in->exec, pol, f);
}
