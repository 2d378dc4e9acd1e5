package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/themes"
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
