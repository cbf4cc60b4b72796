/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading parts of a pod: for src/core/export and the controls' audits. */
#ifndef HARDRUN_EXPORT_MANIFEST_H
#define HARDRUN_EXPORT_MANIFEST_H

#include <string.h>

#include "hardrun/json.h"

/* The member `key` of an object, exactly as the API server matches it
 * (case-sensitive); NULL when `n` is not an object or lacks it. */
static inline cJSON *m_get(const cJSON *n, const char *key)
{
	return cJSON_IsObject(n) ? cJSON_GetObjectItemCaseSensitive(n, key) : NULL;
}

static inline const char *m_str(const cJSON *n, const char *key)
{
	const cJSON *v = m_get(n, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The first element of the array (or member of the object) `key`. */
static inline cJSON *m_first(const cJSON *n, const char *key)
{
	const cJSON *v = m_get(n, key);
	return cJSON_IsArray(v) || cJSON_IsObject(v) ? v->child : NULL;
}

static inline bool m_true(const cJSON *n, const char *key)
{
	return cJSON_IsTrue(m_get(n, key));
}

/* The container lists of a pod spec, in the order Kubernetes visits them. */
static const char *const m_container_lists[] = { "initContainers", "containers",
						 "ephemeralContainers" };

/* Capability names as Kubernetes writes them (no CAP_ prefix) and as
 * libcap does. */
static inline char *m_cap_spec_name(const char *k8s)
{
	return strncmp(k8s, "CAP_", 4) == 0 ? hr_xstrdup(k8s) : hr_xasprintf("CAP_%s", k8s);
}

#endif
