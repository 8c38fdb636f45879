/* SPDX-License-Identifier: ISC */
/* polled.h: the watched paths of one child that are polled instead of
 * watched through file events (watch_mode = poll, or auto on a file
 * system whose changes other machines make), with the same ignores as
 * the events backend: the default ones, the ignore = globs and the
 * .gitignore files. */

#ifndef HP_POLLED_H
#define HP_POLLED_H

#include <stddef.h>

#include "conf.h"

struct polled;

/* Returns 1 if path, a watched root, is to be polled under mode: always
 * for WMODE_POLL, never for WMODE_EVENTS, and for WMODE_AUTO when it
 * lies on a file system whose changes may come from elsewhere (NFS, SMB,
 * 9p, FUSE: fstype_remote()). Writes the file system's type into name
 * (len bytes; "" when not looked at). Returns 0 for file events, or -1
 * with errno from statfs(2) (then events are the choice). */
int polled_wanted(enum wmode mode, const char *path, char *name, size_t len);

/* Opens an empty set of polled roots that skips what watch_ignored()
 * says for the n globs (which must outlive it) and, with gitignore set,
 * what the .gitignore files in and below each directory root exclude.
 * Returns it, or NULL with errno ENOMEM. */
struct polled *polled_open(char *const *globs, size_t n, int gitignore);
/* Adds root, a directory (recursively) or a file, and takes its
 * snapshot. Returns 0, or -1 with errno from stat(2) or ENOMEM. */
int polled_add(struct polled *, const char *root);
/* Scans every root once (pollwatch_scan()) and calls fn(path, arg) for
 * each path that appeared, changed or disappeared, the root joined with
 * the relative path, as the events backend reports it. The .gitignore
 * files are read as the scan meets them: an edited one applies in the
 * scan that sees it changed (what it excluded before is reported as
 * new, what it excludes now as gone). Returns the number of calls, or -1
 * with errno ENOMEM. */
int polled_scan(
    struct polled *, void (*fn)(const char *path, void *arg), void *arg);
/* Returns the number of roots added. */
size_t polled_roots(const struct polled *);
/* Returns the number of files and directories polled. */
size_t polled_count(const struct polled *);
/* Frees p (NULL is fine). */
void polled_close(struct polled *p);

#endif
