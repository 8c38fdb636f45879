#!/usr/bin/perl
# SPDX-License-Identifier: ISC
# ss-ports.pl REPORTDIR: a child written for Server::Starter. Finds its
# sockets with Server::Starter's own server_ports(), reports each one (the
# key, the descriptor, the address that descriptor is really bound to and
# its type) in REPORTDIR/PID.ss, then answers every stream connection with
# its key until SIGTERM.
use strict;
use warnings;

use IO::Select;
use Server::Starter qw(server_ports);
use Socket qw(AF_INET AF_INET6 AF_UNIX SOCK_STREAM SOL_SOCKET SO_TYPE
    inet_ntop sockaddr_family unpack_sockaddr_in unpack_sockaddr_in6
    unpack_sockaddr_un);

my $dir = shift or die "usage: ss-ports.pl REPORTDIR\n";
$SIG{TERM} = sub { exit 0 };
$SIG{PIPE} = 'IGNORE';

# The address fd $h is bound to, written as Server::Starter writes keys.
sub bound {
	my ($h) = @_;
	my $name = getsockname($h) or return "?";
	my $family = sockaddr_family($name);

	if ($family == AF_INET) {
		my ($port, $ip) = unpack_sockaddr_in($name);
		return inet_ntop(AF_INET, $ip) . ":$port";
	}
	if ($family == AF_INET6) {
		my ($port, $ip) = unpack_sockaddr_in6($name);
		return "[" . inet_ntop(AF_INET6, $ip) . "]:$port";
	}
	return unpack_sockaddr_un($name) if $family == AF_UNIX;
	return "?";
}

my $ports = server_ports();
my $report = "pid=$$\nserver_starter_port=$ENV{SERVER_STARTER_PORT}\n";
my (%key_of, @listeners);
for my $key (sort keys %$ports) {
	my $fd = $ports->{$key};
	open(my $h, '+<&=', $fd) or die "ss-ports.pl: fd $fd: $!\n";
	my $type = unpack('i', getsockopt($h, SOL_SOCKET, SO_TYPE) // pack('i', -1));
	$report .= join(' ', 'entry', $key, $fd, bound($h),
	    $type == SOCK_STREAM ? 'stream' : 'dgram') . "\n";
	next unless $type == SOCK_STREAM;
	$key_of{fileno($h)} = $key;
	push @listeners, $h;
}

open(my $out, '>', "$dir/.$$.tmp") or die "ss-ports.pl: $dir: $!\n";
print $out $report;
close($out) or die "ss-ports.pl: $dir: $!\n";
rename("$dir/.$$.tmp", "$dir/$$.ss") or die "ss-ports.pl: $dir: $!\n";

# Nothing to accept: wait for SIGTERM.
select(undef, undef, undef, undef) while !@listeners;
my $sel = IO::Select->new(@listeners);
for (;;) {
	for my $h ($sel->can_read) {
		accept(my $c, $h) or next;
		print $c $key_of{fileno($h)}, "\n";
		close($c);
	}
}
