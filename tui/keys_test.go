package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/relaytop/relaytop/model"
)

func testModel(t *testing.T) Model {
	return newTestModel(t, fixtureAt(t, 18*time.Minute), 80, 24)
}

func sel(m Model) (pane, int) {
	f := m.stack[len(m.stack)-1]
	return f.focus, cursor(&f, f.focus, m.paneKeys(f.focus))
}

// TestEveryHelpKeyIsTested checks that each binding the full help lists
// is exercised by a test below (by its first key).
func TestEveryHelpKeyIsTested(t *testing.T) {
	tested := map[string]bool{"up": true, "k": true, "down": true, "j": true, "pgup": true, "pgdown": true, "home": true,
		"end": true, "G": true, "enter": true, "esc": true, "backspace": true, "tab": true, "shift+tab": true, "/": true,
		"s": true, "g": true, "w": true, "p": true, "space": true, "i": true, "?": true, "q": true, "ctrl+c": true,
		"ctrl+b": true, "ctrl+f": true}
	m := testModel(t)
	for _, group := range m.helpKeys().full {
		for _, b := range group {
			for _, k := range b.Keys() {
				if !tested[k] {
					t.Errorf("key %q (%s) has no test", k, b.Help().Desc)
				}
			}
		}
	}
}

func TestMoveKeys(t *testing.T) {
	m := testModel(t)
	n := len(m.tableRows())
	if n < 4 {
		t.Fatalf("fixture has %d providers", n)
	}
	for _, c := range []struct {
		keys []string
		want int
	}{
		{[]string{"down"}, 1}, {[]string{"j", "j"}, 2}, {[]string{"down", "up"}, 0}, {[]string{"j", "k"}, 0},
		{[]string{"end"}, n - 1}, {[]string{"G"}, n - 1}, {[]string{"end", "home"}, 0},
		{[]string{"pgdown"}, min(n-1, m.layout().paneRows(paneTable)-1)}, {[]string{"ctrl+f"}, min(n-1, m.layout().paneRows(paneTable)-1)},
		{[]string{"end", "pgup"}, max(0, n-1-(m.layout().paneRows(paneTable)-1))}, {[]string{"end", "ctrl+b"}, max(0, n-1-(m.layout().paneRows(paneTable)-1))},
		{[]string{"up"}, 0},
	} {
		_, got := sel(press(t, m, c.keys...))
		if got != c.want {
			t.Errorf("%v: cursor %d, want %d", c.keys, got, c.want)
		}
	}
}

func TestSelectionFollowsKeyAcrossSnapshots(t *testing.T) {
	m := press(t, testModel(t), "down", "down")
	key := m.tableRows()[2].Key
	next, _ := m.Update(snapshotMsg{fixtureAt(t, 3*time.Minute)})
	m = next.(Model)
	_, i := sel(m)
	if m.tableRows()[i].Key != key {
		t.Errorf("selection moved from %s to %s", key, m.tableRows()[i].Key)
	}
}

func TestDrillAndBack(t *testing.T) {
	m := testModel(t)
	m = press(t, m, "enter")
	f := m.stack[len(m.stack)-1]
	if f.kind != frameProvider || f.provider != model.Microsoft {
		t.Fatalf("enter on Microsoft: frame %+v", f)
	}
	for _, r := range m.tableRows() {
		if r.Provider != model.Microsoft {
			t.Fatalf("domain %s of %s in Microsoft's drill-down", r.Key, r.Provider)
		}
	}
	m = press(t, m, "enter")
	f = m.stack[len(m.stack)-1]
	if f.kind != frameDomain || f.domain == "" || f.focus != paneSigs {
		t.Fatalf("enter on a domain: %+v", f)
	}
	for _, it := range m.sigItems() {
		if it.n == 0 {
			t.Fatalf("signature without the domain in its frame: %+v", it.row.Key)
		}
	}
	m = press(t, m, "enter")
	if f = m.stack[len(m.stack)-1]; f.kind != frameExplain {
		t.Fatalf("enter on a signature: %+v", f)
	}
	if !strings.Contains(m.View().Content, "Live evidence") {
		t.Error("explanation panel lacks the evidence")
	}
	m = press(t, m, "esc")
	if f = m.stack[len(m.stack)-1]; f.kind != frameDomain {
		t.Fatalf("esc: %+v", f)
	}
	m = press(t, m, "backspace", "esc")
	if len(m.stack) != 1 {
		t.Fatalf("back to main: %d frames", len(m.stack))
	}
	m = press(t, m, "esc")
	if len(m.stack) != 1 {
		t.Fatal("esc on the main screen must not pop it")
	}
}

func TestExplainScrolls(t *testing.T) {
	m := press(t, selectSig(t, testModel(t), model.Microsoft, 451, "4.7.0"), "enter")
	before := m.View().Content
	m = press(t, m, "down", "down", "down")
	if f := m.stack[len(m.stack)-1]; f.scroll != 3 {
		t.Fatalf("scroll %d", f.scroll)
	}
	if m.View().Content == before {
		t.Error("scrolling did not change the screen")
	}
	m = press(t, m, "end")
	if f := m.stack[len(m.stack)-1]; f.scroll == 0 || f.scroll > m.explainLines() {
		t.Errorf("end: scroll %d of %d", f.scroll, m.explainLines())
	}
	m = press(t, m, "home")
	if f := m.stack[len(m.stack)-1]; f.scroll != 0 {
		t.Errorf("home: scroll %d", f.scroll)
	}
}

