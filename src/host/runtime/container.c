/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hardrun/audit.h"
#include "hardrun/bundle.h"
#include "hardrun/container.h"
#include "hardrun/control.h"
#include "hardrun/harden.h"
#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/spawn.h"

void hr_call_result_done(struct hr_call_result *r)
{
	if (!r)
		return;
	hr_strv_free(r->notes);
	free(r->refusal);
	*r = (struct hr_call_result){ 0 };
}

void hr_call_result_findings(struct hr_call_result *r, const struct hr_runc_call *call,
			     const struct hr_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		hr_strv_pushf(&r->notes, "%s %s: %s%s %s: %s", hr_runc_cmd_name(call->cmd),
			      hr_runc_pos(call, 0),
			      f->v[i].outcome == HR_WARNED
				      ? "would have been changed, mode warn leaves it: "
				      : "",
			      f->v[i].rule->id, f->v[i].pointer[0] ? f->v[i].pointer : "/",
			      hr_finding_message(&f->v[i]));
}

int hr_call_unreadable(const struct hr_runc_call *call, const struct hr_profile *p,
		       enum hr_mode mode, const char *what, const char *hint,
		       struct hr_call_result *res)
{
	const char *cmd = hr_runc_cmd_name(call->cmd), *id = hr_runc_pos(call, 0);

	if (mode == HR_MODE_WARN) {
		hr_strv_pushf(&res->notes, "%s %s: %s; mode warn passes it on unchecked", cmd, id,
			      what);
		return 0;
	}
	res->refusal = hr_xasprintf("refused by hardrun profile `%s`: %s %s: %s (hint: %s)",
				    p->name, cmd, id, what, hint);
	return HR_E_REFUSED;
}

const char *hr_runtime_root(const char *runtime, char *const *global)
{
	const char *root = NULL;

	for (size_t i = 0; global && global[i]; i++) {
		if (strncmp(global[i], "--root=", 7) == 0)
			root = global[i] + 7;
		else if (strcmp(global[i], "--root") == 0 && global[i + 1])
			root = global[i + 1];
	}
	return root ? root : hr_state_runtime_default_root(runtime);
}

/*
 * Asking the runtime costs a process start (5 ms for runc), so for runc
 * and crun their state directory is looked at instead.
 */
bool hr_runtime_has(const char *root, const char *id)
{
	_cleanup_free_ char *p = NULL;

	if (!root)
		return true;
	p = hr_xasprintf("%s/%s", root, id);
	return access(p, F_OK) == 0 || errno != ENOENT;
}

bool hr_profile_warn_only(const struct hr_profile *p)
{
	for (size_t i = 0; i < hr_controls_count; i++)
		if (hr_profile_mode(p, i) != HR_MODE_WARN)
			return false;
	return p->mode == HR_MODE_WARN;
}

int hr_container_open_record(const struct hr_containers *c, const char *id, struct hr_pbundle *pb,
			     hr_error *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	*pb = (struct hr_pbundle){ .dirfd = -1, .lock_fd = -1, .root_fd = -1 };
	if ((r = hr_state_root_dir(c->state, c->root, &fd, &path, err)) < 0)
		return r;
	r = hr_pbundle_open(fd, path, id, pb, err);
	if (r == 0)
		pb->root_fd = HR_TAKE_FD(fd); /* closed with it */
	return r;
}

void hr_container_record_close(struct hr_pbundle *pb)
{
	if (!pb)
		return;
	if (pb->root_fd >= 0)
		(void)close(pb->root_fd);
	pb->root_fd = -1;
	hr_pbundle_close(pb);
}

/* The recorded spec of an open private bundle: root's alone, parsed, and
 * the profile its annotation names, loaded from that very file. */
static int read_record(const struct hr_containers *c, const struct hr_pbundle *pb, cJSON **ret_spec,
		       struct hr_profile **ret_profile, hr_error *err)
{
	struct hr_bundle b = { .dirfd = pb->dirfd, .path = pb->path };
	_cleanup_free_ char *text = NULL;
	const cJSON *applied;
	struct stat st;
	size_t len;
	int r;

