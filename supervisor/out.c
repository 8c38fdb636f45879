/* SPDX-License-Identifier: ISC */
/* out.c: the children's and builds' output through holdports: read from
 * a pseudo-terminal or a pipe per process, kept in a ring, and written
 * to holdports' stdout and stderr without ever blocking the loop. */

/* posix_openpt(3), grantpt(3), unlockpt(3), ptsname(3): XSI. */
#define _XOPEN_SOURCE 700

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hp.h"
#include "out.h"

#define OUT_CHUNK 16384 /* bytes read at once */
#define OUT_BUF (OUT_PENDING_MAX + OUT_LOG_ROOM) /* a sink's queue */

enum sink_mode {
	SINK_NONE, /* nothing to write to (closed, or a write failed) */
	SINK_OWN, /* a non-blocking description of our own */
	SINK_SEND, /* a socket: send(2) with MSG_DONTWAIT */
	SINK_FILE, /* a regular file or a block device: never waits */
	SINK_POLL /* blocking and shared: write what poll(2) says fits */
};

/* Where output goes: holdports' stdout or stderr. */
struct sink {
	struct out *o;
	int fd; /* what we write to */
	int orig; /* holdports' descriptor: 1 or 2 (tests: another) */
	int own; /* fd is a description of ours, to close */
	enum sink_mode mode;
	int tty; /* orig is a terminal */
	char *buf; /* bytes waiting, circular, OUT_BUF: OUT_PENDING_MAX of
		      children's output, the rest for holdports' lines */
	size_t head, len;
	uint64_t dropped; /* bytes dropped since the start */
	uint64_t episode; /* bytes dropped since the last write caught up */
	const char *name; /* "stdout", "stderr" */
};

/* One process's descriptor 1 or 2 (or both), as we read it. */
struct src {
	struct out *o;
	struct src *next;
	int fd; /* -1 once at its end; freed by the next out_poll() */
	pid_t pid;
	int pty;
	struct ring *ring; /* NULL after out_forget() */
	struct sink *sink;
	char *line; /* with a prefix: the prefix, then the line so far */
	size_t plen, nline;
};

struct out {
	struct sink sinks[2];
	int same; /* fd1 and fd2 are one file: sinks[0] for both */
	int capture;
	struct src *srcs;
	size_t nsrcs;
};

/* Copies the window size of the terminal from to the pseudo-terminal
 * to, as a terminal emulator does on a resize (TIOCGWINSZ, TIOCSWINSZ).
 * Without them (not POSIX before its 2024 edition) it does nothing. */
static void
out_size(int from, int to)
{
#if defined(TIOCGWINSZ) && defined(TIOCSWINSZ)
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(to, TIOCSWINSZ, &ws);
#else
	(void)from;
	(void)to;
#endif
}

/*
 * Sets up sink k for holdports' descriptor fd. A terminal or a pipe is
 * opened again through /dev/fd (Linux: /proc/self/fd) into a description
 * of our own with O_NONBLOCK: setting the flag on fd itself would change
 * it for the shell and every process sharing the terminal. Where /dev/fd
 * only duplicates (a BSD without fdescfs), the description would be
 * shared: then nothing is changed and only what poll(2) says fits is
 * written.
 */
static void
sink_open(struct out *o, struct sink *k, int fd, const char *name)
{
	struct stat st, nst;
	char path[32];
	int fl, nfl, nfd;

	k->o = o;
	k->name = name;
	k->fd = k->orig = fd;
	if (fstat(fd, &st) == -1) {
		k->mode = SINK_NONE; /* closed: the output is only kept */
		return;
	}
	k->tty = isatty(fd);
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
		k->mode = SINK_FILE;
		return;
	}
#ifdef MSG_DONTWAIT
	if (S_ISSOCK(st.st_mode)) {
		k->mode = SINK_SEND;
		return;
	}
