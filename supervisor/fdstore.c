/* SPDX-License-Identifier: ISC */
/* fdstore.c: the descriptors a child keeps in holdports across its
 * restarts (sd_notify(3) FDSTORE=1), as systemd's service manager keeps
 * them: kept until FDSTOREREMOVE=1 or a hang-up, and handed to every next
 * child after its sockets. */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdstore.h"

/* The name of a descriptor sent without FDNAME= (sd_notify(3)). */
#define FDSTORE_DEFAULT_NAME "stored"
/* Warnings of one kind logged at most per period (log_limit()). */
#define FDSTORE_WARN_BURST 2

void
fdstore_init(struct fdstore *s, const char *who, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->who = who;
	if (name != NULL && name[0] != '\0')
		(void)snprintf(s->sect, sizeof(s->sect), "[child.%s]", name);
	else
		(void)snprintf(s->sect, sizeof(s->sect), "[child]");
}

size_t
fdstore_room(size_t max, size_t nsocks, rlim_t soft)
{
	rlim_t fit;

	if (soft == RLIM_INFINITY)
		return max;
	fit = soft > FDSTORE_SPARE + nsocks ? soft - FDSTORE_SPARE - nsocks : 0;
	return fit < max ? (size_t)fit : max;
}

/* Closes and drops entry i, keeping the order of the others. */
static void
fdstore_drop(struct fdstore *s, size_t i)
{
	(void)close(s->v[i].fd);
	s->namebytes -= strlen(s->v[i].name) + 1;
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
	s->changes++;
}

void
fdstore_limit(struct fdstore *s, size_t max, size_t nsocks)
{
	struct rlimit rl;
	size_t closed = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		rl.rlim_cur = RLIM_INFINITY; /* cannot fail for this resource */
	s->max = max;
	s->room = fdstore_room(max, nsocks, rl.rlim_cur);
	if (s->room < max)
		log_warnx("%s%s fdstore_max = %zu: only %zu stored "
			  "descriptors fit besides %zu socket%s under the "
			  "open-file limit of %llu; keeping at most that many "
			  "(raise the hard limit to keep more: ulimit -Hn as "
			  "root, LimitNOFILE= in a systemd unit)",
		    s->who, s->sect, max, s->room, nsocks,
		    nsocks == 1 ? "" : "s", (unsigned long long)rl.rlim_cur);
	while (s->n > s->room) {
		fdstore_drop(s, s->n - 1);
		closed++;
	}
	if (closed > 0)
		log_info("%sclosed %zu stored descriptor%s over %s "
			 "fdstore_max = %zu",
		    s->who, closed, closed == 1 ? "" : "s", s->sect, max);
}

/* Returns 1 if fd (whose fstat(2) is st) and the stored e are the same
 * open file, as systemd's same_fd() decides it: kcmp(2) where it works;
 * else the same inode and status flags, but never for devices. */
static int
fdstore_same(const struct fdstore_entry *e, int fd, const struct stat *st)
{
	int r, fa, fb;

	if (e->dev != st->st_dev || e->ino != st->st_ino ||
	    (e->mode & S_IFMT) != (st->st_mode & S_IFMT))
		return 0;
	if ((r = proc_same_file(e->fd, fd)) != -1)
		return r;
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		return 0;
	/* The two ends of a pipe share an inode; their modes differ. */
	fa = fcntl(e->fd, F_GETFL);
	fb = fcntl(fd, F_GETFL);
	return fa != -1 && fa == fb;
}

int
fdstore_add(struct fdstore *s, int fd, const char *name, int poll)
{
	struct fdstore_entry *e;
	struct stat st;
	size_t i, len = strlen(name);
	int err;

	if (fstat(fd, &st) == -1)
		goto fail;
	for (i = 0; i < s->n; i++)
		if (fdstore_same(&s->v[i], fd, &st)) {
			(void)close(fd);
			return 0;
		}
	if (s->n >= s->room) {
		errno = ENOSPC;
		goto fail;
	}
	if (len > CONF_FDNAME_MAX ||
	    s->namebytes + len + 1 > FDSTORE_NAMES_MAX) {
		errno = E2BIG;
		goto fail;
	}
	if ((e = grow(s->v, &s->cap, s->n + 1, sizeof(*s->v))) == NULL)
		goto fail;
	s->v = e;
	e = &s->v[s->n++];
	e->fd = fd;
	e->poll = poll;
	e->turn = 0; /* not watched yet */
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->mode = st.st_mode;
	memcpy(e->name, name, len + 1);
	s->namebytes += len + 1;
	s->changes++;
	return 1;
fail:
	err = errno;
	(void)close(fd);
	errno = err;
	return -1;
}

