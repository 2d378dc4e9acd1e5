package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
)

// TestReportForFollowsRotation runs 'report --for' on a log that a writer
// appends to and rotates meanwhile (rename and create, copytruncate,
// delete and recreate): every line written must be counted once.
func TestReportForFollowsRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "mail.log")
	const perPhase, phases = 1500, 4
	line := func(i int) string {
		return fmt.Sprintf("%s mx postfix/smtp[1]: Q%09d: to=<u%d@gmail.com>, relay=gmail-smtp-in.l.google.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 OK)\n",
			time.Now().Format(time.RFC3339Nano), i, i)
	}
	// Like syslog daemons, the writer appends (copytruncate needs it).
	open := func() (*os.File, error) { return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644) }
	f, err := open()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		n := 0
		write := func() error {
			for i := 0; i < perPhase; i++ {
				if _, err := f.WriteString(line(n)); err != nil {
					return err
				}
				n++
				if i%100 == 0 {
					time.Sleep(5 * time.Millisecond)
				}
			}
			return nil
		}
		rotations := []func() error{
			func() error { // rename and create
				if err := os.Rename(path, path+".1"); err != nil {
					return err
				}
				f.Close()
				var err error
				f, err = open()
				return err
			},
			func() error { // copytruncate, the writer paused meanwhile
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				if err := os.WriteFile(path+".2", data, 0o644); err != nil {
					return err
				}
				return f.Truncate(0)
			},
			func() error { // delete and recreate
				f.Close()
				if err := os.Remove(path); err != nil {
					return err
				}
				var err error
				f, err = open()
				return err
			},
		}
		time.Sleep(300 * time.Millisecond)
		for p := 0; p < phases; p++ {
			if err := write(); err != nil {
				done <- err
				return
			}
			if p < len(rotations) {
				// Rotations further apart than the follower's quiet
				// period (300ms), as logrotate's always are: two
				// rotations inside it can lose the middle file.
				time.Sleep(100 * time.Millisecond)
				if err := rotations[p](); err != nil {
					done <- err
					return
				}
				time.Sleep(500 * time.Millisecond)
			}
		}
		done <- nil
	}()
	var rep model.Report
	if err := json.Unmarshal([]byte(runCmd(t, "report", "--for", "5s", "--json", path)), &rep); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	f.Close()
	if want := int64(perPhase * phases); rep.Totals.Sent != want || rep.Unparsed != 0 {
		t.Fatalf("counted %d sent (%d unparsed), wrote %d", rep.Totals.Sent, rep.Unparsed, want)
	}
}
