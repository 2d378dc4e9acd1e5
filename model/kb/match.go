package kb

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/relaytop/relaytop/model"
)

// Level says how specific a match is; a higher level is more specific.
type Level uint8

// The match levels, least specific first.
const (
	// LevelUnknown means nothing matched: the generic unknown-reply entry.
	LevelUnknown Level = iota
	// LevelClass matched the class digit (2, 4 or 5) in the registry.
	LevelClass
	// LevelBasic matched the basic reply code in the registry.
	LevelBasic
	// LevelSubject matched the subject of an enhanced code the registry
	// does not list (4.7.999 -> X.7.YYY).
	LevelSubject
	// LevelEnhanced matched the enhanced code in the registry.
	LevelEnhanced
	// LevelProvider matched a deep entry by provider (or relay) and code.
	LevelProvider
	// LevelToken matched a deep entry by provider (or relay), code and a
	// token in the reply text.
	LevelToken
)

var levelNames = [...]string{"unknown", "class", "basic", "subject", "enhanced", "provider", "token"}

// String returns the level's lowercase name.
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// Query is what Match needs to know about one reply.
type Query struct {
	// Provider is relaytop's provider id for the destination ("microsoft",
	// "google", "yahoo", "apple", "other"); "" when unknown.
	Provider string
	// Relay is the lowercased host name of the server that replied.
	Relay string
	// Reply is the reply itself.
	Reply model.Reply
}

// Match is the answer to a Query.
type Match struct {
	// Entry is the most specific entry; never nil.
	Entry *Entry
	// Level says how Entry was found.
	Level Level
	// Reason says in words which entry matched and why.
	Reason string
	// Token is the reply-text token that matched, or "".
	Token string
	// Relay is the relay suffix that identified the sender, or "".
	Relay string
	// Registry holds the registry entries for the reply's enhanced code
	// (exact, else subject, else class) and basic code, in that order, so
	// a panel can show them under a deep entry. It may contain Entry.
	Registry []*Entry
}

// Match finds the most specific entry for q; see the package
// documentation for the order. It is safe on a nil or zero KB.
func (k *KB) Match(q Query) Match {
	if k == nil {
		k = &KB{}
	}
	r := q.Reply
	enh, hasEnh := parseEnhanced(r.Enhanced)
	provider := strings.ToLower(strings.TrimSpace(q.Provider))
	relay := normalizeHost(q.Relay)
	m := k.matchDeep(provider, relay, r, enh, hasEnh)
	if m.Entry == nil {
		m = k.matchRegistry(r, enh, hasEnh)
	}
	m.Registry = k.registryFor(r.Code, enh, hasEnh)
	return m
}

// candidate is a deep entry that fits a query, with what made it fit.
type candidate struct {
	e          *Entry
	level      Level
	token      string
	relay      string // matched relay suffix
	byProvider bool   // the query's provider is the entry's
	enhanced   bool   // matched by enhanced code, not by basic code alone
	width      int    // size of the matched enhanced range minus one
	basicEq    bool   // the entry's basic code is the reply's
	phrase     bool   // token is a phrase
	guessed    bool   // no provider or relay: the token alone names the provider
}

// better reports whether c is more specific than o.
func (c candidate) better(o candidate) bool {
	cAny, oAny := c.e.Provider == AnyProvider, o.e.Provider == AnyProvider
	switch {
	case c.level != o.level:
		return c.level > o.level
	case cAny != oAny:
		return oAny
	case c.guessed != o.guessed:
		return o.guessed
	case c.enhanced != o.enhanced:
		return c.enhanced
	case c.width != o.width:
		return c.width < o.width
	case c.basicEq != o.basicEq:
		return c.basicEq
	case c.byProvider != o.byProvider:
		return c.byProvider
	}
	return len(c.token) > len(o.token)
}

