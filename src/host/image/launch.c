/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The checks of a container's start that look beyond its spec: the image
 * audit, where the profile asks for it ("image": {"audit": "warn" |
 * "refuse"}); the SBOM of the image, where hardrun.conf keeps them
 * ("audit": {"sbomDir"}), whose key goes into the launch's audit record;
 * and a profile that allows a system call hardrun's profiles refuse on
 * purpose (rule seccomp.dangerous), flagged at every launch. Used by
 * direct mode and by runtime mode's create, run and restore alike. All
 * reading of the image shares one deadline (HR_IMAGE_SECONDS).
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/audit.h"
#include "hardrun/dangerous.h"
#include "hardrun/image.h"
#include "hardrun/rootfs.h"
#include "hardrun/launch.h"
#include "hardrun/sbom.h"

struct kept {
	char *name;
	off_t size;
	struct timespec used;
};

static int cmp_used(const void *a, const void *b)
{
	const struct kept *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A name this directory's retention owns: 64 hex digits and ".json". */
static bool sbom_name(const char *n)
{
	if (strlen(n) != 69 || strcmp(n + 64, ".json") != 0)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return false;
	return true;
}

/* Make room for `need` more bytes: the SBOMs used least recently go
 * first. Returns how many were removed. */
static size_t make_room(int dirfd, size_t need)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct kept *v = NULL;
	size_t n = 0, cap = 0, removed = 0;
	uint64_t total = 0;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			(void)close(fd);
		return 0;
	}
	for (struct dirent *de; (de = readdir(d));) {
		struct stat st;
		if (!sbom_name(de->d_name) ||
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = hr_xrealloc(v, cap * sizeof *v);
		}
		v[n++] = (struct kept){ hr_xstrdup(de->d_name), st.st_size, st.st_mtim };
		total += (uint64_t)st.st_size;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof *v, cmp_used);
	for (size_t i = 0; i < n; i++) {
		if ((total + need <= HR_SBOM_DIR_MAX_BYTES && n - removed < HR_SBOM_DIR_MAX_FILES))
			break;
		/* Another launch may have removed it first: fine. */
		if (unlinkat(dirfd, v[i].name, 0) == 0 || errno == ENOENT) {
			total -= (uint64_t)v[i].size;
			removed++;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return removed;
}

static void keep_sbom(const struct hr_bundle *b, const cJSON *spec, const char *dir,
		      struct hr_image_budget *budget, cJSON *extra)
{
	_cleanup_(hr_sbom_text_done) struct hr_sbom_text t = { 0 };
	_cleanup_free_ char *name = NULL, *path = NULL;
	struct hr_bundle d = { .dirfd = -1 };
	hr_error err = { 0 };
	size_t len, removed = 0;
	bool stored = false;
	int r;

	r = hr_sbom_for_spec(b, spec, budget, &t, &err);
	if (r == -ENOENT)
		return;
	if (r == 0) {
		/* Named by content, without the serial number and the time: the
		 * same image's SBOM is kept once, however often it starts. */
		name = hr_xasprintf("%s.json", t.key);
		len = strlen(t.text);
		if ((r = hr_bundle_open(dir, &d, &err)) < 0) {
			/* err says why */
		} else if (utimensat(d.dirfd, name, NULL, AT_SYMLINK_NOFOLLOW) == 0) {
			/* Kept already: now it was used last. */
		} else if (len > HR_SBOM_DIR_MAX_BYTES) {
			r = hr_err(&err, -EFBIG, "the SBOM (%zu bytes) is larger than %s may hold (%llu)",
				   len, dir, (unsigned long long)HR_SBOM_DIR_MAX_BYTES);
		} else {
			removed = make_room(d.dirfd, len);
			r = hr_bundle_write(&d, name, t.text, len, 0644, (uid_t)-1, (gid_t)-1, &err);
			stored = r == 0;
		}
		hr_bundle_close(&d);
	}
	if (r < 0) {
		/* The record says what went wrong; the log is a record, not a
		 * gate. */
		cJSON_AddStringToObject(extra, "sbomError", err.msg);
		return;
	}
	cJSON_AddStringToObject(extra, "sbomSha256", t.key);
	path = hr_xasprintf("%s/%s", dir, name);
	cJSON_AddStringToObject(extra, "sbomFile", path);
	cJSON_AddNumberToObject(extra, "sbomPackages", (double)t.components);
	cJSON_AddBoolToObject(extra, "sbomNew", stored);
	if (removed)
		cJSON_AddNumberToObject(extra, "sbomRemoved", (double)removed);
}

int hr_image_at_launch(const struct hr_bundle *b, const cJSON *spec, const struct hr_profile *p,
		       const char *sbom_dir, struct hr_findings *f, cJSON **ret_extra, hr_error *err)
{
	cJSON *extra = cJSON_CreateObject();
	struct hr_image_budget budget;
	size_t first;
	int r = 0;

	hr_image_budget_start(&budget, HR_IMAGE_SECONDS);
	hr_dangerous_findings(p, f);
	if (p->image.audit != HR_IMAGE_AUDIT_OFF) {
		first = f ? f->n : 0;
		r = hr_image_audit(b, spec, p, &budget, f, err);
		if (r == -ENOENT) {
			r = 0; /* no root file system here: the runtime will say so */
		} else if (r < 0 && p->image.audit == HR_IMAGE_AUDIT_WARN) {
			/* Warn mode: an audit that could not run is a warning. */
			struct hr_finding *x = hr_finding_add(
				f, "image.audit-incomplete", HR_WARNED, "/root/path", NULL, NULL, NULL,
				"the image audit could not run: %s", err->msg);
			if (x)
				x->stage = HR_STAGE_BUILD;
			hr_error_clear(err);
			r = 0;
		}
		if (r == 0 && f) {
			cJSON *a = cJSON_AddObjectToObject(extra, "imageAudit");
			size_t warned = 0, refused = 0;
			for (size_t i = first; i < f->n; i++)
				f->v[i].outcome == HR_REFUSED ? refused++ : warned++;
			cJSON_AddStringToObject(a, "mode", p->image.audit == HR_IMAGE_AUDIT_REFUSE ? "refuse"
											   : "warn");
			cJSON_AddNumberToObject(a, "warned", (double)warned);
			cJSON_AddNumberToObject(a, "refused", (double)refused);
			if (refused)
				r = hr_err(err, HR_E_REFUSED, "the image was refused under profile `%s`",
					   p->name);
		}
	}
	if (r == 0 && sbom_dir)
		keep_sbom(b, spec, sbom_dir, &budget, extra);
	if (ret_extra && extra->child)
		*ret_extra = extra;
	else
		cJSON_Delete(extra);
	return r;
}
