/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading an image's package databases for its SBOM, through the safe
 * root file system reader (links stay inside the image, only regular
 * files of bounded size are read).
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

#define DB_MAX (64u << 20)
#define STATUS_D_FILE_MAX (1u << 20)
#define STATUS_D_FILES_MAX 100000

void hr_sbom_facts_free(struct hr_sbom_facts *f)
{
	hr_packages_free(&f->packages);
	hr_os_release_free(&f->os);
	hr_strv_free(f->not_covered);
	f->not_covered = NULL;
}

static int read_db(const struct hr_rootfs *r, const char *path, size_t max, char **text,
		   size_t *len, hr_error *err)
{
	int rr = hr_rootfs_read(r, path, max, text, len);

	if (rr == -ENOENT)
		return 0;
	if (rr < 0)
		return hr_err(err, rr, "%s%s: cannot read: %s%s", r->path, path,
			      rr == -EFBIG ? "larger than the limit" : strerror(-rr),
			      rr == -EINVAL ? " (not a regular file)" : "");
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
	_cleanup_strv_ char **names = NULL;
	size_t n = 0;
	DIR *d;
	int fd, rr;

	if ((rr = hr_rootfs_resolve(r, "/var/lib/dpkg/status.d", NULL, &dir)) < 0)
		return rr == -ENOENT || rr == -ENOTDIR ? 0 : hr_err(err, rr, "%s/var/lib/dpkg/status.d: %s", r->path, strerror(-rr));
	if (!S_ISDIR(dir.st.st_mode)) {
		hr_resolved_free(&dir);
		return 0;
	}
	fd = openat(dir.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	hr_resolved_free(&dir);
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
			return hr_err(err, -E2BIG, "%s/var/lib/dpkg/status.d: more than %u files",
				      r->path, STATUS_D_FILES_MAX);
		}
		hr_strv_push(&names, de->d_name);
	}
	closedir(d);
	if (names)
		qsort(names, hr_strv_len(names), sizeof *names, cmp_str);
	for (size_t i = 0; names && names[i]; i++) {
		_cleanup_free_ char *path = hr_xasprintf("/var/lib/dpkg/status.d/%s", names[i]);
		_cleanup_free_ char *where = hr_xasprintf("%s%s", r->path, path);
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		if ((rr = read_db(r, path, STATUS_D_FILE_MAX, &text, &len, err)) < 0)
			return rr;
		if (rr > 0 && (rr = hr_dpkg_parse(text, len, where, true, out, err)) < 0)
			return rr;
	}
	return 0;
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
			hr_resolved_free(&res);
			break;
		}
	}
	hr_packages_sort(&out->packages);
	return 0;
fail:
	hr_sbom_facts_free(out);
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

int hr_sbom_for_spec(const struct hr_bundle *b, const cJSON *spec, char **ret_text,
		     size_t *ret_components, hr_error *err)
{
	struct hr_rootfs root = { .fd = -1 };
	struct hr_sbom_facts facts;
	const char *ref = NULL, *digest = NULL;
	char serial[40], ts[32];
	struct tm tm;
	time_t now = time(NULL);
	cJSON *doc;
	int r;

	if ((r = hr_rootfs_open(b, spec, &root, err)) < 0)
		return r;
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
		doc = hr_sbom_cyclonedx(&in);
	}
	*ret_text = cJSON_Print(doc);
	if (ret_components)
		*ret_components = facts.packages.n;
	cJSON_Delete(doc);
	hr_sbom_facts_free(&facts);
	if (!*ret_text)
		abort();
	return 0;
}
