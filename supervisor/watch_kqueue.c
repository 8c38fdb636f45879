/* SPDX-License-Identifier: ISC */
/* watch_kqueue.c: the BSD and macOS file watcher, a kqueue(2) EVFILT_VNODE
 * filter on an open descriptor for each watched directory and file. */

#define _DARWIN_C_SOURCE /* O_EVTONLY in <fcntl.h> on macOS */

#include <sys/types.h>
#include <sys/event.h>
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
#include "watch.h"

/* O_EVTONLY (macOS): the descriptor is for events only and does not keep
 * a removable volume busy. O_NONBLOCK and O_NOCTTY: opening must never
 * block or take a terminal, should a name turn into a FIFO or a device
 * between fstatat(2) and openat(2). */
#ifdef O_EVTONLY
#define OPEN_FLAGS (O_EVTONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
#else
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
#endif

/* kqueue(2), EVFILT_VNODE: NOTE_WRITE on a file is new data and on a
 * directory a changed entry (we rescan it); NOTE_EXTEND a file grown;
 * NOTE_ATTRIB `touch` or chmod; NOTE_DELETE and NOTE_RENAME the name is
 * gone, and our descriptor now holds a file nobody sees there. */
#define VNODE_FFLAGS \
	(NOTE_WRITE | NOTE_DELETE | NOTE_RENAME | NOTE_EXTEND | NOTE_ATTRIB)

#define EVENTS_MAX 64 /* kevents per kevent(2) call */

/* A watched directory or regular file, stored at the index of its
 * descriptor. Directories link their children in a list. */
struct node {
	char *rel; /* relative to the root, "" for the root; NULL: free */
	size_t root;
	int parent; /* descriptor of the parent directory node, or -1 */
	int child; /* first child, or -1 */
	int next; /* next sibling, or -1 */
	int isdir;
	int dirty; /* NOTE_WRITE on this directory: rescan it */
	int regit; /* a .gitignore above it changed: rescan its tree */
	dev_t dev; /* of the open file, to see a name now another file */
	ino_t ino;
};

struct watch {
	struct watch_base b; /* first: watch.c reaches it through w */
	struct node *nodes; /* indexed by descriptor */
	size_t nodecap;
	size_t count; /* descriptors open */
	int warned; /* the descriptor-limit message was logged */
	char *path; /* scratch for a full path */
	size_t pathcap;
	char *last; /* the path reported last, to skip a repeat */
	size_t lastcap;
};

/* Descriptors to visit: directories to scan, or to rescan. */
struct fds {
	int *v;
	size_t n, cap;
};

/* A child of a directory being rescanned, sorted by name. */
struct kid {
	const char *name;
	int fd;
	int seen;
};

static int
fds_push(struct fds *s, int fd)
{
	int *p;

	if ((p = grow(s->v, &s->cap, s->n + 1, sizeof(*p))) == NULL)
		return -1;
	s->v = p;
	s->v[s->n++] = fd;
	return 0;
}

/* Returns the full path of node fd, to open it (in w->path for a node
 * of a directory root), or NULL with errno ENOMEM. */
static const char *
node_path(struct watch *w, int fd)
{
	const struct node *n = &w->nodes[fd];
	const struct watch_root *rt = &w->b.roots[n->root];

	if (rt->file != NULL)
		return n->isdir ? rt->dir : rt->path;
	return path_join_at(&w->path, &w->pathcap, 0, rt->dir, n->rel);
}

/* Calls the callback for node fd, unless it just did for the same path. */
static void
report(struct watch *w, struct watch_cb *dr, int fd)
{
	const struct node *n = &w->nodes[fd];
	const char *p = w->b.roots[n->root].path;

	if (w->b.roots[n->root].file == NULL && (p = node_path(w, fd)) == NULL)
		p = w->b.roots[n->root].path; /* out of memory: the root */
	if (w->last != NULL && strcmp(w->last, p) == 0)
		return;
	if (grow_buf(&w->last, &w->lastcap, strlen(p) + 1) == 0)
		memcpy(w->last, p, strlen(p) + 1);
	watch_report(dr, p);
}

