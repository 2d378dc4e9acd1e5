package kb

import (
	"strings"
	"testing"

	"github.com/relaytop/relaytop/model"
)

const prxText = "Temporary server error. Please try again later. PRX4 [AM0PR01MB1234.eurprd01.prod.exchangelabs.com]"

type matchCase struct {
	name     string
	q        Query
	id       string
	level    Level
	reason   string
	registry string // IDs of Match.Registry joined by " "
}

func reply(code int, enhanced, text string) model.Reply {
	return model.Reply{Code: code, Enhanced: enhanced, Text: text}
}

func checkMatch(t *testing.T, k *KB, c matchCase) {
	t.Helper()
	m := k.Match(c.q)
	if m.Entry == nil {
		t.Fatal("nil entry")
	}
	if m.Entry.ID != c.id || m.Level != c.level {
		t.Errorf("got %s at %v, want %s at %v (reason %q)", m.Entry.ID, m.Level, c.id, c.level, m.Reason)
	}
	if m.Reason != c.reason {
		t.Errorf("reason %q\n          want %q", m.Reason, c.reason)
	}
	var reg []string
	for _, e := range m.Registry {
		reg = append(reg, e.ID)
	}
	if got := strings.Join(reg, " "); got != c.registry {
		t.Errorf("registry %q, want %q", got, c.registry)
	}
}

