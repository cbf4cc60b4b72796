/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Secrets baked into an image: private keys, cloud credentials, tokens of
 * known services, password hashes, .env files and password or token
 * assignments in configuration files. Pure code over a buffer: the walk
 * reads the files. A hit records only a kind and a line, never the
 * secret, so nothing that reports it can leak it.
 *
 * Precision matters as much as recall: an audit that flags half of Debian
 * is ignored. So generic "key = value" assignments are only looked for in
 * configuration files, values that are placeholders or references
 * (${VAR}, changeme, /run/secrets/x) do not count, and private keys need
 * a header, a body of base64 and a footer, not just the header that
 * documentation quotes.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "hardrun/image.h"

static const char *const kind_names[HR_SECRET__MAX] = {
	[HR_SECRET_PRIVATE_KEY] = "private key",
	[HR_SECRET_KEYSTORE] = "PKCS#12 key store",
	[HR_SECRET_AWS_ACCESS_KEY] = "AWS access key id",
	[HR_SECRET_AWS_CREDENTIALS] = "AWS credentials file",
	[HR_SECRET_CLOUD_SERVICE_KEY] = "cloud service account key",
	[HR_SECRET_TOKEN] = "API token",
	[HR_SECRET_PASSWORD_HASH] = "password hash",
	[HR_SECRET_DOTENV] = ".env file with values",
	[HR_SECRET_ASSIGNMENT] = "password or token in a configuration file",
	[HR_SECRET_URL_CREDENTIALS] = "credentials in a URL",
	[HR_SECRET_REGISTRY_AUTH] = "registry or package index credentials",
};

const char *hr_secret_kind_name(enum hr_secret_kind k)
{
	return (unsigned)k < HR_SECRET__MAX ? kind_names[k] : "secret";
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t b = strlen(suffix);
	return n >= b && strncasecmp(s + n - b, suffix, b) == 0;
}

static bool is_dotenv(const char *path)
{
	const char *b = base_name(path);
	return strcmp(b, ".env") == 0 || strncmp(b, ".env.", 5) == 0 ||
	       (ends_with(b, ".env") && strlen(b) > 4);
}

static bool is_keystore(const char *path)
{
	return ends_with(path, ".p12") || ends_with(path, ".pfx");
}

/* Files whose purpose is to hold credentials. */
static bool is_credentials_file(const char *path)
{
	const char *b = base_name(path);
	static const char *const names[] = { ".netrc", ".npmrc", ".pypirc", ".git-credentials",
					     ".pgpass", ".my.cnf", ".s3cfg", ".boto", NULL };

	for (size_t i = 0; names[i]; i++)
		if (strcmp(b, names[i]) == 0)
			return true;
	return ends_with(path, "/.aws/credentials") || ends_with(path, "/.aws/config") ||
	       ends_with(path, "/.docker/config.json") || ends_with(path, "/.kube/config") ||
	       strcmp(path, "/etc/shadow") == 0 || strcmp(path, "/etc/gshadow") == 0;
}

/* Configuration files, where "password = ..." is worth a look. */
static bool is_config_file(const char *path)
{
	static const char *const exts[] = { ".conf", ".cfg", ".cnf", ".ini", ".properties",
					     ".yaml", ".yml", ".toml", ".json", ".xml", ".env",
					     NULL };
	for (size_t i = 0; exts[i]; i++)
		if (ends_with(path, exts[i]))
			return true;
	return is_dotenv(path) || is_credentials_file(path);
}

bool hr_secrets_by_name(const char *path)
{
	return is_dotenv(path) || is_keystore(path) || is_credentials_file(path);
}