/* Logs once that the descriptor limit stops the watch. */
static void
warn_limit(struct watch *w, const char *path)
{
	if (w->warned)
		return;
	w->warned = 1;
	log_warnx("watch %s: out of file descriptors (kqueue needs one for "
		  "each watched file and directory); raise the limit "
		  "(ulimit -n) or add ignore globs",
	    path);
}

/*
 * Opens name (relative to directory dfd; AT_FDCWD for a root, whose
 * symbolic link is followed, as the user named it) and adds its vnode
 * filter. rel (taken, freed on failure) is its path under root r; parent
 * its parent node or -1. Returns the descriptor, or -1 with errno: ENOSPC
 * when out of descriptors (logged), ENOMEM, or why the name could not be
 * watched (ENOENT: gone; ELOOP or EMLINK: a symbolic link; EINVAL: neither
 * a directory nor a regular file; a loop of bind mounts).
 */
static int
node_open(struct watch *w, int dfd, const char *name, int follow, size_t r,
    int parent, char *rel)
{
	struct kevent kev;
	struct stat st;
	struct node *n;
	size_t cap;
	int fd, a, e;

	fd = openat(dfd, name, OPEN_FLAGS | (follow ? 0 : O_NOFOLLOW));
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE) {
			warn_limit(w, *rel != '\0' ? rel : name);
			errno = ENOSPC;
		}
		goto fail;
	}
	if (fstat(fd, &st) == -1)
		goto fail;
	errno = EINVAL;
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		goto fail;
	for (a = parent; a != -1; a = w->nodes[a].parent)
		if (w->nodes[a].dev == st.st_dev &&
		    w->nodes[a].ino == st.st_ino)
			goto fail; /* a directory inside itself */
	if ((size_t)fd >= w->nodecap) {
		cap = w->nodecap;
		if ((n = grow(w->nodes, &cap, (size_t)fd + 1, sizeof(*n))) ==
		    NULL)
			goto fail;
		memset(n + w->nodecap, 0, (cap - w->nodecap) * sizeof(*n));
		w->nodes = n;
		w->nodecap = cap;
	}
	EV_SET(&kev, (uintptr_t)fd, EVFILT_VNODE, EV_ADD | EV_ENABLE | EV_CLEAR,
	    VNODE_FFLAGS, 0, 0);
	if (kevent(w->b.fd, &kev, 1, NULL, 0, NULL) == -1)
		goto fail;
	n = &w->nodes[fd];
	n->rel = rel;
	n->root = r;
	n->parent = parent;
	n->child = -1;
	n->next = parent != -1 ? w->nodes[parent].child : -1;
	if (parent != -1)
		w->nodes[parent].child = fd;
	n->isdir = S_ISDIR(st.st_mode);
	n->dirty = 0;
	n->regit = 0;
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	w->count++;
	return fd;
fail:
	e = errno;
	if (fd != -1)
		(void)close(fd);
	free(rel);
	errno = e;
	return -1;
}

/* Closes node fd and everything under it, and unlinks it from its parent.
 * Iterative: always removes the first leaf below fd, so no stack. */
static void
node_forget(struct watch *w, int fd)
{
	struct node *n = &w->nodes[fd];
	int *pp, cur = fd, up;

	if (n->parent != -1) {
		for (pp = &w->nodes[n->parent].child; *pp != fd;
		     pp = &w->nodes[*pp].next)
			;
		*pp = n->next;
	}
	for (;;) {
		while (w->nodes[cur].child != -1)
			cur = w->nodes[cur].child;
		n = &w->nodes[cur];
		up = n->parent;
		if (cur != fd)
			w->nodes[up].child = n->next;
		free(n->rel);
		n->rel = NULL;
		(void)close(cur); /* also removes its kevent */
		w->count--;
		if (cur == fd)
			break;
		cur = up;
	}
}

