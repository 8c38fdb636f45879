/* SPDX-License-Identifier: ISC */
/* child.c: one child of the instance: the plans of its start and build,
 * the actions its state machine asks for (start, build, signal), its
 * watcher. */

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"

extern char **environ;

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
		log_warn(
		    "%scannot start %s'%s': %s", ch->who, what, cmd, stage);
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

/* Returns 1 while a process group of ch's children (not a build) may
 * still hold its sockets: serving, starting, or being stopped. */
static int
child_holding(const struct child *ch)
{
	size_t i;

	if (ch->sv.cur.pid != 0 || ch->sv.next.pid != 0)
		return 1;
	for (i = 0; i < SV_STOP_MAX; i++)
		if (ch->sv.stopping[i].pid != 0 && !ch->sv.stopping[i].is_build)
			return 1;
	return 0;
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
	int flags = child_holding(ch) ? SOCK_CHECK_KEEP_FLAGS : 0;
	size_t i;

	for (i = 0; i < ch->conf.nsocks; i++)
		(void)sock_check(&ch->sh->socks[ch->conf.socks[i]], flags);
}

/* Returns the leaf of ch's process group pgid, or NULL. */
static struct child_leaf *
child_leaf_find(struct child *ch, pid_t pgid)
{
	size_t i;

	for (i = 0; i < ch->nleaves; i++)
		if (pgid != 0 && ch->leaves[i].pgid == pgid)
			return &ch->leaves[i];
	return NULL;
}

/* Makes a new cgroup leaf for a start (what "run") or a build (what
 * "build") of ch, named "run-N-NAME", "build-N-NAME": unique, and never a
 * cgroup's own file name. Returns it, or NULL when the instance has no
 * cgroups or it could not be made (said once a child: that start uses its
 * process group alone). */
static struct cgroup_leaf *
child_leaf_new(struct child *ch, const char *what)
{
	struct cgroups *cgs = ch->sh->cgroups;
	struct cgroup_leaf *leaf;
	char name[CONF_NAME_MAX + 48];

	if (cgs == NULL || cgs->cg == NULL || cgs->off)
		return NULL;
	(void)snprintf(name, sizeof(name), "%s-%lu%s%s", what, ++cgs->made,
	    ch->conf.name[0] != '\0' ? "-" : "", ch->conf.name);
	if ((leaf = cgroup_new(cgs->cg, name)) == NULL && !ch->leaf_warned) {
		ch->leaf_warned = 1;
		log_warn("%scgroup %s; using the process group alone", ch->who,
		    name);
	}
	return leaf;
}

/* Records that process group pgid (0: its start failed) runs in leaf,
 * for the stop and for child_check_groups(). A leaf that cannot be
 * recorded is left to cgroup_close() at the end of the run. */
static void
child_leaf_keep(struct child *ch, pid_t pgid, struct cgroup_leaf *leaf)
{
	struct child_leaf *v;

	if (leaf == NULL)
		return;
	if (pgid == 0 && cgroup_remove(leaf) == 0)
		return; /* its one process was reaped in spawn() */
	v = grow(ch->leaves, &ch->capleaves, ch->nleaves + 1, sizeof(*v));
	if (v == NULL) {
		log_warn("%scgroup of pid %ld", ch->who, (long)pgid);
		return;
	}
	ch->leaves = v;
	v[ch->nleaves].pgid = pgid;
	v[ch->nleaves].kill_at = -1;
	v[ch->nleaves++].leaf = leaf;
}

/* Removes the leaf at index i of ch, whose processes are all gone, and
 * forgets it. A leaf that cannot be removed is left to cgroup_close(). */
static void
child_leaf_drop(struct child *ch, size_t i)
{
	if (cgroup_remove(ch->leaves[i].leaf) == -1)
		log_debug("%sremoving the cgroup of pid %ld: %s", ch->who,
		    (long)ch->leaves[i].pgid, strerror(errno));
	ch->leaves[i] = ch->leaves[--ch->nleaves];
}

