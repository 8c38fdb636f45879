/* SPDX-License-Identifier: ISC */
/* bench-floor.c: the floor of a replace-mode reload: the least a
 * supervisor can do. It binds 127.0.0.1:0 once, starts the child with
 * the socket at fd 3 and LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES
 * (fork and execve, no shell), and on SIGHUP sends the child SIGTERM,
 * waits for it, and starts a new one: no configuration, no watcher, no
 * registry, no log but the lines hp-bench waits for, in holdports' words.
 *
 *   bench-floor CHILD [ARG]...
 */

#define _XOPEN_SOURCE 700 /* sigwait(3) needs nothing more; execve, kill */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static void
die(const char *what)
{
	(void)fprintf(stderr, "bench-floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The child's environment: ours without LISTEN_* and NOTIFY_SOCKET, then
 * LISTEN_FDS=1, LISTEN_FDNAMES=http and a LISTEN_PID slot the child fills
 * after fork; built once. */
static char **
child_env(char **slot)
{
	static char pid[32] = "LISTEN_PID=";
	size_t n, i, k = 0;
	char **e;

	for (n = 0; environ[n] != NULL; n++)
		;
	if ((e = calloc(n + 4, sizeof(*e))) == NULL)
		die("calloc");
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "LISTEN_", 7) != 0 &&
		    strncmp(environ[i], "NOTIFY_SOCKET=", 14) != 0)
			e[k++] = environ[i];
	e[k++] = "LISTEN_FDS=1";
	e[k++] = "LISTEN_FDNAMES=http";
	e[k++] = pid;
	*slot = pid + 11;
	return e;
}

/* Writes the decimal pid after "LISTEN_PID=": async-signal-safe. */
static void
put_pid(char *slot, long pid)
{
	char d[24];
	int n = 0;

	do
		d[n++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0);
	while (n > 0)
		*slot++ = d[--n];
	*slot = '\0';
}

/* Starts the child with lfd as its fd 3; returns its pid. */
static pid_t
start(char **argv, char **envp, char *slot, int lfd, const sigset_t *old)
{
	pid_t pid;

	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		(void)sigprocmask(SIG_SETMASK, old, NULL);
		if (dup2(lfd, 3) == -1)
			_exit(126);
		put_pid(slot, (long)getpid());
		(void)execve(argv[0], argv, envp);
		_exit(127);
	}
	return pid;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	sigset_t set, old;
	char **envp, *slot;
	int lfd, fd, sig, on = 1;
	pid_t pid;

	if (argc < 2) {
		(void)fprintf(stderr, "usage: bench-floor CHILD [ARG]...\n");
		return 2;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, SOMAXCONN) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1 ||
	    (lfd = fcntl(fd, F_DUPFD_CLOEXEC, 10)) == -1)
		die("listen");
	(void)close(fd);
	(void)fprintf(stderr,
	    "holdports: http listening on 127.0.0.1:%u (fd 3)\n",
	    (unsigned)ntohs(sin.sin_port));
	envp = child_env(&slot);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, &old) == -1)
		die("sigprocmask");
	pid = start(argv + 1, envp, slot, lfd, &old);
	(void)fprintf(stderr, "floor: started pid %ld\n", (long)pid);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		(void)kill(pid, SIGTERM);
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		if (sig != SIGHUP)
			return 0;
		pid = start(argv + 1, envp, slot, lfd, &old);
		(void)fprintf(
		    stderr, "floor: SIGHUP, restarted pid %ld\n", (long)pid);
	}
}
