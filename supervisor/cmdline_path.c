/* SPDX-License-Identifier: ISC */
/* cmdline_path.c: find the child's program in its PATH as execvp(3)
 * does: at load for messages (cmdline_resolve()), and in the forked
 * child without allocating (cmdline_execve()). */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"

/* cmdline_next()'s position once the last entry of the path is taken. */
#define CMDLINE_END ((size_t)-1)

const char *
cmdline_path(char *const *envp)
{
	size_t i;

	for (i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			return envp[i] + 5;
	return NULL;
}

/* strlen(3) without a library call, for the child after fork(2). */
static size_t
slen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

size_t
cmdline_bufsize(const char *prog, const char *path)
{
	size_t lp = slen(prog), longest = 0, n = 0, i;

	if (path == NULL)
		path = CMDLINE_DEFAULT_PATH;
	for (i = 0;; i++) {
		if (path[i] == ':' || path[i] == '\0') {
			if (n > longest)
				longest = n;
			n = 0;
			if (path[i] == '\0')
				break;
		} else {
			n++;
		}
	}
	return longest + 1 + lp + 1;
}

int
cmdline_next(
    const char *prog, const char *path, size_t *pos, char *buf, size_t len)
{
	size_t start, end, lp = slen(prog), k, i;

	if (path == NULL)
		path = CMDLINE_DEFAULT_PATH;
	if ((start = *pos) == CMDLINE_END)
		return 0; /* the last entry was taken */
	for (end = start; path[end] != ':' && path[end] != '\0'; end++)
		;
	*pos = path[end] == '\0' ? CMDLINE_END : end + 1;
	k = end - start;
	if (k + (k > 0) + lp + 1 > len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (i = 0; i < k; i++)
		buf[i] = path[start + i];
	if (k > 0)
		buf[k++] = '/';
	for (i = 0; i <= lp; i++)
		buf[k + i] = prog[i];
	return 1;
}

/* Returns 1 if s holds a '/'. Async-signal-safe. */
static int
has_slash(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '/')
			return 1;
	return 0;
}

int
cmdline_execve(const char *prog, char *const argv[], char *const envp[],
    const char *path, char *buf, size_t len)
{
	size_t pos = 0;
	int r, eacces = 0, last = ENOENT;

	if (*prog == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (has_slash(prog)) {
		(void)execve(prog, argv, envp);
		return -1;
	}
	while ((r = cmdline_next(prog, path, &pos, buf, len)) != 0) {
		if (r == -1) {
			last = errno;
			continue;
		}
		(void)execve(buf, argv, envp);
		switch (errno) {
		case EACCES:
			eacces = 1;
			/* FALLTHROUGH */
		case ENOENT:
		case ENOTDIR:
		case ESTALE:
		case ENODEV:
		case ETIMEDOUT:
			last = errno;
			break;
		default:
			return -1;
		}
	}
	errno = eacces ? EACCES : last;
	return -1;
}

/* Checks the candidate cand (relative to dir unless absolute) for
 * cmdline_resolve(), writing the path into out. Returns 0 when it is an
 * executable regular file, else -1 with errno (ENOENT, EACCES,
 * ENAMETOOLONG). */
static int
resolve_one(const char *cand, const char *dir, char *out, size_t len)
{
	struct stat st;
	int n;

	if (dir != NULL && cand[0] != '/')
		n = snprintf(out, len, "%s/%s", dir, cand);
	else
		n = snprintf(out, len, "%s", cand);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (stat(out, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode) || access(out, X_OK) == -1) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int
cmdline_resolve(
    const char *prog, const char *path, const char *dir, char *out, size_t len)
{
	size_t pos = 0, blen;
	char *cand;
	int eacces = 0, e = ENOENT;

	if (*prog == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (has_slash(prog))
		return resolve_one(prog, dir, out, len);
	blen = cmdline_bufsize(prog, path);
	if ((cand = malloc(blen)) == NULL)
		return -1;
	/* cand has room for every candidate: cmdline_next() cannot fail */
	while (cmdline_next(prog, path, &pos, cand, blen) == 1) {
		if (resolve_one(cand, dir, out, len) == 0) {
			free(cand);
			return 0;
		}
		if (errno == EACCES)
			eacces = 1;
		else if (errno == ENAMETOOLONG)
			e = ENAMETOOLONG;
	}
	free(cand);
	errno = eacces ? EACCES : e;
	return -1;
}
