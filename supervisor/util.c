/* SPDX-License-Identifier: ISC */
/* util.c: small helpers every module shares. */

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Highest signal number reset: sigaction(2) fails harmlessly above NSIG
 * (which POSIX does not define) and for SIGKILL and SIGSTOP. */
#define SIG_LAST 128

void *
grow(void *v, size_t *capp, size_t need, size_t size)
{
	size_t cap = *capp > 0 ? *capp : 16;
	void *p;

	if (need <= *capp)
		return v;
	while (cap < need && cap <= SIZE_MAX / 2)
		cap *= 2;
	if (cap < need || cap > SIZE_MAX / size ||
	    (p = realloc(v, cap * size)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	*capp = cap;
	return p;
}

int
grow_buf(char **bufp, size_t *capp, size_t need)
{
	char *p;

	if ((p = grow(*bufp, capp, need, 1)) == NULL)
		return -1;
	*bufp = p;
	return 0;
}

/* Returns 1 if a '/' goes between a (la bytes long) and a b of lb bytes:
 * neither is empty and a does not end in one. Else 0. */
static size_t
join_sep(const char *a, size_t la, size_t lb)
{
	return la > 0 && lb > 0 && a[la - 1] != '/';
}

/* Writes a, the separator if sep, then b and a NUL at dst, which holds
 * la + sep + lb + 1 bytes. */
static void
join_copy(
    char *dst, const char *a, size_t la, size_t sep, const char *b, size_t lb)
{
	memcpy(dst, a, la);
	if (sep)
		dst[la] = '/';
	memcpy(dst + la + sep, b, lb + 1);
}

char *
path_join_at(
    char **bufp, size_t *capp, size_t off, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), sep = join_sep(a, la, lb);

	if (grow_buf(bufp, capp, off + la + sep + lb + 1) == -1)
		return NULL;
	join_copy(*bufp + off, a, la, sep, b, lb);
	return *bufp + off;
}

char *
path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), sep = join_sep(a, la, lb);
	char *s;

	if ((s = malloc(la + sep + lb + 1)) == NULL)
		return NULL;
	join_copy(s, a, la, sep, b, lb);
	return s;
}

int
strlist_add(char ***list, size_t *n, char *s)
{
	char **l;

	if (s == NULL)
		return -1;
	if ((l = realloc(*list, (*n + 1) * sizeof(*l))) == NULL) {
		free(s);
		errno = ENOMEM;
		return -1;
	}
	l[(*n)++] = s;
	*list = l;
	return 0;
}

void
strlist_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
signals_default(void)
{
	signals_default_except(NULL, 0);
}

void
signals_default_except(const int *keep, size_t n)
{
	struct sigaction sa;
	sigset_t none;
	size_t i;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < SIG_LAST; sig++) {
		for (i = 0; i < n && keep[i] != sig; i++)
			;
		if (i == n)
			(void)sigaction(sig, &sa, NULL);
	}
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

int
errno_transient(int e)
{
	return e == EAGAIN || e == ENOMEM || e == EMFILE || e == ENFILE ||
	    e == ENOBUFS;
}
