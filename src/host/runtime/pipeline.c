/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "hardrun/doctor.h"
#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/launch.h"
#include "hardrun/pipeline.h"
#include "hardrun/seccomp_bpf.h"
#include "hardrun/trace.h"
#include "hardrun/trace_listener.h"

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
				 x->pointer[0] ? x->pointer : "/", hr_finding_message(x), x->hint);
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
	hr_idrange_close(&l->range);
	free(l->owner);
	*l = (struct hr_launch){ .root_fd = -1, .bundle = { .dirfd = -1 },
				 .range = { .lock_fd = -1 } };
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

static bool has_opt(const cJSON *m, const char *opt)
{
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");

	for (const cJSON *x = opts ? opts->child : NULL; x; x = x->next)
		if (cJSON_IsString(x) && strcmp(x->valuestring, opt) == 0)
			return true;
	return false;
}

/* What the core judged at `path`, never a second lookup of the path: a
 * path it did not ask about is not handed on. */
static int judged(struct hr_launch *l, const char *path, bool magic, const char *ptr,
		  const struct hr_pin **ret, hr_error *err)
{
	const struct hr_pin *pin = magic ? hr_pins_find_magic(&l->pins, path)
					 : hr_pins_find(&l->pins, path);

	if (!pin)
		return hr_err(err, -EINVAL, "%s: `%s` was not judged, so it is not handed on", ptr,
			      path);
	if (pin->fd < 0)
		return hr_err(err, pin->error,
			      "%s: %s (fix: create it before the container starts, or correct the "
			      "path)",
			      ptr, pin->real);
	*ret = pin;
	return 0;
}

/* Mount a clone of `pin` in the private bundle (m/N) and return the path
 * the runtime will find it at once the bundle has its final name. */
static int attach(struct hr_launch *l, const struct hr_pin *pin, bool recursive, int userns_fd,
		  const char *ptr, char **ret, hr_error *err)
{
	_cleanup_free_ char *rel = hr_xasprintf(HR_PBUNDLE_PINS "/%zu", l->n_attached++);
	int r;

	if ((r = hr_pin_attach(pin, &l->pb, rel, recursive, userns_fd, err)) < 0)
		return hr_err_prefix(err, r, "%s", ptr);
	*ret = hr_xasprintf("%s/%s/%s", l->root_path, l->pb.id, rel);
	return 0;
}

static int pin_root(struct hr_launch *l, bool attach_it, int userns_fd, uid_t root_id,
		    hr_error *err)
{
	cJSON *root = cJSON_GetObjectItemCaseSensitive(l->spec, "root");
	cJSON *path = cJSON_GetObjectItemCaseSensitive(root, "path");
	const struct hr_pin *pin;
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
	if (attach_it) {
		/* An engine's overlay cannot be idmapped as a whole: its layers
		 * can, in a new overlay of hardrun's. */
		r = userns_fd >= 0 ? hr_pin_attach_overlay(pin, &l->pb, HR_PBUNDLE_ROOTFS, userns_fd,
							   root_id, &l->n_attached, err)
				   : -EMEDIUMTYPE;
		if (r == -EMEDIUMTYPE)
			r = hr_pin_attach(pin, &l->pb, HR_PBUNDLE_ROOTFS, true, userns_fd, err);
		if (r < 0)
			return hr_err_prefix(err, r, "/root/path");
		hr_json_set(root, "path", cJSON_CreateString(HR_PBUNDLE_ROOTFS));
	} else if (path->valuestring[0] != '/') {
		hr_json_set(root, "path", cJSON_CreateString(pin->real));
	}
	return 0;
}

