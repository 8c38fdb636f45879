/* SPDX-License-Identifier: ISC */
/* child.c: one child of the instance: the actions its state machine
 * asks for (start, build, signal), its output, its watcher, and what its
 * exits mean. */

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "browser.h"
#include "child_int.h"
#include "cmdline.h"
#include "out.h"

extern char **environ;

static void child_changed(const char *path, void *arg);

/*
 * spawn() failed for what (the child or its build) of command cmd at
 * stage, with errno. A lack of resources (fork(2) EAGAIN, no descriptor
 * or memory left) is not the command's fault: sv tries again with
 * back-off until it works (SV_START_AGAIN), and only the first failure of
 * a run of them is logged, so that a retry every few seconds for an hour
 * is one line, not a thousand. Anything else (no such command) is logged
 * each time and returns -1, counted as a crash. Keeps errno.
 */
static pid_t
child_spawn_failed(
    struct child *ch, const char *what, const char *cmd, const char *stage)
{
	int e = errno;

	if (!errno_transient(e)) {
		log_warnx("%scannot start %s'%s': %s: %s (%s)", ch->who, what,
		    cmd, stage, strerror(e), errno_name(e));
		errno = e;
		return -1;
	}
	if (ch->spawn_fails++ == 0)
		log_warnx("%scannot start %s'%s': %s: %s (%s); trying again "
			  "with back-off, quietly until it works",
		    ch->who, what, cmd, stage, errno_name(e), strerror(e));
	errno = e;
	return SV_START_AGAIN;
}

/* A start or build worked: tells the end of a run of failures, once. */
static void
child_spawn_worked(struct child *ch)
{
	if (ch->spawn_fails == 0)
		return;
	log_info("%sstarting processes works again, after %lu failed "
		 "attempt%s",
	    ch->who, ch->spawn_fails, ch->spawn_fails == 1 ? "" : "s");
	ch->spawn_fails = 0;
}

/*
 * Undoes what a child left on ch's sockets (sock_check(), which logs what
 * it repairs and what it cannot). While an older process group of ch
 * still holds them, their file status flags are shared with it: clearing
 * O_NONBLOCK under a running event loop would make its accept(2) block,
 * so they are left alone until it is gone. A socket bound again keeps its
 * descriptor number and its address: the plans and the registry stay
 * right.
 */
static void
child_check_socks(struct child *ch)
{
	int flags = sv_holding(&ch->sv) ? SOCK_CHECK_KEEP_FLAGS : 0;
	struct sock *s;
	size_t i;

	for (i = 0; i < ch->conf.nsocks; i++) {
		s = &ch->sh->socks[ch->conf.socks[i]];
		(void)sock_check(s, flags);
		s->hups = 0;
	}
}

/*
 * pollset callback of a held socket of ch while a process of ch runs:
 * poll(2) reported a hang-up on it, which a listener gets only from a
 * shutdown(2) by a process that holds it. It is repaired now
 * (sock_check_shut()), not when the child exits: until then another
 * process could bind the port. A socket that hangs up again after
 * SOCK_HUPS_MAX repairs, or whose hang-up nothing explains or repairs, is
 * not watched again until the next start.
 */
static void
child_sock_hup(void *arg, int fd, short revents, int64_t now)
{
	struct child *ch = arg;
	struct sock *s;
	size_t i;

	(void)revents;
	(void)now;
	for (i = 0; i < ch->conf.nsocks; i++) {
		s = &ch->sh->socks[ch->conf.socks[i]];
		if (s->fd != fd)
			continue;
		switch (sock_check_shut(s)) {
		case SOCK_CHECK_RESTORED:
		case SOCK_CHECK_REBOUND:
			s->hups++;
			break;
		default:
			s->hups = SOCK_HUPS_MAX;
			break;
		}
		return;
	}
}

/*
 * Spawns the child with its stored descriptors after its sockets: the
 * plan of every start with the descriptors, LISTEN_FDS and LISTEN_FDNAMES
 * made for this one (the store changes between starts; without stored
 * descriptors the plan is used as it is). Returns the pid, or -1 with
 * errno (ENOMEM, or from spawn()) and *stage set.
 */
