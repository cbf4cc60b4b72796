/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SARIF 2.1.0 (OASIS), the format code-scanning dashboards read. One run,
 * the rules that fired as the driver's rules, one result per finding.
 * hardrun findings locate a value by JSON pointer, which SARIF expresses
 * as a logical location inside the artifact, and the check finds the line
 * it is on. What dashboards rely on is checked by the reference validator
 * (tests/integration/sarif.sh): URIs, regions, fingerprints, rule help.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
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

/* "mounts.nosuid-nodev" -> "MountsNosuidNodev": SARIF wants a rule's
 * name to be a readable identifier different from its opaque id. */
static char *pascal_name(const char *id)
{
	char *n = hr_xmalloc(strlen(id) + 1), *o = n;
	bool up = true;

	for (const char *p = id; *p; p++) {
		if (!isalnum((unsigned char)*p)) {
			up = true;
			continue;
		}
		*o++ = up ? (char)toupper((unsigned char)*p) : *p;
		up = false;
	}
	*o = '\0';
	return n;
}

/*
 * A file path as a SARIF artifact URI (RFC 3986): an absolute path becomes
 * a file:// URI, a relative one a relative reference, which dashboards
 * resolve against the checkout (SARIF forbids a relative reference that
 * begins with "/"). "./" and doubled slashes go, and an absolute path is
 * normalised ("/a/b/../c" is "/a/c"); every byte outside the
 * unreserved characters, the sub-delimiters, "@" and "/" is
 * percent-encoded (":" too, which would start a scheme).
 */
static char *file_uri(const char *given)
{
	static const char keep[] = "-._~!$&'()*+,;=@/";
	/* An absolute URI is compared in its canonical form (strict readers
	 * refuse "a/../b" there): the path lexically normalised, as given. */
	_cleanup_free_ char *norm = given[0] == '/' ? hr_path_normalize(given) : NULL;
	const char *path = norm ? norm : given;
	size_t n = strlen(path);
	char *u = hr_xmalloc(3 * n + 8), *o = u;

	if (path[0] == '/') {
		memcpy(o, "file://", 7);
		o += 7;
	}
	while (path[0] == '.' && path[1] == '/')
		for (path += 2; *path == '/'; path++)
			;
	for (const char *p = path; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '/' && p[1] == '/')
			continue;
		if (isalnum(c) || (c && strchr(keep, c))) {
			*o++ = (char)c;
		} else {
			snprintf(o, 4, "%%%02X", c);
			o += 3;
		}
	}
	*o = '\0';
	return u;
}

/* Stable across runs, so that a dashboard follows one alert from scan to
 * scan: the rule and the pointer, and which of its kind it is where two
 * findings of a rule share a pointer. */
static char *fingerprint(const struct hr_findings *f, size_t i)
{
	const struct hr_finding *x = &f->v[i];
	size_t k = 0;

	for (size_t j = 0; j < i; j++)
		k += f->v[j].rule == x->rule && strcmp(f->v[j].pointer, x->pointer) == 0;
	return k ? hr_xasprintf("%s:%s#%zu", x->rule->id, x->pointer, k + 1)
		 : hr_xasprintf("%s:%s", x->rule->id, x->pointer);
}

static cJSON *rule_object(const struct hr_rule *r)
{
	cJSON *rule = cJSON_CreateObject(), *cfg, *props, *tags, *help;
	_cleanup_free_ char *name = pascal_name(r->id);
	_cleanup_free_ char *full = hr_xasprintf("%s (hardrun rule %s, %s severity, %s stage).",
						 r->summary, r->id, hr_severity_name(r->severity),
						 hr_stage_name(r->stage));
	_cleanup_free_ char *md = hr_xasprintf("**%s**\n\nWhat the rule enforces: %s.\n\n"
					       "How to allow what it restricts: %s.\n\n"
					       "See `man hardrun`, FINDING IDS.",
					       r->id, r->summary, r->hint);
	_cleanup_free_ char *txt = hr_xasprintf("What the rule enforces: %s. How to allow what it "
						"restricts: %s. See man hardrun, FINDING IDS.",
						r->summary, r->hint);

	cJSON_AddStringToObject(rule, "id", r->id);
	cJSON_AddStringToObject(rule, "name", name);
	cJSON_AddItemToObject(rule, "shortDescription", text(r->summary));
	cJSON_AddItemToObject(rule, "fullDescription", text(full));
	help = text(txt);
	cJSON_AddStringToObject(help, "markdown", md);
	cJSON_AddItemToObject(rule, "help", help);
	cfg = cJSON_AddObjectToObject(rule, "defaultConfiguration");
	cJSON_AddStringToObject(cfg, "level", r->severity >= HR_SEV_HIGH	? "error"
					      : r->severity == HR_SEV_MEDIUM ? "warning"
									      : "note");
	props = cJSON_AddObjectToObject(rule, "properties");
	cJSON_AddStringToObject(props, "security-severity", security_severity(r->severity));
	cJSON_AddStringToObject(props, "severity", hr_severity_name(r->severity));
	cJSON_AddStringToObject(props, "stage", hr_stage_name(r->stage));
	/* Every finding is a fact about the input, not a guess. */
	cJSON_AddStringToObject(props, "precision", "very-high");
	tags = cJSON_AddArrayToObject(props, "tags");
	cJSON_AddItemToArray(tags, cJSON_CreateString("security"));
	cJSON_AddItemToArray(tags, cJSON_CreateString(hr_stage_name(r->stage)));
	return rule;
}

