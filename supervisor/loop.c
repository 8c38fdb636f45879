/* SPDX-License-Identifier: ISC */
/* loop.c: the one place the supervisor blocks: poll(2) over the signal
 * self-pipe, the watcher and the notify socket, with the nearest deadline
 * as its timeout. */

#define _XOPEN_SOURCE 700 /* getpgid(2), realpath(3): XSI in POSIX.1-2008 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

extern char **environ;

/* Without a subreaper a lingering group is checked on this period. */
#define GROUP_RECHECK_MS 20
/* Daemonized descendants tracked at once (see loop_strays()). */
#define STRAY_MAX 64

/* A process re-parented to us (we are the subreaper) that left its
 * group: a daemonizing server. Stopped like a group, but by pid. */
struct stray {
	pid_t pid;
	int64_t deadline; /* SIGKILL at, ms */
	int killed;
};

struct loop {
	struct conf *conf;
	struct sock *socks;
	size_t nsocks;
	struct sock **socksp; /* main's, updated by a live reload */
	size_t *nsocksp;
	int (*reconf)(struct conf *, const void *, char *);
	const void *reconf_arg;
	char *conf_real; /* the configuration file, canonical; or NULL */
	int conf_changed; /* it changed since the last reload */
	struct child_plan plan; /* the child */
	struct child_plan bplan; /* the build */
	char *argv[4], *bargv[4];
	char **envp, **benvp;
	char **compat; /* from env_compat() */
	int *fds;
	const char **names;
	struct sv sv;
	struct watch *watch;
	struct debounce deb;
	struct notify *notify;
	struct reg *reg; /* our registry entry (DESIGN 8), or NULL */
	int guard; /* write end of the guard's pipe, or -1 */
	pid_t guard_pid; /* the guard, a child of ours */
	struct stray strays[STRAY_MAX];
	const char *cwd; /* changed paths are shown relative to it */
	int subreaper;
	/* Starts and builds that failed for want of a resource since the
	 * last one that worked (loop_spawn_failed()). */
	unsigned long spawn_fails;
	/* Messages a child or the system may repeat without end, each
	 * logged a few times per period (log_limit()): notify datagrams from
	 * outside the child's group, the STATUS= and ERRNO= lines of one
	 * child (chatter_pgid), errors of recvmsg(2) and poll(2). */
	struct log_limit foreign, chatter, notify_err, poll_err;
	pid_t chatter_pgid;
	/* A new configuration that could not be applied for want of a
	 * resource (no descriptor for a new socket) is tried again with
	 * back-off, quietly, until it works (loop_reconf()). */
	int64_t reconf_at; /* the next try, or -1 */
	int64_t reconf_ms; /* the back-off after it */
	unsigned long reconf_fails; /* tries that failed so far */
	char reconf_why[CONF_PATH_MAX + CONF_FDNAME_MAX + 160]; /* the bind */
	char reconf_reason[256]; /* the change that asked for it */
};

/* Tells the guard about process group pgid (add) or its end. The first
 * failure (the guard died) is logged and the guard forgotten. */
static void
loop_guard(struct loop *l, pid_t pgid, int add)
{
	if (l->guard == -1 || guard_tell(l->guard, pgid, add) == 0)
		return;
	log_warn("guard process; kill -9 of holdports would now leave "
		 "grandchildren running");
	(void)close(l->guard);
	l->guard = -1;
}

/*
 * Stops every process that was re-parented to us and that sv did not
 * start: the daemonized part of an earlier child (it left its process
 * group with setsid(2), so a group kill missed it, and it may still hold
 * a copy of the listening socket). Called when a child starts, so only
 * strays of earlier generations exist, and at exit.
 */
