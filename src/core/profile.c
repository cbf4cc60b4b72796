/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "hardrun/control.h"
#include "hardrun/harden.h"
#include "hardrun/json.h"
#include "hardrun/profile.h"
#include "hardrun/seccomp.h"

static const char *const ns_names[HR_NS__MAX] = {
	[HR_NS_PID] = "pid",   [HR_NS_NETWORK] = "network", [HR_NS_MOUNT] = "mount",
	[HR_NS_IPC] = "ipc",   [HR_NS_UTS] = "uts",	    [HR_NS_USER] = "user",
	[HR_NS_CGROUP] = "cgroup", [HR_NS_TIME] = "time",
};

const char *hr_ns_name(enum hr_ns_type t)
{
	return (unsigned)t < HR_NS__MAX ? ns_names[t] : "unknown";
}

int hr_ns_from_name(const char *name)
{
	for (int i = 0; i < HR_NS__MAX; i++)
		if (strcmp(ns_names[i], name) == 0)
			return i;
	return -1;
}

const char *const hr_engine_default_caps[] = {
	"CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",	   "CAP_FOWNER",     "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID",	   "CAP_SETUID",	   "CAP_SETFCAP",    "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",	   "CAP_AUDIT_WRITE", NULL,
};

/*
 * libcap's names, in the specs' upper case, by number: asked of libcap
 * once (cap_to_name for each number until it answers with digits, its
 * spelling of a capability it has no name for), then looked up. A start
 * reads hundreds of capability names; each round trip through libcap
 * allocated twice.
 */
static char cap_names[64][40];
static int cap_names_n = -1;
static unsigned char cap_by_name[64]; /* numbers in the order of their names */

static void cap_names_load(void)
{
	if (cap_names_n >= 0)
		return;
	cap_names_n = 0;
	for (int v = 0; v < 64; v++) {
		char *n = cap_to_name((cap_value_t)v);
		bool named = n && !isdigit((unsigned char)n[0]) && strlen(n) < sizeof cap_names[v];

		if (named)
			for (size_t i = 0; n[i]; i++)
				cap_names[v][i] = (char)toupper((unsigned char)n[i]);
		if (n)
			cap_free(n);
		if (!named)
			break;
		cap_names_n = v + 1;
	}
	/* Sorted once, by insertion (about 41 names), for hr_cap_from_name. */
	for (int i = 0; i < cap_names_n; i++) {
		int j = i;
		for (; j > 0 && strcmp(cap_names[cap_by_name[j - 1]], cap_names[i]) > 0; j--)
			cap_by_name[j] = cap_by_name[j - 1];
		cap_by_name[j] = (unsigned char)i;
	}
}

bool hr_cap_engine_default(int cap)
{
	static uint64_t mask;
	static bool known;

	if (!known) {
		for (size_t i = 0; hr_engine_default_caps[i]; i++) {
			int v = hr_cap_from_name(hr_engine_default_caps[i]);
			if (v >= 0)
				mask |= UINT64_C(1) << v;
		}
		known = true;
	}
	return cap >= 0 && cap < 64 && (mask & (UINT64_C(1) << cap));
}

int hr_cap_from_name(const char *name)
{
	/* cap_from_name also takes digits and any case; profiles and specs
	 * use the canonical spelling only. */
	if (strncmp(name, "CAP_", 4) != 0 || !name[4])
		return -1;
	cap_names_load();
	for (int lo = 0, hi = cap_names_n; lo < hi;) {
		int mid = (lo + hi) / 2, c = strcmp(cap_names[cap_by_name[mid]], name);
		if (c == 0)
			return cap_by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

char *hr_cap_name(int v)
{
	char *n, *up;

	cap_names_load();
	if (v >= 0 && v < cap_names_n)
		return hr_xstrdup(cap_names[v]);
	n = cap_to_name(v);

	if (!n)
		abort();
	/* libcap spells names in lower case; specs use upper. */
	up = hr_xstrdup(n);
	cap_free(n);
	for (char *q = up; *q; q++)
		*q = (char)toupper((unsigned char)*q);
	return up;
}

int hr_errno_from_name(const char *name)
{
	char *end;
	long v;

	if (!name || !*name)
		return -1;
	if (isdigit((unsigned char)name[0])) {
		errno = 0;
		v = strtol(name, &end, 10);
		if (errno || *end || v < 1 || v > 4095)
			return -1;
		return (int)v;
	}
#ifdef HAVE_STRERRORNAME_NP
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);
		if (n && strcmp(n, name) == 0)
			return e;
	}
#endif
	return -1;
}

int64_t hr_parse_size(const char *s)
{
	char *end;
	double v;
	int64_t mult = 1;

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = INT64_C(1) << 10;
		end++;
		break;
	case 'm': case 'M':
		mult = INT64_C(1) << 20;
		end++;
		break;
	case 'g': case 'G':
		mult = INT64_C(1) << 30;
		end++;
		break;
	case 't': case 'T':
		mult = INT64_C(1) << 40;
		end++;
		break;
	default:
		return -1;
	}
	if (*end == 'i' || *end == 'b' || *end == 'B')
		end += (*end == 'i' && (end[1] == 'B' || end[1] == 'b')) ? 2 : 1;
	if (*end)
		return -1;
	v *= (double)mult;
	if (v < 0 || v > 9.0e18 || v != hr_floor(v))
		return -1;
	return (int64_t)v;
}

struct hr_profile *hr_profile_free(struct hr_profile *p)
{
	if (!p)
		return NULL;
	free(p->name);
	free(p->source);
	free(p->description);
	hr_strv_free(p->seccomp.arch_names);
	free(p->seccomp.arch_tokens);
	free(p->seccomp.default_action);
	for (size_t i = 0; i < p->seccomp.n_allow; i++)
		free(p->seccomp.allow[i]);
	free(p->seccomp.allow);
	if (p->seccomp.rules)
		cJSON_Delete(p->seccomp.rules);
	hr_strv_free(p->rootfs.writable);
	free(p->rootfs.tmpfs_options);
	hr_strv_free(p->mounts.denied_sources);
	hr_strv_free(p->mounts.writable_sources);
	hr_strv_free(p->mounts.allowed_sources);
	hr_strv_free(p->mounts.denied_types);
	hr_strv_free(p->mounts.allowed_types);
	hr_strv_free(p->mounts.device_sources);
	hr_strv_free(p->mounts.allowed_sockets);
	hr_strv_free(p->hooks.trusted);
	free(p->userns.host_ranges);
	hr_strv_free(p->masked_paths);
	hr_strv_free(p->readonly_paths);
	for (size_t i = 0; i < p->n_devices; i++)
		free(p->devices[i].path);
	free(p->devices);
	free(p->dev_cgroup);
	hr_strv_free(p->sysctl_allow);
	hr_strv_free(p->annotations_allow);
	hr_strv_free(p->notes);
	hr_image_policy_done(&p->image);
	free(p);
	return NULL;
}

void hr_profile_freep(struct hr_profile **p)
{
	hr_profile_free(*p);
}

/* --- parsing ----------------------------------------------------------- */

struct pctx {
	const struct hr_mount_options *mnt; /* the host's; NULL: tmpfs options are refused */
	bool partial;
	bool trusted; /* a document hardrun validated before (its cache): the
		       * look-ups in libseccomp, libcap and libmount are skipped */
	hr_error *err;
};

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[32][32];

	if (la >= 32 || lb >= 32)
		return 99;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = d[i - 1][j - 1] + (tolower((unsigned char)a[i - 1]) !=
							 tolower((unsigned char)b[j - 1]));
			size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
	return d[la][lb];
}

static int check_keys(const cJSON *obj, const char *const *known, const char *where,
		      struct pctx *c)
{
	for (const cJSON *m = obj->child; m; m = m->next) {
		const char *best = NULL;
		size_t best_d = 3;
		bool ok = false;
		char list[512] = "";

		for (size_t i = 0; known[i] && !ok; i++)
			ok = strcmp(m->string, known[i]) == 0;
		/* Only an unknown key pays for the suggestion. */
		for (size_t i = 0; known[i] && !ok; i++) {
			size_t d;
			d = edit_distance(m->string, known[i]);
			if (d < best_d) {
				best_d = d;
				best = known[i];
			}
			if (strlen(list) + strlen(known[i]) + 3 < sizeof list) {
				if (i)
					strcat(list, ", ");
				strcat(list, known[i]);
			}
		}
		if (!ok) {
			_cleanup_free_ char *p = hr_json_ptr(where, m->string);
			if (best)
				return hr_err(c->err, HR_E_INVALID,
					      "%s: unknown key (fix: did you mean `%s`?)", p, best);
			return hr_err(c->err, HR_E_INVALID,
				      "%s: unknown key (fix: use one of: %s)", p, list);
		}
	}
	return 0;
}

