/* SPDX-License-Identifier: ISC */
/* demo.c: a tiny HTTP/1.0 server that shows holdports replacing it live. */

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "holdports.h"

#define REQUEST_TIMEOUT_MS 2000 /* so one slow client cannot wedge us */

/* What the page shows; all of it is fixed at start. */
struct page {
	char message[2048]; /* the line from message.txt, HTML-escaped */
	char path[1024]; /* where it came from, HTML-escaped */
	char socket[96]; /* where the listening socket came from */
	char started[32]; /* wall-clock start time */
	char events[256]; /* HOLDPORTS_EVENTS, HTML-escaped, or "" */
	time_t start;
	double ready_ms; /* from main() to the accept loop */
};

static volatile sig_atomic_t stopping;
static int listen_fd = -1; /* set before the handler is installed */

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "demo-server: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* SIGTERM, SIGINT: finish the request in hand, then exit 0. Closing our
 * copy of the socket makes an accept() we are just about to enter fail at
 * once instead of blocking. holdports keeps its own copy, so the port and
 * its backlog live on for the next child (shutdown(2) would end them). */
static void
on_term(int signo)
{
	int saved = errno;

	(void)signo;
	stopping = 1;
	(void)close(listen_fd);
	errno = saved;
}

/* Returns the listening socket: the one holdports or systemd passed under
 * the name "http", else the first one passed (systemd-socket-activate calls
 * it "unknown" without --fdname), else 127.0.0.1:port bound here. */
static int
get_listener(const char *port, char *how, size_t size)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	char *end;
	long num = strtol(port, &end, 10);
	int n, fd, on = 1;

	if ((n = hp_listen_fds(0)) < 0) {
		errno = -n;
		die("LISTEN_FDS");
	}
	if (n > 0) {
		if ((fd = hp_listen_fd("http")) == -1)
			fd = HP_LISTEN_FDS_START;
		snprintf(how, size, "fd %d, inherited (LISTEN_FDS=%d)", fd, n);
		return fd;
	}
	if (*port == '\0' || *end != '\0' || num < 0 || num > 65535) {
		errno = EINVAL;
		die(port);
	}
	sin.sin_port = htons((in_port_t)num);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, SOMAXCONN) == -1)
		die(port);
	snprintf(how, size, "127.0.0.1:%s, bound by demo-server itself", port);
	return fd;
}

/* Copies s into out (size bytes), escaped for HTML, cut if need be. */
static void
html_escape(const char *s, char *out, size_t size)
{
	static const char special[] = "&<>\"";
	static const char *const entity[] = {"&amp;", "&lt;", "&gt;", "&quot;"};
	const char *e;
	size_t len = 0;

	for (; *s != '\0' && len + sizeof("&quot;") < size; s++) {
		if ((e = strchr(special, *s)) != NULL)
			len += strlen(strcpy(out + len, entity[e - special]));
		else
			out[len++] = *s;
	}
	out[len] = '\0';
}

/* Reads the request head into buf (NUL-terminated) until its empty line,
 * a full buffer, or end of file. Returns 0, or -1 if the client went away
 * or took longer than REQUEST_TIMEOUT_MS. */
static int
read_request(int fd, char *buf, size_t size)
{
	double deadline = now_ms() + REQUEST_TIMEOUT_MS, left;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	size_t len = 0;
	ssize_t got;

	for (buf[0] = '\0'; strstr(buf, "\r\n\r\n") == NULL &&
	     strstr(buf, "\n\n") == NULL && len < size - 1;) {
		if ((left = deadline - now_ms()) <= 0 ||
		    poll(&p, 1, (int)left + 1) == 0)
			return -1;
		if ((got = read(fd, buf + len, size - 1 - len)) == 0)
			return len > 0 ? 0 : -1;
		if (got == -1)
			continue; /* EINTR, EAGAIN: poll again; else it fails */
		len += (size_t)got;
		buf[len] = '\0';
	}
	return 0;
}

/* Sends a whole response. It is small, so dprintf(3) makes one write and
 * Nagle's algorithm has no second part to hold back. */
static void
reply(int fd, const char *status, const char *type, const char *body)
{
	(void)dprintf(fd,
	    "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
	    status, type, strlen(body), body);
}

/* Writes the page into body: the message, who serves it, and how to
 * change it. Under holdports with events (HOLDPORTS_EVENTS) the page
 * includes holdports.js, which reloads it when the next server is ready
 * and shows a build error over it; else it reloads every 2 seconds. */
