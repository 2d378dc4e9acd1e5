package poll

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSlowLoris: a body trickling one byte every 200ms is cut by the
// per-request timeout, however long the server would go on.
func TestSlowLoris(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(200)
		for i := 0; i < 600; i++ {
			if _, err := w.Write([]byte("#")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}))
	p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{Timeout: 300 * time.Millisecond})
	start := time.Now()
	err := pollErr(t, p)
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "no complete response within 300ms") {
		t.Errorf("got %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if st := p.State(); st.OK || !strings.Contains(st.Err, "300ms") {
		t.Errorf("state %+v", st)
	}
}

// TestSlowHeaders: a server that never answers is cut by the timeout too.
func TestSlowHeaders(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{Timeout: 200 * time.Millisecond})
	if err := pollErr(t, p); !errors.Is(err, ErrTimeout) {
		t.Errorf("got %v", err)
	}
}

func TestHTTPErrorStatus(t *testing.T) {
	rp := newReplay()
	rp.setStatus("/metrics", http.StatusServiceUnavailable)
	p := mustPoller(t, serve(t, rp).URL+"/metrics", newClock(), Options{})
	err := pollErr(t, p)
	if !errors.Is(err, ErrStatus) || !strings.Contains(err.Error(), "HTTP 503 Service Unavailable") || strings.Contains(err.Error(), "nope") {
		t.Errorf("got %v", err)
	}
	rp.setStatus("/metrics", http.StatusNotFound)
	if err := pollErr(t, p); !strings.Contains(err.Error(), "404") {
		t.Errorf("got %v", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	p := mustPoller(t, url+"/metrics", newClock(), Options{})
	err := pollErr(t, p)
	if !strings.Contains(err.Error(), "connection refused") || !strings.HasPrefix(err.Error(), "GET "+url+"/metrics: ") {
		t.Errorf("got %v", err)
	}
}

func TestOversized(t *testing.T) {
	t.Run("endless body", func(t *testing.T) {
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			line := []byte("total_messages_delivered_by_provider{provider=\"gmail\"} 1\n")
			for r.Context().Err() == nil {
				if _, err := w.Write(line); err != nil {
					return
				}
			}
		}))
		p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{MaxBody: 64 << 10})
		err := pollErr(t, p)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "larger than 64 KiB") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("declared length", func(t *testing.T) {
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100000000")
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("x"))
		}))
		p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{MaxBody: 1 << 20})
		if err := pollErr(t, p); !errors.Is(err, ErrTooLarge) {
			t.Errorf("got %v", err)
		}
	})
}

func TestRedirects(t *testing.T) {
	t.Run("loop", func(t *testing.T) {
		n := 0
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n++
			http.Redirect(w, r, "/metrics", http.StatusFound)
		}))
		p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{})
		err := pollErr(t, p)
		if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "stopped after 5 redirects") {
			t.Errorf("got %v", err)
		}
		if n != 6 {
			t.Errorf("%d requests, want the first and 5 redirects", n)
		}
	})
	t.Run("followed", func(t *testing.T) {
		rp := newReplay()
		rp.set("/metrics", "text/plain", fixture(t, "kumo-http", "metrics.txt"))
		mux := http.NewServeMux()
		mux.Handle("/metrics", rp)
		mux.Handle("/old/metrics", http.RedirectHandler("/metrics", http.StatusMovedPermanently))
		p := mustPoller(t, serve(t, mux).URL+"/old/metrics", newClock(), Options{Auth: BearerAuth("s3cr3t-token")})
		poll(t, p)
		if got := rp.auths[0]; got != "Bearer s3cr3t-token" {
			t.Errorf("same-host redirect lost the credentials: %q", got)
		}
	})
	t.Run("credentials stay home", func(t *testing.T) {
		other := newReplay()
		other.set("/metrics", "text/plain", fixture(t, "kumo-http", "metrics.txt"))
		otherSrv := serve(t, other)
		home := serve(t, http.RedirectHandler(otherSrv.URL+"/metrics", http.StatusFound))
		for _, auth := range []Auth{BearerAuth("s3cr3t-token"), BasicAuth("ops", "pa55word")} {
			p := mustPoller(t, home.URL+"/metrics", newClock(), Options{Auth: auth})
			poll(t, p)
		}
		for _, h := range other.auths {
			if h != "" {
				t.Errorf("credentials sent to another host: %q", h)
			}
		}
	})
	t.Run("userinfo in location", func(t *testing.T) {
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "http://admin:hunter22@127.0.0.1:1/metrics")
			w.WriteHeader(http.StatusFound)
		}))
		p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{})
		err := pollErr(t, p)
		if !errors.Is(err, ErrRedirect) || strings.Contains(err.Error(), "hunter22") || strings.Contains(err.Error(), "admin") {
			t.Errorf("got %v", err)
		}
	})
}

