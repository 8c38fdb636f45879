/* SPDX-License-Identifier: ISC */
/* main.c: the command line (DESIGN 2), start-up, and the subcommands. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#ifndef HP_VERSION
#define HP_VERSION "unknown"
#endif

/* Printed exactly by -h and on a usage error; the SYNOPSIS of holdports(1). */
static const char synopsis[] =
    "usage: holdports [-qv] [-b command] [-c file] [-d duration] [-i glob]\n"
    "                 [-l spec] [-n name] [-w path]\n"
    "                 [--fallback none|next[:N]] [--mode replace|overlap]\n"
    "                 [--ready none|notify] [-- command [arg ...]]\n"
    "       holdports check [-c file]\n"
    "       holdports ls [--json]\n"
    "       holdports reload | stop [name | pid]\n"
    "       holdports -h | -V\n";

static const char help[] =
    "\n"
    "  -c, --config FILE      read ports.ini FILE (default ./ports.ini)\n"
    "  -l, --listen SPEC      hold [HOST:]PORT[=NAME], [IPV6]:PORT[=NAME] or\n"
    "                         unix:PATH[=NAME]; repeatable; replaces the "
    "file's\n"
    "  -w, --watch PATH       reload when PATH changes; repeatable\n"
    "  -i, --ignore GLOB      ignore changes matching GLOB; repeatable\n"
    "  -d, --debounce DUR     wait until events are quiet for DUR (100ms)\n"
    "  -b, --build CMD        run CMD before every start; a failure keeps\n"
    "                         the running child\n"
    "      --mode MODE        replace (stop, then start) or overlap (start,\n"
    "                         then stop the old child once the new is ready)\n"
    "      --ready HOW        none, or notify: wait for READY=1 (sd_notify)\n"
    "      --fallback HOW     none, or next[:N]: when a port is in use, bind\n"
    "                         the next free one of PORT..PORT+N-1 (N: 100)\n"
    "  -n, --name NAME        instance name\n"
    "  -q, --quiet            print errors only\n"
    "  -v, --verbose          print every event\n"
    "  -h, --help             print this help\n"
    "  -V, --version          print the version\n"
    "\n"
    "Signals: SIGHUP reloads the child; SIGTERM or SIGINT stops it and "
    "exits.\n"
    "See holdports(1) and holdports.ini(5).\n";

/* Options of the run mode; each overrides its key of the file. */
struct opts {
	const char *config;
	char **listen, **watch, **ignore;
	size_t nlisten, nwatch, nignore;
	const char *debounce, *name, *build, *mode, *ready, *fallback;
	char **command; /* argv after "--", or NULL */
	int ncommand;
	enum log_level level;
};

static void __attribute__((noreturn)) usage(const char *fmt, const char *arg)
{
	if (fmt != NULL) {
		(void)fputs("holdports: ", stderr);
		(void)fprintf(stderr, fmt, arg);
		(void)fputc('\n', stderr);
	}
	(void)fputs(synopsis, stderr);
	exit(2);
}

