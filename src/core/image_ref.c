/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Ship stage at the runtime: the image reference an engine recorded
 * in the spec's annotations, judged against the profile's allowed
 * registries and digest pinning. It is a pass like the others, so its
 * findings, modes and refusals are those of every control; the reference
 * is read exactly as the audit log records it (hr_image_ref).
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/image.h"
#include "passes/pass.h"

/* Where engines put the image a container comes from, most specific first. */
const char *const hr_image_ref_keys[] = {
	"io.kubernetes.cri.image-name",	     /* containerd CRI */
	"io.kubernetes.cri-o.ImageName",     /* CRI-O */
	"org.opencontainers.image.ref.name", /* OCI image annotations */
	"org.opencontainers.image.base.name",
	"io.podman.annotations.image",
	NULL,
};
static const char *const digest_keys[] = {
	"io.kubernetes.cri.image-ref", /* containerd CRI: the resolved ref, often by digest */
	"org.opencontainers.image.base.digest",
	NULL,
};

static const char *first_of(const cJSON *ann, const char *const *keys, const char **ret_key)
{
	for (size_t i = 0; keys[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, keys[i]);
		if (cJSON_IsString(v) && v->valuestring[0]) {
			if (ret_key)
				*ret_key = keys[i];
			return v->valuestring;
		}
	}
	return NULL;
}

void hr_image_ref(const cJSON *annotations, const char **ref, const char **digest)
{
	const char *d;

	*ref = first_of(annotations, hr_image_ref_keys, NULL);
	d = first_of(annotations, digest_keys, NULL);
	/* A reference pinned by digest carries it after the '@'. */
	if (!d && *ref && strchr(*ref, '@'))
		d = strchr(*ref, '@') + 1;
	*digest = d && strchr(d, '@') ? strchr(d, '@') + 1 : d;
}

static bool all_of(const char *s, size_t n, const char *set, bool lower_alnum)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool ok = strchr(set, ch) && ch;
		if (lower_alnum)
			ok |= (ch >= 'a' && ch <= 'z') || isdigit(ch);
		else
			ok |= isalnum(ch);
		if (!ok)
			return false;
	}
	return true;
}

bool hr_image_digest_valid(const char *d)
{
	return strncmp(d, "sha256:", 7) == 0 && strlen(d + 7) == 64 &&
	       strspn(d + 7, "0123456789abcdef") == 64;
}

/*
 * Docker's normalisation (distribution/reference ParseNormalizedNamed):
 * a first component without a dot or colon that is not "localhost" is a
 * path on docker.io, one without a slash is under library/, and a
 * reference with neither tag nor digest means the tag latest.
 */
int hr_image_ref_parse(const char *ref, struct hr_image_ref_parts *out)
{
	_cleanup_free_ char *copy = NULL;
	char *at, *name, *tag = NULL, *slash, *colon;
	const char *domain = NULL;
	size_t n = ref ? strlen(ref) : 0;

	*out = (struct hr_image_ref_parts){ 0 };
	if (n == 0 || n > 4096)
		return -EINVAL;
	copy = hr_xstrdup(ref);
	if ((at = strchr(copy, '@'))) {
		*at++ = '\0';
		if (!hr_image_digest_valid(at))
			return -EINVAL;
	}
	name = copy;
	slash = strrchr(name, '/');
	colon = strrchr(name, ':');
	if (colon && (!slash || colon > slash)) {
		*colon = '\0';
		tag = colon + 1;
		if (!*tag || strlen(tag) > 128 || !all_of(tag, strlen(tag), "._-", false) ||
		    tag[0] == '.' || tag[0] == '-')
			return -EINVAL;
	}
	slash = strchr(name, '/');
	if (slash) {
		size_t fl = (size_t)(slash - name);
		if (memchr(name, '.', fl) || memchr(name, ':', fl) ||
		    (fl == 9 && strncmp(name, "localhost", 9) == 0)) {
			*slash = '\0';
			domain = name;
			name = slash + 1;
		}
	}
	if (!*name || (domain && !*domain))
		return -EINVAL;
	/* Path components: lowercase letters and digits, separated by . _ __ -. */
	for (const char *c = name; *c;) {
		size_t len = strcspn(c, "/");
		if (len == 0 || !all_of(c, len, "._-", true) || !isalnum((unsigned char)c[0]) ||
		    !isalnum((unsigned char)c[len - 1]))
			return -EINVAL;
		c += len;
		if (*c == '/' && !*++c)
			return -EINVAL;
	}
	if (domain && !all_of(domain, strlen(domain), ".-:[]", false))
		return -EINVAL;
	if (!domain || strcmp(domain, "index.docker.io") == 0)
		domain = "docker.io";
	out->name = strcmp(domain, "docker.io") == 0 && !strchr(name, '/')
			    ? hr_xasprintf("%s/library/%s", domain, name)
			    : hr_xasprintf("%s/%s", domain, name);
	out->tag = tag ? hr_xstrdup(tag) : at ? NULL : hr_xstrdup("latest");
	out->digest = at ? hr_xstrdup(at) : NULL;
	out->full = hr_xasprintf("%s%s%s%s%s", out->name, out->tag ? ":" : "", out->tag ? out->tag : "",
				 out->digest ? "@" : "", out->digest ? out->digest : "");
	return 0;
}