func (k *KB) matchDeep(provider, relay string, r model.Reply, enh enhancedCode, hasEnh bool) Match {
	var best candidate
	lower := strings.ToLower(r.Text) // once, not once an entry
	for _, e := range k.deep {
		if !codeFits(e, r.Code, enh, hasEnh) {
			continue // the cheap test first: most entries end here
		}
		c, ok := fit(e, provider, relay, r, lower, enh, hasEnh)
		if ok && (best.e == nil || c.better(best)) {
			best = c
		}
	}
	if best.e == nil {
		return Match{}
	}
	var evidence []string
	switch {
	case best.phrase:
		evidence = append(evidence, fmt.Sprintf("phrase %q", best.token))
	case best.token != "":
		evidence = append(evidence, "token "+best.token)
	case best.enhanced && best.e.pattern.isRange():
		evidence = append(evidence, fmt.Sprintf("enhanced code %s in %s", enh, best.e.Enhanced))
	case best.enhanced:
		evidence = append(evidence, "enhanced code "+enh.String())
	default:
		evidence = append(evidence, fmt.Sprintf("basic code %d", r.Code))
	}
	switch {
	case best.e.Provider == AnyProvider:
		evidence = append(evidence, "any provider")
	case best.guessed:
		evidence = append(evidence, "the token's provider, "+best.e.Provider+" (no provider or relay given)")
	case best.relay != "" && best.relay == relay:
		evidence = append(evidence, "relay "+best.relay)
	case best.relay != "":
		evidence = append(evidence, "relay *."+best.relay)
	default:
		evidence = append(evidence, "provider "+provider)
	}
	return Match{
		Entry:  best.e,
		Level:  best.level,
		Reason: best.e.Label() + ", matched by " + strings.Join(evidence, " and "),
		Token:  best.token,
		Relay:  best.relay,
	}
}

// fit reports whether deep entry e applies to the reply, and how well.
// The entry's provider must be the query's, or the provider must be
// unknown and the relay must end in one of the entry's suffixes. Then an
// entry with an enhanced code needs the reply's enhanced code in it (and
// the same basic code, when both give one); an entry with only a basic
// code needs the reply's basic code.
// codeFits is fit's test of the reply's codes alone: false when the
// entry's enhanced code range or basic code rules the reply out.
func codeFits(e *Entry, code int, enh enhancedCode, hasEnh bool) bool {
	switch {
	case e.pattern != nil:
		return hasEnh && e.pattern.contains(enh) && (e.Basic == 0 || code == 0 || e.Basic == code)
	case e.Basic != 0:
		return e.Basic == code
	}
	return true
}

func fit(e *Entry, provider, relay string, r model.Reply, lower string, enh enhancedCode, hasEnh bool) (candidate, bool) {
	c := candidate{e: e, level: LevelProvider, relay: relaySuffix(e.Relays, relay)}
	c.byProvider = provider != "" && provider == e.Provider
	anyProv := e.Provider == AnyProvider
	if !c.byProvider && !anyProv && c.relay == "" {
		// With neither provider nor relay known, a token alone may name
		// the provider (PRX4 is Microsoft's, TSS04 Yahoo's); otherwise
		// the entry does not apply.
		if !unknownProvider(provider) || relay != "" {
			return c, false
		}
		c.guessed = true
	} else if !c.byProvider && !anyProv && !unknownProvider(provider) {
		return c, false
	}
	c.basicEq = e.Basic != 0 && e.Basic == r.Code
	switch {
	case e.pattern != nil:
		if !hasEnh || !e.pattern.contains(enh) || (e.Basic != 0 && r.Code != 0 && !c.basicEq) {
			return c, false
		}
		c.enhanced, c.width = true, e.pattern.hi-e.pattern.lo
	case e.Basic != 0 && !c.basicEq:
		return c, false
	case e.Basic == 0 && !anyProv:
		return c, false
	}
	for _, t := range e.Tokens {
		if hasWord(r.Text, t) {
			c.level, c.token = LevelToken, t
			break
		}
	}
	if c.token == "" {
		for i, ph := range e.phrases {
			if strings.Contains(lower, ph) {
				c.level, c.token, c.phrase = LevelToken, e.Phrases[i], true
				break
			}
		}
	}
	// An entry for any provider, or one whose provider only the token
	// names, must match by its token. So must an entry that gives no
	// enhanced code but has tokens or phrases: a basic code alone (550,
	// 421) is too broad to claim a reply the entry's words are not in.
	if c.token == "" && (anyProv || c.guessed || (e.pattern == nil && (len(e.Tokens) > 0 || len(e.Phrases) > 0))) {
		return c, false
	}
	return c, true
}

