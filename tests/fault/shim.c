/* SPDX-License-Identifier: ISC */
/* shim.c: an LD_PRELOAD library for the fault tests only (Linux, glibc):
 * makes chosen calls of one program fail, as a control file says, so that a
 * test can turn a fault on and off while holdports runs. */

/*
 * Use (HP_FAULT_FILE names the control file, which need not exist yet):
 *
 *	LD_PRELOAD=$PWD/tests/fault/hp-fault.so HP_FAULT_FILE=$T/fault \
 *	    holdports -l 0 -- ./server
 *
 * The control file holds one rule a line, "FUNCTION ERRNO [PERCENT [TEXT]]":
 *
 *	fork EAGAIN                  every fork(2), clone(2) and clone3(2) fails
 *with EAGAIN poll EINTR 50                half of the poll(2) calls, at random
 *write ENOSPC 100 /holdports/ writes to files whose path contains TEXT
 *
 * FUNCTION is one of fork, inotify_add_watch, accept, accept4, dup2,
 * socket, write, poll; ERRNO one of the names in errnos[] below. A missing
 * or empty file means no fault. The file is stat(2)ed on every intercepted
 * call and read again only when its inode, size or time changed, so a test
 * replaces it (write a temporary, mv it over) to change the faults.
 *
 * Every injected failure appends "FUNCTION PROGRAM PID" to HP_FAULT_FILE.hits,
 * which tells a test that (and how often) the fault was reached.
 *
 * Which processes: the shim is armed only in a program whose name
 * (program_invocation_short_name) is HP_FAULT_PROG, by default
 * "holdports"; anywhere else it passes every call through untouched. Once
 * armed, it removes itself from LD_PRELOAD and removes HP_FAULT_FILE and
 * HP_FAULT_PROG from the environment, so that nothing holdports executes
 * (the child, the build, /bin/sh) loads it: the faults stay in the
 * supervisor. The supervisor builds each child's environment from its own,
 * which is why unsetting them here is enough. Processes
 * forked from the supervisor that do not exec (the guard, and the child
 * between fork(2) and execve(2)) keep the armed shim: that code is the
 * supervisor's too, and dup2(2) between fork and exec is where a child's
 * descriptors are packed. A test that wants a fault in the child instead
 * (accept4) passes LD_PRELOAD, HP_FAULT_FILE and HP_FAULT_PROG to it
 * through ports.ini's environment key.
 *
 * holdports makes clone3(2) itself, a few instructions of its own that no
 * preloaded library sees, when it starts a child in its cgroup. With
 * HP_FAULT_NO_CLONE3=1 the shim makes every clone3(2) of the process
 * fail with ENOSYS, as on a kernel before 5.3 (a seccomp(2) filter,
 * which what it starts inherits: glibc then uses clone(2), as it does
 * there): holdports falls back to clone(2), which the fork rule reaches.
 *
 * With a sanitizer runtime the shim still sees the calls: clang links the
 * runtime into the program, whose interceptors find the next definition
 * (ours) with dlsym(RTLD_NEXT); gcc's libasan.so is found after us
 * (run with ASAN_OPTIONS=verify_asan_link_order=0).
 */

#define _GNU_SOURCE /* RTLD_NEXT, dladdr(3), program_invocation_short_name */

#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum fn {
	FN_FORK,
	FN_INOTIFY_ADD_WATCH,
	FN_ACCEPT,
	FN_ACCEPT4,
	FN_DUP2,
	FN_SOCKET,
	FN_WRITE,
	FN_POLL,
	FN_COUNT
};

static const char *const fn_names[FN_COUNT] = {"fork", "inotify_add_watch",
    "accept", "accept4", "dup2", "socket", "write", "poll"};

static const struct {
	const char *name;
	int num;
} errnos[] = {{"EAGAIN", EAGAIN}, {"EINTR", EINTR}, {"EMFILE", EMFILE},
    {"ENFILE", ENFILE}, {"ENOMEM", ENOMEM}, {"ENOSPC", ENOSPC},
    {"ENOBUFS", ENOBUFS}, {"EIO", EIO}, {"EACCES", EACCES}};

