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
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		abort();
	return s;
}

/* logrus's text format: time="..." level=error msg="...", the message
 * quoted as Go's %q does it, so that no byte of it (a path from the spec
 * with a newline or a carriage return) can end the line or fake another. */
static char *text_line(const char *level, const char *msg, const char *time)
{
	size_t n = strlen(msg);
	char *q = hr_xmalloc(4 * n + 1), *o = q;

	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p == '"' || *p == '\\') {
			*o++ = '\\';
			*o++ = (char)*p;
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			*o++ = '\\';
			*o++ = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
		} else if (*p < 0x20 || *p == 0x7f) {
			o += sprintf(o, "\\x%02x", *p);
		} else {
			*o++ = (char)*p;
		}
	}
	*o = '\0';
	char *line = hr_xasprintf("time=\"%s\" level=%s msg=\"%s\"", time, level, q);
	free(q);
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
	fprintf(stderr, "hardrun: %s\n", msg);
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
