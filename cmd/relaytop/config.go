package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
)

// config is what the configuration file may set. The file is
// $XDG_CONFIG_HOME/relaytop/config (~/.config/relaytop/config), or the
// one --config names; flags win over it. One setting a line, # comments:
//
//	# the alarm share of a provider's attempts for a reply: provider id
//	# (or *), enhanced or basic code (or * for every reply), share
//	threshold microsoft 4.7.0 0.15
//	threshold yahoo * 0.08
//	threshold * * 0.10
//	# how long a recipient may keep deferring before it is aging
//	aging 36h
type config struct {
	path       string
	thresholds map[[2]string]float64 // {provider, code} -> share; "*" matches any
	aging      time.Duration
}

// configPath returns the default configuration file's path.
func configPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "relaytop", "config")
}

// loadConfig reads the configuration file at path; a missing default
// file is no configuration, a missing named one an error.
func loadConfig(path string, named bool) (config, error) {
	c := config{path: path, thresholds: map[[2]string]float64{}}
	if path == "" {
		return c, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !named {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		w := strings.Fields(line)
		if len(w) == 0 {
			continue
		}
		bad := func(why string) error {
			return fmt.Errorf("config %s:%d: %s: %q", path, n, why, strings.TrimSpace(line))
		}
		switch {
		case w[0] == "threshold" && len(w) == 4:
			v, err := strconv.ParseFloat(w[3], 64)
			if err != nil || v <= 0 || v > 1 {
				return c, bad("a threshold is a share above 0 and at most 1, like 0.10")
			}
			c.thresholds[[2]string{strings.ToLower(w[1]), w[2]}] = v
		case w[0] == "aging" && len(w) == 2:
			d, err := time.ParseDuration(w[1])
			if err != nil || d <= 0 {
				return c, bad("aging takes a duration such as 24h")
			}
			c.aging = d
		default:
			return c, bad("unknown setting (want 'threshold PROVIDER CODE SHARE' or 'aging DURATION')")
		}
	}
	return c, sc.Err()
}

// verdicts returns the verdict settings: thresholds from the file, else
// the knowledge-base entry's threshold_share, else the model's default;
// families from the knowledge base.
func (c config) verdicts() model.VerdictConfig {
	v := kb.Default().Verdicts()
	entry := v.Threshold
	v.Aging = c.aging
	v.Threshold = func(s model.SigKey) float64 {
		if t := c.threshold(s); t > 0 {
			return t
		}
		return entry(s)
	}
	return v
}

// threshold finds the most specific configured threshold for s.
func (c config) threshold(s model.SigKey) float64 {
	codes := []string{}
	if s.Enhanced != "" {
		codes = append(codes, s.Enhanced)
	}
	if s.Code != 0 {
		codes = append(codes, strconv.Itoa(s.Code))
	}
	codes = append(codes, "*")
	for _, p := range []string{s.Provider, "*"} {
		for _, code := range codes {
			if v, ok := c.thresholds[[2]string{p, code}]; ok {
				return v
			}
		}
	}
	return 0
}
