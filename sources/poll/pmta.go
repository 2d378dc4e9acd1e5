package poll

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The PowerMTA HTTP management documents the adapter reads, in order.
var pmtaDocs = []string{"status", "domains", "vmtas", "queues"}

// xnode is an XML element read generically: PowerMTA's documents are
// <rsp><data>...</data></rsp> trees whose leaves hold the values, and
// reading them by name keeps the adapter tolerant of the elements that
// differ between PowerMTA versions.
type xnode struct {
	XMLName xml.Name
	Text    string  `xml:",chardata"`
	Nodes   []xnode `xml:",any"`
}

// child returns the first child element named name (case-insensitive).
func (n *xnode) child(name string) *xnode {
	if n == nil {
		return nil
	}
	for i := range n.Nodes {
		if strings.EqualFold(n.Nodes[i].XMLName.Local, name) {
			return &n.Nodes[i]
		}
	}
	return nil
}

// path follows child elements.
func (n *xnode) path(names ...string) *xnode {
	for _, name := range names {
		n = n.child(name)
	}
	return n
}

// text returns the trimmed text of the first child named one of names.
func (n *xnode) text(names ...string) string {
	for _, name := range names {
		if c := n.child(name); c != nil {
			return strings.TrimSpace(c.Text)
		}
	}
	return ""
}

// num returns the number in the first child named one of names; a child
// that has children of its own gives its <rcp> child's number. ok is false
// when there is no such child or it holds no number.
func (n *xnode) num(names ...string) (v float64, ok bool) {
	for _, name := range names {
		c := n.child(name)
		if c == nil {
			continue
		}
		if len(c.Nodes) > 0 {
			c = c.child("rcp")
			if c == nil {
				continue
			}
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(c.Text), 64)
		if err == nil && validCount(v) {
			return v, true
		}
	}
	return 0, false
}

func numOr(v float64, ok bool) float64 {
	if !ok {
		return -1
	}
	return v
}

// parsePMTADoc parses one document and returns its <data> element.
func parsePMTADoc(name string, body []byte) (*xnode, error) {
	var root xnode
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	d.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "iso-8859-1", "latin1", "us-ascii", "ascii":
			return latin1(r)
		}
		return nil, fmt.Errorf("unsupported charset %q", clean(charset, 40))
	}
	if err := d.Decode(&root); err != nil {
		return nil, &Error{Msg: fmt.Sprintf("PowerMTA /%s XML: %s", name, clean(err.Error(), 300)), Kind: ErrParse}
	}
	if !strings.EqualFold(root.XMLName.Local, "rsp") {
		return nil, &Error{Msg: fmt.Sprintf("PowerMTA /%s: root element is <%s>, not <rsp>", name, clean(root.XMLName.Local, 40)), Kind: ErrParse}
	}
	if e := root.child("error"); e != nil {
		return nil, &Error{Msg: fmt.Sprintf("PowerMTA /%s: error: %s", name, clean(e.Text, 300)), Kind: ErrParse}
	}
	data := root.child("data")
	if data == nil {
		return nil, &Error{Msg: fmt.Sprintf("PowerMTA /%s: no <data> element", name), Kind: ErrParse}
	}
	return data, nil
}

// latin1 decodes ISO-8859-1 (of which ASCII is a part) to UTF-8.
func latin1(r io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return bytes.NewReader(out), nil
}

// Element names of per-row counters. The documentation relaytop could
// read describes only queue gauges for /domains, /vmtas and /queues (see
// testdata/pmta-http/README.md); when a PowerMTA version carries counters
// in them, they are read under these names.
var pmtaCounterNames = [...][]string{
	oSent:     {"delivered", "dlv"},
	oDeferred: {"deferred", "transient", "tfl"},
	oBounced:  {"bounced", "failed", "bnc"},
	oExpired:  {"expired"},
}

// Element names of a queue's backoff reason.
var pmtaReasonNames = []string{"backoffReason", "backoff-reason", "backoff_reason", "reason", "lastError", "last-error"}

// parsePMTA reads the four documents (bodies in pmtaDocs order).
func parsePMTA(bodies [][]byte) (*snapshot, error) {
	if len(bodies) != len(pmtaDocs) {
		return nil, fmt.Errorf("poll: %d PowerMTA documents, want %d", len(bodies), len(pmtaDocs))
	}
	var data [4]*xnode
	for i, name := range pmtaDocs {
		d, err := parsePMTADoc(name, bodies[i])
		if err != nil {
			return nil, err
		}
		data[i] = d
	}
	s := newSnapshot("pmta")
	status := data[0].child("status")
	if status == nil {
		return nil, &Error{Msg: "PowerMTA /status: no <status> element", Kind: ErrParse}
	}
	if v, ok := status.path("traffic", "total", "out").num("rcp"); ok {
		s.counters = append(s.counters, counterSample{family: "status/traffic/total/out/rcp", outcome: oSent,
			kind: labelNone, role: roleNode, value: v})
	}
	s.conns = numOr(status.path("conn", "smtpOut").num("cur"))
	s.queued = numOr(status.path("queue", "smtp").num("rcp"))

	pmtaRows(s, data[1], "domain", ByDomain, 0)
	pmtaRows(s, data[2], "vmta", ByIdentity, 1) // shown only without per-domain counters
	for i := range data[3].Nodes {
		q := &data[3].Nodes[i]
		if !strings.EqualFold(q.XMLName.Local, "queue") || !strings.EqualFold(q.text("mode"), "backoff") {
			continue
		}
		name := clean(q.text("name"), 256)
		domain, vmta, _ := strings.Cut(name, "/")
		s.backoffs = append(s.backoffs, backoffSample{queue: name, domain: strings.ToLower(domain), identity: vmta,
			reason: clean(q.text(pmtaReasonNames...), 1024)})
	}
	return s, nil
}

// pmtaRows reads the <domain> or <vmta> rows of /domains or /vmtas:
// gauges always, counters when present.
func pmtaRows(s *snapshot, data *xnode, elem, by string, tier int) {
	for i := range data.Nodes {
		n := &data.Nodes[i]
		if !strings.EqualFold(n.XMLName.Local, elem) {
			continue
		}
		name := clean(n.text("name"), 256)
		if name == "" {
			continue
		}
		g := gaugeSample{by: by, queued: numOr(n.num("rcp")), conns: numOr(n.num("conn"))}
		kind := labelDomain
		if by == ByDomain {
			g.kind, g.label = labelDomain, strings.ToLower(name)
		} else {
			g.kind, g.identity = labelNone, name
			kind = labelNone
		}
		s.gauges = append(s.gauges, g)
		for o, names := range pmtaCounterNames {
			v, ok := n.num(names...)
			if !ok {
				continue
			}
			s.counters = append(s.counters, counterSample{family: fmt.Sprintf("pmta/%s/%d", elem, o), group: fmt.Sprint("pmta/", o),
				tier: tier, outcome: o, kind: kind, label: g.label, identity: g.identity, role: roleRow, value: v})
		}
	}
}
