/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The listener: the process that receives a container's seccomp notify
 * descriptor from the runtime and answers the calls routed to it.
 *
 * Process model (hardrun(1), DENIAL TRACING). hardrun binds the socket,
 * then forks the listener before the runtime starts:
 *
 *   - direct mode: a child of hardrun. hardrun keeps the write end of a
 *     pipe; it closes it when `runc run` has returned (or by dying), and
 *     the listener then answers what is pending, writes its summary and
 *     exits; hardrun waits for it.
 *   - runtime mode: hardrun execs the runtime, so the listener detaches
 *     (double fork, own session, standard streams on /dev/null, working
 *     directory /) and holds a pidfd of hardrun's process, which becomes
 *     the runtime's. If that process exits before a container connected,
 *     the listener exits. Once connected, its life is the container's:
 *     the kernel reports the init process's notify descriptor as hung up
 *     when no process uses the filter any more.
 *
 * `runc exec` loads the filter again and connects again: the listener
 * accepts every connection of its container, and serves each descriptor
 * until it hangs up. It never answers a routed call by letting it
 * proceed unless it is learning.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/json.h"
#include "hardrun/trace.h"
#include "hardrun/trace_listener.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* Bounds: a runtime sends one small JSON state object per connection. */
#define MAX_MESSAGE (1u << 20)
#define MAX_PENDING 16
#define MAX_NOTIFY 1024
/* After the runtime of a direct-mode run has returned, the container is
 * gone; its last processes get this long to be reaped before the
 * listener stops answering (routed calls then fail with ENOSYS). */
#define DRAIN_MS 2000

struct hr_trace {
	struct hr_trace_opts o;
	struct hr_trace_routing routing;
	char *sock, *lock;
	pid_t pid;    /* direct mode: the listener */
	int end_w;    /* direct mode: closing it says the runtime is done */
	int result_r; /* direct mode: the listener's final word */
};

/* --- the socket and its directory ---------------------------------------- */

static char *listen_base;

void hr_trace_set_dir(const char *dir)
{
	free(listen_base);
	listen_base = dir ? hr_xstrdup(dir) : NULL;
}

static char *listen_dir(void)
{
	const char *xdg;

	if (listen_base)
		return hr_xstrdup(listen_base);
	if (geteuid() == 0)
		return hr_xstrdup("/run/hardrun/listen");
	xdg = secure_getenv("XDG_RUNTIME_DIR");
	return xdg && *xdg ? hr_xasprintf("%s/hardrun/listen", xdg)
			   : hr_xasprintf("/tmp/hardrun-%u/listen", (unsigned)getuid());
}

/* Create `path` and its parents; the last one private to us. A directory
 * that someone else owns or can write is refused: whoever can replace the
 * socket could take over a container's notify descriptor. */
static int private_dir(const char *path, hr_error *err)
{
	_cleanup_free_ char *p = hr_xstrdup(path);
	struct stat st;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return hr_err(err, -errno, "%s: cannot create: %s", p, strerror(errno));
		*s = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return hr_err(err, -errno, "%s: cannot create: %s", p, strerror(errno));
	if (lstat(p, &st) < 0)
		return hr_err(err, -errno, "%s: %s", p, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return hr_err(err, -EPERM,
			      "%s: not a directory private to uid %u (fix: remove it; hardrun "
			      "creates it with mode 0700)",
			      p, (unsigned)geteuid());
	return 0;
}

/* Listeners hold an flock on NAME.lock for as long as they run: a lock
 * that can be taken belongs to a listener that was killed, whose socket
 * is left over. */
static void sweep_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		_cleanup_close_ int fd = -1;
		if (n < 6 || strcmp(de->d_name + n - 5, ".lock") != 0)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue;
		{
			_cleanup_free_ char *sock = hr_xasprintf("%.*s.sock", (int)(n - 5), de->d_name);
			(void)unlinkat(dirfd(d), sock, 0);
			(void)unlinkat(dirfd(d), de->d_name, 0);
		}
	}
	closedir(d);
}

