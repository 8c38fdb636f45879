/* SPDX-License-Identifier: ISC */
/* loop.c: the one place the supervisor blocks: poll(2) over the signal
 * self-pipe and the watcher, with the nearest deadline as its timeout. */

#include <sys/types.h>
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

struct loop {
	struct conf *conf;
	struct sock *socks;
	size_t nsocks;
	struct child_plan plan;
	char *argv[4];
	char **envp;
	int *fds;
	const char **names;
	struct sv sv;
	struct watch *watch;
	struct debounce deb;
	const char *cwd; /* changed paths are shown relative to it */
	int subreaper;
};

/* sv_ops.start: restore the sockets (DESIGN 3), then spawn. */
static pid_t
loop_start(void *arg)
{
	struct loop *l = arg;
	const char *stage;
	size_t i;
	pid_t pid;

	for (i = 0; i < l->nsocks; i++)
		if (sock_reset(&l->socks[i]) == -1)
			log_warn("%s: restoring flags and backlog",
			    l->socks[i].name);
	if ((pid = child_spawn(&l->plan, &stage)) == -1)
		log_warn("cannot start '%s': %s", l->conf->command, stage);
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

static const struct sv_ops loop_ops = {loop_start, loop_kill};

/* Builds what every start reuses: argv, envp, the fd list. Returns 0 or
 * -1 with errno ENOMEM. */
static int
loop_plan(struct loop *l)
{
	struct conf *c = l->conf;
	size_t i, n = strlen(c->command) + sizeof("exec ");
	char *cmd;

	if ((cmd = malloc(n)) == NULL)
		return -1;
	(void)strcpy(cmd, "exec ");
	(void)strcat(cmd, c->command);
	l->argv[0] = "/bin/sh";
	l->argv[1] = "-c";
	l->argv[2] = cmd;
	l->argv[3] = NULL;
	l->fds = calloc(l->nsocks + 1, sizeof(*l->fds));
	l->names = calloc(l->nsocks + 1, sizeof(*l->names));
	if (l->fds == NULL || l->names == NULL)
		return -1;
	for (i = 0; i < l->nsocks; i++) {
		l->fds[i] = l->socks[i].fd;
		l->names[i] = l->socks[i].name;
	}
	l->envp = env_build(
	    environ, c->env, c->nenv, l->names, l->nsocks, &l->plan.pidslot);
	if (l->envp == NULL)
		return -1;
	l->plan.argv = l->argv;
	l->plan.envp = l->envp;
	l->plan.fds = l->fds;
	l->plan.nfds = l->nsocks;
	l->plan.directory = c->directory;
	return 0;
}

static void
loop_unplan(struct loop *l)
{
	free(l->argv[2]);
	free(l->envp);
	free(l->fds);
	free(l->names);
}

/* watch_drain callback: note the change for the debounce. */
static void
loop_changed(const char *path, void *arg)
{
	struct loop *l = arg;
	size_t n = strlen(l->cwd);

	if (strncmp(path, l->cwd, n) == 0 && path[n] == '/')
		path += n + 1;
	log_debug("%s changed", path);
	debounce_note(&l->deb, path, now_ms(), l->conf->debounce_ms);
}

/* Reaps every exited process: ours, and with a subreaper, orphaned
 * descendants too. Feeds the child's exit and, once nothing is left in
 * its group, TR_GROUP_GONE. */
static void
loop_reap(struct loop *l, int64_t now)
{
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
		if (pid == l->sv.pid && !l->sv.leader_gone)
			sv_step(&l->sv, TR_CHILD_EXIT, now, st, NULL);
		else
			log_debug("reaped pid %ld", (long)pid);
	}
}

/* After any wake-up: is the group we are waiting for gone? */
static void
loop_check_group(struct loop *l, int64_t now)
{
	if (l->sv.state == ST_STOPPING && l->sv.leader_gone &&
	    !child_group_alive(l->sv.pid))
		sv_step(&l->sv, TR_GROUP_GONE, now, 0, NULL);
}