#define RULES_MAX 16

struct rule {
	enum fn fn;
	int err;
	unsigned percent; /* 1..100 */
	char text[128]; /* write: a substring of the file's path; "" any */
};

/* The real functions, found with dlsym(RTLD_NEXT) at load. */
static pid_t (*real_fork)(void);
static int (*real_clone)(int (*)(void *), void *, int, void *, ...);
static long (*real_syscall)(long, ...);
static int (*real_inotify_add_watch)(int, const char *, uint32_t);
/* glibc declares the address with a transparent union under _GNU_SOURCE. */
static int (*real_accept)(int, __SOCKADDR_ARG, socklen_t *restrict);
static int (*real_accept4)(int, __SOCKADDR_ARG, socklen_t *restrict, int);
static int (*real_dup2)(int, int);
static int (*real_socket)(int, int, int);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_poll)(struct pollfd *, nfds_t, int);

static int armed; /* this process is the one to fault */
static char ctl_path[PATH_MAX]; /* HP_FAULT_FILE */
static char hits_path[PATH_MAX + 8]; /* ... .hits */
static struct stat ctl_st; /* of the rules read last; st_ino 0: none */
static struct rule rules[RULES_MAX];
static size_t nrules;
static unsigned want; /* bit (1 << fn) for each fn with a rule */
static uint32_t rng; /* xorshift32 state, never 0 */
/* A call from a signal handler (holdports' self-pipe write) while we are
 * busy in the same process passes through: no state is shared with it. */
static volatile sig_atomic_t busy;

/* Stores dlsym(RTLD_NEXT, name) in the function pointer at dst; ISO C has
 * no conversion from void * to a function pointer, memcpy has. */
static void
resolve(void *dst, size_t size, const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (p == NULL) {
		(void)fprintf(stderr, "hp-fault: %s: %s\n", name, dlerror());
		abort();
	}
	memcpy(dst, &p, size);
}

/* Parses one rule line into *r. Returns 0, or -1 for a line to skip. */
static int
parse_rule(char *line, struct rule *r)
{
	char *fn, *err, *pct, *text, *save = NULL;
	size_t i;

	if ((fn = strtok_r(line, " \t", &save)) == NULL || *fn == '#' ||
	    (err = strtok_r(NULL, " \t", &save)) == NULL)
		return -1;
	pct = strtok_r(NULL, " \t", &save);
	text = strtok_r(NULL, " \t", &save);
	for (i = 0; i < FN_COUNT && strcmp(fn, fn_names[i]) != 0; i++)
		;
	if (i == FN_COUNT)
		return -1;
	r->fn = (enum fn)i;
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(err, errnos[i].name) == 0)
			break;
	if (i == sizeof(errnos) / sizeof(errnos[0]))
		return -1;
	r->err = errnos[i].num;
	r->percent = pct != NULL ? (unsigned)strtoul(pct, NULL, 10) : 100;
	if (r->percent == 0 || r->percent > 100)
		r->percent = 100;
	(void)snprintf(r->text, sizeof(r->text), "%s", text ? text : "");
	return 0;
}

/* Reads the control file again if it changed since the last time. */
static void
refresh(void)
{
	char buf[4096], *line, *save = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	if (stat(ctl_path, &st) == -1) {
		nrules = 0;
		want = 0;
		ctl_st.st_ino = 0;
		return;
	}
	if (st.st_ino == ctl_st.st_ino && st.st_size == ctl_st.st_size &&
	    st.st_mtim.tv_sec == ctl_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == ctl_st.st_mtim.tv_nsec)
		return;
	ctl_st = st;
	nrules = 0;
	want = 0;
	if ((fd = open(ctl_path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save);
	     line != NULL && nrules < RULES_MAX;
	     line = strtok_r(NULL, "\n", &save))
		if (parse_rule(line, &rules[nrules]) == 0) {
			want |= 1u << rules[nrules].fn;
			nrules++;
		}
}

/* Returns 1 if descriptor fd names a file whose path contains text. */
static int
fd_path_has(int fd, const char *text)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	if (*text == '\0')
		return 1;
	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0)
		return 0;
	path[n] = '\0';
	return strstr(path, text) != NULL;
}

