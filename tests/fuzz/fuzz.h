/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the fuzz targets (tests/fuzz/fuzz-*.c). Each target is built
 * twice: with clang and libFuzzer (./configure --enable-fuzzing, CC=clang)
 * for campaigns, and with any compiler against replay.c, whose main feeds
 * it every file of its seed corpus and of its past crashers; `make check`
 * runs the replay build, so a crash once found stays found.
 *
 * A target aborts (after printing why to stderr) when an invariant fails,
 * which libFuzzer records as a crash and replay reports as a failure.
 */
#ifndef HARDRUN_FUZZ_H
#define HARDRUN_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hardrun/harden.h"
#include "hardrun/profile.h"

/* The libFuzzer entry points (declared here for -Wmissing-prototypes). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's name: its corpus is tests/fuzz/corpus/NAME. */
extern const char fz_target_name[];

/*
 * True in the replay build (replay.c sets it before the first input):
 * a target that, under libFuzzer, samples one of several configurations
 * per input (a shipped profile chosen by the input's hash) runs all of
 * them on a replayed input, so `make check` judges each seed and crasher
 * under every configuration, and a crasher found under one is replayed
 * under that one whatever the hash.
 */
extern bool fz_replay;

/* FNV-1a of the input: a choice that is the same whenever the same input
 * runs again (a crash reproduces) and differs between mutants. */
uint32_t fz_hash(const uint8_t *data, size_t size);

/* $top_srcdir (make check sets it), else the source tree configure saw. */
const char *fz_srcdir(void);

/* Print "fuzz invariant violated: ..." and abort. */
_Noreturn void fz_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The shipped profiles (profiles/NAME.json), loaded once. */
struct fz_profile {
	const char *name;
	struct hr_profile *p;
	cJSON *filter; /* its seccomp filter, as hr_seccomp_profile_filter builds it */
};
extern struct fz_profile fz_profiles[];
extern const size_t fz_profiles_count;
void fz_load_profiles(void);

/*
 * A host as the golden tests see it: absolute bind sources resolve to
 * themselves, relative ones not at all; a namespace path below /proc/1/
 * is the host's, any other one another container's. `swap` is the
 * swap_accounting answer.
 */
struct hr_env fz_env(int swap);

/* A NUL-terminated copy of the input (cJSON and the core want C strings). */
char *fz_text(const uint8_t *data, size_t size);

/* The output invariants of hostile input (issue 20): printed JSON is
 * valid UTF-8 and parses; text output has no control character, and no
 * character that hides or reorders text, and is valid UTF-8. `what` names
 * the output in the message. */
void fz_check_json(const char *text, const char *what);
void fz_check_text(const char *text, const char *what);
/* At most HR_FINDINGS_PER_RULE findings of a rule, plus its summary. */
void fz_check_findings(const struct hr_findings *f);

#endif
