#!/usr/bin/perl
# SPDX-License-Identifier: ISC
# server.pl: a holdports child in Perl, core modules only.
use strict;
use warnings;
use IO::Socket::INET;

# The socket named $name that holdports or systemd passed, or undef.
sub passed {
	my ($name) = @_;
	return undef unless ($ENV{LISTEN_PID} // '') eq $$;  # for us?
	my @names = split /:/, $ENV{LISTEN_FDNAMES} // '', -1;
	for my $i (0 .. ($ENV{LISTEN_FDS} // 0) - 1) {
		next unless ($names[$i] // '') eq $name;
		return IO::Socket::INET->new_from_fd(3 + $i, 'r+');
	}
	return undef;
}

my $listener = passed('http') // IO::Socket::INET->new(
	LocalAddr => '127.0.0.1',
	LocalPort => $ENV{PORT} // 8080,
	Listen    => SOMAXCONN,
	ReuseAddr => 1,
) // die "server.pl: bind: $@\n";
printf STDERR "server.pl: pid %d on %s:%d\n", $$, $listener->sockhost,
    $listener->sockport;

# SIGTERM: finish the request in hand, then exit. accept() returns
# early (EINTR), and holdports keeps the socket for the next child.
my $stop = 0;
$SIG{TERM} = sub { $stop = 1 };
$SIG{PIPE} = 'IGNORE';    # a client that left early
until ($stop) {
	my $client = $listener->accept or next;
	my $request = <$client> // '';
	while (my $line = <$client>) {
		last if $line =~ /^\r?\n\z/;    # the empty line after the headers
	}
	my $body = $request =~ m{^GET /pid } ? "$$\n" : "hello, pid $$\n";
	print $client "HTTP/1.0 200 OK\r\nContent-Length: ", length($body),
	    "\r\n\r\n", $body;
	close $client;
}
