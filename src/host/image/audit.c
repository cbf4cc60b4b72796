/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image audit of one container: the root file system its spec names,
 * read safely (walk.c, rootfs.c, entrypoint.c) and judged by the rules
 * (audit_rules.c) under the profile's "image" section.
 */
#include "config.h"

#include <string.h>

#include "hardrun/image.h"
#include "hardrun/rootfs.h"
#include "hardrun/json.h"

/* Read whole, then looked at once, byte by byte (hr_passwd_has_uid). */
#define PASSWD_MAX (4u << 20)

int hr_image_audit(const struct hr_bundle *b, const cJSON *spec, const struct hr_profile *p,
		   struct hr_image_budget *budget, struct hr_findings *f, hr_error *err)
{
	struct hr_image_budget own;
	struct hr_rootfs root = { .fd = -1 };
	_cleanup_(hr_image_facts_done) struct hr_image_facts facts = { 0 };
	_cleanup_(hr_exec_facts_done) struct hr_exec_facts exec = { 0 };
	_cleanup_free_ char *passwd = NULL;
	const cJSON *process = cJSON_GetObjectItemCaseSensitive(spec, "process");
	const cJSON *uid = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(process, "user"), "uid");
	struct hr_image_audit_input in = { .facts = &facts };
	int r;

	if ((r = hr_rootfs_open(b, spec, &root, err)) < 0)
		return r;
	if (!budget) {
		hr_image_budget_start(&own, HR_IMAGE_SECONDS);
		budget = &own;
	}
	root.budget = budget;
	if ((r = hr_image_walk(&root, NULL, &facts, err)) < 0)
		goto out;
	r = hr_rootfs_read(&root, "/etc/passwd", PASSWD_MAX, &passwd, NULL);
	if (r == -ETIME && !facts.incomplete)
		facts.incomplete = hr_xasprintf("did not read /etc/passwd: reading the image took "
						"more than %u seconds",
						budget->seconds);
	else if (r == -E2BIG && !facts.incomplete)
		facts.incomplete = hr_xasprintf("did not read /etc/passwd: its path is deeper than "
						"%u directories or crosses more than %u components",
						HR_RESOLVE_MAX_DEPTH, HR_RESOLVE_MAX_STEPS);
	in.user_unchecked = r == -ETIME || r == -E2BIG;
	if (r < 0 && r != -ENOENT) {
		/* There, but not a file hardrun will read (a FIFO, a device,
		 * huge): as good as none for the programs that look. */
		passwd = NULL;
	}
	in.passwd = passwd;
	in.uid = cJSON_IsNumber(uid) ? (uint32_t)uid->valuedouble : 0;
	(void)hr_exec_check(&root, spec, &exec);
	in.exec = &exec;
	hr_image_audit_rules(&in, &p->image, f);
	r = 0;
out:
	hr_rootfs_close(&root);
	return r;
}
