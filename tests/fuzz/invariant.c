/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The oracle is written from the documented behaviour (man/hardrun.1,
 * CONTROLS), not from the passes: where it needs the same reading of a
 * value (a cgroup number, a path pattern), it does that reading itself,
 * so that a bug in a pass is not also a bug here.
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sys/stat.h>

#include "hardrun/control.h"
#include "hardrun/fields.h"
#include "hardrun/json.h"
#include "hardrun/seccomp.h"
#include "invariant.h"

struct ck {
	const cJSON *in, *out;
	const struct hr_profile *p;
	const struct hr_env *env;
	const cJSON *pfilter;
	char *why;
	size_t cap;
};

static bool fail(struct ck *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const struct hr_field *row_for(const struct hr_field *f, const char *key);
static bool fail(struct ck *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->cap, fmt, ap);
	va_end(ap);
	return false;
}

/* The node at a path of member names (exact, as hr_json_get would find
 * them in a document hr_json_parse accepted); NULL-terminated. */
static const cJSON *at(const cJSON *root, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, root);
	while (root && (k = va_arg(ap, const char *)))
		root = cJSON_GetObjectItemCaseSensitive(root, k);
	va_end(ap);
	return root;
}

static bool harden_mode(const struct ck *c, const char *pass)
{
	for (size_t i = 0; i < hr_controls_count; i++)
		if (strcmp(hr_controls[i]->name, pass) == 0)
			return hr_profile_mode(c->p, i) == HR_MODE_HARDEN;
	abort(); /* a pass the oracle does not know: update the oracle */
}

static bool same(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return !a && !b;
	return hr_json_equal(a, b);
}

static bool has_str(const cJSON *arr, const char *s)
{
	for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next)
		if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
			return true;
	return false;
}

static bool has_equal(const cJSON *arr, const cJSON *item)
{
	for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next)
		if (hr_json_equal(e, item))
			return true;
	return false;
}

static const char *str_or(const cJSON *j, const char *absent)
{
	return cJSON_IsString(j) ? j->valuestring : absent;
}

static double num(const cJSON *j, double absent)
{
	return cJSON_IsNumber(j) ? j->valuedouble : absent;
}

/* --- fields hardening does not own ------------------------------------- */

/* Members of `o` not named in `owned` equal those of `i`; `o` has no
 * member `i` lacks unless it is owned. */
static bool untouched(struct ck *c, const char *where, const cJSON *i, const cJSON *o,
		      const char *const *owned)
{
	if (!cJSON_IsObject(i) || !cJSON_IsObject(o))
		return true;
	for (const cJSON *m = i->child; m; m = m->next) {
		bool own = false;
		for (size_t k = 0; owned[k]; k++)
			own |= strcmp(owned[k], m->string) == 0;
		if (!own && !same(m, cJSON_GetObjectItemCaseSensitive(o, m->string)))
			return fail(c, "%s/%s: changed, but no control owns it", where, m->string);
	}
	for (const cJSON *m = o->child; m; m = m->next) {
		bool own = false;
		for (size_t k = 0; owned[k]; k++)
			own |= strcmp(owned[k], m->string) == 0;
		if (!own && !cJSON_GetObjectItemCaseSensitive(i, m->string))
			return fail(c, "%s/%s: added, but no control owns it", where, m->string);
	}
	return true;
}

static bool check_untouched(struct ck *c)
{
	static const char *const top[] = { "process", "root", "mounts", "linux", "annotations", NULL };
	static const char *const process[] = { "user", "capabilities", "noNewPrivileges", "rlimits",
					       "oomScoreAdj", "scheduler", NULL };
	static const char *const user[] = { "uid", "gid", "additionalGids", "umask", NULL };
	static const char *const root[] = { "readonly", NULL };
	static const char *const lnx[] = { "namespaces", "resources", "seccomp", "devices",
					   "maskedPaths", "readonlyPaths", "sysctl",
					   "rootfsPropagation", "intelRdt", NULL };
	static const char *const res[] = { "memory", "pids", "cpu", "unified", "devices",
					   "hugepageLimits", NULL };
	static const char *const sched[] = { "nice", NULL };
	static const char *const mem[] = { "limit", "swap", NULL };
	static const char *const pids[] = { "limit", NULL };
	static const char *const cpu[] = { "shares", NULL };
	static const char *const uni[] = { "memory.max", "memory.swap.max", "pids.max", "cpu.weight",
					   NULL };

	return untouched(c, "", c->in, c->out, top) &&
	       untouched(c, "/process", at(c->in, "process", NULL), at(c->out, "process", NULL),
			 process) &&
	       untouched(c, "/process/user", at(c->in, "process", "user", NULL),
			 at(c->out, "process", "user", NULL), user) &&
	       untouched(c, "/root", at(c->in, "root", NULL), at(c->out, "root", NULL), root) &&
	       untouched(c, "/linux", at(c->in, "linux", NULL), at(c->out, "linux", NULL), lnx) &&
	       untouched(c, "/linux/resources", at(c->in, "linux", "resources", NULL),
			 at(c->out, "linux", "resources", NULL), res) &&
	       untouched(c, "/linux/resources/memory", at(c->in, "linux", "resources", "memory", NULL),
			 at(c->out, "linux", "resources", "memory", NULL), mem) &&
	       untouched(c, "/linux/resources/pids", at(c->in, "linux", "resources", "pids", NULL),
			 at(c->out, "linux", "resources", "pids", NULL), pids) &&
	       untouched(c, "/linux/resources/cpu", at(c->in, "linux", "resources", "cpu", NULL),
			 at(c->out, "linux", "resources", "cpu", NULL), cpu) &&
	       untouched(c, "/linux/resources/unified",
			 at(c->in, "linux", "resources", "unified", NULL),
			 at(c->out, "linux", "resources", "unified", NULL), uni) &&
	       untouched(c, "/process/scheduler", at(c->in, "process", "scheduler", NULL),
			 at(c->out, "process", "scheduler", NULL), sched);
}

/* --- privileged --------------------------------------------------------- */

static bool is_privileged(const cJSON *spec)
{
	const cJSON *process = at(spec, "process", NULL);
	const cJSON *caps = at(process, "capabilities", NULL);
	const cJSON *sc = at(spec, "linux", "seccomp", NULL);
	const cJSON *act = at(sc, "defaultAction", NULL);
	const cJSON *calls = at(sc, "syscalls", NULL);
	bool admin = (process && !caps) || has_str(at(caps, "bounding", NULL), "CAP_SYS_ADMIN");
	bool open = !sc || cJSON_IsNull(sc) ||
		    (cJSON_IsString(act) && (strcmp(act->valuestring, "SCMP_ACT_ALLOW") == 0 ||
					     strcmp(act->valuestring, "SCMP_ACT_LOG") == 0) &&
		     (!calls || !calls->child));
	bool all_devices = false;

	const cJSON *rules = at(spec, "linux", "resources", "devices", NULL);

	for (const cJSON *d = cJSON_IsArray(rules) ? rules->child : NULL; d; d = d->next) {
		const cJSON *type = at(d, "type", NULL);
		if (cJSON_IsTrue(at(d, "allow", NULL)) && !at(d, "major", NULL) &&
		    (!type || (cJSON_IsString(type) && strcmp(type->valuestring, "a") == 0)))
			all_devices = true;
	}
	return admin && open && all_devices;
}

/* --- user --------------------------------------------------------------- */

/* The output runs in a user namespace (of its own or its pod's). */
static bool out_in_userns(const struct ck *c)
{
	const cJSON *nss = at(c->out, "linux", "namespaces", NULL);

	for (const cJSON *ns = cJSON_IsArray(nss) ? nss->child : NULL; ns; ns = ns->next) {
		const cJSON *t = at(ns, "type", NULL);
		if (cJSON_IsString(t) && strcmp(t->valuestring, "user") == 0)
			return true;
	}
	return false;
}

/* Root may stay root: the profile allows it, or the process is root of a
 * user namespace the profile lets it be root in. */
static bool root_allowed(const struct ck *c)
{
	return c->p->user.allow_root || (c->p->userns.allow_root && out_in_userns(c));
}