/* Overlay's layer directories: each a clone, named in the option. */
static int pin_overlay(struct hr_launch *l, cJSON *m, size_t i, bool attach_it, hr_error *err)
{
	cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
	size_t k = 0;
	int r;

	if (!cJSON_IsString(type) || strcmp(type->valuestring, "overlay") != 0)
		return 0;
	for (cJSON *o = opts ? opts->child : NULL; o; o = o->next, k++) {
		_cleanup_strv_ char **paths = cJSON_IsString(o) ? hr_overlay_option_paths(o->valuestring)
							      : NULL;
		_cleanup_free_ char *ptr = hr_xasprintf("/mounts/%zu/options/%zu", i, k);
		_cleanup_free_ char *rebuilt = NULL;

		for (size_t p = 0; paths && paths[p]; p++) {
			const struct hr_pin *pin;
			char *abs;
			if ((r = judged(l, paths[p], false, ptr, &pin, err)) < 0)
				return r;
			if (!attach_it)
				continue;
			if ((r = attach(l, pin, false, -1, ptr, &abs, err)) < 0)
				return r;
			free(paths[p]);
			paths[p] = abs;
		}
		if (!paths || !attach_it)
			continue;
		rebuilt = hr_overlay_option_with(o->valuestring, paths);
		cJSON_SetValuestring(o, rebuilt);
	}
	return 0;
}

/*
 * In a user namespace the source mount's noexec, nosuid, nodev and ro
 * are locked: runc's remount of the bind without them fails (EPERM). The
 * container gets them in its options, as the source enforces them anyway.
 */
static void keep_locked_flags(cJSON *m, const struct hr_pin *pin)
{
	static const struct {
		unsigned long flag;
		const char *opt;
	} locked[] = { { ST_NOEXEC, "noexec" }, { ST_NOSUID, "nosuid" }, { ST_NODEV, "nodev" },
		       { ST_RDONLY, "ro" } };
	cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");
	struct statvfs sv;

	if (fstatvfs(pin->fd, &sv) < 0)
		return;
	if (!opts)
		opts = cJSON_AddArrayToObject(m, "options");
	for (size_t i = 0; i < HR_ARRAY_SIZE(locked); i++) {
		if (!(sv.f_flag & locked[i].flag) || has_opt(m, locked[i].opt))
			continue;
		if (strcmp(locked[i].opt, "ro") == 0) {
			/* "rw" would ask for what the source does not allow. */
			for (cJSON *o = opts->child, *next; o; o = next) {
				next = o->next;
				if (cJSON_IsString(o) && strcmp(o->valuestring, "rw") == 0)
					cJSON_Delete(cJSON_DetachItemViaPointer(opts, o));
			}
		}
		cJSON_AddItemToArray(opts, cJSON_CreateString(locked[i].opt));
	}
}

/* A bind source, or a disk file system's device: a clone of the object
 * judged, as the mount's source. */
static int pin_source(struct hr_launch *l, cJSON *m, size_t i, bool attach_it, int userns_fd,
		      hr_error *err)
{
	cJSON *src = cJSON_GetObjectItemCaseSensitive(m, "source");
	enum hr_mount_source kind = hr_mount_source_kind(m);
	_cleanup_free_ char *ptr = hr_xasprintf("/mounts/%zu/source", i), *abs = NULL;
	const struct hr_pin *pin;
	int r;

	if (kind == HR_MOUNT_SOURCE_NONE || !cJSON_IsString(src))
		return 0;
	if ((r = judged(l, src->valuestring, false, ptr, &pin, err)) < 0)
		return r;
	if (!attach_it) {
		if (src->valuestring[0] != '/')
			hr_json_set(m, "source", cJSON_CreateString(pin->real));
		return 0;
	}
	/* A volume in the container's user namespace: idmapped, so the ids
	 * on disk are the container's own (hardrun(1), USER NAMESPACES). */
	if ((r = attach(l, pin, kind == HR_MOUNT_SOURCE_BIND && has_opt(m, "rbind"),
			kind == HR_MOUNT_SOURCE_BIND ? userns_fd : -1, ptr, &abs, err)) < 0)
		return r;
	hr_json_set(m, "source", cJSON_CreateString(abs));
	if (userns_fd >= 0 && kind == HR_MOUNT_SOURCE_BIND)
		keep_locked_flags(m, pin);
	return 0;
}

