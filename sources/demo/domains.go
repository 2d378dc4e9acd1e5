package demo

import "strings"

// provider indexes the per-provider counters; providerIDs gives the ids
// relaytop's classifier uses for them.
type provider uint8

const (
	provMicrosoft provider = iota
	provGoogle
	provYahoo
	provApple
	provOther
	numProviders
)

var providerIDs = [numProviders]string{"microsoft", "google", "yahoo", "apple", "other"}

// domKind says which mail system receives a domain's mail, and so which
// relay hosts and reply texts its lines carry.
type domKind uint8

const (
	kindM365      domKind = iota // Microsoft 365 tenant
	kindOutlook                  // Outlook.com consumer
	kindGmail                    // gmail.com, googlemail.com
	kindWorkspace                // Google Workspace tenant
	kindYahoo                    // yahoo.com, ymail.com
	kindAOL                      // aol.com (Yahoo's AOL MX)
	kindApple                    // iCloud
	kindTail                     // small independent domain
)

// tailMode is how a domain's server behaves all campaign long, when it
// differs from the rest of its kind.
type tailMode uint8

const (
	modeNormal   tailMode = iota
	modeGreylist          // first attempt of each recipient answered 450 4.2.0
	modeDead              // every connection times out
	modeDNS               // MX lookup fails temporarily
	modeDiskFull          // answers 452 4.3.1 Insufficient system storage
	modeRule              // a Microsoft 365 tenant whose mail flow rule rejects the campaign
)

// domain is one recipient domain of the simulated list.
type domain struct {
	name   string
	kind   domKind
	prov   provider
	mode   tailMode
	mx     string  // fixed MX host (tenants, consumer Microsoft, tail)
	ip     [4]byte // its address (last octet varied for Microsoft)
	flavor uint8   // tail: which MTA software answers (reply style)
	// suspended is the simulated time (ms) until which Postfix treats the
	// destination as dead and defers without connecting.
	suspended int64
}

// Fictitious Microsoft 365 tenants (Microsoft's own example companies).
var m365Names = []string{
	"contoso.com", "fabrikam.com", "northwind-traders.com", "adventure-works.com",
	"tailspintoys.com", "wingtiptoys.com", "litwareinc.com", "woodgrovebank.com",
	"proseware.com", "lucernepublishing.com", "margiestravel.com", "cohowinery.com",
	"alpineskihouse.com", "blueyonderairlines.com", "fourthcoffee.com",
	"humongousinsurance.com", "lamnahealthcare.com", "treyresearch.net",
	"wideworldimporters.com", "relecloud.com", "consolidatedmessenger.com",
	"southridgevideo.com", "vanarsdelltd.com", "cpandl.com",
}

// Fictitious Google Workspace tenants.
var workspaceNames = []string{
	"initech.example", "globex.example", "hooli.example", "piedpiper.example",
	"vandelay-industries.example", "dunder-mifflin.example", "acme-corp.example",
	"umbrella-health.example", "soylent.example", "wonka-industries.example",
	"stark-labs.example", "cyberdyne.example", "oceanic-airlines.example",
	"sterling-cooper.example", "prestige-worldwide.example", "massive-dynamic.example",
}

var tailAdjectives = []string{
	"quiet", "blue", "harbor", "maple", "silver", "north", "red", "green",
	"golden", "stone", "river", "cedar", "summit", "bright", "lakeside", "iron",
	"prairie", "coastal", "old-town", "sunny",
}

var tailNouns = []string{
	"dental", "bakery", "outfitters", "clinic", "books", "law", "realty", "garage",
	"studio", "farm", "cycles", "hardware", "print", "florist", "pharmacy", "coffee",
	"travel", "builders", "tutoring", "vets",
}

const numTail = 200

// Indexes into the tail list of the domains with special behaviour. The
// tail is Zipf-weighted, so low indexes get the most mail.
var (
	tailDead     = []int{11, 47, 123}
	tailDNS      = []int{29, 141}
	tailGreylist = []int{6, 23, 36, 52, 77, 98, 110, 160, 188}
	// tailDiskFull's server (a Postfix) has been out of queue space since
	// yesterday; it receives yesterday's backlog.
	tailDiskFull = 85
)

// ruleTenant is the Microsoft 365 tenant whose mail flow rule rejects the
// campaign from TenantRuleFrom.
const ruleTenant = "fabrikam.com"

// domainTable is the fixed recipient population, shared by every Sim.
type domainTable struct {
	doms []domain
	// Per-kind index ranges into doms.
	m365, outlook, gmail, workspace, yahoo, aol, apple, tail []uint16
	// diskFull is the index of the tail domain tailDiskFull.
	diskFull uint16
	// tailCum is the cumulative Zipf weight of tail[i] (scaled to 1<<20).
	tailCum []uint32
}

var table = buildTable()

