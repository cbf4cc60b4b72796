/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profile text -> the pure half of loading a profile: parse and check it
 * alone (as an "extends" file is), overlay it on a shipped profile and
 * resolve the result (as the loader does), then use it: its `profile show`
 * form must resolve to an equal profile, and hardening real engine specs
 * under it (while fuzzing, the one the input's hash picks; in the
 * replay, each) must satisfy the monotonicity invariant, whatever the profile
 * says (modes, lists, limits).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hardrun/json.h"
#include "hardrun/mount_options.h"
#include "hardrun/seccomp.h"
#include "invariant.h"

const char fz_target_name[] = "profile";

/* As the loader reads profile files (src/host/runtime/profile_load.c). */
static const struct hr_json_limits profile_limits = {
	.max_bytes = 1u << 20,
	.max_depth = 32,
	.max_members = 16384,
};

static const char *const spec_files[] = { "docker-run-default", "podman-run-default",
					  "containerd-ctr-run" };
/* Parsed once: each hardening works on a copy (cJSON_Duplicate, as
 * hr_harden copies a spec), not on two fresh parses of the file. */
static cJSON *specs[HR_ARRAY_SIZE(spec_files)];
static cJSON *bases[16];

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f || (n = getdelim(&buf, &cap, '\0', f)) < 0) {
		fprintf(stderr, "fuzz: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_load_profiles();
	for (size_t i = 0; i < fz_profiles_count; i++)
		bases[i] = hr_profile_to_json(fz_profiles[i].p);
	for (size_t i = 0; i < HR_ARRAY_SIZE(spec_files); i++) {
		_cleanup_free_ char *p = hr_xasprintf("%s/tests/fixtures/%s.json", fz_srcdir(),
						      spec_files[i]);
		_cleanup_free_ char *text = read_text(p);
		hr_error err = { 0 };

		if (hr_json_parse(text, strlen(text), &hr_json_spec_limits, &specs[i], &err) < 0)
			fz_die("fixture %s: %s", spec_files[i], err.msg);
	}
	return 0;
}

/* Harden the engine specs under `p`: under libFuzzer the one `pick`
 * names (the input's hash), in the replay all three. */
static void harden_with(const struct hr_profile *p, uint32_t pick)
{
	_cleanup_json_ cJSON *filter = hr_seccomp_profile_filter(&p->seccomp);

	for (size_t i = 0; i < HR_ARRAY_SIZE(specs); i++) {
		_cleanup_json_ cJSON *out = NULL;
		_cleanup_(hr_findings_done) struct hr_findings f = { 0 };
		struct hr_env env = fz_env(1);
		hr_error err = { 0 };
		char why[1024];
		int r;

		if (!fz_replay && i != pick % HR_ARRAY_SIZE(specs))
			continue;
		out = cJSON_Duplicate(specs[i], true);
		if (!out)
			abort();
		r = hr_harden(out, p, &env, &f, &err);
		if (r == HR_E_REFUSED)
			continue;
		if (r < 0)
			fz_die("fixture %s: hr_harden returned %d under a valid profile: %s",
			       spec_files[i], r, err.msg);
		if (!fz_monotonic(specs[i], out, p, &env, filter, why, sizeof why))
			fz_die("fixture %s: %s", spec_files[i], why);
	}
}

/* `profile show` prints a resolved profile; that must resolve to itself. */
static void round_trip(const struct hr_profile *p)
{
	_cleanup_json_ cJSON *doc = hr_profile_to_json(p);
	_cleanup_profile_ struct hr_profile *again = NULL;
	hr_error err = { 0 };
	char why[256] = "";

	if (hr_profile_parse(doc, false, p->name, p->source, hr_mount_options_host(), &again, &err) < 0)
		fz_die("the resolved profile, printed, does not parse: %s", err.msg);
	if (hr_profile_weaker(again, p, why, sizeof why))
		fz_die("the printed profile is weaker than the profile: %s", why);
	if (hr_profile_weaker(p, again, why, sizeof why))
		fz_die("the profile is weaker than its printed form: %s", why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_json_ cJSON *doc = NULL, *merged = NULL;
	_cleanup_profile_ struct hr_profile *p = NULL;
	_cleanup_strv_ char **errors = NULL;
	hr_error err = { 0 };
	uint32_t h = fz_hash(data, size);

	if (size > profile_limits.max_bytes)
		return 0;
	text = fz_text(data, size);
	if (hr_json_parse(text, size, &profile_limits, &doc, &err) < 0)
		return 0;
	(void)hr_profile_check(doc, true, hr_mount_options_host(), &errors);
	hr_strv_free(HR_TAKE_PTR(errors));
	(void)hr_profile_check(doc, false, hr_mount_options_host(), &errors);

	/* A complete profile on its own. */
	if (hr_profile_parse(doc, false, "fuzz", "fuzz.json", hr_mount_options_host(), &p, &err) == 0) {
		round_trip(p);
		harden_with(p, h);
		hr_profile_free(HR_TAKE_PTR(p));
	}
	/* A profile that extends a shipped one (which one: by the input). */
	if (hr_profile_parse(doc, true, NULL, "fuzz.json", hr_mount_options_host(), NULL, &err) < 0) {
		if (!err.msg[0])
			fz_die("a refused profile without a message");
		return 0;
	}
	if (hr_profile_overlay(bases[h % fz_profiles_count], doc, &merged, &err) < 0)
		return 0;
	cJSON_DeleteItemFromObjectCaseSensitive(merged, "extends");
	if (hr_profile_parse(merged, false, "fuzz", "fuzz.json", hr_mount_options_host(), &p, &err) < 0)
		return 0;
	round_trip(p);
	harden_with(p, h >> 8);
	return 0;
}
