/* SPDX-License-Identifier: ISC */
/* cgroup.h: a cgroup v2 of its own for each child and build, below the
 * one holdports runs in, so that stopping a child, or the guard once
 * holdports is gone, ends everything it started, even what left its
 * process group (setsid(2), a double fork). Linux: cgroup.c; elsewhere
 * cgroup_none.c, whose functions fail with EOPNOTSUPP so that the caller
 * uses process groups alone. */

#ifndef HP_CGROUP_H
#define HP_CGROUP_H

#include <sys/types.h>

#include <stddef.h>

/*
 * The layout, with C the cgroup holdports runs in (/proc/self/cgroup,
 * "0::/path", below the cgroup2 mount of /proc/self/mountinfo):
 *
 *	C/                      holdports and the guard stay here
 *	C/holdports.PID/        ours: no process, no controller
 *	C/holdports.PID/LEAF/   one child or build, and all it starts
 *
 * cgroup v2 forbids processes in a cgroup whose cgroup.subtree_control
 * enables controllers ("no internal processes"), except in the root. We
 * enable none: the core files (cgroup.procs, cgroup.kill, cgroup.events)
 * need none. So C holds holdports and our subtree side by side, as it
 * may (C has no controllers enabled, or we could not be in it, unless it
 * is the root, which is exempt), and holdports need not move into a leaf
 * of its own, as systemd does for a service that enables controllers.
 * Creating and filling the subtree needs root, or C delegated to our user
 * (systemd's Delegate=, as a user's user@.service): mkdir(2) in C and
 * write access to C's cgroup.procs, since moving a process needs it on the
 * common ancestor of its old and new cgroups (cgroup-v2.rst, "Delegation
 * Containment").
 */

struct cgroup; /* holdports' subtree, C/holdports.PID */
struct cgroup_leaf; /* one child's cgroup in it */

/* Makes holdports' subtree C/holdports.PID, after removing any empty
 * holdports.PID of a process that no longer runs (left by a holdports and
 * guard both killed). Returns it, or NULL with errno (EOPNOTSUPP: no
 * cgroup v2 here, or no way to reach it; EACCES, EPERM, EROFS: not ours
 * to change; or from the calls) and "what is missing; what to do" in why
 * (len bytes), for a message at -v: the caller then uses process groups
 * alone. */
struct cgroup *cgroup_open(char *why, size_t len);
/* The subtree's folder ("/sys/fs/cgroup/.../holdports.PID"), for
 * guard_cgroup(). */
const char *cgroup_path(const struct cgroup *cg);
/* Kills every process in the subtree, waits up to 2 s (blocking: for the
 * end of the run, once the children are stopped) for it to empty, removes
 * every leaf and the subtree, and frees cg and its leaves (their
 * descriptors closed). Returns 0, or -1 with errno (EBUSY: a
 * process would not die, its cgroup is left). NULL is fine. */
int cgroup_close(struct cgroup *cg);

/* Makes the leaf C/holdports.PID/name (name: [A-Za-z0-9._-], as
 * "child.42", unique among the live leaves) and opens it, its
 * cgroup.procs and its cgroup.events. Returns it, or NULL with errno (EEXIST,
 * EINVAL for a bad name, ENOMEM, or from mkdir(2) and open(2)). */
struct cgroup_leaf *cgroup_new(struct cgroup *cg, const char *name);
/* The descriptor of the leaf's cgroup.procs, open for writing and
 * close-on-exec, for cgroup_enter() in a forked child. */
int cgroup_procs_fd(const struct cgroup_leaf *l);
/* The descriptor of the leaf's folder (O_DIRECTORY, close-on-exec), for a
 * process to start in it: proc_spawn_into(). */
int cgroup_dir_fd(const struct cgroup_leaf *l);
/* In a child between fork(2) and execve(2), first: moves the calling
 * process into the leaf whose cgroup.procs is open as procs_fd (writes
 * "0", which names the writer: cgroup-v2.rst). Everything it starts after
 * is in the leaf too. Async-signal-safe (write(2) only); the descriptor
 * was opened by the parent, whose permissions count (cgroup checks them
 * at open time). Returns 0, or -1 with errno from write(2). */
int cgroup_enter(int procs_fd);
/* Sends signo to every process in the leaf (its cgroup.procs) that is not
 * in process group skip (0: none): a stop signal that reaches what left
 * the child's process group too, after kill(2) of the group itself, so
 * that no process gets it twice (a second SIGTERM or SIGINT makes some
 * servers quit at once, without finishing their requests). Returns the
 * number of processes signalled, or -1 with errno. */
int cgroup_signal(struct cgroup_leaf *l, int signo, pid_t skip);
/* Kills every process in the leaf: cgroup.kill (Linux 5.14), which
 * reaches processes forking meanwhile; else SIGKILL to each process of
 * cgroup.procs, read again until it is empty (at most 100 rounds).
 * Returns 0, or -1 with errno. */
int cgroup_kill(struct cgroup_leaf *l);
/* Returns 1 if a process is still in the leaf, 0 if it is empty
 * ("populated" of cgroup.events), or -1 with errno. */
int cgroup_populated(struct cgroup_leaf *l);
/* The descriptor of the leaf's cgroup.events: poll(2) reports POLLPRI
 * (and POLLERR) when it changes, as when the leaf empties; then
 * cgroup_populated() tells. */
int cgroup_fd(const struct cgroup_leaf *l);
/* Removes the leaf, which must be empty of processes, and the cgroups a
 * child made below it (deepest first), and frees l. Returns 0, or -1 with
 * errno (EBUSY: still populated; l is kept then, and cgroup_close() frees
 * it). */
int cgroup_remove(struct cgroup_leaf *l);
/* Returns 1 if process pid is in a leaf of cg (or below one: its
 * /proc/PID/cgroup), so that a child of ours accounts for it even if it
 * left the child's process group; 0 if not (or it is gone), -1 with errno
 * from open(2). */
int cgroup_holds(const struct cgroup *cg, pid_t pid);

/* For the guard, holdports gone: kills every process below dir (its
 * cgroup.kill, or SIGKILL to the processes of each cgroup.procs of the
 * tree), waits up to 5 s for it to empty, then removes dir's cgroups,
 * deepest first. Returns 0, or -1 with errno. */
int cgroup_kill_tree(const char *dir);

#endif
