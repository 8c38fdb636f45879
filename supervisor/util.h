/* SPDX-License-Identifier: ISC */
/* util.h: small helpers every module shares: growing arrays and buffers,
 * joining paths, lists of strings, resetting signals, sorting errno
 * values. */

#ifndef HP_UTIL_H
#define HP_UTIL_H

#include <stddef.h>

/* Makes the array v of *capp elements of size bytes (NULL and 0 at first)
 * hold at least need (> 0) elements, with realloc(3) to a capacity that
 * doubles from 16, stored in *capp. Returns the array, which may have
 * moved (v itself when it is big enough already), or NULL with errno
 * ENOMEM, v and *capp unchanged. */
void *grow(void *v, size_t *capp, size_t need, size_t size);
/* Makes the buffer *bufp of *capp bytes (NULL and 0 at first) hold at
 * least need bytes, as grow() does. Returns 0 (also when it is big enough
 * already), or -1 with errno ENOMEM, the buffer unchanged. */
int grow_buf(char **bufp, size_t *capp, size_t need);
/* Writes a, then '/' unless a or b is empty or a ends in one, then b, as
 * a string at offset off of the buffer *bufp of *capp bytes, which grows
 * as grow_buf() does. Returns the string (*bufp + off), or NULL with
 * errno ENOMEM, the buffer unchanged. */
char *path_join_at(
    char **bufp, size_t *capp, size_t off, const char *a, const char *b);
/* Joins a and b as path_join_at() does into a new string (malloc(3),
 * exact size). Returns it, or NULL with errno ENOMEM. */
char *path_join(const char *a, const char *b);

/* Appends s, which the list then owns, to the list *list of *n strings.
 * Returns 0, or -1 with errno ENOMEM after freeing s; a NULL s (a failed
 * strdup(3)) returns -1 at once, errno as it was set. */
int strlist_add(char ***list, size_t *n, char *s);
/* Frees the n strings of list and list itself (NULL is fine). */
void strlist_free(char **list, size_t n);

/* Resets the disposition of every signal to SIG_DFL (an ignored SIGPIPE
 * or SIGINT would survive execve(2)) and empties the signal mask: the
 * start of a forked process. Async-signal-safe (sigaction(2) and
 * sigprocmask(2) only). */
void signals_default(void);
/* As signals_default(), but leaves the n signals of keep as they are. */
void signals_default_except(const int *keep, size_t n);

/* Returns 1 for an errno that says the system is short of a resource for
 * the moment (EAGAIN, ENOMEM, EMFILE, ENFILE, ENOBUFS: processes,
 * descriptors, memory), so that trying again later may work; else 0. */
int errno_transient(int e);

#endif
