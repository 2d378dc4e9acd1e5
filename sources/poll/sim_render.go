package poll

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// simFamily is one metric family of the simulated KumoMTA.
type simFamily struct {
	name, help, typ string
	labels          []string // label names; each row has one value per name
	rows            []simRow
}

type simRow struct {
	values []string
	v      float64
}

// kumoFamilies renders the campaign as KumoMTA's metric families.
func (c *campaign) kumoFamilies() []simFamily {
	c.mu.Lock()
	defer c.mu.Unlock()
	sec := c.advance()
	helps := [3]string{"total number of messages ever delivered",
		"total number of message delivery attempts that transiently failed",
		"total number of message delivery attempts that permanently failed"}
	var fams []simFamily
	for i, kc := range kumoCounters {
		node := c.sum(func(int, int, int) bool { return true })[kc.outcome]
		fams = append(fams, simFamily{kc.base, helps[i], "counter", []string{"service"},
			[]simRow{{[]string{"smtp_client"}, float64(node)}}})
		byProv := simFamily{name: kc.base + byProvider, help: helps[i], typ: "counter", labels: []string{"provider"}}
		bySrc := simFamily{name: kc.base + byProviderAndSource, help: helps[i], typ: "counter", labels: []string{"provider", "source", "pool"}}
		for di, d := range simDests {
			n := c.sum(func(dd, _, _ int) bool { return dd == di })[kc.outcome]
			byProv.rows = append(byProv.rows, simRow{[]string{d.kumoLabel}, float64(n)})
			for si, src := range simSources {
				n := c.sum(func(dd, _, ss int) bool { return dd == di && ss == si })[kc.outcome]
				bySrc.rows = append(bySrc.rows, simRow{[]string{d.kumoLabel, src, simPool}, float64(n)})
			}
		}
		fams = append(fams, byProv, bySrc)
	}
	queued := simFamily{name: kumoQueuedByProvider, help: "number of messages in the scheduled and ready queue", typ: "gauge", labels: []string{"provider"}}
	conns := simFamily{name: kumoConnsByProvider, help: "number of active connections", typ: "gauge", labels: []string{"provider"}}
	sched := simFamily{name: kumoScheduledByDomain, help: "number of messages in the scheduled queue for a specific domain", typ: "gauge", labels: []string{"domain"}}
	var ready float64
	for di, d := range simDests {
		q, n := c.level(di, sec)
		queued.rows = append(queued.rows, simRow{[]string{d.kumoLabel}, q})
		conns.rows = append(conns.rows, simRow{[]string{d.kumoLabel}, n})
		for _, dom := range d.domains {
			sched.rows = append(sched.rows, simRow{[]string{dom}, float64(int(q * 0.8 / float64(len(d.domains))))})
		}
		ready += float64(int(q * 0.2))
	}
	fams = append(fams, queued, conns, sched,
		simFamily{kumoReady, "number of messages in the ready queue", "gauge", []string{"service"}, []simRow{{[]string{"smtp_client"}, ready}}},
		simFamily{kumoSuspended, "`1` while an egress source is currently auto-suspended, `0` otherwise.", "gauge", []string{"source", "reason"},
			[]simRow{{[]string{simSuspendedSrc, simSuspendReason}, 1}}})
	return fams
}