static bool check_user(struct ck *c)
{
	const cJSON *iu = at(c->in, "process", "user", NULL), *ou = at(c->out, "process", "user", NULL);
	bool h = harden_mode(c, "user") && !root_allowed(c);
	static const char *const ids[] = { "uid", "gid" };
	double iumask = num(at(iu, "umask", NULL), 022), oumask = num(at(ou, "umask", NULL), 022);

	for (size_t k = 0; k < 2; k++) {
		const cJSON *i = at(iu, ids[k], NULL), *o = at(ou, ids[k], NULL);
		if (num(i, 0) != 0 && num(o, 0) != num(i, 0))
			return fail(c, "/process/user/%s: the input's non-root %s %.0f became %.0f",
				    ids[k], ids[k], num(i, 0), num(o, 0));
		if (h && num(o, 0) == 0)
			return fail(c, "/process/user/%s: root, and the profile does not allow it",
				    ids[k]);
		if (!h && !same(i, o))
			return fail(c, "/process/user/%s: changed by a control that does not harden",
				    ids[k]);
	}
	for (const cJSON *g = cJSON_IsArray(at(ou, "additionalGids", NULL))
				      ? at(ou, "additionalGids", NULL)->child
				      : NULL;
	     g; g = g->next) {
		if (h && num(g, -1) == 0)
			return fail(c, "/process/user/additionalGids: holds group 0");
		if (!has_equal(at(iu, "additionalGids", NULL), g))
			return fail(c, "/process/user/additionalGids: a group the input did not have");
	}
	/* Only the permission bits: the kernel's umask() drops the others
	 * (runc and crun pass the number as it is), and hardrun keeps only
	 * those when it sets the umask. */
	if (((unsigned)oumask & (unsigned)iumask & 0777) != ((unsigned)iumask & 0777))
		return fail(c, "/process/user/umask: %04o lost bits of the input's %04o",
			    (unsigned)oumask, (unsigned)iumask & 0777);
	if (harden_mode(c, "user") && ((unsigned)oumask & c->p->user.umask) != c->p->user.umask)
		return fail(c, "/process/user/umask: %04o lacks bits of the profile's %04o",
			    (unsigned)oumask, c->p->user.umask);
	return true;
}

/* --- no_new_privs ----------------------------------------------------------- */

static bool check_nnp(struct ck *c)
{
	bool i = cJSON_IsTrue(at(c->in, "process", "noNewPrivileges", NULL));
	bool o = cJSON_IsTrue(at(c->out, "process", "noNewPrivileges", NULL));

	if (i && !o)
		return fail(c, "/process/noNewPrivileges: the input had it, the output does not");
	if (harden_mode(c, "no-new-privileges") && !o)
		return fail(c, "/process/noNewPrivileges: not true");
	return true;
}

/* --- capabilities ----------------------------------------------------------- */

static bool cap_in(uint64_t set, const char *name)
{
	int v = hr_cap_from_name(name);
	return v >= 0 && v < 64 && (set & (UINT64_C(1) << v));
}

/* The allowlist, and in a user namespace what the profile keeps there. */
static bool cap_allowed_for(const struct ck *c, const char *name)
{
	return cap_in(c->p->caps.allow | (out_in_userns(c) ? c->p->userns.caps : 0), name);
}

/* Root of a user namespace may be given the profile's userns
 * capabilities in its bounding, effective and permitted sets. */
static bool cap_granted(const struct ck *c, size_t set, const char *name)
{
	const cJSON *uid = at(c->out, "process", "user", "uid", NULL);

	return set < 3 && out_in_userns(c) && (!cJSON_IsNumber(uid) || uid->valuedouble == 0) &&
	       cap_in(c->p->userns.caps, name);
}

static bool check_caps(struct ck *c)
{
	static const char *const sets[] = { "bounding", "effective", "permitted", "inheritable",
					    "ambient" };
	const cJSON *ic = at(c->in, "process", "capabilities", NULL);
	const cJSON *oc = at(c->out, "process", "capabilities", NULL);
	bool h = harden_mode(c, "capabilities");

	if (!oc) {
		if (ic)
			return fail(c, "/process/capabilities: removed (runc then grants every "
				       "capability)");
		if (h)
			return fail(c, "/process/capabilities: absent (runc grants every capability)");
		return true;
	}
	if (!cJSON_IsObject(oc))
		return fail(c, "/process/capabilities: not an object");
	for (size_t s = 0; s < HR_ARRAY_SIZE(sets); s++) {
		const cJSON *os = at(oc, sets[s], NULL);
		bool raised = s >= 3; /* inheritable, ambient */

		for (const cJSON *e = cJSON_IsArray(os) ? os->child : NULL; e; e = e->next) {
			const char *n = cJSON_IsString(e) ? e->valuestring : "";
			bool ok;

			if (ic) {
				ok = has_str(at(ic, sets[s], NULL), n) || cap_granted(c, s, n);
				/* "ambient": what a process keeps across execve as
				 * non-root, drawn from its permitted and bounding sets. */
				if (!ok && raised && h && c->p->caps.ambient)
					ok = (has_str(at(ic, "permitted", NULL), n) ||
					      cap_granted(c, 0, n)) &&
					     (has_str(at(ic, "bounding", NULL), n) ||
					      cap_granted(c, 0, n));
			} else {
				/* runc would grant everything: the allowlist bounds it */
				ok = cap_allowed_for(c, n) &&
				     (!raised || (c->p->caps.ambient &&
						  has_str(at(oc, "permitted", NULL), n) &&
						  has_str(at(oc, "bounding", NULL), n)));
			}
			if (!ok)
				return fail(c, "/process/capabilities/%s: %s is more than the input "
					       "granted",
					    sets[s], n);
			if (h && !cap_allowed_for(c, n))
				return fail(c, "/process/capabilities/%s: %s is not in the profile's "
					       "allowlist",
					    sets[s], n);
			if (h && s == 4 && !c->p->caps.ambient)
				return fail(c, "/process/capabilities/ambient: %s, but the profile "
					       "does not make capabilities ambient",
					    n);
		}
	}
	return true;
}

/* --- root file system ------------------------------------------------------- */

static bool check_root(struct ck *c)
{
	bool i = cJSON_IsTrue(at(c->in, "root", "readonly", NULL));
	bool o = cJSON_IsTrue(at(c->out, "root", "readonly", NULL));

	if (i && !o)
		return fail(c, "/root/readonly: the input's read-only root became writable");
	if (harden_mode(c, "rootfs") && c->p->rootfs.readonly && !o)
		return fail(c, "/root/readonly: not true, and the profile wants a read-only root");
	return true;
}

/* --- mounts ----------------------------------------------------------------- */

static bool is_bind(const cJSON *m)
{
	const cJSON *type = at(m, "type", NULL), *opts = at(m, "options", NULL);
	return (cJSON_IsString(type) && strcmp(type->valuestring, "bind") == 0) ||
	       has_str(opts, "bind") || has_str(opts, "rbind");
}

/* fnmatch `pattern` against `path` or one of its leading directories. */
static bool pattern_covers(const char *pattern, const char *path)
{
	_cleanup_free_ char *buf = hr_xstrdup(path);

	for (size_t len = strlen(buf); len > 0; len--) {
		if (buf[len] != '\0' && buf[len] != '/')
			continue;
		buf[len] = '\0';
		if (fnmatch(pattern, buf, FNM_PATHNAME) == 0)
			return true;
	}
	return false;
}

static bool any_covers(char *const *patterns, const char *path)
{
	for (size_t i = 0; patterns && patterns[i]; i++)
		if (pattern_covers(patterns[i], path))
			return true;
	return false;
}

/* `path` is a directory above whatever `pattern` can match: each of
 * its components matches the pattern's, which has more. */
static bool dir_above(const char *pattern, const char *path)
{
	size_t np = 0, nq = 0;
	const char *a = pattern, *b = path;

	for (const char *q = pattern; *q; q++)
		np += *q == '/';
	for (const char *q = path; *q; q++)
		nq += *q == '/';
	if (strcmp(path, "/") == 0)
		return true;
	if (nq >= np)
		return false;
	for (size_t k = 0; k < nq; k++) {
		const char *ea = strchr(a + 1, '/'), *eb = strchr(b + 1, '/');
		_cleanup_free_ char *ca = hr_xasprintf("%.*s", (int)(ea - a - 1), a + 1);
		_cleanup_free_ char *cb = eb ? hr_xasprintf("%.*s", (int)(eb - b - 1), b + 1)
					     : hr_xstrdup(b + 1);
		if (fnmatch(ca, cb, 0) != 0)
			return false;
		a = ea;
		b = eb ? eb : b + strlen(b);
	}
	return true;
}

/* The denied source a host path exposes, or NULL. */
static const char *exposes(const struct hr_profile *p, const char *path)
{
	for (size_t i = 0; p->mounts.denied_sources && p->mounts.denied_sources[i]; i++) {
		const char *d = p->mounts.denied_sources[i];
		if (hr_path_is_under(d, path) || dir_above(d, path))
			return d;
		if (strcmp(d, "/") != 0 &&
		    (hr_path_is_under(path, d) || pattern_covers(d, path)) &&
		    !any_covers(p->mounts.allowed_sources, path))
			return d;
	}
	return NULL;
}

