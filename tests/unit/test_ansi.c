/* SPDX-License-Identifier: ISC */
/* test_ansi.c: terminal output rendered as HTML with its colours and as
 * plain text, from real compilers' and tools' output and from the
 * sequences a terminal would not show. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ansi.h"

#define E "\033"

struct ansi_case {
	const char *name;
	const char *in;
	int flags;
	const char *html;
	const char *text;
};

static const struct ansi_case cases[] = {
    {"plain text", "hello\nworld\n", 0, "hello\nworld\n", "hello\nworld\n"},
    {"empty", "", 0, "", ""},
    {"html is escaped", "a<b> && \"c\" 'd'\n", 0,
	"a&lt;b&gt; &amp;&amp; \"c\" 'd'\n", "a<b> && \"c\" 'd'\n"},
    /* gcc 12 -fdiagnostics-color=always: SGR then EL, "\e[m" resets. */
    {"gcc error",
	E "[01m" E "[Kbad.c:4:16:" E "[m" E "[K " E "[01;31m" E "[Kerror: " E
	  "[m" E "[K\xe2\x80\x98" E "[01m" E "[Ky" E "[m" E
	  "[K\xe2\x80\x99 undeclared\n    4 |         return " E "[01;31m" E
	  "[Ky" E "[m" E "[K;\n",
	0,
	"<span class=\"B\">bad.c:4:16:</span> <span class=\"f1 B\">error: "
	"</span>\xe2\x80\x98<span class=\"B\">y</span>\xe2\x80\x99 "
	"undeclared\n    4 |         return <span class=\"f1 B\">y</span>;\n",
	"bad.c:4:16: error: \xe2\x80\x98y\xe2\x80\x99 undeclared\n    4 |  "
	"       return y;\n"},
    /* clang 14 -fcolor-diagnostics. */
    {"clang error",
	E "[1mbad.c:4:9: " E "[0m" E "[0;1;31merror: " E "[0m" E
	  "[1muse of undeclared identifier 'y'" E "[0m\n        return y;\n" E
	  "[0;1;32m        ^\n" E "[0m",
	0,
	"<span class=\"B\">bad.c:4:9: </span><span class=\"f1 B\">error: "
	"</span><span class=\"B\">use of undeclared identifier 'y'</span>\n"
	"        return y;\n<span class=\"f2 B\">        ^</span>\n",
	"bad.c:4:9: error: use of undeclared identifier 'y'\n        return "
	"y;\n        ^\n"},
    /* A Python 3.11 traceback: no colour, but <module> and carets. */
    {"python traceback",
	"Traceback (most recent call last):\n  File \"/app/server.py\", line "
	"3, in <module>\n    import flask\nModuleNotFoundError: No module "
	"named 'flask'\n",
	0,
	"Traceback (most recent call last):\n  File \"/app/server.py\", line "
	"3, in &lt;module&gt;\n    import flask\nModuleNotFoundError: No "
	"module named 'flask'\n",
	"Traceback (most recent call last):\n  File \"/app/server.py\", line "
	"3, in <module>\n    import flask\nModuleNotFoundError: No module "
	"named 'flask'\n"},
    /* cargo 1.63: 256-colour bright red, bold, and a progress line
     * ("Building [==>  ] 3/10") erased with \r and CSI K. */
    {"cargo",
	E "[0m" E "[0m" E "[1m" E "[38;5;9merror[E0425]" E "[0m" E "[0m" E
	  "[1m: cannot find value `y`" E "[0m\n" E "[1m" E "[36m    Building" E
	  "[0m [==>  ] 3/10\r" E "[K" E "[1m" E "[31merror" E
	  "[0m: could not compile `app`\n",
	0,
	"<span class=\"f9 B\">error[E0425]</span><span "
	"class=\"B\">: cannot find value `y`</span>\n<span "
	"class=\"f1 B\">error</span>: could not compile `app`\n",
	"error[E0425]: cannot find value `y`\nerror: could not compile "
	"`app`\n"},
    {"progress bar collapsed", "  0%\r 50%\r100%\ndone\n", 0, "100%\ndone\n",
	"100%\ndone\n"},
    {"shorter text leaves the rest", "hello world\rbye\n", 0, "byelo world\n",
	"byelo world\n"},
    {"crlf", "a\r\nb\r\n", 0, "a\nb\n", "a\nb\n"},
    {"backspace overwrites", "ab\bc\n", 0, "ac\n", "ac\n"},
    {"erase to start", "abcd\b\b" E "[1KX\n", 0, "  Xd\n", "  Xd\n"},
    {"erase line then write pads", "abc" E "[2Kd\n", 0, "   d\n", "   d\n"},
    {"16 colours and bright",
	E "[31mr" E "[91mR" E "[42mg" E "[102mG" E "[39;49mx\n", 0,
	"<span class=\"f1\">r</span><span class=\"f9\">R</span><span "
	"class=\"f9 g2\">g</span><span class=\"f9 g10\">G</span>x\n",
	"rRgGx\n"},
    {"256 and 24-bit",
	E "[38;5;2ma" E "[38;5;16mb" E "[48;5;255mc" E
	  "[38;2;1;2;3;48;2;255;128;0md" E "[0m\n",
	0,
	"<span class=\"f2\">a</span><span style=\"color:#000000\">b</span>"
	"<span style=\"color:#000000;background-color:#eeeeee\">c</span>"
	"<span style=\"color:#010203;background-color:#ff8000\">d</span>\n",
	"abcd\n"},
    {"colon forms",
	E "[38:2::10:20:30mx" E "[38:2:40:50:60my" E "[38:5:1mz" E "[4:3mu" E
	  "[4:0mv\n",
	0,
	"<span style=\"color:#0a141e\">x</span><span "
	"style=\"color:#28323c\">y</span><span class=\"f1\">z</span><span "
	"class=\"f1 U\">u</span><span class=\"f1\">v</span>\n",
	"xyzuv\n"},
    {"attributes and their ends",
	E "[1;2;3;4ma" E "[22mb" E "[23mc" E "[24md\n", 0,
	"<span class=\"B D I U\">a</span><span class=\"I U\">b</span><span "
	"class=\"U\">c</span>d\n",
	"abcd\n"},
    {"unknown sgr ignored", E "[5;7;53;31mx" E "[mY\n", 0,
	"<span class=\"f1\">x</span>Y\n", "xY\n"},
    {"bad extended colours ignored",
	E "[38;5;300ma" E "[38;2;1;2mb" E "[38;9mc\n", 0, "abc\n", "abc\n"},
    {"spans end at the line end", E "[31ma\nb" E "[0m\n", 0,
	"<span class=\"f1\">a</span>\n<span class=\"f1\">b</span>\n", "a\nb\n"},
    {"cursor moves and modes dropped",
	E "[2A" E "[10;5H" E "[?25l" E "[>4;2m" E "[?1049hx" E "[2J\n", 0,
	"x\n", "x\n"},
    {"osc title and hyperlink",
	E "]0;title"
	  "\x07" E "]8;;http://e.x/" E "\\link" E "]8;;" E "\\\n",
	0, "link\n", "link\n"},
    {"dcs and apc dropped", E "Pq#0;2;0;0;0" E "\\a" E "_x" E "\\b\n", 0,
	"ab\n", "ab\n"},
    {"two-byte escapes and lone esc", E "(Ba" E "7b" E "c" E "\n", 0, "ab\n",
	"ab\n"},
    {"can aborts a sequence", E "[31\x18x\n", 0, "x\n", "x\n"},
    {"controls dropped",
	"a\x07\x01\x7f"
	"b\xc2\x9b"
	"c\n",
	0, "abc\n", "abc\n"},
    {"tab kept", "a\tb\n", 0, "a\tb\n", "a\tb\n"},
    {"control inside csi runs", E "[3\n1mx\n", 0,
	"\n<span class=\"f1\">x</span>\n", "\nx\n"},
    {"invalid utf-8",
	"a\xff"
	"b\xe2\x82"
	"c\xed\xa0\x80"
	"d\xf4\x90"
	"e\n",
	0,
	"a\xef\xbf\xbd"
	"b\xef\xbf\xbd"
	"c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	"d\xef\xbf\xbd\xef\xbf\xbd"
	"e\n",
	"a\xef\xbf\xbd"
	"b\xef\xbf\xbd"
	"c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	"d\xef\xbf\xbd\xef\xbf\xbd"
	"e\n"},
    {"valid utf-8 kept", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n", 0,
	"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n",
	"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n"},
    {"unfinished at the end dropped", "ab" E "[3", 0, "ab", "ab"},
    {"unfinished utf-8 at the end dropped", "ab\xe2\x82", 0, "ab", "ab"},
    {"cut tail skips its first line", "1m" E "[Kpartial\nnext\n", ANSI_CUT,
	"next\n", "next\n"},
    {"cut tail without newline skips continuation bytes",
	"\x82\xac"
	"abc",
	ANSI_CUT, "abc", "abc"},
    {"cut tail that is one partial line", "abc\n", ANSI_CUT, "", ""},
};

