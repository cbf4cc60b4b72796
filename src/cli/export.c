/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun export k8s|docker|seccomp`: the profile that governs the
 * runtime, written as the settings of the stage before it, so that intent
 * is stated once. The core (src/core/export) builds the trees; this file picks
 * the profile, writes the seccomp file and prints.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/bundle.h"
#include "hardrun/export.h"
#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/k8s.h"
#include "hardrun/seccomp.h"
#include "hardrun/select.h"

static void usage(FILE *out)
{
	fputs("Usage: hardrun export k8s [OPTIONS]       Kubernetes manifests and the PSS level\n"
	      "       hardrun export docker [OPTIONS]    docker run flags, or a compose fragment\n"
	      "       hardrun export seccomp [OPTIONS]   the profile's seccomp filter (JSON)\n"
	      "  -p, --profile NAME|PATH   the profile (default: hardrun.conf's, else restricted)\n"
	      "      --profile-dir DIR     look for profiles in DIR first (repeatable)\n"
	      "  -o, --output FILE         write to FILE instead of standard output\n"
	      " k8s:\n"
	      "      --kind pod|deployment       what to write (default deployment)\n"
	      "      --name NAME                 its name (default app)\n"
	      "      --container NAME            the container's name (default app)\n"
	      "      --image IMAGE               the container's image\n"
	      "      --runtime-class NAME        the RuntimeClass and its handler (default hardrun)\n"
	      "      --no-runtime-class          do not write the RuntimeClass\n"
	      "      --seccomp-dir DIR           write the seccomp filter below DIR (the kubelet's\n"
	      "                                  seccomp directory, /var/lib/kubelet/seccomp)\n"
	      " docker:\n"
	      "      --format args|compose       flags, one per line (default), or compose YAML\n"
	      "      --seccomp-file FILE         write the seccomp filter to FILE, which the flags name\n"
	      "      --service NAME              the compose service (default app)\n"
	      "See hardrun(1), DEPLOY.\n",
	      out);
}

/* Write `text` to DIR/REL atomically (temporary file, fsync, rename),
 * mode 0644, creating the missing directories (mode 0755). */
static int write_file_below(const char *dir, const char *rel, const char *text, hr_error *err)
{
	_cleanup_free_ char *copy = hr_xstrdup(rel), *base_copy = hr_xstrdup(rel);
	_cleanup_free_ char *path = NULL;
	struct hr_bundle b = { .dirfd = -1 };
	const char *sub = dirname(copy), *base = basename(base_copy);
	int r;

	/* mkdir -p DIR/SUBDIR: the kubelet's directory may not exist yet. */
	{
		_cleanup_free_ char *parts = strcmp(sub, ".") != 0 ? hr_xasprintf("%s/%s", dir, sub)
								  : hr_xstrdup(dir);
		char *save = NULL;
		path = hr_xstrdup(parts[0] == '/' ? "" : ".");
		for (char *t = strtok_r(parts, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
			char *next = hr_xasprintf("%s/%s", path, t);
			free(path);
			path = next;
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				return hr_err(err, -errno, "%s: cannot create the directory: %s", path,
					      strerror(errno));
		}
	}
	if ((r = hr_bundle_open(path, &b, err)) < 0)
		return r;
	r = hr_bundle_write(&b, base, text, strlen(text), 0644, (uid_t)-1, (gid_t)-1, err);
	hr_bundle_close(&b);
	return r;
}

static char *filter_text(const struct hr_profile *p)
{
	cJSON *f = hr_seccomp_profile_filter(&p->seccomp);
	char *s = hr_json_print(f, true), *t = hr_xasprintf("%s\n", s);

	free(s);
	cJSON_Delete(f);
	return t;
}

/* "Pod Security Standard: LEVEL" and what keeps the profile from the
 * levels above, one line each. */
static char *pss_report(const struct hr_profile *p, const struct hr_k8s_export *x)
{
	char *s = hr_xasprintf("Pod Security Standard: %s (profile `%s`)", hr_pss_level_name(x->level),
			       p->name);
	if (x->level == HR_PSS_RESTRICTED) {
		char *n = hr_xasprintf("%s: meets every control of restricted", s);
		free(s);
		return n;
	}
	/* One line per control that fails, with its first violation. */
	for (size_t i = 0; i < x->pss.n; i++) {
		const struct hr_pss_violation *v = &x->pss.v[i];
		size_t more = 0, k;
		char *n;

		for (k = 0; k < i; k++)
			if (x->pss.v[k].level == v->level && strcmp(x->pss.v[k].control, v->control) == 0)
				break;
		if (k < i)
			continue;
		for (k = i + 1; k < x->pss.n; k++)
			more += x->pss.v[k].level == v->level && strcmp(x->pss.v[k].control, v->control) == 0;
		n = hr_xasprintf("%s\nnot %s: %s: %s (%s)%s", s, hr_pss_level_name(v->level), v->control,
				 v->detail, v->pointer, more ? " and more like it" : "");
		free(s);
		s = n;
	}
	return s;
}

/* What the command line asked for. */
struct export_args {
	const char *what, *profile, *output, *kind, *name, *container, *image, *rc;
	const char *seccomp_dir, *format, *seccomp_file, *service;
	char **extra_dirs; /* --profile-dir, in order */
	bool rc_doc;
};

static void export_args_done(struct export_args *a)
{
	if (a)
		a->extra_dirs = hr_strv_free(a->extra_dirs);
}

/* Parse argv into *a. Returns -1 to go on, else the exit status. */
static int parse_export_args(int argc, char **argv, struct export_args *a)
{
	enum {
		OPT_PROFILE_DIR = 256, OPT_KIND, OPT_NAME, OPT_CONTAINER, OPT_IMAGE, OPT_RC,
		OPT_NO_RC, OPT_SECCOMP_DIR, OPT_FORMAT, OPT_SECCOMP_FILE, OPT_SERVICE,
	};
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "output", required_argument, NULL, 'o' },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "runtime-class", required_argument, NULL, OPT_RC },
		{ "no-runtime-class", no_argument, NULL, OPT_NO_RC },
		{ "seccomp-dir", required_argument, NULL, OPT_SECCOMP_DIR },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "seccomp-file", required_argument, NULL, OPT_SECCOMP_FILE },
		{ "service", required_argument, NULL, OPT_SERVICE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *what;
	bool k8s_only = false, docker_only = false;
	int c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? HR_EXIT_ERROR : 0;
	}
	what = a->what = argv[1];
	if (strcmp(what, "k8s") != 0 && strcmp(what, "docker") != 0 && strcmp(what, "seccomp") != 0) {
		hr_cli_error("export %s: unknown (fix: hardrun export k8s, docker or seccomp)", what);
		return HR_EXIT_ERROR;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "p:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			a->profile = optarg;
			break;
		case OPT_PROFILE_DIR:
			hr_strv_push(&a->extra_dirs, optarg);
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_KIND:
			a->kind = optarg, k8s_only = true;
			break;
		case OPT_NAME:
			a->name = optarg, k8s_only = true;
			break;
		case OPT_CONTAINER:
			a->container = optarg, k8s_only = true;
			break;
		case OPT_IMAGE:
			a->image = optarg, k8s_only = true;
			break;
		case OPT_RC:
			a->rc = optarg, k8s_only = true;
			break;
		case OPT_NO_RC:
			a->rc_doc = false, k8s_only = true;
			break;
		case OPT_SECCOMP_DIR:
			a->seccomp_dir = optarg, k8s_only = true;
			break;
		case OPT_FORMAT:
			a->format = optarg, docker_only = true;
			break;
		case OPT_SECCOMP_FILE:
			a->seccomp_file = optarg, docker_only = true;
			break;
		case OPT_SERVICE:
			a->service = optarg, docker_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return HR_EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		hr_cli_error("export %s: unexpected argument `%s` (fix: options only; see hardrun "
			     "export --help)", what, argv[optind + 1]);
		return HR_EXIT_ERROR;
	}
	if ((k8s_only && strcmp(what, "k8s") != 0) || (docker_only && strcmp(what, "docker") != 0)) {
		hr_cli_error("export %s: an option of export %s was given (fix: see hardrun export "
			     "--help)", what, k8s_only ? "k8s" : "docker");
		return HR_EXIT_ERROR;
	}
	if (strcmp(a->format, "args") != 0 && strcmp(a->format, "compose") != 0) {
		hr_cli_error("--format %s: args or compose", a->format);
		return HR_EXIT_ERROR;
	}
	if (strcasecmp(a->kind, "pod") != 0 && strcasecmp(a->kind, "deployment") != 0) {
		hr_cli_error("--kind %s: pod or deployment", a->kind);
		return HR_EXIT_ERROR;
	}
	return -1;
}

/* The manifests, with the PSS report in their header (also on stderr);
 * the seccomp file below --seccomp-dir. Returns the exit status. */
static int export_k8s(const struct hr_profile *p, const struct export_args *a,
		      const char *seccomp_name, char **ret_text)
{
	struct hr_k8s_export_opts o = {
		.kind = strcasecmp(a->kind, "pod") == 0 ? "Pod" : "Deployment",
		.name = a->name, .container = a->container, .image = a->image,
		.runtime_class = a->rc, .seccomp_name = seccomp_name, .runtime_class_doc = a->rc_doc,
	};
	_cleanup_(hr_k8s_export_done) struct hr_k8s_export x = { 0 };
	_cleanup_free_ char *report = NULL, *header = NULL, *notes = hr_xstrdup("");
	hr_error err = { 0 };

	if (hr_k8s_export(p, &o, &x, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return HR_EXIT_ERROR;
	}
	if (a->seccomp_dir) {
		_cleanup_free_ char *f = filter_text(p);
		if (write_file_below(a->seccomp_dir, seccomp_name, f, &err) < 0) {
			hr_cli_error("%s", err.msg);
			return HR_EXIT_ERROR;
		}
	}
	report = pss_report(p, &x);
	for (size_t i = 0; x.notes && x.notes[i]; i++) {
		char *n = hr_xasprintf("%snot in Kubernetes' terms: %s\n", notes, x.notes[i]);
		free(notes);
		notes = n;
	}
	header = hr_xasprintf("hardrun export k8s: profile `%s` (%s)\n%s\n"
			      "seccomp: the profile's filter must be on every node as "
			      "/var/lib/kubelet/seccomp/%s\n"
			      "  (hardrun export k8s --seccomp-dir /var/lib/kubelet/seccomp writes it)\n%s",
			      p->name, p->source, report, seccomp_name, notes);
	*ret_text = hr_yaml_emit(x.docs, header);
	if (!*ret_text) {
		hr_cli_error("export k8s: the YAML emitter failed");
		return HR_EXIT_ERROR;
	}
	fprintf(stderr, "hardrun: %s\n", report);
	return 0;
}

/* The flags, or a compose fragment; the seccomp file with --seccomp-file.
 * Returns the exit status. */
static int export_docker(const struct hr_profile *p, const struct export_args *a,
			 const char *seccomp_name, char **ret_text)
{
	_cleanup_(hr_docker_export_done) struct hr_docker_export x = { 0 };
	_cleanup_free_ char *seccomp_default = NULL;
	const char *sf = a->seccomp_file;
	hr_error err = { 0 };

	if (!sf)
		sf = seccomp_default = hr_xasprintf("hardrun-%.*s.json",
						    (int)(strlen(seccomp_name) - 13), seccomp_name + 8);
	if (hr_docker_export(p, sf, a->service, &x, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return HR_EXIT_ERROR;
	}
	if (a->seccomp_file) {
		_cleanup_free_ char *f = filter_text(p);
		if (hr_write_file(a->seccomp_file, f, 0644, &err) < 0) {
			hr_cli_error("--seccomp-file %s: %s", a->seccomp_file, err.msg);
			return HR_EXIT_ERROR;
		}
	} else {
		fprintf(stderr, "hardrun: note: the flags name the seccomp file %s: write it "
				"with --seccomp-file %s (or hardrun export seccomp -p %s -o %s)\n",
			sf, sf, p->name, sf);
	}
	for (size_t i = 0; x.notes && x.notes[i]; i++)
		fprintf(stderr, "hardrun: not in Docker's terms: %s\n", x.notes[i]);
	if (strcmp(a->format, "args") == 0) {
		char *text = hr_xstrdup("");
		for (size_t i = 0; x.args[i]; i++) {
			char *n = hr_xasprintf("%s%s\n", text, x.args[i]);
			free(text);
			text = n;
		}
		*ret_text = text;
	} else {
		cJSON *docs = cJSON_CreateArray();
		_cleanup_free_ char *header = hr_xasprintf(
			"hardrun export docker: profile `%s` (%s) as a compose fragment\n"
			"merge services.%s into your compose file and add its image",
			p->name, p->source, a->service);
		cJSON_AddItemReferenceToArray(docs, x.compose);
		*ret_text = hr_yaml_emit(docs, header);
		cJSON_Delete(docs);
		if (!*ret_text) {
			hr_cli_error("export docker: the YAML emitter failed");
			return HR_EXIT_ERROR;
		}
	}
	return 0;
}

int hr_cmd_export(int argc, char **argv)
{
	_cleanup_(export_args_done) struct export_args a = {
		.kind = "deployment", .name = "app", .container = "app",
		.image = "docker.io/library/busybox:latest", .rc = "hardrun", .format = "args",
		.service = "app", .rc_doc = true,
	};
	_cleanup_(hr_config_done) struct hr_config cfg = { 0 };
	_cleanup_strv_ char **dirs = NULL;
	_cleanup_profile_ struct hr_profile *p = NULL;
	_cleanup_free_ char *how = NULL, *text = NULL, *seccomp_name = NULL;
	hr_error err = { 0 };
	int r;

	if ((r = parse_export_args(argc, argv, &a)) >= 0)
		return r;
	/* The profile, as a container without annotations would get it. */
	if (hr_config_load(HR_CONFIG_DEFAULT_PATH, false, &cfg, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return HR_EXIT_ERROR;
	}
	dirs = hr_profile_search_path(a.extra_dirs, &cfg);
	{
		struct hr_selection sel = { .explicit_choice = a.profile, .cfg = &cfg, .dirs = dirs };
		if (hr_select_profile(&sel, NULL, &p, &how, &err) < 0) {
			hr_cli_error("%s", err.msg);
			return HR_EXIT_ERROR;
		}
	}
	seccomp_name = hr_k8s_seccomp_name(p);

	if (strcmp(a.what, "seccomp") == 0)
		text = filter_text(p);
	else if ((r = strcmp(a.what, "k8s") == 0 ? export_k8s(p, &a, seccomp_name, &text)
						 : export_docker(p, &a, seccomp_name, &text)) != 0)
		return r;

	if (a.output) { /* whole or not at all: hr_write_file */
		if (hr_write_file(a.output, text, 0644, &err) < 0) {
			hr_cli_error("%s", err.msg);
			return HR_EXIT_ERROR;
		}
	} else if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
		hr_cli_error("cannot write to standard output: %s", strerror(errno));
		return HR_EXIT_ERROR;
	}
	return 0;
}