/* The bytes of the last size= in a mount's options, -1 if none. */
/* The size a tmpfs's options give it, as the kernel reads them: the last
 * size= or nr_blocks= wins, and 0 is no limit (INT64_MAX here, as is an
 * nr_blocks= the oracle does not convert); -1 when no option sets it. */
static int64_t tmpfs_size(const cJSON *opts)
{
	int64_t v = -1;

	for (const cJSON *e = cJSON_IsArray(opts) ? opts->child : NULL; e; e = e->next) {
		if (cJSON_IsString(e) && strncmp(e->valuestring, "size=", 5) == 0)
			v = hr_parse_size(e->valuestring + 5);
		if (cJSON_IsString(e) && strncmp(e->valuestring, "nr_blocks=", 10) == 0)
			v = 0;
		if (v == 0)
			v = INT64_MAX;
	}
	return v;
}

static bool same_dir(const char *dest, const char *dir)
{
	_cleanup_free_ char *abs = dest[0] == '/' ? hr_xstrdup(dest) : hr_xasprintf("/%s", dest);
	_cleanup_free_ char *n = hr_path_normalize(abs);
	return strcmp(n, dir) == 0;
}

static bool is_writable_path(const struct ck *c, const char *dest)
{
	for (size_t i = 0; c->p->rootfs.writable && c->p->rootfs.writable[i]; i++)
		if (same_dir(dest, c->p->rootfs.writable[i]))
			return true;
	return false;
}

/* A tmpfs at a writable path: noexec if the profile's is, no larger. */
static bool tmpfs_within_profile(const struct ck *c, const cJSON *opts)
{
	const char *po = c->p->rootfs.tmpfs_options ? c->p->rootfs.tmpfs_options : "";
	int64_t want = -1;
	_cleanup_free_ char *copy = hr_xstrdup(po);
	char *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "noexec") == 0 && (!has_str(opts, "noexec") || has_str(opts, "exec")))
			return false;
		if (strncmp(t, "size=", 5) == 0)
			want = hr_parse_size(t + 5);
	}
	return want < 0 || (tmpfs_size(opts) >= 0 && tmpfs_size(opts) <= want);
}

/* Host id ranges: never 0, never below the floor, within the profile. */
static bool ids_ok(const struct ck *c, const cJSON *maps)
{
	for (const cJSON *m = cJSON_IsArray(maps) ? maps->child : NULL; m; m = m->next) {
		double host = num(at(m, "hostID", NULL), -1), size = num(at(m, "size", NULL), 0);
		bool in = false;

		if (host <= 0 || size <= 0 || host < c->env->min_host_id)
			return false;
		for (size_t k = 0; k < c->p->userns.n_host_ranges; k++)
			in |= host >= c->p->userns.host_ranges[k].first &&
			      host + size - 1 <= c->p->userns.host_ranges[k].last;
		if (!in)
			return false;
	}
	return true;
}

static bool mount_ids_ok(struct ck *c, const cJSON *m)
{
	if (!ids_ok(c, at(m, "uidMappings", NULL)) || !ids_ok(c, at(m, "gidMappings", NULL)))
		return fail(c, "/mounts: an id-mapped mount at %s maps host ids it may not",
			    str_or(at(m, "destination", NULL), "?"));
	return true;
}

/* A disk file system (not a pseudo one): from a device the profile allows. */
static bool disk_source_ok(struct ck *c, size_t idx, const cJSON *m)
{
	static const char *const pseudo[] = { "tmpfs", "proc", "sysfs", "devpts", "mqueue",
					      "cgroup", "cgroup2", "overlay", "ramfs" };
	const char *type = str_or(at(m, "type", NULL), ""), *src = str_or(at(m, "source", NULL), "");

	for (size_t k = 0; k < HR_ARRAY_SIZE(pseudo); k++)
		if (strcmp(type, pseudo[k]) == 0)
			return true;
	if (!any_covers(c->p->mounts.device_sources, src))
		return fail(c, "/mounts/%zu/source: a %s file system from `%s`", idx, type, src);
	return true;
}

/* Every directory an overlay's options name: absolute, not denied. */
static bool overlay_ok(struct ck *c, size_t idx, const cJSON *opts)
{
	static const char *const names[] = { "lowerdir=", "lowerdir+=", "datadir+=", "upperdir=",
					     "workdir=" };

	for (const cJSON *e = cJSON_IsArray(opts) ? opts->child : NULL; e; e = e->next) {
		for (size_t k = 0; k < HR_ARRAY_SIZE(names); k++) {
			const char *v = str_or(e, "");
			size_t n = strlen(names[k]);
			if (strncmp(v, names[k], n) != 0)
				continue;
			_cleanup_free_ char *dirs = hr_xstrdup(v + n);
			bool list = strcmp(names[k], "lowerdir=") == 0;
			/* a\:b is one directory, "a:b" */
			for (char *d = dirs, *next; d; d = next) {
				char *w = d, *r = d;
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
				_cleanup_free_ char *lex = d[0] == '/' ? hr_path_normalize(d) : NULL;
				const char *hit;
				if (!lex)
					return fail(c, "/mounts/%zu/options: relative overlay path %s",
						    idx, d);
				if ((hit = exposes(c->p, lex)))
					return fail(c, "/mounts/%zu/options: overlay %s exposes `%s`",
						    idx, d, hit);
			}
		}
	}
	return true;
}

/* `o` may be `i` after hardening: same destination, type and source. */
static bool same_mount(const cJSON *i, const cJSON *o)
{
	return same(at(i, "destination", NULL), at(o, "destination", NULL)) &&
	       same(at(i, "type", NULL), at(o, "type", NULL)) &&
	       same(at(i, "source", NULL), at(o, "source", NULL));
}

static bool profile_tmpfs(const struct ck *c, const cJSON *o)
{
	const cJSON *d = at(o, "destination", NULL), *t = at(o, "type", NULL);
	return cJSON_IsString(d) && cJSON_IsString(t) && strcmp(t->valuestring, "tmpfs") == 0 &&
	       hr_strv_contains(c->p->rootfs.writable, d->valuestring);
}

