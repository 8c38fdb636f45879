/* SPDX-License-Identifier: ISC */
/* fstype_linux.c: the file system of a path on Linux, from statfs(2)'s
 * f_type and the type's name in /proc/self/mountinfo. */

#define _DEFAULT_SOURCE /* statfs(2), major(3), minor(3) */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fstype.h"

#define LINE_MAX_MI 4096 /* a mountinfo line we read whole */

/*
 * statfs(2) f_type values. Sources: include/uapi/linux/magic.h, and for
 * those it lacks, GNU coreutils' src/stat.c (human_fstype(), whose
 * "local" and "remote" notes tail -f uses to choose between inotify and
 * polling), which also gives GFS2_MAGIC, VBOXSF_SUPER_MAGIC, Lustre,
 * GPFS, BeeGFS (fhgfs), Panasas, StorNext (snfs), IBRIX, VMware's vmhgfs,
 * Veritas VxFS (clustered) and Parallels' prl_fs. Two choices differ from
 * coreutils': 9p is remote (WSL2's /mnt/c, QEMU and container shares:
 * the host writes, the guest's inotify sees nothing), and overlay is
 * local (every container's root; its upper layer is a local directory).
 * virtiofs reports FUSE's number (fs/fuse/virtio_fs.c fills its super
 * block as FUSE does), and so does every FUSE file system: sshfs, bindfs,
 * rclone, Docker Desktop's grpcfuse.
 */
static const struct magic {
	unsigned long magic;
	const char *name;
	int remote;
} magics[] = {
    {0x6969UL, "nfs", 1}, /* NFS_SUPER_MAGIC */
    {0x517BUL, "smb", 1}, /* SMB_SUPER_MAGIC */
    {0xFF534D42UL, "cifs", 1}, /* CIFS_SUPER_MAGIC */
    {0xFE534D42UL, "smb2", 1}, /* SMB2_SUPER_MAGIC */
    {0x01021997UL, "9p", 1}, /* V9FS_MAGIC */
    {0x65735546UL, "fuse", 1}, /* FUSE_SUPER_MAGIC */
    {0x00C36400UL, "ceph", 1}, /* CEPH_SUPER_MAGIC */
    {0x5346414FUL, "afs", 1}, /* AFS_SUPER_MAGIC (OpenAFS) */
    {0x6B414653UL, "afs", 1}, /* AFS_FS_MAGIC (kAFS) */
    {0x73757245UL, "coda", 1}, /* CODA_SUPER_MAGIC */
    {0x564CUL, "ncp", 1}, /* NCP_SUPER_MAGIC */
    {0x7461636FUL, "ocfs2", 1}, /* OCFS2_SUPER_MAGIC */
    {0x01161970UL, "gfs2", 1}, /* GFS2_MAGIC */
    {0x786F4256UL, "vboxsf", 1}, /* VBOXSF_SUPER_MAGIC */
    {0x0BD00BD0UL, "lustre", 1}, /* LL_SUPER_MAGIC */
    {0x47504653UL, "gpfs", 1}, /* GPFS_SUPER_MAGIC */
    {0x7C7C6673UL, "prl_fs", 1}, /* PRL_FS_MAGIC */
    {0x19830326UL, "beegfs", 1}, /* FHGFS */
    {0xAAD7AAEAUL, "panfs", 1}, /* PANFS */
    {0xBEEFDEADUL, "snfs", 1}, /* StorNext */
    {0x013111A8UL, "ibrix", 1}, /* IBRIX */
    {0xBACBACBCUL, "vmhgfs", 1}, /* VMware shared folders */
    {0xA501FCF5UL, "vxfs", 1}, /* Veritas, may be clustered */
    {0xEF53UL, "ext4", 0}, /* EXT4_SUPER_MAGIC, also ext2 and ext3 */
    {0x01021994UL, "tmpfs", 0}, /* TMPFS_MAGIC */
    {0x794C7630UL, "overlay", 0}, /* OVERLAYFS_SUPER_MAGIC */
    {0x9123683EUL, "btrfs", 0}, /* BTRFS_SUPER_MAGIC */
    {0x58465342UL, "xfs", 0}, /* XFS_SUPER_MAGIC */
    {0x2FC12FC1UL, "zfs", 0}, /* ZFS (OpenZFS: ZFS_SUPER_MAGIC) */
    {0xF2F52010UL, "f2fs", 0}, /* F2FS_SUPER_MAGIC */
    {0x4D44UL, "vfat", 0}, /* MSDOS_SUPER_MAGIC */
    {0x2011BAB0UL, "exfat", 0}, /* EXFAT_SUPER_MAGIC */
    {0x5346544EUL, "ntfs", 0}, /* NTFS_SB_MAGIC */
    {0x858458F6UL, "ramfs", 0}, /* RAMFS_MAGIC */
    {0x73717368UL, "squashfs", 0}, /* SQUASHFS_MAGIC */
    {0xE0F5E1E2UL, "erofs", 0}, /* EROFS_SUPER_MAGIC_V1 */
    {0x9660UL, "iso9660", 0}, /* ISOFS_SUPER_MAGIC */
    {0x9FA0UL, "proc", 0}, /* PROC_SUPER_MAGIC */
    {0x62656572UL, "sysfs", 0}, /* SYSFS_MAGIC */
    {0x1CD1UL, "devpts", 0}, /* DEVPTS_SUPER_MAGIC */
    {0x63677270UL, "cgroup2", 0}, /* CGROUP2_SUPER_MAGIC */
};

