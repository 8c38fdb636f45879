/* SPDX-License-Identifier: ISC */
/* sv.h: the state machine of one child: when to build, start, stop and
 * restart it. Times are int64_t milliseconds of CLOCK_MONOTONIC. */

#ifndef HP_SV_H
#define HP_SV_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* sv.c: the supervisor state machine. No syscalls: actions go through
 * struct sv_ops, so tests drive it with fakes. */

enum state {
	ST_IDLE, /* nothing started yet */
	ST_RUNNING, /* supervising (a child may or may not be running) */
	ST_DONE /* stopped for good; sv.exit_status is the exit status */
};

enum trigger {
	TR_START, /* build if configured, start the first child */
	TR_RELOAD, /* a change, SIGHUP: rebuild and replace the child */
	TR_CHILD_EXIT, /* a process of ours was reaped; pid, status given */
	TR_GROUP_GONE, /* no process is left in process group pid */
	TR_READY, /* READY=1 from the group of pid (sd_notify(3)) */
	TR_TIMER, /* the deadline sv_deadline() returned has passed */
	TR_TERM /* SIGTERM or SIGINT: stop everything and finish */
};

/* What start and build return when the system is short of a resource
 * (fork(2) EAGAIN, EMFILE, ENOMEM, ...): not the command's fault, so not a
 * crash; sv tries again with back-off, without end, until it works. */
#define SV_START_AGAIN ((pid_t)-2)

struct sv_ops {
	/* Starts a child; returns its pid (= its process group), -1 (the
	 * command cannot start: counted as a crash) or SV_START_AGAIN. */
	pid_t (*start)(void *arg);
	/* Starts the build command; returns its pid (= its group), -1 or
	 * SV_START_AGAIN, as start does. */
	pid_t (*build)(void *arg);
	/* Signals process group pgid; returns 0 or -1 with errno. */
	int (*kill)(void *arg, pid_t pgid, int signo);
};

#define SV_CRASH_MAX 5 /* crashes ... */
#define SV_CRASH_WINDOW_MS 30000 /* ... within this time: wait for a change */
#define SV_BACKOFF_MIN_MS 100
#define SV_BACKOFF_MAX_MS 10000
#define SV_BACKOFF_RESET_MS 10000 /* uptime that forgives earlier crashes */
#define SV_STOP_MAX 16 /* process groups being stopped at once */

/* Why no child can serve until something changes (sv_down()). */
enum sv_down {
	SV_UP, /* a child serves, starts, or will start on its own */
	SV_DOWN_BUILD, /* the build failed and no child runs */
	SV_DOWN_CRASHES, /* SV_CRASH_MAX crashes: waiting for a change */
	SV_DOWN_EXITED /* exited, and restart says not to start it again */
};

/* One process group of ours: a child or a build. */
struct proc {
	pid_t pid; /* its leader and process group id; 0: none */
	int64_t started; /* ms */
	int64_t deadline; /* ready timeout, or SIGKILL when stopping; -1 */
	int ready; /* READY=1 seen (always 1 with ready = none) */
	int leader_gone; /* the leader was reaped */
	int killed; /* SIGKILL sent */
	int is_build; /* a build, not a child */
};

struct sv {
	enum state state;
	const struct childconf *conf;
	const char *who; /* "NAME: " before each line about it, or "" */
	const struct sv_ops *ops;
	void *arg;
	struct proc cur; /* the child that serves */
	struct proc next; /* overlap: the one starting */
	struct proc build; /* the running build */
	struct proc stopping[SV_STOP_MAX]; /* groups being stopped */
	int pending; /* a reload (or the start) to do */
	int build_ok; /* its build succeeded */
	int64_t build_ms; /* how long that took, or -1 */
	int exiting; /* TERM: stop all, then ST_DONE */
	int waiting; /* no restart until a change */
	int64_t restart_at; /* back-off: start at (with pending: the start
			       or build SV_START_AGAIN put off), or -1 */
	int64_t reload_started; /* the pending reload began, or -1 */
	char reason[256]; /* what caused it */
	int64_t backoff_ms; /* next back-off */
	int64_t again_ms; /* next back-off after SV_START_AGAIN */
	int64_t crashes[SV_CRASH_MAX]; /* times of the last crashes */
	size_t ncrashes;
	int exit_status; /* of holdports, valid in ST_DONE */
	unsigned long generation; /* children started so far */
	/* Facts for the browser side, read after each turn of the loop:
	 * counters that only grow, so that a reader sees every change. */
	unsigned long builds; /* builds started */
	unsigned long build_fails; /* builds that failed */
	int build_status; /* the wait(2) status of the last failed build */
	int64_t build_fail_ms; /* how long it ran, ms */
	unsigned long readies; /* the first child and those of a reload
				  announced ready (not a restart after a
				  crash) */
	unsigned long next_fails; /* overlap: new children given up before
				     they were ready */
	char next_line[128]; /* why the last one was: "the new child
				exited with status 1 before it was ready" */
	enum sv_down down; /* why no child serves until a change */
	unsigned long downs; /* times down was set to other than SV_UP */
	int last_status; /* the wait(2) status of the last child's exit */
};

/* Prepares sv for the child configured by c in ST_IDLE; who ("api: ", or
 * "" with one child) starts each line it logs. Nothing is started until
 * TR_START. */
void sv_init(struct sv *, const struct childconf *, const char *who,
    const struct sv_ops *, void *arg);
/* Feeds one trigger at time now (ms). pid is the reaped process for
 * TR_CHILD_EXIT (status its wait(2) status), the process group for
 * TR_GROUP_GONE and TR_READY, else 0. reason ("src/main.c changed",
 * "SIGHUP") is used for TR_RELOAD and may be NULL. */
void sv_step(struct sv *, enum trigger, int64_t now, pid_t pid, int status,
    const char *reason);
/* Returns the absolute time of the next TR_TIMER, or -1 for none. */
int64_t sv_deadline(const struct sv *);
/* Stores in pgids (at most max) the process groups being stopped whose
 * leader is already reaped: the loop feeds TR_GROUP_GONE once each is
 * empty. Returns how many. */
size_t sv_lingering(const struct sv *, pid_t *pgids, size_t max);
/* Returns 1 while a child of sv (not a build) runs or is being stopped:
 * its process group may still hold the sockets, and with them their
 * shared file status flags. */
int sv_holding(const struct sv *);
/* Returns 1 if pid is a process sv started (child or build, running or
 * stopping), else 0. */
int sv_knows(const struct sv *, pid_t pid);
/* Returns why no child of sv can take connections until a change (a
 * reload that starts one ends it), and writes the line that says so into
 * buf (len bytes): "build failed with status 2 after 1.31 s",
 * "crashed with SIGSEGV, 5 times within 30 s; waiting for a change".
 * Returns SV_UP, with buf "", while a child runs or starts, while a group
 * of an earlier child is still being stopped (it may still accept), while
 * it stops for good, and while a crashed child waits for its back-off. */
enum sv_down sv_down(const struct sv *, char *buf, size_t len);
/* Writes the line of the last failed build into buf (len bytes): "build
 * failed with status 2 after 1.31 s", "build killed by SIGKILL after
 * 5.00 s"; "" if no build failed yet. */
void sv_build_line(const struct sv *, char *buf, size_t len);
/* Describes a wait(2) status: "exited with status 1", "killed by SIGSEGV
 * (core dumped)". Returns buf. */
char *sv_describe(int status, char *buf, size_t len);

#endif
