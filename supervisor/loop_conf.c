/* SPDX-License-Identifier: ISC */
/* loop_conf.c: a change of the configuration file (or of an env_file =
 * file): read it again and, if it is valid, give each running child its
 * new configuration, start the new children, stop those that are gone,
 * and move the held sockets to the new list, keeping each that stays. */

#define _XOPEN_SOURCE 700 /* realpath(3): XSI in POSIX.1-2008 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "dotenv.h"
#include "loop_int.h"

/* A new configuration that could not be applied for want of a resource
 * is tried again after this, doubling up to the most (ms). */
#define RECONF_RETRY_MIN_MS 100
#define RECONF_RETRY_MAX_MS 10000

/* Returns 1 if child ch, as the old configuration oc has it, starts
 * differently under the new one (nc, its child ncc, the sockets ns): its
 * keys changed, or one of its sockets is another descriptor now. */
static int
loop_changed(const struct conf *oc, const struct child *ch,
    const struct conf *nc, const struct childconf *ncc, const struct sock *ns)
{
	size_t i;

	if (!childconf_equal(oc, &ch->conf, nc, ncc))
		return 1;
	for (i = 0; i < ncc->nsocks; i++)
		if (ch->fds == NULL || ch->fds[i] != ns[ncc->socks[i]].fd)
			return 1;
	return 0;
}

/* Watches the env_file = files of every child with the configuration
 * file's watcher, each once: a change of one reads the configuration
 * again, which reloads the children whose variables changed. A file no
 * longer named stays watched: its change then changes nothing. */
static void
loop_watch_env(struct loop *l)
{
	const struct childconf *cc;
	char *copy;
	size_t i, j, k;

	for (i = 0; l->conf_watch != NULL && i < l->conf.nchildren; i++) {
		cc = &l->conf.children[i];
		for (j = 0; j < cc->nenv_files; j++) {
			for (k = 0; k < l->nenvw; k++)
				if (strcmp(l->envw[k], cc->env_files[j]) == 0)
					break;
			if (k < l->nenvw)
				continue;
			if (watch_add(l->conf_watch, cc->env_files[j]) == -1 &&
			    errno != ENOSPC) {
				log_warn("watch %s", cc->env_files[j]);
				continue;
			}
			if ((copy = strdup(cc->env_files[j])) == NULL ||
			    strlist_add(&l->envw, &l->nenvw, copy) == -1)
				log_warn("watch %s", cc->env_files[j]);
		}
	}
}

/* No running child of that name (struct match). */
#define MATCH_NONE ((size_t)-1)

/* How the children of a new configuration meet the running ones. */
struct match {
	size_t *old; /* per new child: the index in l->children of the
			running child of its name, or MATCH_NONE */
	char *changed; /* per new child: it starts differently now */
	char *stays; /* per running child: the new configuration keeps it */
};

/* Matches the children of the new configuration nc with the running
 * ones, by name, into m (m->changed is loop_adopt()'s to fill). Returns
 * 0, or -1 with errno ENOMEM and m empty. */
static int
loop_match(const struct loop *l, const struct conf *nc, struct match *m)
{
	size_t i, j;

	m->old = calloc(nc->nchildren + 1, sizeof(size_t));
	m->changed = calloc(nc->nchildren + 1, 1);
	m->stays = calloc(l->nchildren + 1, 1);
	if (m->old == NULL || m->changed == NULL || m->stays == NULL) {
		free(m->old);
		free(m->changed);
		free(m->stays);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < nc->nchildren; i++) {
		m->old[i] = MATCH_NONE;
		for (j = 0; j < l->nchildren; j++)
			if (!l->children[j]->leaving &&
			    strcmp(l->children[j]->conf.name,
				nc->children[i].name) == 0)
				break;
		if (j == l->nchildren)
			continue;
		m->old[i] = j;
		m->stays[j] = 1;
	}
	return 0;
}

/* Writes into why (len bytes) the reason of a reload of ch for reason
 * when its configuration becomes cc: reason, and when the variables of
 * its env_file = files changed, the names of those that did, never their
 * values ("'.env changed (DEBUG changed; PORT added)"). */
