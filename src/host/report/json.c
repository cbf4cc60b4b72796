/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "hardrun/json.h"
#include "hardrun/report.h"

/* before/after are compact JSON texts: give them back as values. */
static cJSON *value_of(const char *text)
{
	cJSON *v;

	if (!text)
		return cJSON_CreateNull();
	v = cJSON_Parse(text);
	return v ? v : cJSON_CreateString(text);
}

cJSON *hr_report_json(const struct hr_findings *f, const struct hr_report_subject *s)
{
	cJSON *doc = cJSON_CreateObject(), *prof, *sum, *arr;
	size_t changed = hr_findings_count(f, HR_CHANGED);
	size_t refused = hr_findings_count(f, HR_REFUSED);
	size_t warned = hr_findings_count(f, HR_WARNED);

	cJSON_AddStringToObject(doc, "tool", "hardrun");
	cJSON_AddStringToObject(doc, "version", PACKAGE_VERSION);
	cJSON_AddStringToObject(doc, "input", s->input);
	cJSON_AddStringToObject(doc, "kind", s->kind);
	prof = cJSON_AddObjectToObject(doc, "profile");
	cJSON_AddStringToObject(prof, "name", s->profile->name);
	cJSON_AddStringToObject(prof, "source", s->profile->source);
	cJSON_AddBoolToObject(doc, "meets", changed + refused + warned == 0);
	cJSON_AddBoolToObject(doc, "refused", refused > 0);
	sum = cJSON_AddObjectToObject(doc, "summary");
	cJSON_AddNumberToObject(sum, "changed", (double)changed);
	cJSON_AddNumberToObject(sum, "refused", (double)refused);
	cJSON_AddNumberToObject(sum, "warned", (double)warned);
	arr = cJSON_AddArrayToObject(doc, "findings");
	for (size_t i = 0; i < f->n; i++) {
		const struct hr_finding *x = &f->v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "rule", x->rule->id);
		cJSON_AddStringToObject(o, "severity", hr_severity_name(x->rule->severity));
		cJSON_AddStringToObject(o, "stage", hr_stage_name(x->stage));
		cJSON_AddStringToObject(o, "outcome", hr_outcome_name(x->outcome));
		cJSON_AddStringToObject(o, "pointer", x->pointer);
		cJSON_AddItemToObject(o, "before", value_of(x->before));
		cJSON_AddItemToObject(o, "after", value_of(x->after));
		cJSON_AddStringToObject(o, "message", hr_finding_message(x));
		cJSON_AddStringToObject(o, "hint", x->hint);
		if (x->line)
			cJSON_AddNumberToObject(o, "line", x->line);
		cJSON_AddItemToArray(arr, o);
	}
	return doc;
}