	if ((r = hr_bundle_read(&b, "config.json", HR_CONFIG_MAX_BYTES, &text, &len, &st, err)) < 0)
		return r;
	if (geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & 0022)))
		return hr_err(err, -EPERM, "%s/config.json: not root's alone", pb->path);
	if ((r = hr_json_parse(text, len, &hr_json_spec_limits, ret_spec, err)) < 0)
		return r;
	applied = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(*ret_spec, "annotations"), HR_APPLIED_ANNOTATION);
	if (!cJSON_IsString(applied))
		return hr_err(err, -ENOENT, "%s/config.json: no %s annotation", pb->path,
			      HR_APPLIED_ANNOTATION);
	return hr_profile_load(applied->valuestring, c->dirs, ret_profile, err);
}

int hr_container_record(const struct hr_containers *c, const char *cmd, const char *id,
			cJSON **ret_spec, struct hr_profile **ret_profile,
			struct hr_call_result *res)
{
	struct hr_pbundle pb = { .dirfd = -1, .lock_fd = -1, .root_fd = -1 };
	hr_error err = { 0 };
	int r;

	*ret_spec = NULL;
	r = id ? hr_container_open_record(c, id, &pb, &err) : -ENOENT;
	if (r == -ENOENT && (!id || !hr_runtime_has(c->root, id)))
		return 0; /* no such container: the runtime says so */
	if (r < 0) {
		res->refusal = hr_xasprintf(
			"refused by hardrun: %s %s: hardrun has no record of this container (%s), "
			"so it cannot tell which profile it runs under (fix: create the "
			"container through hardrun)",
			cmd, id, err.msg);
		hr_container_record_close(&pb);
		return HR_E_REFUSED;
	}
	r = read_record(c, &pb, ret_spec, ret_profile, &err);
	hr_container_record_close(&pb);
	if (r < 0) {
		cJSON_Delete(*ret_spec);
		*ret_spec = NULL;
		res->refusal = hr_xasprintf(
			"refused by hardrun: %s %s: the profile the container was created with "
			"cannot be established: %s (fix: restore the profile file, or recreate "
			"the container)",
			cmd, id, err.msg);
		return HR_E_REFUSED;
	}
	return 0;
}

char **hr_runtime_cmd(const struct hr_runc_call *c, const char *runtime, char *const *runtime_args)
{
	char **v = NULL;

	hr_strv_push(&v, runtime);
	for (size_t i = 0; runtime_args && runtime_args[i]; i++)
		hr_strv_push(&v, runtime_args[i]);
	for (size_t i = 1; i < c->cmd_index; i++) {
		const char *w = c->argv[i];
		if (c->dropped[i] || strcmp(w, "--") == 0)
			continue;
		if (strncmp(w, "--log", 5) == 0 || strncmp(w, "-log", 4) == 0) {
			const char *rest = w[1] == '-' ? w + 5 : w + 4;
			if (strncmp(rest, "-format", 7) == 0)
				rest += 7;
			if (*rest == '\0')
				i++; /* its value is the next word */
			if (*rest == '\0' || *rest == '=')
				continue;
		}
		hr_strv_push(&v, w);
	}
	return v;
}

int hr_runtime_run(const struct hr_runc_call *call, const char *runtime, char *const *runtime_args,
		   int *ret_wstatus)
{
	_cleanup_free_ char **argv = hr_runc_final_argv(call, runtime, runtime_args);
	int ws = hr_supervise(argv, NULL, 0);

	if (ws < 0)
		return ws;
	*ret_wstatus = ws;
	return 0;
}

/* A path of the command line the runtime would read after moving into
 * the bundle: made absolute from where the engine called us. */
static void make_absolute(struct hr_runc_call *call, const char *flag)
{
	const struct hr_runc_opt *o = hr_runc_opt(call, flag);
	char cwd[4096];

	if (!o || !o->value || !o->value[0] || o->value[0] == '/' || !getcwd(cwd, sizeof cwd))
		return;
	_cleanup_free_ char *abs = hr_xasprintf("%s/%s", cwd, o->value);
	hr_runc_set_value(call, o, abs);
}

