/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mounts are where containers most often reach the host: a bind of the
 * Docker socket, of /, of /etc; a disk file system mounted from a host
 * device; an overlay whose layers are host directories; a second procfs
 * outside the masked paths; shared propagation that carries mounts out.
 * Every mount is judged whole: its type against the profile's allowlist,
 * its destination (kernel file systems only where their masks apply), its
 * source and every path in its options against the denied host paths and
 * for root-owned sockets, each option against those runc and crun know,
 * its propagation, its id mapping. Binds become read-only unless the
 * profile lists them as writable; every mount gets nosuid and nodev;
 * kernel file systems are read-only.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <sys/stat.h>

#include "hardrun/idmap.h"
#include "hardrun/k8s_parts.h"
#include "pass.h"

/* Options runc and crun take as flags, whatever the file system. */
static const char *const flags[] = {
	"defaults",    "bind",		"rbind",	 "ro",		 "rw",
	"suid",	       "nosuid",	"dev",		 "nodev",	 "exec",
	"noexec",      "sync",		"async",	 "dirsync",	 "mand",
	"nomand",      "atime",		"noatime",	 "diratime",	 "nodiratime",
	"relatime",    "norelatime",	"strictatime",	 "nostrictatime", "lazytime",
	"nolazytime",  "iversion",	"noiversion",	 "loud",	 "silent",
	"symfollow",   "nosymfollow",	"shared",	 "rshared",	 "slave",
	"rslave",      "private",	"rprivate",	 "unbindable",	 "runbindable",
	"rro",	       "rrw",		"rsuid",	 "rnosuid",	 "rdev",
	"rnodev",      "rexec",		"rnoexec",	 "rsync",	 "rasync",
	"rdirsync",    "rmand",		"rnomand",	 "ratime",	 "rnoatime",
	"rdiratime",   "rnodiratime",	"rrelatime",	 "rnorelatime",	 "rstrictatime",
	"rnostrictatime", "rsymfollow", "rnosymfollow",	 "tmpcopyup",	 "idmap",
	"ridmap",      "copy-symlink",	"src-nofollow",	 "dest-nofollow", NULL,
};

/* Data options (name or name=value) each file system takes. */
static const struct {
	const char *type;
	const char *const opts[24];
} data_opts[] = {
	{ "tmpfs",
	  { "size", "nr_blocks", "nr_inodes", "mode", "uid", "gid", "huge", "mpol", "inode32",
	    "inode64", "noswap", "quota", "usrquota", "grpquota", "usrquota_block_hardlimit",
	    "usrquota_inode_hardlimit", "grpquota_block_hardlimit", "grpquota_inode_hardlimit",
	    NULL } },
	{ "devpts", { "uid", "gid", "mode", "ptmxmode", "newinstance", "max", NULL } },
	{ "proc", { "hidepid", "gid", "subset", NULL } },
	{ "cgroup2",
	  { "nsdelegate", "memory_recursiveprot", "memory_localevents", "favordynmods",
	    "memory_hugetlb_accounting", "pids_localevents", NULL } },
	{ "overlay",
	  { "lowerdir", "lowerdir+", "datadir+", "upperdir", "workdir", "redirect_dir", "index",
	    "uuid", "nfs_export", "xino", "metacopy", "volatile", "userxattr", "verity", NULL } },
};

/* Security-module labels any file system takes. */
static const char *const lsm_opts[] = { "context", "fscontext", "defcontext", "rootcontext",
					"seclabel", NULL };

/* Overlay options that name host directories, and whether the container
 * writes there. */
static const struct {
	const char *name;
	bool list, written;
} path_opts[] = {
	{ "lowerdir", true, false }, { "lowerdir+", false, false }, { "datadir+", false, false },
	{ "upperdir", false, true }, { "workdir", false, true },
};

/* File systems whose source is a label, not a device. */
static const char *const virtual_fs[] = { "tmpfs", "proc",  "sysfs",   "devpts",  "mqueue",
					  "cgroup", "cgroup2", "overlay", "ramfs", NULL };

