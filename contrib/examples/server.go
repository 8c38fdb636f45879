// SPDX-License-Identifier: ISC
// server.go: a holdports child in Go, standard library only.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

// listener: the socket holdports or systemd passed as name, else addr.
func listener(name, addr string) (net.Listener, error) {
	if os.Getenv("LISTEN_PID") == strconv.Itoa(os.Getpid()) {
		n, _ := strconv.Atoi(os.Getenv("LISTEN_FDS"))
		for i, s := range strings.Split(os.Getenv("LISTEN_FDNAMES"), ":") {
			if s == name && i < n {
				f := os.NewFile(uintptr(3+i), name)
				defer f.Close() // FileListener made its own copy
				return net.FileListener(f)
			}
		}
	}
	return net.Listen("tcp", addr)
}

func main() {
	log.SetFlags(0)
	port, ok := os.LookupEnv("PORT")
	if !ok {
		port = "8080"
	}
	l, err := listener("http", "127.0.0.1:"+port)
	if err != nil {
		log.Fatal("server.go: ", err)
	}
	log.Printf("server.go: pid %d on %s", os.Getpid(), l.Addr())
	http.HandleFunc("/pid", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%d\n", os.Getpid())
	})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	srv := &http.Server{}
	go func() {
		if err := srv.Serve(l); err != http.ErrServerClosed {
			log.Fatal("server.go: ", err)
		}
	}()
	// SIGTERM: stop accepting, answer the requests in hand, then exit.
	// Shutdown closes our copy of the socket; holdports keeps its own.
	<-sig
	srv.Shutdown(context.Background())
}
