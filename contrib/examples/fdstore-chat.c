/* SPDX-License-Identifier: ISC */
/* fdstore-chat.c: a line echo server whose clients survive its restart,
 * on the child API (holdports.h). Each line gets "PID: LINE" back. On
 * SIGTERM it hands every client connection to the supervisor (FDSTORE=1,
 * FDNAME=client) and exits; the next instance finds them after its
 * listening socket and keeps serving them: nc 127.0.0.1 8080 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <holdports.h>

#define MAXC 512 /* clients at a time */

static struct pollfd pfd[2 + MAXC]; /* the wake-up pipe, the listener,
				       then the clients */
static char buf[2 + MAXC][1024]; /* bytes of a line not yet complete */
static size_t len[2 + MAXC];
static int n = 2;
static int wake[2];

/* SIGTERM only wakes poll(): the stop happens in main(). */
static void
on_term(int signo)
{
	(void)signo;
	(void)write(wake[1], "", 1);
}

/* Adds connection fd, made blocking as serve() expects: O_NONBLOCK
 * belongs to the open file, which a stored connection shares with the
 * instance that had it before. */
static void
add(int fd)
{
	if (n == 2 + MAXC ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		(void)close(fd);
		return;
	}
	pfd[n] = (struct pollfd){.fd = fd, .events = POLLIN};
	len[n++] = 0;
}

/* Answers each whole line client i sent. Returns -1 when it is gone. */
static int
serve(int i)
{
	ssize_t r;
	char *nl;
	size_t l;

	r = read(pfd[i].fd, buf[i] + len[i], sizeof(buf[i]) - len[i]);
	if (r <= 0)
		return -1;
	len[i] += (size_t)r;
	while ((nl = memchr(buf[i], '\n', len[i])) != NULL) {
		l = (size_t)(nl - buf[i]) + 1;
		if (dprintf(pfd[i].fd, "%ld: %.*s", (long)getpid(), (int)l,
			buf[i]) < 0)
			return -1;
		memmove(buf[i], buf[i] + l, len[i] - l);
		len[i] -= l;
	}
	return len[i] == sizeof(buf[i]) ? -1 : 0; /* a line too long */
}

int
main(void)
{
	const char *port = getenv("PORT");
	struct sockaddr_in sin = {.sin_family = AF_INET,
	    .sin_port = htons((in_port_t)atoi(port ? port : "8080")),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sigaction sa = {.sa_handler = on_term};
	int i, k, lfd = -1, on = 1;
	char **names;

	/* The listening socket first, then the clients the last instance
	 * stored: every descriptor named "client". */
	k = hp_listen_fds_with_names(1, &names);
	for (i = 0; i < k; i++) {
		if (strcmp(names[i], "client") == 0)
			add(HP_LISTEN_FDS_START + i);
		else if (lfd == -1)
			lfd = HP_LISTEN_FDS_START + i;
		free(names[i]);
	}
	if (k > 0)
		free(names);
	if (lfd == -1 &&
	    ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
		bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
		listen(lfd, SOMAXCONN)))
		err(1, "listen");
	if (pipe(wake) == -1)
		err(1, "pipe");
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a client that left */
	pfd[0] = (struct pollfd){.fd = wake[0], .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = lfd, .events = POLLIN};
	(void)hp_notify(0, "READY=1");

	for (;;) {
		if (poll(pfd, (nfds_t)n, -1) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (pfd[0].revents != 0)
			break; /* SIGTERM */
		if ((pfd[1].revents & POLLIN) &&
		    (k = accept(lfd, NULL, NULL)) != -1)
			add(k);
		for (i = 2; i < n; i++) {
			if (pfd[i].revents == 0 || serve(i) == 0)
				continue;
			(void)close(
			    pfd[i].fd); /* gone: the last takes its place */
			pfd[i] = pfd[--n];
			memcpy(buf[i], buf[n], len[n]);
			len[i--] = len[n];
		}
	}

	/*
	 * SIGTERM: hand each client to the supervisor, which passes it to
	 * the next instance. sendmsg() has queued each datagram in the
	 * supervisor's socket before it returns, so exiting right after
	 * loses nothing. The bytes of a line not yet complete are lost:
	 * keep such state small. Without a supervisor (0) or with an error,
	 * the client is closed at exit.
	 */
	for (i = 2; i < n; i++)
		if (hp_pid_notify_with_fds(
			0, 0, "FDSTORE=1\nFDNAME=client", &pfd[i].fd, 1) < 0)
			warnx("FDSTORE of fd %d failed", pfd[i].fd);
	return 0;
}
