/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SBOM's pure half: dpkg and apk package databases in, a CycloneDX
 * 1.5 document out. The databases come from an untrusted image, so the
 * parsers take a length, never trust a field to be present or short, and
 * a package without a name or version is an error that names the file
 * and the stanza rather than a silent gap in the inventory. Each parser
 * reads its text once, line by line; packages, fields and the document
 * are bounded (sbom.h), and the document is written one component at a
 * time, its strings made valid UTF-8 (include/hardrun/sanitize.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/json.h"
#include "hardrun/sanitize.h"
#include "hardrun/sbom.h"

static void package_free(struct hr_package *p);

void hr_packages_done(struct hr_packages *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		package_free(&p->v[i]);
	free(p->v);
	*p = (struct hr_packages){ 0 };
}

void hr_os_release_done(struct hr_os_release *o)
{
	if (!o)
		return;
	free(o->id);
	free(o->version_id);
	free(o->name);
	free(o->pretty_name);
	*o = (struct hr_os_release){ 0 };
}

static void package_free(struct hr_package *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->source);
	free(p->manager);
}

static int push(struct hr_packages *p, struct hr_package pkg, const char *where, hr_error *err)
{
	if (p->n >= HR_SBOM_MAX_PACKAGES) {
		package_free(&pkg);
		return hr_err(err, HR_E_INVALID, "%s: more than %u packages in the image", where,
			      HR_SBOM_MAX_PACKAGES);
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->v = hr_xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n++] = pkg;
	return 0;
}

/* Which of the fields kept is longer than a real one is. */
static const char *too_long(const char *const *fields, const char *const *labels)
{
	for (size_t i = 0; labels[i]; i++)
		if (fields[i] && strlen(fields[i]) > HR_SBOM_MAX_FIELD)
			return labels[i];
	return NULL;
}

/* The value of os-release's KEY=value or KEY="value" (shell quoting of
 * the simple kind os-release(5) allows). */
static char *unquote(const char *v, size_t n)
{
	char *s = hr_xmalloc(n + 1);
	size_t k = 0;
	char q = 0;

	for (size_t i = 0; i < n; i++) {
		if (!q && (v[i] == '"' || v[i] == '\'')) {
			q = v[i];
			continue;
		}
		if (q && v[i] == q) {
			q = 0;
			continue;
		}
		if (v[i] == '\\' && q == '"' && i + 1 < n)
			i++;
		s[k++] = v[i];
	}
	s[k] = '\0';
	return s;
}

void hr_os_release_parse(const char *text, struct hr_os_release *out)
{
	*out = (struct hr_os_release){ 0 };
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		const char *eq = memchr(l, '=', n);
		char **dst = NULL;

		if (eq) {
			size_t kl = (size_t)(eq - l);
			if (kl == 2 && strncmp(l, "ID", 2) == 0)
				dst = &out->id;
			else if (kl == 10 && strncmp(l, "VERSION_ID", 10) == 0)
				dst = &out->version_id;
			else if (kl == 4 && strncmp(l, "NAME", 4) == 0)
				dst = &out->name;
			else if (kl == 11 && strncmp(l, "PRETTY_NAME", 11) == 0)
				dst = &out->pretty_name;
		}
		if (dst && !*dst)
			*dst = unquote(eq + 1, n - (size_t)(eq + 1 - l));
		l = nl ? nl + 1 : NULL;
	}
}

struct stanza {
	const char *start;
	unsigned line;
	char *package, *version, *arch, *source, *status;
};

static void stanza_clear(struct stanza *s)
{
	free(s->package);
	free(s->version);
	free(s->arch);
	free(s->source);
	free(s->status);
	*s = (struct stanza){ 0 };
}

/* dpkg states whose files are on disk. */
static bool dpkg_present(const char *status)
{
	static const char *const states[] = { "installed", "unpacked", "half-configured",
					      "half-installed", "triggers-awaited",
					      "triggers-pending", NULL };
	const char *last = status ? strrchr(status, ' ') : NULL;

	if (!last)
		return false;
	for (size_t i = 0; states[i]; i++)
		if (strcmp(last + 1, states[i]) == 0)
			return true;
	return false;
}

