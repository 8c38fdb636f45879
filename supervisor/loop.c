/* SPDX-License-Identifier: ISC */
/* loop.c: the one place the supervisor blocks. It owns the configuration,
 * the held sockets and the children, makes one poll(2) a turn over what
 * every module waits for, and takes every reload through reload(). */

#define _XOPEN_SOURCE 700 /* getpgid(2), realpath(3): XSI in POSIX.1-2008 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advise.h"
#include "browser.h"
#include "child.h"
#include "dotenv.h"
#include "fdpack.h"
#include "out.h"
#include "pollset.h"
#include "reg.h"

/* Without a subreaper a lingering group is checked on this period (ms). */
#define GROUP_RECHECK_MS 20
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
/* A new configuration that could not be applied for want of a resource
 * is tried again after this, doubling up to the most (ms). */
#define RECONF_RETRY_MIN_MS 100
#define RECONF_RETRY_MAX_MS 10000
/* The registry's counts of the fd stores lag by at most this (ms): a
 * child that stores a thousand connections, a message each, makes one
 * write of the file, not a thousand. A start writes it at once. */
#define REG_STORES_MS 100

struct loop {
	const struct opts *opts;
	struct conf conf;
	struct sock *socks; /* the held sockets, as conf.socks */
	size_t nsocks;
	struct shared sh; /* what the children see of the above */
	struct fdpack_limit limit; /* RLIMIT_NOFILE, ours and the children's */
	struct child **children;
	size_t nchildren;
	struct pollset ps;
	int sigfd;
	int exiting; /* SIGTERM or SIGINT came, or q was typed */
	struct term term; /* holdports' terminal: keys, stdin = tty */
	struct notify *notify;
	struct guard guard;
	struct cgroups cgroups; /* a leaf per start and build, if we can */
	struct reg *reg; /* our registry entry, or NULL */
	int subreaper;
	char cwd[PATH_MAX];
	struct strays strays;
	/* The configuration file: its own watcher and debounce, so that a
	 * change of it and of a child's sources stay apart. */
	char *conf_real; /* canonical, or NULL */
	struct watch *conf_watch;
	struct debounce conf_deb;
	char **envw; /* the env_file = files conf_watch watches too */
	size_t nenvw;
	/* A new configuration that could not be applied for want of a
	 * resource (no descriptor for a new socket) is tried again with
	 * back-off, quietly, until it works (loop_reconf()). */
	int64_t reconf_at; /* the next try, or -1 */
	int64_t reconf_ms; /* the back-off after it */
	unsigned long reconf_fails; /* tries that failed so far */
	char reconf_why[CONF_PATH_MAX + CONF_FDNAME_MAX + 160];
	char reconf_reason[256]; /* the change that asked for it */
	/* Messages a child or the system may repeat without end, each
	 * logged a few times per period (log_limit()): notify datagrams from
	 * outside the children's groups, the STATUS= and ERRNO= lines of one
	 * child (chatter_pgid), errors of recvmsg(2) and poll(2). */
	struct log_limit foreign, chatter, notify_err, poll_err;
	pid_t chatter_pgid;
	unsigned long stores; /* the sum of the children's fd store
				 changes when the registry was written */
	int64_t stores_at; /* it is written again then for them, or -1 */
	struct out *out; /* the children's output, when it is read */
	struct browser *browser; /* the error page and the events */
};

/* Returns 1 if holdports is to read the children's output: for the
 * error page and the events (browser_wants_output()), or to prefix each
 * line with its child's name when there are several. */
static int
loop_capture(const struct conf *c)
{
	return browser_wants_output(c) || c->nchildren > 1;
}

/* Returns 1 if pid belongs to a child of ours: one it started, or a
 * process still in the process group of a child or build (a worker whose
 * parent exited is re-parented to us but is no stray: its group is
 * stopped as a whole), or, with cgroups, a process in the leaf of one (a
 * daemon of a running child, which left its group: it is stopped with
 * its leaf, not when another child starts); or if it is the guard. A
 * strays_scan() predicate; arg is the loop. */
static int
loop_known(pid_t pid, void *arg)
{
	const struct loop *l = arg;
	pid_t pgid = getpgid(pid);
	size_t i;

	if (pid == l->guard.pid)
		return 1;
	if (l->cgroups.cg != NULL && cgroup_holds(l->cgroups.cg, pid) == 1)
		return 1;
	for (i = 0; i < l->nchildren; i++)
		if (child_knows(l->children[i], pid) ||
		    (pgid > 0 &&
			(child_speaks(l->children[i], pgid) ||
			    child_knows(l->children[i], pgid))))
			return 1;
	return 0;
}

/* Stops the strays, if there may be any: with a subreaper only, for
 * without one no orphan is re-parented to us. */
static void
loop_strays(struct loop *l, int64_t now)
{
	if (l->subreaper)
		strays_scan(&l->strays, now, &l->conf.defaults, loop_known, l,
		    &l->guard);
}

