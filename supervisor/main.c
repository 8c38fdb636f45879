/* SPDX-License-Identifier: ISC */
/* main.c: the command line: parses it, and hands over to the subcommand
 * or to the loop. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <errno.h>
#include <fcntl.h>
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
    "                 [-l spec] [-n name] [-w path] [--clear]\n"
    "                 [--fallback none|next[:N]] [--mode replace|overlap]\n"
    "                 [--procfile file] [--ready none|notify]\n"
    "                 [-- command [arg ...]]\n"
    "       holdports check [-c file | --procfile file]\n"
    "       holdports ls [--json]\n"
    "       holdports reload [name | pid] [child]\n"
    "       holdports stop [name | pid]\n"
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
    "      --procfile FILE    run each NAME: COMMAND line of FILE as a child\n"
    "      --clear            clear the screen before each reload\n"
    "  -n, --name NAME        instance name\n"
    "  -q, --quiet            print errors only\n"
    "  -v, --verbose          print every event\n"
    "  -h, --help             print this help\n"
    "  -V, --version          print the version\n"
    "\n"
    "Signals: SIGHUP reloads the child; SIGTERM or SIGINT stops it and "
    "exits.\n"
    "Keys, when stdin is a terminal: r reloads, q stops, c clears.\n"
    "See holdports(1) and holdports.ini(5).\n";

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

/* Appends s (not copied) to the list *v of *n options; exits 1 when
 * memory is out. */
static void
opt_append(char ***v, size_t *n, char *s)
{
	char **nv;

	if ((nv = realloc(*v, (*n + 1) * sizeof(**v))) == NULL)
		fatal("out of memory");
	nv[(*n)++] = s;
	*v = nv;
}

static void
parse_opts(int argc, char **argv, struct opts *o, enum log_level *level)
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
	    {"procfile", required_argument, NULL, 'P'},
	    {"clear", no_argument, NULL, 'C'},
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
			opt_append(&o->listen, &o->nlisten, optarg);
			break;
		case 'w':
			opt_append(&o->watch, &o->nwatch, optarg);
			break;
		case 'i':
			opt_append(&o->ignore, &o->nignore, optarg);
			break;
		case 'd':
			o->debounce = optarg;
			break;
		case 'n':
			o->name = optarg;
			break;
		case 'q':
			*level = LOG_QUIET;
			break;
		case 'v':
			*level = LOG_VERBOSE;
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
		case 'P':
			o->procfile = optarg;
			break;
		case 'C':
			o->clear = 1;
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

/* Makes sure descriptors 0, 1 and 2 are open (on /dev/null if they are
 * not), so that no socket or pipe of ours becomes a standard stream, and
 * that nothing else holdports inherited reaches a child. Exits 1 when
 * that is impossible. */
static void
setup_fds(void)
{
	int fd;

	/* Not close-on-exec: these become the children's streams too. */
	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= STDERR_FILENO)
		;
	if (fd == -1)
		_exit(1); /* no stderr to say it on, maybe */
	(void)close(fd);
	proc_cloexec_from(STDERR_FILENO + 1);
}

/* Builds the configuration from o, or exits 2 with its message (and the
 * usage for a mistake on the command line). */
static void
configure_or_exit(struct conf *c, const struct opts *o)
{
	char err[CONF_ERR_MAX];
	int r;

	if (o->config == NULL && o->command == NULL && o->procfile == NULL &&
	    access("ports.ini", F_OK) == -1)
		usage("no ports.ini here: give -c FILE, --procfile FILE or -- "
		      "COMMAND%s",
		    "");
	if ((r = conf_build(c, o, err)) == -2)
		usage("%s", err);
	if (r == -1) {
		(void)fprintf(stderr, "holdports: %s\n", err);
		exit(2);
	}
}

/* Fills o->cwd with the directory holdports started in (kept for good:
 * the directory may be removed while holdports runs). */
static void
opts_cwd(struct opts *o, char *buf, size_t len)
{
	if (getcwd(buf, len) == NULL)
		fatal("cannot find the current directory");
	o->cwd = buf;
}

/* holdports check: prints the resolved configuration. */
static int
main_check(int argc, char **argv)
{
	char cwd[PATH_MAX];
	enum log_level level = LOG_NORMAL;
	struct opts o;
	struct conf c;

	memset(&o, 0, sizeof(o));
	parse_opts(argc, argv, &o, &level);
	if (o.command != NULL)
		usage("check takes no command%s", "");
	opts_cwd(&o, cwd, sizeof(cwd));
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
	char err[CONF_ERR_MAX], cwd[PATH_MAX];
	struct opts o;
	enum log_level level = LOG_NORMAL;
	struct conf c;
	int status = -2; /* no subcommand */

	setup_fds();
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return main_check(argc - 1, argv + 1);
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
	parse_opts(argc, argv, &o, &level);
	log_init(level);
	opts_cwd(&o, cwd, sizeof(cwd));
	configure_or_exit(&c, &o);
	status = loop_run(&c, &o);
	free(o.listen);
	free(o.watch);
	free(o.ignore);
	return status;
}