static void
loop_strays(struct loop *l, int64_t now)
{
	pid_t pids[STRAY_MAX];
	size_t n, i, j, free_slot;

	if (!l->subreaper)
		return;
	n = proc_children(pids, STRAY_MAX);
	for (i = 0; i < n; i++) {
		if (sv_knows(&l->sv, pids[i]) || pids[i] == l->guard_pid)
			continue;
		free_slot = STRAY_MAX;
		for (j = 0; j < STRAY_MAX; j++) {
			if (l->strays[j].pid == pids[i])
				break;
			if (l->strays[j].pid == 0 && free_slot == STRAY_MAX)
				free_slot = j;
		}
		if (j < STRAY_MAX || free_slot == STRAY_MAX)
			continue; /* already stopping, or no room: next time */
		if (kill(pids[i], 0) == -1)
			continue; /* a zombie about to be reaped, or the guard
				   */
		log_info("stopping pid %ld, which left its parent's process "
			 "group",
		    (long)pids[i]);
		l->strays[free_slot].pid = pids[i];
		l->strays[free_slot].deadline = now + l->conf->stop_timeout_ms;
		l->strays[free_slot].killed = 0;
		(void)kill(pids[i], l->conf->stop_signal);
		/* If it leads a group of its own (setsid), the guard can
		 * reach its workers should we die meanwhile. */
		loop_guard(l, pids[i], 1);
	}
}

/* SIGKILL for strays that outlived stop_timeout; returns how many are
 * left. */
static size_t
loop_strays_timer(struct loop *l, int64_t now)
{
	size_t i, n = 0;

	for (i = 0; i < STRAY_MAX; i++) {
		if (l->strays[i].pid == 0)
			continue;
		n++;
		if (!l->strays[i].killed && now >= l->strays[i].deadline) {
			l->strays[i].killed = 1;
			(void)kill(l->strays[i].pid, SIGKILL);
		}
	}
	return n;
}

/*
 * child_spawn() failed for what (a child or the build) of command cmd at
 * stage, with errno. A lack of resources (fork(2) EAGAIN, no descriptor
 * or memory left) passes: sv tries again with back-off until it works
 * (SV_START_AGAIN), and only the first failure of a run of them is logged,
 * so that a retry every few seconds for an hour is one line, not a
 * thousand. Anything else (no such command) is logged each time and
 * returns -1, counted as a crash. Keeps errno.
 */
/* Returns 1 for an errno that says the system is short of a resource for
 * the moment (processes, descriptors, memory), so that trying again later
 * may work, else 0. */
static int
loop_short(int e)
{
	return e == EAGAIN || e == ENOMEM || e == EMFILE || e == ENFILE ||
	    e == ENOBUFS;
}

static pid_t
loop_spawn_failed(
    struct loop *l, const char *what, const char *cmd, const char *stage)
{
	int e = errno;

	if (!loop_short(e)) {
		log_warn("cannot start %s'%s': %s", what, cmd, stage);
		return -1;
	}
	if (l->spawn_fails++ == 0)
		log_warnx("cannot start %s'%s': %s: %s (%s); trying again with "
			  "back-off, quietly until it works",
		    what, cmd, stage, errno_name(e), strerror(e));
	errno = e;
	return SV_START_AGAIN;
}

/* A start or build worked: tells the end of a run of failures, once. */
static void
loop_spawn_worked(struct loop *l)
{
	if (l->spawn_fails == 0)
		return;
	log_info("starting processes works again, after %lu failed "
		 "attempt%s",
	    l->spawn_fails, l->spawn_fails == 1 ? "" : "s");
	l->spawn_fails = 0;
}

/* Returns 1 while a process group that was given the sockets may still
 * hold them: the serving child, an overlap candidate, or one being
 * stopped (not a build, which gets none). */
static int
loop_socks_held(const struct loop *l)
{
	size_t i;

	if (l->sv.cur.pid != 0 || l->sv.next.pid != 0)
		return 1;
	for (i = 0; i < SV_STOP_MAX; i++)
		if (l->sv.stopping[i].pid != 0 && !l->sv.stopping[i].is_build)
			return 1;
	return 0;
}

/* sv_ops.start: restore the sockets (DESIGN 3), then spawn. The status
 * flags only when no older child holds them any more: with mode =
 * overlap one still serves, and clearing O_NONBLOCK under its event loop
 * would make its accept(2) block, with the connections it takes. */
