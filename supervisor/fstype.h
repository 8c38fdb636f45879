/* SPDX-License-Identifier: ISC */
/* fstype.h: is a watched path on a file system whose changes the kernel's
 * file events (inotify(7), kqueue(2)) may not report? Such roots are
 * polled instead (pollwatch.h). */

#ifndef HP_FSTYPE_H
#define HP_FSTYPE_H

#include <stddef.h>

/* fstype.c: shared by every platform. */

/* Returns 1 if name, a file system type as Linux's /proc/self/mountinfo
 * or the BSDs' and macOS's statfs(2) f_fstypename spell it ("nfs4",
 * "cifs", "fuse.sshfs", "smbfs", "fusefs.sshfs", "9p", "virtiofs", ...),
 * is one whose files other machines (or a hypervisor's host) change
 * without passing through this kernel, so that no event reports the
 * change; else 0 (also for NULL). Cannot fail. */
int fstype_remote_name(const char *name);

/* fstype_linux.c, fstype_bsd.c, fstype_none.c: one, chosen by configure. */

/* Finds the file system that path lies on (statfs(2), following a
 * symbolic link) and writes its type's name into name (len bytes, cut
 * there, NUL-terminated when len > 0): "nfs4", "cifs", "fuse.sshfs",
 * "9p", "ext4", "tmpfs", or "0x1234abcd" for a Linux type we do not
 * know, "unknown" where the system cannot tell. Returns 1 if it is a file
 * system whose changes may come from elsewhere (NFS, SMB/CIFS, 9p, FUSE
 * including sshfs and virtiofs, VirtualBox and Parallels shared folders,
 * Ceph, AFS, Coda, Lustre, GPFS, GFS2, OCFS2), 0 for a local one (and
 * where the system cannot tell), or -1 with errno from statfs(2) (ENOENT,
 * ENOTDIR, EACCES, ...). */
int fstype_remote(const char *path, char *name, size_t len);

/* Linux only (fstype_linux.c): looks up magic, a statfs(2) f_type value,
 * in the table of linux/magic.h numbers. Returns 1 (a remote type) or 0
 * (a local one, or not in the table), with *name its short name or NULL
 * when it is not in the table. Elsewhere returns -1 with errno ENOSYS,
 * *name NULL. Cannot fail otherwise. */
int fstype_magic(unsigned long magic, const char **name);

#endif
