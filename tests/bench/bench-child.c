/* SPDX-License-Identifier: ISC */
/* bench-child.c: the benchmarks' child, a minimal HTTP/1.1 server that
 * starts at once, answers "pid=N" with keep-alive, and shuts down
 * gracefully. It takes its sockets from LISTEN_FDS (holdports, systemd),
 * SERVER_STARTER_PORT (Server::Starter), or binds -p PORT itself. */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "holdports.h"

#define CONN_MAX 512 /* open connections; more are closed at once */
#define REQ_MAX 4096 /* bytes of one request head */
#define GRACE_MS 200 /* after SIGTERM: time left to idle keep-alives */
#define FAILED 3 /* exit status: bench-child itself failed */

/* One accepted connection and the request head read so far. */
struct conn {
	int fd; /* -1: free slot */
	size_t len;
	char req[REQ_MAX];
};

static int stop_w = -1; /* write end of the self-pipe */

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	(void)fprintf(stderr, "bench-child: ");
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fprintf(
	    stderr, "%s%s\n", e != 0 ? ": " : "", e != 0 ? strerror(e) : "");
	exit(FAILED);
}

/* SIGTERM, SIGINT: wake the poll(2) loop through the self-pipe. */
static void
on_stop(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	(void)!write(stop_w, &b, 1);
	errno = saved;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
set_flags(int fd)
{
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Server::Starter's socket: the descriptor of the first entry of
 * SERVER_STARTER_PORT ("127.0.0.1:8080=5;..."), or -1 when it is unset. */
static int
starter_fd(void)
{
	const char *v = getenv("SERVER_STARTER_PORT"), *eq;
	char *end;
	long fd;

	if (v == NULL || (eq = strchr(v, '=')) == NULL)
		return -1;
	fd = strtol(eq + 1, &end, 10);
	if (end == eq + 1 || (*end != '\0' && *end != ';') || fd < 0 ||
	    fd > 65535)
		return -1;
	return (int)fd;
}

/* Without passed sockets (the baseline, no supervisor): binds
 * 127.0.0.1:port itself, as a server restarted by a script does. */
static int
bind_own(long port)
{
	struct sockaddr_in sin;
	int fd, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, SOMAXCONN) == -1)
		die("bind 127.0.0.1:%ld", port);
	return fd;
}

/*
 * Takes the passed sockets with hp_listen_fds_with_names(). With want > 0
 * it checks them all: exactly want sockets, each a listening TCP socket
 * named "s<i>" (the names the benchmark gives). Returns the count.
 */
static int
take_fds(int want)
{
	char **names = NULL, expect[32];
	int n, i, bad = 0;

	if ((n = hp_listen_fds_with_names(1, &names)) < 0) {
		errno = -n;
		die("hp_listen_fds_with_names");
	}
	if (want > 0 && n != want) {
		errno = 0;
		die("got %d sockets, want %d", n, want);
	}
	for (i = 0; i < n; i++) {
		(void)snprintf(expect, sizeof(expect), "s%d", i);
		if (want > 0 &&
		    (strcmp(names[i], expect) != 0 ||
			hp_is_socket_inet(HP_LISTEN_FDS_START + i, AF_INET,
			    SOCK_STREAM, 1, 0) <= 0))
			bad++;
		free(names[i]);
	}
	free(names);
	if (bad > 0) {
		errno = 0;
		die("%d of %d sockets are not the listening socket named "
		    "s<i>",
		    bad, n);
	}
	return n;
}