/* Whether o is one of `flags`: bisected in a sorted copy made at the first
 * call, as every option of every mount is looked up (84 names). */
static bool is_flag(const char *o)
{
	static const char *sorted[HR_ARRAY_SIZE(flags)];
	static size_t n;

	if (!n) {
		for (; flags[n]; n++)
			sorted[n] = flags[n];
		qsort(sorted, n, sizeof *sorted, hr_strcmp_p);
	}
	return bsearch(&o, sorted, n, sizeof *sorted, hr_strcmp_p) != NULL;
}

static bool in(const char *const *v, const char *s)
{
	for (size_t i = 0; v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

enum hr_mount_source hr_mount_source_kind(const cJSON *mount)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(mount, "type");
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(mount, "options");
	const char *t = cJSON_IsString(type) ? type->valuestring : "";

	if (strcmp(t, "bind") == 0 || hr_opts_has(opts, "bind") || hr_opts_has(opts, "rbind"))
		return HR_MOUNT_SOURCE_BIND;
	return in(virtual_fs, t) ? HR_MOUNT_SOURCE_NONE : HR_MOUNT_SOURCE_DEVICE;
}

/* The path option of overlay that `opt` is ("lowerdir=..."), or NULL. */
static const char *overlay_path_option(const char *opt, bool *list, bool *written)
{
	size_t n = strcspn(opt, "=");

	if (opt[n] != '=')
		return NULL;
	for (size_t i = 0; i < HR_ARRAY_SIZE(path_opts); i++)
		if (strlen(path_opts[i].name) == n && strncmp(opt, path_opts[i].name, n) == 0) {
			if (list)
				*list = path_opts[i].list;
			if (written)
				*written = path_opts[i].written;
			return path_opts[i].name;
		}
	return NULL;
}

char **hr_overlay_option_paths(const char *opt)
{
	bool list = false;
	const char *name = overlay_path_option(opt, &list, NULL);
	_cleanup_free_ char *copy = NULL;
	char **v = NULL;

	if (!name)
		return NULL;
	copy = hr_xstrdup(opt + strlen(name) + 1);
	/* lowerdir=a:b:c, where "\:" is a colon within a name */
	for (char *s = copy, *next; s; s = next) {
		char *w = s, *r = s;

		next = NULL;
		for (; *r; r++) {
			if (r[0] == '\\' && r[1]) {
				*w++ = *++r;
				continue;
			}
			if (list && *r == ':') {
				next = r + 1;
				break;
			}
			*w++ = *r;
		}
		*w = '\0';
		hr_strv_push(&v, s);
	}
	return v;
}

char *hr_overlay_option_with(const char *opt, char *const *paths)
{
	const char *name = overlay_path_option(opt, NULL, NULL);
	struct hr_buf b = { 0 };

	hr_buf_add(&b, name, strlen(name));
	hr_buf_add(&b, "=", 1);
	for (size_t i = 0; paths[i]; i++) {
		if (i)
			hr_buf_add(&b, ":", 1);
		for (const char *p = paths[i]; *p; p++) {
			if (*p == ':' || *p == '\\' || *p == ',')
				hr_buf_add(&b, "\\", 1);
			hr_buf_add(&b, p, 1);
		}
	}
	hr_buf_add(&b, "", 0);
	return b.s;
}

static bool is_kernel_fs(const char *type)
{
	return strcmp(type, "sysfs") == 0 || strcmp(type, "cgroup") == 0 ||
	       strcmp(type, "cgroup2") == 0;
}

struct mount_ctx {
	struct hr_pass_ctx *c;
	const char *ptr; /* /mounts/N */
	const char *dest, *type;
	bool bind;
	bool refused; /* a refusal was recorded */
};

static void refuse(struct mount_ctx *m, const char *rule, const char *ptr, const char *hint,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void refuse(struct mount_ctx *m, const char *rule, const char *ptr, const char *hint,
		   const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	hr_finding_add(m->c->findings, rule, HR_REFUSED, ptr ? ptr : m->ptr, NULL, NULL, hint, "%s",
		       msg);
	m->refused = true;
}

/*
 * A host path the container will see (a bind source, a directory in an
 * overlay option): opened, it must be there (a check away from the host
 * judges the name), expose no denied host path, as written or as opened,
 * and hold no root-owned socket the profile does not allow. Sets
 * *ret_writable to whether the profile lets the container write there.
 */
static void host_path(struct mount_ctx *m, const char *ptr, const char *what, const char *path,
		      bool *ret_writable)
{
	struct hr_pass_ctx *c = m->c;
	const struct hr_profile *p = c->profile;
	const struct hr_path_facts *f = hr_pass_path_facts(c, path, HR_PATH_BIND);
	_cleanup_free_ char *lexical = NULL;
	const char *real = f && !f->err ? f->real : NULL, *hit = NULL, *via = NULL;

	if (ret_writable)
		*ret_writable = false;
	if (path[0] == '/')
		lexical = hr_path_normalize(path);
	else if (f && f->path)
		lexical = hr_path_normalize(f->path);
	/* A denied name is refused whether or not it is there. */
	if (lexical && (hit = hr_pass_denied_by(p, lexical)))
		via = lexical;
	else if (f && f->err && !c->env->lenient) {
		refuse(m, "mounts.sensitive-source", ptr, "use a path that exists on the host",
		       "%s `%s` cannot be opened (%s), so what it exposes cannot be judged", what,
		       path, strerror(f->err));
		return;
	} else if (!lexical && !real) {
		refuse(m, "mounts.sensitive-source", ptr, "use an absolute source path",
		       "%s `%s` is relative and could not be resolved, so what it exposes cannot "
		       "be judged",
		       what, path);
		return;
	} else if (real && (hit = hr_pass_denied_by(p, real)))
		via = real;
	if (hit) {
		refuse(m, "mounts.sensitive-source", ptr, NULL,
		       "%s `%s`%s%s%s exposes `%s`, which gives control of the host", what, path,
		       via != lexical ? " (resolves to `" : "", via != lexical ? via : "",
		       via != lexical ? "`)" : "", hit);
		return;
	}
	/* A daemon's API, by the object: a socket owned by root, there or
	 * below (within the search's bounds, HR_SOCKET_SCAN_*). */
	if (f && !f->err && f->socket &&
	    !hr_pass_patterns_cover(p->mounts.allowed_sockets, f->socket)) {
		refuse(m, "mounts.socket", ptr, NULL,
		       "%s `%s` %s the unix socket `%s`, owned by root: the API of a daemon "
		       "running as root",
		       what, path, S_ISSOCK(f->mode) ? "is" : "holds", f->socket);
		return;
	}
	if (ret_writable)
		*ret_writable = (!lexical || hr_pass_patterns_cover(p->mounts.writable_sources, lexical)) &&
				(!real || hr_pass_patterns_cover(p->mounts.writable_sources, real));
}

/* A data option's name: up to '='. */
static size_t opt_name_len(const char *o)
{
	return strcspn(o, "=");
}

static bool data_opt_known(const char *type, const char *o)
{
	size_t n = opt_name_len(o);

	for (size_t i = 0; lsm_opts[i]; i++)
		if (strlen(lsm_opts[i]) == n && strncmp(lsm_opts[i], o, n) == 0)
			return true;
	for (size_t t = 0; t < HR_ARRAY_SIZE(data_opts); t++) {
		if (strcmp(data_opts[t].type, type) != 0)
			continue;
		for (size_t i = 0; data_opts[t].opts[i]; i++)
			if (strlen(data_opts[t].opts[i]) == n &&
			    strncmp(data_opts[t].opts[i], o, n) == 0)
				return true;
	}
	return false;
}

/* Each directory an overlay option names. */
static void overlay_paths(struct mount_ctx *m, const char *optr, const char *o)
{
	bool written = false;
	const char *name = overlay_path_option(o, NULL, &written);
	_cleanup_strv_ char **paths = hr_overlay_option_paths(o);

	for (size_t i = 0; paths && paths[i] && !m->refused; i++) {
		const char *s = paths[i];
		bool writable = false;

		if (s[0] != '/') {
			refuse(m, "mounts.sensitive-source", optr, "write the directory as an absolute path",
			       "%s=%s: a relative directory is resolved wherever the runtime "
			       "happens to be, so it cannot be judged",
			       name, s);
			return;
		}
		host_path(m, optr, name, s, &writable);
		if (m->refused)
			return;
		if (written && !writable) {
			refuse(m, "mounts.bind-readonly", optr,
			       "add the directory to \"mounts\": {\"writableSources\": [...]} in the "
			       "profile",
			       "%s=%s: the container writes there, and the profile does not list it "
			       "as writable",
			       name, s);
			return;
		}
	}
}

/* Every option: known, and what it names judged. */
static void judge_options(struct mount_ctx *m, const cJSON *opts, const char *optr)
{
	size_t i = 0;

	for (const cJSON *e = opts ? opts->child : NULL; e && !m->refused; e = e->next, i++) {
		const char *o = e->valuestring;
		_cleanup_free_ char *eptr = hr_json_ptr_index(optr, i);
		size_t n = opt_name_len(o);

		if (strcmp(o, "remount") == 0) {
			refuse(m, "mounts.option", eptr, NULL,
			       "`remount` would change a mount made before it, in the container");
		} else if ((strncmp(o, "idmap=", 6) == 0 || strncmp(o, "ridmap=", 7) == 0)) {
			refuse(m, "mounts.option", eptr,
			       "give the mapping as the mount's uidMappings and gidMappings",
			       "`%s`: an id map in an option is not judged; use uidMappings and "
			       "gidMappings",
			       o);
		} else if (is_flag(o)) {
			continue;
		} else if (m->bind ? !data_opt_known("", o) : !data_opt_known(m->type, o)) {
			refuse(m, "mounts.option", eptr, NULL,
			       "`%.*s` is not a mount option runc or crun know%s%s", (int)n, o,
			       m->bind ? "" : " for ", m->bind ? "" : m->type);
		} else if (!m->bind && strcmp(m->type, "overlay") == 0 && o[n] == '=') {
			overlay_paths(m, eptr, o);
		}
	}
}

static void judge_idmaps(struct mount_ctx *m, const cJSON *mnt)
{
	static const char *const keys[] = { "uidMappings", "gidMappings" };
	const struct hr_profile *p = m->c->profile;

	for (size_t k = 0; k < HR_ARRAY_SIZE(keys) && !m->refused; k++) {
		const cJSON *maps = cJSON_GetObjectItemCaseSensitive(mnt, keys[k]);
		_cleanup_free_ char *ptr = hr_json_ptr(m->ptr, keys[k]);
		_cleanup_free_ char *why = NULL;
		size_t idx = 0;
		int r;

		if (!maps)
			continue;
		r = hr_idmap_check(maps, ptr, p->userns.host_ranges, p->userns.n_host_ranges,
				   m->c->env->min_host_id, &idx, &why, NULL);
		if (r != 0) {
			_cleanup_free_ char *ep = hr_json_ptr_index(ptr, idx);
			refuse(m, "userns.mapping", r > 0 ? ep : ptr, NULL,
			       "the id-mapped mount at %s %s", m->dest,
			       r > 0 ? why : "has a malformed mapping");
		}
	}
}

/* The source of a disk file system: a device or image the profile allows. */
static void judge_device(struct mount_ctx *m, const char *source)
{
	struct hr_pass_ctx *c = m->c;
	const struct hr_path_facts *f;
	const char *name = source;

	if (source[0] != '/') {
		refuse(m, "mounts.device-source", NULL, NULL,
		       "a %s file system from `%s`: not a device or image file on this host, so "
		       "what it gives the container cannot be judged",
		       m->type, source);
		return;
	}
	f = hr_pass_path_facts(c, source, HR_PATH_DEVICE);
	if (f && f->err && !c->env->lenient) {
		refuse(m, "mounts.device-source", NULL, NULL,
		       "the source `%s` of a %s file system cannot be opened (%s)", source, m->type,
		       strerror(f->err));
		return;
	}
	if (f && !f->err) {
		if (!S_ISBLK(f->mode) && !S_ISREG(f->mode)) {
			refuse(m, "mounts.device-source", NULL, NULL,
			       "the source `%s` of a %s file system is neither a block device nor "
			       "an image file",
			       source, m->type);
			return;
		}
		name = f->real;
	}
	if (!hr_pass_patterns_cover(c->profile->mounts.device_sources, source) ||
	    !hr_pass_patterns_cover(c->profile->mounts.device_sources, name))
		refuse(m, "mounts.device-source", NULL, NULL,
		       "a %s file system from `%s`%s%s%s: the container would read and write a "
		       "host disk",
		       m->type, source, name != source ? " (`" : "", name != source ? name : "",
		       name != source ? "`)" : "");
}

static bool propagation(cJSON *opts)
{
	bool changed = false;

	if (hr_opts_remove(opts, "shared")) {
		(void)hr_opts_add(opts, "slave");
		changed = true;
	}
	if (hr_opts_remove(opts, "rshared")) {
		(void)hr_opts_add(opts, "rslave");
		changed = true;
	}
	return changed;
}

int hr_pass_check_mounts(const cJSON *spec, hr_error *err)
{
	cJSON *mounts;
	size_t i = 0;
	int r;

	if ((r = hr_json_get_array(spec, "mounts", "", &mounts, err)) < 0)
		return r;
	for (const cJSON *m = mounts ? mounts->child : NULL; m; m = m->next, i++) {
		_cleanup_free_ char *ptr = hr_json_ptr_index("/mounts", i);
		_cleanup_free_ char *optr = hr_json_ptr(ptr, "options");
		cJSON *dest, *type, *source, *opts;

		if (!cJSON_IsObject(m))
			return hr_err(err, HR_E_INVALID, "%s: expected an object", ptr);
		if ((r = hr_json_get_string(m, "destination", ptr, &dest, err)) < 0 ||
		    (r = hr_json_get_string(m, "type", ptr, &type, err)) < 0 ||
		    (r = hr_json_get_string(m, "source", ptr, &source, err)) < 0 ||
		    (r = hr_json_get_array(m, "options", ptr, &opts, err)) < 0)
			return r;
		if (!dest)
			return hr_err(err, HR_E_INVALID,
				      "%s/destination: missing (fix: every mount needs one)", ptr);
		if (opts && (r = hr_json_check_string_array(opts, optr, err)) < 0)
			return r;
	}
	return 0;
}

/* `mnt` was checked by hr_pass_check_mounts. */
static int one_mount(struct hr_pass_ctx *c, cJSON *mnt, size_t i)
{
	const struct hr_profile *p = c->profile;
	_cleanup_free_ char *ptr = hr_json_ptr_index("/mounts", i);
	_cleanup_free_ char *optr = hr_json_ptr(ptr, "options");
	_cleanup_free_ char *before = NULL, *dest = NULL;
	cJSON *dst, *type, *source, *opts;
	struct mount_ctx m = { .c = c, .ptr = ptr };
	bool writable = false, add_nodev, changed_flags = false, made_ro = false;

	dst = cJSON_GetObjectItemCaseSensitive(mnt, "destination");
	type = cJSON_GetObjectItemCaseSensitive(mnt, "type");
	source = cJSON_GetObjectItemCaseSensitive(mnt, "source");
	opts = cJSON_GetObjectItemCaseSensitive(mnt, "options");
	m.type = type ? type->valuestring : "";
	m.bind = strcmp(m.type, "bind") == 0 || hr_opts_has(opts, "bind") || hr_opts_has(opts, "rbind");
	/* runc reads a relative destination from the root */
	{
		_cleanup_free_ char *abs = dst->valuestring[0] == '/'
						   ? NULL
						   : hr_xasprintf("/%s", dst->valuestring);
		dest = hr_path_normalize(abs ? abs : dst->valuestring);
		m.dest = dest;
	}

	if (hr_strv_contains(p->mounts.denied_types, m.type) ||
	    (!m.bind && !hr_strv_contains(p->mounts.allowed_types, m.type))) {
		refuse(&m, "mounts.fstype", NULL, NULL,
		       "a %s%s%s file system at %s is not one the profile allows to mount",
		       m.type[0] ? "" : "mount without a type (", m.type[0] ? m.type : "not a bind",
		       m.type[0] ? "" : ")", m.dest);
		return 0;
	}
	if (!m.bind && ((strcmp(m.type, "proc") == 0 && strcmp(m.dest, "/proc") != 0) ||
			(strcmp(m.type, "sysfs") == 0 && strcmp(m.dest, "/sys") != 0))) {
		refuse(&m, "mounts.kernel-fs-destination", NULL, NULL,
		       "a %s file system at %s escapes the masked and read-only paths that apply at "
		       "%s",
		       m.type, m.dest, strcmp(m.type, "proc") == 0 ? "/proc" : "/sys");
		return 0;
	}
	judge_options(&m, opts, optr);
	if (m.refused)
		return 0;
	if (m.bind) {
		if (!source || !source->valuestring[0])
			return hr_err(c->err, HR_E_INVALID,
				      "%s/source: a bind mount needs a source (fix: add the host path)",
				      ptr);
		host_path(&m, ptr, "bind mount of host path", source->valuestring, &writable);
		if (m.refused)
			return 0;
	} else if (!in(virtual_fs, m.type)) {
		judge_device(&m, source ? source->valuestring : "");
		if (m.refused)
			return 0;
	}
	judge_idmaps(&m, mnt);
	if (m.refused)
		return 0;

	if (!opts)
		opts = cJSON_AddArrayToObject(mnt, "options");
	before = hr_pass_brief(c, opts);
	if (propagation(opts))
		hr_pass_changed(c, "mounts.propagation", optr, before, opts,
				"%s mount at %s: shared propagation made slave, so that mounts "
				"made in the container do not reach the host",
				m.bind ? "bind" : m.type, m.dest);
	free(before);
	before = hr_pass_brief(c, opts);
	changed_flags |= hr_opts_remove(opts, "suid");
	changed_flags |= hr_opts_remove(opts, "rsuid");
	changed_flags |= hr_opts_add(opts, "nosuid");
	/* devpts holds the terminal's device nodes, /dev the standard ones. */
	add_nodev = strcmp(m.type, "devpts") != 0 && strcmp(m.dest, "/dev") != 0;
	if (add_nodev) {
		changed_flags |= hr_opts_remove(opts, "dev");
		changed_flags |= hr_opts_remove(opts, "rdev");
		changed_flags |= hr_opts_add(opts, "nodev");
	}
	if ((m.bind && !writable) || is_kernel_fs(m.type)) {
		made_ro |= hr_opts_remove(opts, "rw");
		made_ro |= hr_opts_remove(opts, "rrw");
		made_ro |= hr_opts_add(opts, "ro");
		/* A recursive bind keeps its submounts; "ro" alone leaves them
		 * writable. */
		if (m.bind && hr_opts_has(opts, "rbind"))
			made_ro |= hr_opts_add(opts, "rro");
	}
	if (made_ro)
		hr_pass_changed(c, m.bind ? "mounts.bind-readonly" : "mounts.kernel-fs-readonly",
				optr, before, opts, "%s mount at %s made read-only%s%s%s",
				m.bind ? "bind" : m.type, m.dest, m.bind ? " (source `" : "",
				m.bind ? source->valuestring : "", m.bind ? "`)" : "");
	else if (changed_flags)
		hr_pass_changed(c, "mounts.nosuid-nodev", optr, before, opts,
				"%s mount at %s gets nosuid%s", m.type[0] ? m.type : "bind", m.dest,
				add_nodev ? " and nodev" : "");
	return 0;
}

/*
 * linux.rootfsPropagation: only rslave, rprivate or runbindable are kept.
 * Shared carries the container's mounts out; a value that is not
 * recursive (slave, private, ...) leaves every mount below the root as the
 * host has it, shared on most hosts. Those are removed: the runtime's
 * default is recursive and safe (runc: rslave, crun: rprivate), and the
 * schema has no name for the recursive ones.
 */
static int rootfs_propagation(struct hr_pass_ctx *c)
{
	static const char *const ok[] = { "rprivate", "rslave", "runbindable", NULL };
	static const char *const known[] = { "private", "slave", "unbindable", "shared",
					     "rshared", NULL };
	cJSON *lnx, *prop;
	int r;

	if ((r = hr_json_get_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = hr_json_get_string(lnx, "rootfsPropagation", "/linux", &prop, c->err)) < 0 || !prop)
		return r;
	if (in(ok, prop->valuestring))
		return 0;
	if (!in(known, prop->valuestring))
		return hr_err(c->err, HR_E_INVALID,
			      "/linux/rootfsPropagation: `%s` is not a propagation (fix: rslave or "
			      "rprivate, or leave it out)",
			      prop->valuestring);
	_cleanup_free_ char *before = hr_pass_brief(c, prop);
	hr_finding_add(c->findings, "mounts.propagation", HR_CHANGED, "/linux/rootfsPropagation",
		       before, NULL, NULL,
		       "removed `%s`: %s; the runtime's default, recursive (rslave or rprivate), "
		       "applies",
		       prop->valuestring,
		       strstr(prop->valuestring, "shared")
			       ? "mounts made in the container would reach the host"
			       : "not recursive, it leaves the mounts below the root shared with the "
				 "host's");
	cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(lnx, "rootfsPropagation"));
	return 0;
}

int hr_pass_mounts(struct hr_pass_ctx *c)
{
	cJSON *mounts;
	size_t i = 0;
	int r;

	if ((r = hr_pass_check_mounts(c->spec, c->err)) < 0)
		return r;
	mounts = cJSON_GetObjectItemCaseSensitive(c->spec, "mounts");
	for (cJSON *m = mounts ? mounts->child : NULL; m; m = m->next, i++)
		if ((r = one_mount(c, m, i)) < 0)
			return r;
	return rootfs_propagation(c);
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_mounts(const struct hr_profile *a, const struct hr_profile *b, char *why,
			  size_t cap)
{
	const char *m;

	if (!hr_strv_subset(b->mounts.denied_sources, a->mounts.denied_sources, &m))
		return hr_weaker_say(why, cap, "allows bind mounts of %s", m);
	if (!hr_strv_subset(a->mounts.allowed_sources, b->mounts.allowed_sources, &m))
		return hr_weaker_say(why, cap, "allows bind mounts from %s", m);
	if (!hr_strv_subset(a->mounts.writable_sources, b->mounts.writable_sources, &m))
		return hr_weaker_say(why, cap, "leaves bind mounts from %s writable", m);
	if (!hr_strv_subset(b->mounts.denied_types, a->mounts.denied_types, &m))
		return hr_weaker_say(why, cap, "allows %s mounts", m);
	if (!hr_strv_subset(a->mounts.allowed_types, b->mounts.allowed_types, &m))
		return hr_weaker_say(why, cap, "allows %s mounts", m);
	if (!hr_strv_subset(a->mounts.device_sources, b->mounts.device_sources, &m))
		return hr_weaker_say(why, cap, "allows file systems from %s", m);
	if (!hr_strv_subset(a->mounts.allowed_sockets, b->mounts.allowed_sockets, &m))
		return hr_weaker_say(why, cap, "allows binds of the socket %s", m);
	return false;
}

/* Judge a hostPath through the profile's own mounts control: a bind of
 * `path` in a minimal spec, hardened. Sources are judged lexically, as
 * the path is the node's, not this host's. */
static int judge_host_path(const struct hr_k8s_audit *a, const char *path, char **ret_denied,
			   bool *ret_writable)
{
	_cleanup_(hr_json_deletep) cJSON *spec = cJSON_Parse(
		"{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":65534,\"gid\":65534},"
		"\"args\":[\"sh\"],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},"
		"\"mounts\":[{\"destination\":\"/hostpath\",\"type\":\"bind\",\"options\":[\"rbind\",\"rw\"]}],"
		"\"linux\":{}}");
	struct hr_findings f = { 0 };
	hr_error err = { 0 };

	cJSON_AddStringToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(spec, "mounts"), 0),
				"source", path);
	*ret_denied = NULL;
	*ret_writable = true;
	if (a->harden(spec, a->p, NULL, &f, &err) == HR_E_INVALID) {
		*ret_denied = hr_xstrdup(err.msg);
		return 0;
	}
	for (size_t i = 0; i < f.n; i++) {
		if (strcmp(f.v[i].rule->id, "mounts.sensitive-source") == 0 && !*ret_denied)
			*ret_denied = hr_xstrdup(f.v[i].message);
		if (strcmp(f.v[i].rule->id, "mounts.bind-readonly") == 0)
			*ret_writable = false;
	}
	hr_findings_done(&f);
	return 0;
}