static void
loop_env_reason(const struct child *ch, const struct childconf *cc,
    const char *reason, char *why, size_t len)
{
	const struct childconf *oc = &ch->conf;
	char keys[200];

	if (dotenv_diff(oc->dotenv, oc->ndotenv, cc->dotenv, cc->ndotenv, keys,
		sizeof(keys)) > 0)
		(void)snprintf(why, len, "%s (%s)", reason, keys);
	else
		(void)snprintf(why, len, "%s", reason);
}

/*
 * Gives the children the configuration nc, whose sockets ns are bound,
 * as m matched them, and makes it the loop's: a child that exists in
 * both gets its new configuration and, if it starts differently now, a
 * reload; a new child starts; a child that is gone stops for good.
 */
static void
loop_adopt(struct loop *l, struct conf *nc, struct sock *ns, struct match *m,
    int64_t now, const char *reason)
{
	struct conf oc = l->conf;
	char why[sizeof(l->children[0]->reason)];
	struct child *ch;
	size_t i, n = l->nchildren;

	for (i = 0; i < nc->nchildren; i++)
		if (m->old[i] != MATCH_NONE)
			m->changed[i] = loop_changed(&oc,
			    l->children[m->old[i]], nc, &nc->children[i], ns);
	free(l->socks);
	l->socks = l->sh.socks = ns;
	l->nsocks = l->sh.nsocks = nc->nsocks;
	/* ns[i].conf points into nc->socks, an array that moves with nc. */
	l->conf = *nc;
	for (i = 0; i < n; i++) {
		ch = l->children[i];
		if (m->stays[i] || ch->leaving)
			continue;
		ch->leaving = 1;
		log_info(
		    "%sremoved from %s; stopping it", ch->who, l->conf.file);
		child_term(ch, now);
	}
	for (i = 0; i < l->conf.nchildren; i++) {
		if (m->old[i] == MATCH_NONE) {
			(void)loop_add_child(l, &l->conf.children[i], now);
			continue;
		}
		ch = l->children[m->old[i]];
		loop_env_reason(
		    ch, &l->conf.children[i], reason, why, sizeof(why));
		if (child_apply(ch, &l->conf.children[i]) == -1)
			log_warn("%spreparing the child", ch->who);
		if (m->changed[i])
			reload(l, ch, why);
	}
	conf_free(&oc);
	loop_register(l, 0);
	loop_watch_env(l);
}

/* Frees what loop_match() allocated. */
static void
match_free(struct match *m)
{
	free(m->old);
	free(m->changed);
	free(m->stays);
}

/*
 * The configuration file changed (reason, for the reload line): read it
 * again and apply it if it is valid; an invalid one is reported and the
 * running configuration stays, and so does the instance, whatever
 * happened to its file. When a new socket cannot be had for want of a
 * resource (EMFILE), that is said once and the whole is tried again with
 * back-off (l->reconf_at), quietly, until it works; the success after
 * failures is said once too.
 */
