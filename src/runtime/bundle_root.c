/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The root file system must exist before hardrun rewrites a bundle or
 * hands a spec on: without this check runc fails later, with a message
 * about pivot_root or a mount, and in runtime mode only after config.json
 * was rewritten. Symbolic links are followed, as runc follows them
 * (filepath.EvalSymlinks); a relative root.path is relative to the bundle
 * directory that was opened, not to whatever its name points at now.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "hardrun/bundle.h"

int hr_bundle_check_root(const struct hr_bundle *b, const cJSON *spec, hr_error *err)
{
	const cJSON *root = cJSON_GetObjectItemCaseSensitive(spec, "root");
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(root, "path");
	const char *p;
	struct stat st;

	/* A missing or malformed root is the policy core's to report. */
	if (!cJSON_IsString(path))
		return 0;
	p = path->valuestring;
	if (fstatat(p[0] == '/' ? AT_FDCWD : b->dirfd, p[0] ? p : ".", &st, 0) < 0) {
		int e = errno;
		_cleanup_free_ char *full = p[0] == '/' ? NULL : hr_xasprintf(" (%s/%s)", b->path, p);
		return hr_err(err, -e,
			      "/root/path: the root file system `%s`%s %s (fix: put the "
			      "container's root file system there, or correct root.path)",
			      p, full ? full : "", e == ENOENT ? "does not exist" : strerror(e));
	}
	if (!S_ISDIR(st.st_mode))
		return hr_err(err, -ENOTDIR,
			      "/root/path: the root file system `%s` is not a directory (fix: "
			      "point root.path at the unpacked root file system)",
			      p);
	return 0;
}
