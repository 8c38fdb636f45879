/* SPDX-License-Identifier: ISC */
/* fdstore-drive.c: plays the supervisor of the fd store for one program,
 * as systemd's FileDescriptorStoreMax= (and holdports' fdstore_max) do,
 * and checks that the program stores its clients and takes them back.
 *
 *   fdstore-drive [-n CLIENTS] -- COMMAND [ARG]...
 *	The chat server of contrib/examples. It gets a TCP listener on
 *	127.0.0.1 (port 0) as fd 3 (LISTEN_FDNAMES=listener) and a datagram
 *	socket as NOTIFY_SOCKET, and must send READY=1. CLIENTS (3)
 *	clients each get "PID: LINE" back; on SIGTERM it must send each
 *	client with FDSTORE=1 and FDNAME=client and exit 0. A second
 *	instance gets the listener and those descriptors
 *	(LISTEN_FDNAMES=listener:client:...) and must answer the same
 *	connections with its own pid, and a new one; then it is stopped
 *	the same way.
 *   fdstore-drive -g -- COMMAND [ARG]...
 *	The third example of hp_listen_fds(3): it gets one accepted
 *	connection as fd 3 (LISTEN_FDNAMES=client) and must write "welcome
 *	back" to it, store it again, send BARRIER=1 and exit 0.
 *
 * Prints what it checked, one line each, and exits 0; on the first
 * failure prints why and exits 1, having killed what it started. Every
 * wait is bounded (10 s). */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 10000 /* the bound of every wait */
#define MAX_FDS 64 /* descriptors stored, at most */

static char dir[200]; /* ours, in $TMPDIR, with the notify socket */
static char path[220];
static pid_t kids[2] = {-1, -1};

/* Kills what we started, removes our files, exits 1. */
static _Noreturn void
fail(const char *fmt, ...)
{
	va_list ap;
	int i;

	(void)fprintf(stderr, "fdstore-drive: ");
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, "\n");
	for (i = 0; i < 2; i++)
		if (kids[i] > 0)
			(void)kill(kids[i], SIGKILL);
	(void)unlink(path);
	(void)rmdir(dir);
	exit(1);
}

static long long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
cloexec(int fd)
{
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		fail("fcntl: %s", strerror(errno));
}

/* A TCP listener on 127.0.0.1, port 0. */
static int
listener(unsigned *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		fail("listener: %s", strerror(errno));
	cloexec(fd);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A client connected to 127.0.0.1:port. */
static int
client(unsigned port)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		fail("connect: %s", strerror(errno));
	cloexec(fd);
	return fd;
}

/* The port at the other end of connection fd (peer) or at ours. */
static unsigned
port_at(int fd, int peer)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if ((peer ? getpeername(fd, (struct sockaddr *)&sin, &len) :
		    getsockname(fd, (struct sockaddr *)&sin, &len)) == -1)
		fail("%s of fd %d: %s", peer ? "getpeername" : "getsockname",
		    fd, strerror(errno));
	return ntohs(sin.sin_port);
}

/*
 * Starts argv with the n descriptors of fds as 3, 4, ..., named names,
 * LISTEN_PID its own pid and NOTIFY_SOCKET our socket: what systemd and
 * holdports do at each start.
 */
static pid_t
spawn(char **argv, const int *fds, int n, const char *names)
{
	char buf[32];
	int moved[MAX_FDS + 1], i;
	pid_t pid;

	if ((pid = fork()) == -1)
		fail("fork: %s", strerror(errno));
	if (pid > 0)
		return pid;
	/* Above the target range first, so that no dup2() hits a source. */
	for (i = 0; i < n; i++)
		if ((moved[i] = fcntl(fds[i], F_DUPFD, 3 + n + 8)) == -1)
			_exit(126);
	for (i = 0; i < n; i++)
		if (dup2(moved[i], 3 + i) == -1 || close(moved[i]) == -1)
			_exit(126);
	(void)snprintf(buf, sizeof(buf), "%d", n);
	(void)setenv("LISTEN_FDS", buf, 1);
	(void)setenv("LISTEN_FDNAMES", names, 1);
	(void)snprintf(buf, sizeof(buf), "%ld", (long)getpid());
	(void)setenv("LISTEN_PID", buf, 1);
	(void)setenv("NOTIFY_SOCKET", path, 1);
	execvp(argv[0], argv);
	_exit(127);
}