static char *trimmed(const char *v, size_t n)
{
	while (n && isspace((unsigned char)*v))
		v++, n--;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	return hr_xasprintf("%.*s", (int)n, v);
}

/* Text databases hold no NUL: one would cut a name short unseen. */
static int no_nul(const char *text, size_t len, const char *where, hr_error *err)
{
	const char *z = memchr(text, '\0', len);

	if (!z)
		return 0;
	return hr_err(err, HR_E_INVALID, "%s: a NUL byte at offset %zu", where, (size_t)(z - text));
}

static int dpkg_flush(struct stanza *s, const char *where, bool status_d, struct hr_packages *out,
		      hr_error *err)
{
	const char *const fields[] = { s->package, s->version, s->arch, s->source };
	const char *const labels[] = { "Package", "Version", "Architecture", "Source", NULL };
	const char *long_one = too_long(fields, labels);
	int r = 0;

	if (!s->package && !s->version && !s->status) {
		stanza_clear(s);
		return 0;
	}
	if (long_one)
		r = hr_err(err, HR_E_INVALID, "%s:%u: %s is longer than %u bytes", where, s->line,
			   long_one, HR_SBOM_MAX_FIELD);
	else if (!s->package || !*s->package)
		r = hr_err(err, HR_E_INVALID, "%s:%u: a package stanza without Package", where, s->line);
	else if (status_d ? false : !s->status)
		r = hr_err(err, HR_E_INVALID, "%s:%u: package %s has no Status", where, s->line,
			   s->package);
	else if ((status_d && !s->status) || dpkg_present(s->status)) {
		if (!s->version || !*s->version) {
			r = hr_err(err, HR_E_INVALID, "%s:%u: package %s has no Version", where, s->line,
				   s->package);
		} else {
			/* "Source: name (version)": the name only. */
			char *src = s->source;
			if (src)
				src[strcspn(src, " (")] = '\0';
			r = push(out,
				 (struct hr_package){
					 .name = HR_TAKE_PTR(s->package),
					 .version = HR_TAKE_PTR(s->version),
					 .arch = s->arch ? HR_TAKE_PTR(s->arch) : hr_xstrdup(""),
					 .source = src && *src ? HR_TAKE_PTR(s->source) : NULL,
					 .manager = hr_xstrdup("dpkg"),
				 },
				 where, err);
		}
	}
	stanza_clear(s);
	return r;
}

int hr_dpkg_parse(const char *text, size_t len, const char *where, bool status_d,
		  struct hr_packages *out, hr_error *err)
{
	struct stanza s = { 0 };
	unsigned line = 0;
	int r;

