/* SPDX-License-Identifier: ISC */
/* child.h: one child of the instance and what is its own: its
 * configuration, its state machine, the plans of its start and of its
 * build, its file watcher and debounce. The loop keeps a list of them and
 * calls these functions; a child never calls the loop. Times are int64_t
 * milliseconds of CLOCK_MONOTONIC. */

#ifndef HP_CHILD_H
#define HP_CHILD_H

#include "buildloop.h"
#include "cgroup.h"
#include "fdstore.h"
#include "hp.h"
#include "pollset.h"
#include "polled.h"
#include "sockuse.h"
#include "ring.h"
#include "sv.h"
#include "term.h"
#include "watch.h"

struct browser;
struct out;

/* The instance's cgroups, which the loop owns: where it could create
 * them, each start and build of every child runs in a leaf of its own
 * (cgroup_new()), so that stopping it reaches even what left its process
 * group. */
struct cgroups {
	struct cgroup *cg; /* holdports' subtree, or NULL: process groups */
	unsigned long made; /* leaves made so far, for their names */
	int off; /* a process could not enter its leaf: no new ones */
};

/* What the loop shares with every child; the loop owns it and keeps it
 * up to date when the configuration changes. */
struct shared {
	const struct conf *conf; /* the instance's configuration */
	struct sock *socks; /* the held sockets, as conf->socks */
	size_t nsocks;
	const char *notify; /* the value of NOTIFY_SOCKET, or NULL */
	struct guard *guard; /* told of every process group started */
	pid_t supervisor; /* our pid, for PR_SET_PDEATHSIG */
	const struct fdpack_limit *limit; /* the descriptor limits */
	const char *cwd; /* changed paths are shown relative to it */
	const char *conf_real; /* the configuration file, canonical, or
				  NULL: its changes are the loop's */
	/* Called with prestart_arg right before each start of a child: the
	 * loop stops the strays of earlier children then, when only those
	 * can exist (after the start, the new child's own daemon might be
	 * taken for one). */
	void (*prestart)(void *arg);
	void *prestart_arg;
	struct term *term; /* holdports' terminal, lent to a child with
			      stdin = tty; NULL: none */
	struct out *out; /* reads the output of what a child starts */
	struct browser *browser; /* the error page and the events */
	struct cgroups *cgroups;
};

/* A process group of a child or build that runs in a cgroup leaf. */
struct child_leaf {
	pid_t pgid; /* 0: a start that failed */
	struct cgroup_leaf *leaf;
	/* Once sv has forgotten its group (a build that succeeded, a group
	 * it had to SIGKILL and drop) while processes are left in it: they
	 * get the stop signal, then SIGKILL (cgroup_kill()) at this time
	 * (ms); -1 before, -2 once killed. */
	int64_t kill_at;
};

/* How long after a start the cgroup leaf of the next one is made (ms):
 * once the new child has had the CPU to start, long before a developer
 * reloads again. */
#define CHILD_SPARE_MS 50

struct child {
	struct childconf conf; /* a copy of its own: it outlives a reload
				  of the configuration that drops it */
	const struct shared *sh;
	char who[CONF_FDNAME_MAX + 3]; /* "NAME: " before its log lines,
					  or "" when it is the only one */
	struct sv sv;
	/* The plans every start reuses, made again when the configuration
	 * changes: argv, envp and descriptors of the child and the build. */
	struct plan run, build;
	char *build_argv[4];
	char **run_envp, **build_envp;
	char **compat; /* from env_compat() */
	char **socketvars; /* from env_sockets(), or NULL */
	char **extra; /* what env_build() adds for the child: environment=,
			 FDSTORE=, compat's, socketvars (strings not its
			 own) */
	size_t nextra;
	char fdstore_env[32]; /* "FDSTORE=N" */
	const char *notify; /* its NOTIFY_SOCKET, or NULL */
	int *fds;
	int *scratch; /* the copy of fds a start packs */
	char *stack; /* the stack of a new process (proc_spawn()) */
	const char **names;
	/* The descriptors it keeps across its restarts (FDSTORE=1): every
	 * start passes them after the sockets. */
	struct fdstore store;
	/* Starts and builds that failed for want of a resource since the
	 * last one that worked (child_spawn_failed()). */
	unsigned long spawn_fails;
	struct watch *watch; /* its watched paths, or NULL */
	struct debounce deb; /* changes not yet acted on */
	struct buildloop bl; /* the program, and builds that reload it */
	struct polled *poll; /* its watched paths that are polled, or NULL */
	int64_t poll_at; /* the next scan of them (ms), or -1 */
	struct sockuse su; /* are its sockets used: queues, exits */
	char reason[256]; /* a reload asked for in this turn; "" for none */
	unsigned long seen; /* sv.generation when the loop last looked */
	int leaving; /* dropped from the configuration: stopping for good */
	int tty_warned; /* said that stdin = tty could not be had */
	/* The last of its output while holdports reads it, or NULL: [0]
	 * its children's, [1] its builds'. */
	struct ring *rings;
	/* What the browser side last acted on (browser.c). */
	struct child_web {
		unsigned long builds, build_fails, readies, downs;
		unsigned long next_fails;
		int page; /* the error page answers on its sockets */
		int repage; /* start it again: its sockets moved */
	} web;
	/* The cgroup leaf of each of its process groups that has one,
	 * removed once the group and its leaf are empty. */
	struct child_leaf *leaves;
	size_t nleaves, capleaves;
	/* The leaf of the next start, made ahead of it (CHILD_SPARE_MS
	 * after a start, while a reload waits for the old group or the
	 * build, or once an older group is gone while a child runs,
	 * whichever comes first): mkdir(2) in the cgroup file system
	 * and three opens are not on the way of a reload. Or NULL. */
	struct cgroup_leaf *spare;
	int64_t spare_at; /* when to make it (ms), or -1 */
	int leaf_warned; /* a leaf could not be made: said once */
};

