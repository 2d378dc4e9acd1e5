package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/relaytop/relaytop/sources/poll"
)

// demoServe serves poll.SimHandler, a simulated KumoMTA or PowerMTA stats
// endpoint, at addr until ctx ends or the user interrupts, after one line
// on stderr saying where.
func demoServe(ctx context.Context, addr, kind string, seed int64, stderr io.Writer) error {
	var path, name string
	switch kind {
	case "kumo":
		path, name = "/metrics", "KumoMTA metrics"
	case "pmta":
		path, name = "/status", "PowerMTA management"
	default:
		return fmt.Errorf("--serve simulates a stats endpoint: --mta kumo or --mta pmta, not %q", kind)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--serve: %w", err)
	}
	srv := &http.Server{Handler: poll.SimHandler(kind, nil, seed), ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "relaytop demo: simulated %s endpoint at %s (try: relaytop %[2]s); ctrl+c stops\n",
		name, "http://"+shownAddr(ln.Addr())+path)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// shownAddr is addr as a URL host: localhost for a wildcard address.
func shownAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}
