/* SPDX-License-Identifier: ISC */
/* sigfd.c: the self-pipe that turns signals into poll(2) events. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/* File-scope: a signal handler has no other way to reach the loop. */
static int sigfd_w = -1;

/* Async-signal-safe: writes the signal number and nothing else. */
static void
sigfd_catch(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	(void)!write(sigfd_w, &b, 1); /* pipe full: a wake-up is queued */
	errno = saved;
}

int
sigfd_open(void)
{
	static const int sigs[] = {
	    SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGTSTP, SIGCONT, SIGWINCH};
	struct sigaction sa;
	int fds[2];
	size_t i;

	if (fd_pipe(fds) == -1)
		return -1;
	if (fd_set_nonblock(fds[0]) == -1 || fd_set_nonblock(fds[1]) == -1) {
		int e = errno;

		(void)close(fds[0]);
		(void)close(fds[1]);
		errno = e;
		return -1;
	}
	sigfd_w = fds[1];

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_NOCLDSTOP: a child stopped from the terminal it was lent
	 * (stdin = tty) must be seen, as a shell sees its jobs stop. */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = sigfd_catch;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL);
	/* A client that disconnects must not kill us; children reset it. */
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	(void)sigaction(SIGPIPE, &sa, NULL);
	return fds[0];
}

int
sigfd_drain(int fd)
{
	unsigned char buf[64];
	ssize_t n, i;
	int bits = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			switch (buf[i]) {
			case SIGCHLD:
				bits |= SIGFD_CHLD;
				break;
			case SIGHUP:
				bits |= SIGFD_HUP;
				break;
			case SIGTERM:
			case SIGINT:
				bits |= SIGFD_TERM;
				break;
			case SIGWINCH:
				bits |= SIGFD_WINCH;
				break;
			case SIGTSTP:
				bits |= SIGFD_TSTP;
				break;
			case SIGCONT:
				bits |= SIGFD_CONT;
				break;
			}
	return bits;
}

void
sigfd_stop(void)
{
	struct sigaction sa, old;
	sigset_t tstp, mask;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGTSTP, &sa, &old);
	sigemptyset(&tstp);
	sigaddset(&tstp, SIGTSTP);
	(void)sigprocmask(SIG_UNBLOCK, &tstp, &mask);
	/* Stops here; returns once SIGCONT came. */
	(void)raise(SIGTSTP);
	(void)sigprocmask(SIG_SETMASK, &mask, NULL);
	(void)sigaction(SIGTSTP, &old, NULL);
}
