/* SPDX-License-Identifier: ISC */
/* test_sockuse.c: the accept queue of a real listener, the sockets of a
 * process group, the words of an address in use, and the checks driven
 * through their pollset callbacks with a clock of the test's own: what
 * is said about a socket whose connections nobody takes, and when. */

#define _GNU_SOURCE /* memmem(3), struct tcp_info in the stub */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hp.h"
#include "sockuse.h"

/* A TCP socket listening on 127.0.0.1, port chosen by the kernel; its
 * port in *port. */
static int
listener(unsigned *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A connection to 127.0.0.1:port, left in the listener's queue. */
static int
client(unsigned port)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void
test_queue(void **state)
{
	unsigned port, n = 99;
	int l, c1, c2, a, u[2];

	(void)state;
	l = listener(&port);
	assert_int_equal(sockuse_queue(l, &n), 0);
	assert_int_equal(n, 0);
	c1 = client(port);
	c2 = client(port);
	/* the handshake is the kernel's: both are queued once connect(2)
	 * has returned */
	assert_int_equal(sockuse_queue(l, &n), 0);
	assert_int_equal(n, 2);
	assert_true((a = accept(l, NULL, NULL)) >= 0);
	assert_int_equal(sockuse_queue(l, &n), 0);
	assert_int_equal(n, 1);
	/* not a listener, not TCP, not a socket */
	assert_int_equal(sockuse_queue(c1, &n), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, u), 0);
	assert_int_equal(sockuse_queue(u[0], &n), -1);
	assert_true(errno == EOPNOTSUPP || errno == ENOPROTOOPT);
	assert_int_equal(sockuse_queue(STDIN_FILENO, &n), -1);
	(void)close(u[0]);
	(void)close(u[1]);
	(void)close(a);
	(void)close(c1);
	(void)close(c2);
	(void)close(l);
	assert_int_equal(sockuse_queue(l, &n), -1);
	assert_int_equal(errno, EBADF);
}

/* Returns the local port of the connected socket fd. */
static unsigned
local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

static void
test_waiting(void **state)
{
	struct sockuse_peer v[4];
	unsigned port, p1, p2;
	size_t n, i;
	int l, c1, c2, a, u[2];

	(void)state;
	l = listener(&port);
	assert_int_equal(sockuse_waiting(l, v, 4, &n), 0);
	assert_int_equal(n, 0);
	c1 = client(port);
	c2 = client(port);
	p1 = local_port(c1);
	p2 = local_port(c2);
	assert_int_equal(sockuse_waiting(l, v, 4, &n), 0);
	assert_int_equal(n, 2);
	for (i = 0; i < 2; i++) {
		assert_true(v[i].port == p1 || v[i].port == p2);
		assert_string_equal(v[i].addr, "127.0.0.1");
	}
	/* counted beyond what is stored */
	assert_int_equal(sockuse_waiting(l, v, 1, &n), 0);
	assert_int_equal(n, 2);
	/* the first in the queue is the first accepted */
	assert_true((a = accept(l, NULL, NULL)) >= 0);
	assert_int_equal(sockuse_waiting(l, v, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].port, p2);
	/* a client that gave up still waits in the queue (CLOSE_WAIT) */
	(void)close(c2);
	assert_int_equal(sockuse_waiting(l, v, 4, &n), 0);
	assert_int_equal(n, 1);
	(void)close(a);
	(void)close(c1);
	(void)close(l);
	/* not a TCP socket, not a descriptor */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, u), 0);
	assert_int_equal(sockuse_waiting(u[0], v, 4, &n), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	(void)close(u[0]);
	(void)close(u[1]);
	assert_int_equal(sockuse_waiting(l, v, 4, &n), -1);
	assert_int_equal(errno, EBADF);
}

static void
test_scan(void **state)
{
	struct sockuse_found f;
	struct stat st;
	unsigned held_port, own_port;
	pid_t pg = getpgrp(), none = 999999;
	int held, own;

	(void)state;
	held = listener(&held_port);
	own = listener(&own_port);
	assert_int_equal(fstat(held, &st), 0);
	assert_int_equal(sockuse_scan(&pg, 1, st.st_ino, &f), 0);
	/* this process holds the socket, and listens on another */
	assert_int_equal(f.nholders, 1);
	assert_int_equal(f.holder, getpid());
	assert_int_equal(f.nlisten, 1);
	assert_int_equal(f.listen[0].pid, getpid());
	assert_int_equal(f.listen[0].port, own_port);
	assert_string_equal(f.listen[0].host, "127.0.0.1");
	/* a group of no process: nothing */
	assert_int_equal(sockuse_scan(&none, 1, st.st_ino, &f), 0);
	assert_int_equal(f.nholders, 0);
	assert_int_equal(f.nlisten, 0);
	(void)close(held);
	(void)close(own);
}

