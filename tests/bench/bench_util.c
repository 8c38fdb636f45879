/* SPDX-License-Identifier: ISC */
/* bench_util.c: hp-bench's helpers: start processes and read their output
 * as timed lines, probe a port, read /proc, compute percentiles. */

#define _XOPEN_SOURCE 700 /* strdup(3), readlinkat(2) */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define TRACK_MAX 64

/* Processes to stop if hp-bench dies or is interrupted. */
static volatile pid_t tracked[TRACK_MAX];

int64_t
now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
sleep_us(int64_t us)
{
	struct timespec ts;

	if (us <= 0)
		return;
	ts.tv_sec = (time_t)(us / 1000000);
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Sends SIGTERM to every tracked process, waits up to 2 s for them to
 * exit, then sends SIGKILL to those left: a supervisor that cannot stop
 * must not outlive the benchmark. Async-signal-safe. */
static void
track_kill(void)
{
	struct timespec ts = {0, 10000000}; /* 10 ms */
	size_t i;
	int tries, left;

	for (i = 0; i < TRACK_MAX; i++)
		if (tracked[i] > 1)
			(void)kill(tracked[i], SIGTERM);
	for (tries = 0; tries < 200; tries++) {
		for (left = 0, i = 0; i < TRACK_MAX; i++)
			if (tracked[i] > 1 &&
			    waitpid(tracked[i], NULL, WNOHANG) == 0)
				left++;
		if (left == 0)
			return;
		(void)nanosleep(&ts, NULL);
	}
	for (i = 0; i < TRACK_MAX; i++)
		if (tracked[i] > 1)
			(void)kill(tracked[i], SIGKILL);
}

void
track(pid_t pid, int add)
{
	size_t i;

	for (i = 0; i < TRACK_MAX; i++)
		if (add ? tracked[i] == 0 : tracked[i] == pid) {
			tracked[i] = add ? pid : 0;
			return;
		}
}

static void
on_signal(int signo)
{
	(void)signo;
	track_kill();
	_exit(1);
}

void
track_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
}

void
die(int err, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	(void)fprintf(stderr, "hp-bench: ");
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		(void)fprintf(stderr, ": %s", strerror(e));
	(void)fputc('\n', stderr);
	track_kill();
	exit(1);
}

void
av_add(struct av *a, const char *fmt, ...)
{
	va_list ap;
	char **v;
	int n;

	if (a->n + 2 > a->cap) {
		a->cap = a->cap > 0 ? a->cap * 2 : 32;
		if ((v = realloc(a->v, a->cap * sizeof(*v))) == NULL)
			die(1, "realloc");
		a->v = v;
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (a->v[a->n] = malloc((size_t)n + 1)) == NULL)
		die(1, "malloc");
	va_start(ap, fmt);
	(void)vsnprintf(a->v[a->n], (size_t)n + 1, fmt, ap);
	va_end(ap);
	a->v[++a->n] = NULL;
}

