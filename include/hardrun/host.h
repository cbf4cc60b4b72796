/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The thin shell around the policy core: finding and reading profile
 * files, telling the core facts about this host, finding the real
 * runtime.
 */
#ifndef HARDRUN_HOST_H
#define HARDRUN_HOST_H

#include "hardrun/bundle.h"
#include "hardrun/idrange.h"
#include "hardrun/harden.h"
#include "hardrun/pin.h"
#include "hardrun/profile.h"

#define HR_PROFILE_MAX_BYTES (1u << 20)
#define HR_PROFILE_MAX_DEPTH 16

/*
 * Load profile `name_or_path`: a name is looked up as NAME.json in each
 * of `dirs` in turn (NULL-terminated); anything with a '/' or ending in
 * ".json" is a file. "extends" chains are followed (a cycle or more than
 * HR_PROFILE_MAX_DEPTH levels is an error). When running as root, a
 * profile file or its directory writable by anyone but root is refused.
 * Errors name the file. Returns 0 or a negative code.
 */
int hr_profile_load(const char *name_or_path, char *const *dirs, struct hr_profile **ret,
		    hr_error *err);

/* Read all of `fd` (named `path` in messages): a regular file of at most
 * `max` bytes. *ret_buf is NUL-terminated. */
int hr_read_regular_file(int fd, const char *path, size_t max, char **ret_buf, size_t *ret_len,
			 hr_error *err);

/* Where resolved profiles are cached: STATE/cache once a command that
 * starts containers has opened hardrun's state; off (NULL) before, so
 * that check, export and the like leave no trace. Only root uses it. */
void hr_profile_cache_set_dir(const char *dir);

/* hardrun's cache directory (that of hr_profile_cache_set_dir), made if
 * missing, and opened only when it is root's alone (mode 0700): for root
 * only. Returns 0 or -1. */
int hr_cache_open(struct hr_bundle *b);

/* The name of the cache entry for `key` (which the entry must also hold:
 * names may collide): PREFIX, a hash of the key, ".json". */
char *hr_cache_file_name(const char *prefix, const char *key);
/* The hash that names entries (64-bit FNV-1a): not collision-proof, so an
 * entry holds its whole key, compared on reading. */
uint64_t hr_cache_hash(const void *data, size_t n);

/* The directories searched for profiles by default. */
extern char *const hr_default_profile_dirs[];

/*
 * Refuse a file that someone other than root could change when we run as
 * root: owner not root, or group/other write permission on it or on its
 * directory. `what` names it in the message.
 */
int hr_check_trusted_file(int fd, const char *path, const char *what, hr_error *err);

/*
 * Host facts for the core, for a spec in bundle `b` (NULL if none; relative
 * paths are opened in it) judged in `mode`, with hardrun.conf's trust
 * settings (cfg may be NULL: the defaults). Every host path the core asks
 * about is pinned once in `pins` (its own, or the pipeline's, which then
 * hands exactly those objects to the runtime) and its facts are kept in
 * `paths`, the one place that says what was judged; hr_host_env_done()
 * frees them.
 */
struct hr_host_path; /* host_env.c */
struct hr_host_env {
	struct hr_env env;
	const struct hr_bundle *bundle;
	struct hr_pins *pins;
	struct hr_pins own_pins;
	struct hr_host_path *paths; /* a list, newest first */
	char **root_locations;
	char **trusted_hooks;
	char **trusted_listeners;
	char **rule_annotations;
	/* For a launch (hr_host_env_userns): where a container's range of
	 * host ids comes from, and the range it got. */
	struct hr_state *state;
	const struct hr_idpool *pool;
	const char *owner; /* KEY/ID of the private bundle */
	struct hr_idrange range;
	bool range_taken;
};
struct hr_config;
void hr_host_env_init(struct hr_host_env *h, const struct hr_bundle *b, enum hr_env_mode mode,
		      const struct hr_config *cfg);
void hr_host_env_done(struct hr_host_env *h);
/* Let the core take a range of host ids for a container's user namespace
 * from `pool` in `state`, for the private bundle `owner` (KEY/ID): kept in
 * h->range, locked until the caller has published that bundle. */
void hr_host_env_userns(struct hr_host_env *h, struct hr_state *state,
			const struct hr_idpool *pool, const char *owner);

/*
 * Whether `real` (an absolute path with no symbolic links) lies in
 * directories only root can change: each is owned by root and not
 * writable by group or others, or sticky with the entry below it owned by
 * root. Returns true, or false with the first such directory in
 * *ret_dir (malloc'd).
 */
bool hr_host_dirs_trusted(const char *real, char **ret_dir);

/* 1 if this host's cgroups can limit memory+swap, 0 if not, -1 unknown. */
int hr_host_swap_accounting(void);

/*
 * Find the real runtime: a path is used as given (it must be
 * executable); a name is searched in $PATH; NULL means runc, else crun.
 * Returns 0 with a malloc'd absolute path, or -ENOENT/-EACCES.
 */
int hr_runtime_find(const char *name_or_path, char **ret, hr_error *err);

#endif
