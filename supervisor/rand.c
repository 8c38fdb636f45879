/* SPDX-License-Identifier: ISC */
/* rand.c: random bytes for names others must not guess. */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hp.h"

int
rand_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t off = 0;
	ssize_t n;
	int fd;

	/* /dev/urandom is on every system holdports runs on and never
	 * blocks once the kernel's pool is seeded (random(4)); getrandom(2)
	 * and getentropy(3) are not in POSIX.1-2008. */
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (off < len) {
		if ((n = read(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0) {
			errno = EIO;
			goto fail;
		}
		off += (size_t)n;
	}
	(void)close(fd);
	return 0;
fail:
	return close_fail(fd);
}

int
rand_name(char *buf, size_t n)
{
	/* 32 symbols: 5 bits from each byte, without bias. */
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[RAND_NAME_MAX];
	size_t i;

	if (n > RAND_NAME_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (rand_bytes(r, n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		buf[i] = abc[r[i] & 31];
	buf[n] = '\0';
	return 0;
}