	if ((r = no_nul(text, len, where, err)) < 0)
		return r;
	for (const char *l = text; l < text + len;) {
		const char *nl = memchr(l, '\n', len - (size_t)(l - text));
		size_t n = nl ? (size_t)(nl - l) : len - (size_t)(l - text);
		const char *colon;
		char **dst = NULL;

		line++;
		if (n == 0 || strspn(l, " \t\r") == n) {
			if ((r = dpkg_flush(&s, where, status_d, out, err)) < 0)
				return r;
		} else if (l[0] != ' ' && l[0] != '\t' && (colon = memchr(l, ':', n))) {
			size_t kl = (size_t)(colon - l);
			if (!s.line)
				s.line = line;
			/* Field names are case-insensitive (deb822(5)). */
			if (kl == 7 && strncasecmp(l, "Package", 7) == 0)
				dst = &s.package;
			else if (kl == 7 && strncasecmp(l, "Version", 7) == 0)
				dst = &s.version;
			else if (kl == 12 && strncasecmp(l, "Architecture", 12) == 0)
				dst = &s.arch;
			else if (kl == 6 && strncasecmp(l, "Source", 6) == 0)
				dst = &s.source;
			else if (kl == 6 && strncasecmp(l, "Status", 6) == 0)
				dst = &s.status;
			if (dst) {
				free(*dst);
				*dst = trimmed(colon + 1, n - kl - 1);
			}
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	r = dpkg_flush(&s, where, status_d, out, err);
	return r;
}

int hr_apk_parse(const char *text, size_t len, const char *where, struct hr_packages *out,
		 hr_error *err)
{
	struct stanza s = { 0 };
	unsigned line = 0;
	int r;

	if ((r = no_nul(text, len, where, err)) < 0)
		return r;
	for (const char *l = text;; ) {
		const char *nl = l < text + len ? memchr(l, '\n', len - (size_t)(l - text)) : NULL;
		size_t n = l < text + len ? (nl ? (size_t)(nl - l) : len - (size_t)(l - text)) : 0;

		line++;
		if (n == 0) {
			if (s.package || s.version) {
				const char *const fields[] = { s.package, s.version, s.arch, s.source };
				const char *const labels[] = { "P:", "V:", "A:", "o:", NULL };
				const char *long_one = too_long(fields, labels);
				if (long_one) {
					r = hr_err(err, HR_E_INVALID, "%s:%u: %s is longer than %u bytes",
						   where, s.line, long_one, HR_SBOM_MAX_FIELD);
					stanza_clear(&s);
					return r;
				}
				if (!s.package || !*s.package || !s.version || !*s.version) {
					r = hr_err(err, HR_E_INVALID,
						       "%s:%u: a package without %s", where, s.line,
						       s.package && *s.package ? "V: (version)" : "P: (name)");
					stanza_clear(&s);
					return r;
				}
				/* The origin, when it is another package's name. */
				char *src = s.source && strcmp(s.source, s.package) != 0
						    ? HR_TAKE_PTR(s.source)
						    : NULL;
				r = push(out,
					 (struct hr_package){
						 .name = HR_TAKE_PTR(s.package),
						 .version = HR_TAKE_PTR(s.version),
						 .arch = s.arch ? HR_TAKE_PTR(s.arch) : hr_xstrdup(""),
						 .source = src,
						 .manager = hr_xstrdup("apk"),
					 },
					 where, err);
				if (r < 0) {
					stanza_clear(&s);
					return r;
				}
			}
			stanza_clear(&s);
		} else if (n >= 2 && l[1] == ':') {
			char **dst = l[0] == 'P' ? &s.package
				   : l[0] == 'V' ? &s.version
				   : l[0] == 'A' ? &s.arch
				   : l[0] == 'o' ? &s.source
						 : NULL;
			if (!s.line)
				s.line = line;
			if (dst) {
				free(*dst);
				*dst = trimmed(l + 2, n - 2);
			}
		}
		if (l >= text + len)
			break;
		l = nl ? nl + 1 : text + len;
	}
	return 0;
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct hr_package *x = a, *y = b;
	int c = strcmp(x->manager, y->manager);
	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->arch, y->arch);
	if (!c)
		c = strcmp(x->version, y->version);
	return c;
}

void hr_packages_sort(struct hr_packages *p)
{
	size_t k = 0;

	if (p->n)
		qsort(p->v, p->n, sizeof *p->v, cmp_pkg);
	for (size_t i = 0; i < p->n; i++) {
		if (k > 0 && cmp_pkg(&p->v[k - 1], &p->v[i]) == 0) {
			package_free(&p->v[i]);
			continue;
		}
		p->v[k++] = p->v[i];
	}
	p->n = k;
}

/* Percent-encoding of the purl specification: everything but
 * A-Z a-z 0-9 . - _ ~ is encoded. */
static void enc(char **out, const char *s)
{
	size_t n = strlen(*out);
	char *r = hr_xmalloc(n + 3 * strlen(s) + 1);

	memcpy(r, *out, n);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr(".-_~", *p))
			r[n++] = (char)*p;
		else
			n += (size_t)sprintf(r + n, "%%%02X", *p);
	}
	r[n] = '\0';
	free(*out);
	*out = r;
}

static void cat(char **out, const char *s)
{
	char *t = hr_xasprintf("%s%s", *out, s);
	free(*out);
	*out = t;
}

char *hr_purl(const struct hr_package *p, const struct hr_os_release *os)
{
	bool apk = strcmp(p->manager, "apk") == 0;
	const char *ns = os && os->id && *os->id ? os->id : apk ? "alpine" : "debian";
	char *s = hr_xstrdup(apk ? "pkg:apk/" : "pkg:deb/");

	enc(&s, ns);
	cat(&s, "/");
	enc(&s, p->name);
	cat(&s, "@");
	enc(&s, p->version);
	/* Qualifiers in lexical order of their keys. */
	if (p->arch && *p->arch) {
		cat(&s, "?arch=");
		enc(&s, p->arch);
	}
	if (os && os->id && *os->id && os->version_id && *os->version_id) {
		_cleanup_free_ char *distro = hr_xasprintf("%s-%s", os->id, os->version_id);
		cat(&s, p->arch && *p->arch ? "&distro=" : "?distro=");
		enc(&s, distro);
	}
	return s;
}