static bool check_one_mount(struct ck *c, size_t idx, const cJSON *i, const cJSON *o, bool h)
{
	static const char *const loosening[] = { "suid", "rsuid", "dev", "rdev", "rw",
						 "rrw", "shared", "rshared", "exec" };
	static const char *const tightening[] = { "nosuid", "nodev", "ro", "rro",
						  "slave", "rslave", "noexec" };
	const cJSON *iopts = at(i, "options", NULL), *oopts = at(o, "options", NULL);
	const char *type = str_or(at(o, "type", NULL), "");
	const char *dest = at(o, "destination", NULL)->valuestring;
	bool bind = is_bind(o);

	if (bind && !is_bind(i))
		return fail(c, "/mounts/%zu: became a bind mount", idx);
	for (const cJSON *e = cJSON_IsArray(iopts) ? iopts->child : NULL; e; e = e->next) {
		bool loose = false;
		for (size_t k = 0; k < HR_ARRAY_SIZE(loosening); k++)
			loose |= strcmp(str_or(e, ""), loosening[k]) == 0;
		/* a size may only shrink (a tmpfs at a writable path) */
		loose |= strncmp(str_or(e, ""), "size=", 5) == 0 && tmpfs_size(oopts) >= 0 &&
			 tmpfs_size(oopts) <= tmpfs_size(iopts);
		if (!loose && !has_str(oopts, str_or(e, "")))
			return fail(c, "/mounts/%zu/options: lost `%s`", idx, str_or(e, "?"));
	}
	for (const cJSON *e = cJSON_IsArray(oopts) ? oopts->child : NULL; e; e = e->next) {
		bool tight = false;
		for (size_t k = 0; k < HR_ARRAY_SIZE(tightening); k++)
			tight |= strcmp(str_or(e, ""), tightening[k]) == 0;
		tight |= strncmp(str_or(e, ""), "size=", 5) == 0 &&
			 (tmpfs_size(iopts) < 0 || tmpfs_size(oopts) <= tmpfs_size(iopts));
		if (!tight && !has_str(iopts, str_or(e, "")))
			return fail(c, "/mounts/%zu/options: gained `%s`", idx, str_or(e, "?"));
	}
	if (!h)
		return true;
	if (hr_strv_contains(c->p->mounts.denied_types, type) ||
	    (!bind && !hr_strv_contains(c->p->mounts.allowed_types, type)))
		return fail(c, "/mounts/%zu: file system type %s is denied", idx, type);
	if (!bind && ((strcmp(type, "proc") == 0 && !same_dir(dest, "/proc")) ||
		      (strcmp(type, "sysfs") == 0 && !same_dir(dest, "/sys"))))
		return fail(c, "/mounts/%zu: %s outside its masked directory, at %s", idx, type, dest);
	if (has_str(oopts, "shared") || has_str(oopts, "rshared"))
		return fail(c, "/mounts/%zu/options: shared propagation", idx);
	if (has_str(oopts, "remount"))
		return fail(c, "/mounts/%zu/options: remount", idx);
	if (!mount_ids_ok(c, o))
		return false;
	if (!bind && !disk_source_ok(c, idx, o))
		return false;
	if (!bind && strcmp(type, "overlay") == 0 && !overlay_ok(c, idx, oopts))
		return false;
	if (is_writable_path(c, dest) && !bind && strcmp(type, "tmpfs") == 0 &&
	    harden_mode(c, "rootfs") && c->p->rootfs.readonly && !tmpfs_within_profile(c, oopts))
		return fail(c, "/mounts/%zu/options: a tmpfs at writable path %s beyond the "
			       "profile's options",
			    idx, dest);
	if (!has_str(oopts, "nosuid") || has_str(oopts, "suid") || has_str(oopts, "rsuid"))
		return fail(c, "/mounts/%zu/options: not nosuid", idx);
	/* /dev as runc reads it: "./dev" is the same directory. */
	if (strcmp(type, "devpts") != 0 && !same_dir(dest, "/dev") &&
	    (!has_str(oopts, "nodev") || has_str(oopts, "dev") || has_str(oopts, "rdev")))
		return fail(c, "/mounts/%zu/options: not nodev", idx);
	if ((strcmp(type, "sysfs") == 0 || strcmp(type, "cgroup") == 0 ||
	     strcmp(type, "cgroup2") == 0) &&
	    (!has_str(oopts, "ro") || has_str(oopts, "rw") || has_str(oopts, "rrw")))
		return fail(c, "/mounts/%zu/options: a kernel file system left writable", idx);
	if (bind) {
		const char *src = str_or(at(o, "source", NULL), "");
		_cleanup_free_ char *lex = src[0] == '/' ? hr_path_normalize(src) : NULL;
		const struct hr_path_facts *f =
			c->env->path_facts ? c->env->path_facts(c->env->ud, src, HR_PATH_BIND) : NULL;
		const char *res = f && !f->err ? f->real : NULL;
		const char *hit;
		bool writable;

		if (f && f->err && !c->env->lenient)
			return fail(c, "/mounts/%zu/source: `%s` cannot be opened, yet kept", idx, src);
		if (!lex && !res)
			return fail(c, "/mounts/%zu/source: `%s` cannot be judged, yet kept", idx, src);
		if ((lex && (hit = exposes(c->p, lex))) || (res && (hit = exposes(c->p, res))))
			return fail(c, "/mounts/%zu/source: `%s` exposes denied `%s`", idx, src, hit);
		if (f && !f->err && f->socket && !any_covers(c->p->mounts.allowed_sockets, f->socket))
			return fail(c, "/mounts/%zu/source: `%s` exposes the root socket `%s`", idx,
				    src, f->socket);
		writable = (!lex || any_covers(c->p->mounts.writable_sources, lex)) &&
			   (!res || any_covers(c->p->mounts.writable_sources, res));
		if (!writable && (!has_str(oopts, "ro") || has_str(oopts, "rw") || has_str(oopts, "rrw")))
			return fail(c, "/mounts/%zu/options: bind of `%s` left writable", idx, src);
		if (!writable && has_str(oopts, "rbind") && !has_str(oopts, "rro"))
			return fail(c, "/mounts/%zu/options: recursive bind of `%s` without rro", idx,
				    src);
	}
	return true;
}

static bool check_mounts(struct ck *c)
{
	const cJSON *im = at(c->in, "mounts", NULL), *om = at(c->out, "mounts", NULL);
	const cJSON *i = cJSON_IsArray(im) ? im->child : NULL;
	bool h = harden_mode(c, "mounts");
	bool may_add = harden_mode(c, "rootfs") && c->p->rootfs.readonly;
	size_t idx = 0;

	for (const cJSON *o = cJSON_IsArray(om) ? om->child : NULL; o; o = o->next, idx++) {
		if (!cJSON_IsString(at(o, "destination", NULL)))
			return fail(c, "/mounts/%zu: no destination", idx);
		if (i && same_mount(i, o)) {
			if (!check_one_mount(c, idx, i, o, h))
				return false;
			i = i->next;
			continue;
		}
		if (!may_add || !profile_tmpfs(c, o)) {
			for (const cJSON *later = i ? i->next : NULL; later; later = later->next)
				if (same_mount(later, o))
					return fail(c, "/mounts: the input's mount at %s was dropped",
						    str_or(at(i, "destination", NULL), "?"));
			return fail(c, "/mounts/%zu: a mount the input did not have", idx);
		}
		if (!check_one_mount(c, idx, o, o, h))
			return false;
		if (is_bind(o))
			return fail(c, "/mounts/%zu: an added tmpfs is a bind mount", idx);
	}
	if (i)
		return fail(c, "/mounts: the input's mount at %s was dropped",
			    cJSON_IsString(at(i, "destination", NULL))
				    ? at(i, "destination", NULL)->valuestring
				    : "?");
	return true;
}

/* --- namespaces ------------------------------------------------------------- */

static const cJSON *ns_of(const cJSON *spec, const char *type, size_t *count)
{
	const cJSON *found = NULL;

	*count = 0;
	for (const cJSON *n = cJSON_IsArray(at(spec, "linux", "namespaces", NULL))
				      ? at(spec, "linux", "namespaces", NULL)->child
				      : NULL;
	     n; n = n->next) {
		const cJSON *t = at(n, "type", NULL);
		if (cJSON_IsString(t) && strcmp(t->valuestring, type) == 0) {
			found = n;
			(*count)++;
		}
	}
	return found;
}

static const char *ns_path(const cJSON *ns)
{
	const cJSON *p = at(ns, "path", NULL);
	return cJSON_IsString(p) ? p->valuestring : "";
}

static bool check_namespaces(struct ck *c)
{
	bool h = harden_mode(c, "namespaces");

	for (int t = 0; t < HR_NS__MAX; t++) {
		const char *name = hr_ns_name(t);
		size_t ni, no;
		const cJSON *i = ns_of(c->in, name, &ni), *o = ns_of(c->out, name, &no);

		if (no > 1)
			return fail(c, "/linux/namespaces: %s listed %zu times", name, no);
		if (i && !o)
			return fail(c, "/linux/namespaces: the input's %s namespace was dropped "
				       "(the container would share the host's)",
				    name);
		/* A user namespace the profile gives (its own, or its pod's). */
		bool userns_added = o && !i && t == HR_NS_USER && c->p->userns.enabled &&
				    harden_mode(c, "userns");
		if (o && !userns_added && strcmp(ns_path(i), ns_path(o)) != 0)
			return fail(c, "/linux/namespaces: %s joins `%s`, the input said `%s`", name,
				    ns_path(o), ns_path(i));
		if (o && !i && !userns_added && (!h || !(c->p->ns.required & (1u << t))))
			return fail(c, "/linux/namespaces: %s added, but not required", name);
		if (h && (c->p->ns.required & (1u << t)) && !o)
			return fail(c, "/linux/namespaces: required %s namespace missing", name);
	}
	return true;
}

/* --- resources -------------------------------------------------------------- */

/*
 * A cgroup v2 value as the kernel reads it, written from its documented
 * grammar and not from the pass (src/core/passes/resources.c, which uses
 * strtoull): pids.max takes an integer in C notation (kstrtoll, base 0),
 * memory.max and memory.swap.max one that memparse() may follow with one
 * of K, M, G, T, P, E in either case (Documentation/admin-guide/
 * cgroup-v2.rst). Digit by digit, with its own radix and overflow rules;
 * anything else ("max", a sign, blanks, 2^64 and beyond) is no number.
 */
