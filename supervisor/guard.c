/* SPDX-License-Identifier: ISC */
/* guard.c: a tiny process that kills the children's process groups once
 * holdports is gone, however holdports died: the parent-death signal
 * reaches only the direct child. */

/*
 * holdports and the guard share one small file without a name
 * (proc_anonfile()): the process groups that exist, one slot each, which
 * holdports writes as they come and go. holdports holds a write lock on
 * the file (fcntl(2) F_SETLK); the guard waits for that lock (F_SETLKW),
 * which the kernel hands it once holdports has closed the file or died,
 * even by SIGKILL: POSIX releases a process's record locks when it ends.
 * The guard then kills every group still in the file.
 *
 * An earlier version sent each change down a pipe. A guard that was
 * stopped (SIGSTOP) for long let the pipe fill; holdports then had to drop
 * changes or close the pipe, and closing it made the guard kill the
 * groups of a holdports that still ran. With the shared file holdports
 * never waits for the guard and never loses a change: the file always
 * holds the groups that exist now, whatever the guard is doing.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "hp.h"
#include "util.h"

/* The shared file: the process groups, one int32_t slot each (0: free).
 * 1024 slots, 4 KiB: a few children, builds and strays exist at a time.
 * Then the folder of holdports' cgroups, a string (guard_cgroup()). */
#define GUARD_SLOTS 1024
#define GUARD_SIZE (GUARD_SLOTS * sizeof(int32_t))
#define GUARD_PATH_MAX 4096
#define GUARD_FILE_SIZE (GUARD_SIZE + GUARD_PATH_MAX)
/* Where the guard keeps the file, so that it can close every descriptor
 * above it in one call. */
#define GUARD_FD 3
/* guard_stop(): how long a clean exit waits for the guard to end by
 * itself, in steps of GUARD_STEP_MS, before it kills it (ms). */
#define GUARD_STOP_MS 2000
#define GUARD_STEP_MS 5

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

/* Reads the slots of the shared file fd into slots (GUARD_SLOTS). Returns
 * 0, or -1 with errno from pread(2), or EIO for a short file. */