/* Returns 1 if a process is still in the leaf of entry cl. A leaf that
 * cannot be read is taken for empty: never wait for ever on it. */
static int
child_leaf_busy(struct child *ch, const struct child_leaf *cl)
{
	int r = cgroup_populated(cl->leaf);

	if (r == -1)
		log_debug("%sreading the cgroup of pid %ld: %s", ch->who,
		    (long)cl->pgid, strerror(errno));
	return r == 1;
}

/*
 * Spawns plan p of ch (what: "run" or "build") in a leaf of its own where
 * the instance has cgroups. Returns its pid, or -1 with errno and *stage
 * as spawn() does. A process that could not enter its leaf (the kernel
 * refused the move) turns cgroups off for the rest of the run, with a
 * warning, and returns SV_START_AGAIN: the start is tried again without.
 */
static pid_t
child_spawn(
    struct child *ch, struct plan *p, const char *what, const char **stage)
{
	struct cgroup_leaf *leaf = child_leaf_new(ch, what);
	pid_t pid;
	int e;

	p->cgroup = leaf != NULL ? cgroup_procs_fd(leaf) : -1;
	pid = spawn(p, stage);
	e = errno;
	p->cgroup = -1;
	child_leaf_keep(ch, pid == -1 ? 0 : pid, leaf);
	if (pid == -1 && strcmp(*stage, "cgroup") == 0) {
		ch->sh->cgroups->off = 1;
		log_warnx("%scannot move a process into its cgroup: %s (%s); "
			  "using process groups alone from now on",
		    ch->who, errno_name(e), strerror(e));
		errno = e;
		return SV_START_AGAIN;
	}
	errno = e;
	return pid;
}

/* sv_ops.start: restores the child's sockets to the state each child
 * must find, then spawns it. */
static pid_t
child_start_op(void *arg)
{
	struct child *ch = arg;
	const char *stage;
	pid_t pid;

	child_check_socks(ch);
	if (ch->run_envp == NULL) {
		errno = ENOMEM; /* child_apply() could not plan it */
		return child_spawn_failed(ch, "", ch->conf.command, "plan");
	}
	if ((pid = child_spawn(ch, &ch->run, "run", &stage)) == SV_START_AGAIN)
		return pid;
	if (pid == -1)
		return child_spawn_failed(ch, "", ch->conf.command, stage);
	child_spawn_worked(ch);
	guard_note(ch->sh->guard, pid, 1);
	return pid;
}