int
fstype_magic(unsigned long magic, const char **name)
{
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (magics[i].magic == magic) {
			*name = magics[i].name;
			return magics[i].remote;
		}
	*name = NULL;
	return 0;
}

/*
 * Finds the type's name of the mount whose device is dev in
 * /proc/self/mountinfo (proc(5): field 3 is MAJOR:MINOR, and the type
 * follows the " - " separator) and copies it into name. Its name is more
 * precise than the magic number's ("nfs4", "fuse.sshfs", "virtiofs",
 * "fuseblk"). Returns 1 if found, 0 if not (no /proc, a line too long).
 */
static int
mountinfo_name(dev_t dev, char *name, size_t len)
{
	char line[LINE_MAX_MI], want[64], *sep, *type, *end;
	size_t n;
	FILE *f;
	int found = 0;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return 0;
	(void)snprintf(want, sizeof(want), " %u:%u ", (unsigned)major(dev),
	    (unsigned)minor(dev));
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		/* "ID PARENT MAJ:MIN ROOT ...": the first space ends the ID */
		if ((sep = strchr(line, ' ')) == NULL ||
		    (sep = strchr(sep + 1, ' ')) == NULL ||
		    strncmp(sep, want, strlen(want)) != 0 ||
		    (type = strstr(sep, " - ")) == NULL)
			continue;
		type += 3;
		if ((end = strchr(type, ' ')) == NULL)
			continue;
		n = (size_t)(end - type);
		if (len > 0) {
			n = n < len - 1 ? n : len - 1;
			memcpy(name, type, n);
			name[n] = '\0';
		}
		found = 1;
	}
	(void)fclose(f);
	return found;
}

int
fstype_remote(const char *path, char *name, size_t len)
{
	struct statfs sf;
	struct stat st;
	const char *known;
	char mi[64];
	int remote;

	if (statfs(path, &sf) == -1)
		return -1;
	remote = fstype_magic((unsigned long)sf.f_type, &known);
	if (stat(path, &st) == 0 && mountinfo_name(st.st_dev, mi, sizeof(mi))) {
		/* FUSE's number covers fuseblk too: a FUSE driver of a
		 * local disk, whose writes all pass through this kernel. */
		if (remote && strcmp(mi, "fuseblk") == 0)
			remote = 0;
		if (len > 0)
			(void)snprintf(name, len, "%s", mi);
	} else if (len > 0) {
		if (known != NULL)
			(void)snprintf(name, len, "%s", known);
		else
			(void)snprintf(
			    name, len, "0x%lx", (unsigned long)sf.f_type);
	}
	return remote;
}
