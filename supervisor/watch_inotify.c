/* SPDX-License-Identifier: ISC */
/* watch_inotify.c: the Linux file watcher, one inotify(7) watch on each
 * directory of every watched tree. */

#define _DEFAULT_SOURCE /* d_type and DT_* in <dirent.h>: readdir(3) */

#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "watch.h"

/*
 * What every watch asks for (inotify(7)):
 *
 * IN_CLOSE_WRITE, not IN_MODIFY: one event when a writer closes the file
 *   instead of one per write(2), so a compiler writing 50 MB is one change
 *   and a reload never starts on a half-written file. (A file written
 *   through mmap(2), or kept open, is seen when it is closed.)
 * IN_ATTRIB: `touch file` to force a rebuild changes only the times, and
 *   chmod +x only the mode; neither closes a file opened for writing. The
 *   kqueue backend asks for NOTE_ATTRIB for the same reason.
 * IN_CREATE, IN_DELETE: entries that appear and go; a new directory must
 *   be watched at once.
 * IN_MOVED_FROM, IN_MOVED_TO: renames, and so an editor's atomic save
 *   (write a temporary, rename it over the file), after which the file's
 *   name sees IN_MOVED_TO and no IN_CLOSE_WRITE at all.
 * IN_DELETE_SELF, IN_MOVE_SELF: a root directory removed or renamed
 *   (nobody watches its parent, which would otherwise say so).
 * IN_EXCL_UNLINK: no IN_CLOSE_WRITE for a file already unlinked when its
 *   writer closes it; that name no longer exists.
 * IN_ONLYDIR: we only ever watch directories; a name replaced by a file
 *   since readdir(3) fails with ENOTDIR instead of being watched.
 * IN_DONT_FOLLOW (added for all but a root the user named): a symbolic
 *   link that replaced a directory since readdir(3) is not followed.
 */
#define WATCH_MASK \
	(IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | \
	    IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_EXCL_UNLINK | \
	    IN_ONLYDIR)

/* Big enough for many events per read(2); inotify(7) needs at least
 * sizeof(struct inotify_event) + NAME_MAX + 1. */
#define READ_SIZE 65536
/* Reads per watch_drain(): enough for any burst, and a writer that never
 * stops cannot keep the loop here (poll(2) says there is more). */
#define READ_MAX 64
/* Changes coalesced per read (a 64 KiB read holds at most 4096 events),
 * and the slots of their hash table (twice as many, so probes are short). */
#define CHANGE_MAX 4096
#define CHANGE_SLOTS 8192
/* What the ENOSPC message suggests when the limit is below it. */
#define SUGGESTED_WATCHES 524288L
/* How often, at most, a watcher that hit the limit walks its trees again
 * (see retry()). */
#define RETRY_MS 1000

/* A kernel watch used by one root: wd -> (root, directory). Two roots can
 * share one wd (a file root in a watched directory): one entry each. */
struct wdent {
	int wd;
	unsigned pass; /* the last walk that met it */
	size_t root; /* index in w->b.roots */
	char *rel; /* directory relative to the root, "" for the root;
		    * NULL: a dead entry, skipped until compacted */
};

/* One changed path of the current read; see change(). */
struct change {
	size_t off; /* of the path in w->arena */
	uint32_t hash; /* FNV-1a of the path */
	uint32_t first_mask; /* the first and the last event on it */
	uint32_t last_mask;
};

struct watch {
	struct watch_base b; /* first: watch.c reaches it through w */
	/* Sorted by wd, see ent_lower(). */
	struct wdent *ents;
	size_t nents, entcap, ndead;
	unsigned pass;
	int warned; /* the watch-limit message was logged */
	int incomplete; /* ENOSPC left directories unwatched: retry() */
	int64_t retry_at; /* not before this time (ms) */
	char *path; /* scratch: a full path for a system call */
	size_t pathcap;
	char *rel; /* scratch: the relative path of the current event */
	size_t relcap;
	/* The changes of the current read, in order, and their index. */
	struct change changes[CHANGE_MAX];
	size_t nchanges;
	uint32_t slots[CHANGE_SLOTS]; /* index + 1 in changes; 0: empty */
	char *arena;
	size_t arenalen, arenacap;
	_Alignas(struct inotify_event) char buf[READ_SIZE];
};

