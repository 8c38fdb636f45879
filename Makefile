# SPDX-License-Identifier: ISC
# holdports: portable make (suffix rules, no GNU extensions). GNU make
# remakes config.mk by running ./configure; with another make run
# ./configure first.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
LIBDIR	?= $(PREFIX)/lib
INCDIR	?= $(PREFIX)/include
MANDIR	?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
CC	?= cc
AR	?= ar
WERROR	?= -Werror
SAN	?=

HP_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic \
	    -Wshadow -Wstrict-prototypes -Wmissing-prototypes $(WERROR) $(SAN)
HP_LDFLAGS = $(SAN)
# pkg-config runs in the recipe's shell, so that `make check` can install a
# missing library first and the same make still finds it.
INIH_CFLAGS = `pkg-config --cflags inih`
INIH_LIBS = `pkg-config --libs inih`
CMOCKA_CFLAGS = `pkg-config --cflags cmocka`
CMOCKA_LIBS = `pkg-config --libs cmocka`
SYSTEMD_CFLAGS = `pkg-config --cflags libsystemd`
SYSTEMD_LIBS = `pkg-config --libs libsystemd`

include config.mk

VERSION_STR = `cat VERSION`

CONF_OBJS = supervisor/conf.o supervisor/conf_base.o supervisor/conf_finish.o \
	  supervisor/conf_keys.o supervisor/conf_apply.o supervisor/conf_ini.o \
	  supervisor/conf_opts.o supervisor/conf_print.o \
	  supervisor/conf_procfile.o supervisor/parse.o supervisor/suggest.o \
	  supervisor/cmdline.o supervisor/cmdline_scan.o \
	  supervisor/cmdline_path.o supervisor/dotenv.o supervisor/util.o
INIT_OBJS = supervisor/init.o supervisor/wrapper.o supervisor/pkgjson.o
SV_OBJS = $(CONF_OBJS) supervisor/log.o supervisor/fd.o supervisor/sigfd.o \
	  supervisor/sock.o supervisor/sock_check.o supervisor/socks.o \
	  supervisor/env.o supervisor/spawn.o supervisor/fdpack.o \
	  supervisor/strays.o supervisor/child.o supervisor/child_plan.o \
	  supervisor/child_out.o supervisor/child_leaf.o supervisor/sv.o \
	  supervisor/loop.o supervisor/loop_children.o \
	  supervisor/loop_notify.o supervisor/loop_conf.o \
	  supervisor/sv_query.o supervisor/watch.o supervisor/notify.o \
	  supervisor/guard.o supervisor/ignore.o supervisor/reg.o \
	  supervisor/reg_text.o supervisor/reg_dir.o supervisor/holder.o \
	  supervisor/cmd.o supervisor/pollset.o supervisor/fdstore.o \
	  supervisor/term.o supervisor/buildloop.o supervisor/polled.o \
	  supervisor/pollwatch.o supervisor/fstype.o $(FSTYPE_OBJ) \
	  supervisor/sockuse.o $(SOCKUSE_OBJ) supervisor/advise.o $(INIT_OBJS) \
	  supervisor/rand.o $(WATCH_OBJ) $(PROC_OBJ) $(CGROUP_OBJ) $(WEB_OBJS)
# The browser side and the output it shows.
WEB_OBJS = supervisor/ring.o supervisor/ansi.o supervisor/http.o \
	   supervisor/web.o supervisor/webclient.o supervisor/webpage.o \
	   supervisor/out.o supervisor/browser.o
API_OBJ = child-api/holdports.o
PROGS	= holdports libholdports.a libholdports.so child-api/holdports.pc \
	  contrib/demo/demo-server
UNIT	= tests/unit/test_conf tests/unit/test_watch tests/unit/test_sv \
	  tests/unit/test_env tests/unit/test_holdports tests/unit/test_notify \
	  tests/unit/test_ignore tests/unit/test_reg tests/unit/test_suggest \
	  tests/unit/test_dotenv tests/unit/test_fstype tests/unit/test_pollwatch \
	  tests/unit/test_pkgjson tests/unit/test_wrapper tests/unit/test_init \
	  tests/unit/test_ring tests/unit/test_ansi tests/unit/test_http \
	  tests/unit/test_web tests/unit/test_cmdline tests/unit/test_fdpack \
	  tests/unit/test_out tests/unit/test_fdstore tests/unit/test_buildloop \
	  tests/unit/test_sockuse tests/unit/test_advise tests/unit/test_polled \
	  tests/unit/test_log tests/unit/test_pollset
