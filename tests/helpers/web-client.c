/* SPDX-License-Identifier: ISC */
/* web-client.c: the HTTP clients the system tests of the browser side
 * need and curl cannot be: many at once, slow ones, silent ones.
 *
 * usage: web-client -p port MODE [-n count] [-t seconds] [-a port]
 *
 *   churn  opens -n connections one after the other (at most 50 open at
 *          once), each sends "GET / HTTP/1.1" and reads the answer to its
 *          end; prints "churn N answered, N with STATUS" (the status of
 *          the first)
 *   open   opens -n connections and closes each at once, sending
 *          nothing; prints "open N"
 *   slow   opens -n connections that each send one byte of a request
 *          head a second; prints "slow N closed by the server, first
 *          after A ms, last after B ms" once the server closed them all,
 *          or "slow N of M still open after S s" at -t seconds
 *   hold   opens -n connections that send a full request and never
 *          read, until -t seconds pass; prints "hold N"
 *   follow reads the event stream of GET /events (port is the events
 *          server's) and prints "ready" once it is open, "event NAME"
 *          for each event, and on each "reload" sends "GET /pid" to
 *          127.0.0.1:-a port at once and prints "reload I ANSWER" (the
 *          first line of its body, a pid of demo-server, or the pid of
 *          hp-echo's "pid=N") or "reload I refused"; ends after -n
 *          reloads
 *
 * Every connection is bounded by -t seconds (default 20). Exits 0, 1 on
 * a failure (message on stderr), 2 on a usage error. Only 127.0.0.1.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN 2000
#define BATCH 50

static int port;
static int app; /* follow: the application's port */
static int seconds = 20;

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static _Noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: web-client -p port churn|open|slow|hold|follow "
	    "[-n count] [-t seconds] [-a port]\n");
	exit(2);
}

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "web-client: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Returns a socket connected to 127.0.0.1:port (blocking connect: the
 * kernel completes it from the backlog, whether or not anyone accepts),
 * or -1 with errno when to is set and the connection failed. */
static int
dial_to(int to, int quiet)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)to);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		if (!quiet)
			die("connect");
		(void)close(fd);
		return -1;
	}
	return fd;
}

static int
dial(void)
{
	return dial_to(port, 0);
}

/* Waits at most until deadline for fd to be readable. Returns 1, or 0
 * at the deadline. */
static int
wait_in(int fd, int64_t deadline)
{
	struct pollfd p = {fd, POLLIN, 0};
	int64_t left;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)left) > 0)
			return 1;
	}
}

static void
churn(int n)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	int fds[BATCH], i, k, b, answered = 0, first = 0;
	int64_t deadline = now_ms() + (int64_t)seconds * 1000;
	char buf[8192], head[32];
	ssize_t r;

	for (i = 0; i < n; i += b) {
		b = n - i < BATCH ? n - i : BATCH;
		for (k = 0; k < b; k++) {
			fds[k] = dial();
			if (write(fds[k], req, sizeof(req) - 1) == -1)
				die("write");
		}
		for (k = 0; k < b; k++) {
			size_t got = 0;

			/* The status line into head, the rest dropped. */
			while (wait_in(fds[k], deadline)) {
				r = got < sizeof(head) - 1 ?
				    read(fds[k], head + got,
					sizeof(head) - 1 - got) :
				    read(fds[k], buf, sizeof(buf));
				if (r <= 0)
					break;
				if (got < sizeof(head) - 1)
					got += (size_t)r;
			}
			head[got] = '\0';
			if (got >= 12 && strncmp(head, "HTTP/1.1 ", 9) == 0) {
				answered++;
				if (first == 0)
					first = atoi(head + 9);
			}
			(void)close(fds[k]);
		}
	}
	printf("churn %d answered, %d with %d\n", answered, n, first);
}

static void
open_close(int n)
{
	int i;

	for (i = 0; i < n; i++)
		(void)close(dial());
	printf("open %d\n", n);
}

static void
slow(int n)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: slow\r\n\r\n";
	static int fds[MAXCONN];
	static size_t sent[MAXCONN];
	static struct pollfd p[MAXCONN];
	int64_t start = now_ms(), first = -1, last = -1, next = start;
	int i, open = n;
	char buf[512];

	for (i = 0; i < n; i++) {
		fds[i] = dial();
		(void)fcntl(fds[i], F_SETFL, O_NONBLOCK);
	}
	while (open > 0 && now_ms() < start + (int64_t)seconds * 1000) {
		if (now_ms() >= next) {
			for (i = 0; i < n; i++)
				if (fds[i] >= 0 && sent[i] < sizeof(req) - 1 &&
				    write(fds[i], req + sent[i], 1) == 1)
					sent[i]++;
			next += 1000;
		}
		for (i = 0; i < n; i++) {
			p[i].fd = fds[i];
			p[i].events = POLLIN;
		}
		if (poll(p, (nfds_t)n, 100) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			ssize_t r;

			if (fds[i] < 0 || p[i].revents == 0)
				continue;
			r = read(fds[i], buf, sizeof(buf));
			if (r > 0 || (r == -1 && errno == EAGAIN))
				continue;
			(void)close(fds[i]);
			fds[i] = -1;
			open--;
			last = now_ms() - start;
			if (first < 0)
				first = last;
		}
	}
	if (open == 0)
		printf("slow %d closed by the server, first after %lld ms, "
		       "last after %lld ms\n",
		    n, (long long)first, (long long)last);
	else
		printf(
		    "slow %d of %d still open after %d s\n", open, n, seconds);
}