static int
guard_read(int fd, int32_t *slots)
{
	ssize_t n;

	while ((n = pread(fd, slots, GUARD_SIZE, 0)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return -1;
	if ((size_t)n != GUARD_SIZE) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* holdports is gone: SIGKILL every group still in the file, newest slot
 * first. ESRCH (the group is empty) is the normal case after a clean
 * stop. */
static void
guard_kill(int fd)
{
	int32_t slots[GUARD_SLOTS];
	size_t i;
	pid_t pg;

	if (guard_read(fd, slots) == -1) {
		log_warn("guard: reading the process groups");
		return;
	}
	for (i = GUARD_SLOTS; i-- > 0;) {
		if ((pg = (pid_t)slots[i]) <= 1)
			continue; /* free; never kill(-1) or kill(0) */
		if (kill(-pg, SIGKILL) == 0)
			log_info("guard: holdports is gone; killed process "
				 "group %ld",
			    (long)pg);
		else if (errno != ESRCH)
			log_warn("guard: kill process group %ld", (long)pg);
	}
}

/* holdports is gone: kills every process in its cgroups, if it told us
 * their folder (a clean stop, which removed them, tells an empty one),
 * and removes them (cgroup_kill_tree()). */
static void
guard_kill_cgroups(int fd)
{
	char dir[GUARD_PATH_MAX];
	ssize_t n;

	while ((n = pread(fd, dir, sizeof(dir), (off_t)GUARD_SIZE)) == -1 &&
	    errno == EINTR)
		;
	if (n <= 0 || dir[0] == '\0' || memchr(dir, '\0', (size_t)n) == NULL)
		return;
	if (cgroup_kill_tree(dir) == -1)
		log_warn("guard: killing the cgroups of %s", dir);
	else
		log_info("guard: holdports is gone; killed its cgroups");
}

/*
 * The guard itself. It runs in a forked copy of the single-threaded
 * supervisor, so any call is safe here; it still keeps to a few. fd is the
 * shared file, whose write lock holdports holds.
 */
static _Noreturn void
guard_run(int fd)
{
	struct flock fl;

	guard_signals();
	/* A group of its own: a signal to holdports' group (kill -9 %1 in a
	 * shell, the terminal's Ctrl-C) must not take the guard with it. */
	(void)setpgid(0, 0);
	/* Hold nothing of holdports' (its listening sockets above all: a
	 * copy here would keep a port bound after holdports died), only 0, 1,
	 * 2 and the file, moved to GUARD_FD. Closing our other descriptor of
	 * the file drops only our own locks, of which there are none. */
	if (fd != GUARD_FD) {
		if (dup2(fd, GUARD_FD) == -1) {
			log_warn("guard: dup2");
			_exit(1);
		}
		(void)close(fd);
	}
	proc_closefrom(GUARD_FD + 1);
	/* Granted once holdports no longer holds its lock: it closed the
	 * file (a clean exit) or died, however. */
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(GUARD_FD, F_SETLKW, &fl) == -1)
		if (errno != EINTR) {
			log_warn("guard: waiting for holdports to end");
			_exit(1);
		}
	guard_kill(GUARD_FD);
	guard_kill_cgroups(GUARD_FD);
	_exit(0);
}

int
guard_start(pid_t *pidp)
{
	struct flock fl;
	sigset_t all, old;
	int fd, e;
	pid_t pid;

	if ((fd = proc_anonfile(GUARD_FILE_SIZE)) == -1)
		return -1;
	/* Ours until we end: the guard waits for it. F_SETLK does not
	 * block; nobody else has the file. */
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == -1)
		goto fail;
	/* No handler of ours may run in the guard before it resets them. */
	sigfillset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		guard_run(fd);
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	if (pid == -1)
		goto fail;
	*pidp = pid;
	return fd;
fail:
	return close_fail(fd);
}

int
guard_tell(int fd, pid_t pgid, int add)
{
	int32_t slots[GUARD_SLOTS], v;
	size_t i, at = GUARD_SLOTS, free_at = GUARD_SLOTS;
	ssize_t n;

	/* A slot holds 32 bits: refuse a pgid that would not round-trip. */
	if (pgid <= 1 || (pid_t)(int32_t)pgid != pgid) {
		errno = EINVAL;
		return -1;
	}
	if (guard_read(fd, slots) == -1)
		return -1;
	for (i = 0; i < GUARD_SLOTS; i++) {
		if (slots[i] == (int32_t)pgid && at == GUARD_SLOTS)
			at = i;
		if (slots[i] == 0 && free_at == GUARD_SLOTS)
			free_at = i;
	}
	if (add && at != GUARD_SLOTS)
		return 0; /* known already */
	if (!add && at == GUARD_SLOTS)
		return 0; /* never known, or gone already */
	if (add && (at = free_at) == GUARD_SLOTS) {
		errno = ENOSPC;
		return -1;
	}
	/* One aligned 4-byte write: the guard, which reads the file only
	 * once we are gone, finds the slot either old or new. */
	v = add ? (int32_t)pgid : 0;
	while ((n = pwrite(fd, &v, sizeof(v), (off_t)(at * sizeof(v)))) == -1 &&
	    errno == EINTR)
		;
	if (n == -1)
		return -1;
	if (n != (ssize_t)sizeof(v)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
guard_cgroup(int fd, const char *dir)
{
	size_t len = strlen(dir) + 1;
	ssize_t n;

	if (len > GUARD_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	while ((n = pwrite(fd, dir, len, (off_t)GUARD_SIZE)) == -1 &&
	    errno == EINTR)
		;
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
guard_stop(int fd, pid_t pid)
{
	int waited, e = 0;
	pid_t r;

	/* Our lock goes with our descriptor: the guard wakes, kills what
	 * is left (nothing, after a clean stop) and exits. */
	if (fd != -1)
		(void)close(fd);
	if (pid <= 0)
		return 0;
	for (waited = 0; waited < GUARD_STOP_MS; waited += GUARD_STEP_MS) {
		if ((r = waitpid(pid, NULL, WNOHANG)) == pid)
			return 0;
		if (r == -1 && errno == ECHILD)
			return 0; /* reaped already, by the loop */
		if (r == -1 && errno != EINTR)
			return -1;
		/* The loop is over: this is the last wait of the run. */
		(void)poll(NULL, 0, GUARD_STEP_MS);
	}
	/* Stopped (SIGSTOP), or stuck: its job is done anyway. */
	if (kill(pid, SIGKILL) == -1 && errno != ESRCH)
		e = errno;
	while ((r = waitpid(pid, NULL, 0)) == -1 && errno == EINTR)
		;
	if (r == -1 && errno != ECHILD)
		return -1;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

void
guard_note(struct guard *g, pid_t pgid, int add)
{
	if (g->fd == -1 || guard_tell(g->fd, pgid, add) == 0)
		return;
	/* Never close the guard's file here: that makes the guard kill
	 * every group it knows, while those groups still serve. */
	if (add)
		log_warn("guard: process group %ld not recorded; kill -9 of "
			 "holdports would leave it running",
		    (long)pgid);
	else
		log_warn("guard: process group %ld not forgotten", (long)pgid);
}
