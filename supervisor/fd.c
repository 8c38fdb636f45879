/* SPDX-License-Identifier: ISC */
/* fd.c: descriptors that are close-on-exec from birth, and the clock. */

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "hp.h"

int
fd_set_cloexec(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFD)) == -1)
		return -1;
	if (fl & FD_CLOEXEC)
		return 0;
	return fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1 ? -1 : 0;
}

int
fd_set_nonblock(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	if (fl & O_NONBLOCK)
		return 0;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ? -1 : 0;
}

int
close_fail(int fd)
{
	int e = errno;

	(void)close(fd);
	errno = e;
	return -1;
}

int
fd_socket(int family, int type)
{
	int fd;

#ifdef SOCK_CLOEXEC
	if ((fd = socket(family, type | SOCK_CLOEXEC, 0)) != -1 ||
	    errno != EINVAL)
		return fd;
#endif
	/* No SOCK_CLOEXEC: safe here, the supervisor has one thread. */
	if ((fd = socket(family, type, 0)) == -1)
		return -1;
	if (fd_set_cloexec(fd) == -1)
		return close_fail(fd);
	return fd;
}

int
fd_pipe(int fds[2])
{
	if (pipe(fds) == -1)
		return -1;
	if (fd_set_cloexec(fds[0]) == -1 || fd_set_cloexec(fds[1]) == -1) {
		(void)close_fail(fds[0]);
		return close_fail(fds[1]);
	}
	return 0;
}

int
fd_devnull(int oflags)
{
	return open("/dev/null", oflags | O_CLOEXEC);
}

int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