/* Bind the socket; *ret_lock is the locked lock file's descriptor. */
static int bind_socket(struct hr_trace *t, int *ret_fd, int *ret_lock, hr_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_free_ char *tmp = hr_xasprintf("%s.tmp", t->lock);
	_cleanup_close_ int fd = -1, lock = -1;

	if (strlen(t->sock) >= sizeof sa.sun_path)
		return hr_err(err, -ENAMETOOLONG, "%s: too long for a socket path", t->sock);
	/* Locked under a name the sweep ignores, then renamed: a sweep never
	 * sees an unlocked lock of a listener that is starting. */
	lock = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return hr_err(err, -errno, "%s: %s", tmp, strerror(errno));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memcpy(sa.sun_path, t->sock, strlen(t->sock) + 1);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0 ||
	    rename(tmp, t->lock) < 0) {
		int e = errno;
		(void)unlink(tmp);
		(void)unlink(t->sock);
		return hr_err(err, -e, "%s: cannot listen: %s", t->sock, strerror(e));
	}
	*ret_fd = HR_TAKE_FD(fd);
	*ret_lock = HR_TAKE_FD(lock);
	return 0;
}

/* --- the listener process ------------------------------------------------ */

struct conn {
	int fd;
	char *buf;
	size_t len;
	int fds[8];
	size_t nfds;
};

struct nfd {
	int fd;
	bool init; /* the container's first: its hang-up means the container is gone */
};

struct listener {
	const struct hr_trace *t;
	int lfd, lock, end, result;
	struct conn conns[MAX_PENDING];
	size_t n_conns;
	struct nfd nfds[MAX_NOTIFY];
	size_t n_nfds;
	bool connected;	 /* a container has sent its descriptor */
	bool end_done;	 /* the process that starts the container is done */
	bool init_gone;	 /* the container's init descriptor hung up */
	struct timespec drain_until;
	bool draining;
	char *container; /* from the runtime's state, when not given */
	struct hr_denials d;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size;
};

static void close_conn(struct listener *L, size_t i)
{
	struct conn *c = &L->conns[i];

	(void)close(c->fd);
	for (size_t k = 0; k < c->nfds; k++)
		if (c->fds[k] >= 0)
			(void)close(c->fds[k]);
	free(c->buf);
	L->conns[i] = L->conns[--L->n_conns];
}

static void stop_listening(struct listener *L)
{
	if (L->lfd < 0)
		return;
	(void)close(L->lfd);
	L->lfd = -1;
	(void)unlink(L->t->sock);
	(void)unlink(L->t->lock);
	(void)close(L->lock);
	L->lock = -1;
}

static void add_notify_fd(struct listener *L, int fd)
{
	if (L->n_nfds >= MAX_NOTIFY) {
		/* Unserved, its routed calls fail with ENOSYS: still refused. */
		(void)close(fd);
		return;
	}
	L->nfds[L->n_nfds++] = (struct nfd){ .fd = fd, .init = !L->connected };
	L->connected = true;
}

/* Whether `fd` is a seccomp notify descriptor: only those are served,
 * and only one of them marks the container's life. */
static bool is_notify_fd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof target - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(target, "anon_inode:seccomp notify") == 0;
}

/* The runtime's message: {"fds": ["seccompFd"], "state": {"id": ...}}. */
static bool take_message(struct listener *L, struct conn *c)
{
	_cleanup_json_ cJSON *msg = NULL;
	const cJSON *fds, *state, *id;
	size_t i = 0;
	int idx = -1;

	if (hr_json_parse(c->buf, c->len, &hr_json_spec_limits, &msg, NULL) < 0 ||
	    !cJSON_IsObject(msg))
		return false;
	fds = cJSON_GetObjectItemCaseSensitive(msg, "fds");
	for (const cJSON *f = fds ? fds->child : NULL; f; f = f->next, i++)
		if (cJSON_IsString(f) && strcmp(f->valuestring, "seccompFd") == 0)
			idx = (int)i;
	state = cJSON_GetObjectItemCaseSensitive(msg, "state");
	id = cJSON_GetObjectItemCaseSensitive(state, "id");
	if (!L->t->o.container && !L->container && cJSON_IsString(id))
		L->container = hr_xstrdup(id->valuestring);
	if (idx >= 0 && (size_t)idx < c->nfds && is_notify_fd(c->fds[idx])) {
		add_notify_fd(L, c->fds[idx]);
		c->fds[idx] = -1;
	}
	return true;
}