/* Appends s to the list *v of *n strings; exits 1 when memory is out. */
static void
push(char ***v, size_t *n, char *s)
{
	char **nv;

	if ((nv = realloc(*v, (*n + 1) * sizeof(**v))) == NULL)
		fatal("out of memory");
	nv[(*n)++] = s;
	*v = nv;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"listen", required_argument, NULL, 'l'},
	    {"watch", required_argument, NULL, 'w'},
	    {"ignore", required_argument, NULL, 'i'},
	    {"debounce", required_argument, NULL, 'd'},
	    {"name", required_argument, NULL, 'n'},
	    {"build", required_argument, NULL, 'b'},
	    {"mode", required_argument, NULL, 'M'},
	    {"ready", required_argument, NULL, 'R'},
	    {"fallback", required_argument, NULL, 'F'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	/* '+': stop at the first non-option, as POSIX getopt does. */
	while ((ch = getopt_long(
		    argc, argv, "+c:l:w:i:d:n:b:qvhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'l':
			push(&o->listen, &o->nlisten, optarg);
			break;
		case 'w':
			push(&o->watch, &o->nwatch, optarg);
			break;
		case 'i':
			push(&o->ignore, &o->nignore, optarg);
			break;
		case 'd':
			o->debounce = optarg;
			break;
		case 'n':
			o->name = optarg;
			break;
		case 'q':
			o->level = LOG_QUIET;
			break;
		case 'v':
			o->level = LOG_VERBOSE;
			break;
		case 'h':
			(void)fputs(synopsis, stdout);
			(void)fputs(help, stdout);
			exit(0);
		case 'V':
			(void)printf("holdports %s\n", HP_VERSION);
			exit(0);
		case 'b':
			o->build = optarg;
			break;
		case 'M':
			o->mode = optarg;
			break;
		case 'R':
			o->ready = optarg;
			break;
		case 'F':
			o->fallback = optarg;
			break;
		default:
			usage(NULL, NULL);
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0)
			usage("unexpected '%s': put the command after --",
			    argv[optind]);
		o->command = argv + optind;
		o->ncommand = argc - optind;
	}
}

/* Returns 1 if s needs no quoting for sh(1). */
static int
shell_safe(const char *s)
{
	if (*s == '\0')
		return 0;
	return s[strspn(s,
		   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
		   "YZ0123456789_./:=@%+,-")] == '\0';
}

/* Joins argv into one sh(1) command line, quoting where needed, so that
 * /bin/sh -c 'exec LINE' runs exactly argv. Returns malloc'ed memory. */
static char *
shell_join(char **argv, int argc)
{
	size_t len = 1;
	char *s, *p;
	const char *q;
	int i;

	for (i = 0; i < argc; i++)
		len += 4 * strlen(argv[i]) + 3;
	if ((s = p = malloc(len)) == NULL)
		fatal("out of memory");
	for (i = 0; i < argc; i++) {
		if (i > 0)
			*p++ = ' ';
		if (shell_safe(argv[i])) {
			p += sprintf(p, "%s", argv[i]);
			continue;
		}
		*p++ = '\'';
		for (q = argv[i]; *q != '\0'; q++)
			if (*q == '\'')
				p += sprintf(p, "'\\''");
			else
				*p++ = *q;
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}

/*
 * A watch path that does not exist is a mistake in the configuration.
 * The others are made canonical (realpath(3)), so that the log shows
 * "contrib/demo/x changed" and not "conf/../contrib/demo/x". Returns 0,
 * or -1 with the message in err.
 */
static int
check_watch(struct conf *c, char *err)
{
	char *real;
	size_t i;

	for (i = 0; i < c->nwatch; i++) {
		if ((real = realpath(c->watch[i], NULL)) == NULL) {
			(void)snprintf(err, CONF_ERR_MAX,
			    "%s%swatch '%s': %s; create it or remove it from "
			    "the watch list",
			    c->file != NULL ? c->file : "",
			    c->file != NULL ? ": [child] " : "", c->watch[i],
			    strerror(errno));
			return -1;
		}
		free(c->watch[i]);
		c->watch[i] = real;
	}
	return 0;
}

/*
 * Builds the configuration into c: the file (from -c, or ./ports.ini when
 * no command was given), then the command line, which wins key by key; a
 * repeatable option replaces the file's list. A mistake in the command
 * line exits 2 (usage). A mistake in the file returns -1 with a
 * "file:line: ..." message in err and c freed: at start-up that is exit
 * 2, on a live reload the running configuration stays. Else returns 0.
 */
static int
configure(struct conf *c, const struct opts *o, char *err)
{
	char cwd[PATH_MAX];
	const char *file = o->config;
	size_t i;

	conf_init(c);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		fatal("cannot find the current directory");
	if (file == NULL && o->command == NULL)
		file = "ports.ini";
	if (file != NULL) {
		if (conf_load(c, file, err) == -1) {
			if (o->config == NULL && access(file, F_OK) == -1)
				usage("no ports.ini here: give -c FILE or "
				      "-- COMMAND%s",
				    "");
			goto fail;
		}
	} else if (conf_set_dir(c, cwd) == -1) {
		fatal("out of memory");
	}
	if (o->nlisten > 0) {
		conf_clear_socks(c);
		for (i = 0; i < o->nlisten; i++)
			if (conf_add_listen(c, o->listen[i], err) == -1) {
				(void)fprintf(stderr, "holdports: -l %s: %s\n",
				    o->listen[i], err);
				exit(2);
			}
	}
	/* A repeatable option replaces the file's list; conf_set() appends,
	 * resolving paths against the current directory. */
	if (o->nwatch > 0)
		conf_clear_list(c, "watch");
	for (i = 0; i < o->nwatch; i++)
		if (conf_set(c, "watch", o->watch[i], err) == -1)
			usage("-w: %s", err);
	if (o->nignore > 0)
		conf_clear_list(c, "ignore");
	for (i = 0; i < o->nignore; i++)
		if (conf_set(c, "ignore", o->ignore[i], err) == -1)
			usage("-i: %s", err);
	if (o->debounce != NULL &&
	    conf_set(c, "debounce", o->debounce, err) == -1)
		usage("-d: %s", err);
	if (o->name != NULL && conf_set(c, "name", o->name, err) == -1)
		usage("-n: %s", err);
	if (o->build != NULL && conf_set(c, "build", o->build, err) == -1)
		usage("-b: %s", err);
	if (o->mode != NULL && conf_set(c, "mode", o->mode, err) == -1)
		usage("--mode: %s", err);
	if (o->ready != NULL && conf_set(c, "ready", o->ready, err) == -1)
		usage("--ready: %s", err);
	/* after -l: every socket of the file or the command line */
	if (o->fallback != NULL && conf_set_fallback(c, o->fallback, err) == -1)
		usage("--fallback: %s", err);
	if (o->command != NULL) {
		free(c->command);
		c->command = shell_join(o->command, o->ncommand);
	}
	if (conf_finish(c, err) == -1 || check_watch(c, err) == -1)
		goto fail;
	return 0;
fail:
	conf_free(c);
	return -1;
}

/* loop_run()'s callback for a changed configuration file. */
static int
reconfigure(struct conf *c, const void *arg, char *err)
{
	return configure(c, arg, err);
}

/* At start-up: the configuration, or exit 2 with its message. */
static void
configure_or_exit(struct conf *c, const struct opts *o)
{
	char err[CONF_ERR_MAX];

	if (configure(c, o, err) == -1) {
		(void)fprintf(stderr, "holdports: %s\n", err);
		exit(2);
	}
}

/* Binds every socket in order; on a failure closes those bound and
 * exits 1 with the errno by name and a hint (DESIGN 7). */
static struct sock *
bind_all(const struct conf *c)
{
	struct sock *s;
	size_t i, j;

	if ((s = calloc(c->nsocks + 1, sizeof(*s))) == NULL)
		fatal("out of memory");
	for (i = 0; i < c->nsocks; i++) {
		s[i].conf = &c->socks[i];
		(void)snprintf(
		    s[i].name, sizeof(s[i].name), "%s", c->socks[i].spec.name);
		if (sock_bind(&s[i]) == 0) {
			log_info("%s listening on %s (fd %zu)", s[i].name,
			    s[i].addr, HP_LISTEN_FDS_START + i);
			continue;
		}
		sock_warn(&s[i], errno);
		for (j = 0; j < i; j++)
			sock_close(&s[j]);
		exit(1);
	}
	return s;
}

static int
run(const struct opts *o)
{
	struct conf c;
	struct sock *s;
	size_t i;
	int status;

	size_t n;

	configure_or_exit(&c, o);
	/* Nothing the supervisor inherited may reach a child (DESIGN 3). */
	proc_cloexec_from(STDERR_FILENO + 1);
	s = bind_all(&c);
	n = c.nsocks;
	/* The loop may replace c, s and n when the file changes. */
	status = loop_run(&c, &s, &n, reconfigure, o);
	for (i = 0; i < n; i++)
		sock_close(&s[i]);
	free(s);
	conf_free(&c);
	return status;
}

static int
check(int argc, char **argv)
{
	struct opts o;
	struct conf c;

	memset(&o, 0, sizeof(o));
	parse_opts(argc, argv, &o);
	if (o.command != NULL)
		usage("check takes no command%s", "");
	configure_or_exit(&c, &o);
	conf_print(&c, stdout);
	conf_free(&c);
	free(o.listen);
	free(o.watch);
	free(o.ignore);
	return 0;
}

int
main(int argc, char **argv)
{
	char err[CONF_ERR_MAX];
	struct opts o;
	int status = -2; /* no subcommand */

	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return check(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "ls") == 0)
		status = cmd_ls(argc - 1, argv + 1, err);
	else if (argc > 1 && strcmp(argv[1], "reload") == 0)
		status = cmd_signal(argc - 1, argv + 1, SIGHUP, err);
	else if (argc > 1 && strcmp(argv[1], "stop") == 0)
		status = cmd_signal(argc - 1, argv + 1, SIGTERM, err);
	if (status == -1)
		usage("%s", err);
	if (status >= 0)
		return status;
	if (argc > 1 && argv[1][0] != '-')
		usage("unknown command '%s'", argv[1]);
	memset(&o, 0, sizeof(o));
	parse_opts(argc, argv, &o);
	log_init(o.level);
	status = run(&o);
	free(o.listen);
	free(o.watch);
	free(o.ignore);
	return status;
}
