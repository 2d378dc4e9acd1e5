package pmta

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
)

func fields(line string) []string {
	var s splitter
	b := []byte(line)
	s.split(b)
	out := make([]string, s.n())
	for i := range out {
		out[i] = string(s.field(b, i))
	}
	return out
}

func TestSplit(t *testing.T) {
	cases := map[string][]string{
		"":                          {""},
		"a":                         {"a"},
		"a,b,":                      {"a", "b", ""},
		",":                         {"", ""},
		`"a,b",c`:                   {"a,b", "c"},
		`two inches,"2"""`:          {"two inches", `2"`}, // the User's Guide's example
		`"x ""y"" z",""`:            {`x "y" z`, ""},
		`"""",a`:                    {`"`, "a"},
		`a"b,c`:                     {`a"b`, "c"}, // lazy: bare quote kept
		`"ab"c,d`:                   {`ab"c,d`},   // lazy: stray quote kept, field runs on
		`"unterminated, field`:      {"unterminated, field"},
		`"a""b","c""d",e`:           {`a"b`, `c"d`, "e"},
		`d,"PIPELINING,SIZE",48213`: {"d", "PIPELINING,SIZE", "48213"},
	}
	for in, want := range cases {
		if got := fields(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// FuzzSplit checks the splitter against encoding/csv on every line that
// encoding/csv reads strictly as one record.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{`a,"b,c",""""`, `x,,y`, `"a""b"`, `"ab"c`, DefaultHeader} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := fields(s) // must not panic, whatever s is
		if s == "" || strings.ContainsAny(s, "\r\n") {
			return
		}
		r := csv.NewReader(strings.NewReader(s))
		r.FieldsPerRecord = -1
		want, err := r.Read()
		if err != nil {
			return
		}
		if _, err := r.Read(); err == nil {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: split %q, encoding/csv %q", s, got, want)
		}
		// Round trip: what csv.Writer writes splits back to the same.
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		_ = w.Write(want)
		w.Flush()
		if back := fields(strings.TrimSuffix(b.String(), "\n")); !strings.Contains(b.String(), "\n\"") &&
			!strings.ContainsAny(strings.Join(want, ""), "\r\n") && !reflect.DeepEqual(back, want) {
			t.Fatalf("%q: written as %q, split back to %q", want, b.String(), back)
		}
	})
}
