/* SPDX-License-Identifier: ISC */
/* fdstore-clients.c: clients of a line server that answers "PID: LINE"
 * (contrib/examples/fdstore-chat), kept connected while a test reloads
 * the server, for the fd store's system tests.
 *
 *   fdstore-clients PORT < COMMANDS
 *
 * Reads one command a line from stdin and writes one result line to
 * stdout for each (flushed), "ok ..." or "FAIL ...":
 *
 *   connect N    connects N more clients to 127.0.0.1:PORT; each sends a
 *                line and must get it back: "ok connected N pid P"
 *   ask          every open client sends a line and must get it back
 *                from one pid: "ok answered A of N pid P lost L", where
 *                L counts the clients that saw end-of-file or an error
 *                (they are closed and no longer asked)
 *   reload PID   sends SIGHUP to PID (holdports), waits until the pid
 *                that answered last is gone and a new connection is
 *                answered by another one (the new child; only then, so
 *                that no probe is left with the old child to store),
 *                then asks as ask does:
 *                "ok reload pid P answered A of N lost L"
 *   close K      closes K clients (the first still open): a FIN
 *   reset K      closes K clients with SO_LINGER 0: a RST
 *   eof          waits until every open client sees end-of-file or an
 *                error: "ok eof E of N"
 *
 * Every wait is bounded (10 s). The listening port is the server's; no
 * other address is used. */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 10000
#define MAXC 2048

static int cl[MAXC]; /* client descriptors; -1: closed */
static int ncl;
static unsigned port;
static long lastpid; /* the pid that answered last */
static unsigned long serial; /* makes each line different */

static long long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A new connection to 127.0.0.1:port, or -1. */
static int
dial(void)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/*
 * Sends one line on fd and reads the answer "PID: LINE" within WAIT_MS.
 * Returns the pid, 0 for a wrong answer, -1 for end-of-file or an error
 * (the client is gone), -2 when no answer came in time.
 */
static long
ask1(int fd)
{
	char line[64], buf[128], *colon;
	long long end = now_ms() + WAIT_MS;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t len = 0, n;
	ssize_t r;
	int left;

	n = (size_t)snprintf(line, sizeof(line), "line %lu\n", ++serial);
	if (send(fd, line, n, MSG_NOSIGNAL) != (ssize_t)n)
		return -1;
	while (len == 0 || buf[len - 1] != '\n') {
		if ((left = (int)(end - now_ms())) <= 0)
			return -2;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r <= 0)
			return -1;
		len += (size_t)r;
		if (len == sizeof(buf) - 1)
			return 0;
	}
	buf[len] = '\0';
	if ((colon = strstr(buf, ": ")) == NULL || strcmp(colon + 2, line) != 0)
		return 0;
	return strtol(buf, NULL, 10);
}

/* Asks every open client; writes what they said after what (a prefix). */
static void
ask_all(const char *what)
{
	int i, open = 0, answered = 0, lost = 0, bad = 0;
	long pid, first = 0;

	for (i = 0; i < ncl; i++) {
		if (cl[i] == -1)
			continue;
		open++;
		pid = ask1(cl[i]);
		if (pid == -1) {
			lost++;
			(void)close(cl[i]);
			cl[i] = -1;
		} else if (pid <= 0)
			bad++;
		else if (first == 0 || pid == first) {
			first = pid;
			answered++;
		} else
			bad++;
	}
	lastpid = first != 0 ? first : lastpid;
	(void)printf("%s %spid %ld answered %d of %d lost %d%s\n",
	    bad == 0 ? "ok" : "FAIL", what, first, answered, open, lost,
	    bad == 0 ? "" : " (wrong or missing answers)");
}

