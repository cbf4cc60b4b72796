/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Deploy stage in Kubernetes' terms: reading manifests (YAML or JSON,
 * several documents), the Pod Security Standards, a profile exported as
 * securityContext and friends, and the audit of a manifest against a
 * profile. Pure code: texts and trees in, trees and findings out; the
 * command line (src/cli/export.c, src/cli/check_k8s.c) does the I/O.
 */
#ifndef HARDRUN_K8S_H
#define HARDRUN_K8S_H

#include <cjson/cJSON.h>

#include "hardrun/finding.h"
#include "hardrun/profile.h"

/* --- YAML ---------------------------------------------------------------- */

/* Bounds on what hr_yaml_parse accepts. Aliases count every node they
 * copy, so a "billion laughs" document stops at max_nodes. */
struct hr_yaml_limits {
	size_t max_bytes;
	unsigned max_depth;
	size_t max_nodes; /* scalars, sequences and mappings, aliases expanded */
	size_t max_docs;
};
extern const struct hr_yaml_limits hr_yaml_manifest_limits;

/*
 * Parse a YAML stream (one or more documents; JSON is read as YAML) into
 * a cJSON array with one element per document. Plain scalars are typed as
 * Kubernetes reads them (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1): null
 * (~, null, empty), booleans (true/false, yes/no, on/off, y/n in their
 * three spellings), integers (decimal, 0x, 0o/0 octal, 0b), floats;
 * quoted scalars are strings. Refused, so that hardrun never reads a
 * manifest differently from the API server: duplicate keys, merge keys
 * (<<), keys that are not scalars, tags other than the core schema's,
 * invalid UTF-8, and anything beyond `lim`. Empty documents are skipped.
 * With `ret_lines`, also an array parallel to the documents, each an
 * object mapping the JSON pointer of every node ("" for the root) to the
 * line it starts on. Returns 0, or HR_E_INVALID with "line L, column C:
 * ..." in the message.
 */
int hr_yaml_parse(const char *text, size_t len, const struct hr_yaml_limits *lim,
		  cJSON **ret_docs, cJSON **ret_lines, hr_error *err);

/*
 * Write `docs` (a cJSON array, one element per document) as block-style
 * YAML with libyaml's emitter, each document after "---". Strings that a
 * YAML 1.1 reader would take for another type ("true", "0755", "null",
 * "") are quoted. `header` (may be NULL) is written first, each of its
 * lines as a "# " comment. Returns a malloc'd text, or NULL if the tree
 * holds something YAML cannot say (it never does for trees made here).
 */
char *hr_yaml_emit(const cJSON *docs, const char *header);

/* --- Pod Security Standards ---------------------------------------------- */

enum hr_pss_level {
	HR_PSS_PRIVILEGED,
	HR_PSS_BASELINE,
	HR_PSS_RESTRICTED,
};
const char *hr_pss_level_name(enum hr_pss_level l);

/* One failed control: the level it belongs to (a baseline control fails
 * baseline and restricted alike), its name as the standard writes it
 * ("Host Namespaces", "Running as Non-root", ...), where and why. */
struct hr_pss_violation {
	enum hr_pss_level level;
	const char *control;
	char *pointer;
	char *detail;
};

struct hr_pss_result {
	struct hr_pss_violation *v;
	size_t n, cap;
};
void hr_pss_result_done(struct hr_pss_result *r);
/* Record a violation (for callers that judge more than a pod spec). */
void hr_pss_add(struct hr_pss_result *r, enum hr_pss_level level, const char *control,
		const char *pointer, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The highest level with no violation in r. */
enum hr_pss_level hr_pss_level_of(const struct hr_pss_result *r);

/*
 * Judge a pod (its metadata, for AppArmor annotations, may be NULL; its
 * spec) against every control of the baseline and restricted standards,
 * as Kubernetes 1.32 defines them, appending to *r. Pointers are
 * `base_meta` / `base_spec` plus the path below. Returns the level met.
 */
enum hr_pss_level hr_pss_check_pod(const cJSON *meta, const cJSON *spec, const char *base_meta,
				   const char *base_spec, struct hr_pss_result *r);

/* True for the sysctls the standard calls safe (baseline allows them). */
bool hr_pss_sysctl_safe(const char *name);

/* --- export ---------------------------------------------------------------- */

struct hr_k8s_export_opts {
	const char *kind;	   /* "Pod" or "Deployment" */
	const char *name;	   /* metadata.name */
	const char *container;	   /* the container's name */
	const char *image;
	const char *runtime_class; /* runtimeClassName, and the RuntimeClass's name and handler */
	const char *seccomp_name;  /* localhostProfile, relative to the kubelet's seccomp dir */
	bool runtime_class_doc;	   /* also emit the RuntimeClass */
};

struct hr_k8s_export {
	cJSON *docs;		/* array: [RuntimeClass,] Pod or Deployment */
	struct hr_pss_result pss; /* what keeps the profile from each level */
	enum hr_pss_level level;
	char **notes;		/* what Kubernetes cannot express; hardrun enforces it at Run */
};
void hr_k8s_export_done(struct hr_k8s_export *x);

/*
 * The profile in Kubernetes' terms: pod and container securityContext,
 * resources, emptyDir volumes for the writable paths of a read-only root,
 * the seccomp profile as Localhost `seccomp_name`, runtimeClassName and
 * the org.hardrun.profile annotation. The Pod Security Standard level is
 * that of the manifest, lowered by what the profile allows a pod that
 * the manifest does not use (host namespaces, sysctls). Returns 0 or
 * HR_E_INVALID for options Kubernetes would refuse (a name that is not a
 * DNS label, ...).
 */
int hr_k8s_export(const struct hr_profile *p, const struct hr_k8s_export_opts *o,
		  struct hr_k8s_export *ret, hr_error *err);

/* The name under the kubelet's seccomp directory that export and audit
 * use by default: "hardrun/NAME.json" (NAME without a directory or .json). */
char *hr_k8s_seccomp_name(const struct hr_profile *p);

/* Kubernetes quantities ("1Gi", "500m", "1e3"): the value in base units
 * times `scale` (1 for bytes, 1000 for millicores). -1 when not a
 * quantity or out of range. */
int64_t hr_k8s_quantity(const char *s, int64_t scale);

/* --- audit ----------------------------------------------------------------- */

struct hr_k8s_audit_opts {
	const char *seccomp_name;  /* the Localhost profile that states the profile's filter */
	const char *runtime_class; /* NULL: "hardrun" or "hardrun-*" */
};

/*
 * Compare every workload of `docs` (Pod, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, ReplicationController, Job, CronJob; a List's
 * items) with the profile: each container's and init container's
 * effective securityContext, merged from the pod and the container as
 * Kubernetes merges them, its resources and volumes, and the pod's host
 * namespaces, sysctls and runtime class. Findings have stage deploy and
 * pointers "#DOC/path" (DOC counts documents from 1). *ret_workloads
 * (optional) receives the number of workloads seen. Returns 0, or
 * HR_E_INVALID for a manifest Kubernetes would not accept as such (a
 * field of the wrong type), or when it holds no workload at all.
 */
int hr_k8s_audit(const cJSON *docs, const struct hr_profile *p,
		 const struct hr_k8s_audit_opts *o, struct hr_findings *f, size_t *ret_workloads,
		 hr_error *err);

#endif