#endif
	k->mode = SINK_POLL;
	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return;
	if (fl & O_NONBLOCK) {
		k->mode = SINK_OWN; /* non-blocking already: as it is */
		return;
	}
	(void)snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	if ((nfd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY)) == -1)
		return;
	if (fd_set_cloexec(nfd) == -1 || fstat(nfd, &nst) == -1 ||
	    nst.st_dev != st.st_dev || nst.st_ino != st.st_ino ||
	    (nfl = fcntl(nfd, F_GETFL)) == -1 || !(nfl & O_NONBLOCK) ||
	    (fcntl(fd, F_GETFL) & O_NONBLOCK)) {
		(void)fcntl(fd, F_SETFL, fl); /* shared: leave it as it was */
		(void)close(nfd);
		return;
	}
	k->fd = nfd;
	k->own = 1;
	k->mode = SINK_OWN;
}

/* Writes what it can of the n bytes at p to k with one call (a regular
 * file: all of them). Returns the bytes taken: written, or all of them
 * when k can take nothing any more (EPIPE, EIO: no reader), which is
 * said once; 0 when it would block. */
static size_t
sink_put(struct sink *k, const char *p, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
#ifdef MSG_DONTWAIT
		if (k->mode == SINK_SEND)
			r = send(k->fd, p + done, n - done,
			    MSG_DONTWAIT
#ifdef MSG_NOSIGNAL
				| MSG_NOSIGNAL
#endif
			);
		else
#endif
			r = write(k->fd, p + done, n - done);
		if (r > 0) {
			done += (size_t)r;
			if (k->mode != SINK_FILE)
				break;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		k->mode = SINK_NONE; /* first: the line must not wait here */
		log_warn("%s: children's output is kept for the error page "
			 "only from now on",
		    k->name);
		return n;
	}
	return done;
}

/* Writes what k holds, until it would block (with SINK_POLL: at most
 * PIPE_BUF bytes, which a pipe that poll(2) says is writable takes
 * whole). Once all is out after bytes were dropped, says how many. */
static void
sink_flush(struct sink *k)
{
	size_t seg, w;

	while (k->len > 0 && k->mode != SINK_NONE) {
		seg = OUT_BUF - k->head;
		if (seg > k->len)
			seg = k->len;
		if (k->mode == SINK_POLL && seg > PIPE_BUF)
			seg = PIPE_BUF;
		w = sink_put(k, k->buf + k->head, seg);
		if (k->mode == SINK_NONE)
			w = k->len;
		k->head = (k->head + w) % OUT_BUF;
		k->len -= w;
		if (w < seg || k->mode == SINK_POLL)
			break;
	}
	if (k->len == 0 && k->episode > 0) {
		log_warnx("%s did not keep up: %llu bytes of the children's "
			  "output were dropped (the last 64 KiB of each are "
			  "kept for the error page)",
		    k->name, (unsigned long long)k->episode);
		k->episode = 0;
	}
}

/* Queues what fits of the n bytes at p in k while k holds at most max
 * bytes (max <= OUT_BUF). Returns the bytes queued. */
static size_t
sink_queue(struct sink *k, const char *p, size_t n, size_t max)
{
	size_t room, i, c, at, seg;

	if (k->buf == NULL && (k->buf = malloc(OUT_BUF)) == NULL)
		return 0;
	room = k->len < max ? max - k->len : 0;
	c = n < room ? n : room;
	for (i = 0; i < c; i += seg) {
		at = (k->head + k->len) % OUT_BUF;
		seg = OUT_BUF - at;
		if (seg > c - i)
			seg = c - i;
		memcpy(k->buf + at, p + i, seg);
		k->len += seg;
	}
	return c;
}

/* Passes the n bytes at p to k: written at once when nothing waits
 * before them, else queued; what does not fit in OUT_PENDING_MAX is
 * dropped: with whole set (a prefixed line) all n bytes or none, so that
 * a line is never cut and the drop's message starts a line. The first
 * drop of a run is said at once unless it would be said into the stream
 * that is stuck; the count when it catches up. */