static void read_conn(struct listener *L, size_t i)
{
	struct conn *c = &L->conns[i];
	char cbuf[CMSG_SPACE(sizeof(int) * 8)];
	char data[16384];
	struct iovec iov = { data, sizeof data };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof cbuf };
	ssize_t n = recvmsg(c->fd, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	for (struct cmsghdr *h = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL; h; h = CMSG_NXTHDR(&m, h)) {
		size_t k;
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t j = 0; j < k; j++) {
			int fd;
			memcpy(&fd, CMSG_DATA(h) + j * sizeof(int), sizeof fd);
			if (c->nfds < HR_ARRAY_SIZE(c->fds))
				c->fds[c->nfds++] = fd;
			else
				(void)close(fd);
		}
	}
	if (n <= 0 || c->len + (size_t)n > MAX_MESSAGE) {
		close_conn(L, i); /* closed, or not a runtime's message */
		return;
	}
	c->buf = hr_xrealloc(c->buf, c->len + (size_t)n + 1);
	memcpy(c->buf + c->len, data, (size_t)n);
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	/* runc keeps the connection open while it runs: a complete message,
	 * not the end of the stream, is what counts. */
	if (take_message(L, c))
		close_conn(L, i);
}

static void accept_conn(struct listener *L)
{
	int fd = accept4(L->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct ucred cred;
	socklen_t len = sizeof cred;

	if (fd < 0)
		return;
	/* Only the runtime, running as we do, may hand us a descriptor. */
	if (L->n_conns >= MAX_PENDING ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != geteuid()) {
		(void)close(fd);
		return;
	}
	L->conns[L->n_conns++] = (struct conn){ .fd = fd };
}

/* Tgid and the innermost NSpid of a task, from /proc (0 if unknown). */
static void task_ids(pid_t tid, long *tgid, long *ns_pid)
{
	char path[64], line[256];
	FILE *f;

	*tgid = 0;
	*ns_pid = 0;
	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "Tgid:", 5) == 0) {
			*tgid = strtol(line + 5, NULL, 10);
		} else if (strncmp(line, "NSpid:", 6) == 0) {
			char *last = strrchr(line, '\t');
			*ns_pid = strtol(last ? last : line + 6, NULL, 10);
		}
	}
	fclose(f);
}

/* Write `line` to the caller's own standard error: a duplicate of its
 * descriptor 2, so that nothing is written that it could not write
 * itself, and only if that cannot block (a full pipe is skipped). */
static void to_container_stderr(int pidfd, const char *line)
{
	_cleanup_close_ int fd = (int)syscall(SYS_pidfd_getfd, pidfd, 2, 0);
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	size_t len = strlen(line);

	if (fd < 0 || poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT))
		return;
	/* At most PIPE_BUF: one write that a pipe takes whole or not at all. */
	(void)!write(fd, line, len < 4000 ? len : 4000);
}

static void audit_denial(struct listener *L, const struct hr_denial *x, bool final)
{
	const struct hr_trace_opts *o = &L->t->o;
	_cleanup_json_ cJSON *extra = cJSON_CreateObject();
	cJSON *m = hr_denial_json(x, o->profile, L->t->routing.deny_errno);
	struct hr_audit_record rec = {
		.event = "denial",
		.container = o->container ? o->container : L->container,
		.bundle = o->bundle,
		.profile = o->profile,
		.extra = extra,
	};

	for (cJSON *c = m->child; c; c = c->next)
		cJSON_AddItemToObject(extra, c->string, cJSON_Duplicate(c, true));
	cJSON_AddBoolToObject(extra, "final", final);
	cJSON_Delete(m);
	(void)hr_audit_write(&o->audit, &rec, NULL);
}

