/* SPDX-License-Identifier: ISC */
/* test_suggest.c: "did you mean" suggestions for mistyped keys and
 * values. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "suggest.h"

static const char *const keys[] = {"name", "mode", "ready", "ready_timeout",
    "debounce", "stop_signal", "stop_timeout", "restart", "listen", "backlog",
    "command", "directory", "environment", "watch", "ignore", "build",
    "gitignore", "fallback", "env_file", NULL};

static const struct {
	const char *word;
	const char *want; /* NULL: no suggestion */
} cases[] = {
    {"comand", "command"}, /* a deletion */
    {"watchh", "watch"}, /* an insertion */
    {"commnad", "command"}, /* a swap of two neighbours */
    {"biuld", "build"}, /* a swap */
    {"lisetn", "listen"}, /* a swap */
    {"COMMAND", "command"}, /* case does not count */
    {"Stop_Signal", "stop_signal"},
    {"debonce", "debounce"},
    {"gitingore", "gitignore"},
    {"envfile", "env_file"},
    {"xyz", NULL}, /* nothing near */
    {"cmd", NULL}, /* distance 4 */
    {"dir", NULL}, /* a prefix, but far */
    {"", NULL}, /* empty */
    {"nmae", "name"}, /* 1 swap in 4 letters: 2 * 1 < 4 */
    {"nm", NULL}, /* 2 deletions in 2 letters: too far */
    {"mdoe", "mode"},
    {"readytimeout", "ready_timeout"},
    {"completely_unrelated_word", NULL},
    /* Longer than SUGGEST_WORD_MAX: never compared. */
    {"commandcommandcommandcommandcommandcommandcommandcommandcommand!", NULL},
};

static void
test_table(void **state)
{
	const char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = suggest(cases[i].word, keys);
		if (cases[i].want == NULL) {
			if (got != NULL)
				fail_msg("'%s': got '%s', wanted nothing",
				    cases[i].word, got);
		} else {
			if (got == NULL || strcmp(got, cases[i].want) != 0)
				fail_msg("'%s': got '%s', wanted '%s'",
				    cases[i].word, got ? got : "(null)",
				    cases[i].want);
		}
	}
}

static void
test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("abc", ""), 3);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_int_equal(suggest_distance("abc", "abc"), 0);
	assert_int_equal(suggest_distance("abc", "acb"), 1); /* swap */
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	/* optimal string alignment: "ca" -> "abc" is 3, not 2 */
	assert_int_equal(suggest_distance("ca", "abc"), 3);
	assert_int_equal(suggest_distance("ABC", "abc"), 0);
	/* symmetric */
	assert_int_equal(suggest_distance("watchh", "watch"),
	    suggest_distance("watch", "watchh"));
}

static void
test_long_words_are_not_compared(void **state)
{
	char longw[SUGGEST_WORD_MAX + 2];

	(void)state;
	memset(longw, 'a', sizeof(longw) - 1);
	longw[sizeof(longw) - 1] = '\0';
	assert_int_equal(suggest_distance(longw, "a"), SIZE_MAX);
	assert_int_equal(suggest_distance("a", longw), SIZE_MAX);
	/* exactly SUGGEST_WORD_MAX is still compared */
	longw[SUGGEST_WORD_MAX] = '\0';
	assert_int_equal(suggest_distance(longw, longw), 0);
}

static void
test_ties_and_empty_lists(void **state)
{
	static const char *const two[] = {"mode", "node", NULL};
	static const char *const none[] = {NULL};

	(void)state;
	/* "rode" is 1 from both: the first wins */
	assert_string_equal(suggest("rode", two), "mode");
	assert_null(suggest("mode", none));
	assert_null(suggest("mode", NULL));
	/* an exact match is its own suggestion */
	assert_string_equal(suggest("node", two), "node");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_distance),
	    cmocka_unit_test(test_long_words_are_not_compared),
	    cmocka_unit_test(test_ties_and_empty_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
