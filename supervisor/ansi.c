/* SPDX-License-Identifier: ISC */
/* ansi.c: terminal output as a terminal shows it, rendered as HTML with
 * its colours or as plain text. The escape sequences are parsed as the
 * DEC VT500 parser does (vt100.net/emu/dec_ansi_parser); each line is
 * kept as cells, so that carriage returns and erases overwrite as they
 * would on the screen. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ansi.h"

#define ANSI_PARAMS 32 /* parameters of one CSI sequence kept */
#define ANSI_REPL 0xfffd /* U+FFFD REPLACEMENT CHARACTER */
#define ANSI_TAG 160 /* room for the longest <span ...> */
#define ANSI_CELL_OUT 5 /* most bytes one cell's text becomes: "&amp;" */

/* Attributes. */
#define AT_BOLD 0x01
#define AT_DIM 0x02
#define AT_ITALIC 0x04
#define AT_UNDER 0x08

/* Kinds of colour. */
enum {
	CK_DEFAULT,
	CK_PALETTE, /* 0-255 */
	CK_RGB /* 0xrrggbb */
};

struct style {
	unsigned char attr, fgk, bgk;
	uint32_t fg, bg;
};

struct cell {
	uint32_t cp;
	struct style st;
};

/* States of the escape sequence parser. */
enum {
	PS_GROUND,
	PS_ESC,
	PS_ESC_INTER,
	PS_CSI,
	PS_CSI_IGNORE,
	PS_STR, /* OSC, DCS, SOS, PM, APC: swallowed up to ST or BEL */
	PS_STR_ESC
};

struct ansi {
	const unsigned char *in;
	size_t len, pos; /* pos: the next byte to read */
	int html;
	char *out;
	size_t olen, cap; /* cap: the bound, out has cap + 1 bytes */
	struct cell *line;
	size_t n, lcap, col; /* cells, their room, the cursor */
	struct style cur;
	int ps;
	/* UTF-8: the code point so far, the bytes still wanted and the
	 * range the next one must fall in. */
	uint32_t cp;
	int need;
	unsigned char lo, hi;
	/* CSI: private marker or intermediate seen, parameters. */
	int priv, inter, np;
	long param[ANSI_PARAMS]; /* -1: empty */
	char colon[ANSI_PARAMS]; /* 1: joined to the previous one by ':' */
};

/* Appends n bytes at s to the output; the bound has been checked by the
 * caller, this only refuses to overflow. */
static void
ansi_put(struct ansi *a, const char *s, size_t n)
{
	if (n > a->cap - a->olen)
		n = a->cap - a->olen;
	memcpy(a->out + a->olen, s, n);
	a->olen += n;
}

