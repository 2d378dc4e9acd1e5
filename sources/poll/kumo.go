package poll

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/prometheus/common/expfmt"
	promodel "github.com/prometheus/common/model"
)

// KumoMTA metric families read, with the label keys documented at
// https://docs.kumomta.com/reference/metrics/kumod/ (see
// testdata/kumo-http/README.md).
const (
	kumoDelivered         = "total_messages_delivered"       // {service}
	kumoTransfail         = "total_messages_transfail"       // {service}
	kumoFail              = "total_messages_fail"            // {service}
	byProvider            = "_by_provider"                   // {provider}
	byProviderAndSource   = "_by_provider_and_source"        // {provider, source, pool}
	kumoQueuedByProvider  = "queued_count_by_provider"       // {provider}
	kumoConnsByProvider   = "connection_count_by_provider"   // {provider}
	kumoScheduledByDomain = "scheduled_by_domain"            // {domain}
	kumoReady             = "ready_count"                    // {service}
	kumoSuspended         = "egress_source_health_suspended" // {source, reason}
)

// kumoOther are families, not read, that only KumoMTA exports: one of
// them tells KumoMTA's metrics from another program's.
var kumoOther = map[string]bool{"total_messages_received": true, "connection_count": true,
	"scheduled_count": true, "scheduled_count_total": true, "lua_count": true, "message_count": true}

var kumoCounters = []struct {
	base    string
	outcome int
}{{kumoDelivered, oSent}, {kumoTransfail, oDeferred}, {kumoFail, oBounced}}

// kumoWanted reports whether family name is one the adapter reads.
func kumoWanted(name string) bool {
	switch name {
	case kumoQueuedByProvider, kumoConnsByProvider, kumoScheduledByDomain, kumoReady, kumoSuspended:
		return true
	}
	for _, c := range kumoCounters {
		if name == c.base || name == c.base+byProvider || name == c.base+byProviderAndSource {
			return true
		}
	}
	return false
}

// kumoKnown reports whether family name is one only KumoMTA exports, to
// tell its metrics from another program's.
func kumoKnown(name string) bool {
	return kumoWanted(name) || kumoOther[name]
}

// promSample is one sample of a metric family, from either format.
type promSample struct {
	name   string
	labels map[string]string
	value  float64
}

// parseKumoText reads KumoMTA's Prometheus text exposition (GET /metrics)
// with the Prometheus project's own parser. known reports whether the
// text holds a family only KumoMTA exports.
func parseKumoText(body []byte) (s *snapshot, known bool, err error) {
	p := expfmt.NewTextParser(promodel.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil, false, &Error{Msg: "KumoMTA metrics text: " + clean(err.Error(), 300), Kind: ErrParse}
	}
	var ss []promSample
	for name, mf := range fams {
		known = known || kumoKnown(name)
		if !kumoWanted(name) {
			continue
		}
		for _, m := range mf.GetMetric() {
			var v float64
			switch {
			case m.GetCounter() != nil:
				v = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				v = m.GetGauge().GetValue()
			case m.GetUntyped() != nil:
				v = m.GetUntyped().GetValue()
			default:
				continue
			}
			labels := make(map[string]string, len(m.GetLabel()))
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			ss = append(ss, promSample{name: name, labels: labels, value: v})
		}
	}
	return kumoSnapshot(ss), known, nil
}

// parseKumoJSON reads KumoMTA's GET /metrics.json: an object of families,
// each {"help", "type", "value"} where value is a number (no labels), an
// object {label: {label value: number}} (one label), an array of objects
// holding the labels and the number under "@" (several labels), or null.
func parseKumoJSON(body []byte) (s *snapshot, known bool, err error) {
	var fams map[string]json.RawMessage
	if err := json.Unmarshal(body, &fams); err != nil {
		return nil, false, &Error{Msg: "KumoMTA metrics.json: " + clean(err.Error(), 300), Kind: ErrParse}
	}
	var ss []promSample
	for name, raw := range fams {
		known = known || kumoKnown(name)
		if !kumoWanted(name) {
			continue
		}
		var fam struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(raw, &fam); err != nil {
			return nil, false, &Error{Msg: fmt.Sprintf("KumoMTA metrics.json: %s: %s", clean(name, 100), clean(err.Error(), 200)), Kind: ErrParse}
		}
		got, err := kumoJSONValue(name, fam.Value)
		if err != nil {
			return nil, false, &Error{Msg: fmt.Sprintf("KumoMTA metrics.json: %s: %s", clean(name, 100), clean(err.Error(), 200)), Kind: ErrParse}
		}
		ss = append(ss, got...)
	}
	return kumoSnapshot(ss), known, nil
}

