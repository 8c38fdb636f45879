/* SPDX-License-Identifier: ISC */
/* cgroup.c: a cgroup v2 for each child and build (Linux, cgroup-v2.rst of
 * the kernel's documentation); see cgroup.h for the layout. */

#define _GNU_SOURCE /* dirfd(3), O_DIRECTORY, O_CLOEXEC */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "hp.h"

#define CGROUP_NAME "holdports." /* our subtree: holdports.PID */
#define CGROUP_ROUNDS 100 /* cgroup_kill() without cgroup.kill */
#define CGROUP_CLOSE_MS 2000 /* cgroup_close() waits this long */
#define CGROUP_GUARD_MS 5000 /* cgroup_kill_tree() waits this long */
#define CGROUP_STEP_MS 10

struct cgroup_leaf {
	struct cgroup *cg;
	struct cgroup_leaf *next; /* the cgroup's list of live leaves */
	char *path;
	int dir; /* the folder, O_DIRECTORY */
	int procs; /* cgroup.procs, O_WRONLY */
	int events; /* cgroup.events, O_RDONLY */
};

struct cgroup {
	char *path; /* C/holdports.PID */
	char *rel; /* the same as /proc/PID/cgroup names it:
		      "/.../holdports.PID" */
	int has_kill; /* cgroup.kill exists (Linux 5.14) */
	struct cgroup_leaf *leaves;
};

/* Writes dir/name into buf (PATH_MAX bytes). Returns 0, or -1 with
 * errno ENAMETOOLONG. */
static int
cgroup_file(char *buf, const char *dir, const char *name)
{
	if (snprintf(buf, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Writes s into the file dir/name. Returns 0, or -1 with errno. */
static int
cgroup_write(const char *dir, const char *name, const char *s)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, e;

	if (cgroup_file(path, dir, name) == -1 ||
	    (fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = write(fd, s, strlen(s))) == -1 && errno == EINTR)
		;
	e = errno;
	(void)close(fd);
	errno = e;
	return n == -1 ? -1 : 0;
}

/* Decodes the octal escapes (\040 for a space) of a field of mountinfo
 * (proc(5)) in place. */
static void
cgroup_unescape(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
			    (s[3] - '0'));
			s += 3;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

/*
 * Finds the folder of the cgroup v2 we run in: the path of the "0::" line
 * of /proc/self/cgroup below the mount point of the cgroup2 file system in
 * /proc/self/mountinfo (fields: id, parent, dev, root, mount point, ...,
 * "-", type). When that mount shows only part of the tree (its root is
 * not "/": a cgroup namespace, a bind mount), the path must lie below it.
 * Writes it into buf (len bytes), and the path in the hierarchy ("" for
 * its root) into rel (PATH_MAX bytes). Returns 0, or -1 with errno
 * EOPNOTSUPP (no cgroup v2, or ours is not reachable) and why set.
 */
static int
cgroup_self(char *buf, size_t len, char *rel, char *why, size_t wlen)
{
	char line[PATH_MAX * 2], cg[PATH_MAX] = "", *root, *mnt, *dash;
	char *save, *f[5];
	int found = 0, i;
	size_t rl;
	FILE *fp;

	if ((fp = fopen("/proc/self/cgroup", "re")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "0::", 3) == 0) {
				line[strcspn(line, "\n")] = '\0';
				(void)snprintf(cg, sizeof(cg), "%.*s",
				    (int)sizeof(cg) - 1, line + 3);
				break;
			}
		(void)fclose(fp);
	}
	if (cg[0] != '/') {
		(void)snprintf(why, wlen,
		    "no cgroup v2 (no \"0::\" line in /proc/self/cgroup)");
		errno = EOPNOTSUPP;
		return -1;
	}
	/* "/" for the root: nothing, so that "/holdports.PID" follows. */
	(void)snprintf(rel, PATH_MAX, "%s", strcmp(cg, "/") == 0 ? "" : cg);
	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL) {
		(void)snprintf(
		    why, wlen, "/proc/self/mountinfo: %s", strerror(errno));
		errno = EOPNOTSUPP;
		return -1;
	}
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		if ((dash = strstr(line, " - cgroup2 ")) == NULL)
			continue;
		*dash = '\0';
		for (i = 0, save = NULL; i < 5; i++)
			if ((f[i] = strtok_r(
				 i == 0 ? line : NULL, " ", &save)) == NULL)
				break;
		if (i < 5)
			continue;
		root = f[3];
		mnt = f[4];
		cgroup_unescape(root);
		cgroup_unescape(mnt);
		rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
		if (rl > 0 &&
		    (strncmp(cg, root, rl) != 0 ||
			(cg[rl] != '/' && cg[rl] != '\0')))
			continue;
		if (snprintf(buf, len, "%s%s", mnt, cg + rl) < (int)len)
			found = 1;
	}
	(void)fclose(fp);
	if (!found) {
		(void)snprintf(why, wlen,
		    "cgroup v2 %s is not mounted where holdports can see it "
		    "(no cgroup2 line in /proc/self/mountinfo reaches it)",
		    cg);
		errno = EOPNOTSUPP;
		return -1;
	}
	/* "/sys/fs/cgroup/" for the root: one slash, not two. */
	len = strlen(buf);
	if (len > 1 && buf[len - 1] == '/')
		buf[len - 1] = '\0';
	return 0;
}

