/* SPDX-License-Identifier: ISC */
/* cgroup_none.c: no cgroups here (they are Linux's): every function fails
 * with EOPNOTSUPP, so that holdports uses process groups alone. */

#include <errno.h>
#include <stdio.h>

#include "cgroup.h"

struct cgroup *
cgroup_open(char *why, size_t len)
{
	(void)snprintf(why, len, "no cgroups on this system");
	errno = EOPNOTSUPP;
	return NULL;
}

const char *
cgroup_path(const struct cgroup *cg)
{
	(void)cg;
	return "";
}

int
cgroup_close(struct cgroup *cg)
{
	(void)cg;
	return 0;
}

struct cgroup_leaf *
cgroup_new(struct cgroup *cg, const char *name)
{
	(void)cg;
	(void)name;
	errno = EOPNOTSUPP;
	return NULL;
}

int
cgroup_procs_fd(const struct cgroup_leaf *l)
{
	(void)l;
	return -1;
}

int
cgroup_dir_fd(const struct cgroup_leaf *l)
{
	(void)l;
	return -1;
}

int
cgroup_enter(int procs_fd)
{
	(void)procs_fd;
	errno = EOPNOTSUPP;
	return -1;
}

int
cgroup_signal(struct cgroup_leaf *l, int signo, pid_t skip)
{
	(void)l;
	(void)signo;
	(void)skip;
	errno = EOPNOTSUPP;
	return -1;
}

int
cgroup_kill(struct cgroup_leaf *l)
{
	(void)l;
	errno = EOPNOTSUPP;
	return -1;
}

int
cgroup_populated(struct cgroup_leaf *l)
{
	(void)l;
	errno = EOPNOTSUPP;
	return -1;
}

int
cgroup_fd(const struct cgroup_leaf *l)
{
	(void)l;
	return -1;
}

int
cgroup_remove(struct cgroup_leaf *l)
{
	(void)l;
	errno = EOPNOTSUPP;
	return -1;
}

int
cgroup_holds(const struct cgroup *cg, pid_t pid)
{
	(void)cg;
	(void)pid;
	return 0;
}

int
cgroup_kill_tree(const char *dir)
{
	(void)dir;
	errno = EOPNOTSUPP;
	return -1;
}
