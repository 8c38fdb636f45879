/* SPDX-License-Identifier: ISC */
/* test_out.c: the output module on real pipes and pseudo-terminals: what
 * a process writes reaches holdports' descriptors unchanged and its ring,
 * a stdout that does not read costs bounded memory, lines with a prefix
 * stay whole, a pseudo-terminal has the size of ours. */

#define _XOPEN_SOURCE 700 /* posix_openpt(3) and friends */

#include <sys/types.h>
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "hp.h"
#include "out.h"

static struct ring ring;

/* One turn of a loop that waits for o alone; at most ms. */
static void
turn(struct out *o, int ms)
{
	struct pollset ps = {0};

	assert_int_equal(out_poll(o, &ps), 0);
	if (ps.nfds > 0 && poll(ps.pfd, (nfds_t)ps.nfds, ms) > 0)
		(void)pollset_run(&ps, 0);
	pollset_free(&ps);
}

/* Reads what fd (non-blocking) holds into buf, at most len - 1 bytes,
 * NUL-terminated. Returns the count. */
static size_t
slurp(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return n;
}

/* A pipe whose read end does not block. */
static void
pipe_nb(int p[2])
{
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fd_set_nonblock(p[0]), 0);
}

static void
test_capture_off_inherits(void **state)
{
	struct out_io io;
	struct out *o;

	(void)state;
	assert_non_null(o = out_open(1, 2));
	assert_int_equal(out_capturing(o), 0);
	assert_int_equal(out_prepare(o, &io), 0);
	assert_int_equal(io.child[0], -1);
	assert_int_equal(io.child[1], -1);
	out_started(o, &io, 42, &ring, NULL);
	assert_int_equal(out_sources(o), 0);
	out_close(o);
}