/* Appends "FUNCTION PROGRAM PID" to the hits file. */
static void
record(enum fn fn)
{
	char line[256];
	int fd, n;

	n = snprintf(line, sizeof(line), "%s %s %ld\n", fn_names[fn],
	    program_invocation_short_name, (long)getpid());
	if ((fd = open(hits_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		 0644)) == -1)
		return;
	(void)real_write(fd, line, (size_t)n);
	(void)close(fd);
}

/* Returns the errno to fail this call of fn with, or 0 to let it run. fd
 * is the descriptor written to (write) or -1. */
static int
fault(enum fn fn, int fd)
{
	int saved = errno, err = 0;
	size_t i;

	if (!armed || busy)
		return 0;
	busy = 1;
	refresh();
	for (i = 0; i < nrules && (want & (1u << fn)); i++) {
		if (rules[i].fn != fn ||
		    (fn == FN_WRITE && !fd_path_has(fd, rules[i].text)))
			continue;
		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		if (rng % 100 < rules[i].percent) {
			err = rules[i].err;
			record(fn);
		}
		break;
	}
	busy = 0;
	errno = saved;
	return err;
}

/* Returns the file name part of path. */
static const char *
base_name(const char *path, size_t len)
{
	size_t i = len;

	while (i > 0 && path[i - 1] != '/')
		i--;
	return path + i;
}

/* Removes this library from LD_PRELOAD (entries are separated by blanks or
 * colons, ld.so(8)): each entry with our file name. The variable goes when
 * nothing else is left. */
static void
unpreload(void)
{
	const char *pre = getenv("LD_PRELOAD"), *base, *p, *end;
	char out[4096];
	size_t len = 0, n, blen;
	Dl_info info;

	if (pre == NULL || dladdr(ctl_path, &info) == 0 ||
	    info.dli_fname == NULL)
		return;
	base = base_name(info.dli_fname, strlen(info.dli_fname));
	blen = strlen(base);
	for (p = pre; *p != '\0'; p = end) {
		p += strspn(p, ": \t");
		end = p + strcspn(p, ": \t");
		if ((n = (size_t)(end - p)) == 0)
			continue;
		if ((size_t)(end - base_name(p, n)) == blen &&
		    strncmp(base_name(p, n), base, blen) == 0)
			continue; /* ours */
		if (len + n + 2 > sizeof(out))
			return; /* cannot happen for a sane LD_PRELOAD */
		if (len > 0)
			out[len++] = ':';
		memcpy(out + len, p, n);
		len += n;
	}
	out[len] = '\0';
	if (len == 0)
		(void)unsetenv("LD_PRELOAD");
	else
		(void)setenv("LD_PRELOAD", out, 1);
}

/* HP_FAULT_NO_CLONE3: every clone3(2) of this process and of what it
 * starts fails with ENOSYS. Said on stderr if the kernel refuses the
 * filter: the test then sees no fork fault and says why. No check of the
 * architecture: where a second one exists (i386 on x86-64) clone3 has
 * the same number, 435, in both tables. */