bool fz_cgroup_number(const char *s, bool memory, long double *ret)
{
	unsigned radix = 10, shift = 0, digits = 0;
	unsigned __int128 v = 0;
	const char *p = s;

	if (*p == '0' && (p[1] == 'x' || p[1] == 'X'))
		radix = 16, p += 2;
	else if (*p == '0')
		radix = 8; /* the 0 is a digit of its own */
	for (;; p++, digits++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (radix == 16 && *p >= 'a' && *p <= 'f')
			d = 10u + (unsigned)(*p - 'a');
		else if (radix == 16 && *p >= 'A' && *p <= 'F')
			d = 10u + (unsigned)(*p - 'A');
		else
			break;
		if (d >= radix)
			return false;
		v = v * radix + d;
		if (v > UINT64_MAX)
			return false;
	}
	if (digits == 0)
		return false;
	if (memory && *p) {
		switch (*p++) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		case 'p': case 'P': shift = 50; break;
		case 'e': case 'E': shift = 60; break;
		default: return false;
		}
	}
	if (*p)
		return false;
	*ret = (long double)(uint64_t)v * (long double)((unsigned __int128)1 << shift);
	return true;
}

/* A typed limit: positive, not above the input's positive value, and in
 * harden mode present and not above the profile's maximum. */
static bool limit_ok(struct ck *c, const char *ptr, const cJSON *i, const cJSON *o, double max,
		     bool h)
{
	double iv = num(i, 0), ov = num(o, 0);

	if (iv > 0 && !(ov > 0 && ov <= iv))
		return fail(c, "%s: %.0f, the input had %.0f", ptr, ov, iv);
	if (h && !(ov > 0 && ov <= max))
		return fail(c, "%s: %.0f, the profile's maximum is %.0f", ptr, ov, max);
	if (!h && !same(i, o))
		return fail(c, "%s: changed by a control that does not harden", ptr);
	return true;
}

static bool check_resources(struct ck *c)
{
	const cJSON *ir = at(c->in, "linux", "resources", NULL), *orr = at(c->out, "linux", "resources", NULL);
	const cJSON *il = at(ir, "memory", "limit", NULL), *ol = at(orr, "memory", "limit", NULL);
	const cJSON *is = at(ir, "memory", "swap", NULL), *os = at(orr, "memory", "swap", NULL);
	bool h = harden_mode(c, "resources");
	static const struct {
		const char *key;
		bool memory;
	} uni[] = { { "memory.max", true }, { "memory.swap.max", true }, { "pids.max", false } };

	if (!limit_ok(c, "/linux/resources/memory/limit", il, ol, (double)c->p->resources.memory, h) ||
	    !limit_ok(c, "/linux/resources/pids/limit", at(ir, "pids", "limit", NULL),
		      at(orr, "pids", "limit", NULL), (double)c->p->resources.pids, h) ||
	    !limit_ok(c, "/linux/resources/cpu/shares", at(ir, "cpu", "shares", NULL),
		      at(orr, "cpu", "shares", NULL), (double)c->p->resources.cpu_shares, h))
		return false;
	/* memory.swap is memory+swap; 0 is "not set" to runc, like absent. */
	if (num(is, 0) > 0 && !(num(os, 0) > 0 && num(os, 0) <= num(is, 0)))
		return fail(c, "/linux/resources/memory/swap: %.0f, the input had %.0f", num(os, 0),
			    num(is, 0));
	if (h && num(os, 0) != 0 && !(num(os, 0) > 0 && num(os, 0) <= num(ol, 0)))
		return fail(c, "/linux/resources/memory/swap: %s, above the memory limit or unset",
			    cJSON_IsNumber(os) ? "a value" : "not a number");
	if (h && c->env->swap_accounting > 0 && !(num(os, 0) > 0))
		return fail(c, "/linux/resources/memory/swap: unset, so swap beyond the memory "
			       "limit is allowed where the host could limit it");
	if (!h && !same(is, os))
		return fail(c, "/linux/resources/memory/swap: changed by a control that does not "
			       "harden");
	for (size_t k = 0; k < HR_ARRAY_SIZE(uni); k++) {
		const cJSON *i = at(ir, "unified", uni[k].key, NULL), *o = at(orr, "unified", uni[k].key, NULL);
		long double iv, ov;
		double max = k == 0 ? num(ol, 0) : k == 1 ? 0 : num(at(orr, "pids", "limit", NULL), 0);
		bool inum = cJSON_IsString(i) && fz_cgroup_number(i->valuestring, uni[k].memory, &iv);
		bool onum = cJSON_IsString(o) && fz_cgroup_number(o->valuestring, uni[k].memory, &ov);

		if (i && !o)
			return fail(c, "/linux/resources/unified/%s: dropped", uni[k].key);
		if (o && !i)
			return fail(c, "/linux/resources/unified/%s: added", uni[k].key);
		if (inum && !(onum && ov <= iv))
			return fail(c, "/linux/resources/unified/%s: raised", uni[k].key);
		if (h && o && !(onum && ov <= max))
			return fail(c, "/linux/resources/unified/%s: `%s`, above %.0f", uni[k].key,
				    cJSON_IsString(o) ? o->valuestring : "?", max);
		if (!h && !same(i, o))
			return fail(c, "/linux/resources/unified/%s: changed by a control that does "
				       "not harden",
				    uni[k].key);
	}
	return true;
}

/* --- rlimits ---------------------------------------------------------------- */

static const cJSON *rlimit_of(const cJSON *spec, const char *type)
{
	for (const cJSON *e = cJSON_IsArray(at(spec, "process", "rlimits", NULL))
				      ? at(spec, "process", "rlimits", NULL)->child
				      : NULL;
	     e; e = e->next)
		if (cJSON_IsString(at(e, "type", NULL)) &&
		    strcmp(at(e, "type", NULL)->valuestring, type) == 0)
			return e;
	return NULL;
}

static bool check_rlimits(struct ck *c)
{
	static const char *const managed[] = { "RLIMIT_CORE", "RLIMIT_NOFILE", "RLIMIT_NPROC" };
	const int64_t max[] = { c->p->rlimits.core, c->p->rlimits.nofile, c->p->rlimits.nproc };
	static const char *const capped[] = { "RLIMIT_MEMLOCK", "RLIMIT_RTPRIO", "RLIMIT_NICE",
					      "RLIMIT_MSGQUEUE" };
	const int64_t cmax[] = { c->p->rlimits.memlock, c->p->rlimits.rtprio, c->p->rlimits.nice,
				 c->p->rlimits.msgqueue };
	bool h = harden_mode(c, "rlimits");

	for (const cJSON *e = cJSON_IsArray(at(c->out, "process", "rlimits", NULL))
				      ? at(c->out, "process", "rlimits", NULL)->child
				      : NULL;
	     e; e = e->next) {
		const char *type = str_or(at(e, "type", NULL), "?");
		const cJSON *i = rlimit_of(c->in, type);
		/* Go reads an absent limit as 0. */
		double oh = num(at(e, "hard", NULL), 0), os = num(at(e, "soft", NULL), 0);
		bool mine = false;

		for (size_t k = 0; k < HR_ARRAY_SIZE(managed); k++)
			mine |= strcmp(managed[k], type) == 0;
		if (!i && !(h && mine))
			return fail(c, "/process/rlimits: %s added", type);
		for (size_t k = 0; k < HR_ARRAY_SIZE(capped); k++) {
			if (strcmp(capped[k], type) != 0)
				continue;
			mine = true;
			if (h && oh > (double)cmax[k])
				return fail(c, "/process/rlimits: %s hard limit %.0f above the "
					       "profile's %lld",
					    type, oh, (long long)cmax[k]);
		}
		if (i && oh > num(at(i, "hard", NULL), 0))
			return fail(c, "/process/rlimits: %s hard limit %.0f, the input had %.0f", type,
				    oh, num(at(i, "hard", NULL), 0));
		/* (An input's own soft > hard, which runc refuses, is kept.) */
		if (os > oh && h && mine)
			return fail(c, "/process/rlimits: %s soft limit above the hard one", type);
		if (i && !mine && !hr_json_equal(i, e))
			return fail(c, "/process/rlimits: %s changed, but no control owns it", type);
		if (i && !h && !hr_json_equal(i, e))
			return fail(c, "/process/rlimits: %s changed by a control that does not harden",
				    type);
	}
	for (size_t k = 0; h && k < HR_ARRAY_SIZE(managed); k++) {
		const cJSON *o = rlimit_of(c->out, managed[k]);
		if (!o || !cJSON_IsNumber(at(o, "hard", NULL)) || !cJSON_IsNumber(at(o, "soft", NULL)) ||
		    num(at(o, "hard", NULL), 0) > (double)max[k])
			return fail(c, "/process/rlimits: %s missing or above the profile's %lld",
				    managed[k], (long long)max[k]);
	}
	for (const cJSON *e = cJSON_IsArray(at(c->in, "process", "rlimits", NULL))
				      ? at(c->in, "process", "rlimits", NULL)->child
				      : NULL;
	     e; e = e->next)
		if (!rlimit_of(c->out, str_or(at(e, "type", NULL), "?")))
			return fail(c, "/process/rlimits: the input's %s was dropped",
				    str_or(at(e, "type", NULL), "?"));
	return true;
}

