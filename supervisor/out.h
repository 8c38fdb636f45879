/* SPDX-License-Identifier: ISC */
/* out.h: the output of children and builds, read by holdports: passed
 * through to its own stdout and stderr at once and unchanged, and its last
 * bytes kept in a struct ring for the error page and the events. Each of
 * a process's descriptors 1 and 2 gets what holdports' own 1 and 2 are: a
 * pseudo-terminal of the same size where that is a terminal, else a pipe;
 * one for both when holdports' 1 and 2 are the same file. Reading and
 * writing never block the loop, and a flood costs bounded memory. */

#ifndef HP_OUT_H
#define HP_OUT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "pollset.h"
#include "ring.h"

/* Bytes held for holdports' stdout or stderr while it cannot take them;
 * what comes beyond that is dropped (and said). */
#define OUT_PENDING_MAX (256 * 1024)
/* Bytes read from one process's output in one turn of the loop, so that
 * a flood cannot hold the loop from everything else. */
#define OUT_READ_MAX (64 * 1024)
/* Bytes read when a process has exited (out_drain()): what it left in
 * the pipe; more can come only from a descendant that still writes. */
#define OUT_DRAIN_MAX (1024 * 1024)
/* Room beyond OUT_PENDING_MAX for holdports' own lines (out_log()). */
#define OUT_LOG_ROOM (64 * 1024)
/* With a prefix, the longest line passed whole; a longer one is cut. */
#define OUT_LINE_MAX 4096

struct out;

/* The descriptors of one start, from out_prepare() to out_started(). */
struct out_io {
	int child[2]; /* for the process's 1 and 2; -1: it inherits ours */
	int ours[2]; /* what we read: ours[1] is -1 when 1 and 2 share one */
	int pty[2]; /* child[i] is a pseudo-terminal */
};

/*
 * Returns a new output module that writes to fd1 and fd2 (holdports'
 * stdout and stderr, 1 and 2; tests pass pipes). Each gets a
 * non-blocking description of its own where the system gives one
 * (opening /dev/fd/N anew), so that the shell's and the children's
 * descriptions of the terminal stay blocking; a socket is written with
 * MSG_DONTWAIT, a regular file as it is; else only what poll(2) says
 * fits is written. Capture is off until out_capture(). Returns NULL
 * with errno ENOMEM.
 */
struct out *out_open(int fd1, int fd2);
/* Closes every process's output (what is readable now is passed on
 * first) and frees o (NULL is fine). fd1 and fd2 stay open. */
void out_close(struct out *o);
/* From now on, processes started get our descriptors (on = 1) or
 * inherit holdports' stdout and stderr as they are (on = 0). Cannot
 * fail. */
void out_capture(struct out *o, int on);
/* Returns 1 while capture is on, else 0. */
int out_capturing(const struct out *o);

/* Before a process starts: makes its descriptors for 1 and 2 into io
 * (close-on-exec, as every descriptor of ours; spawn puts them on 1 and
 * 2). With capture off io->child is {-1, -1}: it inherits. Returns 0, or
 * -1 with errno (EMFILE, ENFILE, ENOMEM, from posix_openpt(3) or
 * pipe(2)) and io as with capture off. */
int out_prepare(struct out *o, struct out_io *io);
/* After the start of io's process, pid (<= 0: it did not start): closes
 * our copies of its descriptors and, for pid > 0, reads its output from
 * now on, into ring (which must outlive it: out_forget()) and through to
 * our 1 and 2. With prefix (copied; NULL or "" for none) each line
 * goes out whole as "PREFIXLINE", never mixed with another process's;
 * else bytes go out as they come. Then io is empty. Cannot fail: what
 * cannot be read is closed. */
void out_started(struct out *o, struct out_io *io, pid_t pid, struct ring *ring,
    const char *prefix);
/* Process pid has exited: reads what it left (to end of file, at most
 * OUT_DRAIN_MAX bytes: a descendant may still write) and passes it on,
 * before its exit is reported. Cannot fail. */
void out_drain(struct out *o, pid_t pid);
/* Drains and closes the output of every process writing into ring,
 * which is about to be freed. Cannot fail. */
void out_forget(struct out *o, const struct ring *ring);
/* SIGWINCH came: gives every pseudo-terminal the size of the terminal
 * that holdports writes its output to. Cannot fail. */
void out_winch(struct out *o);
/* Adds what o waits for to ps: each process's output (POLLIN) and our 1
 * and 2 while bytes wait for them (POLLOUT). No timer. Returns 0, or -1
 * with errno ENOMEM. */
int out_poll(struct out *o, struct pollset *ps);

/* For log_through(): takes holdports' own line (len bytes) when
 * children's output waits for the file stderr is, and queues it behind
 * that output, so that "pid 42 exited" comes after what pid 42 wrote.
 * Returns 1 if it took the line, else 0 (write it as usual): nothing
 * waits, or there is no room left. arg is the struct out. */
int out_log(void *arg, const char *line, size_t len);

/* Returns the bytes waiting for our descriptor 1 or 2 (i: 0 or 1). */
size_t out_pending(const struct out *o, int i);
/* Returns the bytes dropped so far because descriptor 1 or 2 (i: 0 or
 * 1) did not keep up. */
uint64_t out_dropped(const struct out *o, int i);
/* Returns the number of process outputs being read. */
size_t out_sources(const struct out *o);

#endif