unsigned hr_secrets_path_class(const char *path)
{
	return (unsigned)hr_secrets_by_name(path) | (unsigned)is_config_file(path) << 1 |
	       (unsigned)is_dotenv(path) << 2 | (unsigned)is_keystore(path) << 3 |
	       (unsigned)(ends_with(path, "/.aws/credentials") || ends_with(path, "/.aws/config")) << 4 |
	       (unsigned)(strcmp(path, "/etc/shadow") == 0 || strcmp(path, "/etc/gshadow") == 0) << 5 |
	       (unsigned)ends_with(path, "/.docker/config.json") << 6;
}

/* --- tokens of known forms ------------------------------------------------ */

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* How many of the first `max` characters are [A-Za-z0-9] + extra: never
 * more than max are looked at, so a megabyte of letters costs no more
 * than a token. */
static size_t span_of(const char *s, size_t len, const char *extra, size_t max)
{
	size_t n = 0;
	while (n < len && n < max &&
	       (isalnum((unsigned char)s[n]) || (extra && s[n] && strchr(extra, s[n]))))
		n++;
	return n;
}

/* prefix followed by at least `min` characters of [A-Za-z0-9] + extra. */
static bool token_at(const char *s, size_t len, const char *prefix, size_t min, const char *extra,
		     bool upper_only)
{
	size_t pl = strlen(prefix), n;

	if (len < pl + min || memcmp(s, prefix, pl) != 0)
		return false;
	n = span_of(s + pl, len - pl, extra, min);
	if (n < min)
		return false;
	if (upper_only)
		for (size_t i = 0; i < min; i++)
			if (islower((unsigned char)s[pl + i]))
				return false;
	return true;
}

/* A PEM private key: the header, at least 64 characters of base64 (line
 * breaks, JSON's "\n" escapes and RFC 1421 headers allowed), the footer.
 * *done is where the body of the last header that failed stopped being
 * read: a header whose body starts at or before it fails too (its body is
 * a suffix of that one's, read the same way, step by step, to the same
 * end, which the earlier one did not pass), so it is not read again, and a
 * file of a million headers costs one read, not a million. */
static bool private_key_at(const char *s, size_t len, const char **done)
{
	static const char begin[] = "-----BEGIN ";
	const char *p = s, *end = s + len, *hdr_end;
	size_t b64 = 0;

	if (len < sizeof begin - 1 || memcmp(s, begin, sizeof begin - 1) != 0)
		return false;
	/* "-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED ]PRIVATE KEY-----":
	 * the label ends within 40 characters, on the header's line. */
	hdr_end = memchr(s, '\n', len < 56 ? len : 56);
	if (!hdr_end)
		hdr_end = s + (len < 56 ? len : 56);
	{
		const char *k = memmem(s, (size_t)(hdr_end - s), "PRIVATE KEY-----", 16);
		if (!k || k - s > 40)
			return false;
		p = k + 16;
		if (p <= *done)
			return false;
	}
	while (p < end) {
		if (*p == '-' && (size_t)(end - p) >= 9 && memcmp(p, "-----END ", 9) == 0) {
			*done = p;
			return b64 >= 64;
		}
		/* Another header: this one had no body; that one may. */
		if (*p == '-' && (size_t)(end - p) >= sizeof begin - 1 &&
		    memcmp(p, begin, sizeof begin - 1) == 0)
			break;
		if (*p == '\\' && p + 1 < end && (p[1] == 'n' || p[1] == 'r')) {
			p += 2;
			continue;
		}
		if (isalnum((unsigned char)*p) || *p == '+' || *p == '/' || *p == '=') {
			b64++;
		} else if (*p == ':' || *p == ',' || *p == '-') {
			/* Proc-Type: 4,ENCRYPTED / DEK-Info: AES-128-CBC,... */
		} else if (!isspace((unsigned char)*p)) {
			break;
		}
		p++;
	}
	*done = p;
	return false;
}

