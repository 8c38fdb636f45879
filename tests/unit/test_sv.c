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

/* wait(2) status encodings shared by Linux, the BSDs and macOS. */
#define EXITED(code) (((code)&0xff) << 8)
#define SIGNALED(sig) (sig)

struct fake {
	pid_t next_pid; /* pid the next start returns; 0: fail */
	int starts;
	pid_t kill_pgid[16];
	int kill_sig[16];
	int kills;
};

static pid_t
fake_start(void *arg)
{
	struct fake *f = arg;

	f->starts++;
	return f->next_pid == 0 ? -1 : f->next_pid++;
}

static int
fake_kill(void *arg, pid_t pgid, int signo)
{
	struct fake *f = arg;

	assert_true(f->kills < 16);
	f->kill_pgid[f->kills] = pgid;
	f->kill_sig[f->kills++] = signo;
	return 0;
}

static const struct sv_ops ops = {fake_start, fake_kill};

struct fixture {
	struct conf c;
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
	fx.f.next_pid = 100;
	sv_init(&fx.sv, &fx.c, &ops, &fx.f);
	log_init(LOG_QUIET);
	*state = &fx;
	return 0;
}

/* The child exits with status and its group empties at now. */
static void
exit_and_gone(struct sv *sv, int64_t now, int status)
{
	sv_step(sv, TR_CHILD_EXIT, now, status, NULL);
	sv_step(sv, TR_GROUP_GONE, now, 0, NULL);
}

static void
test_start(void **state)
{
	struct fixture *x = *state;

	assert_int_equal(x->sv.state, ST_IDLE);
	sv_step(&x->sv, TR_RELOAD, 0, 0, "early"); /* nothing to reload */
	assert_int_equal(x->f.starts, 0);
	sv_step(&x->sv, TR_START, 0, 0, NULL);
	assert_int_equal(x->sv.state, ST_RUNNING);
	assert_int_equal(x->sv.pid, 100);
	assert_int_equal(sv_deadline(&x->sv), -1);
}

static void
test_reload_stops_group_then_starts(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, NULL);
	sv_step(&x->sv, TR_RELOAD, 1000, 0, "src/main.c changed");
	assert_int_equal(x->sv.state, ST_STOPPING);
	assert_int_equal(x->f.kills, 1);
	assert_int_equal(x->f.kill_pgid[0], 100);
	assert_int_equal(x->f.kill_sig[0], SIGTERM);
	assert_int_equal(sv_deadline(&x->sv), 6000);
	/* A second change while stopping: no second signal, one start. */
	sv_step(&x->sv, TR_RELOAD, 1010, 0, "again");
	assert_int_equal(x->f.kills, 1);
	/* The leader is gone but its group is not: still waiting. */
	sv_step(&x->sv, TR_CHILD_EXIT, 1020, SIGNALED(SIGTERM), NULL);
	assert_int_equal(x->sv.state, ST_STOPPING);
	assert_int_equal(x->f.starts, 1);
	sv_step(&x->sv, TR_GROUP_GONE, 1030, 0, NULL);
	assert_int_equal(x->sv.state, ST_RUNNING);
	assert_int_equal(x->sv.pid, 101);
	assert_int_equal(x->f.starts, 2);
	assert_int_equal(x->sv.reload_started, -1);
}

static void
test_stop_timeout_kills_once(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, NULL);
	sv_step(&x->sv, TR_RELOAD, 0, 0, "SIGHUP");
	sv_step(&x->sv, TR_TIMER, 4999, 0, NULL); /* early: nothing */
	assert_int_equal(x->f.kills, 1);
	sv_step(&x->sv, TR_TIMER, 5000, 0, NULL);
	assert_int_equal(x->f.kills, 2);
	assert_int_equal(x->f.kill_sig[1], SIGKILL);
	assert_int_equal(x->f.kill_pgid[1], 100);
	assert_int_equal(sv_deadline(&x->sv), -1);
	sv_step(&x->sv, TR_TIMER, 9000, 0, NULL);
	assert_int_equal(x->f.kills, 2);
	exit_and_gone(&x->sv, 5001, SIGNALED(SIGKILL));
	assert_int_equal(x->sv.state, ST_RUNNING);
}

static void
test_crash_backoff_doubles_then_waits(void **state)
{
	static const int64_t want[] = {100, 200, 400, 800};
	struct fixture *x = *state;
	int64_t now = 0;
	size_t i;

	sv_step(&x->sv, TR_START, now, 0, NULL);
	for (i = 0; i < 4; i++) {
		sv_step(&x->sv, TR_CHILD_EXIT, now, EXITED(1), NULL);
		/* Leftovers of the crashed child's group are stopped first. */
		assert_int_equal(x->sv.state, ST_STOPPING);
		assert_int_equal(x->f.kill_sig[x->f.kills - 1], SIGTERM);
		sv_step(&x->sv, TR_GROUP_GONE, now, 0, NULL);
		assert_int_equal(x->sv.state, ST_BACKOFF);
		assert_int_equal(sv_deadline(&x->sv), now + want[i]);
		now += want[i];
		sv_step(&x->sv, TR_TIMER, now, 0, NULL);
		assert_int_equal(x->sv.state, ST_RUNNING);
	}
	exit_and_gone(&x->sv, now, EXITED(1));
	assert_int_equal(x->sv.state, ST_WAITING); /* 5 within 30 s */
	assert_int_equal(sv_deadline(&x->sv), -1);
	assert_int_equal(x->f.starts, 5);
	/* A change starts it again, with the back-off forgiven. */
	sv_step(&x->sv, TR_RELOAD, now + 1, 0, "src/a.c changed");
	assert_int_equal(x->sv.state, ST_RUNNING);
	exit_and_gone(&x->sv, now + 2, EXITED(1));
	assert_int_equal(sv_deadline(&x->sv), now + 2 + 100);
}

