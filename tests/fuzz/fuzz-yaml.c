/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A manifest (YAML or JSON) -> hr_yaml_parse, with its lines -> the
 * manifest audit under a shipped profile. Invariants: a refusal has a
 * message that gives the line; a parsed stream stays within the limits
 * (documents, depth); written back with hr_yaml_emit, it reads as the same
 * documents; the lines map has the root of every document; printed for
 * output it is valid UTF-8 JSON; and the audit's findings are capped per
 * rule.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "hardrun/json.h"
#include "hardrun/k8s.h"
#include "hardrun/sanitize.h"

const char fz_target_name[] = "yaml";

/* Small limits: the same code, more of it reached per second. */
static const struct hr_yaml_limits lim = {
	.max_bytes = 1u << 16,
	.max_depth = 16,
	.max_nodes = 4096,
	.max_docs = 16,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_load_profiles();
	return 0;
}

static unsigned depth_of(const cJSON *n)
{
	unsigned d = 0;
	for (const cJSON *c = n->child; c; c = c->next) {
		unsigned k = depth_of(c);
		if (k > d)
			d = k;
	}
	return d + (cJSON_IsArray(n) || cJSON_IsObject(n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_text(data, size);
	_cleanup_json_ cJSON *docs = NULL, *lines = NULL, *again = NULL;
	_cleanup_free_ char *yaml = NULL, *printed = NULL;
	hr_error err = { 0 };
	const struct fz_profile *fp = &fz_profiles[size ? data[0] % fz_profiles_count : 0];

	if (hr_yaml_parse(text, size, &lim, &docs, &lines, &err) < 0) {
		if (!err.msg[0])
			fz_die("yaml: a refusal without a message");
		return 0;
	}
	if (cJSON_GetArraySize(docs) != cJSON_GetArraySize(lines) ||
	    (size_t)cJSON_GetArraySize(docs) > lim.max_docs)
		fz_die("yaml: %d documents, %d line maps", cJSON_GetArraySize(docs),
		       cJSON_GetArraySize(lines));
	for (const cJSON *d = docs->child, *l = lines->child; d && l; d = d->next, l = l->next) {
		if (depth_of(d) > lim.max_depth + 1)
			fz_die("yaml: a document %u deep", depth_of(d));
		if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(l, "")))
			fz_die("yaml: a document without the line of its root");
	}
	printed = hr_json_output(docs, false);
	fz_check_json(printed, "the documents as JSON");
	/* What hardrun writes, it reads back the same. */
	yaml = hr_yaml_emit(docs, "fuzz");
	if (!yaml)
		fz_die("yaml: the documents cannot be written back");
	if (hr_yaml_parse(yaml, strlen(yaml), &hr_yaml_manifest_limits, &again, NULL, &err) < 0)
		fz_die("yaml: written back, it is refused: %s\n%s", err.msg, yaml);
	if (!hr_json_equal(docs, again))
		fz_die("yaml: written back, it reads differently:\n%s", yaml);
	{
		struct hr_findings f = { 0 };
		_cleanup_free_ char *sc = hr_k8s_seccomp_name(fp->p);
		struct hr_k8s_audit_opts o = { .seccomp_name = sc }; /* as check --k8s */
		if (hr_k8s_audit(docs, fp->p, &o, &f, NULL, &err) == 0)
			fz_check_findings(&f);
		hr_findings_done(&f);
	}
	return 0;
}