int hr_secret_token_at(const char *s, size_t len, size_t *at)
{
	const char *pem_done = s; /* see private_key_at */

	for (size_t i = 0; i < len; i++) {
		*at = i;
		const char *p = s + i;
		size_t left = len - i;

		if (i > 0 && word_char(s[i - 1]) && *p != '-')
			continue; /* tokens start at a word boundary */
		switch (*p) {
		case '-':
			if (private_key_at(p, left, &pem_done))
				return HR_SECRET_PRIVATE_KEY;
			break;
		case 'A':
			/* An AWS key id is exactly 20 characters. */
			if ((token_at(p, left, "AKIA", 16, NULL, true) ||
			     token_at(p, left, "ASIA", 16, NULL, true)) &&
			    (left == 20 || !isalnum((unsigned char)p[20])))
				return HR_SECRET_AWS_ACCESS_KEY;
			if (token_at(p, left, "AIza", 35, "_-", false))
				return HR_SECRET_TOKEN; /* Google API key */
			break;
		case 'g':
			if (token_at(p, left, "ghp_", 36, NULL, false) ||
			    token_at(p, left, "gho_", 36, NULL, false) ||
			    token_at(p, left, "ghu_", 36, NULL, false) ||
			    token_at(p, left, "ghs_", 36, NULL, false) ||
			    token_at(p, left, "ghr_", 36, NULL, false) ||
			    token_at(p, left, "github_pat_", 60, "_", false) ||
			    token_at(p, left, "glpat-", 20, "_-", false))
				return HR_SECRET_TOKEN;
			break;
		case 'x':
			if (token_at(p, left, "xoxb-", 20, "-", false) ||
			    token_at(p, left, "xoxp-", 20, "-", false) ||
			    token_at(p, left, "xoxa-", 20, "-", false))
				return HR_SECRET_TOKEN; /* Slack */
			break;
		case 's':
			if (token_at(p, left, "sk_live_", 24, NULL, false))
				return HR_SECRET_TOKEN; /* Stripe */
			break;
		case 'n':
			if (token_at(p, left, "npm_", 36, NULL, false))
				return HR_SECRET_TOKEN;
			break;
		default:
			break;
		}
	}
	return -1;
}

int hr_secret_token_kind(const char *s, size_t len)
{
	size_t at;

	return hr_secret_token_at(s, len, &at);
}

/* --- assignments ---------------------------------------------------------- */

bool hr_secret_name(const char *key)
{
	static const char *const suffixes[] = { "password", "passwd",	 "_pwd",      "secret",
						"token",    "apikey",	 "api_key",   "accesskey",
						"access_key", "secretkey", "secret_key", "privatekey",
						"private_key", "credentials", NULL };
	size_t n = key ? strlen(key) : 0;

	/* By suffix: PASSWORD_FILE, TOKEN_URL, ... point at a secret; they
	 * are not one. */
	for (size_t i = 0; suffixes[i]; i++)
		if (ends_with_ci(key, n, suffixes[i]))
			return true;
	return false;
}

bool hr_secret_value(const char *v)
{
	static const char *const placeholders[] = { "changeme", "change_me", "change-me", "example",
						    "placeholder", "redacted", "dummy", "your_",
						    "your-", "xxxx", "****", "....", "<", ">",
						    "${", "$(", "{{", "%(", "@@", NULL };
	static const char *const words[] = { "none", "null", "nil", "true", "false", "undefined",
					      "empty", "secret", "password", "token", "test",
					      "required", "optional", "unset", NULL };
	char low[128];
	size_t n = v ? strlen(v) : 0;
	bool same = true;

	if (n < 6)
		return false;
	if (v[0] == '$' || v[0] == '/' || strncmp(v, "./", 2) == 0 || strncmp(v, "~/", 2) == 0 ||
	    strncmp(v, "file:", 5) == 0 || strncmp(v, "env:", 4) == 0)
		return false;
	for (size_t i = 0; i < n && i < sizeof low - 1; i++)
		low[i] = (char)tolower((unsigned char)v[i]);
	low[n < sizeof low - 1 ? n : sizeof low - 1] = '\0';
	for (size_t i = 0; placeholders[i]; i++)
		if (strstr(low, placeholders[i]))
			return false;
	for (size_t i = 0; words[i]; i++)
		if (strcmp(low, words[i]) == 0)
			return false;
	for (size_t i = 1; i < n; i++)
		same &= v[i] == v[0];
	return !same;
}

