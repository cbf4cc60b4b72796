/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Can the container's user execute its entry point from this image? A
 * profile that changes the user (root to 65534) can leave an image whose
 * program only root may run, or one in a directory only root may enter:
 * the container would then fail with a bare "permission denied" from the
 * runtime. Looked at before it starts, the failure can say which file
 * and which permission. The lookup follows what runc does: a name
 * without a slash is searched in the process's PATH, skipping files that
 * are not executable; a script needs its #! interpreter and a dynamic
 * ELF program its loader (PT_INTERP), both inside the image.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hardrun/image.h"
#include "hardrun/rootfs.h"
#include "hardrun/json.h"
#include "internal.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void hr_exec_facts_done(struct hr_exec_facts *e)
{
	if (!e)
		return;
	free(e->program);
	free(e->path);
	free(e->detail);
	free(e->incomplete);
	e->program = e->path = e->detail = e->incomplete = NULL;
}

/* A resolution of the lookup, within its shared budget of steps; one the
 * budget (-E2BIG) or the image's deadline (-ETIME) stops is noted. */
static int resolve(const struct hr_rootfs *r, const char *path, const struct hr_identity *who,
		   size_t *steps, struct hr_exec_facts *out, struct hr_resolved *res)
{
	int rr = hr_rootfs_resolve_steps(r, path, who, steps, res);

	if (rr == -ETIME && !out->incomplete)
		out->incomplete = hr_xasprintf("stopped at %s: reading the image took too long", path);
	else if (rr == -E2BIG && *steps == 0 && !out->incomplete)
		out->incomplete = hr_xasprintf("stopped at %s: more than %u path components were "
					       "looked at",
					       path, HR_EXEC_MAX_STEPS);
	else if (rr == -E2BIG && !out->incomplete)
		out->incomplete = hr_xasprintf("did not resolve %s: deeper than %u directories, or "
					       "more than %u components through its links",
					       path, HR_RESOLVE_MAX_DEPTH, HR_RESOLVE_MAX_STEPS);
	return rr;
}

static void identity_of(const cJSON *process, struct hr_identity *who)
{
	const cJSON *user = cJSON_GetObjectItemCaseSensitive(process, "user");
	const cJSON *uid = cJSON_GetObjectItemCaseSensitive(user, "uid");
	const cJSON *gid = cJSON_GetObjectItemCaseSensitive(user, "gid");
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(user, "additionalGids");
	const cJSON *caps = cJSON_GetObjectItemCaseSensitive(process, "capabilities");
	const cJSON *eff = cJSON_GetObjectItemCaseSensitive(caps, "effective");

	*who = (struct hr_identity){ 0 };
	who->uid = cJSON_IsNumber(uid) ? (uint32_t)uid->valuedouble : 0;
	who->gid = cJSON_IsNumber(gid) ? (uint32_t)gid->valuedouble : 0;
	for (const cJSON *g = groups ? groups->child : NULL; g; g = g->next)
		if (cJSON_IsNumber(g) && who->n_groups < HR_ARRAY_SIZE(who->groups))
			who->groups[who->n_groups++] = (uint32_t)g->valuedouble;
	for (const cJSON *c = eff ? eff->child : NULL; c; c = c->next)
		if (cJSON_IsString(c) && strcmp(c->valuestring, "CAP_DAC_OVERRIDE") == 0)
			who->dac_override = true;
}

/* The spec's mount destinations, normalised once for every candidate. */
struct mounts {
	char **dest;
	const cJSON **m;
	size_t n;
};

static void mounts_of(const cJSON *spec, struct mounts *out)
{
	const cJSON *mounts = cJSON_GetObjectItemCaseSensitive(spec, "mounts");
	size_t n = (size_t)cJSON_GetArraySize(mounts);

	*out = (struct mounts){ hr_xcalloc(n + 1, sizeof *out->dest), hr_xcalloc(n + 1, sizeof *out->m), 0 };
	for (const cJSON *m = mounts ? mounts->child : NULL; m; m = m->next) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "destination");
		if (!cJSON_IsString(d) || out->n == n)
			continue;
		out->dest[out->n] = hr_path_normalize(d->valuestring);
		out->m[out->n++] = m;
	}
}

static void mounts_free(struct mounts *ms)
{
	for (size_t i = 0; i < ms->n; i++)
		free(ms->dest[i]);
	free(ms->dest);
	free(ms->m);
}

/* The mount of the spec that `path` lies on (its longest destination),
 * or NULL for the image itself. */