void hr_image_ref_parts_done(struct hr_image_ref_parts *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->tag);
	free(p->digest);
	free(p->full);
	*p = (struct hr_image_ref_parts){ 0 };
}

const char *hr_image_ref_match(const struct hr_image_ref_parts *ref, char *const *patterns)
{
	for (size_t i = 0; patterns && patterns[i]; i++)
		if (fnmatch(patterns[i], ref->full, 0) == 0 || fnmatch(patterns[i], ref->name, 0) == 0)
			return patterns[i];
	return NULL;
}

static char *patterns_text(char *const *v)
{
	char *s = hr_xstrdup("");

	for (size_t i = 0; v && v[i]; i++) {
		char *t = hr_xasprintf("%s%s%s", s, i ? ", " : "", v[i]);
		free(s);
		s = t;
	}
	return s;
}

int hr_pass_image(struct hr_pass_ctx *c)
{
	const struct hr_image_policy *pol = &c->profile->image;
	_cleanup_(hr_image_ref_parts_done) struct hr_image_ref_parts parts = { 0 };
	_cleanup_free_ char *ptr = NULL, *list = NULL, *before = NULL;
	const char *ref = NULL, *key = NULL;
	cJSON *ann;
	int r;

	if (!pol->allowed_refs && !pol->require_digest)
		return 0;
	if ((r = hr_json_get_object(c->spec, "annotations", "", &ann, c->err)) < 0)
		return r;
	ref = first_of(ann, hr_image_ref_keys, &key);
	list = patterns_text(pol->allowed_refs);
	if (!ref) {
		/* Fail closed: a policy on references cannot pass a container
		 * whose reference nobody recorded. */
		hr_finding_add(c->findings, pol->allowed_refs ? "image.ref-allowed" : "image.ref-digest",
			       HR_REFUSED, "/annotations", NULL, NULL,
			       "run the container through an engine that records the image (containerd's "
			       "CRI sets io.kubernetes.cri.image-name), pass it with --annotation, or "
			       "drop allowedRefs and requireDigest from the profile",
			       "no image reference in the annotations, so the profile's %s cannot "
			       "be checked",
			       pol->allowed_refs ? "allowedRefs" : "requireDigest");
		return 0;
	}
	ptr = hr_json_ptr("/annotations", key);
	before = hr_json_brief(cJSON_GetObjectItemCaseSensitive(ann, key));
	if (hr_image_ref_parse(ref, &parts) < 0) {
		hr_finding_add(c->findings, pol->allowed_refs ? "image.ref-allowed" : "image.ref-digest",
			       HR_REFUSED, ptr, before, NULL, NULL,
			       "`%s` is not an image reference hardrun can read, so it cannot be "
			       "checked against the profile",
			       ref);
		return 0;
	}
	if (pol->allowed_refs && !hr_image_ref_match(&parts, pol->allowed_refs))
		hr_finding_add(c->findings, "image.ref-allowed", HR_REFUSED, ptr, before, NULL, NULL,
			       "image `%s` (%s) matches none of the profile's allowedRefs: %s", ref,
			       parts.full, list);
	if (pol->require_digest && !parts.digest)
		hr_finding_add(c->findings, "image.ref-digest", HR_REFUSED, ptr, before, NULL, NULL,
			       "image `%s` is named by tag `%s`, not pinned by digest (profile "
			       "requireDigest)",
			       ref, parts.tag ? parts.tag : "latest");
	return 0;
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_image(const struct hr_profile *a, const struct hr_profile *b, char *why,
			 size_t cap)
{
	return hr_image_policy_weaker(&a->image, &b->image, why, cap);
}

const struct hr_control hr_control_image = {
	.name = "image",
	.no_fields = "it reads the image reference engines record in annotations, whose rows "
		     "the annotations control owns",
	.pass = hr_pass_image,
	.weaker = weaker_image,
};