static int cgroup_rmdir_tree(const char *dir);
static int cgroup_kill_tree_ms(const char *dir, int ms);

/* Removes the empty subtrees C/holdports.PID whose PID no longer runs:
 * left when a holdports and its guard were both killed. rmdir(2) removes
 * only an empty cgroup without children: a subtree that still holds a
 * process is left alone, and so is any of a live holdports. */
static void
cgroup_sweep(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	long pid;
	char *end;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, CGROUP_NAME, strlen(CGROUP_NAME)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(CGROUP_NAME), &end, 10);
		if (pid <= 0 || *end != '\0' || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) <
		    (int)sizeof(path))
			(void)cgroup_rmdir_tree(path);
	}
	(void)closedir(d);
}

struct cgroup *
cgroup_open(char *why, size_t len)
{
	char self[PATH_MAX], path[PATH_MAX], test[PATH_MAX], rel[PATH_MAX];
	struct cgroup *cg;
	int e;

	if (cgroup_self(self, sizeof(self), rel, why, len) == -1)
		return NULL;
	/* Moving a process from C into our leaf needs write access to C's
	 * cgroup.procs: the common ancestor's (delegation containment). */
	if (cgroup_file(test, self, "cgroup.procs") == -1 ||
	    access(test, W_OK) == -1) {
		e = errno;
		(void)snprintf(why, len,
		    "%s is not ours to change (%s); run as root, or in a "
		    "cgroup delegated to you (systemd-run --user --scope -p "
		    "Delegate=yes)",
		    test, strerror(e));
		errno = e;
		return NULL;
	}
	cgroup_sweep(self);
	if (snprintf(path, sizeof(path), "%s/" CGROUP_NAME "%ld", self,
		(long)getpid()) >= (int)sizeof(path)) {
		(void)snprintf(why, len, "%s: path too long", self);
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		e = errno;
		(void)snprintf(why, len,
		    "cannot create the cgroup %s (%s); run as root, or in a "
		    "cgroup delegated to you",
		    path, strerror(e));
		errno = e;
		return NULL;
	}
	if ((cg = calloc(1, sizeof(*cg))) == NULL ||
	    (cg->path = strdup(path)) == NULL ||
	    asprintf(&cg->rel, "%s/" CGROUP_NAME "%ld", rel, (long)getpid()) ==
		-1) {
		e = errno;
		if (cg != NULL)
			free(cg->path);
		free(cg);
		(void)rmdir(path);
		(void)snprintf(why, len, "%s", strerror(e));
		errno = e;
		return NULL;
	}
	cg->has_kill = cgroup_file(test, path, "cgroup.kill") == 0 &&
	    access(test, F_OK) == 0;
	return cg;
}

const char *
cgroup_path(const struct cgroup *cg)
{
	return cg->path;
}

/* Frees l, closes its files, unlinks it from its cgroup's list. */
static void
cgroup_leaf_free(struct cgroup_leaf *l)
{
	struct cgroup_leaf **p;

	for (p = &l->cg->leaves; *p != NULL; p = &(*p)->next)
		if (*p == l) {
			*p = l->next;
			break;
		}
	if (l->dir != -1)
		(void)close(l->dir);
	if (l->procs != -1)
		(void)close(l->procs);
	if (l->events != -1)
		(void)close(l->events);
	free(l->path);
	free(l);
}

int
cgroup_close(struct cgroup *cg)
{
	int r;

	if (cg == NULL)
		return 0;
	while (cg->leaves != NULL)
		cgroup_leaf_free(cg->leaves);
	r = cgroup_kill_tree_ms(cg->path, CGROUP_CLOSE_MS);
	free(cg->path);
	free(cg->rel);
	free(cg);
	return r;
}

