/* SPDX-License-Identifier: ISC */
/* fstype_none.c: for systems whose statfs(2) names no file system type:
 * every path counts as local ("unknown"); watch_mode = poll still polls
 * a root by hand. */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>

#include "fstype.h"

int
fstype_magic(unsigned long magic, const char **name)
{
	(void)magic;
	*name = NULL;
	errno = ENOSYS;
	return -1;
}

/* stat(2) still tells a path that does not exist, as statfs(2) would. */
int
fstype_remote(const char *path, char *name, size_t len)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	if (len > 0)
		(void)snprintf(name, len, "unknown");
	return 0;
}
