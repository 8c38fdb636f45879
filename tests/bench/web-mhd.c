/* SPDX-License-Identifier: ISC */
/* web-mhd.c: the error page served with libmicrohttpd instead of web.c,
 * as a prototype to measure the library against the goals of the
 * browser side (doc/http-choice.md): run from an external poll(2) on
 * MHD's epoll descriptor, on a listening socket passed in, handed back
 * with MHD_quiesce_daemon(). Not part of holdports.
 *
 * usage: web-mhd [-t tailfile]
 *
 * Prints "page PORT" and "pid PID"; SIGUSR1 quiesces the daemon and
 * prints "page stopped in N us nonblock=F" like web-drive; SIGTERM
 * stops. Build: make tests/bench/web-mhd (needs libmicrohttpd-dev). */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

static volatile sig_atomic_t got_usr1, got_term;
static char page[65536];
static size_t pagelen;

static void catch (int signo)
{
	if (signo == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload, size_t *uplen,
    void **state)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	(void)uplen;
	(void)state;
	r = MHD_create_response_from_buffer(
	    pagelen, page, MHD_RESPMEM_PERSISTENT);
	(void)MHD_add_response_header(r, "Content-Type", "text/plain");
	(void)MHD_add_response_header(r, "Retry-After", "1");
	(void)MHD_add_response_header(r, "Cache-Control", "no-store");
	(void)MHD_add_response_header(r, "Connection", "close");
	ret = MHD_queue_response(conn, MHD_HTTP_SERVICE_UNAVAILABLE, r);
	MHD_destroy_response(r);
	return ret;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sigaction sa;
	struct timespec a, b;
	int fd, on = 1, epfd, quiet = 0, fl;
	FILE *f;

	pagelen = (size_t)snprintf(page, sizeof(page),
	    "holdports: demo: build failed with status 2 after 1.3 s\n\n");
	if (argc == 3 && strcmp(argv[1], "-t") == 0 &&
	    (f = fopen(argv[2], "r")) != NULL) {
		pagelen += fread(page + pagelen, 1, sizeof(page) - pagelen, f);
		(void)fclose(f);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = catch;
	(void)sigaction(SIGUSR1, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 1024) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		return 1;
	printf("page %u\n", (unsigned)ntohs(sin.sin_port));
	fl = fcntl(fd, F_GETFL);
	printf("before nonblock=%d\n", (fl & O_NONBLOCK) != 0);
	d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0,
	    NULL, NULL, answer, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)5,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384, MHD_OPTION_END);
	if (d == NULL)
		return 1;
	fl = fcntl(fd, F_GETFL);
	printf("started nonblock=%d\n", (fl & O_NONBLOCK) != 0);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	epfd = info->epoll_fd;
	printf("pid %ld\n", (long)getpid());
	(void)fflush(stdout);
	while (!got_term) {
		struct pollfd p = {epfd, POLLIN, 0};
		MHD_UNSIGNED_LONG_LONG to;
		int ms = -1;

		if (MHD_get_timeout(d, &to) == MHD_YES)
			ms = to > 600000 ? 600000 : (int)to;
		(void)poll(&p, 1, ms);
		if (got_usr1 && !quiet) {
			(void)clock_gettime(CLOCK_MONOTONIC, &a);
			(void)MHD_quiesce_daemon(d);
			(void)clock_gettime(CLOCK_MONOTONIC, &b);
			fl = fcntl(fd, F_GETFL);
			printf("page stopped in %ld us nonblock=%d\n",
			    (long)(b.tv_sec - a.tv_sec) * 1000000 +
				(b.tv_nsec - a.tv_nsec) / 1000,
			    (fl & O_NONBLOCK) != 0);
			(void)fflush(stdout);
			quiet = 1;
		}
		(void)MHD_run(d);
	}
	MHD_stop_daemon(d);
	return 0;
}