static const cJSON *mount_of(const struct mounts *ms, const char *path)
{
	const cJSON *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < ms->n; i++) {
		const char *n = ms->dest[i];
		if (strcmp(n, "/") != 0 && hr_path_is_under(path, n) && strlen(n) >= best_len) {
			best = ms->m[i];
			best_len = strlen(n);
		}
	}
	return best;
}

static bool has_option(const cJSON *m, const char *opt)
{
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");

	for (const cJSON *o = opts ? opts->child : NULL; o; o = o->next)
		if (cJSON_IsString(o) && strcmp(o->valuestring, opt) == 0)
			return true;
	return false;
}

/* A resolution that stopped for a bound says nothing of the file. */
static bool unknown(int rr)
{
	return rr == -ETIME || rr == -E2BIG;
}

/* The first bytes of a regular file in the image. */
static ssize_t head_of(const struct hr_resolved *res, char *buf, size_t cap)
{
	int fd = hr_image_open_regular(res->fd, &res->st);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = hr_image_read_fd(fd, buf, cap);
	(void)close(fd);
	return n;
}

static void set_problem(struct hr_exec_facts *out, enum hr_exec_problem p, const char *path,
			const char *detail, const struct stat *st)
{
	out->problem = p;
	free(out->path);
	out->path = path ? hr_xstrdup(path) : NULL;
	free(out->detail);
	out->detail = detail ? hr_xstrdup(detail) : NULL;
	if (st) {
		out->mode = st->st_mode;
		out->uid = st->st_uid;
		out->gid = st->st_gid;
	}
}

/* Judge the file `res` resolved to: regular, searchable path,
 * executable, and what it needs to start. */
static void judge(const struct hr_rootfs *r, const struct hr_resolved *res, size_t *steps,
		  struct hr_exec_facts *out)
{
	const struct hr_identity *who = &out->who;
	char buf[8192];
	ssize_t n;
	int rr;

	if (res->blocked) {
		set_problem(out, HR_EXEC_NO_SEARCH, res->path, res->blocked, &res->st);
		return;
	}
	if (!S_ISREG(res->st.st_mode)) {
		set_problem(out, HR_EXEC_NOT_REGULAR, res->path, NULL, &res->st);
		return;
	}
	if (!hr_identity_may(who, res->st.st_mode, res->st.st_uid, res->st.st_gid, X_OK)) {
		set_problem(out, HR_EXEC_NO_EXEC, res->path, NULL, &res->st);
		return;
	}
	set_problem(out, HR_EXEC_OK, res->path, NULL, &res->st);
	n = head_of(res, buf, sizeof buf - 1);
	if (n < 0)
		return;
	buf[n] = '\0';
	if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
		char *interp = buf + 2, *end;
		struct hr_resolved ir;
		while (*interp == ' ' || *interp == '\t')
			interp++;
		end = interp + strcspn(interp, " \t\r\n");
		*end = '\0';
		/* The kernel reads the script on the user's behalf. */
		if (!hr_identity_may(who, res->st.st_mode, res->st.st_uid, res->st.st_gid, R_OK)) {
			set_problem(out, HR_EXEC_NO_READ, res->path, NULL, &res->st);
			return;
		}
		if (!*interp)
			return;
		if ((rr = resolve(r, interp, who, steps, out, &ir)) < 0) {
			set_problem(out, unknown(rr) ? HR_EXEC_UNCHECKED : HR_EXEC_NO_INTERP, res->path,
				    interp, &res->st);
			return;
		}
		if (ir.blocked || !S_ISREG(ir.st.st_mode) ||
		    !hr_identity_may(who, ir.st.st_mode, ir.st.st_uid, ir.st.st_gid, X_OK))
			set_problem(out, HR_EXEC_NO_INTERP, res->path, interp, &res->st);
		hr_resolved_done(&ir);
		return;
	}
	{
		_cleanup_free_ char *loader = hr_elf_interp(buf, (size_t)n);
		struct hr_resolved lr;
		if (!loader)
			return;
		if ((rr = resolve(r, loader, who, steps, out, &lr)) < 0) {
			set_problem(out, unknown(rr) ? HR_EXEC_UNCHECKED : HR_EXEC_NO_INTERP, res->path,
				    loader, &res->st);
			return;
		}
		if (lr.blocked || !S_ISREG(lr.st.st_mode))
			set_problem(out, HR_EXEC_NO_INTERP, res->path, loader, &res->st);
		hr_resolved_done(&lr);
	}
}

