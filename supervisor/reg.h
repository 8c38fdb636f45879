/* SPDX-License-Identifier: ISC */
/* reg.h: the registry of running instances, one file per instance, and
 * what holdports ls, reload and stop read from it. */

#ifndef HP_REG_H
#define HP_REG_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct sock;

/* reg.c */

/* One socket of a registered instance. */
struct reg_sock {
	char name[CONF_FDNAME_MAX + 1];
	char addr[CONF_PATH_MAX + 16]; /* as struct sock's addr */
	char child[CONF_NAME_MAX + 1]; /* the child it is given to */
};

/* One child of a registered instance. */
struct reg_proc {
	char name[CONF_NAME_MAX + 1]; /* "" for the only child, [child] */
	pid_t pid; /* its process now; 0: none */
	unsigned long fdstore; /* descriptors in its fd store; 0 also in a
				  file written before the field was added */
};

/* One registered instance, as its file holds it. */
struct reg_entry {
	char name[CONF_NAME_MAX + 1];
	pid_t pid; /* the supervisor; also the file's name */
	unsigned long long start; /* proc_start_time() of pid; 0: unknown */
	char *config; /* absolute path of its ports.ini; NULL: ad-hoc */
	pid_t child; /* the child started last; 0: none */
	char started[32]; /* when the instance started, RFC 3339 UTC */
	struct reg_sock *socks; /* in fd order */
	size_t nsocks, capsocks;
	struct reg_proc *procs; /* in the order of the configuration */
	size_t nprocs, capprocs;
};

/* Formats e as the text of its registry file into a new string stored in
 * *out (malloc(3), the caller frees it). Returns 0, or -1 with errno
 * ENOMEM. */
int reg_format(const struct reg_entry *e, char **out);
/* Parses the text of a registry file into e (zeroed first; release it
 * with reg_entry_free()). Returns 0, or -1 with errno EINVAL (not a
 * registry file of this version, a bad or missing field) or ENOMEM, and e
 * left empty. */
int reg_parse(const char *text, struct reg_entry *e);
/* Frees what reg_parse() allocated in e (not e itself). */
void reg_entry_free(struct reg_entry *e);
/* The pruning rule, apart from the system calls: returns 1 if e must be
 * dropped, because its process is gone (alive 0) or its pid now names
 * another process (start, the start time of the process that has the pid
 * now, differs from e->start; 0 on either side means unknown, and an
 * unknown start time never prunes). Else 0. */
int reg_stale(const struct reg_entry *e, int alive, unsigned long long start);
/* Writes the registry folder's path into buf (len bytes):
 * $XDG_RUNTIME_DIR/holdports when that is an absolute path, else
 * /tmp/holdports-UID. Returns 0, or -1 with errno ENAMETOOLONG. */
int reg_path(char *buf, size_t len);
/* Opens the registry folder (creating it 0700 first if create is set,
 * with /tmp/holdports-UID), refusing a symbolic link, anything that is
 * not a folder, and a folder another user owns. Returns a descriptor
 * (O_DIRECTORY, close-on-exec), or -1 with errno (ENOENT when it does
 * not exist and create is 0; ELOOP, ENOTDIR, EPERM for the refusals) and
 * "PATH: what is wrong; what to do" in err (len bytes). */
int reg_opendir(int create, char *err, size_t len);
/* Reads every entry of the registry folder dirfd into a new array *vp of
 * *np entries, sorted by name and pid, and removes the files of stale
 * entries (reg_stale(), with kill(2) and proc_start_time()) and of
 * unfinished writes whose writer is gone. Unreadable or malformed files
 * are skipped. Returns 0, or -1 with errno (ENOMEM, or from
 * fdopendir(3)). */
int reg_list(int dirfd, struct reg_entry **vp, size_t *np);
/* Frees an array from reg_list(). */
void reg_list_free(struct reg_entry *v, size_t n);
/* Formats t (seconds since the epoch) as RFC 3339 UTC
 * ("2026-01-02T03:04:05Z") into buf (at least 21 bytes). Returns 0, or
 * -1 with errno EOVERFLOW. */
int reg_time(int64_t t, char *buf, size_t len);
/* Parses what reg_time() writes into *t. Returns 0 or -1 (EINVAL). */
int reg_time_parse(const char *s, int64_t *t);

struct reg;

/* Registers this instance: opens the registry folder (creating it), for
 * the configuration file config (NULL: none). The file is written by
 * reg_update(). A failure is logged as a warning and returns NULL; the
 * other reg_ functions then do nothing: the ports stay held whatever the
 * registry does. */
struct reg *reg_open(const char *config);
/* Writes the file again, atomically (a temporary file in the folder,
 * then rename(2)), for the instance called name with the ns sockets s,
 * the np children p and the child started last (0: none); the arrays are
 * copied. A failure is logged as a warning, once for a run of them, and
 * tried again by reg_retry(). */
void reg_update(struct reg *r, const char *name, const struct reg_sock *s,
    size_t ns, const struct reg_proc *p, size_t np, pid_t last);
/* Returns when reg_retry() is due (ms): a write failed and is to be
 * tried again; or -1 for none (and for r NULL). */
int64_t reg_deadline(const struct reg *r);
/* Writes the file again if a write failed and its retry is due at now
 * (reg_update() logs the first failure and the recovery, nothing else). */
void reg_retry(struct reg *r, int64_t now);
/* Removes this instance's file and frees r (NULL is fine). */
void reg_close(struct reg *r);
/* Takes the requests holdports reload NAME CHILD left for this instance
 * (reg_request()): stores the names of the children asked for in a new
 * list *names of *n strings (strlist_free() it; NULL and 0 for none) and
 * removes the request files. Returns 0, or -1 with errno ENOMEM (the
 * requests stay for the next call). */
int reg_requests(struct reg *r, char ***names, size_t *n);
/* Leaves a request in the registry folder dirfd for the instance pid to
 * reload its child called child (a name of letters, digits, '.', '_' and
 * '-'); the caller then sends it SIGHUP. Returns 0 or -1 with errno from
 * openat(2). */
int reg_request(int dirfd, pid_t pid, const char *child);

#endif
