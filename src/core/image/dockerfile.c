/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tokenizer for Dockerfiles, following BuildKit's parser: parser
 * directives at the top (escape=` switches the escape character), comment
 * lines (also inside a continued instruction), line continuations with
 * the escape character, heredocs (RUN <<EOF ... EOF, <<-EOF strips tabs,
 * several per line), flags (--from=, --mount=, --platform=), JSON (exec)
 * form with shell form as the fallback BuildKit uses for invalid JSON,
 * and stages (FROM image [AS name]). Pure: text in, instructions out.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/dockerfile.h"
#include "hardrun/json.h"

#define MAX_INSTRUCTIONS 20000

static const char *const keywords[] = { "FROM",	      "RUN",	    "CMD",	   "LABEL",
					"MAINTAINER", "EXPOSE",	    "ENV",	   "ADD",
					"COPY",	      "ENTRYPOINT", "VOLUME",	   "USER",
					"WORKDIR",    "ARG",	    "ONBUILD",	   "STOPSIGNAL",
					"HEALTHCHECK", "SHELL",	    NULL };

void hr_dockerfile_done(struct hr_dockerfile *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].keyword);
		free(d->v[i].args);
		hr_strv_free(d->v[i].flags);
		hr_strv_free(d->v[i].heredocs);
		if (d->v[i].json)
			cJSON_Delete(d->v[i].json);
	}
	for (size_t i = 0; i < d->n_stages; i++) {
		free(d->stages[i].image);
		free(d->stages[i].name);
	}
	free(d->v);
	free(d->stages);
	hr_strv_free(d->global_args);
	*d = (struct hr_dockerfile){ 0 };
}

struct lines {
	const char *text, *end, *p;
	unsigned no; /* the number of the line last returned */
};

/* The next physical line (without its newline or a trailing \r). */
static bool next_line(struct lines *l, const char **ret, size_t *len)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	*ret = l->p;
	*len = nl ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
	if (*len && (*ret)[*len - 1] == '\r')
		(*len)--;
	l->p = nl ? nl + 1 : l->end;
	l->no++;
	return true;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

static bool comment(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i < n && s[i] == '#';
}

/* `# escape=`` and friends, before anything else. Returns true if the
 * line was a directive. */
static bool directive(const char *s, size_t n, struct hr_dockerfile *d, bool *seen_escape)
{
	char name[32], value[64];
	size_t i = 1, k = 0;

	if (n < 2 || s[0] != '#')
		return false;
	while (i < n && s[i] == ' ')
		i++;
	while (i < n && (isalpha((unsigned char)s[i])) && k + 1 < sizeof name)
		name[k++] = (char)tolower((unsigned char)s[i++]);
	name[k] = '\0';
	while (i < n && s[i] == ' ')
		i++;
	if (!k || i >= n || s[i] != '=')
		return false;
	i++;
	while (i < n && s[i] == ' ')
		i++;
	k = 0;
	while (i < n && !isspace((unsigned char)s[i]) && k + 1 < sizeof value)
		value[k++] = s[i++];
	value[k] = '\0';
	if (strcmp(name, "escape") == 0 && !*seen_escape && (strcmp(value, "`") == 0 || strcmp(value, "\\") == 0)) {
		d->escape = value[0];
		*seen_escape = true;
	}
	return strcmp(name, "escape") == 0 || strcmp(name, "syntax") == 0 || strcmp(name, "check") == 0;
}

/* Heredoc markers in `args` (outside quotes): <<WORD, <<-WORD, <<"WORD". */
struct marker {
	char word[64];
	bool strip_tabs;
};

static size_t find_heredocs(const char *args, struct marker *m, size_t max)
{
	size_t n = 0;
	char q = 0;

	for (const char *p = args; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			q = *p;
			continue;
		}
		if (p[0] == '<' && p[1] == '<' && p[2] != '<') {
			const char *w = p + 2;
			bool strip = false;
			char wq = 0;
			size_t k = 0;
			if (*w == '-') {
				strip = true;
				w++;
			}
			if (*w == '"' || *w == '\'')
				wq = *w++;
			if (!(isalpha((unsigned char)*w) || *w == '_'))
				continue;
			while ((isalnum((unsigned char)*w) || *w == '_') && k + 1 < sizeof m->word)
				m[n].word[k++] = *w++;
			m[n].word[k] = '\0';
			if (wq && *w != wq)
				continue;
			m[n].strip_tabs = strip;
			if (++n == max)
				break;
			p = w - 1;
		}
	}
	return n;
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return hr_xasprintf("%.*s", (int)n, s);
}