static void
test_two_pipes_pass_through(void **state)
{
	int p1[2], p2[2], w1, w2;
	struct out_io io;
	struct out *o;
	char buf[256];

	(void)state;
	ring_clear(&ring);
	pipe_nb(p1);
	pipe_nb(p2);
	assert_non_null(o = out_open(p1[1], p2[1]));
	out_capture(o, 1);
	assert_int_equal(out_prepare(o, &io), 0);
	assert_int_not_equal(io.child[0], -1);
	assert_int_not_equal(io.child[1], io.child[0]);
	assert_int_equal(io.pty[0], 0);
	assert_true(fcntl(io.child[0], F_GETFD) & FD_CLOEXEC);
	w1 = dup(io.child[0]);
	w2 = dup(io.child[1]);
	out_started(o, &io, 42, &ring, NULL);
	assert_int_equal(out_sources(o), 2);
	assert_int_equal(write(w1, "out\033[31m", 8), 8);
	turn(o, 1000);
	assert_int_equal(slurp(p1[0], buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "out\033[31m", 8);
	assert_int_equal(write(w2, "err\n", 4), 4);
	turn(o, 1000);
	assert_string_equal((slurp(p2[0], buf, sizeof(buf)), buf), "err\n");
	assert_int_equal(ring_len(&ring), 12);
	/* The end of both: the sources go. */
	(void)close(w1);
	(void)close(w2);
	turn(o, 1000);
	turn(o, 1000);
	turn(o, 0);
	assert_int_equal(out_sources(o), 0);
	out_close(o);
	(void)close(p1[0]);
	(void)close(p1[1]);
	(void)close(p2[0]);
	(void)close(p2[1]);
}

static void
test_same_file_one_pipe(void **state)
{
	struct out_io io;
	struct out *o;
	int p[2], w;
	char buf[64];

	(void)state;
	ring_clear(&ring);
	pipe_nb(p);
	assert_non_null(o = out_open(p[1], p[1]));
	out_capture(o, 1);
	assert_int_equal(out_prepare(o, &io), 0);
	assert_int_equal(io.child[0], io.child[1]);
	assert_int_equal(io.ours[1], -1);
	w = dup(io.child[0]);
	out_started(o, &io, 7, &ring, NULL);
	assert_int_equal(out_sources(o), 1);
	/* A process that has exited: out_drain() takes all it left,
	 * without a turn of the loop. */
	assert_int_equal(write(w, "1\n2\n", 4), 4);
	(void)close(w);
	out_drain(o, 7);
	assert_string_equal((slurp(p[0], buf, sizeof(buf)), buf), "1\n2\n");
	assert_int_equal(out_sources(o), 0);
	out_close(o);
	(void)close(p[0]);
	(void)close(p[1]);
}

static void
test_prefix_keeps_lines_whole(void **state)
{
	struct out_io io, io2;
	struct out *o;
	int p[2], a, b;
	char buf[256];

	(void)state;
	pipe_nb(p);
	assert_non_null(o = out_open(p[1], p[1]));
	out_capture(o, 1);
	assert_int_equal(out_prepare(o, &io), 0);
	a = dup(io.child[0]);
	out_started(o, &io, 1, NULL, "api | ");
	assert_int_equal(out_prepare(o, &io2), 0);
	b = dup(io2.child[0]);
	out_started(o, &io2, 2, NULL, "web | ");
	assert_int_equal(write(a, "one\ntw", 6), 6);
	out_drain(o, 1);
	assert_int_equal(write(b, "x\n", 2), 2);
	out_drain(o, 2);
	assert_int_equal(write(a, "o\nthree", 7), 7);
	out_drain(o, 1);
	(void)close(a);
	out_drain(o, 1); /* the end: the partial line goes out */
	(void)slurp(p[0], buf, sizeof(buf));
	assert_string_equal(
	    buf, "api | one\nweb | x\napi | two\napi | three\n");
	(void)close(b);
	out_close(o);
	(void)close(p[0]);
	(void)close(p[1]);
}

static void
test_stuck_stdout_is_bounded(void **state)
{
	static char chunk[65536];
	uint64_t sent = 0;
	struct out_io io;
	struct out *o;
	int p[2], w, i;

	(void)state;
	ring_clear(&ring);
	memset(chunk, 'x', sizeof(chunk));
	/* Nobody reads p: holdports' stdout is stuck. */
	assert_int_equal(pipe(p), 0);
	assert_non_null(o = out_open(p[1], p[1]));
	out_capture(o, 1);
	assert_int_equal(out_prepare(o, &io), 0);
	w = dup(io.child[0]);
	assert_int_equal(fd_set_nonblock(w), 0);
	out_started(o, &io, 9, &ring, NULL);
	for (i = 0; i < 160; i++) { /* 10 MiB */
		ssize_t n = write(w, chunk, sizeof(chunk));

		if (n > 0)
			sent += (uint64_t)n;
		turn(o, 0);
	}
	(void)close(w);
	out_drain(o, 9);
	assert_true(sent > 4 * OUT_PENDING_MAX);
	assert_true(out_pending(o, 0) <= OUT_PENDING_MAX);
	assert_true(out_dropped(o, 0) > 0);
	/* The ring saw everything. */
	assert_true(ring_total(&ring) == sent);
	assert_int_equal(out_sources(o), 0);
	out_close(o);
	(void)close(p[0]);
	(void)close(p[1]);
}

static void
test_log_lines_wait_behind_output(void **state)
{
	static char chunk[4096];
	struct out_io io;
	struct out *o;
	int p[2], w, i;
	char buf[8192];
	size_t n, last = 0;
	ssize_t r;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	assert_int_equal(pipe(p), 0);
	assert_non_null(o = out_open(p[1], p[1]));
	out_capture(o, 1);
	/* Nothing waits: the line is written as usual. */
	assert_int_equal(out_log(o, "early\n", 6), 0);
	assert_int_equal(out_prepare(o, &io), 0);
	w = dup(io.child[0]);
	assert_int_equal(fd_set_nonblock(w), 0);
	out_started(o, &io, 3, NULL, NULL);
	for (i = 0; i < 40; i++) { /* 160 KiB: more than the pipe holds */
		assert_int_equal(write(w, chunk, sizeof(chunk)), sizeof(chunk));
		out_drain(o, 3);
	}
	assert_true(out_pending(o, 0) > 0);
	assert_int_equal(out_log(o, "holdports: exited\n", 18), 1);
	/* The reader comes back: the line comes after all the output. */
	assert_int_equal(fd_set_nonblock(p[0]), 0);
	n = 0;
	for (i = 0; i < 1000 && (out_pending(o, 0) > 0 || n == 0); i++) {
		while ((r = read(p[0], buf, sizeof(buf))) > 0) {
			n += (size_t)r;
			if (r >= 18 &&
			    memcmp(buf + r - 18, "holdports: exited\n", 18) ==
				0)
				last = n;
		}
		turn(o, 0);
	}
	while ((r = read(p[0], buf, sizeof(buf))) > 0) {
		n += (size_t)r;
		if (r >= 18 &&
		    memcmp(buf + r - 18, "holdports: exited\n", 18) == 0)
			last = n;
	}
	assert_int_equal(n, 40 * sizeof(chunk) + 18);
	assert_int_equal(last, n);
	(void)close(w);
	out_close(o);
	(void)close(p[0]);
	(void)close(p[1]);
}

static void
test_forget_drops_the_ring(void **state)
{
	struct out_io io;
	struct out *o;
	int p[2], w;

	(void)state;
	ring_clear(&ring);
	pipe_nb(p);
	assert_non_null(o = out_open(p[1], p[1]));
	out_capture(o, 1);
	assert_int_equal(out_prepare(o, &io), 0);
	w = dup(io.child[0]);
	out_started(o, &io, 5, &ring, NULL);
	assert_int_equal(write(w, "late", 4), 4);
	out_forget(o, &ring);
	assert_int_equal(ring_len(&ring), 4); /* read before it goes */
	assert_int_equal(out_sources(o), 0);
	assert_int_equal(write(w, "more", 4), -1); /* EPIPE: closed */
	(void)close(w);
	out_close(o);
	(void)close(p[0]);
	(void)close(p[1]);
}

static void
test_not_started_closes(void **state)
{
	struct out_io io;
	struct out *o;
	int p[2];

	(void)state;
	pipe_nb(p);
	assert_non_null(o = out_open(p[1], p[1]));
	out_capture(o, 1);
	assert_int_equal(out_prepare(o, &io), 0);
	out_started(o, &io, -1, &ring, NULL);
	assert_int_equal(out_sources(o), 0);
	assert_int_equal(io.child[0], -1);
	assert_int_equal(io.ours[0], -1);
	out_close(o);
	(void)close(p[0]);
	(void)close(p[1]);
}

/* Opens a pseudo-terminal pair: *m the master, *s the slave. */
static void
pty_pair(int *m, int *s)
{
	assert_true((*m = posix_openpt(O_RDWR | O_NOCTTY)) != -1);
	assert_int_equal(grantpt(*m), 0);
	assert_int_equal(unlockpt(*m), 0);
	assert_true((*s = open(ptsname(*m), O_RDWR | O_NOCTTY)) != -1);
}

static void
test_terminal_gets_a_pty_of_its_size(void **state)
{
	struct winsize ws = {.ws_row = 33, .ws_col = 101}, got;
	struct out_io io;
	struct out *o;
	struct termios t;
	int m, s, c, fl;
	char buf[256];

	(void)state;
	ring_clear(&ring);
	pty_pair(&m, &s);
	assert_int_equal(ioctl(m, TIOCSWINSZ, &ws), 0);
	fl = fcntl(s, F_GETFL);
	assert_non_null(o = out_open(s, s));
	/* Our own description: the shared one stays blocking. */
	assert_int_equal(fcntl(s, F_GETFL), fl);
	out_capture(o, 1);
	assert_int_equal(out_prepare(o, &io), 0);
	assert_int_equal(io.pty[0], 1);
	assert_int_equal(io.child[0], io.child[1]);
	c = dup(io.child[0]);
	assert_true(isatty(c));
	assert_int_equal(ioctl(c, TIOCGWINSZ, &got), 0);
	assert_int_equal(got.ws_row, 33);
	assert_int_equal(got.ws_col, 101);
	/* Bytes pass unchanged: no output processing inside. */
	assert_int_equal(tcgetattr(c, &t), 0);
	assert_int_equal(t.c_oflag & OPOST, 0);
	out_started(o, &io, 11, &ring, NULL);
	/* A resize of ours reaches it on SIGWINCH. */
	ws.ws_row = 50;
	ws.ws_col = 160;
	assert_int_equal(ioctl(m, TIOCSWINSZ, &ws), 0);
	out_winch(o);
	assert_int_equal(ioctl(c, TIOCGWINSZ, &got), 0);
	assert_int_equal(got.ws_row, 50);
	assert_int_equal(got.ws_col, 160);
	assert_int_equal(write(c, "\033[1mbold\033[0m\n", 13), 13);
	(void)close(c);
	/* The slave closed by all: the rest, then EIO, the end. */
	out_drain(o, 11);
	assert_int_equal(out_sources(o), 0);
	assert_int_equal(ring_len(&ring), 13);
	assert_int_equal(fd_set_nonblock(m), 0);
	(void)slurp(m, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\033[1mbold\033[0m"));
	out_close(o);
	(void)close(s);
	(void)close(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capture_off_inherits),
	    cmocka_unit_test(test_two_pipes_pass_through),
	    cmocka_unit_test(test_same_file_one_pipe),
	    cmocka_unit_test(test_prefix_keeps_lines_whole),
	    cmocka_unit_test(test_stuck_stdout_is_bounded),
	    cmocka_unit_test(test_log_lines_wait_behind_output),
	    cmocka_unit_test(test_forget_drops_the_ring),
	    cmocka_unit_test(test_not_started_closes),
	    cmocka_unit_test(test_terminal_gets_a_pty_of_its_size),
	};

	log_init(LOG_QUIET);
	(void)signal(SIGPIPE, SIG_IGN); /* a write to a closed pipe */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
