/* SPDX-License-Identifier: ISC */
/* hp-load.c: opens connections back to back (or at a given rate) and
 * counts every one that is not answered, to prove that a restart refuses
 * no connection; it also tells the latency percentiles and how late an
 * older child still answered after a newer one had. */

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

#define TIMEOUT_MS 5000 /* for the connect, then for the reply */
#define LOGGED_MAX 10 /* failures also told on stderr */
#define PIDS_MAX 4096 /* distinct pids counted */

enum outcome {
	OUT_OK,
	OUT_REFUSED,
	OUT_RESET,
	OUT_TIMEOUT,
	OUT_OTHER
};
static const char *const outcome_name[] = {
    "ok", "refused", "reset", "timeout", "other"};

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
	    "usage: hp-load -p port [-h host] [-n count] [-o logfile] "
	    "[-R per_second] [-r request] [-s stopfile] [-t seconds]\n");
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

static enum outcome
outcome_of(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return OUT_REFUSED;
	case ECONNRESET:
		return OUT_RESET;
	case ETIMEDOUT:
		return OUT_TIMEOUT;
	default:
		return OUT_OTHER;
	}
}

/* Waits until fd is ready for events or the deadline passes. Returns 1
 * when ready, 0 on time-out, -1 with errno on error. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	int64_t left;
	int r;

	while ((left = deadline - now_ms()) > 0) {
		if ((r = poll(&p, 1, (int)left)) != -1 || errno != EINTR)
			return r;
	}
	return 0;
}

/* Makes one connection to sa, sends req (if not NULL) and reads the reply
 * to its end into buf (NUL-terminated). Returns OUT_OK, or the failure and
 * in *err the errno that explains it (or 0). */
static enum outcome
exchange(const struct sockaddr *sa, socklen_t salen, const char *req, char *buf,
    size_t size, int *err)
{
	static const struct linger rst = {.l_onoff = 1, .l_linger = 0};
	enum outcome out = OUT_OK;
	size_t len = 0, sent = 0, reqlen = req != NULL ? strlen(req) : 0;
	socklen_t elen = sizeof(*err);
	int64_t deadline = now_ms() + TIMEOUT_MS;
	ssize_t n;
	int fd;

	*err = 0;
	buf[0] = '\0';
	if ((fd = socket(sa->sa_family, SOCK_STREAM, 0)) == -1) {
		*err = errno;
		return OUT_OTHER;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, sa, salen) == -1) {
		if (errno != EINPROGRESS && errno != EINTR)
			*err = errno;
		else if ((n = wait_fd(fd, POLLOUT, deadline)) <= 0)
			*err = n == 0 ? ETIMEDOUT : errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &elen) == -1)
			*err = errno;
	}
	while (*err == 0 && sent < reqlen) {
		if ((n = write(fd, req + sent, reqlen - sent)) >= 0)
			sent += (size_t)n;
		else if (errno == EAGAIN &&
		    (n = wait_fd(fd, POLLOUT, deadline)) <= 0)
			*err = n == 0 ? ETIMEDOUT : errno;
		else if (errno != EAGAIN && errno != EINTR)
			*err = errno;
	}
	deadline = now_ms() + TIMEOUT_MS; /* a fresh 5 s for the reply */
	while (*err == 0) {
		if ((n = wait_fd(fd, POLLIN, deadline)) <= 0) {
			*err = n == 0 ? ETIMEDOUT : errno;
			break;
		}
		if ((n = read(fd, buf + len, size - 1 - len)) == 0)
			break;
		if (n == -1 && errno != EINTR && errno != EAGAIN)
			*err = errno;
		else if (n > 0 && (len += (size_t)n) == size - 1)
			*err = EMSGSIZE;
	}
	buf[len] = '\0';
	if (*err != 0)
		out = outcome_of(*err);
	else if (len == 0)
		out = OUT_RESET; /* closed without a word */
	/* Close with a reset: the server closed first, so an orderly close
	 * would leave a TIME_WAIT behind for each of thousands of connections
	 * a second, and ports would run out on a long run. */
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	(void)close(fd);
	return out;
}

