/* SPDX-License-Identifier: ISC */
/* spawn.c: start a process with the held sockets at fd 3, 4, ..., in a
 * process group of its own, and signal that group. */

#include <sys/types.h>
#include <sys/wait.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "hp.h"

/* What the child reports through the status pipe when it cannot exec. */
struct spawn_err {
	int stage; /* index into stages[] */
	int err; /* errno */
};

static const char *const stages[] = {
    "setpgid", "dup", "dup2", "chdir", "execve", "parent gone", "cgroup"};
enum {
	S_SETPGID,
	S_DUP,
	S_DUP2,
	S_CHDIR,
	S_EXECVE,
	S_PDEATHSIG,
	S_CGROUP
};

/* In the child: report stage and errno, then _exit. Async-signal-safe. */
static void
spawn_die(int fd, int stage)
{
	struct spawn_err se;

	se.stage = stage;
	se.err = errno;
	(void)!write(fd, &se, sizeof(se));
	_exit(se.err == ENOENT ? 127 : 126);
}

/*
 * The child between fork() and execve(): only async-signal-safe calls.
 * status is the write end of the status pipe (close-on-exec), devnull a
 * descriptor of /dev/null. The order: its cgroup, signals reset, own
 * process group, death signal, descriptors packed, stdin, directory,
 * LISTEN_PID, execve(2).
 */
static void
spawn_exec(const struct plan *p, int status, int devnull)
{
	int hi[1024], need = (int)p->nfds + HP_LISTEN_FDS_START;
	size_t i;

	/* Its cgroup first, before it can start anything that must be in
	 * it too. */
	if (p->cgroup != -1 && cgroup_enter(p->cgroup) == -1)
		spawn_die(status, S_CGROUP);

	/* Default dispositions (ignored ones too: an ignored SIGPIPE or
	 * SIGINT survives exec), then an empty mask. The parent blocked
	 * every signal before fork, so none of ours runs here. */
	signals_default();

	/* A process group of its own, so that a stop reaches everything
	 * it starts and the terminal's Ctrl-C reaches only us. */
	if (setpgid(0, 0) == -1)
		spawn_die(status, S_SETPGID);

	/* Die with the supervisor (prctl(2) PR_SET_PDEATHSIG, Linux); if it
	 * already died before this, do not start at all. */
	if (p->parent != 0 && proc_pdeathsig(p->parent) == -1)
		spawn_die(status, S_PDEATHSIG);

	/* Move what we keep above the target range, then pack the
	 * sockets down to 3, 4, ... dup2() clears FD_CLOEXEC on exactly
	 * those (POSIX); the high copies keep theirs and
	 * vanish at exec. */
	if ((status = fcntl(status, F_DUPFD_CLOEXEC, need)) == -1)
		_exit(126); /* no way left to report it */
	if ((devnull = fcntl(devnull, F_DUPFD_CLOEXEC, need)) == -1)
		spawn_die(status, S_DUP);
	for (i = 0; i < p->nfds; i++)
		if ((hi[i] = fcntl(p->fds[i], F_DUPFD_CLOEXEC, need)) == -1)
			spawn_die(status, S_DUP);
	for (i = 0; i < p->nfds; i++)
		if (dup2(hi[i], HP_LISTEN_FDS_START + (int)i) == -1)
			spawn_die(status, S_DUP2);

	/* stdin from /dev/null: the terminal belongs to holdports. */
	if (dup2(devnull, STDIN_FILENO) == -1)
		spawn_die(status, S_DUP2);

	if (p->directory != NULL && chdir(p->directory) == -1)
		spawn_die(status, S_CHDIR);

	/* LISTEN_PID is our own pid, known only now (sd_listen_fds(3)). */
	if (p->pidslot != NULL)
		env_set_pid(p->pidslot, getpid());

	execve(p->argv[0], p->argv, p->envp);
	spawn_die(status, S_EXECVE);
}

pid_t
spawn(const struct plan *p, const char **stage)
{
	struct spawn_err se;
	sigset_t all, old;
	int st[2], devnull, e;
	ssize_t n;
	pid_t pid;

	assert(p->nfds <= 1000);
	*stage = "pipe";
	if (fd_pipe(st) == -1)
		return -1;
	*stage = "open /dev/null";
	if ((devnull = fd_devnull(O_RDONLY)) == -1)
		goto fail;

	sigfillset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0) {
		(void)close(st[0]);
		spawn_exec(p, st[1], devnull);
		/* NOTREACHED */
	}
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	(void)close(st[1]);
	(void)close(devnull);
	if (pid == -1) {
		*stage = "fork";
		(void)close(st[0]);
		errno = e;
		return -1;
	}

	/* EOF means execve() succeeded: the write end was close-on-exec.
	 * This read is bounded by the child's few syscalls before exec,
	 * as in posix_spawn(3), so it is the one wait outside poll(2). */
	while ((n = read(st[0], &se, sizeof(se))) == -1 && errno == EINTR)
		;
	(void)close(st[0]);
	if (n == 0)
		return pid;
	/* The child is about to _exit (or has): reap it here. */
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(se) && se.stage >= 0 &&
	    se.stage < (int)(sizeof(stages) / sizeof(stages[0]))) {
		*stage = stages[se.stage];
		errno = se.err;
	} else {
		*stage = "exec";
		errno = EIO;
	}
	return -1;
fail:
	e = errno;
	(void)close(st[0]);
	(void)close(st[1]);
	errno = e;
	return -1;
}

int
spawn_kill(pid_t pgid, int signo)
{
	/* kill(-1) or kill(0) would reach far more than the child. */
	assert(pgid > 1);
	return kill(-pgid, signo);
}

int
spawn_group_alive(pid_t pgid)
{
	assert(pgid > 1);
	/* EPERM: a member changed its credentials; it still exists. */
	return kill(-pgid, 0) == 0 || errno == EPERM;
}
