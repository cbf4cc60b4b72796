/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A read-only root file system stops a compromised process from changing
 * the image it runs from. Real workloads still write somewhere, so the
 * profile's writable paths get a size-limited tmpfs each, and a tmpfs the
 * spec already has there is held to the same options (Docker's `--tmpfs
 * /tmp:exec` would otherwise give back exec and any size).
 *
 * The root file system itself is a host directory that runc creates
 * device nodes and mount points in: /boot or /var/lib/docker as a root
 * would be the host's. It must lie in the bundle or where an engine keeps
 * root file systems (hardrun.conf's rootLocations), and expose no denied
 * host path.
 */
#include "config.h"

#include <stdio.h>
#include <sys/stat.h>

#include "hardrun/k8s_parts.h"
#include "pass.h"

/*
 * The tmpfs belongs to the process's user and starts with the image's
 * files of the directory it covers. runc gives a tmpfs mounted on
 * an existing directory that directory's mode (mode= is overridden), so an
 * image's /var/cache (0755, root) would stay unwritable for uid 65534.
 */
static cJSON *tmpfs_options(const char *optstr, const cJSON *spec)
{
	cJSON *a = cJSON_CreateArray();
	_cleanup_free_ char *copy = hr_xstrdup(optstr);
	const cJSON *user = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "process"), "user");
	const cJSON *uid = cJSON_GetObjectItemCaseSensitive(user, "uid");
	const cJSON *gid = cJSON_GetObjectItemCaseSensitive(user, "gid");
	bool has_uid = false, has_gid = false;
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		hr_opts_add(a, o);
		has_uid |= strncmp(o, "uid=", 4) == 0;
		has_gid |= strncmp(o, "gid=", 4) == 0;
	}
	hr_opts_add(a, "nosuid");
	hr_opts_add(a, "nodev");
	/* The image's files of that directory are copied in (runc's and
	 * crun's tmpcopyup): an image's /var/cache/nginx survives a profile
	 * that makes /var/cache writable. */
	hr_opts_add(a, "tmpcopyup");
	if (!has_uid && cJSON_IsNumber(uid) && uid->valuedouble > 0) {
		_cleanup_free_ char *o = hr_xasprintf("uid=%.0f", uid->valuedouble);
		hr_opts_add(a, o);
	}
	if (!has_gid && cJSON_IsNumber(gid) && gid->valuedouble > 0) {
		_cleanup_free_ char *o = hr_xasprintf("gid=%.0f", gid->valuedouble);
		hr_opts_add(a, o);
	}
	return a;
}

/* Index of the first mount at or below `path`, or the count of mounts. */
static int insert_position(const cJSON *mounts, const char *path, bool *exists)
{
	int i = 0, pos = -1;

	*exists = false;
	for (const cJSON *m = mounts->child; m; m = m->next, i++) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "destination");
		_cleanup_free_ char *n = NULL;

		if (!cJSON_IsString(d))
			continue;
		n = hr_path_normalize(d->valuestring);
		if (strcmp(n, path) == 0)
			*exists = true;
		if (pos < 0 && hr_path_is_under(n, path))
			pos = i;
	}
	return pos < 0 ? i : pos;
}

static void refuse_root(struct hr_pass_ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refuse_root(struct hr_pass_ctx *c, const char *path, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL, *before = hr_xasprintf("\"%s\"", path);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	hr_finding_add(c->findings, "rootfs.location", HR_REFUSED, "/root/path", before, NULL, NULL,
		       "%s", msg);
}

/* root.path: opened once, in the bundle or an engine's root location. */
static int judge_root_path(struct hr_pass_ctx *c, const cJSON *root)
{
	const struct hr_env *env = c->env;
	const struct hr_path_facts *f;
	_cleanup_free_ char *lexical = NULL;
	const char *name, *hit;
	cJSON *path;
	bool placed;
	int r;

	if ((r = hr_json_get_string(root, "path", "/root", &path, c->err)) < 0)
		return r;
	if (!path)
		return hr_err(c->err, HR_E_INVALID,
			      "/root/path: missing (fix: \"root\": {\"path\": \"rootfs\"})");
	f = hr_pass_path_facts(c, path->valuestring[0] ? path->valuestring : ".", HR_PATH_ROOT);
	/* Not there, or not a directory: an error (the spec is unusable),
	 * not a refusal; away from the launch it is judged by name. */
	if (f && f->err == ENOENT && !env->lenient) {
		_cleanup_free_ char *full = path->valuestring[0] == '/'
						    ? NULL
						    : hr_xasprintf(" (%s)", f->path);
		return hr_err(c->err, HR_E_INVALID,
			      "/root/path: the root file system `%s`%s does not exist (fix: put "
			      "the container's root file system there, or correct root.path)",
			      path->valuestring, full ? full : "");
	}
	if (f && f->err && !env->lenient) {
		refuse_root(c, path->valuestring,
			    "the root file system `%s` cannot be opened (%s), so what it is cannot "
			    "be judged",
			    path->valuestring, strerror(f->err));
		return 0;
	}
	if (f && !f->err && !S_ISDIR(f->mode))
		return hr_err(c->err, HR_E_INVALID,
			      "/root/path: the root file system `%s` is not a directory (fix: "
			      "point root.path at the unpacked root file system)",
			      path->valuestring);
	if (path->valuestring[0] == '/')
		lexical = hr_path_normalize(path->valuestring);
	else if (f)
		lexical = hr_path_normalize(f->path);
	else if (env->bundle_path) {
		_cleanup_free_ char *j = hr_xasprintf("%s/%s", env->bundle_path, path->valuestring);
		lexical = hr_path_normalize(j);
	}
	name = f && !f->err ? f->real : lexical;
	if (!name) {
		/* No host to ask and no bundle: a relative path stays below the
		 * bundle unless it climbs out. */
		_cleanup_free_ char *n = hr_path_normalize(path->valuestring);
		if (strncmp(n, "..", 2) == 0)
			refuse_root(c, path->valuestring,
				    "the root file system `%s` lies outside the bundle",
				    path->valuestring);
		return 0;
	}
	placed = (env->bundle_path && hr_path_is_under(name, env->bundle_path) &&
		  strcmp(name, env->bundle_path) != 0) ||
		 hr_pass_patterns_cover(env->root_locations, name);
	if (!placed) {
		refuse_root(c, path->valuestring,
			    "the root file system `%s`%s%s%s lies neither in the bundle nor in an "
			    "engine's root location (hardrun.conf rootLocations): runc would make "
			    "device nodes and mount points in that host directory",
			    path->valuestring, strcmp(name, path->valuestring) ? " (`" : "",
			    strcmp(name, path->valuestring) ? name : "",
			    strcmp(name, path->valuestring) ? "`)" : "");
		return 0;
	}
	/* In its place it may lie below a denied path (/run/containerd,
	 * /var/lib/docker), never be one or above one. */
	if ((hit = hr_pass_denied_above(c->profile, name)) ||
	    (lexical && (hit = hr_pass_denied_above(c->profile, lexical))))
		refuse_root(c, path->valuestring,
			    "the root file system `%s` exposes `%s`, which gives control of the host",
			    path->valuestring, hit);
	return 0;
}

