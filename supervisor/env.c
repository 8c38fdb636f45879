/* SPDX-License-Identifier: ISC */
/* env.c: the child's environment, with the LISTEN_* variables of
 * sd_listen_fds(3) and a LISTEN_PID slot filled in after fork. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

/* Digits of the largest pid_t, and the NUL. */
#define PID_DIGITS 21

/* Variables a parent may have left that must never reach a child stale:
 * ours are added fresh, or not at all. */
static const char *const stale[] = {"LISTEN_PID=", "LISTEN_PIDFDID=",
    "LISTEN_FDS=", "LISTEN_FDNAMES=", "NOTIFY_SOCKET="};

/* Those never inherited, whose fresh values come through extra (conf.c
 * refuses them in environment): FDSTORE, the most descriptors the fd
 * store keeps, as systemd sets it (a parent's describes its own store);
 * and those of compat, whether compat is on or not: Server::Starter's
 * (its generation counts its own restarts), and every EINHORN_ variable,
 * which all describe an einhorn master and its descriptors, none of them
 * ours. "EINHORN_" is a prefix. Fresh compat ones come from
 * env_compat(). */
static const char *const stale_compat[] = {"FDSTORE=", "SERVER_STARTER_PORT=",
    "SERVER_STARTER_GENERATION=", "EINHORN_"};

/* Returns 1 if a and b are "KEY=..." strings with the same KEY. */
static int
same_key(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return strncmp(a, b, n) == 0 && b[n] == '=';
}

/* Returns 1 if one of the n strings of extra sets the variable of s. */
static int
shadowed(const char *s, char *const *extra, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_key(extra[i], s))
			return 1;
	return 0;
}

/* Returns 1 if s must be left out of the child's environment: stale,
 * inherited and of compat, or set again by extra. */
