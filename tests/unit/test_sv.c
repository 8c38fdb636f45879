/* SPDX-License-Identifier: ISC */
/* test_sv.c: the supervisor state machine driven with fake actions. */

#include <sys/types.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hp.h"
#include "sv.h"

/* wait(2) status encodings shared by Linux, the BSDs and macOS. */
#define EXITED(code) (((code)&0xff) << 8)
#define SIGNALED(sig) (sig)

struct fake {
	pid_t next_pid; /* pid the next start or build returns; 0: fail */
	int again; /* start and build return SV_START_AGAIN */
	int starts, builds;
	pid_t kill_pgid[32];
	int kill_sig[32];
	int kills;
};

static pid_t
fake_start(void *arg)
{
	struct fake *f = arg;

	f->starts++;
	if (f->again)
		return SV_START_AGAIN;
	return f->next_pid == 0 ? -1 : f->next_pid++;
}

static pid_t
fake_build(void *arg)
{
	struct fake *f = arg;

	f->builds++;
	if (f->again)
		return SV_START_AGAIN;
	return f->next_pid == 0 ? -1 : f->next_pid++;
}

static int
fake_kill(void *arg, pid_t pgid, int signo)
{
	struct fake *f = arg;

	assert_true(f->kills < 32);
	f->kill_pgid[f->kills] = pgid;
	f->kill_sig[f->kills++] = signo;
	return 0;
}

static const struct sv_ops ops = {fake_start, fake_build, fake_kill};

struct fixture {
	struct childconf c;
	struct fake f;
	struct sv sv;
};

static int
setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	fx.c.stop_signal = SIGTERM;
	fx.c.stop_timeout_ms = 5000;
	fx.c.restart = RESTART_ON_FAILURE;
	fx.c.mode = MODE_REPLACE;
	fx.c.ready = READY_NONE;
	fx.c.ready_timeout_ms = 30000;
	fx.f.next_pid = 100;
	sv_init(&fx.sv, &fx.c, "", &ops, &fx.f);
	log_init(LOG_QUIET);
	*state = &fx;
	return 0;
}

/* Process pid exits with status and its group empties at now. */
static void
exit_and_gone(struct sv *sv, int64_t now, pid_t pid, int status)
{
	sv_step(sv, TR_CHILD_EXIT, now, pid, status, NULL);
	sv_step(sv, TR_GROUP_GONE, now, pid, 0, NULL);
}

/* The last signal sent went to pgid and was sig. */
static void
last_kill(const struct fake *f, pid_t pgid, int sig)
{
	assert_true(f->kills > 0);
	assert_int_equal(f->kill_pgid[f->kills - 1], pgid);
	assert_int_equal(f->kill_sig[f->kills - 1], sig);
}

static void
test_start(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_RELOAD, 0, 0, 0, "early"); /* nothing to reload */
	assert_int_equal(x->f.starts, 0);
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	assert_int_equal(x->sv.state, ST_RUNNING);
	assert_int_equal(x->sv.cur.pid, 100);
	assert_int_equal(sv_deadline(&x->sv), -1);
	assert_true(sv_knows(&x->sv, 100));
	assert_false(sv_knows(&x->sv, 101));
}

static void
test_reload_stops_group_then_starts(void **state)
{
	struct fixture *x = *state;
	pid_t pg[4];

	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	sv_step(&x->sv, TR_RELOAD, 1000, 0, 0, "src/main.c changed");
	last_kill(&x->f, 100, SIGTERM);
	assert_int_equal(x->sv.cur.pid, 0);
	assert_int_equal(sv_deadline(&x->sv), 6000);
	/* A second change while stopping: no second signal, one start. */
	sv_step(&x->sv, TR_RELOAD, 1010, 0, 0, "again");
	assert_int_equal(x->f.kills, 1);
	/* The leader is gone but its group is not: still waiting. */
	assert_int_equal(sv_lingering(&x->sv, pg, 4), 0);
	sv_step(&x->sv, TR_CHILD_EXIT, 1020, 100, SIGNALED(SIGTERM), NULL);
	assert_int_equal(sv_lingering(&x->sv, pg, 4), 1);
	assert_int_equal(pg[0], 100);
	assert_int_equal(x->f.starts, 1);
	sv_step(&x->sv, TR_GROUP_GONE, 1030, 100, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 101);
	assert_int_equal(x->f.starts, 2);
	assert_int_equal(x->sv.reload_started, -1);
	assert_false(sv_knows(&x->sv, 100));
}