void
av_free(struct av *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

int
bp_spawn(struct bproc *p, char *const argv[], int out)
{
	int pfd[2], devnull, e;
	pid_t pid;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (pipe(pfd) == -1)
		return -1;
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		goto fail;
	if ((pid = fork()) == -1) {
		(void)close(devnull);
		goto fail;
	}
	if (pid == 0) {
		(void)dup2(devnull, STDIN_FILENO);
		(void)dup2(out ? pfd[1] : devnull, STDOUT_FILENO);
		(void)dup2(pfd[1], STDERR_FILENO);
		if (pfd[0] > STDERR_FILENO)
			(void)close(pfd[0]);
		if (pfd[1] > STDERR_FILENO)
			(void)close(pfd[1]);
		execv(argv[0], argv);
		(void)dprintf(
		    STDERR_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	(void)close(devnull);
	(void)close(pfd[1]);
	(void)fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(pfd[0], F_SETFL, fcntl(pfd[0], F_GETFL) | O_NONBLOCK);
	p->fd = pfd[0];
	p->pid = pid;
	track(pid, 1);
	return 0;
fail:
	e = errno;
	(void)close(pfd[0]);
	(void)close(pfd[1]);
	errno = e;
	return -1;
}

/* Appends the line s (n bytes, not terminated) that arrived at us. */
static void
bp_line(struct bproc *p, const char *s, size_t n, int64_t us)
{
	struct line *l;

	if (p->nlines == p->cap) {
		p->cap = p->cap > 0 ? p->cap * 2 : 256;
		if ((l = realloc(p->lines, p->cap * sizeof(*l))) == NULL)
			die(1, "realloc");
		p->lines = l;
	}
	l = &p->lines[p->nlines];
	if ((l->text = malloc(n + 1)) == NULL)
		die(1, "malloc");
	memcpy(l->text, s, n);
	l->text[n] = '\0';
	l->us = us;
	p->nlines++;
}

/* Reads what is there without waiting; returns -1 at end of file. A line
 * longer than the buffer is cut into several. */
static int
bp_read(struct bproc *p)
{
	char buf[8192];
	ssize_t r, i;
	int64_t us;

	while (p->fd != -1) {
		if ((r = read(p->fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			r = 0;
		}
		if (r == 0) {
			if (p->plen > 0)
				bp_line(p, p->part, p->plen, now_us());
			p->plen = 0;
			(void)close(p->fd);
			p->fd = -1;
			break;
		}
		us = now_us();
		for (i = 0; i < r; i++) {
			if (buf[i] != '\n' && p->plen < sizeof(p->part)) {
				p->part[p->plen++] = buf[i];
				continue;
			}
			bp_line(p, p->part, p->plen, us);
			p->plen = 0;
			if (buf[i] != '\n')
				p->part[p->plen++] = buf[i];
		}
	}
	return -1;
}

int
bp_pump(struct bproc *p, int64_t deadline)
{
	struct pollfd pf;
	int64_t left;

	for (;;) {
		if (bp_read(p) == -1)
			return -1;
		if ((left = deadline - now_us()) <= 0)
			return 0;
		pf.fd = p->fd;
		pf.events = POLLIN;
		(void)poll(&pf, 1, (int)((left + 999) / 1000));
	}
}

size_t
bp_count(const struct bproc *p, const char *needle)
{
	size_t i, n = 0;

	for (i = 0; i < p->nlines; i++)
		if (strstr(p->lines[i].text, needle) != NULL)
			n++;
	return n;
}

long
bp_wait(struct bproc *p, const char *needle, size_t nth, int64_t deadline)
{
	size_t i = 0, n = 0;
	int end;

	for (;;) {
		end = bp_read(p) == -1;
		for (; i < p->nlines; i++)
			if (strstr(p->lines[i].text, needle) != NULL &&
			    ++n == nth)
				return (long)i;
		if (end || now_us() >= deadline)
			return -1;
		(void)bp_pump(
		    p, now_us() + 1000 < deadline ? now_us() + 1000 : deadline);
	}
}

int
bp_port(const struct bproc *p, const char *name)
{
	char pre[300];
	const char *s, *colon;
	size_t i, len;

	(void)snprintf(pre, sizeof(pre), "holdports: %s listening on ", name);
	len = strlen(pre);
	for (i = p->nlines; i-- > 0;) {
		s = p->lines[i].text;
		if (strncmp(s, pre, len) == 0 &&
		    (colon = strrchr(s + len, ':')) != NULL)
			return atoi(colon + 1);
	}
	return -1;
}

int
bp_stop(struct bproc *p, int sig)
{
	int64_t deadline = now_us() + 10000000;
	pid_t r;

	if (p->pid == 0)
		return p->status;
	(void)kill(p->pid, sig);
	for (;;) {
		if ((r = waitpid(p->pid, &p->status, WNOHANG)) == p->pid)
			break;
		if (r == -1 && errno != EINTR) {
			p->status = -1;
			break;
		}
		if (now_us() >= deadline) {
			(void)kill(p->pid, SIGKILL);
			(void)waitpid(p->pid, &p->status, 0);
			break;
		}
		if (bp_pump(p, now_us() + 2000) == -1)
			sleep_us(1000);
	}
	(void)bp_read(p);
	track(p->pid, 0);
	p->pid = 0;
	return p->status;
}

int
bp_up(struct bproc *p, struct av *a, const char *sock, int *port, long *cpid)
{
	const char *s;
	long i;

	if (bp_spawn(p, a->v, 0) == -1)
		die(1, "start %s", a->v[0]);
	if ((i = bp_wait(p, "started pid ", 1, now_us() + 30000000)) == -1) {
		(void)fprintf(
		    stderr, "hp-bench: %s: no child started\n", a->v[0]);
		goto fail;
	}
	s = strstr(p->lines[i].text, "started pid ");
	*cpid = strtol(s + 12, NULL, 10);
	if (sock != NULL && (*port = bp_port(p, sock)) <= 0) {
		(void)fprintf(stderr, "hp-bench: no port for %s\n", sock);
		goto fail;
	}
	if (probe_until(*port, 0, now_us() + 10000000, p, NULL) == -1) {
		(void)fprintf(stderr, "hp-bench: port %d: no answer\n", *port);
		goto fail;
	}
	return 0;
fail:
	bp_dump(p, 20);
	return -1;
}

void
bp_dump(const struct bproc *p, size_t n)
{
	size_t i = p->nlines > n ? p->nlines - n : 0;

	for (; i < p->nlines; i++)
		(void)fprintf(stderr, "  | %s\n", p->lines[i].text);
}

void
bp_free(struct bproc *p)
{
	size_t i;

	if (p->fd != -1)
		(void)close(p->fd);
	for (i = 0; i < p->nlines; i++)
		free(p->lines[i].text);
	free(p->lines);
	p->lines = NULL;
	p->nlines = p->cap = 0;
	p->fd = -1;
}

/* Waits for events on fd until deadline (µs): 1 ready, 0 time-out. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pf = {.fd = fd, .events = events};
	int64_t left;
	int r;

	while ((left = deadline - now_us()) > 0)
		if ((r = poll(&pf, 1, (int)((left + 999) / 1000))) != -1 ||
		    errno != EINTR)
			return r < 0 ? 0 : r;
	return 0;
}

enum probe_out
probe(int port, int timeout_ms, long *pid)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	static const struct linger rst = {.l_onoff = 1, .l_linger = 0};
	struct sockaddr_in sin;
	int64_t deadline = now_us() + (int64_t)timeout_ms * 1000;
	char buf[512], *b;
	size_t len = 0;
	socklen_t elen = sizeof(int);
	ssize_t n;
	int fd, err = 0;

	*pid = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return PR_OTHER;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		if (errno != EINPROGRESS)
			err = errno;
		else if (!wait_fd(fd, POLLOUT, deadline))
			err = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) ==
		    -1)
			err = errno;
	}
	if (err == 0 && write(fd, req, sizeof(req) - 1) != sizeof(req) - 1)
		err = EPIPE;
	while (err == 0) {
		if (!wait_fd(fd, POLLIN, deadline)) {
			err = ETIMEDOUT;
			break;
		}
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) == 0)
			break;
		if (n == -1 && errno != EINTR && errno != EAGAIN)
			err = errno;
		else if (n > 0 && (len += (size_t)n) == sizeof(buf) - 1)
			break;
	}
	buf[len] = '\0';
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	(void)close(fd);
	if (err == ECONNREFUSED)
		return PR_REFUSED;
	if (err == ECONNRESET || err == EPIPE || (err == 0 && len == 0))
		return PR_RESET;
	if (err == ETIMEDOUT)
		return PR_TIMEOUT;
	if (err != 0 || (b = strstr(buf, "\r\n\r\npid=")) == NULL)
		return PR_OTHER;
	*pid = strtol(b + 8, NULL, 10);
	return PR_OK;
}

long
probe_until(
    int port, long not, int64_t deadline, struct bproc *p, int64_t *when)
{
	long pid;
	int left;

	while (now_us() < deadline) {
		left = (int)((deadline - now_us()) / 1000) + 1;
		if (probe(port, left, &pid) == PR_OK && pid != not ) {
			if (when != NULL)
				*when = now_us();
			return pid;
		}
		if (p != NULL)
			(void)bp_read(p);
		sleep_us(100); /* refused or the old child: try again soon */
	}
	return -1;
}

long
proc_value(pid_t pid, const char *key, int rollup)
{
	char path[64], line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f;

	(void)snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid,
	    rollup ? "smaps_rollup" : "status");
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, len) == 0 && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	(void)fclose(f);
	return v;
}

long
proc_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	ssize_t n;
	int fd;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* After the command's ')': state ppid pgrp session tty_nr tpgid
	 * flags minflt cminflt majflt cmajflt utime stime (proc(5)). */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		&ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