/* Prepares ch, zeroed by the caller, for the configuration cc (copied)
 * of instance sh: its plans and its watcher. who is "" for the only
 * child, else its name, which prefixes its log lines. Nothing starts
 * until child_start(). Returns 0, or -1 with errno (ENOMEM) and ch left
 * for child_close(). */
int child_open(struct child *ch, const struct childconf *cc,
    const struct shared *sh, int named);
/* Gives a running ch the new configuration cc (copied) after a change of
 * ports.ini or of the sockets: its plans and its watcher are made again;
 * what runs goes on until the next reload. Returns 0, or -1 with errno
 * (the old plans are gone then: the next start fails and is retried). */
int child_apply(struct child *ch, const struct childconf *cc);
/* Frees what ch holds (not ch itself); its processes are the loop's to
 * have stopped first. */
void child_close(struct child *ch);

/* Starts ch: its build if it has one, then the child (TR_START). */
void child_start(struct child *ch, int64_t now);
/* Reloads ch for reason ("src/main.c changed", "SIGHUP"): build, then
 * replace the running child (TR_RELOAD). */
void child_reload(struct child *ch, int64_t now, const char *reason);
/* Stops ch for good: its child and build (TR_TERM); a second call sends
 * SIGKILL at once. */
void child_term(struct child *ch, int64_t now);
/* Returns 1 once ch has stopped for good and nothing of it is left (its
 * cgroup leaves too). */
int child_done(const struct child *ch);
/* Returns 1 if pid is a process ch started (a child or a build, running
 * or being stopped), else 0. */
int child_knows(const struct child *ch, pid_t pid);
/* Returns 1 if pgid is the process group of ch's serving, starting or
 * stopping child (not of a build): the processes that may speak for it
 * on NOTIFY_SOCKET. A child stores its connections as it stops. */
int child_speaks(const struct child *ch, pid_t pgid);
/* Returns the pid of ch's newest child (the one starting, else the one
 * serving), or 0 for none. */
pid_t child_pid(const struct child *ch);
/* The process pid of ch was reaped with wait(2) status: TR_CHILD_EXIT.
 * When it was a child (not a build), what it did to its sockets' links
 * is undone at once (sock_check_shut()): a listener it shut down listens
 * again before another process can take the port. */
void child_reaped(struct child *ch, pid_t pid, int status, int64_t now);
/* READY=1 came from process group pgid of ch: TR_READY. */
void child_ready(struct child *ch, pid_t pgid, int64_t now);
/* Runs ch's state machine on its deadline (TR_TIMER) if it is due at
 * now, and kills the cgroup leaves left behind whose stop timeout has
 * passed. */
void child_timer(struct child *ch, int64_t now);
/* Returns ch's next deadline (ms), its state machine's or a leftover
 * leaf's, or -1 for none. */
int64_t child_deadline(const struct child *ch);
/* Reads the pending events of ch's watcher and notes each changed path
 * for the debounce. Returns 0, or -1 with errno (logged). */
int child_events(struct child *ch, int64_t now);
/* Scans ch's polled paths if that is due at now, noting each change for
 * the debounce as child_events() does, and sets the next scan. */
void child_poll(struct child *ch, int64_t now);
/* If ch's debounce is due at now, asks for a reload of ch, its reason
 * "PATH changed" (child_ask()). */
void child_debounce(struct child *ch, int64_t now);
/* Asks for a reload of ch for reason: the loop applies every reload asked
 * for in one turn of the loop once, with child_reload(), so that a change
 * and a SIGHUP together make one reload. The first reason is kept. */
void child_ask(struct child *ch, const char *reason);

/* The end of a turn of the loop: tells the checks of ch's sockets what
 * ch is now (sockuse_settle()). */
void child_settle(struct child *ch, int64_t now);
/* Adds what the checks of ch's sockets wait for to ps. */
void child_gather(struct child *ch, struct pollset *ps);

/* Looks at every process group of ch that is being stopped and whose
 * leader is reaped; feeds TR_GROUP_GONE for each that is empty now (and
 * its cgroup leaf too, which is then removed) and tells the guard. A
 * leaf of a group sv no longer knows is removed once empty; what is left
 * in it is stopped as a group would be (stop signal, then SIGKILL after
 * stop_timeout: child_timer()). Returns how many are still lingering. */
size_t child_check_groups(struct child *ch, int64_t now);
/* Stores in fds (at most max) the cgroup.events descriptors of ch's
 * leaves that are waited for to empty: poll(2) them for POLLPRI, then
 * child_check_groups(). Returns how many. */
size_t child_leaf_fds(const struct child *ch, int *fds, size_t max);

#endif
