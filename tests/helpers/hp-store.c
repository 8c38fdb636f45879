/* SPDX-License-Identifier: ISC */
/* hp-store.c: a test child of the fd store, on the child API. It reports
 * what it was passed, then sends what its arguments say to NOTIFY_SOCKET,
 * in order, and waits for SIGTERM (exit 0).
 *
 *   hp-store ACTION...
 *
 * The report is $HP_STORE_DIR/PID: "fds=N" (LISTEN_FDS, 0 when unset),
 * "names=A:B" (LISTEN_FDNAMES), "inodes=I J" (of fds 3, 4, ...), "fdstore=
 * V" (the FDSTORE variable, or "unset"), "notify=set|unset"; then "done"
 * once every action is through. Actions:
 *
 *   file:NAME:PATH   stores PATH opened read-only, with FDNAME=NAME
 *   files:N:NAME:PATH stores N separate opens of PATH in one message
 *   noname:PATH      stores PATH without FDNAME= (holdports: "stored")
 *   badname:PATH     stores PATH with FDNAME=a:b, which is not valid
 *   pipe:NAME        stores a pipe's read end; the write end closes at
 *                    exit, a hang-up
 *   pipe0:NAME       the same with FDPOLL=0: no hang-up watch
 *   bare:PATH        sends PATH with READY=1 but without FDSTORE=1
 *   restore          stores every descriptor it was passed again, under
 *                    its name (the same open files)
 *   remove:NAME      FDSTOREREMOVE=1 with FDNAME=NAME
 *   foreign:N        a process of another process group (setsid(2))
 *                    sends FDSTORE=1 with N descriptors of /dev/null
 *   barrier          waits until holdports has read all of the above
 *                    (BARRIER=1, hp_notify_barrier(3))
 *   exit:N           exits N at once, without a barrier
 *
 * An action written 1:ACTION runs only when nothing was passed
 * (LISTEN_FDS unset: the first start), 2:ACTION only when something was.
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "holdports.h"

#define FAILED 125
#define MAXFDS 253

static volatile sig_atomic_t stop;

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	(void)fprintf(stderr, "hp-store: ");
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, "\n");
	exit(FAILED);
}

static void
on_term(int signo)
{
	(void)signo;
	stop = 1;
}

static int
open_ro(const char *path)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		die("open %s: %s", path, strerror(errno));
	return fd;
}

/* Sends state with the n descriptors fds; dies on failure. */
static void
send_fds(const char *state, const int *fds, unsigned n)
{
	int r;

	if ((r = hp_pid_notify_with_fds(0, 0, state, fds, n)) <= 0)
		die("notify \"%s\": %d", state, r);
}

/* Sends one descriptor fd with FDSTORE=1 and extra lines. */
static void
store1(int fd, const char *extra)
{
	char state[512];

	(void)snprintf(state, sizeof(state), "FDSTORE=1%.*s",
	    (int)(sizeof(state) - sizeof("FDSTORE=1")), extra);
	send_fds(state, &fd, 1);
}

/* Writes the report of what this process was passed. */
static void
report(FILE *f, int n, char **names)
{
	const char *v;
	struct stat st;
	int i;

	(void)fprintf(f, "fds=%d\nnames=", n < 0 ? 0 : n);
	for (i = 0; i < n; i++)
		(void)fprintf(f, "%s%s", i ? ":" : "", names[i]);
	(void)fprintf(f, "\ninodes=");
	for (i = 0; i < n; i++)
		if (fstat(HP_LISTEN_FDS_START + i, &st) == 0)
			(void)fprintf(
			    f, "%s%lu", i ? " " : "", (unsigned long)st.st_ino);
	v = getenv("FDSTORE");
	(void)fprintf(f, "\nfdstore=%s\nnotify=%s\n", v ? v : "unset",
	    getenv("NOTIFY_SOCKET") ? "set" : "unset");
	(void)fflush(f);
}

/* Frees the n names hp_listen_fds_with_names() gave. */
static void
free_names(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	if (n > 0)
		free(names);
}

