/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A read-only root file system stops a compromised process from changing
 * the image it runs from. Real workloads still write somewhere, so the
 * profile's writable paths get a size-limited tmpfs each.
 */
#include "config.h"

#include "pass.h"

/*
 * The tmpfs belongs to the process's user. runc gives a tmpfs mounted on
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
	if ((r = hr_json_get_bool(root, "readonly", "/root", &ro, c->err)) < 0)
		return r;
	if (!p->rootfs.readonly)
		return 0;
	if (!ro || !cJSON_IsTrue(ro)) {
		_cleanup_free_ char *before = hr_json_brief(ro);
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
				"%s is writable through a tmpfs (%s)", p->rootfs.writable[i],
				p->rootfs.tmpfs_options);
	}
	return 0;
}
