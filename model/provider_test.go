package model

import "testing"

func TestClassify(t *testing.T) {
	c := DefaultClassifier()
	cases := []struct {
		relay, domain string
		want          Classification
	}{
		{"contoso-com.mail.protection.outlook.com", "contoso.com", Classification{Microsoft, Microsoft365}},
		{"hotmail-com.olc.protection.outlook.com", "hotmail.com", Classification{Microsoft, OutlookCom}},
		{"eur.olc.protection.outlook.com", "live.fr", Classification{Microsoft, OutlookCom}},
		{"foo.protection.outlook.com", "fabrikam.com", Classification{Microsoft, Microsoft365}},
		{"foo.protection.outlook.com", "outlook.com", Classification{Microsoft, OutlookCom}},
		{"contoso-com.m-v1.mx.microsoft", "contoso.com", Classification{Microsoft, Microsoft365}},
		{"", "hotmail.com", Classification{Microsoft, OutlookCom}},
		{"testrelayn-edu-au.mail.eo.outlook.com", "x.edu.au", Classification{Microsoft, Microsoft365}},
		{"mx4.hotmail.com", "hotmail.com", Classification{Microsoft, OutlookCom}},
		{"gmail-smtp-in.l.google.com", "gmail.com", Classification{Provider: Google}},
		{"alt1.aspmx.l.google.com", "workspace-customer.com", Classification{Provider: Google}},
		{"testrelay.l.google.com", "dmnesisparty.co.uk", Classification{Provider: Google}},
		{"mta6.am0.yahoodns.net", "yahoo.com", Classification{Provider: Yahoo}},
		{"", "aol.com", Classification{Provider: Yahoo}},
		{"mx01.mail.icloud.com", "icloud.com", Classification{Provider: Apple}},
		{"mx0a-00123.pphosted.com", "bigcorp.com", Classification{Provider: "proofpoint"}},
		{"mx.example.org", "example.org", Classification{Provider: Other}},
		{"notoutlook.com", "x.org", Classification{Provider: Other}},
		{"", "", Classification{Provider: Other}},
	}
	for _, k := range cases {
		if got := c.Classify(k.relay, k.domain); got != k.want {
			t.Errorf("Classify(%q,%q)=%+v want %+v", k.relay, k.domain, got, k.want)
		}
	}
	if c.Name(Yahoo) != "Yahoo/AOL" || c.Name("unitedinternet") != "GMX/web.de" || c.Name(Other) != "Other" {
		t.Errorf("names: %q %q", c.Name(Yahoo), c.Name("unitedinternet"))
	}
}

func TestClassifierUnknownProviderRow(t *testing.T) {
	c := NewClassifier("provider\tmatch_kind\tpattern\tsource\nAcme Mail!\tmx-suffix\tmx.acme.test\tx\n")
	if got := c.Classify("a.mx.acme.test", "acme.test"); got.Provider != "acmemail" || c.Name("acmemail") != "Acme Mail!" {
		t.Fatalf("got %+v %q", got, c.Name("acmemail"))
	}
}