static void
hold(int n)
{
	static const char req[] = "GET / HTTP/1.1\r\nAccept: text/html\r\n\r\n";
	static int fds[MAXCONN];
	int i, rcv = 1;

	for (i = 0; i < n; i++) {
		fds[i] = dial();
		/* A tiny receive buffer: the server's writes block soon. */
		(void)setsockopt(
		    fds[i], SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
		if (write(fds[i], req, sizeof(req) - 1) == -1)
			die("write");
	}
	printf("hold %d\n", n);
	(void)fflush(stdout);
	(void)sleep((unsigned)seconds);
	for (i = 0; i < n; i++)
		(void)close(fds[i]);
}

/* On a reload: GET /pid of the application, at once. Writes the first
 * line of the body, or why there is none, into out. */
static void
fetch_pid(char *out, size_t len)
{
	static const char req[] = "GET /pid HTTP/1.0\r\n\r\n";
	int64_t deadline = now_ms() + (int64_t)seconds * 1000;
	char buf[4096], *body;
	size_t got = 0;
	ssize_t r;
	int fd;

	if ((fd = dial_to(app, 1)) == -1) {
		(void)snprintf(out, len, "%s",
		    errno == ECONNREFUSED ? "refused" : strerror(errno));
		return;
	}
	if (write(fd, req, sizeof(req) - 1) == -1)
		die("write");
	while (got < sizeof(buf) - 1 && wait_in(fd, deadline) &&
	    (r = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	(void)close(fd);
	buf[got] = '\0';
	if (strncmp(buf, "pid=", 4) == 0) { /* hp-echo's answer */
		buf[strcspn(buf, "\r\n")] = '\0';
		(void)snprintf(out, len, "%.*s", (int)len - 1, buf + 4);
		return;
	}
	if ((body = strstr(buf, "\r\n\r\n")) == NULL) {
		(void)snprintf(out, len, "no answer");
		return;
	}
	body += 4;
	body[strcspn(body, "\r\n")] = '\0';
	if (strncmp(buf, "HTTP/1.0 200", 12) != 0 &&
	    strncmp(buf, "HTTP/1.1 200", 12) != 0)
		(void)snprintf(out, len, "status %.3s", buf + 9);
	else
		(void)snprintf(out, len, "%s", body);
}

static void
follow(int n)
{
	static const char req[] = "GET /events HTTP/1.1\r\nHost: x\r\n"
				  "Accept: text/event-stream\r\n\r\n";
	int64_t deadline = now_ms() + (int64_t)seconds * 1000;
	char buf[65536], line[4096], answer[256];
	size_t nline = 0;
	int fd, reloads = 0, open = 0;
	ssize_t r, i;

	fd = dial();
	if (write(fd, req, sizeof(req) - 1) == -1)
		die("write");
	while (reloads < n && wait_in(fd, deadline)) {
		if ((r = read(fd, buf, sizeof(buf))) <= 0)
			break;
		for (i = 0; i < r && reloads < n; i++) {
			if (buf[i] != '\n') {
				if (nline < sizeof(line) - 1)
					line[nline++] = buf[i];
				continue;
			}
			line[nline] = '\0';
			if (nline > 0 && line[nline - 1] == '\r')
				line[--nline] = '\0';
			nline = 0;
			if (!open && strncmp(line, "retry:", 6) == 0) {
				open = 1;
				printf("ready\n");
			}
			if (strncmp(line, "event: ", 7) != 0)
				continue;
			if (strcmp(line + 7, "reload") == 0) {
				fetch_pid(answer, sizeof(answer));
				printf("reload %d %s\n", ++reloads, answer);
			} else
				printf("event %s\n", line + 7);
			(void)fflush(stdout);
		}
		(void)fflush(stdout);
	}
	(void)close(fd);
	if (reloads < n)
		printf("follow: %d of %d reloads\n", reloads, n);
}

int
main(int argc, char **argv)
{
	const char *mode;
	int ch, n = 1;

	while ((ch = getopt(argc, argv, "a:n:p:t:")) != -1) {
		switch (ch) {
		case 'a':
			app = atoi(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || port <= 0 || port > 65535 || n < 1 ||
	    n > MAXCONN || seconds < 1)
		usage();
	mode = argv[optind];
	/* Options after the mode, as the usage line shows them. */
	optind++;
	while ((ch = getopt(argc, argv, "a:n:t:")) != -1) {
		if (ch == 'a')
			app = atoi(optarg);
		else if (ch == 'n')
			n = atoi(optarg);
		else if (ch == 't')
			seconds = atoi(optarg);
		else
			usage();
	}
	if (n < 1 || n > MAXCONN || seconds < 1)
		usage();
	if (strcmp(mode, "churn") == 0)
		churn(n);
	else if (strcmp(mode, "open") == 0)
		open_close(n);
	else if (strcmp(mode, "slow") == 0)
		slow(n);
	else if (strcmp(mode, "hold") == 0)
		hold(n);
	else if (strcmp(mode, "follow") == 0 && app > 0 && app <= 65535)
		follow(n);
	else
		usage();
	return 0;
}
