/* SPDX-License-Identifier: ISC */
/* fstype_bsd.c: the file system of a path on FreeBSD, OpenBSD, DragonFly
 * and macOS, from the type name statfs(2) gives in f_fstypename. */

#include <sys/param.h>
#include <sys/mount.h>

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

int
fstype_remote(const char *path, char *name, size_t len)
{
	struct statfs sf;

	if (statfs(path, &sf) == -1)
		return -1;
	if (len > 0)
		(void)snprintf(name, len, "%s", sf.f_fstypename);
	return fstype_remote_name(sf.f_fstypename);
}