/* struct shared's prestart hook: before a child starts, only strays of
 * earlier children can exist. */
static void
loop_prestart(void *arg)
{
	loop_strays(arg, now_ms());
}

/* pollset timer: SIGKILL for strays that outlived stop_timeout. */
static void
loop_strays_timer(void *arg, int64_t now)
{
	struct loop *l = arg;

	strays_timer(&l->strays, now);
}

/* Asks for a reload of child only (every child for NULL), for reason:
 * the one path of every reload, whatever asked for it (a change under a
 * watched path, SIGHUP, holdports reload, a change of ports.ini). It is
 * done once at the end of the turn (loop_settle()), so that several
 * causes in one turn make one reload. */
static void
reload(struct loop *l, const struct child *only, const char *reason)
{
	size_t i;

	for (i = 0; i < l->nchildren; i++)
		if ((only == NULL || only == l->children[i]) &&
		    !l->children[i]->leaving)
			child_ask(l->children[i], reason);
}

/* Reaps every exited process: ours, and with a subreaper, orphaned
 * descendants too. */
static void
loop_reap(struct loop *l, int64_t now)
{
	size_t i;
	pid_t pid;
	int st;

	for (;;) {
		pid = waitpid(-1, &st, WNOHANG);
		if (pid == 0 || (pid == -1 && errno == ECHILD))
			break;
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			log_warn("waitpid");
			break;
		}
		/* A child that had the terminal gives it back as it exits. */
		term_reaped(&l->term, pid);
		for (i = 0; i < l->nchildren; i++)
			if (child_knows(l->children[i], pid)) {
				child_reaped(l->children[i], pid, st, now);
				break;
			}
		if (i < l->nchildren)
			continue;
		if (strays_reaped(&l->strays, pid, &l->guard))
			continue;
		if (pid == l->guard.pid && l->guard.fd != -1) {
			log_warnx("the guard process died; kill -9 of "
				  "holdports would now leave grandchildren "
				  "running");
			(void)close(l->guard.fd);
			l->guard.fd = -1;
		}
		log_debug("reaped pid %ld", (long)pid);
	}
}

/* SIGHUP: reloads the children that holdports reload NAME CHILD asked
 * for, or without such a request every child. */
static void
loop_hup(struct loop *l)
{
	struct child *ch;
	char **names, reason[CONF_NAME_MAX + 64];
	size_t n, i, j;

	if (reg_requests(l->reg, &names, &n) == -1)
		log_warn("registry: reading the requests");
	for (i = 0; i < n; i++) {
		for (ch = NULL, j = 0; j < l->nchildren && ch == NULL; j++)
			if (!l->children[j]->leaving &&
			    strcmp(l->children[j]->conf.name, names[i]) == 0)
				ch = l->children[j];
		if (ch == NULL) {
			log_warnx("holdports reload: no child is called '%s'",
			    names[i]);
			continue;
		}
		(void)snprintf(
		    reason, sizeof(reason), "holdports reload %s", names[i]);
		reload(l, ch, reason);
	}
	if (n == 0)
		reload(l, NULL, "SIGHUP");
	strlist_free(names, n);
}

static void loop_notify_some(struct loop *l, int max, int64_t now);

/* SIGTERM, SIGINT or q: stops every child for good, then the loop ends;
 * again, sends SIGKILL at once (child_term()). The first time, with
 * again set ("Ctrl-C", "q"), says what it does and how to hurry it. */
static void
loop_stop(struct loop *l, int64_t now, const char *again)
{
	size_t i;

	for (i = 0; again != NULL && !l->exiting && i < l->nchildren; i++)
		if (child_pid(l->children[i]) != 0)
			log_info("%sstopping pid %ld (%s again to kill)",
			    l->children[i]->who,
			    (long)child_pid(l->children[i]), again);
	l->exiting = 1;
	for (i = 0; i < l->nchildren; i++)
		child_term(l->children[i], now);
	loop_strays(l, now);
}

/* pollset callback of the signal pipe: reaps, reloads, stops. */
static void
loop_signals(void *arg, int fd, short revents, int64_t now)
{
	struct loop *l = arg;
	int bits = sigfd_drain(fd);

	(void)revents;
	/* What a child sent before it exited comes first (systemd reads
	 * its notify socket before SIGCHLD too): the connections it stored
	 * as it stopped must be in the store when the next child starts,
	 * and the sender's process group is known only until it is reaped. */
	if ((bits & SIGFD_CHLD) && l->notify != NULL)
		loop_notify_some(l, NOTIFY_DRAIN, now);
	if (bits & SIGFD_CHLD)
		loop_reap(l, now);
	if (bits & SIGFD_CHLD)
		term_child_stopped(&l->term, sigfd_stop);
	if (bits & SIGFD_HUP)
		loop_hup(l);
	if (bits & SIGFD_WINCH)
		out_winch(l->out);
	if (bits & SIGFD_TERM)
		loop_stop(l, now, (bits & SIGFD_INT) ? "Ctrl-C" : NULL);
	if (bits & SIGFD_TSTP)
		term_stop(&l->term, sigfd_stop);
	if (bits & SIGFD_CONT)
		term_resume(&l->term);
}

