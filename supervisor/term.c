/* SPDX-License-Identifier: ISC */
/* term.c: holdports' terminal: keys, its modes given back on every way
 * out, and lending it to a child as a shell's job control does. */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

/* What a fatal signal's handler gives back: the terminal and its modes
 * while the key mode is on, else fd -1. A handler reaches nothing else,
 * so these are file-scope; they change only outside any handler. */
static volatile sig_atomic_t fatal_fd = -1;
static struct termios fatal_modes;

/* Signals whose default action ends the process and that holdports does
 * not catch for itself: each would leave the terminal without echo. */
static const int fatal_sigs[] = {SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS,
    SIGFPE, SIGSEGV, SIGSYS, SIGXCPU, SIGXFSZ, SIGALRM, SIGVTALRM, SIGPROF,
    SIGUSR1, SIGUSR2};

/* Async-signal-safe: tcsetattr(3) and raise(3) are. SA_RESETHAND made
 * the disposition the default again and SA_NODEFER leaves the signal
 * unblocked, so raise() ends the process as the signal would have. */
static void
term_fatal(int signo)
{
	int saved = errno;

	if (fatal_fd != -1)
		(void)tcsetattr(fatal_fd, TCSANOW, &fatal_modes);
	(void)raise(signo);
	errno = saved;
}

/* Runs tcsetattr(3) or tcsetpgrp(3) with SIGTTOU blocked: from a
 * background process group either would stop holdports instead. Returns
 * what the call did, errno kept. */
static int
term_set(int fd, const struct termios *modes, pid_t pgid)
{
	sigset_t ttou, old;
	int r, e;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	(void)sigprocmask(SIG_BLOCK, &ttou, &old);
	r = modes != NULL ? tcsetattr(fd, TCSANOW, modes) : tcsetpgrp(fd, pgid);
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return r;
}

/* Returns 1 if holdports' process group is the terminal's foreground. */
static int
term_fg(const struct term *t)
{
	pid_t p = tcgetpgrp(t->fd);

	return p != -1 && p == getpgrp();
}

/* Turns the key mode on: no line editing, no echo, read(2) returns what
 * is there (VMIN 0, VTIME 0); ISIG stays, so Ctrl-C and Ctrl-Z still
 * send their signals. */
static void
term_raw(struct term *t)
{
	struct termios raw = t->saved;

	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	fatal_modes = t->saved;
	fatal_fd = t->fd;
	if (term_set(t->fd, &raw, 0) == 0)
		t->raw = 1;
	else
		fatal_fd = -1;
}

/* Gives the terminal the modes holdports found, if it changed them. */
static void
term_cooked(struct term *t)
{
	if (!t->raw)
		return;
	(void)term_set(t->fd, &t->saved, 0);
	t->raw = 0;
	fatal_fd = -1;
}

int
term_open(struct term *t, int keys)
{
	struct sigaction sa, old;
	size_t i;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t->saved) == -1)
		return 0;
	t->fd = STDIN_FILENO;
	t->keys = keys;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sa.sa_handler = term_fatal;
	for (i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		/* A handler already there (a sanitizer's) is left alone, and
		 * an ignored signal stays ignored. */
		if (sigaction(fatal_sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO))
			(void)sigaction(fatal_sigs[i], &sa, NULL);
	term_resume(t);
	return keys;
}

void
term_close(struct term *t)
{
	if (t->fd == -1)
		return;
	term_cooked(t);
	if (t->lent != 0 && !t->held && tcgetpgrp(t->fd) == t->lent) {
		(void)term_set(t->fd, NULL, getpgrp());
		(void)term_set(t->fd, &t->saved, 0);
	}
	t->lent = 0;
}

int
term_reading(const struct term *t)
{
	return t->fd != -1 && t->raw && t->lent == 0;
}

