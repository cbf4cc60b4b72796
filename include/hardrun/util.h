/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by every part of hardrun: scope-bound cleanup,
 * ownership hand-off and the error object that every fallible function
 * fills.
 */
#ifndef HARDRUN_UTIL_H
#define HARDRUN_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define HR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Hand ownership of *p to the caller and leave NULL behind, so the
 * scope's cleanup handler does not free it. */
#define HR_TAKE_PTR(p)                                                         \
	({                                                                     \
		__typeof__(p) _hr_tmp = (p);                                   \
		(p) = NULL;                                                    \
		_hr_tmp;                                                       \
	})
#define HR_TAKE_FD(fd)                                                         \
	({                                                                     \
		int _hr_fd = (fd);                                             \
		(fd) = -1;                                                     \
		_hr_fd;                                                        \
	})

/*
 * Destructors, named as systemd names them, and all NULL-safe:
 *   hr_X_free(p)  frees the object p points to, and what it holds; returns
 *                 NULL, so `p = hr_X_free(p);` leaves nothing dangling.
 *   hr_X_done(p)  releases what the caller's struct *p holds (the struct
 *                 itself is the caller's, often on the stack) and leaves
 *                 it empty; it serves directly as `_cleanup_(hr_X_done)`.
 *   hr_X_close(p) a _done for a handle built around an open descriptor.
 *   hr_X_freep(pp) the cleanup of a pointer variable: hr_X_free(*pp).
 */
void hr_freep(void *p);
void hr_strv_freep(char ***v);

/* Inline, so that only the objects that close a descriptor need close():
 * the policy core needs none (tests/unit/purity.sh). */
static inline void hr_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		(void)close(*fd);
		errno = saved;
	}
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(hr_freep)
#define _cleanup_close_ _cleanup_(hr_closep)
#define _cleanup_strv_ _cleanup_(hr_strv_freep)

/*
 * The error object. A fallible function returns a negative errno-style
 * code and records a message with hr_err(), whose return value is that
 * code, so failing is one line:
 *
 *     return hr_err(err, -EINVAL, "%s: unknown capability `%s`", where, n);
 *
 * Callers add context on the way up with hr_err_prefix(), which also
 * takes and returns the code, so passing a failure on is one line too:
 *
 *     if ((r = hr_json_parse(buf, len, &limits, &doc, err)) < 0)
 *             return hr_err_prefix(err, r, "%s", path);
 *
 * Only main() prints. err may be NULL when the caller does not want the
 * message; the code is returned all the same.
 */
#define HR_ERROR_MAX 4096
typedef struct hr_error {
	int code;
	char msg[HR_ERROR_MAX];
} hr_error;

/* Codes of our own, below every errno value. */
enum {
	HR_E_REFUSED = -4096, /* a policy refused the spec (findings say why) */
	HR_E_INVALID = -4097, /* the input is malformed (message says where) */
};

int hr_err(hr_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Puts "<fmt>: " before err's message, sets err->code to code and returns
 * code (also when err is NULL: a failure can never turn into 0). */
int hr_err_prefix(hr_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void hr_error_clear(hr_error *err);

/* A growing string, NUL-terminated once anything (even "") was added;
 * { 0 } is empty. The caller frees s. */
struct hr_buf {
	char *s;
	size_t n, cap;
};
void hr_buf_add(struct hr_buf *b, const void *data, size_t n);

/* NULL-terminated string vectors. */
size_t hr_strv_len(char *const *v);
/* Frees v and its strings; returns NULL. */
char **hr_strv_free(char **v);
bool hr_strv_contains(char *const *v, const char *s);
/* Appends a copy of s. Cannot fail: like hr_xmalloc() it aborts when out
 * of memory. */
void hr_strv_push(char ***v, const char *s);
/* Appends the formatted string (aborts when out of memory). */
void hr_strv_pushf(char ***v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char **hr_strv_copy(char *const *v);
/* A vector being built, for input of any length: a push is amortized
 * O(1), where hr_strv_push counts the vector first. v is NULL-terminated
 * once anything was pushed; { 0 } is empty. */
struct hr_strv_builder {
	char **v;
	size_t n, cap;
};
/* Appends a copy of the n bytes at s. */
void hr_strvb_add(struct hr_strv_builder *b, const char *s, size_t n);
void hr_strvb_push(struct hr_strv_builder *b, const char *s);
/* The vector (an empty one rather than NULL); the builder is emptied. */
char **hr_strvb_take(struct hr_strv_builder *b);
/* qsort comparator for an array of char pointers. */
int hr_strcmp_p(const void *a, const void *b);
/* Sorts the n strings of v, with one pass and no sorting when they
 * already are in order (as the lists of a cached profile are). */
void hr_strv_sort(char **v, size_t n);

/* Allocation that aborts on failure: hardrun's allocations are small and
 * bounded, and there is nothing sensible to do when they fail. */
void *hr_xmalloc(size_t n);
void *hr_xcalloc(size_t n, size_t size);
void *hr_xrealloc(void *p, size_t n);
char *hr_xstrdup(const char *s);
char *hr_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* floor(3) without libm, which hardrun then does not load (every library
 * costs every call at start-up; README.md, "Performance"). Exact for every
 * double. */
static inline double hr_floor(double v)
{
	double t;

	/* cppcheck 2.10 reads the hex float 0x1p52 as the integer 0x1: the
	 * test is not always false (scripts/lint). */
	/* cppcheck-suppress incorrectLogicOperator */
	if (!(v > -0x1p52 && v < 0x1p52))
		return v; /* NaN, an infinity, or a double with no fraction */
	t = (double)(int64_t)v;
	return t > v ? t - 1 : t;
}

/*
 * Lexically normalise an absolute or relative path: collapse "//", drop
 * ".", resolve ".." without touching the file system (".." above the root
 * stays at the root). Returns a new string.
 */
char *hr_path_normalize(const char *path);
/* True when `path` equals `dir` or lies below it (both normalised). */
bool hr_path_is_under(const char *path, const char *dir);

#endif
