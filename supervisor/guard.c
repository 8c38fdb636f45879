/* SPDX-License-Identifier: ISC */
/* guard.c: a tiny process, joined to holdports by a pipe, that kills the
 * children's process groups once the pipe reads end-of-file, however
 * holdports died: PR_SET_PDEATHSIG reaches only the direct child, not a
 * grandchild that kept a copy of a listening socket. */

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/* Process groups the guard keeps. Overlap mode has two or three at a
 * time (old child, new child, build); a full table forgets the oldest. */
#define GUARD_MAX 64
/* Where the guard keeps the read end, so that it can close every
 * descriptor above it in one call. */
#define GUARD_FD 3

/* One message on the pipe. Fixed size and far below PIPE_BUF, so that
 * each write(2) is atomic (POSIX write(2), pipes) and records never
 * interleave or split. */
struct guard_rec {
	int32_t add; /* 1: the group exists, 0: it is gone */
	int32_t pgid;
};

struct guard_table {
	pid_t pgid[GUARD_MAX]; /* oldest first */
	size_t n;
};

/*
 * Dispositions for a process that must live until its job is done: the
 * defaults for everything holdports caught (its handlers write to a
 * self-pipe the guard no longer has), and ignored for whatever is meant for
 * holdports or its terminal: SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE
 * (stderr may be a closed pipe), and SIGTSTP, SIGTTIN, SIGTTOU (stopped,
 * the guard could not do its job; an ignored SIGTTOU lets a warning reach
 * a terminal with tostop set). SIGKILL still ends it. Then an empty mask:
 * guard_start() blocked every signal across fork().
 */
static void
guard_signals(void)
{
	static const int ignored[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE,
	    SIGTSTP, SIGTTIN, SIGTTOU};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	/* Ignored before the mask is emptied, so that none of these can
	 * take the guard down in between. */
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		(void)sigaction(ignored[i], &sa, NULL);
	signals_default_except(ignored, sizeof(ignored) / sizeof(ignored[0]));
}

/* Applies one record to the table: an add appends the group (or moves it
 * to the newest end), a remove drops it. A full table drops the oldest,
 * and says so. */
static void
guard_table_apply(struct guard_table *t, const struct guard_rec *r)
{
	size_t i;

	if (r->pgid <= 1) {
		/* kill(-1) or kill(0) would reach far more than a child. */
		log_warnx("guard: ignoring process group %ld", (long)r->pgid);
		return;
	}
	for (i = 0; i < t->n && t->pgid[i] != (pid_t)r->pgid; i++)
		;
	if (i < t->n) {
		(void)memmove(&t->pgid[i], &t->pgid[i + 1],
		    (t->n - i - 1) * sizeof(t->pgid[0]));
		t->n--;
	}
	if (!r->add)
		return;
	if (t->n == GUARD_MAX) {
		log_warnx("guard: table full (%d process groups); forgetting "
			  "process group %ld",
		    GUARD_MAX, (long)t->pgid[0]);
		(void)memmove(&t->pgid[0], &t->pgid[1],
		    (GUARD_MAX - 1) * sizeof(t->pgid[0]));
		t->n--;
	}
	t->pgid[t->n++] = (pid_t)r->pgid;
}

/* holdports is gone: SIGKILL every group still recorded, newest first.
 * ESRCH (the group is empty) is the normal case after a clean stop. */
static void
guard_kill(const struct guard_table *t)
{
	size_t i;
	pid_t pg;

	for (i = t->n; i-- > 0;) {
		if ((pg = t->pgid[i]) <= 1)
			continue; /* never kill(-1) or kill(0) */
		if (kill(-pg, SIGKILL) == 0)
			log_info("guard: holdports is gone; killed process "
				 "group %ld",
			    (long)pg);
		else if (errno != ESRCH)
			log_warn("guard: kill process group %ld", (long)pg);
	}
}

/*
 * The guard itself. It runs in a forked copy of the single-threaded
 * supervisor, so any call is safe here; it still keeps to a few. rfd is the
 * read end of the pipe, wfd our copy of the write end.
 */
static _Noreturn void
guard_run(int rfd, int wfd)
{
	struct guard_table t;
	struct guard_rec rec;
	unsigned char buf[sizeof(struct guard_rec) * 64];
	size_t have = 0, off;
	ssize_t n;

	/* Our copy of the write end would keep end-of-file away forever. */
	(void)close(wfd);
	guard_signals();
	/* A group of its own: a signal to holdports' group (kill -9 %1 in a
	 * shell, the terminal's Ctrl-C) must not take the guard with it. */
	(void)setpgid(0, 0);
	/* Hold nothing of holdports' (its listening sockets above all: a
	 * copy here would keep a port bound after holdports died), only 0, 1,
	 * 2 and the pipe, moved to GUARD_FD. */
	if (rfd != GUARD_FD) {
		if (dup2(rfd, GUARD_FD) == -1) {
			log_warn("guard: dup2");
			_exit(1);
		}
		(void)close(rfd);
	}
	proc_closefrom(GUARD_FD + 1);

	t.n = 0;
	for (;;) {
		n = read(GUARD_FD, buf + have, sizeof(buf) - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			log_warn("guard: read");
		if (n <= 0)
			break; /* end-of-file: holdports is gone */
		have += (size_t)n;
		for (off = 0; have - off >= sizeof(rec); off += sizeof(rec)) {
			(void)memcpy(&rec, buf + off, sizeof(rec));
			guard_table_apply(&t, &rec);
		}
		(void)memmove(buf, buf + off, have - off);
		have -= off;
	}
	guard_kill(&t);
	_exit(0);
}

int
guard_start(pid_t *pidp)
{
	sigset_t all, old;
	int p[2], e;
	pid_t pid;

	if (fd_pipe(p) == -1)
		return -1;
	/* Never block in guard_tell(): the supervisor blocks only in its
	 * poll(2), so a full pipe is an error there. The read end stays
	 * blocking. */
	if (fd_set_nonblock(p[1]) == -1)
		goto fail;
	/* No handler of ours may run in the guard before it resets them. */
	sigfillset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		guard_run(p[0], p[1]);
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	if (pid == -1)
		goto fail;
	(void)close(p[0]);
	*pidp = pid;
	return p[1];
fail:
	e = errno;
	(void)close(p[0]);
	(void)close(p[1]);
	errno = e;
	return -1;
}

int
guard_tell(int fd, pid_t pgid, int add)
{
	struct guard_rec r;
	ssize_t n;

	/* A record holds 32 bits: refuse a pgid that would not round-trip. */
	if (pgid <= 1 || (pid_t)(int32_t)pgid != pgid) {
		errno = EINVAL;
		return -1;
	}
	r.add = add != 0;
	r.pgid = (int32_t)pgid;
	/* Atomic: all or nothing, also non-blocking (PIPE_BUF >= 512). */
	while ((n = write(fd, &r, sizeof(r))) == -1 && errno == EINTR)
		;
	if (n == -1)
		return -1;
	if (n != (ssize_t)sizeof(r)) {
		errno = EIO; /* cannot happen with n < PIPE_BUF */
		return -1;
	}
	return 0;
}

void
guard_note(struct guard *g, pid_t pgid, int add)
{
	if (g->fd == -1 || guard_tell(g->fd, pgid, add) == 0)
		return;
	log_warn("guard process; kill -9 of holdports would now leave "
		 "grandchildren running");
	(void)close(g->fd);
	g->fd = -1;
}