static void
test_stop_timeout_kills_once(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	sv_step(&x->sv, TR_RELOAD, 0, 0, 0, "SIGHUP");
	sv_step(&x->sv, TR_TIMER, 4999, 0, 0, NULL); /* early: nothing */
	assert_int_equal(x->f.kills, 1);
	sv_step(&x->sv, TR_TIMER, 5000, 0, 0, NULL);
	assert_int_equal(x->f.kills, 2);
	last_kill(&x->f, 100, SIGKILL);
	assert_int_equal(sv_deadline(&x->sv), -1);
	sv_step(&x->sv, TR_TIMER, 9000, 0, 0, NULL);
	assert_int_equal(x->f.kills, 2);
	exit_and_gone(&x->sv, 5001, 100, SIGNALED(SIGKILL));
	assert_int_equal(x->sv.cur.pid, 101);
}

static void
test_crash_backoff_doubles_then_waits(void **state)
{
	static const int64_t want[] = {100, 200, 400, 800};
	struct fixture *x = *state;
	int64_t now = 0;
	size_t i;

	sv_step(&x->sv, TR_START, now, 0, 0, NULL);
	for (i = 0; i < 4; i++) {
		pid_t pid = x->sv.cur.pid;

		sv_step(&x->sv, TR_CHILD_EXIT, now, pid, EXITED(1), NULL);
		/* What the crashed child left in its group is stopped. */
		last_kill(&x->f, pid, SIGTERM);
		sv_step(&x->sv, TR_GROUP_GONE, now, pid, 0, NULL);
		assert_int_equal(x->sv.cur.pid, 0);
		assert_int_equal(sv_deadline(&x->sv), now + want[i]);
		now += want[i];
		sv_step(&x->sv, TR_TIMER, now, 0, 0, NULL);
		assert_int_not_equal(x->sv.cur.pid, 0);
	}
	exit_and_gone(&x->sv, now, x->sv.cur.pid, EXITED(1));
	assert_true(x->sv.waiting); /* 5 within 30 s */
	assert_int_equal(sv_deadline(&x->sv), -1);
	assert_int_equal(x->f.starts, 5);
	/* A change starts it again, with the back-off forgiven. */
	sv_step(&x->sv, TR_RELOAD, now + 1, 0, 0, "src/a.c changed");
	assert_int_equal(x->f.starts, 6);
	exit_and_gone(&x->sv, now + 2, x->sv.cur.pid, EXITED(1));
	assert_int_equal(sv_deadline(&x->sv), now + 2 + 100);
}

static void
test_backoff_resets_after_uptime(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	exit_and_gone(&x->sv, 10, 100, EXITED(1));
	sv_step(&x->sv, TR_TIMER, 110, 0, 0, NULL);
	exit_and_gone(&x->sv, 120, 101, EXITED(1));
	assert_int_equal(sv_deadline(&x->sv), 120 + 200);
	sv_step(&x->sv, TR_TIMER, 320, 0, 0, NULL);
	/* Up for 10 s: the next crash starts from 100 ms again. */
	exit_and_gone(
	    &x->sv, 320 + SV_BACKOFF_RESET_MS, 102, SIGNALED(SIGSEGV));
	assert_int_equal(sv_deadline(&x->sv), 320 + SV_BACKOFF_RESET_MS + 100);
}

static void
test_backoff_is_capped(void **state)
{
	struct fixture *x = *state;
	int64_t now = 0, gap = 0;
	int i;

	/* Crashes after 9 s of uptime: never 5 within 30 s, never reset. */
	sv_step(&x->sv, TR_START, now, 0, 0, NULL);
	for (i = 0; i < 12; i++) {
		now += 9000;
		exit_and_gone(&x->sv, now, x->sv.cur.pid, EXITED(2));
		assert_false(x->sv.waiting);
		gap = sv_deadline(&x->sv) - now;
		now = sv_deadline(&x->sv);
		sv_step(&x->sv, TR_TIMER, now, 0, 0, NULL);
	}
	assert_int_equal(gap, SV_BACKOFF_MAX_MS);
}

