/* SPDX-License-Identifier: ISC */
/* server.c: a holdports child in C, on the child API (holdports.h). It
 * answers every HTTP request with its pid: curl 127.0.0.1:8080/pid */

#include <sys/socket.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <holdports.h>

static int lfd = -1;

/* SIGTERM: close our copy, so that accept() fails after this request. */
static void
on_term(int signo)
{
	(void)signo;
	(void)close(lfd);
}

int
main(void)
{
	const char *port = getenv("PORT");
	struct sockaddr_in sin = {.sin_family = AF_INET,
	    .sin_port = htons((in_port_t)atoi(port ? port : "8080")),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sigaction sa = {.sa_handler = on_term, .sa_flags = SA_RESTART};
	char b[1024];
	int c, on = 1;
	FILE *f;

	/* The socket named http that holdports or systemd passed, else ours. */
	if ((lfd = hp_listen_fd("http")) == -1 &&
	    (errno != ENOENT || (lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
		bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
		listen(lfd, SOMAXCONN)))
		err(1, "listen");
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a client that left early */
	while ((c = accept(lfd, NULL, NULL)) != -1 || errno == ECONNABORTED) {
		if (c == -1 || (f = fdopen(c, "r")) == NULL)
			continue;
		while (fgets(b, sizeof(b), f) && b[strspn(b, "\r\n")] != '\0')
			; /* up to the empty line after the headers */
		dprintf(c, "HTTP/1.0 200 OK\r\n\r\n%ld\n", (long)getpid());
		fclose(f);
	}
	return errno == EBADF ? 0 : 1; /* EBADF: on_term() closed it */
}