/* pollset callback of the terminal: the keys r, q and c. */
static void
loop_keys(void *arg, int fd, short revents, int64_t now)
{
	struct loop *l = arg;
	int keys = term_key(&l->term, revents);

	(void)fd;
	if (keys & TERM_KEY_CLEAR)
		term_clear();
	if ((keys & TERM_KEY_RELOAD) && !l->exiting)
		reload(l, NULL, "key r");
	if (keys & TERM_KEY_QUIT)
		loop_stop(l, now, "q");
}

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

/* pollset callback of the notify socket. */
static void
loop_notify(void *arg, int fd, short revents, int64_t now)
{
	(void)fd;
	(void)revents;
	loop_notify_some(arg, NOTIFY_BATCH, now);
}

/* Returns 1 if child ch, as the old configuration oc has it, starts
 * differently under the new one (nc, its child ncc, the sockets ns): its
 * keys changed, or one of its sockets is another descriptor now. */
static int
loop_changed(const struct conf *oc, const struct child *ch,
    const struct conf *nc, const struct childconf *ncc, const struct sock *ns)
{
	size_t i;

	if (!childconf_equal(oc, &ch->conf, nc, ncc))
		return 1;
	for (i = 0; i < ncc->nsocks; i++)
		if (ch->fds == NULL || ch->fds[i] != ns[ncc->socks[i]].fd)
			return 1;
	return 0;
}

/* Adds a child for cc to the list and, unless the loop is only being
 * set up (now < 0), starts it. Returns 0 or -1 (logged). */
static int
loop_add_child(struct loop *l, const struct childconf *cc, int64_t now)
{
	struct child *ch, **v;

	v = realloc(l->children, (l->nchildren + 1) * sizeof(struct child *));
	if (v == NULL || (ch = calloc(1, sizeof(*ch))) == NULL) {
		if (v != NULL)
			l->children = v;
		log_warn("cannot prepare the child '%s'", cc->name);
		return -1;
	}
	l->children = v;
	if (child_open(ch, cc, &l->sh, l->conf.nchildren > 1) == -1) {
		log_warn("cannot prepare the child '%s'", cc->name);
		child_close(ch);
		free(ch);
		return -1;
	}
	l->children[l->nchildren++] = ch;
	if (now >= 0)
		child_start(ch, now);
	return 0;
}

/*
 * Raises our descriptor limit (RLIMIT_NOFILE, the soft one, toward the
 * hard one) so that nsocks sockets fit besides our own descriptors; the
 * children get back the limit we were started with. Returns 0, or -1
 * when even the hard limit is too low (logged, with how to raise it).
 */
static int
loop_limit(struct loop *l, size_t nsocks)
{
	if (fdpack_limit_raise(&l->limit, nsocks) == 0)
		return 0;
	if (errno == EMFILE)
		log_warnx(
		    "%zu sockets need %llu descriptors, more than the hard "
		    "limit of %llu; raise it (ulimit -Hn as root, "
		    "LimitNOFILE= in a systemd unit) or hold fewer "
		    "sockets",
		    nsocks,
		    (unsigned long long)fdpack_limit_want(&l->limit, nsocks),
		    (unsigned long long)l->limit.hard);
	else
		log_warn("raising the descriptor limit");
	return -1;
}

/* Raises our descriptor limit as loop_limit() does, as far as the hard
 * limit allows, so that the fd stores of c's children fit too, besides
 * nsocks sockets; where they do not, fdstore_limit() says how many do. */
static void
loop_limit_stores(struct loop *l, const struct conf *c, size_t nsocks)
{
	size_t i, n = nsocks;

	for (i = 0; i < c->nchildren; i++)
		n += (size_t)c->children[i].fdstore_max;
	if (n > nsocks)
		(void)fdpack_limit_raise(&l->limit, n);
}

/* Returns the name of the child of c that gets socket i, or "". */
static const char *
loop_owner(const struct conf *c, size_t i)
{
	size_t j, k;

	for (j = 0; j < c->nchildren; j++)
		for (k = 0; k < c->children[j].nsocks; k++)
			if (c->children[j].socks[k] == i)
				return c->children[j].name;
	return "";
}

/* Records the instance in the registry again: its sockets, its children
 * and their pids, and last, the child started last (0: the newest one
 * there is). */
