/* SPDX-License-Identifier: ISC */
/* watch.h: the file watcher: ignore globs and .gitignore files, the
 * debounce, and one kernel backend (inotify or kqueue) behind one
 * interface. Times are int64_t milliseconds of CLOCK_MONOTONIC. */

#ifndef HP_WATCH_H
#define HP_WATCH_H

#include <stddef.h>
#include <stdint.h>

/* ignore.c: the .gitignore files of one directory tree (gitignore(5)).
 * Directories and paths are relative to the tree's top, without a
 * leading or trailing '/': "" is the top, "src/gen" a directory. */

struct ignore;

/* Returns an empty set for the tree at directory top (copied), or NULL
 * with errno ENOMEM. */
struct ignore *ignore_new(const char *top);
/* Frees ig and its rules (NULL is fine). */
void ignore_free(struct ignore *ig);
/* Makes the len bytes of text the .gitignore of directory dir, or, with
 * text NULL, says dir has none. Returns 1 if that changed the rules, 0 if
 * the text is what dir had already, -1 with errno ENOMEM (the old rules
 * stay). */
int ignore_set(
    struct ignore *ig, const char *dir, const char *text, size_t len);
/* Reads TOP/dir/.gitignore (again) through ignore_set(): a missing one,
 * or one that is not a regular file, has no rules. Never blocks on a FIFO.
 * Returns as ignore_set(), or -1 with errno from open(2) or read(2), or
 * EFBIG for a file over 1 MiB (the old rules stay). */
int ignore_load(struct ignore *ig, const char *dir);
/* Returns 1 if the .gitignore files of ig exclude path (a directory if
 * isdir) by gitignore(5): the file nearest to path with a matching rule
 * decides, and in it the last matching rule; "!" re-includes. Only path
 * itself is matched, not its parent directories (the watchers never
 * descend into an excluded one); see ignore_excluded(). Returns 0 for none,
 * for ig NULL, and when memory runs out. */
int ignore_match(struct ignore *ig, const char *path, int isdir);
/* As ignore_match(), but a path inside an excluded directory is excluded
 * too, whatever rule matches it: git does not look inside one. */
int ignore_excluded(struct ignore *ig, const char *path, int isdir);

/* watch.c: ignore globs, debounce, roots, buffers and paths, shared by
 * both backends. */

/* Returns 1 if the path (relative to its watch root, no leading "./")
 * must not trigger a reload (and, for a directory, must not be watched):
 * a default ignore (.git, .hg, .svn, *.swp, *~, .#*, 4913) or one of the
 * n fnmatch(3) globs, tried against the whole relative path and against
 * its last component. Else 0. */
int watch_ignored(char *const *globs, size_t n, const char *relpath, int isdir);

struct debounce {
	int64_t deadline; /* absolute ms of the reload, or -1 */
	size_t count; /* runs of changes to one path since the reload */
	char last[256]; /* the last changed path, for the log */
};

/* Records a change of path at now; the reload becomes due once no change
 * has arrived for quiet_ms. */
void debounce_note(
    struct debounce *, const char *path, int64_t now, int64_t quiet_ms);
/* If the reload is due at now, writes "PATH changed" or "PATH and N more
 * changes" (PATH: the last one) into reason, resets d and returns 1; else
 * returns 0. A struct debounce starts with deadline -1 and count 0. */
int debounce_due(struct debounce *, int64_t now, char *reason, size_t len);

/* The callback of one watch_drain() and how often it was called; the
 * backends pass it down to whatever finds a change. */
struct watch_cb {
	void (*fn)(const char *path, void *arg);
	void *arg;
	int calls; /* what watch_drain() returns */
};

/* Calls cb->fn(path, cb->arg) and counts the call in cb->calls. Returns
 * nothing and cannot fail. */
void watch_report(struct watch_cb *cb, const char *path);

/* A path given to watch_add(), as both backends keep it. */
struct watch_root {
	char *path; /* as given to watch_add(), for reports */
	char *dir; /* the watched directory: path, or a file's parent */
	char *file; /* a file root: its name inside dir; else NULL */
	struct ignore *ign; /* its .gitignore rules (gitignore = yes, a
			       directory root); else NULL */
};

