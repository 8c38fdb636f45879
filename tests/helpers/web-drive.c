/* SPDX-License-Identifier: ISC */
/* web-drive.c: runs the browser side (web.c) on sockets of its own, so
 * that tests exercise its real HTTP behaviour before the supervisor's
 * loop calls it.
 *
 * usage: web-drive [-ev] [-i instance] [-c child] [-H headline]
 *                  [-t tailfile] [-f cmdfile]
 *
 * Binds 127.0.0.1:0 for the error page and, with -e, another for the
 * events, and prints "page PORT" and "events PORT" on stdout. It serves
 * the page of the view given (the tail read from tailfile) until:
 *
 *   SIGUSR1  stops the page as a child start does (web_page_stop()), or
 *            starts it again; prints "page stopped in N us nonblock=F"
 *            (F: O_NONBLOCK of the listener afterwards) or "page started"
 *   SIGUSR2  runs each line of cmdfile: "building", "failed", "reload"
 *            (web_event()), "headline TEXT", "child TEXT", "tail FILE"
 *            (the view), "update" (web_page_update()), "stop", "start",
 *            "child" (stop, then answer on the page's socket as a child
 *            would: "200 OK", "child serves"), "nochild" (not any more);
 *            prints "did LINE" for each
 *   SIGTERM  closes everything and exits 0 (also SIGINT)
 *
 * Each line is flushed at once. Exits 1 on a failure (message on
 * stderr), 2 on a usage error.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hp.h"
#include "pollset.h"
#include "ring.h"
#include "web.h"

static int drive_pipe = -1; /* the self-pipe's write end */

struct drive {
	struct web *web;
	int page_fd, events_fd;
	int serving;
	char instance[256], child[256], headline[1024];
	char *tail;
	size_t taillen;
	int cut;
	const char *cmdfile;
	int fakechild; /* answering 200 on page_fd as a child would */
	int done;
};

static void
drive_catch(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	(void)write(drive_pipe, &b, 1);
	errno = saved;
}

static _Noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: web-drive [-ev] [-i instance] [-c child] "
	    "[-H headline] [-t tailfile] [-f cmdfile]\n");
	exit(2);
}

/* Returns a listening socket on 127.0.0.1:0 and prints "what PORT". */
static int
drive_listen(const char *what)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = fd_socket(AF_INET, SOCK_STREAM)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 1024) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		fatal("%s: 127.0.0.1:0", what);
	printf("%s %u\n", what, (unsigned)ntohs(sin.sin_port));
	return fd;
}

/* Reads the file at path into d->tail through a struct ring, as the
 * supervisor keeps a child's output: its last RING_SIZE bytes. */
static void
drive_tail(struct drive *d, const char *path)
{
	static struct ring r;
	char buf[4096];
	ssize_t n;
	int fd;

	ring_clear(&r);
	if ((fd = open(path, O_RDONLY)) == -1)
		fatal("%s", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		ring_write(&r, buf, (size_t)n);
	if (n == -1)
		fatal("%s", path);
	(void)close(fd);
	free(d->tail);
	if ((d->tail = malloc(RING_SIZE)) == NULL)
		fatal("tail");
	d->taillen = ring_copy(&r, d->tail, RING_SIZE);
	d->cut = ring_cut(&r);
}

static void
drive_view(const struct drive *d, struct web_view *v)
{
	v->instance = d->instance;
	v->child = d->child;
	v->headline = d->headline;
	v->tail = d->tail;
	v->taillen = d->taillen;
	v->tail_cut = d->cut;
}

static void
drive_toggle(struct drive *d)
{
	struct web_view v;
	struct timespec a, b;
	long us;
	int fl;

	if (d->serving) {
		(void)clock_gettime(CLOCK_MONOTONIC, &a);
		web_page_stop(d->web, d->page_fd);
		(void)clock_gettime(CLOCK_MONOTONIC, &b);
		us = (long)(b.tv_sec - a.tv_sec) * 1000000 +
		    (b.tv_nsec - a.tv_nsec) / 1000;
		fl = fcntl(d->page_fd, F_GETFL);
		printf("page stopped in %ld us nonblock=%d\n", us,
		    (fl & O_NONBLOCK) != 0);
		d->serving = 0;
		return;
	}
	drive_view(d, &v);
	if (web_page_start(d->web, d->page_fd, &v) == -1)
		fatal("web_page_start");
	d->serving = 1;
	printf("page started\n");
}

/* Runs one line of the command file. */
static void
drive_command(struct drive *d, char *line)
{
	struct web_view v;
	int r = 0;

	drive_view(d, &v);
	if (strcmp(line, "building") == 0)
		r = web_event(d->web, WEB_BUILDING, &v);
	else if (strcmp(line, "failed") == 0)
		r = web_event(d->web, WEB_FAILED, &v);
	else if (strcmp(line, "reload") == 0)
		r = web_event(d->web, WEB_RELOAD, NULL);
	else if (strncmp(line, "headline ", 9) == 0)
		(void)snprintf(d->headline, sizeof(d->headline), "%.*s",
		    (int)sizeof(d->headline) - 1, line + 9);
	else if (strncmp(line, "child ", 6) == 0)
		(void)snprintf(d->child, sizeof(d->child), "%.*s",
		    (int)sizeof(d->child) - 1, line + 6);
	else if (strncmp(line, "tail ", 5) == 0)
		drive_tail(d, line + 5);
	else if (strcmp(line, "update") == 0)
		r = web_page_update(d->web, d->page_fd, &v);
	else if (strcmp(line, "stop") == 0) {
		if (d->serving)
			drive_toggle(d);
	} else if (strcmp(line, "start") == 0) {
		if (!d->serving)
			drive_toggle(d);
	} else if (strcmp(line, "child") == 0) {
		if (d->serving)
			drive_toggle(d);
		d->fakechild = 1;
	} else if (strcmp(line, "nochild") == 0)
		d->fakechild = 0;
	else {
		log_warnx("%s: unknown command \"%s\"", d->cmdfile, line);
		return;
	}
	if (r == -1)
		log_warn("%s", line);
	printf("did %s\n", line);
}

static void
drive_commands(struct drive *d)
{
	char line[1024];
	size_t n;
	FILE *f;

	if (d->cmdfile == NULL || (f = fopen(d->cmdfile, "r")) == NULL) {
		log_warn("%s", d->cmdfile ? d->cmdfile : "no -f cmdfile");
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0)
			drive_command(d, line);
	}
	(void)fclose(f);
}

