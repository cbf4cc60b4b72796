/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The profile's "image" section. Unlike the other sections it may be
 * left out of a complete profile: a profile written before it existed
 * asks nothing of images, which is what the defaults say.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/image_policy.h"
#include "hardrun/json.h"

static const char *const audit_names[] = { [HR_IMAGE_AUDIT_OFF] = "off",
					   [HR_IMAGE_AUDIT_WARN] = "warn",
					   [HR_IMAGE_AUDIT_REFUSE] = "refuse" };
static const char *const keys[] = { "audit", "refuseAt", "minimal", "allowedRefs",
				    "requireDigest", NULL };

int hr_severity_from_name(const char *name)
{
	for (int s = HR_SEV_INFO; s <= HR_SEV_CRITICAL; s++)
		if (name && strcmp(hr_severity_name((enum hr_severity)s), name) == 0)
			return s;
	return -1;
}

void hr_image_policy_done(struct hr_image_policy *p)
{
	if (!p)
		return;
	p->allowed_refs = hr_strv_free(p->allowed_refs);
}

/* A pattern names a registry, repository and tag or digest; a character
 * that no reference holds would make a pattern that never matches, which
 * is a typo rather than a policy. */
static int check_pattern(const char *s, const char *ptr, hr_error *err)
{
	if (!*s)
		return hr_err(err, HR_E_INVALID, "%s: empty pattern", ptr);
	for (const char *q = s; *q; q++)
		if (!(('a' <= *q && *q <= 'z') || ('A' <= *q && *q <= 'Z') ||
		      ('0' <= *q && *q <= '9') || strchr("./:_-@*?[]!", *q)))
			return hr_err(err, HR_E_INVALID,
				      "%s: `%s` is not a reference pattern (fix: write it like "
				      "\"registry.example.com/team/*\" or \"docker.io/library/*@sha256:*\")",
				      ptr, s);
	return 0;
}

static int check_pattern_array(const cJSON *arr, const char *ptr, hr_error *err)
{
	size_t i = 0;
	int r;

	if (!cJSON_IsArray(arr))
		return hr_err(err, HR_E_INVALID, "%s: expected an array of patterns", ptr);
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		_cleanup_free_ char *ep = hr_json_ptr_index(ptr, i);
		if (!cJSON_IsString(e))
			return hr_err(err, HR_E_INVALID, "%s: expected a string", ep);
		if ((r = check_pattern(e->valuestring, ep, err)) < 0)
			return r;
	}
	return 0;
}

static int want_bool(const cJSON *o, const char *key, bool *out, hr_error *err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!j)
		return 0;
	if (!cJSON_IsBool(j))
		return hr_err(err, HR_E_INVALID, "/image/%s: expected true or false", key);
	*out = cJSON_IsTrue(j);
	return 0;
}