cJSON *hr_report_sarif(const struct hr_findings *f, const struct hr_report_subject *s)
{
	cJSON *log = cJSON_CreateObject(), *runs, *run, *tool, *driver, *rules, *results, *props;
	const struct hr_rule **used = hr_xcalloc(f->n + 1, sizeof *used);
	const char *artifact = s->artifact ? s->artifact : s->input;
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
	if (PACKAGE_URL[0])
		cJSON_AddStringToObject(driver, "informationUri", PACKAGE_URL);
	rules = cJSON_AddArrayToObject(driver, "rules");

	for (size_t i = 0; i < f->n; i++) {
		size_t k;
		for (k = 0; k < n_used && used[k] != f->v[i].rule; k++)
			;
		if (k == n_used)
			used[n_used++] = f->v[i].rule;
	}
	for (size_t k = 0; k < n_used; k++)
		cJSON_AddItemToArray(rules, rule_object(used[k]));

	results = cJSON_AddArrayToObject(run, "results");
	for (size_t i = 0; i < f->n; i++) {
		const struct hr_finding *x = &f->v[i];
		cJSON *res = cJSON_CreateObject(), *locs, *loc, *phys, *region, *alocs, *al, *fp;
		_cleanup_free_ char *msg = hr_xasprintf(
			"%s%s (hint: %s)",
			x->outcome == HR_WARNED ? "[warning, nothing changed] " : "",
			hr_finding_message(x), x->hint);
		/* An image file the audit found is its own artifact. */
		bool in_image = x->rule->in_image && s->rootfs && x->pointer[0] == '/';
		_cleanup_free_ char *path = in_image ? hr_xasprintf("%s%s", s->rootfs, x->pointer)
						     : hr_xstrdup(artifact);
		_cleanup_free_ char *uri = file_uri(path), *id = fingerprint(f, i);
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
		cJSON_AddStringToObject(cJSON_AddObjectToObject(phys, "artifactLocation"), "uri", uri);
		/* A finding without a line is about the whole file: line 1, as
		 * SARIF asks of a whole-artifact result. */
		region = cJSON_AddObjectToObject(phys, "region");
		cJSON_AddNumberToObject(region, "startLine", x->line ? x->line : 1);
		if (!in_image) {
			alocs = cJSON_AddArrayToObject(loc, "logicalLocations");
			al = cJSON_CreateObject();
			cJSON_AddStringToObject(al, "fullyQualifiedName",
						x->pointer[0] ? x->pointer : "/");
			cJSON_AddStringToObject(al, "kind", "member");
			cJSON_AddItemToArray(alocs, al);
		}
		cJSON_AddItemToArray(locs, loc);
		fp = cJSON_AddObjectToObject(res, "partialFingerprints");
		cJSON_AddStringToObject(fp, "hardrunFinding/v1", id);
		props = cJSON_AddObjectToObject(res, "properties");
		cJSON_AddStringToObject(props, "outcome", hr_outcome_name(x->outcome));
		cJSON_AddStringToObject(props, "stage", hr_stage_name(x->stage));
		cJSON_AddStringToObject(props, "pointer", x->pointer);
		if (x->before)
			cJSON_AddStringToObject(props, "before", x->before);
		if (x->after)
			cJSON_AddStringToObject(props, "after", x->after);
		cJSON_AddItemToArray(results, res);
	}
	props = cJSON_AddObjectToObject(run, "properties");
	cJSON_AddStringToObject(props, "profile", s->profile->name);
	cJSON_AddStringToObject(props, "profileSource", s->profile->source);
	cJSON_AddStringToObject(props, "kind", s->kind);
	free(used);
	return log;
}
