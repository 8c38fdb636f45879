/* SPDX-License-Identifier: ISC */
/* buildloop.h: a build (or a starting child) that writes into a watched
 * folder reloads the child, whose build writes again: a loop that never
 * settles. This finds it and breaks it, and keeps a change of the
 * program being started from reloading the child itself. Only
 * buildloop_locate() looks at the file system: the caller says when a
 * change was made. */

#ifndef HP_BUILDLOOP_H
#define HP_BUILDLOOP_H

#include <stddef.h>

/* Rounds in a row whose changes were all made by a build: a loop. */
#define BUILDLOOP_ROUNDS 3
/* Distinct paths kept of one round, and of the rounds of a loop. */
#define BUILDLOOP_PATHS 8

struct buildloop {
	char *prog; /* the program the child runs, absolute, or NULL */
	char *round[BUILDLOOP_PATHS]; /* the distinct paths changed since
					 the last reload, absolute */
	size_t nround;
	size_t more; /* changes of paths beyond those */
	int own; /* every change of this round was made by a build */
	unsigned rounds; /* such rounds in a row, this one not counted */
	char *seen[BUILDLOOP_PATHS]; /* the paths of those rounds (of the
					loop just found, until the next) */
	size_t nseen;
	char *loop[BUILDLOOP_PATHS]; /* paths found looping: what a build
					changes there is dropped */
	size_t nloop;
};

/* Prepares an empty bl. Cannot fail. */
void buildloop_init(struct buildloop *bl);
/* Frees what bl holds (not bl) and empties it. */
void buildloop_free(struct buildloop *bl);
/* Makes path (absolute; NULL: none) the program the child runs: a change
 * of it never reloads the child (a build that writes the program must
 * not start the next build). Returns 0, or -1 with errno ENOMEM (no
 * program then). */
int buildloop_program(struct buildloop *bl, const char *path);

/* Finds where the program prog (a command's first word) lies, as the
 * watcher would report a change of it: with a '/', relative to dir (the
 * child's directory) when not absolute; without, searched in path (a
 * PATH value; NULL: the default) as execvp(3) would. The directory that
 * holds it is made canonical (realpath(3)) when it exists, so that the
 * program need not exist yet (a build makes it). Returns a new string, or
 * NULL when it cannot be found (errno ENOENT) or memory is out (ENOMEM). */
char *buildloop_locate(const char *prog, const char *path, const char *dir);

/* A change of path (absolute, as the watcher reports it) was seen;
 * by_build is 1 if it was made while a build of the child ran. Returns 1
 * if the change must
 * be dropped: the program itself, or a path found looping that a build
 * changed; else counts it in the round and returns 0. Cannot fail (a
 * path that cannot be kept is counted in bl->more). */
int buildloop_note(struct buildloop *bl, const char *path, int by_build);

/* The round's debounce is due, and would reload the child; building is
 * 1 while a build still runs (the reload restarts it: that round is no
 * loop). Returns 1 if this round makes BUILDLOOP_ROUNDS in a row whose
 * changes a finished build made: a loop; its paths are then
 * bl->loop, their changes by a build are dropped from now on, and the
 * reload must not happen. Else 0. Starts the next round either way. */
int buildloop_due(struct buildloop *bl, int building);

/* Writes into buf (len bytes, cut there) the message for the loop just
 * found: its paths (shown relative to cwd), and the ignore = lines (each
 * relative to the one of the nroots watched roots it is under) to add to
 * section ("[child]", "[child.api]"). Returns buf. */
char *buildloop_message(const struct buildloop *bl, char *const *roots,
    size_t nroots, const char *cwd, const char *section, char *buf, size_t len);

#endif
