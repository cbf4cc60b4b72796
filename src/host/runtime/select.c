/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/select.h"

static const char *annotation(const cJSON *spec, const char *key)
{
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(spec, "annotations");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Steps 3 to 5: what the node chooses for this container. */
static const char *node_choice(const struct hr_selection *sel, const cJSON *spec, char **how)
{
	const struct hr_config *cfg = sel->cfg;

	for (size_t i = 0; cfg && i < cfg->n_rules; i++) {
		const struct hr_profile_rule *r = &cfg->rules[i];
		bool all = true;
		for (size_t k = 0; r->keys[k] && all; k++) {
			const char *v = annotation(spec, r->keys[k]);
			all = v && fnmatch(r->patterns[k], v, 0) == 0;
		}
		if (all) {
			*how = hr_xasprintf("rule %zu of %s", i + 1,
					    cfg->path ? cfg->path : "hardrun.conf");
			return r->profile;
		}
	}
	if (sel->link) {
		*how = hr_xstrdup("link");
		return sel->link;
	}
	*how = hr_xstrdup("default");
	return cfg && cfg->default_profile ? cfg->default_profile : "restricted";
}

int hr_select_profile(const struct hr_selection *sel, const cJSON *spec,
		      struct hr_profile **ret, char **ret_how, hr_error *err)
{
	_cleanup_free_ char *how = NULL;
	const char *asked, *node;
	struct hr_profile *a = NULL, *b = NULL;
	char why[256];
	int r;

	if (sel->explicit_choice) {
		*ret_how = hr_xstrdup("flag");
		return hr_profile_load(sel->explicit_choice, sel->dirs, ret, err);
	}
	node = node_choice(sel, spec, &how);
	asked = annotation(spec, HR_PROFILE_ANNOTATION);
	if (!asked) {
		*ret_how = HR_TAKE_PTR(how);
		return hr_profile_load(node, sel->dirs, ret, err);
	}
	/* Whoever can set an annotation chooses by name only, among the
	 * installed profiles. */
	if (strchr(asked, '/') || strstr(asked, ".json"))
		return hr_err(err, HR_E_REFUSED,
			      "annotation %s=%s: names a file; an annotation may only name an "
			      "installed profile (hint: install it in a profile directory and "
			      "give its name)",
			      HR_PROFILE_ANNOTATION, asked);
	if ((r = hr_profile_load(asked, sel->dirs, &a, err)) < 0)
		return hr_err_prefix(err, r, "annotation %s=%s", HR_PROFILE_ANNOTATION, asked);
	if (!(sel->cfg && sel->cfg->allow_weaker_annotations)) {
		if ((r = hr_profile_load(node, sel->dirs, &b, err)) < 0) {
			hr_profile_free(a);
			return r;
		}
		if (hr_profile_weaker(a, b, why, sizeof why)) {
			r = hr_err(err, HR_E_REFUSED,
				   "annotation %s=%s asks for a profile weaker than `%s`, the one "
				   "chosen for this container (%s): `%s` %s (hint: an administrator "
				   "can allow this with \"allowWeakerAnnotations\": true in "
				   "hardrun.conf, or choose the profile by a rule there)",
				   HR_PROFILE_ANNOTATION, asked, b->name, how, a->name, why);
			hr_profile_free(a);
			hr_profile_free(b);
			return r;
		}
		hr_profile_free(b);
	}
	*ret = a;
	*ret_how = hr_xstrdup("annotation");
	return 0;
}
