/* SPDX-License-Identifier: ISC */
/* hp-echo.c: the test child; reports what it inherited, then answers every
 * connection with its pid. */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "holdports.h"

#define FAILED 125 /* exit status when hp-echo itself fails */
#define FLAGS_MAX 256 /* descriptors 3.. whose flags are kept at start */
#define SIGNO_MAX 128 /* highest signal number probed */

extern char **environ;

/* A growing string for the report. */
struct buf {
	char *p;
	size_t len, cap;
};

static volatile sig_atomic_t stop;
static volatile sig_atomic_t nlisten; /* descriptors on_term() closes */

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fprintf(stderr, "hp-echo: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	exit(FAILED);
}

static void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends printf-style text to b, growing it; dies if memory runs out. */
static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (p == NULL)
			die("realloc");
		b->p = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* SIGTERM: exit 0 once the connection in hand (if any) is answered.
 * Closing our copies of the sockets makes a poll() or accept() we are just
 * about to enter return at once instead of blocking; the supervisor holds
 * its own copies, so the ports and their backlogs are not affected. */
static void
on_term(int signo)
{
	int saved = errno, i;

	(void)signo;
	stop = 1;
	for (i = 0; i < nlisten; i++)
		(void)close(HP_LISTEN_FDS_START + i);
	errno = saved;
}

static long
number(const char *s, long min, long max, int opt)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < min || n > max) {
		fprintf(stderr, "hp-echo: -%c %s: not a number in %ld..%ld\n",
		    opt, s, min, max);
		exit(FAILED);
	}
	return n;
}

static void
report_env(struct buf *r, const char *key, const char *var)
{
	const char *v = getenv(var);

	buf_printf(r, "%s=%s\n", key, v != NULL ? v : "unset");
}

/* Appends sigmask= (blocked) and sigign= (SIG_IGN) signal numbers. */
static void
report_signals(struct buf *r)
{
	struct buf blocked = {0}, ignored = {0};
	struct sigaction sa;
	sigset_t mask;
	int s;

	if (sigprocmask(SIG_BLOCK, NULL, &mask) == -1)
		die("sigprocmask");
	buf_printf(&blocked, "%s", "");
	buf_printf(&ignored, "%s", "");
	for (s = 1; s <= SIGNO_MAX; s++) {
		if (sigismember(&mask, s) == 1)
			buf_printf(&blocked, ",%d", s);
		if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			buf_printf(&ignored, ",%d", s);
	}
	buf_printf(r, "sigmask=%s\nsigign=%s\n", blocked.p + (blocked.len > 0),
	    ignored.p + (ignored.len > 0));
	free(blocked.p);
	free(ignored.p);
}

/* Appends fd.N=TARGET for every open descriptor but the directory handle
 * used to list them, and fds=N,N,... */
static void
report_fds(struct buf *r)
{
	struct buf list = {0};
	struct dirent *e;
	char target[PATH_MAX];
	ssize_t n;
	DIR *d;

	if ((d = opendir("/proc/self/fd")) == NULL &&
	    (d = opendir("/dev/fd")) == NULL)
		die("opendir /proc/self/fd and /dev/fd");
	buf_printf(&list, "%s", "");
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		n = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);
		if (n == -1)
			n = 0;
		target[n] = '\0';
		buf_printf(r, "fd.%s=%s\n", e->d_name, n > 0 ? target : "?");
		buf_printf(&list, ",%s", e->d_name);
	}
	closedir(d);
	buf_printf(r, "fds=%s\n", list.p + (list.len > 0));
	free(list.p);
}

/* Writes r to dir/<pid>.report through dir/.<pid>.tmp and rename(2), so a
 * reader sees the whole report or none of it. */
