package poll

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// plan is how an endpoint is read: which URLs, which adapter.
type plan interface {
	format() string
	// poll fetches and parses; known reports that the data is
	// recognisably the MTA's (for format detection).
	poll(ctx context.Context, f *fetcher) (s *snapshot, known bool, err error)
}

const (
	kumoAccept = "text/plain;version=0.0.4;q=0.9, application/json;q=0.8, */*;q=0.1"
	pmtaAccept = "application/xml, text/xml;q=0.9, */*;q=0.1"
)

// kumoPlan reads KumoMTA's /metrics (Prometheus text) or /metrics.json.
type kumoPlan struct{ u *url.URL }

func (kumoPlan) format() string { return "kumo" }

func (k kumoPlan) poll(ctx context.Context, f *fetcher) (*snapshot, bool, error) {
	r, err := f.get(ctx, k.u, kumoAccept)
	if err != nil {
		return nil, false, err
	}
	return parseKumo(r)
}

// parseKumo picks the parser by content type, and by the body's first
// byte when the type is missing or generic.
func parseKumo(r response) (*snapshot, bool, error) {
	body := bytes.TrimLeft(r.body, " \t\r\n\ufeff")
	first := byte(0)
	if len(body) > 0 {
		first = body[0]
	}
	ct := r.contentType
	switch {
	case strings.Contains(ct, "json"):
		if first != '{' {
			return nil, false, &Error{Msg: fmt.Sprintf("GET %s: content type %s but the body is not a JSON object", r.url, ct), Kind: ErrParse}
		}
		return parseKumoJSON(body)
	case ct == "" || ct == "text/plain" || ct == "application/openmetrics-text":
		if first == '<' {
			return nil, false, &Error{Msg: fmt.Sprintf("GET %s: got HTML or XML, not KumoMTA metrics", r.url), Kind: ErrContentType}
		}
		if first == '{' {
			return parseKumoJSON(body)
		}
		return parseKumoText(body)
	}
	return nil, false, &Error{Msg: fmt.Sprintf("GET %s: content type %s, not KumoMTA metrics (text/plain or application/json)", r.url, clean(ct, 80)), Kind: ErrContentType}
}

// pmtaPlan reads PowerMTA's four management documents under base.
type pmtaPlan struct{ base *url.URL }

func (pmtaPlan) format() string { return "pmta" }

func (p pmtaPlan) docURL(doc string) *url.URL {
	u := *p.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + doc
	u.RawPath = ""
	u.RawQuery = "format=xml"
	return &u
}

func (p pmtaPlan) poll(ctx context.Context, f *fetcher) (*snapshot, bool, error) {
	bodies := make([][]byte, len(pmtaDocs))
	for i, doc := range pmtaDocs {
		r, err := f.get(ctx, p.docURL(doc), pmtaAccept)
		if err != nil {
			return nil, false, err
		}
		body := bytes.TrimLeft(r.body, " \t\r\n\ufeff")
		if err := pmtaContentOK(r, body); err != nil {
			return nil, false, err
		}
		bodies[i] = body
	}
	s, err := parsePMTA(bodies)
	return s, err == nil, err
}

// pmtaContentOK accepts XML however it is labelled: PowerMTA's web
// monitor is known to serve its XML as text/html.
func pmtaContentOK(r response, body []byte) error {
	ct := r.contentType
	isXML := bytes.HasPrefix(body, []byte("<?xml")) || bytes.HasPrefix(body, []byte("<rsp"))
	switch {
	case strings.Contains(ct, "xml"), ct == "", ct == "text/plain" && len(body) > 0 && body[0] == '<':
		return nil
	case ct == "text/html" && isXML:
		return nil
	}
	return &Error{Msg: fmt.Sprintf("GET %s: content type %s, not PowerMTA XML", r.url, clean(ct, 80)), Kind: ErrContentType}
}

// planFor returns the plan an endpoint's URL and format name, or nil when
// the format has to be detected by trying.
func planFor(u *url.URL, format string) plan {
	last := path.Base(strings.TrimSuffix(u.Path, "/"))
	kumoURL := func() *url.URL {
		if last == "metrics" || last == "metrics.json" {
			return u
		}
		c := *u
		c.Path, c.RawPath, c.RawQuery = strings.TrimSuffix(u.Path, "/")+"/metrics", "", ""
		return &c
	}
	pmtaBase := func() *url.URL {
		c := *u
		c.RawPath, c.RawQuery = "", ""
		if isPMTADoc(last) {
			c.Path = path.Dir(strings.TrimSuffix(u.Path, "/"))
		}
		if c.Path == "/" || c.Path == "." {
			c.Path = ""
		}
		return &c
	}
	switch {
	case format == "kumo":
		return kumoPlan{kumoURL()}
	case format == "pmta":
		return pmtaPlan{pmtaBase()}
	case last == "metrics" || last == "metrics.json":
		return kumoPlan{u}
	case isPMTADoc(last):
		return pmtaPlan{pmtaBase()}
	}
	return nil
}

func isPMTADoc(name string) bool {
	for _, d := range pmtaDocs {
		if name == d {
			return true
		}
	}
	return false
}

// detectCandidates are the plans tried, in order, for an endpoint whose
// URL does not tell its format: a bare http://host:port tries KumoMTA's
// /metrics and then PowerMTA's documents under it; another path is read
// as KumoMTA metrics and then as the base of PowerMTA's documents.
func detectCandidates(u *url.URL) []plan {
	c := *u
	c.RawQuery = ""
	if p := strings.TrimSuffix(u.Path, "/"); p == "" {
		k := c
		k.Path, k.RawPath = "/metrics", ""
		return []plan{kumoPlan{&k}, pmtaPlan{&c}}
	}
	return []plan{kumoPlan{u}, pmtaPlan{&c}}
}