static void
test_inuse(void **state)
{
	static const struct {
		const char *text;
		int want;
	} cases[] = {
	    {"OSError: [Errno 98] Address already in use", 1},
	    {"listen tcp 127.0.0.1:8080: bind: address already in use", 1},
	    {"Error: listen EADDRINUSE: address already in use :::3000", 1},
	    {"Os { code: 98, kind: AddrInUse, message: \"Address in use\" }",
		0},
	    {"called `Result::unwrap()` on an `Err` value: (os error 98)", 1},
	    {"Port 5000 is in use by another program.", 0},
	    {"ModuleNotFoundError: No module named 'flask'", 0},
	    {"", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (sockuse_inuse(cases[i].text, strlen(cases[i].text)) !=
		    cases[i].want)
			fail_msg(
			    "'%s': wanted %d", cases[i].text, cases[i].want);
	/* the length counts, not a NUL */
	assert_int_equal(sockuse_inuse("EADDRINUSE", 9), 0);
}

/* Runs fn with stderr going to a file, and returns what it wrote (a
 * static buffer). */
static const char *
captured(void (*fn)(void *), void *arg)
{
	static char buf[8192];
	char path[] = "/tmp/hp-sockuse.XXXXXX";
	int fd, saved;
	ssize_t n;

	assert_true((fd = mkstemp(path)) >= 0);
	(void)unlink(path);
	assert_true((saved = dup(STDERR_FILENO)) >= 0);
	(void)fflush(stderr);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	fn(arg);
	(void)fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	(void)close(saved);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	(void)close(fd);
	return buf;
}

/* A child of one held socket, as the loop would describe it. */
struct world {
	struct sockuse su;
	struct sock sock;
	size_t idx;
	struct sockuse_child c;
	struct pollset ps;
	int64_t now;
	int held, own;
	unsigned held_port, own_port;
	int kase; /* of run_exit() */
};

static void
world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	sockuse_init(&w->su);
	w->held = listener(&w->held_port);
	w->sock.fd = w->held;
	(void)snprintf(w->sock.name, sizeof(w->sock.name), "http");
	(void)snprintf(
	    w->sock.addr, sizeof(w->sock.addr), "127.0.0.1:%u", w->held_port);
	w->c.who = "api: ";
	w->c.pid = getpid(); /* the child is this process */
	w->c.pgids[0] = getpgrp();
	w->c.npgids = 1;
	w->c.generation = 1;
	w->c.command = "./server";
	w->c.socks = &w->sock;
	w->c.idx = &w->idx;
	w->c.nsocks = 1;
	w->now = 1000;
}

static void
world_free(struct world *w)
{
	sockuse_free(&w->su);
	pollset_free(&w->ps);
	(void)close(w->held);
}

/* One turn: gathers, then runs each ready descriptor's callback and each
 * timer due at w->now, as pollset_wait() would. Returns how many ran. */
static int
turn(struct world *w)
{
	pollset_clear(&w->ps);
	sockuse_gather(&w->su, &w->ps);
	if (w->ps.nfds > 0)
		assert_true(poll(w->ps.pfd, w->ps.nfds, 0) >= 0);
	return pollset_run(&w->ps, w->now);
}

static void
run_turn(void *arg)
{
	(void)turn(arg);
}

/* SOCKUSE_PROOF_MS after the first connection woke the check (and what
 * waited then was recorded): are those taken? Nothing is said either
 * way; the look comes SOCKUSE_WAIT_MS after the record. */
static void
proof(struct world *w)
{
	w->now += SOCKUSE_PROOF_MS;
	assert_string_equal(captured(run_turn, w), "");
	w->now -= SOCKUSE_PROOF_MS;
}

static void
run_settle(void *arg)
{
	struct world *w = arg;

	sockuse_settle(&w->su, &w->c, w->now);
}

static void
test_own_port(void **state)
{
	struct world w;
	const char *out;
	char want[256];
	int c;

	(void)state;
	world_init(&w);
	w.own = listener(&w.own_port);
	sockuse_settle(&w.su, &w.c, w.now);
	/* armed: a descriptor to poll, no timer */
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds, 1);
	assert_int_equal(w.ps.ntimers, 0);
	assert_int_equal(turn(&w), 0);
	c = client(w.held_port);
	assert_int_equal(turn(&w), 1); /* POLLIN: a look in a moment */
	assert_int_equal(w.ps.ntimers, 0);
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds, 0);
	assert_int_equal(w.ps.ntimers, 1);
	assert_int_equal(w.ps.timers[0].when, w.now + SOCKUSE_PROOF_MS);
	proof(&w); /* none taken: a look 3 s after the record */
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.ntimers, 1);
	assert_int_equal(w.ps.timers[0].when, w.now + SOCKUSE_WAIT_MS);
	w.now += SOCKUSE_WAIT_MS;
	out = captured(run_turn, &w);
	(void)snprintf(want, sizeof(want),
	    "holdports: api: 1 connection waited 3 s on http (127.0.0.1:%u), "
	    "and none was taken: pid %ld (",
	    w.held_port, (long)getpid());
	if (strncmp(out, want, strlen(want)) != 0)
		fail_msg("got: %s\nwant: %s...", out, want);
	(void)snprintf(want, sizeof(want),
	    ") listens on 127.0.0.1:%u itself; make it take the socket "
	    "holdports passes as fd 3 (LISTEN_FDS, LISTEN_FDNAMES=http)",
	    w.own_port);
	assert_non_null(strstr(out, want));
	/* said once: nothing is watched any more, until the next start */
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds + w.ps.ntimers, 0);
	w.c.generation = 2;
	sockuse_settle(&w.su, &w.c, w.now);
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds, 1);
	(void)close(c);
	(void)close(w.own);
	world_free(&w);
}