/* One line: `[export] key <sep> value` where sep is = or :, the key and
 * value optionally quoted (shell, .env, INI, YAML, JSON, properties).
 * Returns true with the key and value copied into the buffers. */
static bool split_assignment(const char *l, size_t n, char *key, size_t kcap, char *val,
			     size_t vcap)
{
	size_t i = 0, k = 0, v = 0;
	char q = 0;

	while (i < n && isspace((unsigned char)l[i]))
		i++;
	if (i + 7 < n && strncmp(l + i, "export ", 7) == 0)
		i += 7;
	if (i < n && (l[i] == '"' || l[i] == '\''))
		q = l[i++];
	while (i < n && (isalnum((unsigned char)l[i]) || strchr("_.-", l[i])) && k + 1 < kcap)
		key[k++] = l[i++];
	key[k] = '\0';
	if (q && (i >= n || l[i++] != q))
		return false;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (k == 0 || i >= n || (l[i] != '=' && l[i] != ':'))
		return false;
	i++;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	q = 0;
	if (i < n && (l[i] == '"' || l[i] == '\''))
		q = l[i++];
	while (i < n && v + 1 < vcap) {
		if (q ? l[i] == q : (l[i] == ' ' || l[i] == '\t' || l[i] == ',' || l[i] == '#'))
			break;
		val[v++] = l[i++];
	}
	val[v] = '\0';
	return true;
}

/* scheme://user:password@host */
static bool url_credentials(const char *l, size_t n)
{
	for (const char *p = memmem(l, n, "://", 3); p; p = memmem(p + 3, n - (size_t)(p + 3 - l), "://", 3)) {
		const char *u = p + 3, *end = l + n, *colon = NULL, *at = NULL;
		for (const char *q = u; q < end && !isspace((unsigned char)*q) && !strchr("/\"'", *q); q++) {
			if (*q == ':' && !colon)
				colon = q;
			if (*q == '@')
				at = q;
		}
		if (colon && at && at > colon + 1 && colon > u) {
			char pw[128];
			size_t pl = (size_t)(at - colon - 1);
			if (pl >= sizeof pw)
				pl = sizeof pw - 1;
			memcpy(pw, colon + 1, pl);
			pw[pl] = '\0';
			if (hr_secret_value(pw) || pl >= 6)
				return pw[0] != '$' && !strstr(pw, "{{") && !strchr(pw, '<');
		}
		if (p + 3 >= end)
			break;
	}
	return false;
}

/* Docker's config.json: "auth": "<base64 of user:password>". */
static bool docker_auth(const char *l, size_t n)
{
	for (const char *p = memmem(l, n, "\"auth\"", 6); p;
	     p = memmem(p + 6, n - (size_t)(p + 6 - l), "\"auth\"", 6)) {
		const char *q = p + 6, *end = l + n;
		size_t b64 = 0;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= end || *q++ != ':')
			continue;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= end || *q++ != '"')
			continue;
		while (q < end && (isalnum((unsigned char)*q) || *q == '+' || *q == '/' || *q == '='))
			q++, b64++;
		if (b64 >= 8)
			return true;
	}
	return false;
}

static void add_hit(struct hr_secret_hit *hits, size_t max, size_t *n, enum hr_secret_kind k,
		    unsigned line)
{
	for (size_t i = 0; i < *n; i++)
		if (hits[i].kind == k)
			return;
	if (*n < max)
		hits[(*n)++] = (struct hr_secret_hit){ k, line };
}

static bool is_comment(const char *l, size_t n)
{
	size_t i = 0;
	while (i < n && isspace((unsigned char)l[i]))
		i++;
	return i < n && (l[i] == '#' || l[i] == ';' || (l[i] == '/' && i + 1 < n && l[i + 1] == '/'));
}

