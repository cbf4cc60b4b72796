/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/audit.h"
#include "hardrun/image.h"
#include "hardrun/sanitize.h"

/*
 * libcrypto is loaded when a digest is first needed, not linked: its
 * start-up work (relocations, constructors) is three times that of
 * everything else hardrun loads, and most calls (every `runc state`,
 * `kill`, `delete` an engine makes) never hash anything.
 */
static struct {
	bool tried;
	__typeof__(EVP_Digest) *digest;
	__typeof__(EVP_sha256) *sha256;
	__typeof__(EVP_MD_CTX_new) *ctx_new;
	__typeof__(EVP_MD_CTX_free) *ctx_free;
	__typeof__(EVP_DigestInit_ex) *init;
	__typeof__(EVP_DigestUpdate) *update;
	__typeof__(EVP_DigestFinal_ex) *final;
} crypto;

static bool load_crypto(void)
{
	static const char *const names[] = { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so" };

	if (crypto.tried)
		return crypto.digest && crypto.sha256;
	crypto.tried = true;
	for (size_t i = 0; i < HR_ARRAY_SIZE(names); i++) {
		void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (!h)
			continue;
		crypto.digest = (__typeof__(EVP_Digest) *)dlsym(h, "EVP_Digest");
		crypto.sha256 = (__typeof__(EVP_sha256) *)dlsym(h, "EVP_sha256");
		crypto.ctx_new = (__typeof__(EVP_MD_CTX_new) *)dlsym(h, "EVP_MD_CTX_new");
		crypto.ctx_free = (__typeof__(EVP_MD_CTX_free) *)dlsym(h, "EVP_MD_CTX_free");
		crypto.init = (__typeof__(EVP_DigestInit_ex) *)dlsym(h, "EVP_DigestInit_ex");
		crypto.update = (__typeof__(EVP_DigestUpdate) *)dlsym(h, "EVP_DigestUpdate");
		crypto.final = (__typeof__(EVP_DigestFinal_ex) *)dlsym(h, "EVP_DigestFinal_ex");
		if (crypto.digest && crypto.sha256 && crypto.ctx_new && crypto.ctx_free &&
		    crypto.init && crypto.update && crypto.final)
			return true;
		dlclose(h);
	}
	return false;
}

static char *hex_of(const unsigned char *md, unsigned int n)
{
	char *hex = hr_xmalloc(2 * n + 1);

	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hex;
}

char *hr_sha256_hex(const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	/* Without libcrypto there is no digest to give; callers record that. */
	if (!load_crypto())
		return hr_xstrdup("unavailable (libcrypto not found)");
	if (!crypto.digest(data, len, md, &n, crypto.sha256(), NULL))
		abort();
	return hex_of(md, n);
}

char *hr_sha256_hex2(const void *a, size_t alen, const void *b, size_t blen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *ctx;

	if (!load_crypto())
		return hr_xstrdup("unavailable (libcrypto not found)");
	if (!(ctx = crypto.ctx_new()) || !crypto.init(ctx, crypto.sha256(), NULL) ||
	    !crypto.update(ctx, a, alen) || !crypto.update(ctx, b, blen) ||
	    !crypto.final(ctx, md, &n))
		abort();
	crypto.ctx_free(ctx);
	return hex_of(md, n);
}

/* hr_image_ref is in src/core/image_ref.c: the image reference policy
 * reads the reference exactly as this log records it. */

cJSON *hr_audit_json(const struct hr_audit_record *r)
{
	cJSON *o = cJSON_CreateObject();
	struct timespec ts;
	struct tm tm;
	char t[64], base[32];
	const char *ref = NULL, *digest = NULL;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(t, sizeof t, "%s.%09ldZ", base, ts.tv_nsec);
	cJSON_AddStringToObject(o, "time", t);
	cJSON_AddStringToObject(o, "event", r->event);
	if (r->container)
		cJSON_AddStringToObject(o, "container", r->container);
	if (r->bundle)
		cJSON_AddStringToObject(o, "bundle", r->bundle);
	hr_image_ref(r->annotations, &ref, &digest);
	if (ref)
		cJSON_AddStringToObject(o, "image", ref);
	if (digest)
		cJSON_AddStringToObject(o, "imageDigest", digest);
	if (r->profile) {
		cJSON_AddStringToObject(o, "profile", r->profile->name);
		cJSON_AddStringToObject(o, "profileFile", r->profile->source);
	}
	if (r->how)
		cJSON_AddStringToObject(o, "profileChosenBy", r->how);
	if (r->before) {
		_cleanup_free_ char *h = hr_sha256_hex(r->before, strlen(r->before));
		cJSON_AddStringToObject(o, "specSha256Before", h);
	}
	if (r->after) {
		_cleanup_free_ char *h = hr_sha256_hex(r->after, strlen(r->after));
		cJSON_AddStringToObject(o, "specSha256After", h);
	}
	if (r->findings) {
		cJSON *sum = cJSON_AddObjectToObject(o, "findings");
		cJSON *rules = cJSON_CreateArray();
		cJSON_AddNumberToObject(sum, "changed", (double)hr_findings_count(r->findings, HR_CHANGED));
		cJSON_AddNumberToObject(sum, "refused", (double)hr_findings_count(r->findings, HR_REFUSED));
		cJSON_AddNumberToObject(sum, "warned", (double)hr_findings_count(r->findings, HR_WARNED));
		for (size_t i = 0; i < r->findings->n; i++) {
			const char *id = r->findings->v[i].rule->id;
			bool seen = false;
			for (const cJSON *e = rules->child; e && !seen; e = e->next)
				seen = strcmp(e->valuestring, id) == 0;
			if (!seen)
				cJSON_AddItemToArray(rules, cJSON_CreateString(id));
		}
		cJSON_AddItemToObject(sum, "rules", rules);
	}
	if (r->runtime)
		cJSON_AddStringToObject(o, "runtime", r->runtime);
	if (r->reason)
		cJSON_AddStringToObject(o, "reason", r->reason);
	for (const cJSON *m = r->extra ? r->extra->child : NULL; m; m = m->next)
		cJSON_AddItemToObject(o, m->string, cJSON_Duplicate(m, true));
	return o;
}

int hr_audit_write(const struct hr_audit_dest *d, const struct hr_audit_record *r,
		   hr_error *err)
{
	cJSON *o;
	char *line;
	int ret = 0;

	if (!d || (!d->file && !d->syslog))
		return 0;
	o = hr_audit_json(r);
	/* Valid UTF-8 whatever the spec, image or engine named. */
	line = hr_json_output(o, false);
	cJSON_Delete(o);
	if (d->syslog) {
		openlog("hardrun", LOG_PID, LOG_AUTHPRIV);
		syslog(LOG_NOTICE, "%s", line);
		closelog();
	}
	if (d->file) {
		/* Never through a link; one locked write per record, so that
		 * containers starting together do not interleave their lines. */
		int fd = open(d->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
			      0600);
		size_t len = strlen(line);
		_cleanup_free_ char *buf = hr_xasprintf("%s\n", line);

		if (fd < 0) {
			ret = hr_err(err, -errno, "audit log %s: cannot open: %s", d->file,
				     strerror(errno));
		} else {
			(void)flock(fd, LOCK_EX);
			if (write(fd, buf, len + 1) != (ssize_t)(len + 1))
				ret = hr_err(err, -EIO, "audit log %s: short write", d->file);
			(void)close(fd);
		}
	}
	free(line);
	return ret;
}