/* Split off the leading --flags of an instruction's arguments. */
static char *take_flags(const char *args, char ***flags)
{
	struct hr_strv_builder b = { 0 };
	const char *p = args;

	for (;;) {
		size_t n;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "--", 2) != 0 || !isalpha((unsigned char)p[2]))
			break;
		n = strcspn(p, " \t");
		hr_strvb_add(&b, p, n);
		p += n;
	}
	*flags = b.n ? hr_strvb_take(&b) : NULL;
	return hr_xstrdup(p);
}

/* Room for one more element of an array whose length is n: grown to the
 * next power of two, so that appending n elements costs O(n). */
static void *grow(void *v, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		v = hr_xrealloc(v, (n ? 2 * n : 1) * size);
	return v;
}

/* The stage FROM names: the last one named so (case-insensitively), or
 * given by index; -1 if none. */
static int named_stage(const struct hr_strmap *names, size_t n_stages, const char *image)
{
	size_t n = strlen(image), idx = 0;
	_cleanup_free_ char *low = hr_xmalloc(n + 1);
	uintptr_t by_name = 0;
	int base = -1;

	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)image[i]);
	if (hr_strmap_get(names, low, n, &by_name))
		base = (int)by_name - 1;
	/* "0", "1", ...: an index, written as %zu writes it. */
	if (n > 0 && n < 10 && strspn(image, "0123456789") == n && (image[0] != '0' || n == 1)) {
		for (size_t i = 0; i < n; i++)
			idx = idx * 10 + (size_t)(image[i] - '0');
		if (idx < n_stages && (int)idx > base)
			base = (int)idx;
	}
	return base;
}

struct parse_state {
	struct hr_strmap stage_names; /* lower-cased AS name -> 1 + stage index */
	struct hr_strv_builder global_args;
};

