/* SPDX-License-Identifier: ISC */
/* hp-evloop.c: a test child built like the event loops of libuv (Node),
 * Go's netpoller and asyncio: its listeners are O_NONBLOCK, one poll(2)
 * serves everything, each readable listener is accepted from until
 * EAGAIN, a reply is written from the loop once the connection is
 * writable, and SIGTERM (caught with SA_RESTART, as libuv and Go do)
 * stops the accepting: the listeners are closed and the connections
 * already taken are answered before it exits. It reports what betrays a
 * loop that stalls: an accept(2) that blocked, and connections taken
 * after SIGTERM.
 *
 *   hp-evloop [-n] [-s startup_ms] [-g grace_ms]
 *     -n  send READY=1 (sd_notify(3)) once it serves
 *     -s  start up for this long before it takes its sockets (sets
 *         O_NONBLOCK on them) and serves, as a runtime does
 *     -g  after SIGTERM, answer taken connections for at most this long
 *         (default 2000 ms)
 *
 * Answers each connection with "pid=N\n" and closes it (hp-load's
 * protocol). Writes one line "hp-evloop: pid N: ..." to stderr for each
 * blocking accept(2) and one summary line when it exits.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "holdports.h"

#define CONN_MAX 4096 /* connections held at once; more are closed */
#define BLOCKED_MS 20 /* an accept(2) longer than this blocked */
#define FAILED 125

static int term_w = -1; /* the self-pipe's write end */
static volatile sig_atomic_t term_seen; /* SIGTERM arrived */

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_term(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	term_seen = 1;
	(void)!write(term_w, &b, 1);
	errno = saved;
}

static void
fail(const char *what)
{
	(void)fprintf(stderr, "hp-evloop: %s: %s\n", what, strerror(errno));
	exit(FAILED);
}

static void
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		fail("fcntl O_NONBLOCK");
}

int
main(int argc, char *argv[])
{
	static int conn[CONN_MAX];
	static struct pollfd pfd[CONN_MAX + 64];
	struct sigaction sa;
	char reply[32], drain[16], *end;
	long startup = 0, grace = 2000;
	int notify = 0, n, i, c, fd, np, nconn = 0, p[2];
	long served = 0, after_term = 0, blocked = 0, blocked_max = 0;
	int64_t t0, t, stop_at = -1;
	ssize_t w;

	while ((c = getopt(argc, argv, "g:ns:")) != -1) {
		switch (c) {
		case 'g':
			grace = strtol(optarg, &end, 10);
			break;
		case 'n':
			notify = 1;
			break;
		case 's':
			startup = strtol(optarg, &end, 10);
			break;
		default:
			(void)fprintf(stderr,
			    "usage: hp-evloop [-n] [-s ms] "
			    "[-g ms]\n");
			return 2;
		}
	}
	if ((n = hp_listen_fds(1)) <= 0 || n > 60) {
		(void)fprintf(
		    stderr, "hp-evloop: want 1 to 60 sockets, got %d\n", n);
		return FAILED;
	}
	if (pipe(p) == -1)
		fail("pipe");
	nonblock(p[0]);
	nonblock(p[1]);
	term_w = p[1];
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART; /* as libuv and Go install theirs */
	sa.sa_handler = on_term;
	(void)sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	/* A runtime starts (Node: tens of ms) before it takes its sockets. */
	if (startup > 0)
		(void)nanosleep(&(struct timespec){startup / 1000,
				    (startup % 1000) * 1000000},
		    NULL);
	/* What libuv's uv_tcp_open(), Go's net.FileListener() and asyncio do
	 * to a socket they are given: on the shared open file description. */
	for (i = 0; i < n; i++)
		nonblock(HP_LISTEN_FDS_START + i);
	if (notify && hp_notify(0, "READY=1") <= 0)
		fail("hp_notify READY=1");
	(void)snprintf(reply, sizeof(reply), "pid=%ld\n", (long)getpid());

	for (;;) {
		np = 0;
		pfd[np].fd = p[0];
		pfd[np++].events = POLLIN;
		for (i = 0; i < n && stop_at < 0; i++) {
			pfd[np].fd = HP_LISTEN_FDS_START + i;
			pfd[np++].events = POLLIN;
		}
		for (i = 0; i < nconn; i++) {
			pfd[np].fd = conn[i];
			pfd[np++].events = POLLOUT;
		}
		if (stop_at >= 0 && (nconn == 0 || now_ms() >= stop_at))
			break;
		if (poll(pfd, (nfds_t)np, stop_at >= 0 ? 10 : -1) == -1) {
			if (errno == EINTR)
				continue;
			fail("poll");
		}
		if (pfd[0].revents & POLLIN) {
			while (read(p[0], drain, sizeof(drain)) > 0)
				;
			if (stop_at < 0) {
				/* Node's server.close(), asyncio's
				 * Server.close(), Go's Shutdown(): the
				 * listeners go, the connections stay. */
				for (i = 0; i < n; i++)
					(void)close(HP_LISTEN_FDS_START + i);
				stop_at = now_ms() + grace;
				continue;
			}
		}
		/* Write first: the slots of pfd name the connections of the
		 * poll, before accepts add new ones. */
		for (i = 1; i < np; i++) {
			if (pfd[i].fd < HP_LISTEN_FDS_START + n ||
			    !(pfd[i].revents & (POLLOUT | POLLERR | POLLHUP)))
				continue;
			w = write(pfd[i].fd, reply, strlen(reply));
			(void)w;
			(void)close(pfd[i].fd);
			for (c = 0; c < nconn; c++)
				if (conn[c] == pfd[i].fd) {
					conn[c] = conn[--nconn];
					break;
				}
			served++;
		}
		for (i = 1; i < np && stop_at < 0; i++) {
			if (pfd[i].fd >= HP_LISTEN_FDS_START + n ||
			    !(pfd[i].revents & POLLIN))
				continue;
			/* libuv's uv__server_io(): accept until EAGAIN. */
			for (;;) {
				t0 = now_ms();
				fd = accept(pfd[i].fd, NULL, NULL);
				t = now_ms() - t0;
				if (t > BLOCKED_MS) {
					blocked++;
					if (t > blocked_max)
						blocked_max = (long)t;
					(void)fprintf(stderr,
					    "hp-evloop: pid %ld: accept() "
					    "blocked %lld ms, O_NONBLOCK %s\n",
					    (long)getpid(), (long long)t,
					    (fcntl(pfd[i].fd, F_GETFL) &
						O_NONBLOCK) ?
						"set" :
						"clear");
				}
				if (fd == -1)
					break; /* EAGAIN; EINTR: SA_RESTART */
				if (term_seen)
					after_term++;
				nonblock(fd);
				if (nconn == CONN_MAX)
					(void)close(fd);
				else
					conn[nconn++] = fd;
			}
		}
	}
	(void)fprintf(stderr,
	    "hp-evloop: pid %ld: exits: served=%ld after_term=%ld blocked=%ld "
	    "blocked_max_ms=%ld unanswered=%d\n",
	    (long)getpid(), served, after_term, blocked, blocked_max, nconn);
	return 0;
}