/*
 * The table of watches, w->ents, is kept sorted by wd so that an event's
 * wd is found by binary search. The kernel hands out wds in increasing
 * order (idr_alloc_cyclic() in fs/notify/inotify/inotify_user.c), so a new
 * watch is almost always appended and the array stays sorted for free;
 * the rare exceptions (a wd shared by two roots, or the counter wrapping
 * after 2^31 watches) are inserted in place. Removed entries are only
 * marked dead (rel == NULL), so that `rm -rf` of 10 000 directories does
 * not move the array 10 000 times; ent_compact() squeezes them out after
 * each read.
 */

/* Returns the index of the first entry with a wd >= wd. */
static size_t
ent_lower(const struct watch *w, int wd)
{
	size_t lo = 0, hi = w->nents, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (w->ents[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
ent_compact(struct watch *w)
{
	size_t i, j;

	if (w->ndead == 0)
		return;
	for (i = j = 0; i < w->nents; i++)
		if (w->ents[i].rel != NULL)
			w->ents[j++] = w->ents[i];
	w->nents = j;
	w->ndead = 0;
}

/* Marks entry i dead. */
static void
ent_kill(struct watch *w, size_t i)
{
	free(w->ents[i].rel);
	w->ents[i].rel = NULL;
	w->ndead++;
}

/* Removes the kernel watch of each wd whose entries are all dead
 * (inotify_rm_watch(2)); the IN_IGNORED that follows finds no entry. */
static void
ent_unwatch_dead(struct watch *w)
{
	size_t i, j;
	int live, dead;

	for (i = 0; i < w->nents; i = j) {
		live = dead = 0;
		for (j = i; j < w->nents && w->ents[j].wd == w->ents[i].wd; j++)
			if (w->ents[j].rel != NULL)
				live = 1;
			else
				dead = 1;
		if (dead && !live)
			(void)inotify_rm_watch(w->b.fd, w->ents[i].wd);
	}
}

/* Forgets directory rel of root r and everything under it ("": the whole
 * root), removing the kernel watches no other root uses. Used when a
 * directory is renamed: its watches would follow it with stale names. */
static void
ent_forget(struct watch *w, size_t r, const char *rel)
{
	size_t i, len = strlen(rel);
	const char *e;

	for (i = 0; i < w->nents; i++) {
		if ((e = w->ents[i].rel) == NULL || w->ents[i].root != r)
			continue;
		if (len == 0 ||
		    (strncmp(e, rel, len) == 0 &&
			(e[len] == '\0' || e[len] == '/')))
			ent_kill(w, i);
	}
	ent_unwatch_dead(w);
}

/*
 * Records that watch wd covers directory *relp of root r, met by walk
 * number pass. Returns 1 if the walk is to read the directory (new to r,
 * or not yet met in this pass: a renamed tree gets its new names), 0 if
 * not (met already in this pass, which stops a bind mount of an ancestor
 * from looping; or another root's tree holds it, so its events are
 * reported once, under that root), -1 with errno ENOMEM. Stores *relp and
 * sets it to NULL when it keeps it.
 */
static int
ent_set(struct watch *w, int wd, size_t r, char **relp, unsigned pass)
{
	size_t i, j;
	struct wdent *e, *p;
	int other = 0;

	i = ent_lower(w, wd);
	for (j = i; j < w->nents && w->ents[j].wd == wd; j++) {
		if ((e = &w->ents[j])->rel == NULL)
			continue;
		if (e->root == r) {
			if (e->pass == pass)
				return 0;
			e->pass = pass;
			if (strcmp(e->rel, *relp) != 0) {
				free(e->rel);
				e->rel = *relp;
				*relp = NULL;
			}
			return 1;
		}
		if (w->b.roots[e->root].file == NULL)
			other = 1;
	}
	if (other && w->b.roots[r].file == NULL)
		return 0;
	if ((p = grow(w->ents, &w->entcap, w->nents + 1, sizeof(*p))) == NULL)
		return -1;
	w->ents = p;
	memmove(&w->ents[j + 1], &w->ents[j], (w->nents - j) * sizeof(*p));
	w->ents[j].wd = wd;
	w->ents[j].pass = pass;
	w->ents[j].root = r;
	w->ents[j].rel = *relp;
	*relp = NULL;
	w->nents++;
	return 1;
}

/* Logs, once per watcher, that the kernel's limit on inotify watches
 * (ENOSPC from inotify_add_watch(2)) is reached and how to raise it. */
static void
warn_limit(struct watch *w, const char *dir)
{
	FILE *f;
	long max = -1, want = SUGGESTED_WATCHES;

	w->incomplete = 1;
	if (w->warned)
		return;
	w->warned = 1;
	if ((f = fopen("/proc/sys/fs/inotify/max_user_watches", "re")) !=
	    NULL) {
		if (fscanf(f, "%ld", &max) != 1)
			max = -1;
		(void)fclose(f);
	}
	if (max >= want)
		want = max * 2;
	if (max >= 0)
		log_warnx("watch %s: inotify watch limit reached "
			  "(fs.inotify.max_user_watches = %ld); raise it: "
			  "sudo sysctl fs.inotify.max_user_watches=%ld",
		    dir, max, want);
	else
		log_warnx("watch %s: inotify watch limit reached; raise it: "
			  "sudo sysctl fs.inotify.max_user_watches=%ld",
		    dir, want);
}

/* A directory stack for walk(): owned strings. */
struct stack {
	char **v;
	size_t n, cap;
};

static int
push(struct stack *s, char *rel)
{
	char **p;

	if ((p = grow(s->v, &s->cap, s->n + 1, sizeof(*p))) == NULL)
		return -1;
	s->v = p;
	s->v[s->n++] = rel;
	return 0;
}

/* Returns 1 if entry de of the open directory d is a directory (not a
 * symbolic link to one), else 0. Uses d_type, and fstatat(2) only where
 * the file system leaves it DT_UNKNOWN. */
static int
entry_isdir(DIR *d, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

/* Pushes every subdirectory of d (relative path rel of root rt) that is
 * not ignored. Returns 0 or -1 with errno ENOMEM; a failing readdir(3) is
 * logged. */
static int
push_subdirs(struct watch *w, const struct watch_root *rt, struct stack *s,
    DIR *d, const char *rel)
{
	struct dirent *de;
	char *sub;

	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 || !entry_isdir(d, de))
			continue;
		if ((sub = path_join(rel, de->d_name)) == NULL)
			return -1;
		if (watch_excluded(rt, w->b.globs, w->b.nglobs, sub, 1)) {
			free(sub);
			continue;
		}
		if (push(s, sub) == -1) {
			free(sub);
			return -1;
		}
	}
	if (errno != 0)
		log_warn("read directory %s", w->path);
	return 0;
}

/*
 * Watches directory rel of root r and every directory below it that is
 * not ignored, depth first over an explicit stack (a deep tree uses no C
 * stack and keeps one DIR open at a time). Each directory is watched
 * before it is read, so an entry created meanwhile is either listed or
 * reported. Symbolic links are never followed below the root: a link to a
 * directory inside the tree is watched under its real name anyway, and
 * one pointing outside (or at an ancestor) is not ours to walk. A file
 * root's parent is watched alone. Returns 0, or -1 with errno: ENOSPC (the
 * watch limit, logged) and ENOMEM stop the walk; an error on rel itself is
 * returned; an error below it (a directory removed or made unreadable
 * meanwhile) skips that directory.
 */
static int
walk(struct watch *w, size_t r, const char *rel, unsigned pass)
{
	struct stack s = {NULL, 0, 0};
	const struct watch_root *rt = &w->b.roots[r];
	const char *dir;
	char *cur;
	uint32_t mask;
	int wd, first = 1, e;
	DIR *d;

	if ((cur = strdup(rel)) == NULL || push(&s, cur) == -1)
		goto fail;
	cur = NULL;
	while (s.n > 0) {
		free(cur);
		/* dir outlives cur: ent_set() may keep the string, never
		 * free it. */
		dir = cur = s.v[--s.n];
		if (path_join_at(&w->path, &w->pathcap, 0, rt->dir, cur) ==
		    NULL)
			goto fail;
		mask = WATCH_MASK;
		if (*cur != '\0')
			mask |= IN_DONT_FOLLOW;
		if ((wd = inotify_add_watch(w->b.fd, w->path, mask)) == -1) {
			if (errno == ENOSPC)
				warn_limit(w, w->path);
			if (first || errno == ENOSPC || errno == ENOMEM)
				goto fail;
			if (errno != ENOENT && errno != ENOTDIR)
				log_warn("watch %s", w->path);
			continue;
		}
		first = 0;
		if ((e = ent_set(w, wd, r, &cur, pass)) == -1)
			goto fail;
		if (e == 0 || rt->file != NULL)
			continue;
		/* its .gitignore before its subdirectories are judged */
		(void)watch_gitignore_load(rt, dir);
		if ((d = opendir(w->path)) == NULL) {
			if (errno != ENOENT && errno != ENOTDIR)
				log_warn("open directory %s", w->path);
			continue;
		}
		e = push_subdirs(w, rt, &s, d, dir);
		(void)closedir(d);
		if (e == -1)
			goto fail;
	}
	free(cur);
	free(s.v);
	return 0;
fail:
	e = errno;
	free(cur);
	while (s.n > 0)
		free(s.v[--s.n]);
	free(s.v);
	errno = e;
	return -1;
}

/* FNV-1a (a 32-bit hash of s), for the change table. */
static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Calls the callback for each change of the current read, except one that
 * was born and gone within it (see change()), and forgets them. */
static void
flush(struct watch *w, struct watch_cb *dr)
{
	const uint32_t born = IN_CREATE | IN_MOVED_TO;
	const uint32_t gone = IN_DELETE | IN_MOVED_FROM;
	const struct change *c;
	size_t i;

	for (i = 0; i < w->nchanges; i++) {
		c = &w->changes[i];
		if ((c->first_mask & born) && (c->last_mask & gone))
			continue;
		watch_report(dr, w->arena + c->off);
	}
	w->nchanges = 0;
	w->arenalen = 0;
	memset(w->slots, 0, sizeof(w->slots));
}

/*
 * Notes that path rel of root r (NULL: the root itself) changed with the
 * event mask. Within one read each path is kept once, in the order of its
 * first event, with its first and last event: a name created and removed
 * again in the same read (the temporary of an atomic save, vim's 4913)
 * did not change the tree and is not reported, so the log says
 * "src/main.c changed" rather than naming the temporary.
 */
static void
change(struct watch *w, struct watch_cb *dr, size_t r, const char *rel,
    uint32_t mask)
{
	const char *root = w->b.roots[r].path;
	size_t slot;
	uint32_t h, idx;
	struct change *c;
	char *s;

	if (w->nchanges == CHANGE_MAX)
		flush(w, dr);
	if ((s = path_join_at(&w->arena, &w->arenacap, w->arenalen, root,
		 rel != NULL ? rel : "")) == NULL) {
		flush(w, dr); /* out of memory: the root still says it */
		watch_report(dr, root);
		return;
	}
	h = hash(s);
	for (slot = h & (CHANGE_SLOTS - 1); (idx = w->slots[slot]) != 0;
	     slot = (slot + 1) & (CHANGE_SLOTS - 1)) {
		c = &w->changes[idx - 1];
		if (c->hash == h && strcmp(w->arena + c->off, s) == 0) {
			c->last_mask = mask;
			return;
		}
	}
	c = &w->changes[w->nchanges];
	c->off = w->arenalen;
	c->hash = h;
	c->first_mask = c->last_mask = mask;
	w->slots[slot] = (uint32_t)++w->nchanges;
	w->arenalen += strlen(s) + 1;
}

/* Forgets the entries of root r at directory rel or below it ("": the
 * whole root) that walk number pass did not meet, and removes the kernel
 * watches no entry uses any more. */
static void
ent_prune(struct watch *w, size_t r, const char *rel, unsigned pass)
{
	size_t i, len = strlen(rel);
	const char *e;

	for (i = 0; i < w->nents; i++) {
		if ((e = w->ents[i].rel) == NULL || w->ents[i].root != r ||
		    w->ents[i].pass == pass)
			continue;
		if (len == 0 ||
		    (strncmp(e, rel, len) == 0 &&
			(e[len] == '\0' || e[len] == '/')))
			ent_kill(w, i);
	}
	ent_unwatch_dead(w);
}

/*
 * The .gitignore at path (relative to root r; its directory is the first
 * dirlen bytes, with the '/' after them) was written, created or removed:
 * reads it again, and if its rules changed walks its directory's tree
 * once more, which watches the directories it no longer excludes (and
 * the .gitignore files below them), then forgets those it now excludes.
 */
static void
gitignore_changed(struct watch *w, size_t r, const char *path, size_t dirlen)
{
	unsigned pass;
	char *dir;

	if ((dir = strdup(path)) == NULL) {
		log_warn("%s: .gitignore", w->b.roots[r].path);
		return;
	}
	dir[dirlen > 0 ? dirlen - 1 : 0] = '\0';
	if (watch_gitignore_load(&w->b.roots[r], dir) == 1) {
		pass = ++w->pass;
		if (walk(w, r, dir, pass) == 0)
			ent_prune(w, r, dir, pass);
	}
	free(dir);
}

/* Handles one event for entry i (the watched directory of one root). */
static void
handle_one(struct watch *w, struct watch_cb *dr, size_t i,
    const struct inotify_event *ev)
{
	const struct wdent *e = &w->ents[i];
	size_t r = e->root;
	const struct watch_root *rt = &w->b.roots[r];
	const char *name = ev->len > 0 ? ev->name : "";
	int isdir = (ev->mask & IN_ISDIR) != 0;

	if (*name == '\0') { /* about the watched directory itself */
		if (*e->rel != '\0' ||
		    !(ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
			return; /* below a root: its parent reports it */
		log_warnx("watch %s: directory %s; no longer watched", rt->dir,
		    ev->mask & IN_DELETE_SELF ? "removed" : "moved away");
		change(w, dr, r, NULL, ev->mask);
		if (ev->mask & IN_MOVE_SELF)
			ent_forget(w, r, "");
		return;
	}
	if (rt->file != NULL) { /* a file root: its own name only */
		if (strcmp(name, rt->file) == 0)
			change(w, dr, r, NULL, ev->mask);
		return;
	}
	if (path_join_at(&w->rel, &w->relcap, 0, e->rel, name) == NULL) {
		change(w, dr, r, NULL, ev->mask);
		return;
	}
	/* e is not used below: the table may move. A .gitignore is read
	 * before anything is matched, even against itself (git reads one
	 * that lists itself). */
	if (rt->ign != NULL && strcmp(name, ".gitignore") == 0)
		gitignore_changed(w, r, w->rel, strlen(w->rel) - strlen(name));
	if (watch_excluded(rt, w->b.globs, w->b.nglobs, w->rel, isdir))
		return;
	if (isdir && (ev->mask & IN_MOVED_FROM))
		ent_forget(w, r, w->rel);
	/* A new directory is watched and read at once; what was created in
	 * it before its watch existed is covered by reporting the directory.
	 * Errors are logged (ENOSPC) or moot (it is gone again). */
	if (isdir && (ev->mask & (IN_CREATE | IN_MOVED_TO)))
		(void)walk(w, r, w->rel, ++w->pass);
	change(w, dr, r, w->rel, ev->mask);
}

/* Handles one event: for each root that uses its wd, in root order (the
 * table may change under a handler, so each round searches again). */
static void
handle(struct watch *w, struct watch_cb *dr, const struct inotify_event *ev)
{
	size_t i, best, done = 0, any = 0;

	if (ev->mask & IN_IGNORED) { /* the kernel removed the watch */
		for (i = ent_lower(w, ev->wd);
		     i < w->nents && w->ents[i].wd == ev->wd; i++)
			if (w->ents[i].rel != NULL)
				ent_kill(w, i);
		return;
	}
	for (;;) {
		best = SIZE_MAX;
		for (i = ent_lower(w, ev->wd);
		     i < w->nents && w->ents[i].wd == ev->wd; i++)
			if (w->ents[i].rel != NULL &&
			    (!any || w->ents[i].root > done) &&
			    (best == SIZE_MAX ||
				w->ents[i].root < w->ents[best].root))
				best = i;
		if (best == SIZE_MAX)
			return;
		done = w->ents[best].root;
		any = 1;
		handle_one(w, dr, best, ev);
	}
}

/* After lost events (IN_Q_OVERFLOW): walks every root again in one pass,
 * which watches directories created meanwhile and renames the ones moved,
 * then drops the watches that pass did not meet (moved out or gone).
 * Nothing is dropped unless each walk finished or found its root gone:
 * after any other failure the old watches are still the best we have. */
static void
rescan(struct watch *w)
{
	unsigned pass = ++w->pass;
	size_t r, i;

	for (r = 0; r < w->b.nroots; r++)
		if (walk(w, r, "", pass) == -1 && errno != ENOENT &&
		    errno != ENOTDIR)
			return;
	for (i = 0; i < w->nents; i++)
		if (w->ents[i].rel != NULL && w->ents[i].pass != pass)
			ent_kill(w, i);
	ent_unwatch_dead(w);
}

struct watch *
watch_open(char *const *globs, size_t n)
{
	struct watch *w;
	int e;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	watch_base_init(&w->b, -1, globs, n);
	if ((w->b.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 &&
	    (errno == EINVAL || errno == ENOSYS) &&
	    (w->b.fd = inotify_init()) != -1 &&
	    (fd_set_cloexec(w->b.fd) == -1 || fd_set_nonblock(w->b.fd) == -1)) {
		e = errno; /* Linux before 2.6.27 */
		(void)close(w->b.fd);
		w->b.fd = -1;
		errno = e;
	}
	if (w->b.fd == -1) {
		e = errno;
		free(w);
		errno = e;
		return NULL;
	}
	return w;
}

/* A file root is watched through its parent directory. On failure nothing
 * of path stays watched. */
int
watch_add(struct watch *w, const char *path)
{
	size_t r;
	int e;

	if (watch_base_add(&w->b, path) == NULL)
		return -1;
	r = w->b.nroots - 1;
	if (walk(w, r, "", ++w->pass) == -1) {
		e = errno;
		ent_forget(w, r, "");
		ent_compact(w);
		errno = e;
		watch_base_undo(&w->b);
		return -1;
	}
	ent_compact(w);
	return 0;
}

/*
 * The watch limit (ENOSPC) left directories unwatched. Once it is raised,
 * or other watches are freed, they should be watched after all: called on
 * every wake-up by events (never on a timer, so an idle watcher sleeps),
 * this walks every root again at most every RETRY_MS. The first whole
 * pass is logged once and the next shortage will be logged again; as after
 * lost events, anything may have changed unseen meanwhile, so it returns
 * 1 for the caller to report a change. Else returns 0.
 */
static int
retry(struct watch *w)
{
	int64_t now = now_ms();

	if (now < w->retry_at)
		return 0;
	w->retry_at = now + RETRY_MS;
	w->incomplete = 0;
	rescan(w); /* ENOSPC again: incomplete, nothing logged (warned) */
	if (w->incomplete)
		return 0;
	w->warned = 0;
	log_info("watch: every directory is watched again (below the inotify "
		 "watch limit)");
	return 1;
}

/* Reads with read(2) until EAGAIN (or READ_MAX reads); each read's events
 * are handled in order and its changes reported before the next read.
 * Then, if the watch limit was reached, tries again (retry()). The
 * callback must not call back into the watcher. */
int
watch_drain(struct watch *w, void (*fn)(const char *path, void *arg), void *arg)
{
	struct watch_cb dr = {fn, arg, 0};
	const struct inotify_event *ev;
	ssize_t n;
	size_t off;
	int reads, overflow;

	for (reads = 0; reads < READ_MAX; reads++) {
		if ((n = read(w->b.fd, w->buf, sizeof(w->buf))) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		overflow = 0;
		for (off = 0; off + sizeof(*ev) <= (size_t)n;
		     off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)(w->buf +
			    off);
			if (ev->mask & IN_Q_OVERFLOW) {
				overflow = 1;
				if (w->b.nroots > 0)
					change(w, &dr, 0, NULL, ev->mask);
			} else {
				handle(w, &dr, ev);
			}
		}
		if (overflow) {
			log_warnx("file events were lost (inotify queue "
				  "overflow); watching everything again");
			rescan(w);
		}
		ent_compact(w);
		flush(w, &dr);
	}
	if (w->incomplete && retry(w) && w->b.nroots > 0) {
		change(w, &dr, 0, NULL, 0);
		ent_compact(w);
		flush(w, &dr);
	}
	return dr.calls;
}

/* Counts the distinct wds: one kernel watch per directory. */
size_t
watch_count(const struct watch *w)
{
	size_t i, n = 0;
	int last = -1;

	for (i = 0; i < w->nents; i++)
		if (w->ents[i].rel != NULL &&
		    (n == 0 || w->ents[i].wd != last)) {
			last = w->ents[i].wd;
			n++;
		}
	return n;
}

void
watch_close(struct watch *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nents; i++)
		free(w->ents[i].rel);
	free(w->ents);
	watch_base_free(&w->b); /* its close(2) removes every watch */
	free(w->path);
	free(w->rel);
	free(w->arena);
	free(w);
}
