package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
	"github.com/relaytop/relaytop/themes"
	"github.com/relaytop/relaytop/tui"
)

const explainUsage = `relaytop explain — what a reply means and what to do about it

  relaytop explain [--provider ID] [--relay HOST] [--json] CODE [ENHANCED] [TEXT...]
  relaytop explain --list [--json]

CODE is a basic code (451), an enhanced code (4.7.0) or both ("451 4.7.0");
TEXT is the reply text, which lets provider tokens (PRX4, TSS04) match.
--provider is a provider id (microsoft, google, yahoo, apple, ...);
--relay the host that answered, which identifies the provider too.
On a terminal the entry is rendered in colour; otherwise as plain text.

Examples:
  relaytop explain 5.1.1
  relaytop explain 451 4.7.0 "Temporary server error. Please try again later. PRX4"
  relaytop explain --relay mx.mail.protection.outlook.com 451 4.7.0 PRX2
  relaytop explain --list --json
`

// explainJSON is the stable JSON form of one entry.
type explainJSON struct {
	ID        string         `json:"id"`
	Provider  string         `json:"provider"`
	Code      int            `json:"code,omitempty"`
	Enhanced  string         `json:"enhanced,omitempty"`
	Title     string         `json:"title"`
	MatchedBy string         `json:"matched_by,omitempty"`
	Level     string         `json:"level,omitempty"`
	Sections  sectionsJSON   `json:"sections"`
	Sources   []string       `json:"sources"`
	Registry  []registryJSON `json:"registry,omitempty"`
	Query     *model.Reply   `json:"query,omitempty"`
}

type sectionsJSON struct {
	Meaning      string    `json:"meaning"`
	Advice       string    `json:"advice,omitempty"`
	WhoSends     string    `json:"who_sends,omitempty"`
	Why          string    `json:"why,omitempty"`
	Fix          []string  `json:"fix,omitempty"`
	Bulk         string    `json:"bulk,omitempty"`
	FAQ          []faqJSON `json:"faq,omitempty"`
	ClassMeaning string    `json:"class_meaning,omitempty"`
	RFC          string    `json:"rfc,omitempty"`
}

type faqJSON struct {
	Q string `json:"q"`
	A string `json:"a"`
}

type registryJSON struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Meaning string `json:"meaning"`
}

func entryJSON(e *kb.Entry) explainJSON {
	out := explainJSON{ID: e.ID, Provider: e.Provider, Code: e.Basic, Enhanced: e.Enhanced, Title: e.Title,
		Sources: append([]string{}, e.Sources...),
		Sections: sectionsJSON{Meaning: e.Meaning, Advice: e.Advice, WhoSends: e.WhoSends, Why: e.Why, Fix: e.Fix,
			Bulk: e.Bulk, ClassMeaning: e.ClassMeaning, RFC: e.RFC}}
	if out.Provider == "" {
		out.Provider = "registry"
	}
	for _, qa := range e.FAQ {
		out.Sections.FAQ = append(out.Sections.FAQ, faqJSON{qa.Q, qa.A})
	}
	return out
}

func runExplain(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("relaytop explain", stderr, explainUsage)
	provider := fs.String("provider", "", "provider `id` of the server that replied")
	relay := fs.String("relay", "", "`host` that replied")
	list := fs.Bool("list", false, "list every entry")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil || (len(pos) == 0 && !*list) {
		fs.Usage()
		return errUsage
	}
	k := kb.Default()
	if *list {
		return explainList(k, *asJSON, stdout)
	}
	reply := parseCodes(pos)
	prov := strings.ToLower(*provider)
	host := strings.ToLower(*relay)
	if prov == "" && host != "" {
		prov = model.DefaultClassifier().Classify(host, "").Provider
	}
	m := k.Match(kb.Query{Provider: prov, Relay: host, Reply: reply})
	if *asJSON {
		out := entryJSON(m.Entry)
		out.MatchedBy, out.Level, out.Query = m.Reason, m.Level.String(), &reply
		for _, e := range m.Registry {
			if e != m.Entry {
				out.Registry = append(out.Registry, registryJSON{e.ID, e.Title, e.Meaning})
			}
		}
		return writeJSON(stdout, out)
	}
	width, tty := terminalWidth(stdout)
	var b strings.Builder
	if tty {
		b.WriteString(renderStyled(m, width))
	} else {
		writePlain(&b, m, width)
	}
	_, err = io.WriteString(stdout, b.String())
	return err
}

