/* SPDX-License-Identifier: ISC */
/* sv.c: the supervisor state machine (DESIGN 5): a switch over (state,
 * trigger) calling small named actions. No syscalls: starting and
 * signalling go through struct sv_ops, so tests drive it with fakes. */

#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "hp.h"

void
sv_init(
    struct sv *sv, const struct conf *c, const struct sv_ops *ops, void *arg)
{
	memset(sv, 0, sizeof(*sv));
	sv->state = ST_IDLE;
	sv->conf = c;
	sv->ops = ops;
	sv->arg = arg;
	sv->deadline = -1;
	sv->reload_started = -1;
	sv->backoff_ms = SV_BACKOFF_MIN_MS;
}

int64_t
sv_deadline(const struct sv *sv)
{
	return sv->deadline;
}

char *
sv_describe(int status, char *buf, size_t len)
{
	const char *name;

	if (WIFEXITED(status)) {
		(void)snprintf(
		    buf, len, "exited with status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		name = signal_name(WTERMSIG(status));
		if (name != NULL)
			(void)snprintf(buf, len, "killed by SIG%s%s", name,
#ifdef WCOREDUMP
			    WCOREDUMP(status) ? " (core dumped)" :
#endif
						"");
		else
			(void)snprintf(
			    buf, len, "killed by signal %d", WTERMSIG(status));
	} else {
		(void)snprintf(buf, len, "stopped (status 0x%x)", status);
	}
	return buf;
}

/* Formats a duration in ms for the log: "3 ms", "<1 ms", "1.31 s". */
static const char *
sv_ms(int64_t ms, char *buf, size_t len)
{
	if (ms < 1)
		(void)snprintf(buf, len, "<1 ms");
	else if (ms < 1000)
		(void)snprintf(buf, len, "%lld ms", (long long)ms);
	else
		(void)snprintf(buf, len, "%.2f s", (double)ms / 1000);
	return buf;
}

/* Starts a child now. A failure to start counts as a crash. */
static void
sv_start(struct sv *sv, int64_t now)
{
	char t[32];
	pid_t pid;

	sv->want_start = 0;
	sv->deadline = -1;
	if ((pid = sv->ops->start(sv->arg)) == -1) {
		/* ops->start logged why. Retry after the back-off. */
		sv->state = ST_BACKOFF;
		sv->deadline = now + sv->backoff_ms;
		log_warnx(
		    "retrying in %s", sv_ms(sv->backoff_ms, t, sizeof(t)));
		if ((sv->backoff_ms *= 2) > SV_BACKOFF_MAX_MS)
			sv->backoff_ms = SV_BACKOFF_MAX_MS;
		return;
	}
	sv->state = ST_RUNNING;
	sv->pid = pid;
	sv->leader_gone = 0;
	sv->killed = 0;
	sv->exited = 0;
	sv->started = now;
	sv->generation++;
	if (sv->reload_started >= 0)
		log_info("%s, restarted pid %ld in %s", sv->reason, (long)pid,
		    sv_ms(now - sv->reload_started, t, sizeof(t)));
	else if (sv->generation == 1)
		log_info("started pid %ld", (long)pid);
	else
		log_info("restarted pid %ld", (long)pid);
	sv->reload_started = -1;
}

/* Signals the child's whole process group and waits for it to be gone;
 * SIGKILL follows after stop_timeout. */
static void
sv_stop(struct sv *sv, int64_t now)
{
	(void)sv->ops->kill(sv->arg, sv->pid, sv->conf->stop_signal);
	sv->state = ST_STOPPING;
	sv->deadline = now + sv->conf->stop_timeout_ms;
}

/* Remembers why and when a reload began, for the reload line. */
static void
sv_note_reload(struct sv *sv, int64_t now, const char *reason)
{
	if (sv->reload_started >= 0)
		return; /* the first cause of a pending reload is reported */
	sv->reload_started = now;
	(void)snprintf(sv->reason, sizeof(sv->reason), "%s",
	    reason != NULL ? reason : "reload");
}

/* Counts a crash at now in the ring; returns how many fell within the
 * last SV_CRASH_WINDOW_MS. */
static size_t
sv_count_crash(struct sv *sv, int64_t now)
{
	size_t i, n = 0;

	sv->crashes[sv->ncrashes++ % SV_CRASH_MAX] = now;
	for (i = 0; i < SV_CRASH_MAX && i < sv->ncrashes; i++)
		if (now - sv->crashes[i] < SV_CRASH_WINDOW_MS)
			n++;
	return n;
}

/* The child exited on its own and its group is gone: restart per the
 * restart policy, with back-off, or wait for a change (DESIGN 5). */
static void
sv_after_exit(struct sv *sv, int64_t now)
{
	int clean = WIFEXITED(sv->status) && WEXITSTATUS(sv->status) == 0;
	char t[32];

	if (sv->conf->restart == RESTART_NO ||
	    (sv->conf->restart == RESTART_ON_FAILURE && clean)) {
		sv->state = ST_WAITING;
		log_info("not restarting (restart = %s); waiting for a change "
			 "or SIGHUP",
		    sv->conf->restart == RESTART_NO ? "no" : "on-failure");
		return;
	}
	if (now - sv->started >= SV_BACKOFF_RESET_MS) {
		sv->backoff_ms = SV_BACKOFF_MIN_MS;
		sv->ncrashes = 0;
	}
	if (sv_count_crash(sv, now) >= SV_CRASH_MAX) {
		sv->state = ST_WAITING;
		log_warnx("the child crashed %d times within %d s; waiting "
			  "for a change or SIGHUP",
		    SV_CRASH_MAX, SV_CRASH_WINDOW_MS / 1000);
		return;
	}
	sv->state = ST_BACKOFF;
	sv->deadline = now + sv->backoff_ms;
	log_info("restarting in %s", sv_ms(sv->backoff_ms, t, sizeof(t)));
	if ((sv->backoff_ms *= 2) > SV_BACKOFF_MAX_MS)
		sv->backoff_ms = SV_BACKOFF_MAX_MS;
}

/* A reload or SIGHUP while no child runs: start at once, forgiving
 * earlier crashes (the user changed something). */
static void
sv_fresh_start(struct sv *sv, int64_t now, const char *reason)
{
	sv->ncrashes = 0;
	sv->backoff_ms = SV_BACKOFF_MIN_MS;
	sv_note_reload(sv, now, reason);
	sv_start(sv, now);
}

static void
sv_child_exit(struct sv *sv, int64_t now, int status)
{
	char what[64];

	sv->leader_gone = 1;
	if (sv->state != ST_RUNNING) {
		log_debug("pid %ld %s", (long)sv->pid,
		    sv_describe(status, what, sizeof(what)));
		return;
	}
	/* It exited on its own. Stop what it left in its group (a worker
	 * holding the listen fd would keep serving old code), then decide. */
	sv->exited = 1;
	sv->status = status;
	log_warnx("pid %ld %s", (long)sv->pid,
	    sv_describe(status, what, sizeof(what)));
	sv_stop(sv, now);
}

static void
sv_group_gone(struct sv *sv, int64_t now)
{
	if (sv->state != ST_STOPPING || !sv->leader_gone)
		return;
	sv->pid = 0;
	sv->deadline = -1;
	if (sv->want_exit) {
		sv->state = ST_DONE;
		sv->exit_status = 0;
	} else if (sv->want_start) {
		sv_start(sv, now);
	} else if (sv->exited) {
		sv_after_exit(sv, now);
	} else {
		sv->state = ST_WAITING; /* not reached: a stop has a cause */
	}
}

static void
sv_timer(struct sv *sv, int64_t now)
{
	char t[32];

	if (sv->deadline < 0 || now < sv->deadline)
		return;
	switch (sv->state) {
	case ST_STOPPING:
		sv->deadline = -1;
		if (sv->killed)
			break;
		log_warnx("pid %ld did not stop within %s of SIG%s; sending "
			  "SIGKILL to its process group",
		    (long)sv->pid,
		    sv_ms(sv->conf->stop_timeout_ms, t, sizeof(t)),
		    signal_name(sv->conf->stop_signal) != NULL ?
			signal_name(sv->conf->stop_signal) :
			"?");
		sv->killed = 1;
		(void)sv->ops->kill(sv->arg, sv->pid, SIGKILL);
		break;
	case ST_BACKOFF:
		sv_start(sv, now);
		break;
	default:
		sv->deadline = -1;
		break;
	}
}

static void
sv_term(struct sv *sv, int64_t now)
{
	switch (sv->state) {
	case ST_RUNNING:
		sv->want_exit = 1;
		sv_stop(sv, now);
		break;
	case ST_STOPPING:
		if (sv->want_exit && !sv->killed) {
			/* Asked twice (Ctrl-C again): do not wait. */
			log_warnx("stopping now: SIGKILL to pid %ld and its "
				  "process group",
			    (long)sv->pid);
			sv->killed = 1;
			sv->deadline = -1;
			(void)sv->ops->kill(sv->arg, sv->pid, SIGKILL);
		}
		sv->want_exit = 1;
		sv->want_start = 0;
		break;
	case ST_DONE:
		break;
	default:
		sv->state = ST_DONE;
		sv->exit_status = 0;
		sv->deadline = -1;
		break;
	}
}

void
sv_step(
    struct sv *sv, enum trigger tr, int64_t now, int status, const char *reason)
{
	switch (tr) {
	case TR_START:
		if (sv->state == ST_IDLE)
			sv_start(sv, now);
		break;
	case TR_RELOAD:
		switch (sv->state) {
		case ST_RUNNING:
			sv_note_reload(sv, now, reason);
			sv->want_start = 1;
			sv_stop(sv, now);
			break;
		case ST_STOPPING:
			if (!sv->want_exit) {
				sv_note_reload(sv, now, reason);
				sv->want_start = 1;
			}
			break;
		case ST_BACKOFF:
		case ST_WAITING:
			sv_fresh_start(sv, now, reason);
			break;
		case ST_IDLE:
		case ST_DONE:
			break;
		}
		break;
	case TR_CHILD_EXIT:
		sv_child_exit(sv, now, status);
		break;
	case TR_GROUP_GONE:
		sv_group_gone(sv, now);
		break;
	case TR_TIMER:
		sv_timer(sv, now);
		break;
	case TR_TERM:
		sv_term(sv, now);
		break;
	}
}
