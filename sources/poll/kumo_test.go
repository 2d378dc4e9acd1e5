package poll

import (
	"reflect"
	"strconv"
	"testing"
	"time"
)

// wantKumoRows are the deltas between metrics.txt and metrics-next.txt
// (the same data as metrics.json and metrics-next.json), per
// provider|label|source; see testdata/kumo-http/README.md.
var wantKumoRows = map[string]counts{
	"apple|(mx01|mx02).mail.icloud.com|ip-1": {3, 0, 0, 0},
	"google|google|ip-1":                     {60, 1, 0, 0},
	"google|google|ip-2":                     {55, 0, 1, 0},
	"microsoft|microsoft|ip-1":               {30, 14, 1, 0},
	"microsoft|microsoft|ip-2":               {28, 11, 0, 0},
	"other|mx.example.net|ip-2":              {2, 1, 0, 0},
	"yahoo|yahoo|ip-1":                       {15, 5, 0, 0},
	"yahoo|yahoo|ip-2":                       {12, 4, 1, 0},
}

func TestKumoFixtures(t *testing.T) {
	for _, tc := range []struct{ path, ct, first, next string }{
		{"/metrics", "text/plain; version=0.0.4; charset=utf-8", "metrics.txt", "metrics-next.txt"},
		{"/metrics.json", "application/json; charset=utf-8", "metrics.json", "metrics-next.json"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rp := newReplay()
			srv := serve(t, rp)
			c := newClock()
			p := mustPoller(t, srv.URL+tc.path, c, Options{})
			rp.set(tc.path, tc.ct, fixture(t, "kumo-http", tc.first))
			first := poll(t, p)
			if len(first.Deltas) != 0 || first.Totals.Node != nil {
				t.Fatalf("first poll gave deltas: %+v %+v", first.Deltas, first.Totals.Node)
			}
			if first.Format != "kumo" || first.Totals.Ready != 130 || first.Totals.Suspended != 1 {
				t.Errorf("first totals: %s %+v", first.Format, first.Totals)
			}
			c.Add(2 * time.Second)
			rp.set(tc.path, tc.ct, fixture(t, "kumo-http", tc.next))
			r := poll(t, p)
			if got := byRow(r.Deltas); !reflect.DeepEqual(got, wantKumoRows) {
				t.Errorf("deltas:\n got %v\nwant %v", got, wantKumoRows)
			}
			for _, d := range r.Deltas {
				if !d.Start.Equal(first.At) || !d.End.Equal(r.At) || d.Host != p.Host() {
					t.Errorf("row interval/host: %+v", d)
				}
			}
			if n := r.Totals.Node; n == nil || countsOf(*n) != (counts{205, 36, 3, 0}) {
				t.Errorf("node delta %+v, want 205/36/3", n)
			}
			want := Totals{Ready: 141, Suspended: 1, Queued: 3462, Connections: 43}
			got := r.Totals
			got.Node = nil
			if got != want {
				t.Errorf("totals %+v, want %+v", got, want)
			}
			if len(r.Backoffs) != 1 || r.Backoffs[0].Queue != "ip-3" || r.Backoffs[0].Reason != "Unplumbed" ||
				!r.Backoffs[0].Since.Equal(first.At) {
				t.Errorf("backoffs %+v", r.Backoffs)
			}
			gauges := map[string]Gauge{}
			for _, g := range r.Gauges {
				gauges[g.By+"|"+g.Label] = g
			}
			if g := gauges["provider|microsoft"]; g.Provider != "microsoft" || g.Queued != 2550 || g.Connections != 5 {
				t.Errorf("microsoft gauge %+v", g)
			}
			if g := gauges["domain|hotmail.com"]; g.Provider != "microsoft" || g.Queued != 750 || g.Connections != -1 {
				t.Errorf("hotmail.com gauge %+v", g)
			}
			if len(gauges) != 12 {
				t.Errorf("%d gauges, want 5 provider + 7 domain rows", len(gauges))
			}
		})
	}
}

// TestKumoByProviderOnly: without the _by_provider_and_source families the
// _by_provider ones give rows without an identity.
func TestKumoByProviderOnly(t *testing.T) {
	rp := newReplay()
	srv := serve(t, rp)
	p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{})
	body := func(g, m float64) []byte {
		return []byte("# TYPE total_messages_delivered_by_provider counter\n" +
			`total_messages_delivered_by_provider{provider="gmail"} ` + ftoa(g) + "\n" +
			`total_messages_transfail_by_provider{provider="outlook"} ` + ftoa(m) + "\n")
	}
	rp.set("/metrics", "text/plain", body(100, 7))
	poll(t, p)
	rp.set("/metrics", "text/plain", body(130, 9))
	r := poll(t, p)
	want := map[string]counts{"google|gmail|": {30, 0, 0, 0}, "microsoft|outlook|": {0, 2, 0, 0}}
	if got := byRow(r.Deltas); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestKumoProviderLabels(t *testing.T) {
	for label, want := range map[string]string{
		"google": "google", "Gmail": "google", "google-workspace": "google", "gmail.com": "google",
		"outlook": "microsoft", "Microsoft": "microsoft", "office_365": "microsoft", "hotmail.com": "microsoft",
		"yahoo": "yahoo", "AOL": "yahoo", "yahoo-aol": "yahoo", "apple": "apple", "icloud": "apple",
		"(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com": "google",
		"(mta5|mta6|mta7).am0.yahoodns.net:123":             "yahoo",
		"contoso-com.mail.protection.outlook.com.":          "microsoft",
		"(mx01|mx02).mail.icloud.com":                       "apple",
		"mx.example.net,(alt1|alt2)?.aspmx.l.google.com":    "google",
		"proofpoint":      "proofpoint",
		"mx.example.net":  "other",
		"":                "other",
		"other":           "other",
		"(((":             "other",
		"my-shaping-rule": "other",
	} {
		if got := providerOf(labelProvider, label); got != want {
			t.Errorf("%q: got %q, want %q", label, got, want)
		}
	}
}

// TestKumoJSONShapes covers the three value shapes and null.
func TestKumoJSONShapes(t *testing.T) {
	body := `{"total_messages_delivered":{"type":"counter","value":null},
"total_messages_fail":{"type":"counter","value":7},
"total_messages_transfail_by_provider":{"type":"counter","value":{"provider":{"yahoo":4}}},
"total_messages_delivered_by_provider_and_source":{"type":"counter","value":[{"provider":"gmail","source":"a","pool":"p","@":9}]},
"deliver_message_latency_rollup":{"type":"histogram","value":{"whatever":[1,2]}}}`
	s, known, err := parseKumoJSON([]byte(body))
	if err != nil || !known {
		t.Fatal(err, known)
	}
	got := map[string]float64{}
	for _, c := range s.counters {
		got[c.family+"|"+c.label+"|"+c.identity] = c.value
	}
	want := map[string]float64{"total_messages_fail||": 7, "total_messages_transfail_by_provider|yahoo|": 4,
		"total_messages_delivered_by_provider_and_source|gmail|a": 9}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
