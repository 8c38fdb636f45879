/* SPDX-License-Identifier: ISC */
/* test_pollset.c: one poll(2) entry per descriptor, whatever the number of
 * callbacks that wait on it; each callback runs only for what it waits
 * for (or a hang-up or an error); forgotten callbacks do not run; timers
 * run when due. */

#include <sys/types.h>
#include <sys/socket.h>

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "pollset.h"

/* What one callback saw. */
struct seen {
	int calls;
	short revents;
};

static void
record(void *arg, int fd, short revents, int64_t now)
{
	struct seen *s = arg;

	(void)fd;
	(void)now;
	s->calls++;
	s->revents = revents;
}

static void
record_timer(void *arg, int64_t now)
{
	struct seen *s = arg;

	(void)now;
	s->calls++;
}

/* A connected pair of stream sockets. */
static void
pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

/* One turn as the loop makes it, with a timeout of 0. */
static int
turn(struct pollset *ps)
{
	assert_true(poll(ps->pfd, (nfds_t)ps->nfds, 0) >= 0);
	return pollset_run(ps, 0);
}

/* Two modules waiting on one descriptor make one poll(2) entry with
 * both events, and each callback gets only its own. */
static void
test_one_entry_per_descriptor(void **state)
{
	struct pollset ps = {0};
	struct seen in = {0}, out = {0}, other = {0};
	int sv[2], sv2[2];

	(void)state;
	pair(sv);
	pair(sv2);
	assert_int_equal(pollset_add(&ps, sv[0], POLLIN, record, &in), 0);
	assert_int_equal(pollset_add(&ps, sv[0], POLLOUT, record, &out), 0);
	assert_int_equal(pollset_add(&ps, sv2[0], POLLIN, record, &other), 0);
	assert_int_equal(ps.nfds, 2);
	assert_int_equal(ps.pfd[0].fd, sv[0]);
	assert_int_equal(ps.pfd[0].events, POLLIN | POLLOUT);
	/* Nothing to read: only the one that waits to write runs. */
	assert_int_equal(turn(&ps), 1);
	assert_int_equal(in.calls, 0);
	assert_int_equal(out.calls, 1);
	assert_int_equal(out.revents, POLLOUT);
	assert_int_equal(other.calls, 0);
	/* Something to read: both run, each with its own event. */
	assert_int_equal(write(sv[1], "x", 1), 1);
	assert_int_equal(turn(&ps), 2);
	assert_int_equal(in.calls, 1);
	assert_int_equal(in.revents, POLLIN);
	assert_int_equal(out.calls, 2);
	assert_int_equal(out.revents, POLLOUT);
	pollset_free(&ps);
	(void)close(sv[0]);
	(void)close(sv[1]);
	(void)close(sv2[0]);
	(void)close(sv2[1]);
}

/* A thousand callbacks on a thousand descriptors, each added twice:
 * a thousand entries, not two thousand (poll(2) fails with EINVAL when
 * nfds exceeds RLIMIT_NOFILE). */
static void
test_many_twice(void **state)
{
	struct pollset ps = {0};
	struct seen s = {0};
	int fd;

	(void)state;
	for (fd = 0; fd < 1000; fd++) {
		assert_int_equal(pollset_add(&ps, fd, POLLIN, record, &s), 0);
		assert_int_equal(pollset_add(&ps, fd, POLLPRI, record, &s), 0);
	}
	assert_int_equal(ps.nfds, 1000);
	assert_int_equal(ps.nfns, 2000);
	/* The next turn starts empty, and adds each descriptor once again. */
	pollset_clear(&ps);
	assert_int_equal(ps.nfds, 0);
	assert_int_equal(pollset_add(&ps, 999, POLLIN, record, &s), 0);
	assert_int_equal(pollset_add(&ps, 999, POLLOUT, record, &s), 0);
	assert_int_equal(ps.nfds, 1);
	assert_int_equal(ps.pfd[0].events, POLLIN | POLLOUT);
	assert_int_equal(pollset_add(&ps, -1, POLLIN, record, &s), 0);
	assert_int_equal(ps.nfds, 1);
	pollset_free(&ps);
}

/* A hang-up reaches a callback that waits for no event at all; a
 * forgotten callback does not run. */
static void
test_hangup_and_forget(void **state)
{
	struct pollset ps = {0};
	struct seen hup = {0}, gone = {0};
	int sv[2];

	(void)state;
	pair(sv);
	assert_int_equal(pollset_add(&ps, sv[0], 0, record, &hup), 0);
	assert_int_equal(pollset_add(&ps, sv[0], POLLIN, record, &gone), 0);
	(void)close(sv[1]);
	pollset_forget(&ps, &gone);
	assert_int_equal(turn(&ps), 1);
	assert_int_equal(hup.calls, 1);
	assert_true(hup.revents & POLLHUP);
	assert_false(hup.revents & POLLIN);
	assert_int_equal(gone.calls, 0);
	pollset_free(&ps);
	(void)close(sv[0]);
}

/* Timers: the earliest gives the timeout; one that is due runs, a later
 * one does not, and none means waiting for ever. */
static void
test_timers(void **state)
{
	struct pollset ps = {0};
	struct seen due = {0}, later = {0};

	(void)state;
	assert_int_equal(pollset_timeout(&ps, 100), -1);
	assert_int_equal(pollset_timer(&ps, 150, record_timer, &later), 0);
	assert_int_equal(pollset_timer(&ps, 120, record_timer, &due), 0);
	assert_int_equal(pollset_timer(&ps, -1, record_timer, &due), 0);
	assert_int_equal(ps.ntimers, 2);
	assert_int_equal(pollset_timeout(&ps, 100), 20);
	assert_int_equal(pollset_run(&ps, 130), 1);
	assert_int_equal(due.calls, 1);
	assert_int_equal(later.calls, 0);
	pollset_free(&ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_entry_per_descriptor),
	    cmocka_unit_test(test_many_twice),
	    cmocka_unit_test(test_hangup_and_forget),
	    cmocka_unit_test(test_timers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