/* sv_ops.build: the build in its own process group, no sockets. */
static pid_t
child_build_op(void *arg)
{
	struct child *ch = arg;
	const char *stage;
	pid_t pid;

	if (ch->build_envp == NULL) {
		errno = ENOMEM;
		return child_spawn_failed(
		    ch, "the build ", ch->conf.build, "plan");
	}
	pid = child_spawn(ch, &ch->build, "build", &stage);
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
 * group is not an error here. */
static int
child_kill_op(void *arg, pid_t pgid, int signo)
{
	struct child *ch = arg;
	struct child_leaf *cl = child_leaf_find(ch, pgid);
	int r, n;

	if ((r = spawn_kill(pgid, signo)) == -1 && errno != ESRCH)
		log_warn("%skill process group %ld", ch->who, (long)pgid);
	if (cl == NULL)
		return r;
	if (signo == SIGKILL)
		n = cgroup_kill(cl->leaf);
	else if ((n = cgroup_signal(cl->leaf, signo, pgid)) > 0)
		log_info("%sstopping %d process%s that left the process group "
			 "of pid %ld, in its cgroup",
		    ch->who, n, n == 1 ? "" : "es", (long)pgid);
	if (n == -1) {
		log_warn(
		    "%ssignalling the cgroup of pid %ld", ch->who, (long)pgid);
		return -1;
	}
	return 0;
}

static const struct sv_ops child_ops = {
    child_start_op, child_build_op, child_kill_op};

/* Builds into ch->socketvars the HOLDPORTS_SOCKET_ variables of every
 * socket of the instance, when it has several children (env_sockets()).
 * Returns 0 or -1 with errno ENOMEM. */
static int
child_socketvars(struct child *ch)
{
	const struct shared *sh = ch->sh;
	const char **names, **addrs;
	size_t i;

	if (sh->conf->nchildren < 2)
		return 0;
	names = calloc(sh->nsocks + 1, sizeof(*names));
	addrs = calloc(sh->nsocks + 1, sizeof(*addrs));
	if (names != NULL && addrs != NULL) {
		for (i = 0; i < sh->nsocks; i++) {
			names[i] = sh->socks[i].name;
			addrs[i] = sh->socks[i].addr;
		}
		ch->socketvars = env_sockets(names, addrs, sh->nsocks);
	}
	free(names);
	free(addrs);
	return ch->socketvars != NULL ? 0 : -1;
}

/* Returns the child's environment= variables followed by those of
 * compat (built into ch->compat) and the HOLDPORTS_SOCKET_ ones, as a
 * new array of *np pointers to strings it does not own (free() only the
 * array), or NULL with errno ENOMEM. */
static char **
child_extra(struct child *ch, size_t *np)
{
	const struct childconf *cc = &ch->conf;
	const char **addrs;
	char **extra;
	size_t i, n, k = 0;

	if ((addrs = calloc(cc->nsocks + 1, sizeof(*addrs))) == NULL)
		return NULL;
	for (i = 0; i < cc->nsocks; i++)
		addrs[i] = ch->sh->socks[cc->socks[i]].addr;
	ch->compat = env_compat(ch->sh->conf->compat, addrs, cc->nsocks);
	free(addrs);
	if (ch->compat == NULL || child_socketvars(ch) == -1)
		return NULL;
	n = cc->nenv + ch->sh->nsocks;
	for (i = 0; ch->compat[i] != NULL; i++)
		n++;
	if ((extra = calloc(n + 1, sizeof(*extra))) == NULL)
		return NULL;
	for (i = 0; i < cc->nenv; i++)
		extra[k++] = cc->env[i];
	for (i = 0; ch->compat[i] != NULL; i++)
		extra[k++] = ch->compat[i];
	for (i = 0; ch->socketvars != NULL && ch->socketvars[i] != NULL; i++)
		extra[k++] = ch->socketvars[i];
	*np = k;
	return extra;
}

/* Frees the plans; emptied, not just freed: child_apply() plans again,
 * and a plan that fails half-way must not leave pointers to free twice. */
static void
child_unplan(struct child *ch)
{
	free(ch->run_argv[2]);
	ch->run_argv[2] = NULL;
	free(ch->run_envp);
	ch->run_envp = NULL;
	free(ch->build_envp);
	ch->build_envp = NULL;
	free(ch->compat);
	ch->compat = NULL;
	free(ch->socketvars);
	ch->socketvars = NULL;
	free(ch->fds);
	ch->fds = NULL;
	free(ch->names);
	ch->names = NULL;
}

/* Builds what every start reuses: argv, envp, the descriptors, for the
 * child and the build. Returns 0 or -1 with errno ENOMEM. */
static int
child_plan(struct child *ch)
{
	const struct childconf *cc = &ch->conf;
	char *bpid, **extra;
	size_t i, nextra;

	if ((ch->run_argv[2] = malloc(strlen(cc->command) + sizeof("exec "))) ==
	    NULL)
		return -1;
	(void)strcpy(ch->run_argv[2], "exec ");
	(void)strcat(ch->run_argv[2], cc->command);
	ch->run_argv[0] = "/bin/sh";
	ch->run_argv[1] = "-c";
	ch->fds = calloc(cc->nsocks + 1, sizeof(*ch->fds));
	ch->names = calloc(cc->nsocks + 1, sizeof(*ch->names));
	if (ch->fds == NULL || ch->names == NULL)
		return -1;
	for (i = 0; i < cc->nsocks; i++) {
		ch->fds[i] = ch->sh->socks[cc->socks[i]].fd;
		ch->names[i] = ch->sh->socks[cc->socks[i]].name;
	}
	/* The child alone gets the compat variables: they name sockets. */
	if ((extra = child_extra(ch, &nextra)) == NULL)
		return -1;
	ch->run.pidslot = NULL;
	ch->run_envp = env_build(environ, extra, nextra, ch->names, cc->nsocks,
	    ch->sh->notify, cc->no_listen_pid ? NULL : &ch->run.pidslot);
	free(extra);
	if (ch->run_envp == NULL)
		return -1;
	ch->run.argv = ch->run_argv;
	ch->run.envp = ch->run_envp;
	ch->run.fds = ch->fds;
	ch->run.nfds = cc->nsocks;
	ch->run.directory = cc->directory;
	ch->run.parent = ch->sh->supervisor;
	ch->run.cgroup = -1;
	if (cc->build == NULL)
		return 0;
	/* The build gets the child's environment without the sockets, and
	 * no exec: it may be a compound command. */
	ch->build_argv[0] = "/bin/sh";
	ch->build_argv[1] = "-c";
	ch->build_argv[2] = cc->build;
	ch->build_envp =
	    env_build(environ, cc->env, cc->nenv, NULL, 0, NULL, &bpid);
	if (ch->build_envp == NULL)
		return -1;
	ch->build.argv = ch->build_argv;
	ch->build.envp = ch->build_envp;
	ch->build.directory = cc->directory;
	ch->build.parent = ch->run.parent;
	ch->build.cgroup = -1;
	return 0;
}

/* Opens ch's watcher over its watch paths, or leaves it NULL when it has
 * none. A failure is logged: reloads then come from SIGHUP alone. */
static void
child_watch(struct child *ch)
{
	const struct childconf *cc = &ch->conf;
	size_t i;

	if (cc->nwatch == 0)
		return;
	if ((ch->watch = watch_open(cc->ignore, cc->nignore)) == NULL) {
		log_warn("%scannot watch files; reload with SIGHUP instead",
		    ch->who);
		return;
	}
	watch_gitignore(ch->watch, cc->gitignore);
	for (i = 0; i < cc->nwatch; i++)
		if (watch_add(ch->watch, cc->watch[i]) == -1 &&
		    errno != ENOSPC) /* ENOSPC: the backend said what to do */
			log_warn("%swatch %s", ch->who, cc->watch[i]);
	log_debug("%s%zu watches", ch->who, watch_count(ch->watch));
}

int
child_open(struct child *ch, const struct childconf *cc,
    const struct shared *sh, int named)
{
	ch->sh = sh;
	ch->deb.deadline = -1;
	if (named)
		(void)snprintf(ch->who, sizeof(ch->who), "%s: ", cc->name);
	if (childconf_copy(&ch->conf, cc) == -1)
		return -1;
	sv_init(&ch->sv, &ch->conf, ch->who, &child_ops, ch);
	return child_plan(ch);
}

int
child_apply(struct child *ch, const struct childconf *cc)
{
	struct childconf copy;

	if (childconf_copy(&copy, cc) == -1)
		return -1;
	child_unplan(ch);
	if (ch->watch != NULL)
		watch_close(ch->watch);
	ch->watch = NULL;
	childconf_free(&ch->conf);
	ch->conf = copy;
	ch->sv.conf = &ch->conf;
	if (child_plan(ch) == -1)
		return -1;
	child_watch(ch);
	return 0;
}

void
child_close(struct child *ch)
{
	/* The leaves themselves are the cgroup's: cgroup_close(). */
	free(ch->leaves);
	ch->leaves = NULL;
	ch->nleaves = ch->capleaves = 0;
	child_unplan(ch);
	if (ch->watch != NULL)
		watch_close(ch->watch);
	ch->watch = NULL;
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
	return pgid != 0 && (pgid == ch->sv.cur.pid || pgid == ch->sv.next.pid);
}

pid_t
child_pid(const struct child *ch)
{
	return ch->sv.next.pid != 0 ? ch->sv.next.pid : ch->sv.cur.pid;
}

void
child_reaped(struct child *ch, pid_t pid, int status, int64_t now)
{
	int run = 0;
	size_t i;

	if (pid == ch->sv.cur.pid || pid == ch->sv.next.pid)
		run = 1;
	for (i = 0; i < SV_STOP_MAX; i++)
		if (ch->sv.stopping[i].pid == pid &&
		    !ch->sv.stopping[i].is_build)
			run = 1;
	sv_step(&ch->sv, TR_CHILD_EXIT, now, pid, status, NULL);
	if (run)
		child_check_socks(ch);
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
 * shows it relative to the current directory. The configuration file is
 * the loop's to watch: its change reloads what it changes. */
static void
child_changed(const char *path, void *arg)
{
	struct child *ch = arg;
	size_t n = strlen(ch->sh->cwd);
	char shown[sizeof(ch->deb.last)];

	if (ch->sh->conf_real != NULL && strcmp(path, ch->sh->conf_real) == 0)
		return;
	if (strncmp(path, ch->sh->cwd, n) == 0 && path[n] == '/')
		path += n + 1;
	/* Whoever made the file chose its name: escape sequences in it
	 * must not reach the terminal in the reload line. */
	(void)log_clean(shown, sizeof(shown), path);
	log_debug("%s%s changed", ch->who, shown);
	debounce_note(&ch->deb, shown, now_ms(), ch->conf.debounce_ms);
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
child_debounce(struct child *ch, int64_t now)
{
	char reason[sizeof(ch->reason)];

	if (debounce_due(&ch->deb, now, reason, sizeof(reason)))
		child_ask(ch, reason);
}

size_t
child_check_groups(struct child *ch, int64_t now)
{
	pid_t pgids[SV_STOP_MAX];
	struct child_leaf *cl;
	size_t n, i, left = 0;
	int r;

	n = sv_lingering(&ch->sv, pgids, SV_STOP_MAX);
	for (i = 0; i < n; i++) {
		cl = child_leaf_find(ch, pgids[i]);
		if (spawn_group_alive(pgids[i]) ||
		    (cl != NULL && child_leaf_busy(ch, cl))) {
			left++;
			continue;
		}
		if (cl != NULL)
			child_leaf_drop(ch, (size_t)(cl - ch->leaves));
		/* The next child first (it may start right here), the guard
		 * after: it is ours to wait for, not the reload. An empty
		 * group's id cannot be reused yet: pids are handed out in
		 * order. */
		sv_step(&ch->sv, TR_GROUP_GONE, now, pgids[i], 0, NULL);
		guard_note(ch->sh->guard, pgids[i], 0);
	}
	/* Leaves sv no longer knows (a build that succeeded, a group it had
	 * to SIGKILL and forget, a start that failed): removed once empty;
	 * what a build left running there is stopped, as it would be as a
	 * stray. */
	for (i = 0; i < ch->nleaves;) {
		cl = &ch->leaves[i];
		if (sv_knows(&ch->sv, cl->pgid)) {
			i++;
			continue;
		}
		if (!child_leaf_busy(ch, cl)) {
			child_leaf_drop(ch, i);
			continue;
		}
		if (cl->kill_at == -1) {
			cl->kill_at = now + ch->conf.stop_timeout_ms;
			if ((r = cgroup_signal(
				 cl->leaf, ch->conf.stop_signal, 0)) > 0)
				log_info("%sstopping %d process%s left in the "
					 "cgroup of pid %ld",
				    ch->who, r, r == 1 ? "" : "es",
				    (long)cl->pgid);
		}
		i++;
	}
	return left;
}

size_t
child_leaf_fds(const struct child *ch, int *fds, size_t max)
{
	pid_t pgids[SV_STOP_MAX];
	size_t n, i, j, k = 0;

	n = sv_lingering(&ch->sv, pgids, SV_STOP_MAX);
	for (i = 0; i < ch->nleaves && k < max; i++) {
		for (j = 0; j < n && pgids[j] != ch->leaves[i].pgid; j++)
			;
		if (j < n || !sv_knows(&ch->sv, ch->leaves[i].pgid))
			fds[k++] = cgroup_fd(ch->leaves[i].leaf);
	}
	return k;
}
