/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SARIF 2.1.0 (OASIS), the format code-scanning dashboards read. One run,
 * the rules that fired as the driver's rules, one result per finding.
 * hardrun findings locate a value by JSON pointer, which SARIF expresses
 * as a logical location inside the artifact.
 */
#include "config.h"

#include <string.h>

#include "hardrun/report.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

static const char *level_of(const struct hr_finding *x)
{
	if (x->outcome == HR_REFUSED)
		return "error";
	switch (x->rule->severity) {
	case HR_SEV_CRITICAL:
	case HR_SEV_HIGH:
		return x->outcome == HR_WARNED ? "warning" : "error";
	case HR_SEV_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

/* GitHub's convention: a CVSS-like score for security rules. */
static const char *security_severity(enum hr_severity s)
{
	static const char *const scores[] = { "1.0", "3.0", "5.5", "8.0", "9.5" };
	return (unsigned)s < HR_ARRAY_SIZE(scores) ? scores[s] : "5.5";
}

static cJSON *text(const char *t)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "text", t);
	return o;
}

cJSON *hr_report_sarif(const struct hr_findings *f, const struct hr_report_subject *s)
{
	cJSON *log = cJSON_CreateObject(), *runs, *run, *tool, *driver, *rules, *results;
	cJSON *artifacts, *art, *props;
	const struct hr_rule **used = hr_xcalloc(f->n + 1, sizeof *used);
	size_t n_used = 0;

	cJSON_AddStringToObject(log, "$schema", SARIF_SCHEMA);
	cJSON_AddStringToObject(log, "version", "2.1.0");
	runs = cJSON_AddArrayToObject(log, "runs");
	run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	tool = cJSON_AddObjectToObject(run, "tool");
	driver = cJSON_AddObjectToObject(tool, "driver");
	cJSON_AddStringToObject(driver, "name", "hardrun");
	cJSON_AddStringToObject(driver, "version", PACKAGE_VERSION);
	cJSON_AddStringToObject(driver, "semanticVersion", PACKAGE_VERSION);
	cJSON_AddStringToObject(driver, "informationUri", PACKAGE_URL);
	rules = cJSON_AddArrayToObject(driver, "rules");

	for (size_t i = 0; i < f->n; i++) {
		size_t k;
		for (k = 0; k < n_used && used[k] != f->v[i].rule; k++)
			;
		if (k == n_used)
			used[n_used++] = f->v[i].rule;
	}
	for (size_t k = 0; k < n_used; k++) {
		const struct hr_rule *r = used[k];
		cJSON *rule = cJSON_CreateObject(), *cfg, *tags;
		cJSON_AddStringToObject(rule, "id", r->id);
		cJSON_AddStringToObject(rule, "name", r->id);
		cJSON_AddItemToObject(rule, "shortDescription", text(r->summary));
		cJSON_AddItemToObject(rule, "help", text(r->hint));
		cfg = cJSON_AddObjectToObject(rule, "defaultConfiguration");
		cJSON_AddStringToObject(cfg, "level", r->severity >= HR_SEV_HIGH ? "error"
						     : r->severity == HR_SEV_MEDIUM ? "warning"
										     : "note");
		props = cJSON_AddObjectToObject(rule, "properties");
		cJSON_AddStringToObject(props, "security-severity", security_severity(r->severity));
		cJSON_AddStringToObject(props, "severity", hr_severity_name(r->severity));
		cJSON_AddStringToObject(props, "stage", hr_stage_name(r->stage));
		tags = cJSON_AddArrayToObject(props, "tags");
		cJSON_AddItemToArray(tags, cJSON_CreateString("security"));
		cJSON_AddItemToArray(tags, cJSON_CreateString(hr_stage_name(r->stage)));
		cJSON_AddItemToArray(rules, rule);
	}

	artifacts = cJSON_AddArrayToObject(run, "artifacts");
	art = cJSON_CreateObject();
	cJSON_AddItemToObject(art, "location", cJSON_CreateObject());
	cJSON_AddStringToObject(cJSON_GetObjectItem(art, "location"), "uri", s->input);
	cJSON_AddItemToArray(artifacts, art);

	results = cJSON_AddArrayToObject(run, "results");
	for (size_t i = 0; i < f->n; i++) {
		const struct hr_finding *x = &f->v[i];
		cJSON *res = cJSON_CreateObject(), *locs, *loc, *phys, *alocs, *al;
		_cleanup_free_ char *msg = hr_xasprintf("%s%s (hint: %s)",
							x->outcome == HR_WARNED ? "[warning, nothing changed] " : "",
							x->message, x->hint);
		size_t k;

		for (k = 0; k < n_used && used[k] != x->rule; k++)
			;
		cJSON_AddStringToObject(res, "ruleId", x->rule->id);
		cJSON_AddNumberToObject(res, "ruleIndex", (double)k);
		cJSON_AddStringToObject(res, "level", level_of(x));
		cJSON_AddStringToObject(res, "kind", "fail");
		cJSON_AddItemToObject(res, "message", text(msg));
		locs = cJSON_AddArrayToObject(res, "locations");
		loc = cJSON_CreateObject();
		phys = cJSON_AddObjectToObject(loc, "physicalLocation");
		cJSON_AddItemToObject(phys, "artifactLocation", cJSON_CreateObject());
		cJSON_AddStringToObject(cJSON_GetObjectItem(phys, "artifactLocation"), "uri", s->input);
		cJSON_AddNumberToObject(cJSON_GetObjectItem(phys, "artifactLocation"), "index", 0);
		if (x->line)
			cJSON_AddNumberToObject(cJSON_AddObjectToObject(phys, "region"), "startLine", x->line);
		alocs = cJSON_AddArrayToObject(loc, "logicalLocations");
		al = cJSON_CreateObject();
		cJSON_AddStringToObject(al, "fullyQualifiedName", x->pointer[0] ? x->pointer : "/");
		cJSON_AddStringToObject(al, "kind", "member");
		cJSON_AddItemToArray(alocs, al);
		cJSON_AddItemToArray(locs, loc);
		props = cJSON_AddObjectToObject(res, "properties");
		cJSON_AddStringToObject(props, "outcome", hr_outcome_name(x->outcome));
		cJSON_AddStringToObject(props, "stage", hr_stage_name(x->stage));
		cJSON_AddStringToObject(props, "pointer", x->pointer);
		if (x->before)
			cJSON_AddStringToObject(props, "before", x->before);
		if (x->after)
			cJSON_AddStringToObject(props, "after", x->after);
		/* Stable across runs, so dashboards can follow a finding. */
		{
			cJSON *fp = cJSON_AddObjectToObject(res, "partialFingerprints");
			_cleanup_free_ char *id = hr_xasprintf("%s:%s", x->rule->id, x->pointer);
			cJSON_AddStringToObject(fp, "hardrunFinding/v1", id);
		}
		cJSON_AddItemToArray(results, res);
	}
	props = cJSON_AddObjectToObject(run, "properties");
	cJSON_AddStringToObject(props, "profile", s->profile->name);
	cJSON_AddStringToObject(props, "profileSource", s->profile->source);
	cJSON_AddStringToObject(props, "kind", s->kind);
	free(used);
	return log;
}
