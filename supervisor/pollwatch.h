/* SPDX-License-Identifier: ISC */
/* pollwatch.h: change detection by polling, for the watched roots whose
 * file system the kernel's events do not cover (fstype.h). */

#ifndef HP_POLLWATCH_H
#define HP_POLLWATCH_H

#include <stddef.h>

#define POLLWATCH_DEPTH_MAX 64 /* directory levels below a root */
#define POLLWATCH_ENTRIES_MAX 200000 /* files and directories, all roots */

struct pollwatch;

/* Says whether the path rel (relative to root, as given to
 * pollwatch_add(), without a leading "./"; never "") is to be skipped: 1
 * to skip it (and, for a directory, all below it), 0 to poll it. */
typedef int (*pollwatch_ignored_fn)(
    const char *root, const char *rel, int isdir, void *arg);

/* Opens an empty poller; ignored (NULL: nothing is ignored) is called
 * with arg for each entry met. Returns it, or NULL with errno ENOMEM. */
struct pollwatch *pollwatch_open(pollwatch_ignored_fn ignored, void *arg);

/* Sets the bounds (0 keeps the current one): at most max_entries files
 * and directories over all roots (default POLLWATCH_ENTRIES_MAX) and
 * max_depth directory levels below a root (POLLWATCH_DEPTH_MAX). What
 * lies beyond is not polled, and a warning says so once (log_warnx()),
 * naming the root and what to ignore. */
void pollwatch_limits(struct pollwatch *, size_t max_entries, int max_depth);

/*
 * Adds root, a directory (polled recursively, symbolic links inside not
 * followed) or a file (followed if it is a symbolic link: the user named
 * it), and takes its snapshot at once, reporting nothing. Returns 0, or
 * -1 with errno from stat(2) (ENOENT: root does not exist) or ENOMEM.
 */
int pollwatch_add(struct pollwatch *, const char *root);

/*
 * Walks every root once (one readdir(3) and one fstatat(2) per entry)
 * and calls fn(path, arg) for each file or directory that appeared, was
 * removed, or changed since the last scan (or pollwatch_add()): a
 * different size, mtime or ctime (nanoseconds included), inode, device
 * or file type. A directory whose only change is its times or size (an
 * entry was added or removed, and is reported itself) is not reported.
 * path is the root as given joined with the relative path ("src/a.c"),
 * as the inotify backend reports; the root itself when it is the file
 * or directory that changed. New and changed paths come in walk order,
 * removed ones after them. fn NULL reports nothing (the snapshot is
 * still brought up to date). Unchanged files cost no allocation (but one
 * DIR of opendir(3) per directory). Returns
 * the number of calls, or -1 with errno ENOMEM (the next scan reports
 * what this one missed).
 */
int pollwatch_scan(
    struct pollwatch *, void (*fn)(const char *path, void *arg), void *arg);

/* Returns the number of files and directories polled, over all roots. */
size_t pollwatch_count(const struct pollwatch *);

/* Frees pw and all it holds (NULL is fine). */
void pollwatch_close(struct pollwatch *pw);

#endif
