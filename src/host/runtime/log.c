/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/log.h"
#include "hardrun/sanitize.h"

/* RFC 3339 in UTC, with nanoseconds, as runc's logrus writes it. */
static void rfc3339(char *buf, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, cap, "%s.%09ldZ", base, ts.tv_nsec);
}

static char *json_line(const char *level, const char *msg, const char *time)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(o, "level", level);
	cJSON_AddStringToObject(o, "msg", msg);
	cJSON_AddStringToObject(o, "time", time);
	s = hr_json_output(o, false);
	cJSON_Delete(o);
	return s;
}

/* logrus's text format: time="..." level=error msg="...", the message
 * quoted as Go's %q does it, so that no byte of it (a path from the spec
 * with a newline or a carriage return) can end the line or fake another,
 * and the line stays valid UTF-8: \n \r \t, other control characters
 * and bytes that are not UTF-8 as \xNN, characters that hide or reorder
 * text as \uNNNN (the output sanitizer's choice of characters). */
static char *text_line(const char *level, const char *msg, const char *time)
{
	struct hr_buf q = { 0 };
	size_t n = strlen(msg);
	char *line;

	hr_buf_add(&q, "", 0);
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t k = hr_utf8_decode(msg + i, n - i, &cp);
		char esc[16];

		if (k && (cp == '"' || cp == '\\')) {
			esc[0] = '\\', esc[1] = (char)cp, esc[2] = '\0';
		} else if (k && (cp == '\n' || cp == '\r' || cp == '\t')) {
			esc[0] = '\\', esc[1] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't', esc[2] = '\0';
		} else if (k && !hr_char_unsafe(cp)) {
			hr_buf_add(&q, msg + i, k);
			i += k;
			continue;
		} else if (k && cp >= 0x80) {
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
		} else {
			snprintf(esc, sizeof esc, "\\x%02x", (unsigned char)msg[i]);
			k = 1;
		}
		hr_buf_add(&q, esc, strlen(esc));
		i += k;
	}
	line = hr_xasprintf("time=\"%s\" level=%s msg=\"%s\"", time, level, q.s);
	free(q.s);
	return line;
}

static void append(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	_cleanup_free_ char *l = NULL;

	if (fd < 0)
		return;
	l = hr_xasprintf("%s\n", line);
	/* One write: lines from concurrent writers do not interleave. */
	(void)!write(fd, l, strlen(l));
	(void)close(fd);
}

void hr_log(const struct hr_log *log, const char *level, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	char time[64];
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	fputs("hardrun: ", stderr);
	hr_fputs_clean(msg, stderr);
	fputc('\n', stderr);
	if (!log)
		return;
	rfc3339(time, sizeof time);
	if (log->path) {
		_cleanup_free_ char *line = log->json ? json_line(level, msg, time)
						      : text_line(level, msg, time);
		append(log->path, line);
	}
	if (log->own_path) {
		_cleanup_free_ char *line = json_line(level, msg, time);
		append(log->own_path, line);
	}
}

void hr_log_to(const char *path, const char *level, const char *msg)
{
	char time[64];
	_cleanup_free_ char *line = NULL;

	rfc3339(time, sizeof time);
	line = json_line(level, msg, time);
	append(path, line);
}