func TestTabSwitchesPane(t *testing.T) {
	m := testModel(t)
	if p, _ := sel(press(t, m, "tab")); p != paneSigs {
		t.Error("tab did not focus signatures")
	}
	if p, _ := sel(press(t, m, "tab", "shift+tab")); p != paneTable {
		t.Error("shift+tab did not come back")
	}
	m = press(t, m, "tab", "enter")
	if f := m.stack[len(m.stack)-1]; f.kind != frameExplain {
		t.Errorf("enter on a signature from the main screen: %+v", f)
	}
}

func TestFilter(t *testing.T) {
	m := press(t, testModel(t), "/")
	if !m.filtering {
		t.Fatal("/ did not open the filter")
	}
	m = press(t, m, "y", "a", "h")
	rows := m.tableRows()
	if len(rows) != 1 || rows[0].Key != model.Yahoo {
		t.Fatalf("filter yah: %+v", rows)
	}
	// Keys go to the input while it is open: q types, it does not quit.
	next, cmd := m.Update(keyMsg("q"))
	if cmd != nil && isQuit(cmd) {
		t.Fatal("q quit while typing a filter")
	}
	m = press(t, next.(Model), "backspace", "enter")
	if m.filtering || len(m.tableRows()) != 1 {
		t.Fatalf("enter should keep the filter: filtering=%v rows=%d", m.filtering, len(m.tableRows()))
	}
	if !strings.Contains(m.View().Content, `filter "yah"`) {
		t.Error("the kept filter is not shown")
	}
	m = press(t, m, "/", "esc")
	if m.filtering || len(m.tableRows()) < 4 {
		t.Fatalf("esc should clear the filter: rows=%d", len(m.tableRows()))
	}
}

func TestSortGroupWindowKeys(t *testing.T) {
	m := testModel(t)
	m = press(t, m, "s", "s")
	if m.sortBy != sortDeferRate {
		t.Fatalf("sort %v", m.sortBy)
	}
	rows := m.tableRows()
	for i := 1; i < len(rows); i++ {
		if rows[i-1].Win[m.window].DeferRate() < rows[i].Win[m.window].DeferRate() {
			t.Fatalf("not sorted by defer%%: %v", rows)
		}
	}
	m = press(t, m, "tab", "s")
	if m.sigSort != sigByLast {
		t.Errorf("s in the signature pane: %v", m.sigSort)
	}
	m = press(t, testModel(t), "g")
	if m.group != byDomain || len(m.tableRows()) < 20 {
		t.Errorf("g: group %v, %d rows", m.group, len(m.tableRows()))
	}
	// The demo log names its host (mx1) and no sending identity: host is
	// offered, identity is not.
	m = press(t, m, "g")
	if m.group != byHost || len(m.tableRows()) != 1 || m.tableRows()[0].Key != "mx1" {
		t.Errorf("g: group %v rows %+v", m.group, m.tableRows())
	}
	m = press(t, m, "enter")
	if f := m.stack[len(m.stack)-1]; f.kind != frameDomain || f.dim != byHost || len(m.sigItems()) == 0 {
		t.Errorf("enter on a host: %+v, %d signatures", f, len(m.sigItems()))
	}
	m = press(t, m, "esc", "g")
	if m.group != byProvider {
		t.Error("g does not cycle back")
	}
	m = testModel(t)
	for _, want := range []model.Window{model.W15m, model.W1h, model.W1m, model.W5m} {
		m = press(t, m, "w")
		if m.window != want {
			t.Fatalf("w: %v, want %v", m.window, want)
		}
	}
}

func TestPause(t *testing.T) {
	for _, k := range []string{"p", "space"} {
		m := press(t, testModel(t), k)
		if !m.paused || !strings.Contains(m.View().Content, "PAUSED") {
			t.Fatalf("%s did not pause", k)
		}
		shown := m.snap
		next, _ := m.Update(snapshotMsg{fixtureAt(t, 3*time.Minute)})
		m = next.(Model)
		if m.snap != shown {
			t.Fatal("a paused dashboard changed its data")
		}
		m = press(t, m, k)
		if m.paused || m.snap != m.latest {
			t.Fatalf("%s did not resume with the newest data", k)
		}
	}
}

func TestOverlays(t *testing.T) {
	m := press(t, testModel(t), "?")
	if m.overlay != helpOverlay || !strings.Contains(m.View().Content, "Keys") {
		t.Fatal("? did not show help")
	}
	m = press(t, m, "?")
	if m.overlay != noOverlay {
		t.Fatal("? did not close help")
	}
	m = press(t, m, "i")
	if m.overlay != infoOverlay || !strings.Contains(m.View().Content, "lines read") {
		t.Fatal("i did not show sources and input")
	}
	m = press(t, m, "esc")
	if m.overlay != noOverlay {
		t.Fatal("esc did not close the overlay")
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		_, cmd := testModel(t).Update(keyMsg(k))
		if cmd == nil || !isQuit(cmd) {
			t.Errorf("%s does not quit", k)
		}
	}
}

func isQuit(cmd tea.Cmd) bool {
	_, ok := cmd().(tea.QuitMsg)
	return ok
}
