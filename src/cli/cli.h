/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: one file per way of using hardrun. */
#ifndef HARDRUN_CLI_H
#define HARDRUN_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "hardrun/util.h"

/* Exit statuses of hardrun's own (the runtime's status passes through). */
enum {
	/* runtime mode: a command line runc would reject as well, which
	 * runc answers with 1 */
	HR_EXIT_USAGE = 1,
	HR_EXIT_REFUSED = 124,  /* the profile refused the spec */
	HR_EXIT_ERROR = 125,    /* bad usage, invalid input, I/O error */
	HR_EXIT_NOEXEC = 126,   /* the runtime could not be executed */
	HR_EXIT_NORUNTIME = 127 /* no runtime found */
};

struct hr_direct_opts {
	const char *bundle;
	const char *profile; /* explicit choice, or NULL */
	const char *link;    /* NAME when called as hardrun-NAME */
	char **profile_dirs; /* searched before the default directories */
	const char *runtime;
	char **runtime_args; /* global flags for the runtime */
	const char *id;
	const char *state_dir;
	bool dry_run;
	bool quiet;
	bool explain;		    /* --explain: trace denials (src/core/trace, src/host/trace) */
	struct hr_learn_run *learn; /* hardrun learn: the run's findings go here */
};

int hr_cmd_direct(const struct hr_direct_opts *o);
/* Direct mode from argv: `hardrun [OPTIONS] BUNDLE`. */
int hr_cmd_direct_main(int argc, char **argv);
/* hardrun's usage text (direct mode and the other ways in). */
void hr_cli_usage(FILE *out);

/* `hardrun check` and `hardrun diff` (src/cli/check.c). */
int hr_cmd_check(int argc, char **argv);

/* `hardrun export k8s|docker|seccomp` (src/cli/export.c). */
int hr_cmd_export(int argc, char **argv);

/* `hardrun sbom` (src/cli/sbom.c). */
int hr_cmd_sbom(int argc, char **argv);

/* `hardrun learn` (src/cli/learn.c), and the direct mode's tracing glue
 * (src/cli/explain.c):
 * start the listener for --explain, a profile's "explain" or a learning
 * run (adding how to *extra for the audit record), and end it once the
 * runtime has returned. */
struct hr_learn_run {
	char **names;	/* what the run used that the base denies, sorted */
	char **spec_names; /* used, allowed by the base, refused by the spec's filter */
	bool traced;	/* the listener reported: names is complete */
	char *command;	/* the container's process, for the description */
	char *runtime;
	char *profile_name, *profile_source;
};
struct hr_trace;
struct hr_profile;
struct hr_config;
int hr_cmd_learn(int argc, char **argv);
int hr_direct_trace_start(const struct hr_direct_opts *o, cJSON *spec,
			  const struct hr_profile *p, const struct hr_config *cfg, const char *id,
			  const char *bundle, const char *runtime, cJSON **extra,
			  struct hr_trace **ret, hr_error *err);
void hr_direct_trace_end(const struct hr_direct_opts *o, struct hr_trace *t,
			 const struct hr_profile *p);
struct hr_log;
/* Runtime mode, create and run: a detached listener when profile `p` says
 * "explain": true (src/cli/explain.c). */
void hr_runtime_trace_start(cJSON *spec, const struct hr_profile *p, const char *id,
			    const char *bundle, const struct hr_log *log,
			    const struct hr_config *cfg);

/* `hardrun doctor` (src/cli/doctor.c). */
int hr_cmd_doctor(int argc, char **argv);

/* `hardrun profile list|show|check` (src/cli/profile.c). */
int hr_cmd_profile(int argc, char **argv);

/* Runtime mode: argv is runc's command line (src/cli/runtime.c). */
int hr_cmd_runtime(int argc, char **argv);

/* Print "hardrun: <msg>" to stderr. */
void hr_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
