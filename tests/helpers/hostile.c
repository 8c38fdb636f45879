/* SPDX-License-Identifier: ISC */
/* hostile.c: a test child that misbehaves as asked, to show that the
 * supervisor stays responsive and leaves nothing behind (issue 7). */

/*
 * usage: hostile [-N] [-r dir] [-b bytes] [-f modefile | -m mode]
 *
 * The mode is -m MODE, or the first word of modefile read at start (so
 * that a test can make the next child behave by rewriting the file):
 *
 *   echo           answer each connection on fd 3 with "pid=N\n"; an
 *                  accept(2) failing with EMFILE or ENFILE is retried after
 *                  10 ms, as a careful server does
 *   ignore-term    ignore SIGTERM, then echo
 *   close3         close fd 3 (the listening socket), then sleep
 *   nonblock-exit  set O_NONBLOCK on fd 3 (shared with the supervisor's
 *                  copy) and exit 0
 *   stdout         write -b bytes (default 100 MiB) to stdout, then echo
 *   fork50         fork 50 grandchildren that ignore SIGTERM and sleep,
 *                  each holding fd 3, then exit 0
 *   notify-flood   send READY=1, then 10 000 malformed datagrams a second
 *                  (with a STATUS= every 1000th) to NOTIFY_SOCKET, and echo
 *
 * -N sends READY=1 (sd_notify(3)) once set up, in every mode that serves.
 * -r DIR writes DIR/PID.report (pid=, pgid=, mode=, nonblock=: O_NONBLOCK
 * of fd 3 as found at start), and for fork50 one line per grandchild,
 * gc=PID, before it exits; notify-flood keeps DIR/PID.sent up to date
 * with the number of datagrams sent.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "holdports.h"

#define FAILED 125 /* exit status when hostile itself fails */
#define GRANDCHILDREN 50
#define FLOOD_RATE 10000 /* datagrams a second */
#define CHUNK 65536

static void
die(const char *what)
{
	fprintf(stderr, "hostile: %s: %s\n", what, strerror(errno));
	exit(FAILED);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, ms % 1000 * 1000000};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Writes text to dir/name through a temporary and rename(2). */
static void
put_file(const char *dir, const char *name, const char *text)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	size_t off = 0, len = strlen(text);
	ssize_t n;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	snprintf(final, sizeof(final), "%s/%s", dir, name);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) ==
	    -1)
		die(tmp);
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			die(tmp);
		}
		off += (size_t)n;
	}
	if (close(fd) == -1 || rename(tmp, final) == -1)
		die(final);
}

/* Returns the mode: -m, else the first word of the file, else "echo". */
static void
read_mode(const char *file, char *mode, size_t len)
{
	FILE *f;

	snprintf(mode, len, "echo");
	if (file == NULL || (f = fopen(file, "re")) == NULL)
		return;
	if (fscanf(f, "%63s", mode) != 1)
		snprintf(mode, len, "echo");
	fclose(f);
}

/* Accepts one connection on fd and answers it with msg. EMFILE and
 * ENFILE (out of descriptors) are waited out, not fatal. */
static void
answer(int fd, const char *msg)
{
	int c;

	if ((c = accept(fd, NULL, NULL)) == -1) {
		if (errno == EMFILE || errno == ENFILE)
			sleep_ms(10);
		else if (errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != ECONNABORTED)
			die("accept");
		return;
	}
	(void)!write(c, msg, strlen(msg));
	(void)close(c);
}

/* Opens a datagram socket connected to NOTIFY_SOCKET ('@': abstract). */
static int
notify_connect(void)
{
	const char *addr = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	if (addr == NULL || strlen(addr) >= sizeof(sun.sun_path)) {
		errno = EINVAL;
		die("NOTIFY_SOCKET");
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, addr, strlen(addr));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(addr) + (addr[0] == '/'));
	if (addr[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, len) == -1)
		die("notify socket");
	return fd;
}

/* Serves fd 3 until killed; with flood, also sends FLOOD_RATE datagrams a
 * second to NOTIFY_SOCKET, counted in dir/PID.sent. */
