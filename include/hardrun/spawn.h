/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running the real runtime when hardrun has work left after it returns
 * (a private bundle to unpin or remove): as a child that dies with
 * hardrun, with the signals hardrun gets passed on, and its exit status
 * (or the signal that killed it) handed back unchanged.
 */
#ifndef HARDRUN_SPAWN_H
#define HARDRUN_SPAWN_H

#include "hardrun/util.h"

/* argv for the runtime: RUNTIME GLOBAL... ARGS... (NULL-terminated;
 * the strings are borrowed). */
char **hr_runtime_argv(const char *runtime, char *const *global, const char *const *args);

/* Run argv with stdio on /dev/null and wait. Returns its exit status
 * (128+N for signal N) or a negative errno. */
int hr_run_quiet(char *const *argv);

/*
 * Run argv in the foreground and wait for it, passing on SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH that were sent to
 * hardrun alone. With `kill_argv`, a stop request (SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT) starts a grace period of `grace` seconds after which,
 * or at a second request, kill_argv is run (the container's init ignores
 * signals it has no handler for). Returns the wait status (waitpid's) or
 * a negative errno.
 */
int hr_supervise(char *const *argv, char *const *kill_argv, unsigned grace);

/* hardrun's exit for a child's wait status: the same exit code, or the
 * same signal raised on itself (as if hardrun had exec'd the runtime). */
int hr_exit_status(int wstatus);

#endif
