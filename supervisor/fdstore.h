/* SPDX-License-Identifier: ISC */
/* fdstore.h: the descriptors one child keeps in holdports across its
 * restarts, sent with FDSTORE=1 (sd_notify(3)) and handed to each next
 * child after its sockets, as systemd's FileDescriptorStoreMax= does.
 * Times are int64_t milliseconds of CLOCK_MONOTONIC. */

#ifndef HP_FDSTORE_H
#define HP_FDSTORE_H

#include <sys/types.h>
#include <sys/resource.h>

#include <stddef.h>
#include <stdint.h>

#include "fdpack.h"
#include "hp.h"
#include "pollset.h"

/* Descriptors the supervisor keeps for itself under its open-file limit
 * (stdio, signal pipe, watchers, notify socket, registry, the pipes of a
 * start) before sockets and stored ones count: as many as it raises its
 * limit for (fdpack.h). */
#define FDSTORE_SPARE FDPACK_OWN
/* Bytes LISTEN_FDNAMES may take for stored descriptors: Linux refuses an
 * environment string longer than 128 KiB (MAX_ARG_STRLEN) at execve(2),
 * and a child that cannot start for its names would never start again. */
#define FDSTORE_NAMES_MAX 65536

/* One stored descriptor. */
struct fdstore_entry {
	int fd; /* ours, close-on-exec */
	int poll; /* dropped when it reports a hang-up (not after FDPOLL=0) */
	unsigned long turn; /* the fdstore_watch() call that watched it */
	dev_t dev; /* fstat(2) when stored: duplicates are found by */
	ino_t ino; /* inode first, then by open file (fdstore_add()) */
	mode_t mode;
	char name[CONF_FDNAME_MAX + 1]; /* its LISTEN_FDNAMES name */
};

/* The store of one child. A struct fdstore is set up by fdstore_init(). */
struct fdstore {
	struct fdstore_entry *v; /* in the order stored */
	size_t n, cap;
	size_t max; /* fdstore_max: 0 is off */
	size_t room; /* kept at most: max, or fewer when a start could
			not pass that many (fdstore_limit()) */
	size_t namebytes; /* LISTEN_FDNAMES bytes of the stored names */
	size_t refused; /* closed over the limit since the last start */
	unsigned long turn; /* fdstore_watch() calls so far */
	unsigned long changes; /* counts every change of the contents */
	const char *who; /* "NAME: " before each log line, or "" */
	char sect[CONF_NAME_MAX + 16]; /* "[child]" or "[child.NAME]" */
	/* Warnings a child may cause without end, each kind logged a few
	 * times per period (log_limit()): descriptors while fdstore_max is
	 * 0, an FDNAME= not valid, descriptors without FDSTORE=1,
	 * FDSTOREREMOVE=1 without a name, descriptors lost on the way,
	 * descriptors that could not be stored. */
	struct log_limit off, badname, extra, noname, lost, failed;
};

/* Sets up s, empty and off (fdstore_max 0), for the child called name
 * ("" for the only [child]), whose log lines start with who (kept: it
 * must outlive s). Cannot fail. */
void fdstore_init(struct fdstore *s, const char *who, const char *name);
/* Returns how many descriptors a child with nsocks sockets may have
 * stored when fdstore_max is max and the supervisor's soft open-file
 * limit (RLIMIT_NOFILE) is soft: max, or fewer when the supervisor could
 * not hold that many besides its own (FDSTORE_SPARE) and the sockets. A
 * start needs fewer: fdpack_move() packs n descriptors under a limit of
 * n + 6, and the child gets a limit that leaves it room (fdpack.h). A
 * pure function. */
size_t fdstore_room(size_t max, size_t nsocks, rlim_t soft);
/* Sets s's fdstore_max to max for a child with nsocks sockets, at the
 * start and after each change of the configuration. Reads the soft
 * RLIMIT_NOFILE: when it leaves room for fewer than max (fdstore_room()),
 * says so once, with how to raise it, and keeps that many at most.
 * Descriptors stored beyond the new room are closed, the newest first,
 * and that is logged. Cannot fail. */
