/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every kind of `hardrun check` input shares (check.h): the profile
 * choice and the line a finding's pointer is on. Apart from check.c, the
 * table of kinds, so that the kinds and the table do not need each other.
 */
#include "config.h"

#include <string.h>

#include "check.h"
#include "hardrun/select.h"
#include "hardrun/strmap.h"

int hr_check_select(const struct hr_check_ctx *ctx, const cJSON *spec,
		    struct hr_check_result *res, hr_error *err)
{
	struct hr_selection sel = { .explicit_choice = ctx->profile, .cfg = ctx->cfg,
				    .dirs = ctx->dirs };
	_cleanup_free_ char *how = NULL;

	return hr_select_profile(&sel, spec, &res->profile, &how, err);
}

unsigned hr_check_line_of(struct hr_strmap *keyed, const cJSON *lines, const char *pointer)
{
	_cleanup_free_ char *ptr = hr_xstrdup(pointer);
	size_t len = strlen(ptr);

	/* A lookup by name in the cJSON object would walk all its members,
	 * for every finding: quadratic in a hostile manifest. */
	if (!keyed->cap)
		for (const cJSON *l = lines ? lines->child : NULL; l; l = l->next)
			if (l->string && cJSON_IsNumber(l))
				(void)hr_strmap_put(keyed, l->string, strlen(l->string),
						    (uintptr_t)l->valuedouble, NULL);
	for (;;) {
		uintptr_t line;
		char *slash;
		if (hr_strmap_get(keyed, ptr, len, &line))
			return (unsigned)line;
		slash = strrchr(ptr, '/');
		if (!slash)
			return 0;
		*slash = '\0';
		len = (size_t)(slash - ptr);
	}
}