func kumoJSONValue(name string, raw json.RawMessage) ([]promSample, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var ss []promSample
	switch raw[0] {
	case '{':
		var m map[string]map[string]float64
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		for label, byValue := range m {
			for lv, v := range byValue {
				ss = append(ss, promSample{name: name, labels: map[string]string{label: lv}, value: v})
			}
		}
	case '[':
		var rows []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &rows); err != nil {
			return nil, err
		}
		for _, row := range rows {
			x := promSample{name: name, labels: make(map[string]string, len(row))}
			if err := json.Unmarshal(row["@"], &x.value); err != nil {
				return nil, fmt.Errorf(`a labelled value without a number under "@"`)
			}
			for k, v := range row {
				if k == "@" {
					continue
				}
				var sv string
				if err := json.Unmarshal(v, &sv); err != nil {
					return nil, fmt.Errorf("label %q is not a string", clean(k, 50))
				}
				x.labels[k] = sv
			}
			ss = append(ss, x)
		}
	default:
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		ss = append(ss, promSample{name: name, value: v})
	}
	return ss, nil
}

// kumoSnapshot turns KumoMTA's samples into a snapshot.
//
// Counters: the _by_provider_and_source families are shown when present
// (rows with an Identity, the egress source); otherwise the _by_provider
// ones (see counterSample for the switch from one to the other). The unlabelled-by-
// destination total_messages_* families count per service; the series
// whose service is a service type ("smtp_client", no ":") are KumoMTA's
// node-wide totals and feed Totals.Node, the per-path ones
// ("smtp_client:source->site") are ignored: summing both would double.
// ready_count is read the same way.
func kumoSnapshot(ss []promSample) *snapshot {
	s := newSnapshot("kumo")
	have := map[string]bool{}
	for _, x := range ss {
		have[x.name] = true
	}
	byLabel := map[string]*gaugeSample{}
	gauge := func(label string) *gaugeSample {
		g := byLabel[label]
		if g == nil {
			g = &gaugeSample{by: ByProvider, kind: labelProvider, label: label, queued: -1, conns: -1}
			byLabel[label] = g
		}
		return g
	}
	var readyGlobal, readyAll float64
	sawGlobalReady := false
	for _, x := range ss {
		provider := clean(x.labels["provider"], 256)
		for _, c := range kumoCounters {
			switch x.name {
			case c.base:
				svc := x.labels["service"]
				if strings.Contains(svc, ":") {
					continue
				}
				s.counters = append(s.counters, counterSample{family: x.name, outcome: c.outcome, kind: labelNone,
					label: clean(svc, 256), role: roleNode, value: x.value})
			case c.base + byProvider:
				s.counters = append(s.counters, counterSample{family: x.name, group: c.base, tier: 1, outcome: c.outcome,
					kind: labelProvider, label: provider, role: roleRow, value: x.value})
			case c.base + byProviderAndSource:
				s.counters = append(s.counters, counterSample{family: x.name, group: c.base, tier: 0, outcome: c.outcome,
					kind: labelProvider, label: provider, identity: clean(x.labels["source"], 256),
					extra: clean(x.labels["pool"], 256), role: roleRow, value: x.value})
			}
		}
		switch x.name {
		case kumoQueuedByProvider:
			g := gauge(provider)
			g.queued = max(g.queued, 0) + x.value
			s.queued = max(s.queued, 0) + x.value
		case kumoConnsByProvider:
			g := gauge(provider)
			g.conns = max(g.conns, 0) + x.value
			s.conns = max(s.conns, 0) + x.value
		case kumoScheduledByDomain:
			s.gauges = append(s.gauges, gaugeSample{by: ByDomain, kind: labelDomain,
				label: strings.ToLower(clean(x.labels["domain"], 256)), queued: x.value, conns: -1})
		case kumoReady:
			readyAll += x.value
			if !strings.Contains(x.labels["service"], ":") {
				readyGlobal += x.value
				sawGlobalReady = true
			}
		case kumoSuspended:
			s.suspended = max(s.suspended, 0)
			if x.value >= 1 {
				s.suspended++
				src := clean(x.labels["source"], 256)
				s.backoffs = append(s.backoffs, backoffSample{queue: src, identity: src, reason: clean(x.labels["reason"], 1024)})
			}
		}
	}
	for _, g := range byLabel {
		s.gauges = append(s.gauges, *g)
	}
	switch {
	case sawGlobalReady:
		s.ready = readyGlobal
	case have[kumoReady]:
		s.ready = readyAll
	}
	return s
}