/* Accepts every pending connection on listener fd into a free slot. */
static void
accept_all(int fd, struct conn *c)
{
	int a, i;

	for (;;) {
		if ((a = accept(fd, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return; /* EAGAIN, or another child took it */
		}
		set_flags(a);
		for (i = 0; i < CONN_MAX && c[i].fd != -1; i++)
			;
		if (i == CONN_MAX) {
			(void)close(a);
			continue;
		}
		c[i].fd = a;
		c[i].len = 0;
	}
}

/* Returns 1 if the request head h keeps the connection open: HTTP/1.1
 * without "Connection: close". */
static int
keeps_alive(const char *h)
{
	const char *eol = strstr(h, "\r\n");
	const char *p;

	if (eol == NULL || eol - h < 8 || strncmp(eol - 8, "HTTP/1.1", 8) != 0)
		return 0;
	for (p = h; (p = strstr(p, "\r\n")) != NULL; p += 2)
		if (strncmp(p + 2, "Connection: close", 17) == 0 ||
		    strncmp(p + 2, "connection: close", 17) == 0)
			return 0;
	return 1;
}

/*
 * Reads from connection c and answers each complete request head; when
 * stopping, the answer says "Connection: close". Closes c when the peer
 * closes, on error, after a response that closes, or when a head does not
 * fit.
 */
static void
serve_conn(struct conn *c, const char *body, int stopping)
{
	char resp[256], *end;
	size_t hl;
	ssize_t n;
	int alive;

	for (;;) {
		n = read(c->fd, c->req + c->len, REQ_MAX - 1 - c->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0)
			break;
		c->len += (size_t)n;
		c->req[c->len] = '\0';
		while ((end = strstr(c->req, "\r\n\r\n")) != NULL) {
			end[2] = '\0'; /* the head with its last CRLF */
			alive = !stopping && keeps_alive(c->req);
			(void)snprintf(resp, sizeof(resp),
			    "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
			    "Connection: %s\r\n\r\n%s",
			    strlen(body), alive ? "keep-alive" : "close", body);
			if (write(c->fd, resp, strlen(resp)) !=
				(ssize_t)strlen(resp) ||
			    !alive)
				goto close;
			hl = (size_t)(end + 4 - c->req);
			memmove(c->req, c->req + hl, c->len - hl + 1);
			c->len -= hl;
		}
		if (c->len == REQ_MAX - 1)
			break;
	}
close:
	(void)close(c->fd);
	c->fd = -1;
}

/* Empties the self-pipe; returns 1. */
static int
drain(int fd)
{
	char buf[16];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return 1;
}

/*
 * Serves the n listeners at fd 3.. (or lfd alone) until SIGTERM, then
 * closes its copies of the listeners (the supervisor keeps its own) and
 * answers the next request of each open connection, with "Connection:
 * close", for at most GRACE_MS; then exits.
 */
static void
serve(const int *lfds, int n, int stop_r)
{
	static struct conn c[CONN_MAX];
	struct pollfd *pfd;
	int *slot, i, np, stopping = 0;
	int64_t grace_end = 0, t;
	char body[32];

	(void)snprintf(body, sizeof(body), "pid=%ld\n", (long)getpid());
	pfd = calloc((size_t)n + CONN_MAX + 1, sizeof(*pfd));
	slot = calloc((size_t)n + CONN_MAX + 1, sizeof(*slot));
	if (pfd == NULL || slot == NULL)
		die("calloc");
	for (i = 0; i < CONN_MAX; i++)
		c[i].fd = -1;
	for (;;) {
		np = 0;
		pfd[np].fd = stop_r;
		pfd[np++].events = POLLIN;
		for (i = 0; i < n && !stopping; i++) {
			pfd[np].fd = lfds[i];
			pfd[np].events = POLLIN;
			slot[np++] = -1 - i;
		}
		for (i = 0; i < CONN_MAX; i++)
			if (c[i].fd != -1) {
				pfd[np].fd = c[i].fd;
				pfd[np].events = POLLIN;
				slot[np++] = i;
			}
		if (stopping && np == 1)
			break;
		t = stopping ? grace_end - now_ms() : -1;
		if (stopping && t <= 0)
			break;
		if (poll(pfd, (nfds_t)np, (int)t) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if ((pfd[0].revents & POLLIN) && drain(stop_r) && !stopping) {
			stopping = 1;
			grace_end = now_ms() + GRACE_MS;
			for (i = 0; i < n; i++)
				(void)close(lfds[i]);
			continue; /* pfd[] still names the closed fds */
		}
		for (i = 1; i < np; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (slot[i] < 0)
				accept_all(pfd[i].fd, c);
			else if (c[slot[i]].fd == pfd[i].fd)
				serve_conn(&c[slot[i]], body, stopping);
		}
	}
	for (i = 0; i < CONN_MAX; i++)
		if (c[i].fd != -1)
			(void)close(c[i].fd);
	free(pfd);
	free(slot);
}

static _Noreturn void
usage(void)
{
	(void)fprintf(stderr, "usage: bench-child [-n] [-c count] [-p port]\n");
	exit(FAILED);
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	long port = 0, want = 0;
	int ch, n, i, notify = 0, sp[2], *lfds;
	char *end;

	while ((ch = getopt(argc, argv, "c:np:")) != -1) {
		switch (ch) {
		case 'c':
			want = strtol(optarg, &end, 10);
			if (*end != '\0' || want < 1 || want > 100000)
				usage();
			break;
		case 'n':
			notify = 1;
			break;
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*end != '\0' || port < 1 || port > 65535)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (pipe(sp) == -1)
		die("pipe");
	set_flags(sp[0]);
	set_flags(sp[1]);
	stop_w = sp[1];
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);

	n = take_fds((int)want);
	if (n == 0 && port == 0 && starter_fd() == -1) {
		errno = 0;
		die("no socket passed (LISTEN_FDS, SERVER_STARTER_PORT) and no "
		    "-p port");
	}
	if ((lfds = calloc(n > 0 ? (size_t)n : 1, sizeof(*lfds))) == NULL)
		die("calloc");
	if (n == 0 && starter_fd() != -1)
		lfds[n++] = starter_fd(); /* Server::Starter's worker */
	else if (n == 0)
		lfds[n++] = bind_own(port);
	else
		for (i = 0; i < n; i++)
			lfds[i] = HP_LISTEN_FDS_START + i;
	/* Non-blocking listeners: in overlap mode two children share each
	 * socket, and a blocking accept(2) after a poll(2) that another
	 * child won would hang. (O_NONBLOCK belongs to the socket, which the
	 * supervisor resets before each start.) */
	for (i = 0; i < n; i++)
		set_flags(lfds[i]);
	if (notify && hp_notify(1, "READY=1") <= 0)
		die("hp_notify READY=1");
	serve(lfds, n, sp[0]);
	free(lfds);
	return 0;
}
