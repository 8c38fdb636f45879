/* SPDX-License-Identifier: ISC */
/*
 * pty-drive: runs a command on a new pseudo-terminal, as an interactive
 * shell runs a job, and follows a script: what to type, what to expect
 * on the screen, the terminal's modes and foreground process group,
 * Ctrl-Z and fg. The driver is the session leader of the terminal; the
 * command is a process group of its own, in the foreground unless -b.
 *
 *   pty-drive [-b] [-o LOG] [-t SECONDS] SCRIPT -- COMMAND [ARG]...
 *
 * -b starts it in the background; -o copies everything the terminal
 * shows to LOG; -t bounds each wait (default 10 s). SCRIPT has one step
 * a line (# comments); TEXT takes C escapes \r \n \t \e \\ \ooo:
 *
 *   send TEXT        type TEXT
 *   expect TEXT      wait until the screen shows TEXT after what the
 *                    previous expect matched
 *   shown TEXT       wait until the screen shows TEXT anywhere
 *   absent MS TEXT   TEXT does not show within MS milliseconds
 *   raw | cooked     wait until ICANON and ECHO are both off | both on
 *   fg WHO           wait until the foreground group is the command's
 *                    (command), the driver's (driver) or another (other)
 *   stopped          wait until the command stops (Ctrl-Z), then take
 *                    the terminal back, as a shell does
 *   cont             give it the terminal and SIGCONT (the shell's fg)
 *   signal NAME      send signal NAME (INT, TERM, QUIT, ...) to it
 *   exit STATUS      wait until it exits with STATUS (a number, or
 *                    signal NAME)
 *   sleep MS         wait
 *   stall MS         wait without reading: the terminal fills up
 *
 * Exits 0 when every step passed; else prints the step, what was seen
 * and the screen so far on stderr and exits 1 (the command is killed).
 */

#define _DEFAULT_SOURCE /* TIOCSCTTY */
#define _XOPEN_SOURCE 700 /* posix_openpt(), grantpt(), ptsname() */

#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SCREEN_MAX (16u << 20) /* bytes of output kept */

static int master = -1, slave = -1;
static pid_t cmd;
static int cmd_status = -1; /* wait(2) status once it exited */
static char *screen;
static size_t screen_len, matched;
static FILE *copy;
static int wait_s = 10;
static int lineno;
static char step[1024];

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Prints the failed step and the screen, kills the command, exits 1. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	(void)fprintf(stderr, "pty-drive: line %d: %s: ", lineno, step);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, "\n--- screen ---\n%.*s\n--- end ---\n",
	    (int)screen_len, screen != NULL ? screen : "");
	if (cmd > 0 && cmd_status == -1)
		(void)kill(-cmd, SIGKILL);
	exit(1);
}

static void __attribute__((noreturn)) die(const char *what)
{
	(void)fprintf(stderr, "pty-drive: %s: %s\n", what, strerror(errno));
	if (cmd > 0 && cmd_status == -1)
		(void)kill(-cmd, SIGKILL);
	exit(1);
}

/* Reads what the terminal shows into screen: waits up to ms
 * milliseconds (0: not at all) for something, then takes all there is. */
static void
pump(int ms)
{
	struct pollfd p;
	char buf[65536];
	ssize_t n;

	while (master != -1) {
		p.fd = master;
		p.events = POLLIN;
		if (poll(&p, 1, ms) <= 0)
			return;
		ms = 0;
		n = read(master, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* EIO: every slave descriptor is closed. */
			(void)close(master);
			master = -1;
			return;
		}
		if (copy != NULL)
			(void)fwrite(buf, 1, (size_t)n, copy),
			    (void)fflush(copy);
		if (screen_len + (size_t)n > SCREEN_MAX)
			fail("more than %u bytes of output", SCREEN_MAX);
		memcpy(screen + screen_len, buf, (size_t)n);
		screen_len += (size_t)n;
	}
}

/* Notes the command's exit, if it exited. */
static void
reap(void)
{
	int st;

	if (cmd_status == -1 && waitpid(cmd, &st, WNOHANG) == cmd)
		cmd_status = st;
}