static int
dropped(const char *s, int inherited, char *const *extra, size_t nextra)
{
	size_t i;

	for (i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		if (strncmp(s, stale[i], strlen(stale[i])) == 0)
			return 1;
	for (i = 0;
	     inherited && i < sizeof(stale_compat) / sizeof(*stale_compat); i++)
		if (strncmp(s, stale_compat[i], strlen(stale_compat[i])) == 0)
			return 1;
	return shadowed(s, extra, nextra);
}

/*
 * One allocation holds the pointer array and the strings we make
 * (LISTEN_FDS, LISTEN_FDNAMES, the LISTEN_PID slot), so the caller frees
 * one pointer. Strings of base and extra are pointed to, not copied.
 */
char **
env_build(char *const *base, char *const *extra, size_t nextra,
    const char *const *names, size_t nfds, const char *notify, char **pidslot)
{
	size_t nbase = 0, n, i, k, namelen = 0, size;
	char **envp, *p;

	while (base != NULL && base[nbase] != NULL)
		nbase++;
	for (i = 0; i < nfds; i++)
		namelen += strlen(names[i]) + 1;
	n = nbase + nextra + 4 + 1;
	size = n * sizeof(char *);
	if (notify != NULL)
		size += sizeof("NOTIFY_SOCKET=") + strlen(notify);
	if (nfds > 0)
		size += sizeof("LISTEN_FDS=") + PID_DIGITS +
		    sizeof("LISTEN_FDNAMES=") + namelen +
		    sizeof("LISTEN_PID=") + PID_DIGITS;
	if ((envp = malloc(size)) == NULL)
		return NULL;
	p = (char *)(envp + n);

	k = 0;
	for (i = 0; i < nbase; i++)
		if (!dropped(base[i], 1, extra, nextra))
			envp[k++] = base[i];
	for (i = 0; i < nextra; i++)
		if (!dropped(extra[i], 0, extra + i + 1, nextra - i - 1))
			envp[k++] = extra[i]; /* the last of one KEY wins */
	if (notify != NULL) {
		envp[k++] = p;
		p += sprintf(p, "NOTIFY_SOCKET=%s", notify) + 1;
	}
	if (pidslot != NULL)
		*pidslot = NULL;
	if (nfds > 0) {
		envp[k++] = p;
		p += sprintf(p, "LISTEN_FDS=%zu", nfds) + 1;
		envp[k++] = p;
		p += sprintf(p, "LISTEN_FDNAMES=");
		for (i = 0; i < nfds; i++)
			p += sprintf(p, "%s%s", i ? ":" : "", names[i]);
		p++;
		/* listen_pid = none: no LISTEN_PID at all. */
		if (pidslot != NULL) {
			envp[k++] = p;
			*pidslot = p;
			env_set_pid(p, 0);
		}
	}
	envp[k] = NULL;
	return envp;
}

void
env_set_pid(char *slot, pid_t pid)
{
	static const char key[] = "LISTEN_PID=";
	char digits[PID_DIGITS];
	size_t n = 0;
	unsigned long long v = (unsigned long long)pid;

	/* No snprintf: this runs between fork() and execve(). */
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	memcpy(slot, key, sizeof(key) - 1);
	slot += sizeof(key) - 1;
	while (n > 0)
		*slot++ = digits[--n];
	*slot = '\0';
}

/* Returns the key Server::Starter writes for a socket bound at addr, as
 * struct sock's addr has it: the address without our "udp:" and "unix:"
 * prefixes. start_server writes "$host:$port" for IPv4, "[$host]:$port"
 * for IPv6 and the path for a unix socket, and marks no datagram socket
 * ("u8080" binds one, but its key is "8080"). */
static const char *
starter_key(const char *addr)
{
	if (strncmp(addr, "udp:", 4) == 0)
		addr += 4;
	if (strncmp(addr, "unix:", 5) == 0)
		addr += 5;
	return addr;
}

/*
 * Server::Starter (lib/Server/Starter.pm, start_server()) joins one
 * "KEY=FD" a socket with ';': push @sockenv, "$hostport=" . $sock->fileno;
 * ... $ENV{SERVER_STARTER_PORT} = join ";", @sockenv; and server_ports()
 * splits it back the same way. einhorn (lib/einhorn/command.rb,
 * prepare_child_environment()) sets EINHORN_FD_COUNT and one
 * EINHORN_FD_<i> a descriptor, from 0, in the order of its -b options.
 */
char **
env_compat(unsigned compat, const char *const *addrs, size_t n)
{
	size_t nvars = 1, size, i;
	char **v, *p;

	size = sizeof("SERVER_STARTER_PORT=") + sizeof("EINHORN_FD_COUNT=") +
	    PID_DIGITS;
	for (i = 0; i < n; i++) {
		size += strlen(starter_key(addrs[i])) + 1 + PID_DIGITS + 1;
		size += sizeof("EINHORN_FD_=") + 2 * PID_DIGITS;
	}
	if (compat & COMPAT_SERVER_STARTER)
		nvars++;
	if (compat & COMPAT_EINHORN)
		nvars += 1 + n;
	if ((v = malloc(nvars * sizeof(*v) + size)) == NULL)
		return NULL;
	p = (char *)(v + nvars);
	nvars = 0;
	if (compat & COMPAT_SERVER_STARTER) {
		v[nvars++] = p;
		p += sprintf(p, "SERVER_STARTER_PORT=");
		for (i = 0; i < n; i++)
			p += sprintf(p, "%s%s=%zu", i > 0 ? ";" : "",
			    starter_key(addrs[i]), HP_LISTEN_FDS_START + i);
		p++;
	}
	if (compat & COMPAT_EINHORN) {
		v[nvars++] = p;
		p += sprintf(p, "EINHORN_FD_COUNT=%zu", n) + 1;
		for (i = 0; i < n; i++) {
			v[nvars++] = p;
			p += sprintf(p, "EINHORN_FD_%zu=%zu", i,
				 HP_LISTEN_FDS_START + i) +
			    1;
		}
	}
	v[nvars] = NULL;
	return v;
}

char **
env_sockets(const char *const *names, const char *const *addrs, size_t n)
{
	size_t size = 0, i;
	char **v, *p, *q;

	for (i = 0; i < n; i++)
		size += sizeof(ENV_SOCKET_PREFIX) + strlen(names[i]) + 1 +
		    strlen(addrs[i]) + 1;
	if ((v = malloc((n + 1) * sizeof(*v) + size)) == NULL)
		return NULL;
	p = (char *)(v + n + 1);
	for (i = 0; i < n; i++) {
		v[i] = p;
		p += sprintf(p, "%s", ENV_SOCKET_PREFIX);
		/* A variable name takes letters, digits and '_' only. */
		for (q = p, p += sprintf(p, "%s", names[i]); q < p; q++)
			*q = (*q >= 'a' && *q <= 'z') ? (char)(*q - 'a' + 'A') :
			    ((*q >= 'A' && *q <= 'Z') ||
				(*q >= '0' && *q <= '9')) ?
							*q :
							'_';
		p += sprintf(p, "=%s", addrs[i]) + 1;
	}
	v[n] = NULL;
	return v;
}