/* A namespace joined by path (/proc/PID/ns/TYPE): a bind of the
 * namespace judged, so that a PID reused in between joins nothing else. */
static int pin_namespaces(struct hr_launch *l, bool attach_it, hr_error *err)
{
	cJSON *nss = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(l->spec, "linux"), "namespaces");
	size_t i = 0;
	int r;

	for (cJSON *ns = nss ? nss->child : NULL; ns; ns = ns->next, i++) {
		cJSON *path = cJSON_GetObjectItemCaseSensitive(ns, "path");
		_cleanup_free_ char *ptr = hr_xasprintf("/linux/namespaces/%zu/path", i), *abs = NULL;
		const struct hr_pin *pin;

		if (!cJSON_IsString(path) || !path->valuestring[0])
			continue;
		if ((r = judged(l, path->valuestring, true, ptr, &pin, err)) < 0)
			return r;
		if (!attach_it)
			continue;
		if ((r = attach(l, pin, false, -1, ptr, &abs, err)) < 0)
			return r;
		hr_json_set(ns, "path", cJSON_CreateString(abs));
	}
	return 0;
}

/* The namespace of type `type` the spec joins by path, or NULL. */
static const char *joined_ns(const cJSON *spec, const char *type)
{
	const cJSON *nss = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "linux"), "namespaces");

	for (const cJSON *ns = nss ? nss->child : NULL; ns; ns = ns->next) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(ns, "type");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(ns, "path");
		if (cJSON_IsString(t) && strcmp(t->valuestring, type) == 0)
			return cJSON_IsString(p) && p->valuestring[0] ? p->valuestring : NULL;
	}
	return NULL;
}

/* An O_RDONLY descriptor of the namespace pinned for `path`. */
static int open_pinned_ns(struct hr_launch *l, const char *path, const char *ptr, int *ret,
			  hr_error *err)
{
	const struct hr_pin *pin = NULL;
	char via[64];
	int r;

	if ((r = judged(l, path, true, ptr, &pin, err)) < 0)
		return r;
	if (!pin)
		abort(); /* judged() returned 0 */
	snprintf(via, sizeof via, "/proc/self/fd/%d", pin->fd);
	if ((*ret = open(via, O_RDONLY | O_CLOEXEC)) < 0)
		return hr_err(err, -errno, "%s: %s: %s", ptr, path, strerror(errno));
	return 0;
}

/* The lines of a uid_map or gid_map as OCI mappings. */
static cJSON *read_map(int pid_fd, const char *name)
{
	_cleanup_close_ int fd = openat(pid_fd, name, O_RDONLY | O_CLOEXEC);
	char buf[4096], *save = NULL;
	cJSON *a;
	ssize_t len;

	if (fd < 0 || (len = read(fd, buf, sizeof buf - 1)) <= 0)
		return NULL;
	buf[len] = '\0';
	a = cJSON_CreateArray();
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long in, out, count;
		cJSON *m;
		if (sscanf(line, "%lu %lu %lu", &in, &out, &count) != 3)
			continue;
		m = cJSON_CreateObject();
		cJSON_AddItemToObject(m, "containerID", hr_json_new_number((double)in));
		cJSON_AddItemToObject(m, "hostID", hr_json_new_number((double)out));
		cJSON_AddItemToObject(m, "size", hr_json_new_number((double)count));
		cJSON_AddItemToArray(a, m);
	}
	return a;
}

/*
 * The pod's user namespace (pinned as `ns_fd`, named by `path` =
 * /proc/PID/ns/user): its mappings, which runc wants in the spec of a
 * container that joins it, and the host gid its root is. /proc/PID is
 * opened once and checked to still hold that namespace, so a reused PID
 * is never read.
 */
