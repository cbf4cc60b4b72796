/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hardrun/doctor.h"
#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/launch.h"
#include "hardrun/pipeline.h"
#include "hardrun/trace.h"

char *hr_launch_refusal_text(const struct hr_findings *f, const struct hr_profile *p)
{
	struct hr_buf b = { 0 };
	char *s = hr_xasprintf("refused by hardrun profile `%s` (%s):", p->name, p->source);

	hr_buf_add(&b, s, strlen(s));
	free(s);
	for (size_t i = 0; f && i < f->n; i++) {
		const struct hr_finding *x = &f->v[i];
		if (x->outcome != HR_REFUSED)
			continue;
		s = hr_xasprintf(" %s at %s: %s (hint: %s);", x->rule->id,
				 x->pointer[0] ? x->pointer : "/", x->message, x->hint);
		hr_buf_add(&b, s, strlen(s));
		free(s);
	}
	if (b.s[b.n - 1] == ';')
		b.s[--b.n] = '\0';
	return b.s;
}

int hr_launch_state_open(const char *explicit_dir, const struct hr_config *cfg,
			 struct hr_state *st, hr_error *err)
{
	const char *dir = explicit_dir ? explicit_dir
			  : cfg && cfg->state_dir ? cfg->state_dir
						  : NULL;
	_cleanup_free_ char *fallback = NULL;
	int r;

	if (!dir && geteuid() == 0) {
		dir = HR_STATE_DEFAULT_DIR;
	} else if (!dir) {
		const char *xdg = secure_getenv("XDG_RUNTIME_DIR");
		fallback = xdg && *xdg ? hr_xasprintf("%s/hardrun", xdg)
				       : hr_xasprintf("/tmp/hardrun-%u", (unsigned)getuid());
		dir = fallback;
	}
	if ((r = hr_state_open(dir, st, err)) < 0)
		return r;
	{
		_cleanup_free_ char *listen = hr_xasprintf("%s/listen", st->path);
		hr_trace_set_dir(listen);
	}
	if (st->privileged) {
		_cleanup_free_ char *cache = hr_xasprintf("%s/cache", st->path);
		hr_profile_cache_set_dir(cache);
	}
	return 0;
}

void hr_launch_done(struct hr_launch *l)
{
	if (!l)
		return;
	hr_bundle_close(&l->bundle);
	free(l->config_name);
	free(l->before);
	if (l->spec)
		cJSON_Delete(l->spec);
	free(l->after);
	hr_profile_free(l->profile);
	free(l->how);
	hr_findings_done(&l->findings);
	if (l->audit_extra)
		cJSON_Delete(l->audit_extra);
	free(l->refusal);
	hr_pins_done(&l->pins);
	hr_pbundle_close(&l->pb);
	if (l->root_fd >= 0)
		(void)close(l->root_fd);
	free(l->root_path);
	*l = (struct hr_launch){ .root_fd = -1, .bundle = { .dirfd = -1 } };
}

/* Open the bundle and read its spec. */
static int read_spec(const struct hr_launch_opts *o, struct hr_launch *l, hr_error *err)
{
	_cleanup_free_ char *c1 = NULL, *c2 = NULL;
	struct hr_bundle cdir = { .dirfd = -1 };
	const struct hr_bundle *from = &l->bundle;
	size_t len;
	int r;

	if ((r = hr_bundle_open(o->bundle, &l->bundle, err)) < 0)
		return r;
	if (!o->config) {
		l->config_name = hr_xstrdup("config.json");
	} else {
		c1 = hr_xstrdup(o->config);
		c2 = hr_xstrdup(o->config);
		if ((r = hr_bundle_open(dirname(c1), &cdir, err)) < 0)
			return r;
		l->config_name = hr_xstrdup(basename(c2));
		from = &cdir;
	}
	r = hr_bundle_read(from, l->config_name, HR_CONFIG_MAX_BYTES, &l->before, &len, NULL, err);
	if (r == 0 && (r = hr_json_parse(l->before, len, &hr_json_spec_limits, &l->spec, err)) < 0)
		(void)hr_err_prefix(err, r, "%s/%s", from->path, l->config_name);
	hr_bundle_close(&cdir);
	return r;
}