static void
loop_register(struct loop *l, pid_t last)
{
	struct reg_sock *rs;
	struct reg_proc *rp;
	size_t i;

	if (l->reg == NULL)
		return;
	rs = calloc(l->nsocks + 1, sizeof(*rs));
	rp = calloc(l->nchildren + 1, sizeof(*rp));
	if (rs == NULL || rp == NULL) {
		free(rs);
		free(rp);
		log_warn("registry: not updated");
		return;
	}
	for (i = 0; i < l->nsocks; i++) {
		(void)snprintf(
		    rs[i].name, sizeof(rs[i].name), "%s", l->socks[i].name);
		(void)snprintf(
		    rs[i].addr, sizeof(rs[i].addr), "%s", l->socks[i].addr);
		(void)snprintf(rs[i].child, sizeof(rs[i].child), "%s",
		    loop_owner(&l->conf, i));
	}
	for (i = 0; i < l->nchildren; i++) {
		(void)snprintf(rp[i].name, sizeof(rp[i].name), "%s",
		    l->children[i]->conf.name);
		rp[i].pid = child_pid(l->children[i]);
		rp[i].fdstore = fdstore_count(&l->children[i]->store);
		if (last == 0)
			last = rp[i].pid;
	}
	reg_update(l->reg, l->conf.name, rs, l->nsocks, rp, l->nchildren, last);
	free(rs);
	free(rp);
}

/* Watches the env_file = files of every child with the configuration
 * file's watcher, each once: a change of one reads the configuration
 * again, which reloads the children whose variables changed. A file no
 * longer named stays watched: its change then changes nothing. */
static void
loop_watch_env(struct loop *l)
{
	const struct childconf *cc;
	char *copy;
	size_t i, j, k;

	for (i = 0; l->conf_watch != NULL && i < l->conf.nchildren; i++) {
		cc = &l->conf.children[i];
		for (j = 0; j < cc->nenv_files; j++) {
			for (k = 0; k < l->nenvw; k++)
				if (strcmp(l->envw[k], cc->env_files[j]) == 0)
					break;
			if (k < l->nenvw)
				continue;
			if (watch_add(l->conf_watch, cc->env_files[j]) == -1 &&
			    errno != ENOSPC) {
				log_warn("watch %s", cc->env_files[j]);
				continue;
			}
			if ((copy = strdup(cc->env_files[j])) == NULL ||
			    strlist_add(&l->envw, &l->nenvw, copy) == -1)
				log_warn("watch %s", cc->env_files[j]);
		}
	}
}

/* No running child of that name (struct match). */
#define MATCH_NONE ((size_t)-1)

/* How the children of a new configuration meet the running ones. */
struct match {
	size_t *old; /* per new child: the index in l->children of the
			running child of its name, or MATCH_NONE */
	char *changed; /* per new child: it starts differently now */
	char *stays; /* per running child: the new configuration keeps it */
};

/* Matches the children of the new configuration nc with the running
 * ones, by name, into m (m->changed is loop_adopt()'s to fill). Returns
 * 0, or -1 with errno ENOMEM and m empty. */
static int
loop_match(const struct loop *l, const struct conf *nc, struct match *m)
{
	size_t i, j;

	m->old = calloc(nc->nchildren + 1, sizeof(size_t));
	m->changed = calloc(nc->nchildren + 1, 1);
	m->stays = calloc(l->nchildren + 1, 1);
	if (m->old == NULL || m->changed == NULL || m->stays == NULL) {
		free(m->old);
		free(m->changed);
		free(m->stays);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < nc->nchildren; i++) {
		m->old[i] = MATCH_NONE;
		for (j = 0; j < l->nchildren; j++)
			if (!l->children[j]->leaving &&
			    strcmp(l->children[j]->conf.name,
				nc->children[i].name) == 0)
				break;
		if (j == l->nchildren)
			continue;
		m->old[i] = j;
		m->stays[j] = 1;
	}
	return 0;
}

/* Writes into why (len bytes) the reason of a reload of ch for reason
 * when its configuration becomes cc: reason, and when the variables of
 * its env_file = files changed, the names of those that did, never their
 * values ("'.env changed (DEBUG changed; PORT added)"). */
static void
loop_env_reason(const struct child *ch, const struct childconf *cc,
    const char *reason, char *why, size_t len)
{
	const struct childconf *oc = &ch->conf;
	char keys[200];

	if (dotenv_diff(oc->dotenv, oc->ndotenv, cc->dotenv, cc->ndotenv, keys,
		sizeof(keys)) > 0)
		(void)snprintf(why, len, "%s (%s)", reason, keys);
	else
		(void)snprintf(why, len, "%s", reason);
}

/*
 * Gives the children the configuration nc, whose sockets ns are bound,
 * as m matched them, and makes it the loop's: a child that exists in
 * both gets its new configuration and, if it starts differently now, a
 * reload; a new child starts; a child that is gone stops for good.
 */
