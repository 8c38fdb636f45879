/* SPDX-License-Identifier: ISC */
/* test_ring.c: the last 64 KiB of an output stream. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

/* A byte that tells its position in the stream apart from its
 * neighbours' (and from the ring's size in both directions). */
static unsigned char
at(uint64_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

/* Writes the bytes first..first+len-1 of the stream in one call. */
static void
put(struct ring *r, uint64_t first, size_t len)
{
	unsigned char *b = malloc(len ? len : 1);
	size_t i;

	assert_non_null(b);
	for (i = 0; i < len; i++)
		b[i] = at(first + i);
	ring_write(r, b, len);
	free(b);
}

/* Checks that r keeps exactly the last bytes of a stream of total. */
static void
check_tail(const struct ring *r, uint64_t total)
{
	unsigned char *out = malloc(RING_SIZE);
	size_t len = total < RING_SIZE ? (size_t)total : RING_SIZE, i;

	assert_non_null(out);
	assert_int_equal(ring_total(r), total);
	assert_int_equal(ring_len(r), len);
	assert_int_equal(ring_cut(r), total > RING_SIZE);
	assert_int_equal(ring_copy(r, out, RING_SIZE), len);
	for (i = 0; i < len; i++)
		assert_int_equal(out[i], at(total - len + i));
	free(out);
}

static void
test_empty(void **state)
{
	static struct ring r;
	char c = 'x';

	(void)state;
	check_tail(&r, 0);
	assert_int_equal(ring_copy(&r, &c, 1), 0);
	assert_int_equal(c, 'x');
}

static void
test_small_writes(void **state)
{
	static struct ring r;

	(void)state;
	put(&r, 0, 5);
	put(&r, 5, 0);
	put(&r, 5, 100);
	check_tail(&r, 105);
}

/* Writes of every size cross the wrap point at every offset. */
static void
test_wraps(void **state)
{
	static const size_t sizes[] = {
	    1, 3, 4095, 4096, 65535, 65536, 65537, 100000};
	static struct ring r;
	uint64_t total;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ring_clear(&r);
		total = 0;
		for (k = 0; k < 5; k++) {
			put(&r, total, sizes[i]);
			total += sizes[i];
			check_tail(&r, total);
		}
	}
}

static void
test_exactly_full(void **state)
{
	static struct ring r;

	(void)state;
	put(&r, 0, RING_SIZE);
	check_tail(&r, RING_SIZE);
	assert_int_equal(ring_cut(&r), 0);
	put(&r, RING_SIZE, 1);
	check_tail(&r, RING_SIZE + 1);
	assert_int_equal(ring_cut(&r), 1);
}

/* A short buffer gets the newest bytes, oldest first. */
static void
test_copy_short(void **state)
{
	static struct ring r;
	unsigned char out[10];
	size_t i;

	(void)state;
	put(&r, 0, RING_SIZE - 3);
	put(&r, RING_SIZE - 3, 8); /* wraps */
	assert_int_equal(ring_copy(&r, out, sizeof(out)), sizeof(out));
	for (i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], at(RING_SIZE + 5 - 10 + i));
}

static void
test_clear(void **state)
{
	static struct ring r;

	(void)state;
	put(&r, 0, 70000);
	ring_clear(&r);
	check_tail(&r, 0);
	put(&r, 0, 3);
	check_tail(&r, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_small_writes),
	    cmocka_unit_test(test_wraps),
	    cmocka_unit_test(test_exactly_full),
	    cmocka_unit_test(test_copy_short),
	    cmocka_unit_test(test_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
