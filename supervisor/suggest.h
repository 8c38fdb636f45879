/* SPDX-License-Identifier: ISC */
/* suggest.h: "did you mean": the known word closest to a mistyped one. */

#ifndef HP_SUGGEST_H
#define HP_SUGGEST_H

#include <stddef.h>

/* Words longer than this are never compared (nothing is suggested). */
#define SUGGEST_WORD_MAX 64
/* The largest distance that still suggests a word. */
#define SUGGEST_DIST_MAX 2

/* Returns the Damerau-Levenshtein distance between a and b in its
 * "optimal string alignment" form (insertions, deletions, substitutions
 * and swaps of two adjacent characters, each costing 1; no substring is
 * edited twice), comparing ASCII letters without regard to case. Words
 * longer than SUGGEST_WORD_MAX bytes give SIZE_MAX. Cannot fail. */
size_t suggest_distance(const char *a, const char *b);

/* Returns the candidate of the NULL-terminated list cands (NULL is an
 * empty list) closest to word by suggest_distance(), when it is close
 * enough to be a typo: a distance of at most SUGGEST_DIST_MAX and less
 * than half the length of word ("comand" -> "command", "watchh" ->
 * "watch"; "xyz" -> nothing). On a tie the first such candidate wins.
 * Returns NULL when none is close enough (or word is empty). The result
 * points into cands. Cannot fail. */
const char *suggest(const char *word, const char *const *cands);

#endif
