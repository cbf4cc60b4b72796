/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seccomp filter handed to crun already compiled
 * (src/host/runtime/seccomp_bpf.c).
 *
 * crun compiles linux.seccomp with libseccomp at every create, unless the
 * spec carries the annotation run.oci.seccomp_bpf_data: the BPF program,
 * base64, which it loads as it is. hardrun removes every run.oci.* the
 * spec came with (annotations.runtime-override) and then, for crun only,
 * compiles the final linux.seccomp with the same libseccomp calls crun
 * makes, in the same order, and sets the annotation itself. A filter it
 * cannot reproduce exactly is left to crun.
 */
#ifndef HARDRUN_SECCOMP_BPF_H
#define HARDRUN_SECCOMP_BPF_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#define HR_CRUN_BPF_ANNOTATION "run.oci.seccomp_bpf_data"

/* How the filter of one launch went to the runtime. */
enum hr_bpf_handoff {
	HR_BPF_NONE,	 /* not crun, or no linux.seccomp: nothing to hand over */
	HR_BPF_KEPT,	 /* not reproducible: crun compiles linux.seccomp itself */
	HR_BPF_COMPILED, /* compiled now (and cached) */
	HR_BPF_CACHED,	 /* from hardrun's cache */
};

/*
 * The BPF program crun 1.8 makes of the seccomp object `seccomp` (a
 * spec's linux.seccomp), base64 as crun decodes it, in *ret_b64. Returns
 * true; false with *ret_why (static text) when the object holds what
 * crun treats apart from the filter or would refuse (a listenerPath, a
 * SCMP_ACT_NOTIFY action, an unknown action or operator, a number that is
 * not an exact integer in range, more than 6 arguments, a libseccomp
 * failure): then crun must compile it itself, with its own errors.
 */
bool hr_crun_bpf_compile(const cJSON *seccomp, char **ret_b64, const char **ret_why);

/*
 * For a launch whose runtime `runtime` (a path) is crun: set
 * run.oci.seccomp_bpf_data in `spec` to the compiled linux.seccomp, from
 * hardrun's cache (STATE/cache, root's alone) when it holds the same
 * seccomp text compiled by the same libseccomp on the same kernel.
 * Nothing is set when the runtime is not crun (by its name and its
 * --version), the spec has no linux.seccomp, it still carries a run.oci.*
 * annotation (one its profile allowed: crun would read it), or the filter
 * is not reproducible; *ret_why (may be NULL) then says why. Never fails a
 * launch: crun compiles what is not handed over.
 */
enum hr_bpf_handoff hr_crun_bpf_handoff(const char *runtime, cJSON *spec, const char **ret_why);

#endif