// unknownProvider reports whether a query's provider says nothing about
// who sent the reply.
func unknownProvider(p string) bool { return p == "" || p == "other" || p == "unknown" }

// normalizeHost lowercases a relay host and drops a trailing dot and any
// "[address]:port" part.
func normalizeHost(h string) string {
	h, _, _ = strings.Cut(strings.TrimSpace(h), "[")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// relaySuffix returns the longest suffix in suffixes that host ends with
// on a label boundary, or "".
func relaySuffix(suffixes []string, host string) string {
	best := ""
	if host == "" {
		return best
	}
	for _, s := range suffixes {
		if (host == s || strings.HasSuffix(host, "."+s)) && len(s) > len(best) {
			best = s
		}
	}
	return best
}

// hasWord reports whether tok occurs in text as a whole word: a token
// edge that is a letter or digit may not touch another letter, digit or
// '_' ("PRX4" is in "... later. PRX4 [" but not in "PRX40"). Case matters.
func hasWord(text, tok string) bool {
	if tok == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(tok)
	last, _ := utf8.DecodeLastRuneInString(tok)
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], tok)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(tok)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		okBefore := start == 0 || !isWordRune(first) || !isWordRune(before)
		okAfter := end == len(text) || !isWordRune(last) || !isWordRune(after)
		if okBefore && okAfter {
			return true
		}
		from = start + 1
	}
	return false
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// matchRegistry finds the registry entry for the reply: enhanced code,
// subject, basic code, class digit, then the unknown entry.
func (k *KB) matchRegistry(r model.Reply, enh enhancedCode, hasEnh bool) Match {
	if hasEnh {
		if e := k.enhanced[[2]int{enh.subject, enh.detail}]; e != nil {
			return Match{Entry: e, Level: LevelEnhanced,
				Reason: fmt.Sprintf("registry entry for enhanced code %s (%s)", enh, e.RFC)}
		}
		if e := k.subjects[enh.subject]; e != nil {
			return Match{Entry: e, Level: LevelSubject,
				Reason: fmt.Sprintf("enhanced code %s is not in the registry; registry subject X.%d.YYY (%s)", enh, enh.subject, e.RFC)}
		}
	}
	if e := k.basic[r.Code]; e != nil {
		return Match{Entry: e, Level: LevelBasic,
			Reason: fmt.Sprintf("basic code %d (%s)", r.Code, e.RFC)}
	}
	if hasEnh {
		if e := k.classes[enh.class]; e != nil {
			return Match{Entry: e, Level: LevelClass,
				Reason: fmt.Sprintf("class %d of enhanced code %s (%s)", enh.class, enh, e.RFC)}
		}
	} else if e := k.classes[r.Code/100]; e != nil && r.Code >= 200 && r.Code <= 599 {
		return Match{Entry: e, Level: LevelClass,
			Reason: fmt.Sprintf("class %d of basic code %d (%s)", r.Code/100, r.Code, e.RFC)}
	}
	reason := "no reply code in the reply"
	switch {
	case r.Code != 0 && r.Enhanced != "":
		reason = fmt.Sprintf("no entry for reply code %d %s", r.Code, r.Enhanced)
	case r.Code != 0:
		reason = fmt.Sprintf("no entry for reply code %d", r.Code)
	case r.Enhanced != "":
		reason = fmt.Sprintf("no entry for enhanced code %q", r.Enhanced)
	}
	return Match{Entry: unknownEntry, Level: LevelUnknown, Reason: reason}
}

// registryFor returns the registry entries for an enhanced code (exact,
// else subject, else class) and a basic code.
func (k *KB) registryFor(code int, enh enhancedCode, hasEnh bool) []*Entry {
	var out []*Entry
	if hasEnh {
		e := k.enhanced[[2]int{enh.subject, enh.detail}]
		if e == nil {
			e = k.subjects[enh.subject]
		}
		if e == nil {
			e = k.classes[enh.class]
		}
		if e != nil {
			out = append(out, e)
		}
	}
	if e := k.basic[code]; e != nil {
		out = append(out, e)
	}
	return out
}

// AnyProvider is the provider of deep entries that apply whoever sent the
// reply (blocklist rejections quoting Spamhaus, connection failures that
// carry no reply at all). Such an entry must match by a token or phrase;
// an entry of the reply's own provider beats it at the same level.
const AnyProvider = "any"
