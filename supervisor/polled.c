/* SPDX-License-Identifier: ISC */
/* polled.c: polls the watched roots that file events do not cover, with
 * the ignore rules of the events backend. */

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fstype.h"
#include "pollwatch.h"
#include "polled.h"
#include "util.h"
#include "watch.h"

struct polled {
	struct pollwatch *pw;
	char *const *globs; /* the caller's */
	size_t nglobs;
	int gitignore;
	struct watch_root *roots;
	size_t nroots, caproots;
};

int
polled_wanted(enum wmode mode, const char *path, char *name, size_t len)
{
	if (len > 0)
		name[0] = '\0';
	if (mode == WMODE_POLL)
		return 1;
	if (mode == WMODE_EVENTS)
		return 0;
	return fstype_remote(path, name, len);
}

/* Returns the root of p added as path, or NULL. */
static struct watch_root *
polled_root(const struct polled *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->nroots; i++)
		if (strcmp(p->roots[i].path, path) == 0)
			return &p->roots[i];
	return NULL;
}

/* pollwatch_ignored_fn: the rules of the events backend. A directory
 * that is walked into has its .gitignore read first, so that its rules
 * apply to what lies in it. */
static int
polled_ignored(const char *root, const char *rel, int isdir, void *arg)
{
	struct polled *p = arg;
	struct watch_root *rt = polled_root(p, root);

	if (rt == NULL)
		return watch_ignored(p->globs, p->nglobs, rel, isdir);
	if (watch_excluded(rt, p->globs, p->nglobs, rel, isdir))
		return 1;
	if (isdir)
		(void)watch_gitignore_load(rt, rel);
	return 0;
}

struct polled *
polled_open(char *const *globs, size_t n, int gitignore)
{
	struct polled *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->pw = pollwatch_open(polled_ignored, p)) == NULL) {
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	p->globs = globs;
	p->nglobs = n;
	p->gitignore = gitignore;
	return p;
}

int
polled_add(struct polled *p, const char *root)
{
	struct watch_root *rt, *v;
	struct stat st;
	int e;

	if (stat(root, &st) == -1)
		return -1;
	if ((v = grow(p->roots, &p->caproots, p->nroots + 1, sizeof(*v))) ==
	    NULL)
		return -1;
	p->roots = v;
	rt = &p->roots[p->nroots];
	if (watch_root_init(rt, root, S_ISDIR(st.st_mode)) == -1)
		return -1;
	if (p->gitignore && watch_root_gitignore(rt) == -1) {
		e = errno;
		watch_root_free(rt);
		errno = e;
		return -1;
	}
	p->nroots++;
	(void)watch_gitignore_load(rt, "");
	if (pollwatch_add(p->pw, root) == -1) {
		e = errno;
		watch_root_free(&p->roots[--p->nroots]);
		errno = e;
		return -1;
	}
	return 0;
}

int
polled_scan(
    struct polled *p, void (*fn)(const char *path, void *arg), void *arg)
{
	size_t i;

	/* The rules as they are now, for the whole walk: a root's own
	 * .gitignore first; those below are read as the walk enters their
	 * directories (polled_ignored()). */
	for (i = 0; i < p->nroots; i++)
		(void)watch_gitignore_load(&p->roots[i], "");
	return pollwatch_scan(p->pw, fn, arg);
}

size_t
polled_roots(const struct polled *p)
{
	return p->nroots;
}

size_t
polled_count(const struct polled *p)
{
	return pollwatch_count(p->pw);
}

void
polled_close(struct polled *p)
{
	size_t i;

	if (p == NULL)
		return;
	pollwatch_close(p->pw);
	for (i = 0; i < p->nroots; i++)
		watch_root_free(&p->roots[i]);
	free(p->roots);
	free(p);
}