/* Appends code point cp as UTF-8, HTML-escaped for HTML output. */
static void
ansi_put_cp(struct ansi *a, uint32_t cp)
{
	char b[4];

	if (a->html && cp == '&')
		ansi_put(a, "&amp;", 5);
	else if (a->html && cp == '<')
		ansi_put(a, "&lt;", 4);
	else if (a->html && cp == '>')
		ansi_put(a, "&gt;", 4);
	else if (cp < 0x80) {
		b[0] = (char)cp;
		ansi_put(a, b, 1);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		ansi_put(a, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		ansi_put(a, b, 3);
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		ansi_put(a, b, 4);
	}
}

static int
style_plain(const struct style *s)
{
	return s->attr == 0 && s->fgk == CK_DEFAULT && s->bgk == CK_DEFAULT;
}

static int
style_same(const struct style *x, const struct style *y)
{
	return x->attr == y->attr && x->fgk == y->fgk && x->bgk == y->bgk &&
	    (x->fgk == CK_DEFAULT || x->fg == y->fg) &&
	    (x->bgk == CK_DEFAULT || x->bg == y->bg);
}

/* Returns 0xrrggbb of entry i (16-255) of the xterm 256-colour palette:
 * a 6x6x6 cube, then 24 greys. */
static uint32_t
palette_rgb(uint32_t i)
{
	static const unsigned char level[6] = {0, 95, 135, 175, 215, 255};
	uint32_t g;

	if (i >= 232) {
		g = 8 + 10 * (i - 232);
		return g << 16 | g << 8 | g;
	}
	i -= 16;
	return (uint32_t)level[i / 36] << 16 | (uint32_t)level[i / 6 % 6] << 8 |
	    level[i % 6];
}

/* Writes the opening tag of style s into b (ANSI_TAG bytes). Returns its
 * length. */
static size_t
style_tag(const struct style *s, char *b)
{
	static const char *const attr[] = {"B", "D", "I", "U"};
	char cls[32] = "", sty[64] = "";
	size_t c = 0, t = 0, i;
	uint32_t rgb;

	if (s->fgk == CK_PALETTE && s->fg < 16)
		c += (size_t)snprintf(
		    cls + c, sizeof(cls) - c, " f%u", (unsigned)s->fg);
	if (s->bgk == CK_PALETTE && s->bg < 16)
		c += (size_t)snprintf(
		    cls + c, sizeof(cls) - c, " g%u", (unsigned)s->bg);
	for (i = 0; i < 4; i++)
		if (s->attr & 1 << i)
			c += (size_t)snprintf(
			    cls + c, sizeof(cls) - c, " %s", attr[i]);
	if (s->fgk == CK_RGB || (s->fgk == CK_PALETTE && s->fg >= 16)) {
		rgb = s->fgk == CK_RGB ? s->fg : palette_rgb(s->fg);
		t += (size_t)snprintf(
		    sty + t, sizeof(sty) - t, "color:#%06x;", (unsigned)rgb);
	}
	if (s->bgk == CK_RGB || (s->bgk == CK_PALETTE && s->bg >= 16)) {
		rgb = s->bgk == CK_RGB ? s->bg : palette_rgb(s->bg);
		t += (size_t)snprintf(sty + t, sizeof(sty) - t,
		    "background-color:#%06x;", (unsigned)rgb);
	}
	if (t > 0)
		sty[--t] = '\0'; /* the last ';' */
	return (size_t)snprintf(b, ANSI_TAG, "<span%s%s%s%s%s%s>",
	    c ? " class=\"" : "", c ? cls + 1 : "", c ? "\"" : "",
	    t ? " style=\"" : "", t ? sty : "", t ? "\"" : "");
}

/* Writes the current line, then a newline if nl is set, and empties it.
 * A tag is written only while the text still to come, at
 * ANSI_CELL_OUT bytes a cell or an input byte at most, keeps within the
 * bound: so the output never exceeds it, whatever the input. */
static void
ansi_flush(struct ansi *a, int nl)
{
	static const struct style plain = {0, 0, 0, 0, 0};
	const struct style *open = &plain;
	char tag[ANSI_TAG];
	size_t i, k, rest;

	for (i = 0; i < a->n; i++) {
		const struct cell *c = &a->line[i];

		if (a->html && !style_same(&c->st, open)) {
			if (!style_plain(open))
				ansi_put(a, "</span>", 7);
			open = &plain;
			k = style_plain(&c->st) ? 0 : style_tag(&c->st, tag);
			/* This cell on, the line, its newline, the rest of
			 * the input, and this tag's </span>. */
			rest = ANSI_CELL_OUT * (a->n - i) + 1 +
			    ANSI_CELL_OUT * (a->len - a->pos) + 7;
			if (k > 0 && a->olen + k + rest <= a->cap) {
				ansi_put(a, tag, k);
				open = &c->st;
			}
		}
		ansi_put_cp(a, c->cp);
	}
	if (!style_plain(open))
		ansi_put(a, "</span>", 7);
	if (nl)
		ansi_put(a, "\n", 1);
	a->n = 0;
	a->col = 0;
}

/* Makes room for cell index i. Returns 0, or -1 with errno ENOMEM. */
static int
ansi_room(struct ansi *a, size_t i)
{
	struct cell *l;
	size_t cap;

	if (i < a->lcap)
		return 0;
	cap = a->lcap ? a->lcap : 256;
	while (cap <= i)
		cap *= 2;
	if ((l = realloc(a->line, cap * sizeof(*l))) == NULL)
		return -1;
	a->line = l;
	a->lcap = cap;
	return 0;
}

/* Writes a visible code point at the cursor, padding the line with
 * spaces up to it. Returns 0, or -1 with errno ENOMEM. */
static int
ansi_cell(struct ansi *a, uint32_t cp)
{
	static const struct style plain = {0, 0, 0, 0, 0};

	if (ansi_room(a, a->col) == -1)
		return -1;
	while (a->n < a->col) {
		a->line[a->n].cp = ' ';
		a->line[a->n++].st = plain;
	}
	a->line[a->col].cp = cp;
	a->line[a->col].st = a->cur;
	if (a->col == a->n)
		a->n++;
	a->col++;
	return 0;
}

/* Runs a C0 control in the ground state (or inside a sequence, where the
 * VT500 parser runs them too). Returns 0, or -1 with errno. */
static int
ansi_control(struct ansi *a, unsigned char c)
{
	switch (c) {
	case '\n':
	case '\v':
	case '\f':
		ansi_flush(a, 1);
		break;
	case '\r':
		a->col = 0;
		break;
	case '\b':
		if (a->col > 0)
			a->col--;
		break;
	case '\t':
		return ansi_cell(a, '\t');
	default:
		break; /* BEL, NUL and the others show nothing */
	}
	return 0;
}

/* Returns parameter i, or def where it is empty or missing. */
static long
csi_param(const struct ansi *a, int i, long def)
{
	return i < a->np && a->param[i] >= 0 ? a->param[i] : def;
}

/* Reads an extended colour (38 or 48) whose parameters start at index i
 * (the 38 itself); stores it in *kind and *val when valid. Returns the
 * index of its last parameter. */
static int
sgr_colour(const struct ansi *a, int i, unsigned char *kind, uint32_t *val)
{
	long r, g, b, mode;
	int k = i + 1, last;

	if (k < a->np && a->colon[k]) {
		/* ITU T.416 form: 38:5:N, 38:2:R:G:B or 38:2:CS:R:G:B. */
		for (last = k; last + 1 < a->np && a->colon[last + 1]; last++)
			;
		mode = csi_param(a, k, -1);
		if (mode == 5 && last >= k + 1) {
			r = csi_param(a, k + 1, 0);
			if (r <= 255) {
				*kind = CK_PALETTE;
				*val = (uint32_t)r;
			}
		} else if (mode == 2 && last >= k + 3) {
			if (last >= k + 4)
				k++; /* the colour space id */
			r = csi_param(a, k + 1, 0);
			g = csi_param(a, k + 2, 0);
			b = csi_param(a, k + 3, 0);
			if (r <= 255 && g <= 255 && b <= 255) {
				*kind = CK_RGB;
				*val = (uint32_t)(r << 16 | g << 8 | b);
			}
		}
		return last;
	}
	mode = csi_param(a, k, -1);
	if (mode == 5) {
		r = csi_param(a, k + 1, 0);
		if (k + 1 < a->np && r <= 255) {
			*kind = CK_PALETTE;
			*val = (uint32_t)r;
		}
		return k + 1;
	}
	if (mode == 2) {
		r = csi_param(a, k + 1, 0);
		g = csi_param(a, k + 2, 0);
		b = csi_param(a, k + 3, 0);
		if (k + 3 < a->np && r <= 255 && g <= 255 && b <= 255) {
			*kind = CK_RGB;
			*val = (uint32_t)(r << 16 | g << 8 | b);
		}
		return k + 3;
	}
	return k < a->np ? k : i;
}

/* Applies an SGR sequence (ECMA-48 8.3.117) to the current style. */
static void
ansi_sgr(struct ansi *a)
{
	static const struct style plain = {0, 0, 0, 0, 0};
	struct style *s = &a->cur;
	long p;
	int i;

	if (a->np == 0) {
		*s = plain;
		return;
	}
	for (i = 0; i < a->np; i++) {
		p = csi_param(a, i, 0);
		if (p == 38 || p == 48) {
			if (p == 38)
				i = sgr_colour(a, i, &s->fgk, &s->fg);
			else
				i = sgr_colour(a, i, &s->bgk, &s->bg);
			continue;
		}
		/* Sub-parameters of anything else (4:3 curly underline)
		 * say how, not whether: 4:0 is off. */
		if (p == 24 ||
		    (p == 4 && i + 1 < a->np && a->colon[i + 1] &&
			csi_param(a, i + 1, 0) == 0))
			s->attr &= ~AT_UNDER;
		else if (p == 0)
			*s = plain;
		else if (p == 1)
			s->attr |= AT_BOLD;
		else if (p == 2)
			s->attr |= AT_DIM;
		else if (p == 3)
			s->attr |= AT_ITALIC;
		else if (p == 4)
			s->attr |= AT_UNDER;
		else if (p == 22)
			s->attr &= ~(AT_BOLD | AT_DIM);
		else if (p == 23)
			s->attr &= ~AT_ITALIC;
		else if (p >= 30 && p <= 37) {
			s->fgk = CK_PALETTE;
			s->fg = (uint32_t)(p - 30);
		} else if (p == 39)
			s->fgk = CK_DEFAULT;
		else if (p >= 40 && p <= 47) {
			s->bgk = CK_PALETTE;
			s->bg = (uint32_t)(p - 40);
		} else if (p == 49)
			s->bgk = CK_DEFAULT;
		else if (p >= 90 && p <= 97) {
			s->fgk = CK_PALETTE;
			s->fg = (uint32_t)(p - 90 + 8);
		} else if (p >= 100 && p <= 107) {
			s->bgk = CK_PALETTE;
			s->bg = (uint32_t)(p - 100 + 8);
		}
		while (i + 1 < a->np && a->colon[i + 1])
			i++;
	}
}

/* Runs the final byte of a CSI sequence: SGR and erase in line; the
 * rest (cursor moves, modes) is dropped. */
static void
ansi_csi(struct ansi *a, unsigned char f)
{
	size_t i;

	if (a->priv || a->inter)
		return;
	if (f == 'm')
		ansi_sgr(a);
	else if (f == 'K') {
		switch (csi_param(a, 0, 0)) {
		case 0:
			if (a->col < a->n)
				a->n = a->col;
			break;
		case 1:
			for (i = 0; i < a->n && i <= a->col; i++) {
				a->line[i].cp = ' ';
				memset(
				    &a->line[i].st, 0, sizeof(a->line[i].st));
			}
			break;
		case 2:
			a->n = 0;
			break;
		default:
			break;
		}
	}
}

static void
csi_start(struct ansi *a)
{
	a->priv = a->inter = 0;
	a->np = 0;
	a->ps = PS_CSI;
}

/* Takes one parameter byte (0-9 ; : < = > ?) of a CSI sequence. */
static void
csi_byte(struct ansi *a, unsigned char c)
{
	if (c >= '<' && c <= '?') {
		/* A private marker is allowed first only. */
		if (a->np == 0 && !a->priv)
			a->priv = 1;
		else
			a->ps = PS_CSI_IGNORE;
		return;
	}
	if (a->np == 0) {
		a->param[0] = -1;
		a->colon[0] = 0;
		a->np = 1;
	}
	if (c == ';' || c == ':') {
		if (a->np < ANSI_PARAMS) {
			a->param[a->np] = -1;
			a->colon[a->np] = c == ':';
			a->np++;
		}
		return;
	}
	/* A digit of the last parameter; big values saturate. */
	if (a->param[a->np - 1] < 0)
		a->param[a->np - 1] = 0;
	if (a->param[a->np - 1] < 100000)
		a->param[a->np - 1] = a->param[a->np - 1] * 10 + (c - '0');
}

/* Takes one byte in an escape state (anything but ground). Returns 1 if
 * the byte must be read again, in the state it left. */
static int
ansi_escape(struct ansi *a, unsigned char c)
{
	/* Anywhere: CAN and SUB abort, ESC starts afresh; a byte of a UTF-8
	 * character (the text after an unfinished sequence) ends it. */
	if (c == 0x18 || c == 0x1a) {
		a->ps = PS_GROUND;
		return 0;
	}
	if (c >= 0x80 && a->ps != PS_STR) {
		a->ps = PS_GROUND;
		return 1;
	}
	switch (a->ps) {
	case PS_ESC:
	case PS_ESC_INTER:
		if (c == 0x1b)
			a->ps = PS_ESC;
		else if (c < 0x20 || c == 0x7f)
			(void)ansi_control(a, c);
		else if (c <= 0x2f)
			a->ps = PS_ESC_INTER;
		else if (a->ps == PS_ESC && c == '[')
			csi_start(a);
		else if (a->ps == PS_ESC &&
		    (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_'))
			a->ps = PS_STR;
		else
			a->ps = PS_GROUND; /* a two-byte escape, dropped */
		break;
	case PS_CSI:
	case PS_CSI_IGNORE:
		if (c == 0x1b)
			a->ps = PS_ESC;
		else if (c < 0x20 || c == 0x7f)
			(void)ansi_control(a, c);
		else if (c <= 0x2f)
			a->inter = 1;
		else if (c <= 0x3f) {
			if (a->inter)
				a->ps = PS_CSI_IGNORE;
			if (a->ps == PS_CSI)
				csi_byte(a, c);
		} else {
			if (a->ps == PS_CSI)
				ansi_csi(a, c);
			a->ps = PS_GROUND;
		}
		break;
	case PS_STR:
		if (c == 0x07) /* xterm ends OSC with BEL too */
			a->ps = PS_GROUND;
		else if (c == 0x1b)
			a->ps = PS_STR_ESC;
		break;
	case PS_STR_ESC:
		/* ESC \ is ST; an ESC before anything else ends the string
		 * and starts a new sequence. */
		if (c == '\\')
			a->ps = PS_GROUND;
		else {
			a->ps = PS_ESC;
			return 1; /* read again as the start of a sequence */
		}
		break;
	default:
		break;
	}
	return 0;
}

/* Takes a complete code point of the ground state. Returns 0, or -1 with
 * errno ENOMEM. */
static int
ansi_cp(struct ansi *a, uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f)
		return ansi_control(a, (unsigned char)cp);
	if (cp >= 0x80 && cp < 0xa0)
		return 0; /* C1 controls, written as UTF-8 */
	return ansi_cell(a, cp);
}

/* Takes one byte in the ground state: UTF-8, controls, ESC. Returns 1 if
 * the byte must be read again (it ended an invalid UTF-8 sequence), 0,
 * or -1 with errno ENOMEM. */
static int
ansi_ground(struct ansi *a, unsigned char c)
{
	if (a->need > 0) {
		if (c < a->lo || c > a->hi) {
			/* A maximal invalid subpart: one U+FFFD. */
			a->need = 0;
			return ansi_cell(a, ANSI_REPL) == -1 ? -1 : 1;
		}
		a->cp = a->cp << 6 | (c & 0x3f);
		a->lo = 0x80;
		a->hi = 0xbf;
		if (--a->need == 0)
			return ansi_cp(a, a->cp);
		return 0;
	}
	if (c == 0x1b) {
		a->ps = PS_ESC;
		return 0;
	}
	if (c < 0x80)
		return ansi_cp(a, c);
	/* Unicode 15, table 3-7: well-formed UTF-8 byte sequences. */
	a->lo = 0x80;
	a->hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		a->need = 1;
		a->cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		a->need = 2;
		a->cp = c & 0x0f;
		if (c == 0xe0)
			a->lo = 0xa0;
		else if (c == 0xed)
			a->hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		a->need = 3;
		a->cp = c & 0x07;
		if (c == 0xf0)
			a->lo = 0x90;
		else if (c == 0xf4)
			a->hi = 0x8f;
	} else
		return ansi_cell(a, ANSI_REPL);
	return 0;
}

/* Returns where the text of a cut tail starts: after its first newline,
 * or, with none, after the UTF-8 continuation bytes at its start. */
static size_t
ansi_start(const unsigned char *in, size_t len)
{
	const unsigned char *nl = memchr(in, '\n', len);
	size_t i = 0;

	if (nl != NULL)
		return (size_t)(nl - in) + 1;
	while (i < len && in[i] >= 0x80 && in[i] <= 0xbf)
		i++;
	return i;
}

static char *
ansi_render(const char *in, size_t len, int flags, size_t *outlen, int html)
{
	struct ansi a;
	int r;

	memset(&a, 0, sizeof(a));
	if (len > (SIZE_MAX - 65) / 8) {
		errno = ENOMEM;
		return NULL;
	}
	a.in = (const unsigned char *)in;
	a.len = len;
	a.html = html;
	a.cap = ANSI_MAX(len);
	if ((a.out = malloc(a.cap + 1)) == NULL)
		return NULL;
	if ((flags & ANSI_CUT) && len > 0)
		a.pos = ansi_start(a.in, len);
	while (a.pos < len) {
		unsigned char c = a.in[a.pos++];

		do {
			if (a.ps == PS_GROUND)
				r = ansi_ground(&a, c);
			else
				r = ansi_escape(&a, c);
			if (r == -1)
				goto fail;
		} while (r == 1);
	}
	/* An unfinished sequence or character is dropped: its end has not
	 * been written yet. */
	ansi_flush(&a, 0);
	free(a.line);
	a.out[a.olen] = '\0';
	if (outlen != NULL)
		*outlen = a.olen;
	return a.out;
fail:
	free(a.line);
	free(a.out);
	errno = ENOMEM;
	return NULL;
}

char *
ansi_html(const char *in, size_t len, int flags, size_t *outlen)
{
	return ansi_render(in, len, flags, outlen, 1);
}

char *
ansi_text(const char *in, size_t len, int flags, size_t *outlen)
{
	return ansi_render(in, len, flags, outlen, 0);
}
