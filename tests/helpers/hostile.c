/* SPDX-License-Identifier: ISC */
/* hostile.c: a test child that misbehaves as asked, to show that the
 * supervisor stays responsive, leaves nothing behind and gives the next
 * child its sockets as they were bound. */

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
 *   report-exit    exit 0 (once the report is written)
 *   opts-exit      change every option below on fd 3 (SO_RCVBUF, SO_SNDBUF,
 *                  SO_LINGER, SO_KEEPALIVE, SO_RCVTIMEO, TCP_NODELAY,
 *                  TCP_DEFER_ACCEPT, TCP_MAXSEG, TCP_CONGESTION, IP_TOS,
 *                  SO_PRIORITY, the F_SETOWN owner, O_NONBLOCK; not
 *                  SO_REUSEPORT) and exit 0
 *   reuseport-exit set SO_REUSEPORT on fd 3 and exit 0
 *   reuseport-serve
 *                  set SO_REUSEPORT on fd 3, then echo
 *   shutrd-exit    shutdown(fd 3, SHUT_RD) and exit 0
 *   shutrd-serve   shutdown(fd 3, SHUT_RD), wait 1 s (for the supervisor
 *                  to make it listen again), then echo
 *   filter-exit    attach a classic BPF filter that drops everything to
 *                  fd 3, lock it (SO_LOCK_FILTER) and exit 0
 *   bpf-exit       the same with an eBPF program (SO_ATTACH_BPF; needs
 *                  root or CAP_BPF: exits 3 where it cannot load one)
 *   connect-exit   connect(2) fd 3, a UDP or unix datagram socket, to
 *                  127.0.0.1:9 or to itself, and exit 0
 *
 * -N sends READY=1 (sd_notify(3)) once set up, in every mode that serves.
 * -r DIR writes DIR/PID.report (pid=, pgid=, mode=, nonblock=: O_NONBLOCK
 * of fd 3 as found at start, and state=: every other property of fd 3 the
 * modes above change, as found at start, in one line), and for fork50 one
 * line per grandchild, gc=PID, before it exits; notify-flood keeps
 * DIR/PID.sent up to date with the number of datagrams sent.
 */

#define _GNU_SOURCE /* the socket options of Linux; guarded below */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#if defined(__has_include)
#if __has_include(<linux/filter.h>) && __has_include(<linux/bpf.h>)
#include <linux/bpf.h>
#include <linux/filter.h>
#define HAVE_LINUX_FILTER 1
#endif
#endif

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

/* Appends " name=value" for the int option of fd 3 to buf (len bytes). */
static void
state_int(char *buf, size_t len, const char *name, int level, int opt)
{
	socklen_t l = sizeof(int);
	int v = 0;

	if (getsockopt(HP_LISTEN_FDS_START, level, opt, &v, &l) == -1)
		v = -errno;
	snprintf(buf + strlen(buf), len - strlen(buf), " %s=%d", name, v);
}

/* Writes into buf (len bytes) every property of fd 3 that the hostile
 * modes change, as "name=value" words: a child that finds the same line
 * as the first child found gets the socket as it was bound. */
