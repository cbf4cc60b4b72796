/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>

#include "hardrun/control.h"
#include "hardrun/fields.h"
#include "hardrun/image.h"
#include "passes/pass.h"

/*
 * Before any pass, the field table (fields.c) judges the whole spec:
 * what it does not know is refused and taken out, so no pass, and no
 * runtime, ever sees it. Then the controls' passes run in table order
 * (control.h says why the order matters).
 */
void hr_findings_apply_mode(struct hr_findings *findings, size_t first, enum hr_mode mode,
			    const char *control)
{
	for (size_t k = first; findings && k < findings->n; k++) {
		struct hr_finding *x = &findings->v[k];
		if (mode == HR_MODE_WARN) {
			x->outcome = HR_WARNED;
		} else if (mode == HR_MODE_REFUSE && x->outcome == HR_CHANGED) {
			char *m = hr_xasprintf("needs a change that mode refuse does not make: %s",
					       hr_finding_message(x));
			free(x->message);
			x->message = m;
			x->outcome = HR_REFUSED;
			free(x->hint);
			x->hint = hr_xasprintf("the profile's mode for %s is refuse: make the spec "
					       "meet it (%s), or set its mode to harden",
					       control, x->rule->hint);
		}
	}
}

/* A control's pass keeps only a summary of its changes when the caller
 * asked for that (changes_summary_only) and the control's mode is harden:
 * under warn and refuse its CHANGED findings become WARNED and REFUSED
 * ones, which are printed. Returns what to restore afterwards. */
static bool summary_for_mode(struct hr_findings *findings, enum hr_mode mode)
{
	bool asked = findings && findings->changes_summary_only;

	if (asked && mode != HR_MODE_HARDEN)
		findings->changes_summary_only = false;
	return asked;
}

int hr_harden(cJSON *spec, const struct hr_profile *profile, const struct hr_env *env,
	      struct hr_findings *findings, hr_error *err)
{
	static const struct hr_env no_env = { .swap_accounting = -1 };
	struct hr_pass_ctx c = {
		.spec = spec,
		.profile = profile,
		.env = env ? env : &no_env,
		.findings = findings,
		.err = err,
	};
	size_t refused_before = hr_findings_count(findings, HR_REFUSED);

	if (!cJSON_IsObject(spec))
		return hr_err(err, HR_E_INVALID, "/: expected a JSON object (an OCI runtime spec)");
	/* The table is not a control: no mode lets an unknown field through. */
	int r0 = hr_fields_judge(spec, &hr_field_root, "", findings, err);
	if (r0 < 0)
		return r0;
	if (profile->troubleshooting)
		hr_finding_add(findings, "profile.troubleshooting", HR_WARNED, "", NULL, NULL, NULL,
			       "profile `%s` weakens isolation for troubleshooting; do not run "
			       "production workloads under it",
			       profile->name);
	for (size_t i = 0; i < hr_controls_count; i++) {
		enum hr_mode mode = hr_profile_mode(profile, i);
		size_t first = findings ? findings->n : 0;
		cJSON *copy = NULL;
		bool asked;
		int r;

		/* warn and refuse judge a copy: the spec stays as it was. */
		if (mode != HR_MODE_HARDEN) {
			copy = cJSON_Duplicate(spec, true);
			if (!copy)
				abort();
			c.spec = copy;
		}
		asked = summary_for_mode(findings, mode);
		r = hr_controls[i]->pass(&c);
		if (findings)
			findings->changes_summary_only = asked;
		c.spec = spec;
		if (copy)
			cJSON_Delete(copy);
		if (r < 0)
			return r;
		hr_findings_apply_mode(findings, first, mode, hr_control_names[i]);
	}
	if (hr_findings_count(findings, HR_REFUSED) > refused_before)
		return hr_err(err, HR_E_REFUSED, "the spec was refused under profile `%s`",
			      profile->name);
	return 0;
}

int hr_harden_text(const char *text, size_t len, const struct hr_profile *profile,
		   const struct hr_env *env, char **ret_text, struct hr_findings *findings,
		   hr_error *err)
{
	_cleanup_json_ cJSON *spec = NULL;
	int r = hr_json_parse(text, len, &hr_json_spec_limits, &spec, err);

	if (r < 0)
		return r;
	r = hr_harden(spec, profile, env, findings, err);
	if (r < 0)
		return r;
	*ret_text = hr_json_print(spec, false);
	return 0;
}