static pid_t
loop_start(void *arg)
{
	struct loop *l = arg;
	const char *stage;
	int flags = !loop_socks_held(l);
	size_t i;
	pid_t pid;

	for (i = 0; i < l->nsocks; i++)
		if (sock_reset(&l->socks[i], flags) == -1)
			log_warn("%s: restoring flags and backlog",
			    l->socks[i].name);
	loop_strays(l, now_ms());
	if ((pid = child_spawn(&l->plan, &stage)) == -1)
		return loop_spawn_failed(l, "", l->conf->command, stage);
	loop_spawn_worked(l);
	loop_guard(l, pid, 1);
	/* the new child, and the sockets of a live reload */
	reg_update(l->reg, l->conf, l->socks, l->nsocks, pid);
	return pid;
}

/* sv_ops.build: the build in its own process group, no sockets. */
static pid_t
loop_build(void *arg)
{
	struct loop *l = arg;
	const char *stage;
	pid_t pid;

	if ((pid = child_spawn(&l->bplan, &stage)) == -1)
		return loop_spawn_failed(
		    l, "the build ", l->conf->build, stage);
	loop_spawn_worked(l);
	log_debug("building: pid %ld", (long)pid);
	loop_guard(l, pid, 1);
	return pid;
}

/* sv_ops.kill: an empty group is not an error here. */
static int
loop_kill(void *arg, pid_t pgid, int signo)
{
	(void)arg;
	if (child_kill(pgid, signo) == -1) {
		if (errno != ESRCH)
			log_warn("kill process group %ld", (long)pgid);
		return -1;
	}
	return 0;
}

static const struct sv_ops loop_ops = {loop_start, loop_build, loop_kill};

/* Returns c->env followed by the variables of compat (built into
 * l->compat), as a new array of *np pointers to strings it does not own
 * (free() only the array), or NULL with errno ENOMEM. */
static char **
loop_extra(struct loop *l, size_t *np)
{
	const struct conf *c = l->conf;
	const char **addrs;
	char **extra;
	size_t i, n;

	if ((addrs = calloc(l->nsocks + 1, sizeof(*addrs))) == NULL)
		return NULL;
	for (i = 0; i < l->nsocks; i++)
		addrs[i] = l->socks[i].addr;
	l->compat = env_compat(c->compat, addrs, l->nsocks);
	free(addrs);
	if (l->compat == NULL)
		return NULL;
	for (n = 0; l->compat[n] != NULL; n++)
		;
	if ((extra = calloc(c->nenv + n + 1, sizeof(*extra))) == NULL)
		return NULL;
	for (i = 0; i < c->nenv; i++)
		extra[i] = c->env[i];
	for (i = 0; i < n; i++)
		extra[c->nenv + i] = l->compat[i];
	*np = c->nenv + n;
	return extra;
}

/* Builds what every start reuses: argv, envp, the fd list, for the child
 * and the build. Returns 0 or -1 with errno ENOMEM. */