/* The first call of a name, while its caller still waits: the lines a
 * person reads come before whatever the caller prints about its failure
 * (and its standard error is still there to write to). */
static void report_waiting(struct listener *L, const struct hr_denial *x, int pidfd)
{
	const struct hr_trace_opts *o = &L->t->o;
	_cleanup_free_ char *msg = hr_denial_message(x, o->mode, o->container ? o->container
									     : L->container,
						     o->profile, L->t->routing.deny_errno);
	_cleanup_free_ char *line = hr_xasprintf("hardrun: %s\n", msg);

	if (!o->detach && !o->quiet)
		(void)!write(STDERR_FILENO, line, strlen(line));
	else if (o->detach && pidfd >= 0)
		to_container_stderr(pidfd, line);
}

/* The same, once answered: the records. */
static void report_answered(struct listener *L, const struct hr_denial *x)
{
	const struct hr_trace_opts *o = &L->t->o;
	_cleanup_free_ char *msg = NULL;

	if (o->mode != HR_TRACE_EXPLAIN)
		return;
	if (o->detach) {
		msg = hr_denial_message(x, o->mode, o->container ? o->container : L->container,
					o->profile, L->t->routing.deny_errno);
		/* hr_log also writes to our standard error, /dev/null here. */
		hr_log(o->log, "error", "%s", msg);
	}
	audit_denial(L, x, false);
}

/* One routed call. Returns false when the descriptor is unusable. */
static bool handle(struct listener *L, int fd)
{
	const struct hr_trace_opts *o = &L->t->o;
	struct seccomp_notif *req = L->req;
	struct seccomp_notif_resp *resp = L->resp;
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int pidfd = -1;
	struct hr_denial *x;
	bool first = false, known = false;
	long tgid = 0, ns_pid = 0;
	uint64_t args[6];

	/* The kernel wants the buffer zeroed, every time. */
	memset(req, 0, L->req_size);
	if (seccomp_notify_receive(fd, req) < 0)
		return errno == ENOENT || errno == EINTR; /* the caller is gone */
	name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	if (!name)
		name = hr_xasprintf("syscall_%d", req->data.nr);
	for (size_t i = 0; i < L->d.n && !known; i++)
		known = strcmp(L->d.v[i].name, name) == 0;
	if (!known) {
		/* The first call of a name: learn who made it while it waits.
		 * Its process is held by a pidfd, checked to still be the one
		 * waiting (not a reused pid), to reach its standard error. */
		task_ids((pid_t)req->pid, &tgid, &ns_pid);
		if (o->detach && o->container_stderr && o->mode == HR_TRACE_EXPLAIN && tgid > 0) {
			pidfd = (int)syscall(SYS_pidfd_open, (pid_t)tgid, 0);
			if (pidfd >= 0 && seccomp_notify_id_valid(fd, req->id) != 0) {
				(void)close(pidfd);
				pidfd = -1;
			}
		}
	}
	memcpy(args, req->data.args, sizeof args);
	x = hr_denials_add(&L->d, name, req->data.arch, args, tgid > 0 ? tgid : (long)req->pid,
			   ns_pid, &first);
	if (x && first)
		report_waiting(L, x, pidfd);
	memset(resp, 0, sizeof *resp);
	resp->id = req->id;
	if (o->mode == HR_TRACE_LEARN) {
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else {
		/* Exactly what the filter's default action answers. */
		resp->error = -L->t->routing.deny_errno;
	}
	(void)seccomp_notify_respond(fd, resp);
	if (x && first)
		report_answered(L, x);
	return true;
}

static void drop_notify(struct listener *L, size_t i)
{
	if (L->nfds[i].init)
		L->init_gone = true;
	(void)close(L->nfds[i].fd);
	L->nfds[i] = L->nfds[--L->n_nfds];
}

static long ms_until(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
}

static void finish(struct listener *L)
{
	const struct hr_trace_opts *o = &L->t->o;
	const char *id = o->container ? o->container : L->container;
	_cleanup_free_ char *sum = hr_denials_summary(&L->d, o->mode, "hardrun: ", id, o->profile);

	stop_listening(L);
	while (L->n_conns)
		close_conn(L, 0);
	while (L->n_nfds)
		drop_notify(L, 0);
	if (!o->detach) {
		(void)!write(STDERR_FILENO, sum, strlen(sum));
	} else if (o->mode == HR_TRACE_EXPLAIN && o->log) {
		/* Only hardrun's own log: the runtime's has had each denial, and
		 * a clean run is no error. */
		char *save = NULL;
		for (char *l = strtok_r(sum, "\n", &save); l && o->log->own_path;
		     l = strtok_r(NULL, "\n", &save))
			hr_log_to(o->log->own_path, "info", l + strlen("hardrun: "));
	}
	if (o->mode == HR_TRACE_EXPLAIN)
		for (size_t i = 0; i < L->d.n; i++)
			audit_denial(L, &L->d.v[i], true);
	if (L->result >= 0) {
		_cleanup_strv_ char **names = hr_denials_names(&L->d);
		cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "names");
		char *text;
		for (size_t i = 0; names[i]; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(names[i]));
		cJSON_AddBoolToObject(doc, "connected", L->connected);
		text = hr_json_print(doc, false);
		cJSON_Delete(doc);
		for (size_t off = 0, len = text ? strlen(text) : 0; off < len;) {
			ssize_t n = write(L->result, text + off, len - off);
			if (n <= 0 && errno != EINTR)
				break;
			off += n > 0 ? (size_t)n : 0;
		}
		free(text);
	}
}