int
term_key(struct term *t, short revents)
{
	unsigned char buf[64];
	ssize_t n, i;
	int keys = TERM_KEY_NONE;

	n = read(t->fd, buf, sizeof(buf));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return TERM_KEY_NONE;
	if (n == -1 || (n == 0 && (revents & (POLLHUP | POLLERR)))) {
		/* The terminal hung up: nothing more to read, and no modes
		 * to give back to it. */
		t->keys = 0;
		t->raw = 0;
		fatal_fd = -1;
		return TERM_KEY_NONE;
	}
	for (i = 0; i < n; i++)
		switch (buf[i]) {
		case 'r':
		case 'R':
			keys |= TERM_KEY_RELOAD;
			break;
		case 'q':
		case 'Q':
			keys |= TERM_KEY_QUIT;
			break;
		case 'c':
		case 'C':
		case 0x0c: /* Ctrl-L, as in a shell */
			keys |= TERM_KEY_CLEAR;
			break;
		}
	return keys;
}

void
term_stop(struct term *t, void (*stop)(void))
{
	if (t->fd != -1)
		term_cooked(t);
	stop();
	term_resume(t);
}

void
term_resume(struct term *t)
{
	if (t->fd == -1 || !term_fg(t))
		return;
	if (t->lent != 0) {
		/* Ours again while a child had it: after that child was
		 * stopped (held), or after holdports itself was stopped and
		 * the shell took it. The child gets it back. */
		if (t->held)
			(void)term_set(t->fd, &t->lent_modes, 0);
		(void)term_set(t->fd, NULL, t->lent);
		if (t->held)
			(void)kill(-t->lent, SIGCONT);
		t->held = 0;
		return;
	}
	if (t->keys && !t->raw)
		term_raw(t);
}

int
term_lend(struct term *t)
{
	pid_t p;

	if (t->fd == -1 || t->held)
		return 0;
	p = tcgetpgrp(t->fd);
	if (p == -1 || (p != getpgrp() && (t->lent == 0 || p != t->lent)))
		return 0;
	term_cooked(t);
	if (t->lent != 0) /* an earlier child's modes are not the next's */
		(void)term_set(t->fd, &t->saved, 0);
	return 1;
}

/* Takes the terminal back from a child that had it: the foreground, then
 * the modes holdports found; then keys again. */
static void
term_take(struct term *t)
{
	if (!t->held && tcgetpgrp(t->fd) != getpgrp()) {
		(void)term_set(t->fd, NULL, getpgrp());
		(void)term_set(t->fd, &t->saved, 0);
	}
	t->lent = 0;
	t->held = 0;
	term_resume(t);
}

void
term_lent(struct term *t, pid_t pgid)
{
	if (t->fd == -1)
		return;
	if (pgid == 0) {
		t->lent = 0;
		term_take(t);
		return;
	}
	t->lent = pgid;
	t->held = 0;
}

void
term_reaped(struct term *t, pid_t pgid)
{
	if (t->fd == -1 || t->lent == 0 || pgid != t->lent)
		return;
	term_take(t);
}

void
term_child_stopped(struct term *t, void (*stop)(void))
{
	siginfo_t si;

	if (t->fd == -1 || t->lent == 0 || t->held)
		return;
	memset(&si, 0, sizeof(si));
	/* WSTOPPED alone: an exit stays for the loop's waitpid(2). */
	if (waitid(P_PID, (id_t)t->lent, &si, WSTOPPED | WNOHANG) == -1 ||
	    si.si_pid == 0)
		return;
	if (tcgetpgrp(t->fd) != t->lent)
		return; /* not stopped from the terminal */
	(void)tcgetattr(t->fd, &t->lent_modes);
	(void)term_set(t->fd, NULL, getpgrp());
	(void)term_set(t->fd, &t->saved, 0);
	t->held = 1;
	stop();
	term_resume(t);
}

void
term_clear(void)
{
	static const char clear[] = "\033[H\033[2J\033[3J";

	if (isatty(STDERR_FILENO))
		(void)!write(STDERR_FILENO, clear, sizeof(clear) - 1);
}