void hr_container_hand_over(struct hr_runc_call *call, const char *pb_path)
{
	const struct hr_runc_opt *b = hr_runc_opt(call, "bundle");
	const struct hr_runc_opt *f = hr_runc_opt(call, "config");

	/* What the engine named relative to where it called us must not now
	 * be looked up in the private bundle. */
	make_absolute(call, "console-socket");
	make_absolute(call, "pid-file");
	if (f)
		hr_runc_drop(call, f);
	if (b) {
		hr_runc_set_value(call, b, pb_path);
	} else {
		_cleanup_free_ char *flag = hr_xasprintf("--bundle=%s", pb_path);
		hr_runc_insert(call, flag);
	}
}

static bool opt_true(const struct hr_runc_call *c, const char *name)
{
	const struct hr_runc_opt *o = hr_runc_opt(c, name);

	return o && (!o->value || strchr("1tT", o->value[0]));
}

void hr_container_launched(const struct hr_runc_call *call, const char *root, const char *id,
			   struct hr_pbundle *pb, int wstatus)
{
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		/* Nothing was created, or what was is the runtime's to report;
		 * the private bundle goes unless the runtime holds the id. */
		_cleanup_free_ char *p = root ? hr_xasprintf("%s/%s", root, id) : NULL;
		if (p && access(p, F_OK) < 0 && errno == ENOENT)
			(void)hr_pbundle_remove(pb, NULL);
	} else if (call->cmd == HR_RUNC_RUN && !opt_true(call, "detach") &&
		   !opt_true(call, "keep")) {
		(void)hr_pbundle_remove(pb, NULL); /* runc run deleted it */
	} else {
		/* The pins have done their work once the runtime has set up the
		 * container's mounts. */
		hr_pbundle_unpin(pb);
	}
}

int hr_container_delete(const struct hr_containers *c, const struct hr_runc_call *call,
			const char *runtime, char *const *runtime_args, int *ret_wstatus,
			hr_error *warning)
{
	const char *id = hr_runc_pos(call, 0);
	struct hr_pbundle pb;
	int r;

	if (!id || hr_container_open_record(c, id, &pb, NULL) < 0)
		return 0; /* nothing of hardrun's: exec the runtime */
	/* Gone from the runtime (asked by its state root, or by the exit
	 * status of a runtime whose root hardrun does not know). */
	if ((r = hr_runtime_run(call, runtime, runtime_args, ret_wstatus)) == 0) {
		r = 1;
		if ((c->root ? !hr_runtime_has(c->root, id)
			     : WIFEXITED(*ret_wstatus) && WEXITSTATUS(*ret_wstatus) == 0))
			(void)hr_pbundle_remove(&pb, warning);
	}
	hr_container_record_close(&pb);
	return r;
}

static struct hr_audit_record launch_record(const char *event, const char *id, const char *bundle,
					    const char *runtime, const struct hr_launch *l)
{
	return (struct hr_audit_record){
		.event = event,
		.container = id,
		.bundle = l->bundle.path ? l->bundle.path : bundle,
		.annotations = cJSON_GetObjectItemCaseSensitive(l->spec, "annotations"),
		.profile = l->profile,
		.how = l->how,
		.before = l->before,
		.after = l->after,
		.findings = &l->findings,
		.runtime = runtime,
		.reason = l->refusal,
		.extra = l->audit_extra,
	};
}

cJSON *hr_launch_audit_json(const char *event, const char *id, const char *bundle,
			    const char *runtime, const struct hr_launch *l)
{
	struct hr_audit_record rec = launch_record(event, id, bundle, runtime, l);

	return hr_audit_json(&rec);
}

int hr_launch_audit(const struct hr_config *cfg, const char *event, const char *id,
		    const char *bundle, const char *runtime, const struct hr_launch *l,
		    hr_error *err)
{
	struct hr_audit_dest d = { .file = cfg->audit_file, .syslog = cfg->audit_syslog };
	struct hr_audit_record rec = launch_record(event, id, bundle, runtime, l);

	return hr_audit_write(&d, &rec, err);
}

int hr_container_audit_note(const struct hr_config *cfg, const char *event, const char *id,
			    const char *runtime, const char *note, hr_error *err)
{
	struct hr_audit_dest d = { .file = cfg->audit_file, .syslog = cfg->audit_syslog };
	struct hr_audit_record rec = {
		.event = event, .container = id, .runtime = runtime, .reason = note
	};

	return hr_audit_write(&d, &rec, err);
}
