package kb

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// embedded holds the shipped registry tables and deep entries.
//
//go:embed registry/*.tsv entries/*.md
var embedded embed.FS

// QA is one question of an entry's FAQ with its answer.
type QA struct {
	Q, A string
}

// Section is one titled block of an entry's text, ready for display.
type Section struct {
	Title, Body string
}

// kind tells the sorts of entry apart; it picks section titles.
type kind uint8

const (
	kindUnknown kind = iota
	kindDeep
	kindEnhanced
	kindSubject
	kindClass
	kindBasic
)

// Entry is one explanation: a registry entry built from the code tables,
// a deep entry written in Markdown, or the generic unknown-reply entry.
// Entries are shared; treat them as read-only.
type Entry struct {
	// ID names the entry: the file name for deep entries, "enhanced:X.1.1",
	// "subject:X.7", "class:4" or "basic:421" for registry entries.
	ID string
	// Title is a one-line heading; see Label for its short form.
	Title string
	// Provider is the provider id of a deep entry ("microsoft"), else "".
	Provider string
	// Basic is the basic reply code the entry explains, 0 for none.
	Basic int
	// Enhanced is the enhanced code, range or registry form the entry
	// explains ("4.7.0", "4.7.500-699", "X.1.1", "X.7.YYY", "4.XXX.YYY").
	Enhanced string
	// Tokens are reply-text words that make a deep entry's match most specific.
	Tokens []string
	// Advice says what a sender should do, for registry entries (from
	// registry/advice.tsv).
	Advice string
	// Phrases are case-insensitive pieces of reply text that make a deep
	// entry's match most specific, like tokens ("Connection timed out").
	Phrases []string
	// phrases are Phrases lowercased, for matching.
	phrases []string
	// Relays are relay host suffixes ("protection.outlook.com") that
	// identify the sender of the reply when the provider is unknown.
	Relays []string
	// ThresholdShare is the share of the provider's attempts at which this
	// reply is alarming (0.10); 0 means the entry sets none.
	ThresholdShare float64
	// Sources are the URLs the entry's facts come from.
	Sources []string
	// Deep is true for entries written in Markdown under entries/.
	Deep bool

	// Meaning says what the reply means.
	Meaning string
	// WhoSends says which servers send the reply.
	WhoSends string
	// Why lists the causes.
	Why string
	// Fix holds the numbered fix steps, in order, without their numbers.
	Fix []string
	// Bulk puts the reply in the context of bulk and cold sending.
	Bulk string
	// FAQ holds short questions and answers.
	FAQ []QA

	// RFC names the defining document(s) of a registry entry ("RFC 3463").
	RFC string
	// ClassMeaning is a registry entry's class or subject area
	// ("Security or policy status (X.7.x)", "transient negative").
	ClassMeaning string
	// TypicalBasic lists the basic codes the registry associates with an
	// enhanced code ("451", "550", or forms like "4xx").
	TypicalBasic []string

	kind    kind
	pattern *codePattern // parsed Enhanced of a deep entry; nil when none
}

// Label returns the short form of the title, the part before " — "
// ("Microsoft 451 4.7.0").
func (e *Entry) Label() string {
	label, _, _ := strings.Cut(e.Title, " — ")
	return label
}

// Sections returns the entry's text as titled blocks in display order,
// leaving out empty ones, so a UI can render any entry the same way.
func (e *Entry) Sections() []Section {
	var out []Section
	add := func(title, body string) {
		if body != "" {
			out = append(out, Section{Title: title, Body: body})
		}
	}
	add("What it means", e.Meaning)
	add("What a sender should do", e.Advice)
	add("Who sends it", e.WhoSends)
	add("Why it happens", e.Why)
	add("How to fix it", numbered(e.Fix))
	add("In bulk and cold email", e.Bulk)
	add("FAQ", faqText(e.FAQ))
	switch e.kind {
	case kindEnhanced, kindSubject:
		add("Subject", e.ClassMeaning)
	case kindClass, kindBasic:
		add("Class", e.ClassMeaning)
	}
	add("Defined in", e.RFC)
	add("Typical basic codes", strings.Join(e.TypicalBasic, " "))
	add("Sources", strings.Join(e.Sources, "\n"))
	return out
}

func numbered(steps []string) string {
	lines := make([]string, len(steps))
	for i, s := range steps {
		lines[i] = fmt.Sprintf("%d. %s", i+1, s)
	}
	return strings.Join(lines, "\n")
}

