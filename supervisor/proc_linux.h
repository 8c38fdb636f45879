/* SPDX-License-Identifier: ISC */
/* proc_linux.h: what the Linux helpers (proc_linux.c, proc_linux_sock.c,
 * sockuse_linux.c) share. */

#ifndef HP_PROC_LINUX_H
#define HP_PROC_LINUX_H

#include <sys/types.h>

/* Returns the value of s if it is all decimal digits (a /proc entry such
 * as a pid, a tid or a descriptor), else -1. */
long proc_number(const char *s);
/* Reads up to len - 1 bytes of the file path into buf, NUL-terminated.
 * Returns the number of bytes read, or -1 with errno from open(2) or
 * read(2). */
ssize_t proc_read(const char *path, char *buf, size_t len);

/* Decodes a local address of /proc/net/tcp or tcp6 into numeric text in
 * host (CONF_HOST_MAX bytes): the kernel prints the address's 32-bit
 * words as they lie in memory, each with %08X. Returns 0 or -1. */
int proc_hexaddr(const char *hex, char *host);

#endif