/* The bytes of a size= value, or -1. */
static int64_t size_of(const char *opt)
{
	return strncmp(opt, "size=", 5) == 0 ? hr_parse_size(opt + 5) : -1;
}

/* The spec's tmpfs options bound its size to `*ret_have` bytes (-1: no
 * bound). To the kernel, size=0 and nr_blocks=0 mean no limit, so 0 is
 * no bound. False when an option sets a size hardrun cannot compare with
 * the profile's (a size it cannot read, a percentage of the host's
 * memory, nr_blocks): it is named in `*ret_opt`, and the spec is refused
 * rather than guessed at. */
static bool tmpfs_bound(const cJSON *opts, int64_t *ret_have, const char **ret_opt)
{
	*ret_have = -1;
	for (const cJSON *o = opts->child; o; o = o->next) {
		const char *v = cJSON_IsString(o) ? o->valuestring : "";
		if (strncmp(v, "nr_blocks=", 10) == 0 ||
		    (strncmp(v, "size=", 5) == 0 && size_of(v) < 0)) {
			*ret_opt = v;
			return false;
		}
		if (strncmp(v, "size=", 5) == 0)
			*ret_have = size_of(v) > 0 ? size_of(v) : -1;
	}
	return true;
}

/* A tmpfs of the spec's at a writable path, held to the profile's
 * options: its noexec (exec goes), nosuid and nodev, and no larger size. */