static void
state(char *buf, size_t len)
{
	struct sockaddr_storage ss;
	struct linger lg = {0, 0};
	struct timeval tv = {0, 0};
	struct pollfd p = {.fd = HP_LISTEN_FDS_START, .events = POLLIN};
	char cc[32] = "";
	socklen_t l;
	int port = -1;

	buf[0] = '\0';
	state_int(buf, len, "acceptconn", SOL_SOCKET, SO_ACCEPTCONN);
	state_int(buf, len, "rcvbuf", SOL_SOCKET, SO_RCVBUF);
	state_int(buf, len, "sndbuf", SOL_SOCKET, SO_SNDBUF);
	state_int(buf, len, "keepalive", SOL_SOCKET, SO_KEEPALIVE);
	state_int(buf, len, "reuseaddr", SOL_SOCKET, SO_REUSEADDR);
#ifdef SO_REUSEPORT
	state_int(buf, len, "reuseport", SOL_SOCKET, SO_REUSEPORT);
#endif
#ifdef SO_PRIORITY
	state_int(buf, len, "priority", SOL_SOCKET, SO_PRIORITY);
#endif
#ifdef SO_LOCK_FILTER
	state_int(buf, len, "lockfilter", SOL_SOCKET, SO_LOCK_FILTER);
#endif
	state_int(buf, len, "nodelay", IPPROTO_TCP, TCP_NODELAY);
#ifdef TCP_DEFER_ACCEPT
	state_int(buf, len, "defer", IPPROTO_TCP, TCP_DEFER_ACCEPT);
#endif
#ifdef TCP_MAXSEG
	state_int(buf, len, "maxseg", IPPROTO_TCP, TCP_MAXSEG);
#endif
	state_int(buf, len, "tos", IPPROTO_IP, IP_TOS);
	l = sizeof(lg);
	(void)getsockopt(HP_LISTEN_FDS_START, SOL_SOCKET, SO_LINGER, &lg, &l);
	l = sizeof(tv);
	(void)getsockopt(HP_LISTEN_FDS_START, SOL_SOCKET, SO_RCVTIMEO, &tv, &l);
#ifdef TCP_CONGESTION
	l = sizeof(cc) - 1;
	if (getsockopt(
		HP_LISTEN_FDS_START, IPPROTO_TCP, TCP_CONGESTION, cc, &l) == -1)
		snprintf(cc, sizeof(cc), "-");
#endif
	snprintf(buf + strlen(buf), len - strlen(buf),
	    " linger=%d rcvtimeo=%ld congestion=%s owner=%d", lg.l_onoff,
	    (long)tv.tv_sec, cc, fcntl(HP_LISTEN_FDS_START, F_GETOWN));
#ifdef HAVE_LINUX_FILTER
	l = 0;
	if (getsockopt(
		HP_LISTEN_FDS_START, SOL_SOCKET, SO_GET_FILTER, NULL, &l) == -1)
		l = (socklen_t)-errno;
	snprintf(buf + strlen(buf), len - strlen(buf), " filter=%d", (int)l);
#endif
	l = sizeof(ss);
	snprintf(buf + strlen(buf), len - strlen(buf), " connected=%d",
	    getpeername(HP_LISTEN_FDS_START, (struct sockaddr *)&ss, &l) == 0);
	l = sizeof(ss);
	if (getsockname(HP_LISTEN_FDS_START, (struct sockaddr *)&ss, &l) == 0)
		port = ss.ss_family == AF_INET ?
		    ntohs(((struct sockaddr_in *)&ss)->sin_port) :
		    ss.ss_family == AF_INET6 ?
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
		    0;
#ifdef POLLRDHUP
	p.events |= POLLRDHUP;
#endif
	(void)poll(&p, 1, 0);
	snprintf(buf + strlen(buf), len - strlen(buf), " port=%d hup=%d", port,
	    (p.revents & POLLHUP) != 0
#ifdef POLLRDHUP
		|| (p.revents & POLLRDHUP) != 0
#endif
	);
}

/* Sets int option opt of fd 3 to v, or dies. */
static void
set_int(int level, int opt, int v, const char *name)
{
	if (setsockopt(HP_LISTEN_FDS_START, level, opt, &v, sizeof(v)) == -1)
		die(name);
}

/* The opts-exit mode: changes what a careless (or hostile) server may
 * change on a listener it was given. */