static void
test_clean_exit_waits_on_failure(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	exit_and_gone(&x->sv, 10, 100, EXITED(0));
	assert_true(x->sv.waiting);
	assert_int_equal(sv_deadline(&x->sv), -1);
	sv_step(&x->sv, TR_RELOAD, 20, 0, 0, "SIGHUP");
	assert_int_equal(x->sv.cur.pid, 101);
}

static void
test_restart_always_and_no(void **state)
{
	struct fixture *x = *state;

	x->c.restart = RESTART_ALWAYS;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	exit_and_gone(&x->sv, 10, 100, EXITED(0));
	assert_int_equal(sv_deadline(&x->sv), 110);
	sv_step(&x->sv, TR_TIMER, 110, 0, 0, NULL);
	x->c.restart = RESTART_NO;
	exit_and_gone(&x->sv, 120, 101, EXITED(1));
	assert_true(x->sv.waiting);
}

static void
test_term_stops_and_finishes(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	sv_step(&x->sv, TR_TERM, 10, 0, 0, NULL);
	last_kill(&x->f, 100, SIGTERM);
	/* A reload now must not start anything. */
	sv_step(&x->sv, TR_RELOAD, 11, 0, 0, "SIGHUP");
	/* A second TERM: SIGKILL at once. */
	sv_step(&x->sv, TR_TERM, 12, 0, 0, NULL);
	assert_int_equal(x->f.kills, 2);
	last_kill(&x->f, 100, SIGKILL);
	exit_and_gone(&x->sv, 13, 100, SIGNALED(SIGKILL));
	assert_int_equal(x->sv.state, ST_DONE);
	assert_int_equal(x->sv.exit_status, 0);
	assert_int_equal(x->f.starts, 1);
}

static void
test_term_while_backing_off(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	exit_and_gone(&x->sv, 10, 100, EXITED(1));
	sv_step(&x->sv, TR_TERM, 20, 0, 0, NULL);
	assert_int_equal(x->sv.state, ST_DONE);
	assert_int_equal(x->f.kills, 1); /* only the crash's leftovers */
	assert_int_equal(x->f.starts, 1);
}

static void
test_start_failure_retries(void **state)
{
	struct fixture *x = *state;

	x->f.next_pid = 0;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 0);
	assert_int_equal(sv_deadline(&x->sv), 100);
	x->f.next_pid = 300;
	sv_step(&x->sv, TR_TIMER, 100, 0, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 300);
}

static void
test_reload_during_crash_cleanup_skips_backoff(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	sv_step(&x->sv, TR_CHILD_EXIT, 10, 100, EXITED(1), NULL);
	sv_step(&x->sv, TR_RELOAD, 11, 0, 0, "src/fix.c changed");
	sv_step(&x->sv, TR_GROUP_GONE, 12, 100, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 101);
	assert_int_equal(x->f.starts, 2);
}

static void
test_overlap_without_readiness_swaps_at_once(void **state)
{
	struct fixture *x = *state;

	x->c.mode = MODE_OVERLAP;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	sv_step(&x->sv, TR_RELOAD, 10, 0, 0, "SIGHUP");
	/* The new child started before the old one was signalled. */
	assert_int_equal(x->f.starts, 2);
	assert_int_equal(x->sv.cur.pid, 101);
	last_kill(&x->f, 100, SIGTERM);
}