/* Returns the last component of a relative path. */
static const char *
base(const char *rel)
{
	const char *slash = strrchr(rel, '/');

	return slash != NULL ? slash + 1 : rel;
}

static int
kid_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct kid *)a)->name, ((const struct kid *)b)->name);
}

/* Lists the children of directory node fd, sorted by name, into a new
 * array *kidsp (NULL when there are none) of *np entries. Returns 0 or -1
 * with errno ENOMEM. */
static int
kids_of(struct watch *w, int fd, struct kid **kidsp, size_t *np)
{
	const struct watch_root *rt = &w->b.roots[w->nodes[fd].root];
	struct kid *kids;
	size_t n = 0, i = 0;
	int c;

	*kidsp = NULL;
	*np = 0;
	for (c = w->nodes[fd].child; c != -1; c = w->nodes[c].next)
		n++;
	if (n == 0)
		return 0;
	if ((kids = calloc(n, sizeof(*kids))) == NULL)
		return -1;
	for (c = w->nodes[fd].child; c != -1; c = w->nodes[c].next) {
		kids[i].fd = c;
		kids[i].name =
		    rt->file != NULL ? rt->file : base(w->nodes[c].rel);
		i++;
	}
	qsort(kids, n, sizeof(*kids), kid_cmp);
	*kidsp = kids;
	*np = n;
	return 0;
}

/* For scan(): says whether the entry name of directory node fd, open
 * as dfd, is watched: a directory or a regular file (through a symbolic
 * link only for a file root, whose one name it must be), not excluded by
 * a glob or a .gitignore. Returns 1 with its stat(2) in *st and its path
 * relative to its root in a new string *relp ("" for a file root), 0
 * when it is not watched, or -1 with errno ENOMEM. */
static int
scan_wanted(struct watch *w, int fd, int dfd, const char *name, struct stat *st,
    char **relp)
{
	const struct watch_root *rt = &w->b.roots[w->nodes[fd].root];
	int follow = rt->file != NULL;
	char *rel;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    (rt->file != NULL && strcmp(name, rt->file) != 0))
		return 0;
	if (fstatat(dfd, name, st, follow ? 0 : AT_SYMLINK_NOFOLLOW) == -1 ||
	    (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode)))
		return 0;
	rel = rt->file != NULL ? strdup("") : path_join(w->nodes[fd].rel, name);
	if (rel == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (rt->file == NULL &&
	    watch_excluded(
		rt, w->b.globs, w->b.nglobs, rel, S_ISDIR(st->st_mode))) {
		free(rel);
		return 0;
	}
	*relp = rel;
	return 1;
}

/*
 * Brings the children of directory node fd in line with the directory:
 * opens the entries that are new, reopens those whose name now holds
 * another file (an editor's rename over it), forgets those gone; with
 * report set, reports each. New directories are pushed on todo to be
 * scanned in turn. A file root's parent considers that one name only.
 * Symbolic links, FIFOs and devices are not watched. The directory's
 * .gitignore is read first; when it or one above changed, entries now
 * excluded are forgotten (and reported, if report is set), and the
 * directories below are scanned again too. Returns 0, or -1 with errno
 * ENOSPC or ENOMEM.
 */
static int
scan(struct watch *w, int fd, int reportit, struct fds *todo,
    struct watch_cb *dr)
{
	const struct watch_root *rt = &w->b.roots[w->nodes[fd].root];
	struct kid *kids = NULL, key, *k;
	struct dirent *de;
	struct stat st;
	const char *p;
	size_t nkids = 0, i;
	int nfd, e = 0, follow = rt->file != NULL, regit, wanted;
	char *rel;
	DIR *d;

