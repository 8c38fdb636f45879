/* SPDX-License-Identifier: ISC */
/* hp.h: private interfaces of the supervisor, grouped by the file that
 * defines them. Times are int64_t milliseconds of CLOCK_MONOTONIC. */

#ifndef HP_H
#define HP_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define HP_LISTEN_FDS_START 3 /* sd_listen_fds(3): SD_LISTEN_FDS_START */

/* log.c */

enum log_level {
	LOG_QUIET = -1,
	LOG_NORMAL = 0,
	LOG_VERBOSE = 1
};

/* Sets the verbosity; the default is LOG_NORMAL. */
void log_init(enum log_level);
/* Each writes one line "holdports: MESSAGE" to stderr. log_warn appends
 * ": strerror(errno)". log_info and log_debug are silenced by -q, log_debug
 * needs -v. fatal and fatalx exit 1 (use only at start-up). */
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Returns the symbolic name of an errno value ("EADDRINUSE"), or "E?" */
const char *errno_name(int);

/* fd.c */

/* Each returns a new descriptor with FD_CLOEXEC set from birth (or, where
 * the flag does not exist, set at once: the supervisor is single-threaded),
 * or -1 with errno from the underlying call. */
int fd_socket(int family, int type);
int fd_pipe(int fds[2]); /* both ends close-on-exec */
int fd_devnull(int oflags); /* open("/dev/null", oflags) */
int fd_set_cloexec(int fd); /* 0 or -1 with errno */
int fd_set_nonblock(int fd); /* 0 or -1 with errno */
/* Returns CLOCK_MONOTONIC in milliseconds. */
int64_t now_ms(void);

/* sigfd.c */

#define SIGFD_CHLD 0x01
#define SIGFD_HUP 0x02
#define SIGFD_TERM 0x04 /* SIGTERM or SIGINT */

/* Opens the self-pipe and catches SIGCHLD, SIGHUP, SIGTERM and SIGINT;
 * ignores SIGPIPE. Returns the read end (non-blocking, close-on-exec) or
 * -1 with errno. */
int sigfd_open(void);
/* Empties the pipe; returns the SIGFD_* bits of the signals that arrived. */
int sigfd_drain(int fd);

/* sock.c */

struct sock {
	const struct sockconf *conf; /* listen spec, backlog, name */
	char name[CONF_FDNAME_MAX + 1]; /* name given to the child */
	int fd; /* the held descriptor, or -1 */
	int flags; /* F_GETFL status flags after bind */
	char addr[CONF_PATH_MAX + 16]; /* bound address: 127.0.0.1:8080 */
	int unlink_on_close; /* we created this unix socket file */
	dev_t dev; /* its device and inode, so that we */
	ino_t ino; /* never unlink a file that is not ours */
};

/* Binds and, for stream sockets, listens on s->conf->spec with
 * SO_REUSEADDR (never SO_REUSEPORT). Fills s->fd, s->flags, s->addr (with
 * the port the kernel chose for port 0). A unix socket file left by a dead
 * listener (connect(2) refused) is replaced; any other file at the path is
 * never unlinked. Returns 0 or -1 with errno (EADDRINUSE also for a path
 * that holds a live socket or is not a socket). */
int sock_bind(struct sock *s);
/* Restores the state each child must find (DESIGN 3): the status flags
 * saved at bind (so O_NONBLOCK set by one child does not leak to the next)
 * and the backlog (a child's listen(2) may have changed it). Returns 0 or
 * -1 with errno. */
int sock_reset(const struct sock *s);
/* Closes s->fd and removes the unix socket file if we created it and it is
 * still the same file. */
void sock_close(struct sock *s);
/* Logs why binding s failed: "bind 127.0.0.1:8080 (http): EADDRINUSE:
 * Address already in use; HINT" (DESIGN 7). */
void sock_warn(const struct sock *s, int err);
/* Returns a one-line hint for a bind errno, or "" (never NULL). */
const char *sock_hint(int err, const struct spec *);

/* env.c */

/* Builds the child's environment: every string of base except LISTEN_PID,
 * LISTEN_PIDFDID, LISTEN_FDS, LISTEN_FDNAMES and NOTIFY_SOCKET, then
 * extra (KEY=VALUE, each replacing a variable of the same name), then
 * NOTIFY_SOCKET=notify unless notify is NULL, then, if nfds > 0,
 * LISTEN_FDS, LISTEN_FDNAMES (names joined by ':') and a LISTEN_PID slot
 * that env_set_pid() fills after fork. Returns a NULL-terminated array
 * (one allocation, free() it) and stores the slot in *pidslot (NULL when
 * nfds == 0), or NULL with errno ENOMEM. */
