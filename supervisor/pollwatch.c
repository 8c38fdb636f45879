/* SPDX-License-Identifier: ISC */
/* pollwatch.c: polls watched roots for changes the kernel does not report
 * (NFS, SMB, 9p, FUSE): a table of each entry's stat(2) stamp, compared
 * on every scan. */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hp.h"
#include "pollwatch.h"
#include "util.h"

/* What is compared from one scan to the next. */
struct stamp {
	dev_t dev;
	ino_t ino;
	mode_t mode;
	off_t size;
	struct timespec mtim;
	struct timespec ctim;
};

/* One file or directory of a root. */
struct pent {
	char *rel; /* relative to its root; "" for the root itself */
	size_t root; /* index in pw->roots */
	uint32_t hash; /* of (root, rel), see key_hash() */
	unsigned seen; /* the last scan that met it */
	int warned; /* a directory we could not read, said so */
	struct stamp st;
};

/* A directory being read by walk(). */
struct frame {
	DIR *d;
	size_t len; /* of its relative path in pw->rel */
};

struct pollwatch {
	pollwatch_ignored_fn ignored;
	void *arg;
	char **roots;
	size_t nroots;
	/* The entries, dense; slots[] maps a hash to index + 1 (0: empty),
	 * open addressing with linear probing, at most half full. */
	struct pent *ents;
	size_t nents, entcap;
	uint32_t *slots;
	size_t nslots; /* a power of 2, or 0 */
	unsigned gen; /* the current scan */
	size_t max_entries;
	int max_depth;
	int warned_full, warned_deep;
	char *rel; /* scratch: the relative path being walked */
	size_t relcap;
	char *path; /* scratch: a path being reported */
	size_t pathcap;
	struct frame *frames; /* walk()'s stack of open directories */
	size_t framecap;
	/* The callback of the current scan, or NULL (a snapshot). */
	void (*fn)(const char *, void *);
	void *fnarg;
	int calls;
};

struct pollwatch *
pollwatch_open(pollwatch_ignored_fn ignored, void *arg)
{
	struct pollwatch *pw;

	if ((pw = calloc(1, sizeof(*pw))) == NULL)
		return NULL;
	pw->ignored = ignored;
	pw->arg = arg;
	pw->max_entries = POLLWATCH_ENTRIES_MAX;
	pw->max_depth = POLLWATCH_DEPTH_MAX;
	return pw;
}

void
pollwatch_limits(struct pollwatch *pw, size_t max_entries, int max_depth)
{
	if (max_entries > 0)
		pw->max_entries = max_entries;
	if (max_depth > 0)
		pw->max_depth = max_depth;
}

/* FNV-1a of the root index and the relative path. */
static uint32_t
key_hash(size_t root, const char *rel)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(root); i++) {
		h ^= (unsigned char)(root >> (8 * i));
		h *= 16777619u;
	}
	for (; *rel != '\0'; rel++) {
		h ^= (unsigned char)*rel;
		h *= 16777619u;
	}
	return h;
}

/* Returns the index of the entry (root, rel) of hash h, or -1 with *slot
 * the empty slot where it would go. */
static long
lookup(const struct pollwatch *pw, size_t root, const char *rel, uint32_t h,
    size_t *slot)
{
	size_t mask = pw->nslots - 1, i;
	const struct pent *e;

	*slot = 0;
	if (pw->nslots == 0)
		return -1;
	for (i = h & mask; pw->slots[i] != 0; i = (i + 1) & mask) {
		e = &pw->ents[pw->slots[i] - 1];
		if (e->hash == h && e->root == root && strcmp(e->rel, rel) == 0)
			return (long)(pw->slots[i] - 1);
	}
	*slot = i;
	return -1;
}

/* Makes the slot table nslots (a power of 2) big and puts every entry
 * in it again. Returns 0, or -1 with errno ENOMEM (the old one kept). */