/*
 * Receives one datagram on fd within ms, NUL terminated into buf, its
 * descriptors (close-on-exec) into fds; *n gets their number. Returns 1,
 * or 0 when none came in time.
 */
static int
receive(int fd, int ms, char *buf, size_t size, int *fds, int *n)
{
	union {
		struct cmsghdr h;
		unsigned char b[4096];
	} ctl;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	struct cmsghdr *cm;
	struct msghdr mh;
	struct iovec iov;
	ssize_t len;
	size_t hdr;
	int i, k;

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = size - 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = &ctl;
	mh.msg_controllen = sizeof(ctl);
	if ((len = recvmsg(fd, &mh, 0)) == -1)
		fail("recvmsg: %s", strerror(errno));
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		fail("a datagram or its descriptors were cut");
	buf[len] = '\0';
	*n = 0;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		hdr = (size_t)(CMSG_DATA(cm) - (unsigned char *)cm);
		k = (int)((cm->cmsg_len - hdr) / sizeof(int));
		for (i = 0; i < k; i++) {
			if (*n == MAX_FDS)
				fail("more than %d descriptors", MAX_FDS);
			memcpy(&fds[*n],
			    CMSG_DATA(cm) + (size_t)i * sizeof(int),
			    sizeof(int));
			cloexec(fds[(*n)++]);
		}
	}
	return 1;
}

/* Whether state, a notify message, has the line want. */
static int
has_line(const char *state, const char *want)
{
	size_t l = strlen(want);
	const char *p = state;

	for (;;) {
		if (strncmp(p, want, l) == 0 && (p[l] == '\n' || p[l] == '\0'))
			return 1;
		if ((p = strchr(p, '\n')) == NULL)
			return 0;
		p++;
	}
}

/* Waits for READY=1 from the program. */
static void
wait_ready(int nfd, const char *who)
{
	char buf[4096];
	int fds[MAX_FDS], n;

	if (!receive(nfd, WAIT_MS, buf, sizeof(buf), fds, &n))
		fail("%s: no READY=1 within %d ms", who, WAIT_MS);
	if (!has_line(buf, "READY=1") || n != 0)
		fail("%s: sent \"%s\" with %d fds before READY=1", who, buf, n);
	(void)printf("%s sent READY=1\n", who);
}

/*
 * Collects what the program sends until it has exited: the descriptors
 * of each FDSTORE=1 datagram into stored (*n of them), which must also
 * say FDNAME=client; a BARRIER=1 descriptor is closed at once, which
 * lets the barrier return. Asserts that it exited 0. Returns the number
 * of FDSTORE datagrams.
 */
static int
collect(int nfd, pid_t pid, const char *who, int *stored, int *n)
{
	const long long end = now_ms() + WAIT_MS;
	char buf[4096];
	int fds[MAX_FDS], k, i, st, dgrams = 0, gone = 0;

	*n = 0;
	while (now_ms() < end) {
		if (!gone && waitpid(pid, &st, WNOHANG) == pid)
			gone = 1;
		if (!receive(nfd, gone ? 0 : 10, buf, sizeof(buf), fds, &k)) {
			if (gone)
				break;
			continue;
		}
		if (has_line(buf, "BARRIER=1")) {
			if (k != 1 || strcmp(buf, "BARRIER=1") != 0)
				fail("%s: BARRIER=1 with %d fds: \"%s\"", who,
				    k, buf);
			(void)close(fds[0]);
			(void)printf("%s sent BARRIER=1\n", who);
		} else if (has_line(buf, "FDSTORE=1")) {
			if (!has_line(buf, "FDNAME=client") || k == 0)
				fail("%s: FDSTORE=1 without FDNAME=client or "
				     "fds: \"%s\", %d fds",
				    who, buf, k);
			for (i = 0; i < k; i++) {
				if (*n == MAX_FDS)
					fail("%s: too many fds stored", who);
				stored[(*n)++] = fds[i];
			}
			dgrams++;
		} else
			for (i = 0; i < k; i++)
				(void)close(fds[i]);
	}
	if (!gone)
		fail("%s (pid %ld) did not exit within %d ms of SIGTERM", who,
		    (long)pid, WAIT_MS);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("%s exited with status %d", who, st);
	return dgrams;
}

