package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources"
	"github.com/relaytop/relaytop/sources/poll"
	"github.com/relaytop/relaytop/themes"
	"github.com/relaytop/relaytop/tui"
)

// parseInterleaved parses GNU style: flags may come before, between and
// after positional arguments; "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// viewFlags are the flags every dashboard shares.
type viewFlags struct {
	window string
	theme  string
}

func (v *viewFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&v.window, "window", "5m", "first `window` shown: 1m, 5m, 15m or 1h")
	fs.StringVar(&v.theme, "theme", "auto", "colour `theme`: auto, dark, light or none")
}

func (v *viewFlags) resolve() (model.Window, themes.Kind, error) {
	w, ok := model.ParseWindow(v.window)
	if !ok {
		return 0, 0, fmt.Errorf("--window %q: want 1m, 5m, 15m or 1h", v.window)
	}
	k, ok := themes.ParseKind(v.theme)
	if !ok {
		return 0, 0, fmt.Errorf("--theme %q: want auto, dark, light or none", v.theme)
	}
	if _, set := os.LookupEnv("NO_COLOR"); set && v.theme == "auto" {
		k = themes.NoColor
	}
	return w, k, nil
}

func newFlagSet(name string, stderr io.Writer, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, help)
		fmt.Fprintln(stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

// durationFlag documents the form durations take.
const durationHelp = "a Go duration such as 90s, 15m or 2h"

// pollFlags are the flags for polled stats endpoints. Credentials are not
// among them: they come from the environment (poll.AuthFromEnv).
type pollFlags struct {
	interval, timeout time.Duration
	insecure          bool
}

func (p *pollFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&p.interval, "poll-interval", 2*time.Second, "time between polls of each http(s) `endpoint`")
	fs.DurationVar(&p.timeout, "timeout", 5*time.Second, "limit for one poll's request, body included (`duration`)")
	fs.BoolVar(&p.insecure, "insecure", false, "do not verify endpoints' TLS certificates")
}

// options checks the flags and, when specs poll an endpoint, reads the
// credentials from the environment.
func (p *pollFlags) options(specs []sources.Spec) (sources.PollOptions, error) {
	o := sources.PollOptions{Interval: p.interval, Timeout: p.timeout, Insecure: p.insecure}
	if p.interval <= 0 || p.timeout <= 0 {
		return o, fmt.Errorf("--poll-interval %s, --timeout %s: both must be positive", p.interval, p.timeout)
	}
	for _, s := range specs {
		if s.Kind == sources.PollInput {
			auth, err := poll.AuthFromEnv(os.Getenv)
			o.Auth = auth
			return o, err
		}
	}
	return o, nil
}

// verdictFlags choose the configuration file verdicts are judged by.
type verdictFlags struct{ config string }

func (v *verdictFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&v.config, "config", "", "configuration `file` (default $XDG_CONFIG_HOME/relaytop/config, if it exists)")
}

// aggregator returns the aggregator's configuration: verdict thresholds
// from the file, else the knowledge base.
func (v *verdictFlags) aggregator() (model.Config, error) {
	path, named := v.config, v.config != ""
	if !named {
		path = configPath()
	}
	c, err := loadConfig(path, named)
	if err != nil {
		return model.Config{}, err
	}
	return model.Config{Verdicts: c.verdicts()}, nil
}

// alertFlags are the dashboard's alert settings.
type alertFlags struct {
	bell    bool
	onAlert string
}

func (a *alertFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&a.bell, "bell", false, "ring the terminal bell when a verdict turns sustained or aging")
	fs.StringVar(&a.onAlert, "on-alert", "", "run `CMD` (with sh -c) for each alert, the verdict as JSON on its stdin")
}

// apply sets topt's alert options; the returned function, called after
// the dashboard closes, tells stderr of hook runs that failed.
func (a *alertFlags) apply(topt *tui.Options, stderr io.Writer) func() {
	topt.Bell = a.bell
	if a.onAlert == "" {
		return func() {}
	}
	h := newAlertHook(a.onAlert, alertGap, alertTimeout)
	topt.OnAlert = h.Send
	return func() {
		if msg := h.Close(alertTimeout); msg != "" {
			fmt.Fprintln(stderr, "relaytop:", msg)
		}
	}
}

// The --on-alert hook's limits: starts at least alertGap apart, each run
// stopped after alertTimeout.
const (
	alertGap     = 10 * time.Second
	alertTimeout = 30 * time.Second
)
