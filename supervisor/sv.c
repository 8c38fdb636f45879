/* SPDX-License-Identifier: ISC */
/* sv.c: the state machine of one child: triggers (a change, an exit,
 * READY=1, a deadline) update a few facts, then sv_advance() decides the
 * next action from them: build, start, stop, restart with back-off. No
 * syscalls: starting and signalling go through struct sv_ops, so tests
 * drive it with fakes. */

#include <sys/wait.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hp.h"
#include "sv.h"

void
sv_init(struct sv *sv, const struct childconf *c, const char *who,
    const struct sv_ops *ops, void *arg)
{
	memset(sv, 0, sizeof(*sv));
	sv->conf = c;
	sv->who = who;
	sv->ops = ops;
	sv->arg = arg;
	sv->backoff_ms = SV_BACKOFF_MIN_MS;
	sv->again_ms = SV_BACKOFF_MIN_MS;
	sv->restart_at = -1;
	sv->reload_started = -1;
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

enum sv_level {
	SV_DEBUG,
	SV_INFO,
	SV_WARN
};

static void sv_say(const struct sv *, enum sv_level, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Logs one line about sv's child at level, with the child's name first
 * when the instance has several (sv->who, "api: "). */
static void
sv_say(const struct sv *sv, enum sv_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (level == SV_WARN)
		log_warnx("%s%s", sv->who, line);
	else if (level == SV_INFO)
		log_info("%s%s", sv->who, line);
	else
		log_debug("%s%s", sv->who, line);
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

/* Returns sig's name with "SIG", for messages. */
static const char *
sv_signame(int sig, char *buf, size_t len)
{
	const char *n = signal_name(sig);

	if (n != NULL)
		(void)snprintf(buf, len, "SIG%s", n);
	else
		(void)snprintf(buf, len, "signal %d", sig);
	return buf;
}

/* Notes that no child can serve until a change, for why (sv_down()). */
static void
sv_set_down(struct sv *sv, enum sv_down why)
{
	sv->down = why;
	sv->downs++;
}

/* overlap: the new child is given up before it was ready, for what
 * ("exited with status 1", "sent no READY=1 within 30 s"). */
static void
sv_next_failed(struct sv *sv, const char *what)
{
	sv->next_fails++;
	(void)snprintf(sv->next_line, sizeof(sv->next_line),
	    "the new child %s before it was ready; the running one stays",
	    what);
}

/* Returns the number of groups being stopped. */
static size_t
sv_nstopping(const struct sv *sv)
{
	size_t i, n = 0;

	for (i = 0; i < SV_STOP_MAX; i++)
		if (sv->stopping[i].pid != 0)
			n++;
	return n;
}

/* Moves *p to the list of groups being stopped and signals its group with
 * the stop signal; SIGKILL follows after stop_timeout. p is emptied. */
static void
sv_stop(struct sv *sv, struct proc *p, int64_t now)
{
	struct proc *s = NULL;
	size_t i;

	if (p->pid == 0)
		return;
	for (i = 0; i < SV_STOP_MAX && s == NULL; i++)
		if (sv->stopping[i].pid == 0)
			s = &sv->stopping[i];
	if (s == NULL) {
		/* Full: a storm of reloads against children that ignore
		 * their stop signal. Do not wait for this one. */
		sv_say(sv, SV_WARN,
		    "too many process groups stopping; SIGKILL to the "
		    "group of pid %ld",
		    (long)p->pid);
		(void)sv->ops->kill(sv->arg, p->pid, SIGKILL);
		memset(p, 0, sizeof(*p));
		return;
	}
	*s = *p;
	memset(p, 0, sizeof(*p));
	s->killed = 0;
	s->deadline = now + sv->conf->stop_timeout_ms;
	(void)sv->ops->kill(sv->arg, s->pid, sv->conf->stop_signal);
}

/* Returns the stopping entry of pid, or NULL. */
static struct proc *
sv_find_stopping(struct sv *sv, pid_t pid)
{
	size_t i;

	for (i = 0; i < SV_STOP_MAX; i++)
		if (pid != 0 && sv->stopping[i].pid == pid)
			return &sv->stopping[i];
	return NULL;
}

/* Moves *p to the stopping list as sv_stop() does, its leader already
 * reaped: only what it left in its group is waited for. */
static void
sv_stop_leftovers(struct sv *sv, struct proc *p, int64_t now)
{
	pid_t pid = p->pid;
	struct proc *s;

	sv_stop(sv, p, now);
	if ((s = sv_find_stopping(sv, pid)) != NULL)
		s->leader_gone = 1;
}

/* Starts a child into *p. Returns 0; -1 when it could not start (the
 * caller decides: a crash-like back-off); 1 for SV_START_AGAIN (see
 * sv_again()). */
static int
sv_spawn(struct sv *sv, struct proc *p, int64_t now)
{
	pid_t pid;

	if ((pid = sv->ops->start(sv->arg)) == SV_START_AGAIN)
		return 1;
	if (pid < 0)
		return -1;
	sv->again_ms = SV_BACKOFF_MIN_MS;
	sv->down = SV_UP;
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->started = now;
	p->deadline = -1;
	if (sv->conf->ready == READY_NONE)
		p->ready = 1;
	else if (sv->conf->ready_timeout_ms > 0)
		p->deadline = now + sv->conf->ready_timeout_ms;
	sv->generation++;
	return 0;
}

/* Writes the start of the reload line: "REASON, build ok (1.31 s), " or
 * "" for a start that no reload caused. */
static void
sv_prefix(const struct sv *sv, char *buf, size_t len)
{
	char t[32];

	buf[0] = '\0';
	if (sv->reload_started >= 0 && sv->build_ms >= 0)
		(void)snprintf(buf, len, "%s, build ok (%s), ", sv->reason,
		    sv_ms(sv->build_ms, t, sizeof(t)));
	else if (sv->reload_started >= 0)
		(void)snprintf(buf, len, "%s, ", sv->reason);
	else if (sv->build_ms >= 0)
		(void)snprintf(buf, len, "build ok (%s), ",
		    sv_ms(sv->build_ms, t, sizeof(t)));
}

/* Logs the one line of a (re)start: at once with ready = none, when the
 * child is ready with ready = notify. */
static void
sv_announce(struct sv *sv, const struct proc *p, int64_t now)
{
	char pre[sizeof(sv->reason) + 48], t[32];
	const char *verb = sv->generation > 1 ? "restarted" : "started";

	/* A restart after a crash serves what served before: no news. */
	if (sv->reload_started >= 0 || sv->readies == 0)
		sv->readies++;
	sv_prefix(sv, pre, sizeof(pre));
	if (sv->conf->ready != READY_NONE)
		sv_say(sv, SV_INFO, "%s%s pid %ld, ready in %s", pre, verb,
		    (long)p->pid, sv_ms(now - p->started, t, sizeof(t)));
	else if (sv->reload_started >= 0)
		sv_say(sv, SV_INFO, "%s%s pid %ld in %s", pre, verb,
		    (long)p->pid,
		    sv_ms(now - sv->reload_started, t, sizeof(t)));
	else
		sv_say(sv, SV_INFO, "%s%s pid %ld", pre, verb, (long)p->pid);
	sv->reload_started = -1;
	sv->build_ms = -1;
}

/* The reload (or first start) is through: forget its cause. */
static void
sv_reload_done(struct sv *sv)
{
	sv->pending = 0;
	sv->build_ok = 0;
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

/* Schedules the next start after a crash or a failed start, or gives up
 * until a change after SV_CRASH_MAX crashes within SV_CRASH_WINDOW_MS. */
static void
sv_backoff(struct sv *sv, int64_t now)
{
	char t[32];

	if (sv_count_crash(sv, now) >= SV_CRASH_MAX) {
		sv->waiting = 1;
		sv_set_down(sv, SV_DOWN_CRASHES);
		sv_say(sv, SV_WARN,
		    "the child crashed %d times within %d s; waiting "
		    "for a change or SIGHUP",
		    SV_CRASH_MAX, SV_CRASH_WINDOW_MS / 1000);
		return;
	}
	sv->restart_at = now + sv->backoff_ms;
	sv_say(sv, SV_INFO, "restarting in %s",
	    sv_ms(sv->backoff_ms, t, sizeof(t)));
	if ((sv->backoff_ms *= 2) > SV_BACKOFF_MAX_MS)
		sv->backoff_ms = SV_BACKOFF_MAX_MS;
}

/* The serving child exited on its own with status: restart per the
 * restart policy, with back-off, or wait for a change. */
static void
sv_after_exit(struct sv *sv, int64_t now, int64_t uptime, int status)
{
	int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	if (sv->conf->restart == RESTART_NO ||
	    (sv->conf->restart == RESTART_ON_FAILURE && clean)) {
		sv->waiting = 1;
		sv_set_down(sv, SV_DOWN_EXITED);
		sv_say(sv, SV_INFO,
		    "not restarting (restart = %s); waiting for a change "
		    "or SIGHUP",
		    sv->conf->restart == RESTART_NO ? "no" : "on-failure");
		return;
	}
	if (uptime >= SV_BACKOFF_RESET_MS) {
		sv->backoff_ms = SV_BACKOFF_MIN_MS;
		sv->ncrashes = 0;
	}
	sv_backoff(sv, now);
}

/*
 * The start or the build returned SV_START_AGAIN: the system is short of a
 * resource (fork(2) EAGAIN, no descriptor left), which is neither the
 * command's fault nor a crash. It stays pending and is tried again after
 * a back-off of its own (SV_BACKOFF_MIN_MS doubling to SV_BACKOFF_MAX_MS),
 * without end, so that holdports recovers on its own once the resource is
 * back; the loop logs the first failure and the recovery, nothing between.
 */
static void
sv_again(struct sv *sv, int64_t now)
{
	sv->pending = 1;
	sv->restart_at = now + sv->again_ms;
	if ((sv->again_ms *= 2) > SV_BACKOFF_MAX_MS)
		sv->again_ms = SV_BACKOFF_MAX_MS;
}

/* Starts the serving child (replace mode, or the first start). */
static void
sv_start_cur(struct sv *sv, int64_t now)
{
	int r = sv_spawn(sv, &sv->cur, now);

	if (r == 1) {
		/* A restart after a crash becomes a pending start; it has
		 * nothing to build. */
		if (!sv->pending)
			sv->build_ok = 1;
		sv_again(sv, now);
		return;
	}
	if (r == -1) {
		sv_reload_done(sv);
		sv->last_status = -1; /* not a wait(2) status: no start */
		sv_backoff(sv, now); /* ops->start said why */
		return;
	}
	sv_reload_done(sv);
	if (sv->cur.ready)
		sv_announce(sv, &sv->cur, now);
}

/* overlap: next is ready: it serves now, the old one is stopped. */
static void
sv_promote(struct sv *sv, int64_t now)
{
	sv_stop(sv, &sv->cur, now);
	sv->cur = sv->next;
	memset(&sv->next, 0, sizeof(sv->next));
	sv->cur.deadline = -1;
	sv_announce(sv, &sv->cur, now);
}

/* Starts the overlap candidate while cur keeps serving. */
static void
sv_start_next(struct sv *sv, int64_t now)
{
	int r = sv_spawn(sv, &sv->next, now);

	if (r == 1) {
		sv_again(sv, now); /* cur keeps serving meanwhile */
		return;
	}
	if (r == -1) {
		sv_next_failed(sv, "could not be started");
		sv_say(sv, SV_WARN, "keeping pid %ld", (long)sv->cur.pid);
		sv_reload_done(sv);
		sv->reload_started = -1;
		sv->build_ms = -1;
		return;
	}
	sv_reload_done(sv);
	if (sv->next.ready)
		sv_promote(sv, now);
}

/* Returns 1 while a build group (running or being stopped) exists. */
static int
sv_build_busy(const struct sv *sv)
{
	size_t i;

	if (sv->build.pid != 0)
		return 1;
	for (i = 0; i < SV_STOP_MAX; i++)
		if (sv->stopping[i].pid != 0 && sv->stopping[i].is_build)
			return 1;
	return 0;
}

/*
 * Decides what to do next from the facts: finishing, a pending reload
 * (build first, then replace or overlap), or a restart after back-off.
 * Called after every trigger; each branch waits for what it needs.
 */
static void
sv_advance(struct sv *sv, int64_t now)
{
	if (sv->state == ST_DONE)
		return;
	if (sv->exiting) {
		sv_stop(sv, &sv->cur, now);
		sv_stop(sv, &sv->next, now);
		sv_stop(sv, &sv->build, now);
		if (sv_nstopping(sv) == 0) {
			sv->state = ST_DONE;
			sv->exit_status = 0;
		}
		return;
	}
	if (sv->pending) {
		if (sv->restart_at >= 0) { /* after SV_START_AGAIN */
			if (now < sv->restart_at)
				return;
			sv->restart_at = -1;
		}
		if (sv->conf->build != NULL && !sv->build_ok) {
			if (sv_build_busy(sv))
				return; /* running, or the last one stopping */
			sv->build.pid = sv->ops->build(sv->arg);
			if (sv->build.pid == SV_START_AGAIN) {
				sv->build.pid = 0;
				sv_again(sv, now);
				return;
			}
			if (sv->build.pid < 0) {
				sv->build.pid = 0;
				sv_reload_done(sv);
				sv_say(sv, SV_WARN,
				    "keeping the running child, if any");
				return;
			}
			sv->again_ms = SV_BACKOFF_MIN_MS;
			sv->build.started = now;
			sv->build.is_build = 1;
			sv->builds++;
			return;
		}
		if (sv->conf->mode == MODE_OVERLAP && sv->cur.pid != 0) {
			sv_stop(sv, &sv->next, now); /* a newer change wins */
			sv_start_next(sv, now);
			return;
		}
		sv_stop(sv, &sv->cur, now);
		sv_stop(sv, &sv->next, now);
		if (sv_nstopping(sv) > 0)
			return; /* replace: the old group must be gone first */
		sv->waiting = 0;
		sv->restart_at = -1;
		sv_start_cur(sv, now);
		return;
	}
	if (sv->cur.pid == 0 && sv->next.pid == 0 && !sv->waiting &&
	    sv->restart_at >= 0 && now >= sv->restart_at &&
	    sv_nstopping(sv) == 0) {
		sv->restart_at = -1;
		sv_start_cur(sv, now);
	}
}

/* A reaped pid: the build, the serving child, the overlap candidate, or
 * the leader of a group being stopped. */
static void
sv_exit(struct sv *sv, int64_t now, pid_t pid, int status)
{
	char what[64], t[32];
	struct proc *s;
	int64_t uptime;

	if (pid == 0)
		return;
	if (pid == sv->build.pid) {
		sv->build.leader_gone = 1;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			sv->build_ok = 1;
			sv->build_ms = now - sv->build.started;
			memset(&sv->build, 0, sizeof(sv->build));
			return;
		}
		sv->build_fails++;
		sv->build_status = status;
		sv->build_fail_ms = now - sv->build.started;
		if (sv->cur.pid == 0 && sv->next.pid == 0)
			sv_set_down(sv, SV_DOWN_BUILD);
		sv_say(sv, SV_WARN, "build failed: %s after %s; %s",
		    sv_describe(status, what, sizeof(what)),
		    sv_ms(now - sv->build.started, t, sizeof(t)),
		    sv->cur.pid != 0 ? "the running child stays; waiting for "
				       "a change" :
				       "waiting for a change");
		sv_stop_leftovers(sv, &sv->build, now);
		sv_reload_done(sv);
		sv->reload_started = -1;
		return;
	}
	if (pid == sv->cur.pid) {
		uptime = now - sv->cur.started;
		sv->last_status = status;
		sv_say(sv, SV_WARN, "pid %ld %s", (long)pid,
		    sv_describe(status, what, sizeof(what)));
		sv_stop_leftovers(sv, &sv->cur, now);
		if (!sv->pending)
			sv_after_exit(sv, now, uptime, status);
		return;
	}
	if (pid == sv->next.pid) {
		if (sv->cur.pid != 0)
			sv_next_failed(
			    sv, sv_describe(status, what, sizeof(what)));
		sv_say(sv, SV_WARN, "new pid %ld %s before it was ready; %s",
		    (long)pid, sv_describe(status, what, sizeof(what)),
		    sv->cur.pid != 0 ? "keeping the running child" :
				       "waiting for a change");
		sv_stop_leftovers(sv, &sv->next, now);
		sv->reload_started = -1;
		sv->build_ms = -1;
		return;
	}
	if ((s = sv_find_stopping(sv, pid)) != NULL) {
		s->leader_gone = 1;
		sv_say(sv, SV_DEBUG, "pid %ld %s", (long)pid,
		    sv_describe(status, what, sizeof(what)));
	}
}

/* A readiness notification (READY=1) from the group of pgid. */
static void
sv_ready(struct sv *sv, int64_t now, pid_t pgid)
{
	if (pgid != 0 && pgid == sv->next.pid && !sv->next.ready) {
		sv->next.ready = 1;
		sv_promote(sv, now);
	} else if (pgid != 0 && pgid == sv->cur.pid && !sv->cur.ready) {
		sv->cur.ready = 1;
		sv->cur.deadline = -1;
		sv_announce(sv, &sv->cur, now);
	}
}

/* Acts on every deadline that has passed at now. */
static void
sv_timer(struct sv *sv, int64_t now)
{
	char t[32], sig[32], line[64];
	struct proc *s;
	size_t i;

	for (i = 0; i < SV_STOP_MAX; i++) {
		s = &sv->stopping[i];
		if (s->pid == 0 || s->killed || now < s->deadline)
			continue;
		sv_say(sv, SV_WARN,
		    "pid %ld did not stop within %s of %s; sending "
		    "SIGKILL to its process group",
		    (long)s->pid,
		    sv_ms(sv->conf->stop_timeout_ms, t, sizeof(t)),
		    sv_signame(sv->conf->stop_signal, sig, sizeof(sig)));
		s->killed = 1;
		(void)sv->ops->kill(sv->arg, s->pid, SIGKILL);
	}
	if (sv->next.pid != 0 && !sv->next.ready && sv->next.deadline >= 0 &&
	    now >= sv->next.deadline) {
		sv_say(sv, SV_WARN,
		    "new pid %ld sent no READY=1 within %s; stopping it "
		    "and keeping pid %ld",
		    (long)sv->next.pid,
		    sv_ms(sv->conf->ready_timeout_ms, t, sizeof(t)),
		    (long)sv->cur.pid);
		(void)snprintf(line, sizeof(line), "sent no READY=1 in %s",
		    sv_ms(sv->conf->ready_timeout_ms, t, sizeof(t)));
		sv_next_failed(sv, line);
		sv_stop(sv, &sv->next, now);
		sv->reload_started = -1;
		sv->build_ms = -1;
	}
	if (sv->cur.pid != 0 && !sv->cur.ready && sv->cur.deadline >= 0 &&
	    now >= sv->cur.deadline) {
		sv_say(sv, SV_WARN,
		    "pid %ld sent no READY=1 within %s; it keeps "
		    "running",
		    (long)sv->cur.pid,
		    sv_ms(sv->conf->ready_timeout_ms, t, sizeof(t)));
		sv->cur.deadline = -1;
		sv->reload_started = -1;
		sv->build_ms = -1;
	}
}

/* SIGTERM or SIGINT: stop everything; a second one kills at once. */
static void
sv_term(struct sv *sv)
{
	size_t i;

	if (!sv->exiting) {
		sv->exiting = 1;
		return;
	}
	for (i = 0; i < SV_STOP_MAX; i++)
		if (sv->stopping[i].pid != 0 && !sv->stopping[i].killed) {
			sv_say(sv, SV_WARN,
			    "stopping now: SIGKILL to pid %ld and its "
			    "process group",
			    (long)sv->stopping[i].pid);
			sv->stopping[i].killed = 1;
			(void)sv->ops->kill(
			    sv->arg, sv->stopping[i].pid, SIGKILL);
		}
}

/* A change or SIGHUP: (re)build and replace the child. */
static void
sv_reload(struct sv *sv, int64_t now, const char *reason)
{
	if (sv->exiting)
		return;
	if (sv->reload_started < 0) {
		sv->reload_started = now;
		(void)snprintf(sv->reason, sizeof(sv->reason), "%s",
		    reason != NULL ? reason : "reload");
	}
	if (sv->build.pid != 0) {
		sv_say(sv, SV_INFO, "%s during the build; building again",
		    reason != NULL ? reason : "reload");
		sv_stop(sv, &sv->build, now);
	}
	sv->pending = 1;
	sv->build_ok = 0;
	sv->build_ms = -1;
	/* The user changed something: forgive earlier crashes. */
	sv->waiting = 0;
	sv->ncrashes = 0;
	sv->backoff_ms = SV_BACKOFF_MIN_MS;
	sv->restart_at = -1;
}

void
sv_step(struct sv *sv, enum trigger tr, int64_t now, pid_t pid, int status,
    const char *reason)
{
	struct proc *s;

	if (sv->state == ST_DONE)
		return;
	switch (tr) {
	case TR_START:
		if (sv->state == ST_IDLE) {
			sv->state = ST_RUNNING;
			sv->pending = 1;
			sv->build_ms = -1;
		}
		break;
	case TR_RELOAD:
		if (sv->state == ST_RUNNING)
			sv_reload(sv, now, reason);
		break;
	case TR_CHILD_EXIT:
		sv_exit(sv, now, pid, status);
		break;
	case TR_GROUP_GONE:
		if ((s = sv_find_stopping(sv, pid)) != NULL && s->leader_gone)
			memset(s, 0, sizeof(*s));
		break;
	case TR_READY:
		sv_ready(sv, now, pid);
		break;
	case TR_TIMER:
		sv_timer(sv, now);
		break;
	case TR_TERM:
		sv_term(sv);
		break;
	}
	if (sv->state != ST_IDLE)
		sv_advance(sv, now);
}

int64_t
sv_deadline(const struct sv *sv)
{
	int64_t d = -1;
	size_t i;

#define EARLIER(t) \
	do { \
		if ((t) >= 0 && (d < 0 || (t) < d)) \
			d = (t); \
	} while (0)
	for (i = 0; i < SV_STOP_MAX; i++)
		if (sv->stopping[i].pid != 0 && !sv->stopping[i].killed)
			EARLIER(sv->stopping[i].deadline);
	if (sv->next.pid != 0 && !sv->next.ready)
		EARLIER(sv->next.deadline);
	if (sv->cur.pid != 0 && !sv->cur.ready)
		EARLIER(sv->cur.deadline);
	/* With pending, restart_at is a start put off by SV_START_AGAIN. */
	if (!sv->exiting && !sv->waiting)
		EARLIER(sv->restart_at);
#undef EARLIER
	return d;
}

size_t
sv_lingering(const struct sv *sv, pid_t *pgids, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < SV_STOP_MAX && n < max; i++)
		if (sv->stopping[i].pid != 0 && sv->stopping[i].leader_gone)
			pgids[n++] = sv->stopping[i].pid;
	return n;
}

int
sv_knows(const struct sv *sv, pid_t pid)
{
	size_t i;

	if (pid == 0)
		return 0;
	if (pid == sv->cur.pid || pid == sv->next.pid || pid == sv->build.pid)
		return 1;
	for (i = 0; i < SV_STOP_MAX; i++)
		if (sv->stopping[i].pid == pid)
			return 1;
	return 0;
}

int
sv_holding(const struct sv *sv)
{
	size_t i;

	if (sv->cur.pid != 0 || sv->next.pid != 0)
		return 1;
	for (i = 0; i < SV_STOP_MAX; i++)
		if (sv->stopping[i].pid != 0 && !sv->stopping[i].is_build)
			return 1;
	return 0;
}

void
sv_build_line(const struct sv *sv, char *buf, size_t len)
{
	char t[32], sig[32];
	int st = sv->build_status;

	if (sv->build_fails == 0)
		(void)snprintf(buf, len, "%s", "");
	else if (WIFSIGNALED(st))
		(void)snprintf(buf, len, "build killed by %s after %s",
		    sv_signame(WTERMSIG(st), sig, sizeof(sig)),
		    sv_ms(sv->build_fail_ms, t, sizeof(t)));
	else
		(void)snprintf(buf, len, "build failed with status %d after %s",
		    WIFEXITED(st) ? WEXITSTATUS(st) : st,
		    sv_ms(sv->build_fail_ms, t, sizeof(t)));
}

/* Writes what the child's last end was: "crashed with SIGSEGV",
 * "exited with status 1", "could not be started". Returns buf. */
static const char *
sv_end(int status, char *buf, size_t len)
{
	char sig[32];

	if (status == -1)
		(void)snprintf(buf, len, "could not be started");
	else if (WIFSIGNALED(status))
		(void)snprintf(buf, len, "crashed with %s",
		    sv_signame(WTERMSIG(status), sig, sizeof(sig)));
	else
		(void)sv_describe(status, buf, len);
	return buf;
}

enum sv_down
sv_down(const struct sv *sv, char *buf, size_t len)
{
	char what[64];

	(void)snprintf(buf, len, "%s", "");
	if (sv->state != ST_RUNNING || sv->exiting || sv->down == SV_UP ||
	    sv_holding(sv))
		return SV_UP;
	switch (sv->down) {
	case SV_DOWN_BUILD:
		sv_build_line(sv, buf, len);
		break;
	case SV_DOWN_CRASHES:
		(void)snprintf(buf, len,
		    "%s, %d times within %d s; waiting for a change",
		    sv_end(sv->last_status, what, sizeof(what)), SV_CRASH_MAX,
		    SV_CRASH_WINDOW_MS / 1000);
		break;
	case SV_DOWN_EXITED:
		(void)snprintf(buf, len,
		    "%s; not restarted (restart = %s); waiting for a change",
		    sv_end(sv->last_status, what, sizeof(what)),
		    sv->conf->restart == RESTART_NO ? "no" : "on-failure");
		break;
	case SV_UP:
		break;
	}
	return sv->down;
}
