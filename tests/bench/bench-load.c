/* SPDX-License-Identifier: ISC */
/* bench-load.c: the benchmarks' load client; opens new connections to
 * 127.0.0.1 back to back until told to stop, and counts each failure by
 * kind and the slowest successful response. */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PIDS_MAX 4096 /* distinct child pids remembered */
#define FAIL_PAUSE_NS 1000000 /* 1 ms after a failure: do not spin */

enum outcome {
	OUT_OK,
	OUT_REFUSED,
	OUT_RESET,
	OUT_TIMEOUT,
	OUT_OTHER,
	OUT_STOPPED /* interrupted by our own stop: not counted */
};

static volatile sig_atomic_t stop;

static void
on_stop(int signo)
{
	(void)signo;
	stop = 1;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static _Noreturn void
usage(void)
{
	(void)fprintf(
	    stderr, "usage: bench-load -p port [-t seconds] [-T timeout_ms]\n");
	exit(2);
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		usage();
	return n;
}

/* Waits for events on fd until deadline (µs). Returns 1 when ready, 0 on
 * time-out, -1 when stopped or on error. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	int64_t left;
	int r;

	while ((left = deadline - now_us()) > 0) {
		r = poll(&p, 1, (int)((left + 999) / 1000));
		if (r >= 0)
			return r;
		if (errno != EINTR || stop)
			return -1;
	}
	return 0;
}

static enum outcome
outcome_of(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return OUT_REFUSED;
	case ECONNRESET:
	case EPIPE:
		return OUT_RESET;
	case ETIMEDOUT:
		return OUT_TIMEOUT;
	default:
		return OUT_OTHER;
	}
}

/*
 * One exchange: connect, send an HTTP/1.0 request, read the response to
 * its end. A server that closes without a word counts as a reset. Returns
 * the outcome; on OUT_OK stores the pid the body names in *pid.
 */
static enum outcome
exchange(const struct sockaddr_in *sin, long timeout_ms, long *pid)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	static const struct linger rst = {.l_onoff = 1, .l_linger = 0};
	char buf[1024], *p;
	int64_t deadline = now_us() + timeout_ms * 1000;
	size_t len = 0;
	socklen_t elen;
	ssize_t n;
	int fd, err = 0, r;

	*pid = 0;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return OUT_OTHER;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1) {
		if (errno != EINPROGRESS && errno != EINTR) {
			err = errno;
		} else if ((r = wait_fd(fd, POLLOUT, deadline)) <= 0) {
			err = r == 0 ? ETIMEDOUT : EINTR;
		} else {
			elen = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) ==
			    -1)
				err = errno;
		}
	}
	errno = 0;
	if (err == 0 && write(fd, req, sizeof(req) - 1) != sizeof(req) - 1)
		err = errno != 0 ? errno : EPIPE;
	while (err == 0) {
		if ((r = wait_fd(fd, POLLIN, deadline)) <= 0) {
			err = r == 0 ? ETIMEDOUT : EINTR;
			break;
		}
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) == 0)
			break;
		if (n == -1 && errno != EINTR && errno != EAGAIN)
			err = errno;
		else if (n > 0 && (len += (size_t)n) == sizeof(buf) - 1)
			err = EMSGSIZE;
	}
	buf[len] = '\0';
	/* Close with a reset: the server closed first, and the reset clears
	 * its TIME_WAIT entry, so that thousands of connections a second do
	 * not run out of ports. */
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	(void)close(fd);
	if (err == EINTR && stop)
		return OUT_STOPPED;
	if (err != 0)
		return outcome_of(err);
	if (len == 0)
		return OUT_RESET;
	if (strncmp(buf, "HTTP/1.1 200 ", 13) != 0 ||
	    (p = strstr(buf, "\r\n\r\npid=")) == NULL)
		return OUT_OTHER;
	*pid = strtol(p + 8, NULL, 10);
	return OUT_OK;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	struct sigaction sa;
	long port = -1, seconds = 60, timeout_ms = 5000, pid;
	long counts[OUT_STOPPED + 1] = {0}, seen[PIDS_MAX], made = 0;
	size_t nseen = 0, i;
	int64_t start, t0, us, maxus = 0;
	enum outcome out;
	int ch;

	while ((ch = getopt(argc, argv, "p:t:T:")) != -1) {
		switch (ch) {
		case 'p':
			port = number(optarg, 1, 65535);
			break;
		case 't':
			seconds = number(optarg, 1, 3600);
			break;
		case 'T':
			timeout_ms = number(optarg, 1, 60000);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || port == -1)
		usage();
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop; /* no SA_RESTART: poll(2) returns */
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	start = now_us();
	while (!stop && now_us() - start < (int64_t)seconds * 1000000) {
		t0 = now_us();
		if ((out = exchange(&sin, timeout_ms, &pid)) == OUT_STOPPED)
			break;
		us = now_us() - t0;
		made++;
		counts[out]++;
		if (out != OUT_OK) {
			(void)nanosleep(
			    &(struct timespec){0, FAIL_PAUSE_NS}, NULL);
			continue;
		}
		if (us > maxus)
			maxus = us;
		for (i = 0; i < nseen && seen[i] != pid; i++)
			;
		if (i == nseen && nseen < PIDS_MAX)
			seen[nseen++] = pid;
	}
	(void)printf("made=%ld ok=%ld refused=%ld reset=%ld timeout=%ld "
		     "other=%ld stall_ms=%.2f pids=%zu\n",
	    made, counts[OUT_OK], counts[OUT_REFUSED], counts[OUT_RESET],
	    counts[OUT_TIMEOUT], counts[OUT_OTHER], (double)maxus / 1000,
	    nseen);
	return 0;
}