static int
loop_plan(struct loop *l)
{
	struct conf *c = l->conf;
	const char *notify = l->notify != NULL ? notify_addr(l->notify) : NULL;
	char *bpid, **extra;
	size_t i, nextra;

	if ((l->argv[2] = malloc(strlen(c->command) + sizeof("exec "))) == NULL)
		return -1;
	(void)strcpy(l->argv[2], "exec ");
	(void)strcat(l->argv[2], c->command);
	l->argv[0] = "/bin/sh";
	l->argv[1] = "-c";
	l->fds = calloc(l->nsocks + 1, sizeof(*l->fds));
	l->names = calloc(l->nsocks + 1, sizeof(*l->names));
	if (l->fds == NULL || l->names == NULL)
		return -1;
	for (i = 0; i < l->nsocks; i++) {
		l->fds[i] = l->socks[i].fd;
		l->names[i] = l->socks[i].name;
	}
	/* The child alone gets the compat variables: they name sockets. */
	if ((extra = loop_extra(l, &nextra)) == NULL)
		return -1;
	l->plan.pidslot = NULL;
	l->envp = env_build(environ, extra, nextra, l->names, l->nsocks, notify,
	    c->no_listen_pid ? NULL : &l->plan.pidslot);
	free(extra);
	if (l->envp == NULL)
		return -1;
	l->plan.argv = l->argv;
	l->plan.envp = l->envp;
	l->plan.fds = l->fds;
	l->plan.nfds = l->nsocks;
	l->plan.directory = c->directory;
	l->plan.parent = getpid();
	if (c->build == NULL)
		return 0;
	/* The build gets the child's environment without the sockets, and
	 * no exec: it may be a compound command. */
	l->bargv[0] = "/bin/sh";
	l->bargv[1] = "-c";
	l->bargv[2] = c->build;
	l->benvp = env_build(environ, c->env, c->nenv, NULL, 0, NULL, &bpid);
	if (l->benvp == NULL)
		return -1;
	l->bplan.argv = l->bargv;
	l->bplan.envp = l->benvp;
	l->bplan.directory = c->directory;
	l->bplan.parent = l->plan.parent;
	return 0;
}

static void
loop_unplan(struct loop *l)
{
	/* Emptied, not just freed: a live reload plans again, and a plan
	 * that fails half-way must not leave pointers to free twice. */
	free(l->argv[2]);
	l->argv[2] = NULL;
	free(l->envp);
	l->envp = NULL;
	free(l->benvp);
	l->benvp = NULL;
	free(l->compat);
	l->compat = NULL;
	free(l->fds);
	l->fds = NULL;
	free(l->names);
	l->names = NULL;
}

/* watch_drain callback: note the change for the debounce. */
static void
loop_changed(const char *path, void *arg)
{
	struct loop *l = arg;
	size_t n = strlen(l->cwd);

	if (l->conf_real != NULL && strcmp(path, l->conf_real) == 0)
		l->conf_changed = 1;
	if (strncmp(path, l->cwd, n) == 0 && path[n] == '/')
		path += n + 1;
	log_debug("%s changed", path);
	debounce_note(&l->deb, path, now_ms(), l->conf->debounce_ms);
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
		if (sv_knows(&l->sv, pid)) {
			sv_step(&l->sv, TR_CHILD_EXIT, now, pid, st, NULL);
			continue;
		}
		for (i = 0; i < STRAY_MAX; i++)
			if (l->strays[i].pid == pid) {
				l->strays[i].pid = 0;
				loop_guard(l, pid, 0);
			}
		if (pid == l->guard_pid && l->guard != -1) {
			log_warnx(
			    "the guard process died; kill -9 of holdports "
			    "would now leave grandchildren running");
			(void)close(l->guard);
			l->guard = -1;
		}
		log_debug("reaped pid %ld", (long)pid);
	}
}

/* After any wake-up: are the groups we wait for gone? */
static void
loop_check_groups(struct loop *l, int64_t now)
{
	pid_t pgids[SV_STOP_MAX];
	size_t n, i;

	n = sv_lingering(&l->sv, pgids, SV_STOP_MAX);
	for (i = 0; i < n; i++)
		if (!child_group_alive(pgids[i])) {
			/* The next child first (it may start right here),
			 * the guard after: it is ours to wait for, not the
			 * reload. An empty group's id cannot be reused yet:
			 * pids are handed out in order. */
			sv_step(&l->sv, TR_GROUP_GONE, now, pgids[i], 0, NULL);
			loop_guard(l, pgids[i], 0);
		}
}

/*
 * Reads readiness messages. Only a process of the group of the serving or
 * the starting child may speak for it (DESIGN 6): its pid comes from the
 * kernel (SCM_CREDENTIALS), not from the message.
 */
/* Messages loop_notify() handles at most per wake-up: a child sending
 * without pause cannot hold the loop from signals and deadlines. */
#define NOTIFY_BATCH 256
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