char **env_build(char *const *base, char *const *extra, size_t nextra,
    const char *const *names, size_t nfds, const char *notify, char **pidslot);
/* Writes "LISTEN_PID=<pid>" into a slot from env_build(). Async-signal-safe:
 * it is called in the child between fork() and execve(). */
void env_set_pid(char *pidslot, pid_t pid);

/* child.c */

struct child_plan {
	char *const *argv; /* { "/bin/sh", "-c", "exec COMMAND", NULL } */
	char *const *envp; /* from env_build() */
	char *pidslot; /* from env_build(), or NULL */
	const int *fds; /* become 3, 4, ... in this order */
	size_t nfds;
	const char *directory; /* chdir(2) before exec, or NULL */
	pid_t parent; /* the supervisor: PR_SET_PDEATHSIG; 0: none */
};

/* Starts plan as a new process group leader (DESIGN 3, STYLE 5) and
 * returns its pid once execve() has succeeded. Returns -1 with errno when
 * fork() fails or when the child could not chdir or exec (the child is
 * reaped before returning); *stage is then "fork", "chdir", "execve", ... */
pid_t child_spawn(const struct child_plan *plan, const char **stage);
/* Sends signo to process group pgid. Returns 0, or -1 with errno (ESRCH
 * when the group is empty). */
int child_kill(pid_t pgid, int signo);
/* Returns 1 while any process (a zombie too) is in group pgid, else 0. */
int child_group_alive(pid_t pgid);

/* proc_linux.c, proc_none.c: what only some kernels can do. */

/* Makes the supervisor the reaper of its orphaned descendants
 * (PR_SET_CHILD_SUBREAPER). Returns 0, or -1 with errno ENOSYS where the
 * system has no such thing: then a lingering group is re-checked on a
 * timer instead of on SIGCHLD. */
int proc_subreaper(void);
/* Sets FD_CLOEXEC on every descriptor >= lowfd that the supervisor
 * inherited, so that none of them reaches a child. */
void proc_cloexec_from(int lowfd);
/* Makes the datagram socket fd pass each sender's credentials with every
 * datagram (Linux: SO_PASSCRED, then SCM_CREDENTIALS). Call it before
 * bind(2), so that no datagram arrives without them. Returns 0, or -1
 * with errno from setsockopt(2), or ENOSYS where it is not implemented:
 * then senders are unknown (proc_cred_pid() returns 0). */
int proc_passcred(int fd);
/* Returns the sender's pid from the control data of a datagram received
 * by recvmsg(2) on a socket set up by proc_passcred(), or 0 when there is
 * none (or it is not implemented). Only reads msg; cannot fail. */
pid_t proc_cred_pid(const struct msghdr *msg);
/* Fills pids with up to max pids of the supervisor's own direct children,
 * zombies included: the child, a build, the guard (leave that one out)
 * and any orphan re-parented to us as subreaper, such as a daemonized
 * grandchild that left the child's group with setsid(2). Linux: the
 * /proc/self/task/TID/children file of every thread (proc(5),
 * CONFIG_PROC_CHILDREN), else the ppid field of each /proc/PID/stat; a
 * child forked or reaped meanwhile may be missed. Returns the number
 * stored (the rest, if any, are left for the next call), or 0 with errno
 * set when they cannot be listed (ENOSYS where not implemented). Not
 * async-signal-safe: call it in the supervisor, not after fork(). */
size_t proc_children(pid_t *pids, size_t max);
/* In a child between fork(2) and execve(2), with parent the supervisor's
 * pid taken before fork: asks for SIGKILL when the parent dies (Linux:
 * prctl(2) PR_SET_PDEATHSIG; kept across execve(2) except of a set-user-ID
 * or capability binary), then checks that the parent has not already died
 * before the call. Returns 0 (also where not implemented), or -1 with
 * errno ESRCH (the parent is gone: _exit) or from prctl(2).
 * Async-signal-safe. */
int proc_pdeathsig(pid_t parent);
/* Closes every descriptor >= lowfd (Linux: those listed in /proc/self/fd;
 * elsewhere, or without /proc, a loop bounded by RLIMIT_NOFILE and 65536).
 * For a forked copy of the supervisor that does not exec (the guard): not
 * async-signal-safe (opendir(3)), safe there because the supervisor has one
 * thread. Cannot fail. */
void proc_closefrom(int lowfd);

/* sv.c: the supervisor state machine. No syscalls: actions go through
 * struct sv_ops, so tests drive it with fakes. */