static void property(cJSON *arr, const char *name, const char *value)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "value", value);
	cJSON_AddItemToArray(arr, o);
}

static cJSON *image_component(const char *ref, const char *digest)
{
	cJSON *c = cJSON_CreateObject();
	struct hr_image_ref_parts parts;
	bool parsed = hr_image_ref_parse(ref, &parts) == 0;
	const char *d = parsed && parts.digest ? parts.digest : digest;

	cJSON_AddStringToObject(c, "type", "container");
	cJSON_AddStringToObject(c, "bom-ref", "image");
	cJSON_AddStringToObject(c, "name", parsed ? parts.name : ref);
	if (parsed && parts.tag)
		cJSON_AddStringToObject(c, "version", parts.tag);
	else if (d)
		cJSON_AddStringToObject(c, "version", d);
	if (parsed && d && hr_image_digest_valid(d)) {
		/* pkg:oci/NAME@DIGEST?repository_url=REGISTRY/REPO&tag=TAG */
		const char *last = strrchr(parts.name, '/');
		char *purl = hr_xstrdup("pkg:oci/");
		enc(&purl, last ? last + 1 : parts.name);
		cat(&purl, "@");
		enc(&purl, d);
		cat(&purl, "?repository_url=");
		enc(&purl, parts.name);
		if (parts.tag) {
			cat(&purl, "&tag=");
			enc(&purl, parts.tag);
		}
		cJSON_AddStringToObject(c, "purl", purl);
		free(purl);
	}
	{
		cJSON *props = cJSON_AddArrayToObject(c, "properties");
		property(props, "hardrun:image:reference", ref);
		if (d)
			property(props, "hardrun:image:digest", d);
	}
	if (parsed)
		hr_image_ref_parts_done(&parts);
	return c;
}

/* Everything but the components, which come last. */
static cJSON *sbom_head(const struct hr_sbom_input *in, const char *serial_text,
			const char *timestamp)
{
	cJSON *doc = cJSON_CreateObject(), *meta, *tools, *tc, *props;

	cJSON_AddStringToObject(doc, "$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json");
	cJSON_AddStringToObject(doc, "bomFormat", "CycloneDX");
	cJSON_AddStringToObject(doc, "specVersion", "1.5");
	cJSON_AddStringToObject(doc, "serialNumber", serial_text);
	cJSON_AddNumberToObject(doc, "version", 1);
	meta = cJSON_AddObjectToObject(doc, "metadata");
	cJSON_AddStringToObject(meta, "timestamp", timestamp);
	tools = cJSON_AddObjectToObject(meta, "tools");
	tc = cJSON_CreateObject();
	cJSON_AddStringToObject(tc, "type", "application");
	cJSON_AddStringToObject(tc, "name", "hardrun");
	cJSON_AddStringToObject(tc, "version", PACKAGE_VERSION);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(tools, "components"), tc);
	if (in->image_ref)
		cJSON_AddItemToObject(meta, "component", image_component(in->image_ref, in->image_digest));
	props = cJSON_AddArrayToObject(meta, "properties");
	property(props, "hardrun:coverage", "dpkg (status, status.d), apk (installed)");
	for (size_t i = 0; in->not_covered && in->not_covered[i]; i++)
		property(props, "hardrun:not-covered", in->not_covered[i]);
	return doc;
}

static cJSON *os_component(const struct hr_os_release *os)
{
	cJSON *c = cJSON_CreateObject();
	_cleanup_free_ char *ref = hr_xasprintf("os:%s@%s", os->id,
						os->version_id ? os->version_id : "");

	cJSON_AddStringToObject(c, "type", "operating-system");
	cJSON_AddStringToObject(c, "bom-ref", ref);
	cJSON_AddStringToObject(c, "name", os->id);
	if (os->version_id)
		cJSON_AddStringToObject(c, "version", os->version_id);
	if (os->pretty_name)
		cJSON_AddStringToObject(c, "description", os->pretty_name);
	return c;
}