func (c *campaign) serveKumoText(w http.ResponseWriter, _ *http.Request) {
	var b strings.Builder
	for _, f := range c.kumoFamilies() {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", f.name, f.help, f.name, f.typ)
		for _, r := range f.rows {
			b.WriteString(f.name)
			b.WriteByte('{')
			for i, l := range f.labels { // ", " between labels, as KumoMTA writes them
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%s=%q", l, r.values[i])
			}
			fmt.Fprintf(&b, "} %s\n", strconv.FormatFloat(r.v, 'f', -1, 64))
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

func (c *campaign) serveKumoJSON(w http.ResponseWriter, _ *http.Request) {
	out := map[string]any{}
	for _, f := range c.kumoFamilies() {
		var value any
		if len(f.labels) == 1 {
			m := map[string]float64{}
			for _, r := range f.rows {
				m[r.values[0]] = r.v
			}
			value = map[string]any{f.labels[0]: m}
		} else {
			var rows []map[string]any
			for _, r := range f.rows {
				row := map[string]any{"@": r.v}
				for i, l := range f.labels {
					row[l] = r.values[i]
				}
				rows = append(rows, row)
			}
			value = rows
		}
		out[f.name] = map[string]any{"help": f.help, "type": f.typ, "value": value}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(out)
}

// servePMTA renders one of PowerMTA's management documents.
func (c *campaign) servePMTA(doc string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if f := r.URL.Query().Get("format"); f != "" && f != "xml" {
			http.Error(w, "the simulator serves format=xml only", http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		sec := c.advance()
		var b strings.Builder
		b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rsp>\n<data>\n")
		switch doc {
		case "status":
			c.pmtaStatus(&b, sec)
		case "domains":
			c.pmtaDomains(&b, sec)
		case "vmtas":
			c.pmtaVMTAs(&b, sec)
		case "queues":
			c.pmtaQueues(&b, sec)
		}
		c.mu.Unlock()
		b.WriteString("</data>\n</rsp>\n")
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write([]byte(b.String()))
	}
}

func (c *campaign) pmtaStatus(b *strings.Builder, sec int64) {
	all := c.sum(func(int, int, int) bool { return true })
	var queued, conns float64
	for di := range simDests {
		q, n := c.level(di, sec)
		queued, conns = queued+q, conns+n
	}
	in := all[oSent] + all[oBounced] + all[oExpired] + int64(queued)
	fmt.Fprintf(b, "<status>\n<traffic>\n<total><in><rcp>%d</rcp><msg>%d</msg><kb>%d</kb></in>"+
		"<out><rcp>%d</rcp><msg>%d</msg><kb>%d</kb></out></total>\n</traffic>\n", in, in, in*14, all[oSent], all[oSent], all[oSent]*14)
	fmt.Fprintf(b, "<conn>\n<smtpIn><cur>2</cur><top>8</top><max>400</max></smtpIn>\n"+
		"<smtpOut><cur>%.0f</cur><top>180</top><max>2000</max></smtpOut>\n</conn>\n", conns)
	fmt.Fprintf(b, "<queue>\n<smtp><rcp>%.0f</rcp><dom>%d</dom><kb>%.0f</kb></smtp>\n</queue>\n", queued, 7, queued*14)
	fmt.Fprintf(b, "<state>running</state>\n<uptime>%d</uptime>\n</status>\n", sec)
}

func (c *campaign) pmtaDomains(b *strings.Builder, sec int64) {
	for di, d := range simDests {
		q, n := c.level(di, sec)
		for mi, dom := range d.domains {
			t := c.sum(func(dd, mm, _ int) bool { return dd == di && mm == mi })
			share := 1 / float64(len(d.domains))
			fmt.Fprintf(b, "<domain>\n<name>%s</name>\n<rcp>%.0f</rcp>\n<kb>%.0f</kb>\n<conn>%.0f</conn>\n"+
				"<delivered>%d</delivered>\n<deferred>%d</deferred>\n<bounced>%d</bounced>\n<expired>%d</expired>\n</domain>\n",
				dom, q*share, q*share*14, max(1, n*share), t[oSent], t[oDeferred], t[oBounced], t[oExpired])
		}
	}
}

func (c *campaign) pmtaVMTAs(b *strings.Builder, sec int64) {
	var queued, conns float64
	for di := range simDests {
		q, n := c.level(di, sec)
		queued, conns = queued+q, conns+n
	}
	for si, v := range simVMTAs {
		t := c.sum(func(_, _, ss int) bool { return ss == si })
		fmt.Fprintf(b, "<vmta>\n<name>%s</name>\n<dom>%d</dom>\n<rcp>%.0f</rcp>\n<kb>%.0f</kb>\n<conn>%.0f</conn>\n"+
			"<delivered>%d</delivered>\n<deferred>%d</deferred>\n<bounced>%d</bounced>\n<expired>%d</expired>\n</vmta>\n",
			v, 7, queued/2, queued*7, conns/2, t[oSent], t[oDeferred], t[oBounced], t[oExpired])
	}
}

func (c *campaign) pmtaQueues(b *strings.Builder, sec int64) {
	msBackoff := microsoftDeferral(sec) > simMSBackoffAbove
	for di, d := range simDests {
		q, n := c.level(di, sec)
		for _, dom := range d.domains {
			for _, v := range simVMTAs {
				name := dom + "/" + v
				mode, reason := "normal", ""
				switch {
				case name == "yahoo.com/vmta-2":
					mode, reason = "backoff", simYahooBackoff
				case name == "outlook.com/vmta-1" && msBackoff:
					mode, reason = "backoff", simMSBackoff
				}
				share := 1 / float64(len(d.domains)*len(simVMTAs))
				fmt.Fprintf(b, "<queue>\n<name>%s</name>\n<rcp>%.0f</rcp>\n<kb>%.0f</kb>\n<conn>%.0f</conn>\n"+
					"<paused>false</paused>\n<mode>%s</mode>\n", name, q*share, q*share*14, n*share, mode)
				if reason != "" {
					fmt.Fprintf(b, "<backoffReason>%s</backoffReason>\n", html.EscapeString(reason))
				}
				b.WriteString("</queue>\n")
			}
		}
	}
}