static int add_instr(struct hr_dockerfile *d, struct parse_state *ps, const char *logical,
		     unsigned line, const char *where, hr_error *err)
{
	const char *p = logical;
	struct hr_df_instr in = { .line = line, .stage = (int)d->n_stages - 1 };
	size_t kl;
	bool known = false;

	while (isspace((unsigned char)*p))
		p++;
	kl = strcspn(p, " \t");
	in.keyword = hr_xasprintf("%.*s", (int)kl, p);
	for (char *c = in.keyword; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	for (size_t i = 0; keywords[i]; i++)
		known |= strcmp(keywords[i], in.keyword) == 0;
	if (!known) {
		int r = hr_err(err, HR_E_INVALID,
			       "%s:%u: unknown instruction `%.*s` (fix: use one of FROM, RUN, COPY, "
			       "ADD, ENV, ARG, USER, ... as Docker documents them)",
			       where, line, (int)kl, p);
		free(in.keyword);
		return r;
	}
	if (d->n >= MAX_INSTRUCTIONS) {
		free(in.keyword);
		return hr_err(err, HR_E_INVALID, "%s:%u: more than %u instructions", where, line,
			      MAX_INSTRUCTIONS);
	}
	in.args = take_flags(p + kl, &in.flags);
	{
		char *t = trim_dup(in.args, strlen(in.args));
		free(in.args);
		in.args = t;
	}
	if (in.args[0] == '[') {
		cJSON *j = cJSON_Parse(in.args);
		bool strings = cJSON_IsArray(j);
		for (const cJSON *e = j ? j->child : NULL; e && strings; e = e->next)
			strings = cJSON_IsString(e);
		if (strings)
			in.json = j;
		else if (j)
			cJSON_Delete(j);
	}
	if (strcmp(in.keyword, "FROM") == 0) {
		/* FROM [--platform=...] image [AS name] */
		_cleanup_strv_ char **w = hr_df_shell_words(in.args);
		size_t nw = hr_strv_len(w);
		struct hr_df_stage st = { .base = -1, .line = line, .first = d->n + 1 };
		if (nw != 1 && !(nw == 3 && strcasecmp(w[1], "AS") == 0)) {
			int r = hr_err(err, HR_E_INVALID,
				       "%s:%u: FROM takes an image and an optional `AS name` (fix: "
				       "FROM debian:12 AS build)",
				       where, line);
			free(in.keyword);
			free(in.args);
			hr_strv_free(in.flags);
			if (in.json)
				cJSON_Delete(in.json);
			return r;
		}
		st.image = hr_xstrdup(w[0]);
		if (nw == 3)
			st.name = hr_xstrdup(w[2]);
		/* A stage named earlier (by name or index) is a base too. */
		st.base = named_stage(&ps->stage_names, d->n_stages, st.image);
		if (d->n_stages)
			d->stages[d->n_stages - 1].end = d->n;
		d->stages = grow(d->stages, d->n_stages, sizeof *d->stages);
		d->stages[d->n_stages++] = st;
		if (st.name) {
			_cleanup_free_ char *low = hr_xstrdup(st.name);
			for (char *c = low; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			(void)hr_strmap_put(&ps->stage_names, low, strlen(low), d->n_stages, NULL);
		}
		in.stage = (int)d->n_stages - 1;
	} else if (d->n_stages == 0 && strcmp(in.keyword, "ARG") != 0) {
		int r = hr_err(err, HR_E_INVALID,
			       "%s:%u: %s before the first FROM (fix: only ARG may come before FROM)",
			       where, line, in.keyword);
		free(in.keyword);
		free(in.args);
		hr_strv_free(in.flags);
		if (in.json)
			cJSON_Delete(in.json);
		return r;
	} else if (d->n_stages == 0) {
		_cleanup_strv_ char **w = hr_df_shell_words(in.args);
		for (size_t i = 0; w && w[i]; i++)
			hr_strvb_push(&ps->global_args, w[i]);
	}
	d->v = grow(d->v, d->n, sizeof *d->v);
	d->v[d->n++] = in;
	return 0;
}

int hr_dockerfile_parse(const char *text, size_t len, const char *where, struct hr_dockerfile *out,
			hr_error *err)
{
	struct lines l = { .text = text, .end = text + len, .p = text };
	struct hr_dockerfile d = { .escape = '\\' };
	struct parse_state ps = { 0 };
	struct hr_buf logical = { 0 };
	bool directives = true, seen_escape = false;
	unsigned start = 0;
	const char *s;
	size_t n;
	int r;

	*out = (struct hr_dockerfile){ 0 };
	if (len > HR_DOCKERFILE_MAX_BYTES)
		return hr_err(err, HR_E_INVALID, "%s: larger than %u bytes", where,
			      HR_DOCKERFILE_MAX_BYTES);
	if (hr_utf8_check(text, len) != len)
		return hr_err(err, HR_E_INVALID, "%s: not UTF-8 text", where);
	while (next_line(&l, &s, &n)) {
		bool cont = false;
		size_t e = n;

		if (directives) {
			if (directive(s, n, &d, &seen_escape))
				continue;
			directives = false;
		}
		/* Comments and (inside an instruction) empty lines vanish. */
		if (comment(s, n) || blank(s, n))
			continue;
		while (e && isspace((unsigned char)s[e - 1]))
			e--;
		if (e && s[e - 1] == d.escape) {
			cont = true;
			e--;
		}
		if (!start)
			start = l.no;
		hr_buf_add(&logical, s, e);
		if (cont) {
			if (l.p >= l.end) {
				/* An escape at the very end continues into nothing. */
			} else {
				continue;
			}
		}
		{
			/* Heredocs take the lines after the instruction. */
			struct marker m[8];
			size_t nm = 0;
			size_t kw = strspn(logical.s, " \t");
			size_t kl = strcspn(logical.s + kw, " \t");
			bool takes = (kl == 3 && (strncasecmp(logical.s + kw, "RUN", 3) == 0 ||
						  strncasecmp(logical.s + kw, "ADD", 3) == 0)) ||
				     (kl == 4 && strncasecmp(logical.s + kw, "COPY", 4) == 0);
			char *rest = logical.s + kw + kl;
			while (isspace((unsigned char)*rest))
				rest++;
			if (takes && *rest != '[')
				nm = find_heredocs(logical.s, m, HR_ARRAY_SIZE(m));
			if ((r = add_instr(&d, &ps, logical.s, start, where, err)) < 0)
				goto fail;
			for (size_t i = 0; i < nm; i++) {
				struct hr_buf body = { 0 };
				bool closed = false;
				unsigned opened = l.no;
				while (next_line(&l, &s, &n)) {
					size_t off = 0;
					if (m[i].strip_tabs)
						while (off < n && s[off] == '\t')
							off++;
					if (n - off == strlen(m[i].word) &&
					    strncmp(s + off, m[i].word, n - off) == 0) {
						closed = true;
						break;
					}
					hr_buf_add(&body, s + off, n - off);
					hr_buf_add(&body, "\n", 1);
				}
				if (!closed) {
					free(body.s);
					r = hr_err(err, HR_E_INVALID,
						   "%s:%u: heredoc <<%s is not closed (fix: end it with a "
						   "line holding only %s)",
						   where, opened, m[i].word, m[i].word);
					goto fail;
				}
				hr_strv_push(&d.v[d.n - 1].heredocs, body.s ? body.s : "");
				free(body.s);
			}
		}
		logical.n = 0;
		logical.s[0] = '\0';
		start = 0;
	}
	if (logical.n && !blank(logical.s, logical.n) &&
	    (r = add_instr(&d, &ps, logical.s, start, where, err)) < 0)
		goto fail;
	free(logical.s);
	logical.s = NULL;
	if (d.n_stages == 0) {
		r = hr_err(err, HR_E_INVALID, "%s: no FROM instruction (fix: start the build with FROM IMAGE)",
			   where);
		goto fail;
	}
	d.stages[d.n_stages - 1].end = d.n;
	d.global_args = ps.global_args.n ? hr_strvb_take(&ps.global_args) : NULL;
	hr_strmap_done(&ps.stage_names);
	*out = d;
	return 0;
fail:
	free(logical.s);
	hr_strv_free(hr_strvb_take(&ps.global_args));
	hr_strmap_done(&ps.stage_names);
	hr_dockerfile_done(&d);
	return r;
}

char **hr_df_shell_words(const char *s)
{
	struct hr_strv_builder v = { 0 };
	struct hr_buf w = { 0 };
	bool in_word = false;

#define FLUSH()                                                                \
	do {                                                                   \
		if (in_word) {                                                 \
			hr_strvb_add(&v, w.s ? w.s : "", w.n);                  \
			w.n = 0;                                               \
			if (w.s)                                               \
				w.s[0] = '\0';                                 \
			in_word = false;                                       \
		}                                                              \
	} while (0)

	for (const char *p = s; p && *p; p++) {
		if (*p == '\\' && p[1]) {
			if (p[1] != '\n')
				hr_buf_add(&w, p + 1, 1), in_word = true;
			p++;
		} else if (*p == '\'' || *p == '"') {
			char q = *p++;
			in_word = true;
			while (*p && *p != q) {
				if (q == '"' && *p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				hr_buf_add(&w, p++, 1);
			}
			if (!*p)
				break;
		} else if (*p == ' ' || *p == '\t') {
			FLUSH();
		} else if (*p == '\n' || *p == ';' || *p == '|' || *p == '&' || *p == '(' || *p == ')') {
			char op[3] = { *p, 0, 0 };
			FLUSH();
			if ((*p == '&' || *p == '|') && p[1] == *p)
				op[1] = *++p;
			if (op[0] == '\n')
				op[0] = ';';
			hr_strvb_push(&v, op);
		} else {
			hr_buf_add(&w, p, 1);
			in_word = true;
		}
	}
	FLUSH();
#undef FLUSH
	free(w.s);
	return hr_strvb_take(&v);
}

void hr_df_vars_set(struct hr_df_vars *v, const char *name, size_t n, const char *value)
{
	hr_strvb_push(&v->values, value);
	(void)hr_strmap_put(&v->map, name, n, v->values.n, NULL);
}

const char *hr_df_vars_get(const struct hr_df_vars *v, const char *name, size_t n)
{
	uintptr_t i;

	for (; v; v = v->parent)
		if (hr_strmap_get(&v->map, name, n, &i))
			return v->values.v[i - 1];
	return NULL;
}

void hr_df_vars_from(struct hr_df_vars *v, char *const *assignments)
{
	for (size_t i = 0; assignments && assignments[i]; i++) {
		const char *eq = strchr(assignments[i], '=');
		if (eq)
			hr_df_vars_set(v, assignments[i], (size_t)(eq - assignments[i]), eq + 1);
	}
}

void hr_df_vars_done(struct hr_df_vars *v)
{
	if (!v)
		return;
	hr_strmap_done(&v->map);
	hr_strv_free(hr_strvb_take(&v->values));
	v->parent = NULL;
}

char *hr_df_expand(const char *s, const struct hr_df_vars *vars, bool *unresolved)
{
	struct hr_buf b = { 0 };

	hr_buf_add(&b, "", 0);
	for (const char *p = s; *p; p++) {
		const char *name, *val, *alt = NULL;
		size_t n, alt_n = 0;
		char op = 0;

		if (*p == '\\' && p[1] == '$') {
			hr_buf_add(&b, "$", 1);
			p++;
			continue;
		}
		if (*p != '$' || !(p[1] == '{' || isalpha((unsigned char)p[1]) || p[1] == '_')) {
			hr_buf_add(&b, p, 1);
			continue;
		}
		if (p[1] == '{') {
			const char *close = strchr(p + 2, '}');
			if (!close) {
				hr_buf_add(&b, p, strlen(p));
				break;
			}
			name = p + 2;
			n = strcspn(name, ":}");
			if (name[n] == ':' && (name[n + 1] == '-' || name[n + 1] == '+')) {
				op = name[n + 1];
				alt = name + n + 2;
				alt_n = (size_t)(close - alt);
			}
			p = close;
		} else {
			name = p + 1;
			n = 0;
			while (isalnum((unsigned char)name[n]) || name[n] == '_')
				n++;
			p = name + n - 1;
		}
		val = hr_df_vars_get(vars, name, n);
		if (op == '-' && (!val || !*val))
			hr_buf_add(&b, alt, alt_n);
		else if (op == '+')
			hr_buf_add(&b, val && *val ? alt : "", val && *val ? alt_n : 0);
		else if (val)
			hr_buf_add(&b, val, strlen(val));
		else if (unresolved)
			*unresolved = true;
	}
	return b.s;
}