static pid_t
child_spawn_stored(struct child *ch, const char **stage)
{
	size_t ns = ch->conf.nsocks, n = fdstore_count(&ch->store);
	struct plan p = ch->run;
	const char **names;
	char **envp = NULL;
	int *fds, *scratch, e;
	pid_t pid = -1;

	*stage = "plan";
	fds = calloc(ns + n, sizeof(*fds));
	scratch = calloc(ns + n, sizeof(*scratch)); /* spawn()'s copy */
	names = calloc(ns + n, sizeof(*names));
	if (fds == NULL || scratch == NULL || names == NULL)
		goto out;
	memcpy(fds, ch->fds, ns * sizeof(*fds));
	memcpy(names, ch->names, ns * sizeof(*names));
	fdstore_list(&ch->store, fds + ns, names + ns);
	p.pidslot = NULL;
	envp = env_build(environ, ch->extra, ch->nextra, names, ns + n,
	    ch->notify, ch->conf.no_listen_pid ? NULL : &p.pidslot);
	if (envp == NULL)
		goto out;
	p.envp = envp;
	p.path = cmdline_path(envp);
	p.fds = fds;
	p.scratch = scratch;
	p.nfds = ns + n;
	log_debug("%spassing %zu stored descriptor%s after %zu socket%s",
	    ch->who, n, n == 1 ? "" : "s", ns, ns == 1 ? "" : "s");
	pid = spawn(&p, stage);
out:
	e = errno;
	free(envp);
	free(names);
	free(scratch);
	free(fds);
	errno = e;
	return pid;
}

/* sv_ops.start: stops the error page on the child's sockets, restores
 * them to the state each child must find, then spawns it. The file
 * status flags (O_NONBLOCK) belong to the open file description every
 * holder shares: while an older child still holds the sockets (mode =
 * overlap) they are left alone, or its accept(2) would turn blocking
 * under its event loop. */
static pid_t
child_start_op(void *arg)
{
	struct child *ch = arg;
	struct cgroup_leaf *leaf;
	struct out_io io;
	const char *stage;
	pid_t pid;
	int e;

	browser_starting(ch->sh->browser, ch);
	child_check_socks(ch);
	if (ch->sh->prestart != NULL)
		ch->sh->prestart(ch->sh->prestart_arg);
	if (ch->run_envp == NULL) {
		errno = ENOMEM; /* child_apply() could not plan it */
		return child_spawn_failed(ch, "", ch->conf.argv[0], "plan");
	}
	child_out_begin(ch, &ch->run, &io, 0);
	/* A peer that hung up as the last child stopped, in the turn of
	 * its exit: poll(2) has not told yet. */
	fdstore_sweep(&ch->store);
	/* stdin = tty: the terminal, if holdports can lend it now. */
	ch->run.tty = ch->conf.stdin_tty && ch->sh->term != NULL &&
	    term_lend(ch->sh->term);
	if (ch->conf.stdin_tty && !ch->run.tty && !ch->tty_warned) {
		log_warnx("%sstdin = tty: holdports' stdin is not a terminal "
			  "it has in the foreground; the child gets /dev/null",
		    ch->who);
		ch->tty_warned = 1;
	}
	leaf = child_leaf_open(ch, &ch->run, "run");
	if (fdstore_count(&ch->store) > 0)
		pid = child_spawn_stored(ch, &stage);
	else
		pid = spawn(&ch->run, &stage);
	e = errno;
	child_out_end(ch, &ch->run, &io, pid, 0);
	if (ch->run.tty)
		term_lent(ch->sh->term, pid == -1 ? 0 : pid);
	ch->run.tty = 0;
	errno = e;
	pid = child_leaf_close(ch, &ch->run, leaf, pid, stage);
	if (pid == SV_START_AGAIN)
		return pid;
	if (pid == -1)
		return child_spawn_failed(ch, "", ch->conf.argv[0], stage);
	child_spawn_worked(ch);
	guard_note(ch->sh->guard, pid, 1);
	if (leaf != NULL)
		ch->spare_at = now_ms() + CHILD_SPARE_MS;
	return pid;
}