static void
loop_notify(struct loop *l, int64_t now)
{
	struct notify_msg m;
	unsigned long held;
	char more[64];
	pid_t pgid;
	int r = 0, batch;

	for (batch = 0;
	     batch < NOTIFY_BATCH && (r = notify_recv(l->notify, &m)) == 1;
	     batch++) {
		pgid = m.pid != 0 ? getpgid(m.pid) : 0;
		if (m.pid == 0) {
			/* No credentials on this system: trust the socket's
			 * address, which only our children know. */
			pgid = l->sv.next.pid != 0 ? l->sv.next.pid :
						     l->sv.cur.pid;
		} else if (pgid == -1 ||
		    (pgid != l->sv.cur.pid && pgid != l->sv.next.pid)) {
			if (log_limit(&l->foreign, now, 1, &held))
				log_warnx("notify: ignored a message from pid "
					  "%ld, which is not in the child's "
					  "process group%s",
				    (long)m.pid,
				    log_held(held, more, sizeof(more)));
			continue;
		}
		if ((m.status[0] != '\0' || m.errnum != 0) &&
		    loop_chatter(l, pgid, now, &held)) {
			if (m.status[0] != '\0')
				log_info("pid %ld: %s%s", (long)pgid, m.status,
				    log_held(held, more, sizeof(more)));
			if (m.errnum != 0)
				log_warnx("pid %ld reports %s (%s)", (long)pgid,
				    errno_name(m.errnum), strerror(m.errnum));
		}
		if (m.stopping)
			log_debug("pid %ld is stopping", (long)pgid);
		if (m.ready)
			sv_step(&l->sv, TR_READY, now, pgid, 0, NULL);
	}
	if (r == -1 && log_limit(&l->notify_err, now, 1, &held))
		log_warn("notify%s", log_held(held, more, sizeof(more)));
}

/* Returns the poll(2) timeout in ms for the nearest deadline. */
static int
loop_timeout(const struct loop *l, int64_t now)
{
	int64_t d = sv_deadline(&l->sv), t;
	pid_t pg[1];
	size_t i;

	if (l->deb.deadline >= 0 && (d < 0 || l->deb.deadline < d))
		d = l->deb.deadline;
	if (l->reconf_at >= 0 && (d < 0 || l->reconf_at < d))
		d = l->reconf_at;
	if (reg_deadline(l->reg) >= 0 && (d < 0 || reg_deadline(l->reg) < d))
		d = reg_deadline(l->reg);
	for (i = 0; i < STRAY_MAX; i++)
		if (l->strays[i].pid != 0 && !l->strays[i].killed &&
		    (d < 0 || l->strays[i].deadline < d))
			d = l->strays[i].deadline;
	if (!l->subreaper && sv_lingering(&l->sv, pg, 1) > 0 &&
	    (d < 0 || now + GROUP_RECHECK_MS < d))
		d = now + GROUP_RECHECK_MS;
	if (d < 0)
		return -1; /* nothing to wait for but events: no wake-ups */
	t = d - now;
	return t < 0 ? 0 : t > INT_MAX ? INT_MAX : (int)t;
}

static void
loop_watch(struct loop *l)
{
	size_t i;

	if (l->conf->nwatch == 0 && l->conf_real == NULL)
		return;
	if ((l->watch = watch_open(l->conf->ignore, l->conf->nignore)) ==
	    NULL) {
		log_warn("cannot watch files; reload with SIGHUP instead");
		return;
	}
	watch_gitignore(l->watch, l->conf->gitignore);
	for (i = 0; i < l->conf->nwatch; i++)
		if (watch_add(l->watch, l->conf->watch[i]) == -1 &&
		    errno != ENOSPC) /* ENOSPC: the backend said what to do */
			log_warn("watch %s", l->conf->watch[i]);
	/* The configuration file itself (DESIGN 4). */
	if (l->conf_real != NULL && watch_add(l->watch, l->conf_real) == -1 &&
	    errno != ENOSPC)
		log_warn("watch %s", l->conf_real);
	log_debug("%zu watches", watch_count(l->watch));
}

