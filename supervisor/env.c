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

/* Variables a parent may have left that must never reach a child stale
 * (DESIGN 3): ours are added fresh, or not at all. */
static const char *const stale[] = {"LISTEN_PID=", "LISTEN_PIDFDID=",
    "LISTEN_FDS=", "LISTEN_FDNAMES=", "NOTIFY_SOCKET="};

/* Returns 1 if a and b are "KEY=..." strings with the same KEY. */
static int
same_key(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return strncmp(a, b, n) == 0 && b[n] == '=';
}

/* Returns 1 if s must be left out of the child's environment. */
static int
dropped(const char *s, char *const *extra, size_t nextra)
{
	size_t i;

	for (i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		if (strncmp(s, stale[i], strlen(stale[i])) == 0)
			return 1;
	for (i = 0; i < nextra; i++)
		if (same_key(extra[i], s))
			return 1;
	return 0;
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
		if (!dropped(base[i], extra, nextra))
			envp[k++] = base[i];
	for (i = 0; i < nextra; i++)
		if (!dropped(extra[i], extra + i + 1, nextra - i - 1))
			envp[k++] = extra[i]; /* the last of one KEY wins */
	if (notify != NULL) {
		envp[k++] = p;
		p += sprintf(p, "NOTIFY_SOCKET=%s", notify) + 1;
	}
	*pidslot = NULL;
	if (nfds > 0) {
		envp[k++] = p;
		p += sprintf(p, "LISTEN_FDS=%zu", nfds) + 1;
		envp[k++] = p;
		p += sprintf(p, "LISTEN_FDNAMES=");
		for (i = 0; i < nfds; i++)
			p += sprintf(p, "%s%s", i ? ":" : "", names[i]);
		p++;
		envp[k++] = p;
		*pidslot = p;
		env_set_pid(p, 0);
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