/* sv_ops.build: the build in its own process group, no sockets. */
static pid_t
child_build_op(void *arg)
{
	struct child *ch = arg;
	struct cgroup_leaf *leaf;
	struct out_io io;
	const char *stage;
	pid_t pid;
	int e;

	if (ch->build_envp == NULL) {
		errno = ENOMEM;
		return child_spawn_failed(
		    ch, "the build ", ch->conf.build, "plan");
	}
	child_out_begin(ch, &ch->build, &io, 1);
	leaf = child_leaf_open(ch, &ch->build, "build");
	pid = spawn(&ch->build, &stage);
	e = errno;
	child_out_end(ch, &ch->build, &io, pid, 1);
	errno = e;
	pid = child_leaf_close(ch, &ch->build, leaf, pid, stage);
	if (pid == SV_START_AGAIN)
		return pid;
	if (pid == -1)
		return child_spawn_failed(
		    ch, "the build ", ch->conf.build, stage);
	child_spawn_worked(ch);
	log_debug("%sbuilding: pid %ld", ch->who, (long)pid);
	guard_note(ch->sh->guard, pid, 1);
	return pid;
}

/* sv_ops.kill: signals process group pgid and, where it runs in a leaf,
 * every other process of the leaf (what left the group: setsid(2), a
 * double fork); SIGKILL kills the whole leaf (cgroup_kill()). An empty
 * group is not an error here. A stop signal comes right after a SIGCONT,
 * so that a stopped group (Ctrl-Z in a debugger, kill -STOP) acts on it
 * now rather than at SIGKILL. systemd sends SIGCONT after the signal; in
 * that order it can reach a process that is exiting and stopping its
 * own threads with ptrace(2), as LeakSanitizer does, and discard the
 * SIGSTOP the attach queued: the exit then hangs until SIGKILL. */
static int
child_kill_op(void *arg, pid_t pgid, int signo)
{
	struct child *ch = arg;
	struct child_leaf *cl = child_leaf_find(ch, pgid);
	int r, n, cont = signo != SIGKILL && signo != SIGCONT;

	if (cont)
		(void)spawn_kill(pgid, SIGCONT);
	if ((r = spawn_kill(pgid, signo)) == -1 && errno != ESRCH)
		log_warn("%skill process group %ld", ch->who, (long)pgid);
	if (cl == NULL)
		return r;
	if (signo == SIGKILL) {
		n = cgroup_kill(cl->leaf);
	} else {
		if (cont)
			(void)cgroup_signal(cl->leaf, SIGCONT, pgid);
		if ((n = cgroup_signal(cl->leaf, signo, pgid)) > 0)
			log_info("%sstopping %d process%s that left the "
				 "process group of pid %ld, in its cgroup",
			    ch->who, n, n == 1 ? "" : "es", (long)pgid);
	}
	if (n == -1) {
		log_warn(
		    "%ssignalling the cgroup of pid %ld", ch->who, (long)pgid);
		return -1;
	}
	return 0;
}

static const struct sv_ops child_ops = {
    child_start_op, child_build_op, child_kill_op};

/* Polls root, a watched path of ch, from now on; fs is its file system's
 * type when that is why (watch_mode = auto), said once. A failure is
 * logged: changes under root then reload nothing. */
static void
child_watch_poll(struct child *ch, const char *root, const char *fs)
{
	const struct childconf *cc = &ch->conf;

	if (ch->poll == NULL &&
	    (ch->poll = polled_open(cc->ignore, cc->nignore, cc->gitignore)) ==
		NULL) {
		log_warn("%spolling %s", ch->who, root);
		return;
	}
	if (polled_add(ch->poll, root) == -1) {
		log_warn("%spolling %s", ch->who, root);
		return;
	}
	if (fs[0] != '\0')
		log_info("%s%s is on %s, where file events miss changes made "
			 "elsewhere: polling it every %lld ms (watch_mode = "
			 "events turns that off)",
		    ch->who, root, fs, (long long)cc->poll_interval_ms);
	else
		log_debug("%spolling %s every %lld ms", ch->who, root,
		    (long long)cc->poll_interval_ms);
	ch->poll_at = now_ms() + cc->poll_interval_ms;
}

