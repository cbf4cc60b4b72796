/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system calls hardrun's profiles refuse on purpose: each one lets a
 * container leave or weaken its isolation (namespaces, mounts), reach the
 * kernel's least contained interfaces (modules, BPF, io_uring, keyrings,
 * userfaultfd, perf) or other processes (ptrace). No shipped profile but
 * the troubleshooting one allows any of them. `hardrun learn` leaves them
 * out of a learned profile unless told otherwise, and a profile that
 * allows one is flagged (rule seccomp.dangerous) where it is checked and
 * at every launch. Pure.
 */
#ifndef HARDRUN_DANGEROUS_H
#define HARDRUN_DANGEROUS_H

#include "hardrun/profile.h"

/* Why `name` is refused on purpose, or NULL if it is not one of them. */
const char *hr_syscall_danger(const char *name);

/* The i-th name of the table (sorted), NULL past its end: for tests. */
const char *hr_dangerous_name(size_t i);

/* The dangerous calls profile `p` allows without a condition on their
 * arguments (its allow list, or a rule that allows them outright), sorted,
 * unique, NULL-terminated; NULL when none, or when p is a troubleshooting
 * profile (it weakens isolation on purpose, and says so). */
char **hr_profile_dangerous(const struct hr_profile *p);

/* Add one finding of rule seccomp.dangerous (warned) per call of
 * hr_profile_dangerous(p), naming the call, the reason and the profile. */
void hr_dangerous_findings(const struct hr_profile *p, struct hr_findings *f);

#endif