	regit = w->nodes[fd].regit;
	w->nodes[fd].regit = 0;
	if (rt->file == NULL && watch_gitignore_load(rt, w->nodes[fd].rel))
		regit = 1;
	if ((p = node_path(w, fd)) == NULL)
		return -1;
	if ((d = opendir(p)) == NULL)
		return 0; /* gone: its own NOTE_DELETE says so */
	if (fstat(dirfd(d), &st) == -1 || st.st_dev != w->nodes[fd].dev ||
	    st.st_ino != w->nodes[fd].ino)
		goto done; /* another directory now: NOTE_RENAME comes */
	if (kids_of(w, fd, &kids, &nkids) == -1)
		goto nomem;
	while ((de = readdir(d)) != NULL) {
		if ((wanted = scan_wanted(
			 w, fd, dirfd(d), de->d_name, &st, &rel)) == -1)
			goto nomem;
		if (!wanted)
			continue;
		key.name = de->d_name;
		k = nkids > 0 ?
		    bsearch(&key, kids, nkids, sizeof(*kids), kid_cmp) :
		    NULL;
		if (k != NULL) {
			k->seen = 1;
			if (w->nodes[k->fd].dev == st.st_dev &&
			    w->nodes[k->fd].ino == st.st_ino) {
				free(rel);
				if (regit && w->nodes[k->fd].isdir) {
					w->nodes[k->fd].regit = 1;
					if (fds_push(todo, k->fd) == -1)
						goto nomem;
				}
				continue;
			}
			report(w, dr, k->fd); /* replaced */
			node_forget(w, k->fd);
		}
		nfd = node_open(w, dirfd(d), de->d_name, follow,
		    w->nodes[fd].root, fd, rel);
		if (nfd == -1) {
			if (errno == ENOSPC || errno == ENOMEM)
				goto fail;
			continue;
		}
		if (reportit && k == NULL) /* a replaced one was reported */
			report(w, dr, nfd);
		if (w->nodes[nfd].isdir && fds_push(todo, nfd) == -1)
			goto nomem;
	}
	for (i = 0; i < nkids; i++)
		if (!kids[i].seen) {
			report(w, dr, kids[i].fd); /* gone */
			node_forget(w, kids[i].fd);
		}
	goto done;
nomem:
	errno = ENOMEM;
fail:
	e = errno;
done:
	free(kids);
	(void)closedir(d);
	errno = e;
	return e != 0 ? -1 : 0;
}

/* Scans directory node fd and every new directory found below it; only
 * fd's own changes are reported (a new directory is, its contents not).
 * Returns 0 or -1 with errno ENOSPC or ENOMEM. */
static int
scan_tree(struct watch *w, int fd, int reportit, struct watch_cb *dr)
{
	struct fds todo = {NULL, 0, 0};
	int e = 0;

	if (scan(w, fd, reportit, &todo, dr) == -1)
		e = errno;
	while (e == 0 && todo.n > 0) {
		fd = todo.v[--todo.n];
		if (w->nodes[fd].rel != NULL && scan(w, fd, 0, &todo, dr) == -1)
			e = errno;
	}
	free(todo.v);
	errno = e;
	return e != 0 ? -1 : 0;
}

/* Queues directory node fd for a rescan after this batch, once. */
static void
mark_dirty(struct watch *w, struct fds *dirty, int fd)
{
	if (w->nodes[fd].dirty)
		return;
	if (fds_push(dirty, fd) == 0)
		w->nodes[fd].dirty = 1;
	else
		log_warn("rescan %s", w->b.roots[w->nodes[fd].root].path);
}

static void
ignore_path(const char *path, void *arg)
{
	(void)path;
	(void)arg;
}

struct watch *
watch_open(char *const *globs, size_t n)
{
	struct watch *w;
	int e;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	watch_base_init(&w->b, -1, globs, n);
	/* fork(2) children do not inherit a kqueue; an exec without fork
	 * would: close-on-exec at once, the supervisor has one thread. */
	if ((w->b.fd = kqueue()) == -1 || fd_set_cloexec(w->b.fd) == -1) {
		e = errno;
		if (w->b.fd != -1)
			(void)close(w->b.fd);
		free(w);
		errno = e;
		return NULL;
	}
	return w;
}