/* Fills rt for path, a directory if isdir, else a file. A directory is
 * watched as given. A file is watched through the directory that really
 * holds it (realpath(3): for a symbolic link to a file elsewhere, edits of
 * the target are what matter) and is reported under path. Returns 0, or
 * -1 with errno (ENOMEM, or from realpath(3)) and nothing left to free. */
int watch_root_init(struct watch_root *rt, const char *path, int isdir);
/* Frees the strings of rt, not rt itself. Cannot fail. */
void watch_root_free(struct watch_root *rt);
/* What both backends keep alike; each backend's struct watch starts
 * with one, so that watch.c can reach it. */
struct watch_base {
	int fd; /* to poll(2): inotify_init1(2) or kqueue(2) */
	char *const *globs; /* ignore globs, the caller's */
	size_t nglobs;
	struct watch_root *roots;
	size_t nroots, caproots;
	int gitignore; /* new directory roots honour .gitignore files */
};

/* Prepares b for a watcher over the n globs, its descriptor fd. */
void watch_base_init(
    struct watch_base *b, int fd, char *const *globs, size_t n);
/* stat(2)s path (following a symbolic link) and appends a root for it to
 * b (watch_root_init(), with .gitignore rules when b->gitignore is set
 * and it is a directory). Returns the root, counted in b->nroots, or
 * NULL with errno from stat(2) or watch_root_init(), or ENOMEM, and
 * nothing added. */
struct watch_root *watch_base_add(struct watch_base *b, const char *path);
/* Takes back the root watch_base_add() appended last, after the backend
 * failed to watch it, keeping errno. */
void watch_base_undo(struct watch_base *b);
/* Frees the roots of b and closes its descriptor. */
void watch_base_free(struct watch_base *b);
/* Makes the directory root rt honour .gitignore files (gitignore = yes):
 * gives it an empty rule set, which the backend fills through
 * watch_gitignore_load() as it reads each directory. Does nothing for a
 * file root. Returns 0, or -1 with errno ENOMEM. */
int watch_root_gitignore(struct watch_root *rt);
/* Reads the .gitignore of directory rel of rt again, when rt has rules.
 * Returns 1 if its rules changed, else 0 (a failure is logged, and the
 * old rules stay). */
int watch_gitignore_load(const struct watch_root *rt, const char *rel);
/* Returns 1 if the path rel of root rt must neither trigger a reload nor,
 * for a directory, be watched: watch_ignored(globs, n, rel, isdir), or
 * rt's .gitignore rules (ignore_match()). Else 0. */
int watch_excluded(const struct watch_root *rt, char *const *globs, size_t n,
    const char *rel, int isdir);

/* watch_inotify.c, watch_kqueue.c: one backend, chosen by configure. */

struct watch;

/* Opens a watcher that skips whatever watch_ignored(globs, n, ...) says.
 * globs must outlive the watcher. Returns NULL with errno. */
struct watch *watch_open(char *const *globs, size_t n);
/* With on set, the directory roots added after this call honour the
 * .gitignore files in and below them (watch_root_gitignore()); a changed
 * .gitignore takes effect at once: the backend reads it again and brings
 * the watches of its directory's tree in line. Cannot fail. */
void watch_gitignore(struct watch *, int on);
/* Watches path: a directory recursively (new subdirectories are picked up
 * as they appear), or one file (through its parent directory, so that an
 * editor's rename over it is seen). Returns 0 or -1 with errno (ENOSPC:
 * the kernel's watch limit; the message with the sysctl to raise it has
 * been logged). */
int watch_add(struct watch *, const char *path);
/* Returns the descriptor to poll(2) for POLLIN. */
int watch_fd(const struct watch *);
/* Reads the pending events and calls fn once for each changed path that is
 * not ignored (the root as given to watch_add() joined with the relative
 * path). A lost-events condition (IN_Q_OVERFLOW) is reported as a change
 * of the first root; so is, with inotify, the end of a watch shortage
 * (ENOSPC left directories unwatched: each call walks the trees again, at
 * most once a second, until they are all watched, and logs that once).
 * Returns the number of calls or -1 with errno. */
int watch_drain(
    struct watch *, void (*fn)(const char *path, void *arg), void *arg);
/* Returns the number of kernel watches in use: directories (inotify), or
 * directories and files (kqueue). */
size_t watch_count(const struct watch *);
void watch_close(struct watch *);

#endif
