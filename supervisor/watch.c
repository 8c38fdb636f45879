/* SPDX-License-Identifier: ISC */
/* watch.c: what both watcher backends share: which changed paths never
 * trigger a reload, the debounce that turns a burst of changes into one
 * reload, the roots given to watch_add(), growing buffers and joining
 * paths. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/stat.h>

#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "watch.h"

/* Never a reason to reload: version-control folders (and git's ".git" file in
 * worktrees and submodules), and editor temporaries: vim's swap files, backups
 * ending in '~', emacs' ".#name" lock links, and "4913", the file vim
 * creates and deletes to test that a directory is writable. Each is tried
 * against the last component of the path, whatever its type. */
static const char *const default_globs[] = {
    ".git",
    ".hg",
    ".svn",
    "*.swp",
    "*~",
    ".#*",
    "4913",
};

#define DIRGLOB_MAX 1024 /* longest directory-only glob we strip a '/' from */

/* Tries one user glob, with fnmatch(3) flags 0 (so '*' also matches '/'),
 * against the whole relative path and against its last component base. A
 * glob that ends in '/' ("node_modules/", as in .gitignore) matches
 * directories only, and is tried without that '/'. Returns 1 on a match,
 * else 0. */
static int
glob_match(const char *glob, const char *relpath, const char *base, int isdir)
{
	char dirglob[DIRGLOB_MAX];
	size_t len = strlen(glob);

	if (len > 0 && glob[len - 1] == '/') {
		if (!isdir || len > sizeof(dirglob))
			return 0;
		memcpy(dirglob, glob, len - 1);
		dirglob[len - 1] = '\0';
		glob = dirglob;
	}
	return fnmatch(glob, relpath, 0) == 0 || fnmatch(glob, base, 0) == 0;
}

/*
 * Only the path and its last component are tried, not each of its parent
 * directories: the backends never watch a directory that this function
 * ignores (they ask before they descend), so no event from inside one
 * ever arrives, and that is what prunes the whole subtree. Asking for each
 * parent again would cost a walk of 50 000 directories a fnmatch per glob
 * per level for nothing.
 */
int
watch_ignored(char *const *globs, size_t n, const char *relpath, int isdir)
{
	const char *base, *slash;
	size_t i;

	if (*relpath == '\0')
		return 0; /* the root itself: the user asked for it */
	slash = strrchr(relpath, '/');
	base = slash != NULL ? slash + 1 : relpath;
	for (i = 0; i < sizeof(default_globs) / sizeof(default_globs[0]); i++)
		if (fnmatch(default_globs[i], base, 0) == 0)
			return 1;
	for (i = 0; i < n; i++)
		if (glob_match(globs[i], relpath, base, isdir))
			return 1;
	return 0;
}

#define DEBOUNCE_ELLIPSIS "..."

/* Copies path into dst (sizeof(d->first) bytes) as the log shows it: a path
 * too long for it keeps its tail, where the file name is, behind "...". */
static void
debounce_copy(char *dst, size_t size, const char *path)
{
	size_t len = strlen(path), keep;

	if (len < size) {
		memcpy(dst, path, len + 1);
		return;
	}
	keep = size - sizeof(DEBOUNCE_ELLIPSIS);
	memcpy(dst, DEBOUNCE_ELLIPSIS, sizeof(DEBOUNCE_ELLIPSIS) - 1);
	memcpy(
	    dst + sizeof(DEBOUNCE_ELLIPSIS) - 1, path + len - keep, keep + 1);
}

/*
 * The reason names the last changed path: an editor's atomic save writes
 * a temporary file and renames it over the real one, which comes last.
 * d->count counts runs of notes of one path, so the many events of one
 * save count once. (Backends also report each path at most once per read
 * of the kernel's queue.) A zeroed struct debounce is valid and idle.
 */
void
debounce_note(
    struct debounce *d, const char *path, int64_t now, int64_t quiet_ms)
{
	char shown[sizeof(d->last)];

	debounce_copy(shown, sizeof(shown), path);
	if (d->count == 0 || strcmp(shown, d->last) != 0) {
		memcpy(d->last, shown, sizeof(shown));
		d->count++;
	}
	d->deadline = now + (quiet_ms > 0 ? quiet_ms : 0);
}

/* now and d->deadline are absolute milliseconds of CLOCK_MONOTONIC. A
 * reason longer than len is cut (snprintf(3)); len 0 writes nothing. */