static void
sink_write(struct sink *k, const char *p, size_t n, int whole)
{
	size_t w, c;

	if (k->mode == SINK_NONE || n == 0)
		return;
	if (k->len == 0 && k->mode != SINK_POLL) {
		w = sink_put(k, p, n);
		p += w;
		n -= w;
		if (n == 0 || k->mode == SINK_NONE)
			return;
	}
	if (whole && k->len + n > OUT_PENDING_MAX)
		c = 0;
	else
		c = sink_queue(k, p, n, OUT_PENDING_MAX);
	if (c == n)
		return;
	if (k->episode == 0 && k != &k->o->sinks[1] && !k->o->same)
		log_warnx("%s is not keeping up; dropping the children's "
			  "output it cannot take",
		    k->name);
	k->episode += n - c;
	k->dropped += n - c;
}

/* Sends the whole line of s (its prefix, the line, a newline) to its
 * sink in one piece, so that no other output comes between. */
static void
src_line(struct src *s)
{
	s->line[s->plen + s->nline] = '\n';
	sink_write(s->sink, s->line, s->plen + s->nline + 1, 1);
	s->nline = 0;
}

/* The n bytes at p came from s: into its ring, and through to its sink,
 * at once without a prefix, else line by line. */
static void
src_emit(struct src *s, const char *p, size_t n)
{
	const char *nl;
	size_t c;

	if (s->ring != NULL)
		ring_write(s->ring, p, n);
	if (s->line == NULL) {
		sink_write(s->sink, p, n, 0);
		return;
	}
	while (n > 0) {
		nl = memchr(p, '\n', n);
		c = nl != NULL ? (size_t)(nl - p) : n;
		if (c > OUT_LINE_MAX - s->nline)
			c = OUT_LINE_MAX - s->nline;
		memcpy(s->line + s->plen + s->nline, p, c);
		s->nline += c;
		p += c;
		n -= c;
		if (n > 0 && *p == '\n') {
			p++;
			n--;
			src_line(s);
		} else if (s->nline == OUT_LINE_MAX)
			src_line(s); /* too long: cut */
	}
}

/* The end of s's output: a partial line goes out, the descriptor is
 * closed. The struct stays until the next out_poll(): a callback of this
 * turn may still point to it. */
static void
src_end(struct src *s)
{
	if (s->fd == -1)
		return;
	if (s->line != NULL && s->nline > 0)
		src_line(s);
	(void)close(s->fd);
	s->fd = -1;
	s->o->nsrcs--;
}

/* Reads s until it would block, its end, or max bytes. A pseudo-terminal
 * whose other side is closed by every process gives EIO (Linux) after
 * what is left, a pipe end of file. */
