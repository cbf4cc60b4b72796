/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hardrun/bundle.h"
#include "hardrun/harden.h"
#include "hardrun/json.h"
#include "hardrun/pipeline.h"
#include "hardrun/update.h"

double hr_update_parse_ram(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isfinite(v))
		return -1;
	while (*end == ' ')
		end++;
	switch (*end | 0x20) {
	case 'k':
		v *= 1024;
		end++;
		break;
	case 'm':
		v *= 1048576;
		end++;
		break;
	case 'g':
		v *= 1073741824.0;
		end++;
		break;
	case 't':
		v *= 1099511627776.0;
		end++;
		break;
	case 'p':
		v *= 1125899906842624.0;
		end++;
		break;
	default:
		break;
	}
	if ((*end | 0x20) == 'i')
		end++;
	if ((*end | 0x20) == 'b')
		end++;
	return *end ? -1 : hr_floor(v);
}

/* `--pids-limit 1_000_000` is a million to runc. */
bool hr_update_parse_go_int(const char *s, double *ret)
{
	double sign = 1, v = 0;
	bool digits = false;
	int base = 10;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (s[0] == '0' && s[1] && s[2] && strchr("bBoOxX", s[1])) {
		base = (s[1] | 0x20) == 'b' ? 2 : (s[1] | 0x20) == 'o' ? 8 : 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
		digits = true;
		s++;
	}
	for (; *s; s++) {
		int c = *s | 0x20, d = *s >= '0' && *s <= '9' ? *s - '0'
				       : c >= 'a' && c <= 'f' ? c - 'a' + 10
							      : 99;
		if (*s == '_')
			continue;
		if (d >= base)
			return false;
		v = v * base + d;
		digits = true;
	}
	*ret = sign * v;
	return digits;
}

bool hr_update_parse_decimal(const char *s, double *ret)
{
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	*ret = strtod(s, NULL);
	return true;
}

/*
 * One change an update flag needs, under the mode of the resources
 * control: 1 to make it (harden, with a note), 0 to leave the flag as it
 * is (warn: the note says what would have changed), or HR_E_REFUSED
 * (refuse). `what` reads "--memory 8g lowered to ...".
 */
static int decide(const struct hr_runc_call *call, const struct hr_profile *p, const char *rule,
		  const char *what, struct hr_call_result *res)
{
	enum hr_mode m = hr_profile_mode_of(p, "resources");
	const char *cmd = hr_runc_cmd_name(call->cmd), *id = hr_runc_pos(call, 0);

	if (m == HR_MODE_REFUSE) {
		res->refusal = hr_xasprintf(
			"refused by hardrun profile `%s`: %s %s: needs a change that mode refuse "
			"does not make: %s (rule %s) (hint: the profile's mode for resources is "
			"refuse: leave the flag out, or set its mode to harden)",
			p->name, cmd, id, what, rule);
		return HR_E_REFUSED;
	}
	if (m == HR_MODE_WARN) {
		hr_strv_pushf(&res->notes,
			      "%s %s: would have been changed, mode warn leaves it: %s "
			      "(rule %s)",
			      cmd, id, what, rule);
		return 0;
	}
	hr_strv_pushf(&res->notes, "%s %s: %s (rule %s)", cmd, id, what, rule);
	return 1;
}

/* The flag's value as a number (-1 or less: none), its limit in `p`,
 * and whether it can be read at all. False for a flag not clamped. */
static bool flag_value(const struct hr_runc_opt *o, const struct hr_profile *p, double *v,
		       double *max, bool *ok)
{
	bool ram = strcmp(o->name, "memory") == 0 || strcmp(o->name, "memory-swap") == 0;
	bool pids = strcmp(o->name, "pids-limit") == 0;

	if (ram) {
		*max = (double)p->resources.memory;
		*v = strcmp(o->value, "-1") == 0 ? HUGE_VAL : hr_update_parse_ram(o->value);
		*ok = *v >= 0;
	} else if (pids || strcmp(o->name, "cpu-share") == 0) {
		*max = (double)(pids ? p->resources.pids : p->resources.cpu_shares);
		*ok = pids ? hr_update_parse_go_int(o->value, v)
			   : hr_update_parse_decimal(o->value, v);
		if (*ok && *v < 0)
			*v = HUGE_VAL;
	} else {
		return false;
	}
	return true;
}