/* Reads one line from fd within WAIT_MS into buf (NUL, no newline). */
static void
read_line(int fd, char *buf, size_t size)
{
	const long long end = now_ms() + WAIT_MS;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t l = 0;
	long long left;

	while (l + 1 < size) {
		if ((left = end - now_ms()) <= 0 ||
		    poll(&pfd, 1, (int)left) != 1)
			fail("no line on fd %d within %d ms", fd, WAIT_MS);
		if (read(fd, buf + l, 1) != 1)
			fail("fd %d: closed after \"%.*s\"", fd, (int)l, buf);
		if (buf[l] == '\n')
			break;
		l++;
	}
	buf[l] = '\0';
}

/* Sends "text\n" on fd and checks the answer is "pid: text". */
static void
chat(int fd, pid_t pid, const char *text)
{
	char want[256], got[256];

	(void)snprintf(want, sizeof(want), "%s\n", text);
	if (write(fd, want, strlen(want)) != (ssize_t)strlen(want))
		fail("write: %s", strerror(errno));
	read_line(fd, got, sizeof(got));
	(void)snprintf(want, sizeof(want), "%ld: %s", (long)pid, text);
	if (strcmp(got, want) != 0)
		fail("sent \"%s\", got \"%s\", not \"%s\"", text, got, want);
}

/* Checks that the stored descriptors are our n clients, once each. */
static void
match(const int *stored, int n, const int *clients, int nc, const char *who)
{
	int i, j, hits;

	if (n != nc)
		fail("%s stored %d descriptors for %d clients", who, n, nc);
	for (j = 0; j < nc; j++) {
		hits = 0;
		for (i = 0; i < n; i++)
			hits += port_at(stored[i], 1) == port_at(clients[j], 0);
		if (hits != 1)
			fail("%s: client %d stored %d times", who, j, hits);
	}
	(void)printf(
	    "%s stored each of its %d clients with FDSTORE=1\n", who, n);
}