func faqText(faq []QA) string {
	blocks := make([]string, len(faq))
	for i, qa := range faq {
		blocks[i] = "Q: " + qa.Q + "\nA: " + qa.A
	}
	return strings.Join(blocks, "\n\n")
}

// KB is a loaded knowledge base. It is immutable after loading and safe
// for concurrent use.
type KB struct {
	entries  []*Entry // every entry, sorted by ID
	byID     map[string]*Entry
	deep     []*Entry          // deep entries, sorted by ID
	enhanced map[[2]int]*Entry // {subject, detail} -> X.S.D
	subjects map[int]*Entry    // subject -> X.S.YYY
	classes  map[int]*Entry    // class digit -> C.XXX.YYY
	basic    map[int]*Entry    // basic code -> entry
}

// unknownEntry is what Match returns when no entry fits.
var unknownEntry = &Entry{
	ID:    "unknown",
	Title: "Unknown reply",
	Meaning: "relaytop has no entry for this reply. A failure without any reply code " +
		"usually happened before a remote server answered: the connection was refused " +
		"or timed out, the DNS lookup failed, or TLS could not be set up. The reply " +
		"text, or the MTA's own message, says which.",
}

func newKB() *KB {
	return &KB{
		byID:     map[string]*Entry{},
		enhanced: map[[2]int]*Entry{},
		subjects: map[int]*Entry{},
		classes:  map[int]*Entry{},
		basic:    map[int]*Entry{},
	}
}

var (
	defaultOnce sync.Once
	defaultKB   *KB
	defaultErr  error
)

// Default returns the knowledge base shipped in the binary, loaded once.
// If the embedded data has an error it still returns a usable KB holding
// whatever loaded; DefaultErr reports the error.
func Default() *KB {
	defaultOnce.Do(func() { defaultKB, defaultErr = Load(embedded) })
	return defaultKB
}

// DefaultErr returns the error from loading the embedded data, or nil.
func DefaultErr() error {
	Default()
	return defaultErr
}

// Load reads a knowledge base laid out like the embedded one:
// registry/smtp-codes.tsv, registry/smtp-basic-replies.tsv and
// entries/*.md. It always returns a usable KB; on error the KB holds every
// table and entry that loaded cleanly, and the error names each problem.
func Load(fsys fs.FS) (*KB, error) {
	k := newKB()
	var errs []error
	if err := k.loadCodes(fsys); err != nil {
		errs = append(errs, err)
	}
	if err := k.loadBasic(fsys); err != nil {
		errs = append(errs, err)
	}
	if err := k.loadAdvice(fsys); err != nil {
		errs = append(errs, err)
	}
	names, err := fs.Glob(fsys, "entries/*.md")
	if err != nil {
		errs = append(errs, fmt.Errorf("kb: %w", err))
	}
	for _, name := range names {
		if err := k.loadEntry(fsys, name); err != nil {
			errs = append(errs, err)
		}
	}
	slices.SortFunc(k.entries, func(a, b *Entry) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(k.deep, func(a, b *Entry) int { return strings.Compare(a.ID, b.ID) })
	return k, errors.Join(errs...)
}

func (k *KB) loadEntry(fsys fs.FS, name string) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("kb: %w", err)
	}
	// The file's bytes are a copy only this entry uses: its text can be
	// them, not a second copy (entries were a third of the start-up's
	// allocation).
	e, err := parseEntry(name, unsafe.String(unsafe.SliceData(data), len(data)))
	if err != nil {
		return err
	}
	if err := k.add(e); err != nil {
		return err
	}
	k.deep = append(k.deep, e)
	return nil
}

// add registers e under its ID, refusing duplicates.
func (k *KB) add(e *Entry) error {
	if _, dup := k.byID[e.ID]; dup {
		return fmt.Errorf("kb: duplicate entry id %q", e.ID)
	}
	k.byID[e.ID] = e
	k.entries = append(k.entries, e)
	return nil
}

// Entry returns the entry with the given ID, or nil.
func (k *KB) Entry(id string) *Entry {
	if k == nil {
		return nil
	}
	return k.byID[id]
}

// Entries returns every entry, sorted by ID, in a new slice.
func (k *KB) Entries() []*Entry {
	if k == nil {
		return nil
	}
	return slices.Clone(k.entries)
}