func TestMatchDefault(t *testing.T) {
	const ms = "microsoft-451-4.7.0"
	const x70 = "enhanced:X.7.0 basic:451"
	cases := []matchCase{
		{"microsoft token and relay",
			Query{"microsoft", "foo.mail.protection.outlook.com", reply(451, "4.7.0", prxText)},
			ms, LevelToken, "Microsoft 451 4.7.0, matched by token PRX4 and relay *.protection.outlook.com", x70},
		{"microsoft token without relay",
			Query{"microsoft", "", reply(451, "4.7.0", prxText)},
			ms, LevelToken, "Microsoft 451 4.7.0, matched by token PRX4 and provider microsoft", x70},
		{"microsoft without token",
			Query{"microsoft", "", reply(451, "4.7.0", "Temporary server error. Please try again later.")},
			ms, LevelProvider, "Microsoft 451 4.7.0, matched by enhanced code 4.7.0 and provider microsoft", x70},
		{"PRX40 is not the token PRX4",
			Query{"microsoft", "", reply(451, "4.7.0", "Temporary server error. PRX40")},
			ms, LevelProvider, "Microsoft 451 4.7.0, matched by enhanced code 4.7.0 and provider microsoft", x70},
		{"provider other, relay identifies Microsoft",
			Query{"other", "foo.mail.protection.outlook.com", reply(451, "4.7.0", prxText)},
			ms, LevelToken, "Microsoft 451 4.7.0, matched by token PRX4 and relay *.protection.outlook.com", x70},
		{"provider unknown, consumer relay with dot and capitals, no token",
			Query{"", "Hotmail-com.OLC.protection.outlook.com.", reply(451, "4.7.0", "Temporary server error.")},
			ms, LevelProvider, "Microsoft 451 4.7.0, matched by enhanced code 4.7.0 and relay *.protection.outlook.com", x70},
		{"relay equal to the suffix",
			Query{"other", "mx.microsoft", reply(451, "4.7.0", prxText)},
			ms, LevelToken, "Microsoft 451 4.7.0, matched by token PRX4 and relay mx.microsoft", x70},
		{"relay suffix needs a label boundary",
			Query{"other", "evilprotection.outlook.com", reply(451, "4.7.0", prxText)},
			"enhanced:X.7.0", LevelEnhanced, "registry entry for enhanced code 4.7.0 (RFC 3463)", x70},
		{"google gets the registry, not Microsoft",
			Query{"google", "", reply(451, "4.7.0", prxText)},
			"enhanced:X.7.0", LevelEnhanced, "registry entry for enhanced code 4.7.0 (RFC 3463)", x70},
		{"a known other provider ignores a Microsoft relay",
			Query{"google", "foo.mail.protection.outlook.com", reply(451, "4.7.0", prxText)},
			"enhanced:X.7.0", LevelEnhanced, "registry entry for enhanced code 4.7.0 (RFC 3463)", x70},
		{"entry's basic code must agree: a 421 is not the 451 4.7.0 entry's",
			Query{"microsoft", "", reply(421, "4.7.0", prxText)},
			"microsoft-421", LevelProvider, "Microsoft 421, matched by basic code 421 and provider microsoft", "enhanced:X.7.0 basic:421"},
		{"550 5.1.1",
			Query{"other", "", reply(550, "5.1.1", "user unknown")},
			"enhanced:X.1.1", LevelEnhanced, "registry entry for enhanced code 5.1.1 (RFC 3463)", "enhanced:X.1.1 basic:550"},
		{"421 without enhanced code",
			Query{"other", "", reply(421, "", "Service not available")},
			"basic:421", LevelBasic, "basic code 421 (RFC 5321)", "basic:421"},
		{"unlisted enhanced code falls back to its subject",
			Query{"other", "", reply(451, "4.7.999", "")},
			"subject:X.7", LevelSubject, "enhanced code 4.7.999 is not in the registry; registry subject X.7.YYY (RFC 3463)", "subject:X.7 basic:451"},
		{"code 0 with enhanced 4.4.1: the connection entry, by phrase",
			Query{"other", "", reply(0, "4.4.1", "connect to mx.example.com: Connection timed out")},
			"any-connection-timed-out", LevelToken, `Connection timed out, matched by phrase "Connection timed out" and any provider`, "enhanced:X.4.1"},
		{"code 0 with enhanced 4.4.1 and no known phrase: the registry",
			Query{"other", "", reply(0, "4.4.1", "something else went wrong")},
			"enhanced:X.4.1", LevelEnhanced, "registry entry for enhanced code 4.4.1 (RFC 3463)", "enhanced:X.4.1"},
		{"unlisted subject falls back to the class",
			Query{"other", "", reply(0, "4.9.9", "")},
			"class:4", LevelClass, "class 4 of enhanced code 4.9.9 (RFC 3463)", "class:4"},
		{"unlisted basic code falls back to its class",
			Query{"other", "", reply(499, "", "")},
			"class:4", LevelClass, "class 4 of basic code 499 (RFC 3463)", ""},
		{"malformed enhanced code is ignored",
			Query{"other", "", reply(451, "4.7", "")},
			"basic:451", LevelBasic, "basic code 451 (RFC 5321)", "basic:451"},
		{"no code at all, a known failure",
			Query{"other", "", reply(0, "", "connect to mx.example.com: Connection refused")},
			"any-connection-refused", LevelToken, `Connection refused, matched by phrase "Connection refused" and any provider`, ""},
		{"no code at all",
			Query{"other", "", reply(0, "", "something nobody wrote down")},
			"unknown", LevelUnknown, "no reply code in the reply", ""},
		{"code without any entry",
			Query{"other", "", reply(399, "", "")},
			"unknown", LevelUnknown, "no entry for reply code 399", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkMatch(t, Default(), c) })
	}
}

// rangeEntry is a synthetic deep entry for provider testprov covering
// 451 4.7.500-699, with token AS761.
func rangeEntry(id string) string {
	return entry("id: "+id+"\ntitle: Testprov 451 4.7.500-699 — server busy\nprovider: testprov\n"+
		"basic: 451\nenhanced: 4.7.500-699\ntokens: AS761\nsources: https://example.com/range",
		"## What it means\nBusy.\n")
}

