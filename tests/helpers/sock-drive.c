/* SPDX-License-Identifier: ISC */
/* sock-drive.c: drives sock.c for the system tests, as the loop does: binds
 * one socket, runs children on it, checks it after each, applies a live
 * edit of a unix socket's mode and owner. */

/*
 * Reads one command a line on stdin and answers each with one line on
 * stdout (flushed), so that a test can act between the steps:
 *
 *   bind SPEC [MODE|- [UID|- [GID|-]]]
 *                   binds SPEC (a listen SPEC as in ports.ini; unix: needs
 *                   an absolute path) with mode, user and group;
 *                   "bound ADDR FD" or "error ERRNAME"
 *   child ARG...    runs ARG with the socket as fd 3 (LISTEN_FDS=1 and
 *                   LISTEN_PID set, as holdports does) and waits for it;
 *                   "exited STATUS" or "killed SIGNO"
 *   check [keep]    sock_check(), with SOCK_CHECK_KEEP_FLAGS for "keep";
 *                   "check R FD" (R: 0 nothing, 1 restored, 2 bound
 *                   again) or "error ERRNAME"
 *   apply MODE|- UID|- GID|-
 *                   sock_unix_apply() of a new configuration that differs
 *                   in mode, user and group; "applied" or "error ERRNAME"
 *   close           sock_close(); "closed"
 *   quit            exits 0 (so does end-of-file)
 *
 * What sock.c logs goes to stderr.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#define WORDS_MAX 32

static struct sockconf sc;
static struct sock s = {.fd = -1};

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vprintf(fmt, ap);
	va_end(ap);
	(void)putchar('\n');
	(void)fflush(stdout);
}

/* Returns the number in w, or -1 for "-" or nothing. */
static long
num(const char *w, int base)
{
	return w == NULL || strcmp(w, "-") == 0 ? -1 : strtol(w, NULL, base);
}

static void
do_bind(char **w, int n)
{
	char err[CONF_ERR_MAX];

	if (n < 2) {
		reply("error usage");
		return;
	}
	memset(&sc, 0, sizeof(sc));
	if (spec_parse(w[1], &sc.spec, err) == -1) {
		reply("error %s", err);
		return;
	}
	sc.listen = w[1];
	sc.backlog = SOMAXCONN;
	sc.mode = (int)num(n > 2 ? w[2] : NULL, 8);
	sc.uid = num(n > 3 ? w[3] : NULL, 10);
	sc.gid = num(n > 4 ? w[4] : NULL, 10);
	memset(&s, 0, sizeof(s));
	s.conf = &sc;
	(void)snprintf(s.name, sizeof(s.name), "test");
	if (sock_bind(&s) == -1) {
		reply("error %s", errno_name(errno));
		return;
	}
	reply("bound %s %d", s.addr, s.fd);
}

/* Runs w[1..] with the socket as fd 3, as child.c would, and waits. */
static void
do_child(char **w, int n)
{
	char pid[32];
	pid_t p;
	int st;

	if (n < 2 || s.fd == -1) {
		reply("error usage");
		return;
	}
	if ((p = fork()) == -1) {
		reply("error %s", errno_name(errno));
		return;
	}
	if (p == 0) {
		/* dup2(2) clears FD_CLOEXEC, but does nothing when the
		 * socket is fd 3 already. */
		if ((s.fd != HP_LISTEN_FDS_START &&
			dup2(s.fd, HP_LISTEN_FDS_START) == -1) ||
		    fcntl(HP_LISTEN_FDS_START, F_SETFD, 0) == -1)
			_exit(126);
		(void)snprintf(pid, sizeof(pid), "%ld", (long)getpid());
		(void)setenv("LISTEN_FDS", "1", 1);
		(void)setenv("LISTEN_PID", pid, 1);
		(void)setenv("LISTEN_FDNAMES", s.name, 1);
		execvp(w[1], w + 1);
		_exit(127);
	}
	while (waitpid(p, &st, 0) == -1)
		if (errno != EINTR) {
			reply("error %s", errno_name(errno));
			return;
		}
	if (WIFSIGNALED(st))
		reply("killed %d", WTERMSIG(st));
	else
		reply("exited %d", WEXITSTATUS(st));
}

static void
do_check(char **w, int n)
{
	int r;

	r = sock_check(
	    &s, n > 1 && strcmp(w[1], "keep") == 0 ? SOCK_CHECK_KEEP_FLAGS : 0);
	if (r == -1)
		reply("error %s", errno_name(errno));
	else
		reply("check %d %d", r, s.fd);
}

static void
do_apply(char **w, int n)
{
	struct sockconf nc = sc;

	if (n < 4) {
		reply("error usage");
		return;
	}
	nc.mode = (int)num(w[1], 8);
	nc.uid = num(w[2], 10);
	nc.gid = num(w[3], 10);
	if (sock_unix_apply(&s, &nc) == -1) {
		reply("error %s", errno_name(errno));
		return;
	}
	sc = nc;
	reply("applied");
}

int
main(void)
{
	char line[1024], *w[WORDS_MAX + 1], *p;
	int n;

	(void)signal(SIGPIPE, SIG_IGN);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		n = 0;
		for (p = strtok(line, " \t\n"); p != NULL && n < WORDS_MAX;
		     p = strtok(NULL, " \t\n"))
			w[n++] = p;
		w[n] = NULL;
		if (n == 0)
			continue;
		if (strcmp(w[0], "bind") == 0)
			do_bind(w, n);
		else if (strcmp(w[0], "child") == 0)
			do_child(w, n);
		else if (strcmp(w[0], "check") == 0)
			do_check(w, n);
		else if (strcmp(w[0], "apply") == 0)
			do_apply(w, n);
		else if (strcmp(w[0], "close") == 0) {
			sock_close(&s);
			reply("closed");
		} else if (strcmp(w[0], "quit") == 0)
			break;
		else
			reply("error unknown command %s", w[0]);
	}
	sock_close(&s);
	return 0;
}
