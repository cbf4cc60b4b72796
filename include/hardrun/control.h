/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A control: one hardening concern and everything hardrun says about it,
 * written once, in the control's own file next to its pass
 * (src/core/passes/NAME.c): the pass over a spec, the fields of the field
 * table it owns (rows whose control is its name), how two profiles
 * compare on it, what it writes into a Kubernetes pod and into Docker's
 * flags, and what it checks in a Kubernetes manifest. hr_harden,
 * hr_profile_weaker, hr_k8s_export, hr_k8s_audit and hr_docker_export
 * iterate over one table, hr_controls; a control without a meaning for
 * one of them leaves that member NULL.
 */
#ifndef HARDRUN_CONTROL_H
#define HARDRUN_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "hardrun/harden.h"
#include "hardrun/profile.h"

struct hr_k8s_tpl;	 /* a pod being exported (k8s_parts.h) */
struct hr_k8s_audit;	 /* a manifest being audited (k8s_parts.h) */
struct hr_k8s_pod;	 /* a pod of it */
struct hr_k8s_container; /* a container of that pod */
struct hr_docker_out;	 /* flags and compose keys being written (k8s_parts.h) */
struct hr_pss_result;

struct hr_control {
	/* The name modes, findings and the field table know it by. */
	const char *name;
	/* NULL when rows of the field table name this control; else why it
	 * owns none (tests/unit/test-fields checks both ways). */
	const char *no_fields;
	hr_pass_fn pass;
	/* Whether profile `a` allows on this control what `b` does not; the
	 * reason, as "allows root", goes to why[cap]. */
	bool (*weaker)(const struct hr_profile *a, const struct hr_profile *b, char *why,
		       size_t cap);
	/* Its settings in a pod template, and what Kubernetes cannot say. */
	void (*k8s_export)(const struct hr_profile *p, struct hr_k8s_tpl *t);
	/* Its audit of a pod's own fields, and of each container. Findings
	 * through hr_k8s_add; 0, or HR_E_INVALID for a field of the wrong
	 * type. */
	int (*k8s_audit_pod)(struct hr_k8s_audit *a, const struct hr_k8s_pod *pod);
	int (*k8s_audit_container)(struct hr_k8s_audit *a, const struct hr_k8s_container *c);
	/* What the profile lets a pod do that lowers its Pod Security
	 * Standard level. */
	void (*pss)(const struct hr_profile *p, struct hr_pss_result *r);
	/* Its docker run flags and compose keys, and what Docker cannot say. */
	void (*docker_export)(const struct hr_profile *p, struct hr_docker_out *d);
};

/* hr_control_ROW for each row of HR_CONTROL_ROWS, in that order. */
/* The descriptors, in table order (control.c). */
extern const struct hr_control *const hr_controls[];
/* Their names, in the same order, and how many (control_names.c). */
extern const char *const hr_control_names[];
extern const size_t hr_controls_count;

/* The index of control `name` in hr_controls, or SIZE_MAX. */
size_t hr_control_index(const char *name);

/*
 * The controls in an output's own order: those named in `first` (ended by
 * NULL) in that order, then every other one in table order; a control
 * added later appears without a change to `first`. `ret` holds
 * hr_controls_count entries. The outputs were written in this order before
 * they were one table, and tests and readers rely on it.
 */
void hr_controls_ordered(const char *const *first, const struct hr_control **ret);

/*
 * The table, one row per control, X(ROW, NAME): its descriptor is
 * hr_control_ROW, defined in the control's file, and NAME the name
 * profiles, findings and the field table know it by (the descriptor's
 * .name; tests/unit/test-fields checks they agree). The order is the order the passes run,
 * and order matters where one pass reads what another changes:
 * annotations go first so nothing below acts on a smuggled runtime
 * override; the image reference (the Ship stage) before the spec's
 * settings; the privileged check before capabilities are cut; userns
 * before user and capabilities (root in a user namespace of the
 * container's own is not host root); the rootfs pass adds its tmpfs
 * mounts before the mounts pass looks at them all, so that the pointers
 * of mount findings are indexes into the hardened spec.
 */
#define HR_CONTROL_ROWS(X)                                                                         \
	X(annotations, "annotations")                                                              \
	X(image, "image")                                                                          \
	X(privileged, "privileged")                                                                \
	X(userns, "userns")                                                                        \
	X(user, "user")                                                                            \
	X(no_new_privs, "no-new-privileges")                                                       \
	X(capabilities, "capabilities")                                                            \
	X(seccomp, "seccomp")                                                                      \
	X(process, "process")                                                                      \
	X(lsm, "lsm")                                                                              \
	X(hooks, "hooks")                                                                          \
	X(rootfs, "rootfs")                                                                        \
	X(mounts, "mounts")                                                                        \
	X(namespaces, "namespaces")                                                                \
	X(resources, "resources")                                                                  \
	X(rlimits, "rlimits")                                                                      \
	X(paths, "paths")                                                                          \
	X(devices, "devices")                                                                      \
	X(sysctl, "sysctl")

/* How many rows. */
#define HR_CONTROL_ONE(row, name) +1
enum { HR_CONTROLS_N = 0 HR_CONTROL_ROWS(HR_CONTROL_ONE) };
#undef HR_CONTROL_ONE

#define HR_CONTROL_DECLARE(row, name) extern const struct hr_control hr_control_##row;
HR_CONTROL_ROWS(HR_CONTROL_DECLARE)
#undef HR_CONTROL_DECLARE

#endif
