/* SPDX-License-Identifier: ISC */
/* buildloop.c: finds a build that keeps reloading its own child by
 * writing into a watched folder, and breaks the loop. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildloop.h"
#include "cmdline.h"
#include "util.h"

void
buildloop_init(struct buildloop *bl)
{
	memset(bl, 0, sizeof(*bl));
	bl->own = 1;
}

/* Frees the n strings of v and empties it. */
static void
paths_free(char **v, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		free(v[i]);
		v[i] = NULL;
	}
	*n = 0;
}

void
buildloop_free(struct buildloop *bl)
{
	free(bl->prog);
	paths_free(bl->round, &bl->nround);
	paths_free(bl->seen, &bl->nseen);
	paths_free(bl->loop, &bl->nloop);
	buildloop_init(bl);
}

int
buildloop_program(struct buildloop *bl, const char *path)
{
	free(bl->prog);
	bl->prog = NULL;
	if (path == NULL)
		return 0;
	return (bl->prog = strdup(path)) == NULL ? -1 : 0;
}

char *
buildloop_locate(const char *prog, const char *path, const char *dir)
{
	char found[PATH_MAX], *full, *slash, *real, *out;

	if (strchr(prog, '/') == NULL) {
		if (cmdline_resolve(prog, path, dir, found, sizeof(found)) ==
		    -1)
			return NULL;
		prog = found;
	}
	if ((full = prog[0] == '/' ? strdup(prog) : path_join(dir, prog)) ==
	    NULL)
		return NULL;
	slash = strrchr(full, '/');
	*slash = '\0';
	real = realpath(full[0] != '\0' ? full : "/", NULL);
	*slash = '/';
	if (real == NULL)
		return full; /* as written: the build may create its folder */
	out = path_join(real, slash + 1);
	free(real);
	free(full);
	return out;
}

/* Returns 1 if path is one of the n strings of v. */
static int
paths_have(char *const *v, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], path) == 0)
			return 1;
	return 0;
}

/* Adds a copy of path to v (n strings) unless it is there. Returns 0,
 * or -1 when v is full or memory is out. */
static int
paths_add(char **v, size_t *n, const char *path)
{
	if (paths_have(v, *n, path))
		return 0;
	if (*n == BUILDLOOP_PATHS || (v[*n] = strdup(path)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

int
buildloop_note(struct buildloop *bl, const char *path, int by_build)
{
	if (bl->prog != NULL && strcmp(path, bl->prog) == 0)
		return 1;
	if (by_build && paths_have(bl->loop, bl->nloop, path))
		return 1;
	if (!by_build)
		bl->own = 0;
	if (paths_add(bl->round, &bl->nround, path) == -1)
		bl->more++;
	return 0;
}

int
buildloop_due(struct buildloop *bl, int building)
{
	size_t i;
	int loop = 0;

	if (bl->nround == 0 && bl->more == 0)
		return 0;
	if (!bl->own || building) {
		/* A change of the user's, or one that interrupts a build (it
		 * builds again): no loop, and the count starts again. */
		bl->rounds = 0;
		paths_free(bl->seen, &bl->nseen);
	} else {
		/* The paths of an earlier loop were kept for the message. */
		if (bl->rounds == 0)
			paths_free(bl->seen, &bl->nseen);
		for (i = 0; i < bl->nround; i++)
			(void)paths_add(bl->seen, &bl->nseen, bl->round[i]);
		if (++bl->rounds >= BUILDLOOP_ROUNDS) {
			loop = 1;
			for (i = 0; i < bl->nseen; i++)
				(void)paths_add(
				    bl->loop, &bl->nloop, bl->seen[i]);
			bl->rounds = 0;
		}
	}
	paths_free(bl->round, &bl->nround);
	bl->more = 0;
	bl->own = 1;
	return loop;
}

/* Returns path relative to the one of the n roots it is under (a file
 * root: its last component), or path itself. */
static const char *
rel_of(const char *path, char *const *roots, size_t n)
{
	const char *slash;
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = strlen(roots[i]);
		if (strncmp(path, roots[i], k) == 0 && path[k] == '/' &&
		    path[k + 1] != '\0')
			return path + k + 1;
		if (strcmp(path, roots[i]) == 0 &&
		    (slash = strrchr(path, '/')) != NULL && slash[1] != '\0')
			return slash + 1;
	}
	return path;
}

/* Returns path relative to cwd when it lies below it, else path. */
static const char *
shown(const char *path, const char *cwd)
{
	size_t k = strlen(cwd);

	if (k > 1 && strncmp(path, cwd, k) == 0 && path[k] == '/')
		return path + k + 1;
	return path;
}

char *
buildloop_message(const struct buildloop *bl, char *const *roots, size_t nroots,
    const char *cwd, const char *section, char *buf, size_t len)
{
	size_t i, off = 0;

#define ADD(...) \
	do { \
		if (off < len) \
			off += (size_t)snprintf( \
			    buf + off, len - off, __VA_ARGS__); \
	} while (0)
	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < bl->nseen; i++)
		ADD("%s%s",
		    i == 0		   ? "" :
			i + 1 == bl->nseen ? " and " :
					     ", ",
		    shown(bl->seen[i], cwd));
	ADD(" changed while each of the last %d builds ran, and each time "
	    "reloaded the child, which builds again: the build writes into "
	    "a watched folder. Not reloading "
	    "for what a build writes there any more; to say so in the "
	    "configuration, add to %s: ",
	    BUILDLOOP_ROUNDS, section);
	for (i = 0; i < bl->nseen; i++)
		ADD("%signore = %s", i == 0 ? "" : ", ",
		    rel_of(bl->seen[i], roots, nroots));
	ADD(" (or list %s in .gitignore)", bl->nseen == 1 ? "it" : "them");
#undef ADD
	return buf;
}