int hr_exec_check(const struct hr_rootfs *r, const cJSON *spec, struct hr_exec_facts *out)
{
	const cJSON *process = cJSON_GetObjectItemCaseSensitive(spec, "process");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(process, "args");
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(process, "env");
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(process, "cwd");
	const cJSON *arg0 = args ? args->child : NULL;
	const char *path_env = DEFAULT_PATH;
	struct hr_strv_builder cands = { 0 };
	_cleanup_strv_ char **candidates = NULL;
	_cleanup_(mounts_free) struct mounts ms = { 0 };
	size_t steps = HR_EXEC_MAX_STEPS;

	*out = (struct hr_exec_facts){ .problem = HR_EXEC_UNCHECKED };
	if (!cJSON_IsString(arg0) || !arg0->valuestring[0])
		return 0;
	identity_of(process, &out->who);
	out->program = hr_xstrdup(arg0->valuestring);
	for (const cJSON *e = env ? env->child : NULL; e; e = e->next)
		if (cJSON_IsString(e) && strncmp(e->valuestring, "PATH=", 5) == 0)
			path_env = e->valuestring + 5;
	if (strchr(out->program, '/')) {
		const char *base = cJSON_IsString(cwd) ? cwd->valuestring : "/";
		char *p = out->program[0] == '/' ? hr_xstrdup(out->program)
						 : hr_xasprintf("%s/%s", base, out->program);
		hr_strvb_push(&cands, p);
		free(p);
	} else {
		/* PATH comes from the image's ENV: at most so many directories. */
		for (const char *d = path_env; *d;) {
			size_t n = strcspn(d, ":");
			if (n > 0) {
				if (cands.n == HR_EXEC_MAX_PATH_DIRS) {
					out->incomplete = hr_xasprintf(
						"searched only the first %u directories of PATH",
						HR_EXEC_MAX_PATH_DIRS);
					break;
				}
				char *p = hr_xasprintf("%.*s/%s", (int)n, d, out->program);
				hr_strvb_push(&cands, p);
				free(p);
			}
			d += n;
			if (*d == ':')
				d++;
		}
	}
	candidates = hr_strvb_take(&cands);
	mounts_of(spec, &ms);
	set_problem(out, HR_EXEC_NOT_FOUND, candidates[0], path_env, NULL);
	for (size_t i = 0; candidates[i]; i++) {
		_cleanup_free_ char *lexical = hr_path_normalize(candidates[i]);
		struct hr_resolved res;
		const cJSON *m = mount_of(&ms, lexical);
		int rr;

		if (m) {
			/* Not the image's file: a volume, a tmpfs. */
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "destination");
			if (has_option(m, "noexec"))
				set_problem(out, HR_EXEC_NOEXEC_MOUNT, lexical, d->valuestring, NULL);
			else
				set_problem(out, HR_EXEC_UNCHECKED, lexical, d->valuestring, NULL);
			return 0;
		}
		rr = resolve(r, candidates[i], &out->who, &steps, out, &res);
		if (rr < 0) {
			if (unknown(rr)) {
				/* Not found is not known: say nothing but that. */
				set_problem(out, HR_EXEC_UNCHECKED, NULL, NULL, NULL);
				return 0;
			}
			continue;
		}
		if ((m = mount_of(&ms, res.path))) {
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "destination");
			set_problem(out, has_option(m, "noexec") ? HR_EXEC_NOEXEC_MOUNT : HR_EXEC_UNCHECKED,
				    res.path, d->valuestring, NULL);
			hr_resolved_done(&res);
			return 0;
		}
		judge(r, &res, &steps, out);
		hr_resolved_done(&res);
		/* A PATH search goes on past what the user cannot execute. */
		if (out->problem == HR_EXEC_OK || strchr(out->program, '/'))
			return 0;
		if (out->problem == HR_EXEC_NO_EXEC || out->problem == HR_EXEC_NOT_REGULAR ||
		    out->problem == HR_EXEC_NO_SEARCH) {
			/* Remember the first such file, but look further. */
			for (size_t k = i + 1; candidates[k]; k++) {
				struct hr_exec_facts again = { .who = out->who };
				struct hr_resolved r2;
				if ((rr = resolve(r, candidates[k], &again.who, &steps, out, &r2)) < 0) {
					if (unknown(rr))
						return 0;
					continue;
				}
				judge(r, &r2, &steps, &again);
				hr_resolved_done(&r2);
				if (again.incomplete && !out->incomplete)
					out->incomplete = HR_TAKE_PTR(again.incomplete);
				if (again.problem == HR_EXEC_OK || again.problem == HR_EXEC_NO_READ ||
				    again.problem == HR_EXEC_NO_INTERP) {
					free(again.incomplete);
					again.program = HR_TAKE_PTR(out->program);
					again.incomplete = HR_TAKE_PTR(out->incomplete);
					hr_exec_facts_done(out);
					*out = again;
					return 0;
				}
				hr_exec_facts_done(&again);
			}
			return 0;
		}
		return 0;
	}
	return 0;
}