long
proc_inotify(pid_t pid)
{
	char dir[64], path[320], target[64], line[512];
	struct dirent *e;
	long n = -1;
	ssize_t len;
	DIR *d;
	FILE *f;

	(void)snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		len =
		    readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, "anon_inode:inotify") != 0)
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%s",
		    (long)pid, e->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (n < 0)
			n = 0;
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "inotify wd:", 11) == 0)
				n++;
		(void)fclose(f);
	}
	(void)closedir(d);
	return n;
}

long
proc_nfds(pid_t pid)
{
	char dir[64];
	struct dirent *e;
	long n = 0;
	DIR *d;

	(void)snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	(void)closedir(d);
	return n - 1; /* opendir's own */
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
pct(double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp_double);
	if (p == 50 && n % 2 == 0)
		return (v[n / 2 - 1] + v[n / 2]) / 2;
	k = (size_t)((p * (double)n + 99.999999) / 100); /* ceil(p n/100) */
	return v[k > 0 ? k - 1 : 0];
}

int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, port = -1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	(void)close(fd);
	return port;
}

int
write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd, e;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* Directory i > 0 is "d<i>" inside directory (i - 1) / 10; 0 is root. */
void
tree_path(char *buf, size_t len, const char *root, long i)
{
	long chain[64];
	size_t n = 0, off;
	int w;

	for (; i > 0 && n < 64; i = (i - 1) / 10)
		chain[n++] = i;
	w = snprintf(buf, len, "%s", root);
	off = w < 0 ? 0 : (size_t)w;
	while (n > 0 && off < len) {
		w = snprintf(buf + off, len - off, "/d%ld", chain[--n]);
		off += w < 0 ? 0 : (size_t)w;
	}
}
