package model

import "testing"

func TestParseReply(t *testing.T) {
	cases := []struct {
		in   string
		want Reply
	}{
		{"250 2.0.0 OK 1418589989 gk1si5712883pbc.166 - gsmtp", Reply{Code: 250, Enhanced: "2.0.0", Text: "OK 1418589989 gk1si5712883pbc.166 - gsmtp"}},
		{"550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 http://support.google.com/mail/bin/answer.py?answer=6596 fj1si11166992pdb.82 - gsmtp",
			Reply{Code: 550, Enhanced: "5.1.1", Text: "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. Learn more at http://support.google.com/mail/bin/answer.py?answer=6596 fj1si11166992pdb.82 - gsmtp"}},
		{"451 Temporary local problem - please try later", Reply{Code: 451, Text: "Temporary local problem - please try later"}},
		{"421-4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred 421 4.7.0 see https://x", Reply{Code: 421, Enhanced: "4.7.0", Text: "[TSS04] Messages from 192.0.2.1 temporarily deferred see https://x"}},
		{"550 Too many invalid recipients", Reply{Code: 550, Text: "Too many invalid recipients"}},
		{"Connection timed out", Reply{Text: "Connection timed out"}},
		{"554", Reply{Code: 554}},
		{"4.7.0 only enhanced", Reply{Text: "4.7.0 only enhanced"}},
		{"550 4.4.7 QUEUE.Expired; message expired", Reply{Code: 550, Enhanced: "4.4.7", Text: "QUEUE.Expired; message expired"}},
		{"1234 not a code", Reply{Text: "1234 not a code"}},
	}
	for _, c := range cases {
		if got := ParseReply(c.in); got != c.want {
			t.Errorf("ParseReply(%q)\n got %+v\nwant %+v", c.in, got, c.want)
		}
	}
}

func TestSplitCommand(t *testing.T) {
	rest, cmd := SplitCommand("host x said: 550 no (such) user (in reply to RCPT TO command)")
	if rest != "host x said: 550 no (such) user" || cmd != "RCPT TO" {
		t.Fatalf("got %q %q", rest, cmd)
	}
	// Found by fuzzing: the prefix and the suffix overlap.
	rest, cmd = SplitCommand("((in reply to command))")
	if rest != "((in reply to command))" || cmd != "" {
		t.Fatalf("overlap: %q %q", rest, cmd)
	}
	rest, cmd = SplitCommand("Connection timed out")
	if rest != "Connection timed out" || cmd != "" {
		t.Fatalf("got %q %q", rest, cmd)
	}
}

func TestEnhancedLen(t *testing.T) {
	for s, n := range map[string]int{"4.7.0": 5, "5.7.606 x": 7, "2.0.0:": 5, "4.7.0.1": 0, "3.1.1": 0, "4.7": 0, "4.7.1234": 0, "x": 0} {
		if got := EnhancedLen(s); got != n {
			t.Errorf("EnhancedLen(%q)=%d want %d", s, got, n)
		}
	}
}

func TestNormalize(t *testing.T) {
	cases := map[string]string{
		"Temporary server error. Please try again later. PRX4 [AM0PR01MB1234.eurprd01.prod.exchangelabs.com 2026-11-27T16:40:01.123Z 08DD1A2B3C4D5E6F]":                 "Temporary server error. Please try again later. PRX4 [<host> <time> <id>]",
		"[TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes": "[TSS04] Messages from <ip> temporarily deferred due to unexpected volume or user complaints - <ip>; see https://postmaster.yahooinc.com/error-codes",
		"The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation. (S775)":                                                                    "The mail server [<ip>] has been temporarily rate limited due to IP reputation. (S775)",
		"<bob@example.com>: Recipient address rejected: Access denied. AS(201806281) [DM6NAM11FT012.eop-nam11.prod.protection.outlook.com]":                             "<addr>: Recipient address rejected: Access denied. AS(201806281) [<host>]",
		"OK 1418589989 gk1si5712883pbc.166 - gsmtp":                                                 "OK <n> <id> - gsmtp",
		"connect to mx.example.com[2607:f8b0:4004:c07::1a]:25: Connection timed out":                "connect to <host>: Connection timed out",
		"Name service error for name=navigatorresources.co.uk type=MX: Host not found, try again":   "Name service error for name=<host> type=MX: Host not found, try again",
		"RCP-T1 http://postmaster.facebook.com/response_codes?ip=203.0.113.9#unavailable Recipient": "RCP-T1 http://postmaster.facebook.com/response_codes?ip=<ip>#unavailable Recipient",
		"Ok: queued as 38B0910650A": "Ok: queued as <id>",
		"Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org": "Service unavailable; Client host [<ip>] blocked using <host>",
		"a\x1b[2Jb\x07c  d": "a [2Jb c d",
	}
	for in, want := range cases {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q)\n got %q\nwant %q", in, got, want)
		}
	}
	long := ""
	for i := 0; i < 100; i++ {
		long += "wordé "
	}
	if got := Normalize(long); len(got) > MaxSignatureText {
		t.Errorf("not bounded: %d", len(got))
	}
}

func TestFirstToken(t *testing.T) {
	cases := map[string]string{
		"Temporary server error. Please try again later. PRX4 [<host>]": "PRX4",
		"[TSS04] Messages from <ip> temporarily deferred":               "TSS04",
		"rate limited due to IP reputation. (S775)":                     "S775",
		"Access denied. AS(201806281) [<host>]":                         "AS(201806281)",
		"The email account that you tried to reach does not exist":      "",
	}
	for in, want := range cases {
		if got := FirstToken(in); got != want {
			t.Errorf("FirstToken(%q)=%q want %q", in, got, want)
		}
	}
}