/* /etc/shadow: a second field that is a hash, not *, ! or empty. */
static bool shadow_hash(const char *l, size_t n)
{
	const char *c = memchr(l, ':', n), *e;

	if (!c)
		return false;
	c++;
	e = memchr(c, ':', n - (size_t)(c - l));
	if (!e)
		e = l + n;
	return e - c >= 13 && c[0] != '*' && c[0] != '!';
}

size_t hr_secrets_scan(const char *path, const char *buf, size_t len, struct hr_secret_hit *hits,
		       size_t max)
{
	bool config = is_config_file(path), dotenv = is_dotenv(path);
	bool aws = ends_with(path, "/.aws/credentials") || ends_with(path, "/.aws/config");
	bool shadow = strcmp(path, "/etc/shadow") == 0 || strcmp(path, "/etc/gshadow") == 0;
	bool docker = ends_with(path, "/.docker/config.json");
	bool gcp_type = false, gcp_key = false;
	size_t n = 0, values = 0, at = 0;
	unsigned line = 0;
	int tok;

	if (is_keystore(path) && len > 0)
		add_hit(hits, max, &n, HR_SECRET_KEYSTORE, 0);
	/* Private keys and tokens can sit anywhere, over several lines. */
	if ((tok = hr_secret_token_at(buf, len, &at)) >= 0) {
		/* The line it starts on, for the report. */
		unsigned first = 1;
		for (const char *p = buf; (p = memchr(p, '\n', at - (size_t)(p - buf))); p++)
			first++;
		add_hit(hits, max, &n, (enum hr_secret_kind)tok, first);
	}
	if (!config && !shadow)
		return n;
	for (const char *l = buf; l < buf + len;) {
		const char *nl = memchr(l, '\n', len - (size_t)(l - buf));
		size_t ll = nl ? (size_t)(nl - l) : len - (size_t)(l - buf);
		char key[128], val[256];

		line++;
		if (shadow) {
			if (shadow_hash(l, ll))
				add_hit(hits, max, &n, HR_SECRET_PASSWORD_HASH, line);
		} else if (!is_comment(l, ll)) {
			if (memmem(l, ll, "service_account", 15))
				gcp_type = true;
			if (memmem(l, ll, "\"private_key\"", 13))
				gcp_key = true;
			if (docker && docker_auth(l, ll))
				add_hit(hits, max, &n, HR_SECRET_REGISTRY_AUTH, line);
			if (url_credentials(l, ll))
				add_hit(hits, max, &n, HR_SECRET_URL_CREDENTIALS, line);
			if (split_assignment(l, ll, key, sizeof key, val, sizeof val)) {
				if (val[0])
					values++;
				if (aws && strcasecmp(key, "aws_secret_access_key") == 0 && val[0])
					add_hit(hits, max, &n, HR_SECRET_AWS_CREDENTIALS, line);
				else if ((strcmp(key, "auth") == 0 || strcmp(key, "auths") == 0 ||
					  ends_with(key, "_authToken") || ends_with(key, "_auth")) &&
					 strlen(val) >= 8 && hr_secret_value(val))
					add_hit(hits, max, &n, HR_SECRET_REGISTRY_AUTH, line);
				else if (hr_secret_name(key) && hr_secret_value(val))
					add_hit(hits, max, &n, dotenv ? HR_SECRET_DOTENV : HR_SECRET_ASSIGNMENT,
						line);
			}
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	if (gcp_type && gcp_key)
		add_hit(hits, max, &n, HR_SECRET_CLOUD_SERVICE_KEY, 0);
	/* A .env file ships configuration meant to stay out of images,
	 * secret-looking or not. */
	if (dotenv && values > 0)
		add_hit(hits, max, &n, HR_SECRET_DOTENV, 0);
	return n;
}
