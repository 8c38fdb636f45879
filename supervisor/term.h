/* SPDX-License-Identifier: ISC */
/* term.h: holdports' terminal. When its stdin is a terminal and holdports
 * is the terminal's foreground process group, it reads single keys with
 * ICANON and ECHO off (termios(3)); it gives the terminal its modes back
 * on every way out: exit, Ctrl-Z, a fatal signal. It lends the terminal
 * to a child (stdin = tty) as a shell's job control does: the child's
 * process group becomes the foreground one (tcsetpgrp(3)) while it runs. */

#ifndef HP_TERM_H
#define HP_TERM_H

#include <sys/types.h>

#include <termios.h>

struct term {
	int fd; /* stdin when it is a terminal, else -1 */
	int keys; /* keys wanted: read them whenever the terminal is ours */
	int raw; /* the key mode is on (ICANON and ECHO off) */
	pid_t lent; /* the process group the terminal is lent to, or 0 */
	int held; /* lent's group is stopped (Ctrl-Z) and holdports took the
		     terminal back; handed back when it is in the foreground */
	struct termios saved; /* the modes as holdports found them */
	struct termios lent_modes; /* the lent group's, kept at Ctrl-Z */
};

/* What term_key() returns: a mask of the keys typed since it was last
 * called. */
enum {
	TERM_KEY_NONE = 0,
	TERM_KEY_RELOAD = 1, /* r */
	TERM_KEY_QUIT = 2, /* q */
	TERM_KEY_CLEAR = 4 /* c or Ctrl-L */
};

/* Looks at stdin: a terminal (isatty(3)) becomes t->fd, its modes saved;
 * with keys set, the key mode is turned on at once if holdports is in
 * the foreground, else when term_resume() finds it there. Installs
 * handlers for the fatal signals whose disposition is the default, which
 * give the terminal its modes back, then die of the signal. Returns 1 if
 * keys will be read, else 0 (no terminal, or keys 0). */
int term_open(struct term *t, int keys);
/* Gives the terminal the modes holdports found, if it changed them.
 * Safe to call more than once. */
void term_close(struct term *t);
/* Returns 1 if the loop is to poll t->fd for keys now: the key mode is
 * on and the terminal is not lent. */
int term_reading(const struct term *t);
/* Reads what was typed (after poll(2) on t->fd returned revents) and
 * returns the mask of TERM_KEY_* among it; other bytes are ignored. On a
 * hangup (read(2) fails, or revents has POLLHUP or POLLERR) stops
 * reading keys for good and returns TERM_KEY_NONE. */
int term_key(struct term *t, short revents);
/* SIGTSTP came (Ctrl-Z): gives the terminal its modes back, stops
 * holdports as the default action would, and once continued calls
 * term_resume(). stop() must stop the process with SIGTSTP's default
 * action and return once it is continued. */
void term_stop(struct term *t, void (*stop)(void));
/* SIGCONT came, or holdports may be in the foreground again: turns the
 * key mode on if it is, and hands the terminal back to a stopped child
 * that held it (kill(2) SIGCONT to its group). */
void term_resume(struct term *t);

/* Before a child with stdin = tty starts: returns 1 if the terminal can
 * be lent (a terminal, held by holdports or by an earlier lent child, so
 * in the foreground), the modes given back and keys no longer read;
 * the child then makes itself the foreground group (spawn()). Returns 0
 * when it cannot: the child gets /dev/null. */
int term_lend(struct term *t);
/* The child that took the terminal after term_lend() is process group
 * pgid; 0 if it could not be started (the terminal is taken back). */
void term_lent(struct term *t, pid_t pgid);
/* Process group pgid's leader was reaped: if it held the terminal, takes
 * it back (tcsetpgrp(3) with SIGTTOU blocked, the saved modes) and
 * reads keys again. */
void term_reaped(struct term *t, pid_t pgid);
/* SIGCHLD came: if the group the terminal is lent to was stopped
 * (Ctrl-Z reached it, not holdports), takes the terminal back and stops
 * holdports with stop() so that the shell gets it, as a shell's job
 * would; once holdports is continued in the foreground, the child gets
 * the terminal back and SIGCONT. */
void term_child_stopped(struct term *t, void (*stop)(void));

/* Clears the screen and its scrollback (ED 2 and 3, cursor home) if
 * stderr is a terminal. */
void term_clear(void);

#endif