/* foreign:N: a process of its own process group sends n descriptors. */
static void
foreign(unsigned n)
{
	int fds[MAXFDS];
	unsigned i;
	pid_t pid;
	int st;

	if (n > MAXFDS)
		die("foreign: at most %d", MAXFDS);
	if ((pid = fork()) == -1)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (setsid() == -1)
			_exit(1);
		for (i = 0; i < n; i++)
			if ((fds[i] = open("/dev/null", O_RDONLY)) == -1)
				_exit(1);
		_exit(hp_pid_notify_with_fds(
			  0, 0, "FDSTORE=1\nFDNAME=foreign", fds, n) > 0 ?
			0 :
			1);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		die("foreign: the sender failed");
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t term, none;
	char path[4096], line[512], **names = NULL;
	const char *dir = getenv("HP_STORE_DIR"), *a;
	int i, k, n, fd, p[2], fds[MAXFDS];
	unsigned cnt;
	FILE *f;

	if (dir == NULL)
		die("HP_STORE_DIR is not set");
	/* SIGTERM is held until sigsuspend(): none is lost before it. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigemptyset(&term);
	(void)sigaddset(&term, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &term, &none);
	(void)sigdelset(&none, SIGTERM);
	n = hp_listen_fds_with_names(0, &names);
	(void)snprintf(path, sizeof(path), "%s/%ld", dir, (long)getpid());
	if ((f = fopen(path, "w")) == NULL)
		die("%s: %s", path, strerror(errno));
	report(f, n, names);
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if ((a[0] == '1' || a[0] == '2') && a[1] == ':') {
			if ((a[0] == '1') != (n <= 0))
				continue;
			a += 2;
		}
		if (strncmp(a, "file:", 5) == 0) {
			const char *colon = strchr(a + 5, ':');

			if (colon == NULL)
				die("%s: file:NAME:PATH", a);
			(void)snprintf(line, sizeof(line), "\nFDNAME=%.*s",
			    (int)(colon - (a + 5)), a + 5);
			fd = open_ro(colon + 1);
			store1(fd, line);
			(void)close(fd);
		} else if (sscanf(a, "files:%u:%n", &cnt, &k) == 1) {
			const char *colon = strchr(a + k, ':');

			if (colon == NULL || cnt == 0 || cnt > MAXFDS)
				die("%s: files:N:NAME:PATH", a);
			(void)snprintf(line, sizeof(line),
			    "FDSTORE=1\nFDNAME=%.*s", (int)(colon - (a + k)),
			    a + k);
			for (k = 0; k < (int)cnt; k++)
				fds[k] = open_ro(colon + 1);
			send_fds(line, fds, cnt);
			for (k = 0; k < (int)cnt; k++)
				(void)close(fds[k]);
		} else if (strncmp(a, "noname:", 7) == 0) {
			fd = open_ro(a + 7);
			store1(fd, "");
			(void)close(fd);
		} else if (strncmp(a, "badname:", 8) == 0) {
			fd = open_ro(a + 8);
			store1(fd, "\nFDNAME=a:b");
			(void)close(fd);
		} else if (strncmp(a, "pipe:", 5) == 0 ||
		    strncmp(a, "pipe0:", 6) == 0) {
			int poll0 = a[4] == '0';

			if (pipe(p) == -1)
				die("pipe: %s", strerror(errno));
			(void)snprintf(line, sizeof(line), "\nFDNAME=%s%s",
			    a + (poll0 ? 6 : 5), poll0 ? "\nFDPOLL=0" : "");
			store1(p[0], line);
			(void)close(p[0]); /* p[1] stays open until exit */
		} else if (strncmp(a, "bare:", 5) == 0) {
			fd = open_ro(a + 5);
			send_fds("READY=1", &fd, 1);
			(void)close(fd);
		} else if (strcmp(a, "restore") == 0) {
			for (k = 0; k < n; k++) {
				(void)snprintf(line, sizeof(line),
				    "\nFDNAME=%s", names[k]);
				store1(HP_LISTEN_FDS_START + k, line);
			}
		} else if (strncmp(a, "remove:", 7) == 0) {
			(void)snprintf(line, sizeof(line),
			    "FDSTOREREMOVE=1\nFDNAME=%s", a + 7);
			if (hp_notify(0, line) <= 0)
				die("%s: not sent", a);
		} else if (sscanf(a, "foreign:%u", &cnt) == 1) {
			foreign(cnt);
		} else if (strcmp(a, "barrier") == 0) {
			if ((k = hp_notify_barrier(0, 10 * 1000 * 1000)) < 0)
				die("barrier: %d", k);
		} else if (sscanf(a, "exit:%d", &k) == 1) {
			free_names(names, n);
			exit(k);
		} else
			die("unknown action %s", a);
	}
	free_names(names, n);
	(void)fprintf(f, "done\n");
	(void)fclose(f);
	while (!stop)
		(void)sigsuspend(&none);
	return 0;
}