static void
test_taken(void **state)
{
	struct world w;
	const char *out;
	int c, a;

	(void)state;
	world_init(&w);
	sockuse_settle(&w.su, &w.c, w.now);
	c = client(w.held_port);
	assert_int_equal(turn(&w), 1);
	/* the child takes it before the look: nothing said, nothing more
	 * watched */
	assert_true((a = accept(w.held, NULL, NULL)) >= 0);
	w.now += SOCKUSE_PROOF_MS;
	out = captured(run_turn, &w);
	assert_string_equal(out, "");
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds + w.ps.ntimers, 0);
	(void)close(a);
	(void)close(c);
	/* the child is gone (a restart after a crash): nothing watched */
	w.c.generation = 2;
	sockuse_settle(&w.su, &w.c, w.now);
	w.c.pid = 0;
	sockuse_settle(&w.su, &w.c, w.now);
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds + w.ps.ntimers, 0);
	world_free(&w);
}

/* A busy child: its queue is never empty and grows, but it takes the
 * oldest connections: nothing is said. */
static void
test_busy(void **state)
{
	struct world w;
	const char *out;
	int c[4], a, k;

	(void)state;
	world_init(&w);
	sockuse_settle(&w.su, &w.c, w.now);
	c[0] = client(w.held_port);
	c[1] = client(w.held_port);
	assert_int_equal(turn(&w), 1);
	assert_true((a = accept(w.held, NULL, NULL)) >= 0);
	c[2] = client(w.held_port);
	c[3] = client(w.held_port);
	/* a moment later one recorded is gone: it takes them */
	w.now += SOCKUSE_PROOF_MS;
	out = captured(run_turn, &w);
	assert_string_equal(out, "");
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds + w.ps.ntimers, 0);
	(void)close(a);
	for (k = 0; k < 4; k++)
		(void)close(c[k]);
	world_free(&w);
}

static void
test_still_starting(void **state)
{
	struct world w;
	const char *out;
	int c, k;

	(void)state;
	world_init(&w);
	/* the child holds the socket and listens nowhere else: maybe it is
	 * still starting; three looks before it is said */
	sockuse_settle(&w.su, &w.c, w.now);
	c = client(w.held_port);
	assert_int_equal(turn(&w), 1);
	proof(&w);
	for (k = 1; k <= 2; k++) {
		w.now += SOCKUSE_WAIT_MS;
		out = captured(run_turn, &w);
		assert_string_equal(out, "");
	}
	w.now += SOCKUSE_WAIT_MS;
	out = captured(run_turn, &w);
	assert_non_null(strstr(out, "api: 1 connection waited 9 s on http"));
	assert_non_null(strstr(out,
	    "holds the socket but takes no connection "
	    "from it"));
	(void)close(c);
	world_free(&w);
}

