/* SPDX-License-Identifier: ISC */
/* proc_linux.c: Linux process helpers: starting a process, subreaper,
 * inherited descriptors, a datagram sender's credentials, children, the
 * parent-death signal, start times (from /proc, proc(5)), a file in
 * memory. proc_linux_sock.c has what concerns sockets. */

/* prctl(2) constants, dirfd(3), struct ucred, syscall(2), POLLRDHUP */
#define _GNU_SOURCE

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "proc_linux.h"

/* AddressSanitizer keeps shadow state for the stack it runs on: a new
 * process that shares our memory on a stack of ours confuses it (its
 * _exit(2) after a failed exec warns "ignoring __asan_handle_no_return").
 * Built with it, proc_spawn() uses fork(2). */
#if defined(__SANITIZE_ADDRESS__)
#define SPAWN_FORK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPAWN_FORK 1
#endif
#endif

/* The initial stack pointer of a process started on stack
 * (PROC_SPAWN_STACK bytes): its top, 16-byte aligned, which every ABI we
 * run on accepts at a call. The stack grows down on every architecture
 * Linux runs us on but PA-RISC. */
#ifndef SPAWN_FORK
static char *
proc_stack_top(char *stack)
{
	char *top = stack + PROC_SPAWN_STACK;

	return top - (uintptr_t)top % 16;
}
#endif

pid_t
proc_spawn(int (*fn)(void *), void *arg, char *stack)
{
#ifdef SPAWN_FORK
	pid_t pid = fork();

	(void)stack;
	if (pid == 0)
		_exit(fn(arg));
	return pid;
#else
	return clone(
	    fn, proc_stack_top(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
#endif
}

/* clone3(2)'s argument (struct clone_args of <linux/sched.h>, which
 * clashes with <sched.h>), up to its cgroup field: CLONE_ARGS_SIZE_VER2,
 * 88 bytes. */
struct proc_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};
#define PROC_CLONE_INTO_CGROUP 0x200000000ULL /* Linux 5.7 */

/*
 * clone3(2) with CLONE_VM needs a few lines of assembly: the new process
 * shares our memory, stack included until it is on one of its own, so it
 * must not return through the caller's frames (the rule of vfork(2)),
 * and C cannot leave a system call on another stack. proc_clone3_vm()
 * makes the call with args (size bytes); the new process, on the stack
 * args names, calls fn(arg) and exits with what it returns. Returns the
 * pid, or -errno as the kernel gives it. Where it is missing (another
 * architecture, AddressSanitizer) the new process gets a copy of our
 * memory instead.
 */
#if defined(SYS_clone3) && !defined(SPAWN_FORK) && \
    (defined(__x86_64__) || defined(__aarch64__))
#define PROC_CLONE3_VM 1
long proc_clone3_vm(
    struct proc_clone_args *args, size_t size, int (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl proc_clone3_vm\n"
	".hidden proc_clone3_vm\n"
	".type proc_clone3_vm, %function\n"
	"proc_clone3_vm:\n"
#if defined(__x86_64__)
	/* rdi args, rsi size, rdx fn, rcx arg; syscall(2) keeps r8, r9 */
	"	mov %rdx, %r8\n"
	"	mov %rcx, %r9\n"
	"	mov $435, %eax\n" /* __NR_clone3 */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jz 1f\n"
	"	ret\n"
	"1:	xor %ebp, %ebp\n" /* the new process: the end of its frames */
	"	mov %r9, %rdi\n"
	"	call *%r8\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n" /* __NR_exit */
	"	syscall\n"
	"	hlt\n"
#else
	/* x0 args, x1 size, x2 fn, x3 arg; svc keeps all but x0 */
	"	mov x8, #435\n" /* __NR_clone3 */
	"	svc #0\n"
	"	cbz x0, 1f\n"
	"	ret\n"
	"1:	mov x29, xzr\n" /* the new process: the end of its frames */
	"	mov x30, xzr\n"
	"	mov x0, x3\n"
	"	blr x2\n"
	"	mov x8, #93\n" /* __NR_exit */
	"	svc #0\n"
	"	brk #0\n"
#endif
	".size proc_clone3_vm, .-proc_clone3_vm\n");
#endif

pid_t
proc_spawn_into(int (*fn)(void *), void *arg, char *stack, int cgroup)
{
#ifdef SYS_clone3
	struct proc_clone_args ca;
	long r;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_VFORK | PROC_CLONE_INTO_CGROUP;
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (uint64_t)cgroup;
#ifdef PROC_CLONE3_VM
	/* As proc_spawn(): no page table copied. The kernel starts the new
	 * process at stack + stack_size. */
	ca.flags |= CLONE_VM;
	ca.stack = (uint64_t)(uintptr_t)stack;
	ca.stack_size = (uint64_t)(proc_stack_top(stack) - stack);
	if ((r = proc_clone3_vm(&ca, sizeof(ca), fn, arg)) < 0) {
		errno = (int)-r;
		return -1;
	}
	return (pid_t)r;
#else
	/* No CLONE_VM and no stack of its own: the new process returns
	 * here on a copy of ours, as from fork(2). */
	(void)stack;
	if ((r = syscall(SYS_clone3, &ca, sizeof(ca))) == 0)
		_exit(fn(arg)); /* fn never returns */
	return r == -1 ? -1 : (pid_t)r;
#endif
#else
	(void)fn;
	(void)arg;
	(void)stack;
	(void)cgroup;
	errno = ENOSYS;
	return -1;
#endif
}

int
proc_subreaper(void)
{
	/* prctl(2): orphaned descendants are re-parented to us, so that a
	 * grandchild left in the child's group is ours to reap (and its
	 * death wakes the loop through SIGCHLD). */
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1 ? -1 : 0;
}

void
proc_cloexec_from(int lowfd)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if ((d = opendir("/proc/self/fd")) == NULL) {
		/* No /proc: fall back to the portable bounded loop. */
		for (fd = lowfd; fd < 1024; fd++)
			(void)fd_set_cloexec(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		fd = atoi(de->d_name);
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd < lowfd ||
		    fd == dirfd(d))
			continue;
		(void)fd_set_cloexec(fd);
	}
	(void)closedir(d);
}

int
proc_passcred(int fd)
{
	static const int on = 1;

	/* unix(7): with SO_PASSCRED the kernel attaches the sender's
	 * SCM_CREDENTIALS to every datagram, whether or not the sender
	 * sent any (sd_notify(3) sends none of its own). */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		return -1;
	return 0;
}

pid_t
proc_cred_pid(const struct msghdr *msg)
{
	struct cmsghdr *c;
	struct ucred uc;

	/* CMSG_NXTHDR() takes a non-const msghdr but only reads it. */
	for (c = CMSG_FIRSTHDR(msg); c != NULL;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_CREDENTIALS ||
		    c->cmsg_len < CMSG_LEN(sizeof(uc)))
			continue;
		/* CMSG_DATA() need not be aligned for struct ucred. */
		memcpy(&uc, CMSG_DATA(c), sizeof(uc));
		/* 0 when the sender's pid has no number in our pid
		 * namespace: as unknown as no credentials at all. */
		return uc.pid > 0 ? uc.pid : 0;
	}
	return 0;
}

