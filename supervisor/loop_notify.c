/* SPDX-License-Identifier: ISC */
/* loop_notify.c: the readiness socket of the children (sd_notify(3)'s
 * NOTIFY_SOCKET): READY=1, STATUS=, ERRNO=, the fd store's messages,
 * each taken only from a process group of a child of ours. */

#define _XOPEN_SOURCE 700 /* getpgid(2): XSI in POSIX.1-2008 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop_int.h"

/* Messages loop_notify() handles at most per turn: a child sending
 * without pause cannot hold the loop from signals and deadlines. Before
 * an exit is acted on, the messages sent before it are read, up to
 * NOTIFY_DRAIN: a child that stores its connections as it stops sends
 * one a connection (FDSTORE=1, at most CONF_FDSTORE_MAX of them). */
#define NOTIFY_BATCH 256
#define NOTIFY_DRAIN (2 * CONF_FDSTORE_MAX)
/* STATUS= and ERRNO= lines of one child logged per period (log_limit()):
 * a few progress reports pass, a flood does not. */
#define NOTIFY_CHATTER 5

/* Returns 1 if a STATUS= or ERRNO= line of group pgid may be logged now,
 * with *held the number held back before it; each child has its own
 * allowance. */
static int
loop_chatter(struct loop *l, pid_t pgid, int64_t now, unsigned long *held)
{
	if (pgid != l->chatter_pgid) {
		memset(&l->chatter, 0, sizeof(l->chatter));
		l->chatter_pgid = pgid;
	}
	return log_limit(&l->chatter, now, NOTIFY_CHATTER, held);
}

/* Returns the child whose serving or starting process group is pgid, or
 * NULL. */
static struct child *
loop_speaker(const struct loop *l, pid_t pgid)
{
	size_t i;

	for (i = 0; i < l->nchildren; i++)
		if (child_speaks(l->children[i], pgid))
			return l->children[i];
	return NULL;
}

/* Acts on one readiness message m from group pgid of child ch. */
static void
loop_message(struct loop *l, struct child *ch, pid_t pgid, struct notify_msg *m,
    int64_t now)
{
	unsigned long held;
	char more[64];

	if ((m->status[0] != '\0' || m->errnum != 0) &&
	    loop_chatter(l, pgid, now, &held)) {
		if (m->status[0] != '\0')
			log_info("%spid %ld: %s%s", ch->who, (long)pgid,
			    m->status, log_held(held, more, sizeof(more)));
		if (m->errnum != 0)
			log_warnx("%spid %ld reports %s (%s)", ch->who,
			    (long)pgid, errno_name(m->errnum),
			    strerror(m->errnum));
	}
	if (m->stopping)
		log_debug("%spid %ld is stopping", ch->who, (long)pgid);
	fdstore_message(&ch->store, m, m->pid != 0 ? m->pid : pgid, now);
	if (m->ready)
		child_ready(ch, pgid, now);
}

/*
 * Reads up to max readiness messages. Only a process of the group of a
 * serving, starting or stopping child may speak for it: its pid comes
 * from the kernel (SCM_CREDENTIALS), not from the message. Descriptors a
 * message carries and no child keeps are closed.
 */
static void
loop_notify_some(struct loop *l, int max, int64_t now)
{
	struct notify_msg m;
	struct child *ch;
	unsigned long held;
	char more[64];
	pid_t pgid;
	int r = 0, batch;

	for (batch = 0; batch < max && (r = notify_recv(l->notify, &m)) == 1;
	     batch++) {
		if (m.pid == 0 && l->nchildren == 1) {
			/* No credentials on this system: trust the socket's
			 * address, which only our children know. */
			ch = l->children[0];
			pgid = child_pid(ch);
		} else {
			pgid = m.pid != 0 ? getpgid(m.pid) : -1;
			ch = pgid > 0 ? loop_speaker(l, pgid) : NULL;
		}
		if (ch == NULL) {
			if (log_limit(&l->foreign, now, 1, &held))
				log_warnx("notify: ignored a message from pid "
					  "%ld, which is not in %s process "
					  "group%s%s",
				    (long)m.pid,
				    l->nchildren == 1 ? "the child's" :
							"a child's",
				    m.nfds > 0 ? "; closed the descriptors "
						 "it sent" :
						 "",
				    log_held(held, more, sizeof(more)));
			(void)notify_msg_close(&m);
			continue;
		}
		loop_message(l, ch, pgid, &m, now);
		(void)notify_msg_close(&m);
	}
	if (r == -1 && log_limit(&l->notify_err, now, 1, &held))
		log_warn("notify%s", log_held(held, more, sizeof(more)));
}

void
loop_notify(void *arg, int fd, short revents, int64_t now)
{
	(void)fd;
	(void)revents;
	loop_notify_some(arg, NOTIFY_BATCH, now);
}

int
loop_open_notify(struct loop *l, const struct conf *c)
{
	const char *dir;
	size_t i;
	int need = 0;

	for (i = 0; i < c->nchildren; i++)
		need |= c->children[i].ready == READY_NOTIFY ||
		    c->children[i].fdstore_max > 0;
	if (!need || l->notify != NULL)
		return 0;
	if ((dir = getenv("XDG_RUNTIME_DIR")) == NULL || *dir != '/')
		dir = "/tmp";
	if ((l->notify = notify_open(dir)) == NULL) {
		log_warn("notify socket in %s", dir);
		return -1;
	}
	l->sh.notify = notify_addr(l->notify);
	return 0;
}

void
loop_notify_drain(struct loop *l, int64_t now)
{
	if (l->notify != NULL)
		loop_notify_some(l, NOTIFY_DRAIN, now);
}
