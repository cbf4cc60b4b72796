/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "sbom_check.h"

void fz_check_packages(struct hr_packages *p, const char *what)
{
	struct hr_os_release os = { 0 };
	char *nc[] = { (char *)"rpm: /var/lib/rpm/Packages", NULL };
	_cleanup_free_ char *text = NULL, *head = NULL;
	size_t body_at = 0;
	hr_error err = { 0 };

	if (p->n > HR_SBOM_MAX_PACKAGES)
		fz_die("%s: %zu packages, more than %u", what, p->n, HR_SBOM_MAX_PACKAGES);
	for (size_t i = 0; i < p->n; i++) {
		const struct hr_package *k = &p->v[i];
		if (!k->name || !*k->name || !k->version || !*k->version || !k->arch || !k->manager)
			fz_die("%s: package %zu lacks a name, version, architecture or manager", what, i);
		if (strlen(k->name) > HR_SBOM_MAX_FIELD || strlen(k->version) > HR_SBOM_MAX_FIELD ||
		    strlen(k->arch) > HR_SBOM_MAX_FIELD ||
		    (k->source && strlen(k->source) > HR_SBOM_MAX_FIELD))
			fz_die("%s: package %zu has a field longer than %u bytes", what, i,
			       HR_SBOM_MAX_FIELD);
	}
	hr_packages_sort(p);
	for (size_t i = 1; i < p->n; i++)
		if (strcmp(p->v[i - 1].name, p->v[i].name) > 0 &&
		    strcmp(p->v[i - 1].manager, p->v[i].manager) == 0)
			fz_die("%s: packages not sorted after hr_packages_sort", what);
	hr_os_release_parse("ID=debian\nVERSION_ID=12\nPRETTY_NAME=\"Debian \\\"12\\\"\"\n", &os);
	{
		/* The document of the first few: every component is written
		 * alike, and more would only slow the campaign down. */
		struct hr_packages few = { p->v, p->n < 16 ? p->n : 16, p->cap };
		struct hr_sbom_input in = { .packages = &few, .os = &os, .image_ref = "busybox",
					    .timestamp = "2026-01-01T00:00:00Z",
					    .serial = "3e671687-395b-41f5-a30f-a58921a69b79",
					    .not_covered = nc };
		if (hr_sbom_print(&in, &text, &head, &body_at, &err) < 0) {
			hr_os_release_done(&os);
			return; /* larger than HR_SBOM_MAX_TEXT: an error, said */
		}
	}
	hr_os_release_done(&os);
	fz_check_json(text, "the SBOM");
	if (body_at > strlen(text) || strstr(head, "3e671687") || strstr(head, "2026-01-01") ||
	    !strstr(text, "3e671687") || !strstr(text, "2026-01-01T00:00:00Z"))
		fz_die("%s: the content key's head keeps the serial or the time, or the document "
		       "lost them",
		       what);
}