static void serve(struct listener *L)
{
	struct pollfd pf[2 + MAX_PENDING + MAX_NOTIFY];

	for (;;) {
		size_t n = 0, c0, n0;
		int timeout = -1, r;

		if ((L->end_done && !L->connected && !L->n_conns) ||
		    (L->connected && L->init_gone && !L->n_nfds) ||
		    (L->draining && ms_until(&L->drain_until) <= 0))
			break;
		if (L->draining) {
			long ms = ms_until(&L->drain_until);
			timeout = ms > 0 ? (int)ms : 0;
		}
		pf[n++] = (struct pollfd){ .fd = L->lfd, .events = POLLIN };
		pf[n++] = (struct pollfd){ .fd = L->end_done ? -1 : L->end, .events = POLLIN };
		c0 = n;
		for (size_t i = 0; i < L->n_conns; i++)
			pf[n++] = (struct pollfd){ .fd = L->conns[i].fd, .events = POLLIN };
		n0 = n;
		for (size_t i = 0; i < L->n_nfds; i++)
			pf[n++] = (struct pollfd){ .fd = L->nfds[i].fd, .events = POLLIN };
		r = poll(pf, n, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		/* Routed calls first: a container is waiting on each. Descriptors
		 * are dropped from the end backwards so indexes stay valid. */
		for (size_t i = L->n_nfds; i-- > 0;) {
			short ev = pf[n0 + i].revents;
			if ((ev & POLLIN) && handle(L, L->nfds[i].fd))
				continue;
			if (ev & (POLLHUP | POLLERR | POLLNVAL | POLLIN))
				drop_notify(L, i);
		}
		for (size_t i = n0 - c0; i-- > 0;)
			if (pf[c0 + i].revents)
				read_conn(L, i);
		if (pf[0].revents & POLLIN)
			accept_conn(L);
		if (pf[1].revents) {
			L->end_done = true;
			/* Direct mode: `runc run` has returned, the container is gone. */
			if (!L->t->o.detach && L->connected && !L->draining) {
				L->draining = true;
				clock_gettime(CLOCK_MONOTONIC, &L->drain_until);
				L->drain_until.tv_sec += DRAIN_MS / 1000;
			}
		}
		if (L->init_gone)
			stop_listening(L); /* no exec can join a container that is gone */
	}
	finish(L);
}

/* Close every descriptor but the standard ones and those in keep[]. */
static void close_others(const int *keep, size_t n_keep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int *fds = NULL;
	size_t n = 0;

	if (!d) {
		for (int fd = 3; fd < 65536; fd++) {
			bool k = false;
			for (size_t i = 0; i < n_keep; i++)
				k |= keep[i] == fd;
			if (!k)
				(void)close(fd);
		}
		return;
	}
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		bool k = fd < 3 || fd == dirfd(d) || de->d_name[0] == '.';
		for (size_t i = 0; i < n_keep; i++)
			k |= keep[i] == fd;
		if (!k) {
			fds = hr_xrealloc(fds, (n + 1) * sizeof *fds);
			fds[n++] = fd;
		}
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		(void)close(fds[i]);
	free(fds);
}

static void listener_main(struct hr_trace *t, int lfd, int lock, int end, int result)
{
	struct listener L = { .t = t, .lfd = lfd, .lock = lock, .end = end, .result = result };
	struct seccomp_notif_sizes sizes = { 0 };
	const int keep[] = { lfd, lock, end, result };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Ctrl-C reaches the whole foreground group: the container decides
	 * when it ends, and the listener serves it until then. */
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);
	sigaction(SIGHUP, &ign, NULL);
	sigaction(SIGPIPE, &ign, NULL);
	(void)prctl(PR_SET_NAME, "hardrun-listen", 0, 0, 0);
	/* Hold no directory (a bundle, a mount point) busy. */
	(void)!chdir("/");
	if (t->o.detach) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			(void)dup2(null, 0);
			(void)dup2(null, 1);
			(void)dup2(null, 2);
			if (null > 2)
				(void)close(null);
		}
	} else {
		/* Standard error stays: it is where the lines go. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			(void)dup2(null, 0);
			(void)dup2(null, 1);
			if (null > 2)
				(void)close(null);
		}
	}
	close_others(keep, HR_ARRAY_SIZE(keep));
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0 ||
	    seccomp_notify_alloc(&L.req, &L.resp) < 0)
		_exit(1); /* routed calls then fail with ENOSYS: still refused */
	L.req_size = sizes.seccomp_notif > sizeof *L.req ? sizes.seccomp_notif : sizeof *L.req;
	serve(&L);
	seccomp_notify_free(L.req, L.resp);
	hr_denials_done(&L.d);
	free(L.container);
	_exit(0);
}

