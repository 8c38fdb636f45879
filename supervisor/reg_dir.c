/* SPDX-License-Identifier: ISC */
/* reg_dir.c: the registry folder as every reader sees it: where it is,
 * opening it safely, listing the instances that run (and removing the
 * files of those that do not), and leaving a reload request for one. A
 * reader checks each entry's pid and start time, so no lock is needed. */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "reg.h"

/* A file longer than this is not one of ours (256 sockets need ~100 KiB). */
#define REG_FILE_MAX (1024 * 1024)

int
reg_stale(const struct reg_entry *e, int alive, unsigned long long start)
{
	if (!alive)
		return 1;
	return e->start != 0 && start != 0 && start != e->start;
}

int
reg_path(char *buf, size_t len)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	size_t n;
	int r;

	/* XDG Base Directory Specification: a relative XDG_RUNTIME_DIR is
	 * invalid and must be ignored. */
	if (x != NULL && x[0] == '/') {
		for (n = strlen(x); n > 1 && x[n - 1] == '/'; n--)
			;
		r = snprintf(buf, len, "%.*s/holdports", (int)n, x);
	} else
		r = snprintf(
		    buf, len, "/tmp/holdports-%lu", (unsigned long)geteuid());
	if (r < 0 || (size_t)r >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Writes "uid N (NAME)" or "uid N" for uid into buf. */
static void
reg_who(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		(void)snprintf(buf, len, "user %s (uid %lu)", pw->pw_name,
		    (unsigned long)uid);
	else
		(void)snprintf(buf, len, "uid %lu", (unsigned long)uid);
}

int
reg_opendir(int create, char *err, size_t len)
{
	char path[PATH_MAX], owner[128], me[128];
	struct stat st;
	int fd, e;

	if (reg_path(path, sizeof(path)) == -1) {
		(void)snprintf(err, len,
		    "$XDG_RUNTIME_DIR/holdports: the path is too long; set "
		    "XDG_RUNTIME_DIR to a shorter one");
		return -1;
	}
	if (create && mkdir(path, 0700) == -1 && errno != EEXIST) {
		e = errno;
		(void)snprintf(err, len,
		    "%s: cannot create it: %s; check XDG_RUNTIME_DIR", path,
		    strerror(e));
		errno = e;
		return -1;
	}
	/* O_NOFOLLOW: never through a symbolic link, which another user
	 * (in /tmp) could point anywhere; O_DIRECTORY: only a folder. */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		e = errno;
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			(void)snprintf(err, len,
			    "%s: is a symbolic link; holdports refuses it, as "
			    "it could send the registry anywhere: remove it",
			    path);
			e = ELOOP;
		} else if (e == ENOTDIR)
			(void)snprintf(
			    err, len, "%s: is not a folder; remove it", path);
		else if (e == ENOENT)
			(void)snprintf(err, len, "%s: does not exist", path);
		else
			(void)snprintf(err, len, "%s: cannot open it: %s", path,
			    strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		e = errno;
		(void)snprintf(err, len, "%s: %s", path, strerror(e));
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		reg_who(st.st_uid, owner, sizeof(owner));
		reg_who(geteuid(), me, sizeof(me));
		(void)snprintf(err, len,
		    "%s: belongs to %s, not to %s; another user could forge "
		    "or hide entries there, so holdports refuses it: remove "
		    "it, or set XDG_RUNTIME_DIR to a folder of your own",
		    path, owner, me);
		e = EPERM;
		goto fail;
	}
	/* Ours, but open to others (made by hand): make it private. */
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0700) == -1) {
		e = errno;
		(void)snprintf(err, len,
		    "%s: is open to other users and cannot be made private: "
		    "%s; remove it",
		    path, strerror(e));
		goto fail;
	}
	return fd;
fail:
	(void)close(fd);
	errno = e;
	return -1;
}

/* Reads the whole file name of folder dirfd into a new string, with its
 * inode in *ino. Returns it, or NULL with errno (EFBIG when too long). */
