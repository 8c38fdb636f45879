/* SPDX-License-Identifier: ISC */
/* loop_int.h: what the files of the loop share. The loop (loop.c) owns
 * the configuration, the held sockets and the children; loop_children.c
 * keeps the list of children and the one reload path; loop_notify.c
 * reads the readiness socket; loop_conf.c applies a new ports.ini. Each
 * calls only the files listed after it, never back. */

#ifndef HP_LOOP_INT_H
#define HP_LOOP_INT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "browser.h"
#include "child.h"
#include "fdpack.h"
#include "out.h"
#include "pollset.h"
#include "reg.h"

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
	int64_t reg_at; /* the registry is written again then, or -1 */
	pid_t reg_last; /* the last child started since it was written */
	struct out *out; /* the children's output, when it is read */
	struct browser *browser; /* the error page and the events */
};

/* loop_children.c: the list of children and what it needs. */

/* Returns 1 if holdports is to read the children's output: for the
 * error page and the events (browser_wants_output()), or to prefix each
 * line with its child's name when there are several. */
int loop_capture(const struct conf *c);
/* Asks for a reload of child only (every child for NULL), for reason:
 * the one path of every reload, whatever asked for it (a change under a
 * watched path, SIGHUP, holdports reload, the key r, a change of
 * ports.ini). It is done once at the end of the turn (loop_settle()),
 * so that several causes in one turn make one reload. */
void reload(struct loop *l, const struct child *only, const char *reason);
/* Adds a child for cc to the list and, unless the loop is only being
 * set up (now < 0, ms), starts it. Returns 0 or -1 (logged). */
int loop_add_child(struct loop *l, const struct childconf *cc, int64_t now);
/* Raises our descriptor limit (RLIMIT_NOFILE, the soft one, toward the
 * hard one) so that nsocks sockets fit besides our own descriptors; the
 * children get back the limit we were started with. Returns 0, or -1
 * when even the hard limit is too low (logged, with how to raise it). */
int loop_limit(struct loop *l, size_t nsocks);
/* Raises the limit as loop_limit() does, as far as the hard limit
 * allows, so that the fd stores of c's children fit besides nsocks
 * sockets; where they do not, fdstore_limit() says how many do. */
void loop_limit_stores(struct loop *l, const struct conf *c, size_t nsocks);
/* Records the instance in the registry again: its sockets, its children
 * and their pids, and last, the child started last (0: the newest one
 * there is). */
void loop_register(struct loop *l, pid_t last);

/* loop_notify.c: the readiness socket. */

/* Opens the readiness socket if a child of c waits for READY=1 or has
 * an fd store, and it is not open yet. Returns 0 or -1 (logged). */
int loop_open_notify(struct loop *l, const struct conf *c);
/* pollset callback of the readiness socket: reads a batch of messages. */
void loop_notify(void *arg, int fd, short revents, int64_t now);
/* Reads what the children sent before a SIGCHLD, before their exits are
 * acted on: the connections a child stored as it stopped must be in the
 * store when the next child starts, and the sender's process group is
 * known only until it is reaped (systemd reads its notify socket before
 * SIGCHLD too). */
void loop_notify_drain(struct loop *l, int64_t now);

/* loop_conf.c: a change of the configuration file. */

/* Watches the configuration file and the env_file = files of every
 * child: a change of one is read and applied. */
void loop_watch_conf(struct loop *l);
/* Adds what the configuration's watcher waits for to ps: its events,
 * its debounce, and the next try of a configuration that lacked a
 * resource. */
void loop_conf_gather(struct loop *l, struct pollset *ps);

#endif