size_t
fdstore_remove(struct fdstore *s, const char *name)
{
	size_t i = 0, n = 0;

	while (i < s->n) {
		if (strcmp(s->v[i].name, name) != 0) {
			i++;
			continue;
		}
		fdstore_drop(s, i);
		n++;
	}
	return n;
}

/* Logs one warning of kind ll, with the count held back since the last
 * one. fmt gets that count's text as its last argument. */
#define FDSTORE_WARN(s, ll, now, fmt, ...) \
	do { \
		unsigned long held_; \
		char more_[64]; \
		if (log_limit((ll), (now), FDSTORE_WARN_BURST, &held_)) \
			log_warnx("%s" fmt, (s)->who, __VA_ARGS__, \
			    log_held(held_, more_, sizeof(more_))); \
	} while (0)

/* FDSTORE=1 with the descriptors of m: stores each one under the name m
 * gives, logs what did not fit. */
static void
fdstore_keep(struct fdstore *s, struct notify_msg *m, pid_t pid, int64_t now)
{
	const char *name = m->fdname_set ? m->fdname : FDSTORE_DEFAULT_NAME;
	size_t i, kept = 0, dups = 0, over = 0, other = 0;
	int r, fd, err = 0;

	for (i = 0; i < m->nfds; i++) {
		if ((fd = m->fds[i]) < 0)
			continue;
		m->fds[i] = -1;
		if ((r = fdstore_add(s, fd, name, !m->no_fdpoll)) == 1)
			kept++;
		else if (r == 0)
			dups++;
		else if (errno == ENOSPC)
			over++;
		else {
			other++;
			err = errno;
		}
	}
	log_debug("%spid %ld stored %zu descriptor%s as \"%s\"%s (%zu "
		  "already stored); the store holds %zu",
	    s->who, (long)pid, kept, kept == 1 ? "" : "s", name,
	    m->no_fdpoll ? " (FDPOLL=0)" : "", dups, s->n);
	if (over > 0 && s->refused == 0)
		log_warnx("%spid %ld stored more descriptors than %s "
			  "fdstore_max = %zu %s; closing those over it",
		    s->who, (long)pid, s->sect, s->max,
		    s->room < s->max ? "and the open-file limit allow" :
				       "allows");
	s->refused += over;
	if (other > 0)
		FDSTORE_WARN(s, &s->failed, now,
		    "pid %ld: cannot store %zu descriptor%s: %s (%s)%s",
		    (long)pid, other, other == 1 ? "" : "s", errno_name(err),
		    err == E2BIG ? "the names passed in LISTEN_FDNAMES "
				   "would be too long; use shorter FDNAME= "
				   "names" :
				   strerror(err));
}