static void
test_table(void **state)
{
	size_t i, len, n;
	char *h, *t;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ansi_case *c = &cases[i];

		len = strlen(c->in);
		h = ansi_html(c->in, len, c->flags, &n);
		assert_non_null(h);
		if (strcmp(h, c->html) != 0)
			fail_msg("%s: html\n got: [%s]\nwant: [%s]", c->name, h,
			    c->html);
		assert_int_equal(n, strlen(h));
		assert_true(n <= ANSI_MAX(len));
		t = ansi_text(c->in, len, c->flags, &n);
		assert_non_null(t);
		if (strcmp(t, c->text) != 0)
			fail_msg("%s: text\n got: [%s]\nwant: [%s]", c->name, t,
			    c->text);
		assert_int_equal(n, strlen(t));
		free(h);
		free(t);
	}
}

/* NUL bytes are input like any other (dropped as controls). */
static void
test_nul_bytes(void **state)
{
	static const char in[] = {'a', '\0', 'b', '\n'};
	size_t n;
	char *h;

	(void)state;
	h = ansi_html(in, sizeof(in), 0, &n);
	assert_non_null(h);
	assert_string_equal(h, "ab\n");
	free(h);
}

/* Input built to cost the most markup per byte stays within the bound,
 * and its text is all there. */