/* Opens ch's watcher over its watch paths, or leaves it NULL when it has
 * none: file events for each path, or polling where watch_mode says so
 * (polled_wanted()). A failure is logged: reloads then come from SIGHUP
 * alone. */
static void
child_watch(struct child *ch)
{
	const struct childconf *cc = &ch->conf;
	char fs[64];
	size_t i;
	int failed = 0;

	for (i = 0; i < cc->nwatch; i++) {
		if (polled_wanted(
			cc->watch_mode, cc->watch[i], fs, sizeof(fs)) == 1) {
			child_watch_poll(ch, cc->watch[i], fs);
			continue;
		}
		if (ch->watch == NULL && !failed &&
		    (ch->watch = watch_open(cc->ignore, cc->nignore)) == NULL) {
			log_warn("%scannot watch files; reload with SIGHUP "
				 "instead",
			    ch->who);
			failed = 1;
		}
		if (ch->watch == NULL)
			continue;
		watch_gitignore(ch->watch, cc->gitignore);
		if (watch_add(ch->watch, cc->watch[i]) == -1 &&
		    errno != ENOSPC) /* ENOSPC: the backend said what to do */
			log_warn("%swatch %s", ch->who, cc->watch[i]);
	}
	if (ch->watch != NULL)
		log_debug("%s%zu watches", ch->who, watch_count(ch->watch));
	if (ch->poll != NULL)
		log_debug(
		    "%s%zu paths polled", ch->who, polled_count(ch->poll));
}

/* Stops watching and polling ch's paths. */
static void
child_unwatch(struct child *ch)
{
	if (ch->watch != NULL)
		watch_close(ch->watch);
	ch->watch = NULL;
	polled_close(ch->poll);
	ch->poll = NULL;
	ch->poll_at = -1;
}

int
child_open(struct child *ch, const struct childconf *cc,
    const struct shared *sh, int named)
{
	ch->sh = sh;
	ch->deb.deadline = -1;
	ch->poll_at = -1;
	ch->spare_at = -1;
	buildloop_init(&ch->bl);
	sockuse_init(&ch->su);
	if (named)
		(void)snprintf(ch->who, sizeof(ch->who), "%s: ", cc->name);
	fdstore_init(&ch->store, ch->who, cc->name);
	if (childconf_copy(&ch->conf, cc) == -1)
		return -1;
	sv_init(&ch->sv, &ch->conf, ch->who, &child_ops, ch);
	fdstore_limit(&ch->store, (size_t)cc->fdstore_max, cc->nsocks);
	return child_plan(ch);
}

int
child_apply(struct child *ch, const struct childconf *cc)
{
	struct childconf copy;

	if (childconf_copy(&copy, cc) == -1)
		return -1;
	child_unplan(ch);
	child_unwatch(ch);
	childconf_free(&ch->conf);
	ch->conf = copy;
	ch->sv.conf = &ch->conf;
	/* What looped under the old configuration may not loop now. */
	buildloop_free(&ch->bl);
	sockuse_reset(&ch->su);
	/* A lower fdstore_max closes what it no longer allows; 0 all. */
	fdstore_limit(&ch->store, (size_t)cc->fdstore_max, cc->nsocks);
	if (child_plan(ch) == -1)
		return -1;
	child_watch(ch);
	return 0;
}

void
child_close(struct child *ch)
{
	/* The leaves themselves are the cgroup's: cgroup_close(). */
	child_leaf_unspare(ch);
	free(ch->leaves);
	ch->leaves = NULL;
	ch->nleaves = ch->capleaves = 0;
	fdstore_free(&ch->store);
	if (ch->rings != NULL) {
		out_forget(ch->sh->out, &ch->rings[0]);
		out_forget(ch->sh->out, &ch->rings[1]);
		free(ch->rings);
		ch->rings = NULL;
	}
	child_unplan(ch);
	buildloop_free(&ch->bl);
	sockuse_free(&ch->su);
	free(ch->stack);
	ch->stack = NULL;
	child_unwatch(ch);
	childconf_free(&ch->conf);
}

