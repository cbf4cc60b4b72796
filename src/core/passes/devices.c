/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A device node is a door into a kernel driver. Only the profile's
 * standard devices are created in the container, and the device cgroup
 * starts from "deny everything" and allows only those.
 */
#include "config.h"

#include <stdio.h>

#include "pass.h"

static double num(const cJSON *o, const char *k, double dflt)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(j) ? j->valuedouble : dflt;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(j) ? j->valuestring : NULL;
}

static bool device_allowed(const struct hr_profile *p, const char *path, const char *type,
			   double major, double minor)
{
	/* The whole type, not its first letter: "c," is no device the
	 * profile allows, and not one the runtime should be handed. */
	if (strlen(type) != 1)
		return false;
	for (size_t i = 0; i < p->n_devices; i++) {
		const struct hr_device *d = &p->devices[i];
		if (strcmp(d->path, path) == 0 && d->type == type[0] && (double)d->major == major &&
		    (double)d->minor == minor)
			return true;
	}
	return false;
}

/* An allow rule stays if an allowed device or cgroup rule covers it. */
static bool rule_allowed(const struct hr_profile *p, const cJSON *rule)
{
	const char *type = str(rule, "type"), *access = str(rule, "access");
	const cJSON *jmaj = cJSON_GetObjectItemCaseSensitive(rule, "major");
	const cJSON *jmin = cJSON_GetObjectItemCaseSensitive(rule, "minor");
	double major, minor;

	if (!type || strlen(type) != 1 || !cJSON_IsNumber(jmaj) || jmaj->valuedouble < 0)
		return false; /* wildcards over types or drivers are never kept */
	major = jmaj->valuedouble;
	minor = cJSON_IsNumber(jmin) ? jmin->valuedouble : -1;
	if (!access)
		access = "rwm";
	for (size_t i = 0; i < p->n_devices; i++) {
		const struct hr_device *d = &p->devices[i];
		if (d->type == type[0] && (double)d->major == major && (double)d->minor == minor)
			return true;
	}
	for (size_t i = 0; i < p->n_dev_cgroup; i++) {
		const struct hr_devrule *d = &p->dev_cgroup[i];
		if (d->type == type[0] && (double)d->major == major &&
		    (d->minor < 0 || (double)d->minor == minor) &&
		    strspn(access, d->access) == strlen(access))
			return true;
	}
	return false;
}

static int filter_nodes(struct hr_pass_ctx *c, cJSON *lnx)
{
	cJSON *devs, *d;
	size_t i = 0;
	int r;

	if ((r = hr_json_get_array(lnx, "devices", "/linux", &devs, c->err)) < 0 || !devs)
		return r;
	/* Pointers of removed devices say where they were in the input. */
	d = devs->child;
	while (d) {
		cJSON *next = d->next;
		_cleanup_free_ char *ptr = hr_json_ptr_index("/linux/devices", i);
		cJSON *path, *type;

		if (!cJSON_IsObject(d))
			return hr_err(c->err, HR_E_INVALID, "%s: expected an object", ptr);
		if ((r = hr_json_get_string(d, "path", ptr, &path, c->err)) < 0 ||
		    (r = hr_json_get_string(d, "type", ptr, &type, c->err)) < 0)
			return r;
		if (!path || !type)
			return hr_err(c->err, HR_E_INVALID,
				      "%s: a device needs a path and a type", ptr);
		if (!device_allowed(c->profile, path->valuestring, type->valuestring,
				    num(d, "major", -1), num(d, "minor", -1))) {
			_cleanup_free_ char *before = hr_pass_brief(c, d);
			hr_finding_add(c->findings, "devices.nonstandard", HR_CHANGED, ptr, before,
				       NULL, NULL, "device %s (%s %.0f:%.0f) removed",
				       path->valuestring, type->valuestring, num(d, "major", -1),
				       num(d, "minor", -1));
			cJSON_Delete(cJSON_DetachItemViaPointer(devs, d));
		}
		i++;
		d = next;
	}
	return 0;
}

