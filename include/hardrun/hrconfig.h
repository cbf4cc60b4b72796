/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hardrun.conf (man/hardrun.conf.5): the settings of a node that uses
 * hardrun as its runtime. A JSON object; unknown keys are errors.
 */
#ifndef HARDRUN_HRCONFIG_H
#define HARDRUN_HRCONFIG_H

#include "hardrun/util.h"

#define HR_CONFIG_DEFAULT_PATH SYSCONFDIR "/hardrun/hardrun.conf"

/* A rule choosing a profile by the container's annotations: every
 * annotation named in `match` must be present and match its fnmatch(3)
 * pattern. */
struct hr_profile_rule {
	char **keys, **patterns; /* parallel, NULL-terminated */
	char *profile;
};

struct hr_config {
	char *path;            /* the file read; NULL when defaults are used */
	char *runtime;         /* path or name of the real runtime; NULL: runc, else crun */
	char **runtime_args;   /* global flags added for the runtime */
	char **profile_dirs;   /* searched before the default directories */
	char *default_profile; /* NULL: restricted */
	char *log_file;        /* hardrun's own messages, as JSON lines; NULL: none */
	struct hr_profile_rule *rules;
	size_t n_rules;
	bool allow_weaker_annotations; /* may org.hardrun.profile loosen the choice? */
	char *audit_file;	       /* the audit log (see audit.h); NULL: none */
	bool audit_syslog;
	char *sbom_dir; /* the SBOM of each launched image is kept here, named by its sha256 */
	char *state_dir; /* private bundles and caches (state.h); NULL: /run/hardrun */
	/* Where engines keep root file systems outside the bundle (patterns;
	 * defaults: Docker's and podman's standard storage). */
	char **root_locations;
	char **trusted_hooks;	  /* hook executables runtime mode runs (patterns) */
	char **trusted_listeners; /* seccomp listener sockets a spec may name (patterns) */
	uint32_t min_host_id;	  /* the lowest host id a user namespace may map */
	/* "userNamespaces": the pool of host id ranges containers get, one
	 * each (idrange.h); its floor is min_host_id. */
	uint32_t idpool_base, idpool_size, idpool_count;
};

/* What hardrun.conf's rootLocations is when it is not set. */
extern const char *const hr_config_default_root_locations[];
#define HR_CONFIG_DEFAULT_MIN_HOST_ID 65536

/*
 * Read `path`. A missing file is not an error unless `required` (it was
 * named explicitly): the defaults apply. A file writable by anyone but
 * root is refused when running as root. Returns 0 or a negative code;
 * messages name the file and the JSON pointer.
 */
int hr_config_load(const char *path, bool required, struct hr_config *cfg, hr_error *err);
/* Parse the text of a configuration (no I/O); for tests and the loader. */
int hr_config_parse(const char *text, size_t len, struct hr_config *cfg, hr_error *err);
void hr_config_done(struct hr_config *cfg);

/* The profile search path, in order: `extra` (--profile-dir), the
 * configuration's profileDirs (cfg may be NULL), the default directories.
 * A new NULL-terminated list. */
char **hr_profile_search_path(char *const *extra, const struct hr_config *cfg);

/* Every key the file may hold, at any level (for the docs check). */
extern const char *const hr_config_keys[];

#endif
