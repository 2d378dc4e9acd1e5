package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/relaytop/relaytop/model"
)

// alertHook runs the --on-alert command for each alert with the episode
// as JSON on its stdin: in the background, one at a time, starts at least
// gap apart, each stopped after timeout. Send never blocks: alerts that
// find the queue full are dropped and counted. The command's output is
// kept away from the dashboard; failures are told after it closes.
type alertHook struct {
	cmd          string
	gap, timeout time.Duration
	queue        chan model.Episode
	done         chan struct{}

	mu      sync.Mutex
	ran     int
	dropped int
	failed  int
	lastErr string
}

// alertQueue is how many alerts may wait for the hook.
const alertQueue = 16

func newAlertHook(cmd string, gap, timeout time.Duration) *alertHook {
	h := &alertHook{cmd: cmd, gap: gap, timeout: timeout, queue: make(chan model.Episode, alertQueue), done: make(chan struct{})}
	go h.run()
	return h
}

// Send queues an alert; it never blocks.
func (h *alertHook) Send(e model.Episode) {
	select {
	case h.queue <- e:
	default:
		h.mu.Lock()
		h.dropped++
		h.mu.Unlock()
	}
}

func (h *alertHook) run() {
	defer close(h.done)
	var last time.Time
	for e := range h.queue {
		if wait := h.gap - time.Since(last); !last.IsZero() && wait > 0 {
			time.Sleep(wait)
		}
		last = time.Now()
		err := h.runOne(e)
		h.mu.Lock()
		h.ran++
		if err != nil {
			h.failed++
			h.lastErr = err.Error()
		}
		h.mu.Unlock()
	}
}

func (h *alertHook) runOne(e model.Episode) error {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // reply texts hold <ip> and <addr>
	if err := enc.Encode(e); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	c := exec.CommandContext(ctx, "/bin/sh", "-c", h.cmd)
	c.Stdin = &body
	c.Env = append(os.Environ(), "RELAYTOP_ALERT_KIND="+e.Kind.String(), "RELAYTOP_ALERT_PROVIDER="+e.Provider)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	c.WaitDelay = time.Second
	if err := c.Run(); err != nil {
		msg := strings.TrimSpace(model.Safe(out.String()))
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		if ctx.Err() != nil {
			return fmt.Errorf("stopped after %v", h.timeout)
		}
		if msg != "" {
			return fmt.Errorf("%v: %s", err, msg)
		}
		return err
	}
	return nil
}

// Close stops taking alerts, waits up to wait for the queued ones to run
// and returns a one-line summary of any trouble ("" when none).
func (h *alertHook) Close(wait time.Duration) string {
	close(h.queue)
	select {
	case <-h.done:
	case <-time.After(wait):
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var parts []string
	if h.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d runs failed, last: %s", h.failed, h.ran, h.lastErr))
	}
	if h.dropped > 0 {
		parts = append(parts, fmt.Sprintf("%d alerts dropped (more than %d waiting)", h.dropped, alertQueue))
	}
	if len(parts) == 0 {
		return ""
	}
	return "--on-alert: " + strings.Join(parts, "; ")
}