/* Checks a reply: "pid=N" or "sd pid=N" and a newline; or, when http is
 * set, an HTTP 2xx response, whose body is moved to the start of buf and
 * may be such a line or a bare pid (the demo's /pid). Returns OUT_OK or
 * OUT_OTHER, and stores the pid or 0 in *pid. */
static enum outcome
check_reply(char *buf, int http, long *pid)
{
	char *p = buf, *end;

	*pid = 0;
	if (http) {
		if (strncmp(p, "HTTP/1.", 7) != 0 || p[7] == '\0' ||
		    p[8] != ' ' || p[9] != '2' ||
		    (p = strstr(p, "\r\n\r\n")) == NULL)
			return OUT_OTHER;
		memmove(buf, p + 4, strlen(p + 4) + 1);
		p = buf;
	}
	if (strncmp(p, "sd ", 3) == 0)
		p += 3;
	if (strncmp(p, "pid=", 4) == 0)
		p += 4;
	else if (!http)
		return OUT_OTHER;
	*pid = strtol(p, &end, 10);
	if (end == p || *pid <= 0 || strcmp(end, "\n") != 0) {
		*pid = 0;
		return http ? OUT_OK : OUT_OTHER;
	}
	return OUT_OK;
}

/* Turns the escapes \r, \n, \t and \\ of s into the characters, in place;
 * a backslash before anything else stands for that character. */
static void
unescape(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++, d++) {
		if (*s != '\\' || s[1] == '\0') {
			*d = *s;
			continue;
		}
		switch (*++s) {
		case 'r':
			*d = '\r';
			break;
		case 'n':
			*d = '\n';
			break;
		case 't':
			*d = '\t';
			break;
		default:
			*d = *s;
		}
	}
	*d = '\0';
}

/* Returns the index of pid in seen[0..n-1], the order in which the
 * pids first answered; else adds it (if there is room), with when its
 * first reply came in first[], and returns its index (or max when full). */
static size_t
seen_index(
    long *seen, int64_t *first, size_t *n, size_t max, long pid, int64_t when)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (seen[i] == pid)
			return i;
	if (*n == max)
		return max;
	first[*n] = when;
	seen[(*n)++] = pid;
	return *n - 1;
}