static int pod_mappings(struct hr_launch *l, const char *path, int ns_fd, gid_t *ret,
			hr_error *err)
{
	_cleanup_close_ int pid_fd = -1;
	cJSON *lnx = cJSON_GetObjectItemCaseSensitive(l->spec, "linux");
	cJSON *uids = NULL, *gids = NULL;
	struct stat want, got;
	long pid;
	int n = 0;

	if (sscanf(path, "/proc/%ld/ns/user%n", &pid, &n) != 1 || (size_t)n != strlen(path))
		return hr_err(err, -EINVAL, "%s: not a process's user namespace", path);
	_cleanup_free_ char *dir = hr_xasprintf("/proc/%ld", pid);
	if ((pid_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fstat(ns_fd, &want) < 0 || fstatat(pid_fd, "ns/user", &got, 0) < 0 ||
	    want.st_dev != got.st_dev || want.st_ino != got.st_ino ||
	    !(uids = read_map(pid_fd, "uid_map")) || !(gids = read_map(pid_fd, "gid_map"))) {
		cJSON_Delete(uids);
		return hr_err(err, -ESRCH, "%s: the pod's user namespace is gone", path);
	}
	*ret = (gid_t)-1;
	for (const cJSON *m = gids->child; m; m = m->next)
		if (cJSON_GetObjectItemCaseSensitive(m, "containerID")->valuedouble == 0)
			*ret = (gid_t)cJSON_GetObjectItemCaseSensitive(m, "hostID")->valuedouble;
	if (*ret == (gid_t)-1 || !lnx) {
		cJSON_Delete(uids);
		cJSON_Delete(gids);
		return hr_err(err, -EINVAL, "%s: the pod's user namespace has no gid 0", path);
	}
	hr_json_set(lnx, "uidMappings", uids);
	hr_json_set(lnx, "gidMappings", gids);
	return 0;
}

/*
 * The user namespace whose mapping the root file system and the volumes
 * are mounted with (and, for a pod's, the mappings the spec then names), when hardrun gave the container one (its own range,
 * or its pod's): the image's root owns what host root owns on disk, and
 * what the container writes is stored with its own ids. -1 when the spec
 * brought its own user namespace (its engine maps the files) or has none.
 */
static int idmap_userns(struct hr_launch *l, int *ret, gid_t *ret_gid, hr_error *err)
{
	const char *pod;

	*ret = -1;
	if (l->spec_userns || !hr_spec_has_userns(l->spec))
		return 0;
	if (l->has_range) {
		*ret_gid = l->range.host;
		return hr_userns_open(l->range.host, l->range.size, ret, err);
	}
	if ((pod = joined_ns(l->spec, "user"))) {
		int r = open_pinned_ns(l, pod, "/linux/namespaces (user)", ret, err);
		if (r == 0 && (r = pod_mappings(l, pod, *ret, ret_gid, err)) < 0) {
			(void)close(*ret);
			*ret = -1;
		}
		return r;
	}
	return 0;
}

/* The host gid a spec's own gidMappings give its gid 0. */
static bool spec_root_gid(const cJSON *spec, gid_t *ret)
{
	const cJSON *maps = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "linux"), "gidMappings");

	for (const cJSON *m = cJSON_IsArray(maps) ? maps->child : NULL; m; m = m->next) {
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(m, "containerID");
		const cJSON *out = cJSON_GetObjectItemCaseSensitive(m, "hostID");
		if (cJSON_IsNumber(in) && in->valuedouble == 0 && cJSON_IsNumber(out)) {
			*ret = (gid_t)out->valuedouble;
			return true;
		}
	}
	return false;
}

/* Every directory above the state must be searchable by others: the
 * runtime reaches the private bundle as the container's root. */
static int state_reachable(const char *state, hr_error *err)
{
	_cleanup_free_ char *p = hr_xstrdup(state);
	struct stat st;

	for (char *s = strrchr(p, '/'); s && s > p; s = strrchr(p, '/')) {
		*s = '\0';
		if (stat(p, &st) == 0 && !(st.st_mode & S_IXOTH))
			return hr_err(err, -EACCES,
				      "%s: others cannot search it (mode %04o), so the container's "
				      "root in its user namespace cannot reach its private bundle in "
				      "%s (fix: chmod o+x %s, or set \"stateDir\" in hardrun.conf to "
				      "a directory below searchable ones)",
				      p, (unsigned)(st.st_mode & 07777), state, p);
	}
	return 0;
}