enum state {
	ST_IDLE, /* nothing started yet */
	ST_RUNNING, /* supervising (a child may or may not be running) */
	ST_DONE /* stopped for good; sv.exit_status is the exit status */
};

enum trigger {
	TR_START, /* build if configured, start the first child */
	TR_RELOAD, /* a change, SIGHUP: rebuild and replace the child */
	TR_CHILD_EXIT, /* a process of ours was reaped; pid, status given */
	TR_GROUP_GONE, /* no process is left in process group pid */
	TR_READY, /* READY=1 from the group of pid (sd_notify(3)) */
	TR_TIMER, /* the deadline sv_deadline() returned has passed */
	TR_TERM /* SIGTERM or SIGINT: stop everything and finish */
};

struct sv_ops {
	/* Starts a child; returns its pid (= its process group) or -1. */
	pid_t (*start)(void *arg);
	/* Starts the build command; returns its pid (= its group) or -1. */
	pid_t (*build)(void *arg);
	/* Signals process group pgid; returns 0 or -1 with errno. */
	int (*kill)(void *arg, pid_t pgid, int signo);
};

#define SV_CRASH_MAX 5 /* crashes ... */
#define SV_CRASH_WINDOW_MS 30000 /* ... within this time: wait for a change */
#define SV_BACKOFF_MIN_MS 100
#define SV_BACKOFF_MAX_MS 10000
#define SV_BACKOFF_RESET_MS 10000 /* uptime that forgives earlier crashes */
#define SV_STOP_MAX 16 /* process groups being stopped at once */

/* One process group of ours: a child or a build. */
struct proc {
	pid_t pid; /* its leader and process group id; 0: none */
	int64_t started; /* ms */
	int64_t deadline; /* ready timeout, or SIGKILL when stopping; -1 */
	int ready; /* READY=1 seen (always 1 with ready = none) */
	int leader_gone; /* the leader was reaped */
	int killed; /* SIGKILL sent */
	int is_build; /* a build, not a child */
};

struct sv {
	enum state state;
	const struct conf *conf;
	const struct sv_ops *ops;
	void *arg;
	struct proc cur; /* the child that serves */
	struct proc next; /* overlap: the one starting */
	struct proc build; /* the running build */
	struct proc stopping[SV_STOP_MAX]; /* groups being stopped */
	int pending; /* a reload (or the start) to do */
	int build_ok; /* its build succeeded */
	int64_t build_ms; /* how long that took, or -1 */
	int exiting; /* TERM: stop all, then ST_DONE */
	int waiting; /* no restart until a change */
	int64_t restart_at; /* back-off: start at, or -1 */
	int64_t reload_started; /* the pending reload began, or -1 */
	char reason[256]; /* what caused it */
	int64_t backoff_ms; /* next back-off */
	int64_t crashes[SV_CRASH_MAX]; /* times of the last crashes */
	size_t ncrashes;
	int exit_status; /* of holdports, valid in ST_DONE */
	unsigned long generation; /* children started so far */
};

/* Prepares sv in ST_IDLE. Nothing is started until TR_START. */
void sv_init(
    struct sv *, const struct conf *, const struct sv_ops *, void *arg);
/* Feeds one trigger at time now (ms). pid is the reaped process for
 * TR_CHILD_EXIT (status its wait(2) status), the process group for
 * TR_GROUP_GONE and TR_READY, else 0. reason ("src/main.c changed",
 * "SIGHUP") is used for TR_RELOAD and may be NULL. */
void sv_step(struct sv *, enum trigger, int64_t now, pid_t pid, int status,
    const char *reason);
/* Returns the absolute time of the next TR_TIMER, or -1 for none. */
int64_t sv_deadline(const struct sv *);
/* Stores in pgids (at most max) the process groups being stopped whose
 * leader is already reaped: the loop feeds TR_GROUP_GONE once each is
 * empty. Returns how many. */
size_t sv_lingering(const struct sv *, pid_t *pgids, size_t max);
/* Returns 1 if pid is a process sv started (child or build, running or
 * stopping), else 0. */
int sv_knows(const struct sv *, pid_t pid);
/* Describes a wait(2) status: "exited with status 1", "killed by SIGSEGV
 * (core dumped)". Returns buf. */
char *sv_describe(int status, char *buf, size_t len);

/* watch.c: ignore globs, debounce, roots, buffers and paths, shared by
 * both backends. */