static void clamp_tmpfs(struct hr_pass_ctx *c, cJSON *m, size_t idx)
{
	const char *prof = c->profile->rootfs.tmpfs_options;
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
	cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");
	_cleanup_free_ char *copy = hr_xstrdup(prof ? prof : ""), *before = NULL;
	_cleanup_free_ char *ptr = NULL, *dest = NULL;
	char *save = NULL;
	const char *unread = NULL;
	bool changed = false, noexec = false;
	int64_t want = -1, have = -1;

	if (!cJSON_IsString(type) || strcmp(type->valuestring, "tmpfs") != 0 ||
	    hr_opts_has(opts, "bind") || hr_opts_has(opts, "rbind"))
		return;
	if (!opts)
		opts = cJSON_AddArrayToObject(m, "options");
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (strcmp(o, "noexec") == 0)
			noexec = true;
		else if (size_of(o) >= 0)
			want = size_of(o);
	}
	/* Judged before any edit, so that a refusal shows the options as
	 * they were (a refusal's texts are always kept, unlike a change's). */
	if (want >= 0 && !tmpfs_bound(opts, &have, &unread)) {
		before = hr_json_brief(opts);
		ptr = hr_json_ptr_index("/mounts", idx);
		dest = hr_json_brief(cJSON_GetObjectItemCaseSensitive(m, "destination"));
		_cleanup_free_ char *optr = hr_json_ptr(ptr, "options");
		hr_finding_add(c->findings, "rootfs.tmpfs", HR_REFUSED, optr, before, NULL,
			       "write the size as size=N with k, m or g, or leave it out (the "
			       "profile's size applies)",
			       "the spec's own tmpfs at writable path %s sets its size with `%s`, "
			       "which hardrun cannot compare with the profile's (%s)",
			       dest, unread, prof ? prof : "");
		return;
	}
	before = hr_pass_brief(c, opts);
	if (noexec) {
		changed |= hr_opts_remove(opts, "exec");
		changed |= hr_opts_add(opts, "noexec");
	}
	if (want >= 0 && (have < 0 || have > want)) {
		_cleanup_free_ char *sz = hr_xasprintf("size=%lld", (long long)want);
		cJSON *o = opts->child;
		while (o) {
			cJSON *next = o->next;
			if (cJSON_IsString(o) && strncmp(o->valuestring, "size=", 5) == 0)
				cJSON_Delete(cJSON_DetachItemViaPointer(opts, o));
			o = next;
		}
		hr_opts_add(opts, sz);
		changed = true;
	}
	if (!changed)
		return;
	ptr = hr_json_ptr_index("/mounts", idx);
	dest = hr_pass_brief(c, cJSON_GetObjectItemCaseSensitive(m, "destination"));
	_cleanup_free_ char *optr = hr_json_ptr(ptr, "options");
	hr_pass_changed(c, "rootfs.tmpfs", optr, before, opts,
			"the spec's own tmpfs at writable path %s is held to the profile's "
			"options (%s)",
			dest, prof ? prof : "");
}

int hr_pass_rootfs(struct hr_pass_ctx *c)
{
	const struct hr_profile *p = c->profile;
	cJSON *root, *ro, *mounts;
	int r;

	if ((r = hr_json_get_object(c->spec, "root", "", &root, c->err)) < 0)
		return r;
	if (!root)
		return hr_err(c->err, HR_E_INVALID,
			      "/root: missing (fix: add {\"path\": \"rootfs\"})");
	if ((r = hr_json_get_bool(root, "readonly", "/root", &ro, c->err)) < 0 ||
	    (r = judge_root_path(c, root)) < 0)
		return r;
	if (!p->rootfs.readonly)
		return 0;
	if (!ro || !cJSON_IsTrue(ro)) {
		_cleanup_free_ char *before = hr_pass_brief(c, ro);
		hr_json_set(root, "readonly", cJSON_CreateTrue());
		hr_pass_changed(c, "rootfs.readonly", "/root/readonly", before,
				cJSON_GetObjectItemCaseSensitive(root, "readonly"),
				"the root file system is mounted read-only");
	}
	if ((r = hr_pass_check_mounts(c->spec, c->err)) < 0 ||
	    (r = hr_json_ensure_array(c->spec, "mounts", "", &mounts, c->err)) < 0)
		return r;
	size_t n_writable = hr_strv_len(p->rootfs.writable);
	_cleanup_free_ cJSON **added = hr_xcalloc(n_writable + 1, sizeof *added);
	for (size_t i = 0; i < n_writable; i++) {
		const char *path = p->rootfs.writable[i];
		bool exists;
		int pos = insert_position(mounts, path, &exists);
		cJSON *m;

		if (exists)
			continue;
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "destination", path);
		cJSON_AddStringToObject(m, "type", "tmpfs");
		cJSON_AddStringToObject(m, "source", "tmpfs");
		cJSON_AddItemToObject(m, "options", tmpfs_options(p->rootfs.tmpfs_options, c->spec));
		/* Before anything mounted below it, which it would hide. */
		hr_json_insert(mounts, (size_t)pos, m);
		added[i] = m;
	}
	/* Report once all are in place, so that pointers are final. */
	for (size_t i = 0; i < n_writable; i++) {
		size_t idx = 0;
		_cleanup_free_ char *ptr = NULL;

		if (!added[i])
			continue;
		for (const cJSON *m = mounts->child; m != added[i]; m = m->next)
			idx++;
		ptr = hr_json_ptr_index("/mounts", idx);
		hr_pass_changed(c, "rootfs.tmpfs", ptr, NULL, added[i],
				"%s is writable through a tmpfs (%s) that starts with the image's "
				"files there",
				p->rootfs.writable[i], p->rootfs.tmpfs_options);
	}
	/* The spec's own mounts at writable paths, at their final index. */
	size_t idx = 0;
	for (cJSON *e = mounts->child; e; e = e->next, idx++) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "destination");
		_cleanup_free_ char *n = cJSON_IsString(d) ? hr_path_normalize(d->valuestring) : NULL;
		bool ours = false;

		for (size_t i = 0; i < n_writable; i++)
			ours |= added[i] == e;
		if (n && !ours && hr_strv_contains(p->rootfs.writable, n))
			clamp_tmpfs(c, e, idx);
	}
	return 0;
}