static bool is_bind(const cJSON *m)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");

	if (cJSON_IsString(type) && strcmp(type->valuestring, "bind") == 0)
		return true;
	for (const cJSON *x = opts ? opts->child : NULL; x; x = x->next)
		if (cJSON_IsString(x) && (strcmp(x->valuestring, "bind") == 0 ||
					  strcmp(x->valuestring, "rbind") == 0))
			return true;
	return false;
}

static bool has_opt(const cJSON *m, const char *opt)
{
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");

	for (const cJSON *x = opts ? opts->child : NULL; x; x = x->next)
		if (cJSON_IsString(x) && strcmp(x->valuestring, opt) == 0)
			return true;
	return false;
}

/*
 * Give the runtime exactly what was judged: the root file system and
 * every bind source become clones of the objects the core judged,
 * mounted in the private bundle. A bind source the core did not see
 * opened (it does not exist, or it was added after judging) is refused:
 * hardrun hands on nothing it did not judge.
 */
static int pin_paths(struct hr_launch *l, bool attach, hr_error *err)
{
	cJSON *root = cJSON_GetObjectItemCaseSensitive(l->spec, "root");
	cJSON *path = cJSON_GetObjectItemCaseSensitive(root, "path");
	cJSON *mounts = cJSON_GetObjectItemCaseSensitive(l->spec, "mounts");
	const struct hr_pin *pin;
	size_t i = 0, n = 0;
	int r;

	if (!cJSON_IsString(path))
		return hr_err(err, HR_E_INVALID, "/root/path: missing (fix: \"root\": {\"path\": "
						 "\"rootfs\"})");
	if ((r = hr_pins_get(&l->pins, path->valuestring, &pin, NULL)) < 0) {
		_cleanup_free_ char *full = path->valuestring[0] == '/'
						    ? NULL
						    : hr_xasprintf(" (%s/%s)", l->bundle.path,
								   path->valuestring);
		return hr_err(err, r,
			      "/root/path: the root file system `%s`%s %s (fix: put the "
			      "container's root file system there, or correct root.path)",
			      path->valuestring, full ? full : "",
			      r == -ENOENT ? "does not exist" : strerror(-r));
	}
	if (!S_ISDIR(pin->st.st_mode))
		return hr_err(err, -ENOTDIR,
			      "/root/path: the root file system `%s` is not a directory (fix: "
			      "point root.path at the unpacked root file system)",
			      path->valuestring);
	if (attach) {
		if ((r = hr_pin_attach(pin, &l->pb, HR_PBUNDLE_ROOTFS, true, err)) < 0)
			return hr_err_prefix(err, r, "/root/path");
		hr_json_set(root, "path", cJSON_CreateString(HR_PBUNDLE_ROOTFS));
	} else if (path->valuestring[0] != '/') {
		hr_json_set(root, "path", cJSON_CreateString(pin->real));
	}
	for (cJSON *m = mounts ? mounts->child : NULL; m; m = m->next, i++) {
		cJSON *src = cJSON_GetObjectItemCaseSensitive(m, "source");
		_cleanup_free_ char *rel = NULL, *abs = NULL;

		if (!is_bind(m) || !cJSON_IsString(src))
			continue;
		/* Only what the core judged, through the object it judged: never
		 * a second lookup of the path. */
		pin = hr_pins_find(&l->pins, src->valuestring);
		if (!pin)
			return hr_err(err, -EINVAL,
				      "/mounts/%zu/source: bind source `%s` was not judged, so it is "
				      "not handed on",
				      i, src->valuestring);
		if (pin->fd < 0)
			return hr_err(err, pin->error,
				      "/mounts/%zu/source: bind source %s (fix: create it before the "
				      "container starts, or correct the path)",
				      i, pin->real);
		if (!attach) {
			if (src->valuestring[0] != '/')
				hr_json_set(m, "source", cJSON_CreateString(pin->real));
			continue;
		}
		rel = hr_xasprintf(HR_PBUNDLE_PINS "/%zu", n++);
		if ((r = hr_pin_attach(pin, &l->pb, rel, has_opt(m, "rbind"), err)) < 0)
			return hr_err_prefix(err, r, "/mounts/%zu/source", i);
		/* Where it will be once the bundle has its final name. */
		abs = hr_xasprintf("%s/%s/%s", l->root_path, l->pb.id, rel);
		hr_json_set(m, "source", cJSON_CreateString(abs));
	}
	return 0;
}