static cJSON *package_component(const struct hr_package *p, const struct hr_os_release *os)
{
	_cleanup_free_ char *purl = hr_purl(p, os);
	cJSON *c = cJSON_CreateObject(), *pp;

	cJSON_AddStringToObject(c, "type", "library");
	cJSON_AddStringToObject(c, "bom-ref", purl);
	cJSON_AddStringToObject(c, "name", p->name);
	cJSON_AddStringToObject(c, "version", p->version);
	cJSON_AddStringToObject(c, "purl", purl);
	pp = cJSON_AddArrayToObject(c, "properties");
	property(pp, "hardrun:package:manager", p->manager);
	if (p->arch && *p->arch)
		property(pp, "hardrun:package:architecture", p->arch);
	if (p->source)
		property(pp, "hardrun:package:source", p->source);
	return c;
}

static bool has_os(const struct hr_os_release *os)
{
	return os && os->id && *os->id;
}

cJSON *hr_sbom_cyclonedx(const struct hr_sbom_input *in)
{
	_cleanup_free_ char *serial = hr_xasprintf("urn:uuid:%s", in->serial);
	cJSON *doc = sbom_head(in, serial, in->timestamp);
	cJSON *comps = cJSON_AddArrayToObject(doc, "components");

	if (has_os(in->os))
		cJSON_AddItemToArray(comps, os_component(in->os));
	for (size_t i = 0; i < in->packages->n; i++)
		cJSON_AddItemToArray(comps, package_component(&in->packages->v[i], in->os));
	return doc;
}

/* The head printed as cJSON prints a document, its closing brace left
 * off, and the components member opened. */
static char *head_text(const cJSON *head)
{
	char *t = hr_json_output(head, true);
	size_t n = strlen(t);

	while (n && t[n - 1] != '}')
		n--;
	if (n)
		n--; /* the closing brace */
	while (n && (t[n - 1] == '\n' || t[n - 1] == '\t'))
		n--;
	{
		char *r = hr_xasprintf("%.*s,\n\t\"components\":\t[", (int)n, t);
		free(t);
		return r;
	}
}

/* A component, indented as an element of the components array. */
static void add_component(struct hr_buf *b, cJSON *c, bool first)
{
	char *t = hr_json_output(c, true);
	const char *p;

	cJSON_Delete(c);
	hr_buf_add(b, first ? "\n\t\t" : ",\n\t\t", first ? 3 : 4);
	for (p = t; *p;) {
		size_t k = strcspn(p, "\n");
		hr_buf_add(b, p, k);
		p += k;
		if (*p == '\n') {
			hr_buf_add(b, "\n\t\t", 3);
			p++;
		}
	}
	free(t);
}

int hr_sbom_print(const struct hr_sbom_input *in, char **ret_text, char **ret_keyless_head,
		  size_t *ret_body_at, hr_error *err)
{
	_cleanup_free_ char *serial = hr_xasprintf("urn:uuid:%s", in->serial);
	_cleanup_(hr_json_deletep) cJSON *head = sbom_head(in, serial, in->timestamp);
	_cleanup_(hr_json_deletep) cJSON *keyless = sbom_head(in, "", "");
	struct hr_buf b = { 0 };
	char *h = head_text(head);
	size_t body_at;
	bool first = true;

	hr_buf_add(&b, h, strlen(h));
	free(h);
	body_at = b.n;
	if (has_os(in->os)) {
		add_component(&b, os_component(in->os), first);
		first = false;
	}
	for (size_t i = 0; i < in->packages->n; i++) {
		add_component(&b, package_component(&in->packages->v[i], in->os), first);
		first = false;
		if (b.n > HR_SBOM_MAX_TEXT) {
			free(b.s);
			return hr_err(err, HR_E_INVALID, "the SBOM would be larger than %u bytes",
				      HR_SBOM_MAX_TEXT);
		}
	}
	hr_buf_add(&b, first ? "]\n}" : "\n\t]\n}", first ? 3 : 5);
	*ret_text = b.s;
	*ret_keyless_head = head_text(keyless);
	*ret_body_at = body_at;
	return 0;
}
