/* SPDX-License-Identifier: ISC */
/* sockuse_none.c: for systems where the queue of a listener and the
 * sockets of another process cannot be read: nothing is watched. */

#include <errno.h>

#include "sockuse.h"

int
sockuse_queue(int fd, unsigned *n)
{
	(void)fd;
	(void)n;
	errno = ENOSYS;
	return -1;
}

int
sockuse_waiting(int fd, struct sockuse_peer *v, size_t max, size_t *n)
{
	(void)fd;
	(void)v;
	(void)max;
	*n = 0;
	errno = ENOSYS;
	return -1;
}

int
sockuse_scan(
    const pid_t *pgids, size_t n, unsigned long held, struct sockuse_found *f)
{
	(void)pgids;
	(void)n;
	(void)held;
	(void)f;
	errno = ENOSYS;
	return -1;
}