/* Returns 1 if name is a fit leaf name: [A-Za-z0-9._-], not "." or "..",
 * not a cgroup's own file ("cgroup.procs"), at most NAME_MAX bytes. */
static int
cgroup_name_ok(const char *name)
{
	const char *p;

	if (*name == '\0' || strlen(name) > NAME_MAX ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strncmp(name, "cgroup.", 7) == 0)
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
			*p == '-'))
			return 0;
	return 1;
}

struct cgroup_leaf *
cgroup_new(struct cgroup *cg, const char *name)
{
	char path[PATH_MAX], file[PATH_MAX];
	struct cgroup_leaf *l;
	int e;

	if (!cgroup_name_ok(name)) {
		errno = EINVAL;
		return NULL;
	}
	if (snprintf(path, sizeof(path), "%s/%s", cg->path, name) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->dir = l->procs = l->events = -1;
	l->cg = cg;
	if ((l->path = strdup(path)) == NULL)
		goto fail;
	if (mkdir(path, 0755) == -1)
		goto fail;
	if ((l->dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    cgroup_file(file, path, "cgroup.procs") == -1 ||
	    (l->procs = open(file, O_WRONLY | O_CLOEXEC)) == -1 ||
	    cgroup_file(file, path, "cgroup.events") == -1 ||
	    (l->events = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		goto fail_dir;
	l->next = cg->leaves;
	cg->leaves = l;
	return l;
fail_dir:
	e = errno;
	(void)rmdir(path);
	errno = e;
fail:
	e = errno;
	cgroup_leaf_free(l); /* in no list yet: only closed and freed */
	errno = e;
	return NULL;
}

int
cgroup_procs_fd(const struct cgroup_leaf *l)
{
	return l->procs;
}

int
cgroup_dir_fd(const struct cgroup_leaf *l)
{
	return l->dir;
}

int
cgroup_enter(int procs_fd)
{
	ssize_t n;

	/* "0": the writing process itself (cgroup-v2.rst). */
	while ((n = write(procs_fd, "0", 1)) == -1 && errno == EINTR)
		;
	return n == 1 ? 0 : -1;
}

/* Sends signo to every pid in the cgroup.procs of folder dir but those in
 * process group skip (0: none). Returns the number signalled, or -1 with
 * errno from fopen(3). */
static int
cgroup_signal_dir(const char *dir, int signo, pid_t skip)
{
	char path[PATH_MAX];
	long pid;
	int n = 0;
	FILE *f;

	if (cgroup_file(path, dir, "cgroup.procs") == -1 ||
	    (f = fopen(path, "re")) == NULL)
		return -1;
	while (fscanf(f, "%ld", &pid) == 1)
		if (pid > 1 && (skip == 0 || getpgid((pid_t)pid) != skip) &&
		    kill((pid_t)pid, signo) == 0)
			n++;
	(void)fclose(f);
	return n;
}

int
cgroup_signal(struct cgroup_leaf *l, int signo, pid_t skip)
{
	return cgroup_signal_dir(l->path, signo, skip);
}

/* Kills every process in the cgroup dir: cgroup.kill where has_kill,
 * else rounds of SIGKILL to its cgroup.procs until one finds none.
 * Returns 0 or -1 with errno. */
static int
cgroup_kill_dir(const char *dir, int has_kill)
{
	int i, n;

	if (has_kill && cgroup_write(dir, "cgroup.kill", "1") == 0)
		return 0;
	for (i = 0; i < CGROUP_ROUNDS; i++) {
		if ((n = cgroup_signal_dir(dir, SIGKILL, 0)) == -1)
			return -1;
		if (n == 0)
			return 0;
	}
	errno = EAGAIN; /* still forking after 100 rounds */
	return -1;
}

int
cgroup_kill(struct cgroup_leaf *l)
{
	return cgroup_kill_dir(l->path, l->cg->has_kill);
}

/* Returns "populated" of the cgroup.events read from fd (1 or 0), or -1
 * with errno. */
static int
cgroup_populated_fd(int fd)
{
	char buf[256], *p;
	ssize_t n;

	/* kernfs gives the current contents from offset 0 each time. */
	while ((n = pread(fd, buf, sizeof(buf) - 1, 0)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "populated ")) == NULL) {
		errno = EINVAL;
		return -1;
	}
	return p[10] == '1';
}

int
cgroup_populated(struct cgroup_leaf *l)
{
	return cgroup_populated_fd(l->events);
}

int
cgroup_fd(const struct cgroup_leaf *l)
{
	return l->events;
}

int
cgroup_remove(struct cgroup_leaf *l)
{
	/* EBUSY also when the child made cgroups below its leaf (a nested
	 * holdports does): those go first, if they are empty too. */
	if (rmdir(l->path) == -1 && errno != ENOENT &&
	    (errno != EBUSY || cgroup_rmdir_tree(l->path) == -1))
		return -1;
	cgroup_leaf_free(l);
	return 0;
}

int
cgroup_holds(const struct cgroup *cg, pid_t pid)
{
	char path[64], line[PATH_MAX + 8];
	size_t n = strlen(cg->rel);
	int found = 0;
	FILE *fp;

	(void)snprintf(path, sizeof(path), "/proc/%ld/cgroup", (long)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	/* "0::/.../holdports.PID/LEAF[/...]": below a leaf of ours. */
	while (!found && fgets(line, sizeof(line), fp) != NULL)
		found = strncmp(line, "0::", 3) == 0 &&
		    strncmp(line + 3, cg->rel, n) == 0 && line[3 + n] == '/' &&
		    line[4 + n] != '\n' && line[4 + n] != '\0';
	(void)fclose(fp);
	return found;
}

/* Returns "populated" of the cgroup folder dir (1 or 0), or -1 with errno
 * (ENOENT: gone). */
static int
cgroup_populated_dir(const char *dir)
{
	char path[PATH_MAX];
	int fd, r, e;

	if (cgroup_file(path, dir, "cgroup.events") == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = cgroup_populated_fd(fd);
	e = errno;
	(void)close(fd);
	errno = e;
	return r;
}

/* nftw(3) callback of cgroup_rmdir_tree(), called deepest first: removes
 * each cgroup (a folder); a failure shows in what is left. */
static int
cgroup_rmdir_one(
    const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		(void)rmdir(path);
	return 0;
}

/* Removes the cgroups of the tree at dir, deepest first (rmdir(2) of a
 * cgroup needs it empty of processes and of children; a child could have
 * made cgroups below its leaf). Returns 0, or -1 with errno EBUSY when dir
 * is still there. */
static int
cgroup_rmdir_tree(const char *dir)
{
	(void)nftw(dir, cgroup_rmdir_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (access(dir, F_OK) == 0) {
		errno = EBUSY;
		return -1;
	}
	return 0;
}

/* nftw(3) callback of cgroup_signal_tree(): kills the processes of each
 * cgroup. */
static int
cgroup_signal_one(
    const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_D)
		(void)cgroup_kill_dir(path, 0);
	return 0;
}

/* Kills every process in each cgroup of the tree at dir, without
 * cgroup.kill. */
static void
cgroup_signal_tree(const char *dir)
{
	(void)nftw(dir, cgroup_signal_one, 16, FTW_PHYS | FTW_MOUNT);
}

/* Waits up to ms for the cgroup dir to empty. Returns 0 when it is empty
 * (or gone), -1 with errno EBUSY when it is not. */
static int
cgroup_wait_empty(const char *dir, int ms)
{
	int waited, r;

	for (waited = 0;; waited += CGROUP_STEP_MS) {
		if ((r = cgroup_populated_dir(dir)) == 0 ||
		    (r == -1 && errno == ENOENT))
			return 0;
		if (waited >= ms)
			break;
		(void)poll(NULL, 0, CGROUP_STEP_MS);
	}
	errno = EBUSY;
	return -1;
}

/* cgroup_kill_tree() waiting up to ms for the tree to empty. */
static int
cgroup_kill_tree_ms(const char *dir, int ms)
{
	char test[PATH_MAX];

	/* cgroup.kill of a cgroup kills its whole subtree. */
	if (cgroup_file(test, dir, "cgroup.kill") == -1 ||
	    access(test, F_OK) != 0 ||
	    cgroup_write(dir, "cgroup.kill", "1") == -1)
		cgroup_signal_tree(dir);
	if (cgroup_wait_empty(dir, ms / 2) == -1) {
		/* What forked between the rounds: once more. */
		cgroup_signal_tree(dir);
		if (cgroup_wait_empty(dir, ms / 2) == -1)
			return -1;
	}
	return cgroup_rmdir_tree(dir);
}

int
cgroup_kill_tree(const char *dir)
{
	return cgroup_kill_tree_ms(dir, CGROUP_GUARD_MS);
}