/* Fetch a member, enforcing presence in full mode. */
static int member(const cJSON *obj, const char *key, const char *where, struct pctx *c,
		  cJSON **ret)
{
	int r = hr_json_get(obj, key, where, ret, c->err);
	if (r < 0)
		return r;
	if (!*ret && !c->partial) {
		_cleanup_free_ char *p = hr_json_ptr(where, key);
		return hr_err(c->err, HR_E_INVALID,
			      "%s: missing (fix: add it, or \"extends\" a profile that has it)", p);
	}
	return 0;
}

static int want_object(const cJSON *obj, const char *key, const char *where,
		       struct pctx *c, cJSON **ret)
{
	int r = member(obj, key, where, c, ret);
	if (r < 0)
		return r;
	if (*ret && !cJSON_IsObject(*ret)) {
		_cleanup_free_ char *p = hr_json_ptr(where, key);
		return hr_err(c->err, HR_E_INVALID, "%s: expected an object", p);
	}
	return 0;
}

static int want_bool(const cJSON *obj, const char *key, const char *where, struct pctx *c,
		     bool *out)
{
	cJSON *j;
	int r = member(obj, key, where, c, &j);
	if (r < 0)
		return r;
	if (!j)
		return 0;
	if (!cJSON_IsBool(j)) {
		_cleanup_free_ char *p = hr_json_ptr(where, key);
		return hr_err(c->err, HR_E_INVALID, "%s: expected true or false", p);
	}
	*out = cJSON_IsTrue(j);
	return 0;
}

static int want_int(const cJSON *obj, const char *key, const char *where, struct pctx *c,
		    double min, double max, int64_t *out)
{
	cJSON *j;
	int r = member(obj, key, where, c, &j);
	if (r < 0)
		return r;
	if (!j)
		return 0;
	if (!cJSON_IsNumber(j) || j->valuedouble != hr_floor(j->valuedouble) ||
	    j->valuedouble < min || j->valuedouble > max) {
		_cleanup_free_ char *p = hr_json_ptr(where, key);
		return hr_err(c->err, HR_E_INVALID,
			      "%s: expected an integer from %.0f to %.0f", p, min, max);
	}
	*out = (int64_t)j->valuedouble;
	return 0;
}

typedef int (*item_check_fn)(const char *s, const char *ptr, struct pctx *c);

struct ranked {
	const char *s;
	size_t pos;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int c = strcmp(x->s, y->s);
	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* The n strings of `arr` without repeats, in first-seen order. Sorting
 * finds the repeats: a syscall list has hundreds of names. */
static char **unique_strings(const cJSON *arr, size_t n)
{
	_cleanup_free_ struct ranked *r = hr_xcalloc(n + 1, sizeof *r);
	_cleanup_free_ bool *keep = hr_xcalloc(n + 1, sizeof *keep);
	char **v = hr_xcalloc(n + 1, sizeof *v);
	size_t i = 0, k = 0;

	for (const cJSON *e = arr->child; e && i < n; e = e->next, i++)
		r[i] = (struct ranked){ e->valuestring, i };
	qsort(r, n, sizeof *r, cmp_ranked);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(r[i].s, r[i - 1].s) != 0)
			keep[r[i].pos] = true;
	i = 0;
	for (const cJSON *e = arr->child; e && i < n; e = e->next, i++)
		if (keep[i])
			v[k++] = hr_xstrdup(e->valuestring);
	return v;
}
static bool is_delta(const cJSON *j);

static int want_strings(const cJSON *obj, const char *key, const char *where,
			struct pctx *c, item_check_fn check, char ***out)
{
	cJSON *j;
	size_t i = 0;
	_cleanup_free_ char *p = hr_json_ptr(where, key);
	int r = member(obj, key, where, c, &j);

	if (r < 0)
		return r;
	if (!j)
		return 0;
	if (is_delta(j)) {
		static const char *const parts[] = { "add", "remove" };
		if (!c->partial)
			return hr_err(c->err, HR_E_INVALID,
				      "%s: an {\"add\", \"remove\"} change needs a base profile "
				      "(fix: add \"extends\", or write the whole list)",
				      p);
		for (size_t k = 0; k < 2; k++) {
			struct pctx sub = *c;
			const cJSON *part = cJSON_GetObjectItemCaseSensitive(j, parts[k]);
			if (part && (r = want_strings(j, parts[k], p, &sub, check, NULL)) < 0)
				return r;
		}
		return 0;
	}
	if (!cJSON_IsArray(j))
		return hr_err(c->err, HR_E_INVALID,
			      "%s: expected an array of strings%s", p,
			      c->partial ? " or {\"add\": [...], \"remove\": [...]}" : "");
	for (cJSON *e = j->child; e; e = e->next, i++) {
		/* The element's pointer is only built for a message: a syscall
		 * list has hundreds of elements, and formatting a pointer for
		 * each cost more than checking them. */
		if (!cJSON_IsString(e) || (check && check(e->valuestring, "", c) < 0)) {
			_cleanup_free_ char *ep = hr_json_ptr_index(p, i);
			if (!cJSON_IsString(e))
				return hr_err(c->err, HR_E_INVALID, "%s: expected a string", ep);
			return check(e->valuestring, ep, c);
		}
	}
	if (out) {
		hr_strv_free(*out);
		*out = unique_strings(j, i);
	}
	return 0;
}

static int check_abs_path(const char *s, const char *ptr, struct pctx *c)
{
	_cleanup_free_ char *n = NULL;

	if (s[0] != '/')
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` is not an absolute path (fix: start it with /)", ptr, s);
	n = hr_path_normalize(s);
	if (strcmp(n, s) != 0)
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` is not in normal form (fix: write it as `%s`)", ptr, s, n);
	return 0;
}

/* An absolute path that may hold fnmatch(3) wildcards in its components. */
static int check_source_pattern(const char *s, const char *ptr, struct pctx *c)
{
	size_t n = strlen(s);

	if (strstr(s, "/../") || strstr(s, "/./") || strstr(s, "//") ||
	    (n >= 3 && strcmp(s + n - 3, "/..") == 0) || (n >= 2 && strcmp(s + n - 2, "/.") == 0))
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` is not in normal form (fix: no . or .. components)", ptr, s);
	if (s[0] != '/' || (strlen(s) > 1 && s[strlen(s) - 1] == '/'))
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` must be an absolute path without a trailing / (fix: "
			      "write it like /var/lib/docker/volumes/*/_data)",
			      ptr, s);
	return 0;
}

static int check_cap(const char *s, const char *ptr, struct pctx *c)
{
	if (c->trusted)
		return 0;
	if (hr_cap_from_name(s) < 0)
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` is not a capability libcap knows (fix: use a name like "
			      "CAP_NET_BIND_SERVICE; see capabilities(7))",
			      ptr, s);
	return 0;
}

static int check_ns(const char *s, const char *ptr, struct pctx *c)
{
	if (hr_ns_from_name(s) < 0)
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` is not a namespace type (fix: use pid, network, mount, "
			      "ipc, uts, user, cgroup or time)",
			      ptr, s);
	return 0;
}

static int check_nonempty(const char *s, const char *ptr, struct pctx *c)
{
	if (!*s)
		return hr_err(c->err, HR_E_INVALID, "%s: empty string", ptr);
	return 0;
}

/* A file system type as /proc/filesystems spells it. */
static int check_fstype(const char *s, const char *ptr, struct pctx *c)
{
	for (const char *q = s; *q; q++)
		if (!(islower((unsigned char)*q) || isdigit((unsigned char)*q) || strchr("._-", *q)))
			return hr_err(c->err, HR_E_INVALID,
				      "%s: `%s` is not a file system type (fix: a name from "
				      "/proc/filesystems, such as tmpfs)",
				      ptr, s);
	if (strcmp(s, "bind") == 0 || strcmp(s, "none") == 0)
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` is not a file system type: binds are judged by their "
			      "source (fix: remove it)",
			      ptr, s);
	return check_nonempty(s, ptr, c);
}

static int check_sysctl(const char *s, const char *ptr, struct pctx *c)
{
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("._-*?[]", *p)))
			return hr_err(c->err, HR_E_INVALID,
				      "%s: `%s` is not a sysctl name or pattern (fix: write it "
				      "with dots, like net.ipv4.ping_group_range)",
				      ptr, s);
	return check_nonempty(s, ptr, c);
}

static int check_syscall(const char *s, const char *ptr, struct pctx *c)
{
	if (c->trusted)
		return 0;
	if (!hr_seccomp_name_known(s))
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` is not a system call on any architecture libseccomp %u.%u "
			      "knows (fix: check the spelling; see syscalls(2))",
			      ptr, s, seccomp_version()->major, seccomp_version()->minor);
	return 0;
}