/* Returns 1 if fd is one of the sockets held now. */
static int
loop_sock_held(const struct loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nsocks; i++)
		if (l->socks[i].fd == fd)
			return 1;
	return 0;
}

/* Opens the readiness socket (in the runtime directory where the system
 * has no abstract sockets). Returns 0 or -1 (logged). */
static int
loop_open_notify(struct loop *l)
{
	const char *dir;

	if ((dir = getenv("XDG_RUNTIME_DIR")) == NULL || *dir != '/')
		dir = "/tmp";
	if ((l->notify = notify_open(dir)) == NULL) {
		log_warn("notify socket in %s", dir);
		return -1;
	}
	return 0;
}

/*
 * Finds the held socket that new socket spec sp (named name) continues:
 * the same name and listen spec first; else the same listen spec under
 * another name, but only for a fixed address (port 0 asks for any port,
 * so such a socket is known by its name alone). Returns its index in
 * l->socks or -1. kept[] marks sockets already taken.
 */
static int
loop_match(const struct loop *l, const struct spec *sp, const char *kept)
{
	size_t j;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (j = 0; j < l->nsocks; j++) {
			const struct spec *old = &l->socks[j].conf->spec;

			if (kept[j] || !spec_equal(old, sp))
				continue;
			if (strcmp(old->name, sp->name) == 0 ||
			    (pass == 1 &&
				(sp->family == AF_UNIX || sp->port != 0)))
				return (int)j;
		}
	return -1;
}

/*
 * Moves the held sockets to the new configuration nc: a socket whose
 * listen spec is unchanged keeps its descriptor (and the connections
 * queued on it), a new one is bound, a removed one closed. Returns the
 * new array, or NULL when a new socket cannot be bound (logged; then
 * nothing has changed).
 */
static struct sock *
loop_resock(struct loop *l, struct conf *nc)
{
	struct sock *ns;
	char *kept, where[CONF_PATH_MAX + 16];
	size_t i, j;
	int m, e;

	ns = calloc(nc->nsocks + 1, sizeof(*ns));
	kept = calloc(l->nsocks + 1, 1);
	if (ns == NULL || kept == NULL) {
		(void)snprintf(l->reconf_why, sizeof(l->reconf_why), "%s",
		    strerror(ENOMEM));
		errno = ENOMEM;
		goto fail;
	}
	for (i = 0; i < nc->nsocks; i++) {
		if ((m = loop_match(l, &nc->socks[i].spec, kept)) != -1) {
			kept[m] = 1;
			ns[i] = l->socks[m];
		} else {
			ns[i].fd = -1;
		}
		ns[i].conf = &nc->socks[i];
		(void)snprintf(ns[i].name, sizeof(ns[i].name), "%s",
		    nc->socks[i].spec.name);
		if (m != -1)
			continue;
		if (sock_bind(&ns[i]) == -1) {
			e = errno;
			/* Short of descriptors: loop_reconf() says it once,
			 * and tries again. */
			if (loop_short(e)) {
				spec_format(
				    &nc->socks[i].spec, where, sizeof(where));
				(void)snprintf(l->reconf_why,
				    sizeof(l->reconf_why),
				    "bind %s (%s): %s: %s", where, ns[i].name,
				    errno_name(e), strerror(e));
			} else {
				sock_warn(&ns[i], e);
			}
			for (j = 0; j < i; j++)
				if (ns[j].fd != -1 &&
				    !loop_sock_held(l, ns[j].fd))
					sock_close(&ns[j]);
			errno = e;
			goto fail;
		}
		log_info("%s listening on %s (fd %zu)", ns[i].name, ns[i].addr,
		    HP_LISTEN_FDS_START + i);
	}
	for (j = 0; j < l->nsocks; j++)
		if (!kept[j]) {
			log_info("%s on %s closed", l->socks[j].name,
			    l->socks[j].addr);
			sock_close(&l->socks[j]);
		}
	free(kept);
	return ns;
fail:
	e = errno;
	free(ns);
	free(kept);
	errno = e;
	return NULL;
}