static void
src_read(struct src *s, size_t max)
{
	char buf[OUT_CHUNK];
	ssize_t n;

	while (s->fd != -1 && max > 0) {
		n = read(s->fd, buf, max < sizeof(buf) ? max : sizeof(buf));
		if (n > 0) {
			src_emit(s, buf, (size_t)n);
			max -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		src_end(s); /* 0, EIO, or an error that will not pass */
	}
}

/* pollset callback: output waits on a process's descriptor. */
static void
out_readable(void *arg, int fd, short revents, int64_t now)
{
	(void)fd;
	(void)revents;
	(void)now;
	src_read(arg, OUT_READ_MAX);
}

/* pollset callback: holdports' stdout or stderr takes bytes again. */
static void
out_writable(void *arg, int fd, short revents, int64_t now)
{
	struct sink *k = arg;

	(void)fd;
	(void)now;
	if (revents & (POLLERR | POLLNVAL)) {
		/* Nobody reads it any more: what waits cannot go out. */
		k->len = 0;
		k->mode = SINK_NONE;
		return;
	}
	sink_flush(k);
}

struct out *
out_open(int fd1, int fd2)
{
	struct stat a, b;
	struct out *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->same = fd1 == fd2 ||
	    (fstat(fd1, &a) == 0 && fstat(fd2, &b) == 0 &&
		a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	sink_open(o, &o->sinks[0], fd1, "stdout");
	if (!o->same)
		sink_open(o, &o->sinks[1], fd2, "stderr");
	else
		o->sinks[0].name = "stdout and stderr";
	return o;
}

void
out_capture(struct out *o, int on)
{
	o->capture = on;
}

int
out_capturing(const struct out *o)
{
	return o->capture;
}

/* Makes a pseudo-terminal for sink k: *ours gets the master (close-on-
 * exec, non-blocking), *theirs the slave, not a controlling terminal
 * (O_NOCTTY), of k's size, and without output processing so that bytes
 * pass unchanged (the terminal that shows them turns "\n" into "\r\n").
 * Returns 0 or -1 with errno. */
static int
out_pty(const struct sink *k, int *ours, int *theirs)
{
	struct termios t;
	const char *name;
	int m, s = -1, e;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) == -1)
		return -1;
	if (fd_set_cloexec(m) == -1 || fd_set_nonblock(m) == -1 ||
	    grantpt(m) == -1 || unlockpt(m) == -1 ||
	    (name = ptsname(m)) == NULL ||
	    (s = open(name, O_RDWR | O_NOCTTY)) == -1 ||
	    fd_set_cloexec(s) == -1)
		goto fail;
	if (tcgetattr(s, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)OPOST;
		(void)tcsetattr(s, TCSANOW, &t);
	}
	out_size(k->orig, m);
	*ours = m;
	*theirs = s;
	return 0;
fail:
	e = errno;
	if (s != -1)
		(void)close(s);
	(void)close(m);
	errno = e;
	return -1;
}

/* Makes a pipe: *ours the read end (non-blocking), *theirs the write
 * end, both close-on-exec. Returns 0 or -1 with errno. */
static int
out_pipe(int *ours, int *theirs)
{
	int p[2], e;

	if (fd_pipe(p) == -1)
		return -1;
	if (fd_set_nonblock(p[0]) == -1) {
		e = errno;
		(void)close(p[0]);
		(void)close(p[1]);
		errno = e;
		return -1;
	}
	*ours = p[0];
	*theirs = p[1];
	return 0;
}

/* Closes the descriptors of io and empties it. */
static void
io_close(struct out_io *io)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (io->ours[i] != -1)
			(void)close(io->ours[i]);
		if (io->child[i] != -1 &&
		    (i == 0 || io->child[1] != io->child[0]))
			(void)close(io->child[i]);
		io->ours[i] = io->child[i] = -1;
		io->pty[i] = 0;
	}
}

int
out_prepare(struct out *o, struct out_io *io)
{
	struct sink *k;
	int i, r, e;

	io->ours[0] = io->ours[1] = io->child[0] = io->child[1] = -1;
	io->pty[0] = io->pty[1] = 0;
	if (!o->capture)
		return 0;
	for (i = 0; i < 2; i++) {
		if (i == 1 && o->same) {
			io->child[1] = io->child[0];
			io->pty[1] = io->pty[0];
			break;
		}
		k = &o->sinks[i];
		r = k->tty ? out_pty(k, &io->ours[i], &io->child[i]) :
			     out_pipe(&io->ours[i], &io->child[i]);
		if (r == -1) {
			e = errno;
			io_close(io);
			errno = e;
			return -1;
		}
		io->pty[i] = k->tty;
	}
	return 0;
}