static void
loop_adopt(struct loop *l, struct conf *nc, struct sock *ns, struct match *m,
    int64_t now, const char *reason)
{
	struct conf oc = l->conf;
	char why[sizeof(l->children[0]->reason)];
	struct child *ch;
	size_t i, n = l->nchildren;

	for (i = 0; i < nc->nchildren; i++)
		if (m->old[i] != MATCH_NONE)
			m->changed[i] = loop_changed(&oc,
			    l->children[m->old[i]], nc, &nc->children[i], ns);
	free(l->socks);
	l->socks = l->sh.socks = ns;
	l->nsocks = l->sh.nsocks = nc->nsocks;
	/* ns[i].conf points into nc->socks, an array that moves with nc. */
	l->conf = *nc;
	for (i = 0; i < n; i++) {
		ch = l->children[i];
		if (m->stays[i] || ch->leaving)
			continue;
		ch->leaving = 1;
		log_info(
		    "%sremoved from %s; stopping it", ch->who, l->conf.file);
		child_term(ch, now);
	}
	for (i = 0; i < l->conf.nchildren; i++) {
		if (m->old[i] == MATCH_NONE) {
			(void)loop_add_child(l, &l->conf.children[i], now);
			continue;
		}
		ch = l->children[m->old[i]];
		loop_env_reason(
		    ch, &l->conf.children[i], reason, why, sizeof(why));
		if (child_apply(ch, &l->conf.children[i]) == -1)
			log_warn("%spreparing the child", ch->who);
		if (m->changed[i])
			reload(l, ch, why);
	}
	conf_free(&oc);
	loop_register(l, 0);
	loop_watch_env(l);
}

/* Frees what loop_match() allocated. */
static void
match_free(struct match *m)
{
	free(m->old);
	free(m->changed);
	free(m->stays);
}

/* Opens the readiness socket (in the runtime directory where the system
 * has no abstract sockets) if a child of c waits for READY=1 or has an
 * fd store, and it is not open yet. Returns 0 or -1 (logged). */
static int
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

/*
 * The configuration file changed (reason, for the reload line): read it
 * again and apply it if it is valid; an invalid one is reported and the
 * running configuration stays, and so does the instance, whatever
 * happened to its file. When a new socket cannot be had for want of a
 * resource (EMFILE), that is said once and the whole is tried again with
 * back-off (l->reconf_at), quietly, until it works; the success after
 * failures is said once too.
 */
static void
loop_reconf(struct loop *l, int64_t now, const char *reason)
{
	char err[CONF_ERR_MAX];
	struct match m;
	struct conf nc;
	struct sock *ns;
	int e;

	l->reconf_at = -1;
	if (conf_build(&nc, l->opts, err) != 0) {
		log_warnx("%s; keeping the running configuration", err);
		l->reconf_fails = 0;
		return;
	}
	if (l->reconf_fails == 0)
		advise_conf(&nc, &l->conf);
	/* The old sockets and the new ones are held at once for a moment. */
	(void)loop_limit(l, l->nsocks + nc.nsocks);
	loop_limit_stores(l, &nc, l->nsocks + nc.nsocks);
	if (loop_match(l, &nc, &m) == -1) {
		log_warn("%s; keeping the running configuration", l->conf.file);
		conf_free(&nc);
		return;
	}
	/* No accept(2) on a socket that may be closed or moved now. */
	browser_pause(l->browser, l->children, l->nchildren);
	ns = socks_move(
	    l->socks, l->nsocks, &nc, l->reconf_why, sizeof(l->reconf_why));
	if (ns == NULL) {
		e = errno;
		conf_free(&nc);
		match_free(&m);
		if (!errno_transient(e)) {
			log_warnx("%s: keeping the running configuration",
			    l->conf.file);
			l->reconf_fails = 0;
			return;
		}
		if (l->reconf_fails++ == 0) {
			log_warnx("%s: %s; keeping the running configuration "
				  "and trying again with back-off, quietly "
				  "until it works",
			    l->conf.file, l->reconf_why);
			l->reconf_ms = RECONF_RETRY_MIN_MS;
		}
		if (reason != l->reconf_reason)
			(void)snprintf(l->reconf_reason,
			    sizeof(l->reconf_reason), "%s", reason);
		l->reconf_at = now + l->reconf_ms;
		if ((l->reconf_ms *= 2) > RECONF_RETRY_MAX_MS)
			l->reconf_ms = RECONF_RETRY_MAX_MS;
		return;
	}
	if (l->reconf_fails > 0) {
		log_info("%s: applied after %lu failed attempt%s", l->conf.file,
		    l->reconf_fails, l->reconf_fails == 1 ? "" : "s");
		l->reconf_fails = 0;
	}
	/* Before the children plan their starts: each needs its address. */
	(void)loop_open_notify(l, &nc);
	browser_apply(l->browser, &nc); /* before the children plan */
	out_capture(l->out, loop_capture(&nc));
	loop_adopt(l, &nc, ns, &m, now, reason);
	match_free(&m);
}

/* watch_drain() callback of the configuration file's watcher. */
static void
loop_conf_changed(const char *path, void *arg)
{
	struct loop *l = arg;
	size_t n = strlen(l->cwd);

	if (strncmp(path, l->cwd, n) == 0 && path[n] == '/')
		path += n + 1;
	log_debug("%s changed", path);
	debounce_note(
	    &l->conf_deb, path, now_ms(), l->conf.defaults.debounce_ms);
}

