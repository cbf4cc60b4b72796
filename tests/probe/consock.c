/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The other end of `--console-socket`: what containerd's shim and conmon
 * do with it, reduced to what a test needs. It listens on SOCKET, takes
 * the pseudo-terminal master that the runtime sends over it (SCM_RIGHTS),
 * and copies everything the container writes to its terminal to OUT until
 * the last process holding the terminal is gone. Then it exits 0; 1 when
 * no terminal arrived, or nothing happened on it, within the timeout (in
 * seconds, default 30).
 *
 *   consock SOCKET OUT [TIMEOUT]
 *
 * It is started in the background before the runtime; the socket exists
 * once it has printed "ready" on standard output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int conn)
{
	char name[256], ctrl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = ctrl,
			      .msg_controllen = sizeof ctrl };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int timeout = argc > 3 ? atoi(argv[3]) : 30;
	int lis, conn, pty, out;
	struct pollfd pfd;
	char buf[4096];

	if (argc < 3 || strlen(argv[1]) >= sizeof sa.sun_path) {
		fprintf(stderr, "usage: consock SOCKET OUT [TIMEOUT]\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	lis = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lis < 0 || bind(lis, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lis, 1) < 0) {
		perror("consock: socket");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	pfd = (struct pollfd){ .fd = lis, .events = POLLIN };
	if (poll(&pfd, 1, timeout * 1000) != 1) {
		fprintf(stderr, "consock: no connection within %d s\n", timeout);
		return 1;
	}
	conn = accept4(lis, NULL, NULL, SOCK_CLOEXEC);
	pty = conn < 0 ? -1 : recv_fd(conn);
	if (pty < 0) {
		fprintf(stderr, "consock: no terminal received: %s\n", strerror(errno));
		return 1;
	}
	(void)close(conn);
	(void)close(lis);
	(void)unlink(argv[1]);
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		perror(argv[2]);
		return 2;
	}
	/* The master reads EIO once no process holds the terminal's other
	 * end any more: the container is done with it. */
	for (;;) {
		ssize_t n;
		pfd = (struct pollfd){ .fd = pty, .events = POLLIN };
		if (poll(&pfd, 1, timeout * 1000) == 0) {
			fprintf(stderr, "consock: the terminal stayed open %d s\n", timeout);
			return 1;
		}
		n = read(pty, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(out, buf, (size_t)n) != n) {
			perror(argv[2]);
			return 2;
		}
	}
	return close(out) < 0 ? 2 : 0;
}