static int
cmp_us(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile (nearest rank) of the n latencies v (µs), in ms;
 * sorts v. 0 for none. */
static double
percentile(int32_t *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_us);
	k = (size_t)(p / 100 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return (double)v[k - 1] / 1000;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main(int argc, char *argv[])
{
	const char *host = "127.0.0.1", *stopfile = NULL, *logfile = NULL;
	char *req = NULL, reply[16384];
	long port = -1, seconds = 120, count = 0, made, pid = 0, last = 0;
	long counts[OUT_OTHER + 1] = {0}, seen[PIDS_MAX], maxms = 0;
	long rate = 0, late = 0, latems = 0;
	int64_t first[PIDS_MAX], t0us, next_us = 0;
	int32_t *lat = NULL, *nl;
	size_t nseen = 0, nlat = 0, caplat = 0, idx, newest = 0;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t salen;
	enum outcome out;
	int64_t start, t0, ms;
	const char *why;
	FILE *log = NULL;
	int c, err;

	while ((c = getopt(argc, argv, "h:n:o:p:R:r:s:t:")) != -1) {
		switch (c) {
		case 'h':
			host = optarg;
			break;
		case 'n':
			count = number(optarg, 1, 1000000000);
			break;
		case 'o':
			logfile = optarg;
			break;
		case 'p':
			port = number(optarg, 1, 65535);
			break;
		case 'R':
			rate = number(optarg, 1, 1000000);
			break;
		case 'r':
			unescape(req = optarg);
			break;
		case 's':
			stopfile = optarg;
			break;
		case 't':
			seconds = number(optarg, 1, 86400);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || port == -1)
		usage();
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((in_port_t)port);
		salen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((in_port_t)port);
		salen = sizeof(*sin6);
	} else {
		fprintf(stderr, "hp-load: %s: not a numeric address\n", host);
		return 2;
	}
	if (logfile != NULL && (log = fopen(logfile, "a")) == NULL) {
		fprintf(stderr, "hp-load: %s: %s\n", logfile, strerror(errno));
		return 2;
	}

	start = now_ms();
	for (made = 0; count == 0 || made < count; made++) {
		if (now_ms() - start >= seconds * 1000 ||
		    (stopfile != NULL && access(stopfile, F_OK) == 0))
			break;
		/* -R: connections on a fixed schedule, each timed from when
		 * it was due, not from when it could start: one that waits
		 * behind a stalled one counts the stall too (no coordinated
		 * omission). */
		t0us = now_us();
		if (rate > 0) {
			if (next_us == 0)
				next_us = t0us;
			else if (next_us > t0us)
				(void)nanosleep(
				    &(struct timespec){
					(next_us - t0us) / 1000000,
					((next_us - t0us) % 1000000) * 1000},
				    NULL);
			t0us = next_us;
			next_us += 1000000 / rate;
		}
		t0 = now_ms();
		out = exchange((struct sockaddr *)&ss, salen, req, reply,
		    sizeof(reply), &err);
		if (out == OUT_OK)
			out = check_reply(reply, req != NULL, &pid);
		ms = now_ms() - t0;
		counts[out]++;
		if (out == OUT_OK) {
			if (ms > maxms)
				maxms = (long)ms;
			if (nlat == caplat) {
				caplat = caplat ? 2 * caplat : 4096;
				if ((nl = realloc(
					 lat, caplat * sizeof(*lat))) == NULL) {
					fprintf(
					    stderr, "hp-load: out of memory\n");
					return 2;
				}
				lat = nl;
			}
			lat[nlat++] = (int32_t)(now_us() - t0us);
			if (req != NULL) /* -r: the body is the output */
				fputs(reply, stdout);
			if (pid == 0)
				continue;
			idx = seen_index(seen, first, &nseen, PIDS_MAX, pid,
			    now_ms() - start);
			/* An older child answered after a newer one had:
			 * how long after. */
			if (idx < PIDS_MAX && idx > newest)
				newest = idx;
			else if (idx < newest) {
				late++;
				if (now_ms() - start - first[newest] > latems)
					latems = (long)(now_ms() - start -
					    first[newest]);
			}
			if (pid != last && log != NULL) {
				fprintf(log, "PIDCHANGE %lld %ld\n",
				    (long long)(now_ms() - start), pid);
				fflush(log);
			}
			last = pid;
			continue;
		}
		if (err != 0)
			why = strerror(err);
		else if (reply[0] == '\0')
			why = "closed without a reply";
		else
			why = reply;
		reply[strcspn(reply, "\r\n")] = '\0'; /* its first line */
		if (log != NULL) {
			fprintf(log, "FAIL %lld %s %.200s\n",
			    (long long)(now_ms() - start), outcome_name[out],
			    why);
			fflush(log);
		}
		if (made + 1 - counts[OUT_OK] <= LOGGED_MAX)
			fprintf(stderr, "hp-load: connection %ld: %s: %.200s\n",
			    made + 1, outcome_name[out], why);
		/* Do not spin on a server that is down; each failure counts. */
		(void)nanosleep(&(struct timespec){0, 10000000}, NULL);
	}
	if (log != NULL)
		fclose(log);
	printf("ok=%ld refused=%ld reset=%ld timeout=%ld other=%ld pids=%ld "
	       "maxms=%ld p50ms=%.2f p95ms=%.2f p99ms=%.2f late=%ld "
	       "latems=%ld\n",
	    counts[OUT_OK], counts[OUT_REFUSED], counts[OUT_RESET],
	    counts[OUT_TIMEOUT], counts[OUT_OTHER], (long)nseen, maxms,
	    percentile(lat, nlat, 50), percentile(lat, nlat, 95),
	    percentile(lat, nlat, 99), late, latems);
	free(lat);
	return made == counts[OUT_OK] ? 0 : 1;
}
