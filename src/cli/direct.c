/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct mode: `hardrun BUNDLE` runs a bundle hardened, in the
 * foreground, like `runc run`. The user's bundle is never modified: the
 * hardened spec goes to a private state directory, which is removed when
 * the container ends (or by the next run, if hardrun was killed).
 */
#include "config.h"

#include <getopt.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/audit.h"
#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"
#include "hardrun/launch.h"
#include "hardrun/report.h"
#include "hardrun/select.h"
#include "hardrun/trace.h"

static char *state_base(const struct hr_direct_opts *o)
{
	const char *xdg;

	if (o->state_dir)
		return hr_xstrdup(o->state_dir);
	if (geteuid() == 0)
		return hr_xstrdup("/run/hardrun/direct");
	xdg = secure_getenv("XDG_RUNTIME_DIR");
	return xdg && *xdg ? hr_xasprintf("%s/hardrun/direct", xdg)
			   : hr_xasprintf("/tmp/hardrun-%u/direct", (unsigned)getuid());
}

static int mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = hr_xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Run argv, with stdio to /dev/null, and wait. Returns its exit status. */
static int run_quiet(char *const *argv)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			(void)dup2(null, 0);
			(void)dup2(null, 1);
			(void)dup2(null, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* argv for the runtime: RUNTIME [global flags] ARGS... */
static char **runtime_argv(const char *runtime, char *const *global, const char *const *args)
{
	size_t ng = hr_strv_len(global), na = 0;
	char **v;

	while (args[na])
		na++;
	v = hr_xcalloc(1 + ng + na + 1, sizeof *v);
	v[0] = (char *)runtime;
	for (size_t i = 0; i < ng; i++)
		v[1 + i] = global[i];
	for (size_t i = 0; i < na; i++)
		v[1 + ng + i] = (char *)args[i];
	return v;
}

static void remove_state(const char *dir)
{
	_cleanup_free_ char *cfg = hr_xasprintf("%s/config.json", dir);
	_cleanup_free_ char *rt = hr_xasprintf("%s/runtime", dir);
	DIR *d = opendir(dir);
	struct dirent *de;

	(void)unlink(cfg);
	(void)unlink(rt);
	/* A hardrun killed while writing config.json leaves its temporary. */
	while (d && (de = readdir(d)))
		if (strncmp(de->d_name, ".hardrun-tmp.", 13) == 0)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	(void)rmdir(dir);
}

/*
 * Whether the runtime may still hold state for `id`. `runc run` deletes
 * its container when it returns; only a runtime that was itself killed
 * leaves one behind. Asking the runtime costs a process start (5 ms for
 * runc), so for runc and crun their state directory is looked at instead
 * (--root, or their default); any other runtime is asked.
 */
static bool may_exist(const char *runtime, char *const *global, const char *id)
{
	const char *base = strrchr(runtime, '/'), *root = NULL;
	_cleanup_free_ char *path = NULL;

	base = base ? base + 1 : runtime;
	for (size_t i = 0; global && global[i]; i++) {
		if (strncmp(global[i], "--root=", 7) == 0)
			root = global[i] + 7;
		else if (strcmp(global[i], "--root") == 0 && global[i + 1])
			root = global[i + 1];
	}
	if (!root && strcmp(base, "runc") == 0)
		root = "/run/runc";
	else if (!root && strcmp(base, "crun") == 0)
		root = "/run/crun";
	if (!root || geteuid() != 0)
		return true;
	path = hr_xasprintf("%s/%s", root, id);
	return access(path, F_OK) == 0 || errno != ENOENT;
}

static void delete_container(const char *runtime, char *const *global, const char *id)
{
	const char *args[] = { "delete", "--force", id, NULL };
	_cleanup_free_ char **argv = runtime_argv(runtime, global, args);
	(void)run_quiet(argv);
}

/* Containers of direct-mode runs whose hardrun died: delete them and
 * their state. The state directory's "runtime" file names the owner's pid
 * and the runtime to delete with. */
static void sweep_stale(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		_cleanup_free_ char *dir = NULL, *rtfile = NULL, *buf = NULL;
		_cleanup_strv_ char **lines = NULL;
		char *end, *save = NULL;
		long pid = 0;
		FILE *f;
		size_t cap = 0;

		if (de->d_name[0] == '.')
			continue;
		dir = hr_xasprintf("%s/%s", base, de->d_name);
		rtfile = hr_xasprintf("%s/runtime", dir);
		f = fopen(rtfile, "re");
		if (f) {
			ssize_t n = getdelim(&buf, &cap, '\0', f);
			fclose(f);
			for (char *l = n > 0 ? strtok_r(buf, "\n", &save) : NULL; l;
			     l = strtok_r(NULL, "\n", &save))
				hr_strv_push(&lines, l);
		}
		if (hr_strv_len(lines) >= 2)
			pid = strtol(lines[0], &end, 10);
		/* Alive, or not ours to judge: leave it. */
		if (pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		delete_container(lines[1], lines + 2, de->d_name);
		remove_state(dir);
	}
	closedir(d);
}

static void set_joined(cJSON *obj, const char *key, const char *dir, const char *rel)
{
	_cleanup_free_ char *j = hr_xasprintf("%s/%s", dir, rel);
	hr_json_set(obj, key, cJSON_CreateString(j));
}

/* A direct-mode spec lives outside its bundle: paths relative to the
 * bundle must become absolute. */
static int absolutize(cJSON *spec, const char *bundle, hr_error *err)
{
	cJSON *root, *path, *mounts;
	size_t i = 0;
	int r;

	if ((r = hr_json_get_object(spec, "root", "", &root, err)) < 0 ||
	    (r = hr_json_get_string(root, "path", "/root", &path, err)) < 0 ||
	    (r = hr_json_get_array(spec, "mounts", "", &mounts, err)) < 0)
		return r;
	if (!path)
		return hr_err(err, HR_E_INVALID, "/root/path: missing (fix: \"root\": "
						 "{\"path\": \"rootfs\"})");
	if (path->valuestring[0] != '/')
		set_joined(root, "path", bundle, path->valuestring);
	for (cJSON *m = mounts ? mounts->child : NULL; m; m = m->next, i++) {
		cJSON *src = cJSON_GetObjectItemCaseSensitive(m, "source");
		cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
		cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");
		bool bind = (cJSON_IsString(type) && strcmp(type->valuestring, "bind") == 0);
		for (cJSON *o = opts ? opts->child : NULL; o; o = o->next)
			bind |= cJSON_IsString(o) && (strcmp(o->valuestring, "bind") == 0 ||
						      strcmp(o->valuestring, "rbind") == 0);
		if (bind && cJSON_IsString(src) && src->valuestring[0] != '/')
			set_joined(m, "source", bundle, src->valuestring);
	}
	return 0;
}

static void audit_direct(const struct hr_config *cfg, const char *event, const char *id,
			 const char *bundle, const cJSON *spec, const struct hr_profile *profile,
			 const char *how, const char *before, const char *after,
			 const struct hr_findings *findings, const char *runtime, const cJSON *extra)
{
	struct hr_audit_dest d = { .file = cfg->audit_file, .syslog = cfg->audit_syslog };
	struct hr_audit_record rec = {
		.event = event,
		.container = id,
		.bundle = bundle,
		.annotations = cJSON_GetObjectItemCaseSensitive(spec, "annotations"),
		.profile = profile,
		.how = how,
		.before = before,
		.after = after,
		.findings = findings,
		.runtime = runtime,
		.extra = extra,
	};
	hr_error err = { 0 };

	if (hr_audit_write(&d, &rec, &err) < 0)
		hr_cli_error("warning: %s", err.msg);
}

static int make_id(char *buf, size_t cap)
{
	uint32_t rnd = 0;
	if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
		rnd = (uint32_t)getpid() ^ (uint32_t)time(NULL);
	snprintf(buf, cap, "hardrun-%ld-%08x", (long)getpid(), rnd);
	return 0;
}

static int write_runtime_file(const char *dir, const char *runtime, char *const *global)
{
	_cleanup_free_ char *path = hr_xasprintf("%s/runtime", dir);
	FILE *f = fopen(path, "wex");

	if (!f)
		return -errno;
	fprintf(f, "%ld\n%s\n", (long)getpid(), runtime);
	for (size_t i = 0; global && global[i]; i++)
		fprintf(f, "%s\n", global[i]);
	return fclose(f) == 0 ? 0 : -errno;
}

#define STOP_GRACE_SECONDS 10

/*
 * Run the container in the foreground and relay signals sent to us. The
 * container's init is pid 1 of its namespace, and the kernel drops
 * signals it has no handler for: a workload that ignores SIGTERM would
 * survive Ctrl-C forever. So a stop request (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT) starts a grace period, and a second request or the end of the
 * grace period kills the container, as `docker stop` does.
 */
static int supervise(char **argv, const char *runtime, char *const *global, const char *id)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD };
	sigset_t set, old;
	pid_t pid;
	int status = 0, stop_requests = 0;
	struct timespec deadline = { 0 };
	bool killed = false;

	sigemptyset(&set);
	for (size_t i = 0; i < HR_ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -e;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execv(argv[0], argv);
		fprintf(stderr, "hardrun: cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(HR_EXIT_NOEXEC);
	}
	for (;;) {
		siginfo_t si;
		int sig;

		if (stop_requests && !killed) {
			struct timespec now, left;
			clock_gettime(CLOCK_MONOTONIC, &now);
			left.tv_sec = deadline.tv_sec - now.tv_sec;
			left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
			if (left.tv_nsec < 0) {
				left.tv_sec--;
				left.tv_nsec += 1000000000L;
			}
			sig = left.tv_sec < 0 ? -1 : sigtimedwait(&set, &si, &left);
			if (sig < 0 && (left.tv_sec < 0 || errno == EAGAIN)) {
				const char *kargs[] = { "kill", id, "KILL", NULL };
				_cleanup_free_ char **kv = runtime_argv(runtime, global, kargs);
				(void)run_quiet(kv);
				killed = true;
				continue;
			}
		} else {
			sig = sigwaitinfo(&set, &si);
		}
		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
			continue;
		}
		/* A terminal's Ctrl-C reaches the runtime directly (same process
		 * group); relay only what was sent to hardrun alone. */
		if (si.si_code != SI_KERNEL)
			(void)kill(pid, sig);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
			if (stop_requests++ == 0) {
				clock_gettime(CLOCK_MONOTONIC, &deadline);
				deadline.tv_sec += STOP_GRACE_SECONDS;
			} else {
				deadline.tv_sec = 0; /* a second request: stop now */
				deadline.tv_nsec = 0;
			}
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int hr_cmd_direct(const struct hr_direct_opts *o)
{
	_cleanup_profile_ struct hr_profile *profile = NULL;
	_cleanup_(hr_findings_freep) struct hr_findings findings = { 0 };
	_cleanup_json_ cJSON *spec = NULL, *extra = NULL;
	_cleanup_free_ char *text = NULL, *runtime = NULL, *base = NULL, *dir = NULL, *out = NULL;
	_cleanup_strv_ char **dirs = NULL;
	struct hr_bundle bundle = { .dirfd = -1 }, state = { .dirfd = -1 };
	struct hr_host_env host;
	hr_error err = { 0 };
	size_t len;
	char id[64];
	int r, status = HR_EXIT_ERROR;
	unsigned flags = isatty(STDERR_FILENO) ? HR_REPORT_COLOR : 0;

	_cleanup_(hr_config_free) struct hr_config cfg = { 0 };
	_cleanup_free_ char *how = NULL;
	_cleanup_(hr_trace_freep) struct hr_trace *trace = NULL; /* --explain, learn */

	/* The node's settings apply to direct runs too (profile directories,
	 * rules, default profile, runtime); a missing file means defaults. */
	if ((r = hr_config_load(HR_CONFIG_DEFAULT_PATH, false, &cfg, &err)) < 0)
		goto fail;
	dirs = hr_profile_search_path(o->profile_dirs, &cfg);

	if (!o->dry_run &&
	    (r = hr_runtime_find(o->runtime ? o->runtime : cfg.runtime, &runtime, &err)) < 0) {
		hr_cli_error("%s", err.msg);
		return r == -ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
	}
	if ((r = hr_bundle_open(o->bundle, &bundle, &err)) < 0 ||
	    (r = hr_bundle_read(&bundle, "config.json", HR_CONFIG_MAX_BYTES, &text, &len, NULL,
				&err)) < 0)
		goto fail;
	if ((r = hr_json_parse(text, len, &hr_json_spec_limits, &spec, &err)) < 0) {
		hr_err_prefix(&err, "%s/config.json", bundle.path);
		goto fail;
	}
	if (!o->dry_run && ((r = hr_bundle_check_root(&bundle, spec, &err)) < 0 ||
			    (r = absolutize(spec, bundle.path, &err)) < 0)) {
		hr_err_prefix(&err, "%s/config.json", bundle.path);
		goto fail;
	}
	{
		struct hr_selection sel = { .explicit_choice = o->profile, .link = o->link,
					    .cfg = &cfg, .dirs = dirs };
		r = hr_select_profile(&sel, spec, &profile, &how, &err);
		if (r == HR_E_REFUSED) {
			hr_cli_error("refused: %s", err.msg);
			status = HR_EXIT_REFUSED;
			goto out;
		}
		if (r < 0)
			goto fail;
	}
	hr_host_env_init(&host, &bundle);
	r = hr_harden(spec, profile, &host.env, &findings, &err);
	if (r == 0) /* the image: audit and SBOM (src/image/launch.c) */
		r = hr_image_at_launch(&bundle, spec, profile, o->dry_run ? NULL : cfg.sbom_dir,
				       &findings, &extra, &err);
	if (r == HR_E_REFUSED) {
		hr_report_text(stderr, &findings, profile, flags);
		if (!o->dry_run)
			audit_direct(&cfg, "refused", NULL, bundle.path, spec, profile, how, text, NULL,
				     &findings, NULL, extra);
		status = HR_EXIT_REFUSED;
		goto out;
	}
	if (r < 0) {
		hr_err_prefix(&err, "%s/config.json", bundle.path);
		goto fail;
	}
	if (o->dry_run) {
		out = hr_json_print(spec, true);
		if (!o->quiet)
			hr_report_text(stderr, &findings, profile, flags);
		printf("%s\n", out);
		status = fflush(stdout) == 0 ? 0 : HR_EXIT_ERROR;
		goto out;
	}

	base = state_base(o);
	if ((r = mkdir_p(base, 0700)) < 0) {
		hr_err(&err, r, "%s: cannot create the state directory: %s", base, strerror(-r));
		goto fail;
	}
	sweep_stale(base);
	if (o->id)
		snprintf(id, sizeof id, "%s", o->id);
	else
		make_id(id, sizeof id);
	dir = hr_xasprintf("%s/%s", base, id);
	if (mkdir(dir, 0700) < 0) {
		hr_err(&err, -errno, "%s: cannot create: %s", dir, strerror(errno));
		goto fail;
	}
	if ((r = hr_direct_trace_start(o, spec, profile, &cfg, id, bundle.path, runtime, &extra,
				       &trace, &err)) < 0) {
		remove_state(dir);
		goto fail;
	}
	out = hr_json_print(spec, false);
	r = write_runtime_file(dir, runtime, o->runtime_args);
	if (r >= 0)
		r = hr_bundle_open(dir, &state, &err);
	if (r >= 0) {
		/* The state directory's copy does not outlive this process:
		 * nothing reads it after a crash, so nothing is synced. */
		state.sync = HR_SYNC_NONE;
		r = hr_bundle_write(&state, "config.json", out, strlen(out), 0600, (uid_t)-1,
				    (gid_t)-1, &err);
	}
	if (r < 0) {
		if (!err.msg[0])
			hr_err(&err, r, "%s: cannot write: %s", dir, strerror(-r));
		remove_state(dir);
		goto fail;
	}
	if (!o->quiet)
		hr_report_text(stderr, &findings, profile, flags);
	fflush(stderr);
	audit_direct(&cfg, "direct", id, bundle.path, spec, profile, how, text, out, &findings,
		     runtime, extra);
	{
		const char *args[] = { "run", "--bundle", dir, id, NULL };
		_cleanup_free_ char **argv = runtime_argv(runtime, o->runtime_args, args);
		status = supervise(argv, runtime, o->runtime_args, id);
		if (status < 0) {
			hr_cli_error("cannot start %s: %s", runtime, strerror(-status));
			status = HR_EXIT_NOEXEC;
		}
	}
	hr_direct_trace_end(o, HR_TAKE_PTR(trace), profile);
	if (may_exist(runtime, o->runtime_args, id))
		delete_container(runtime, o->runtime_args, id);
	remove_state(dir);
	goto out;
fail:
	hr_cli_error("%s", err.msg);
	status = HR_EXIT_ERROR;
out:
	hr_bundle_close(&bundle);
	hr_bundle_close(&state);
	return status;
}

void hr_cli_usage(FILE *out)
{
	fputs("Usage: hardrun [OPTIONS] BUNDLE\n"
	      "Run the OCI bundle BUNDLE hardened, in the foreground, with runc or crun.\n"
	      "\n"
	      "  -p, --profile NAME|PATH   hardening profile (default: restricted)\n"
	      "      --profile-dir DIR     look for profiles in DIR first (repeatable)\n"
	      "  -r, --runtime NAME|PATH   runc, crun or a path (default: runc, else crun)\n"
	      "      --runtime-arg ARG     global flag for the runtime, e.g.\n"
	      "                            --runtime-arg=--cgroup-manager=disabled (repeatable)\n"
	      "      --id ID               container id (default: generated)\n"
	      "      --state-dir DIR       where the hardened spec is kept while it runs\n"
	      "  -n, --dry-run             print the hardened spec (stdout) and what changed\n"
	      "                            (stderr); run nothing, change nothing\n"
	      "  -q, --quiet               do not list the changes before starting\n"
	      "      --explain             report each system call the profile denies, as it\n"
	      "                            happens and at the end, with the change that allows it\n"
	      "\n"
	      "       hardrun [RUNC GLOBAL FLAGS] COMMAND ...   as an OCI runtime (see hardrun(1))\n"
	      "       hardrun learn [--base PROFILE] [-o OUT] BUNDLE   write a profile from a run\n"
	      "       hardrun help | version\n"
	      "\n"
	      "The bundle is never modified. Exit status: the container's, or 124 refused\n"
	      "by the profile, 125 error, 126 runtime not executable, 127 no runtime.\n"
	      "See hardrun(1) and hardrun-profile(5).\n",
	      out);
}

int hr_cmd_direct_main(int argc, char **argv)
{
	enum { OPT_PROFILE_DIR = 256, OPT_RUNTIME_ARG, OPT_ID, OPT_STATE_DIR, OPT_EXPLAIN };
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "runtime", required_argument, NULL, 'r' },
		{ "runtime-arg", required_argument, NULL, OPT_RUNTIME_ARG },
		{ "id", required_argument, NULL, OPT_ID },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ 0 },
	};
	_cleanup_strv_ char **profile_dirs = NULL, **runtime_args = NULL;
	struct hr_direct_opts o = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+p:r:nq", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.profile = optarg;
			break;
		case OPT_PROFILE_DIR:
			hr_strv_push(&profile_dirs, optarg);
			break;
		case 'r':
			o.runtime = optarg;
			break;
		case OPT_RUNTIME_ARG:
			hr_strv_push(&runtime_args, optarg);
			break;
		case OPT_ID:
			o.id = optarg;
			break;
		case OPT_STATE_DIR:
			o.state_dir = optarg;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case OPT_EXPLAIN:
			o.explain = true;
			break;
		default:
			hr_cli_usage(stderr);
			return HR_EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		hr_cli_error("%s (fix: hardrun [OPTIONS] BUNDLE; see hardrun help)",
			     optind >= argc ? "no bundle given" : "more than one bundle given");
		return HR_EXIT_ERROR;
	}
	if (o.id) {
		for (const char *p = o.id; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || strchr("_+-.", *p))) {
				hr_cli_error("--id %s: use letters, digits and _+-. only", o.id);
				return HR_EXIT_ERROR;
			}
		if (!*o.id || o.id[0] == '.' || strlen(o.id) > 60) {
			hr_cli_error("--id: must be 1 to 60 characters, not starting with a dot");
			return HR_EXIT_ERROR;
		}
	}
	o.bundle = argv[optind];
	{
		const char *base = strrchr(argv[0], '/');
		base = base ? base + 1 : argv[0];
		if (strncmp(base, "hardrun-", 8) == 0 && base[8])
			o.link = base + 8;
	}
	o.profile_dirs = profile_dirs;
	o.runtime_args = runtime_args;
	return hr_cmd_direct(&o);
}
