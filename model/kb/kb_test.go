package kb

import (
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/relaytop/relaytop/model"
)

// testFS returns the shipped registry tables plus the given files.
func testFS(t testing.TB, files map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, name := range []string{codesFile, basicFile} {
		data, err := fs.ReadFile(embedded, name)
		if err != nil {
			t.Fatal(err)
		}
		m[name] = &fstest.MapFile{Data: data}
	}
	for name, text := range files {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

func TestDefaultLoadsEmbeddedData(t *testing.T) {
	if err := DefaultErr(); err != nil {
		t.Fatalf("embedded knowledge base does not load: %v", err)
	}
	k := Default()
	if k != Default() {
		t.Error("Default returned two different KBs")
	}
	if k.Entry("microsoft-451-4.7.0") == nil {
		t.Error("deep entry microsoft-451-4.7.0 missing")
	}
}

func TestDefaultConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			m := Default().Match(Query{Provider: "microsoft", Reply: model.Reply{Code: 451, Enhanced: "4.7.0", Text: "PRX4"}})
			if m.Entry == nil {
				t.Error("nil entry")
			}
		})
	}
	wg.Wait()
}

func TestLoadErrorsKeepAUsableKB(t *testing.T) {
	k, err := Load(fstest.MapFS{})
	if err == nil {
		t.Fatal("Load of an empty file system: want an error for the missing tables")
	}
	if !strings.Contains(err.Error(), codesFile) || !strings.Contains(err.Error(), basicFile) {
		t.Errorf("error %q should name both missing tables", err)
	}
	m := k.Match(Query{Reply: model.Reply{Code: 550, Enhanced: "5.1.1"}})
	if m.Entry != unknownEntry || m.Level != LevelUnknown {
		t.Errorf("empty KB: got %v %q, want the unknown entry", m.Level, m.Entry.ID)
	}

	// One broken entry does not take the registry or other entries down.
	k, err = Load(testFS(t, map[string]string{
		"entries/good.md": rangeEntry("good"),
		"entries/bad.md":  "no front matter\n",
	}))
	if err == nil || !strings.Contains(err.Error(), "entries/bad.md:1:") {
		t.Fatalf("want an error naming entries/bad.md:1:, got %v", err)
	}
	if k.Entry("good") == nil || k.Entry("enhanced:X.1.1") == nil {
		t.Error("good entry or registry missing after a bad entry")
	}
}

func TestMatchOnNilAndZeroKB(t *testing.T) {
	for _, k := range []*KB{nil, {}} {
		m := k.Match(Query{Reply: model.Reply{Code: 451}})
		if m.Entry == nil || m.Level != LevelUnknown {
			t.Errorf("got %+v, want the unknown entry", m)
		}
		if k.Entry("x") != nil || len(k.Entries()) != 0 {
			t.Error("nil or zero KB should have no entries")
		}
	}
}

func TestEntriesSortedAndCopied(t *testing.T) {
	k := Default()
	es := k.Entries()
	for i := 1; i < len(es); i++ {
		if es[i-1].ID >= es[i].ID {
			t.Fatalf("entries not sorted: %q before %q", es[i-1].ID, es[i].ID)
		}
	}
	es[0] = nil
	if k.Entries()[0] == nil {
		t.Error("Entries returned the KB's own slice")
	}
}

// TestDeepEntriesComplete holds every shipped deep entry to the depth the
// panel promises.
func TestDeepEntriesComplete(t *testing.T) {
	n := 0
	for _, e := range Default().Entries() {
		if !e.Deep {
			continue
		}
		n++
		if e.Meaning == "" || e.WhoSends == "" || e.Why == "" || e.Bulk == "" {
			t.Errorf("%s: every prose section must be written", e.ID)
		}
		if len(e.Fix) < 3 || len(e.FAQ) < 3 || len(e.Sources) < 1 {
			t.Errorf("%s: %d fix steps, %d FAQ, %d sources; want >= 3, 3, 1", e.ID, len(e.Fix), len(e.FAQ), len(e.Sources))
		}
	}
	if n == 0 {
		t.Fatal("no deep entries shipped")
	}
}

func TestMicrosoftDeepEntry(t *testing.T) {
	e := Default().Entry("microsoft-451-4.7.0")
	if e == nil {
		t.Fatal("missing")
	}
	if len(e.Fix) < 4 {
		t.Errorf("%d fix steps, want >= 4", len(e.Fix))
	}
	if len(e.FAQ) < 3 {
		t.Errorf("%d FAQ, want >= 3", len(e.FAQ))
	}
	if len(e.Sources) < 1 {
		t.Error("no sources")
	}
	if e.ThresholdShare != 0.10 {
		t.Errorf("threshold %v, want 0.10", e.ThresholdShare)
	}
	for _, want := range []string{"1 to 4 hours", "10%", "SNDS", "_destination_concurrency_limit = 1", "24 hours", "5.x.x"} {
		if !strings.Contains(e.Bulk, want) {
			t.Errorf("bulk section lacks %q", want)
		}
	}
	for _, want := range []string{"mail.protection.outlook.com", "olc.protection.outlook.com"} {
		if !strings.Contains(e.WhoSends, want) {
			t.Errorf("who-sends section lacks %q", want)
		}
	}
}

func TestSections(t *testing.T) {
	k := Default()
	var titles []string
	for _, s := range k.Entry("microsoft-451-4.7.0").Sections() {
		titles = append(titles, s.Title)
		if s.Body == "" {
			t.Errorf("empty section %q", s.Title)
		}
	}
	want := "What it means|Who sends it|Why it happens|How to fix it|In bulk and cold email|FAQ|Sources"
	if got := strings.Join(titles, "|"); got != want {
		t.Errorf("deep sections %q, want %q", got, want)
	}
	secs := k.Entry("enhanced:X.1.1").Sections()
	if secs[0].Title != "What it means" || !strings.Contains(secs[0].Body, "does not exist") {
		t.Errorf("registry sections start with %+v", secs[0])
	}
	fix := k.Entry("microsoft-451-4.7.0").Sections()[3].Body
	if !strings.HasPrefix(fix, "1. ") || !strings.Contains(fix, "\n4. ") {
		t.Errorf("fix steps not numbered: %q", fix)
	}
}

func TestLabel(t *testing.T) {
	for title, want := range map[string]string{
		"Microsoft 451 4.7.0 — temporary server error (PRX)": "Microsoft 451 4.7.0",
		"No dash here": "No dash here",
	} {
		if got := (&Entry{Title: title}).Label(); got != want {
			t.Errorf("Label(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestLevelString(t *testing.T) {
	if LevelToken.String() != "token" || LevelUnknown.String() != "unknown" || Level(99).String() != "Level(99)" {
		t.Error("Level.String")
	}
}

func TestMarkdownKeepsAngleBrackets(t *testing.T) {
	e := &Entry{Meaning: "The reply \"550 5.1.1 <user@icloud.com>: user does not exist\" and `<code>`."}
	md := e.Markdown()
	if !strings.Contains(md, `\<user@icloud.com>`) || !strings.Contains(md, "`<code>`") {
		t.Fatalf("%q", md)
	}
}
