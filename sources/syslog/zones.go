package syslog

import (
	"fmt"
	"sync"
	"time"
)

var (
	zoneMu sync.Mutex
	zones  = map[int]*time.Location{}
)

// fixedZone returns a shared location for a UTC offset, so that times
// parsed from many lines share one *time.Location per offset.
func fixedZone(off int) *time.Location {
	zoneMu.Lock()
	defer zoneMu.Unlock()
	if l, ok := zones[off]; ok {
		return l
	}
	sign := '+'
	a := off
	if a < 0 {
		sign, a = '-', -a
	}
	l := time.FixedZone(fmt.Sprintf("%c%02d:%02d", sign, a/3600, a/60%60), off)
	zones[off] = l
	return l
}