/* --- starting and stopping ----------------------------------------------- */

static void free_trace(struct hr_trace *t)
{
	free(t->sock);
	free(t->lock);
	free(t);
}

int hr_trace_start(const struct hr_trace_opts *o, cJSON *spec, struct hr_trace **ret,
		   hr_error *err)
{
	_cleanup_free_ char *dir = listen_dir();
	_cleanup_close_ int lfd = -1, lock = -1, end = -1, end_w = -1, res_r = -1, res_w = -1;
	struct hr_trace *t = hr_xcalloc(1, sizeof *t);
	_cleanup_json_ cJSON *before = NULL;
	cJSON *linux_;
	uint8_t rnd[8];
	char hex[17];
	pid_t pid;
	int r;

	*ret = NULL;
	t->o = *o;
	t->end_w = t->result_r = -1;
	if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd) {
		free_trace(t);
		return hr_err(err, -EIO, "cannot name the listener socket: %s", strerror(errno));
	}
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	t->sock = hr_xasprintf("%s/%s.sock", dir, hex);
	t->lock = hr_xasprintf("%s/%s.lock", dir, hex);

	/* The spec is put back as it was if the listener cannot start. */
	linux_ = cJSON_GetObjectItemCaseSensitive(spec, "linux");
	before = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(linux_, "seccomp"), true);
	if ((r = hr_trace_filter(spec, t->sock, &t->routing, err)) < 0 || t->routing.routed == 0) {
		free_trace(t);
		return r;
	}
	if ((r = private_dir(dir, err)) < 0)
		goto fail;
	sweep_stale(dir);
	if ((r = bind_socket(t, &lfd, &lock, err)) < 0)
		goto fail;
	if (o->detach) {
		end = (int)syscall(SYS_pidfd_open, getpid(), 0);
		if (end < 0) {
			r = hr_err(err, -errno, "pidfd_open: %s (denial tracing needs Linux 5.3)",
				   strerror(errno));
			goto fail_bound;
		}
	} else {
		int p[2], q[2];
		if (pipe2(p, O_CLOEXEC) < 0 || pipe2(q, O_CLOEXEC) < 0) {
			r = hr_err(err, -errno, "pipe: %s", strerror(errno));
			goto fail_bound;
		}
		end = p[0];
		end_w = p[1];
		res_r = q[0];
		res_w = q[1];
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		r = hr_err(err, -errno, "fork: %s", strerror(errno));
		goto fail_bound;
	}
	if (pid == 0) {
		/* It lives as long as the container: no arena (json.h). */
		hr_json_arena_stop();
		if (o->detach) {
			/* Out of the caller's session, and reparented: nobody waits
			 * for it, and the engine's pipes are not held open. */
			(void)setsid();
			pid = fork();
			if (pid != 0)
				_exit(pid < 0 ? 1 : 0);
		}
		listener_main(t, lfd, lock, end, res_w);
	}
	if (o->detach) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			r = hr_err(err, -ECHILD, "the listener did not start");
			goto fail_bound;
		}
	} else {
		t->pid = pid;
		t->end_w = HR_TAKE_FD(end_w);
		t->result_r = HR_TAKE_FD(res_r);
	}
	*ret = t;
	return 0;