static int enforce_label(struct hr_pass_ctx *c, cJSON *process, const cJSON *container,
			 const char *key)
{
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(container, key);
	_cleanup_free_ char *ptr = hr_json_ptr("/process", key);
	cJSON *have;
	int r;

	if ((r = hr_json_get_string(process, key, "/process", &have, c->err)) < 0)
		return r;
	/* The process gets exactly the container's label: a different one
	 * (such as "unconfined") could be weaker, and where the container has
	 * none the host may not even support one. */
	if (cJSON_IsString(want) && want->valuestring[0]) {
		if (have && strcmp(have->valuestring, want->valuestring) == 0)
			return 0;
		_cleanup_free_ char *before = hr_pass_brief(c, have);
		hr_json_set(process, key, cJSON_CreateString(want->valuestring));
		hr_pass_changed(c, "exec.labels", ptr, before,
				cJSON_GetObjectItemCaseSensitive(process, key),
				"the exec'd process keeps the container's %s", key);
	} else if (have) {
		_cleanup_free_ char *before = hr_pass_brief(c, have);
		cJSON_DeleteItemFromObjectCaseSensitive(process, key);
		hr_finding_add(c->findings, "exec.labels", HR_CHANGED, ptr, before, NULL, NULL,
			       "the container has no %s, so neither has the exec'd process", key);
	}
	return 0;
}

int hr_harden_process(cJSON *process, const struct hr_profile *profile,
		      const cJSON *container_process, const struct hr_env *env,
		      struct hr_findings *findings, hr_error *err)
{
	/* The controls of a process, each under its own mode. */
	static const struct hr_control *const passes[] = {
		&hr_control_user,    &hr_control_no_new_privs, &hr_control_capabilities,
		&hr_control_process, &hr_control_rlimits,
	};
	static const struct hr_env no_env = { .swap_accounting = -1 };
	size_t refused_before = hr_findings_count(findings, HR_REFUSED);
	cJSON *spec;
	int r = 0;

	if (!cJSON_IsObject(process))
		return hr_err(err, HR_E_INVALID, "/: expected a JSON object (an OCI process)");
	if ((r = hr_fields_judge(process, hr_field_at("/process"), "/process", findings, err)) < 0)
		return r;
	/* The process passes read spec.process: lend them the object. */
	spec = cJSON_CreateObject();
	cJSON_AddItemToObject(spec, "process", process);
	struct hr_pass_ctx c = { .spec = spec, .profile = profile, .env = env ? env : &no_env,
				 .findings = findings, .err = err, .exec = true };
	/* As in hr_harden: warn and refuse judge a copy. The labels follow
	 * the profile's own mode, as no control of the table owns them. */
	for (size_t i = 0; i <= HR_ARRAY_SIZE(passes) && r >= 0; i++) {
		const char *control = i < HR_ARRAY_SIZE(passes) ? passes[i]->name : NULL;
		enum hr_mode mode = control ? hr_profile_mode_of(profile, control) : profile->mode;
		size_t first = findings ? findings->n : 0;
		cJSON *copy = NULL, *proc = process;
		bool asked;

		if (mode != HR_MODE_HARDEN) {
			copy = cJSON_Duplicate(spec, true);
			if (!copy)
				abort();
			c.spec = copy;
			proc = cJSON_GetObjectItemCaseSensitive(copy, "process");
		}
		asked = summary_for_mode(findings, mode);
		if (control) {
			r = passes[i]->pass(&c);
		} else if (container_process) {
			r = enforce_label(&c, proc, container_process, "apparmorProfile");
			if (r >= 0)
				r = enforce_label(&c, proc, container_process, "selinuxLabel");
		}
		if (findings)
			findings->changes_summary_only = asked;
		c.spec = spec;
		if (copy)
			cJSON_Delete(copy);
		hr_findings_apply_mode(findings, first, mode, control ? control : "exec.labels");
	}
	(void)cJSON_DetachItemViaPointer(spec, process);
	cJSON_free(process->string); /* cJSON's memory (json.h, the arena) */
	process->string = NULL;
	cJSON_Delete(spec);
	if (r < 0)
		return r;
	if (hr_findings_count(findings, HR_REFUSED) > refused_before)
		return hr_err(err, HR_E_REFUSED, "the process was refused under profile `%s`",
			      profile->name);
	return 0;
}

