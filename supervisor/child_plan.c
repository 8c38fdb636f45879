/* SPDX-License-Identifier: ISC */
/* child_plan.c: the plans of a child's start and build, made once per
 * configuration and reused by every start: the program and its
 * arguments, the environment (LISTEN_FDS, LISTEN_FDNAMES, the socket
 * variables), the descriptors to pass. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "browser.h"
#include "child_int.h"
#include "cmdline.h"

extern char **environ;

/* Returns the HOLDPORTS_SOCKET_ variables of every socket of the
 * instance, when it has several children (env_sockets()), as a new array
 * (free() it); NULL when there is one child, or with *failed set when
 * memory is out. */
static char **
child_socketvars(const struct child *ch, int *failed)
{
	const struct shared *sh = ch->sh;
	const char **names, **addrs;
	char **sv = NULL;
	size_t i;

	*failed = 0;
	if (sh->conf->nchildren < 2)
		return NULL;
	names = calloc(sh->nsocks + 1, sizeof(*names));
	addrs = calloc(sh->nsocks + 1, sizeof(*addrs));
	if (names != NULL && addrs != NULL) {
		for (i = 0; i < sh->nsocks; i++) {
			names[i] = sh->socks[i].name;
			addrs[i] = sh->socks[i].addr;
		}
		sv = env_sockets(names, addrs, sh->nsocks);
	}
	free(names);
	free(addrs);
	*failed = sv == NULL;
	return sv;
}

/* Returns the variables of the child's env_file = files followed by its
 * environment= ones (env_build() lets the last of one name win, so
 * environment = wins), FDSTORE=N when its fd store is on (as systemd
 * sets it), those of compat (built into ch->compat), the
 * HOLDPORTS_SOCKET_ ones, HOLDPORTS_EVENTS and the NAME=value words that
 * start its command, as a new array of *np pointers to strings it does
 * not own (free() only the array), or NULL with errno ENOMEM. */
static char **
child_extra(struct child *ch, size_t *np)
{
	const struct childconf *cc = &ch->conf;
	char *ev = browser_env(ch->sh->browser);
	const char **addrs;
	char **extra, **sv;
	size_t i, n, k = 0;
	int failed;

	if ((addrs = calloc(cc->nsocks + 1, sizeof(*addrs))) == NULL)
		return NULL;
	for (i = 0; i < cc->nsocks; i++)
		addrs[i] = ch->sh->socks[cc->socks[i]].addr;
	ch->compat = env_compat(ch->sh->conf->compat, addrs, cc->nsocks);
	free(addrs);
	if (ch->compat == NULL)
		return NULL;
	sv = child_socketvars(ch, &failed);
	if (failed)
		return NULL;
	ch->socketvars = sv;
	n = cc->ndotenv + cc->nenv + 1 + ch->sh->nsocks + cc->nassign + 1;
	for (i = 0; ch->compat[i] != NULL; i++)
		n++;
	if ((extra = calloc(n + 1, sizeof(*extra))) == NULL)
		return NULL;
	for (i = 0; i < cc->ndotenv; i++)
		extra[k++] = cc->dotenv[i];
	for (i = 0; i < cc->nenv; i++)
		extra[k++] = cc->env[i];
	if (cc->fdstore_max > 0) {
		(void)snprintf(ch->fdstore_env, sizeof(ch->fdstore_env),
		    "FDSTORE=%d", cc->fdstore_max);
		extra[k++] = ch->fdstore_env;
	}
	for (i = 0; ch->compat[i] != NULL; i++)
		extra[k++] = ch->compat[i];
	for (i = 0; sv != NULL && sv[i] != NULL; i++)
		extra[k++] = sv[i];
	/* The events server, for the child's pages: HOLDPORTS_EVENTS. */
	if (ev != NULL)
		extra[k++] = ev;
	/* NAME=value words before the program, last: they win, as in the
	 * shell. */
	for (i = 0; i < cc->nassign; i++)
		extra[k++] = cc->assign[i];
	*np = k;
	return extra;
}

void
child_unplan(struct child *ch)
{
	free(ch->run.pathbuf);
	ch->run.pathbuf = NULL;
	free(ch->run_envp);
	ch->run_envp = NULL;
	free(ch->build_envp);
	ch->build_envp = NULL;
	free(ch->compat);
	ch->compat = NULL;
	free(ch->socketvars);
	ch->socketvars = NULL;
	free(ch->extra);
	ch->extra = NULL;
	ch->nextra = 0;
	free(ch->fds);
	ch->fds = NULL;
	free(ch->scratch);
	ch->scratch = NULL;
	free(ch->names);
	ch->names = NULL;
}