/* Returns 1 if the path (relative to its watch root, no leading "./")
 * must not trigger a reload (and, for a directory, must not be watched):
 * a default ignore (.git, .hg, .svn, *.swp, *~, .#*, 4913) or one of the
 * n fnmatch(3) globs, tried against the whole relative path and against
 * its last component. Else 0. */
int watch_ignored(char *const *globs, size_t n, const char *relpath, int isdir);

struct debounce {
	int64_t deadline; /* absolute ms of the reload, or -1 */
	size_t count; /* runs of changes to one path since the reload */
	char last[256]; /* the last changed path, for the log */
};

/* Records a change of path at now; the reload becomes due once no change
 * has arrived for quiet_ms. */
void debounce_note(
    struct debounce *, const char *path, int64_t now, int64_t quiet_ms);
/* If the reload is due at now, writes "PATH changed" or "PATH and N more
 * changes" (PATH: the last one) into reason, resets d and returns 1; else
 * returns 0. A struct debounce starts with deadline -1 and count 0. */
int debounce_due(struct debounce *, int64_t now, char *reason, size_t len);

/* The callback of one watch_drain() and how often it was called; the
 * backends pass it down to whatever finds a change. */
struct watch_cb {
	void (*fn)(const char *path, void *arg);
	void *arg;
	int calls; /* what watch_drain() returns */
};

/* Calls cb->fn(path, cb->arg) and counts the call in cb->calls. Returns
 * nothing and cannot fail. */
void watch_report(struct watch_cb *cb, const char *path);

/* Makes the buffer *bufp of *capp bytes (NULL and 0 at first) hold at
 * least need bytes, with realloc(3) to a capacity that doubles from 256,
 * stored in *capp. Returns 0 (also when it is big enough already), or -1
 * with errno ENOMEM, the buffer unchanged. */
int watch_reserve(char **bufp, size_t *capp, size_t need);
/* Makes the array v of *capp elements of size bytes (NULL and 0 at first)
 * hold at least need (> 0) elements, with realloc(3) to a capacity that
 * doubles from 64, stored in *capp. Returns the array, which may have
 * moved (v itself when it is big enough already), or NULL with errno
 * ENOMEM, v and *capp unchanged. */
void *watch_grow(void *v, size_t *capp, size_t need, size_t size);
/* Writes a, then '/' unless a or b is empty or a ends in one, then b, as
 * a string at offset off of the buffer *bufp of *capp bytes, which grows
 * as watch_reserve() does. Returns the string (*bufp + off), or NULL with
 * errno ENOMEM, the buffer unchanged. */
char *watch_join(
    char **bufp, size_t *capp, size_t off, const char *a, const char *b);
/* Joins a and b as watch_join() does into a new string (malloc(3), exact
 * size). Returns it, or NULL with errno ENOMEM. */
char *watch_strjoin(const char *a, const char *b);

/* A path given to watch_add(), as both backends keep it. */
struct watch_root {
	char *path; /* as given to watch_add(), for reports */
	char *dir; /* the watched directory: path, or a file's parent */
	char *file; /* a file root: its name inside dir; else NULL */
};

/* Fills rt for path, a directory if isdir, else a file. A directory is
 * watched as given. A file is watched through the directory that really
 * holds it (realpath(3): for a symbolic link to a file elsewhere, edits of
 * the target are what matter) and is reported under path. Returns 0, or
 * -1 with errno (ENOMEM, or from realpath(3)) and nothing left to free. */
int watch_root_init(struct watch_root *rt, const char *path, int isdir);
/* Frees the strings of rt, not rt itself. Cannot fail. */
void watch_root_free(struct watch_root *rt);
/* stat(2)s path (following a symbolic link), makes room for one more root
 * in the array *rootsp of n roots and fills (*rootsp)[n] with
 * watch_root_init(). Returns that root, which the caller counts once it is
 * watched, or NULL with errno from stat(2) or watch_root_init(), or ENOMEM.
 * *rootsp may have moved, even on failure. */
struct watch_root *watch_root_add(
    struct watch_root **rootsp, size_t n, const char *path);
/* Frees each of the n roots (watch_root_free()) and the array roots
 * (which may be NULL when n is 0). Cannot fail. */
void watch_roots_free(struct watch_root *roots, size_t n);

/* watch_inotify.c, watch_kqueue.c: one backend, chosen by configure. */

struct watch;

/* Opens a watcher that skips whatever watch_ignored(globs, n, ...) says.
 * globs must outlive the watcher. Returns NULL with errno. */
struct watch *watch_open(char *const *globs, size_t n);
/* Watches path: a directory recursively (new subdirectories are picked up
 * as they appear), or one file (through its parent directory, so that an
 * editor's rename over it is seen). Returns 0 or -1 with errno (ENOSPC:
 * the kernel's watch limit; the message with the sysctl to raise it has
 * been logged). */