static const char *flag_rule(const char *name)
{
	return strcmp(name, "pids-limit") == 0	? "resources.pids"
	       : strcmp(name, "cpu-share") == 0 ? "resources.cpu-shares"
						: "resources.memory";
}

/* One flag occurrence: 0 (kept, rewritten or lowered) or HR_E_REFUSED. */
static int clamp_flag(struct hr_runc_call *c, struct hr_runc_opt *o, const struct hr_profile *p,
		      enum hr_mode mode, struct hr_call_result *res)
{
	bool ram = strcmp(o->name, "memory") == 0 || strcmp(o->name, "memory-swap") == 0, ok;
	double v, max;
	char buf[32];
	int r;

	if (!flag_value(o, p, &v, &max, &ok) || !o->value[0])
		return 0; /* not clamped, or runc: not set */
	/* What hardrun cannot read it cannot check: a value that the
	 * runtime reads some other way would slip past the limit. */
	if (!ok) {
		_cleanup_free_ char *what = hr_xasprintf(
			"--%s %s is not a number hardrun can check against the profile's limit",
			o->name, o->value);
		_cleanup_free_ char *hint = hr_xasprintf("give a plain number, such as --%s %s",
							 o->name, ram ? "512m" : "100");
		return hr_call_unreadable(c, p, mode, what, hint, res);
	}
	if (v == 0)
		return 0; /* leaves the current limit alone */
	if (v <= max) {
		/* The number hardrun checked, in the one spelling that runc and
		 * crun (strtoul: "512m" is 512) read alike; warn passes the
		 * caller's own word. */
		snprintf(buf, sizeof buf, "%.0f", v);
		if (mode != HR_MODE_WARN && strcmp(buf, o->value) != 0)
			hr_runc_set_value(c, o, buf);
		return 0;
	}
	snprintf(buf, sizeof buf, "%.0f", max);
	{
		_cleanup_free_ char *what = hr_xasprintf("--%s %s lowered to %s", o->name, o->value,
							 buf);
		r = decide(c, p, flag_rule(o->name), what, res);
	}
	if (r == 1)
		hr_runc_set_value(c, o, buf);
	return r < 0 ? r : 0;
}

int hr_update_clamp_flags(struct hr_runc_call *c, const struct hr_profile *p, int swap_accounting,
			  struct hr_call_result *res)
{
	enum hr_mode mode = hr_profile_mode_of(p, "resources");
	const struct hr_runc_opt *mem;
	int r;

	for (size_t i = 0; i < c->n_opts; i++)
		if (!c->dropped[c->opts[i].index] &&
		    (r = clamp_flag(c, &c->opts[i], p, mode, res)) < 0)
			return r;
	/* As for --resources (see hr_clamp_update): a new memory limit brings
	 * memory+swap along, or raising it above the created memory+swap
	 * fails in the kernel. */
	mem = hr_runc_opt(c, "memory");
	if (mem && swap_accounting > 0 && !hr_runc_opt(c, "memory-swap") &&
	    strcmp(mem->value, "0") != 0 && mem->value[0]) {
		_cleanup_free_ char *flag = hr_xasprintf("--memory-swap=%s", mem->value);
		_cleanup_free_ char *what = hr_xasprintf("%s added", flag);
		if ((r = decide(c, p, "resources.memory", what, res)) < 0)
			return r;
		if (r == 1)
			hr_runc_insert(c, flag);
	}
	return 0;
}

/* Give the runtime the `len` bytes of `text` as its standard input. */
static int feed_stdin(const char *text, size_t len)
{
	int fds[2];
	size_t off = 0;

	/* A pipe holds 64 KiB without a reader, more when asked (up to
	 * fs.pipe-max-size); a resources object is far smaller, and hardrun
	 * execs the reader next. */
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	if (len > 60000 && (len > INT_MAX - 1 || fcntl(fds[1], F_SETPIPE_SZ, (int)len + 1) < 0)) {
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -EFBIG;
	}
	while (off < len) {
		ssize_t n = write(fds[1], text + off, len - off);
		if (n <= 0)
			return -errno;
		off += (size_t)n;
	}
	(void)close(fds[1]);
	/* With standard input closed the pipe's read end is already 0: keep
	 * it, open across exec. */
	if (fds[0] == 0)
		return fcntl(0, F_SETFD, 0) < 0 ? -errno : 0;
	if (dup2(fds[0], 0) < 0)
		return -errno;
	(void)close(fds[0]);
	return 0;
}

