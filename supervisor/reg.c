/* SPDX-License-Identifier: ISC */
/* reg.c: this instance's own entry in the registry of running instances
 * (reg_text.c has the file's format, reg_dir.c the folder): one file per
 * instance in a private folder, written atomically on every change and
 * tried again with back-off when a write fails, and the reload requests
 * left for it. Readers check each entry's pid and start time, so no lock
 * and no fsync(2) is needed: an entry describes a process that runs,
 * nothing more. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hp.h"
#include "reg.h"

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