/* The chat server: two instances, the second takes the first's clients. */
static void
drive_chat(char **argv, int nclients, int nfd)
{
	int fds[MAX_FDS + 1], clients[MAX_FDS], stored[MAX_FDS], n, i, dg;
	char names[16 + 7 * MAX_FDS], text[64];
	unsigned port;
	pid_t a, b;

	fds[0] = listener(&port);
	a = kids[0] = spawn(argv, fds, 1, "listener");
	wait_ready(nfd, "instance 1");
	for (i = 0; i < nclients; i++) {
		clients[i] = client(port);
		(void)snprintf(text, sizeof(text), "hello %d", i);
		chat(clients[i], a, text);
	}
	(void)printf(
	    "instance 1 (pid %ld) answered %d clients\n", (long)a, nclients);

	(void)kill(a, SIGTERM);
	dg = collect(nfd, a, "instance 1", stored, &n);
	kids[0] = -1;
	match(stored, n, clients, nclients, "instance 1");
	(void)printf(
	    "instance 1 sent them in %d datagram(s) and exited 0\n", dg);

	/* O_NONBLOCK is shared: the next instance must set what it needs. */
	(void)strcpy(names, "listener");
	for (i = 0; i < n; i++) {
		(void)fcntl(
		    stored[i], F_SETFL, fcntl(stored[i], F_GETFL) | O_NONBLOCK);
		fds[1 + i] = stored[i];
		(void)strcat(names, ":client");
	}
	b = kids[1] = spawn(argv, fds, 1 + n, names);
	wait_ready(nfd, "instance 2");
	for (i = 0; i < nclients; i++) {
		(void)snprintf(text, sizeof(text), "again %d", i);
		chat(clients[i], b, text);
	}
	(void)printf("instance 2 (pid %ld) answered the same %d connections\n",
	    (long)b, nclients);
	for (i = 0; i < n; i++)
		if (fcntl(stored[i], F_GETFL) & O_NONBLOCK)
			fail("instance 2 left a stored client non-blocking");
	(void)printf("instance 2 made the stored clients blocking\n");
	clients[nclients] = client(port);
	chat(clients[nclients], b, "new");
	(void)printf("instance 2 answered a new client on the listener\n");
	for (i = 0; i < n; i++)
		(void)close(stored[i]);

	(void)kill(b, SIGTERM);
	(void)collect(nfd, b, "instance 2", stored, &n);
	kids[1] = -1;
	match(stored, n, clients, nclients + 1, "instance 2");
	for (i = 0; i < n; i++)
		(void)close(stored[i]);
	for (i = 0; i <= nclients; i++)
		(void)close(clients[i]);
	(void)close(fds[0]);
}

/* hp_listen_fds(3)'s third example: greets a stored client, stores it. */
static void
drive_greet(char **argv, int nfd)
{
	int lfd, c, s, stored[MAX_FDS], n;
	char got[64];
	unsigned port;
	pid_t pid;

	lfd = listener(&port);
	c = client(port);
	if ((s = accept(lfd, NULL, NULL)) == -1)
		fail("accept: %s", strerror(errno));
	cloexec(s);
	pid = kids[0] = spawn(argv, &s, 1, "client");
	(void)close(s);
	read_line(c, got, sizeof(got));
	if (strcmp(got, "welcome back") != 0)
		fail("the stored client got \"%s\"", got);
	(void)printf("it wrote \"welcome back\" to the stored client\n");
	(void)collect(nfd, pid, "it", stored, &n);
	kids[0] = -1;
	match(stored, n, &c, 1, "it");
	(void)close(stored[0]);
	(void)close(c);
	(void)close(lfd);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un un;
	const char *tmp;
	int ch, greet = 0, nclients = 3, nfd;

	while ((ch = getopt(argc, argv, "gn:")) != -1) {
		switch (ch) {
		case 'g':
			greet = 1;
			break;
		case 'n':
			nclients = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	argv += optind;
	if (argv[0] == NULL || nclients < 1 || nclients >= MAX_FDS)
		goto usage;
	(void)signal(SIGPIPE, SIG_IGN);
	(void)setvbuf(stdout, NULL, _IOLBF, 0); /* in order with stderr */

	tmp = getenv("TMPDIR");
	(void)snprintf(dir, sizeof(dir), "%s/hp-fdstore.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		fail("mkdtemp %s: %s", dir, strerror(errno));
	(void)snprintf(path, sizeof(path), "%s/notify", dir);
	if (strlen(path) >= sizeof(un.sun_path))
		fail("%s: too long for a socket", path);
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, path, strlen(path) + 1);
	if ((nfd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(nfd, (struct sockaddr *)&un, sizeof(un)) == -1)
		fail("%s: %s", path, strerror(errno));
	cloexec(nfd);

	if (greet)
		drive_greet(argv, nfd);
	else
		drive_chat(argv, nclients, nfd);
	(void)close(nfd);
	(void)unlink(path);
	(void)rmdir(dir);
	return 0;
usage:
	(void)fprintf(stderr,
	    "usage: fdstore-drive [-g] [-n clients] -- command [arg]...\n");
	return 2;
}