/* The resources document: standard input ("-") or a file. */
static int read_resources(const char *id, const char *value, char **ret, size_t *ret_len,
			  hr_error *err)
{
	size_t cap = 4096, len = 0;
	char *text;
	int r;

	if (strcmp(value, "-") != 0) {
		struct hr_bundle dir = { .dirfd = -1 };
		_cleanup_free_ char *copy1 = hr_xstrdup(value), *copy2 = hr_xstrdup(value);
		r = hr_bundle_open(dirname(copy1), &dir, err);
		if (r == 0)
			r = hr_bundle_read(&dir, basename(copy2), HR_CONFIG_MAX_BYTES, ret, ret_len,
					   NULL, err);
		hr_bundle_close(&dir);
		return r;
	}
	text = hr_xmalloc(cap);
	for (;;) {
		ssize_t n;
		if (len + 1 >= cap) {
			if (cap >= HR_CONFIG_MAX_BYTES) {
				free(text);
				return hr_err(err, -EFBIG,
					      "update %s: resources on stdin exceed %u bytes", id,
					      HR_CONFIG_MAX_BYTES);
			}
			cap *= 2;
			text = hr_xrealloc(text, cap);
		}
		n = read(0, text + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	*ret = text;
	*ret_len = len;
	return 0;
}

int hr_update_prepare(struct hr_runc_call *call, const struct hr_profile *profile,
		      int swap_accounting, struct hr_call_result *res, hr_error *err)
{
	const char *id = hr_runc_pos(call, 0);
	const struct hr_runc_opt *rf = hr_runc_opt(call, "resources");
	_cleanup_json_ cJSON *doc = NULL, *judged = NULL;
	_cleanup_(hr_findings_done) struct hr_findings findings = { 0 };
	_cleanup_free_ char *text = NULL, *out = NULL;
	enum hr_mode mode = hr_profile_mode_of(profile, "resources");
	bool from_stdin;
	size_t len = 0;
	int r;

	if ((r = hr_update_clamp_flags(call, profile, swap_accounting, res)) < 0)
		return r;
	if (!rf)
		return 0;
	from_stdin = strcmp(rf->value, "-") == 0;
	if ((r = read_resources(id, rf->value, &text, &len, err)) < 0)
		return r;
	if ((r = hr_json_parse(text, len, &hr_json_spec_limits, &doc, err)) < 0 ||
	    (r = hr_clamp_update(mode == HR_MODE_HARDEN ? doc
							: (judged = cJSON_Duplicate(doc, true)),
				 profile, swap_accounting, &findings, err)) < 0)
		return hr_err_prefix(err, r, "update %s: resources%s%s", id,
				     rf->value[0] == '-' ? "" : " ",
				     rf->value[0] == '-' ? "" : rf->value);
	hr_findings_apply_mode(&findings, 0, mode, "resources");
	hr_call_result_findings(res, call, &findings);
	if (hr_findings_count(&findings, HR_REFUSED) > 0) {
		res->refusal = hr_launch_refusal_text(&findings, profile);
		return HR_E_REFUSED;
	}
	/* warn: the runtime reads what the caller gave, the file itself or
	 * the very bytes hardrun read from standard input. */
	if (mode == HR_MODE_WARN && !from_stdin)
		return 0;
	if (mode != HR_MODE_WARN)
		out = hr_json_print(doc, false);
	if ((r = feed_stdin(out ? out : text, out ? strlen(out) : len)) < 0)
		return hr_err(err, r, "update %s: cannot pass the resources on: %s", id,
			      strerror(-r));
	hr_runc_set_value(call, rf, "-");
	return 0;
}