/* The stand-in for a child: takes one connection of the page's socket,
 * reads its request (it has arrived: a test's client sends it whole)
 * and answers 200. A test helper may block this little. */
static void
drive_child(void *arg, int fd, short revents, int64_t now)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\n"
				 "Content-Type: text/html\r\n"
				 "Content-Length: 33\r\nConnection: close\r\n"
				 "\r\n<h1 id=\"child\">child serves</h1>\n";
	struct pollfd p;
	char buf[8192];
	int c;

	(void)arg;
	(void)revents;
	(void)now;
	if ((c = accept(fd, NULL, NULL)) == -1)
		return;
	p.fd = c;
	p.events = POLLIN;
	if (poll(&p, 1, 1000) == 1 && read(c, buf, sizeof(buf)) > 0)
		(void)write(c, ok, sizeof(ok) - 1);
	(void)shutdown(c, SHUT_WR);
	(void)poll(&p, 1, 100);
	(void)close(c);
}

static void
drive_signal(void *arg, int fd, short revents, int64_t now)
{
	struct drive *d = arg;
	unsigned char b;

	(void)revents;
	(void)now;
	while (read(fd, &b, 1) == 1) {
		if (b == SIGUSR1)
			drive_toggle(d);
		else if (b == SIGUSR2)
			drive_commands(d);
		else
			d->done = 1;
	}
	(void)fflush(stdout);
}

int
main(int argc, char **argv)
{
	static const int sigs[] = {SIGUSR1, SIGUSR2, SIGTERM, SIGINT};
	struct pollset ps = {0};
	struct sigaction sa;
	struct drive d;
	int fds[2], ch, events = 0;
	size_t i;

	memset(&d, 0, sizeof(d));
	d.events_fd = -1;
	(void)snprintf(d.instance, sizeof(d.instance), "%s", "demo");
	(void)snprintf(d.headline, sizeof(d.headline), "%s",
	    "build failed with status 2 after 1.3 s");
	log_init(LOG_NORMAL);
	while ((ch = getopt(argc, argv, "c:ef:H:i:t:v")) != -1) {
		switch (ch) {
		case 'c':
			(void)snprintf(d.child, sizeof(d.child), "%s", optarg);
			break;
		case 'e':
			events = 1;
			break;
		case 'f':
			d.cmdfile = optarg;
			break;
		case 'H':
			(void)snprintf(
			    d.headline, sizeof(d.headline), "%s", optarg);
			break;
		case 'i':
			(void)snprintf(
			    d.instance, sizeof(d.instance), "%s", optarg);
			break;
		case 't':
			drive_tail(&d, optarg);
			break;
		case 'v':
			log_init(LOG_VERBOSE);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (fd_pipe(fds) == -1 || fd_set_nonblock(fds[0]) == -1 ||
	    fd_set_nonblock(fds[1]) == -1)
		fatal("pipe");
	drive_pipe = fds[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = drive_catch;
	(void)sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	if ((d.web = web_open()) == NULL)
		fatal("web_open");
	d.page_fd = drive_listen("page");
	if (events) {
		d.events_fd = drive_listen("events");
		if (web_events_start(d.web, d.events_fd) == -1)
			fatal("web_events_start");
	}
	drive_toggle(&d);
	printf("pid %ld\n", (long)getpid());
	(void)fflush(stdout);
	while (!d.done) {
		pollset_clear(&ps);
		if (pollset_add(&ps, fds[0], POLLIN, drive_signal, &d) == -1 ||
		    (d.fakechild &&
			pollset_add(&ps, d.page_fd, POLLIN, drive_child, &d) ==
			    -1) ||
		    web_poll(d.web, &ps) == -1)
			fatal("pollset");
		if (pollset_wait(&ps, now_ms) == -1 && errno != EINTR)
			fatal("poll");
	}
	web_close(d.web);
	pollset_free(&ps);
	free(d.tail);
	printf("bye\n");
	return 0;
}