static int
rehash(struct pollwatch *pw, size_t nslots)
{
	uint32_t *s;
	size_t i, j, mask = nslots - 1;

	if ((s = calloc(nslots, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < pw->nents; i++) {
		for (j = pw->ents[i].hash & mask; s[j] != 0; j = (j + 1) & mask)
			;
		s[j] = (uint32_t)(i + 1);
	}
	free(pw->slots);
	pw->slots = s;
	pw->nslots = nslots;
	return 0;
}

/* Fills a stamp from a stat(2) result. */
static void
stamp_of(struct stamp *s, const struct stat *st)
{
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->mode = st->st_mode;
	s->size = st->st_size;
	s->mtim = st->st_mtim;
	s->ctim = st->st_ctim;
}

/*
 * Returns 1 if the entry changed in a way worth a reload. For a
 * directory only a new inode, device or type counts: its times and size
 * change whenever an entry is added or removed, and that entry is
 * reported itself. For anything else, any field.
 */
static int
stamp_changed(const struct stamp *a, const struct stamp *b)
{
	if (a->ino != b->ino || a->dev != b->dev ||
	    (a->mode & S_IFMT) != (b->mode & S_IFMT))
		return 1;
	if (S_ISDIR(a->mode))
		return 0;
	return a->size != b->size || a->mode != b->mode ||
	    a->mtim.tv_sec != b->mtim.tv_sec ||
	    a->mtim.tv_nsec != b->mtim.tv_nsec ||
	    a->ctim.tv_sec != b->ctim.tv_sec ||
	    a->ctim.tv_nsec != b->ctim.tv_nsec;
}

/* Calls the scan's callback for root joined with rel. Returns 0 or -1
 * (ENOMEM). */
static int
report(struct pollwatch *pw, size_t root, const char *rel)
{
	const char *p;

	if (pw->fn == NULL)
		return 0;
	if ((p = path_join_at(
		 &pw->path, &pw->pathcap, 0, pw->roots[root], rel)) == NULL)
		return -1;
	pw->fn(p, pw->fnarg);
	pw->calls++;
	return 0;
}

/*
 * Records that (root, rel) exists with stat st in this scan: reports it
 * if it is new or changed. Returns its index, -2 when the table is full
 * (it is then not polled, said once), or -1 with errno ENOMEM.
 */
static long
visit(struct pollwatch *pw, size_t root, const char *rel, const struct stat *st)
{
	struct pent *e;
	struct stamp s;
	uint32_t h = key_hash(root, rel);
	size_t slot;
	long i;

	stamp_of(&s, st);
	if ((i = lookup(pw, root, rel, h, &slot)) >= 0) {
		e = &pw->ents[i];
		e->seen = pw->gen;
		if (stamp_changed(&e->st, &s)) {
			e->st = s;
			if (report(pw, root, rel) == -1)
				return -1;
		}
		e->st = s;
		return i;
	}
	if (pw->nents >= pw->max_entries || pw->nents >= UINT32_MAX - 1) {
		if (!pw->warned_full)
			log_warnx("polling %s: more than %zu files and "
				  "directories; the rest is not polled: "
				  "ignore what need not be watched (ignore = "
				  "GLOB) or watch a smaller tree",
			    pw->roots[root], pw->max_entries);
		pw->warned_full = 1;
		return -2;
	}
	if ((pw->ents = grow(pw->ents, &pw->entcap, pw->nents + 1,
		 sizeof(*pw->ents))) == NULL)
		return -1;
	if (pw->nslots < 2 * (pw->nents + 1)) {
		if (rehash(pw, pw->nslots > 0 ? 2 * pw->nslots : 1024) == -1)
			return -1;
		(void)lookup(pw, root, rel, h, &slot);
	}
	e = &pw->ents[pw->nents];
	memset(e, 0, sizeof(*e));
	if ((e->rel = strdup(rel)) == NULL)
		return -1;
	e->root = root;
	e->hash = h;
	e->seen = pw->gen;
	e->st = s;
	pw->slots[slot] = (uint32_t)(pw->nents + 1);
	i = (long)pw->nents++;
	if (report(pw, root, rel) == -1)
		return -1;
	return i;
}

/* Says once per directory (until it can be read again) that it cannot be
 * read, so its changes are not seen. */
static void
unreadable(struct pollwatch *pw, long i, size_t root, const char *rel, int e)
{
	if (pw->ents[i].warned)
		return;
	pw->ents[i].warned = 1;
	log_warnx("polling %s%s%s: cannot read it: %s; changes in it are not "
		  "seen",
	    pw->roots[root], *rel != '\0' ? "/" : "", rel, strerror(e));
}

/* For walk(): writes into pw->rel the path of name, an entry of the
 * directory whose path is the first len bytes of pw->rel, and the new
 * path's length into *np. Returns 0, or -1 with errno ENOMEM. */
static int
walk_rel(struct pollwatch *pw, size_t len, const char *name, size_t *np)
{
	size_t n = strlen(name);

	if (grow_buf(&pw->rel, &pw->relcap, len + 1 + n + 1) == -1)
		return -1;
	if (len > 0)
		pw->rel[len] = '/';
	memcpy(pw->rel + len + (len > 0), name, n + 1);
	*np = len + (len > 0) + n;
	return 0;
}

/*
 * For walk(): descends into name, a directory read from the top frame
 * (*top - 1), the root's entry i, whose path (sublen bytes) is in
 * pw->rel: opens it and pushes it as a new frame, moving *top. A
 * directory deeper than max_depth is not pushed (said once for pw), nor
 * one that cannot be opened (said once until it can be, and not at all
 * when it went away meanwhile). Returns 0, or -1 with errno ENOMEM.
 */
static int
walk_down(struct pollwatch *pw, size_t root, size_t *top, const char *name,
    long i, size_t sublen)
{
	int sub;

	if (*top > (size_t)pw->max_depth) {
		if (!pw->warned_deep)
			log_warnx("polling %s: directories more than "
				  "%d levels deep are not polled (%s)",
			    pw->roots[root], pw->max_depth, pw->rel);
		pw->warned_deep = 1;
		return 0;
	}
	if ((sub = openat(dirfd(pw->frames[*top - 1].d), name,
		 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
			unreadable(pw, i, root, pw->rel, errno);
		return 0;
	}
	pw->ents[i].warned = 0;
	if ((pw->frames = grow(pw->frames, &pw->framecap, *top + 1,
		 sizeof(*pw->frames))) == NULL) {
		(void)close(sub);
		return -1;
	}
	if ((pw->frames[*top].d = fdopendir(sub)) == NULL) {
		(void)close(sub);
		return errno == ENOMEM ? -1 : 0;
	}
	pw->frames[(*top)++].len = sublen;
	return 0;
}

/*
 * Walks the directory open at fd (which it closes), the root r's, with
 * an explicit stack of open directories (pw->frames, one per level, so
 * that a walk holds at most max_depth + 1 descriptors and no C stack
 * grows with the tree). The relative path of frame k is the first
 * frames[k].len bytes of pw->rel. Returns 0, or -1 with errno ENOMEM.
 */
static int
walk(struct pollwatch *pw, size_t root, int fd)
{
	struct dirent *de;
	struct frame *f;
	struct stat st;
	size_t top = 0, len;
	long i;
	int isdir;

	if ((pw->frames = grow(
		 pw->frames, &pw->framecap, 1, sizeof(*pw->frames))) == NULL) {
		(void)close(fd);
		return -1;
	}
	if ((pw->frames[0].d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return errno == ENOMEM ? -1 : 0;
	}
	pw->frames[0].len = 0;
	top = 1;
	while (top > 0) {
		f = &pw->frames[top - 1];
		if ((de = readdir(f->d)) == NULL) {
			(void)closedir(f->d);
			top--;
			continue;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (walk_rel(pw, f->len, de->d_name, &len) == -1)
			goto fail;
		/* gone since readdir(3), or unreadable: not seen, as if it
		 * were not there */
		if (fstatat(dirfd(f->d), de->d_name, &st,
			AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		isdir = S_ISDIR(st.st_mode);
		if (pw->ignored != NULL &&
		    pw->ignored(pw->roots[root], pw->rel, isdir, pw->arg))
			continue;
		if ((i = visit(pw, root, pw->rel, &st)) == -1)
			goto fail;
		if (!isdir || i < 0)
			continue;
		if (walk_down(pw, root, &top, de->d_name, i, len) == -1)
			goto fail;
	}
	return 0;
fail:
	while (top > 0)
		(void)closedir(pw->frames[--top].d);
	errno = ENOMEM;
	return -1;
}

/* Takes root r's entries for this scan. A root that does not exist (or
 * cannot be reached) has none: its old entries are then reported
 * removed, and they come back as new once it is there again. Returns 0,
 * or -1 with errno ENOMEM. */
static int
scan_root(struct pollwatch *pw, size_t r)
{
	struct stat st;
	long i;
	int fd;

	if (stat(pw->roots[r], &st) == -1)
		return 0;
	if ((i = visit(pw, r, "", &st)) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode) || i < 0)
		return 0;
	if ((fd = open(pw->roots[r], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			unreadable(pw, i, r, "", errno);
		return 0;
	}
	pw->ents[i].warned = 0;
	return walk(pw, r, fd);
}

/* Reports and drops every entry this scan did not meet, then rebuilds the
 * slot table if any went. Returns 0, or -1 with errno ENOMEM (the table
 * is then rebuilt on the next scan that drops an entry). */
static int
sweep(struct pollwatch *pw)
{
	size_t i, k;
	int e = 0;

	for (i = k = 0; i < pw->nents; i++) {
		if (pw->ents[i].seen == pw->gen) {
			pw->ents[k++] = pw->ents[i];
			continue;
		}
		if (report(pw, pw->ents[i].root, pw->ents[i].rel) == -1)
			e = ENOMEM;
		free(pw->ents[i].rel);
	}
	if (k == pw->nents && e == 0)
		return 0;
	pw->nents = k;
	if (rehash(pw, pw->nslots > 0 ? pw->nslots : 1024) == -1)
		e = ENOMEM;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

int
pollwatch_add(struct pollwatch *pw, const char *root)
{
	struct stat st;
	char *copy;

	if (stat(root, &st) == -1)
		return -1;
	if ((copy = strdup(root)) == NULL ||
	    strlist_add(&pw->roots, &pw->nroots, copy) == -1) {
		errno = ENOMEM;
		return -1;
	}
	pw->fn = NULL;
	if (scan_root(pw, pw->nroots - 1) == -1)
		return -1;
	return 0;
}

int
pollwatch_scan(
    struct pollwatch *pw, void (*fn)(const char *path, void *arg), void *arg)
{
	size_t r;
	int ret = 0;

	pw->gen++;
	pw->fn = fn;
	pw->fnarg = arg;
	pw->calls = 0;
	for (r = 0; r < pw->nroots && ret == 0; r++)
		ret = scan_root(pw, r);
	/* After a failed walk, entries not met are not gone: no sweep. */
	if (ret == 0)
		ret = sweep(pw);
	pw->fn = NULL;
	return ret == -1 ? -1 : pw->calls;
}

size_t
pollwatch_count(const struct pollwatch *pw)
{
	return pw->nents;
}

void
pollwatch_close(struct pollwatch *pw)
{
	size_t i;

	if (pw == NULL)
		return;
	for (i = 0; i < pw->nents; i++)
		free(pw->ents[i].rel);
	free(pw->ents);
	free(pw->slots);
	strlist_free(pw->roots, pw->nroots);
	free(pw->rel);
	free(pw->path);
	free(pw->frames);
	free(pw);
}