static void
serve(int flood, const char *dir)
{
	struct pollfd p = {.fd = HP_LISTEN_FDS_START, .events = POLLIN};
	char msg[32], line[64], name[64];
	unsigned long sent = 0, due;
	int64_t start = now_ms(), told = start;
	int nfd = flood ? notify_connect() : -1;

	snprintf(msg, sizeof(msg), "pid=%ld\n", (long)getpid());
	snprintf(name, sizeof(name), "%ld.sent", (long)getpid());
	for (;;) {
		if (flood) {
			due = (unsigned long)(now_ms() - start) * FLOOD_RATE /
			    1000;
			for (; sent < due; sent++) {
				if (sent % 1000 == 999) {
					snprintf(line, sizeof(line),
					    "STATUS=flood %lu", sent + 1);
					(void)send(nfd, line, strlen(line), 0);
				} else {
					(void)send(nfd, "garbage", 7, 0);
				}
			}
			if (dir != NULL && now_ms() - told >= 200) {
				snprintf(line, sizeof(line), "%lu\n", sent);
				put_file(dir, name, line);
				told = now_ms();
			}
		}
		if (poll(&p, 1, flood ? 1 : -1) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p.revents & POLLNVAL) {
			errno = EBADF;
			die("fd 3");
		}
		if (p.revents != 0)
			answer(HP_LISTEN_FDS_START, msg);
	}
}

int
main(int argc, char *argv[])
{
	const char *dir = NULL, *modefile = NULL, *m = NULL;
	char mode[64], report[4096], name[64], *buf;
	unsigned long long bytes = 100ULL * 1024 * 1024, off;
	struct sigaction sa = {.sa_handler = SIG_IGN};
	int c, notify = 0, fl, i;
	size_t len;
	ssize_t n;
	pid_t pid;

	while ((c = getopt(argc, argv, "b:f:m:Nr:")) != -1) {
		switch (c) {
		case 'b':
			bytes = strtoull(optarg, NULL, 10);
			break;
		case 'f':
			modefile = optarg;
			break;
		case 'm':
			m = optarg;
			break;
		case 'N':
			notify = 1;
			break;
		case 'r':
			dir = optarg;
			break;
		default:
			fprintf(stderr,
			    "usage: hostile [-N] [-r dir] "
			    "[-b bytes] [-f modefile | -m mode]\n");
			return FAILED;
		}
	}
	if (m != NULL)
		snprintf(mode, sizeof(mode), "%s", m);
	else
		read_mode(modefile, mode, sizeof(mode));
	fl = fcntl(HP_LISTEN_FDS_START, F_GETFL);
	len = (size_t)snprintf(report, sizeof(report),
	    "pid=%ld\npgid=%ld\nmode=%s\nnonblock=%d\n", (long)getpid(),
	    (long)getpgrp(), mode, fl != -1 && (fl & O_NONBLOCK) != 0);
	snprintf(name, sizeof(name), "%ld.report", (long)getpid());
	sigaction(SIGPIPE, &sa, NULL);

	if (strcmp(mode, "fork50") == 0) {
		sigaction(SIGTERM, &sa, NULL); /* inherited by each */
		for (i = 0; i < GRANDCHILDREN; i++) {
			if ((pid = fork()) == -1)
				die("fork");
			if (pid == 0)
				for (;;)
					pause();
			len += (size_t)snprintf(report + len,
			    sizeof(report) - len, "gc=%ld\n", (long)pid);
		}
		if (dir != NULL)
			put_file(dir, name, report);
		return 0;
	}
	if (dir != NULL)
		put_file(dir, name, report);
	if (strcmp(mode, "nonblock-exit") == 0) {
		if (fl == -1 ||
		    fcntl(HP_LISTEN_FDS_START, F_SETFL, fl | O_NONBLOCK) == -1)
			die("fcntl fd 3");
		return 0;
	}
	if (strcmp(mode, "close3") == 0) {
		if (close(HP_LISTEN_FDS_START) == -1)
			die("close fd 3");
		for (;;)
			pause();
	}
	if (strcmp(mode, "ignore-term") == 0)
		sigaction(SIGTERM, &sa, NULL);
	if (strcmp(mode, "stdout") == 0) {
		if ((buf = malloc(CHUNK)) == NULL)
			die("malloc");
		memset(buf, 'x', CHUNK);
		for (off = 0; off < bytes; off += (unsigned long long)n) {
			len =
			    bytes - off < CHUNK ? (size_t)(bytes - off) : CHUNK;
			if ((n = write(STDOUT_FILENO, buf, len)) == -1) {
				if (errno == EINTR) {
					n = 0;
					continue;
				}
				die("write stdout");
			}
		}
		free(buf);
	}
	if (notify && hp_notify(0, "READY=1") <= 0)
		die("hp_notify READY=1");
	serve(strcmp(mode, "notify-flood") == 0, dir);
	return 0;
}