/*
 * Give the runtime exactly what was judged: the root file system, every
 * bind source, disk device and overlay layer, and every namespace joined
 * by path become clones of the objects the core judged, mounted in the
 * private bundle. A path the core did not see opened (it does not exist,
 * or it was added after judging) is refused: hardrun hands on nothing it
 * did not judge.
 */
static int pin_paths(struct hr_launch *l, bool attach_it, hr_error *err)
{
	cJSON *mounts = cJSON_GetObjectItemCaseSensitive(l->spec, "mounts");
	_cleanup_close_ int userns_fd = -1;
	gid_t gid = 0;
	size_t i = 0;
	int r;

	if (attach_it && (r = idmap_userns(l, &userns_fd, &gid, err)) < 0)
		return r;
	/* A spec's own user namespace (podman --userns, hostUsers: false):
	 * its engine maps the files, but its root reaches the bundle too. */
	bool shared = userns_fd >= 0 || (attach_it && l->spec_userns && spec_root_gid(l->spec, &gid));
	if (shared && ((r = state_reachable(l->root_path, err)) < 0 ||
		       (r = hr_pbundle_share(&l->pb, gid, err)) < 0))
		return r;
	if ((r = pin_root(l, attach_it, userns_fd, (uid_t)gid, err)) < 0)
		return r;
	for (cJSON *m = mounts ? mounts->child : NULL; m; m = m->next, i++)
		if ((r = pin_source(l, m, i, attach_it, userns_fd, err)) < 0 ||
		    (r = pin_overlay(l, m, i, attach_it, err)) < 0)
			return r;
	return pin_namespaces(l, attach_it, err);
}

/* The runtime root's directory in the state, swept of what crashed
 * containers left: their bundles, and with each its range of host ids
 * (a range whose taker died before its bundle existed is swept when the
 * pool runs out: hr_idrange_take). */
static int open_root_dir(const struct hr_launch_opts *o, struct hr_launch *l, hr_error *err)
{
	struct hr_runtime_ref ref = { .root = o->runtime_root, .cmd = o->runtime_cmd };
	int r;

	if ((r = hr_state_root_dir(o->state, o->runtime_root, &l->root_fd, &l->root_path, err)) < 0)
		return r;
	/* A container gone while its hardrun was not there to clean up. */
	hr_state_sweep(l->root_fd, l->root_path, &ref);
	l->owner = hr_xasprintf("%s/%s", strrchr(l->root_path, '/') + 1, o->id);
	return 0;
}

