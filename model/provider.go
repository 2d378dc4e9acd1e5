package model

import (
	_ "embed"
	"strings"
	"sync"
)

// Provider ids used in events, snapshots and reports.
const (
	Microsoft = "microsoft"
	Google    = "google"
	Yahoo     = "yahoo"
	Apple     = "apple"
	Other     = "other"
)

// Microsoft platforms, told apart inside the microsoft provider.
const (
	Microsoft365 = "Microsoft 365"
	OutlookCom   = "Outlook.com"
)

// ProviderInfo names a mailbox provider or filtering gateway.
type ProviderInfo struct {
	ID   string // lowercase slug: "microsoft", "google", "yahoo", ...
	Name string // display name: "Microsoft", "Yahoo/AOL", ...
}

// providerNames maps the provider column of provider-mx.tsv to relaytop's
// ids and display names.
var providerNames = map[string]ProviderInfo{
	"Microsoft":                           {Microsoft, "Microsoft"},
	"Google":                              {Google, "Google"},
	"Yahoo/AOL":                           {Yahoo, "Yahoo/AOL"},
	"Apple":                               {Apple, "Apple iCloud"},
	"Proofpoint":                          {"proofpoint", "Proofpoint"},
	"Mimecast":                            {"mimecast", "Mimecast"},
	"Barracuda":                           {"barracuda", "Barracuda"},
	"Cisco Secure Email (IronPort cloud)": {"cisco", "Cisco IronPort"},
	"Broadcom/Symantec Email Security.cloud (MessageLabs)": {"symantec", "Symantec MessageLabs"},
	"Trend Micro Email Security":                           {"trendmicro", "Trend Micro"},
	"Sophos Email":                                         {"sophos", "Sophos"},
	"Forcepoint Email Security":                            {"forcepoint", "Forcepoint"},
	"Hornetsecurity":                                       {"hornetsecurity", "Hornetsecurity"},
	"Zoho":                                                 {"zoho", "Zoho"},
	"Yandex":                                               {"yandex", "Yandex"},
	"Mail.ru (VK)":                                         {"mailru", "Mail.ru"},
	"United Internet (GMX, web.de, mail.com, IONOS/1&1)": {"unitedinternet", "GMX/web.de"},
	"Comcast":                              {"comcast", "Comcast"},
	"Cox":                                  {"cox", "Cox"},
	"Charter/Spectrum":                     {"spectrum", "Spectrum"},
	"Fastmail":                             {"fastmail", "Fastmail"},
	"Proton Mail":                          {"proton", "Proton Mail"},
	"Tuta (Tutanota)":                      {"tuta", "Tuta"},
	"GoDaddy":                              {"godaddy", "GoDaddy"},
	"Tencent QQ Mail":                      {"qq", "QQ Mail"},
	"NetEase":                              {"netease", "NetEase"},
	"Orange":                               {"orange", "Orange"},
	"La Poste":                             {"laposte", "La Poste"},
	"Cloudflare Email Routing (forwarder)": {"cloudflare", "Cloudflare"},
	"Rackspace Email":                      {"rackspace", "Rackspace"},
	"Amazon SES inbound / WorkMail":        {"amazon", "Amazon"},
	"Facebook":                             {"facebook", "Facebook"},
	"KDDI (au)":                            {"kddi", "KDDI"},
	"NTT DOCOMO":                           {"docomo", "DOCOMO"},
}

// microsoftPlatform tells Microsoft 365 from Outlook.com by MX suffix;
// suffixes not listed (protection.outlook.com) leave it to the domain.
var microsoftPlatform = map[string]string{
	"mail.protection.outlook.com": Microsoft365,
	"mail.eo.outlook.com":         Microsoft365,
	"mx.microsoft":                Microsoft365,
	"onmicrosoft.com":             Microsoft365,
	"exchangelabs.com":            Microsoft365,
	"prod.outlook.com":            Microsoft365,
	"olc.protection.outlook.com":  OutlookCom,
	"protection.outlook.com":      "", // either: the recipient domain decides
	"hotmail.com":                 OutlookCom,
	"outlook.com":                 OutlookCom,
}

