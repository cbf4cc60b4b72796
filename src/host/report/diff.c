/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A unified line diff, for `hardrun diff`: longest common subsequence over
 * lines (specs are a few hundred lines; the table stays small). */
#include "config.h"

#include <string.h>

#include "hardrun/report.h"
#include "hardrun/sanitize.h"

struct lines {
	const char **v;
	size_t *len;
	size_t n;
};

static void split(const char *s, struct lines *l)
{
	size_t cap = 64;

	l->v = hr_xmalloc(cap * sizeof *l->v);
	l->len = hr_xmalloc(cap * sizeof *l->len);
	l->n = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (l->n == cap) {
			cap *= 2;
			l->v = hr_xrealloc(l->v, cap * sizeof *l->v);
			l->len = hr_xrealloc(l->len, cap * sizeof *l->len);
		}
		l->v[l->n] = s;
		l->len[l->n++] = n;
		s += n + (nl ? 1 : 0);
	}
}

static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->v[i], b->v[j], a->len[i]) == 0;
}

/* One edit: ' ', '-' or '+', with the line it applies to. */
struct edit {
	char op;
	size_t ai, bj;
};

/* A line of printed JSON: its indentation (tabs) as it is, the rest in
 * the sanitizer's text form, so that no character of a value (a C1
 * control, a bidirectional override) reaches the terminal. */
static void put_line(FILE *out, const char *s, size_t n)
{
	struct hr_buf b = { 0 };
	size_t tabs = strspn(s, "\t");

	if (tabs > n)
		tabs = n;
	hr_buf_add(&b, s, tabs);
	hr_text_clean_buf(&b, s + tabs, n - tabs);
	fputs(b.s, out);
	free(b.s);
}

size_t hr_diff(FILE *out, const char *a_text, const char *b_text, const char *label_a,
	       const char *label_b, bool color)
{
	struct lines a, b;
	size_t n, m, ne = 0, changed = 0;
	uint32_t *t;
	struct edit *e;

	split(a_text, &a);
	split(b_text, &b);
	n = a.n;
	m = b.n;
	/* t[i][j] = LCS length of a[i..] and b[j..] */
	t = hr_xcalloc((n + 1) * (m + 1), sizeof *t);
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			t[i * (m + 1) + j] = same(&a, i, &b, j)
						     ? t[(i + 1) * (m + 1) + j + 1] + 1
						     : (t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]
								? t[(i + 1) * (m + 1) + j]
								: t[i * (m + 1) + j + 1]);
	e = hr_xmalloc((n + m + 1) * sizeof *e);
	for (size_t i = 0, j = 0; i < n || j < m;) {
		if (i < n && j < m && same(&a, i, &b, j)) {
			e[ne++] = (struct edit){ ' ', i++, j++ };
		} else if (i < n && (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1])) {
			/* removals first, as diff(1) prints them */
			e[ne++] = (struct edit){ '-', i++, j };
			changed++;
		} else {
			e[ne++] = (struct edit){ '+', i, j++ };
			changed++;
		}
	}
	if (changed) {
		fprintf(out, "%s--- %s\n+++ %s%s\n", color ? "\033[1m" : "", label_a, label_b,
			color ? "\033[0m" : "");
		size_t prev_end = 0;
		for (size_t k = 0; k < ne;) {
			size_t c = k, last, end, hstart, ai, bj, na = 0, nb = 0;
			while (c < ne && e[c].op == ' ')
				c++;
			if (c == ne)
				break;
			/* a hunk: its changes, joined across up to 6 unchanged lines,
			 * with 3 lines of context on each side */
			last = c;
			for (size_t j = c + 1; j < ne && j - last <= 6; j++)
				if (e[j].op != ' ')
					last = j;
			hstart = c >= 3 ? c - 3 : 0;
			if (hstart < prev_end)
				hstart = prev_end;
			end = last + 4 < ne ? last + 4 : ne;
			ai = e[hstart].ai;
			bj = e[hstart].bj;
			for (size_t q = hstart; q < end; q++) {
				na += e[q].op != '+';
				nb += e[q].op != '-';
			}
			fprintf(out, "%s@@ -%zu,%zu +%zu,%zu @@%s\n", color ? "\033[36m" : "", ai + 1, na,
				bj + 1, nb, color ? "\033[0m" : "");
			for (size_t q = hstart; q < end; q++) {
				const char *on = !color		  ? ""
						 : e[q].op == '-' ? "\033[31m"
						 : e[q].op == '+' ? "\033[32m"
								  : "";
				const struct lines *src = e[q].op == '+' ? &b : &a;
				size_t idx = e[q].op == '+' ? e[q].bj : e[q].ai;
				fprintf(out, "%s%c", on, e[q].op);
				put_line(out, src->v[idx], src->len[idx]);
				fprintf(out, "%s\n", on[0] ? "\033[0m" : "");
			}
			prev_end = end;
			k = end;
		}
	}
	free(t);
	free(e);
	free(a.v);
	free(a.len);
	free(b.v);
	free(b.len);
	return changed;
}
