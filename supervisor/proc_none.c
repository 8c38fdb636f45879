/* SPDX-License-Identifier: ISC */
/* proc_none.c: process helpers for systems without Linux's prctl(2). */

#include <sys/resource.h>

#include <errno.h>

#include "hp.h"

int
proc_subreaper(void)
{
	errno = ENOSYS;
	return -1;
}

void
proc_cloexec_from(int lowfd)
{
	struct rlimit rl;
	int fd, max = 65536;

	/* Bounded: a huge RLIMIT_NOFILE would make this loop slow, and a
	 * descriptor that high is not one a shell passes on. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (fd = lowfd; fd < max; fd++)
		(void)fd_set_cloexec(fd);
}
