/* SPDX-License-Identifier: ISC */
/* loop.c: the one place the supervisor blocks. It owns the configuration,
 * the held sockets and the children, makes one poll(2) a turn over what
 * every module waits for, and takes every reload through reload(). */

#define _XOPEN_SOURCE 700 /* getpgid(2): XSI in POSIX.1-2008 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop_int.h"

/* Without a subreaper a lingering group is checked on this period (ms). */
#define GROUP_RECHECK_MS 20
/* After poll(2) failed (not EINTR), the loop waits this long (ms)
 * before it tries again. */
#define POLL_ERROR_PAUSE_MS 10
/* The registry's counts of the fd stores lag by at most this (ms): a
 * child that stores a thousand connections, a message each, makes one
 * write of the file, not a thousand. */
#define REG_STORES_MS 100
/* A start reaches the registry this long (ms) after it, not on its way:
 * the write (a create and a rename: 0.07 ms on tmpfs, 0.35 ms on ext4)
 * right after the spawn took a CPU from the new child while it started,
 * and the starts of one burst of reloads make one write. */
#define REG_START_MS 50

/* Returns 1 if pid belongs to a child of ours: one it started, or a
 * process still in the process group of a child or build (a worker whose
 * parent exited is re-parented to us but is no stray: its group is
 * stopped as a whole), or, with cgroups, a process in the leaf of one (a
 * daemon of a running child, which left its group: it is stopped with
 * its leaf, not when another child starts); or if it is the guard. A
 * strays_scan() predicate; arg is the loop. The cheapest question first:
 * it runs before every start, and in mode = overlap the running child is
 * among the processes asked about (its /proc/PID/cgroup took 0.05 ms). */
static int
loop_known(pid_t pid, void *arg)
{
	const struct loop *l = arg;
	pid_t pgid;
	size_t i;

	if (pid == l->guard.pid)
		return 1;
	for (i = 0; i < l->nchildren; i++)
		if (child_knows(l->children[i], pid))
			return 1;
	pgid = getpgid(pid);
	for (i = 0; pgid > 0 && i < l->nchildren; i++)
		if (child_speaks(l->children[i], pgid) ||
		    child_knows(l->children[i], pgid))
			return 1;
	return l->cgroups.cg != NULL && cgroup_holds(l->cgroups.cg, pid) == 1;
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
	if (bits & SIGFD_CHLD)
		loop_notify_drain(l, now);
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
	loop_conf_gather(l, ps);
	(void)pollset_timer(ps, l->reg_at, loop_wake, l);
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
	if (last != 0) {
		l->reg_last = last;
		if (l->reg_at < 0 || l->reg_at > now + REG_START_MS)
			l->reg_at = now + REG_START_MS;
	}
	if (stores != l->stores && l->reg_at < 0)
		l->reg_at = now + REG_STORES_MS;
	if (l->reg_at >= 0 && now >= l->reg_at) {
		l->stores = stores;
		l->reg_at = -1;
		loop_register(l, l->reg_last);
		l->reg_last = 0;
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

/* Closes everything loop_run() and loop_open() opened, as far as they
 * got: a part not opened yet is skipped. */
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
	else if (l->guard.fd != -1)
		/* They are gone: the guard's file says so, and the guard
		 * has nothing to kill or to say. */
		(void)guard_cgroup(l->guard.fd, "");
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
	l.term.fd = -1;
	l.guard.fd = -1;
	l.conf_deb.deadline = -1;
	l.reconf_at = -1;
	l.reg_at = -1;
	(void)snprintf(l.cwd, sizeof(l.cwd), "%s", o->cwd);
	/* The signals first: a SIGTERM that comes while the sockets are
	 * being bound is acted on in the first turn, which removes the
	 * unix socket files, instead of killing holdports with them left. */
	if ((l.sigfd = sigfd_open()) == -1) {
		log_warn("signal pipe");
		goto out;
	}
	if (fdpack_limit_init(&l.limit) == -1) {
		log_warn("reading the descriptor limit");
		goto out;
	}
	if (loop_limit(&l, l.conf.nsocks) == -1 ||
	    socks_bind(&l.conf, &l.socks) == -1)
		goto out;
	loop_limit_stores(&l, &l.conf, l.conf.nsocks);
	l.nsocks = l.conf.nsocks;
	if (loop_open(&l) == -1)
		goto out;
	for (i = 0; i < l.nchildren; i++)
		child_start(l.children[i], now_ms());
	loop_settle(&l, now_ms());
	while (!loop_over(&l)) {
		loop_gather(&l, now_ms());
		if (pollset_wait(&l.ps, now_ms) == -1 && errno != EINTR) {
			/* ENOMEM, say: try again, but neither fill the log
			 * nor spin; a signal ends the pause. */
			if (log_limit(&l.poll_err, now_ms(), 1, &held))
				log_warn("poll%s",
				    log_held(held, more, sizeof(more)));
			(void)nanosleep(&(struct timespec){0,
					    POLL_ERROR_PAUSE_MS * 1000000L},
			    NULL);
			/* The signals still count: SIGTERM stops, SIGCHLD
			 * reaps, even while poll(2) cannot say they came. */
			loop_signals(&l, l.sigfd, POLLIN, now_ms());
		}
		loop_settle(&l, now_ms());
	}
	status = 0;
out:
	loop_close(&l);
	conf_free(&l.conf);
	return status;
}