int hr_image_policy_parse(const cJSON *doc, bool partial, struct hr_image_policy *out,
			  hr_error *err)
{
	struct hr_image_policy p = { .audit = HR_IMAGE_AUDIT_OFF, .refuse_at = HR_SEV_HIGH };
	const cJSON *o, *j;
	int r;

	if ((r = hr_json_get(doc, "image", "", (cJSON **)&o, err)) < 0)
		return r;
	if (!o)
		goto done;
	if (!cJSON_IsObject(o))
		return hr_err(err, HR_E_INVALID, "/image: expected an object");
	for (const cJSON *m = o->child; m; m = m->next) {
		bool known = false;
		for (size_t i = 0; keys[i]; i++)
			known |= strcmp(keys[i], m->string) == 0;
		if (!known) {
			_cleanup_free_ char *ptr = hr_json_ptr("/image", m->string);
			return hr_err(err, HR_E_INVALID,
				      "%s: unknown key (fix: use one of: audit, refuseAt, minimal, "
				      "allowedRefs, requireDigest)",
				      ptr);
		}
	}
	if ((j = cJSON_GetObjectItemCaseSensitive(o, "audit"))) {
		size_t i;
		for (i = 0; i < HR_ARRAY_SIZE(audit_names); i++)
			if (cJSON_IsString(j) && strcmp(j->valuestring, audit_names[i]) == 0)
				break;
		if (i == HR_ARRAY_SIZE(audit_names))
			return hr_err(err, HR_E_INVALID,
				      "/image/audit: expected \"off\", \"warn\" or \"refuse\"");
		p.audit = (enum hr_image_audit)i;
	}
	if ((j = cJSON_GetObjectItemCaseSensitive(o, "refuseAt"))) {
		int s = cJSON_IsString(j) ? hr_severity_from_name(j->valuestring) : -1;
		if (s < 0)
			return hr_err(err, HR_E_INVALID,
				      "/image/refuseAt: expected a severity: \"info\", \"low\", "
				      "\"medium\", \"high\" or \"critical\"");
		p.refuse_at = (enum hr_severity)s;
	}
	if ((r = want_bool(o, "minimal", &p.minimal, err)) < 0 ||
	    (r = want_bool(o, "requireDigest", &p.require_digest, err)) < 0)
		return r;
	if ((j = cJSON_GetObjectItemCaseSensitive(o, "allowedRefs"))) {
		const cJSON *add = cJSON_GetObjectItemCaseSensitive(j, "add");
		const cJSON *rm = cJSON_GetObjectItemCaseSensitive(j, "remove");
		bool delta = cJSON_IsObject(j) && j->child && cJSON_GetArraySize(j) == (!!add + !!rm);

		if (delta) {
			/* A change of the base's list: only meaningful in a
			 * profile that extends another (the loader applies it). */
			if (!partial)
				return hr_err(err, HR_E_INVALID,
					      "/image/allowedRefs: an {\"add\", \"remove\"} change "
					      "needs a base profile (fix: add \"extends\", or write the "
					      "whole list)");
			if ((add && (r = check_pattern_array(add, "/image/allowedRefs/add", err)) < 0) ||
			    (rm && (r = check_pattern_array(rm, "/image/allowedRefs/remove", err)) < 0))
				return r;
		} else {
			if ((r = check_pattern_array(j, "/image/allowedRefs", err)) < 0)
				return r;
			if (!j->child)
				return hr_err(err, HR_E_INVALID,
					      "/image/allowedRefs: empty, which would refuse every "
					      "image (fix: list the registries you allow, or remove "
					      "the key to allow any)");
			for (const cJSON *e = j->child; e; e = e->next)
				if (!hr_strv_contains(p.allowed_refs, e->valuestring))
					hr_strv_push(&p.allowed_refs, e->valuestring);
		}
	}
done:
	*out = p;
	return 0;
}

cJSON *hr_image_policy_to_json(const struct hr_image_policy *p)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "audit", audit_names[p->audit]);
	cJSON_AddStringToObject(o, "refuseAt", hr_severity_name(p->refuse_at));
	cJSON_AddBoolToObject(o, "minimal", p->minimal);
	if (p->allowed_refs) {
		cJSON *a = cJSON_AddArrayToObject(o, "allowedRefs");
		for (size_t i = 0; p->allowed_refs[i]; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(p->allowed_refs[i]));
	}
	cJSON_AddBoolToObject(o, "requireDigest", p->require_digest);
	return o;
}

bool hr_image_policy_weaker(const struct hr_image_policy *a, const struct hr_image_policy *b,
			    char *why, size_t cap)
{
	const char *reason = NULL;
	_cleanup_free_ char *buf = NULL;

	if (b->allowed_refs && !a->allowed_refs) {
		reason = "allows images from any registry";
	} else if (b->allowed_refs) {
		/* Patterns are not compared by what they match: a pattern of
		 * `a` that `b` does not list word for word counts as more. */
		for (size_t i = 0; a->allowed_refs[i] && !reason; i++)
			if (!hr_strv_contains(b->allowed_refs, a->allowed_refs[i]))
				reason = buf = hr_xasprintf("allows images matching %s",
							    a->allowed_refs[i]);
	}
	if (!reason && b->require_digest && !a->require_digest)
		reason = "allows images by tag";
	if (!reason && a->audit < b->audit)
		reason = "audits images less";
	if (!reason && b->audit == HR_IMAGE_AUDIT_REFUSE && a->refuse_at > b->refuse_at)
		reason = "refuses fewer image findings";
	if (!reason && b->minimal && !a->minimal)
		reason = "allows shells and package managers in images";
	if (reason && why && cap)
		snprintf(why, cap, "%s", reason);
	return reason != NULL;
}