/* --- the control ------------------------------------------------------------ */

/* The size= of a tmpfs option string in bytes (-1: none, unbounded). */
static int64_t tmpfs_size(const char *opts)
{
	_cleanup_free_ char *copy = hr_xstrdup(opts ? opts : "");
	int64_t size = -1;
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strncmp(o, "size=", 5) == 0)
			size = hr_parse_size(o + 5);
	return size;
}

static bool weaker_rootfs(const struct hr_profile *a, const struct hr_profile *b, char *why,
			  size_t cap)
{
	const char *m;

	if (!a->rootfs.readonly && b->rootfs.readonly)
		return hr_weaker_say(why, cap, "leaves the root file system writable");
	if (!hr_strv_subset(a->rootfs.writable, b->rootfs.writable, &m))
		return hr_weaker_say(why, cap, "makes %s writable", m);
	if (hr_optstr_has(b->rootfs.tmpfs_options, "noexec") &&
	    !hr_optstr_has(a->rootfs.tmpfs_options, "noexec"))
		return hr_weaker_say(why, cap,
				     "lets programs run from its writable paths (no noexec)");
	if (tmpfs_size(b->rootfs.tmpfs_options) >= 0 &&
	    (tmpfs_size(a->rootfs.tmpfs_options) < 0 ||
	     tmpfs_size(a->rootfs.tmpfs_options) > tmpfs_size(b->rootfs.tmpfs_options)))
		return hr_weaker_say(why, cap, "has larger writable paths (tmpfs size)");
	return false;
}

/* size= of the tmpfs options, in bytes; 0 when absent or relative (an
 * emptyDir's sizeLimit is absolute). */
static int64_t tmpfs_size_limit(const char *opts)
{
	_cleanup_free_ char *copy = hr_xstrdup(opts ? opts : "");
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strncmp(o, "size=", 5) == 0 && !strchr(o, '%'))
			return hr_parse_size(o + 5) > 0 ? hr_parse_size(o + 5) : 0;
	return 0;
}

/* A read-only root, and a memory emptyDir at each writable path. */
static void k8s_export_rootfs(const struct hr_profile *p, struct hr_k8s_tpl *t)
{
	int64_t size = tmpfs_size_limit(p->rootfs.tmpfs_options);
	cJSON *mounts, *vols;

	cJSON_AddBoolToObject(t->sc, "readOnlyRootFilesystem", p->rootfs.readonly);
	if (!p->rootfs.readonly || !p->rootfs.writable || !p->rootfs.writable[0])
		return;
	mounts = cJSON_AddArrayToObject(t->container, "volumeMounts");
	vols = cJSON_AddArrayToObject(t->spec, "volumes");
	for (size_t i = 0; p->rootfs.writable[i]; i++) {
		_cleanup_free_ char *vn = hr_k8s_volume_name(p->rootfs.writable[i], i);
		cJSON *m = cJSON_CreateObject(), *v = cJSON_CreateObject(), *ed;
		cJSON_AddStringToObject(m, "name", vn);
		cJSON_AddStringToObject(m, "mountPath", p->rootfs.writable[i]);
		cJSON_AddItemToArray(mounts, m);
		cJSON_AddStringToObject(v, "name", vn);
		ed = cJSON_AddObjectToObject(v, "emptyDir");
		cJSON_AddStringToObject(ed, "medium", "Memory");
		if (size > 0) {
			_cleanup_free_ char *q = hr_k8s_bytes_quantity(size);
			cJSON_AddStringToObject(ed, "sizeLimit", q);
		}
		cJSON_AddItemToArray(vols, v);
	}
	if (hr_optstr_has(p->rootfs.tmpfs_options, "noexec"))
		hr_strv_pushf(t->notes,
			      "noexec: an emptyDir cannot be mounted noexec; the profile's "
			      "writable paths (rootfs.writable) are, when hardrun mounts them "
			      "itself (drop the volumes to have it do so under the RuntimeClass)");
}