/* Unescapes s in place; returns its length. */
static size_t
unescape(char *s)
{
	char *w = s;
	const char *r = s;

	while (*r != '\0') {
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case 'r':
			*w++ = '\r', r++;
			break;
		case 'n':
			*w++ = '\n', r++;
			break;
		case 't':
			*w++ = '\t', r++;
			break;
		case 'e':
			*w++ = '\033', r++;
			break;
		case '\0':
			*w++ = '\\';
			break;
		default:
			if (*r >= '0' && *r <= '7') {
				int v = 0, k;

				for (k = 0; k < 3 && *r >= '0' && *r <= '7';
				     k++)
					v = v * 8 + (*r++ - '0');
				*w++ = (char)v;
			} else
				*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* Returns the offset of needle (n bytes) in screen at or after from, or
 * -1. */
static long
find(const char *needle, size_t n, size_t from)
{
	size_t i;

	for (i = from; i + n <= screen_len; i++)
		if (memcmp(screen + i, needle, n) == 0)
			return (long)i;
	return -1;
}

static int
signal_number(const char *name)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {{"INT", SIGINT}, {"TERM", SIGTERM}, {"QUIT", SIGQUIT},
	    {"KILL", SIGKILL}, {"HUP", SIGHUP}, {"TSTP", SIGTSTP},
	    {"CONT", SIGCONT}, {"SEGV", SIGSEGV}, {"ABRT", SIGABRT},
	    {"USR1", SIGUSR1}};
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcmp(name, sigs[i].name) == 0)
			return sigs[i].sig;
	fail("unknown signal %s", name);
}

/* Returns 1 if the terminal's modes are the ones step wants. */
static int
modes_are(int raw)
{
	struct termios t;

	if (tcgetattr(slave, &t) == -1)
		die("tcgetattr");
	if (raw)
		return !(t.c_lflag & ICANON) && !(t.c_lflag & ECHO);
	return (t.c_lflag & ICANON) && (t.c_lflag & ECHO);
}

/* Returns 1 if the foreground process group is who's. */
static int
fg_is(const char *who)
{
	pid_t p = tcgetpgrp(slave);

	if (strcmp(who, "command") == 0)
		return p == cmd;
	if (strcmp(who, "driver") == 0)
		return p == getpgrp();
	if (strcmp(who, "other") == 0)
		return p != cmd && p != getpgrp() && p > 0;
	fail("fg: use command, driver or other");
}

/* Pumps output until done() or the wait bound; fails with what. */
static void
until(int (*done)(const char *), const char *arg, const char *what)
{
	int64_t end = now_ms() + (int64_t)wait_s * 1000;

	while (!done(arg)) {
		if (now_ms() >= end)
			fail("%s: not within %d s", what, wait_s);
		pump(20);
	}
}

static int
is_raw(const char *arg)
{
	(void)arg;
	return modes_are(1);
}

static int
is_cooked(const char *arg)
{
	(void)arg;
	return modes_are(0);
}

static int
is_stopped(const char *arg)
{
	int st;

	(void)arg;
	if (cmd_status != -1)
		fail("it exited (status %d) instead", cmd_status);
	if (waitpid(cmd, &st, WNOHANG | WUNTRACED) == cmd) {
		if (WIFSTOPPED(st))
			return 1;
		cmd_status = st;
	}
	return 0;
}

static int
has_exited(const char *arg)
{
	(void)arg;
	reap();
	return cmd_status != -1;
}