/* Returns the poll(2) timeout in ms for the nearest deadline. */
static int
loop_timeout(const struct loop *l, int64_t now)
{
	int64_t d = sv_deadline(&l->sv), t;

	if (l->deb.deadline >= 0 && (d < 0 || l->deb.deadline < d))
		d = l->deb.deadline;
	if (!l->subreaper && l->sv.state == ST_STOPPING && l->sv.leader_gone &&
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

	if (l->conf->nwatch == 0)
		return;
	if ((l->watch = watch_open(l->conf->ignore, l->conf->nignore)) ==
	    NULL) {
		log_warn("cannot watch files; reload with SIGHUP instead");
		return;
	}
	for (i = 0; i < l->conf->nwatch; i++)
		if (watch_add(l->watch, l->conf->watch[i]) == -1 &&
		    errno != ENOSPC) /* ENOSPC: the backend said what to do */
			log_warn("watch %s", l->conf->watch[i]);
	log_debug("%zu watches", watch_count(l->watch));
}

int
loop_run(struct conf *c, struct sock *socks, size_t nsocks)
{
	struct loop l;
	struct pollfd pfd[2];
	char reason[sizeof(l.sv.reason)], cwd[PATH_MAX];
	int sigfd, bits, r;
	nfds_t n;
	int64_t now;

	memset(&l, 0, sizeof(l));
	l.conf = c;
	l.socks = socks;
	l.nsocks = nsocks;
	l.deb.deadline = -1;
	l.cwd = getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "";
	if (loop_plan(&l) == -1) {
		log_warn("cannot prepare the child");
		loop_unplan(&l);
		return 1;
	}
	if ((sigfd = sigfd_open()) == -1) {
		log_warn("signal pipe");
		loop_unplan(&l);
		return 1;
	}
	l.subreaper = proc_subreaper() == 0;
	sv_init(&l.sv, c, &loop_ops, &l);
	/* Start first, watch second: a large tree is scanned while the
	 * child is already starting. */
	sv_step(&l.sv, TR_START, now_ms(), 0, NULL);
	loop_watch(&l);

	while (l.sv.state != ST_DONE) {
		pfd[0].fd = sigfd;
		pfd[0].events = POLLIN;
		n = 1;
		if (l.watch != NULL) {
			pfd[1].fd = watch_fd(l.watch);
			pfd[1].events = POLLIN;
			n = 2;
		}
		r = poll(pfd, n, loop_timeout(&l, now_ms()));
		if (r == -1 && errno != EINTR) {
			log_warn("poll");
			continue;
		}
		now = now_ms();
		bits =
		    r > 0 && (pfd[0].revents & POLLIN) ? sigfd_drain(sigfd) : 0;
		if (bits & SIGFD_CHLD)
			loop_reap(&l, now);
		loop_check_group(&l, now);
		if (r > 0 && n == 2 && (pfd[1].revents & POLLIN) &&
		    watch_drain(l.watch, loop_changed, &l) == -1)
			log_warn("reading file events");
		if (debounce_due(&l.deb, now, reason, sizeof(reason)))
			sv_step(&l.sv, TR_RELOAD, now, 0, reason);
		if (bits & SIGFD_HUP)
			sv_step(&l.sv, TR_RELOAD, now, 0, "SIGHUP");
		if (bits & SIGFD_TERM)
			sv_step(&l.sv, TR_TERM, now, 0, NULL);
		if (sv_deadline(&l.sv) >= 0 && now >= sv_deadline(&l.sv))
			sv_step(&l.sv, TR_TIMER, now, 0, NULL);
		/* A start or a stop above may already have an empty group. */
		loop_check_group(&l, now);
	}
	if (l.watch != NULL)
		watch_close(l.watch);
	(void)close(sigfd);
	loop_unplan(&l);
	return l.sv.exit_status;
}