static unsigned ns_mask(char **names)
{
	unsigned m = 0;
	for (size_t i = 0; names && names[i]; i++)
		m |= 1u << hr_ns_from_name(names[i]);
	return m;
}

static const char *const top_keys[] = { "description", "extends", "user", "capabilities",
					"seccomp", "rootfs", "mounts", "namespaces",
					"resources", "rlimits", "maskedPaths", "readonlyPaths",
					"devices", "sysctl", "annotations", "mode", "modes",
					"troubleshooting", "image", "explain", "requireEnforced",
					"hooks", "userns", "process", "lsm", NULL };

static const char *const mode_names[] = { [HR_MODE_HARDEN] = "harden", [HR_MODE_WARN] = "warn",
					  [HR_MODE_REFUSE] = "refuse" };

const char *hr_mode_name(enum hr_mode m)
{
	return (unsigned)m < HR_ARRAY_SIZE(mode_names) ? mode_names[m] : "harden";
}

enum hr_mode hr_profile_mode(const struct hr_profile *p, size_t pass_index)
{
	return pass_index < HR_CONTROLS_MAX && p->has_mode[pass_index] ? p->modes[pass_index]
								       : p->mode;
}

enum hr_mode hr_profile_mode_of(const struct hr_profile *p, const char *control)
{
	for (size_t i = 0; i < hr_controls_count; i++)
		if (strcmp(hr_control_names[i], control) == 0)
			return hr_profile_mode(p, i);
	return p->mode;
}

static int mode_from(const cJSON *j, const char *ptr, struct pctx *c, enum hr_mode *out)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(mode_names); i++)
		if (cJSON_IsString(j) && strcmp(j->valuestring, mode_names[i]) == 0) {
			*out = (enum hr_mode)i;
			return 0;
		}
	return hr_err(c->err, HR_E_INVALID, "%s: expected \"harden\", \"warn\" or \"refuse\"", ptr);
}

static int parse_modes(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	cJSON *mode, *modes;
	int r;

	/* Both optional: every control hardens unless told otherwise. */
	if ((r = hr_json_get(doc, "mode", "", &mode, c->err)) < 0 ||
	    (r = hr_json_get(doc, "modes", "", &modes, c->err)) < 0)
		return r;
	if (mode && (r = mode_from(mode, "/mode", c, &p->mode)) < 0)
		return r;
	if (!modes)
		return 0;
	if (!cJSON_IsObject(modes))
		return hr_err(c->err, HR_E_INVALID, "/modes: expected an object of control: mode");
	for (const cJSON *m = modes->child; m; m = m->next) {
		_cleanup_free_ char *ptr = hr_json_ptr("/modes", m->string);
		size_t i;
		char list[512] = "";

		for (i = 0; i < hr_controls_count; i++) {
			if (strcmp(hr_control_names[i], m->string) == 0)
				break;
			if (strlen(list) + strlen(hr_control_names[i]) + 3 < sizeof list)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
					 i ? ", " : "", hr_control_names[i]);
		}
		if (i == hr_controls_count || i >= HR_CONTROLS_MAX)
			return hr_err(c->err, HR_E_INVALID,
				      "%s: unknown control (fix: use one of: %s)", ptr, list);
		if ((r = mode_from(m, ptr, c, &p->modes[i])) < 0)
			return r;
		p->has_mode[i] = true;
	}
	return 0;
}