int
debounce_due(struct debounce *d, int64_t now, char *reason, size_t len)
{
	if (d->count == 0 || now < d->deadline)
		return 0;
	if (len > 0) {
		if (d->count == 1)
			(void)snprintf(reason, len, "%s changed", d->last);
		else
			(void)snprintf(reason, len, "%s and %zu more changes",
			    d->last, d->count - 1);
	}
	d->deadline = -1;
	d->count = 0;
	d->last[0] = '\0';
	return 1;
}

void
watch_report(struct watch_cb *cb, const char *path)
{
	cb->fn(path, cb->arg);
	cb->calls++;
}

int
watch_root_init(struct watch_root *rt, const char *path, int isdir)
{
	char *real = NULL, *slash;
	int e;

	memset(rt, 0, sizeof(*rt));
	if ((rt->path = strdup(path)) == NULL)
		return -1;
	if (isdir) {
		if ((rt->dir = strdup(path)) == NULL)
			goto fail;
		return 0;
	}
	if ((real = realpath(path, NULL)) == NULL)
		goto fail;
	slash = strrchr(real, '/'); /* absolute: there is one */
	if ((rt->file = strdup(slash + 1)) == NULL)
		goto fail;
	slash[slash == real ? 1 : 0] = '\0';
	rt->dir = real;
	return 0;
fail:
	e = errno;
	free(real);
	free(rt->file);
	free(rt->path);
	errno = e;
	return -1;
}

void
watch_root_free(struct watch_root *rt)
{
	free(rt->path);
	free(rt->dir);
	free(rt->file);
	ignore_free(rt->ign);
}

/* stat(2) follows a symbolic link given as the root: the user named it. */
void
watch_base_init(struct watch_base *b, int fd, char *const *globs, size_t n)
{
	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->globs = globs;
	b->nglobs = n;
}

struct watch_root *
watch_base_add(struct watch_base *b, const char *path)
{
	struct watch_root *p;
	struct stat st;
	int e;

	if (stat(path, &st) == -1)
		return NULL;
	if ((p = grow(b->roots, &b->caproots, b->nroots + 1, sizeof(*p))) ==
	    NULL)
		return NULL;
	b->roots = p;
	p = &b->roots[b->nroots];
	if (watch_root_init(p, path, S_ISDIR(st.st_mode)) == -1)
		return NULL;
	if (b->gitignore && watch_root_gitignore(p) == -1) {
		e = errno;
		watch_root_free(p);
		errno = e;
		return NULL;
	}
	b->nroots++;
	return p;
}

void
watch_base_undo(struct watch_base *b)
{
	int e = errno;

	watch_root_free(&b->roots[--b->nroots]);
	errno = e;
}

void
watch_base_free(struct watch_base *b)
{
	size_t i;

	for (i = 0; i < b->nroots; i++)
		watch_root_free(&b->roots[i]);
	free(b->roots);
	b->roots = NULL;
	b->nroots = b->caproots = 0;
	if (b->fd != -1)
		(void)close(b->fd);
	b->fd = -1;
}

/* The struct watch_base each backend's struct watch starts with. */
#define BASE(w) ((struct watch_base *)(void *)(w))

void
watch_gitignore(struct watch *w, int on)
{
	BASE(w)->gitignore = on;
}

int
watch_fd(const struct watch *w)
{
	return BASE(w)->fd;
}

int
watch_root_gitignore(struct watch_root *rt)
{
	if (rt->file != NULL || rt->ign != NULL)
		return 0;
	return (rt->ign = ignore_new(rt->dir)) == NULL ? -1 : 0;
}

int
watch_gitignore_load(const struct watch_root *rt, const char *rel)
{
	int r;

	if (rt->ign == NULL)
		return 0;
	if ((r = ignore_load(rt->ign, rel)) == -1) {
		log_warn("%s%s%s/.gitignore: keeping its old rules", rt->dir,
		    *rel != '\0' ? "/" : "", rel);
		return 0;
	}
	return r;
}

/* The .gitignore rules come second: the default ignores and the globs
 * apply whatever a .gitignore says ("!.git" re-includes nothing). */
int
watch_excluded(const struct watch_root *rt, char *const *globs, size_t n,
    const char *rel, int isdir)
{
	return watch_ignored(globs, n, rel, isdir) ||
	    (rt->ign != NULL && *rel != '\0' &&
		ignore_match(rt->ign, rel, isdir));
}