static int make_private_bundle(const struct hr_launch_opts *o, struct hr_launch *l,
			       hr_error *err)
{
	int r;

	struct hr_runtime_ref ref = { .root = o->runtime_root, .cmd = o->runtime_cmd };

	if ((r = hr_state_root_dir(o->state, o->runtime_root, &l->root_fd, &l->root_path, err)) < 0)
		return r;
	/* A container gone while its hardrun was not there to clean up. */
	hr_state_sweep(l->root_fd, l->root_path, &ref);
	return hr_pbundle_create(l->root_fd, l->root_path, o->id, &ref, &l->pb, err);
}

static int write_private_bundle(const struct hr_launch_opts *o, struct hr_launch *l,
				hr_error *err)
{
	struct hr_bundle pbd = { .dirfd = l->pb.dirfd, .path = l->pb.path, .sync = HR_SYNC_NONE };
	int r;

	/* Memory, and nothing reads it after the machine restarts: nothing
	 * is synced. */
	if (o->direct) {
		struct hr_buf b = { 0 };
		for (size_t i = 0; o->direct[i]; i++) {
			hr_buf_add(&b, o->direct[i], strlen(o->direct[i]));
			hr_buf_add(&b, "\n", 1);
		}
		r = hr_bundle_write(&pbd, HR_PBUNDLE_DIRECT, b.s, b.n, 0600, (uid_t)-1, (gid_t)-1,
				    err);
		free(b.s);
		if (r < 0)
			return r;
	}
	l->after = hr_json_print(l->spec, false);
	if ((r = hr_bundle_write(&pbd, "config.json", l->after, strlen(l->after), 0600, (uid_t)-1,
				 (gid_t)-1, err)) < 0)
		return r;
	return hr_pbundle_publish(&l->pb, err);
}

static void record(struct hr_launch *l)
{
	cJSON *ann = NULL;
	_cleanup_free_ char *real = NULL;

	if (hr_json_ensure_object(l->spec, "annotations", "", &ann, NULL) < 0)
		return;
	/* The file itself, absolute: exec and update load exactly it. */
	real = realpath(l->profile->source, NULL);
	hr_json_set(ann, HR_APPLIED_ANNOTATION,
		    cJSON_CreateString(real ? real : l->profile->source));
	hr_json_set(ann, HR_APPLIED_HOW_ANNOTATION, cJSON_CreateString(l->how));
	hr_json_set(ann, HR_ENGINE_BUNDLE_ANNOTATION, cJSON_CreateString(l->bundle.path));
}

#ifdef HR_FAULT_INJECTION
/*
 * Test builds only (tests/faults/faulty-hardrun, never the installed
 * hardrun): with HARDRUN_TEST_PAUSE=FIFO, once the spec is judged and the
 * runtime's bundle is ready, write "judged" into FIFO and wait for a line
 * on FIFO.go. A race test swaps in between what an attacker would swap
 * (tests/integration/race.sh).
 */
static void test_pause(void)
{
	const char *fifo = getenv("HARDRUN_TEST_PAUSE");
	_cleanup_free_ char *go = NULL;
	char c;
	int fd;

	if (!fifo)
		return;
	if ((fd = open(fifo, O_WRONLY | O_CLOEXEC)) >= 0) {
		(void)!write(fd, "judged\n", 7);
		(void)close(fd);
	}
	go = hr_xasprintf("%s.go", fifo);
	if ((fd = open(go, O_RDONLY | O_CLOEXEC)) >= 0) {
		while (read(fd, &c, 1) == 1 && c != '\n')
			;
		(void)close(fd);
	}
}
#else
static void test_pause(void)
{
}
#endif