/* Connects n more clients; each must be answered by one pid. */
static void
connect_n(int n)
{
	int i, bad = 0;
	long pid, first = 0;

	for (i = 0; i < n && ncl < MAXC; i++) {
		if ((cl[ncl] = dial()) == -1) {
			(void)printf("FAIL connect: %s\n", strerror(errno));
			return;
		}
		pid = ask1(cl[ncl++]);
		if (pid <= 0 || (first != 0 && pid != first))
			bad++;
		else
			first = pid;
	}
	lastpid = first;
	(void)printf(
	    "%s connected %d pid %ld\n", bad == 0 ? "ok" : "FAIL", n, first);
}

/* SIGHUP to hp, then waits for a connection answered by a new pid. */
static void
reload(long hp)
{
	long long end = now_ms() + WAIT_MS;
	struct timespec pause = {0, 10 * 1000000};
	long was = lastpid, pid = 0;
	int fd;

	if (kill((pid_t)hp, SIGHUP) == -1) {
		(void)printf("FAIL kill %ld: %s\n", hp, strerror(errno));
		return;
	}
	while (was > 0 && now_ms() < end && kill((pid_t)was, 0) == 0)
		(void)nanosleep(&pause, NULL);
	while (now_ms() < end) {
		if ((fd = dial()) != -1) {
			pid = ask1(fd);
			(void)close(fd);
			if (pid > 0 && pid != was)
				break;
		}
		(void)nanosleep(&pause, NULL);
	}
	if (pid <= 0 || pid == was) {
		(void)printf("FAIL reload: no new pid within %d ms\n", WAIT_MS);
		return;
	}
	lastpid = pid;
	ask_all("reload ");
}

/* Closes k open clients, with a RST if rst. */
static void
close_k(int k, int rst)
{
	struct linger lg = {1, 0};
	int i, done = 0;

	for (i = 0; i < ncl && done < k; i++) {
		if (cl[i] == -1)
			continue;
		if (rst)
			(void)setsockopt(
			    cl[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		(void)close(cl[i]);
		cl[i] = -1;
		done++;
	}
	(void)printf("ok %s %d\n", rst ? "reset" : "closed", done);
}

/* Waits until every open client sees end-of-file or an error. */
static void
wait_eof(void)
{
	long long end = now_ms() + WAIT_MS;
	struct pollfd pfd;
	char b[256];
	int i, open = 0, eof = 0, left;
	ssize_t r;

	for (i = 0; i < ncl; i++) {
		if (cl[i] == -1)
			continue;
		open++;
		pfd.fd = cl[i];
		pfd.events = POLLIN;
		for (;;) {
			if ((left = (int)(end - now_ms())) <= 0)
				break;
			if (poll(&pfd, 1, left) <= 0)
				continue;
			if ((r = read(cl[i], b, sizeof(b))) > 0)
				continue; /* an answer still on its way */
			eof++;
			(void)close(cl[i]);
			cl[i] = -1;
			break;
		}
	}
	(void)printf(
	    "%s eof %d of %d\n", eof == open ? "ok" : "FAIL", eof, open);
}

int
main(int argc, char **argv)
{
	char cmd[256];
	long v;

	if (argc != 2 || (port = (unsigned)atoi(argv[1])) == 0) {
		(void)fprintf(
		    stderr, "usage: fdstore-clients PORT < COMMANDS\n");
		return 2;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	while (fgets(cmd, sizeof(cmd), stdin) != NULL) {
		cmd[strcspn(cmd, "\n")] = '\0';
		if (sscanf(cmd, "connect %ld", &v) == 1)
			connect_n((int)v);
		else if (strcmp(cmd, "ask") == 0)
			ask_all("");
		else if (sscanf(cmd, "reload %ld", &v) == 1)
			reload(v);
		else if (sscanf(cmd, "close %ld", &v) == 1)
			close_k((int)v, 0);
		else if (sscanf(cmd, "reset %ld", &v) == 1)
			close_k((int)v, 1);
		else if (strcmp(cmd, "eof") == 0)
			wait_eof();
		else
			(void)printf("FAIL unknown command '%s'\n", cmd);
		(void)fflush(stdout);
	}
	return 0;
}