static void
loop_reconf(struct loop *l, int64_t now, const char *reason)
{
	char err[CONF_ERR_MAX];
	struct match m;
	struct conf nc;
	struct sock *ns;
	int e;

	l->reconf_at = -1;
	if (conf_build(&nc, l->opts, err) != 0) {
		log_warnx("%s; keeping the running configuration", err);
		l->reconf_fails = 0;
		return;
	}
	if (l->reconf_fails == 0)
		advise_conf(&nc, &l->conf);
	/* The old sockets and the new ones are held at once for a moment. */
	(void)loop_limit(l, l->nsocks + nc.nsocks);
	loop_limit_stores(l, &nc, l->nsocks + nc.nsocks);
	if (loop_match(l, &nc, &m) == -1) {
		log_warn("%s; keeping the running configuration", l->conf.file);
		conf_free(&nc);
		return;
	}
	/* No accept(2) on a socket that may be closed or moved now. */
	browser_pause(l->browser, l->children, l->nchildren);
	ns = socks_move(
	    l->socks, l->nsocks, &nc, l->reconf_why, sizeof(l->reconf_why));
	if (ns == NULL) {
		e = errno;
		conf_free(&nc);
		match_free(&m);
		if (!errno_transient(e)) {
			log_warnx("%s: keeping the running configuration",
			    l->conf.file);
			l->reconf_fails = 0;
			return;
		}
		if (l->reconf_fails++ == 0) {
			log_warnx("%s: %s; keeping the running configuration "
				  "and trying again with back-off, quietly "
				  "until it works",
			    l->conf.file, l->reconf_why);
			l->reconf_ms = RECONF_RETRY_MIN_MS;
		}
		if (reason != l->reconf_reason)
			(void)snprintf(l->reconf_reason,
			    sizeof(l->reconf_reason), "%s", reason);
		l->reconf_at = now + l->reconf_ms;
		if ((l->reconf_ms *= 2) > RECONF_RETRY_MAX_MS)
			l->reconf_ms = RECONF_RETRY_MAX_MS;
		return;
	}
	if (l->reconf_fails > 0) {
		log_info("%s: applied after %lu failed attempt%s", l->conf.file,
		    l->reconf_fails, l->reconf_fails == 1 ? "" : "s");
		l->reconf_fails = 0;
	}
	/* Before the children plan their starts: each needs its address. */
	(void)loop_open_notify(l, &nc);
	browser_apply(l->browser, &nc); /* before the children plan */
	out_capture(l->out, loop_capture(&nc));
	loop_adopt(l, &nc, ns, &m, now, reason);
	match_free(&m);
}

/* watch_drain() callback of the configuration file's watcher. */
static void
loop_conf_changed(const char *path, void *arg)
{
	struct loop *l = arg;
	size_t n = strlen(l->cwd);

	if (strncmp(path, l->cwd, n) == 0 && path[n] == '/')
		path += n + 1;
	log_debug("%s changed", path);
	debounce_note(
	    &l->conf_deb, path, now_ms(), l->conf.defaults.debounce_ms);
}

/* pollset callback of the configuration file's watcher. */
static void
loop_conf_events(void *arg, int fd, short revents, int64_t now)
{
	struct loop *l = arg;

	(void)fd;
	(void)revents;
	(void)now;
	if (watch_drain(l->conf_watch, loop_conf_changed, l) == -1)
		log_warn("reading file events");
}

/* pollset timer: the configuration file's debounce is due. */
static void
loop_conf_due(void *arg, int64_t now)
{
	struct loop *l = arg;
	char reason[256];

	if (debounce_due(&l->conf_deb, now, reason, sizeof(reason)))
		loop_reconf(l, now, reason);
}

/* pollset timer: try again a configuration that lacked a resource. */
static void
loop_conf_retry(void *arg, int64_t now)
{
	struct loop *l = arg;

	loop_reconf(l, now, l->reconf_reason);
}

void
loop_watch_conf(struct loop *l)
{
	if (l->conf.file == NULL)
		return;
	if ((l->conf_real = realpath(l->conf.file, NULL)) == NULL) {
		log_warn("%s: cannot watch it for changes", l->conf.file);
		return;
	}
	l->sh.conf_real = l->conf_real;
	if ((l->conf_watch = watch_open(NULL, 0)) == NULL) {
		log_warn("cannot watch %s; restart holdports after changing it",
		    l->conf.file);
		return;
	}
	if (watch_add(l->conf_watch, l->conf_real) == -1 && errno != ENOSPC)
		log_warn("watch %s", l->conf_real);
	loop_watch_env(l);
}

void
loop_conf_gather(struct loop *l, struct pollset *ps)
{
	if (l->conf_watch != NULL)
		(void)pollset_add(
		    ps, watch_fd(l->conf_watch), POLLIN, loop_conf_events, l);
	(void)pollset_timer(ps, l->conf_deb.deadline, loop_conf_due, l);
	(void)pollset_timer(ps, l->reconf_at, loop_conf_retry, l);
}
