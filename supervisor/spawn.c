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
#include "cmdline.h"
#include "fdpack.h"
#include "hp.h"

/* What the child reports through the status pipe when it cannot exec. */
struct spawn_err {
	int stage; /* index into stages[] */
	int err; /* errno */
};

static const char *const stages[] = {"setpgid", "dup", "dup2", "chdir",
    "execve", "parent gone", "setrlimit", "tcsetpgrp", "cgroup"};
enum {
	S_SETPGID,
	S_DUP,
	S_DUP2,
	S_CHDIR,
	S_EXECVE,
	S_PDEATHSIG,
	S_LIMIT,
	S_TCSETPGRP,
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
 * process group, death signal, descriptors packed, stdin (or the
 * terminal's foreground), directory, LISTEN_PID, execve(2). One piece, so
 * that the order reads from top to bottom.
 */
static void
spawn_exec(const struct plan *p, int status, int devnull, int cgroup)
{
	int keep[4];
	size_t nkeep = 2;

	/* Its cgroup first, before it can start anything that must be in
	 * it too. */
	if (cgroup != -1 && cgroup_enter(cgroup) == -1)
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

	/* Pack the sockets down to 3, 4, ..., in place, with FD_CLOEXEC
	 * cleared on exactly those; the status pipe, /dev/null and the
	 * output's descriptors (one when 1 and 2 share it) are moved out
	 * of the way first and keep theirs. */
	keep[0] = status;
	keep[1] = devnull;
	if (p->out != NULL) {
		keep[nkeep++] = p->out[0];
		if (p->out[1] != p->out[0])
			keep[nkeep++] = p->out[1];
	}
	if (fdpack_move(p->scratch, p->nfds, keep, nkeep) == -1)
		spawn_die(keep[0] >= 0 ? keep[0] : status, S_DUP);
	status = keep[0];
	devnull = keep[1];

	/* stdin from /dev/null: the terminal belongs to holdports. Unless
	 * it is lent (stdin = tty): then the child keeps holdports' stdin,
	 * the terminal, and makes its process group the foreground one, as
	 * a shell's child does, before it can read (SIGTTIN otherwise).
	 * From a background group tcsetpgrp(3) needs SIGTTOU blocked. */
	if (p->tty) {
		sigset_t ttou, none;

		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		(void)sigprocmask(SIG_BLOCK, &ttou, &none);
		if (tcsetpgrp(STDIN_FILENO, getpid()) == -1)
			spawn_die(status, S_TCSETPGRP);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
	} else if (dup2(devnull, STDIN_FILENO) == -1)
		spawn_die(status, S_DUP2);
	/* Its output, when holdports reads it: a pseudo-terminal or a pipe
	 * (one for both when it is the same), never the controlling
	 * terminal (O_NOCTTY, and no new session). */
	if (p->out != NULL &&
	    (dup2(keep[2], STDOUT_FILENO) == -1 ||
		dup2(keep[nkeep - 1], STDERR_FILENO) == -1))
		spawn_die(status, S_DUP2);

	/* The descriptor limit holdports was started with: it may have
	 * raised its own to hold many sockets. */
	if (p->limit != NULL && fdpack_limit_child(p->limit, p->nfds) == -1)
		spawn_die(status, S_LIMIT);

	if (p->directory != NULL && chdir(p->directory) == -1)
		spawn_die(status, S_CHDIR);

	/* LISTEN_PID is our own pid, known only now (sd_listen_fds(3)). */
	if (p->pidslot != NULL)
		env_set_pid(p->pidslot, getpid());

	(void)cmdline_execve(
	    p->argv[0], p->argv, p->envp, p->path, p->pathbuf, p->pathlen);
	spawn_die(status, S_EXECVE);
}

/* What the new process gets from spawn(). */
struct spawn_arg {
	const struct plan *p;
	int status; /* the status pipe's write end */
	int devnull;
	int unused; /* the status pipe's read end, ours */
	int cgroup; /* cgroup.procs to enter, or -1 (started in it) */
};

/* The new process of proc_spawn(): closes our end of the status pipe and
 * becomes the child. Never returns. */
static int
spawn_main(void *arg)
{
	const struct spawn_arg *sa = arg;

	(void)close(sa->unused);
	spawn_exec(sa->p, sa->status, sa->devnull, sa->cgroup);
	/* NOTREACHED */
	return 127;
}

pid_t
spawn(const struct plan *p, const char **stage)
{
	struct spawn_arg sa;
	struct spawn_err se;
	sigset_t all, old;
	int st[2], devnull, e;
	ssize_t n;
	pid_t pid;

	*stage = "pipe";
	if (fd_pipe(st) == -1)
		return -1;
	*stage = "open /dev/null";
	if ((devnull = fd_devnull(O_RDONLY)) == -1)
		goto fail;

	/* The new process may share our memory until it execs: it packs a
	 * copy of the descriptors, and learns where the pipe and /dev/null
	 * are from sa. */
	if (p->nfds > 0)
		memcpy(p->scratch, p->fds, p->nfds * sizeof(*p->fds));
	sa.p = p;
	sa.status = st[1];
	sa.devnull = devnull;
	sa.unused = st[0];
	sigfillset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, &old);
	/* Started in its cgroup where the kernel can; else it moves
	 * itself there, first thing. */
	sa.cgroup = -1;
	pid = -1;
	if (p->cgroup != -1)
		pid = proc_spawn_into(spawn_main, &sa, p->stack, p->cgroup);
	if (pid == -1) {
		sa.cgroup = p->cgroup != -1 ? p->cgroup_procs : -1;
		pid = proc_spawn(spawn_main, &sa, p->stack);
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