/* pollset callback of the configuration file's watcher. */
static void
loop_conf_events(void *arg, int fd, short revents, int64_t now)
{
	struct loop *l = arg;

	(void)fd;
	(void)revents;
	(void)now;
	if (watch_drain(l->conf_watch, loop_conf_changed, l) == -1)
		log_warn("reading file events");
}

/* pollset timer: the configuration file's debounce is due. */
static void
loop_conf_due(void *arg, int64_t now)
{
	struct loop *l = arg;
	char reason[256];

	if (debounce_due(&l->conf_deb, now, reason, sizeof(reason)))
		loop_reconf(l, now, reason);
}

/* pollset timer: try again a configuration that lacked a resource. */
static void
loop_conf_retry(void *arg, int64_t now)
{
	struct loop *l = arg;

	loop_reconf(l, now, l->reconf_reason);
}

/* pollset timer: the registry's write is to be tried again. */
static void
loop_reg_retry(void *arg, int64_t now)
{
	struct loop *l = arg;

	reg_retry(l->reg, now);
}

/* pollset callback of a child's watcher. */
static void
loop_child_events(void *arg, int fd, short revents, int64_t now)
{
	(void)fd;
	(void)revents;
	(void)child_events(arg, now);
}

/* pollset timer: a child's debounce is due. */
static void
loop_child_debounce(void *arg, int64_t now)
{
	child_debounce(arg, now);
}

/* pollset timer: a child's polled paths are due for a scan. */
static void
loop_child_poll(void *arg, int64_t now)
{
	child_poll(arg, now);
}

/* pollset timer: a deadline of a child's state machine has passed. */
static void
loop_child_timer(void *arg, int64_t now)
{
	child_timer(arg, now);
}

/* pollset timer that only wakes the loop: loop_settle() looks. */
static void
loop_wake(void *arg, int64_t now)
{
	(void)arg;
	(void)now;
}

/* pollset callback of a cgroup leaf's cgroup.events: it changed (it may
 * be empty now); loop_settle() looks, and its read clears the event. */
static void
loop_leaf(void *arg, int fd, short revents, int64_t now)
{
	(void)arg;
	(void)fd;
	(void)revents;
	(void)now;
}

/* Watches the configuration file itself: a change of it is applied. */
static void
loop_watch_conf(struct loop *l)
{
	if (l->conf.file == NULL)
		return;
	if ((l->conf_real = realpath(l->conf.file, NULL)) == NULL) {
		log_warn("%s: cannot watch it for changes", l->conf.file);
		return;
	}
	l->sh.conf_real = l->conf_real;
	if ((l->conf_watch = watch_open(NULL, 0)) == NULL) {
		log_warn("cannot watch %s; restart holdports after changing it",
		    l->conf.file);
		return;
	}
	if (watch_add(l->conf_watch, l->conf_real) == -1 && errno != ENOSPC)
		log_warn("watch %s", l->conf_real);
	loop_watch_env(l);
}

/* Adds what this turn waits for to l->ps: descriptors and deadlines. */
static void
loop_gather(struct loop *l, int64_t now)
{
	struct pollset *ps = &l->ps;
	struct child *ch;
	size_t i, j, n;
	int fds[SV_STOP_MAX + 4];
	pid_t pg;

	pollset_clear(ps);
	(void)pollset_add(ps, l->sigfd, POLLIN, loop_signals, l);
	if (term_reading(&l->term))
		(void)pollset_add(ps, l->term.fd, POLLIN, loop_keys, l);
	if (l->notify != NULL)
		(void)pollset_add(
		    ps, notify_fd(l->notify), POLLIN, loop_notify, l);
	if (l->conf_watch != NULL)
		(void)pollset_add(
		    ps, watch_fd(l->conf_watch), POLLIN, loop_conf_events, l);
	(void)pollset_timer(ps, l->conf_deb.deadline, loop_conf_due, l);
	(void)pollset_timer(ps, l->reconf_at, loop_conf_retry, l);
	(void)pollset_timer(ps, l->stores_at, loop_wake, l);
	(void)pollset_timer(ps, reg_deadline(l->reg), loop_reg_retry, l);
	(void)pollset_timer(
	    ps, strays_deadline(&l->strays), loop_strays_timer, l);
	(void)out_poll(l->out, ps);
	(void)browser_poll(l->browser, ps);
	for (i = 0; i < l->nchildren; i++) {
		ch = l->children[i];
		if (ch->watch != NULL)
			(void)pollset_add(ps, watch_fd(ch->watch), POLLIN,
			    loop_child_events, ch);
		fdstore_watch(&ch->store, ps);
		(void)pollset_timer(
		    ps, ch->deb.deadline, loop_child_debounce, ch);
		/* only while some path is polled: no timer otherwise */
		(void)pollset_timer(ps, ch->poll_at, loop_child_poll, ch);
		child_gather(ch, ps);
		(void)pollset_timer(
		    ps, child_deadline(ch), loop_child_timer, ch);
		/* Without a subreaper no SIGCHLD says that a group lingering
		 * after its leader is empty: look again soon. */
		if (!l->subreaper && sv_lingering(&ch->sv, &pg, 1) > 0)
			(void)pollset_timer(
			    ps, now + GROUP_RECHECK_MS, loop_wake, l);
		/* A leaf that empties says so on its cgroup.events. */
		n = child_leaf_fds(ch, fds, sizeof(fds) / sizeof(fds[0]));
		for (j = 0; j < n; j++)
			(void)pollset_add(ps, fds[j], POLLPRI, loop_leaf, l);
	}
}