static void
no_clone3(void)
{
#ifdef SYS_clone3
	struct sock_filter f[] = {
	    BPF_STMT(
		BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};

	/* Without CAP_SYS_ADMIN a filter needs no_new_privs first. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == -1)
		(void)fprintf(stderr, "hp-fault: no seccomp filter: %s\n",
		    strerror(errno));
#endif
}

__attribute__((constructor)) static void
shim_init(void)
{
	const char *file = getenv("HP_FAULT_FILE");
	const char *prog = getenv("HP_FAULT_PROG");
	const char *noclone3 = getenv("HP_FAULT_NO_CLONE3");

	resolve(&real_fork, sizeof(real_fork), "fork");
	resolve(&real_clone, sizeof(real_clone), "clone");
	resolve(&real_syscall, sizeof(real_syscall), "syscall");
	resolve(&real_inotify_add_watch, sizeof(real_inotify_add_watch),
	    "inotify_add_watch");
	resolve(&real_accept, sizeof(real_accept), "accept");
	resolve(&real_accept4, sizeof(real_accept4), "accept4");
	resolve(&real_dup2, sizeof(real_dup2), "dup2");
	resolve(&real_socket, sizeof(real_socket), "socket");
	resolve(&real_write, sizeof(real_write), "write");
	resolve(&real_poll, sizeof(real_poll), "poll");
	if (file == NULL || *file == '\0' ||
	    strcmp(program_invocation_short_name,
		prog != NULL ? prog : "holdports") != 0)
		return; /* not the process to fault: stay inert */
	(void)snprintf(ctl_path, sizeof(ctl_path), "%s", file);
	(void)snprintf(hits_path, sizeof(hits_path), "%s.hits", file);
	rng = (uint32_t)getpid() * 2654435761u ^ (uint32_t)time(NULL);
	if (rng == 0)
		rng = 1;
	armed = 1;
	unpreload();
	if (noclone3 != NULL && strcmp(noclone3, "1") == 0)
		no_clone3();
	(void)unsetenv("HP_FAULT_FILE");
	(void)unsetenv("HP_FAULT_PROG");
	(void)unsetenv("HP_FAULT_NO_CLONE3");
}

pid_t
fork(void)
{
	int err = fault(FN_FORK, -1);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return real_fork();
}

/* holdports starts its children with clone(2) (CLONE_VM | CLONE_VFORK):
 * the fork rule faults it too. The optional arguments are passed on
 * only when a flag says they are there. */
int
clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	int err = fault(FN_FORK, -1);
	void *ptid, *tls, *ctid;
	va_list ap;

	if (err != 0) {
		errno = err;
		return -1;
	}
	if ((flags &
		(CLONE_PARENT_SETTID | CLONE_SETTLS | CLONE_CHILD_SETTID |
		    CLONE_CHILD_CLEARTID)) == 0)
		return real_clone(fn, stack, flags, arg);
	va_start(ap, arg);
	ptid = va_arg(ap, void *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, void *);
	va_end(ap);
	return real_clone(fn, stack, flags, arg, ptid, tls, ctid);
}

/* holdports built with AddressSanitizer starts a child in its cgroup
 * with clone3(2) through syscall(2), which glibc has no wrapper for: the
 * fork rule faults that too. Every other call is passed on with six
 * arguments, as many as a system call takes (Linux passes each in a
 * register of a long's size). */
long
syscall(long number, ...)
{
	long a[6];
	va_list ap;
	int i, err;

#ifdef SYS_clone3
	if (number == SYS_clone3 && (err = fault(FN_FORK, -1)) != 0) {
		errno = err;
		return -1;
	}
#else
	(void)err;
#endif
	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int
inotify_add_watch(int fd, const char *path, uint32_t mask)
{
	int err = fault(FN_INOTIFY_ADD_WATCH, -1);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return real_inotify_add_watch(fd, path, mask);
}

int
accept(int fd, __SOCKADDR_ARG sa, socklen_t *restrict len)
{
	int err = fault(FN_ACCEPT, -1);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return real_accept(fd, sa, len);
}

int
accept4(int fd, __SOCKADDR_ARG sa, socklen_t *restrict len, int flags)
{
	int err = fault(FN_ACCEPT4, -1);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return real_accept4(fd, sa, len, flags);
}

int
dup2(int from, int to)
{
	int err = fault(FN_DUP2, -1);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return real_dup2(from, to);
}

int
socket(int domain, int type, int protocol)
{
	int err = fault(FN_SOCKET, -1);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return real_socket(domain, type, protocol);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	int err = fault(FN_WRITE, fd);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return real_write(fd, buf, len);
}

/* An interrupted poll(2) returns at once, before anything is consumed, as
 * if a signal had arrived just before it: the events are still pending
 * for the next call. */
int
poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int err = fault(FN_POLL, -1);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return real_poll(fds, n, timeout);
}
