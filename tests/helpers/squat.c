/* SPDX-License-Identifier: ISC */
/* squat.c: plays another user who guesses the readiness socket a holdports
 * instance will bind, takes it first, then runs holdports under the pid it
 * guessed. */

/*
 * usage: squat COMMAND [ARG]...
 *
 * Forks a squatter that binds datagram sockets to the abstract names
 * "holdports/PID/0" to "holdports/PID/15" (PID: ours, which COMMAND will
 * have) and puts a regular file at /tmp/notify.PID, as earlier versions of
 * holdports named them; once it holds them, prints "squat: pid N" on
 * stderr and executes COMMAND. The squatter holds them until it is killed
 * (or for 60 s); the test removes /tmp/notify.PID.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAMES 16
#define LINGER_S 60

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "squat: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Binds a datagram socket to the abstract name "holdports/pid/i". */
static void
take(long pid, int i)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd, n;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
	    "holdports/%ld/%d", pid, i);
	len =
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, len) == -1)
		die("bind");
}

int
main(int argc, char **argv)
{
	char path[64], b;
	long pid = (long)getpid();
	int p[2], i, fd;
	pid_t sq;

	if (argc < 2) {
		fprintf(stderr, "usage: squat command [arg]...\n");
		return 2;
	}
	if (pipe(p) == -1)
		die("pipe");
	if ((sq = fork()) == -1)
		die("fork");
	if (sq == 0) {
		(void)close(p[0]);
		for (i = 0; i < NAMES; i++)
			take(pid, i);
		(void)snprintf(path, sizeof(path), "/tmp/notify.%ld", pid);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
			die(path);
		(void)close(fd);
		(void)close(p[1]);
		(void)alarm(LINGER_S);
		for (;;)
			(void)pause();
	}
	(void)close(p[1]);
	while (read(p[0], &b, 1) == -1 && errno == EINTR)
		;
	(void)close(p[0]);
	fprintf(stderr, "squat: pid %ld\n", (long)sq);
	execvp(argv[1], argv + 1);
	die(argv[1]);
}
