/* SPDX-License-Identifier: ISC */
/* sd-echo.c: a test child built on libsystemd alone, to show that programs
 * written for systemd socket activation run under holdports unchanged. */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#define FAILED 125 /* exit status when sd-echo itself fails */

static volatile sig_atomic_t stop;
static volatile sig_atomic_t nlisten; /* descriptors on_term() closes */

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "sd-echo: %s: %s\n", what, strerror(errno));
	exit(FAILED);
}

/* SIGTERM: exit 0 once the connection in hand (if any) is answered.
 * Closing our copies of the sockets makes a poll() or accept() we are just
 * about to enter return at once; the supervisor keeps its own copies. */
static void
on_term(int signo)
{
	int saved = errno, i;

	(void)signo;
	stop = 1;
	for (i = 0; i < nlisten; i++)
		(void)close(SD_LISTEN_FDS_START + i);
	errno = saved;
}

/* Writes "pid=, n=, names=" to dir/<pid>.report through a temporary file
 * and rename(2), so a reader sees the whole report or none of it. */
static void
write_report(const char *dir, int n, char **names)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	FILE *f;
	int i;

	snprintf(tmp, sizeof(tmp), "%s/.%ld.tmp", dir, (long)getpid());
	snprintf(final, sizeof(final), "%s/%ld.report", dir, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL)
		die(tmp);
	fprintf(f, "pid=%ld\nn=%d\nnames=", (long)getpid(), n);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i > 0 ? ":" : "", names[i]);
	fprintf(f, "\n");
	if (fclose(f) == EOF || rename(tmp, final) == -1)
		die(final);
}

/* Accepts one connection on fd and sends msg; a connection accepted is
 * always answered. */
static void
answer(int fd, const char *msg)
{
	size_t len = strlen(msg);
	ssize_t n;
	int c;

	if ((c = accept(fd, NULL, NULL)) == -1) {
		if (stop || errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK || errno == ECONNABORTED)
			return;
		die("accept");
	}
	(void)fcntl(c, F_SETFD, FD_CLOEXEC);
	while (len > 0) {
		if ((n = send(c, msg, len, 0)) == -1) {
			if (errno == EINTR)
				continue;
			break; /* the client has gone */
		}
		msg += n;
		len -= (size_t)n;
	}
	(void)close(c);
}

int
main(int argc, char *argv[])
{
	const char *dir = NULL;
	struct pollfd *pfd;
	struct sigaction sa;
	char msg[32], **names = NULL;
	int c, i, n, notify = 0;

	while ((c = getopt(argc, argv, "Nr:")) != -1) {
		if (c == 'N') {
			notify = 1; /* READY=1 through sd_notify(3) */
			continue;
		}
		if (c != 'r') {
			fprintf(stderr, "usage: sd-echo [-N] [-r dir]\n");
			return FAILED;
		}
		dir = optarg;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term; /* no SA_RESTART: accept() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN; /* a client that leaves early */
	sigaction(SIGPIPE, &sa, NULL);

	n = sd_listen_fds_with_names(1, &names);
	if (dir != NULL)
		write_report(dir, n, names);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (n <= 0) {
		fprintf(stderr, "sd-echo: no sockets passed (%s)\n",
		    n == 0 ? "LISTEN_FDS unset or not for us" : strerror(-n));
		return 3;
	}
	nlisten = n;

	/* Serve every listening stream socket until SIGTERM. */
	if ((pfd = calloc((size_t)n, sizeof(*pfd))) == NULL)
		die("calloc");
	for (i = 0; i < n; i++) {
		pfd[i].events = POLLIN;
		pfd[i].fd = sd_is_socket(SD_LISTEN_FDS_START + i, AF_UNSPEC,
				SOCK_STREAM, 1) > 0 ?
		    SD_LISTEN_FDS_START + i :
		    -1; /* poll(2) skips it */
	}
	if (notify && sd_notify(0, "READY=1") <= 0)
		die("sd_notify READY=1");
	snprintf(msg, sizeof(msg), "sd pid=%ld\n", (long)getpid());
	while (!stop) {
		if (poll(pfd, (nfds_t)n, -1) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (i = 0; i < n && !stop; i++) {
			if (pfd[i].revents & POLLNVAL) {
				errno = EBADF;
				die("poll");
			}
			if (pfd[i].revents != 0)
				answer(pfd[i].fd, msg);
		}
	}
	free(pfd);
	return 0;
}
