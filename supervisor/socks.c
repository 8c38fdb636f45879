/* SPDX-License-Identifier: ISC */
/* socks.c: the set of sockets an instance holds: bound once at start,
 * and moved to a changed configuration without closing a socket whose
 * listen spec stays. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

int
socks_bind(const struct conf *c, struct sock **sp)
{
	struct sock *s;
	size_t i, j;

	if ((s = calloc(c->nsocks + 1, sizeof(*s))) == NULL) {
		log_warn("sockets");
		return -1;
	}
	for (i = 0; i < c->nsocks; i++) {
		s[i].conf = &c->socks[i];
		(void)snprintf(
		    s[i].name, sizeof(s[i].name), "%s", c->socks[i].spec.name);
		if (sock_bind(&s[i]) == 0) {
			log_info("%s listening on %s (fd %zu)", s[i].name,
			    s[i].addr, conf_sock_fd(c, i));
			continue;
		}
		sock_warn(&s[i], errno);
		for (j = 0; j < i; j++)
			sock_close(&s[j]);
		free(s);
		return -1;
	}
	*sp = s;
	return 0;
}

void
socks_close(struct sock *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sock_close(&s[i]);
	free(s);
}

/* Returns 1 if fd is one of the n sockets of s. */
static int
socks_held(const struct sock *s, size_t n, int fd)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].fd == fd)
			return 1;
	return 0;
}

/* Returns the port held socket s is bound to (the kernel's choice for
 * port 0, the one a fallback took), or 0 for a unix socket. */
static unsigned
socks_port(const struct sock *s)
{
	if (s->bound.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&s->bound)->sin_port);
	if (s->bound.ss_family == AF_INET6)
		return ntohs(
		    ((const struct sockaddr_in6 *)&s->bound)->sin6_port);
	return 0;
}

/* Returns 1 if held socket s is where spec sp asks for: the same listen
 * spec; or the same host, family and type with port 0 in sp (any port
 * will do, so the one s has) or sp's fixed port the one s is bound to
 * (port 0 or a fallback in the running configuration, the port it got
 * written into ports.ini since). */
static int
socks_same_place(const struct sock *s, const struct spec *sp)
{
	const struct spec *o = &s->conf->spec;

	if (spec_equal(o, sp))
		return 1;
	return sp->family != AF_UNIX && o->family == sp->family &&
	    o->type == sp->type && strcmp(o->host, sp->host) == 0 &&
	    (sp->port == 0 || socks_port(s) == sp->port);
}

/*
 * Finds the held socket that new socket spec sp continues: the same name
 * and place (socks_same_place()) first; else the same place under another
 * name, but only for a fixed address (port 0 asks for any port, so such a
 * socket is known by its name alone). Returns its index in old or -1.
 * kept[] marks sockets already taken.
 */
static int
socks_match(
    const struct sock *old, size_t n, const struct spec *sp, const char *kept)
{
	size_t j;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (j = 0; j < n; j++) {
			const struct spec *o = &old[j].conf->spec;

			if (kept[j] || !socks_same_place(&old[j], sp))
				continue;
			if (strcmp(o->name, sp->name) == 0 ||
			    (pass == 1 &&
				(sp->family == AF_UNIX || sp->port != 0)))
				return (int)j;
		}
	return -1;
}

/* Binds the new socket s, to be fd fdno, of a changed configuration.
 * Returns 0, or -1 with errno: a lack of descriptors (or of memory) is
 * written into why (len bytes) for the caller to say once; anything
 * else is logged here. */
static int
socks_bind_new(struct sock *s, size_t fdno, char *why, size_t len)
{
	char where[CONF_PATH_MAX + 16];
	int e;

	if (sock_bind(s) == 0) {
		log_info("%s listening on %s (fd %zu)", s->name, s->addr, fdno);
		return 0;
	}
	e = errno;
	if (errno_transient(e)) {
		spec_format(&s->conf->spec, where, sizeof(where));
		(void)snprintf(why, len, "bind %s (%s): %s: %s", where, s->name,
		    errno_name(e), strerror(e));
	} else {
		sock_warn(s, e);
	}
	errno = e;
	return -1;
}

/* A unix socket s that stays gets the mode, user and group of its new
 * configuration nc when they changed: the file is the same, so no bind
 * gives them. A failure is logged; the socket stays as it was. */
static void
socks_unix_edit(const struct sock *s, const struct sockconf *nc)
{
	const struct sockconf *oc = s->conf;

	if (oc->spec.family != AF_UNIX ||
	    (oc->mode == nc->mode && oc->uid == nc->uid && oc->gid == nc->gid))
		return;
	if (sock_unix_apply(s, nc) == -1)
		log_warn("%s: giving %s its new mode, user and group; it keeps "
			 "the old ones",
		    s->name, nc->spec.path);
	else
		log_info("%s: %s has its new mode, user and group", s->name,
		    nc->spec.path);
}

struct sock *
socks_move(
    struct sock *old, size_t n, const struct conf *nc, char *why, size_t len)
{
	struct sock *ns;
	char *kept;
	size_t i, j;
	int m, e;

	ns = calloc(nc->nsocks + 1, sizeof(*ns));
	kept = calloc(n + 1, 1);
	if (ns == NULL || kept == NULL) {
		(void)snprintf(why, len, "%s", strerror(ENOMEM));
		errno = ENOMEM;
		goto fail;
	}
	for (i = 0; i < nc->nsocks; i++) {
		if ((m = socks_match(old, n, &nc->socks[i].spec, kept)) != -1) {
			kept[m] = 1;
			ns[i] = old[m];
		} else {
			ns[i].fd = -1;
		}
		ns[i].conf = &nc->socks[i];
		(void)snprintf(ns[i].name, sizeof(ns[i].name), "%s",
		    nc->socks[i].spec.name);
		if (m != -1)
			continue;
		if (socks_bind_new(&ns[i], conf_sock_fd(nc, i), why, len) ==
		    -1) {
			e = errno;
			for (j = 0; j < i; j++)
				if (ns[j].fd != -1 &&
				    !socks_held(old, n, ns[j].fd))
					sock_close(&ns[j]);
			errno = e;
			goto fail;
		}
	}
	/* Only now that nothing can fail: a move that fails changes
	 * nothing. */
	for (i = 0; i < nc->nsocks; i++)
		for (j = 0; j < n; j++)
			if (kept[j] && old[j].fd == ns[i].fd)
				socks_unix_edit(&old[j], &nc->socks[i]);
	for (j = 0; j < n; j++)
		if (!kept[j]) {
			log_info("%s on %s closed", old[j].name, old[j].addr);
			sock_close(&old[j]);
		}
	free(kept);
	return ns;
fail:
	e = errno;
	free(ns);
	free(kept);
	errno = e;
	return NULL;
}
