package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
)

const explainUsage = `relaytop explain — what a reply means and what to do about it

  relaytop explain [--provider ID] [--relay HOST] CODE [TEXT...]

CODE is a basic code (451), an enhanced code (4.7.0) or both ("451 4.7.0");
TEXT is the reply text, which lets provider tokens (PRX4, TSS04) match.
--provider is a provider id (microsoft, google, yahoo, apple, ...);
--relay the host that answered, which identifies the provider too.

Examples:
  relaytop explain 5.1.1
  relaytop explain --provider microsoft 451 4.7.0 Temporary server error. PRX4
  relaytop explain --relay mx.mail.protection.outlook.com 451 4.7.0 PRX2
`

func runExplain(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("relaytop explain", stderr, explainUsage)
	provider := fs.String("provider", "", "provider `id` of the server that replied")
	relay := fs.String("relay", "", "`host` that replied")
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil || len(pos) == 0 {
		fs.Usage()
		return errUsage
	}
	text := strings.Join(pos, " ")
	reply := model.ParseReply(text)
	if reply.Code == 0 {
		// "4.7.0 text": an enhanced code alone.
		if n := model.EnhancedLen(text); n > 0 {
			reply = model.Reply{Enhanced: text[:n], Text: strings.TrimSpace(text[n:])}
		}
	}
	prov := strings.ToLower(*provider)
	host := strings.ToLower(*relay)
	if prov == "" && host != "" {
		prov = model.DefaultClassifier().Classify(host, "").Provider
	}
	m := kb.Default().Match(kb.Query{Provider: prov, Relay: host, Reply: reply})
	width := 80
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(f.Fd()) {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 20 {
			width = min(w, 100)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", model.Safe(m.Entry.Title))
	fmt.Fprintf(&b, "matched: %s\n", model.Safe(m.Reason))
	writeEntry(&b, m.Entry, width)
	for _, e := range m.Registry {
		if e == m.Entry {
			continue
		}
		fmt.Fprintf(&b, "\nRegistry: %s\n", model.Safe(e.Title))
		b.WriteString(ansi.Wrap(model.Safe(e.Meaning), width, "") + "\n")
	}
	_, err = io.WriteString(stdout, b.String())
	return err
}

func writeEntry(b *strings.Builder, e *kb.Entry, width int) {
	for _, s := range e.Sections() {
		fmt.Fprintf(b, "\n%s\n", strings.ToUpper(s.Title))
		for _, para := range strings.Split(s.Body, "\n") {
			b.WriteString(ansi.Wrap(model.Safe(para), width, "") + "\n")
		}
	}
}
