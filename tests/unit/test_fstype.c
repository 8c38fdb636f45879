/* SPDX-License-Identifier: ISC */
/* test_fstype.c: which file systems are polled: the names and (on Linux)
 * the statfs(2) numbers of remote ones, and real paths of this machine,
 * a FUSE mount (bindfs) included where one can be made. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fstype.h"

static const struct {
	const char *name;
	int remote;
} names[] = {
    {"nfs", 1},
    {"nfs4", 1},
    {"cifs", 1},
    {"smb3", 1},
    {"smbfs", 1}, /* the BSDs, macOS */
    {"9p", 1}, /* WSL2's /mnt/c */
    {"fuse", 1},
    {"fuse.sshfs", 1}, /* Linux: fuse.SUBTYPE */
    {"fuse.rclone", 1},
    {"fusefs.sshfs", 1}, /* FreeBSD */
    {"macfuse", 1},
    {"virtiofs", 1},
    {"vboxsf", 1},
    {"prl_fs", 1},
    {"ceph", 1},
    {"afs", 1},
    {"gfs2", 1},
    {"ext4", 0},
    {"tmpfs", 0},
    {"overlay", 0}, /* every container's root */
    {"fuseblk", 0}, /* ntfs-3g on a local disk */
    {"btrfs", 0},
    {"apfs", 0},
    {"ufs", 0},
    {"zfs", 0},
    {"fusex", 0},
    {"nfs4x", 0},
    {"", 0},
};

static void
test_names(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (fstype_remote_name(names[i].name) != names[i].remote)
			fail_msg(
			    "'%s': wanted %d", names[i].name, names[i].remote);
	assert_int_equal(fstype_remote_name(NULL), 0);
}

static const struct {
	unsigned long magic;
	const char *name;
	int remote;
} magics[] = {
    {0x6969UL, "nfs", 1}, {0xFF534D42UL, "cifs", 1}, {0xFE534D42UL, "smb2", 1},
    {0x517BUL, "smb", 1}, {0x01021997UL, "9p", 1}, {0x65735546UL, "fuse", 1},
    {0x00C36400UL, "ceph", 1}, {0x786F4256UL, "vboxsf", 1},
    {0x7C7C6673UL, "prl_fs", 1}, {0xEF53UL, "ext4", 0},
    {0x01021994UL, "tmpfs", 0}, {0x794C7630UL, "overlay", 0},
    {0x9FA0UL, "proc", 0}, {0x12345678UL, NULL, 0}, /* unknown: local */
};

static void
test_magic(void **state)
{
	const char *name;
	size_t i;
	int r;

	(void)state;
	if (fstype_magic(0x6969UL, &name) == -1) {
		assert_int_equal(errno, ENOSYS);
		assert_null(name);
		skip();
	}
	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		r = fstype_magic(magics[i].magic, &name);
		if (r != magics[i].remote)
			fail_msg("0x%lx: got %d", magics[i].magic, r);
		if (magics[i].name == NULL)
			assert_null(name);
		else
			assert_string_equal(name, magics[i].name);
		/* the two tables agree */
		if (name != NULL)
			assert_int_equal(fstype_remote_name(name), r);
	}
}

static void
test_local_paths(void **state)
{
	char name[64];
	struct stat st;

	(void)state;
	assert_int_equal(fstype_remote("/", name, sizeof(name)), 0);
	assert_true(name[0] != '\0');
	assert_int_equal(fstype_remote(".", name, sizeof(name)), 0);
	if (stat("/proc/self", &st) == 0) {
		assert_int_equal(fstype_remote("/proc", name, sizeof(name)), 0);
		if (strcmp(name, "unknown") != 0)
			assert_string_equal(name, "proc");
	}
	if (stat("/dev/shm", &st) == 0) {
		assert_int_equal(
		    fstype_remote("/dev/shm", name, sizeof(name)), 0);
		if (strcmp(name, "unknown") != 0)
			assert_string_equal(name, "tmpfs");
	}
}

static void
test_errors_and_short_buffers(void **state)
{
	char name[64];

	(void)state;
	assert_int_equal(fstype_remote("/nonexistent/x", name, 64), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fstype_remote("/etc/passwd/x", name, 64), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(fstype_remote("", name, 64), -1);
	assert_int_equal(errno, ENOENT);
	/* the name is cut, always terminated; len 0 writes nothing */
	assert_int_equal(fstype_remote("/", name, 3), 0);
	assert_int_equal(strlen(name), 2);
	name[0] = 'x';
	assert_int_equal(fstype_remote("/", name, 0), 0);
	assert_int_equal(name[0], 'x');
}

/* Runs the shell command cmd; returns its exit status. */
static int
sh(const char *cmd)
{
	int st = system(cmd);

	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/*
 * A FUSE file system, made with bindfs (which mirrors a directory through
 * FUSE): needs root or fusermount, /dev/fuse and bindfs. Its type must be
 * remote, since FUSE passes on changes made behind the kernel's back.
 */
static void
test_fuse_mount(void **state)
{
	char dir[] = "/tmp/hp-fstype.XXXXXX", cmd[256], name[64];
	int r;

	(void)state;
	if (sh("command -v bindfs >/dev/null 2>&1") != 0) {
		print_message("skipped: bindfs not installed (Debian package "
			      "bindfs)\n");
		skip();
	}
	if (access("/dev/fuse", R_OK | W_OK) == -1) {
		print_message("skipped: /dev/fuse: %s\n", strerror(errno));
		skip();
	}
	assert_non_null(mkdtemp(dir));
	(void)snprintf(cmd, sizeof(cmd),
	    "mkdir %s/src %s/mnt && bindfs %s/src %s/mnt 2>/dev/null", dir, dir,
	    dir, dir);
	if (sh(cmd) != 0) {
		(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)sh(cmd);
		print_message("skipped: bindfs could not mount (no permission "
			      "to mount FUSE here)\n");
		skip();
	}
	(void)snprintf(cmd, sizeof(cmd), "%s/mnt", dir);
	r = fstype_remote(cmd, name, sizeof(name));
	(void)snprintf(cmd, sizeof(cmd),
	    "fusermount3 -u %s/mnt 2>/dev/null || fusermount -u %s/mnt "
	    "2>/dev/null || umount %s/mnt; rm -rf %s",
	    dir, dir, dir, dir);
	assert_int_equal(sh(cmd), 0);
	assert_int_equal(r, 1);
	assert_true(strncmp(name, "fuse", 4) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_magic),
	    cmocka_unit_test(test_local_paths),
	    cmocka_unit_test(test_errors_and_short_buffers),
	    cmocka_unit_test(test_fuse_mount),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
