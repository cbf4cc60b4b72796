/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's facts about the paths a spec names (src/host/runtime/host_env.c):
 * each opened once, magic links only where the field means one, sockets
 * found by what they are, directories judged by who can change them,
 * cgroups by whether they hold processes.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "hardrun/host.h"
#include "helpers.h"

static char *tmp;
static struct hr_bundle bundle = { .dirfd = -1 };
static struct hr_host_env host;

static void setup(void)
{
	hr_error err = { 0 };

	tmp = hrt_mkdtemp();
	cr_assert_eq(chmod(tmp, 0755), 0);
	cr_assert_eq(hr_bundle_open(tmp, &bundle, &err), 0, "%s", err.msg);
	hr_host_env_init(&host, &bundle, HR_ENV_RUNTIME, NULL);
}

static void teardown(void)
{
	hr_host_env_done(&host);
	hr_bundle_close(&bundle);
	hrt_rm_rf(tmp);
	free(tmp);
}

TestSuite(host, .init = setup, .fini = teardown);

static void make_socket(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0, "bind %s: %s", path,
		     strerror(errno));
	close(fd);
}

static const struct hr_path_facts *facts(const char *path, enum hr_path_use use)
{
	return host.env.path_facts(host.env.ud, path, use);
}

Test(host, a_path_is_opened_once_and_its_facts_kept)
{
	_cleanup_free_ char *d = hr_xasprintf("%s/data", tmp);
	_cleanup_free_ char *moved = hr_xasprintf("%s/elsewhere", tmp);
	const struct hr_path_facts *a, *b;

	cr_assert_eq(mkdir(d, 0755), 0);
	a = facts("data", HR_PATH_BIND); /* relative: in the bundle */
	cr_assert_eq(a->err, 0, "%s", strerror(a->err));
	cr_assert_str_eq(a->real, d);
	cr_assert(S_ISDIR(a->mode));
	/* renamed and replaced by a link to /etc: what was judged stays */
	cr_assert_eq(rename(d, moved), 0);
	cr_assert_eq(symlink("/etc", d), 0);
	b = facts("data", HR_PATH_BIND);
	cr_assert_eq(a, b, "asked twice, opened twice");
	cr_assert_str_eq(b->real, d);
	/* a new name is opened now, links followed as the runtime would */
	cr_assert_str_eq(facts(d, HR_PATH_BIND)->real, "/etc");
	cr_assert_eq(facts("nope", HR_PATH_BIND)->err, ENOENT);
}

Test(host, magic_links_only_where_the_field_means_one)
{
	/* /proc/self/root as a bind source would be the host's root */
	cr_assert_eq(facts("/proc/self/root", HR_PATH_BIND)->err, ELOOP);
	cr_assert_neq(facts("/proc/self/root/etc", HR_PATH_ROOT)->err, 0);
	/* a namespace to join is a magic link, and is the host's own here */
	const struct hr_path_facts *ns = facts("/proc/self/ns/net", HR_PATH_NS);
	cr_assert_eq(ns->err, 0, "%s", strerror(ns->err));
	cr_assert(host.env.host_ns[HR_NS_NETWORK].known);
	cr_assert_eq(ns->ino, host.env.host_ns[HR_NS_NETWORK].ino);
	/* a hook's /proc/PID/exe: a daemon running as root (here a child of
	 * ours); hardrun's own pid is not an engine (the runtime it becomes
	 * would run the hook) */
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	_cleanup_free_ char *daemon = hr_xasprintf("/proc/%d/exe", (int)child);
	const struct hr_path_facts *exe = facts(daemon, HR_PATH_EXEC);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	cr_assert_eq(exe->err, 0, "%s", strerror(exe->err));
	cr_assert_eq(exe->root_process, geteuid() == 0);
	_cleanup_free_ char *self = hr_xasprintf("/proc/%d/exe", (int)getpid());
	cr_assert_not(facts(self, HR_PATH_EXEC)->root_process);
	cr_assert_eq(facts("/proc/self/exe", HR_PATH_EXEC)->err, ELOOP);
}