fail_bound:
	(void)unlink(t->sock);
	(void)unlink(t->lock);
fail:
	if (linux_ && before)
		hr_json_set(linux_, "seccomp", HR_TAKE_PTR(before));
	free_trace(t);
	return r;
}

int hr_trace_finish(struct hr_trace *t, char ***ret_names)
{
	size_t len = 0, cap = 4096;
	_cleanup_free_ char *buf = NULL;
	_cleanup_json_ cJSON *doc = NULL;
	int status, r = 0;

	if (ret_names)
		*ret_names = NULL;
	if (!t)
		return 0;
	if (t->end_w >= 0) {
		(void)close(t->end_w);
		t->end_w = -1;
	}
	buf = hr_xmalloc(cap);
	while (t->result_r >= 0) {
		ssize_t n;
		if (len + 1 >= cap) {
			if (cap >= MAX_MESSAGE)
				break;
			cap *= 2;
			buf = hr_xrealloc(buf, cap);
		}
		n = read(t->result_r, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (t->pid > 0) {
		while (waitpid(t->pid, &status, 0) < 0)
			if (errno != EINTR) {
				r = -errno;
				break;
			}
		t->pid = 0;
	}
	if (ret_names && hr_json_parse(buf, len, &hr_json_spec_limits, &doc, NULL) == 0) {
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(doc, "names");
		char **v = hr_xcalloc(1, sizeof *v);
		for (const cJSON *n = names ? names->child : NULL; n; n = n->next)
			if (cJSON_IsString(n))
				hr_strv_push(&v, n->valuestring);
		*ret_names = v;
	}
	hr_trace_free(t);
	return r;
}

struct hr_trace *hr_trace_free(struct hr_trace *t)
{
	if (!t)
		return NULL;
	if (t->end_w >= 0)
		(void)close(t->end_w);
	if (t->result_r >= 0)
		(void)close(t->result_r);
	if (t->pid > 0) {
		int status;
		/* The end pipe is closed: the listener is on its way out. */
		while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	free_trace(t);
	return NULL;
}

void hr_trace_freep(struct hr_trace **t)
{
	hr_trace_free(*t);
	*t = NULL;
}

void hr_trace_audit_members(const struct hr_trace *t, cJSON *extra)
{
	cJSON *o;

	if (!t || !extra)
		return;
	o = cJSON_AddObjectToObject(extra, "trace");
	cJSON_AddStringToObject(o, "mode", t->o.mode == HR_TRACE_LEARN ? "learn" : "explain");
	cJSON_AddNumberToObject(o, "routed", (double)t->routing.routed);
	cJSON_AddStringToObject(o, "listener", t->sock);
	if (t->o.mode == HR_TRACE_LEARN)
		cJSON_AddStringToObject(o, "note",
					"a learning run lets every routed call proceed: it is not "
					"a security boundary");
}