/* --- seccomp ---------------------------------------------------------------- */

/* 0 denies, 1 leaves it to a tracer or listener, 2 allows. */
static int rank(const cJSON *action)
{
	int a = cJSON_IsString(action) ? hr_seccomp_action_from_name(action->valuestring) : -1;

	if (a < 0 || hr_seccomp_action_denies(a))
		return 0;
	return a == HR_ACT_ALLOW || a == HR_ACT_LOG ? 2 : 1;
}

static bool no_args(const cJSON *rule)
{
	const cJSON *a = at(rule, "args", NULL);
	return !a || !a->child;
}

/* The bound's rules by call name: one entry per string of a rule's
 * "names", sorted by name, so that judging a filter of n calls against a
 * bound of m names costs n log m comparisons, not n * m (the quadratic
 * walk was a fifth of the spec target's time). */
struct call_rule {
	const char *name;
	const cJSON *rule;
};

static int call_rule_cmp(const void *a, const void *b)
{
	return strcmp(((const struct call_rule *)a)->name, ((const struct call_rule *)b)->name);
}

static struct call_rule *index_rules(const cJSON *bound, size_t *ret_n)
{
	const cJSON *calls = at(bound, "syscalls", NULL);
	struct call_rule *v = NULL;
	size_t n = 0, cap = 0;

	for (const cJSON *r = cJSON_IsArray(calls) ? calls->child : NULL; r; r = r->next) {
		const cJSON *nm = at(r, "names", NULL);
		for (const cJSON *e = cJSON_IsArray(nm) ? nm->child : NULL; e; e = e->next) {
			if (!cJSON_IsString(e))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				v = hr_xrealloc(v, cap * sizeof *v);
			}
			v[n++] = (struct call_rule){ e->valuestring, r };
		}
	}
	if (n)
		qsort(v, n, sizeof *v, call_rule_cmp);
	*ret_n = n;
	return v;
}

/* Does `bound` allow call `name` at least as `rule` (one of another
 * filter's rules for it) does? `idx` is index_rules(bound). */
static bool covered(const cJSON *bound, const struct call_rule *idx, size_t n, const char *name,
		    const cJSON *rule)
{
	int need = rank(at(rule, "action", NULL));
	bool any = false, all_allow = true;
	size_t lo = 0, hi = n;

	/* The first entry for `name`. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(idx[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && strcmp(idx[i].name, name) == 0; i++) {
		const cJSON *r = idx[i].rule;
		any = true;
		if (rank(at(r, "action", NULL)) < need) {
			all_allow = false;
			continue;
		}
		if (no_args(r) || same(at(r, "args", NULL), at(rule, "args", NULL)))
			return true;
	}
	/* No rule, or only rules that allow it too: the default decides. */
	return (!any || all_allow) && rank(at(bound, "defaultAction", NULL)) >= need;
}

bool fz_seccomp_within(const cJSON *filter, const cJSON *bound, char *why, size_t cap)
{
	_cleanup_free_ struct call_rule *idx = NULL;
	size_t n = 0;

	if (rank(at(filter, "defaultAction", NULL)) > rank(at(bound, "defaultAction", NULL))) {
		snprintf(why, cap, "default action %s is more permissive than %s",
			 cJSON_IsString(at(filter, "defaultAction", NULL))
				 ? at(filter, "defaultAction", NULL)->valuestring
				 : "?",
			 cJSON_IsString(at(bound, "defaultAction", NULL))
				 ? at(bound, "defaultAction", NULL)->valuestring
				 : "?");
		return false;
	}
	idx = index_rules(bound, &n);
	for (const cJSON *r = cJSON_IsArray(at(filter, "syscalls", NULL))
				      ? at(filter, "syscalls", NULL)->child
				      : NULL;
	     r; r = r->next) {
		if (rank(at(r, "action", NULL)) == 0)
			continue;
		for (const cJSON *n2 = cJSON_IsArray(at(r, "names", NULL))
					       ? at(r, "names", NULL)->child
					       : NULL;
		     n2; n2 = n2->next)
			if (!covered(bound, idx, n, str_or(n2, "?"), r)) {
				_cleanup_free_ char *args = hr_json_brief(at(r, "args", NULL));
				snprintf(why, cap,
					 "%s is allowed (%s%s%s) where the bound does not allow it",
					 str_or(n2, "?"), str_or(at(r, "action", NULL), "?"),
					 args ? ", args " : "", args ? args : "");
				return false;
			}
	}
	return true;
}

/* libseccomp tokens of a filter's architectures (empty: the native one). */
static bool arch_in(const cJSON *filter, uint32_t tok)
{
	const cJSON *a = at(filter, "architectures", NULL);

	if (!cJSON_IsArray(a) || !a->child)
		return tok == hr_seccomp_arch_from_name("native", NULL);
	for (const cJSON *e = a->child; e; e = e->next)
		if (cJSON_IsString(e) && hr_seccomp_arch_from_name(e->valuestring, NULL) == tok)
			return true;
	return false;
}