/*
 * The configuration file changed (reason, for the reload line): read it
 * again through main's reconf(), and apply it if it is valid; an invalid
 * one is reported and the running configuration stays (DESIGN 4). When a
 * new socket cannot be had for want of a resource (EMFILE), that is said
 * once and the whole is tried again with back-off (l->reconf_at), quietly,
 * until it works; the success after failures is said once too. Returns 1
 * if applied.
 */
static int
loop_reconf(struct loop *l, int64_t now, const char *reason)
{
	char err[CONF_ERR_MAX];
	struct conf nc;
	struct sock *ns;
	int e;

	l->conf_changed = 0;
	l->reconf_at = -1;
	if (l->reconf(&nc, l->reconf_arg, err) == -1) {
		log_warnx("%s; keeping the running configuration", err);
		l->reconf_fails = 0;
		return 0;
	}
	if ((ns = loop_resock(l, &nc)) == NULL) {
		e = errno;
		conf_free(&nc);
		if (!loop_short(e)) {
			log_warnx("%s: keeping the running configuration",
			    l->conf->file);
			l->reconf_fails = 0;
			return 0;
		}
		if (l->reconf_fails++ == 0) {
			log_warnx("%s: %s; keeping the running configuration "
				  "and trying again with back-off, quietly "
				  "until it works",
			    l->conf->file, l->reconf_why);
			l->reconf_ms = SV_BACKOFF_MIN_MS;
		}
		if (reason != l->reconf_reason)
			(void)snprintf(l->reconf_reason,
			    sizeof(l->reconf_reason), "%s", reason);
		l->conf_changed = 1; /* still to apply */
		l->reconf_at = now + l->reconf_ms;
		if ((l->reconf_ms *= 2) > SV_BACKOFF_MAX_MS)
			l->reconf_ms = SV_BACKOFF_MAX_MS;
		return 0;
	}
	if (l->reconf_fails > 0) {
		log_info("%s: applied after %lu failed attempt%s",
		    l->conf->file, l->reconf_fails,
		    l->reconf_fails == 1 ? "" : "s");
		l->reconf_fails = 0;
	}
	free(l->socks);
	l->socks = *l->socksp = ns;
	l->nsocks = *l->nsocksp = nc.nsocks;
	/* ns[i].conf points into nc.socks, an array that moves with nc. */
	conf_free(l->conf);
	*l->conf = nc;
	loop_unplan(l);
	if (l->conf->ready == READY_NOTIFY && l->notify == NULL)
		loop_open_notify(l);
	if (l->conf->ready != READY_NOTIFY && l->notify != NULL) {
		notify_close(l->notify);
		l->notify = NULL;
	}
	if (loop_plan(l) == -1)
		log_warn("preparing the child");
	if (l->watch != NULL)
		watch_close(l->watch);
	l->watch = NULL;
	loop_watch(l);
	return 1;
}

/* Opens what a run needs besides the sockets; returns 0 or -1 (logged). */
static int
loop_open(struct loop *l)
{
	if (l->conf->ready == READY_NOTIFY && loop_open_notify(l) == -1)
		return -1;
	if (l->conf->file != NULL &&
	    (l->conf_real = realpath(l->conf->file, NULL)) == NULL)
		log_warn("%s: cannot watch it for changes", l->conf->file);
	if (loop_plan(l) == -1) {
		log_warn("cannot prepare the child");
		return -1;
	}
	l->subreaper = proc_subreaper() == 0;
	/* The guard stops the children's groups if we are killed outright
	 * (DESIGN 5); without it, only the direct child would notice. */
	if ((l->guard = guard_start(&l->guard_pid)) == -1)
		log_warn("no guard process; kill -9 of holdports would leave "
			 "grandchildren running");
	return 0;
}

