/* SPDX-License-Identifier: ISC */
/* hp-hold.c: holds a port the way other programs do, for the tests of what
 * holdports says when a port is in use: a plain listener, a port left only
 * in TIME_WAIT, a listening unix socket, or one whose backlog is full; and
 * tries to take a port the way a stray server would, with SO_REUSEADDR or
 * SO_REUSEPORT. */

#define _DEFAULT_SOURCE /* SO_REUSEPORT */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Noreturn void
usage(void)
{
	(void)fprintf(stderr, "usage: hp-hold [-w] port | -u path | -f path\n");
	exit(2);
}

static _Noreturn void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* Returns a TCP socket bound to 127.0.0.1:port (0: any), without
 * SO_REUSEADDR, as most programs make them. */
static int
bound(unsigned port)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("bind");
	return fd;
}

/*
 * -t port: tries to take 127.0.0.1:port as a server with SO_REUSEADDR
 * does: bind(2) and listen(2). Prints "taken" and holds it, or prints the
 * errno name of the call that failed ("EADDRINUSE") and exits 1. -r port:
 * the same with SO_REUSEPORT too.
 */
static int
take(unsigned port, int reuseport)
{
	struct sockaddr_in sin;
	int fd, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		die("socket");
#ifdef SO_REUSEPORT
	if (reuseport &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == -1)
		die("SO_REUSEPORT");
#else
	if (reuseport) {
		errno = ENOPROTOOPT;
		die("SO_REUSEPORT");
	}
#endif
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 8) == -1) {
		(void)printf("%s\n",
		    errno == EADDRINUSE ? "EADDRINUSE" : strerror(errno));
		(void)fflush(stdout);
		exit(1);
	}
	(void)printf("taken\n");
	return fd;
}

/* Returns the local port of fd. */
static unsigned
port_of(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		die("getsockname");
	return ntohs(sin.sin_port);
}

/* Leaves 127.0.0.1:port in TIME_WAIT only: the client end of a connection
 * to a listener of our own, bound to port without SO_REUSEADDR, closed
 * first (the side that closes first waits in TIME_WAIT, RFC 793). */
static void
timewait(unsigned port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char b;
	int l, c, a;

	l = bound(0);
	if (listen(l, 1) == -1)
		die("listen");
	c = bound(port);
	if (getsockname(l, (struct sockaddr *)&sin, &len) == -1)
		die("getsockname");
	if (connect(c, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect");
	if ((a = accept(l, NULL, NULL)) == -1)
		die("accept");
	port = port_of(c);
	(void)close(c);
	/* our FIN has arrived once the server end reads end-of-file */
	while (read(a, &b, 1) > 0)
		;
	(void)close(a);
	(void)close(l);
	(void)printf("%u\n", port);
}

/* Listens on unix socket path with a backlog of backlog. */
static int
unix_listener(const char *path, int backlog)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		usage();
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, backlog) == -1)
		die(path);
	return fd;
}

/* Fills the backlog of the unix listener at path, which never accepts:
 * connects without blocking until the kernel says EAGAIN (a connect(2)
 * that blocks would wait there for ever). The connections stay open.
 * Returns how many were queued. */
static int
fill_backlog(const char *path)
{
	struct sockaddr_un sun;
	int fd, n;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	for (n = 0; n < 1000; n++) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
			die("socket");
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINPROGRESS)
				die("connect");
			(void)close(fd);
			return n;
		}
	}
	errno = EOVERFLOW;
	die("the backlog never filled");
}

int
main(int argc, char **argv)
{
	char *end;
	long port;
	int fd;

	if (argc == 3 && strcmp(argv[1], "-u") == 0) {
		fd = unix_listener(argv[2], 8);
		(void)printf("%s\n", argv[2]);
	} else if (argc == 3 && strcmp(argv[1], "-f") == 0) {
		/* a live server that has stopped accepting */
		fd = unix_listener(argv[2], 0);
		(void)printf("%s %d\n", argv[2], fill_backlog(argv[2]));
	} else if (argc == 3 &&
	    (strcmp(argv[1], "-t") == 0 || strcmp(argv[1], "-r") == 0)) {
		fd = take((unsigned)strtol(argv[2], NULL, 10),
		    strcmp(argv[1], "-r") == 0);
	} else {
		if (argc < 2 || argc > 3 ||
		    (argc == 3 && strcmp(argv[1], "-w") != 0))
			usage();
		port = strtol(argv[argc - 1], &end, 10);
		if (*end != '\0' || port < 0 || port > 65535)
			usage();
		if (argc == 3) {
			timewait((unsigned)port);
			return fflush(stdout) == 0 ? 0 : 1;
		}
		fd = bound((unsigned)port);
		if (listen(fd, 8) == -1)
			die("listen");
		(void)printf("%u\n", port_of(fd));
	}
	if (fflush(stdout) != 0)
		die("stdout");
	/* hold it until a signal ends us */
	for (;;)
		(void)pause();
}