static void
test_bound(void **state)
{
	static const char shortin[] = E "[38;2;1;2;3;48;2;4;5;6;1;2;3;4m&";
	static const char unit[] =
	    E "[38;2;255;255;255;48;2;1;1;1;1;2;3;4m&" E "[0m&";
	size_t len = 64 * (sizeof(unit) - 1), n, i, amps = 0;
	char *in = malloc(len), *h;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < 64; i++)
		memcpy(in + i * (sizeof(unit) - 1), unit, sizeof(unit) - 1);
	h = ansi_html(in, len, 0, &n);
	assert_non_null(h);
	assert_true(n <= ANSI_MAX(len));
	for (i = 0; h[i] != '\0'; i++)
		amps += strncmp(h + i, "&amp;", 5) == 0;
	assert_int_equal(amps, 128);
	free(h);
	/* Short input, long styles: the text still fits, unstyled. */
	h = ansi_html(shortin, sizeof(shortin) - 1, 0, &n);
	assert_non_null(h);
	assert_true(n <= ANSI_MAX(sizeof(shortin) - 1));
	assert_non_null(strstr(h, "&amp;"));
	free(h);
	/* The worst case of text alone: every byte an ampersand. */
	memset(in, '&', len);
	h = ansi_html(in, len, 0, &n);
	assert_non_null(h);
	assert_int_equal(n, 5 * len);
	free(h);
	free(in);
}

/* A 64 KiB progress line of carriage returns collapses to its last
 * state. */
static void
test_long_progress_line(void **state)
{
	size_t len = 65536, n, i;
	char *in = malloc(len), *t;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < len; i++)
		in[i] = i % 8 == 7 ? '\r' : (char)('0' + i % 8);
	t = ansi_text(in, len, 0, &n);
	assert_non_null(t);
	assert_string_equal(t, "0123456");
	free(t);
	free(in);
}

/* A length whose bound does not fit in size_t fails with ENOMEM before
 * reading anything. */
static void
test_too_long(void **state)
{
	(void)state;
	errno = 0;
	assert_null(ansi_html("", SIZE_MAX / 4, 0, NULL));
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(ansi_text("", SIZE_MAX / 4, 0, NULL));
	assert_int_equal(errno, ENOMEM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_nul_bytes),
	    cmocka_unit_test(test_bound),
	    cmocka_unit_test(test_long_progress_line),
	    cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