void
out_started(struct out *o, struct out_io *io, pid_t pid, struct ring *ring,
    const char *prefix)
{
	size_t plen = prefix != NULL ? strlen(prefix) : 0;
	struct src *s;
	int i;

	for (i = 0; i < 2; i++) {
		if (io->child[i] != -1 &&
		    (i == 0 || io->child[1] != io->child[0]))
			(void)close(io->child[i]);
		io->child[i] = -1;
		if (io->ours[i] == -1 || pid <= 0)
			continue;
		s = calloc(1, sizeof(*s));
		if (s != NULL && plen > 0 &&
		    (s->line = malloc(plen + OUT_LINE_MAX + 1)) == NULL) {
			free(s);
			s = NULL;
		}
		if (s == NULL) {
			log_warn(
			    "pid %ld: its output cannot be read", (long)pid);
			continue; /* closed below */
		}
		if (plen > 0)
			memcpy(s->line, prefix, plen);
		s->plen = plen;
		s->o = o;
		s->fd = io->ours[i];
		io->ours[i] = -1;
		s->pid = pid;
		s->pty = io->pty[i];
		s->ring = ring;
		s->sink = &o->sinks[o->same ? 0 : i];
		s->next = o->srcs;
		o->srcs = s;
		o->nsrcs++;
	}
	io_close(io);
}

void
out_drain(struct out *o, pid_t pid)
{
	struct src *s;

	for (s = o->srcs; s != NULL; s = s->next)
		if (s->pid == pid)
			src_read(s, OUT_DRAIN_MAX);
}

void
out_forget(struct out *o, const struct ring *ring)
{
	struct src *s;

	for (s = o->srcs; s != NULL; s = s->next)
		if (s->ring == ring && ring != NULL) {
			src_read(s, OUT_DRAIN_MAX);
			src_end(s);
			s->ring = NULL;
		}
}

void
out_winch(struct out *o)
{
	struct src *s;

	for (s = o->srcs; s != NULL; s = s->next)
		if (s->pty && s->fd != -1)
			out_size(s->sink->orig, s->fd);
}

/* Frees the sources that reached their end in an earlier turn. */
static void
out_prune(struct out *o)
{
	struct src **sp = &o->srcs, *s;

	while ((s = *sp) != NULL)
		if (s->fd == -1) {
			*sp = s->next;
			free(s->line);
			free(s);
		} else
			sp = &s->next;
}

int
out_poll(struct out *o, struct pollset *ps)
{
	struct src *s;
	int i;

	out_prune(o);
	for (s = o->srcs; s != NULL; s = s->next)
		if (pollset_add(ps, s->fd, POLLIN, out_readable, s) == -1)
			return -1;
	for (i = 0; i < (o->same ? 1 : 2); i++)
		if (o->sinks[i].len > 0 && o->sinks[i].mode != SINK_NONE &&
		    pollset_add(ps, o->sinks[i].fd, POLLOUT, out_writable,
			&o->sinks[i]) == -1)
			return -1;
	return 0;
}

void
out_close(struct out *o)
{
	struct src *s;
	int i;

	if (o == NULL)
		return;
	for (s = o->srcs; s != NULL; s = s->next) {
		src_read(s, OUT_DRAIN_MAX);
		src_end(s);
	}
	out_prune(o);
	for (i = 0; i < 2; i++) {
		sink_flush(&o->sinks[i]); /* what fits now */
		if (o->sinks[i].own)
			(void)close(o->sinks[i].fd);
		free(o->sinks[i].buf);
	}
	free(o);
}

int
out_log(void *arg, const char *line, size_t len)
{
	struct out *o = arg;
	struct sink *k = &o->sinks[o->same ? 0 : 1];

	if (k->mode == SINK_NONE || k->len == 0 || k->len + len > OUT_BUF)
		return 0;
	return sink_queue(k, line, len, OUT_BUF) == len;
}

size_t
out_pending(const struct out *o, int i)
{
	return o->sinks[o->same ? 0 : i].len;
}

uint64_t
out_dropped(const struct out *o, int i)
{
	return o->sinks[o->same ? 0 : i].dropped;
}

size_t
out_sources(const struct out *o)
{
	return o->nsrcs;
}