void
fdstore_message(struct fdstore *s, struct notify_msg *m, pid_t pid, int64_t now)
{
	size_t n;

	if (m->barrier)
		return; /* its descriptor is only to be closed */
	if (m->fds_lost)
		FDSTORE_WARN(s, &s->lost, now,
		    "pid %ld sent descriptors that did not arrive: "
		    "holdports has no free descriptor (ulimit -n)%s",
		    (long)pid);
	if (m->fdstoreremove) {
		if (!m->fdname_set) {
			FDSTORE_WARN(s, &s->noname, now,
			    "pid %ld sent FDSTOREREMOVE=1 without a valid "
			    "FDNAME=; ignored%s",
			    (long)pid);
		} else {
			n = fdstore_remove(s, m->fdname);
			log_debug("%spid %ld removed %zu stored descriptor%s "
				  "named \"%s\"; the store holds %zu",
			    s->who, (long)pid, n, n == 1 ? "" : "s", m->fdname,
			    s->n);
		}
	} else if (m->fdstore && s->max == 0) {
		if (m->nfds > 0)
			FDSTORE_WARN(s, &s->off, now,
			    "pid %ld sent FDSTORE=1 but %s has no "
			    "fdstore_max; closed %zu descriptor%s (set "
			    "fdstore_max = N to keep them)%s",
			    (long)pid, s->sect, m->nfds,
			    m->nfds == 1 ? "" : "s");
		return;
	} else if (m->fdstore) {
		if (m->fdname_bad)
			FDSTORE_WARN(s, &s->badname, now,
			    "pid %ld sent an FDNAME= that is not a valid name "
			    "(printable ASCII but ':', at most %d "
			    "characters); storing as \"%s\"%s",
			    (long)pid, CONF_FDNAME_MAX, FDSTORE_DEFAULT_NAME);
		fdstore_keep(s, m, pid, now);
		return;
	}
	if (m->nfds > 0)
		FDSTORE_WARN(s, &s->extra, now,
		    "pid %ld sent %zu descriptor%s without FDSTORE=1; "
		    "closed them%s",
		    (long)pid, m->nfds, m->nfds == 1 ? "" : "s");
}

/* pollset callback of a stored descriptor (arg: the store): a hang-up or
 * an error came on fd. Only an entry watched in this turn is dropped: a
 * descriptor stored by an earlier callback of the turn may have got the
 * number of one dropped meanwhile. */
static void
fdstore_hangup(void *arg, int fd, short revents, int64_t now)
{
	struct fdstore *s = arg;
	size_t i;

	(void)now;
	for (i = 0; i < s->n; i++) {
		if (s->v[i].fd != fd || s->v[i].turn != s->turn)
			continue;
		log_debug("%sstored descriptor \"%s\" %s; dropped it, %zu left",
		    s->who, s->v[i].name,
		    revents & POLLERR ? "reports an error" :
					"was closed at the other end",
		    s->n - 1);
		fdstore_drop(s, i);
		return;
	}
}

void
fdstore_watch(struct fdstore *s, struct pollset *ps)
{
	short events = proc_poll_rdhup();
	size_t i;

	s->turn++;
	for (i = 0; i < s->n; i++)
		if (s->v[i].poll &&
		    pollset_add(ps, s->v[i].fd, events, fdstore_hangup, s) == 0)
			s->v[i].turn = s->turn;
}

void
fdstore_sweep(struct fdstore *s)
{
	short events = proc_poll_rdhup();
	struct pollfd *pfd;
	size_t i, k = 0, n = s->n;

	if (s->refused > 0)
		log_warnx("%sclosed %zu descriptor%s over %s fdstore_max = %zu",
		    s->who, s->refused, s->refused == 1 ? "" : "s", s->sect,
		    s->max);
	s->refused = 0;
	if (n == 0 || (pfd = calloc(n, sizeof(*pfd))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		pfd[i].fd = s->v[i].poll ? s->v[i].fd : -1; /* -1: skipped */
		pfd[i].events = events;
	}
	if (poll(pfd, (nfds_t)n, 0) > 0)
		/* Entries move down as others are dropped: entry k is the
		 * one of pfd[i]. */
		for (i = 0; i < n; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0) {
				k++;
				continue;
			}
			log_debug("%sstored descriptor \"%s\" %s; dropped it "
				  "before the start",
			    s->who, s->v[k].name,
			    pfd[i].revents & POLLERR ?
				"reports an error" :
				"was closed at the other end");
			fdstore_drop(s, k);
		}
	free(pfd);
}

size_t
fdstore_count(const struct fdstore *s)
{
	return s->n;
}

void
fdstore_list(const struct fdstore *s, int *fds, const char **names)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		fds[i] = s->v[i].fd;
		names[i] = s->v[i].name;
	}
}

void
fdstore_free(struct fdstore *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		(void)close(s->v[i].fd);
	if (s->n > 0)
		s->changes++;
	free(s->v);
	s->v = NULL;
	s->n = s->cap = s->namebytes = 0;
}