// parseCodes reads "451", "4.7.0", "451 4.7.0", "451 4.7.0 text ..." or
// "4.7.0 text" from the arguments.
func parseCodes(pos []string) model.Reply {
	text := strings.Join(pos, " ")
	reply := model.ParseReply(text)
	if reply.Code == 0 {
		if n := model.EnhancedLen(text); n > 0 {
			reply = model.Reply{Enhanced: text[:n], Text: strings.TrimSpace(text[n:])}
		}
	}
	return reply
}

func explainList(k *kb.KB, asJSON bool, w io.Writer) error {
	entries := k.Entries()
	if asJSON {
		out := make([]explainJSON, len(entries))
		for i, e := range entries {
			out[i] = entryJSON(e)
		}
		return writeJSON(w, out)
	}
	var b strings.Builder
	deep := 0
	for _, e := range entries {
		if e.Deep {
			deep++
		}
		prov := e.Provider
		if prov == "" {
			prov = "registry"
		}
		fmt.Fprintf(&b, "%-40s %-14s %s\n", e.ID, prov, e.Title)
	}
	fmt.Fprintf(&b, "%d entries (%d deep entries, %d registry entries)\n", len(entries), deep, len(entries)-deep)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeJSON writes v as indented JSON that is also safe to print on a
// terminal: encoding/json escapes C0 controls but leaves DEL, C1 controls
// and bidi controls raw, so those are escaped here as \uXXXX too. The
// data is unchanged for any JSON reader.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = append(terminalSafeJSON(b), '\n')
	_, err = w.Write(b)
	return err
}

// terminalSafeJSON escapes DEL, C1 controls and bidi controls in JSON
// text. Such characters can only occur inside strings, where \uXXXX is
// an equivalent spelling.
func terminalSafeJSON(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
			r == 0x200e || r == 0x200f || r == 0x061c || r == 0x2028 || r == 0x2029 {
			if out == nil {
				out = append(make([]byte, 0, len(b)+16), b[:i]...)
			}
			out = fmt.Appendf(out, "\\u%04x", r)
		} else if out != nil {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	if out == nil {
		return b
	}
	return out
}

// terminalWidth reports whether w is a terminal and its width (at most 100).
func terminalWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 80, false
	}
	if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 20 {
		return min(cols, 100), true
	}
	return 80, true
}

// renderStyled renders the match for a terminal: colour unless NO_COLOR.
func renderStyled(m kb.Match, width int) string {
	kind := themes.Auto
	if _, noColor := os.LookupEnv("NO_COLOR"); noColor {
		kind = themes.NoColor
	}
	st := themes.New(kind, kind == themes.Auto && lipgloss.HasDarkBackground(os.Stdin, os.Stdout))
	lines := tui.RenderMarkdown("# "+m.Entry.Title, width, st)
	// The reason is not Markdown (it names relays such as *.google.com).
	for _, l := range strings.Split(ansi.Wrap("matched: "+model.Safe(m.Reason), width, ""), "\n") {
		lines = append(lines, st.Dim.Render(l))
	}
	md := m.Entry.Markdown()
	for _, e := range m.Registry {
		if e != m.Entry {
			md += "\n---\n\n**Registry: " + e.Title + "** — " + e.Meaning + "\n"
		}
	}
	lines = append(append(lines, ""), tui.RenderMarkdown(md, width, st)...)
	return strings.Join(lines, "\n") + "\n"
}

// writePlain writes the match as plain text, without colour.
func writePlain(b *strings.Builder, m kb.Match, width int) {
	fmt.Fprintf(b, "%s\n", model.Safe(m.Entry.Title))
	fmt.Fprintf(b, "matched: %s\n", model.Safe(m.Reason))
	for _, s := range m.Entry.Sections() {
		fmt.Fprintf(b, "\n%s\n", strings.ToUpper(s.Title))
		for _, para := range strings.Split(s.Body, "\n") {
			b.WriteString(ansi.Wrap(model.Safe(para), width, "") + "\n")
		}
	}
	for _, e := range m.Registry {
		if e == m.Entry {
			continue
		}
		fmt.Fprintf(b, "\nRegistry: %s\n", model.Safe(e.Title))
		b.WriteString(ansi.Wrap(model.Safe(e.Meaning), width, "") + "\n")
	}
}
