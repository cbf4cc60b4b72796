/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading an image's package databases for its SBOM, through the safe
 * root file system reader (links stay inside the image, only regular
 * files of bounded size are read). A distroless status.d may name one
 * file many times (hard links): each inode is read once, and all of
 * status.d together is bounded like one database.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/audit.h"
#include "hardrun/sbom.h"
#include "hardrun/rootfs.h"
#include "hardrun/strmap.h"
#include "internal.h"

/* A database, and all of status.d together, at most this large. */
#define DB_MAX (32u << 20)
#define STATUS_D_FILE_MAX (1u << 20)
#define STATUS_D_FILES_MAX 100000

void hr_sbom_facts_done(struct hr_sbom_facts *f)
{
	if (!f)
		return;
	hr_packages_done(&f->packages);
	hr_os_release_done(&f->os);
	hr_strv_free(f->not_covered);
	f->not_covered = NULL;
}

static int read_error(const struct hr_rootfs *r, const char *path, int rr, hr_error *err)
{
	if (rr == -ETIME)
		return hr_err(err, rr, "%s%s: not read: reading the image took more than %u seconds",
			      r->path, path, r->budget ? r->budget->seconds : 0);
	if (rr == -E2BIG)
		return hr_err(err, rr, "%s%s: not read: its path is deeper than %u directories or "
			      "crosses more than %u components",
			      r->path, path, HR_RESOLVE_MAX_DEPTH, HR_RESOLVE_MAX_STEPS);
	return hr_err(err, rr, "%s%s: cannot read: %s%s", r->path, path,
		      rr == -EFBIG ? "larger than the limit" : strerror(-rr),
		      rr == -EINVAL ? " (not a regular file)" : "");
}

static int read_db(const struct hr_rootfs *r, const char *path, size_t max, char **text,
		   size_t *len, hr_error *err)
{
	int rr = hr_rootfs_read(r, path, max, text, len);

	if (rr == -ENOENT)
		return 0;
	if (rr < 0)
		return read_error(r, path, rr, err);
	return 1;
}

/* Like read_db, but 0 also for an inode already read (its key noted in
 * seen), and *total counts the bytes read against DB_MAX. */