static void
test_overlap_waits_for_ready(void **state)
{
	struct fixture *x = *state;

	x->c.mode = MODE_OVERLAP;
	x->c.ready = READY_NOTIFY;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	assert_int_equal(sv_deadline(&x->sv), 30000); /* ready timeout */
	sv_step(&x->sv, TR_READY, 5, 100, 0, NULL);
	assert_int_equal(sv_deadline(&x->sv), -1);
	sv_step(&x->sv, TR_RELOAD, 10, 0, 0, "SIGHUP");
	assert_int_equal(x->sv.next.pid, 101);
	assert_int_equal(x->sv.cur.pid, 100);
	assert_int_equal(x->f.kills, 0); /* the old one serves on */
	/* READY=1 from someone else's group changes nothing. */
	sv_step(&x->sv, TR_READY, 20, 999, 0, NULL);
	assert_int_equal(x->f.kills, 0);
	sv_step(&x->sv, TR_READY, 30, 101, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 101);
	assert_int_equal(x->sv.next.pid, 0);
	last_kill(&x->f, 100, SIGTERM);
}

static void
test_overlap_new_child_dies_before_ready(void **state)
{
	struct fixture *x = *state;

	x->c.mode = MODE_OVERLAP;
	x->c.ready = READY_NOTIFY;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	sv_step(&x->sv, TR_READY, 5, 100, 0, NULL);
	sv_step(&x->sv, TR_RELOAD, 10, 0, 0, "SIGHUP");
	sv_step(&x->sv, TR_CHILD_EXIT, 20, 101, EXITED(1), NULL);
	/* Its leftovers are stopped; the old child is kept. */
	last_kill(&x->f, 101, SIGTERM);
	sv_step(&x->sv, TR_GROUP_GONE, 21, 101, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 100);
	assert_int_equal(x->f.starts, 2);
	assert_int_equal(x->f.kills, 1);
	/* What the browser side tells: not a reload, a failure. */
	assert_int_equal(x->sv.next_fails, 1);
	assert_int_equal(x->sv.readies, 1);
	assert_string_equal(x->sv.next_line,
	    "the new child exited with status 1 before it was ready; the "
	    "running one stays");
}

static void
test_overlap_ready_timeout_keeps_old(void **state)
{
	struct fixture *x = *state;

	x->c.mode = MODE_OVERLAP;
	x->c.ready = READY_NOTIFY;
	x->c.ready_timeout_ms = 1000;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	sv_step(&x->sv, TR_READY, 5, 100, 0, NULL);
	sv_step(&x->sv, TR_RELOAD, 10, 0, 0, "SIGHUP");
	assert_int_equal(sv_deadline(&x->sv), 1010);
	sv_step(&x->sv, TR_TIMER, 1010, 0, 0, NULL);
	last_kill(&x->f, 101, SIGTERM);
	assert_int_equal(x->sv.cur.pid, 100);
	assert_int_equal(x->sv.next.pid, 0);
	assert_int_equal(x->sv.next_fails, 1);
	assert_string_equal(x->sv.next_line,
	    "the new child sent no READY=1 in 1.00 s before it was "
	    "ready; the running one stays");
}

static void
test_replace_notify_logs_when_ready(void **state)
{
	struct fixture *x = *state;

	x->c.ready = READY_NOTIFY;
	x->c.ready_timeout_ms = 500;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	assert_false(x->sv.cur.ready);
	/* Silent past the timeout: logged, kept running. */
	sv_step(&x->sv, TR_TIMER, 500, 0, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 100);
	assert_int_equal(x->f.kills, 0);
	assert_int_equal(sv_deadline(&x->sv), -1);
	sv_step(&x->sv, TR_READY, 600, 100, 0, NULL);
	assert_true(x->sv.cur.ready);
}

static void
test_build_gates_the_start(void **state)
{
	struct fixture *x = *state;

	x->c.build = "make";
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	assert_int_equal(x->f.builds, 1);
	assert_int_equal(x->f.starts, 0);
	assert_int_equal(x->sv.build.pid, 100);
	sv_step(&x->sv, TR_CHILD_EXIT, 1310, 100, EXITED(0), NULL);
	assert_int_equal(x->sv.cur.pid, 101);
	/* A failed build keeps the running child. */
	sv_step(&x->sv, TR_RELOAD, 2000, 0, 0, "src/main.c changed");
	assert_int_equal(x->sv.build.pid, 102);
	assert_int_equal(x->f.kills, 0);
	sv_step(&x->sv, TR_CHILD_EXIT, 2100, 102, EXITED(2), NULL);
	sv_step(&x->sv, TR_GROUP_GONE, 2100, 102, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 101);
	assert_int_equal(x->f.starts, 1);
	assert_false(x->sv.pending);
	/* The next good build replaces it. */
	sv_step(&x->sv, TR_RELOAD, 3000, 0, 0, "src/main.c changed");
	sv_step(&x->sv, TR_CHILD_EXIT, 3500, 103, EXITED(0), NULL);
	last_kill(&x->f, 101, SIGTERM);
	exit_and_gone(&x->sv, 3510, 101, SIGNALED(SIGTERM));
	assert_int_equal(x->sv.cur.pid, 104);
}

