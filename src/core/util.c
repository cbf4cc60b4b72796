/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/util.h"

void hr_freep(void *p)
{
	free(*(void **)p);
}

void hr_strv_freep(char ***v)
{
	hr_strv_free(*v);
}

int hr_err(hr_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		(void)vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

int hr_err_prefix(hr_error *err, int code, const char *fmt, ...)
{
	char prefix[1024];
	char old[HR_ERROR_MAX];
	int n;
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	(void)vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	n = snprintf(err->msg, sizeof err->msg, "%s: ", prefix);
	if (n > 0 && (size_t)n < sizeof err->msg)
		memcpy(err->msg + n, old, strnlen(old, sizeof err->msg - (size_t)n - 1) + 1);
	err->msg[sizeof err->msg - 1] = '\0';
	err->code = code;
	return code;
}

void hr_error_clear(hr_error *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

void *hr_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void *hr_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		abort();
	return p;
}

void *hr_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		abort();
	return q;
}

char *hr_xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		abort();
	return p;
}

char *hr_xasprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	return s;
}

void hr_buf_add(struct hr_buf *b, const void *data, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = hr_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, data, n);
	b->n += n;
	b->s[b->n] = '\0';
}

size_t hr_strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

char **hr_strv_free(char **v)
{
	if (!v)
		return NULL;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
	return NULL;
}

bool hr_strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

void hr_strv_push(char ***v, const char *s)
{
	size_t n = hr_strv_len(*v);
	char **nv = hr_xrealloc(*v, (n + 2) * sizeof *nv);
	nv[n] = hr_xstrdup(s);
	nv[n + 1] = NULL;
	*v = nv;
}

void hr_strv_pushf(char ***v, const char *fmt, ...)
{
	size_t n = hr_strv_len(*v);
	char **nv = hr_xrealloc(*v, (n + 2) * sizeof *nv);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&nv[n], fmt, ap) < 0)
		abort();
	va_end(ap);
	nv[n + 1] = NULL;
	*v = nv;
}

void hr_strvb_add(struct hr_strv_builder *b, const char *s, size_t n)
{
	char *c = hr_xmalloc(n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->v = hr_xrealloc(b->v, b->cap * sizeof *b->v);
	}
	b->v[b->n++] = c;
	b->v[b->n] = NULL;
}

void hr_strvb_push(struct hr_strv_builder *b, const char *s)
{
	hr_strvb_add(b, s, strlen(s));
}

char **hr_strvb_take(struct hr_strv_builder *b)
{
	char **v = b->v ? b->v : hr_xcalloc(1, sizeof *v);

	*b = (struct hr_strv_builder){ 0 };
	return v;
}

char **hr_strv_copy(char *const *v)
{
	size_t n = hr_strv_len(v);
	char **c = hr_xcalloc(n + 1, sizeof *c);
	for (size_t i = 0; i < n; i++)
		c[i] = hr_xstrdup(v[i]);
	return c;
}

int hr_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void hr_strv_sort(char **v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1], v[i]) > 0) {
			qsort(v, n, sizeof *v, hr_strcmp_p);
			return;
		}
}

char *hr_path_normalize(const char *path)
{
	size_t len = strlen(path);
	bool abs = path[0] == '/';
	char *out = hr_xmalloc(len + 2);
	size_t o = 0;
	const char *p = path;

	if (abs)
		out[o++] = '/';
	while (*p) {
		const char *seg;
		size_t n;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			size_t floor = abs ? 1 : 0;
			bool last_is_dotdot = o >= floor + 2 && out[o - 1] == '.' &&
					      out[o - 2] == '.' &&
					      (o == floor + 2 || out[o - 3] == '/');
			if (o > floor && !last_is_dotdot) {
				/* drop the last component */
				while (o > floor && out[o - 1] != '/')
					o--;
				if (o > floor)
					o--;
				continue;
			}
			if (abs)
				continue; /* ".." at the root stays at the root */
		}
		if (o > 0 && out[o - 1] != '/')
			out[o++] = '/';
		memcpy(out + o, seg, n);
		o += n;
	}
	if (o == 0)
		out[o++] = abs ? '/' : '.';
	out[o] = '\0';
	return out;
}

bool hr_path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	if (strncmp(path, dir, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/';
}
