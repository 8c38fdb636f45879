/* SPDX-License-Identifier: ISC */
/* loop_children.c: the loop's list of children, the one reload path
 * every trigger takes (reload()), the registry's record of them, and
 * the descriptor limit their sockets and fd stores need. */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "loop_int.h"

int
loop_capture(const struct conf *c)
{
	return browser_wants_output(c) || c->nchildren > 1;
}

void
reload(struct loop *l, const struct child *only, const char *reason)
{
	size_t i;

	for (i = 0; i < l->nchildren; i++)
		if ((only == NULL || only == l->children[i]) &&
		    !l->children[i]->leaving)
			child_ask(l->children[i], reason);
}

int
loop_add_child(struct loop *l, const struct childconf *cc, int64_t now)
{
	struct child *ch, **v;

	v = realloc(l->children, (l->nchildren + 1) * sizeof(struct child *));
	if (v == NULL || (ch = calloc(1, sizeof(*ch))) == NULL) {
		if (v != NULL)
			l->children = v;
		log_warn("cannot prepare the child '%s'", cc->name);
		return -1;
	}
	l->children = v;
	if (child_open(ch, cc, &l->sh, l->conf.nchildren > 1) == -1) {
		log_warn("cannot prepare the child '%s'", cc->name);
		child_close(ch);
		free(ch);
		return -1;
	}
	l->children[l->nchildren++] = ch;
	if (now >= 0)
		child_start(ch, now);
	return 0;
}

int
loop_limit(struct loop *l, size_t nsocks)
{
	if (fdpack_limit_raise(&l->limit, nsocks) == 0)
		return 0;
	if (errno == EMFILE)
		log_warnx(
		    "%zu sockets need %llu descriptors, more than the hard "
		    "limit of %llu; raise it (ulimit -Hn as root, "
		    "LimitNOFILE= in a systemd unit) or hold fewer "
		    "sockets",
		    nsocks,
		    (unsigned long long)fdpack_limit_want(&l->limit, nsocks),
		    (unsigned long long)l->limit.hard);
	else
		log_warn("raising the descriptor limit");
	return -1;
}

void
loop_limit_stores(struct loop *l, const struct conf *c, size_t nsocks)
{
	size_t i, n = nsocks;

	for (i = 0; i < c->nchildren; i++)
		n += (size_t)c->children[i].fdstore_max;
	if (n > nsocks)
		(void)fdpack_limit_raise(&l->limit, n);
}

/* Returns the name of the child of c that gets socket i, or "". */
static const char *
loop_owner(const struct conf *c, size_t i)
{
	size_t j, k;

	for (j = 0; j < c->nchildren; j++)
		for (k = 0; k < c->children[j].nsocks; k++)
			if (c->children[j].socks[k] == i)
				return c->children[j].name;
	return "";
}

void
loop_register(struct loop *l, pid_t last)
{
	struct reg_sock *rs;
	struct reg_proc *rp;
	size_t i;

	if (l->reg == NULL)
		return;
	rs = calloc(l->nsocks + 1, sizeof(*rs));
	rp = calloc(l->nchildren + 1, sizeof(*rp));
	if (rs == NULL || rp == NULL) {
		free(rs);
		free(rp);
		log_warn("registry: not updated");
		return;
	}
	for (i = 0; i < l->nsocks; i++) {
		(void)snprintf(
		    rs[i].name, sizeof(rs[i].name), "%s", l->socks[i].name);
		(void)snprintf(
		    rs[i].addr, sizeof(rs[i].addr), "%s", l->socks[i].addr);
		(void)snprintf(rs[i].child, sizeof(rs[i].child), "%s",
		    loop_owner(&l->conf, i));
	}
	for (i = 0; i < l->nchildren; i++) {
		(void)snprintf(rp[i].name, sizeof(rp[i].name), "%s",
		    l->children[i]->conf.name);
		rp[i].pid = child_pid(l->children[i]);
		rp[i].fdstore = fdstore_count(&l->children[i]->store);
		if (last == 0)
			last = rp[i].pid;
	}
	reg_update(l->reg, l->conf.name, rs, l->nsocks, rp, l->nchildren, last);
	free(rs);
	free(rp);
}
