/* SPDX-License-Identifier: ISC */
/* suggest.c: "did you mean": the known word closest to a mistyped one, by
 * Damerau-Levenshtein distance. */

#include <stdint.h>
#include <string.h>

#include "suggest.h"

/* Returns c in lower case for an ASCII letter, else c: keys are ASCII,
 * and tolower(3) would depend on the locale. */
static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Returns the smallest of a, b and c. */
static size_t
min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * The classic dynamic programme over a (la + 1) x (lb + 1) matrix, d[i][j]
 * being the distance between the first i bytes of a and the first j of b,
 * with the extra case of a swap of two adjacent bytes (Damerau, 1964;
 * the "optimal string alignment" variant). Both lengths are bounded, so
 * the matrix lives on the stack.
 */
size_t
suggest_distance(const char *a, const char *b)
{
	size_t d[SUGGEST_WORD_MAX + 1][SUGGEST_WORD_MAX + 1];
	size_t la = strlen(a), lb = strlen(b), i, j, cost;
	unsigned char ca, cb;

	if (la > SUGGEST_WORD_MAX || lb > SUGGEST_WORD_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		ca = fold((unsigned char)a[i - 1]);
		for (j = 1; j <= lb; j++) {
			cb = fold((unsigned char)b[j - 1]);
			cost = ca == cb ? 0 : 1;
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
			    d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 &&
			    ca == fold((unsigned char)b[j - 2]) &&
			    fold((unsigned char)a[i - 2]) == cb &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

const char *
suggest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX, len = strlen(word), dist, i;

	if (cands == NULL || len == 0)
		return NULL;
	for (i = 0; cands[i] != NULL; i++) {
		dist = suggest_distance(word, cands[i]);
		if (dist < bestd) {
			bestd = dist;
			best = cands[i];
		}
	}
	/* "less than half the length": 2 * dist < len, so that a short
	 * word is not "corrected" into an unrelated one (xyz -> ready). */
	if (best == NULL || bestd > SUGGEST_DIST_MAX || 2 * bestd >= len)
		return NULL;
	return best;
}