static bool check_seccomp(struct ck *c)
{
	const cJSON *is = at(c->in, "linux", "seccomp", NULL), *os = at(c->out, "linux", "seccomp", NULL);
	bool had = is && !cJSON_IsNull(is), h = harden_mode(c, "seccomp");
	const cJSON *oa;
	char why[512];

	if (!os || cJSON_IsNull(os)) {
		if (had)
			return fail(c, "/linux/seccomp: the input's filter was removed");
		if (h)
			return fail(c, "/linux/seccomp: no filter");
		return true;
	}
	if (!h && !same(is, os))
		return fail(c, "/linux/seccomp: changed by a control that does not harden");
	if (had && !fz_seccomp_within(os, is, why, sizeof why))
		return fail(c, "/linux/seccomp: wider than the input's filter: %s", why);
	if (h && !fz_seccomp_within(os, c->pfilter, why, sizeof why))
		return fail(c, "/linux/seccomp: wider than the profile's filter: %s", why);
	if (h && rank(at(os, "defaultAction", NULL)) != 0)
		return fail(c, "/linux/seccomp/defaultAction: does not deny");
	if (h && has_str(at(os, "flags", NULL), "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
		return fail(c, "/linux/seccomp/flags: SECCOMP_FILTER_FLAG_SPEC_ALLOW kept");
	oa = at(os, "architectures", NULL);
	for (const cJSON *e = cJSON_IsArray(oa) ? oa->child : NULL; e; e = e->next) {
		uint32_t tok = cJSON_IsString(e) ? hr_seccomp_arch_from_name(e->valuestring, NULL) : 0;
		if (had && !arch_in(is, tok))
			return fail(c, "/linux/seccomp/architectures: %s is not in the input's filter",
				    e->valuestring);
		if (h && !arch_in(c->pfilter, tok))
			return fail(c, "/linux/seccomp/architectures: %s is not the profile's",
				    e->valuestring);
	}
	return true;
}

/* --- devices ---------------------------------------------------------------- */

static bool node_allowed(const struct hr_profile *p, const cJSON *d)
{
	const cJSON *path = at(d, "path", NULL), *type = at(d, "type", NULL);

	for (size_t i = 0; i < p->n_devices; i++)
		if (cJSON_IsString(path) && strcmp(p->devices[i].path, path->valuestring) == 0 &&
		    cJSON_IsString(type) && type->valuestring[0] == p->devices[i].type &&
		    type->valuestring[1] == '\0' &&
		    num(at(d, "major", NULL), -1) == (double)p->devices[i].major &&
		    num(at(d, "minor", NULL), -1) == (double)p->devices[i].minor)
			return true;
	return false;
}

static bool rule_allowed(const struct hr_profile *p, const cJSON *r)
{
	const cJSON *type = at(r, "type", NULL), *access = at(r, "access", NULL);
	double major = num(at(r, "major", NULL), -1), minor = num(at(r, "minor", NULL), -1);
	const char *acc = cJSON_IsString(access) ? access->valuestring : "rwm";

	if (!cJSON_IsString(type) || strlen(type->valuestring) != 1 || major < 0)
		return false;
	for (size_t i = 0; i < p->n_devices; i++)
		if (p->devices[i].type == type->valuestring[0] &&
		    (double)p->devices[i].major == major && (double)p->devices[i].minor == minor)
			return true;
	for (size_t i = 0; i < p->n_dev_cgroup; i++) {
		const struct hr_devrule *d = &p->dev_cgroup[i];
		if (d->type == type->valuestring[0] && (double)d->major == major &&
		    (d->minor < 0 || (double)d->minor == minor) &&
		    strspn(acc, d->access) == strlen(acc))
			return true;
	}
	return false;
}

static bool check_devices(struct ck *c)
{
	const cJSON *in_nodes = at(c->in, "linux", "devices", NULL);
	const cJSON *in_rules = at(c->in, "linux", "resources", "devices", NULL);
	const cJSON *rules = at(c->out, "linux", "resources", "devices", NULL);
	const cJSON *first = cJSON_IsArray(rules) ? rules->child : NULL;
	bool h = harden_mode(c, "devices");
	size_t i = 0;

	for (const cJSON *d = cJSON_IsArray(at(c->out, "linux", "devices", NULL))
				      ? at(c->out, "linux", "devices", NULL)->child
				      : NULL;
	     d; d = d->next, i++) {
		if (!has_equal(in_nodes, d))
			return fail(c, "/linux/devices/%zu: a device the input did not have", i);
		if (h && !node_allowed(c->p, d))
			return fail(c, "/linux/devices/%zu: a device the profile does not allow", i);
	}
	i = 0;
	for (const cJSON *r = first; r; r = r->next, i++) {
		if (!cJSON_IsTrue(at(r, "allow", NULL)))
			continue;
		if (!has_equal(in_rules, r))
			return fail(c, "/linux/resources/devices/%zu: an allow rule the input did not "
				       "have",
				    i);
		if (h && !rule_allowed(c->p, r))
			return fail(c, "/linux/resources/devices/%zu: an allow rule the profile does "
				       "not allow",
				    i);
	}
	if (h && !(first && cJSON_IsFalse(at(first, "allow", NULL)) && !at(first, "major", NULL) &&
		   !at(first, "minor", NULL) &&
		   (!at(first, "type", NULL) ||
		    (cJSON_IsString(at(first, "type", NULL)) &&
		     strcmp(at(first, "type", NULL)->valuestring, "a") == 0))))
		return fail(c, "/linux/resources/devices/0: not a rule denying every device");
	return true;
}

/* --- masked and read-only paths, sysctl, annotations ----------------------- */

static bool superset(struct ck *c, const char *key, char *const *want)
{
	const cJSON *i = at(c->in, "linux", key, NULL), *o = at(c->out, "linux", key, NULL);
	bool h = harden_mode(c, "paths");

	for (const cJSON *e = cJSON_IsArray(i) ? i->child : NULL; e; e = e->next)
		if (!has_equal(o, e))
			return fail(c, "/linux/%s: lost an entry of the input", key);
	for (size_t k = 0; h && want && want[k]; k++)
		if (!has_str(o, want[k]))
			return fail(c, "/linux/%s: lacks the profile's %s", key, want[k]);
	return true;
}

static bool check_sysctl(struct ck *c)
{
	const cJSON *i = at(c->in, "linux", "sysctl", NULL), *o = at(c->out, "linux", "sysctl", NULL);

	if (!same(i, o))
		return fail(c, "/linux/sysctl: changed");
	for (const cJSON *s = o && harden_mode(c, "sysctl") ? o->child : NULL; s; s = s->next) {
		_cleanup_free_ char *name = hr_xstrdup(s->string);
		bool ok = false;
		for (char *q = name; *q; q++)
			if (*q == '/')
				*q = '.';
		for (size_t k = 0; c->p->sysctl_allow && c->p->sysctl_allow[k]; k++)
			ok |= fnmatch(c->p->sysctl_allow[k], name, 0) == 0;
		if (!ok)
			return fail(c, "/linux/sysctl/%s: not in the profile's list", s->string);
	}
	return true;
}

static bool check_annotations(struct ck *c)
{
	const cJSON *i = at(c->in, "annotations", NULL), *o = at(c->out, "annotations", NULL);

	for (const cJSON *a = o ? o->child : NULL; a; a = a->next) {
		bool ok = false;
		if (!same(a, cJSON_GetObjectItemCaseSensitive(i, a->string)))
			return fail(c, "/annotations/%s: not the input's", a->string);
		const struct hr_field *row = row_for(row_for(&hr_field_root, "annotations"), a->string);
		if (!harden_mode(c, "annotations") || !row || !row->rule ||
		    (strcmp(row->rule, "annotations.unknown") == 0 &&
		     hr_strv_contains(c->env->rule_annotations, a->string)))
			continue;
		for (size_t k = 0; c->p->annotations_allow && c->p->annotations_allow[k]; k++)
			ok |= fnmatch(c->p->annotations_allow[k], a->string, 0) == 0;
		if (!ok)
			return fail(c, "/annotations/%s: %s, and the profile does not allow it",
				    a->string,
				    strcmp(row->rule, "annotations.unknown") == 0
					    ? "an annotation the table does not know"
					    : "a runtime override");
	}
	return true;
}

/* --- the field table: nothing it does not hold ------------------------- */

static bool json_is(const cJSON *j, enum hr_field_type t)
{
	switch (t) {
	case HR_FT_OBJECT:
	case HR_FT_MAP:
		return cJSON_IsObject(j);
	case HR_FT_ARRAY:
		return cJSON_IsArray(j);
	case HR_FT_STRING:
		return cJSON_IsString(j);
	case HR_FT_NUMBER:
		return cJSON_IsNumber(j);
	case HR_FT_BOOL:
		return cJSON_IsBool(j);
	case HR_FT_STRINGS:
	case HR_FT_NUMBERS:
		if (!cJSON_IsArray(j))
			return false;
		for (const cJSON *e = j->child; e; e = e->next)
			if (!(t == HR_FT_STRINGS ? cJSON_IsString(e) : cJSON_IsNumber(e)))
				return false;
		return true;
	}
	return false;
}

/* The row describing member `key` (or an array element) of a node of row
 * `f`: exact names for objects, the first matching pattern for maps. */
static const struct hr_field *row_for(const struct hr_field *f, const char *key)
{
	for (const struct hr_field *r = f->children; r && r->name; r++) {
		if (f->type == HR_FT_ARRAY)
			return r;
		if (f->type == HR_FT_MAP ? fnmatch(r->name, key, 0) == 0 : strcmp(r->name, key) == 0)
			return r;
	}
	return NULL;
}

static bool only_table(struct ck *c, const cJSON *node, const struct hr_field *f, const char *ptr)
{
	size_t i = 0;

	for (const cJSON *m = node->child; m; m = m->next, i++) {
		const struct hr_field *r = row_for(f, f->type == HR_FT_ARRAY ? "" : m->string);
		_cleanup_free_ char *p = f->type == HR_FT_ARRAY ? hr_json_ptr_index(ptr, i)
								: hr_json_ptr(ptr, m->string);
		if (!r)
			return fail(c, "%s: a field the table does not hold", p);
		if (cJSON_IsNull(m))
			continue;
		if (r->disp != HR_FD_JUDGED)
			return fail(c, "%s: the table %s it, yet it is there", p,
				    r->disp == HR_FD_REMOVED ? "removes" : "refuses");
		if (!json_is(m, r->type))
			return fail(c, "%s: not %s", p, hr_field_type_name(r->type));
		if ((r->type == HR_FT_OBJECT || r->type == HR_FT_ARRAY || r->type == HR_FT_MAP) &&
		    !only_table(c, m, r, p))
			return false;
	}
	return true;
}

/* --- identity, process, labels, hooks, listener, cgroup, root ---------- */

static bool check_identity(struct ck *c)
{
	if (!harden_mode(c, "userns"))
		return true;
	if (!ids_ok(c, at(c->out, "linux", "uidMappings", NULL)) ||
	    !ids_ok(c, at(c->out, "linux", "gidMappings", NULL)))
		return fail(c, "/linux/uidMappings: a user namespace maps host ids it may not");
	return true;
}

static bool check_process(struct ck *c)
{
	const cJSON *pr = at(c->out, "process", NULL);
	const cJSON *policy = at(pr, "scheduler", "policy", NULL);
	const cJSON *nice = at(pr, "scheduler", "nice", NULL);
	const cJSON *io = at(pr, "ioPriority", "class", NULL);
	const cJSON *rt = at(c->out, "linux", "resources", "cpu", "realtimeRuntime", NULL);
	const cJSON *pflags = at(c->out, "linux", "personality", "flags", NULL);
	const cJSON *oom = at(pr, "oomScoreAdj", NULL);
	bool rtok = c->p->process.realtime;

	if (!harden_mode(c, "process"))
		return true;
	if (oom && num(oom, 0) < (double)c->p->process.oom_score_adj_min)
		return fail(c, "/process/oomScoreAdj: %.0f, below the profile's %lld", num(oom, 0),
			    (long long)c->p->process.oom_score_adj_min);
	if (nice && num(nice, 0) < (double)c->p->process.nice_min)
		return fail(c, "/process/scheduler/nice: below the profile's minimum");
	if (!rtok && cJSON_IsString(policy) &&
	    (strcmp(policy->valuestring, "SCHED_FIFO") == 0 ||
	     strcmp(policy->valuestring, "SCHED_RR") == 0 ||
	     strcmp(policy->valuestring, "SCHED_DEADLINE") == 0))
		return fail(c, "/process/scheduler/policy: real-time");
	if (!rtok && cJSON_IsString(io) && strcmp(io->valuestring, "IOPRIO_CLASS_RT") == 0)
		return fail(c, "/process/ioPriority/class: real-time");
	if (!rtok && rt && num(rt, 0) != 0)
		return fail(c, "/linux/resources/cpu/realtimeRuntime: real-time CPU time");
	if (cJSON_IsArray(pflags) && pflags->child)
		return fail(c, "/linux/personality/flags: kept");
	return true;
}

static bool selinux_unconfined(const char *l)
{
	return strstr(l, ":spc_t") || strstr(l, ":unconfined_t");
}

static bool check_lsm(struct ck *c)
{
	const cJSON *aa = at(c->out, "process", "apparmorProfile", NULL);
	const cJSON *se = at(c->out, "process", "selinuxLabel", NULL);
	const cJSON *ml = at(c->out, "linux", "mountLabel", NULL);

	if (!harden_mode(c, "lsm") || c->p->lsm.allow_unconfined)
		return true;
	if (cJSON_IsString(aa) && strcmp(aa->valuestring, "unconfined") == 0)
		return fail(c, "/process/apparmorProfile: unconfined");
	if ((cJSON_IsString(se) && selinux_unconfined(se->valuestring)) ||
	    (cJSON_IsString(ml) && selinux_unconfined(ml->valuestring)))
		return fail(c, "/process/selinuxLabel: an unconfined SELinux type");
	return true;
}

/* A hook kept: root's, in root's directories, trusted as the mode says. */
static bool check_hooks(struct ck *c)
{
	const cJSON *hooks = at(c->out, "hooks", NULL);

	if (!same(at(c->in, "hooks", NULL), hooks))
		return fail(c, "/hooks: changed (hooks are kept whole or refused)");
	if (!harden_mode(c, "hooks"))
		return true;
	for (const cJSON *k = cJSON_IsObject(hooks) ? hooks->child : NULL; k; k = k->next)
		for (const cJSON *h = cJSON_IsArray(k) ? k->child : NULL; h; h = h->next) {
			const char *path = str_or(at(h, "path", NULL), "");
			const char *a0 = str_or(at(h, "args", NULL) ? at(h, "args", NULL)->child : NULL, "");
			const struct hr_path_facts *f =
				c->env->path_facts && path[0] == '/'
					? c->env->path_facts(c->env->ud, path, HR_PATH_EXEC)
					: NULL;
			const char *name = f && !f->err ? f->real : path;
			bool direct = c->env->mode != HR_ENV_RUNTIME;
			bool runtime = c->env->mode != HR_ENV_DIRECT;
			bool engine = fnmatch("/proc/[1-9]*/exe", path, FNM_PATHNAME) == 0 &&
				      strcmp(a0, "libnetwork-setkey") == 0 && (!f || f->err || f->root_process);

			if (path[0] != '/')
				return fail(c, "/hooks/%s: a relative hook kept", k->string);
			if (f && !f->err &&
			    (f->uid != 0 || (f->mode & 022) || !f->dirs_trusted || !S_ISREG(f->mode)))
				return fail(c, "/hooks/%s: %s is not root's alone", k->string, path);
			if (!((direct && any_covers(c->p->hooks.trusted, name)) ||
			      (runtime && (any_covers(c->env->trusted_hooks, name) || engine))))
				return fail(c, "/hooks/%s: %s kept, but nothing trusts it", k->string,
					    path);
		}
	return true;
}

static bool check_listener(struct ck *c)
{
	const cJSON *lp = at(c->out, "linux", "seccomp", "listenerPath", NULL);

	if (!harden_mode(c, "seccomp") || !cJSON_IsString(lp))
		return true;
	if (!any_covers(c->env->trusted_listeners, lp->valuestring))
		return fail(c, "/linux/seccomp/listenerPath: %s is not a trusted listener",
			    lp->valuestring);
	return true;
}

static bool check_cgroup(struct ck *c)
{
	const cJSON *cp = at(c->out, "linux", "cgroupsPath", NULL);
	_cleanup_free_ char *why = NULL;

	if (!harden_mode(c, "resources") || !cJSON_IsString(cp) || !cp->valuestring[0] ||
	    !c->env->cgroup_in_use)
		return true;
	if (c->env->cgroup_in_use(c->env->ud, cp->valuestring, &why) != 0)
		return fail(c, "/linux/cgroupsPath: %s is in use", cp->valuestring);
	return true;
}

/* root.path in the bundle or an engine's location, and not above a
 * denied source. */
static bool check_root_path(struct ck *c)
{
	const char *p = str_or(at(c->out, "root", "path", NULL), "");
	const struct hr_path_facts *f =
		c->env->path_facts ? c->env->path_facts(c->env->ud, p[0] ? p : ".", HR_PATH_ROOT) : NULL;
	const char *real = f && !f->err ? f->real : NULL;

	if (!harden_mode(c, "rootfs") || !real)
		return true;
	if (!((c->env->bundle_path && hr_path_is_under(real, c->env->bundle_path) &&
	       strcmp(real, c->env->bundle_path) != 0) ||
	      any_covers(c->env->root_locations, real)))
		return fail(c, "/root/path: %s is neither in the bundle nor an engine's location",
			    real);
	for (size_t i = 0; c->p->mounts.denied_sources && c->p->mounts.denied_sources[i]; i++)
		if (hr_path_is_under(c->p->mounts.denied_sources[i], real) ||
		    dir_above(c->p->mounts.denied_sources[i], real))
			return fail(c, "/root/path: %s exposes %s", real,
				    c->p->mounts.denied_sources[i]);
	return true;
}

static bool check_propagation(struct ck *c)
{
	const cJSON *rp = at(c->out, "linux", "rootfsPropagation", NULL);

	/* only the recursive kinds that send nothing out, or the default */
	if (harden_mode(c, "mounts") && rp &&
	    !(cJSON_IsString(rp) && (strcmp(rp->valuestring, "rslave") == 0 ||
				     strcmp(rp->valuestring, "rprivate") == 0 ||
				     strcmp(rp->valuestring, "runbindable") == 0)))
		return fail(c, "/linux/rootfsPropagation: %s",
			    cJSON_IsString(rp) ? rp->valuestring : "not a string");
	return true;
}

bool fz_monotonic(const cJSON *in, const cJSON *out, const struct hr_profile *p,
		  const struct hr_env *env, const cJSON *profile_filter, char *why, size_t cap)
{
	static const struct hr_env no_env = { .swap_accounting = -1 };
	_cleanup_json_ cJSON *own_filter = profile_filter ? NULL
							  : hr_seccomp_profile_filter(&p->seccomp);
	struct ck c = {
		.in = in,
		.out = out,
		.p = p,
		.env = env ? env : &no_env,
		.pfilter = profile_filter ? profile_filter : own_filter,
		.why = why,
		.cap = cap,
	};

	why[0] = '\0';
	if (harden_mode(&c, "privileged") && is_privileged(in))
		return fail(&c, "/: a privileged spec was hardened instead of refused");
	if (!only_table(&c, out, &hr_field_root, ""))
		return false;
	return check_untouched(&c) && check_user(&c) && check_nnp(&c) && check_caps(&c) &&
	       check_identity(&c) && check_process(&c) && check_lsm(&c) && check_hooks(&c) &&
	       check_listener(&c) && check_cgroup(&c) && check_root_path(&c) &&
	       check_propagation(&c) &&
	       check_root(&c) && check_mounts(&c) && check_namespaces(&c) &&
	       check_resources(&c) && check_rlimits(&c) && check_seccomp(&c) &&
	       check_devices(&c) && superset(&c, "maskedPaths", p->masked_paths) &&
	       superset(&c, "readonlyPaths", p->readonly_paths) && check_sysctl(&c) &&
	       check_annotations(&c);
}