static int make_private_bundle(const struct hr_launch_opts *o, struct hr_launch *l,
			       hr_error *err)
{
	struct hr_runtime_ref ref = { .root = o->runtime_root, .cmd = o->runtime_cmd };

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
		if ((r = hr_pbundle_note_direct(&l->pb, err)) < 0)
			return r;
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
	if (l->has_range) {
		/* Which range is this container's: released with the bundle. */
		char idx[16];
		int n = snprintf(idx, sizeof idx, "%u\n", l->range.index);
		if ((r = hr_bundle_write(&pbd, HR_PBUNDLE_USERNS, idx, (size_t)n, 0600, (uid_t)-1,
					 (gid_t)-1, err)) < 0)
			return r;
	}
	l->after = hr_json_print(l->spec, false);
	if ((r = hr_bundle_write(&pbd, "config.json", l->after, strlen(l->after), 0600, (uid_t)-1,
				 (gid_t)-1, err)) < 0)
		return r;
	if ((r = hr_pbundle_publish(&l->pb, err)) < 0)
		return r;
	/* The bundle names the range now: a sweep sees its owner. */
	hr_idrange_close(&l->range);
	return 0;
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

/* crun gets the filter compiled (seccomp_bpf.h); the audit record says
 * how: "compiled", "cached", or "crun" and why not. */
static void handoff(const struct hr_launch_opts *o, struct hr_launch *l)
{
	static const char *const how[] = {
		[HR_BPF_KEPT] = "crun", [HR_BPF_COMPILED] = "compiled", [HR_BPF_CACHED] = "cached"
	};
	const char *why = NULL;
	enum hr_bpf_handoff h = hr_crun_bpf_handoff(o->runtime, l->spec, &why);

	if (h == HR_BPF_NONE)
		return;
	if (!l->audit_extra)
		l->audit_extra = cJSON_CreateObject();
	cJSON_AddStringToObject(l->audit_extra, "seccompBpf", how[h]);
	if (why)
		cJSON_AddStringToObject(l->audit_extra, "seccompBpfKept", why);
}

static int prepare(const struct hr_launch_opts *o, struct hr_launch *l, hr_error *err)
{
	_cleanup_(hr_host_env_done) struct hr_host_env host = { 0 };
	struct hr_idpool pool;
	int r;

	*l = (struct hr_launch){ .root_fd = -1, .bundle = { .dirfd = -1 },
				 .range = { .lock_fd = -1 } };
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
	if (o->restore && !l->profile->process.restore) {
		/* Nothing of the spec decides what a restored process is. */
		hr_finding_add(&l->findings, "process.restore", HR_REFUSED, "", NULL, NULL, NULL,
			       "restore of a checkpoint under profile %s: the processes would get "
			       "the dump's credentials, capabilities and seccomp filters, not the "
			       "profile's",
			       l->profile->name);
		l->refusal = hr_launch_refusal_text(&l->findings, l->profile);
		return HR_E_REFUSED;
	}
	l->spec_userns = hr_spec_has_userns(l->spec);

	/* The core asks the host about every path through host's facts, which
	 * pin each object once in l->pins: the ones handed to the runtime. A
	 * judgement away from the launch judges a path that is not there by
	 * its name. */
	hr_host_env_init(&host, &l->bundle, o->mode, o->cfg);
	host.pins = &l->pins;
	host.env.lenient = o->judge_only;
	if (!o->judge_only) {
		if ((r = open_root_dir(o, l, err)) < 0)
			return r;
		pool = (struct hr_idpool){
			.base = o->cfg && o->cfg->idpool_size ? o->cfg->idpool_base
							      : HR_IDPOOL_DEFAULT_BASE,
			.size = o->cfg && o->cfg->idpool_size ? o->cfg->idpool_size
							      : HR_IDPOOL_DEFAULT_SIZE,
			.count = o->cfg && o->cfg->idpool_size ? o->cfg->idpool_count
							       : HR_IDPOOL_DEFAULT_COUNT,
			.floor = host.env.min_host_id,
		};
		hr_host_env_userns(&host, o->state, &pool, l->owner);
	}
	/* What hr_harden keeps of a change; mode warn and refuse still get
	 * complete findings (hr_harden, per control). */
	l->findings.changes_summary_only = o->changes_summary_only;
	r = hr_harden(l->spec, l->profile, &host.env, &l->findings, err);
	/* The range is the launch's from here (released below on failure). */
	if (host.range_taken) {
		l->range = host.range;
		l->has_range = true;
		host.range_taken = false;
		host.range = (struct hr_idrange){ .lock_fd = -1 };
	}
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
		/* Last, on the filter as the runtime will read it (the trace
		 * listener's changes included); a restore's filters are the
		 * checkpoint's. */
		if (r == 0 && !o->restore)
			handoff(o, l);
		if (r == 0)
			r = write_private_bundle(o, l, err);
	}
	if (r < 0 && l->has_range) {
		hr_idrange_release(o->state, l->range.index);
		hr_idrange_close(&l->range);
		l->has_range = false;
	}
	if (r < 0 && l->pb.root_fd >= 0) {
		(void)hr_pbundle_remove(&l->pb, NULL);
		hr_pbundle_close(&l->pb);
	}
	if (r == 0 && !o->judge_only)
		hr_test_pause("HARDRUN_TEST_PAUSE", "judged");
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