/* hostPath volumes that expose what the profile refuses. */
static int k8s_audit_pod_mounts(struct hr_k8s_audit *a, const struct hr_k8s_pod *pod)
{
	const cJSON *volumes = pod->volumes;
	const char *vptr = pod->volumes_ptr;
	size_t j = 0;

	for (const cJSON *v = volumes ? volumes->child : NULL; v; v = v->next, j++) {
		const cJSON *hp = m_get(v, "hostPath");
		const char *path = m_str(hp, "path");
		_cleanup_free_ char *denied = NULL;
		bool writable;

		if (!hp)
			continue;
		if (!path)
			return hr_err(a->err, HR_E_INVALID,
				      "%s/%zu/hostPath/path: expected a string", vptr, j);
		judge_host_path(a, path, &denied, &writable);
		if (!denied)
			continue;
		_cleanup_free_ char *ptr = hr_xasprintf("%s/%zu/hostPath/path", vptr, j);
		hr_k8s_add(a, "k8s.host-path", "mounts", HR_REFUSED, ptr, m_get(hp, "path"), NULL,
			   "volume `%s`: %s; hardrun refuses it",
			   m_str(v, "name") ? m_str(v, "name") : "?", denied);
	}
	return 0;
}

/* hostPath volumes mounted writable where the profile's mounts control
 * would make them read-only. */
