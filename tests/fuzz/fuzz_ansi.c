/* SPDX-License-Identifier: ISC */
/* fuzz_ansi.c: terminal output rendered as HTML and as text (ansi.c) from
 * any bytes: the output stays within its bound, is valid UTF-8 without
 * escape sequences or controls, its markup is only balanced <span>s of
 * ours, and the HTML's text is exactly the plain text. */

#include <stdlib.h>
#include <string.h>

#include "ansi.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Returns 1 if the n bytes at s are valid UTF-8 (Unicode 15, table 3-7)
 * without C0 controls but tab and newline, DEL or C1 controls. */
static int
clean_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, need;
	unsigned lo, hi;
	unsigned long cp;

	while (i < n) {
		unsigned char c = s[i++];

		if (c < 0x80) {
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				return 0;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			lo = c == 0xe0 ? 0xa0 : 0x80;
			hi = c == 0xed ? 0x9f : 0xbf;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			lo = c == 0xf0 ? 0x90 : 0x80;
			hi = c == 0xf4 ? 0x8f : 0xbf;
		} else
			return 0;
		cp = c & (0x7f >> (need + 1));
		for (k = 0; k < need; k++) {
			if (i >= n || s[i] < lo || s[i] > hi)
				return 0;
			cp = cp << 6 | (s[i++] & 0x3f);
			lo = 0x80;
			hi = 0xbf;
		}
		if (cp >= 0x80 && cp < 0xa0)
			return 0;
	}
	return 1;
}

/* Checks the markup of h (n bytes): only "<span ...>" and "</span>",
 * balanced within each line, attribute values of classes and colours
 * only; entities only &amp; &lt; &gt;. Writes the text, unescaped, to t
 * and returns its length. */
static size_t
html_text(const char *h, size_t n, char *t)
{
	size_t i = 0, o = 0;
	int depth = 0;

	while (i < n) {
		if (h[i] == '<') {
			const char *end = memchr(h + i, '>', n - i);

			FUZZ_CHECK(end != NULL);
			if (strncmp(h + i, "</span>", 7) == 0) {
				FUZZ_CHECK(depth == 1);
				depth = 0;
			} else {
				const char *p;

				FUZZ_CHECK(strncmp(h + i, "<span ", 6) == 0);
				FUZZ_CHECK(depth == 0);
				for (p = h + i + 6; p < end; p++)
					FUZZ_CHECK(strchr("abcdefghijklmnopqrs"
							  "tuvwxyzBDIU0123456"
							  "789#:;-= \"",
						       *p) != NULL);
				depth = 1;
			}
			i = (size_t)(end - h) + 1;
		} else if (h[i] == '&') {
			if (strncmp(h + i, "&amp;", 5) == 0) {
				t[o++] = '&';
				i += 5;
			} else if (strncmp(h + i, "&lt;", 4) == 0) {
				t[o++] = '<';
				i += 4;
			} else {
				FUZZ_CHECK(strncmp(h + i, "&gt;", 4) == 0);
				t[o++] = '>';
				i += 4;
			}
		} else {
			FUZZ_CHECK(h[i] != '>');
			if (h[i] == '\n')
				FUZZ_CHECK(depth == 0);
			t[o++] = h[i++];
		}
	}
	FUZZ_CHECK(depth == 0);
	return o;
}

static void
one(const uint8_t *data, size_t size, int flags)
{
	size_t hn, tn, un;
	char *h, *t, *u;

	h = ansi_html((const char *)data, size, flags, &hn);
	t = ansi_text((const char *)data, size, flags, &tn);
	FUZZ_CHECK(h != NULL && t != NULL);
	FUZZ_CHECK(hn <= ANSI_MAX(size) && tn <= ANSI_MAX(size));
	FUZZ_CHECK(h[hn] == '\0' && t[tn] == '\0');
	FUZZ_CHECK(clean_utf8((const unsigned char *)h, hn));
	FUZZ_CHECK(clean_utf8((const unsigned char *)t, tn));
	if ((u = malloc(hn + 1)) == NULL)
		abort();
	un = html_text(h, hn, u);
	FUZZ_CHECK(un == tn && memcmp(u, t, tn) == 0);
	free(u);
	free(h);
	free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 0);
	one(data, size, ANSI_CUT);
	return 0;
}