static void
test_change_during_build_rebuilds(void **state)
{
	struct fixture *x = *state;

	x->c.build = "make";
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	sv_step(&x->sv, TR_RELOAD, 10, 0, 0, "src/a.c changed");
	/* The first build is stopped; no second build runs beside it. */
	last_kill(&x->f, 100, SIGTERM);
	assert_int_equal(x->f.builds, 1);
	exit_and_gone(&x->sv, 20, 100, SIGNALED(SIGTERM));
	assert_int_equal(x->f.builds, 2);
	assert_int_equal(x->sv.build.pid, 101);
	sv_step(&x->sv, TR_CHILD_EXIT, 30, 101, EXITED(0), NULL);
	assert_int_equal(x->sv.cur.pid, 102);
	/* TERM during a build stops the build too. */
	sv_step(&x->sv, TR_RELOAD, 40, 0, 0, "src/b.c changed");
	sv_step(&x->sv, TR_TERM, 41, 0, 0, NULL);
	exit_and_gone(&x->sv, 42, 103, SIGNALED(SIGTERM));
	assert_int_not_equal(x->sv.state, ST_DONE); /* the child remains */
	exit_and_gone(&x->sv, 43, 102, SIGNALED(SIGTERM));
	assert_int_equal(x->sv.state, ST_DONE);
}

/* SV_START_AGAIN (fork(2) EAGAIN, EMFILE): not a crash. The start is
 * tried again with back-off, without end, and works once it can. */
static void
test_start_again_is_not_a_crash(void **state)
{
	struct fixture *x = *state;
	int64_t t = 0, prev;
	int i;

	x->f.again = 1;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	assert_int_equal(x->f.starts, 1);
	assert_int_equal(x->sv.cur.pid, 0);
	assert_int_equal(sv_deadline(&x->sv), SV_BACKOFF_MIN_MS);
	/* Far more tries than SV_CRASH_MAX, and never "waiting". */
	for (i = 0; i < 20; i++) {
		prev = t;
		t = sv_deadline(&x->sv);
		assert_true(t > prev);
		sv_step(&x->sv, TR_TIMER, t, 0, 0, NULL);
	}
	assert_int_equal(x->f.starts, 21);
	assert_false(x->sv.waiting);
	assert_int_equal(sv_deadline(&x->sv) - t, SV_BACKOFF_MAX_MS);
	/* Early wake-ups start nothing. */
	sv_step(&x->sv, TR_TIMER, t + 1, 0, 0, NULL);
	assert_int_equal(x->f.starts, 21);
	x->f.again = 0;
	sv_step(&x->sv, TR_TIMER, sv_deadline(&x->sv), 0, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 100);
	assert_int_equal(x->sv.again_ms, SV_BACKOFF_MIN_MS);
	assert_int_equal(sv_deadline(&x->sv), -1);
}

/* After a crash, a restart put off by SV_START_AGAIN does not build
 * again; in overlap mode a reload put off keeps the old child serving. */
