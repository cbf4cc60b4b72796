/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a control's Kubernetes and Docker pieces (control.h) are given and
 * share: the pod being exported, the manifest being audited and its typed
 * reads, the Docker flags being written, and Kubernetes' quantities.
 * src/core/export/k8s.c and docker.c build the documents around the pieces;
 * src/core/export/k8s_parts.c holds the helpers (docker.c the Docker one).
 */
#ifndef HARDRUN_K8S_PARTS_H
#define HARDRUN_K8S_PARTS_H

#include <cjson/cJSON.h>

#include "hardrun/export.h"
#include "hardrun/finding.h"
#include "hardrun/k8s.h"
#include "hardrun/manifest.h"
#include "hardrun/profile.h"

/* --- export -------------------------------------------------------------- */

/* The pod template of hr_k8s_export while the controls fill it. */
struct hr_k8s_tpl {
	const struct hr_k8s_export_opts *o;
	cJSON *spec;	  /* the pod's spec */
	cJSON *pod_sc;	  /* its securityContext */
	cJSON *container; /* its one container */
	cJSON *sc;	  /* the container's securityContext */
	char ***notes;	  /* what Kubernetes cannot say; hardrun does it at Run */
};

/* Flags and compose keys of hr_docker_export while the controls add theirs. */
struct hr_docker_out {
	struct hr_docker_export *x; /* args and notes */
	cJSON *svc;		    /* the compose service */
	const char *seccomp_path;   /* the file the flags name for the filter */
};

/* The compose service's security_opt array, made on first use. */
cJSON *hr_docker_security_opt(struct hr_docker_out *d);

/* A JSON array of the strings of v. */
cJSON *hr_k8s_strings(char *const *v);
/* The capabilities of `allow` as Kubernetes and Docker spell them
 * (NET_RAW); NULL for none. */
char **hr_k8s_cap_names(uint64_t allow);
/* Bytes as the shortest exact quantity: 1Gi, 64Mi, or plain bytes. */
char *hr_k8s_bytes_quantity(int64_t b);
/* CPU shares as the CPU request that gives them (1024 shares a CPU), in
 * millicores, and millicores as a quantity (1, 500m). */
int64_t hr_k8s_shares_millicores(int64_t shares);
char *hr_k8s_millicores_quantity(int64_t m);
/* A volume name for a writable path: /var/tmp -> var-tmp. */
char *hr_k8s_volume_name(const char *path, size_t index);

/* --- audit --------------------------------------------------------------- */

struct hr_env; /* harden.h */

struct hr_k8s_audit {
	const struct hr_profile *p;
	const struct hr_k8s_audit_opts *o;
	struct hr_findings *f;
	hr_error *err;
	char *short_name; /* the profile's name as org.hardrun.profile takes it */
	size_t pod_first; /* the current pod's first finding: duplicates are within a pod */
	/* hr_harden, handed down by hr_k8s_audit: a control's audit may judge
	 * a minimal spec through the whole pipeline (a hostPath as a bind)
	 * without the controls needing the pipeline that runs them. */
	int (*harden)(cJSON *spec, const struct hr_profile *p, const struct hr_env *env,
		      struct hr_findings *f, hr_error *err);
};

/* The securityContext fields the audit reads, checked for type (a pod's
 * or a container's). */
struct hr_k8s_sc {
	const cJSON *obj, *run_as_user, *run_as_group, *run_as_non_root, *seccomp, *seccomp_type,
		*seccomp_localhost, *privileged, *ape, *rorf, *caps, *add, *drop, *proc_mount,
		*supp, *fs_group, *sysctls;
	char *ptr;
};

struct hr_k8s_pod {
	const cJSON *spec;
	const char *ptr; /* of the spec */
	const struct hr_k8s_sc *sc;
	const cJSON *volumes;
	const char *volumes_ptr;
};

struct hr_k8s_container {
	const char *name;
	const char *ptr;
	const struct hr_k8s_sc *sc;
	const struct hr_k8s_pod *pod;
	const cJSON *limits, *requests; /* of its resources */
	const char *resources_ptr;
	const cJSON *mounts; /* volumeMounts */
	const char *mounts_ptr;
};

/* Record a finding once (a pod-level value is seen through every
 * container). `control` is the control whose mode applies (NULL: none). */
void hr_k8s_add(struct hr_k8s_audit *a, const char *rule, const char *control, enum hr_outcome out,
		const char *ptr, const cJSON *before, const cJSON *after, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* Typed reads: absent (or null) is fine and gives NULL, the wrong type is
 * HR_E_INVALID at base/key. */
int hr_k8s_want(struct hr_k8s_audit *a, const cJSON *obj, const char *key, const char *base,
		int (*is)(const cJSON *), const char *what, const cJSON **ret);
int hr_k8s_is_object(const cJSON *v);
int hr_k8s_is_array(const cJSON *v);
int hr_k8s_is_string(const cJSON *v);
int hr_k8s_is_bool(const cJSON *v);
int hr_k8s_is_int(const cJSON *v);
int hr_k8s_is_quantity(const cJSON *v);

/* hr_k8s_want that returns from the calling function on an error; `a` is
 * the hr_k8s_audit in scope. */
#define HR_K8S_WANT(obj, key, base, kind, what, ret)                                               \
	do {                                                                                       \
		int _r = hr_k8s_want(a, obj, key, base, hr_k8s_is_##kind, what, ret);              \
		if (_r < 0)                                                                        \
			return _r;                                                                 \
	} while (0)

/* A quantity (a string, or a plain number) times `scale`; -1 if not one. */
int64_t hr_k8s_quantity_of(const cJSON *v, int64_t scale);

#endif
