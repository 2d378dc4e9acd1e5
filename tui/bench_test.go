package tui

import (
	"testing"
	"time"
)

// BenchmarkView renders the main screen at 120x40 from a fresh snapshot
// each time, as the dashboard does four times a second.
func BenchmarkView(b *testing.B) {
	snap := fixtureAt(b, 18*time.Minute)
	m := newTestModel(b, snap, 120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next, _ := m.Update(snapshotMsg{snap})
		_ = next.(Model).View()
	}
}

func BenchmarkViewExplain(b *testing.B) {
	snap := fixtureAt(b, 18*time.Minute)
	m := press(b, newTestModel(b, snap, 120, 40), "tab", "enter")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}