static void
test_start_again_keeps_build_and_child(void **state)
{
	struct fixture *x = *state;
	int kills;

	x->c.build = "make";
	x->c.restart = RESTART_ALWAYS;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	sv_step(&x->sv, TR_CHILD_EXIT, 100, 100, EXITED(0), NULL);
	assert_int_equal(x->sv.cur.pid, 101);
	exit_and_gone(&x->sv, 200, 101, EXITED(1)); /* a crash */
	x->f.again = 1;
	sv_step(&x->sv, TR_TIMER, sv_deadline(&x->sv), 0, 0, NULL);
	assert_int_equal(x->f.starts, 2);
	x->f.again = 0;
	sv_step(&x->sv, TR_TIMER, sv_deadline(&x->sv), 0, 0, NULL);
	assert_int_equal(x->f.builds, 1);
	assert_int_equal(x->sv.cur.pid, 102);

	x->c.build = NULL;
	x->c.mode = MODE_OVERLAP;
	x->f.again = 1;
	kills = x->f.kills;
	sv_step(&x->sv, TR_RELOAD, 5000, 0, 0, "SIGHUP");
	assert_int_equal(x->sv.cur.pid, 102);
	assert_int_equal(x->sv.next.pid, 0);
	assert_int_equal(x->f.kills, kills); /* nothing stopped */
	x->f.again = 0;
	sv_step(&x->sv, TR_TIMER, sv_deadline(&x->sv), 0, 0, NULL);
	assert_int_equal(x->sv.cur.pid, 103); /* ready = none: promoted */
	last_kill(&x->f, 102, SIGTERM);
}

static void
test_down_after_first_build_fails(void **state)
{
	struct fixture *x = *state;
	char line[128];

	x->c.build = "make";
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	assert_int_equal(x->sv.builds, 1);
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_UP);
	assert_string_equal(line, "");
	sv_step(&x->sv, TR_CHILD_EXIT, 1310, 100, EXITED(2), NULL);
	assert_int_equal(x->sv.build_fails, 1);
	sv_build_line(&x->sv, line, sizeof(line));
	assert_string_equal(line, "build failed with status 2 after 1.31 s");
	/* Down at once: a build's leftovers hold no socket. */
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_DOWN_BUILD);
	assert_string_equal(line, "build failed with status 2 after 1.31 s");
	sv_step(&x->sv, TR_GROUP_GONE, 1310, 100, 0, NULL);
	/* Still down while the next build runs: no child can serve yet. */
	sv_step(&x->sv, TR_RELOAD, 2000, 0, 0, "src/main.c changed");
	assert_int_equal(x->sv.builds, 2);
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_DOWN_BUILD);
	sv_step(&x->sv, TR_CHILD_EXIT, 2500, 101, SIGNALED(SIGKILL), NULL);
	assert_int_equal(x->sv.build_fails, 2);
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_DOWN_BUILD);
	assert_string_equal(line, "build killed by SIGKILL after 500 ms");
	sv_step(&x->sv, TR_GROUP_GONE, 2500, 101, 0, NULL);
	/* A good build starts a child: up, and announced ready. */
	sv_step(&x->sv, TR_RELOAD, 3000, 0, 0, "src/main.c changed");
	sv_step(&x->sv, TR_CHILD_EXIT, 3100, 102, EXITED(0), NULL);
	assert_int_equal(x->sv.cur.pid, 103);
	assert_int_equal(x->sv.readies, 1);
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_UP);
	/* A failed build beside a serving child is no down. */
	sv_step(&x->sv, TR_RELOAD, 4000, 0, 0, "src/main.c changed");
	sv_step(&x->sv, TR_CHILD_EXIT, 4100, 104, EXITED(1), NULL);
	assert_int_equal(x->sv.build_fails, 3);
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_UP);
	assert_int_equal(x->sv.downs, 2);
}

static void
test_down_after_crashes(void **state)
{
	struct fixture *x = *state;
	char line[128];
	int64_t t = 0;
	int i;

	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	for (i = 0; i < SV_CRASH_MAX; i++) {
		assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_UP);
		sv_step(
		    &x->sv, TR_CHILD_EXIT, t, 100 + i, SIGNALED(SIGSEGV), NULL);
		if (i == SV_CRASH_MAX - 1) {
			/* Its group may still hold the socket. */
			assert_int_equal(
			    sv_down(&x->sv, line, sizeof(line)), SV_UP);
			sv_step(&x->sv, TR_GROUP_GONE, t, 100 + i, 0, NULL);
			break;
		}
		sv_step(&x->sv, TR_GROUP_GONE, t, 100 + i, 0, NULL);
		t = sv_deadline(&x->sv);
		sv_step(&x->sv, TR_TIMER, t, 0, 0, NULL);
	}
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_DOWN_CRASHES);
	assert_string_equal(line,
	    "crashed with SIGSEGV, 5 times within 30 s; waiting for a change");
	sv_step(&x->sv, TR_RELOAD, t + 10, 0, 0, "SIGHUP");
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_UP);
	/* The first start and this one; restarts after a crash are not. */
	assert_int_equal(x->sv.readies, 2);
}