void
child_start(struct child *ch, int64_t now)
{
	sv_step(&ch->sv, TR_START, now, 0, 0, NULL);
	/* Start first, watch second: a large tree is scanned while the
	 * child is already starting. */
	child_watch(ch);
}

void
child_reload(struct child *ch, int64_t now, const char *reason)
{
	sv_step(&ch->sv, TR_RELOAD, now, 0, 0, reason);
	/* Replace mode, or a build first: the start waits. */
	if (ch->sv.pending)
		child_leaf_spare(ch);
}

void
child_term(struct child *ch, int64_t now)
{
	sv_step(&ch->sv, TR_TERM, now, 0, 0, NULL);
}

int
child_done(const struct child *ch)
{
	return ch->sv.state == ST_DONE && ch->nleaves == 0;
}

int
child_knows(const struct child *ch, pid_t pid)
{
	return sv_knows(&ch->sv, pid);
}

int
child_speaks(const struct child *ch, pid_t pgid)
{
	size_t i;

	if (pgid == 0)
		return 0;
	if (pgid == ch->sv.cur.pid || pgid == ch->sv.next.pid)
		return 1;
	for (i = 0; i < SV_STOP_MAX; i++)
		if (pgid == ch->sv.stopping[i].pid &&
		    !ch->sv.stopping[i].is_build)
			return 1;
	return 0;
}

pid_t
child_pid(const struct child *ch)
{
	return ch->sv.next.pid != 0 ? ch->sv.next.pid : ch->sv.cur.pid;
}

/* Records why no child of ch runs after the process pid (its child if
 * child is set, else its build) exited with status, for the message
 * about connections that wait meanwhile. */
static void
child_why(struct child *ch, pid_t pid, int status, int child)
{
	const struct childconf *cc = &ch->conf;
	char what[64];
	int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	sv_describe(status, what, sizeof(what));
	if (!child)
		sockuse_why(&ch->su, "the build %s", what);
	else if (!ch->sv.waiting)
		sockuse_why(&ch->su, "pid %ld %s", (long)pid, what);
	else if (cc->restart == RESTART_NO)
		sockuse_why(
		    &ch->su, "pid %ld %s, and restart = no", (long)pid, what);
	else if (cc->restart == RESTART_ON_FAILURE && clean)
		sockuse_why(&ch->su,
		    "pid %ld %s, and restart = on-failure restarts only "
		    "after a failure",
		    (long)pid, what);
	else
		sockuse_why(&ch->su,
		    "pid %ld %s; the child crashed %d times within %d s",
		    (long)pid, what, SV_CRASH_MAX, SV_CRASH_WINDOW_MS / 1000);
}

/* The end of the output of ch's children that a failure is looked for
 * in (bytes). */
#define CHILD_TAIL_MAX 8192

/* ch's serving child pid exited with status after uptime ms: the hint
 * of a bind of a held address, from the end of its output when
 * holdports reads it (then sure), else from the exit alone. */
static void
child_exited(struct child *ch, pid_t pid, int status, int64_t uptime)
{
	char *tail = NULL;
	size_t n = 0;

	if (out_capturing(ch->sh->out) && ch->rings != NULL &&
	    ring_len(&ch->rings[0]) > 0 &&
	    (tail = malloc(CHILD_TAIL_MAX)) != NULL)
		n = ring_copy(&ch->rings[0], tail, CHILD_TAIL_MAX);
	sockuse_exited(&ch->su, pid, status, uptime, ch->sv.waiting, tail, n);
	free(tail);
}