/* Drops the children that left the configuration and have stopped. */
static void
loop_prune(struct loop *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->nchildren; i++) {
		if (l->children[i]->leaving && child_done(l->children[i])) {
			child_close(l->children[i]);
			free(l->children[i]);
			continue;
		}
		l->children[n++] = l->children[i];
	}
	l->nchildren = n;
}

/*
 * The end of every turn: empty groups are noted, the reloads asked for in
 * this turn are done, and the starts that happened are recorded (the
 * registry) and followed by a look for strays.
 */
static void
loop_settle(struct loop *l, int64_t now)
{
	struct child *ch;
	pid_t last = 0;
	unsigned long stores = 0;
	size_t i;

	for (i = 0; i < l->nchildren; i++)
		(void)child_check_groups(l->children[i], now);
	/* clear = yes: a clean screen for what the reloads print. */
	for (i = 0; l->conf.clear && i < l->nchildren; i++)
		if (l->children[i]->reason[0] != '\0') {
			term_clear();
			break;
		}
	for (i = 0; i < l->nchildren; i++) {
		ch = l->children[i];
		if (ch->reason[0] == '\0')
			continue;
		child_reload(ch, now, ch->reason);
		ch->reason[0] = '\0';
	}
	for (i = 0; i < l->nchildren; i++) {
		ch = l->children[i];
		stores += ch->store.changes;
		if (ch->sv.generation == ch->seen)
			continue;
		ch->seen = ch->sv.generation;
		last = child_pid(ch);
	}
	if (stores != l->stores && l->stores_at < 0)
		l->stores_at = now + REG_STORES_MS;
	if (last != 0 || (l->stores_at >= 0 && now >= l->stores_at)) {
		l->stores = stores;
		l->stores_at = -1;
		loop_register(l, last);
	}
	/* While stopping, each turn may bring new orphans; otherwise the
	 * strays are stopped right before each start (loop_prestart()). */
	if (l->exiting)
		loop_strays(l, now);
	/* A start or a stop above may already have an empty group. */
	for (i = 0; i < l->nchildren; i++)
		(void)child_check_groups(l->children[i], now);
	browser_settle(l->browser, l->children, l->nchildren, l->conf.name);
	loop_prune(l);
	for (i = 0; i < l->nchildren; i++)
		child_settle(l->children[i], now);
}

/* Returns 1 once every child has stopped for good and no stray is left:
 * the loop is over. */
static int
loop_over(const struct loop *l)
{
	size_t i;

	if (!l->exiting || l->strays.n > 0)
		return 0;
	for (i = 0; i < l->nchildren; i++)
		if (!child_done(l->children[i]))
			return 0;
	return 1;
}

/* Makes holdports' cgroup subtree where it can, so that each child and
 * build runs in a leaf of its own, and tells the guard, which kills the
 * subtree if holdports dies. Where it cannot, says why once at -v: the
 * process groups alone are used. */
static void
loop_cgroups(struct loop *l)
{
	char why[512];

	l->sh.cgroups = &l->cgroups;
	if ((l->cgroups.cg = cgroup_open(why, sizeof(why))) == NULL) {
		log_debug("no cgroups: %s; stopping children by process "
			  "group alone",
		    why);
		return;
	}
	log_debug(
	    "each child runs in a cgroup below %s", cgroup_path(l->cgroups.cg));
	if (l->guard.fd != -1 &&
	    guard_cgroup(l->guard.fd, cgroup_path(l->cgroups.cg)) == -1)
		log_warn("guard: cgroups; kill -9 of holdports would leave "
			 "what left a child's process group running");
}

/* Opens what a run needs besides the sockets, then the children. Returns
 * 0 or -1 (logged). */