static void
test_down_after_exit_without_restart(void **state)
{
	struct fixture *x = *state;
	char line[128];

	x->c.restart = RESTART_NO;
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	exit_and_gone(&x->sv, 10, 100, EXITED(3));
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_DOWN_EXITED);
	assert_string_equal(line,
	    "exited with status 3; not restarted "
	    "(restart = no); waiting for a change");
	/* Stopping for good is no down. */
	sv_step(&x->sv, TR_TERM, 20, 0, 0, NULL);
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_UP);
}

static void
test_down_when_it_cannot_start(void **state)
{
	struct fixture *x = *state;
	char line[128];
	int i;

	x->f.next_pid = 0; /* every start fails: no such command */
	sv_step(&x->sv, TR_START, 0, 0, 0, NULL);
	for (i = 1; i < SV_CRASH_MAX; i++)
		sv_step(&x->sv, TR_TIMER, sv_deadline(&x->sv), 0, 0, NULL);
	assert_int_equal(x->f.starts, SV_CRASH_MAX);
	assert_int_equal(sv_down(&x->sv, line, sizeof(line)), SV_DOWN_CRASHES);
	assert_string_equal(line,
	    "could not be started, 5 times within 30 "
	    "s; waiting for a change");
}

static void
test_describe(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(
	    sv_describe(EXITED(3), buf, sizeof(buf)), "exited with status 3");
	assert_string_equal(sv_describe(SIGNALED(SIGSEGV), buf, sizeof(buf)),
	    "killed by SIGSEGV");
	assert_string_equal(sv_describe(SIGNALED(SIGKILL), buf, sizeof(buf)),
	    "killed by SIGKILL");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_start, setup),
	    cmocka_unit_test_setup(test_reload_stops_group_then_starts, setup),
	    cmocka_unit_test_setup(test_stop_timeout_kills_once, setup),
	    cmocka_unit_test_setup(
		test_crash_backoff_doubles_then_waits, setup),
	    cmocka_unit_test_setup(test_backoff_resets_after_uptime, setup),
	    cmocka_unit_test_setup(test_backoff_is_capped, setup),
	    cmocka_unit_test_setup(test_clean_exit_waits_on_failure, setup),
	    cmocka_unit_test_setup(test_restart_always_and_no, setup),
	    cmocka_unit_test_setup(test_term_stops_and_finishes, setup),
	    cmocka_unit_test_setup(test_term_while_backing_off, setup),
	    cmocka_unit_test_setup(test_start_failure_retries, setup),
	    cmocka_unit_test_setup(
		test_reload_during_crash_cleanup_skips_backoff, setup),
	    cmocka_unit_test_setup(
		test_overlap_without_readiness_swaps_at_once, setup),
	    cmocka_unit_test_setup(test_overlap_waits_for_ready, setup),
	    cmocka_unit_test_setup(
		test_overlap_new_child_dies_before_ready, setup),
	    cmocka_unit_test_setup(test_overlap_ready_timeout_keeps_old, setup),
	    cmocka_unit_test_setup(test_replace_notify_logs_when_ready, setup),
	    cmocka_unit_test_setup(test_build_gates_the_start, setup),
	    cmocka_unit_test_setup(test_start_again_is_not_a_crash, setup),
	    cmocka_unit_test_setup(
		test_start_again_keeps_build_and_child, setup),
	    cmocka_unit_test_setup(test_change_during_build_rebuilds, setup),
	    cmocka_unit_test_setup(test_down_after_first_build_fails, setup),
	    cmocka_unit_test_setup(test_down_after_crashes, setup),
	    cmocka_unit_test_setup(test_down_after_exit_without_restart, setup),
	    cmocka_unit_test_setup(test_down_when_it_cannot_start, setup),
	    cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
