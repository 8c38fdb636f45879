/* SPDX-License-Identifier: ISC */
/* sv_query.c: what the loop and the browser side read of a child's
 * state machine without changing it (its next deadline, the groups that
 * linger, whether a pid is its own, why no child serves), and the words
 * its log lines and messages use for durations, signals and wait(2)
 * statuses. No syscalls, as in sv.c. */

#include <sys/wait.h>

#include <stdio.h>

#include "hp.h"
#include "sv.h"

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

const char *
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

const char *
sv_signame(int sig, char *buf, size_t len)
{
	const char *n = signal_name(sig);

	if (n != NULL)
		(void)snprintf(buf, len, "SIG%s", n);
	else
		(void)snprintf(buf, len, "signal %d", sig);
	return buf;
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