void fdstore_limit(struct fdstore *s, size_t max, size_t nsocks);
/*
 * Stores fd under name (a valid fd name: fdname_valid(), or "" or
 * "stored"), watched for a hang-up if poll is 1. fd is always consumed:
 * kept, or closed. A descriptor of an open file that is stored already
 * is not stored twice, as in systemd: the same open file description
 * where the system can tell (proc_same_file(): kcmp(2)); elsewhere the
 * same inode and status flags, but never two character or block devices
 * (two opens of one device may be different contexts). A duplicate never
 * counts against the limit. Returns 1 when fd was stored, 0 for a
 * duplicate (closed), or -1 with errno (fd closed): ENOSPC when s holds
 * its room already, E2BIG when the names would pass FDSTORE_NAMES_MAX,
 * ENOMEM, or from fstat(2).
 */
int fdstore_add(struct fdstore *s, int fd, const char *name, int poll);
/* Closes and drops every descriptor stored under name (FDSTOREREMOVE=1).
 * Returns how many. Cannot fail. */
size_t fdstore_remove(struct fdstore *s, const char *name);
/*
 * Applies the fd store part of message m from process pid of the child
 * (sd_notify(3), as systemd's service_notify_message()): FDSTOREREMOVE=1
 * with a valid FDNAME= drops that name (without one it is ignored, with
 * a warning); else FDSTORE=1 stores m's descriptors under FDNAME=, or
 * "stored" when there is none or it is not valid (a warning), watched
 * unless FDPOLL=0 came. Descriptors s keeps are taken from m (slot -1);
 * the caller closes the rest with notify_msg_close(). Descriptors over
 * the limit are closed: the first of them since the last start is a
 * warning, and the next fdstore_sweep() says how many there were (a
 * child sends one message a connection). Logged as warnings, each kind a
 * few times per period: descriptors while fdstore_max is 0, descriptors
 * without FDSTORE=1 (but BARRIER=1's, which are only to be closed),
 * descriptors lost on the way (MSG_CTRUNC). Cannot fail.
 */
void fdstore_message(
    struct fdstore *s, struct notify_msg *m, pid_t pid, int64_t now);
/* Adds each stored descriptor that is watched to ps, for no event:
 * poll(2) reports POLLHUP and POLLERR whatever is asked, and where the
 * system has it (proc_poll_rdhup()) POLLRDHUP is asked too, since a TCP
 * peer's close() is only that. When one of them comes, the descriptor is
 * closed and dropped (logged with -v). No timer. A descriptor stored
 * after this call is not dropped for an event of this turn, even if it
 * got the number of one that was. Cannot fail (a descriptor ps has no
 * room for is watched from the next turn). */
void fdstore_watch(struct fdstore *s, struct pollset *ps);
/* Before a start: says how many descriptors were closed over the limit
 * since the last start, if any; then drops every watched descriptor that
 * reports a hang-up now, as fdstore_watch() would at the next turn, with
 * one poll(2) that does not wait, so that a connection whose peer went
 * away as the last child stopped (in the same turn as its exit) is not
 * handed over. Without memory for it, nothing is dropped. Cannot fail. */
void fdstore_sweep(struct fdstore *s);
/* Returns how many descriptors s holds. */
size_t fdstore_count(const struct fdstore *s);
/* Writes the stored descriptors and their names (pointers into s, valid
 * until s changes) into fds and names, fdstore_count() of each, in the
 * order stored: what a start passes after the sockets. Cannot fail. */
void fdstore_list(const struct fdstore *s, int *fds, const char **names);
/* Closes every stored descriptor and frees s's memory; s is empty and
 * may be used again. Cannot fail. */
void fdstore_free(struct fdstore *s);

#endif