static bool is_deny_all(const cJSON *rule)
{
	const cJSON *allow = cJSON_GetObjectItemCaseSensitive(rule, "allow");
	const char *type = str(rule, "type");

	return cJSON_IsFalse(allow) && (!type || strcmp(type, "a") == 0) &&
	       !cJSON_GetObjectItemCaseSensitive(rule, "major") &&
	       !cJSON_GetObjectItemCaseSensitive(rule, "minor");
}

static int filter_cgroup(struct hr_pass_ctx *c, cJSON *lnx)
{
	cJSON *res, *rules, *rule;
	_cleanup_free_ char *before = NULL;
	size_t dropped = 0, i = 0;
	bool changed = false;
	int r;

	if ((r = hr_json_ensure_object(lnx, "resources", "/linux", &res, c->err)) < 0 ||
	    (r = hr_json_ensure_array(res, "devices", "/linux/resources", &rules, c->err)) < 0)
		return r;
	before = hr_pass_brief(c, rules);
	for (rule = rules->child; rule; rule = rule->next, i++) {
		_cleanup_free_ char *ptr = hr_json_ptr_index("/linux/resources/devices", i);
		cJSON *allow;
		if (!cJSON_IsObject(rule))
			return hr_err(c->err, HR_E_INVALID, "%s: expected an object", ptr);
		if ((r = hr_json_get_bool(rule, "allow", ptr, &allow, c->err)) < 0)
			return r;
		if (!allow)
			return hr_err(c->err, HR_E_INVALID, "%s/allow: missing", ptr);
	}
	rule = rules->child;
	while (rule) {
		cJSON *next = rule->next;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rule, "allow")) &&
		    !rule_allowed(c->profile, rule)) {
			cJSON_Delete(cJSON_DetachItemViaPointer(rules, rule));
			dropped++;
			changed = true;
		}
		rule = next;
	}
	if (!rules->child || !is_deny_all(rules->child)) {
		cJSON *deny = cJSON_CreateObject();
		cJSON_AddFalseToObject(deny, "allow");
		cJSON_AddStringToObject(deny, "access", "rwm");
		hr_json_insert(rules, 0, deny);
		changed = true;
	}
	if (changed)
		hr_pass_changed(c, "devices.cgroup", "/linux/resources/devices", before, rules,
				"device cgroup denies by default; %zu allow rule%s removed",
				dropped, dropped == 1 ? "" : "s");
	return 0;
}

int hr_pass_devices(struct hr_pass_ctx *c)
{
	cJSON *lnx;
	int r;

	if ((r = hr_json_ensure_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = filter_nodes(c, lnx)) < 0)
		return r;
	return filter_cgroup(c, lnx);
}

/* --- the control ------------------------------------------------------------ */

static bool device_in(const struct hr_device *d, const struct hr_profile *p)
{
	for (size_t i = 0; i < p->n_devices; i++)
		if (strcmp(p->devices[i].path, d->path) == 0 && p->devices[i].type == d->type &&
		    p->devices[i].major == d->major && p->devices[i].minor == d->minor)
			return true;
	return false;
}

static bool rule_in(const struct hr_devrule *d, const struct hr_profile *p)
{
	for (size_t i = 0; i < p->n_dev_cgroup; i++) {
		const struct hr_devrule *o = &p->dev_cgroup[i];
		if (o->type == d->type && o->major == d->major &&
		    (o->minor < 0 || o->minor == d->minor) &&
		    strspn(d->access, o->access) == strlen(d->access))
			return true;
	}
	return false;
}

static bool weaker_devices(const struct hr_profile *a, const struct hr_profile *b, char *why,
			   size_t cap)
{
	for (size_t i = 0; i < a->n_devices; i++)
		if (!device_in(&a->devices[i], b))
			return hr_weaker_say(why, cap, "allows the device %s", a->devices[i].path);
	for (size_t i = 0; i < a->n_dev_cgroup; i++)
		if (!rule_in(&a->dev_cgroup[i], b))
			return hr_weaker_say(why, cap, "allows more devices in the device cgroup");
	return false;
}

const struct hr_control hr_control_devices = {
	.name = "devices",
	.pass = hr_pass_devices,
	.weaker = weaker_devices,
};