func TestMatchSynthetic(t *testing.T) {
	k, err := Load(testFS(t, map[string]string{
		"entries/testprov-range.md": rangeEntry("testprov-range"),
		"entries/testprov-651.md": entry("id: testprov-651\ntitle: Testprov 451 4.7.651 — exact\nprovider: testprov\n"+
			"basic: 451\nenhanced: 4.7.651\nsources: https://example.com/651", "## What it means\nExact.\n"),
		"entries/testprov-421.md": entry("id: testprov-421\ntitle: Testprov 421 — rate limited\nprovider: testprov\n"+
			"basic: 421\ntokens: RP-001 RP-002\nsources: https://example.com/421", "## What it means\nRate.\n"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	cases := []matchCase{
		{"inside the range",
			Query{"testprov", "", reply(451, "4.7.650", "Server busy")},
			"testprov-range", LevelProvider, "Testprov 451 4.7.500-699, matched by enhanced code 4.7.650 in 4.7.500-699 and provider testprov", "subject:X.7 basic:451"},
		{"low edge of the range",
			Query{"testprov", "", reply(451, "4.7.500", "")},
			"testprov-range", LevelProvider, "Testprov 451 4.7.500-699, matched by enhanced code 4.7.500 in 4.7.500-699 and provider testprov", "subject:X.7 basic:451"},
		{"high edge of the range",
			Query{"testprov", "", reply(0, "4.7.699", "")},
			"testprov-range", LevelProvider, "Testprov 451 4.7.500-699, matched by enhanced code 4.7.699 in 4.7.500-699 and provider testprov", "subject:X.7"},
		{"above the range",
			Query{"testprov", "", reply(451, "4.7.700", "Server busy")},
			"subject:X.7", LevelSubject, "enhanced code 4.7.700 is not in the registry; registry subject X.7.YYY (RFC 3463)", "subject:X.7 basic:451"},
		{"below the range",
			Query{"testprov", "", reply(451, "4.7.499", "")},
			"subject:X.7", LevelSubject, "enhanced code 4.7.499 is not in the registry; registry subject X.7.YYY (RFC 3463)", "subject:X.7 basic:451"},
		{"exact code beats the range",
			Query{"testprov", "", reply(451, "4.7.651", "")},
			"testprov-651", LevelProvider, "Testprov 451 4.7.651, matched by enhanced code 4.7.651 and provider testprov", "subject:X.7 basic:451"},
		{"a token beats an exact code",
			Query{"testprov", "", reply(451, "4.7.651", "Server busy (AS761)")},
			"testprov-range", LevelToken, "Testprov 451 4.7.500-699, matched by token AS761 and provider testprov", "subject:X.7 basic:451"},
		{"an entry without an enhanced code needs its token: a bare 421 is too broad",
			Query{"testprov", "", reply(421, "", "Please try again.")},
			"basic:421", LevelBasic, "basic code 421 (RFC 5321)", "basic:421"},
		{"provider, basic code and token despite the MTA's own DSN code",
			Query{"testprov", "", reply(421, "4.0.0", "421 RP-002 Unfortunately, some messages weren't sent.")},
			"testprov-421", LevelToken, "Testprov 421, matched by token RP-002 and provider testprov", "enhanced:X.0.0 basic:421"},
		{"entries are per provider",
			Query{"otherprov", "", reply(451, "4.7.650", "AS761")},
			"subject:X.7", LevelSubject, "enhanced code 4.7.650 is not in the registry; registry subject X.7.YYY (RFC 3463)", "subject:X.7 basic:451"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkMatch(t, k, c) })
	}
}

func TestHasWord(t *testing.T) {
	cases := []struct {
		text, tok string
		want      bool
	}{
		{prxText, "PRX4", true},
		{"Temporary server error. PRX40", "PRX4", false},
		{"XPRX4 and PRX4", "PRX4", true},
		{"_PRX4", "PRX4", false},
		{"later.PRX4", "PRX4", true},
		{"ends with PRX4", "PRX4", true},
		{"lower prx4", "PRX4", false},
		{"421 4.7.0 [TSS04] Messages", "TSS04", true},
		{"blocked (AS(843))x", "AS(843)", true},
		{"BAS(843)", "AS(843)", false},
		{"PRX4", "", false},
		{"", "PRX4", false},
	}
	for _, c := range cases {
		if got := hasWord(c.text, c.tok); got != c.want {
			t.Errorf("hasWord(%q, %q) = %v, want %v", c.text, c.tok, got, c.want)
		}
	}
}

func TestParseEnhanced(t *testing.T) {
	for s, want := range map[string]bool{
		"4.7.0": true, " 5.1.10 ": true, "2.0.0": true, "4.999.999": true,
		"": false, "4.7": false, "3.7.0": false, "4.7.1000": false, "4.x.0": false, "4.7.0.1": false, "+4.7.0": false,
	} {
		if _, got := parseEnhanced(s); got != want {
			t.Errorf("parseEnhanced(%q) ok = %v, want %v", s, got, want)
		}
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("microsoft", "x.mail.protection.outlook.com", 451, "4.7.0", prxText)
	f.Add("", "", 0, "", "")
	f.Add("other", "mx.microsoft.", 550, "5.7.606", "banned")
	k := Default()
	f.Fuzz(func(t *testing.T, provider, relay string, code int, enhanced, text string) {
		m := k.Match(Query{provider, relay, reply(code, enhanced, text)})
		if m.Entry == nil || m.Reason == "" {
			t.Fatalf("Match returned %+v", m)
		}
	})
}

func TestAnyProviderAndPhrases(t *testing.T) {
	fsys := testFS(t, map[string]string{
		"entries/any-connection-timed-out.md": `---
id: any-connection-timed-out
title: Connection timed out — no answer
provider: any
phrases: Connection timed out | connection timeout
sources: https://www.rfc-editor.org/rfc/rfc5321
---
## What it means
No answer.
`,
		"entries/any-spamhaus.md": `---
id: any-spamhaus
title: Spamhaus block — listed
provider: any
enhanced: 5.7.1
phrases: spamhaus
sources: https://www.spamhaus.org/
---
## What it means
Listed.
`,
		"entries/microsoft-550-5.7.1.md": `---
id: microsoft-550-5.7.1
title: Microsoft 550 5.7.1 — blocked
provider: microsoft
basic: 550
enhanced: 5.7.1
tokens: S3150
phrases: spamhaus
sources: https://learn.microsoft.com/
---
## What it means
Blocked.
`,
	})
	k, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		q      Query
		id     string
		reason string
	}{
		{Query{Provider: "other", Reply: model.Reply{Enhanced: "4.4.1", Text: "connect to mx.x.com[192.0.2.1]:25: Connection timed out"}},
			"any-connection-timed-out", `Connection timed out, matched by phrase "Connection timed out" and any provider`},
		{Query{Provider: "google", Reply: model.Reply{Code: 550, Enhanced: "5.7.1", Text: "blocked using zen.SPAMHAUS.org"}},
			"any-spamhaus", ""},
		// The provider's own entry wins at the same level.
		{Query{Provider: "microsoft", Reply: model.Reply{Code: 550, Enhanced: "5.7.1", Text: "blocked using Spamhaus"}},
			"microsoft-550-5.7.1", ""},
		// An any-provider entry without its phrase does not match: the registry does.
		{Query{Provider: "google", Reply: model.Reply{Code: 550, Enhanced: "5.7.1", Text: "policy"}},
			"enhanced:X.7.1", ""},
		{Query{Provider: "other", Reply: model.Reply{Code: 421, Text: "Connection refused"}}, "basic:421", ""},
	}
	for _, c := range cases {
		m := k.Match(c.q)
		if m.Entry.ID != c.id || (c.reason != "" && m.Reason != c.reason) {
			t.Errorf("%+v: got %s (%s), want %s %s", c.q.Reply, m.Entry.ID, m.Reason, c.id, c.reason)
		}
	}
	if _, err := Load(testFS(t, map[string]string{"entries/any-x.md": "---\nid: any-x\ntitle: X\nprovider: any\nsources: https://x\n---\n## What it means\nx\n"})); err == nil {
		t.Error("an any-provider entry without tokens or phrases must not load")
	}
}

func TestTokenNamesTheProviderWhenNoneIsGiven(t *testing.T) {
	k := Default()
	m := k.Match(Query{Reply: reply(451, "4.7.0", prxText)})
	if m.Entry.ID != "microsoft-451-4.7.0" || m.Level != LevelToken || !strings.Contains(m.Reason, "no provider or relay given") {
		t.Fatalf("got %s %v %q", m.Entry.ID, m.Level, m.Reason)
	}
	// Without the token nothing names the provider: the registry answers.
	if m := k.Match(Query{Reply: reply(451, "4.7.0", "Temporary server error")}); m.Entry.ID != "enhanced:X.7.0" {
		t.Fatalf("got %s", m.Entry.ID)
	}
}