//go:embed data/provider-mx.tsv
var providerMX string

// Classification is the provider a delivery went to.
type Classification struct {
	Provider string // provider id, Other when unknown
	// Platform tells Microsoft 365 from Outlook.com; "" elsewhere.
	Platform string
}

// Classifier maps relay hosts and recipient domains to providers.
//
// The relay (or MX) host is tried first, by suffix on label boundaries,
// longest first: "contoso-com.mail.protection.outlook.com" is looked up
// whole, then as "mail.protection.outlook.com" (a hit: Microsoft 365),
// so a longer, more specific pattern always beats a shorter one such as
// "outlook.com". Only when no suffix matches is the recipient domain
// looked up in the table of consumer domains (gmail.com, hotmail.com,
// yahoo.com, ...). Anything else is Other. Lookups are map probes, one per
// label, with no allocation.
type Classifier struct {
	suffix map[string]string // host suffix -> provider id
	domain map[string]string // recipient domain -> provider id
	names  map[string]string // provider id -> display name
}

var (
	defaultClassifier     *Classifier
	defaultClassifierOnce sync.Once
)

// DefaultClassifier returns the classifier built from the embedded
// provider table.
func DefaultClassifier() *Classifier {
	defaultClassifierOnce.Do(func() { defaultClassifier = NewClassifier(providerMX) })
	return defaultClassifier
}

// NewClassifier builds a classifier from a provider-mx.tsv table
// (provider, match_kind, pattern, source). Rows naming a provider it does
// not know get an id derived from the name.
func NewClassifier(tsv string) *Classifier {
	c := &Classifier{suffix: map[string]string{}, domain: map[string]string{}, names: map[string]string{Other: "Other"}}
	for i, line := range strings.Split(tsv, "\n") {
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if i == 0 || len(f) < 3 {
			continue
		}
		info, ok := providerNames[f[0]]
		if !ok {
			info = ProviderInfo{ID: slug(f[0]), Name: f[0]}
		}
		c.names[info.ID] = info.Name
		pat := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(f[2])), ".")
		switch f[1] {
		case "mx-suffix":
			c.suffix[pat] = info.ID
		case "domain":
			c.domain[pat] = info.ID
		}
	}
	return c
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return Other
	}
	return b.String()
}

// Name returns the display name of a provider id.
func (c *Classifier) Name(id string) string {
	if n, ok := c.names[id]; ok {
		return n
	}
	return id
}

// Classify returns the provider for a delivery to domain through relay.
// Both must already be lowercase; relay may be "".
func (c *Classifier) Classify(relay, domain string) Classification {
	relay = strings.TrimSuffix(relay, ".")
	for s := relay; s != ""; {
		if id, ok := c.suffix[s]; ok {
			cl := Classification{Provider: id}
			if id == Microsoft {
				cl.Platform = platformOf(relay)
				if cl.Platform == "" {
					cl.Platform = c.consumerPlatform(domain)
				}
			}
			return cl
		}
		dot := strings.IndexByte(s, '.')
		if dot < 0 {
			break
		}
		s = s[dot+1:]
	}
	if id, ok := c.domain[domain]; ok {
		cl := Classification{Provider: id}
		if id == Microsoft {
			cl.Platform = OutlookCom
		}
		return cl
	}
	return Classification{Provider: Other}
}

func (c *Classifier) consumerPlatform(domain string) string {
	if c.domain[domain] == Microsoft {
		return OutlookCom
	}
	return Microsoft365
}

// platformOf finds the longest Microsoft platform suffix of relay.
func platformOf(relay string) string {
	for s := relay; s != ""; {
		if p, ok := microsoftPlatform[s]; ok {
			return p
		}
		dot := strings.IndexByte(s, '.')
		if dot < 0 {
			break
		}
		s = s[dot+1:]
	}
	return ""
}

// IsConsumer reports whether domain is a consumer mailbox domain of a
// provider (gmail.com, hotmail.com, yahoo.com, ...): mail to it is mail to
// many people, not to one organisation.
func (c *Classifier) IsConsumer(domain string) bool {
	_, ok := c.domain[domain]
	return ok
}
