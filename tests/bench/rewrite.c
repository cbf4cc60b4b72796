/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rewrite: the in-process cost of hardening a spec, against its floor.
 *
 *   rewrite [-i ITERATIONS] [-w WARMUP] [-p PROFILE] [-d PROFILE-DIR]...
 *           [--only harden|floor|floor-out|harden-full] [--print] NAME=FILE...
 *
 * The profile is loaded once (as a long-lived caller would hold it; the
 * on-disk cache is not used). Then, for each spec FILE, it times
 * ITERATIONS rounds of four operations, in an order that rotates from
 * round to round so that none always runs on the caches another warmed:
 *
 *   harden:    hr_harden_text(): hardrun's parser (UTF-8, duplicate and
 *              case-folded keys, limits), every pass, and printing, i.e.
 *              what hardrun does between reading config.json and writing
 *              it, as in a launch: its trees in the arena (json.h), and
 *              its findings kept as runtime mode's create keeps them, a
 *              summary of the changes (finding.h, changes_summary_only);
 *   floor:     cJSON_ParseWithLength() + cJSON_PrintUnformatted() of the
 *              same text, the least any tool that rewrites it pays;
 *   floor-out: the same of the hardened document, which is larger when
 *              hardening added to it (a seccomp filter, mounts): what
 *              part of the cost is only the size of the result;
 *   harden-full: harden with every finding complete (before, after,
 *              message), as check, explain and direct mode keep them.
 *
 * The host is faked as in the golden tests (helpers.h, hrt_fake_env): no
 * look-up leaves the process, so only the core is measured. One line per
 * round on stdout, "NAME ROUND FLOOR_NS HARDEN_NS FLOOR_OUT_NS HARDEN_FULL_NS"
 * (CLOCK_MONOTONIC; 0 for an operation left out by --only), and
 * a summary of medians on stderr. --print prints each hardened document
 * instead (compact JSON, one per line), for checking that this is the
 * spec hardrun itself produces. --only runs one of the operations, for
 * callgrind: bench_harden_once (harden and harden-full) and
 * bench_floor_once are kept out of line so that `--toggle-collect` can
 * count one call's instructions.
 *
 * A spec that does not harden (refused, invalid) is an error naming the
 * file: a benchmark of a refusal would measure something else.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "hardrun/harden.h"
#include "fake_env.h"
#include "hardrun/host.h"
#include "hardrun/json.h"

#define MAX_SPEC_BYTES (16u << 20)

#define fake_env hrt_fake_env

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static char *read_spec(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	char *buf;

	if (!f || fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "rewrite: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_SPEC_BYTES) {
		fprintf(stderr, "rewrite: %s: not a regular file of at most %u bytes\n", path,
			MAX_SPEC_BYTES);
		exit(2);
	}
	buf = hr_xmalloc((size_t)st.st_size + 1);
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "rewrite: %s: short read\n", path);
		exit(2);
	}
	fclose(f);
	buf[st.st_size] = '\0';
	*ret_len = (size_t)st.st_size;
	return buf;
}

/* One hardening of the text, as hardrun does it; returns the document
 * (malloc'd) or NULL with *err filled. `full`: every finding complete,
 * else as a launch keeps them (runtime mode's create, src/cli/runtime.c). */
__attribute__((noinline)) static char *bench_harden_once(const char *text, size_t len,
							 const struct hr_profile *p, bool full,
							 hr_error *err)
{
	_cleanup_(hr_findings_done) struct hr_findings findings = { .changes_summary_only = !full };
	char *out = NULL;

	int r;

	/* With the arena, as a launch hardens (json.h). */
	hr_json_arena_start();
	r = hr_harden_text(text, len, p, &fake_env, &out, &findings, err);
	hr_json_arena_stop();
	return r < 0 ? NULL : out;
}

__attribute__((noinline)) static char *bench_floor_once(const char *text, size_t len)
{
	cJSON *j = cJSON_ParseWithLength(text, len);
	char *out = j ? cJSON_PrintUnformatted(j) : NULL;

	cJSON_Delete(j);
	return out;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double median_us(int64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_i64);
	return (n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2) / 1e3;
}

enum op {
	OP_FLOOR,
	OP_HARDEN,
	OP_FLOOR_OUT,
	OP_HARDEN_FULL,
	OP__MAX
};
static const char *const op_names[OP__MAX] = { "floor", "harden", "floor-out", "harden-full" };

struct spec {
	const char *name, *path;
	char *text, *out; /* the spec, and its hardened document */
	size_t len, out_len;
};

/* Time one round of every operation in `ops`; the order rotates with the
 * round. ns[op] is 0 for an operation not run. */
static void round_once(const struct spec *sp, const struct hr_profile *p, const bool *ops,
		       unsigned round, int64_t ns[OP__MAX])
{
	for (int k = 0; k < OP__MAX; k++) {
		enum op op = (enum op)((round + (unsigned)k) % OP__MAX);
		hr_error err = { 0 };
		int64_t t0;
		char *out;

		ns[op] = 0;
		if (!ops[op])
			continue;
		t0 = now_ns();
		if (op == OP_HARDEN || op == OP_HARDEN_FULL)
			out = bench_harden_once(sp->text, sp->len, p, op == OP_HARDEN_FULL, &err);
		else
			out = bench_floor_once(op == OP_FLOOR ? sp->text : sp->out,
					       op == OP_FLOOR ? sp->len : sp->out_len);
		ns[op] = now_ns() - t0;
		if (!out) {
			fprintf(stderr, "rewrite: %s: %s\n", sp->path,
				op == OP_HARDEN || op == OP_HARDEN_FULL ? err.msg
									: "cJSON cannot parse it");
			exit(1);
		}
		free(out);
	}
}