Test(host, root_owned_sockets_are_found_by_what_they_are)
{
	_cleanup_free_ char *sock = hr_xasprintf("%s/api", tmp);
	_cleanup_free_ char *deep = hr_xasprintf("%s/a/b/c", tmp);
	_cleanup_free_ char *deep_sock = hr_xasprintf("%s/a/b/c/d.sock", tmp);
	_cleanup_free_ char *a = hr_xasprintf("%s/a", tmp);
	_cleanup_free_ char *too_deep = hr_xasprintf("%s/x/1/2/3/4", tmp);
	_cleanup_free_ char *too_deep_sock = hr_xasprintf("%s/x/1/2/3/4/e.sock", tmp);
	_cleanup_free_ char *x = hr_xasprintf("%s/x", tmp);
	_cleanup_free_ char *mine = hr_xasprintf("%s/m", tmp);
	_cleanup_free_ char *mine_sock = hr_xasprintf("%s/m/user.sock", tmp);
	char cmd[512];

	if (geteuid() != 0)
		cr_skip_test("needs root: the sockets must be root's");
	make_socket(sock); /* a socket at no denied path, named like nothing */
	cr_assert_str_eq(facts(sock, HR_PATH_BIND)->socket, sock);
	snprintf(cmd, sizeof cmd, "mkdir -p %s %s %s", deep, too_deep, mine);
	cr_assert_eq(system(cmd), 0);
	make_socket(deep_sock);
	cr_assert_str_eq(facts(a, HR_PATH_BIND)->socket, deep_sock);
	/* beyond four levels it is not seen, and the search says so */
	make_socket(too_deep_sock);
	cr_assert_null(facts(x, HR_PATH_BIND)->socket);
	cr_assert(facts(x, HR_PATH_BIND)->scan_incomplete);
	/* a user's socket is not a root daemon's */
	make_socket(mine_sock);
	cr_assert_eq(chown(mine_sock, 1000, 1000), 0);
	cr_assert_null(facts(mine, HR_PATH_BIND)->socket);
}

Test(host, directories_only_root_can_change)
{
	_cleanup_free_ char *dir = NULL, *sticky = hr_xasprintf("%s/sticky", tmp);
	_cleanup_free_ char *mine = hr_xasprintf("%s/sticky/mine", tmp);
	_cleanup_free_ char *roots = hr_xasprintf("%s/sticky/roots", tmp);
	_cleanup_free_ char *f1 = hr_xasprintf("%s/hook", mine), *f2 = hr_xasprintf("%s/hook", roots);

	if (geteuid() != 0)
		cr_skip_test("needs root: the directories must be root's");
	cr_assert(hr_host_dirs_trusted("/usr/bin/true", &dir), "%s", dir);
	cr_assert_eq(mkdir(sticky, 01777), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	cr_assert_eq(mkdir(mine, 0755), 0);
	cr_assert_eq(mkdir(roots, 0755), 0);
	hrt_write_file(f1, "#!/bin/sh\n");
	hrt_write_file(f2, "#!/bin/sh\n");
	/* in a sticky directory, a user's entry is the user's to swap */
	cr_assert_eq(chown(mine, 1000, 1000), 0);
	cr_assert_not(hr_host_dirs_trusted(f1, &dir));
	cr_assert_str_eq(dir, sticky);
	free(HR_TAKE_PTR(dir));
	/* root's entry there is root's */
	cr_assert(hr_host_dirs_trusted(f2, &dir), "%s", dir);
	/* a directory others can write, not sticky */
	cr_assert_eq(chmod(sticky, 0777), 0);
	cr_assert_not(hr_host_dirs_trusted(f2, &dir));
	cr_assert_str_eq(dir, sticky);
	free(HR_TAKE_PTR(dir));
	/* and as a hook's facts */
	cr_assert_not(facts(f2, HR_PATH_EXEC)->dirs_trusted);
}

Test(host, a_cgroup_in_use_is_told)
{
	char *why = NULL;

	if (!host.env.cgroup_in_use)
		cr_assert_fail("no cgroup callback");
	/* the root cgroup holds the host's processes */
	cr_assert_eq(host.env.cgroup_in_use(host.env.ud, "/", &why), 1);
	cr_assert_not_null(why);
	free(why);
	why = NULL;
	cr_assert_eq(host.env.cgroup_in_use(host.env.ud, "/hardrun-test-no-such-cgroup-4242", &why), 0);
	/* systemd's slice:prefix:name of a unit that does not exist */
	cr_assert_eq(host.env.cgroup_in_use(host.env.ud, "system.slice:hrtest:nope4242", &why), 0);
	/* and one the driver would not take */
	cr_assert_eq(host.env.cgroup_in_use(host.env.ud, "a:b", &why), 1);
	free(why);
}
