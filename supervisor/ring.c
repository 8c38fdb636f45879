/* SPDX-License-Identifier: ISC */
/* ring.c: the last RING_SIZE bytes of a byte stream. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ring.h"

void
ring_clear(struct ring *r)
{
	r->total = 0;
	r->head = 0;
}

void
ring_write(struct ring *r, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t n;

	r->total += len;
	/* Of a write longer than the ring only its end can stay. */
	if (len >= RING_SIZE) {
		memcpy(r->buf, s + len - RING_SIZE, RING_SIZE);
		r->head = 0;
		return;
	}
	n = RING_SIZE - r->head;
	if (n > len)
		n = len;
	memcpy(r->buf + r->head, s, n);
	if (len > n)
		memcpy(r->buf, s + n, len - n);
	r->head = (r->head + len) % RING_SIZE;
}

uint64_t
ring_total(const struct ring *r)
{
	return r->total;
}

size_t
ring_len(const struct ring *r)
{
	return r->total < RING_SIZE ? (size_t)r->total : RING_SIZE;
}

int
ring_cut(const struct ring *r)
{
	return r->total > RING_SIZE;
}

size_t
ring_copy(const struct ring *r, void *out, size_t size)
{
	unsigned char *o = out;
	size_t len = ring_len(r), start, n;

	if (size < len)
		len = size;
	/* The oldest byte wanted sits len bytes before head, modulo the
	 * ring's size. */
	start = (r->head + RING_SIZE - len) % RING_SIZE;
	n = RING_SIZE - start;
	if (n > len)
		n = len;
	if (n > 0)
		memcpy(o, r->buf + start, n);
	if (len > n)
		memcpy(o + n, r->buf, len - n);
	return len;
}