/* kcmp(2)'s type for "the same open file": KCMP_FILE of
 * <linux/kcmp.h>, a header not every libc's kernel headers carry. */
#define PROC_KCMP_FILE 0

int
proc_same_file(int a, int b)
{
#ifdef SYS_kcmp
	long self = (long)getpid(), r;

	/* kcmp(2) orders the two files: 0 equal, 1 or 2 less or greater,
	 * 3 not comparable. */
	r = syscall(SYS_kcmp, self, self, PROC_KCMP_FILE, (long)a, (long)b);
	return r >= 0 ? r == 0 : -1;
#else
	(void)a;
	(void)b;
	errno = ENOSYS;
	return -1;
#endif
}

short
proc_poll_rdhup(void)
{
	return POLLRDHUP;
}

long
proc_number(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Appends the pids in file path, "12 34 56 " as proc(5) writes
 * /proc/PID/task/TID/children, to pids[*n] up to pids[max - 1]. Returns
 * 0, or -1 with errno from open(2) or read(2). */
static int
proc_read_pids(const char *path, pid_t *pids, size_t max, size_t *n)
{
	char buf[512];
	ssize_t r, i;
	long v = 0;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	do {
		if ((r = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			(void)close(fd);
			errno = e;
			return -1;
		}
		/* A number may go on in the next read: only a non-digit, or
		 * the end of the file (r == 0), ends it. Ending it at the end
		 * of a full buffer would make two pids of one, "10" and "614"
		 * of 10614, and the caller would signal them. */
		for (i = 0; i <= r; i++) {
			if (i < r && buf[i] >= '0' && buf[i] <= '9') {
				if (v <= 100000000)
					v = v * 10 + (buf[i] - '0');
				continue;
			}
			if (i == r && r != 0)
				break;
			if (v > 0 && *n < max)
				pids[(*n)++] = (pid_t)v;
			v = 0;
		}
	} while (r != 0);
	(void)close(fd);
	return 0;
}

/* proc_children() without the children files: every /proc/PID/stat whose
 * ppid field is ours. */
static size_t
proc_children_scan(pid_t *pids, size_t max)
{
	char path[64], buf[512], *p, *end;
	struct dirent *de;
	pid_t me = getpid();
	size_t n = 0;
	ssize_t r;
	long pid, ppid;
	DIR *d;
	int fd;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (n < max && (de = readdir(d)) != NULL) {
		if ((pid = proc_number(de->d_name)) <= 0)
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue; /* gone meanwhile */
		while ((r = read(fd, buf, sizeof(buf) - 1)) == -1 &&
		    errno == EINTR)
			;
		(void)close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		/* proc(5): "pid (comm) state ppid ...". comm may hold spaces
		 * and ')', so the fields start after the last ')'; it is at
		 * most 16 bytes, so the first 512 bytes hold ppid. */
		if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' ||
		    p[2] == '\0' || p[3] != ' ')
			continue;
		ppid = strtol(p + 4, &end, 10);
		if (end != p + 4 && ppid == (long)me)
			pids[n++] = (pid_t)pid;
	}
	(void)closedir(d);
	return n;
}

size_t
proc_children(pid_t *pids, size_t max)
{
	char path[64];
	struct dirent *de;
	size_t n = 0;
	long tid;
	DIR *d;

	if ((d = opendir("/proc/self/task")) == NULL)
		return proc_children_scan(pids, max);
	while (n < max && (de = readdir(d)) != NULL) {
		if ((tid = proc_number(de->d_name)) <= 0)
			continue;
		/* proc(5): the children of each thread are listed under
		 * that thread, and only with CONFIG_PROC_CHILDREN. */
		(void)snprintf(
		    path, sizeof(path), "/proc/self/task/%ld/children", tid);
		if (proc_read_pids(path, pids, max, &n) == -1 &&
		    errno == ENOENT) {
			(void)closedir(d);
			return proc_children_scan(pids, max);
		}
	}
	(void)closedir(d);
	return n;
}

int
proc_pdeathsig(pid_t parent)
{
	/* prctl(2): SIGKILL when the thread that forked us dies (the
	 * supervisor has one thread). Cleared by fork(2), so grandchildren
	 * do not have it: the guard (guard.c) covers them. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		return -1;
	/* The parent may have died between fork() and prctl(): then we have
	 * already been re-parented (to init or a subreaper) and no signal
	 * will ever come. */
	if (getppid() != parent) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

void
proc_closefrom(int lowfd)
{
	struct rlimit rl;
	struct dirent *de;
	long fd, max = 65536;
	DIR *d;

	if ((d = opendir("/proc/self/fd")) != NULL) {
		/* Closing while reading is safe: /proc/self/fd is read by
		 * descriptor number, not by a list that shifts. */
		while ((de = readdir(d)) != NULL)
			if ((fd = proc_number(de->d_name)) >= lowfd &&
			    fd != dirfd(d))
				(void)close((int)fd);
		(void)closedir(d);
		return;
	}
	/* No /proc: the bounded loop of proc_none.c. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)max)
		max = (long)rl.rlim_cur;
	for (fd = lowfd; fd < max; fd++)
		(void)close((int)fd);
}

ssize_t
proc_read(const char *path, char *buf, size_t len)
{
	ssize_t r, n = 0;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)n < len - 1) {
		if ((r = read(fd, buf + n, len - 1 - (size_t)n)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			(void)close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += r;
	}
	(void)close(fd);
	buf[n] = '\0';
	return n;
}

int
proc_start_time(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *p, *end;
	int field;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (proc_read(path, buf, sizeof(buf)) == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	/* proc(5): "pid (comm) state ppid ... starttime ...": comm may hold
	 * spaces and ')', so the fields start after the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ') {
		errno = EINVAL;
		return -1;
	}
	p += 2; /* field 3, the state */
	if (*p == 'Z' || *p == 'X') {
		errno = ESRCH;
		return -1;
	}
	for (field = 3; field < 22; field++) {
		if ((p = strchr(p, ' ')) == NULL) {
			errno = EINVAL;
			return -1;
		}
		p++;
	}
	*start = strtoull(p, &end, 10);
	if (end == p) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
proc_anonfile(size_t len)
{
	char path[] = "/tmp/holdports.XXXXXX";
	int fd, e;

	/* memfd_create(2), Linux 3.17 and glibc 2.27; a file in /tmp,
	 * removed at once, where it fails (ENOSYS, seccomp). */
	if ((fd = memfd_create("holdports-guard", MFD_CLOEXEC)) == -1) {
		if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
			return -1;
		(void)unlink(path);
	}
	if (ftruncate(fd, (off_t)len) == -1) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