void
child_reaped(struct child *ch, pid_t pid, int status, int64_t now)
{
	int was_cur = pid != 0 && pid == ch->sv.cur.pid;
	int was_build = pid != 0 && pid == ch->sv.build.pid;
	int64_t uptime = now - ch->sv.cur.started;
	int run = pid != 0 && (pid == ch->sv.cur.pid || pid == ch->sv.next.pid);
	size_t i;

	for (i = 0; i < SV_STOP_MAX; i++)
		if (pid != 0 && ch->sv.stopping[i].pid == pid &&
		    !ch->sv.stopping[i].is_build)
			run = 1;

	/* Whatever the build changed is in the watcher's queue now, for
	 * the kernel queues a file event when the file is written: read
	 * it while the build still counts as running. */
	if (pid == ch->sv.build.pid && pid != 0) {
		(void)child_events(ch, now);
		if (ch->poll != NULL &&
		    polled_scan(ch->poll, child_changed, ch) == -1)
			log_warn("%spolling", ch->who);
	}
	/* What it wrote last comes before what is said of its end. */
	out_drain(ch->sh->out, pid);
	sv_step(&ch->sv, TR_CHILD_EXIT, now, pid, status, NULL);
	if (was_cur)
		child_exited(ch, pid, status, uptime);
	if (was_cur ||
	    (was_build && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)))
		child_why(ch, pid, status, was_cur);
	/* Only what must not wait for the next start: a listener it shut
	 * down listens again now (the full check, ninety-odd socket options,
	 * is made once, before the next start). */
	for (i = 0; run && i < ch->conf.nsocks; i++)
		(void)sock_check_shut(&ch->sh->socks[ch->conf.socks[i]]);
}

void
child_settle(struct child *ch, int64_t now)
{
	const struct sv *sv = &ch->sv;
	const struct proc *p = sv->next.pid != 0 ? &sv->next : &sv->cur;
	struct sockuse_child c;

	memset(&c, 0, sizeof(c));
	c.who = ch->who;
	c.pid = p->pid;
	if (sv->cur.pid != 0)
		c.pgids[c.npgids++] = sv->cur.pid;
	if (sv->next.pid != 0)
		c.pgids[c.npgids++] = sv->next.pid;
	c.no_listen_pid = ch->conf.no_listen_pid;
	c.starting = p->pid != 0 && !p->ready;
	/* Nothing runs, and nothing will until a change or SIGHUP: a crash
	 * loop that stopped, restart = no, a build that failed. */
	c.idle = sv->state == ST_RUNNING && !sv->exiting && !ch->leaving &&
	    sv->cur.pid == 0 && sv->next.pid == 0 && sv->build.pid == 0 &&
	    !sv->pending && (sv->waiting || sv->restart_at < 0);
	c.generation = sv->generation;
	c.command = ch->conf.command;
	c.socks = ch->sh->socks;
	c.idx = ch->conf.socks;
	c.nsocks = ch->conf.nsocks;
	sockuse_settle(&ch->su, &c, now);
}

void
child_gather(struct child *ch, struct pollset *ps)
{
	const struct sock *s;
	size_t i;

	sockuse_gather(&ch->su, ps);
	/* Only a hang-up: a listener's queue never wakes the loop. */
	for (i = 0; i < ch->conf.nsocks && child_pid(ch) != 0; i++) {
		s = &ch->sh->socks[ch->conf.socks[i]];
		if (s->fd != -1 && s->hups < SOCK_HUPS_MAX)
			(void)pollset_add(
			    ps, s->fd, proc_poll_rdhup(), child_sock_hup, ch);
	}
}

void
child_ready(struct child *ch, pid_t pgid, int64_t now)
{
	sv_step(&ch->sv, TR_READY, now, pgid, 0, NULL);
}

void
child_timer(struct child *ch, int64_t now)
{
	int64_t d = sv_deadline(&ch->sv);
	size_t i;

	if (d >= 0 && now >= d)
		sv_step(&ch->sv, TR_TIMER, now, 0, 0, NULL);
	if (ch->spare_at >= 0 && now >= ch->spare_at) {
		ch->spare_at = -1;
		child_leaf_spare(ch);
	}
	for (i = 0; i < ch->nleaves; i++) {
		struct child_leaf *cl = &ch->leaves[i];

		if (cl->kill_at < 0 || now < cl->kill_at)
			continue;
		cl->kill_at = -2;
		log_warnx("%sprocesses left in the cgroup of pid %ld did not "
			  "stop; killing them",
		    ch->who, (long)cl->pgid);
		if (cgroup_kill(cl->leaf) == -1)
			log_warn("%skilling the cgroup of pid %ld", ch->who,
			    (long)cl->pgid);
	}
}