func buildTable() *domainTable {
	t := &domainTable{}
	add := func(d domain) uint16 {
		t.doms = append(t.doms, d)
		return uint16(len(t.doms) - 1)
	}
	for i, n := range m365Names {
		mx := strings.ReplaceAll(n, ".", "-") + ".mail.protection.outlook.com"
		d := domain{name: n, kind: kindM365, prov: provMicrosoft, mx: mx, ip: [4]byte{52, 101, byte(8 + i*9), byte(10 + i*7)}}
		if n == ruleTenant {
			d.mode = modeRule
		}
		t.m365 = append(t.m365, add(d))
	}
	for i, n := range []string{"hotmail.com", "outlook.com", "live.com", "msn.com"} {
		mx := strings.ReplaceAll(n, ".", "-") + ".olc.protection.outlook.com"
		t.outlook = append(t.outlook, add(domain{name: n, kind: kindOutlook, prov: provMicrosoft, mx: mx,
			ip: [4]byte{52, 101, byte(40 + i), 0}}))
	}
	t.gmail = append(t.gmail, add(domain{name: "gmail.com", kind: kindGmail, prov: provGoogle}))
	t.gmail = append(t.gmail, add(domain{name: "googlemail.com", kind: kindGmail, prov: provGoogle}))
	for _, n := range workspaceNames {
		t.workspace = append(t.workspace, add(domain{name: n, kind: kindWorkspace, prov: provGoogle}))
	}
	t.yahoo = append(t.yahoo, add(domain{name: "yahoo.com", kind: kindYahoo, prov: provYahoo}))
	t.yahoo = append(t.yahoo, add(domain{name: "ymail.com", kind: kindYahoo, prov: provYahoo}))
	t.aol = append(t.aol, add(domain{name: "aol.com", kind: kindAOL, prov: provYahoo}))
	t.apple = append(t.apple, add(domain{name: "icloud.com", kind: kindApple, prov: provApple}))
	t.apple = append(t.apple, add(domain{name: "me.com", kind: kindApple, prov: provApple}))

	na, nn := len(tailAdjectives), len(tailNouns)
	var cum uint32
	for i := range numTail {
		// A fixed walk through the adjective x noun grid: (37i mod 400)
		// visits 200 distinct cells.
		c := (i*37 + 11) % (na * nn)
		name := tailAdjectives[c/nn] + "-" + tailNouns[c%nn] + ".example"
		prefix := [...]string{"mx.", "mail.", "mx1.", "smtp."}[i%4]
		ip := [4]byte{198, 51, 100, byte(10 + i)}
		if i >= 100 {
			ip = [4]byte{203, 0, 113, byte(10 + i - 100)}
		}
		d := domain{name: name, kind: kindTail, prov: provOther, mx: prefix + name, ip: ip, flavor: uint8(i % 5)}
		t.tail = append(t.tail, add(d))
		cum += uint32((1 << 20) / (i + 8))
		t.tailCum = append(t.tailCum, cum)
	}
	for _, i := range tailDead {
		t.doms[t.tail[i]].mode = modeDead
	}
	t.doms[t.tail[tailDead[0]]].ip = [4]byte{198, 51, 100, 7}
	for _, i := range tailDNS {
		t.doms[t.tail[i]].mode = modeDNS
	}
	for _, i := range tailGreylist {
		t.doms[t.tail[i]].mode = modeGreylist
	}
	t.diskFull = t.tail[tailDiskFull]
	t.doms[t.diskFull].mode = modeDiskFull
	return t
}

// Relay host names of the big consumer providers.
var (
	gmailMX     = []string{"gmail-smtp-in.l.google.com", "alt1.gmail-smtp-in.l.google.com", "alt2.gmail-smtp-in.l.google.com", "alt3.gmail-smtp-in.l.google.com", "alt4.gmail-smtp-in.l.google.com"}
	workspaceMX = []string{"aspmx.l.google.com", "alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com"}
	googleIPs   = [][3]byte{{142, 250, 102}, {142, 251, 9}, {74, 125, 206}, {108, 177, 15}, {64, 233, 184}, {173, 194, 76}}
	yahooMX     = []string{"mta5.am0.yahoodns.net", "mta6.am0.yahoodns.net", "mta7.am0.yahoodns.net"}
	yahooIPs    = [][3]byte{{67, 195, 204}, {98, 136, 96}, {67, 195, 228}}
	aolMX       = "mx-aol.mail.gm0.yahoodns.net"
	appleMX     = []string{"mx01.mail.icloud.com", "mx02.mail.icloud.com"}
	appleIPs    = [][3]byte{{17, 57, 154}, {17, 42, 251}}
)

// Names for recipient local parts.
var firstNames = []string{
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
	"mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "wendy",
	"amir", "bea", "chen", "dmitri", "elena", "fatima", "giulia", "hiro", "ines", "jonas",
	"kofi", "lena", "mateo", "nadia", "omar", "priya", "quinn", "rosa", "sven", "tara",
	"uma", "vikram", "yara", "zoe", "liam", "noah", "emma", "ava", "mia", "lucas",
	"sofia", "leo", "nora", "hugo", "ella", "owen", "ruby", "axel", "iris", "felix",
	"clara", "jack", "maya", "theo",
}

var lastNames = []string{
	"smith", "jones", "brown", "taylor", "wilson", "davies", "evans", "thomas", "johnson", "roberts",
	"walker", "wright", "robinson", "thompson", "white", "hughes", "edwards", "green", "hall", "wood",
	"harris", "martin", "jackson", "clarke", "clark", "turner", "hill", "scott", "cooper", "morris",
	"ward", "moore", "king", "watson", "baker", "harrison", "morgan", "patel", "young", "allen",
	"mitchell", "james", "anderson", "phillips", "lee", "bell", "parker", "davis", "garcia", "muller",
	"rossi", "kowalski", "nguyen", "silva", "kim", "novak", "larsen", "dubois", "schmidt", "santos",
	"okafor", "tanaka", "ivanova", "haddad",
}