int watch_add(struct watch *, const char *path);
/* Returns the descriptor to poll(2) for POLLIN. */
int watch_fd(const struct watch *);
/* Reads the pending events and calls fn once for each changed path that is
 * not ignored (the root as given to watch_add() joined with the relative
 * path). A lost-events condition (IN_Q_OVERFLOW) is reported as a change
 * of the first root. Returns the number of calls or -1 with errno. */
int watch_drain(
    struct watch *, void (*fn)(const char *path, void *arg), void *arg);
/* Returns the number of kernel watches in use: directories (inotify), or
 * directories and files (kqueue). */
size_t watch_count(const struct watch *);
void watch_close(struct watch *);

/* notify.c: the supervisor's end of the sd_notify(3) protocol (DESIGN 6). */

#define NOTIFY_MAX 4096 /* bytes a datagram may have; systemd: PIPE_BUF */

struct notify_msg {
	pid_t pid; /* sender (SCM_CREDENTIALS), or 0 if unknown */
	int ready; /* READY=1 was sent */
	int reloading; /* RELOADING=1 */
	int stopping; /* STOPPING=1 */
	pid_t mainpid; /* MAINPID=, or 0 */
	int errnum; /* ERRNO=, or 0 */
	char status[256]; /* STATUS=, or "" */
};

/* Parses one datagram of len bytes: newline-separated KEY=VALUE lines
 * (sd_notify(3)); unknown keys are ignored. Returns 0, or -1 with errno
 * EINVAL for a malformed one (a NUL byte, a line without '=', a bad
 * number in MAINPID= or ERRNO=). */
int notify_parse(const char *buf, size_t len, struct notify_msg *m);

struct notify;

/* Opens the datagram socket children send to: on Linux an abstract
 * address, elsewhere a socket file in dir (created 0700 by the caller).
 * Close-on-exec, non-blocking, with the sender's credentials passed.
 * Returns NULL with errno. */
struct notify *notify_open(const char *dir);
/* The value for NOTIFY_SOCKET ("@holdports/..." or a path). */
const char *notify_addr(const struct notify *);
int notify_fd(const struct notify *);
/* Reads pending datagrams until one parses: returns 1 with *m filled, 0
 * when none is left, -1 with errno on a read error. Oversized, malformed
 * or credential-less datagrams are dropped with one warning each. */
int notify_recv(struct notify *, struct notify_msg *m);
/* Closes the socket and removes its file, if it has one. */
void notify_close(struct notify *);

/* guard.c: kills the children's process groups if holdports dies (DESIGN
 * 5: PR_SET_PDEATHSIG reaches only the direct child). */

/* Forks the guard process, joined to us by a pipe, and stores its pid in
 * *pidp: the guard is our child, so the reaper sees it if it dies, and
 * proc_children() lists it (it is no stray). The guard runs in its own
 * process group, ignores the signals meant for holdports or its terminal,
 * holds no descriptor but 0, 1, 2 and the pipe, and on end-of-file (we
 * are gone, however we died) sends SIGKILL to each group it was told of
 * and exits 0. Returns the pipe's write end (close-on-exec, non-blocking;
 * closing it makes the guard do that at once), or -1 with errno from
 * pipe(2), fcntl(2) or fork(2). */
int guard_start(pid_t *pidp);
/* Tells the guard that process group pgid (> 1) exists (add = 1) or is
 * gone (add = 0): tell it as soon as the group is empty, before its pgid
 * can be reused. Never blocks. Returns 0, or -1 with errno: EPIPE when
 * the guard is gone (SIGPIPE must be ignored, as sigfd_open() does),
 * EAGAIN when the pipe is full (the guard is stopped), EINVAL for pgid <=
 * 1. */
int guard_tell(int fd, pid_t pgid, int add);

/* loop.c */

/* Runs the supervisor until it stops: binds nothing at start (main did),
 * owns the only poll(2). When the configuration file changes it calls
 * reconf(&new, arg, err) (0, or -1 with a file:line message in err) and,
 * if that succeeds, applies the new configuration: sockets whose listen
 * spec is unchanged keep their descriptor, new ones are bound, removed
 * ones closed; *c, *socks and *nsocks are then replaced. Returns the exit
 * status for main (0 after a clean stop). */
int loop_run(struct conf *c, struct sock **socks, size_t *nsocks,
    int (*reconf)(struct conf *, const void *, char *), const void *arg);

#endif
