/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Annotations are strings, but runtimes read some of them as settings:
 * crun's run.oci.seccomp_bpf_data replaces the seccomp filter outright,
 * org.systemd.property.* become systemd unit properties (DeviceAllow=,
 * MemoryMax=infinity), org.criu.config names a file CRIU reads as root.
 * Whoever can set an annotation (an image label, a pod annotation) must
 * not get to change how the runtime confines the container. The field
 * table lists every annotation a runtime or engine acts on (its
 * /annotations rows); by each row's rule this control removes it unless
 * the profile's annotations.allow matches (annotations.runtime-override),
 * keeps it (metadata), or refuses one the table does not know unless
 * annotations.allow matches, or hardrun.conf's profileRules match on it
 * (annotations.unknown).
 */
#include "config.h"

#include <fnmatch.h>

#include "hardrun/fields.h"
#include "pass.h"

static bool allowed(const struct hr_profile *p, const char *key)
{
	for (size_t i = 0; p->annotations_allow && p->annotations_allow[i]; i++)
		if (fnmatch(p->annotations_allow[i], key, 0) == 0)
			return true;
	return false;
}

int hr_pass_annotations(struct hr_pass_ctx *c)
{
	const struct hr_field *rows = hr_field_at("/annotations");
	cJSON *ann, *a;
	int r;

	if ((r = hr_json_get_object(c->spec, "annotations", "", &ann, c->err)) < 0)
		return r;
	if (!ann)
		return 0;
	a = ann->child;
	while (a) {
		cJSON *next = a->next;
		_cleanup_free_ char *ptr = hr_json_ptr("/annotations", a->string);
		const struct hr_field *row = hr_field_map_match(rows, a->string);

		if (!cJSON_IsString(a))
			return hr_err(c->err, HR_E_INVALID,
				      "%s: expected a string (annotations are strings)", ptr);
		if (!row || !row->rule || allowed(c->profile, a->string) ||
		    (strcmp(row->rule, "annotations.unknown") == 0 &&
		     hr_strv_contains(c->env->rule_annotations, a->string))) {
			a = next;
			continue;
		}
		if (strcmp(row->rule, "annotations.runtime-override") == 0) {
			_cleanup_free_ char *before = hr_pass_brief(c, a);
			hr_finding_add(c->findings, row->rule, HR_CHANGED, ptr, before, NULL, NULL,
				       "removed `%s`: %s would read it as a setting", a->string,
				       row->origin);
			cJSON_Delete(cJSON_DetachItemViaPointer(ann, a));
		} else {
			_cleanup_free_ char *before = hr_json_brief(a);
			hr_finding_add(c->findings, row->rule, HR_REFUSED, ptr, before, NULL, NULL,
				       "`%s` is not an annotation hardrun knows, so whether a "
				       "runtime acts on it cannot be judged",
				       a->string);
		}
		a = next;
	}
	return 0;
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_annotations(const struct hr_profile *a, const struct hr_profile *b, char *why,
			       size_t cap)
{
	const char *m;

	if (!hr_strv_subset(a->annotations_allow, b->annotations_allow, &m))
		return hr_weaker_say(why, cap, "allows the annotation %s", m);
	return false;
}

const struct hr_control hr_control_annotations = {
	.name = "annotations",
	.pass = hr_pass_annotations,
	.weaker = weaker_annotations,
};
