/* SPDX-License-Identifier: ISC */
/* A stand-in for FreeBSD's <sys/event.h>, ONLY so that `make kqueue-syntax`
 * can compile supervisor/watch_kqueue.c with -fsyntax-only on Linux. It is
 * never linked and never used for a real build. The names, types and values
 * follow FreeBSD 12 and later (sys/sys/event.h, kqueue(2)); only what the
 * watcher may use is declared. Like FreeBSD's, it declares but does not
 * define struct timespec: a caller must include <time.h> itself. */

#ifndef HP_STUB_SYS_EVENT_H
#define HP_STUB_SYS_EVENT_H

#include <stdint.h>

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)
#define EVFILT_VNODE (-4) /* attached to vnodes */

/* As FreeBSD's C99 definition: every field set, ext zeroed. */
#define EV_SET(kevp_, a, b, c, d, e, f) \
	do { \
		*(kevp_) = (struct kevent){ \
		    .ident = (a), \
		    .filter = (b), \
		    .flags = (c), \
		    .fflags = (d), \
		    .data = (e), \
		    .udata = (f), \
		    .ext = {0}, \
		}; \
	} while (0)

struct kevent {
	uintptr_t ident; /* identifier for this event */
	short filter; /* filter for event */
	unsigned short flags; /* action flags for kqueue */
	unsigned int fflags; /* filter flag value */
	int64_t data; /* filter data value */
	void *udata; /* opaque user data identifier */
	uint64_t ext[4]; /* extensions */
};

/* actions */
#define EV_ADD 0x0001 /* add event to kq (implies enable) */
#define EV_DELETE 0x0002 /* delete event from kq */
#define EV_ENABLE 0x0004 /* enable event */
#define EV_DISABLE 0x0008 /* disable event (not reported) */

/* flags */
#define EV_ONESHOT 0x0010 /* only report one occurrence */
#define EV_CLEAR 0x0020 /* clear event state after reporting */

/* returned values */
#define EV_EOF 0x8000 /* EOF detected */
#define EV_ERROR 0x4000 /* error, data contains errno */

/* data/hint flags for EVFILT_VNODE */
#define NOTE_DELETE 0x0001 /* vnode was removed */
#define NOTE_WRITE 0x0002 /* data contents changed */
#define NOTE_EXTEND 0x0004 /* size increased */
#define NOTE_ATTRIB 0x0008 /* attributes changed */
#define NOTE_LINK 0x0010 /* link count changed */
#define NOTE_RENAME 0x0020 /* vnode was renamed */
#define NOTE_REVOKE 0x0040 /* vnode access was revoked */

struct timespec;

int kqueue(void);
int kevent(int kq, const struct kevent *changelist, int nchanges,
    struct kevent *eventlist, int nevents, const struct timespec *timeout);

#endif
