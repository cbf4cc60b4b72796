/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the container's process competes with the host for CPU, I/O and
 * memory: a negative oomScoreAdj makes the host's OOM killer pick host
 * processes first; real-time scheduling (SCHED_FIFO, SCHED_RR,
 * SCHED_DEADLINE, IOPRIO_CLASS_RT, a cgroup's real-time CPU time) can
 * starve the host; a negative nice value takes CPU from it. And the
 * execution domain's flags (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, ...)
 * turn off the process's own exploit defences.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "pass.h"

static const char *const rt_policies[] = { "SCHED_FIFO", "SCHED_RR", "SCHED_DEADLINE" };
static const char *const policies[] = { "SCHED_OTHER", "SCHED_BATCH", "SCHED_ISO",
					"SCHED_IDLE",  "SCHED_FIFO",  "SCHED_RR",
					"SCHED_DEADLINE" };

static bool one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, v[i]) == 0)
			return true;
	return false;
}

static int raise_to(struct hr_pass_ctx *c, cJSON *obj, const char *key, const char *where,
		    double min, double max, double floor_, const char *rule, const char *what)
{
	_cleanup_free_ char *ptr = hr_json_ptr(where, key);
	cJSON *v;
	int r;

	if ((r = hr_json_get_int(obj, key, where, min, max, &v, c->err)) < 0 || !v)
		return r;
	if (v->valuedouble >= floor_)
		return 0;
	_cleanup_free_ char *before = hr_pass_brief(c, v);
	hr_json_set_number(v, floor_);
	hr_pass_changed(c, rule, ptr, before, v, "%s raised to %.0f, the profile's minimum", what,
			floor_);
	return 0;
}

static void realtime(struct hr_pass_ctx *c, const char *ptr, const char *before,
		     const char *what)
{
	if (c->profile->process.realtime)
		return;
	hr_finding_add(c->findings, "process.realtime", HR_REFUSED, ptr, before, NULL, NULL,
		       "%s: real-time scheduling can starve the host", what);
}

static int scheduler(struct hr_pass_ctx *c, cJSON *process)
{
	cJSON *s, *policy;
	int r;

	if ((r = hr_json_get_object(process, "scheduler", "/process", &s, c->err)) < 0 || !s)
		return r;
	if ((r = hr_json_get_string(s, "policy", "/process/scheduler", &policy, c->err)) < 0)
		return r;
	if (!policy || !one_of(policy->valuestring, policies, HR_ARRAY_SIZE(policies)))
		return hr_err(c->err, HR_E_INVALID,
			      "/process/scheduler/policy: expected one of SCHED_OTHER, SCHED_BATCH, "
			      "SCHED_ISO, SCHED_IDLE, SCHED_FIFO, SCHED_RR, SCHED_DEADLINE");
	if (one_of(policy->valuestring, rt_policies, HR_ARRAY_SIZE(rt_policies))) {
		_cleanup_free_ char *before = hr_json_brief(policy);
		realtime(c, "/process/scheduler/policy", before, policy->valuestring);
	}
	return raise_to(c, s, "nice", "/process/scheduler", -20, 19,
			(double)c->profile->process.nice_min, "process.nice", "nice value");
}

static int io_priority(struct hr_pass_ctx *c, cJSON *process)
{
	cJSON *io, *cls, *prio;
	int r;

	if ((r = hr_json_get_object(process, "ioPriority", "/process", &io, c->err)) < 0 || !io)
		return r;
	if ((r = hr_json_get_string(io, "class", "/process/ioPriority", &cls, c->err)) < 0 ||
	    (r = hr_json_get_int(io, "priority", "/process/ioPriority", 0, 7, &prio, c->err)) < 0)
		return r;
	if (!cls || (strcmp(cls->valuestring, "IOPRIO_CLASS_RT") != 0 &&
		     strcmp(cls->valuestring, "IOPRIO_CLASS_BE") != 0 &&
		     strcmp(cls->valuestring, "IOPRIO_CLASS_IDLE") != 0))
		return hr_err(c->err, HR_E_INVALID,
			      "/process/ioPriority/class: expected IOPRIO_CLASS_RT, "
			      "IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE");
	if (strcmp(cls->valuestring, "IOPRIO_CLASS_RT") == 0) {
		_cleanup_free_ char *before = hr_json_brief(cls);
		realtime(c, "/process/ioPriority/class", before, "I/O class IOPRIO_CLASS_RT");
	}
	return 0;
}