static void usage(FILE *out)
{
	fputs("usage: rewrite [-i ITERATIONS] [-w WARMUP] [-p PROFILE] [-d PROFILE-DIR]...\n"
	      "               [--only harden|floor|floor-out|harden-full] [--print] NAME=FILE...\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iterations", required_argument, NULL, 'i' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "profile", required_argument, NULL, 'p' },
		{ "profile-dir", required_argument, NULL, 'd' },
		{ "only", required_argument, NULL, 'o' },
		{ "print", no_argument, NULL, 'P' },
		{ 0 },
	};
	_cleanup_strv_ char **dirs = NULL;
	_cleanup_profile_ struct hr_profile *profile = NULL;
	const char *profile_name = "restricted";
	unsigned iterations = 1000, warmup = 50;
	bool ops[OP__MAX] = { true, true, true, true };
	bool print = false;
	hr_error err = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "i:w:p:d:", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
		case 'w': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || v > 10000000 || (c == 'i' && v == 0)) {
				fprintf(stderr, "rewrite: -%c %s: expected a count%s\n", c, optarg,
					c == 'i' ? " of at least 1" : "");
				return 2;
			}
			*(c == 'i' ? &iterations : &warmup) = (unsigned)v;
			break;
		}
		case 'p':
			profile_name = optarg;
			break;
		case 'd':
			hr_strv_push(&dirs, optarg);
			break;
		case 'o': {
			int found = -1;
			for (int k = 0; k < OP__MAX; k++) {
				ops[k] = strcmp(optarg, op_names[k]) == 0;
				if (ops[k])
					found = k;
			}
			if (found < 0) {
				fprintf(stderr,
					"rewrite: --only %s: expected harden, floor, floor-out "
					"or harden-full\n",
					optarg);
				return 2;
			}
			break;
		}
		case 'P':
			print = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; hr_default_profile_dirs[i]; i++)
		hr_strv_push(&dirs, hr_default_profile_dirs[i]);
	hr_profile_cache_set_dir(NULL);
	if (hr_profile_load(profile_name, dirs, &profile, &err) < 0) {
		fprintf(stderr, "rewrite: %s\n", err.msg);
		return 2;
	}

	for (int a = optind; a < argc; a++) {
		const char *eq = strchr(argv[a], '=');
		_cleanup_free_ char *name = NULL;
		_cleanup_free_ int64_t *ns = NULL;
		struct spec sp = { 0 };
		double med[OP__MAX];

		if (!eq || eq == argv[a] || !eq[1]) {
			fprintf(stderr, "rewrite: %s: expected NAME=FILE\n", argv[a]);
			return 2;
		}
		name = hr_xasprintf("%.*s", (int)(eq - argv[a]), argv[a]);
		sp.name = name;
		sp.path = eq + 1;
		sp.text = read_spec(sp.path, &sp.len);
		/* Not through bench_harden_once: callgrind counts only the rounds. */
		{
			_cleanup_(hr_findings_done) struct hr_findings findings = { 0 };
			if (hr_harden_text(sp.text, sp.len, profile, &fake_env, &sp.out, &findings,
					   &err) < 0) {
				fprintf(stderr, "rewrite: %s: %s\n", sp.path, err.msg);
				for (size_t i = 0; i < findings.n; i++)
					if (findings.v[i].outcome == HR_REFUSED)
						fprintf(stderr, "rewrite: %s: %s at %s: %s\n", sp.path,
							findings.v[i].rule->id, findings.v[i].pointer,
							findings.v[i].message);
				free(sp.text);
				return 1;
			}
		}
		sp.out_len = strlen(sp.out);
		if (print) {
			printf("%s\n", sp.out);
			free(sp.text);
			free(sp.out);
			continue;
		}
		ns = hr_xcalloc((size_t)iterations * OP__MAX, sizeof *ns);
		for (unsigned i = 0; i < warmup; i++) {
			int64_t scratch[OP__MAX];
			round_once(&sp, profile, ops, i, scratch);
		}
		for (unsigned i = 0; i < iterations; i++) {
			int64_t *t = ns + (size_t)i * OP__MAX;
			round_once(&sp, profile, ops, i, t);
			printf("%s %u %lld %lld %lld %lld\n", name, i, (long long)t[OP_FLOOR],
			       (long long)t[OP_HARDEN], (long long)t[OP_FLOOR_OUT],
			       (long long)t[OP_HARDEN_FULL]);
		}
		for (int k = 0; k < OP__MAX; k++) {
			_cleanup_free_ int64_t *v = hr_xcalloc(iterations, sizeof *v);
			for (unsigned i = 0; i < iterations; i++)
				v[i] = ns[(size_t)i * OP__MAX + (size_t)k];
			med[k] = median_us(v, iterations);
		}
		fprintf(stderr,
			"%s: %zu bytes, hardened %zu; %u rounds, medians: floor %.1f us, harden %.1f "
			"us, floor of the hardened document %.1f us, harden with full findings "
			"%.1f us\n",
			name, sp.len, sp.out_len, iterations, med[OP_FLOOR], med[OP_HARDEN],
			med[OP_FLOOR_OUT], med[OP_HARDEN_FULL]);
		free(sp.text);
		free(sp.out);
	}
	return fflush(stdout) == 0 ? 0 : 2;
}