int64_t
child_deadline(const struct child *ch)
{
	int64_t d = sv_deadline(&ch->sv);
	size_t i;

	if (ch->spare_at >= 0 && (d < 0 || ch->spare_at < d))
		d = ch->spare_at;
	for (i = 0; i < ch->nleaves; i++)
		if (ch->leaves[i].kill_at >= 0 &&
		    (d < 0 || ch->leaves[i].kill_at < d))
			d = ch->leaves[i].kill_at;
	return d;
}

void
child_ask(struct child *ch, const char *reason)
{
	if (ch->reason[0] == '\0')
		(void)snprintf(ch->reason, sizeof(ch->reason), "%s", reason);
}

/* watch_drain() callback: notes the change of path for the debounce, and
 * shows it relative to the current directory. The configuration file
 * and the env_file = files are the loop's to watch: their change reloads
 * what it changes. The program being started, and what a build loop
 * writes, reload nothing (buildloop_note()). */
static void
child_changed(const char *path, void *arg)
{
	struct child *ch = arg;
	size_t n = strlen(ch->sh->cwd), i;
	int64_t now = now_ms();
	/* A change that a user makes right after a start, as a script or a
	 * formatter would, is not told from one the child made, so only a
	 * build's count: a changed file is the build's while it runs. */
	int by_build = ch->sv.build.pid != 0;
	char shown[sizeof(ch->deb.last)];

	if (ch->sh->conf_real != NULL && strcmp(path, ch->sh->conf_real) == 0)
		return;
	for (i = 0; i < ch->conf.nenv_files; i++)
		if (strcmp(path, ch->conf.env_files[i]) == 0)
			return;
	if (buildloop_note(&ch->bl, path, by_build)) {
		log_debug("%s%s changed: not reloading for it", ch->who, path);
		return;
	}
	if (strncmp(path, ch->sh->cwd, n) == 0 && path[n] == '/')
		path += n + 1;
	/* Whoever made the file chose its name: escape sequences in it
	 * must not reach the terminal in the reload line. */
	(void)log_clean(shown, sizeof(shown), path);
	log_debug("%s%s changed", ch->who, shown);
	debounce_note(&ch->deb, shown, now, ch->conf.debounce_ms);
}

int
child_events(struct child *ch, int64_t now)
{
	(void)now;
	if (ch->watch == NULL ||
	    watch_drain(ch->watch, child_changed, ch) != -1)
		return 0;
	log_warn("%sreading file events", ch->who);
	return -1;
}

void
child_poll(struct child *ch, int64_t now)
{
	if (ch->poll == NULL || ch->poll_at < 0 || now < ch->poll_at)
		return;
	if (polled_scan(ch->poll, child_changed, ch) == -1)
		log_warn("%spolling", ch->who);
	ch->poll_at = now + ch->conf.poll_interval_ms;
}

void
child_debounce(struct child *ch, int64_t now)
{
	char reason[sizeof(ch->reason)], msg[1024], sect[CONF_NAME_MAX + 16];

	if (!debounce_due(&ch->deb, now, reason, sizeof(reason)))
		return;
	if (!buildloop_due(&ch->bl, ch->sv.build.pid != 0)) {
		child_ask(ch, reason);
		return;
	}
	(void)snprintf(sect, sizeof(sect), "[child%s%s]",
	    ch->conf.name[0] != '\0' ? "." : "", ch->conf.name);
	log_warnx("%s%s", ch->who,
	    buildloop_message(&ch->bl, ch->conf.watch, ch->conf.nwatch,
		ch->sh->cwd, sect, msg, sizeof(msg)));
}