int
loop_run(struct conf *c, struct sock **socks, size_t *nsocks,
    int (*reconf)(struct conf *, const void *, char *), const void *arg)
{
	struct loop l;
	struct pollfd pfd[3];
	char reason[sizeof(l.sv.reason)], cwd[PATH_MAX], more[64];
	int sigfd, bits, r, status = 1;
	size_t nstrays = 0;
	unsigned long held;
	nfds_t n;
	int64_t now;

	memset(&l, 0, sizeof(l));
	l.conf = c;
	l.socks = *socks;
	l.nsocks = *nsocks;
	l.socksp = socks;
	l.nsocksp = nsocks;
	l.reconf = reconf;
	l.reconf_arg = arg;
	l.deb.deadline = -1;
	l.reconf_at = -1;
	l.guard = -1;
	l.cwd = getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "";
	if ((sigfd = sigfd_open()) == -1) {
		log_warn("signal pipe");
		return 1;
	}
	if (loop_open(&l) == -1)
		goto out;
	l.reg = reg_open(c, l.socks, l.nsocks); /* a failure only warns */
	sv_init(&l.sv, c, &loop_ops, &l);
	/* Start first, watch second: a large tree is scanned while the
	 * child is already starting. */
	sv_step(&l.sv, TR_START, now_ms(), 0, 0, NULL);
	loop_watch(&l);

	/* Once sv is done, strays (daemonized children) may still be
	 * stopping: wait for them too. */
	while (l.sv.state != ST_DONE || nstrays > 0) {
		n = 0;
		pfd[n].fd = sigfd;
		pfd[n++].events = POLLIN;
		if (l.watch != NULL) {
			pfd[n].fd = watch_fd(l.watch);
			pfd[n++].events = POLLIN;
		}
		if (l.notify != NULL) {
			pfd[n].fd = notify_fd(l.notify);
			pfd[n++].events = POLLIN;
		}
		r = poll(pfd, n, loop_timeout(&l, now_ms()));
		if (r == -1 && errno != EINTR) {
			/* ENOMEM, say: try again, but do not fill the log. */
			if (log_limit(&l.poll_err, now_ms(), 1, &held))
				log_warn("poll%s",
				    log_held(held, more, sizeof(more)));
			continue;
		}
		now = now_ms();
		bits =
		    r > 0 && (pfd[0].revents & POLLIN) ? sigfd_drain(sigfd) : 0;
		if (bits & SIGFD_CHLD)
			loop_reap(&l, now);
		loop_check_groups(&l, now);
		if (r > 0 && l.notify != NULL && (pfd[n - 1].revents & POLLIN))
			loop_notify(&l, now);
		if (r > 0 && l.watch != NULL && (pfd[1].revents & POLLIN) &&
		    watch_drain(l.watch, loop_changed, &l) == -1)
			log_warn("reading file events");
		if (debounce_due(&l.deb, now, reason, sizeof(reason)) &&
		    (!l.conf_changed || loop_reconf(&l, now, reason)))
			sv_step(&l.sv, TR_RELOAD, now, 0, 0, reason);
		else if (l.reconf_at >= 0 && now >= l.reconf_at &&
		    loop_reconf(&l, now, l.reconf_reason))
			sv_step(&l.sv, TR_RELOAD, now, 0, 0, l.reconf_reason);
		if (bits & SIGFD_HUP)
			sv_step(&l.sv, TR_RELOAD, now, 0, 0, "SIGHUP");
		if (bits & SIGFD_TERM) {
			sv_step(&l.sv, TR_TERM, now, 0, 0, NULL);
			loop_strays(&l, now);
		}
		if (sv_deadline(&l.sv) >= 0 && now >= sv_deadline(&l.sv))
			sv_step(&l.sv, TR_TIMER, now, 0, 0, NULL);
		reg_retry(l.reg, now);
		nstrays = loop_strays_timer(&l, now);
		/* A start or a stop above may already have an empty group. */
		loop_check_groups(&l, now);
	}
	status = l.sv.exit_status;
out:
	if (l.watch != NULL)
		watch_close(l.watch);
	if (l.notify != NULL)
		notify_close(l.notify);
	if (l.guard != -1)
		(void)close(l.guard);
	(void)close(sigfd);
	loop_unplan(&l);
	free(l.conf_real);
	reg_close(l.reg);
	return status;
}
