/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a Dockerfile promises the runtime, checked at build time with the
 * runtime's finding ids where the concern is the same: the final stage's
 * user (user.root-uid, judged by the profile's allowRoot, as the user pass
 * judges a spec), secrets in ENV, ARG, RUN or copied files (image.secret),
 * base images not pinned by digest (image.ref-digest). Concerns only a
 * Dockerfile has get dockerfile.* ids. Every finding is stage build and
 * carries its line; none changes anything, so they are warnings, except
 * where the profile refuses the same concern at run time.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/control.h"
#include "hardrun/dockerfile.h"
#include "hardrun/harden.h"
#include "hardrun/image.h"

static void add(struct hr_findings *f, const char *rule, enum hr_outcome o, unsigned line,
		const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add(struct hr_findings *f, const char *rule, enum hr_outcome o, unsigned line,
		const char *hint, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL, *ptr = hr_xasprintf("line %u", line);
	struct hr_finding *x;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	x = hr_finding_add(f, rule, o, ptr, NULL, NULL, hint, "%s", msg);
	if (x) {
		x->stage = HR_STAGE_BUILD;
		x->line = line;
	}
}

static bool has_flag(const struct hr_df_instr *in, const char *prefix)
{
	for (size_t i = 0; in->flags && in->flags[i]; i++)
		if (strncmp(in->flags[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* A RUN --mount=type=cache whose target contains `dir`. */
static bool cache_mount(const struct hr_df_instr *in, const char *dir)
{
	for (size_t i = 0; in->flags && in->flags[i]; i++)
		if (strncmp(in->flags[i], "--mount=", 8) == 0 && strstr(in->flags[i], "type=cache") &&
		    strstr(in->flags[i], dir))
			return true;
	return false;
}

/* The shell text a RUN executes: its command and its heredocs. */
static char *run_script(const struct hr_df_instr *in)
{
	struct hr_buf b = { 0 };

	hr_buf_add(&b, "", 0);
	if (in->json) {
		for (const cJSON *e = in->json->child; e; e = e->next) {
			if (b.n)
				hr_buf_add(&b, " ", 1);
			hr_buf_add(&b, e->valuestring, strlen(e->valuestring));
		}
	} else {
		hr_buf_add(&b, in->args, strlen(in->args));
	}
	for (size_t i = 0; in->heredocs && in->heredocs[i]; i++) {
		hr_buf_add(&b, "\n", 1);
		hr_buf_add(&b, in->heredocs[i], strlen(in->heredocs[i]));
	}
	return b.s;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static bool is_op(const char *w)
{
	return strcmp(w, ";") == 0 || strcmp(w, "&&") == 0 || strcmp(w, "||") == 0 ||
	       strcmp(w, "|") == 0 || strcmp(w, "&") == 0 || strcmp(w, "(") == 0 ||
	       strcmp(w, ")") == 0;
}

/* --- packages ------------------------------------------------------------ */

enum manager { M_NONE, M_APT, M_APK, M_RPM, M_PIP };

static const char *const compilers[] = { "gcc",	  "g++",   "gcc-c++", "clang",	 "cpp",
					 "build-essential", "build-base", "golang", "golang-go",
					 "go",	  "rustc", "cargo",   "rust",	 "default-jdk",
					 "maven", "gradle", NULL };

static bool is_compiler(const char *pkg)
{
	char name[128];
	size_t n = strcspn(pkg, "=~<>");

	if (n >= sizeof name)
		return false;
	memcpy(name, pkg, n);
	name[n] = '\0';
	for (size_t i = 0; compilers[i]; i++)
		if (strcmp(name, compilers[i]) == 0)
			return true;
	/* gcc-12, clang-15, openjdk-17-jdk, java-17-openjdk-devel */
	return (strncmp(name, "gcc-", 4) == 0 && isdigit((unsigned char)name[4])) ||
	       (strncmp(name, "clang-", 6) == 0 && isdigit((unsigned char)name[6])) ||
	       (strncmp(name, "openjdk", 7) == 0 && strstr(name + 7, "jdk")) ||
	       (strncmp(name, "java-", 5) == 0 && strstr(name, "-devel"));
}

static bool pinned(enum manager m, const char *pkg)
{
	switch (m) {
	case M_APT:
		return strchr(pkg, '=') != NULL;
	case M_APK:
		return strchr(pkg, '=') || strchr(pkg, '~');
	case M_RPM:
		for (const char *p = strchr(pkg, '-'); p; p = strchr(p + 1, '-'))
			if (isdigit((unsigned char)p[1]))
				return true;
		return strchr(pkg, '=') != NULL;
	case M_PIP:
		return strstr(pkg, "==") || strchr(pkg, '@') || pkg[0] == '.' || pkg[0] == '/' ||
		       strstr(pkg, ".whl") || strstr(pkg, ".tar.gz");
	default:
		return true;
	}
}

/* Options of the install commands that take the next word as a value. */
static bool takes_value(enum manager m, const char *opt)
{
	static const char *const apt[] = { "-o", "-t", "-c", "--option", "--target-release",
					   "--config-file", NULL };
	static const char *const apk[] = { "-t", "--virtual", "-X", "--repository", "--root",
					   "-p", NULL };
	static const char *const rpm[] = { "--setopt", "--enablerepo", "--disablerepo",
					   "--releasever", "--installroot", "-c", NULL };
	static const char *const pip[] = { "-r", "--requirement", "-c", "--constraint", "-e",
					   "--editable", "-i", "--index-url", "--extra-index-url",
					   "-t", "--target", "--prefix", "--root", "--trusted-host",
					   "-f", "--find-links", NULL };
	const char *const *l = m == M_APT ? apt : m == M_APK ? apk : m == M_RPM ? rpm : pip;

	for (size_t i = 0; l[i]; i++)
		if (strcmp(l[i], opt) == 0)
			return true;
	return false;
}

struct install {
	enum manager m;
	struct hr_strv_builder packages;
	bool no_cache; /* apk --no-cache, pip --no-cache-dir */
	bool from_file; /* pip -r FILE: packages (and versions) listed in a file */
};

/* The installs of one command (words [b, e)). */
static bool parse_install(char **w, size_t b, size_t e, struct install *out)
{
	const char *cmd;
	size_t i = b;

	*out = (struct install){ 0 };
	/* Leading NAME=value assignments, sudo, env. */
	while (i < e && (strchr(w[i], '=') || strcmp(w[i], "sudo") == 0 || strcmp(w[i], "env") == 0 ||
			 strcmp(w[i], "exec") == 0))
		i++;
	if (i >= e)
		return false;
	cmd = base_name(w[i]);
	if (strcmp(cmd, "apt-get") == 0 || strcmp(cmd, "apt") == 0 || strcmp(cmd, "aptitude") == 0)
		out->m = M_APT;
	else if (strcmp(cmd, "apk") == 0)
		out->m = M_APK;
	else if (strcmp(cmd, "yum") == 0 || strcmp(cmd, "dnf") == 0 ||
		 strcmp(cmd, "microdnf") == 0 || strcmp(cmd, "tdnf") == 0 || strcmp(cmd, "zypper") == 0)
		out->m = M_RPM;
	else if (strncmp(cmd, "pip", 3) == 0 && (cmd[3] == '\0' || isdigit((unsigned char)cmd[3])))
		out->m = M_PIP;
	else if (strncmp(cmd, "python", 6) == 0 && i + 2 < e && strcmp(w[i + 1], "-m") == 0 &&
		 strcmp(w[i + 2], "pip") == 0) {
		out->m = M_PIP;
		i += 2;
	} else
		return false;
	for (i++; i < e; i++) {
		if (w[i][0] == '-') {
			if (strcmp(w[i], "--no-cache") == 0 || strcmp(w[i], "--no-cache-dir") == 0)
				out->no_cache = true;
			if (takes_value(out->m, w[i]))
				i++;
			continue;
		}
		break;
	}
	if (i >= e)
		return false;
	if (!(strcmp(w[i], "install") == 0 || (out->m == M_APK && strcmp(w[i], "add") == 0) ||
	      (out->m == M_RPM && strcmp(w[i], "in") == 0)))
		return false;
	for (i++; i < e; i++) {
		if (w[i][0] == '-') {
			if (strcmp(w[i], "--no-cache") == 0 || strcmp(w[i], "--no-cache-dir") == 0)
				out->no_cache = true;
			if (out->m == M_PIP && (strcmp(w[i], "-r") == 0 || strcmp(w[i], "--requirement") == 0))
				out->from_file = true;
			if (takes_value(out->m, w[i]))
				i++;
			continue;
		}
		/* A local package file: its version is the file's. */
		if (out->m == M_APT && (strchr(w[i], '/') || strstr(w[i], ".deb")))
			continue;
		hr_strvb_push(&out->packages, w[i]);
	}
	return true;
}

/* What a script does about package caches, found in one pass over its
 * words, for every install in it to look at. */
struct cleaning {
	bool removes[M_PIP + 1]; /* an rm whose arguments name the manager's cache */
	bool clean_all;		 /* "... clean all" (yum, dnf) */
};

static const char *const cache_dirs[] = { [M_APT] = "/var/lib/apt/lists",
					  [M_APK] = "/var/cache/apk", [M_RPM] = "/var/cache/",
					  [M_PIP] = ".cache/pip" };

static void find_cleaning(char **w, size_t n, struct cleaning *c)
{
	*c = (struct cleaning){ 0 };
	for (size_t i = 0; i < n; i++) {
		if (i + 2 < n && strcmp(w[i + 1], "clean") == 0 && strcmp(w[i + 2], "all") == 0)
			c->clean_all = true;
		if (strcmp(base_name(w[i]), "rm") != 0)
			continue;
		/* Its arguments, up to the command's end; the next command
		 * is looked at from there, so each word is read once. */
		size_t k;
		for (k = i + 1; k < n && !is_op(w[k]); k++)
			for (int m = M_APT; m <= M_PIP; m++)
				c->removes[m] |= strstr(w[k], cache_dirs[m]) != NULL;
		i = k - 1;
	}
}

/* Does the script remove a cache directory, or clean the manager's? */
static bool cleans(const struct cleaning *c, const struct hr_df_instr *in, enum manager m)
{
	if (m == M_NONE)
		return true;
	if (cache_mount(in, m == M_APT ? "/var/lib/apt" : cache_dirs[m]))
		return true;
	return c->removes[m] || (m == M_RPM && c->clean_all);
}

static const char *manager_name(enum manager m)
{
	return m == M_APT ? "apt" : m == M_APK ? "apk" : m == M_RPM ? "yum/dnf" : "pip";
}

struct stage_facts {
	bool compilers;	  /* installs a compiler or builds FROM a toolchain image */
	unsigned compiler_line;
	char *compiler;
	bool healthcheck;
	char *user; /* the last USER, expanded; NULL if none */
	unsigned user_line;
};

static void check_run(const struct hr_dockerfile *d, const struct hr_df_instr *in, bool final,
		      struct stage_facts *sf, struct hr_findings *f)
{
	_cleanup_free_ char *script = run_script(in);
	_cleanup_strv_ char **w = hr_df_shell_words(script);
	size_t n = hr_strv_len(w);
	bool warned_pin = false;
	struct cleaning cl;
	int tok;

	(void)d;
	if ((tok = hr_secret_token_kind(script, strlen(script))) >= 0)
		add(f, "image.secret", HR_WARNED, in->line, NULL,
		    "RUN holds a %s: it stays in the image's history (the value is not shown)",
		    hr_secret_kind_name((enum hr_secret_kind)tok));
	find_cleaning(w, n, &cl);
	for (size_t b = 0; b < n;) {
		size_t e = b;
		struct install ins;

		while (e < n && !is_op(w[e]))
			e++;
		if (parse_install(w, b, e, &ins)) {
			_cleanup_strv_ char **pkgs = hr_strvb_take(&ins.packages);
			struct hr_buf unp = { 0 };
			size_t count = 0;
			for (size_t i = 0; pkgs[i]; i++) {
				if (is_compiler(pkgs[i]) && !sf->compilers) {
					sf->compilers = true;
					sf->compiler_line = in->line;
					free(sf->compiler);
					sf->compiler = hr_xstrdup(pkgs[i]);
				}
				if (!pinned(ins.m, pkgs[i])) {
					/* The first few are named; the count says the rest. */
					if (count < 20) {
						if (count)
							hr_buf_add(&unp, ", ", 2);
						hr_buf_add(&unp, pkgs[i], strlen(pkgs[i]));
					}
					count++;
				}
			}
			if (count && !warned_pin) {
				add(f, "dockerfile.package-unpinned", HR_WARNED, in->line, NULL,
				    "%s installs %zu package%s without a version: %s%s; the image changes "
				    "with every build",
				    manager_name(ins.m), count, count == 1 ? "" : "s", unp.s,
				    count > 20 ? ", ..." : "");
				warned_pin = true;
			}
			free(unp.s);
			if (final && (pkgs[0] || ins.from_file) && !ins.no_cache &&
			    !cleans(&cl, in, ins.m))
				add(f, "dockerfile.package-cache", HR_WARNED, in->line, NULL,
				    "%s install in the final stage leaves its cache in the image (%s)",
				    manager_name(ins.m),
				    ins.m == M_APT	 ? "no rm -rf /var/lib/apt/lists/* in the same RUN"
				    : ins.m == M_APK ? "no --no-cache"
				    : ins.m == M_RPM ? "no clean all in the same RUN"
						     : "no --no-cache-dir");
		} else {
			hr_strv_free(hr_strvb_take(&ins.packages));
		}
		b = e + 1;
	}
}

/* ENV KEY=value ... or ENV KEY value; ARG NAME[=default] ... */
static void check_env_arg(const struct hr_df_instr *in, bool is_env, struct hr_df_vars *vars,
			  struct hr_findings *f)
{
	_cleanup_strv_ char **w = hr_df_shell_words(in->args);
	size_t n = hr_strv_len(w);
	bool legacy = is_env && n >= 2 && !strchr(w[0], '=');

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *key = NULL, *val = NULL;
		char *eq = strchr(w[i], '=');
		bool has_value;
		int tok;

		if (legacy) {
			/* ENV KEY the rest is the value */
			size_t off = strcspn(in->args, " \t");
			key = hr_xstrdup(w[0]);
			val = hr_xstrdup(in->args + off + strspn(in->args + off, " \t"));
			i = n;
		} else if (eq) {
			key = hr_xasprintf("%.*s", (int)(eq - w[i]), w[i]);
			val = hr_xstrdup(eq + 1);
		} else {
			key = hr_xstrdup(w[i]);
		}
		has_value = val && *val;
		hr_df_vars_set(vars, key, strlen(key), val ? val : "");
		if (val && (tok = hr_secret_token_kind(val, strlen(val))) >= 0) {
			add(f, "image.secret", HR_WARNED, in->line, NULL,
			    "%s %s holds a %s (the value is not shown)", in->keyword, key,
			    hr_secret_kind_name((enum hr_secret_kind)tok));
			continue;
		}
		if (!hr_secret_name(key))
			continue;
		if (is_env && has_value)
			add(f, "image.secret", HR_WARNED, in->line, NULL,
			    "ENV %s puts a secret into the image's configuration, which anyone who "
			    "can pull the image reads (docker inspect)",
			    key);
		else if (!is_env)
			add(f, "image.secret", HR_WARNED, in->line,
			    "use RUN --mount=type=secret,id=... for build-time secrets",
			    "ARG %s passes a secret as a build argument: build arguments are kept in "
			    "the image's history%s",
			    key, has_value && hr_secret_value(val) ? ", and this one has a default value" : "");
	}
}

/* COPY or ADD of files that hold secrets by their nature. */
static void check_copy_sources(const struct hr_df_instr *in, struct hr_findings *f)
{
	_cleanup_strv_ char **w = NULL;
	size_t n;

	if (in->json) {
		struct hr_strv_builder b = { 0 };
		for (const cJSON *e = in->json->child; e; e = e->next)
			hr_strvb_push(&b, e->valuestring);
		w = hr_strvb_take(&b);
	} else {
		w = hr_df_shell_words(in->args);
	}
	n = hr_strv_len(w);
	for (size_t i = 0; i + 1 < n; i++) {
		const char *b = base_name(w[i]);
		_cleanup_free_ char *as_path = hr_xasprintf("/%s", w[i]);
		if (strncmp(b, "id_rsa", 6) == 0 || strncmp(b, "id_ecdsa", 8) == 0 ||
		    strncmp(b, "id_ed25519", 10) == 0 || strncmp(b, "id_dsa", 6) == 0 ||
		    (strlen(b) > 4 && strcmp(b + strlen(b) - 4, ".key") == 0) ||
		    hr_secrets_by_name(as_path))
			add(f, "image.secret", HR_WARNED, in->line, NULL,
			    "%s copies `%s` into the image, a file that holds credentials by its "
			    "nature",
			    in->keyword, w[i]);
	}
}

static bool toolchain_image(const char *image)
{
	static const char *const repos[] = { "golang", "rust", "gcc", "maven", "gradle",
					     "buildpack-deps", NULL };
	struct hr_image_ref_parts p;
	bool yes = false;

	if (hr_image_ref_parse(image, &p) < 0)
		return false;
	for (size_t i = 0; repos[i]; i++)
		yes |= strcmp(base_name(p.name), repos[i]) == 0;
	if ((strcmp(base_name(p.name), "openjdk") == 0 || strstr(p.name, "temurin")) && p.tag &&
	    strstr(p.tag, "jdk"))
		yes = true;
	if (strcmp(base_name(p.name), "openjdk") == 0 && p.tag && !strstr(p.tag, "jre"))
		yes = true;
	hr_image_ref_parts_done(&p);
	return yes;
}

static void check_from(const struct hr_df_vars *global, const struct hr_df_stage *st,
		       struct hr_findings *f)
{
	struct hr_image_ref_parts p;
	bool unresolved = false;
	_cleanup_free_ char *image = hr_df_expand(st->image, global, &unresolved);
	if (st->base >= 0 || strcmp(image, "scratch") == 0)
		return;
	if (unresolved || !*image) {
		add(f, "image.ref-digest", HR_WARNED, st->line, NULL,
		    "the base image `%s` comes from a build argument without a default: whether it "
		    "is pinned depends on who builds",
		    st->image);
		return;
	}
	if (hr_image_ref_parse(image, &p) < 0) {
		add(f, "image.ref-digest", HR_WARNED, st->line, NULL,
		    "`%s` is not an image reference hardrun can read", image);
		return;
	}
	if (!p.digest)
		add(f, "image.ref-digest", HR_WARNED, st->line, NULL,
		    "base image `%s` is %s, not pinned by digest: the build can change under you",
		    image, strcmp(p.tag, "latest") == 0 ? "on the moving tag latest" : "named by tag");
	hr_image_ref_parts_done(&p);
}

static bool root_user(const char *u)
{
	char name[64];
	size_t n = strcspn(u, ":");

	if (n >= sizeof name)
		return false;
	memcpy(name, u, n);
	name[n] = '\0';
	return strcmp(name, "root") == 0 || strcmp(name, "0") == 0;
}

void hr_dockerfile_rules(const struct hr_dockerfile *d, const struct hr_profile *p,
			 struct hr_findings *f)
{
	struct stage_facts *sf = hr_xcalloc(d->n_stages + 1, sizeof *sf);
	size_t last = d->n_stages - 1;
	_cleanup_free_ bool *ships = hr_xcalloc(d->n_stages + 1, sizeof *ships);
	struct hr_df_vars global = { 0 };
	int chain;

	/* What the final stage is built FROM ships with it. */
	for (chain = (int)last; chain >= 0; chain = d->stages[chain].base)
		ships[chain] = true;
	/* A stage sees the global ARGs without copying them. */
	hr_df_vars_from(&global, d->global_args);

	for (size_t s = 0; s < d->n_stages; s++) {
		const struct hr_df_stage *st = &d->stages[s];
		_cleanup_(hr_df_vars_done) struct hr_df_vars vars = { .parent = &global };
		bool final = ships[s];

		check_from(&global, st, f);
		if (st->base < 0 && toolchain_image(st->image)) {
			sf[s].compilers = true;
			sf[s].compiler_line = st->line;
			sf[s].compiler = hr_xstrdup(st->image);
		}
		for (size_t i = st->first; i < st->end; i++) {
			const struct hr_df_instr *in = &d->v[i];
			if (strcmp(in->keyword, "RUN") == 0) {
				check_run(d, in, final, &sf[s], f);
			} else if (strcmp(in->keyword, "ENV") == 0 || strcmp(in->keyword, "ARG") == 0) {
				check_env_arg(in, strcmp(in->keyword, "ENV") == 0, &vars, f);
			} else if (strcmp(in->keyword, "USER") == 0) {
				bool unresolved = false;
				free(sf[s].user);
				sf[s].user = hr_df_expand(in->args, &vars, &unresolved);
				sf[s].user_line = in->line;
			} else if (strcmp(in->keyword, "HEALTHCHECK") == 0) {
				sf[s].healthcheck = true;
			} else if (strcmp(in->keyword, "ADD") == 0 || strcmp(in->keyword, "COPY") == 0) {
				check_copy_sources(in, f);
				if (strcmp(in->keyword, "ADD") == 0 && !has_flag(in, "--checksum")) {
					_cleanup_strv_ char **w = hr_df_shell_words(in->args);
					for (size_t k = 0; w[k] && w[k + 1]; k++)
						if (strncmp(w[k], "http://", 7) == 0 ||
						    strncmp(w[k], "https://", 8) == 0 ||
						    strncmp(w[k], "git@", 4) == 0)
							add(f, "dockerfile.add-url", HR_WARNED, in->line,
							    NULL,
							    "ADD fetches %s at build time without checking "
							    "what it gets",
							    w[k]);
				}
			}
		}
	}
	/* The final stage, with what it inherits from the stages it is
	 * built FROM. */
	{
		const char *user = NULL, *compiler = NULL;
		unsigned user_line = d->stages[last].line, compiler_line = 0;
		bool health = false;

		for (chain = (int)last; chain >= 0; chain = d->stages[chain].base) {
			if (!user && sf[chain].user) {
				user = sf[chain].user;
				user_line = sf[chain].user_line;
			}
			if (!compiler && sf[chain].compilers) {
				compiler = sf[chain].compiler;
				compiler_line = sf[chain].compiler_line;
			}
			health |= sf[chain].healthcheck;
		}
		if (!p->user.allow_root && (!user || root_user(user))) {
			enum hr_outcome o = HR_WARNED;
			for (size_t i = 0; i < hr_controls_count && i < HR_CONTROLS_MAX; i++)
				if (strcmp(hr_control_names[i], "user") == 0 &&
				    hr_profile_mode(p, i) == HR_MODE_REFUSE)
					o = HR_REFUSED;
			if (user)
				add(f, "user.root-uid", o, user_line,
				    "set USER to a non-root uid in the final stage (USER 65534, or a user "
				    "the image creates)",
				    "the final stage runs as root (USER %s); profile `%s` %s %u", user,
				    p->name, o == HR_REFUSED ? "refuses root, it allows only uids like"
							     : "would run it as uid",
				    p->user.uid);
			else
				add(f, "user.root-uid", o, user_line,
				    "set USER to a non-root uid in the final stage (USER 65534, or a user "
				    "the image creates)",
				    "the final stage sets no USER, so it runs as its base image's user, "
				    "root for most images; profile `%s` %s",
				    p->name, o == HR_REFUSED ? "refuses root" : "would then change the user");
		}
		if (compiler)
			add(f, "dockerfile.compilers", HR_WARNED, compiler_line, NULL,
			    "the final stage ships a compiler or build toolchain (%s)%s", compiler,
			    d->n_stages == 1 ? " in a single-stage build" : "");
		if (!health)
			add(f, "dockerfile.healthcheck", HR_WARNED, d->stages[last].line, NULL,
			    "the final stage has no HEALTHCHECK (an engine cannot tell a hung "
			    "container from a working one)");
	}
	for (size_t s = 0; s < d->n_stages; s++) {
		free(sf[s].user);
		free(sf[s].compiler);
	}
	free(sf);
	hr_df_vars_done(&global);
}
