package kb

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/relaytop/relaytop/model"
)

// rows reads a shipped table the plain way, without readTSV.
func rows(t *testing.T, name string) [][]string {
	t.Helper()
	data, err := fs.ReadFile(embedded, name)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		out = append(out, strings.Split(line, "\t"))
	}
	return out
}

// TestEveryEnhancedRow checks that each row of smtp-codes.tsv becomes an
// entry with its meaning, and that Match reaches it.
func TestEveryEnhancedRow(t *testing.T) {
	k := Default()
	rs := rows(t, codesFile)
	if len(rs) != 92 {
		t.Fatalf("%d enhanced rows, want 92", len(rs))
	}
	for _, r := range rs {
		code, meaning := r[0], r[5]
		parts := strings.Split(code, ".")
		var id, reply string
		var level Level
		switch {
		case parts[1] == "XXX":
			id, reply, level = "class:"+parts[0], parts[0]+".999.1", LevelClass
		case parts[2] == "YYY":
			id, reply, level = "subject:X."+parts[1], "5."+parts[1]+".999", LevelSubject
		default:
			id, reply, level = "enhanced:"+code, "5."+parts[1]+"."+parts[2], LevelEnhanced
		}
		e := k.Entry(id)
		if e == nil {
			t.Errorf("row %s: no entry %q", code, id)
			continue
		}
		if e.Meaning != meaning || e.RFC != r[3] || e.Enhanced != code {
			t.Errorf("row %s: entry has meaning %q rfc %q code %q", code, e.Meaning, e.RFC, e.Enhanced)
		}
		m := k.Match(Query{Provider: "other", Reply: model.Reply{Enhanced: reply}})
		if m.Entry != e || m.Level != level {
			t.Errorf("Match(%s) = %s at %v, want %s at %v", reply, m.Entry.ID, m.Level, id, level)
		}
	}
}

// TestEveryBasicRow checks that each row of smtp-basic-replies.tsv becomes
// an entry with its meaning, and that Match reaches it.
func TestEveryBasicRow(t *testing.T) {
	k := Default()
	rs := rows(t, basicFile)
	if len(rs) != 32 {
		t.Fatalf("%d basic rows, want 32", len(rs))
	}
	for _, r := range rs {
		code, _ := strconv.Atoi(r[0])
		m := k.Match(Query{Reply: model.Reply{Code: code}})
		if m.Level != LevelBasic || m.Entry.Meaning != r[2] || m.Entry.Basic != code || m.Entry.ClassMeaning != r[1] {
			t.Errorf("Match(%d) = %s at %v with meaning %q, want the basic entry with %q", code, m.Entry.ID, m.Level, m.Entry.Meaning, r[2])
		}
	}
}

func TestRegistryEntryDetails(t *testing.T) {
	k := Default()
	e := k.Entry("enhanced:X.1.1")
	if e.Title != "X.1.1 — Bad destination mailbox address" || strings.Join(e.TypicalBasic, " ") != "451 550" ||
		e.ClassMeaning != "Addressing status (X.1.x)" {
		t.Errorf("X.1.1 = %+v", e)
	}
	if len(e.Sources) != 2 || e.Sources[1] != "https://www.rfc-editor.org/rfc/rfc3463" {
		t.Errorf("X.1.1 sources %v", e.Sources)
	}
	b := k.Entry("basic:454")
	if b.Title != "454 — Temporary authentication failure / TLS not available due to temporary reason" {
		t.Errorf("454 title %q", b.Title)
	}
	if strings.Join(b.Sources, " ") != "https://www.rfc-editor.org/rfc/rfc4954 https://www.rfc-editor.org/rfc/rfc3207" {
		t.Errorf("454 sources %v", b.Sources)
	}
	if c := k.Entry("class:4"); c.Title != "Class 4 — Persistent Transient Failure" {
		t.Errorf("class 4 title %q", c.Title)
	}
}

func TestRegistryTableErrors(t *testing.T) {
	cases := map[string]struct{ codes, want string }{
		"missing column": {"code\tmeaning\nX.1.1\tx\n", `header has no column "class_meaning"`},
		"short row": {"code\tclass_meaning\tsubject_detail_title\trfc\tbasic_codes\tmeaning\nX.1.1\ta\tb\n",
			"smtp-codes.tsv:2: 3 fields, want 6"},
		"bad code": {"code\tclass_meaning\tsubject_detail_title\trfc\tbasic_codes\tmeaning\nX.Y.1\ta\tb\tRFC 3463\t\tm\n",
			`code "X.Y.1" is not`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			fsys := testFS(t, map[string]string{codesFile: c.codes})
			k, err := Load(fsys)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
			if k.Entry("basic:421") == nil || k.Entry("enhanced:X.1.1") != nil {
				t.Error("want the basic table loaded and none of the broken codes table")
			}
		})
	}
}