static int cpu_realtime(struct hr_pass_ctx *c)
{
	cJSON *lnx, *res, *cpu, *rt;
	int r;

	if ((r = hr_json_get_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = hr_json_get_object(lnx, "resources", "/linux", &res, c->err)) < 0 ||
	    (r = hr_json_get_object(res, "cpu", "/linux/resources", &cpu, c->err)) < 0 ||
	    (r = hr_json_get_int(cpu, "realtimeRuntime", "/linux/resources/cpu", -9.0e18, 9.0e18,
				 &rt, c->err)) < 0)
		return r;
	if (rt && rt->valuedouble != 0) {
		_cleanup_free_ char *before = hr_json_brief(rt);
		realtime(c, "/linux/resources/cpu/realtimeRuntime", before,
			 "real-time CPU time for the cgroup");
	}
	return 0;
}

static int personality(struct hr_pass_ctx *c)
{
	cJSON *lnx, *pers, *domain, *flags;
	int r;

	if ((r = hr_json_get_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = hr_json_get_object(lnx, "personality", "/linux", &pers, c->err)) < 0 || !pers)
		return r;
	if ((r = hr_json_get_string(pers, "domain", "/linux/personality", &domain, c->err)) < 0 ||
	    (r = hr_json_get_array(pers, "flags", "/linux/personality", &flags, c->err)) < 0)
		return r;
	if (!domain ||
	    (strcmp(domain->valuestring, "LINUX") != 0 && strcmp(domain->valuestring, "LINUX32") != 0)) {
		_cleanup_free_ char *before = hr_json_brief(domain);
		hr_finding_add(c->findings, "process.personality", HR_REFUSED,
			       "/linux/personality/domain", before, NULL, NULL,
			       "the execution domain must be LINUX or LINUX32");
	}
	if (flags && flags->child) {
		_cleanup_free_ char *before = hr_json_brief(flags);
		hr_finding_add(c->findings, "process.personality", HR_REFUSED,
			       "/linux/personality/flags", before, NULL, NULL,
			       "personality flags turn off the process's own defences (address "
			       "space randomisation, non-executable data)");
	}
	return 0;
}

int hr_pass_process(struct hr_pass_ctx *c)
{
	cJSON *process;
	int r;

	if ((r = hr_json_get_object(c->spec, "process", "", &process, c->err)) < 0)
		return r;
	if ((r = raise_to(c, process, "oomScoreAdj", "/process", -1000, 1000,
			  (double)c->profile->process.oom_score_adj_min, "process.oom-score-adj",
			  "oomScoreAdj")) < 0 ||
	    (r = scheduler(c, process)) < 0 || (r = io_priority(c, process)) < 0 ||
	    (r = cpu_realtime(c)) < 0)
		return r;
	return personality(c);
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_process(const struct hr_profile *a, const struct hr_profile *b, char *why,
			   size_t cap)
{
	if (a->process.oom_score_adj_min < b->process.oom_score_adj_min)
		return hr_weaker_say(why, cap,
				     "lets the OOM killer spare it more (oomScoreAdjMin %lld)",
				     (long long)a->process.oom_score_adj_min);
	if (a->process.nice_min < b->process.nice_min)
		return hr_weaker_say(why, cap, "allows a lower nice value (%lld)",
				     (long long)a->process.nice_min);
	if (a->process.realtime && !b->process.realtime)
		return hr_weaker_say(why, cap, "allows real-time scheduling");
	if (a->process.restore && !b->process.restore)
		return hr_weaker_say(why, cap, "allows restoring checkpoints");
	return false;
}

const struct hr_control hr_control_process = {
	.name = "process",
	.pass = hr_pass_process,
	.weaker = weaker_process,
};
