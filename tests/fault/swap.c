/* SPDX-License-Identifier: ISC */
/* swap.c: an LD_PRELOAD library for the unix socket tests only (Linux,
 * glibc): plays the other user who can write to the socket's folder, and
 * replaces the socket file by a symbolic link the moment bind(2) made it,
 * which a real attacker can only hope to do by winning a race. */

/*
 * Use:
 *
 *	LD_PRELOAD=$PWD/tests/fault/hp-swap.so HP_SWAP_PATH=/dir/api.sock \
 *	    HP_SWAP_TARGET=/etc/victim holdports -l unix:/dir/api.sock ...
 *
 * Right after the first bind(2) of a unix socket to exactly HP_SWAP_PATH
 * succeeds, the socket file is renamed to HP_SWAP_PATH.moved and a
 * symbolic link to HP_SWAP_TARGET takes its place; then bind(2) returns
 * as it would have. Every other call passes through untouched.
 */

#define _GNU_SOURCE /* RTLD_NEXT */

#include <sys/socket.h>
#include <sys/un.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
bind(int fd, __CONST_SOCKADDR_ARG arg, socklen_t len)
{
	static int (*real)(int, __CONST_SOCKADDR_ARG, socklen_t);
	static int done;
	/* glibc: a transparent union under _GNU_SOURCE with clang and gcc */
	const struct sockaddr *sa = arg.__sockaddr__;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
	const char *path = getenv("HP_SWAP_PATH");
	const char *target = getenv("HP_SWAP_TARGET");
	char moved[sizeof(sun->sun_path) + 8];
	int r, e;

	if (real == NULL) {
		*(void **)&real = dlsym(RTLD_NEXT, "bind");
		if (real == NULL) {
			errno = ENOSYS;
			return -1;
		}
	}
	r = real(fd, arg, len);
	e = errno;
	if (r == 0 && !done && path != NULL && target != NULL &&
	    sa->sa_family == AF_UNIX &&
	    strncmp(sun->sun_path, path, sizeof(sun->sun_path)) == 0) {
		done = 1;
		(void)snprintf(moved, sizeof(moved), "%s.moved", path);
		if (rename(path, moved) == -1 || symlink(target, path) == -1)
			(void)fprintf(
			    stderr, "hp-swap: %s: %s\n", path, strerror(errno));
	}
	errno = e;
	return r;
}