static char *
reg_slurp(int dirfd, const char *name, ino_t *ino)
{
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd, e;

	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = EINVAL;
	else if (st.st_size >= REG_FILE_MAX)
		e = EFBIG;
	else
		e = 0;
	if (e != 0) {
		(void)close(fd);
		errno = e;
		return NULL;
	}
	*ino = st.st_ino;
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		(void)close(fd);
		return NULL;
	}
	while (n < (size_t)st.st_size) {
		r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	(void)close(fd);
	buf[n] = '\0';
	return buf;
}

/* Returns 1 if pid runs (a process of another user too), filling *start
 * (0: unknown); 0 if it is gone or a zombie. kill(2) and
 * proc_start_time(). */
static int
reg_probe(pid_t pid, unsigned long long *start)
{
	*start = 0;
	if (kill(pid, 0) == -1 && errno == ESRCH)
		return 0;
	if (proc_start_time(pid, start) == -1) {
		*start = 0;
		if (errno == ESRCH)
			return 0;
	}
	return 1;
}

/* Removes file name of folder dirfd if it still is the file of inode ino
 * that was judged stale: a pid reused since may have written a new one. */
static void
reg_prune(int dirfd, const char *name, ino_t ino)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_ino == ino)
		(void)unlinkat(dirfd, name, 0);
}

/* qsort(3) order of reg_list(): by name, then pid. */
static int
reg_cmp(const void *a, const void *b)
{
	const struct reg_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Reads file name (of pid) into *e and judges it. Returns 1 with *e
 * filled for a live entry, else 0 (a stale file is removed). */
static int
reg_read(int dirfd, const char *name, pid_t pid, struct reg_entry *e)
{
	unsigned long long start;
	ino_t ino;
	char *text;
	int alive, parsed;

	if ((text = reg_slurp(dirfd, name, &ino)) == NULL)
		return 0;
	parsed = reg_parse(text, e) == 0;
	free(text);
	if (!parsed || e->pid != pid) {
		/* not ours to read; drop it only once its writer is gone */
		reg_entry_free(e);
		if (!reg_probe(pid, &start))
			reg_prune(dirfd, name, ino);
		return 0;
	}
	alive = reg_probe(pid, &start);
	if (reg_stale(e, alive, start)) {
		reg_prune(dirfd, name, ino);
		reg_entry_free(e);
		return 0;
	}
	return 1;
}

int
reg_list(int dirfd, struct reg_entry **vp, size_t *np)
{
	struct reg_entry *v = NULL, *nv, e;
	unsigned long long start;
	struct dirent *de;
	struct stat st;
	size_t n = 0;
	pid_t pid;
	DIR *d;
	int fd, tmp;

	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if ((pid = reg_name_pid(de->d_name, &tmp)) == 0)
			continue;
		if (tmp) {
			/* an unfinished write whose writer died */
			if (!reg_probe(pid, &start) &&
			    fstatat(dirfd, de->d_name, &st,
				AT_SYMLINK_NOFOLLOW) == 0)
				reg_prune(dirfd, de->d_name, st.st_ino);
			continue;
		}
		if (!reg_read(dirfd, de->d_name, pid, &e))
			continue;
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			reg_entry_free(&e);
			reg_list_free(v, n);
			(void)closedir(d);
			errno = ENOMEM;
			return -1;
		}
		v = nv;
		v[n++] = e;
	}
	(void)closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), reg_cmp);
	*vp = v;
	*np = n;
	return 0;
}

void
reg_list_free(struct reg_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		reg_entry_free(&v[i]);
	free(v);
}

int
reg_request(int dirfd, pid_t pid, const char *child)
{
	char name[64 + CONF_NAME_MAX];
	int fd;

	reg_request_prefix(pid, name, sizeof(name));
	(void)strncat(name, child, sizeof(name) - strlen(name) - 1);
	fd = openat(dirfd, name,
	    O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd == -1)
		return -1;
	(void)close(fd);
	return 0;
}