static int parse_user(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "uid", "gid", "allowRoot", "umask", NULL };
	cJSON *o, *um;
	int64_t uid = 65534, gid = 65534;
	int r;

	if ((r = want_object(doc, "user", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/user", c)) < 0 ||
	    (r = want_int(o, "uid", "/user", c, 1, 4294967294.0, &uid)) < 0 ||
	    (r = want_int(o, "gid", "/user", c, 1, 4294967294.0, &gid)) < 0 ||
	    (r = want_bool(o, "allowRoot", "/user", c, &p->user.allow_root)) < 0 ||
	    (r = member(o, "umask", "/user", c, &um)) < 0)
		return r;
	p->user.uid = (uint32_t)uid;
	p->user.gid = (uint32_t)gid;
	if (um) {
		char *end = NULL;
		long v = -1;
		if (cJSON_IsString(um) && um->valuestring[0] == '0') {
			errno = 0;
			v = strtol(um->valuestring, &end, 8);
			if (errno || *end)
				v = -1;
		}
		if (v < 0 || v > 0777)
			return hr_err(c->err, HR_E_INVALID,
				      "/user/umask: expected an octal string such as \"0027\"");
		p->user.umask = (uint32_t)v;
	}
	return 0;
}

static int parse_caps(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "allow", "ambient", NULL };
	_cleanup_strv_ char **allow = NULL;
	cJSON *o;
	int r;

	if ((r = want_object(doc, "capabilities", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/capabilities", c)) < 0 ||
	    (r = want_strings(o, "allow", "/capabilities", c, check_cap, &allow)) < 0 ||
	    (r = want_bool(o, "ambient", "/capabilities", c, &p->caps.ambient)) < 0)
		return r;
	for (size_t i = 0; allow && allow[i]; i++)
		p->caps.allow |= UINT64_C(1) << hr_cap_from_name(allow[i]);
	return 0;
}

static int parse_seccomp(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "defaultAction", "defaultErrno", "architectures",
					    "allow", "rules", "import", NULL };
	_cleanup_strv_ char **archs = NULL, **allow = NULL;
	cJSON *o, *act, *eno, *rules;
	int r;

	if ((r = want_object(doc, "seccomp", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/seccomp", c)) < 0)
		return r;
	{
		cJSON *imp = cJSON_GetObjectItemCaseSensitive(o, "import");
		if (imp) {
			/* The loader replaces "import" by what it resolves to. */
			if (!c->partial || !cJSON_IsString(imp) || !imp->valuestring[0])
				return hr_err(c->err, HR_E_INVALID,
					      "/seccomp/import: expected the path of a Docker-format "
					      "seccomp profile");
			if (cJSON_GetObjectItemCaseSensitive(o, "defaultAction") ||
			    cJSON_GetObjectItemCaseSensitive(o, "defaultErrno") ||
			    cJSON_GetObjectItemCaseSensitive(o, "allow") ||
			    cJSON_GetObjectItemCaseSensitive(o, "rules"))
				return hr_err(c->err, HR_E_INVALID,
					      "/seccomp: import supplies defaultAction, "
					      "defaultErrno, allow and rules (fix: change them in a "
					      "profile that extends this one)");
		}
	}
	if ((r = member(o, "defaultAction", "/seccomp", c, &act)) < 0 ||
	    (r = member(o, "defaultErrno", "/seccomp", c, &eno)) < 0 ||
	    (r = want_strings(o, "architectures", "/seccomp", c, check_nonempty, &archs)) < 0 ||
	    (r = want_strings(o, "allow", "/seccomp", c, check_syscall, &allow)) < 0 ||
	    (r = member(o, "rules", "/seccomp", c, &rules)) < 0)
		return r;
	if (act) {
		int a = cJSON_IsString(act) ? hr_seccomp_action_from_name(act->valuestring) : -1;
		if (a < 0 || !hr_seccomp_action_denies(a))
			return hr_err(c->err, HR_E_INVALID,
				      "/seccomp/defaultAction: a profile is an allowlist, so the "
				      "default must deny (fix: use SCMP_ACT_ERRNO, "
				      "SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL "
				      "or SCMP_ACT_TRAP)");
		p->seccomp.default_action = hr_xstrdup(act->valuestring);
	}
	if (eno) {
		int e = cJSON_IsString(eno) ? hr_errno_from_name(eno->valuestring)
		      : cJSON_IsNumber(eno) && eno->valuedouble >= 1 && eno->valuedouble <= 4095 &&
				      eno->valuedouble == hr_floor(eno->valuedouble)
			      ? (int)eno->valuedouble
			      : -1;
		if (e < 0)
			return hr_err(c->err, HR_E_INVALID,
				      "/seccomp/defaultErrno: expected an errno name such as "
				      "\"EPERM\" or a number from 1 to 4095");
		p->seccomp.default_errno = e;
	}
	if (archs) {
		size_t n = hr_strv_len(archs);
		if (n == 0)
			return hr_err(c->err, HR_E_INVALID,
				      "/seccomp/architectures: empty (fix: use [\"native\"])");
		p->seccomp.arch_names = hr_xcalloc(n + 1, sizeof(char *));
		p->seccomp.arch_tokens = hr_xcalloc(n, sizeof(uint32_t));
		for (size_t i = 0; i < n; i++) {
			const char *oci = NULL;
			uint32_t tok = hr_seccomp_arch_from_name(archs[i], &oci);
			if (!tok)
				return hr_err(c->err, HR_E_INVALID,
					      "/seccomp/architectures/%zu: `%s` is not an "
					      "architecture libseccomp knows (fix: use \"native\" or "
					      "a name like SCMP_ARCH_X86_64)",
					      i, archs[i]);
			bool dup = false;
			for (size_t k = 0; k < p->seccomp.n_arch; k++)
				dup |= p->seccomp.arch_tokens[k] == tok;
			if (dup)
				continue;
			p->seccomp.arch_tokens[p->seccomp.n_arch] = tok;
			p->seccomp.arch_names[p->seccomp.n_arch++] = hr_xstrdup(oci);
		}
	}
	if (allow) {
		size_t n = hr_strv_len(allow);
		hr_strv_sort(allow, n);
		p->seccomp.allow = HR_TAKE_PTR(allow);
		p->seccomp.n_allow = n;
	}
	if (rules) {
		if (!c->trusted && (r = hr_seccomp_rules_check(rules, "/seccomp/rules", c->err)) < 0)
			return r;
		p->seccomp.rules = cJSON_Duplicate(rules, true);
	}
	return 0;
}

static int check_tmpfs_options(const char *opts, struct pctx *c)
{
	static const char *const fs_specific[] = { "size", "mode", "nr_inodes", "nr_blocks",
						   "uid", "gid", "huge", "mpol", NULL };
	const struct hr_mount_options *mnt = c->mnt;
	char *str = (char *)opts, *name, *value;
	size_t namesz, valuesz;
	bool has_size = false;
	int r;

	if (c->trusted)
		return 0;
	/* Fail closed: options that cannot be checked are not accepted. */
	if (!mnt)
		return hr_err(c->err, HR_E_INVALID,
			      "/rootfs/tmpfsOptions: cannot be checked without the host's table "
			      "of mount options");
	if ((r = mnt->ready(c->err)) < 0)
		return hr_err_prefix(c->err, r, "/rootfs/tmpfsOptions: cannot be checked");
	while ((r = mnt->next(&str, &name, &namesz, &value, &valuesz)) == 0) {
		char n[64];
		bool known;

		if (namesz >= sizeof n)
			goto bad;
		memcpy(n, name, namesz);
		n[namesz] = '\0';
		if (strcmp(n, "suid") == 0 || strcmp(n, "dev") == 0)
			return hr_err(c->err, HR_E_INVALID,
				      "/rootfs/tmpfsOptions: `%s` contradicts nosuid,nodev, which "
				      "hardrun always sets (fix: remove it)",
				      n);
		known = mnt->known(n, namesz);
		for (size_t i = 0; fs_specific[i]; i++)
			if (strcmp(fs_specific[i], n) == 0)
				known = true;
		if (!known) {
			return hr_err(c->err, HR_E_INVALID,
				      "/rootfs/tmpfsOptions: `%s` is not a mount option libmount "
				      "or tmpfs knows (fix: see mount(8) and tmpfs(5))",
				      n);
		}
		if (strcmp(n, "size") == 0) {
			char v[64];
			if (!value || valuesz == 0 || valuesz >= sizeof v)
				goto bad;
			memcpy(v, value, valuesz);
			v[valuesz] = '\0';
			if (hr_parse_size(v) <= 0)
				return hr_err(c->err, HR_E_INVALID,
					      "/rootfs/tmpfsOptions: size=%s is not a size (fix: "
					      "write it like size=64m)",
					      v);
			has_size = true;
		}
	}
	if (r < 0)
		goto bad;
	if (!has_size)
		return hr_err(c->err, HR_E_INVALID,
			      "/rootfs/tmpfsOptions: no size= (fix: add one, e.g. size=64m; an "
			      "unbounded tmpfs can fill the host's memory)");
	return 0;
bad:
	return hr_err(c->err, HR_E_INVALID,
		      "/rootfs/tmpfsOptions: `%s` is not a mount option string (fix: write "
		      "it like \"nosuid,nodev,noexec,mode=1777,size=64m\")",
		      opts);
}

static int parse_rootfs(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "readonly", "writable", "tmpfsOptions", NULL };
	cJSON *o, *t;
	int r;

	if ((r = want_object(doc, "rootfs", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/rootfs", c)) < 0 ||
	    (r = want_bool(o, "readonly", "/rootfs", c, &p->rootfs.readonly)) < 0 ||
	    (r = want_strings(o, "writable", "/rootfs", c, check_abs_path, &p->rootfs.writable)) <
		    0 ||
	    (r = member(o, "tmpfsOptions", "/rootfs", c, &t)) < 0)
		return r;
	if (t) {
		if (!cJSON_IsString(t))
			return hr_err(c->err, HR_E_INVALID, "/rootfs/tmpfsOptions: expected a string");
		if ((r = check_tmpfs_options(t->valuestring, c)) < 0)
			return r;
		p->rootfs.tmpfs_options = hr_xstrdup(t->valuestring);
	}
	return 0;
}

static int parse_mounts(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "deniedSources",  "allowedSources", "writableSources",
					    "deniedTypes",    "allowedTypes",   "deviceSources",
					    "allowedSockets", NULL };
	cJSON *o;
	int r;

	if ((r = want_object(doc, "mounts", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/mounts", c)) < 0 ||
	    (r = want_strings(o, "deniedSources", "/mounts", c, check_abs_path,
			      &p->mounts.denied_sources)) < 0 ||
	    (r = want_strings(o, "allowedSources", "/mounts", c, check_source_pattern,
			      &p->mounts.allowed_sources)) < 0 ||
	    (r = want_strings(o, "writableSources", "/mounts", c, check_source_pattern,
			      &p->mounts.writable_sources)) < 0 ||
	    (r = want_strings(o, "deniedTypes", "/mounts", c, check_nonempty,
			      &p->mounts.denied_types)) < 0 ||
	    (r = want_strings(o, "allowedTypes", "/mounts", c, check_fstype,
			      &p->mounts.allowed_types)) < 0 ||
	    (r = want_strings(o, "deviceSources", "/mounts", c, check_source_pattern,
			      &p->mounts.device_sources)) < 0 ||
	    (r = want_strings(o, "allowedSockets", "/mounts", c, check_source_pattern,
			      &p->mounts.allowed_sockets)) < 0)
		return r;
	return 0;
}

static int parse_hooks(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "trusted", NULL };
	cJSON *o;
	int r;

	if ((r = want_object(doc, "hooks", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/hooks", c)) < 0)
		return r;
	return want_strings(o, "trusted", "/hooks", c, check_source_pattern, &p->hooks.trusted);
}

/* "FIRST-LAST": an inclusive range of host ids. */
static int parse_id_range(const char *s, struct hr_id_range *out)
{
	unsigned long long a, b;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	a = strtoull(s, &end, 10);
	if (errno || *end != '-' || !isdigit((unsigned char)end[1]))
		return -1;
	b = strtoull(end + 1, &end, 10);
	if (errno || *end || a > b || b > UINT32_MAX)
		return -1;
	*out = (struct hr_id_range){ (uint32_t)a, (uint32_t)b };
	return 0;
}

static int check_id_range(const char *s, const char *ptr, struct pctx *c)
{
	struct hr_id_range r;

	if (parse_id_range(s, &r) < 0)
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` is not a range of host ids (fix: write it like "
			      "\"65536-4294967294\")",
			      ptr, s);
	return 0;
}

/*
 * Capabilities that a user namespace does not make harmless: they act on
 * what belongs to the whole host (modules, raw I/O, the clock, the
 * kernel's log and audit, BPF, security modules) or, as CAP_SYS_ADMIN,
 * open most of the kernel's attack surface to the container.
 */
static const char *const not_inside[] = {
	"CAP_SYS_ADMIN",      "CAP_SYS_MODULE",	    "CAP_SYS_RAWIO", "CAP_SYS_BOOT",
	"CAP_SYS_TIME",	      "CAP_MAC_ADMIN",	    "CAP_MAC_OVERRIDE", "CAP_BPF",
	"CAP_PERFMON",	      "CAP_SYSLOG",	    "CAP_AUDIT_CONTROL", "CAP_AUDIT_READ",
	"CAP_BLOCK_SUSPEND",  "CAP_WAKE_ALARM",	    "CAP_LINUX_IMMUTABLE", "CAP_SYS_RESOURCE",
	"CAP_SYS_PACCT",      "CAP_SYS_TTY_CONFIG", "CAP_CHECKPOINT_RESTORE", NULL,
};

static int check_inside_cap(const char *s, const char *ptr, struct pctx *c)
{
	static uint64_t outside;
	static bool known;
	int r = check_cap(s, ptr, c), v;

	if (r < 0 || c->trusted)
		return r;
	for (size_t i = 0; !known && not_inside[i]; i++)
		if ((v = hr_cap_from_name(not_inside[i])) >= 0)
			outside |= UINT64_C(1) << v;
	known = true;
	if ((v = hr_cap_from_name(s)) >= 0 && (outside & (UINT64_C(1) << v)))
		return hr_err(c->err, HR_E_INVALID,
			      "%s: `%s` is not kept inside a user namespace: it acts on the "
			      "whole host, which the namespace does not change (fix: remove "
			      "it; a workload that needs it cannot run in a container)",
			      ptr, s);
	return 0;
}

static int parse_userns(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "enabled", "allowRoot", "capabilities", "hostRanges",
					    NULL };
	_cleanup_strv_ char **ranges = NULL, **caps = NULL;
	cJSON *o;
	int r;

	if ((r = want_object(doc, "userns", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/userns", c)) < 0 ||
	    (r = want_bool(o, "enabled", "/userns", c, &p->userns.enabled)) < 0 ||
	    (r = want_bool(o, "allowRoot", "/userns", c, &p->userns.allow_root)) < 0 ||
	    (r = want_strings(o, "capabilities", "/userns", c, check_inside_cap, &caps)) < 0 ||
	    (r = want_strings(o, "hostRanges", "/userns", c, check_id_range, &ranges)) < 0)
		return r;
	if (caps) {
		p->userns.caps = 0;
		for (size_t i = 0; caps[i]; i++)
			p->userns.caps |= UINT64_C(1) << hr_cap_from_name(caps[i]);
	}
	if (!ranges)
		return 0;
	free(p->userns.host_ranges);
	p->userns.n_host_ranges = hr_strv_len(ranges);
	p->userns.host_ranges = hr_xcalloc(p->userns.n_host_ranges + 1, sizeof *p->userns.host_ranges);
	for (size_t i = 0; i < p->userns.n_host_ranges; i++)
		(void)parse_id_range(ranges[i], &p->userns.host_ranges[i]);
	return 0;
}

static int parse_process(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "oomScoreAdjMin", "niceMin", "realtime", "restore",
					    NULL };
	cJSON *o;
	int r;

	if ((r = want_object(doc, "process", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/process", c)) < 0 ||
	    (r = want_int(o, "oomScoreAdjMin", "/process", c, -1000, 1000,
			  &p->process.oom_score_adj_min)) < 0 ||
	    (r = want_int(o, "niceMin", "/process", c, -20, 19, &p->process.nice_min)) < 0 ||
	    (r = want_bool(o, "realtime", "/process", c, &p->process.realtime)) < 0 ||
	    (r = want_bool(o, "restore", "/process", c, &p->process.restore)) < 0)
		return r;
	return 0;
}

static int parse_lsm(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "allowUnconfined", NULL };
	cJSON *o;
	int r;

	if ((r = want_object(doc, "lsm", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/lsm", c)) < 0)
		return r;
	return want_bool(o, "allowUnconfined", "/lsm", c, &p->lsm.allow_unconfined);
}

static int parse_namespaces(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "required", "allowHost", "allowJoin", NULL };
	_cleanup_strv_ char **req = NULL, **host = NULL, **join = NULL;
	cJSON *o;
	int r;

	if ((r = want_object(doc, "namespaces", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/namespaces", c)) < 0 ||
	    (r = want_strings(o, "required", "/namespaces", c, check_ns, &req)) < 0 ||
	    (r = want_strings(o, "allowHost", "/namespaces", c, check_ns, &host)) < 0 ||
	    (r = want_strings(o, "allowJoin", "/namespaces", c, check_ns, &join)) < 0)
		return r;
	p->ns.required = ns_mask(req);
	p->ns.allow_host = ns_mask(host);
	p->ns.allow_join = ns_mask(join) | p->ns.allow_host;
	if (p->ns.required & p->ns.allow_host)
		return hr_err(c->err, HR_E_INVALID,
			      "/namespaces: a type is both required and allowed from the host "
			      "(fix: list it in only one of required and allowHost)");
	return 0;
}

static int parse_resources(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "memory", "pids", "cpuShares", "hugepages", NULL };
	cJSON *o, *m, *h;
	int r;

	if ((r = want_object(doc, "resources", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/resources", c)) < 0 ||
	    (r = member(o, "memory", "/resources", c, &m)) < 0 ||
	    (r = want_int(o, "pids", "/resources", c, 1, 4194304, &p->resources.pids)) < 0 ||
	    (r = want_int(o, "cpuShares", "/resources", c, 2, 262144,
			  &p->resources.cpu_shares)) < 0 ||
	    (r = member(o, "hugepages", "/resources", c, &h)) < 0)
		return r;
	if (h) {
		int64_t v = cJSON_IsString(h) ? hr_parse_size(h->valuestring)
			  : cJSON_IsNumber(h) && h->valuedouble == hr_floor(h->valuedouble) &&
					  h->valuedouble >= 0 && h->valuedouble <= 9.0e18
				  ? (int64_t)h->valuedouble
				  : -1;
		if (v < 0)
			return hr_err(c->err, HR_E_INVALID,
				      "/resources/hugepages: expected a size, such as \"0\" or "
				      "\"1G\" (per huge page size)");
		p->resources.hugepages = v;
	}
	if (m) {
		/* A number is converted only within int64_t's range: beyond it
		 * the conversion is undefined (x86 gives INT64_MIN, refused
		 * below; arm64 saturates to INT64_MAX, which would be no limit
		 * at all). The same bound as hugepages'. */
		int64_t v = cJSON_IsString(m) ? hr_parse_size(m->valuestring)
			    : cJSON_IsNumber(m) && m->valuedouble == hr_floor(m->valuedouble) &&
					    m->valuedouble >= 0 && m->valuedouble <= 9.0e18
				    ? (int64_t)m->valuedouble
				    : -1;
		if (v < (INT64_C(6) << 20))
			return hr_err(
				c->err, HR_E_INVALID,
				"/resources/memory: expected a size of at least 6M and at most "
				"8E, such as \"512M\" (runc cannot start a container below 6M)");
		p->resources.memory = v;
	}
	return 0;
}

static int parse_rlimits(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "core",   "nofile", "nproc",    "memlock",
					    "rtprio", "nice",	"msgqueue", NULL };
	cJSON *o;
	int r;

	if ((r = want_object(doc, "rlimits", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/rlimits", c)) < 0 ||
	    (r = want_int(o, "core", "/rlimits", c, 0, 9.0e18, &p->rlimits.core)) < 0 ||
	    (r = want_int(o, "nofile", "/rlimits", c, 16, 1048576, &p->rlimits.nofile)) < 0 ||
	    (r = want_int(o, "nproc", "/rlimits", c, 1, 4194304, &p->rlimits.nproc)) < 0 ||
	    (r = want_int(o, "memlock", "/rlimits", c, 0, 9.0e18, &p->rlimits.memlock)) < 0 ||
	    (r = want_int(o, "rtprio", "/rlimits", c, 0, 99, &p->rlimits.rtprio)) < 0 ||
	    (r = want_int(o, "nice", "/rlimits", c, 0, 40, &p->rlimits.nice)) < 0 ||
	    (r = want_int(o, "msgqueue", "/rlimits", c, 0, 9.0e18, &p->rlimits.msgqueue)) < 0)
		return r;
	return 0;
}

static int parse_dev_number(const cJSON *e, const char *key, const char *ptr, bool star,
			    struct pctx *c, int64_t *out)
{
	cJSON *j = cJSON_GetObjectItemCaseSensitive(e, key);

	if (star && cJSON_IsString(j) && strcmp(j->valuestring, "*") == 0) {
		*out = -1;
		return 0;
	}
	if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > 4294967295.0 ||
	    j->valuedouble != hr_floor(j->valuedouble))
		return hr_err(c->err, HR_E_INVALID, "%s/%s: expected a device number%s", ptr, key,
			      star ? " or \"*\"" : "");
	*out = (int64_t)j->valuedouble;
	return 0;
}

static int parse_dev_type(const cJSON *e, const char *ptr, const char *allowed,
			  struct pctx *c, char *out)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "type");

	if (!cJSON_IsString(t) || strlen(t->valuestring) != 1 ||
	    !strchr(allowed, t->valuestring[0]))
		return hr_err(c->err, HR_E_INVALID, "%s/type: expected one of \"%s\" (as letters)",
			      ptr, allowed);
	*out = t->valuestring[0];
	return 0;
}

static int parse_devices(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	static const char *const keys[] = { "allow", "cgroupAllow", NULL };
	static const char *const dev_keys[] = { "path", "type", "major", "minor", NULL };
	static const char *const rule_keys[] = { "type", "major", "minor", "access", NULL };
	cJSON *o, *allow, *cg;
	size_t i;
	int r;

	if ((r = want_object(doc, "devices", "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, "/devices", c)) < 0 ||
	    (r = member(o, "allow", "/devices", c, &allow)) < 0 ||
	    (r = member(o, "cgroupAllow", "/devices", c, &cg)) < 0)
		return r;
	if (allow) {
		if (!cJSON_IsArray(allow))
			return hr_err(c->err, HR_E_INVALID, "/devices/allow: expected an array");
		p->devices = hr_xcalloc((size_t)cJSON_GetArraySize(allow) + 1, sizeof *p->devices);
		i = 0;
		for (cJSON *e = allow->child; e; e = e->next, i++) {
			_cleanup_free_ char *ptr = hr_json_ptr_index("/devices/allow", i);
			struct hr_device *d = &p->devices[p->n_devices];
			cJSON *path = cJSON_GetObjectItemCaseSensitive(e, "path");

			if (!cJSON_IsObject(e))
				return hr_err(c->err, HR_E_INVALID, "%s: expected an object", ptr);
			if ((r = check_keys(e, dev_keys, ptr, c)) < 0)
				return r;
			if (!cJSON_IsString(path) || strncmp(path->valuestring, "/dev/", 5) != 0)
				return hr_err(c->err, HR_E_INVALID,
					      "%s/path: expected a path under /dev/", ptr);
			if ((r = parse_dev_type(e, ptr, "cb", c, &d->type)) < 0 ||
			    (r = parse_dev_number(e, "major", ptr, false, c, &d->major)) < 0 ||
			    (r = parse_dev_number(e, "minor", ptr, false, c, &d->minor)) < 0)
				return r;
			d->path = hr_xstrdup(path->valuestring);
			p->n_devices++;
		}
	}
	if (cg) {
		if (!cJSON_IsArray(cg))
			return hr_err(c->err, HR_E_INVALID, "/devices/cgroupAllow: expected an array");
		p->dev_cgroup = hr_xcalloc((size_t)cJSON_GetArraySize(cg) + 1, sizeof *p->dev_cgroup);
		i = 0;
		for (cJSON *e = cg->child; e; e = e->next, i++) {
			_cleanup_free_ char *ptr = hr_json_ptr_index("/devices/cgroupAllow", i);
			struct hr_devrule *d = &p->dev_cgroup[p->n_dev_cgroup];
			cJSON *acc = cJSON_GetObjectItemCaseSensitive(e, "access");

			if (!cJSON_IsObject(e))
				return hr_err(c->err, HR_E_INVALID, "%s: expected an object", ptr);
			if ((r = check_keys(e, rule_keys, ptr, c)) < 0 ||
			    (r = parse_dev_type(e, ptr, "cb", c, &d->type)) < 0 ||
			    (r = parse_dev_number(e, "major", ptr, true, c, &d->major)) < 0 ||
			    (r = parse_dev_number(e, "minor", ptr, true, c, &d->minor)) < 0)
				return r;
			if (!cJSON_IsString(acc) || !*acc->valuestring ||
			    strlen(acc->valuestring) > 3 ||
			    strspn(acc->valuestring, "rwm") != strlen(acc->valuestring))
				return hr_err(c->err, HR_E_INVALID,
					      "%s/access: expected letters from \"rwm\"", ptr);
			if (d->major < 0)
				return hr_err(c->err, HR_E_INVALID,
					      "%s/major: a wildcard major number allows every "
					      "driver (fix: name the major number)",
					      ptr);
			memcpy(d->access, acc->valuestring, strlen(acc->valuestring) + 1);
			p->n_dev_cgroup++;
		}
	}
	return 0;
}

static int parse_allow_list(const cJSON *doc, const char *section, item_check_fn check,
			    struct pctx *c, char ***out)
{
	static const char *const keys[] = { "allow", NULL };
	_cleanup_free_ char *where = hr_json_ptr("", section);
	cJSON *o;
	int r;

	if ((r = want_object(doc, section, "", c, &o)) < 0 || !o)
		return r;
	if ((r = check_keys(o, keys, where, c)) < 0)
		return r;
	return want_strings(o, "allow", where, c, check, out);
}

static int parse_meta(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	cJSON *desc, *ext, *t;
	int r;

	if ((r = member(doc, "description", "", c, &desc)) < 0)
		return r;
	if (desc && (!cJSON_IsString(desc) || !*desc->valuestring))
		return hr_err(c->err, HR_E_INVALID,
			      "/description: expected a non-empty string saying what the profile "
			      "is for");
	ext = cJSON_GetObjectItemCaseSensitive(doc, "extends");
	if (ext && (!cJSON_IsString(ext) || !*ext->valuestring))
		return hr_err(c->err, HR_E_INVALID, "/extends: expected the name of a profile");
	t = cJSON_GetObjectItemCaseSensitive(doc, "troubleshooting");
	if (t && !cJSON_IsBool(t))
		return hr_err(c->err, HR_E_INVALID, "/troubleshooting: expected true or false");
	p->troubleshooting = cJSON_IsTrue(t);
	t = cJSON_GetObjectItemCaseSensitive(doc, "explain");
	if (t && !cJSON_IsBool(t))
		return hr_err(c->err, HR_E_INVALID, "/explain: expected true or false");
	p->explain = cJSON_IsTrue(t);
	t = cJSON_GetObjectItemCaseSensitive(doc, "requireEnforced");
	if (t && !cJSON_IsBool(t))
		return hr_err(c->err, HR_E_INVALID, "/requireEnforced: expected true or false");
	p->require_enforced = cJSON_IsTrue(t);
	if (desc)
		p->description = hr_xstrdup(desc->valuestring);
	return 0;
}

static int parse_paths(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	int r = want_strings(doc, "maskedPaths", "", c, check_abs_path, &p->masked_paths);
	return r < 0 ? r : want_strings(doc, "readonlyPaths", "", c, check_abs_path,
					&p->readonly_paths);
}

static int parse_sysctl(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	return parse_allow_list(doc, "sysctl", check_sysctl, c, &p->sysctl_allow);
}

static int parse_annotations(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	return parse_allow_list(doc, "annotations", check_nonempty, c, &p->annotations_allow);
}

static int parse_image(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	return hr_image_policy_parse(doc, c->partial, &p->image, c->err);
}

static int parse_consistency(const cJSON *doc, struct pctx *c, struct hr_profile *p)
{
	(void)doc;
	if (!c->partial && p->rootfs.readonly && p->rootfs.writable && p->rootfs.writable[0] &&
	    hr_strv_contains(p->mounts.denied_types, "tmpfs"))
		return hr_err(c->err, HR_E_INVALID,
			      "/mounts/deniedTypes: lists tmpfs, but /rootfs/writable needs a "
			      "tmpfs for each path (fix: remove tmpfs from deniedTypes, or the "
			      "writable paths)");
	return 0;
}

/* Each section of the language, checked on its own; the last one looks
 * across sections. */
static int (*const sections[])(const cJSON *doc, struct pctx *c, struct hr_profile *p) = {
	parse_meta,	  parse_user,	     parse_caps,    parse_seccomp,    parse_rootfs,
	parse_mounts,	  parse_namespaces, parse_resources, parse_rlimits,   parse_paths,
	parse_devices,	  parse_sysctl,	     parse_annotations, parse_modes,   parse_image,
	parse_hooks,	  parse_userns,	     parse_process, parse_lsm,	      parse_consistency,
};

static struct hr_profile *new_profile(void)
{
	struct hr_profile *p = hr_xcalloc(1, sizeof *p);
	p->user.uid = p->user.gid = 65534;
	p->seccomp.default_errno = 1;
	return p;
}

static int parse_doc(const cJSON *doc, struct pctx *c, const char *name, const char *source,
		     struct hr_profile **ret);

int hr_profile_parse(const cJSON *doc, bool partial, const char *name, const char *source,
		     const struct hr_mount_options *mnt, struct hr_profile **ret, hr_error *err)
{
	struct pctx c = { .mnt = mnt, .partial = partial, .err = err };
	return parse_doc(doc, &c, name, source, ret);
}

int hr_profile_parse_trusted(const cJSON *doc, const char *name, const char *source,
			     struct hr_profile **ret, hr_error *err)
{
	struct pctx c = { .trusted = true, .err = err };
	return parse_doc(doc, &c, name, source, ret);
}

static int parse_doc(const cJSON *doc, struct pctx *c, const char *name, const char *source,
		     struct hr_profile **ret)
{
	hr_error *err = c->err;
	struct hr_profile *p;
	int r;

	if (!cJSON_IsObject(doc))
		return hr_err(err, HR_E_INVALID, "/: a profile is a JSON object");
	p = new_profile();
	if ((r = check_keys(doc, top_keys, "", c)) < 0)
		goto fail;
	for (size_t i = 0; i < HR_ARRAY_SIZE(sections); i++)
		if ((r = sections[i](doc, c, p)) < 0)
			goto fail;
	if (c->partial || !ret) {
		hr_profile_free(p);
		return 0;
	}
	p->name = hr_xstrdup(name ? name : "");
	p->source = hr_xstrdup(source ? source : "");
	*ret = p;
	return 0;
fail:
	hr_profile_free(p);
	return r;
}

size_t hr_profile_check(const cJSON *doc, bool partial, const struct hr_mount_options *mnt,
			char ***errors)
{
	size_t n = 0;
	hr_error err = { 0 };
	struct pctx c = { .mnt = mnt, .partial = partial, .err = &err };

	if (!cJSON_IsObject(doc)) {
		hr_strv_push(errors, "/: a profile is a JSON object");
		return 1;
	}
	/* Every unknown key, not just the first. */
	for (const cJSON *m = doc->child; m; m = m->next) {
		cJSON *one = cJSON_CreateObject();
		cJSON_AddItemToObject(one, m->string, cJSON_CreateNull());
		if (check_keys(one, top_keys, "", &c) < 0) {
			hr_strv_push(errors, err.msg);
			n++;
		}
		cJSON_Delete(one);
	}
	/* Every section, each reporting its first error. */
	for (size_t i = 0; i < HR_ARRAY_SIZE(sections); i++) {
		struct hr_profile *p = new_profile();
		if (sections[i](doc, &c, p) < 0) {
			hr_strv_push(errors, err.msg);
			n++;
		}
		hr_profile_free(p);
	}
	return n;
}

static bool strv_json_has(const cJSON *arr, const char *s)
{
	for (const cJSON *e = arr->child; e; e = e->next)
		if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
			return true;
	return false;
}

static bool is_delta(const cJSON *j)
{
	if (!cJSON_IsObject(j) || !j->child)
		return false;
	for (const cJSON *m = j->child; m; m = m->next)
		if (strcmp(m->string, "add") != 0 && strcmp(m->string, "remove") != 0)
			return false;
	return true;
}

static bool named_in_rules(const cJSON *rules, const char *name)
{
	for (const cJSON *r = rules ? rules->child : NULL; r; r = r->next)
		if (strv_json_has(cJSON_GetObjectItemCaseSensitive(r, "names"), name))
			return true;
	return false;
}

/* `rules`: for seccomp.allow, the base's rules, whose calls may be
 * removed too (see hr_profile_overlay). */
static int apply_delta(const cJSON *base, const cJSON *delta, const char *ptr,
		       const cJSON *rules, cJSON **ret, hr_error *err)
{
	const cJSON *add = cJSON_GetObjectItemCaseSensitive(delta, "add");
	const cJSON *rm = cJSON_GetObjectItemCaseSensitive(delta, "remove");
	cJSON *out;

	if (!cJSON_IsArray(base))
		return hr_err(err, HR_E_INVALID,
			      "%s: {\"add\", \"remove\"} changes a list, but the base profile has "
			      "no list here",
			      ptr);
	out = cJSON_Duplicate(base, true);
	for (const cJSON *r = rm ? rm->child : NULL; r; r = r->next) {
		bool found = false;
		cJSON *e = out->child;
		while (e) {
			cJSON *next = e->next;
			if (cJSON_IsString(e) && cJSON_IsString(r) &&
			    strcmp(e->valuestring, r->valuestring) == 0) {
				cJSON_Delete(cJSON_DetachItemViaPointer(out, e));
				found = true;
			}
			e = next;
		}
		if (!found && cJSON_IsString(r) && named_in_rules(rules, r->valuestring))
			found = true;
		if (!found) {
			cJSON_Delete(out);
			return hr_err(err, HR_E_INVALID,
				      "%s/remove: `%s` is not in the base profile's list (fix: "
				      "check the spelling, or drop it)",
				      ptr, cJSON_IsString(r) ? r->valuestring : "?");
		}
	}
	for (const cJSON *a = add ? add->child : NULL; a; a = a->next) {
		if (cJSON_IsString(a) && strv_json_has(out, a->valuestring))
			continue;
		cJSON_AddItemToArray(out, cJSON_Duplicate(a, true));
	}
	*ret = out;
	return 0;
}

static int overlay(const cJSON *base, const cJSON *child, const char *ptr, cJSON **ret,
		   hr_error *err)
{
	cJSON *out = cJSON_Duplicate(base, true);

	if (!out)
		abort();
	for (const cJSON *m = child->child; m; m = m->next) {
		cJSON *old = cJSON_GetObjectItemCaseSensitive(out, m->string);
		_cleanup_free_ char *mp = hr_json_ptr(ptr, m->string);
		cJSON *val = NULL;
		int r = 0;

		if (is_delta(m))
			r = apply_delta(old, m, mp,
					strcmp(mp, "/seccomp/allow") == 0
						? cJSON_GetObjectItemCaseSensitive(out, "rules")
						: NULL,
					&val, err);
		else if (old && cJSON_IsObject(old) && cJSON_IsObject(m))
			r = overlay(old, m, mp, &val, err);
		else
			val = cJSON_Duplicate(m, true);
		if (r < 0) {
			cJSON_Delete(out);
			return r;
		}
		hr_json_set(out, m->string, val);
	}
	*ret = out;
	return 0;
}

/*
 * A system call named in seccomp.allow's delta is governed by that delta
 * alone: the base's rules for it go. Otherwise a removed call would stay
 * allowed by a conditional rule of the base, and an added one would stay
 * denied by an errno rule (a filter applies one verdict per call).
 */
static void drop_from_rules(cJSON *rules, const cJSON *names)
{
	cJSON *r = rules ? rules->child : NULL;

	while (r) {
		cJSON *next = r->next;
		cJSON *rn = cJSON_GetObjectItemCaseSensitive(r, "names");
		cJSON *n = rn ? rn->child : NULL;
		while (n) {
			cJSON *nn = n->next;
			for (const cJSON *x = names ? names->child : NULL; x; x = x->next)
				if (cJSON_IsString(n) && cJSON_IsString(x) &&
				    strcmp(n->valuestring, x->valuestring) == 0) {
					cJSON_Delete(cJSON_DetachItemViaPointer(rn, n));
					break;
				}
			n = nn;
		}
		if (rn && !rn->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(rules, r));
		r = next;
	}
}

int hr_profile_overlay(const cJSON *base, const cJSON *child, cJSON **ret, hr_error *err)
{
	const cJSON *csc = cJSON_GetObjectItemCaseSensitive(child, "seccomp");
	const cJSON *callow = cJSON_GetObjectItemCaseSensitive(csc, "allow");
	int r = overlay(base, child, "", ret, err);

	if (r < 0 || !is_delta(callow) || cJSON_GetObjectItemCaseSensitive(csc, "rules"))
		return r;
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(*ret, "seccomp"), "rules");
	drop_from_rules(rules, cJSON_GetObjectItemCaseSensitive(callow, "remove"));
	drop_from_rules(rules, cJSON_GetObjectItemCaseSensitive(callow, "add"));
	return 0;
}

static cJSON *strv_json(char **v)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; v && v[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static cJSON *ns_json(unsigned mask)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < HR_NS__MAX; i++)
		if (mask & (1u << i))
			cJSON_AddItemToArray(a, cJSON_CreateString(ns_names[i]));
	return a;
}

/* "user" and "capabilities". */
static void user_to_json(cJSON *d, const struct hr_profile *p)
{
	cJSON *o, *a;
	char buf[16];

	o = cJSON_AddObjectToObject(d, "user");
	cJSON_AddNumberToObject(o, "uid", p->user.uid);
	cJSON_AddNumberToObject(o, "gid", p->user.gid);
	cJSON_AddBoolToObject(o, "allowRoot", p->user.allow_root);
	snprintf(buf, sizeof buf, "%04o", p->user.umask);
	cJSON_AddStringToObject(o, "umask", buf);

	o = cJSON_AddObjectToObject(d, "capabilities");
	a = cJSON_AddArrayToObject(o, "allow");
	for (int i = 0; i < 64; i++)
		if (p->caps.allow & (UINT64_C(1) << i)) {
			char *n = hr_cap_name(i);
			cJSON_AddItemToArray(a, cJSON_CreateString(n));
			free(n);
		}
	cJSON_AddBoolToObject(o, "ambient", p->caps.ambient);
}

/* "seccomp". */
static void seccomp_to_json(cJSON *d, const struct hr_profile *p)
{
	cJSON *o, *a;

	o = cJSON_AddObjectToObject(d, "seccomp");
	cJSON_AddStringToObject(o, "defaultAction", p->seccomp.default_action);
#ifdef HAVE_STRERRORNAME_NP
	if (strerrorname_np(p->seccomp.default_errno))
		cJSON_AddStringToObject(o, "defaultErrno", strerrorname_np(p->seccomp.default_errno));
	else
#endif
		cJSON_AddNumberToObject(o, "defaultErrno", p->seccomp.default_errno);
	cJSON_AddItemToObject(o, "architectures", strv_json(p->seccomp.arch_names));
	a = cJSON_AddArrayToObject(o, "allow");
	for (size_t i = 0; i < p->seccomp.n_allow; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(p->seccomp.allow[i]));
	cJSON_AddItemToObject(o, "rules", p->seccomp.rules ? cJSON_Duplicate(p->seccomp.rules, true)
							   : cJSON_CreateArray());
}

/* "rootfs", "mounts" and "hooks". */
static void files_to_json(cJSON *d, const struct hr_profile *p)
{
	cJSON *o;

	o = cJSON_AddObjectToObject(d, "rootfs");
	cJSON_AddBoolToObject(o, "readonly", p->rootfs.readonly);
	cJSON_AddItemToObject(o, "writable", strv_json(p->rootfs.writable));
	cJSON_AddStringToObject(o, "tmpfsOptions", p->rootfs.tmpfs_options);

	o = cJSON_AddObjectToObject(d, "mounts");
	cJSON_AddItemToObject(o, "deniedSources", strv_json(p->mounts.denied_sources));
	cJSON_AddItemToObject(o, "allowedSources", strv_json(p->mounts.allowed_sources));
	cJSON_AddItemToObject(o, "writableSources", strv_json(p->mounts.writable_sources));
	cJSON_AddItemToObject(o, "deniedTypes", strv_json(p->mounts.denied_types));
	cJSON_AddItemToObject(o, "allowedTypes", strv_json(p->mounts.allowed_types));
	cJSON_AddItemToObject(o, "deviceSources", strv_json(p->mounts.device_sources));
	cJSON_AddItemToObject(o, "allowedSockets", strv_json(p->mounts.allowed_sockets));

	o = cJSON_AddObjectToObject(d, "hooks");
	cJSON_AddItemToObject(o, "trusted", strv_json(p->hooks.trusted));
}

/* "userns", "process", "lsm" and "namespaces". */
static void process_to_json(cJSON *d, const struct hr_profile *p)
{
	cJSON *o, *a;

	o = cJSON_AddObjectToObject(d, "userns");
	cJSON_AddBoolToObject(o, "enabled", p->userns.enabled);
	cJSON_AddBoolToObject(o, "allowRoot", p->userns.allow_root);
	a = cJSON_AddArrayToObject(o, "capabilities");
	for (int i = 0; i < 64; i++)
		if (p->userns.caps & (UINT64_C(1) << i)) {
			char *n = hr_cap_name(i);
			cJSON_AddItemToArray(a, cJSON_CreateString(n));
			free(n);
		}
	a = cJSON_AddArrayToObject(o, "hostRanges");
	for (size_t i = 0; i < p->userns.n_host_ranges; i++) {
		char r[32];
		snprintf(r, sizeof r, "%u-%u", p->userns.host_ranges[i].first,
			 p->userns.host_ranges[i].last);
		cJSON_AddItemToArray(a, cJSON_CreateString(r));
	}

	o = cJSON_AddObjectToObject(d, "process");
	cJSON_AddNumberToObject(o, "oomScoreAdjMin", (double)p->process.oom_score_adj_min);
	cJSON_AddNumberToObject(o, "niceMin", (double)p->process.nice_min);
	cJSON_AddBoolToObject(o, "realtime", p->process.realtime);
	cJSON_AddBoolToObject(o, "restore", p->process.restore);

	o = cJSON_AddObjectToObject(d, "lsm");
	cJSON_AddBoolToObject(o, "allowUnconfined", p->lsm.allow_unconfined);

	o = cJSON_AddObjectToObject(d, "namespaces");
	cJSON_AddItemToObject(o, "required", ns_json(p->ns.required));
	cJSON_AddItemToObject(o, "allowHost", ns_json(p->ns.allow_host));
	cJSON_AddItemToObject(o, "allowJoin", ns_json(p->ns.allow_join & ~p->ns.allow_host));
}

/* "resources" and "rlimits". */
static void limits_to_json(cJSON *d, const struct hr_profile *p)
{
	cJSON *o;

	o = cJSON_AddObjectToObject(d, "resources");
	cJSON_AddNumberToObject(o, "memory", (double)p->resources.memory);
	cJSON_AddNumberToObject(o, "pids", (double)p->resources.pids);
	cJSON_AddNumberToObject(o, "cpuShares", (double)p->resources.cpu_shares);
	cJSON_AddNumberToObject(o, "hugepages", (double)p->resources.hugepages);

	o = cJSON_AddObjectToObject(d, "rlimits");
	cJSON_AddNumberToObject(o, "core", (double)p->rlimits.core);
	cJSON_AddNumberToObject(o, "nofile", (double)p->rlimits.nofile);
	cJSON_AddNumberToObject(o, "nproc", (double)p->rlimits.nproc);
	cJSON_AddNumberToObject(o, "memlock", (double)p->rlimits.memlock);
	cJSON_AddNumberToObject(o, "rtprio", (double)p->rlimits.rtprio);
	cJSON_AddNumberToObject(o, "nice", (double)p->rlimits.nice);
	cJSON_AddNumberToObject(o, "msgqueue", (double)p->rlimits.msgqueue);
}

/* "devices": the nodes, and the device cgroup's rules. */
static void devices_to_json(cJSON *d, const struct hr_profile *p)
{
	cJSON *o, *a;

	o = cJSON_AddObjectToObject(d, "devices");
	a = cJSON_AddArrayToObject(o, "allow");
	for (size_t i = 0; i < p->n_devices; i++) {
		cJSON *e = cJSON_CreateObject();
		char t[2] = { p->devices[i].type, 0 };
		cJSON_AddStringToObject(e, "path", p->devices[i].path);
		cJSON_AddStringToObject(e, "type", t);
		cJSON_AddNumberToObject(e, "major", (double)p->devices[i].major);
		cJSON_AddNumberToObject(e, "minor", (double)p->devices[i].minor);
		cJSON_AddItemToArray(a, e);
	}
	a = cJSON_AddArrayToObject(o, "cgroupAllow");
	for (size_t i = 0; i < p->n_dev_cgroup; i++) {
		const struct hr_devrule *r = &p->dev_cgroup[i];
		cJSON *e = cJSON_CreateObject();
		char t[2] = { r->type, 0 };
		cJSON_AddStringToObject(e, "type", t);
		cJSON_AddNumberToObject(e, "major", (double)r->major);
		if (r->minor < 0)
			cJSON_AddStringToObject(e, "minor", "*");
		else
			cJSON_AddNumberToObject(e, "minor", (double)r->minor);
		cJSON_AddStringToObject(e, "access", r->access);
		cJSON_AddItemToArray(a, e);
	}
}

cJSON *hr_profile_to_json(const struct hr_profile *p)
{
	cJSON *d = cJSON_CreateObject(), *o;

	cJSON_AddStringToObject(d, "description", p->description);
	user_to_json(d, p);
	seccomp_to_json(d, p);
	files_to_json(d, p);
	process_to_json(d, p);
	limits_to_json(d, p);
	cJSON_AddItemToObject(d, "maskedPaths", strv_json(p->masked_paths));
	cJSON_AddItemToObject(d, "readonlyPaths", strv_json(p->readonly_paths));
	devices_to_json(d, p);
	o = cJSON_AddObjectToObject(d, "sysctl");
	cJSON_AddItemToObject(o, "allow", strv_json(p->sysctl_allow));
	o = cJSON_AddObjectToObject(d, "annotations");
	cJSON_AddItemToObject(o, "allow", strv_json(p->annotations_allow));
	cJSON_AddStringToObject(d, "mode", hr_mode_name(p->mode));
	o = cJSON_AddObjectToObject(d, "modes");
	for (size_t i = 0; i < hr_controls_count && i < HR_CONTROLS_MAX; i++)
		if (p->has_mode[i])
			cJSON_AddStringToObject(o, hr_control_names[i], hr_mode_name(p->modes[i]));
	cJSON_AddBoolToObject(d, "troubleshooting", p->troubleshooting);
	cJSON_AddBoolToObject(d, "explain", p->explain);
	cJSON_AddBoolToObject(d, "requireEnforced", p->require_enforced);
	cJSON_AddItemToObject(d, "image", hr_image_policy_to_json(&p->image));
	return d;
}
