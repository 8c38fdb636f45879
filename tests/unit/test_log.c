/* SPDX-License-Identifier: ISC */
/* test_log.c: log_clean() on a table of hostile and harmless strings, and
 * the log functions themselves, whose lines reach stderr cleaned. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hp.h"

struct clean_case {
	const char *in;
	size_t n; /* 0: strlen(in) */
	const char *out;
};

/* A case whose text holds a NUL: its length is that of the literal. */
#define WITH_NUL(s) s, sizeof(s) - 1

static const struct clean_case cases[] = {
    {"plain text, 42 /src/main.c", 0, "plain text, 42 /src/main.c"},
    {"", 0, ""},
    /* the attack: return to the line's start and erase it */
    {"x\r\033[2Kholdports: all fine", 0, "x\\x0d\\x1b[2Kholdports: all fine"},
    {"a\nholdports: forged line", 0, "a\\x0aholdports: forged line"},
    {"tab\there", 0, "tab\\x09here"},
    {"del\177", 0, "del\\x7f"},
    {"bell\007", 0, "bell\\x07"},
    /* a backslash is doubled: "\x1b" typed is not ESC shown */
    {"C:\\x1b", 0, "C:\\\\x1b"},
    /* UTF-8 is kept */
    {"caf\303\251 \342\202\254 \360\237\230\200", 0,
	"caf\303\251 \342\202\254 \360\237\230\200"},
    /* C1 controls: U+009B (CSI) and U+0085 (NEL) */
    {"\302\233"
     "2J",
	0, "\\xc2\\x9b2J"},
    {"\302\205", 0, "\\xc2\\x85"},
    /* bidirectional override U+202E and isolate U+2066, separator
     * U+2028 */
    {"\342\200\256txt.exe", 0, "\\xe2\\x80\\xaetxt.exe"},
    {"\342\201\246", 0, "\\xe2\\x81\\xa6"},
    {"\342\200\250", 0, "\\xe2\\x80\\xa8"},
    /* bytes that are not UTF-8: latin-1, a stray continuation byte, a
     * sequence cut short, overlong forms, a surrogate, past U+10FFFF */
    {"caf\351", 0, "caf\\xe9"},
    {"\200x", 0, "\\x80x"},
    {"\342\202", 0, "\\xe2\\x82"},
    {"\342\202x", 0, "\\xe2\\x82x"},
    {"\300\257", 0, "\\xc0\\xaf"},
    {"\340\200\257", 0, "\\xe0\\x80\\xaf"},
    {"\355\240\200", 0, "\\xed\\xa0\\x80"},
    {"\364\220\200\200", 0, "\\xf4\\x90\\x80\\x80"},
    {"\377\376", 0, "\\xff\\xfe"},
    /* log_clean_mem(): a NUL among the bytes is escaped */
    {WITH_NUL("a\0b"), "a\\x00b"},
};

static void
test_clean_table(void **state)
{
	char buf[256];
	size_t i, n;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = cases[i].n != 0 ? cases[i].n : strlen(cases[i].in);
		if (cases[i].n != 0)
			(void)log_clean_mem(buf, sizeof(buf), cases[i].in, n);
		else
			assert_ptr_equal(
			    log_clean(buf, sizeof(buf), cases[i].in), buf);
		if (strcmp(buf, cases[i].out) != 0) {
			print_error("case %zu: got \"%s\", want \"%s\"\n", i,
			    buf, cases[i].out);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

/* Cut to fit: never half an escape, never half a UTF-8 sequence. */
static void
test_clean_cut(void **state)
{
	char buf[8];

	(void)state;
	assert_string_equal(
	    log_clean(buf, sizeof(buf), "abcdefghij"), "abcdefg");
	/* "ab\x1b" needs 6 bytes and a NUL; "ab" + 4 = 6 < 8 fits, the
	 * next escape does not */
	assert_string_equal(
	    log_clean(buf, sizeof(buf), "ab\033\033"), "ab\\x1b");
	assert_string_equal(log_clean(buf, 6, "ab\033"), "ab");
	/* the euro sign (3 bytes) does not fit after 5 bytes */
	assert_string_equal(
	    log_clean(buf, sizeof(buf), "abcde\342\202\254"), "abcde");
	assert_string_equal(log_clean(buf, 3, "a\\b"), "a");
	assert_string_equal(log_clean(buf, 1, "abc"), "");
	/* len 0: nothing written, not even a NUL */
	buf[0] = 'z';
	(void)log_clean(buf, 0, "abc");
	assert_int_equal(buf[0], 'z');
}

/* Runs fn with stderr sent to a temporary file; returns what it wrote
 * (static storage). */
static const char *
captured(void (*fn)(void))
{
	static char out[4096];
	FILE *f;
	size_t n;
	int saved;

	assert_non_null(f = tmpfile());
	(void)fflush(stderr);
	assert_true((saved = dup(STDERR_FILENO)) != -1);
	assert_true(dup2(fileno(f), STDERR_FILENO) != -1);
	fn();
	(void)fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) != -1);
	(void)close(saved);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	(void)fclose(f);
	return out;
}

static void
say_hostile(void)
{
	log_init(LOG_NORMAL);
	log_info("%s changed", "src/\r\033[2Kevil\n.c");
	errno = ENOENT;
	log_warn("open %s", "a\\b\033]0;title\007");
	log_warnx("%s", "caf\351");
}

/* Whatever a caller passes, each message is one line without a control
 * character; a backslash is left alone. */
static void
test_log_lines_are_clean(void **state)
{
	(void)state;
	assert_string_equal(captured(say_hostile),
	    "holdports: src/\\x0d\\x1b[2Kevil\\x0a.c changed\n"
	    "holdports: open a\\b\\x1b]0;title\\x07: No such file or "
	    "directory\n"
	    "holdports: caf\\xe9\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean_table),
	    cmocka_unit_test(test_clean_cut),
	    cmocka_unit_test(test_log_lines_are_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