func TestWrongContentType(t *testing.T) {
	for _, tc := range []struct{ path, ct, body string }{
		{"/metrics.json", "text/html", "<html><body>login</body></html>"},
		{"/metrics", "text/plain", "<html><body>login</body></html>"},
		{"/metrics", "image/png", "\x89PNG"},
		{"/metrics.json", "application/json", `["not", "an", "object"]`},
	} {
		rp := newReplay()
		rp.set(tc.path, tc.ct, []byte(tc.body))
		p := mustPoller(t, serve(t, rp).URL+tc.path, newClock(), Options{})
		err := pollErr(t, p)
		if !errors.Is(err, ErrContentType) && !errors.Is(err, ErrParse) {
			t.Errorf("%s %s: got %v", tc.path, tc.ct, err)
		}
	}
}

func TestBadBodies(t *testing.T) {
	for _, tc := range []struct{ path, ct, body string }{
		{"/metrics.json", "application/json", `{"total_messages_delivered_by_provider":{"value":{"provider":{"x":"many"}}}}`},
		{"/metrics.json", "application/json", `{"total_messages_delivered_by_provider":{"value":[{"provider":"x"}]}}`},
		{"/metrics.json", "application/json", `{"truncated": `},
		{"/metrics", "text/plain", "total_messages_delivered_by_provider{provider=\"x\" 12\n"},
		{"/metrics", "text/plain", "total_messages_delivered_by_provider{provider=\"x\"} twelve\n"},
		{"/metrics", "text/plain", "# TYPE a counter\n# TYPE a gauge\na 1\n"},
	} {
		rp := newReplay()
		rp.set(tc.path, tc.ct, []byte(tc.body))
		p := mustPoller(t, serve(t, rp).URL+tc.path, newClock(), Options{})
		if err := pollErr(t, p); !errors.Is(err, ErrParse) {
			t.Errorf("%q: got %v, want ErrParse", tc.body, err)
		}
	}
}

func TestTLS(t *testing.T) {
	rp := newReplay()
	rp.set("/metrics", "text/plain", fixture(t, "kumo-http", "metrics.txt"))
	srv := httptest.NewUnstartedServer(rp)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	// The default client verifies, and the server's certificate is
	// signed by no authority it knows.
	p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{})
	err := pollErr(t, p)
	if !errors.Is(err, ErrTLS) || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Errorf("got %v", err)
	}
	if st := p.State(); !strings.Contains(st.Err, "certificate signed by unknown authority") {
		t.Errorf("state %+v", st)
	}
	// The test server's own client trusts its certificate.
	poll(t, mustPoller(t, srv.URL+"/metrics", newClock(), Options{Client: srv.Client()}))
	// Insecure, only when asked.
	poll(t, mustPoller(t, srv.URL+"/metrics", newClock(), Options{Insecure: true}))
}

// TestCanceled: a poll canceled by its context is not an endpoint error.
func TestCanceled(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := p.Poll(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
	if st := p.State(); st.Err != "" {
		t.Errorf("state %+v", st)
	}
}