/* A file root is watched through its parent directory too: after an
 * editor's rename over it, our descriptor holds the old file, and the
 * parent's NOTE_WRITE makes us open the new one. On failure nothing of
 * path stays watched; out of descriptors is ENOSPC, as for inotify. */
int
watch_add(struct watch *w, const char *path)
{
	struct watch_cb quiet = {ignore_path, NULL, 0};
	struct watch_root *rt;
	char *rel;
	int fd, e;

	if ((rt = watch_base_add(&w->b, path)) == NULL)
		return -1;
	if ((rel = strdup("")) == NULL ||
	    (fd = node_open(
		 w, AT_FDCWD, rt->dir, 1, w->b.nroots - 1, -1, rel)) == -1) {
		watch_base_undo(&w->b);
		return -1;
	}
	if (scan_tree(w, fd, 0, &quiet) == -1) {
		e = errno;
		node_forget(w, fd);
		errno = e;
		watch_base_undo(&w->b);
		return -1;
	}
	return 0;
}

/* Collects the kevents with a zero timeout until fewer than EVENTS_MAX
 * come back. Removals are handled first and rescans after each batch, so
 * a descriptor closed by one event is never reused for a new node while
 * events of the same batch still name it. The callback must not call
 * back into the watcher. */
int
watch_drain(struct watch *w, void (*fn)(const char *path, void *arg), void *arg)
{
	struct kevent ev[EVENTS_MAX];
	struct timespec zero = {0, 0};
	struct watch_cb dr = {fn, arg, 0};
	struct fds dirty = {NULL, 0, 0};
	struct node *n;
	size_t i;
	int got, fd, up;

	for (;;) {
		if ((got = kevent(w->b.fd, NULL, 0, ev, EVENTS_MAX, &zero)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			free(dirty.v);
			return -1;
		}
		for (i = 0; i < (size_t)got; i++) {
			fd = (int)ev[i].ident;
			if (ev[i].filter != EVFILT_VNODE || fd < 0 ||
			    (size_t)fd >= w->nodecap ||
			    (n = &w->nodes[fd])->rel == NULL)
				continue; /* closed since: forgotten */
			if (ev[i].fflags & (NOTE_DELETE | NOTE_RENAME)) {
				report(w, &dr, fd);
				if ((up = n->parent) == -1)
					log_warnx("watch %s: removed or "
						  "renamed; no longer watched",
					    w->b.roots[n->root].dir);
				node_forget(w, fd);
				if (up != -1)
					mark_dirty(w, &dirty, up);
			} else if (!n->isdir) {
				report(w, &dr, fd);
				/* written in place: its directory reads it */
				if (n->parent != -1 &&
				    w->b.roots[n->root].ign != NULL &&
				    strcmp(base(n->rel), ".gitignore") == 0)
					mark_dirty(w, &dirty, n->parent);
			} else if (ev[i].fflags & NOTE_WRITE) {
				mark_dirty(w, &dirty, fd);
			}
		}
		for (i = 0; i < dirty.n; i++) {
			fd = dirty.v[i];
			if (w->nodes[fd].rel == NULL || !w->nodes[fd].dirty)
				continue;
			w->nodes[fd].dirty = 0;
			if (scan_tree(w, fd, 1, &dr) == -1)
				log_warn("rescan %s",
				    w->b.roots[w->nodes[fd].root].path);
		}
		dirty.n = 0;
		if (got < EVENTS_MAX)
			break;
	}
	free(dirty.v);
	if (w->last != NULL)
		w->last[0] = '\0';
	return dr.calls;
}

size_t
watch_count(const struct watch *w)
{
	return w->count;
}

void
watch_close(struct watch *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nodecap; i++)
		if (w->nodes[i].rel != NULL) {
			free(w->nodes[i].rel);
			(void)close((int)i);
		}
	free(w->nodes);
	watch_base_free(&w->b);
	free(w->path);
	free(w->last);
	free(w);
}
