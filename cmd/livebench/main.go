// Command livebench measures relaytop's live cost on this machine (issue
// 6): it runs the real binary on a pseudo-terminal of 120x40, and
//
//   - follow: appends Postfix lines to a file at -rate lines/s for
//     -seconds, and reports relaytop's CPU (user+system, from /proc, as a
//     share of one core) and the bytes the terminal received per second;
//   - latency: with the signature pane filtered to probe lines and sorted
//     newest first, appends one uniquely worded deferral at a time and
//     times how long until its text reaches the terminal (p50, p99, max
//     over -probes);
//   - demo: runs `relaytop demo` and reports the bytes per second a
//     steady view writes to the terminal.
//
// Usage: go build -o /tmp/relaytop ./cmd/relaytop && go run ./cmd/livebench -bin /tmp/relaytop
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
)

func main() {
	bin := flag.String("bin", "relaytop", "relaytop binary")
	rates := flag.String("rates", "10000,50000", "append rates to measure, lines/s")
	seconds := flag.Int("seconds", 20, "seconds measured per rate")
	probes := flag.Int("probes", 60, "probe lines for the latency")
	demoSecs := flag.Int("demo", 30, "seconds of the demo view to measure (0: skip)")
	flag.Parse()
	for _, r := range strings.Split(*rates, ",") {
		rate, err := strconv.Atoi(r)
		if err != nil {
			fail(err)
		}
		cpu, bps := follow(*bin, rate, time.Duration(*seconds)*time.Second)
		fmt.Printf("follow %6d lines/s for %ds: relaytop CPU %5.1f%% of one core, terminal %6.0f bytes/s\n", rate, *seconds, cpu, bps)
	}
	if *probes > 0 {
		p50, p99, mx := latency(*bin, *probes)
		fmt.Printf("latency (append -> on screen) over %d probes: p50 %v, p99 %v, max %v\n", *probes, p50, p99, mx)
	}
	if *demoSecs > 0 {
		fmt.Printf("demo at 120x40: %.0f bytes/s to the terminal (steady, after 10s)\n", demoBytes(*bin, time.Duration(*demoSecs)*time.Second))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "livebench:", err)
	os.Exit(1)
}

// term is relaytop running on a pty.
type term struct {
	cmd  *exec.Cmd
	ptmx *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	n    int64
}

func start(bin string, args ...string) *term {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "COLORTERM=truecolor")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		fail(err)
	}
	t := &term{cmd: cmd, ptmx: ptmx}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := ptmx.Read(buf)
			t.mu.Lock()
			t.out.Write(buf[:n])
			t.n += int64(n)
			if t.out.Len() > 8<<20 {
				t.out.Reset()
			}
			t.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return t
}

func (t *term) bytes() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// containsSince reports whether s arrived after the first n bytes.
func (t *term) containsSince(n int64, s string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.out.Bytes()
	skip := int64(len(b)) - (t.n - n)
	if skip < 0 {
		skip = 0
	}
	return bytes.Contains(b[skip:], []byte(s))
}

func (t *term) stop() {
	t.ptmx.Write([]byte("q"))
	done := make(chan struct{})
	go func() { t.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.cmd.Process.Kill()
		<-done
	}
	t.ptmx.Close()
}

// cpuTicks is the process's user+system time in clock ticks.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

const clkTck = 100

var seq int

// logLine is a Postfix result line; a tenth are deferrals.
func logLine(i int) string {
	seq++
	status, reply := "sent", "250 2.0.0 OK"
	if i%10 == 0 {
		status, reply = "deferred", "451 4.7.0 Temporary server error. Please try again later. PRX4"
	}
	return fmt.Sprintf("%s mx postfix/smtp[1]: Q%010d: to=<u%d@d%d.example>, relay=mx.d%d.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=%s (host x said: %s (in reply to RCPT TO command))\n",
		time.Now().Format(time.RFC3339Nano), seq, i, i%500, i%500, status, reply)
}

func tempLog() (string, *os.File) {
	dir, err := os.MkdirTemp("", "livebench-")
	if err != nil {
		fail(err)
	}
	path := filepath.Join(dir, "mail.log")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fail(err)
	}
	return path, f
}

// follow appends at rate lines/s for d and measures relaytop meanwhile.
func follow(bin string, rate int, d time.Duration) (cpuPct, bytesPerSec float64) {
	path, f := tempLog()
	defer os.RemoveAll(filepath.Dir(path))
	t := start(bin, path)
	defer t.stop()
	time.Sleep(2 * time.Second) // start-up and first screen
	stop := make(chan struct{})
	go func() {
		// Write in 10ms batches, as a busy syslog daemon does.
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		per := rate / 100
		var b bytes.Buffer
		i := 0
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				b.Reset()
				for k := 0; k < per; k++ {
					b.WriteString(logLine(i))
					i++
				}
				f.Write(b.Bytes())
			}
		}
	}()
	time.Sleep(2 * time.Second) // reach a steady state
	c0, b0, t0 := cpuTicks(t.cmd.Process.Pid), t.bytes(), time.Now()
	time.Sleep(d)
	c1, b1, t1 := cpuTicks(t.cmd.Process.Pid), t.bytes(), time.Now()
	close(stop)
	secs := t1.Sub(t0).Seconds()
	return float64(c1-c0) / clkTck / secs * 100, float64(b1-b0) / secs
}

// latency times probe lines from append to screen.
func latency(bin string, probes int) (p50, p99, mx time.Duration) {
	path, f := tempLog()
	defer os.RemoveAll(filepath.Dir(path))
	t := start(bin, path)
	defer t.stop()
	time.Sleep(2 * time.Second)
	// Focus the signatures, newest first, filtered to the probes.
	for _, k := range []string{"\t", "s", "/", "Z", "Q", "X", "\r"} {
		t.ptmx.Write([]byte(k))
		time.Sleep(50 * time.Millisecond)
	}
	var lat []time.Duration
	for i := 0; i < probes; i++ {
		// The renderer sends only changed cells: each probe's word differs
		// from the one before at every position, so it arrives whole.
		word := strings.Repeat(string(rune('a'+i%26)), 6)
		line := fmt.Sprintf("%s mx postfix/smtp[1]: P%010d: to=<p%d@probe.example>, relay=mx.probe.example[192.0.2.9]:25, delay=1, delays=0/0/0/1, dsn=4.7.0, status=deferred (host x said: 451 4.7.0 %s ZQX try later (in reply to RCPT TO command))\n",
			time.Now().Format(time.RFC3339Nano), i, i, word)
		mark := t.bytes()
		begin := time.Now()
		f.WriteString(line)
		for !t.containsSince(mark, word) {
			if time.Since(begin) > 5*time.Second {
				fail(fmt.Errorf("probe %s never reached the screen", word))
			}
			time.Sleep(2 * time.Millisecond)
		}
		lat = append(lat, time.Since(begin))
		time.Sleep(time.Duration(100+i*37%300) * time.Millisecond)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(time.Millisecond)
	}
	return pct(0.50), pct(0.99), lat[len(lat)-1].Round(time.Millisecond)
}

// demoBytes measures the bytes per second of a steady demo view.
func demoBytes(bin string, d time.Duration) float64 {
	t := start(bin, "demo")
	defer t.stop()
	time.Sleep(10 * time.Second)
	b0, t0 := t.bytes(), time.Now()
	time.Sleep(d)
	return float64(t.bytes()-b0) / time.Since(t0).Seconds()
}
