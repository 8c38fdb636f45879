/* SPDX-License-Identifier: ISC */
/* fstype.c: which file system types get changes that bypass this kernel,
 * by name; shared by the platform files fstype_*.c. */

#include <string.h>

#include "fstype.h"

/*
 * Types whose files change without this kernel seeing it, so that
 * inotify(7) and kqueue(2) stay silent: network file systems (another
 * client writes), cluster file systems (another node writes), and the
 * shared folders of virtual machines and WSL (the host writes). Names as
 * Linux's /proc/self/mountinfo shows them (the .name of each file system's
 * struct file_system_type) and as FreeBSD, OpenBSD and macOS give f_fstypename.
 * A FUSE type is "fuse.SUBTYPE" on Linux ("fuse.sshfs") and "fusefs.SUBTYPE" on
 * FreeBSD: every one of them counts, but "fuseblk", a FUSE driver of a
 * local disk (ntfs-3g, exfat-fuse), whose writes all pass through this
 * kernel.
 */
static const char *const remote[] = {
    "nfs", "nfs4", /* Linux, the BSDs, macOS */
    "smbfs", "smb", "cifs", "smb3", /* SMB: BSD and macOS; Linux */
    "afpfs", "webdav", /* macOS: AFP, WebDAV */
    "9p", /* Plan 9: WSL2's /mnt/c, QEMU and Docker shares */
    "fuse", "fusefs", "osxfuse", "macfuse", /* FUSE: Linux, BSD, macOS */
    "virtiofs", /* QEMU, Docker Desktop, Kata: the host's files */
    "vboxsf", "vboxvfs", /* VirtualBox shared folders: Linux, macOS */
    "vmhgfs", "prl_fs", /* VMware, Parallels shared folders */
    "ceph", "afs", "coda", "ncpfs", "ncp", "lustre", "gpfs", "glusterfs",
    "smb2", "ibrix", "snfs", "gfs2", "ocfs2", "beegfs", "fhgfs", "panfs",
    "vxfs", /* clusters */
    "drvfs", /* WSL1: Windows' files */
};

int
fstype_remote_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return 0;
	if (strncmp(name, "fuse.", 5) == 0 || strncmp(name, "fusefs.", 7) == 0)
		return 1;
	for (i = 0; i < sizeof(remote) / sizeof(remote[0]); i++)
		if (strcmp(name, remote[i]) == 0)
			return 1;
	return 0;
}
