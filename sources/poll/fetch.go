package poll

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxRedirects is the most redirects followed for one request.
const maxRedirects = 5

// fetcher makes the HTTP requests of one Poller: one GET at a time,
// bounded in time (timeout, body included) and size (maxBody), with auth
// sent to the endpoint's host only.
type fetcher struct {
	client  *http.Client
	auth    Auth
	host    string // the endpoint's host:port; auth goes there only
	scheme  string
	timeout time.Duration
	maxBody int64
	scrub   scrubber
}

// response is a complete, size-checked response body.
type response struct {
	url         string // redacted, for messages
	contentType string // media type, lowercase, without parameters
	body        []byte
}

func newFetcher(u *url.URL, opt Options) *fetcher {
	f := &fetcher{
		auth:    opt.Auth,
		host:    u.Host,
		scheme:  u.Scheme,
		timeout: opt.Timeout,
		maxBody: opt.MaxBody,
		scrub:   scrubber(opt.Auth.secrets()),
	}
	var c http.Client
	if opt.Client != nil {
		c = *opt.Client // a copy: the caller's client keeps its own policy
	} else {
		tr := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, MaxIdleConns: 10, IdleConnTimeout: 90 * time.Second}
		if dt, ok := http.DefaultTransport.(*http.Transport); ok {
			tr = dt.Clone()
		}
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: opt.Insecure} //nolint:gosec // only when the user asks
		tr.ResponseHeaderTimeout = opt.Timeout
		c.Transport = tr
	}
	c.CheckRedirect = f.checkRedirect
	f.client = &c
	return f
}

// checkRedirect follows at most maxRedirects redirects, refuses URLs with
// credentials in them, and strips the Authorization header from any
// request that leaves the endpoint's scheme and host:port.
func (f *fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return &Error{Msg: fmt.Sprintf("stopped after %d redirects", maxRedirects), Kind: ErrRedirect}
	}
	if req.URL.User != nil {
		return &Error{Msg: "refused a redirect to a URL with credentials in it", Kind: ErrRedirect}
	}
	if req.URL.Host != f.host || req.URL.Scheme != f.scheme {
		req.Header.Del("Authorization")
	} else if f.auth.Kind() != "none" {
		f.auth.apply(req)
	}
	return nil
}

// get fetches u and returns its body, or an error that is safe to show.
func (f *fetcher) get(ctx context.Context, u *url.URL, accept string) (response, error) {
	shown := redactURL(u)
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return response{}, f.fail(ctx, shown, err)
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "relaytop")
	f.auth.apply(req)
	resp, err := f.client.Do(req)
	if err != nil {
		return response{}, f.fail(ctx, shown, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		// The body is not shown: a server may echo the request's headers.
		return response{}, &Error{Msg: f.scrub.clean(fmt.Sprintf("GET %s: HTTP %s", shown, resp.Status)), Kind: ErrStatus}
	}
	if resp.ContentLength > f.maxBody {
		return response{}, f.tooLarge(shown)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBody+1))
	if err != nil {
		return response{}, f.fail(ctx, shown, err)
	}
	if int64(len(body)) > f.maxBody {
		return response{}, f.tooLarge(shown)
	}
	for _, s := range f.scrub { // a server that echoes the request must not make a label or an error of it
		body = bytes.ReplaceAll(body, []byte(s), []byte("REDACTED"))
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return response{url: shown, contentType: strings.ToLower(ct), body: body}, nil
}

func (f *fetcher) tooLarge(shown string) error {
	return &Error{Msg: fmt.Sprintf("GET %s: response larger than %s; stopped reading", shown, sizeString(f.maxBody)), Kind: ErrTooLarge}
}

// fail turns a transport error into a message without credentials and
// with the URL given once, and classifies it.
func (f *fetcher) fail(ctx context.Context, shown string, err error) error {
	if ctx != nil && ctx.Err() == context.Canceled {
		return ctx.Err()
	}
	var kind error
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err // the URL is given once, redacted
	}
	var pe *Error
	var cve *tls.CertificateVerificationError
	var uae x509.UnknownAuthorityError
	var hne x509.HostnameError
	var cie x509.CertificateInvalidError
	switch {
	case errors.As(inner, &pe):
		kind = pe.Kind
	case ctx != nil && ctx.Err() == context.DeadlineExceeded, errors.Is(err, context.DeadlineExceeded):
		kind = ErrTimeout
		inner = fmt.Errorf("no complete response within %v", f.timeout)
	case errors.As(err, &cve), errors.As(err, &uae), errors.As(err, &hne), errors.As(err, &cie),
		strings.Contains(err.Error(), "tls: "):
		kind = ErrTLS
	}
	msg := fmt.Sprintf("GET %s: %v", shown, inner)
	if kind == ErrTLS && strings.Contains(msg, "x509") {
		msg += " (verification stays on; use --insecure only if you trust the network)"
	}
	return &Error{Msg: f.scrub.clean(msg), Kind: kind}
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