static void
test_backoff_resets_after_uptime(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, NULL);
	exit_and_gone(&x->sv, 10, EXITED(1));
	sv_step(&x->sv, TR_TIMER, 110, 0, NULL);
	exit_and_gone(&x->sv, 120, EXITED(1));
	assert_int_equal(sv_deadline(&x->sv), 120 + 200);
	sv_step(&x->sv, TR_TIMER, 320, 0, NULL);
	/* Up for 10 s: the next crash starts from 100 ms again. */
	exit_and_gone(&x->sv, 320 + SV_BACKOFF_RESET_MS, SIGNALED(SIGSEGV));
	assert_int_equal(sv_deadline(&x->sv), 320 + SV_BACKOFF_RESET_MS + 100);
}

static void
test_backoff_is_capped(void **state)
{
	struct fixture *x = *state;
	int64_t now = 0, gap = 0;
	int i;

	/* Crashes 31 s apart never make a crash loop but keep doubling
	 * only while uptime stays under 10 s: use 9 s of uptime. */
	sv_step(&x->sv, TR_START, now, 0, NULL);
	for (i = 0; i < 12; i++) {
		now += 9000;
		exit_and_gone(&x->sv, now, EXITED(2));
		if (x->sv.state == ST_WAITING)
			break;
		gap = sv_deadline(&x->sv) - now;
		now = sv_deadline(&x->sv);
		sv_step(&x->sv, TR_TIMER, now, 0, NULL);
	}
	assert_int_equal(gap, SV_BACKOFF_MAX_MS);
}

static void
test_clean_exit_waits_on_failure(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, NULL);
	exit_and_gone(&x->sv, 10, EXITED(0));
	assert_int_equal(x->sv.state, ST_WAITING);
	sv_step(&x->sv, TR_RELOAD, 20, 0, "SIGHUP");
	assert_int_equal(x->sv.state, ST_RUNNING);
	assert_int_equal(x->f.starts, 2);
}

static void
test_restart_always_and_no(void **state)
{
	struct fixture *x = *state;

	x->c.restart = RESTART_ALWAYS;
	sv_step(&x->sv, TR_START, 0, 0, NULL);
	exit_and_gone(&x->sv, 10, EXITED(0));
	assert_int_equal(x->sv.state, ST_BACKOFF);
	sv_step(&x->sv, TR_TIMER, 110, 0, NULL);
	x->c.restart = RESTART_NO;
	exit_and_gone(&x->sv, 120, EXITED(1));
	assert_int_equal(x->sv.state, ST_WAITING);
}

static void
test_term_stops_and_finishes(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, NULL);
	sv_step(&x->sv, TR_TERM, 10, 0, NULL);
	assert_int_equal(x->sv.state, ST_STOPPING);
	assert_int_equal(x->f.kill_sig[0], SIGTERM);
	/* A reload now must not start anything. */
	sv_step(&x->sv, TR_RELOAD, 11, 0, "SIGHUP");
	/* A second TERM: SIGKILL at once. */
	sv_step(&x->sv, TR_TERM, 12, 0, NULL);
	assert_int_equal(x->f.kills, 2);
	assert_int_equal(x->f.kill_sig[1], SIGKILL);
	exit_and_gone(&x->sv, 13, SIGNALED(SIGKILL));
	assert_int_equal(x->sv.state, ST_DONE);
	assert_int_equal(x->sv.exit_status, 0);
	assert_int_equal(x->f.starts, 1);
}

static void
test_term_while_backing_off(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, NULL);
	exit_and_gone(&x->sv, 10, EXITED(1));
	assert_int_equal(x->sv.state, ST_BACKOFF);
	sv_step(&x->sv, TR_TERM, 20, 0, NULL);
	assert_int_equal(x->sv.state, ST_DONE);
	assert_int_equal(x->f.kills, 1); /* only the crash's leftovers */
	assert_int_equal(sv_deadline(&x->sv), -1);
}

static void
test_start_failure_retries(void **state)
{
	struct fixture *x = *state;

	x->f.next_pid = 0;
	sv_step(&x->sv, TR_START, 0, 0, NULL);
	assert_int_equal(x->sv.state, ST_BACKOFF);
	assert_int_equal(sv_deadline(&x->sv), 100);
	x->f.next_pid = 300;
	sv_step(&x->sv, TR_TIMER, 100, 0, NULL);
	assert_int_equal(x->sv.state, ST_RUNNING);
	assert_int_equal(x->sv.pid, 300);
}

static void
test_reload_during_crash_cleanup_skips_backoff(void **state)
{
	struct fixture *x = *state;

	sv_step(&x->sv, TR_START, 0, 0, NULL);
	sv_step(&x->sv, TR_CHILD_EXIT, 10, EXITED(1), NULL);
	sv_step(&x->sv, TR_RELOAD, 11, 0, "src/fix.c changed");
	sv_step(&x->sv, TR_GROUP_GONE, 12, 0, NULL);
	assert_int_equal(x->sv.state, ST_RUNNING);
	assert_int_equal(x->f.starts, 2);
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
	    cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