static void
change_opts(void)
{
	struct linger lg = {1, 7};
	struct timeval tv = {1, 0};
	int fl;

	set_int(SOL_SOCKET, SO_RCVBUF, 4096, "SO_RCVBUF");
	set_int(SOL_SOCKET, SO_SNDBUF, 4096, "SO_SNDBUF");
	set_int(SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
#ifdef SO_PRIORITY
	set_int(SOL_SOCKET, SO_PRIORITY, 3, "SO_PRIORITY");
#endif
	if (setsockopt(HP_LISTEN_FDS_START, SOL_SOCKET, SO_LINGER, &lg,
		sizeof(lg)) == -1 ||
	    setsockopt(HP_LISTEN_FDS_START, SOL_SOCKET, SO_RCVTIMEO, &tv,
		sizeof(tv)) == -1)
		die("SO_LINGER, SO_RCVTIMEO");
	set_int(IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
#ifdef TCP_DEFER_ACCEPT
	set_int(IPPROTO_TCP, TCP_DEFER_ACCEPT, 5, "TCP_DEFER_ACCEPT");
#endif
#ifdef TCP_MAXSEG
	set_int(IPPROTO_TCP, TCP_MAXSEG, 1000, "TCP_MAXSEG");
#endif
#ifdef TCP_CONGESTION
	/* reno is always built in (tcp(7)) */
	if (setsockopt(HP_LISTEN_FDS_START, IPPROTO_TCP, TCP_CONGESTION, "reno",
		4) == -1)
		die("TCP_CONGESTION");
#endif
	set_int(IPPROTO_IP, IP_TOS, 0x10, "IP_TOS");
	if (fcntl(HP_LISTEN_FDS_START, F_SETOWN, getpid()) == -1 ||
	    (fl = fcntl(HP_LISTEN_FDS_START, F_GETFL)) == -1 ||
	    fcntl(HP_LISTEN_FDS_START, F_SETFL, fl | O_NONBLOCK) == -1)
		die("fcntl fd 3");
}

/* The filter-exit and bpf-exit modes: a filter that drops every packet,
 * locked to the socket for its life. Returns 0, or 3 where an eBPF
 * program cannot be loaded (no root, no CAP_BPF). */
static int
drop_all(int ebpf)
{
#ifdef HAVE_LINUX_FILTER
	struct sock_filter code[] = {{BPF_RET | BPF_K, 0, 0, 0}};
	struct sock_fprog prog = {1, code};
	struct bpf_insn insn[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT}};
	union bpf_attr attr;
	int one = 1, pfd;

	if (!ebpf) {
		if (setsockopt(HP_LISTEN_FDS_START, SOL_SOCKET,
			SO_ATTACH_FILTER, &prog, sizeof(prog)) == -1)
			die("SO_ATTACH_FILTER");
	} else {
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		attr.insns = (uintptr_t)insn;
		attr.insn_cnt = 2;
		attr.license = (uintptr_t) "GPL";
		pfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		if (pfd == -1) {
			fprintf(stderr, "hostile: bpf: %s\n", strerror(errno));
			return 3;
		}
		if (setsockopt(HP_LISTEN_FDS_START, SOL_SOCKET, SO_ATTACH_BPF,
			&pfd, sizeof(pfd)) == -1)
			die("SO_ATTACH_BPF");
	}
	if (setsockopt(HP_LISTEN_FDS_START, SOL_SOCKET, SO_LOCK_FILTER, &one,
		sizeof(one)) == -1)
		die("SO_LOCK_FILTER");
	return 0;
#else
	(void)ebpf;
	fprintf(stderr, "hostile: no socket filters here\n");
	return 3;
#endif
}

/* The connect-exit mode: fd 3 is a datagram socket; connect it to
 * 127.0.0.1:9 (UDP) or to its own address (unix). */
static void
connect_away(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	socklen_t l = sizeof(ss);

	if (getsockname(HP_LISTEN_FDS_START, (struct sockaddr *)&ss, &l) == -1)
		die("getsockname fd 3");
	if (ss.ss_family == AF_UNIX) {
		if (connect(HP_LISTEN_FDS_START, (struct sockaddr *)&ss, l) ==
		    -1)
			die("connect fd 3");
		return;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(HP_LISTEN_FDS_START, (struct sockaddr *)&sin,
		sizeof(sin)) == -1)
		die("connect fd 3");
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
	char mode[64], report[4096], name[64], st[1024], *buf;
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
	state(st, sizeof(st));
	len = (size_t)snprintf(report, sizeof(report),
	    "pid=%ld\npgid=%ld\nmode=%s\nnonblock=%d\nstate=%s\n",
	    (long)getpid(), (long)getpgrp(), mode,
	    fl != -1 && (fl & O_NONBLOCK) != 0, st + 1);
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
	if (strcmp(mode, "report-exit") == 0)
		return 0;
	if (strcmp(mode, "opts-exit") == 0) {
		change_opts();
		return 0;
	}
#ifdef SO_REUSEPORT
	if (strcmp(mode, "reuseport-exit") == 0 ||
	    strcmp(mode, "reuseport-serve") == 0) {
		set_int(SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
		if (strcmp(mode, "reuseport-exit") == 0)
			return 0;
	}
#endif
	if (strcmp(mode, "shutrd-exit") == 0 ||
	    strcmp(mode, "shutrd-serve") == 0) {
		/* ENOTCONN: a datagram socket not connected, which Linux
		 * shuts down all the same. */
		if (shutdown(HP_LISTEN_FDS_START, SHUT_RD) == -1 &&
		    errno != ENOTCONN)
			die("shutdown fd 3");
		if (strcmp(mode, "shutrd-exit") == 0)
			return 0;
		sleep_ms(1000);
	}
	if (strcmp(mode, "filter-exit") == 0 || strcmp(mode, "bpf-exit") == 0)
		return drop_all(strcmp(mode, "bpf-exit") == 0);
	if (strcmp(mode, "connect-exit") == 0) {
		connect_away();
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