static void
write_report(const char *dir, const struct buf *r)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	size_t off = 0;
	ssize_t n;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.%ld.tmp", dir, (long)getpid());
	snprintf(final, sizeof(final), "%s/%ld.report", dir, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) ==
	    -1)
		die("%s", tmp);
	while (off < r->len) {
		if ((n = write(fd, r->p + off, r->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			die("%s", tmp);
		}
		off += (size_t)n;
	}
	if (close(fd) == -1 || rename(tmp, final) == -1)
		die("%s", final);
}

/* Answers one ready socket: accept and send the pid (stream), or reply to
 * one datagram. A connection already accepted is always answered. */
static void
answer(int fd, int type, const char *msg, size_t len)
{
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	char dgram[512];
	ssize_t n;
	int c;

	if (type == SOCK_DGRAM) {
		n = recvfrom(fd, dgram, sizeof(dgram), 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n >= 0)
			(void)sendto(
			    fd, msg, len, 0, (struct sockaddr *)&from, fromlen);
		return;
	}
	if ((c = accept(fd, NULL, NULL)) == -1) {
		if (stop || errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK || errno == ECONNABORTED)
			return;
		die("accept fd %d", fd);
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

/* Serves the n passed sockets (listening stream sockets and datagram
 * sockets; anything else is left alone) until SIGTERM. */
static void
serve(int n)
{
	struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
	int *type = calloc((size_t)n, sizeof(*type));
	char msg[32];
	socklen_t len;
	int i, on;

	if (pfd == NULL || type == NULL)
		die("calloc");
	snprintf(msg, sizeof(msg), "pid=%ld\n", (long)getpid());
	for (i = 0; i < n; i++) {
		len = sizeof(type[i]);
		pfd[i].fd = -1; /* poll(2) skips it */
		pfd[i].events = POLLIN;
		if (getsockopt(HP_LISTEN_FDS_START + i, SOL_SOCKET, SO_TYPE,
			&type[i], &len) == -1)
			continue;
		len = sizeof(on);
		if (type[i] == SOCK_DGRAM ||
		    (getsockopt(HP_LISTEN_FDS_START + i, SOL_SOCKET,
			 SO_ACCEPTCONN, &on, &len) == 0 &&
			on))
			pfd[i].fd = HP_LISTEN_FDS_START + i;
	}
	while (!stop) {
		if (poll(pfd, (nfds_t)n, -1) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (i = 0; i < n && !stop; i++) {
			if (pfd[i].revents & POLLNVAL)
				die("fd %d was closed", pfd[i].fd);
			if (pfd[i].revents != 0)
				answer(pfd[i].fd, type[i], msg, strlen(msg));
		}
	}
	free(pfd);
	free(type);
}

/* Appends what the tests check about how we were started: ids, the
 * variables as found, every descriptor, cwd and HPT_*, SERVER_STARTER_*,
 * EINHORN_* and HOLDPORTS_* variables, the soft descriptor limit, the
 * nargs operands; then what hp_listen_fds_with_names() makes of it, with
 * the flags of each passed descriptor as they were before it set
 * FD_CLOEXEC. Returns its result. */
static int
report_start(struct buf *r, char **args, int nargs)
{
	int fdflags[FLAGS_MAX], flflags[FLAGS_MAX], i, n;
	char cwd[PATH_MAX], **names = NULL, **e;
	struct rlimit rl;

	buf_printf(r, "pid=%ld\nppid=%ld\npgid=%ld\nsid=%ld\n", (long)getpid(),
	    (long)getppid(), (long)getpgrp(), (long)getsid(0));
	report_env(r, "listen_pid", "LISTEN_PID");
	report_env(r, "listen_fds", "LISTEN_FDS");
	report_env(r, "listen_fdnames", "LISTEN_FDNAMES");
	report_env(r, "listen_pidfdid", "LISTEN_PIDFDID");
	report_env(r, "notify_socket", "NOTIFY_SOCKET");
	report_fds(r);
	for (i = 0; i < FLAGS_MAX; i++) {
		fdflags[i] = fcntl(HP_LISTEN_FDS_START + i, F_GETFD);
		flflags[i] = fcntl(HP_LISTEN_FDS_START + i, F_GETFL);
	}
	buf_printf(r, "cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	/* and those of compat = server-starter einhorn, and of a stack */
	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, "HPT_", 4) == 0 ||
		    strncmp(*e, "SERVER_STARTER_", 15) == 0 ||
		    strncmp(*e, "EINHORN_", 8) == 0 ||
		    strncmp(*e, "HOLDPORTS_", 10) == 0)
			buf_printf(r, "env.%s\n", *e);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		buf_printf(r, "nofile=%llu\n", (unsigned long long)rl.rlim_cur);
	buf_printf(r, "nargs=%d\n", nargs);
	for (i = 0; i < nargs; i++)
		buf_printf(r, "arg.%d=%s\n", i, args[i]);

	n = hp_listen_fds_with_names(0, &names);
	buf_printf(r, "hp_listen_fds=%d\nnames=", n);
	for (i = 0; i < n; i++) {
		buf_printf(r, "%s%s", i > 0 ? ":" : "", names[i]);
		free(names[i]);
	}
	free(names);
	buf_printf(r, "\n");
	for (i = 0; i < n && i < FLAGS_MAX; i++)
		buf_printf(r, "nonblock.%d=%d\ncloexec.%d=%d\n",
		    HP_LISTEN_FDS_START + i,
		    flflags[i] != -1 && (flflags[i] & O_NONBLOCK) != 0,
		    HP_LISTEN_FDS_START + i,
		    fdflags[i] != -1 && (fdflags[i] & FD_CLOEXEC) != 0);
	return n;
}

/* Forks a grandchild that keeps our process group and every descriptor,
 * the kind of stray holder that keeps a port bound, and sleeps until a
 * signal kills it (SIGTERM too, unless -T). Returns its pid. */
static pid_t
fork_grandchild(int ignore_term)
{
	struct sigaction sa = {.sa_handler = ignore_term ? SIG_IGN : SIG_DFL};
	pid_t pid;

	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		sigaction(SIGTERM, &sa, NULL);
		for (;;)
			pause();
	}
	return pid;
}

/* Daemonizes a grandchild the classic way (fork, setsid, fork): it leaves
 * our process group and session, keeps every descriptor (the listening
 * socket too) and sleeps. Returns its pid. */
static pid_t
fork_daemon(void)
{
	int p[2];
	pid_t pid, d = -1;

	if (pipe(p) == -1 || (pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		(void)setsid();
		if ((d = fork()) == 0) {
			signal(SIGTERM, SIG_DFL);
			for (;;)
				pause();
		}
		(void)!write(p[1], &d, sizeof(d));
		_exit(0);
	}
	(void)close(p[1]);
	if (read(p[0], &d, sizeof(d)) != (ssize_t)sizeof(d))
		die("daemon pid");
	(void)close(p[0]);
	(void)waitpid(pid, NULL, 0);
	return d;
}

/* With nothing to serve: waits for SIGTERM, which only sigsuspend() lets
 * in, so that it cannot slip in between the test and the wait. */
static void
wait_for_term(void)
{
	sigset_t mask, waitmask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	while (!stop)
		sigsuspend(&waitmask);
}

static _Noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: hp-echo [-DgnT] [-d ms] [-k signo] [-N ms] [-r dir] "
	    "[-S state] [-x code] [-- arg ...]\n");
	exit(FAILED);
}

int
main(int argc, char *argv[])
{
	const char *dir = NULL;
	long delay = 0, code = -1, kill_with = 0;
	int ignore_term = 0, grandchild = 0, nonblock = 0, c, i, n;
	int daemon_too = 0, notify_ready = 0;
	const char *send_state = NULL;
	struct sigaction sa = {.sa_handler = SIG_IGN};
	struct buf r = {0};
	struct timespec ts;
	sigset_t mask;

	while ((c = getopt(argc, argv, "Dd:gk:N:nr:S:Tx:")) != -1) {
		switch (c) {
		case 'D':
			daemon_too = 1;
			break;
		case 'N':
			delay = number(optarg, 0, 3600000, c);
			notify_ready = 1;
			break;
		case 'S':
			send_state = optarg;
			break;
		case 'd':
			delay = number(optarg, 0, 3600000, c);
			break;
		case 'g':
			grandchild = 1;
			break;
		case 'k':
			kill_with = number(optarg, 1, SIGNO_MAX, c);
			break;
		case 'n':
			nonblock = 1;
			break;
		case 'r':
			dir = optarg;
			break;
		case 'T':
			ignore_term = 1;
			break;
		case 'x':
			code = number(optarg, 0, 255, c);
			break;
		default:
			usage();
		}
	}
	/* operands (after "--"): only reported */
	/* -S: one sd_notify(3) message from outside any child's group. */
	if (send_state != NULL)
		return hp_notify(0, send_state) > 0 ? 0 : FAILED;

	report_signals(&r); /* before our own handlers change them */
	sigaction(SIGPIPE, &sa, NULL); /* a client that leaves early */
	sa.sa_handler = ignore_term ? SIG_IGN : on_term; /* no SA_RESTART */
	sigaction(SIGTERM, &sa, NULL);
	n = report_start(&r, argv + optind, argc - optind);
	nlisten = n > 0 ? n : 0;
	if (grandchild)
		buf_printf(
		    &r, "grandchild=%ld\n", (long)fork_grandchild(ignore_term));
	if (daemon_too)
		buf_printf(&r, "daemon=%ld\n", (long)fork_daemon());
	if (dir != NULL)
		write_report(dir, &r);
	free(r.p);
	if (stop)
		return 0;

	/* What a test asked for, in this order, after the report. */
	for (i = 0; nonblock && i < n; i++)
		(void)fcntl(HP_LISTEN_FDS_START + i, F_SETFL,
		    fcntl(HP_LISTEN_FDS_START + i, F_GETFL) | O_NONBLOCK);
	if (kill_with != 0) { /* die by it, or carry on if its default is */
		sa.sa_handler = SIG_DFL;
		sigaction((int)kill_with, &sa, NULL);
		sigemptyset(&mask);
		sigaddset(&mask, (int)kill_with);
		sigprocmask(SIG_UNBLOCK, &mask, NULL);
		raise((int)kill_with);
	}
	if (code >= 0)
		exit((int)code);
	ts.tv_sec = delay / 1000;
	ts.tv_nsec = delay % 1000 * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !stop)
		;
	/* -N: initialised; only now may the supervisor count on us. */
	if (notify_ready && hp_notify(0, "READY=1\nSTATUS=serving") <= 0)
		die("hp_notify READY=1");
	if (n > 0)
		serve(n);
	else
		wait_for_term();
	return 0;
}
