/* SPDX-License-Identifier: ISC */
/* A stand-in for FreeBSD's <sys/mount.h>, ONLY so that `make
 * kqueue-syntax` can compile supervisor/fstype_bsd.c with -fsyntax-only on
 * Linux. It is never linked and never used for a real build. It declares
 * what fstype_bsd.c uses, as FreeBSD 12 and later do (statfs(2)): struct
 * statfs with its type name in f_fstypename[MFSNAMELEN]. */

#ifndef HP_STUB_SYS_MOUNT_H
#define HP_STUB_SYS_MOUNT_H

#include <stdint.h>

#define MFSNAMELEN 16 /* length of a type name, NUL included */
#define MNAMELEN 1024 /* length of a mounted file system's name */

struct statfs {
	uint32_t f_version;
	uint32_t f_type; /* type of file system */
	uint64_t f_flags;
	uint64_t f_bsize;
	char f_fstypename[MFSNAMELEN]; /* file system type name */
	char f_mntfromname[MNAMELEN]; /* mounted file system */
	char f_mntonname[MNAMELEN]; /* directory on which mounted */
};

int statfs(const char *, struct statfs *);

#endif
