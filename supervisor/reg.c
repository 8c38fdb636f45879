/* SPDX-License-Identifier: ISC */
/* reg.c: the registry of running instances: one file per instance in a
 * private folder, written atomically and pruned by its readers. A reader
 * checks each entry's pid and start time, so no lock and no fsync(2) is
 * needed: an entry describes a process that runs, nothing more. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

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
#include <time.h>
#include <unistd.h>

#include "hp.h"
#include "reg.h"

/* The first line of every file: a reader skips files of another format. */
#define REG_MAGIC "holdports-registry 1"
/* A file longer than this is not one of ours (256 sockets need ~100 KiB). */
#define REG_FILE_MAX (1024 * 1024)
/* A failed write is tried again after this, doubling up to the most. */
#define REG_RETRY_MIN_MS 100
#define REG_RETRY_MAX_MS 10000

/* The state of this instance's own entry. */
struct reg {
	int dirfd; /* the registry folder */
	struct reg_entry e; /* what the file says; socks rebuilt each time */
	char file[32]; /* "PID" */
	char tmp[40]; /* ".PID.tmp", renamed over file */
	/* A write that failed (ENOSPC, EIO) is tried again with back-off
	 * (reg_retry()), logged once, and once more when it works. */
	unsigned long fails; /* writes failed in a row */
	int64_t retry_at; /* the next try (ms); 0: none */
	int64_t retry_ms; /* the back-off after it */
};

/* Writes s to f with '\', newline and tab escaped as \\, \n and \t, so
 * that every value fits on its line and a tab can separate two. */
static void
put_escaped(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\\')
			(void)fputs("\\\\", f);
		else if (*s == '\n')
			(void)fputs("\\n", f);
		else if (*s == '\t')
			(void)fputs("\\t", f);
		else
			(void)fputc(*s, f);
}

/* Undoes put_escaped() on s in place. Returns 0, or -1 for a backslash
 * that starts no escape. */
static int
unescape(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		s++;
		if (*s == '\\')
			*o++ = '\\';
		else if (*s == 'n')
			*o++ = '\n';
		else if (*s == 't')
			*o++ = '\t';
		else
			return -1;
	}
	*o = '\0';
	return 0;
}

int
reg_format(const struct reg_entry *e, char **out)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int bad;

	/* open_memstream(3), POSIX.1-2008: the text grows as needed. */
	if ((f = open_memstream(&buf, &len)) == NULL)
		return -1;
	(void)fprintf(f, "%s\nname=", REG_MAGIC);
	put_escaped(f, e->name);
	(void)fprintf(
	    f, "\npid=%ld\nstart=%llu\nconfig=", (long)e->pid, e->start);
	put_escaped(f, e->config != NULL ? e->config : "");
	(void)fprintf(f, "\nchild=%ld\nstarted=", (long)e->child);
	put_escaped(f, e->started);
	(void)fputc('\n', f);
	for (i = 0; i < e->nsocks; i++) {
		(void)fputs("socket=", f);
		put_escaped(f, e->socks[i].name);
		(void)fputc('\t', f);
		put_escaped(f, e->socks[i].addr);
		(void)fputc('\t', f);
		put_escaped(f, e->socks[i].child);
		(void)fputc('\n', f);
	}
	for (i = 0; i < e->nprocs; i++) {
		(void)fputs("proc=", f);
		put_escaped(f, e->procs[i].name);
		(void)fprintf(f, "\t%ld\t%lu\n", (long)e->procs[i].pid,
		    e->procs[i].fdstore);
	}
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	*out = buf;
	return 0;
}

/* Parses s, decimal digits only, into *v if it is at most max. Returns 0
 * or -1. */
static int
reg_number(const char *s, unsigned long long max, unsigned long long *v)
{
	unsigned long long n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' ||
		    n > (max - (unsigned)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (unsigned)(*s - '0');
	}
	*v = n;
	return 0;
}