static void
test_idle(void **state)
{
	struct world w;
	const char *out;
	char want[256];
	int c;

	(void)state;
	world_init(&w);
	w.c.pid = 0;
	w.c.npgids = 0;
	w.c.idle = 1;
	w.c.generation = 0; /* never started: the first build failed */
	sockuse_why(
	    &w.su, "pid %d exited with status %d, and restart = no", 42, 0);
	/* no connection yet: a descriptor to poll, no timer */
	sockuse_settle(&w.su, &w.c, w.now);
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds, 1);
	assert_int_equal(w.ps.ntimers, 0);
	c = client(w.held_port);
	out = captured(run_turn, &w);
	(void)snprintf(want, sizeof(want),
	    "holdports: api: 1 connection waiting on http (127.0.0.1:%u); no "
	    "child running (pid 42 exited with status 0, and restart = no)\n",
	    w.held_port);
	assert_string_equal(out, want);
	/* once */
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds + w.ps.ntimers, 0);
	/* idle again later with connections waiting: said at once */
	w.c.idle = 0;
	sockuse_settle(&w.su, &w.c, w.now);
	w.c.idle = 1;
	w.su.why[0] = '\0';
	out = captured(run_settle, &w);
	(void)snprintf(want, sizeof(want),
	    "holdports: api: 1 connection waiting on http (127.0.0.1:%u); no "
	    "child running (waiting for a change or SIGHUP)\n",
	    w.held_port);
	assert_string_equal(out, want);
	pollset_clear(&w.ps);
	sockuse_gather(&w.su, &w.ps);
	assert_int_equal(w.ps.nfds + w.ps.ntimers, 0);
	(void)close(c);
	world_free(&w);
}

/* sockuse_exited() of the struct world passed, for case w->kase. */
static void
run_exit(void *arg)
{
	struct world *w = arg;

	switch (w->kase) {
	case 0: /* a failure, the child not stopped yet: nothing */
		sockuse_exited(&w->su, 42, 1 << 8, 300, 0, NULL, 0);
		break;
	case 1: /* stopped after a quick failure: said */
		sockuse_exited(&w->su, 42, 1 << 8, 300, 1, NULL, 0);
		break;
	case 2: /* again: once only */
		sockuse_exited(&w->su, 43, 1 << 8, 300, 1, NULL, 0);
		break;
	case 3: /* output that tells of an address in use: at once */
		sockuse_exited(&w->su, 44, 1 << 8, 300, 0,
		    "[Errno 98] Address already in use", 33);
		break;
	}
}

static void
test_exited(void **state)
{
	struct world w;
	const char *out;
	char want[512];

	(void)state;
	world_init(&w);
	sockuse_settle(&w.su, &w.c, w.now);
	w.kase = 0;
	assert_string_equal(captured(run_exit, &w), "");
	w.kase = 1;
	out = captured(run_exit, &w);
	(void)snprintf(want, sizeof(want),
	    "holdports: api: pid 42 failed 300 ms after its start: if it "
	    "binds 127.0.0.1:%u itself (as Flask's app.run() or Go's "
	    "http.ListenAndServe do), that fails with EADDRINUSE, for "
	    "holdports holds it; make it take the socket holdports passes as "
	    "fd 3 instead (LISTEN_FDS=1, LISTEN_FDNAMES=http; "
	    "contrib/examples shows how)\n",
	    w.held_port);
	assert_string_equal(out, want);
	w.kase = 2;
	assert_string_equal(captured(run_exit, &w), "");
	/* a new configuration: may be said again; a slow failure, a clean
	 * exit or a signal: not; output that tells another story: not */
	sockuse_reset(&w.su);
	sockuse_exited(&w.su, 44, 1 << 8, SOCKUSE_QUICK_MS, 1, NULL, 0);
	sockuse_exited(&w.su, 44, 0, 300, 1, NULL, 0);
	sockuse_exited(&w.su, 44, 9, 300, 1, NULL, 0);
	sockuse_exited(&w.su, 44, 1 << 8, 300, 0, "no module named x", 17);
	assert_int_equal(w.su.hinted, 0);
	w.kase = 3;
	out = captured(run_exit, &w);
	assert_non_null(strstr(out,
	    "api: pid 44 failed 300 ms after its "
	    "start, saying an address is in use: "
	    "when it binds 127.0.0.1:"));
	assert_int_equal(w.su.hinted, 1);
	world_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue),
	    cmocka_unit_test(test_waiting),
	    cmocka_unit_test(test_scan),
	    cmocka_unit_test(test_inuse),
	    cmocka_unit_test(test_own_port),
	    cmocka_unit_test(test_taken),
	    cmocka_unit_test(test_busy),
	    cmocka_unit_test(test_still_starting),
	    cmocka_unit_test(test_idle),
	    cmocka_unit_test(test_exited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