static int prepare(const struct hr_launch_opts *o, struct hr_launch *l, hr_error *err)
{
	_cleanup_(hr_host_env_done) struct hr_host_env host = { 0 };
	int r;

	*l = (struct hr_launch){ .root_fd = -1, .bundle = { .dirfd = -1 } };
	hr_pins_init(&l->pins, -1, NULL);
	l->pb = (struct hr_pbundle){ .dirfd = -1, .lock_fd = -1, .root_fd = -1 };
	if ((r = read_spec(o, l, err)) < 0)
		return r;
	hr_pins_init(&l->pins, l->bundle.dirfd, l->bundle.path);
	r = hr_select_profile(o->sel, l->spec, &l->profile, &l->how, err);
	if (r == HR_E_REFUSED) {
		l->refusal = hr_xasprintf("refused by hardrun: %s", err->msg);
		return r;
	}
	if (r < 0)
		return r;

	/* The core asks the host about every path through host's facts, which
	 * pin each object once in l->pins: the ones handed to the runtime. A
	 * judgement away from the launch judges a path that is not there by
	 * its name. */
	hr_host_env_init(&host, &l->bundle, o->mode, o->cfg);
	host.pins = &l->pins;
	host.env.lenient = o->judge_only;
	r = hr_harden(l->spec, l->profile, &host.env, &l->findings, err);
	if (r == 0 && !o->judge_only)
		r = make_private_bundle(o, l, err);
	/* Without CAP_SYS_ADMIN nothing can be mounted: the paths are
	 * handed on as they were judged, made absolute. */
	if (r == 0 && !o->judge_only)
		r = pin_paths(l, o->state->privileged, err);
	if (r < 0 && r != HR_E_REFUSED)
		(void)hr_err_prefix(err, r, "%s/%s", l->bundle.path, l->config_name);
	if (r == 0 && o->image_checks) {
		/* The image as the runtime will see it: the pinned clone. */
		struct hr_bundle at = l->pb.dirfd >= 0 && o->state->privileged
					      ? (struct hr_bundle){ .dirfd = l->pb.dirfd,
								    .path = l->pb.path }
					      : l->bundle;
		r = hr_image_at_launch(&at, l->spec, l->profile, o->cfg ? o->cfg->sbom_dir : NULL,
				       &l->findings, &l->audit_extra, err);
		/* The runtime's known CVEs and the profile's requireEnforced
		 * (host_probe.c): what the runtime will see, so the same clone. */
		if (r == 0 && !o->judge_only && o->runtime)
			r = hr_launch_checks(l->spec, at.dirfd, l->profile, o->runtime,
					     hr_runtime_args_disable_cgroups(o->runtime_cmd) ||
						     (o->cfg && hr_runtime_args_disable_cgroups(
								       o->cfg->runtime_args)),
					     &l->findings, err);
	}
	if (r == HR_E_REFUSED && !l->refusal)
		l->refusal = hr_launch_refusal_text(&l->findings, l->profile);
	if (r == 0 && !o->judge_only) {
		record(l);
		if (o->before_write)
			r = o->before_write(o->ud, l, err);
		if (r == 0)
			r = write_private_bundle(o, l, err);
	}
	if (r < 0 && l->pb.root_fd >= 0) {
		(void)hr_pbundle_remove(&l->pb, NULL);
		hr_pbundle_close(&l->pb);
	}
	if (r == 0 && !o->judge_only)
		test_pause();
	return r;
}

int hr_launch_prepare(const struct hr_launch_opts *o, struct hr_launch *l, hr_error *err)
{
	int r;

	/* The spec's trees are made and dropped in the arena (json.h). */
	hr_json_arena_start();
	r = prepare(o, l, err);
	hr_json_arena_stop();
	return r;
}
