/* SPDX-License-Identifier: ISC */
/* ansi.h: the tail of terminal output as HTML with its colours, or as
 * plain text, as a terminal would have shown it. */

#ifndef HP_ANSI_H
#define HP_ANSI_H

#include <stddef.h>

/* The input is a tail cut from a longer stream: it may start in the
 * middle of a line, an escape sequence or a UTF-8 character. Its first
 * partial line is skipped (or, without any newline, its leading UTF-8
 * continuation bytes). */
#define ANSI_CUT 0x01

/* The most bytes ansi_html() and ansi_text() return for len bytes of
 * input, without the terminating NUL. */
#define ANSI_MAX(len) (8 * (len) + 64)

/*
 * Renders the len bytes at in (any bytes; NULs allowed) as the inside of
 * an HTML <pre> element, UTF-8. flags: 0 or ANSI_CUT.
 *
 * - Text is HTML-escaped (&, <, >); invalid UTF-8 becomes U+FFFD, one for
 *   each maximal invalid subpart (Unicode 15, 3.9, U+FFFD substitution).
 * - SGR sequences (ECMA-48 CSI ... m) become <span class="..."> with
 *   classes f0-f15 (foreground of the 16-colour palette, 8-15 bright),
 *   g0-g15 (background), B (bold), D (dim), I (italic), U (underline), and
 *   inline style="color:#rrggbb;background-color:#rrggbb" for the
 *   256-colour palette (38;5;N, 48;5;N) and 24-bit colours (38;2;R;G;B,
 *   also the colon forms of ITU T.416). Unknown SGR parameters are
 *   ignored. A span never crosses a line.
 * - Each line shows what a terminal shows once the line is done: a
 *   carriage return moves back to its start and later text overwrites,
 *   backspace moves back one character, CSI K erases (0: to the end,
 *   1: to the start, 2: all).
 * - Every other escape sequence is dropped: other CSI sequences (cursor
 *   moves, private modes), OSC (titles, OSC 8 hyperlinks: their text
 *   stays), DCS, SOS, PM and APC strings, two-byte escapes, a lone ESC;
 *   other C0 and C1 controls but tab and newline too. The sequences are
 *   parsed as the DEC VT500 parser does (CAN and SUB abort one).
 * - A sequence or UTF-8 character left incomplete at the end is dropped:
 *   the rest of it has not been written yet.
 *
 * The result never exceeds ANSI_MAX(len) bytes: once styling would
 * leave too little room for the text, the rest is unstyled. Returns a
 * NUL-terminated malloc(3) string that the caller frees, its length in
 * *outlen (may be NULL), or NULL with errno ENOMEM.
 */
char *ansi_html(const char *in, size_t len, int flags, size_t *outlen);
/* Renders as ansi_html() does, but as plain UTF-8 text: no markup, no
 * escaping, no colours. Same return values and bound. */
char *ansi_text(const char *in, size_t len, int flags, size_t *outlen);

#endif