static int
loop_open(struct loop *l)
{
	size_t i;

	l->sh.conf = &l->conf;
	l->sh.socks = l->socks;
	l->sh.nsocks = l->nsocks;
	l->sh.guard = &l->guard;
	l->sh.limit = &l->limit;
	l->sh.prestart = loop_prestart;
	l->sh.prestart_arg = l;
	l->sh.supervisor = getpid();
	l->sh.cwd = l->cwd;
	/* The events socket is bound with the others, before any child. */
	if ((l->browser = browser_open(&l->conf)) == NULL)
		return -1;
	if ((l->out = out_open(STDOUT_FILENO, STDERR_FILENO)) == NULL) {
		log_warn("reading the children's output");
		return -1;
	}
	out_capture(l->out, loop_capture(&l->conf));
	log_through(out_log, l->out); /* our lines after what waits */
	l->sh.out = l->out;
	l->sh.browser = l->browser;
	if ((l->sigfd = sigfd_open()) == -1) {
		log_warn("signal pipe");
		return -1;
	}
	l->sh.term = &l->term;
	(void)term_open(&l->term, 1);
	if (term_reading(&l->term))
		log_info("keys: r reloads, q stops, c clears the screen");
	for (i = 0; i < l->conf.nchildren; i++) {
		const char *n =
		    l->conf.nchildren > 1 ? l->conf.children[i].name : "";

		if (l->conf.children[i].stdin_tty && l->term.fd != -1)
			log_info("%s%sstdin = tty: the terminal is the child's "
				 "while it runs; keys wait until it exits",
			    n, *n != '\0' ? ": " : "");
	}
	if (loop_open_notify(l, &l->conf) == -1)
		return -1;
	loop_watch_conf(l);
	l->subreaper = proc_subreaper() == 0;
	/* The guard stops the children's groups if we are killed outright;
	 * without it, only the direct child would notice. */
	if ((l->guard.fd = guard_start(&l->guard.pid)) == -1)
		log_warn("no guard process; kill -9 of holdports would leave "
			 "grandchildren running");
	loop_cgroups(l);
	l->reg = reg_open(l->conf.file); /* a failure only warns */
	for (i = 0; i < l->conf.nchildren; i++)
		if (loop_add_child(l, &l->conf.children[i], -1) == -1)
			return -1;
	return 0;
}

/* Closes everything loop_open() and loop_bind() opened. */
static void
loop_close(struct loop *l)
{
	size_t i;

	for (i = 0; i < l->nchildren; i++) {
		child_close(l->children[i]);
		free(l->children[i]);
	}
	free(l->children);
	log_through(NULL, NULL);
	out_close(l->out);
	browser_close(l->browser); /* before the held sockets close */
	if (l->conf_watch != NULL)
		watch_close(l->conf_watch);
	if (l->notify != NULL)
		notify_close(l->notify);
	/* Whatever is left in a cgroup of ours (nothing after a clean
	 * stop) is killed here, then the guard is stopped and reaped: no
	 * zombie even where nothing else reaps. Both block, for at most
	 * 2 s each. */
	if (cgroup_close(l->cgroups.cg) == -1)
		log_warn("removing holdports' cgroups");
	if (l->guard.fd != -1 && guard_stop(l->guard.fd, l->guard.pid) == -1)
		log_warn("stopping the guard process");
	if (l->sigfd != -1)
		(void)close(l->sigfd);
	term_close(&l->term);
	free(l->conf_real);
	strlist_free(l->envw, l->nenvw);
	reg_close(l->reg);
	strays_free(&l->strays);
	socks_close(l->socks, l->nsocks);
	pollset_free(&l->ps);
}

int
loop_run(struct conf *c, const struct opts *o)
{
	struct loop l;
	unsigned long held;
	char more[64];
	int status = 1;
	size_t i;

	memset(&l, 0, sizeof(l));
	l.opts = o;
	l.conf = *c;
	conf_init(c); /* it is the loop's now */
	l.sigfd = -1;
	l.term.fd = -1;
	l.guard.fd = -1;
	l.conf_deb.deadline = -1;
	l.reconf_at = -1;
	l.stores_at = -1;
	(void)snprintf(l.cwd, sizeof(l.cwd), "%s", o->cwd);
	if (fdpack_limit_init(&l.limit) == -1) {
		log_warn("reading the descriptor limit");
		conf_free(&l.conf);
		return 1;
	}
	if (loop_limit(&l, l.conf.nsocks) == -1 ||
	    socks_bind(&l.conf, &l.socks) == -1) {
		conf_free(&l.conf);
		return 1;
	}
	loop_limit_stores(&l, &l.conf, l.conf.nsocks);
	l.nsocks = l.conf.nsocks;
	if (loop_open(&l) == -1)
		goto out;
	for (i = 0; i < l.nchildren; i++)
		child_start(l.children[i], now_ms());
	loop_settle(&l, now_ms());
	while (!loop_over(&l)) {
		loop_gather(&l, now_ms());
		if (pollset_wait(&l.ps, now_ms) == -1 && errno != EINTR &&
		    log_limit(&l.poll_err, now_ms(), 1, &held))
			/* ENOMEM, say: try again, but do not fill the log. */
			log_warn("poll%s", log_held(held, more, sizeof(more)));
		loop_settle(&l, now_ms());
	}
	status = 0;
out:
	loop_close(&l);
	conf_free(&l.conf);
	return status;
}
