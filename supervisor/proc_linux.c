/* SPDX-License-Identifier: ISC */
/* proc_linux.c: Linux process helpers: subreaper, inherited descriptors. */

#define _GNU_SOURCE /* prctl(2) constants, dirfd(3) */

#include <sys/prctl.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

#include "hp.h"

int
proc_subreaper(void)
{
	/* prctl(2): orphaned descendants are re-parented to us, so that a
	 * grandchild left in the child's group is ours to reap (and its
	 * death wakes the loop through SIGCHLD). */
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1 ? -1 : 0;
}

void
proc_cloexec_from(int lowfd)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if ((d = opendir("/proc/self/fd")) == NULL) {
		/* No /proc: fall back to the portable bounded loop. */
		for (fd = lowfd; fd < 1024; fd++)
			(void)fd_set_cloexec(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		fd = atoi(de->d_name);
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd < lowfd ||
		    fd == dirfd(d))
			continue;
		(void)fd_set_cloexec(fd);
	}
	(void)closedir(d);
}