static int read_once(const struct hr_rootfs *r, const char *path, struct hr_strmap *seen,
		     size_t *total, char **text, size_t *len, hr_error *err)
{
	struct hr_resolved res;
	unsigned char key[sizeof(dev_t) + sizeof(ino_t)];
	_cleanup_free_ char *buf = NULL;
	ssize_t n;
	int fd, rr;

	if ((rr = hr_rootfs_resolve(r, path, NULL, &res)) < 0)
		return rr == -ENOENT ? 0 : read_error(r, path, rr, err);
	memcpy(key, &res.st.st_dev, sizeof res.st.st_dev);
	memcpy(key + sizeof res.st.st_dev, &res.st.st_ino, sizeof res.st.st_ino);
	if (hr_strmap_put(seen, (const char *)key, sizeof key, 1, NULL)) {
		hr_resolved_done(&res);
		return 0;
	}
	if (!S_ISREG(res.st.st_mode) || (uint64_t)res.st.st_size > STATUS_D_FILE_MAX) {
		rr = S_ISREG(res.st.st_mode) ? -EFBIG : -EINVAL;
		hr_resolved_done(&res);
		return read_error(r, path, rr, err);
	}
	if (*total + (size_t)res.st.st_size > DB_MAX) {
		hr_resolved_done(&res);
		return hr_err(err, -EFBIG, "%s/var/lib/dpkg/status.d: more than %u bytes in all",
			      r->path, DB_MAX);
	}
	fd = hr_image_open_regular(res.fd, &res.st);
	*len = (size_t)res.st.st_size;
	hr_resolved_done(&res);
	if (fd < 0)
		return read_error(r, path, fd, err);
	buf = hr_xmalloc(*len + 1);
	n = hr_image_read_fd(fd, buf, *len);
	(void)close(fd);
	if (n < 0)
		return read_error(r, path, (int)n, err);
	buf[n] = '\0';
	*len = (size_t)n;
	*total += (size_t)n;
	*text = HR_TAKE_PTR(buf);
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* distroless: one file per package in /var/lib/dpkg/status.d. */
static int status_d(const struct hr_rootfs *r, struct hr_packages *out, hr_error *err)
{
	struct hr_resolved dir;
	struct hr_strv_builder nb = { 0 };
	_cleanup_strv_ char **names = NULL;
	struct hr_strmap seen = { 0 };
	size_t n = 0, total = 0;
	DIR *d;
	int fd, rr;

	if ((rr = hr_rootfs_resolve(r, "/var/lib/dpkg/status.d", NULL, &dir)) < 0)
		return rr == -ENOENT || rr == -ENOTDIR ? 0 : hr_err(err, rr, "%s/var/lib/dpkg/status.d: %s", r->path, strerror(-rr));
	if (!S_ISDIR(dir.st.st_mode)) {
		hr_resolved_done(&dir);
		return 0;
	}
	fd = openat(dir.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	hr_resolved_done(&dir);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			(void)close(fd);
		return hr_err(err, -errno, "%s/var/lib/dpkg/status.d: cannot list: %s", r->path,
			      strerror(errno));
	}
	for (struct dirent *de; (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || (l > 8 && strcmp(de->d_name + l - 8, ".md5sums") == 0))
			continue;
		if (++n > STATUS_D_FILES_MAX) {
			closedir(d);
			names = hr_strvb_take(&nb);
			return hr_err(err, -E2BIG, "%s/var/lib/dpkg/status.d: more than %u files",
				      r->path, STATUS_D_FILES_MAX);
		}
		hr_strvb_push(&nb, de->d_name);
	}
	closedir(d);
	names = hr_strvb_take(&nb);
	qsort(names, hr_strv_len(names), sizeof *names, cmp_str);
	rr = 0;
	for (size_t i = 0; names[i] && rr >= 0; i++) {
		_cleanup_free_ char *path = hr_xasprintf("/var/lib/dpkg/status.d/%s", names[i]);
		_cleanup_free_ char *where = hr_xasprintf("%s%s", r->path, path);
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		if ((rr = read_once(r, path, &seen, &total, &text, &len, err)) > 0)
			rr = hr_dpkg_parse(text, len, where, true, out, err);
	}
	hr_strmap_done(&seen);
	return rr < 0 ? rr : 0;
}

int hr_sbom_collect(const struct hr_rootfs *r, struct hr_sbom_facts *out, hr_error *err)
{
	static const char *const rpm_dbs[] = { "/var/lib/rpm/rpmdb.sqlite", "/var/lib/rpm/Packages",
					       "/var/lib/rpm/Packages.db",
					       "/usr/lib/sysimage/rpm/rpmdb.sqlite", NULL };
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int rr;

	*out = (struct hr_sbom_facts){ 0 };
	if ((rr = read_db(r, "/etc/os-release", 1u << 16, &text, &len, err)) < 0)
		goto fail;
	if (rr == 0 && (rr = read_db(r, "/usr/lib/os-release", 1u << 16, &text, &len, err)) < 0)
		goto fail;
	if (text)
		hr_os_release_parse(text, &out->os);
	free(HR_TAKE_PTR(text));

	if ((rr = read_db(r, "/var/lib/dpkg/status", DB_MAX, &text, &len, err)) < 0)
		goto fail;
	if (rr > 0) {
		_cleanup_free_ char *where = hr_xasprintf("%s/var/lib/dpkg/status", r->path);
		if ((rr = hr_dpkg_parse(text, len, where, false, &out->packages, err)) < 0)
			goto fail;
	}
	free(HR_TAKE_PTR(text));
	if ((rr = status_d(r, &out->packages, err)) < 0)
		goto fail;

	if ((rr = read_db(r, "/lib/apk/db/installed", DB_MAX, &text, &len, err)) < 0)
		goto fail;
	if (rr > 0) {
		_cleanup_free_ char *where = hr_xasprintf("%s/lib/apk/db/installed", r->path);
		if ((rr = hr_apk_parse(text, len, where, &out->packages, err)) < 0)
			goto fail;
	}
	/* Debian has librpm, but reading an image's database with it runs
	 * Berkeley DB, SQLite or ndb code over files the image's author
	 * wrote, as root, in the runtime's path. Until that runs in a
	 * confined helper, an rpm image is said to be not covered rather than
	 * inventoried in part. */
	for (size_t i = 0; rpm_dbs[i]; i++) {
		struct hr_resolved res;
		if (hr_rootfs_resolve(r, rpm_dbs[i], NULL, &res) == 0) {
			char *note = hr_xasprintf("rpm: %s (hardrun does not read rpm databases)",
						  rpm_dbs[i]);
			hr_strv_push(&out->not_covered, note);
			free(note);
			hr_resolved_done(&res);
			break;
		}
	}
	hr_packages_sort(&out->packages);
	return 0;
fail:
	hr_sbom_facts_done(out);
	return rr;
}

static void uuid4(char *buf, size_t cap)
{
	unsigned char b[16];

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		abort(); /* the kernel's random pool is always there on Linux >= 3.17 */
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(buf, cap,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
}

void hr_sbom_text_done(struct hr_sbom_text *t)
{
	if (!t)
		return;
	free(t->text);
	free(t->key);
	hr_strv_free(t->not_covered);
	*t = (struct hr_sbom_text){ 0 };
}

int hr_sbom_for_spec(const struct hr_bundle *b, const cJSON *spec, struct hr_image_budget *budget,
		     struct hr_sbom_text *out, hr_error *err)
{
	struct hr_rootfs root = { .fd = -1 };
	struct hr_sbom_facts facts;
	struct hr_image_budget own;
	const char *ref = NULL, *digest = NULL;
	_cleanup_free_ char *head = NULL;
	char serial[40], ts[32];
	struct tm tm;
	time_t now = time(NULL);
	size_t body_at = 0;
	int r;

	*out = (struct hr_sbom_text){ 0 };
	if ((r = hr_rootfs_open(b, spec, &root, err)) < 0)
		return r;
	if (!budget) {
		hr_image_budget_start(&own, HR_IMAGE_SECONDS);
		budget = &own;
	}
	root.budget = budget;
	r = hr_sbom_collect(&root, &facts, err);
	hr_rootfs_close(&root);
	if (r < 0)
		return r;
	hr_image_ref(cJSON_GetObjectItemCaseSensitive(spec, "annotations"), &ref, &digest);
	uuid4(serial, sizeof serial);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	{
		struct hr_sbom_input in = { .packages = &facts.packages, .os = &facts.os,
					    .image_ref = ref, .image_digest = digest,
					    .timestamp = ts, .serial = serial,
					    .not_covered = facts.not_covered };
		r = hr_sbom_print(&in, &out->text, &head, &body_at, err);
	}
	out->components = facts.packages.n;
	out->not_covered = HR_TAKE_PTR(facts.not_covered);
	hr_sbom_facts_done(&facts);
	if (r < 0)
		return r;
	/* The content without the serial number and the time. */
	out->key = hr_sha256_hex2(head, strlen(head), out->text + body_at,
				  strlen(out->text + body_at));
	return 0;
}