/* Copies s into dst (size bytes) if it fits. Returns 0 or -1. */
static int
reg_copy(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

/* Parses the value of a socket= line, "NAME\tADDR\tCHILD" (the child
 * only since holdports knows several), into e. Returns 0 or -1 with
 * errno EINVAL or ENOMEM. */
static int
reg_line_sock(struct reg_entry *e, char *v)
{
	char *addr, *child = NULL;
	struct reg_sock *rs;

	/* the tabs between the fields are never escaped */
	if ((addr = strchr(v, '\t')) == NULL)
		goto bad;
	*addr++ = '\0';
	if ((child = strchr(addr, '\t')) != NULL)
		*child++ = '\0';
	if ((rs = grow(e->socks, &e->capsocks, e->nsocks + 1, sizeof(*rs))) ==
	    NULL)
		return -1;
	e->socks = rs;
	rs = &e->socks[e->nsocks];
	memset(rs, 0, sizeof(*rs));
	if (unescape(v) == -1 || unescape(addr) == -1 ||
	    reg_copy(rs->name, sizeof(rs->name), v) == -1 ||
	    reg_copy(rs->addr, sizeof(rs->addr), addr) == -1 ||
	    (child != NULL &&
		(unescape(child) == -1 ||
		    reg_copy(rs->child, sizeof(rs->child), child) == -1)))
		goto bad;
	e->nsocks++;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Parses the value of a proc= line, "NAME\tPID\tFDSTORE", into e; a file
 * written before the fd store has no FDSTORE (0). Returns 0 or -1 with
 * errno EINVAL or ENOMEM. */
static int
reg_line_proc(struct reg_entry *e, char *v)
{
	unsigned long long n, stored = 0;
	struct reg_proc *rp;
	char *pid, *fdstore;

	if ((pid = strchr(v, '\t')) == NULL)
		goto bad;
	*pid++ = '\0';
	if ((fdstore = strchr(pid, '\t')) != NULL) {
		*fdstore++ = '\0';
		/* later fields, of later versions, are skipped */
		fdstore[strcspn(fdstore, "\t")] = '\0';
		if (reg_number(fdstore, ULONG_MAX, &stored) == -1)
			goto bad;
	}
	if ((rp = grow(e->procs, &e->capprocs, e->nprocs + 1, sizeof(*rp))) ==
	    NULL)
		return -1;
	e->procs = rp;
	rp = &e->procs[e->nprocs];
	memset(rp, 0, sizeof(*rp));
	if (unescape(v) == -1 ||
	    reg_copy(rp->name, sizeof(rp->name), v) == -1 ||
	    reg_number(pid, INT_MAX, &n) == -1)
		goto bad;
	rp->pid = (pid_t)n;
	rp->fdstore = (unsigned long)stored;
	e->nprocs++;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Applies one "key=value" line (escapes still in) to e. Unknown keys are
 * skipped, so that a later version may add some. Returns 0, or -1 with
 * errno EINVAL or ENOMEM; *seen collects the keys found, as bits. */
static int
reg_line(struct reg_entry *e, char *key, unsigned *seen)
{
	char *v = strchr(key, '=');
	unsigned long long n;

	if (v == NULL)
		goto bad;
	*v++ = '\0';
	if (strcmp(key, "socket") == 0)
		return reg_line_sock(e, v);
	if (strcmp(key, "proc") == 0)
		return reg_line_proc(e, v);
	if (unescape(v) == -1)
		goto bad;
	if (strcmp(key, "name") == 0) {
		*seen |= 1;
		if (reg_copy(e->name, sizeof(e->name), v) == -1)
			goto bad;
	} else if (strcmp(key, "pid") == 0) {
		*seen |= 2;
		if (reg_number(v, INT_MAX, &n) == -1 || n == 0)
			goto bad;
		e->pid = (pid_t)n;
	} else if (strcmp(key, "start") == 0) {
		*seen |= 4;
		if (reg_number(v, ~0ULL, &e->start) == -1)
			goto bad;
	} else if (strcmp(key, "config") == 0) {
		*seen |= 8;
		free(e->config);
		e->config = NULL;
		if (*v != '\0' && (e->config = strdup(v)) == NULL)
			return -1;
	} else if (strcmp(key, "child") == 0) {
		*seen |= 16;
		if (reg_number(v, INT_MAX, &n) == -1)
			goto bad;
		e->child = (pid_t)n;
	} else if (strcmp(key, "started") == 0) {
		*seen |= 32;
		if (reg_copy(e->started, sizeof(e->started), v) == -1)
			goto bad;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
reg_parse(const char *text, struct reg_entry *e)
{
	const char *p = text, *nl;
	unsigned seen = 0;
	char *line;
	size_t n;
	int r;

	memset(e, 0, sizeof(*e));
	n = strlen(REG_MAGIC);
	if (strncmp(p, REG_MAGIC, n) != 0 || p[n] != '\n') {
		errno = EINVAL;
		return -1;
	}
	for (p += n + 1; *p != '\0'; p = nl + 1) {
		/* rename(2) makes every file whole: a last line without its
		 * newline is not one of ours */
		if ((nl = strchr(p, '\n')) == NULL) {
			errno = EINVAL;
			goto fail;
		}
		if ((line = strndup(p, (size_t)(nl - p))) == NULL)
			goto fail;
		r = reg_line(e, line, &seen);
		free(line);
		if (r == -1)
			goto fail;
	}
	if (seen == 63)
		return 0;
	errno = EINVAL;
fail:
	reg_entry_free(e);
	return -1;
}

void
reg_entry_free(struct reg_entry *e)
{
	free(e->config);
	free(e->socks);
	free(e->procs);
	memset(e, 0, sizeof(*e));
}

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

/* Returns the pid of a file name "PID" (tmp 0), or ".PID.tmp" or
 * ".PID.reload.CHILD" (tmp 1: an unfinished write, a request), else 0. */
static pid_t
reg_name_pid(const char *name, int *tmp)
{
	unsigned long long n;
	char digits[24];
	size_t len;

	if ((*tmp = name[0] == '.')) {
		/* ".PID.tmp", an unfinished write, or ".PID.reload.CHILD",
		 * a request (reg_request()) */
		len = strcspn(name + 1, ".");
		if (len == 0 || len >= sizeof(digits) ||
		    (strcmp(name + 1 + len, ".tmp") != 0 &&
			strncmp(name + 1 + len, ".reload.", 8) != 0))
			return 0;
		memcpy(digits, name + 1, len);
		digits[len] = '\0';
		name = digits;
	}
	if (reg_number(name, INT_MAX, &n) == -1)
		return 0;
	return (pid_t)n;
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
reg_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		errno = EOVERFLOW;
		return -1;
	}
	return 0;
}

/* Days from 1970-01-01 to the date y-m-d of the proleptic Gregorian
 * calendar (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"):
 * timegm(3) is not POSIX. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
reg_time_parse(const char *s, int64_t *t)
{
	int y, mo, d, h, mi, se, n = 0;

	if (strlen(s) != 20 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se,
		&n) != 6 ||
	    n != 20 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60 || h < 0 || mi < 0 || se < 0) {
		errno = EINVAL;
		return -1;
	}
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

/* Writes r's entry: a temporary file in the same folder, then rename(2)
 * over the old one, so that a reader sees the old file or the new one,
 * never half of one. No fsync(2): the entry describes a running process,
 * so after a crash of the machine it is stale anyway and readers drop it
 * by pid and start time; on a disk-backed /tmp an fsync cost 0.5 to 2 ms
 * on every reload (make bench). Returns 0 or -1 with errno. */
static int
reg_write(struct reg *r)
{
	char *text;
	size_t len, off = 0;
	ssize_t w;
	int fd, e;

	if (reg_format(&r->e, &text) == -1)
		return -1;
	len = strlen(text);
	fd = openat(r->dirfd, r->tmp,
	    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		e = errno;
		free(text);
		errno = e;
		return -1;
	}
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(r->dirfd, r->tmp, r->dirfd, r->file) == -1)
		goto fail;
	free(text);
	return 0;
fail:
	e = errno;
	if (fd != -1)
		(void)close(fd);
	(void)unlinkat(r->dirfd, r->tmp, 0);
	free(text);
	errno = e;
	return -1;
}

/* Writes r's file with reg_write(). A failure (a full disk) is logged
 * the first time only and tried again with back-off by reg_retry(), the
 * first success after failures is logged: a registry that cannot be
 * written for an hour is two lines, and it catches up on its own. */
static void
reg_save(struct reg *r)
{
	int64_t now = now_ms();
	int e;

	if (reg_write(r) == 0) {
		if (r->fails > 0)
			log_info("registry: %s written again, after %lu failed "
				 "attempt%s",
			    r->file, r->fails, r->fails == 1 ? "" : "s");
		r->fails = 0;
		r->retry_at = 0;
		return;
	}
	e = errno;
	if (r->fails++ == 0) {
		log_warnx("registry: cannot write %s: %s (%s); trying again "
			  "with back-off, quietly until it works",
		    r->file, errno_name(e), strerror(e));
		r->retry_ms = REG_RETRY_MIN_MS;
	}
	r->retry_at = now + r->retry_ms;
	if ((r->retry_ms *= 2) > REG_RETRY_MAX_MS)
		r->retry_ms = REG_RETRY_MAX_MS;
}

struct reg *
reg_open(const char *config)
{
	char err[CONF_ERR_MAX];
	struct reg *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_warn("registry; this instance is not registered");
		return NULL;
	}
	if ((r->dirfd = reg_opendir(1, err, sizeof(err))) == -1) {
		log_warnx("registry %s; this instance is not registered "
			  "(holdports ls does not list it), its ports are "
			  "held all the same",
		    err);
		free(r);
		return NULL;
	}
	r->e.pid = getpid();
	if (proc_start_time(r->e.pid, &r->e.start) == -1)
		r->e.start = 0; /* unknown here: readers go by the pid */
	/* An absolute path, so that ls means the same file from anywhere;
	 * as given if it cannot be resolved (removed meanwhile). */
	if (config != NULL && (r->e.config = realpath(config, NULL)) == NULL)
		r->e.config = strdup(config);
	if (reg_time((int64_t)time(NULL), r->e.started, sizeof(r->e.started)) ==
	    -1)
		(void)snprintf(
		    r->e.started, sizeof(r->e.started), "1970-01-01T00:00:00Z");
	(void)snprintf(r->file, sizeof(r->file), "%ld", (long)r->e.pid);
	(void)snprintf(r->tmp, sizeof(r->tmp), ".%ld.tmp", (long)r->e.pid);
	return r;
}

void
reg_update(struct reg *r, const char *name, const struct reg_sock *s, size_t ns,
    const struct reg_proc *p, size_t np, pid_t last)
{
	struct reg_sock *vs;
	struct reg_proc *vp;

	if (r == NULL)
		return;
	vs = calloc(ns + 1, sizeof(*vs));
	vp = calloc(np + 1, sizeof(*vp));
	if (vs == NULL || vp == NULL) {
		free(vs);
		free(vp);
		log_warn("registry: not updated");
		return;
	}
	memcpy(vs, s, ns * sizeof(*vs));
	memcpy(vp, p, np * sizeof(*vp));
	free(r->e.socks);
	free(r->e.procs);
	r->e.socks = vs;
	r->e.nsocks = r->e.capsocks = ns;
	r->e.procs = vp;
	r->e.nprocs = r->e.capprocs = np;
	(void)snprintf(r->e.name, sizeof(r->e.name), "%s", name);
	r->e.child = last;
	reg_save(r);
}

/* The prefix of the request files of the instance pid: ".PID.reload."
 * (a leading '.' as for unfinished writes: readers of the registry skip
 * both, and prune them once pid is gone). */
static void
reg_request_prefix(pid_t pid, char *buf, size_t len)
{
	(void)snprintf(buf, len, ".%ld.reload.", (long)pid);
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

int
reg_requests(struct reg *r, char ***names, size_t *n)
{
	char prefix[64];
	struct dirent *de;
	size_t len;
	DIR *d;
	int fd;

	*names = NULL;
	*n = 0;
	if (r == NULL)
		return 0;
	reg_request_prefix(r->e.pid, prefix, sizeof(prefix));
	len = strlen(prefix);
	if ((fd = openat(r->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, len) != 0)
			continue;
		if (strlist_add(names, n, strdup(de->d_name + len)) == -1) {
			(void)closedir(d);
			strlist_free(*names, *n);
			*names = NULL;
			*n = 0;
			errno = ENOMEM;
			return -1;
		}
		(void)unlinkat(r->dirfd, de->d_name, 0);
	}
	(void)closedir(d);
	return 0;
}

int64_t
reg_deadline(const struct reg *r)
{
	return r != NULL && r->retry_at != 0 ? r->retry_at : -1;
}

void
reg_retry(struct reg *r, int64_t now)
{
	if (r != NULL && r->retry_at != 0 && now >= r->retry_at)
		reg_save(r);
}

void
reg_close(struct reg *r)
{
	if (r == NULL)
		return;
	(void)unlinkat(r->dirfd, r->file, 0);
	(void)close(r->dirfd);
	reg_entry_free(&r->e);
	free(r);
}