static int k8s_audit_mounts(struct hr_k8s_audit *a, const struct hr_k8s_container *c)
{
	const cJSON *mounts = c->mounts, *volumes = c->pod->volumes;
	const char *mp = c->mounts_ptr, *name = c->name;
	size_t j = 0;

	for (const cJSON *m = mounts ? mounts->child : NULL; m; m = m->next, j++) {
		const char *vn = m_str(m, "name");
		const cJSON *vol = NULL, *hp;
		size_t vi = 0;
		for (vol = volumes ? volumes->child : NULL; vol; vol = vol->next, vi++)
			if (vn && m_str(vol, "name") && strcmp(m_str(vol, "name"), vn) == 0)
				break;
		hp = m_get(vol, "hostPath");
		if (!hp || !m_str(hp, "path") || m_true(m, "readOnly"))
			continue;
		_cleanup_free_ char *denied = NULL;
		bool writable = true;
		judge_host_path(a, m_str(hp, "path"), &denied, &writable);
		if (denied || writable)
			continue; /* refused at the volume, or allowed */
		_cleanup_free_ char *ptr = hr_xasprintf("%s/%zu/readOnly", mp, j);
		cJSON *t = cJSON_CreateTrue();
		hr_k8s_add(a, "k8s.host-path-writable", "mounts", HR_CHANGED, ptr,
			   m_get(m, "readOnly"), t,
			   "container `%s` mounts host path %s (volume `%s`) writable; hardrun "
			   "would make it read-only",
			   name, m_str(hp, "path"), vn);
		cJSON_Delete(t);
	}
	return 0;
}

const struct hr_control hr_control_mounts = {
	.name = "mounts",
	.pass = hr_pass_mounts,
	.weaker = weaker_mounts,
	.k8s_audit_pod = k8s_audit_pod_mounts,
	.k8s_audit_container = k8s_audit_mounts,
};