/* The tmpfs options hardrun mounts with (the profile's plus nosuid and
 * nodev), and "exec" when they lack noexec: Docker adds noexec to a
 * --tmpfs unless told otherwise. */
static char *docker_tmpfs_options(const char *opts)
{
	char *o = hr_xstrdup(opts ? opts : "");
	static const char *const always[] = { "nosuid", "nodev" };

	for (size_t i = 0; i < HR_ARRAY_SIZE(always); i++)
		if (!hr_optstr_has(o, always[i])) {
			char *n = hr_xasprintf("%s%s%s", o, *o ? "," : "", always[i]);
			free(o);
			o = n;
		}
	if (!hr_optstr_has(o, "noexec") && !hr_optstr_has(o, "exec")) {
		char *n = hr_xasprintf("%s,exec", o);
		free(o);
		o = n;
	}
	return o;
}

static void docker_export_rootfs(const struct hr_profile *p, struct hr_docker_out *d)
{
	cJSON *arr = NULL;

	if (!p->rootfs.readonly)
		return;
	hr_strv_pushf(&d->x->args, "--read-only");
	cJSON_AddBoolToObject(d->svc, "read_only", true);
	for (size_t i = 0; p->rootfs.writable && p->rootfs.writable[i]; i++) {
		_cleanup_free_ char *o = docker_tmpfs_options(p->rootfs.tmpfs_options);
		_cleanup_free_ char *t = hr_xasprintf("%s:%s", p->rootfs.writable[i], o);
		hr_strv_pushf(&d->x->args, "--tmpfs=%s", t);
		if (!arr)
			arr = cJSON_AddArrayToObject(d->svc, "tmpfs");
		cJSON_AddItemToArray(arr, cJSON_CreateString(t));
	}
}

static bool strv_has_path(const cJSON *mounts, const char *path)
{
	_cleanup_free_ char *want_path = hr_path_normalize(path);
	for (const cJSON *m = mounts ? mounts->child : NULL; m; m = m->next) {
		const char *mp = m_str(m, "mountPath");
		if (mp) {
			_cleanup_free_ char *n = hr_path_normalize(mp);
			if (strcmp(n, want_path) == 0)
				return true;
		}
	}
	return false;
}

/* A read-only root with volumes where the profile lets it write. */
static int k8s_audit_rootfs(struct hr_k8s_audit *a, const struct hr_k8s_container *c)
{
	const struct hr_profile *p = a->p;
	const struct hr_k8s_sc *s = c->sc;
	const cJSON *mounts = c->mounts;
	const char *mp = c->mounts_ptr, *name = c->name;

	if (p->rootfs.readonly) {
		if (!cJSON_IsTrue(s->rorf)) {
			_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "readOnlyRootFilesystem");
			cJSON *t = cJSON_CreateTrue();
			hr_k8s_add(a, "k8s.readonly-rootfs", "rootfs", HR_CHANGED, ptr, s->rorf, t,
				   "container `%s` has a writable root file system; hardrun would "
				   "make it read-only",
				   name);
			cJSON_Delete(t);
		}
		for (size_t i = 0; p->rootfs.writable && p->rootfs.writable[i]; i++) {
			if (strv_has_path(mounts, p->rootfs.writable[i]))
				continue;
			cJSON *want_m = cJSON_CreateObject();
			_cleanup_free_ char *vn = hr_k8s_volume_name(p->rootfs.writable[i], i);
			cJSON_AddStringToObject(want_m, "name", vn);
			cJSON_AddStringToObject(want_m, "mountPath", p->rootfs.writable[i]);
			hr_k8s_add(a, "k8s.writable-path", "rootfs", HR_CHANGED, mp, NULL, want_m,
				   "container `%s` has no volume at %s, where the profile lets it "
				   "write; hardrun would mount a tmpfs there",
				   name, p->rootfs.writable[i]);
			cJSON_Delete(want_m);
		}
	}
	return 0;
}

const struct hr_control hr_control_rootfs = {
	.name = "rootfs",
	.pass = hr_pass_rootfs,
	.weaker = weaker_rootfs,
	.k8s_export = k8s_export_rootfs,
	.k8s_audit_container = k8s_audit_rootfs,
	.docker_export = docker_export_rootfs,
};
