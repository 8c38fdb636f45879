/* SPDX-License-Identifier: ISC */
/* child_int.h: what the files of a child share. child.c runs the child
 * (its state machine's actions, its watcher, its exits); it calls
 * child_plan.c, which builds the plans of its start and build,
 * child_out.c, which sets up what their output goes through, and
 * child_leaf.c, which keeps the cgroup leaf of each start and build.
 * Neither calls back. */

#ifndef HP_CHILD_INT_H
#define HP_CHILD_INT_H

#include <sys/types.h>

#include "child.h"
#include "out.h"

/* child_plan.c */

/* Builds what every start reuses: argv, envp, the descriptors, for the
 * child and the build. Returns 0 or -1 with errno ENOMEM. */
int child_plan(struct child *ch);
/* Frees the plans; emptied, not just freed: child_apply() plans again,
 * and a plan that fails half-way must not leave pointers to free twice. */
void child_unplan(struct child *ch);

/* child_out.c */

/* Before a spawn of plan p (which: 0 the child, 1 its build): while
 * holdports reads the output, gives the process its descriptors (p->out)
 * and starts its ring afresh: a build's always, the child's unless an
 * older child of it still runs. A failure is logged, and the process
 * then writes to holdports' own stdout and stderr. */
void child_out_begin(
    struct child *ch, struct plan *p, struct out_io *io, int which);
/* After the spawn of p as pid (-1 or SV_START_AGAIN: it did not start):
 * its output is read from now on, each line prefixed with ch's name when
 * there are several children. */
void child_out_end(
    struct child *ch, struct plan *p, struct out_io *io, pid_t pid, int which);

/* child_leaf.c */

/* Returns the leaf of ch's process group pgid, or NULL. */
struct child_leaf *child_leaf_find(struct child *ch, pid_t pgid);
/* Makes the leaf of the next start (what "run") or build ("build") of
 * ch and has plan p start in it (p->cgroup, p->cgroup_procs). Returns
 * the leaf, or NULL: none, both -1. */
struct cgroup_leaf *child_leaf_open(
    struct child *ch, struct plan *p, const char *what);
/* Makes the leaf of ch's next start now (ch->spare), if the instance has
 * cgroups, none is made yet, and ch is not stopping for good. */
void child_leaf_spare(struct child *ch);
/* Removes the leaf child_leaf_spare() made, if unused. */
void child_leaf_unspare(struct child *ch);
/* After spawn() of plan p in leaf (NULL: none) returned pid, at stage,
 * with errno: records the leaf of the new group, or removes it. A process
 * that could not enter its leaf (the kernel refused the move) turns
 * cgroups off for the rest of the run, with a warning, and makes this
 * return SV_START_AGAIN: the start is tried again without. Else returns
 * pid. Keeps errno. */
pid_t child_leaf_close(struct child *ch, struct plan *p,
    struct cgroup_leaf *leaf, pid_t pid, const char *stage);

#endif
