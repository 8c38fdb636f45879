// SPDX-License-Identifier: ISC
// server.rs: a holdports child in Rust, standard library only.
use std::env;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::io::{AsRawFd, FromRawFd};
use std::sync::atomic::{AtomicI32, Ordering::SeqCst};

/// The socket named `name` that holdports or systemd passed, if any.
fn passed(name: &str) -> Option<TcpListener> {
    if env::var("LISTEN_PID").ok()? != std::process::id().to_string() {
        return None; // not for us: our parent's, or no socket at all
    }
    let n: usize = env::var("LISTEN_FDS").ok()?.parse().ok()?;
    let names = env::var("LISTEN_FDNAMES").unwrap_or_default();
    let i = names.split(':').take(n).position(|s| s == name)?;
    // SAFETY: fd 3 + i was passed to us, and nothing else owns it.
    Some(unsafe { TcpListener::from_raw_fd(3 + i as i32) })
}

static LISTENER: AtomicI32 = AtomicI32::new(-1);
unsafe extern "C" {
    fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
    fn close(fd: i32) -> i32;
}

/// SIGTERM: close our copy (async-signal-safe), so that accept() fails
/// once the request in hand is answered; holdports keeps the socket.
extern "C" fn on_term(_: i32) {
    unsafe { close(LISTENER.load(SeqCst)) };
}

/// Reads the request head, then answers with our pid.
fn serve(stream: TcpStream) -> std::io::Result<()> {
    let (mut line, mut reader) = (String::new(), BufReader::new(&stream));
    while reader.read_line(&mut line)? > 2 {
        line.clear(); // up to the empty line after the headers
    }
    write!(&stream, "HTTP/1.0 200 OK\r\n\r\n{}\n", std::process::id())
}

fn main() {
    let port = env::var("PORT").unwrap_or_else(|_| "8080".into());
    let listener = passed("http").unwrap_or_else(|| {
        TcpListener::bind(format!("127.0.0.1:{}", port)).expect("server.rs: bind")
    });
    let addr = listener.local_addr().expect("server.rs: getsockname");
    eprintln!("server.rs: pid {} on {addr}", std::process::id());
    LISTENER.store(listener.as_raw_fd(), SeqCst);
    unsafe { signal(15, on_term) }; // SIGTERM is 15 on Linux and the BSDs
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => drop(serve(stream)), // a client that left early
            Err(e) if e.raw_os_error() == Some(9) => break, // EBADF: on_term
            Err(_) => continue,
        }
    }
    std::process::exit(0); // without closing the socket a second time
}