/* Runs one step of the script. */
static void
run_step(char *line)
{
	char *verb = line, *arg;
	size_t n;
	long at;

	arg = strchr(line, ' ');
	if (arg != NULL)
		*arg++ = '\0';
	else
		arg = line + strlen(line);
	if (strcmp(verb, "send") == 0) {
		n = unescape(arg);
		if (write(master, arg, n) != (ssize_t)n)
			die("write");
	} else if (strcmp(verb, "expect") == 0 || strcmp(verb, "shown") == 0) {
		int64_t end = now_ms() + (int64_t)wait_s * 1000;
		size_t from = verb[0] == 'e' ? matched : 0;

		n = unescape(arg);
		while ((at = find(arg, n, from)) == -1) {
			if (now_ms() >= end || (master == -1))
				fail("not shown within %d s", wait_s);
			pump(20);
		}
		if (verb[0] == 'e')
			matched = (size_t)at + n;
	} else if (strcmp(verb, "absent") == 0) {
		char *text;
		long ms = strtol(arg, &text, 10);
		int64_t end = now_ms() + ms;

		n = unescape(text + (*text == ' '));
		while (now_ms() < end)
			pump(20);
		if (find(text + (*text == ' '), n, matched) != -1)
			fail("shown");
	} else if (strcmp(verb, "raw") == 0)
		until(is_raw, NULL, "ICANON and ECHO still on");
	else if (strcmp(verb, "cooked") == 0)
		until(is_cooked, NULL, "ICANON and ECHO not both on");
	else if (strcmp(verb, "fg") == 0) {
		int64_t end = now_ms() + (int64_t)wait_s * 1000;

		while (!fg_is(arg)) {
			if (now_ms() >= end)
				fail("the foreground group is %ld (command "
				     "%ld, driver %ld)",
				    (long)tcgetpgrp(slave), (long)cmd,
				    (long)getpgrp());
			pump(20);
		}
	} else if (strcmp(verb, "stopped") == 0) {
		until(is_stopped, NULL, "not stopped");
		/* The shell's part: the terminal is its own again. */
		if (tcsetpgrp(slave, getpgrp()) == -1)
			die("tcsetpgrp");
	} else if (strcmp(verb, "cont") == 0) {
		if (tcsetpgrp(slave, cmd) == -1)
			die("tcsetpgrp");
		if (kill(-cmd, SIGCONT) == -1)
			die("kill");
	} else if (strcmp(verb, "signal") == 0) {
		if (kill(cmd, signal_number(arg)) == -1)
			die("kill");
	} else if (strcmp(verb, "exit") == 0) {
		until(has_exited, NULL, "still running");
		if (strncmp(arg, "signal ", 7) == 0) {
			if (!WIFSIGNALED(cmd_status) ||
			    WTERMSIG(cmd_status) != signal_number(arg + 7))
				fail("status %d", cmd_status);
		} else if (!WIFEXITED(cmd_status) ||
		    WEXITSTATUS(cmd_status) != atoi(arg))
			fail("status %d", cmd_status);
	} else if (strcmp(verb, "stall") == 0) {
		struct timespec ts;
		long ms = atol(arg);

		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	} else if (strcmp(verb, "sleep") == 0) {
		int64_t end = now_ms() + atol(arg);

		while (now_ms() < end)
			pump(20);
	} else
		fail("unknown step");
}

int
main(int argc, char **argv)
{
	char line[1024], *name;
	int c, bg = 0;
	FILE *script;
	sigset_t none;

	while ((c = getopt(argc, argv, "bo:t:")) != -1)
		switch (c) {
		case 'b':
			bg = 1;
			break;
		case 'o':
			if ((copy = fopen(optarg, "w")) == NULL)
				die(optarg);
			break;
		case 't':
			wait_s = atoi(optarg);
			break;
		default:
			goto usage;
		}
	if (argc - optind < 3 || strcmp(argv[optind + 1], "--") != 0)
		goto usage;
	if ((script = fopen(argv[optind], "r")) == NULL)
		die(argv[optind]);
	if ((screen = malloc(SCREEN_MAX)) == NULL)
		die("malloc");

	/* A session of our own, whose controlling terminal is the new one:
	 * a process group leader cannot start one, so fork first. */
	if (setsid() == -1) {
		pid_t p = fork();
		int st;

		if (p == -1)
			die("fork");
		if (p > 0) {
			while (waitpid(p, &st, 0) == -1 && errno == EINTR)
				;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
		}
		if (setsid() == -1)
			die("setsid");
	}
	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) == -1 ||
	    grantpt(master) == -1 || unlockpt(master) == -1 ||
	    (name = ptsname(master)) == NULL)
		die("posix_openpt");
	if ((slave = open(name, O_RDWR)) == -1)
		die(name);
	if (ioctl(slave, TIOCSCTTY, 0) == -1)
		die("TIOCSCTTY");
	/* As a shell: changing the terminal from the background is ours. */
	(void)signal(SIGTTOU, SIG_IGN);

	if ((cmd = fork()) == -1)
		die("fork");
	if (cmd == 0) {
		(void)signal(SIGTTOU, SIG_DFL);
		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		(void)setpgid(0, 0);
		if (!bg)
			(void)tcsetpgrp(slave, getpid());
		if (dup2(slave, 0) == -1 || dup2(slave, 1) == -1 ||
		    dup2(slave, 2) == -1)
			_exit(126);
		(void)close(master);
		(void)close(slave);
		execvp(argv[optind + 2], argv + optind + 2);
		_exit(127);
	}
	(void)setpgid(cmd, cmd);
	if (!bg)
		(void)tcsetpgrp(slave, cmd);

	while (fgets(line, sizeof(line), script) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		(void)snprintf(step, sizeof(step), "%s", line);
		pump(0);
		run_step(line);
	}
	reap();
	if (cmd_status == -1)
		(void)kill(-cmd, SIGKILL);
	return 0;
usage:
	(void)fprintf(stderr,
	    "usage: pty-drive [-b] [-o log] [-t seconds] "
	    "script -- command [arg ...]\n");
	return 2;
}