static void
render_page(const struct page *pg, char *body, size_t size)
{
	char follow[512];

	if (pg->events[0] != '\0')
		snprintf(follow, sizeof(follow),
		    "<script src=\"%s/holdports.js\"></script>\n", pg->events);
	else
		snprintf(follow, sizeof(follow),
		    "<meta http-equiv=\"refresh\" content=\"2\">\n");
	snprintf(body, size,
	    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n%s"
	    "<title>holdports demo</title><style>body{font:18px sans-serif;"
	    "max-width:40em;margin:3em auto}</style></head><body>\n"
	    "<h1>holdports demo</h1>\n<blockquote id=\"message\">%s"
	    "</blockquote>\n"
	    "<p>Served by pid <b id=\"pid\">%ld</b>, started %s (up %ld s)."
	    "<br>\nFrom exec to serving: %.3f ms.<br>\nSocket: %s.</p>\n"
	    "<p>Edit <code>%s</code> and save it: holdports starts a new "
	    "server on the same socket, and %s No request is refused "
	    "meanwhile.</p>\n%s</body></html>\n",
	    follow, pg->message, (long)getpid(), pg->started,
	    (long)(time(NULL) - pg->start), pg->ready_ms, pg->socket, pg->path,
	    pg->events[0] != '\0' ?
		"this page shows it by itself once the new server is ready." :
		"this page, which reloads every 2 seconds, shows the new pid "
		"and message.",
	    pg->events[0] != '\0' ?
		"<p>Break <code>demo.c</code> and save it: the compiler's "
		"error shows over this page while this server keeps "
		"serving. Fix it, and the page reloads.</p>\n" :
		"");
}

/* Answers one connection: GET / (the page), GET /pid, or 404. */
static void
serve(int fd, const struct page *pg)
{
	char req[2048], body[8192];
	const char *path = req + 4;
	size_t len;

	if (read_request(fd, req, sizeof(req)) == -1)
		return;
	len = strncmp(req, "GET ", 4) == 0 ? strcspn(path, " ?\r\n") : 0;
	if (len == 4 && strncmp(path, "/pid", 4) == 0) {
		snprintf(body, sizeof(body), "%ld\n", (long)getpid());
		reply(fd, "200 OK", "text/plain", body);
	} else if (len == 1 && path[0] == '/') {
		render_page(pg, body, sizeof(body));
		reply(fd, "200 OK", "text/html; charset=utf-8", body);
	} else {
		reply(fd, "404 Not Found", "text/plain", "not found\n");
	}
}

int
main(int argc, char *argv[])
{
	double t0 = now_ms(); /* exec was a few hundred microseconds ago */
	const char *port = argc > 1 ? argv[1] : getenv("PORT");
	const char *path = getenv("DEMO_MESSAGE");
	const char *events = getenv("HOLDPORTS_EVENTS");
	struct sigaction sa = {.sa_handler = SIG_IGN};
	struct page pg = {.start = time(NULL)};
	struct pollfd p = {.events = POLLIN};
	char line[512];
	FILE *f;
	int fd;

	strftime(pg.started, sizeof(pg.started), "%Y-%m-%d %H:%M:%S",
	    localtime(&pg.start));
	if (path == NULL)
		path = "contrib/demo/message.txt";
	if ((f = fopen(path, "r")) == NULL)
		snprintf(line, sizeof(line), "(cannot read %s: %s)", path,
		    strerror(errno));
	else if (fgets(line, sizeof(line), f) == NULL)
		strcpy(line, "(the file is empty)");
	if (f != NULL)
		fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	html_escape(line, pg.message, sizeof(pg.message));
	html_escape(path, pg.path, sizeof(pg.path));
	if (events != NULL)
		html_escape(events, pg.events, sizeof(pg.events));
	p.fd = listen_fd = get_listener(
	    port != NULL ? port : "8080", pg.socket, sizeof(pg.socket));

	sigaction(SIGPIPE, &sa, NULL); /* a client that leaves early */
	sa.sa_handler = on_term; /* no SA_RESTART: accept() gets EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	pg.ready_ms = now_ms() - t0;
	fprintf(stderr, "demo-server: pid %ld ready in %.3f ms; socket: %s\n",
	    (long)getpid(), pg.ready_ms, pg.socket);
	while (!stopping) {
		if ((fd = accept(listen_fd, NULL, NULL)) != -1) {
			serve(fd, &pg);
			(void)close(fd);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			(void)poll(&p, 1, -1); /* it was left non-blocking */
		} else if (!stopping &&
		    (errno == EBADF || errno == ENOTSOCK || errno == EINVAL)) {
			die("accept");
		} /* else EINTR, ECONNABORTED, ...: try again */
	}
	return 0;
}
