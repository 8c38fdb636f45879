/* SPDX-License-Identifier: ISC */
/* child_leaf.c: the cgroup leaf of each start and build of a child: made
 * before the process starts in it, stopped as a whole with its process
 * group, removed once empty. */

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "child_int.h"

struct child_leaf *
child_leaf_find(struct child *ch, pid_t pgid)
{
	size_t i;

	for (i = 0; i < ch->nleaves; i++)
		if (pgid != 0 && ch->leaves[i].pgid == pgid)
			return &ch->leaves[i];
	return NULL;
}

/* Returns a cgroup leaf for a start (what "run") or a build (what
 * "build") of ch: for a start the one made ahead (ch->spare), if any;
 * else a new one named "run-N-NAME", "build-N-NAME": unique, and never a
 * cgroup's own file name. Returns it, or NULL when the instance has no
 * cgroups or it could not be made (said once a child: that start uses its
 * process group alone). */
static struct cgroup_leaf *
child_leaf_new(struct child *ch, const char *what)
{
	struct cgroups *cgs = ch->sh->cgroups;
	struct cgroup_leaf *leaf;
	char name[CONF_NAME_MAX + 48];

	if (cgs == NULL || cgs->cg == NULL || cgs->off) {
		child_leaf_unspare(ch);
		return NULL;
	}
	if (strcmp(what, "run") == 0 && ch->spare != NULL) {
		leaf = ch->spare;
		ch->spare = NULL;
		return leaf;
	}
	(void)snprintf(name, sizeof(name), "%s-%lu%s%s", what, ++cgs->made,
	    ch->conf.name[0] != '\0' ? "-" : "", ch->conf.name);
	if ((leaf = cgroup_new(cgs->cg, name)) == NULL && !ch->leaf_warned) {
		ch->leaf_warned = 1;
		log_warn("%scgroup %s; using the process group alone", ch->who,
		    name);
	}
	return leaf;
}

void
child_leaf_spare(struct child *ch)
{
	if (ch->spare == NULL && !ch->sv.exiting && !ch->leaving)
		ch->spare = child_leaf_new(ch, "run");
}

void
child_leaf_unspare(struct child *ch)
{
	if (ch->spare != NULL && cgroup_remove(ch->spare) == -1)
		log_debug("%sremoving an unused cgroup: %s", ch->who,
		    strerror(errno));
	ch->spare = NULL; /* left to cgroup_close() if not removed */
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

struct cgroup_leaf *
child_leaf_open(struct child *ch, struct plan *p, const char *what)
{
	struct cgroup_leaf *leaf = child_leaf_new(ch, what);

	p->cgroup = leaf != NULL ? cgroup_dir_fd(leaf) : -1;
	p->cgroup_procs = leaf != NULL ? cgroup_procs_fd(leaf) : -1;
	return leaf;
}

pid_t
child_leaf_close(struct child *ch, struct plan *p, struct cgroup_leaf *leaf,
    pid_t pid, const char *stage)
{
	int e = errno;

	p->cgroup = p->cgroup_procs = -1;
	child_leaf_keep(ch, pid == -1 ? 0 : pid, leaf);
	if (pid == -1 && strcmp(stage, "cgroup") == 0) {
		ch->sh->cgroups->off = 1;
		log_warnx("%scannot move a process into its cgroup: %s (%s); "
			  "using process groups alone from now on",
		    ch->who, errno_name(e), strerror(e));
		pid = SV_START_AGAIN;
	}
	errno = e;
	return pid;
}

/* Stops what is left in the leaf of cl, whose group sv no longer knows:
 * SIGCONT and the stop signal, as a group gets them (child_kill_op()),
 * then SIGKILL at stop_timeout (child_timer()). */
static void
child_leaf_stop(struct child *ch, struct child_leaf *cl, int64_t now)
{
	int sig = ch->conf.stop_signal, n;

	cl->kill_at = now + ch->conf.stop_timeout_ms;
	if (sig != SIGKILL && sig != SIGCONT)
		(void)cgroup_signal(cl->leaf, SIGCONT, 0);
	if ((n = cgroup_signal(cl->leaf, sig, 0)) <= 0)
		return;
	log_info("%sstopping %d process%s left in the cgroup of pid %ld",
	    ch->who, n, n == 1 ? "" : "es", (long)cl->pgid);
}

size_t
child_check_groups(struct child *ch, int64_t now)
{
	pid_t pgids[SV_STOP_MAX];
	struct child_leaf *cl;
	size_t n, i, left = 0;
	int waited;

	n = sv_lingering(&ch->sv, pgids, SV_STOP_MAX);
	for (i = 0; i < n; i++) {
		cl = child_leaf_find(ch, pgids[i]);
		if (spawn_group_alive(pgids[i]) ||
		    (cl != NULL && child_leaf_busy(ch, cl))) {
			left++;
			continue;
		}
		/* The next child first (it may start right here); the guard
		 * and the removal of the group's leaf (by the loop below)
		 * after: they are ours to wait for, not the reload's. An
		 * empty group's id cannot be reused yet: pids are handed out
		 * in order. */
		waited = ch->sv.pending;
		sv_step(&ch->sv, TR_GROUP_GONE, now, pgids[i], 0, NULL);
		guard_note(ch->sh->guard, pgids[i], 0);
		/* An older group gone while the new child runs (mode =
		 * overlap, a crash): the reload is over, and the next start's
		 * leaf is made in the next turn (child_timer()). One that a
		 * start waited for has just started it: its leaf comes
		 * CHILD_SPARE_MS later. */
		if (!waited && !ch->sv.pending)
			ch->spare_at = now;
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
		if (cl->kill_at == -1)
			child_leaf_stop(ch, cl, now);
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
