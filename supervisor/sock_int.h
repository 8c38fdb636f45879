/* SPDX-License-Identifier: ISC */
/* sock_int.h: what sock.c (binding) shares with sock_check.c (undoing
 * what a child left on a held socket). */

#ifndef HP_SOCK_INT_H
#define HP_SOCK_INT_H

#include <sys/types.h>

#include "hp.h"

/*
 * Binds fd to the unix socket path, a file of mode sc->mode (the umask is
 * set to leave exactly it around bind(2): that is the whole of the mode,
 * no chmod(2) after, which would go through the path), records the file
 * bind(2) made in *dev and *ino, and gives it sc's owner and group. The
 * file is never changed through its path: in a folder that others can
 * write it may be a link to /etc/shadow by now, and root would change
 * that; proc_sock_own() changes the inode recorded here and nothing else.
 * Returns 0, or -1 with errno from bind(2) (nothing made), or 1 with errno
 * when the file was made but cannot be used: ELOOP or ESTALE when path no
 * longer holds it (replaced since the bind), or from proc_sock_own().
 */
int sock_unix_bind(int fd, const struct sockconf *sc, const char *path,
    dev_t *dev, ino_t *ino);
/* Fills s->opt and s->optlen with the value of each option of
 * proc_sockopts() on s->fd, and s->owner with its F_GETOWN owner: the
 * state sock_check() restores. An option the socket does not have is not
 * kept. Cannot fail. */
void sock_snap_opts(struct sock *s);

#endif