COMPAT	= tests/compat/test_compat tests/compat/test_notify
HELPERS	= tests/helpers/hp-echo tests/helpers/sd-echo tests/helpers/hp-load \
	  tests/helpers/guard-drive tests/helpers/hp-hold \
	  tests/helpers/fdstore-drive \
	  tests/helpers/web-drive tests/helpers/web-client tests/helpers/hp-evloop \
	  tests/helpers/fdstore-clients tests/helpers/hp-store \
	  tests/helpers/pty-drive tests/helpers/sock-drive tests/helpers/squat \
	  tests/helpers/noreap tests/helpers/cgroup-drive
MANS	= supervisor/holdports.1 conf/holdports.ini.5 child-api/hp_listen_fds.3
MANLINKS = hp_listen_fds_with_names hp_listen_fd hp_is_socket_inet \
	   hp_is_socket_unix hp_notify hp_notifyf hp_pid_notify \
	   hp_pid_notifyf hp_pid_notify_with_fds hp_notify_barrier

.SUFFIXES: .c .o
.c.o:
	$(CC) $(HP_CFLAGS) -Isupervisor -Ichild-api $(CPPFLAGS) $(CFLAGS) \
	    -c $< -o $@

all: $(PROGS)

config.mk: configure
	./configure

holdports: supervisor/main.o $(SV_OBJS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ supervisor/main.o $(SV_OBJS) \
	    $(INIH_LIBS) $(LDLIBS)

HEADERS = supervisor/hp.h supervisor/conf.h supervisor/conf_int.h \
	  supervisor/parse.h supervisor/util.h supervisor/pollset.h \
	  supervisor/proc_linux.h supervisor/sock_int.h supervisor/sv.h \
	  supervisor/watch.h supervisor/reg.h supervisor/child.h \
	  supervisor/child_int.h supervisor/ring.h supervisor/out.h \
	  supervisor/browser.h supervisor/loop_int.h supervisor/web.h \
	  supervisor/fdstore.h supervisor/buildloop.h supervisor/polled.h \
	  supervisor/pollwatch.h supervisor/fstype.h supervisor/sockuse.h \
	  supervisor/advise.h supervisor/init.h supervisor/wrapper.h \
	  supervisor/cgroup.h
supervisor/main.o: supervisor/main.c $(HEADERS) VERSION
	$(CC) $(HP_CFLAGS) -Isupervisor -DHP_VERSION=\"$(VERSION_STR)\" \
	    $(CPPFLAGS) $(CFLAGS) -c supervisor/main.c -o $@
supervisor/conf_ini.o: supervisor/conf_ini.c $(HEADERS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(INIH_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    -c supervisor/conf_ini.c -o $@
$(SV_OBJS): $(HEADERS)
supervisor/ring.o: supervisor/ring.c supervisor/ring.h
supervisor/out.o: supervisor/out.c supervisor/out.h supervisor/ring.h \
    supervisor/pollset.h supervisor/hp.h supervisor/conf.h
supervisor/ansi.o: supervisor/ansi.c supervisor/ansi.h
supervisor/http.o: supervisor/http.c supervisor/http.h
supervisor/web.o: supervisor/web.c supervisor/web.h supervisor/webpage.h \
    supervisor/webclient.h supervisor/http.h supervisor/hp.h \
    supervisor/conf.h supervisor/pollset.h
supervisor/webclient.o: supervisor/webclient.c supervisor/webclient.h \
    supervisor/web.h supervisor/http.h supervisor/hp.h supervisor/conf.h \
    supervisor/pollset.h
supervisor/webpage.o: supervisor/webpage.c supervisor/webpage.h \
    supervisor/web.h supervisor/ansi.h supervisor/util.h supervisor/pollset.h

# Not linked into holdports yet: the child's command split at load, and
# the packing of its descriptors, with their tests.
supervisor/cmdline.o: supervisor/cmdline.c supervisor/cmdline.h \
    supervisor/cmdline_scan.h
supervisor/cmdline_scan.o: supervisor/cmdline_scan.c supervisor/cmdline_scan.h
supervisor/cmdline_path.o: supervisor/cmdline_path.c supervisor/cmdline.h
supervisor/fdpack.o: supervisor/fdpack.c supervisor/fdpack.h

# The child API: one object, position-independent, in both libraries.
$(API_OBJ): child-api/holdports.c child-api/holdports.h
	$(CC) $(HP_CFLAGS) -fPIC -fvisibility=hidden $(CPPFLAGS) $(CFLAGS) \
	    -c child-api/holdports.c -o $@
libholdports.a: $(API_OBJ)
	rm -f $@
	$(AR) rcs $@ $(API_OBJ)
libholdports.so: $(API_OBJ)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) $(SHLIB_FLAGS) -o $@ $(API_OBJ)
# Written again at install time too, where PREFIX may differ from the
# build's.
# A LIBDIR the dynamic linker does not search by itself (/usr/local/lib
# is searched only once ldconfig has run) goes into the programs linked
# with pkg-config as their run-time search path.
PC_RPATH = `case "$(LIBDIR)" in /lib|/lib64|/usr/lib|/usr/lib64) ;; \
	    *) echo '-Wl,-rpath,$${libdir} ' ;; esac`
PC_SED = sed -e "s|@PREFIX@|$(PREFIX)|g" -e "s|@LIBDIR@|$(LIBDIR)|g" \
	    -e "s|@INCDIR@|$(INCDIR)|g" -e "s|@VERSION@|$(VERSION_STR)|g" \
	    -e "s|@RPATH@|$(PC_RPATH)|g" child-api/holdports.pc.in
child-api/holdports.pc: child-api/holdports.pc.in VERSION
	$(PC_SED) > $@

contrib/demo/demo-server: contrib/demo/demo.c child-api/holdports.h libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ contrib/demo/demo.c libholdports.a $(LDLIBS)

# Tests. Unit tests link the objects they test.
tests/unit/test_conf: tests/unit/test_conf.c $(CONF_OBJS) supervisor/log.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_conf.c \
	    $(CONF_OBJS) supervisor/log.o $(INIH_LIBS) $(CMOCKA_LIBS)
WATCH_DEPS = supervisor/watch.o $(WATCH_OBJ) supervisor/log.o supervisor/fd.o \
	  supervisor/ignore.o supervisor/util.o
tests/unit/test_watch: tests/unit/test_watch.c $(WATCH_DEPS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_watch.c \
	    $(WATCH_DEPS) $(CMOCKA_LIBS)
tests/unit/test_ignore: tests/unit/test_ignore.c $(WATCH_DEPS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_ignore.c \
	    $(WATCH_DEPS) $(CMOCKA_LIBS)
tests/unit/test_sv: tests/unit/test_sv.c supervisor/sv.o supervisor/sv_query.o \
    supervisor/log.o $(CONF_OBJS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_sv.c \
	    supervisor/sv.o supervisor/sv_query.o supervisor/log.o $(CONF_OBJS) \
	    $(INIH_LIBS) $(CMOCKA_LIBS)
tests/unit/test_env: tests/unit/test_env.c supervisor/env.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_env.c \
	    supervisor/env.o $(CMOCKA_LIBS)
tests/unit/test_log: tests/unit/test_log.c supervisor/log.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_log.c \
	    supervisor/log.o $(CMOCKA_LIBS)
tests/unit/test_holdports: tests/unit/test_holdports.c libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_holdports.c \
	    libholdports.a $(CMOCKA_LIBS)
tests/compat/test_compat: tests/compat/test_compat.c libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CMOCKA_CFLAGS) $(SYSTEMD_CFLAGS) \
	    $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) -o $@ \
	    tests/compat/test_compat.c libholdports.a $(SYSTEMD_LIBS) \
	    $(CMOCKA_LIBS)
tests/unit/test_notify: tests/unit/test_notify.c supervisor/notify.o \
    supervisor/log.o supervisor/fd.o supervisor/rand.o $(PROC_OBJ)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_notify.c \
	    supervisor/notify.o supervisor/log.o supervisor/fd.o \
	    supervisor/rand.o $(PROC_OBJ) $(CMOCKA_LIBS)
FDSTORE_DEPS = supervisor/fdstore.o supervisor/notify.o supervisor/pollset.o \
	  supervisor/util.o supervisor/log.o supervisor/fd.o supervisor/rand.o \
	  $(PROC_OBJ)
tests/unit/test_fdstore: tests/unit/test_fdstore.c $(FDSTORE_DEPS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_fdstore.c \
	    $(FDSTORE_DEPS) $(CMOCKA_LIBS)
tests/compat/test_notify: tests/compat/test_notify.c libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CMOCKA_CFLAGS) $(SYSTEMD_CFLAGS) \
	    $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) -o $@ \
	    tests/compat/test_notify.c libholdports.a $(SYSTEMD_LIBS) \
	    $(CMOCKA_LIBS)
tests/helpers/hp-echo: tests/helpers/hp-echo.c libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/helpers/hp-echo.c libholdports.a
tests/helpers/sd-echo: tests/helpers/sd-echo.c
	$(CC) $(HP_CFLAGS) $(SYSTEMD_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/helpers/sd-echo.c \
	    $(SYSTEMD_LIBS)
REG_DEPS = supervisor/reg.o supervisor/reg_text.o supervisor/reg_dir.o \
	  supervisor/holder.o supervisor/cmd.o supervisor/sock.o \
	  supervisor/sock_check.o supervisor/fd.o supervisor/log.o \
	  $(CONF_OBJS) supervisor/rand.o $(PROC_OBJ)
tests/unit/test_reg: tests/unit/test_reg.c $(REG_DEPS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_reg.c \
	    $(REG_DEPS) $(INIH_LIBS) $(CMOCKA_LIBS)
tests/unit/test_ring: tests/unit/test_ring.c supervisor/ring.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_ring.c \
	    supervisor/ring.o $(CMOCKA_LIBS)
tests/unit/test_ansi: tests/unit/test_ansi.c supervisor/ansi.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_ansi.c \
	    supervisor/ansi.o $(CMOCKA_LIBS)
tests/unit/test_http: tests/unit/test_http.c supervisor/http.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_http.c \
	    supervisor/http.o $(CMOCKA_LIBS)
WEB_LINK = supervisor/web.o supervisor/webclient.o supervisor/webpage.o \
	   supervisor/http.o supervisor/ansi.o supervisor/pollset.o \
	   supervisor/util.o supervisor/fd.o supervisor/log.o
tests/unit/test_web: tests/unit/test_web.c $(WEB_LINK)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_web.c \
	    $(WEB_LINK) $(CMOCKA_LIBS)
OUT_LINK = supervisor/out.o supervisor/ring.o supervisor/pollset.o \
	   supervisor/util.o supervisor/fd.o supervisor/log.o
tests/unit/test_out: tests/unit/test_out.c $(OUT_LINK)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_out.c \
	    $(OUT_LINK) $(CMOCKA_LIBS)
tests/helpers/web-drive: tests/helpers/web-drive.c $(WEB_LINK) \
    supervisor/ring.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/helpers/web-drive.c $(WEB_LINK) \
	    supervisor/ring.o
tests/helpers/web-client: tests/helpers/web-client.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/helpers/web-client.c
tests/helpers/pty-drive: tests/helpers/pty-drive.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/helpers/pty-drive.c
# The libmicrohttpd prototype that doc/http-choice.md measured; not
# built by default (holdports does not use the library).
tests/bench/web-mhd: tests/bench/web-mhd.c
	$(CC) $(CPPFLAGS) $(CFLAGS) `pkg-config --cflags libmicrohttpd` \
	    $(LDFLAGS) -o $@ tests/bench/web-mhd.c \
	    `pkg-config --libs libmicrohttpd`
CMDLINE_LINK = supervisor/cmdline.o supervisor/cmdline_scan.o \
	  supervisor/cmdline_path.o
tests/unit/test_cmdline: tests/unit/test_cmdline.c $(CMDLINE_LINK)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_cmdline.c \
	    $(CMDLINE_LINK) $(CMOCKA_LIBS)
tests/unit/test_buildloop: tests/unit/test_buildloop.c supervisor/buildloop.o \
    $(CMDLINE_LINK) supervisor/util.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_buildloop.c \
	    supervisor/buildloop.o $(CMDLINE_LINK) supervisor/util.o \
	    $(CMOCKA_LIBS)
SOCKUSE_DEPS = supervisor/sockuse.o $(SOCKUSE_OBJ) supervisor/pollset.o \
	  supervisor/log.o supervisor/fd.o supervisor/util.o $(PROC_OBJ)
tests/unit/test_sockuse: tests/unit/test_sockuse.c $(SOCKUSE_DEPS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_sockuse.c \
	    $(SOCKUSE_DEPS) $(CMOCKA_LIBS)
ADVISE_DEPS = supervisor/advise.o supervisor/wrapper.o supervisor/pkgjson.o \
	  $(CMDLINE_LINK) supervisor/log.o supervisor/util.o
tests/unit/test_advise: tests/unit/test_advise.c $(ADVISE_DEPS) $(CONF_OBJS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_advise.c \
	    supervisor/advise.o supervisor/wrapper.o supervisor/pkgjson.o \
	    supervisor/log.o $(CONF_OBJS) $(INIH_LIBS) $(CMOCKA_LIBS)
POLLED_DEPS = supervisor/polled.o supervisor/pollwatch.o supervisor/fstype.o \
	  $(FSTYPE_OBJ) supervisor/watch.o supervisor/ignore.o supervisor/log.o \
	  supervisor/util.o supervisor/fd.o
tests/unit/test_polled: tests/unit/test_polled.c $(POLLED_DEPS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_polled.c \
	    $(POLLED_DEPS) $(CMOCKA_LIBS)
tests/unit/test_pollset: tests/unit/test_pollset.c supervisor/pollset.o \
    supervisor/util.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_pollset.c \
	    supervisor/pollset.o supervisor/util.o $(CMOCKA_LIBS)
tests/unit/test_fdpack: tests/unit/test_fdpack.c supervisor/fdpack.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_fdpack.c \
	    supervisor/fdpack.o $(CMOCKA_LIBS)
tests/helpers/hp-evloop: tests/helpers/hp-evloop.c libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/helpers/hp-evloop.c libholdports.a
tests/helpers/hp-hold: tests/helpers/hp-hold.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/helpers/hp-hold.c
tests/helpers/fdstore-drive: tests/helpers/fdstore-drive.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/helpers/fdstore-drive.c
tests/helpers/noreap: tests/helpers/noreap.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/helpers/noreap.c
tests/helpers/squat: tests/helpers/squat.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/helpers/squat.c
tests/helpers/fdstore-clients: tests/helpers/fdstore-clients.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/helpers/fdstore-clients.c
tests/helpers/hp-store: tests/helpers/hp-store.c libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/helpers/hp-store.c libholdports.a
tests/helpers/hp-load: tests/helpers/hp-load.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/helpers/hp-load.c
tests/helpers/guard-drive: tests/helpers/guard-drive.c supervisor/guard.o \
    supervisor/fd.o supervisor/log.o supervisor/util.o $(PROC_OBJ) \
    $(CGROUP_OBJ) supervisor/hp.h
	$(CC) $(HP_CFLAGS) -Isupervisor $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/helpers/guard-drive.c supervisor/guard.o \
	    supervisor/fd.o supervisor/log.o supervisor/util.o $(PROC_OBJ) \
	    $(CGROUP_OBJ)
tests/helpers/cgroup-drive: tests/helpers/cgroup-drive.c supervisor/guard.o \
    supervisor/fd.o supervisor/log.o supervisor/util.o $(PROC_OBJ) \
    $(CGROUP_OBJ) supervisor/hp.h supervisor/cgroup.h
	$(CC) $(HP_CFLAGS) -Isupervisor $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/helpers/cgroup-drive.c supervisor/guard.o \
	    supervisor/fd.o supervisor/log.o supervisor/util.o $(PROC_OBJ) \
	    $(CGROUP_OBJ)
tests/helpers/sock-drive: tests/helpers/sock-drive.c $(REG_DEPS)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/helpers/sock-drive.c $(REG_DEPS) \
	    $(INIH_LIBS)

tests/unit/test_suggest: tests/unit/test_suggest.c supervisor/suggest.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_suggest.c \
	    supervisor/suggest.o $(CMOCKA_LIBS)
supervisor/suggest.o: supervisor/suggest.c supervisor/suggest.h
tests/unit/test_dotenv: tests/unit/test_dotenv.c supervisor/dotenv.o \
    supervisor/util.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_dotenv.c \
	    supervisor/dotenv.o supervisor/util.o $(CMOCKA_LIBS)
supervisor/dotenv.o: supervisor/dotenv.c supervisor/dotenv.h supervisor/util.h
tests/unit/test_fstype: tests/unit/test_fstype.c supervisor/fstype.o \
    $(FSTYPE_OBJ)
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_fstype.c \
	    supervisor/fstype.o $(FSTYPE_OBJ) $(CMOCKA_LIBS)
supervisor/fstype.o $(FSTYPE_OBJ): supervisor/fstype.h
tests/unit/test_pollwatch: tests/unit/test_pollwatch.c supervisor/pollwatch.o \
    supervisor/util.o supervisor/log.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_pollwatch.c \
	    supervisor/pollwatch.o supervisor/util.o supervisor/log.o \
	    $(CMOCKA_LIBS)
supervisor/pollwatch.o: supervisor/pollwatch.c supervisor/pollwatch.h \
    supervisor/util.h supervisor/hp.h
tests/unit/test_pkgjson: tests/unit/test_pkgjson.c supervisor/pkgjson.o \
    supervisor/util.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_pkgjson.c \
	    supervisor/pkgjson.o supervisor/util.o $(CMOCKA_LIBS)
supervisor/pkgjson.o: supervisor/pkgjson.c supervisor/pkgjson.h \
    supervisor/util.h
tests/unit/test_wrapper: tests/unit/test_wrapper.c supervisor/wrapper.o \
    supervisor/pkgjson.o supervisor/util.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_wrapper.c \
	    supervisor/wrapper.o supervisor/pkgjson.o supervisor/util.o \
	    $(CMOCKA_LIBS)
supervisor/wrapper.o: supervisor/wrapper.c supervisor/wrapper.h \
    supervisor/pkgjson.h
supervisor/init.o: supervisor/init.c supervisor/init.h supervisor/dotenv.h \
    supervisor/pkgjson.h supervisor/wrapper.h supervisor/util.h
# The unit test also loads each file it writes with the configuration
# loader, as holdports check would.
tests/unit/test_init: tests/unit/test_init.c $(INIT_OBJS) $(CONF_OBJS) \
    supervisor/log.o
	$(CC) $(HP_CFLAGS) -Isupervisor $(CMOCKA_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	    $(HP_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_init.c \
	    $(INIT_OBJS) $(CONF_OBJS) supervisor/log.o $(INIH_LIBS) \
	    $(CMOCKA_LIBS)
# The kqueue backend cannot be built on Linux; compile it against a
# stand-in <sys/event.h> so that it cannot rot unseen (and the BSD file
# system probe against a stand-in <sys/mount.h>). The same for the
# process helpers of systems without prctl(2).
kqueue-syntax: supervisor/watch_kqueue.c tests/stub/sys/event.h \
    supervisor/proc_none.c supervisor/fstype_bsd.c tests/stub/sys/mount.h \
    supervisor/fstype_none.c supervisor/sockuse_none.c \
    supervisor/cgroup_none.c
	$(CC) $(HP_CFLAGS) -Itests/stub -Isupervisor -fsyntax-only \
	    supervisor/watch_kqueue.c
	$(CC) $(HP_CFLAGS) -Itests/stub -Isupervisor -fsyntax-only \
	    supervisor/fstype_bsd.c
	$(CC) $(HP_CFLAGS) -Isupervisor -fsyntax-only supervisor/fstype_none.c
	$(CC) $(HP_CFLAGS) -Isupervisor -fsyntax-only supervisor/proc_none.c
	$(CC) $(HP_CFLAGS) -Isupervisor -fsyntax-only supervisor/sockuse_none.c
	$(CC) $(HP_CFLAGS) -Isupervisor -fsyntax-only supervisor/cgroup_none.c

deps:
	@sh contrib/install-deps.sh

check: deps
	$(MAKE) test

test: all $(UNIT) $(COMPAT) $(HELPERS) kqueue-syntax
	$(MAKE) unit
	$(MAKE) system

unit: $(UNIT) $(COMPAT)
	@for t in $(UNIT) $(COMPAT); do echo "== $$t"; ./$$t || exit 1; done

system: all $(HELPERS)
	@sh tests/system/run.sh

demo: deps
	$(MAKE) all
	sh contrib/demo/run.sh

lint:
	mandoc -Tlint -Wwarning $(MANS)

format:
	clang-format -i supervisor/*.c supervisor/*.h child-api/*.c \
	    child-api/*.h tests/unit/*.c tests/compat/*.c tests/helpers/*.c \
	    contrib/demo/*.c

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5
	cp holdports $(DESTDIR)$(BINDIR)/holdports
	cp libholdports.a $(DESTDIR)$(LIBDIR)/libholdports.a
	cp libholdports.so $(DESTDIR)$(LIBDIR)/libholdports.so.0
	ln -sf libholdports.so.0 $(DESTDIR)$(LIBDIR)/libholdports.so
	cp child-api/holdports.h $(DESTDIR)$(INCDIR)/holdports.h
	$(PC_SED) > $(DESTDIR)$(PKGCONFIGDIR)/holdports.pc
	cp supervisor/holdports.1 $(DESTDIR)$(MANDIR)/man1/holdports.1
	cp conf/holdports.ini.5 $(DESTDIR)$(MANDIR)/man5/holdports.ini.5
	cp child-api/hp_listen_fds.3 $(DESTDIR)$(MANDIR)/man3/hp_listen_fds.3
	for l in $(MANLINKS); do \
		ln -sf hp_listen_fds.3 $(DESTDIR)$(MANDIR)/man3/$$l.3; done
	mkdir -p $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	cp contrib/completions/holdports.bash $(DESTDIR)$(BASHCOMPDIR)/holdports
	cp contrib/completions/_holdports $(DESTDIR)$(ZSHCOMPDIR)/_holdports

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/holdports $(DESTDIR)$(LIBDIR)/libholdports.a \
	    $(DESTDIR)$(LIBDIR)/libholdports.so.0 \
	    $(DESTDIR)$(LIBDIR)/libholdports.so \
	    $(DESTDIR)$(INCDIR)/holdports.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/holdports.pc \
	    $(DESTDIR)$(MANDIR)/man1/holdports.1 \
	    $(DESTDIR)$(MANDIR)/man5/holdports.ini.5 \
	    $(DESTDIR)$(MANDIR)/man3/hp_listen_fds.3
	for l in $(MANLINKS); do rm -f $(DESTDIR)$(MANDIR)/man3/$$l.3; done
	rm -f $(DESTDIR)$(BASHCOMPDIR)/holdports $(DESTDIR)$(ZSHCOMPDIR)/_holdports

clean:
	rm -f supervisor/*.o child-api/*.o $(PROGS) $(UNIT) $(COMPAT) $(HELPERS)
	rm -f tests/bench/web-mhd

distclean: clean
	rm -f config.mk

# Each of these folders keeps its own rules (benchmarks, fuzzing, fault
# injection, examples in other languages).
include tests/bench/bench.mk
include tests/fuzz/fuzz.mk
include tests/fault/fault.mk
include contrib/examples/examples.mk

.PHONY: all deps check test unit system demo lint format install uninstall \
	clean distclean kqueue-syntax