/* Tells ch's build-loop check where the program it runs lies, so that a
 * change of it (a build wrote it) does not reload it again. With
 * listen_pid = none the shell's command is looked into. Nothing is set
 * when it cannot be found: a build may make it, and the check is a
 * convenience. */
static void
child_program(struct child *ch)
{
	const struct childconf *cc = &ch->conf;
	struct cmdline cl;
	char err[64], *prog = NULL;

	memset(&cl, 0, sizeof(cl));
	if (!cc->no_listen_pid)
		prog =
		    buildloop_locate(cc->argv[0], ch->run.path, cc->directory);
	else if (cmdline_split(cc->command, &cl, err, sizeof(err)) == 0)
		prog =
		    buildloop_locate(cl.argv[0], ch->run.path, cc->directory);
	cmdline_free(&cl);
	if (buildloop_program(&ch->bl, prog) == 0 && prog != NULL)
		log_debug("%schanges of %s do not reload it", ch->who, prog);
	free(prog);
}

int
child_plan(struct child *ch)
{
	const struct childconf *cc = &ch->conf;
	char *bpid, **vars;
	size_t i;

	ch->fds = calloc(cc->nsocks + 1, sizeof(*ch->fds));
	ch->scratch = calloc(cc->nsocks + 1, sizeof(*ch->scratch));
	ch->names = calloc(cc->nsocks + 1, sizeof(*ch->names));
	if (ch->fds == NULL || ch->scratch == NULL || ch->names == NULL ||
	    (ch->stack == NULL &&
		(ch->stack = malloc(PROC_SPAWN_STACK)) == NULL))
		return -1;
	for (i = 0; i < cc->nsocks; i++) {
		ch->fds[i] = ch->sh->socks[cc->socks[i]].fd;
		ch->names[i] = ch->sh->socks[cc->socks[i]].name;
	}
	/* The child alone gets the compat variables: they name sockets. */
	if ((ch->extra = child_extra(ch, &ch->nextra)) == NULL)
		return -1;
	/* NOTIFY_SOCKET for readiness and for the fd store alone: another
	 * child's ready = notify opens the socket, not this one's reason to
	 * speak. */
	ch->notify = cc->ready == READY_NOTIFY || cc->fdstore_max > 0 ?
	    ch->sh->notify :
	    NULL;
	ch->run.pidslot = NULL;
	ch->run_envp =
	    env_build(environ, ch->extra, ch->nextra, ch->names, cc->nsocks,
		ch->notify, cc->no_listen_pid ? NULL : &ch->run.pidslot);
	if (ch->run_envp == NULL)
		return -1;
	/* Executed directly, so that its pid is LISTEN_PID: the program is
	 * searched in the PATH of its own environment, into a buffer made
	 * now, for the forked process may not allocate. */
	ch->run.argv = cc->argv;
	ch->run.envp = ch->run_envp;
	ch->run.fds = ch->fds;
	ch->run.scratch = ch->scratch;
	ch->run.stack = ch->stack;
	ch->run.nfds = cc->nsocks;
	ch->run.directory = cc->directory;
	ch->run.parent = ch->sh->supervisor;
	ch->run.limit = ch->sh->limit;
	ch->run.cgroup = ch->run.cgroup_procs = -1;
	ch->run.path = cmdline_path(ch->run_envp);
	ch->run.pathlen = cmdline_bufsize(cc->argv[0], ch->run.path);
	if ((ch->run.pathbuf = malloc(ch->run.pathlen)) == NULL)
		return -1;
	child_program(ch);
	if (cc->build == NULL)
		return 0;
	/* The build gets the child's environment without the sockets, and
	 * no exec: it may be a compound command. */
	ch->build_argv[0] = "/bin/sh";
	ch->build_argv[1] = "-c";
	ch->build_argv[2] = cc->build;
	if ((vars = calloc(cc->ndotenv + cc->nenv + 1, sizeof(*vars))) == NULL)
		return -1;
	/* memcpy(3) of a NULL list is undefined, even of 0 bytes */
	if (cc->ndotenv > 0)
		memcpy(vars, cc->dotenv, cc->ndotenv * sizeof(*vars));
	if (cc->nenv > 0)
		memcpy(vars + cc->ndotenv, cc->env, cc->nenv * sizeof(*vars));
	ch->build_envp = env_build(
	    environ, vars, cc->ndotenv + cc->nenv, NULL, 0, NULL, &bpid);
	free(vars);
	if (ch->build_envp == NULL)
		return -1;
	ch->build.argv = ch->build_argv;
	ch->build.envp = ch->build_envp;
	ch->build.directory = cc->directory;
	ch->build.parent = ch->run.parent;
	ch->build.stack = ch->stack;
	ch->build.limit = ch->sh->limit;
	ch->build.cgroup = ch->build.cgroup_procs = -1;
	return 0;
}
