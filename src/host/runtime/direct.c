/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/container.h"
#include "hardrun/direct.h"
#include "hardrun/spawn.h"

void hr_direct_make_id(char *buf, size_t cap)
{
	uint32_t rnd = 0;

	if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
		rnd = (uint32_t)getpid() ^ (uint32_t)time(NULL);
	snprintf(buf, cap, "hardrun-%ld-%08x", (long)getpid(), rnd);
}

int hr_direct_prepare(const struct hr_direct_launch *d, struct hr_launch *l, hr_error *err)
{
	_cleanup_strv_ char **recorded = hr_strv_copy(NULL);

	if (d->runtime) {
		hr_strv_push(&recorded, d->runtime);
		for (size_t i = 0; d->runtime_args && d->runtime_args[i]; i++)
			hr_strv_push(&recorded, d->runtime_args[i]);
	}
	struct hr_launch_opts o = {
		.bundle = d->bundle,
		.sel = d->sel,
		.cfg = d->cfg,
		.judge_only = !d->runtime,
		.mode = HR_ENV_DIRECT,
		.image_checks = true,
		.state = d->state,
		.runtime_root = d->runtime ? hr_runtime_root(d->runtime, d->runtime_args) : NULL,
		.runtime = d->runtime,
		.runtime_cmd = recorded,
		.id = d->id,
		.direct = recorded,
		.before_write = d->before_write,
		.ud = d->ud,
	};
	return hr_launch_prepare(&o, l, err);
}

int hr_direct_supervise(const struct hr_direct_launch *d, const struct hr_launch *l)
{
	const char *args[] = { "run", "--bundle", l->pb.path, d->id, NULL };
	const char *kargs[] = { "kill", d->id, "KILL", NULL };
	_cleanup_free_ char **argv = hr_runtime_argv(d->runtime, d->runtime_args, args);
	_cleanup_free_ char **kv = hr_runtime_argv(d->runtime, d->runtime_args, kargs);
	int ws = hr_supervise(argv, kv, HR_DIRECT_STOP_GRACE_SECONDS);

	if (ws < 0)
		return ws;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

int hr_direct_cleanup(const struct hr_direct_launch *d, struct hr_launch *l, hr_error *err)
{
	/* `runc run` deletes its container when it returns; only a runtime
	 * that was itself killed leaves one behind. */
	if (hr_runtime_has(hr_runtime_root(d->runtime, d->runtime_args), d->id)) {
		const char *args[] = { "delete", "--force", d->id, NULL };
		_cleanup_free_ char **argv = hr_runtime_argv(d->runtime, d->runtime_args, args);
		(void)hr_run_quiet(argv);
	}
	return hr_pbundle_remove(&l->pb, err);
}
