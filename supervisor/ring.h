/* SPDX-License-Identifier: ISC */
/* ring.h: the last RING_SIZE bytes of a byte stream (a child's or a
 * build's output), for the error page and the events. */

#ifndef HP_RING_H
#define HP_RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_SIZE 65536 /* bytes kept: the last 64 KiB */

/* A struct ring starts zeroed (or after ring_clear()); it holds no
 * pointer, so it may be copied and needs no freeing. */
struct ring {
	uint64_t total; /* bytes written since the last clear */
	size_t head; /* where the next byte goes, < RING_SIZE */
	unsigned char buf[RING_SIZE];
};

/* Forgets everything written: ring_len() and ring_total() are 0 again. */
void ring_clear(struct ring *r);
/* Appends the len bytes at p; only the last RING_SIZE bytes of all ever
 * written are kept. Cannot fail. */
void ring_write(struct ring *r, const void *p, size_t len);
/* Returns the number of bytes written since the last clear (all of
 * them, also those no longer kept). */
uint64_t ring_total(const struct ring *r);
/* Returns the number of bytes kept: min(ring_total(), RING_SIZE). */
size_t ring_len(const struct ring *r);
/* Returns 1 if bytes written before the kept ones were dropped (the kept
 * tail may start in the middle of a line, an escape sequence or a UTF-8
 * character), else 0. */
int ring_cut(const struct ring *r);
/* Copies the last min(ring_len(), size) bytes kept, oldest first, to
 * out. Returns the number of bytes copied. */
size_t ring_copy(const struct ring *r, void *out, size_t size);

#endif
