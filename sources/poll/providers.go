package poll

import (
	"strings"

	"github.com/relaytop/relaytop/model"
)

// kumoProviderNames maps the names operators commonly give KumoMTA
// providers in their shaping rules (compared lowercase, letters and digits
// only) to relaytop provider ids.
var kumoProviderNames = map[string]string{
	"google": model.Google, "gmail": model.Google, "googlemail": model.Google,
	"gsuite": model.Google, "googleworkspace": model.Google, "gworkspace": model.Google,
	"microsoft": model.Microsoft, "outlook": model.Microsoft, "hotmail": model.Microsoft,
	"office365": model.Microsoft, "o365": model.Microsoft, "microsoft365": model.Microsoft,
	"m365": model.Microsoft, "msn": model.Microsoft, "live": model.Microsoft,
	"exchangeonline": model.Microsoft, "outlookcom": model.Microsoft,
	"yahoo": model.Yahoo, "aol": model.Yahoo, "yahooaol": model.Yahoo, "aolyahoo": model.Yahoo,
	"apple": model.Apple, "icloud": model.Apple,
}

// providerOf maps a label to a relaytop provider id.
//
// A domain label is classified by the recipient-domain table
// (model.Classifier.Classify("", domain)). A KumoMTA provider label is
// either a provider name from the operator's shaping rules or, for
// destinations no rule names, KumoMTA's site name: the destination's MX
// host names factored into a pattern such as
// "(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com". It is looked up
// first in kumoProviderNames, then among relaytop's own provider ids
// ("proofpoint", "zoho", ...), then each host name of the pattern (its
// "(...)" group, port and trailing dot removed) is classified as a relay
// host and as a domain; the first known provider wins. Anything else is
// model.Other, and the label is kept in the row.
func providerOf(kind labelKind, label string) string {
	c := model.DefaultClassifier()
	switch kind {
	case labelNone:
		return ""
	case labelDomain:
		return c.Classify("", strings.ToLower(label)).Provider
	}
	l := strings.ToLower(strings.TrimSpace(label))
	key := alnum(l)
	if id, ok := kumoProviderNames[key]; ok {
		return id
	}
	if key != "" && key != model.Other && c.Name(key) != key {
		return key
	}
	for _, part := range strings.Split(l, ",") {
		h := siteHost(part)
		if h == "" {
			continue
		}
		if id := c.Classify(h, h).Provider; id != model.Other {
			return id
		}
	}
	return model.Other
}

func alnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// siteHost turns one element of a KumoMTA site name into a host name:
// "(mta5|mta6|mta7).am0.yahoodns.net:123" -> "am0.yahoodns.net".
func siteHost(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "(") {
		end := strings.IndexByte(s, ')')
		if end < 0 {
			return ""
		}
		s = strings.TrimPrefix(s[end+1:], "?")
	}
	s = strings.Trim(s, ".")
	if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.Trim(s[i+1:], "0123456789") == "" {
		s = strings.TrimSuffix(s[:i], ".")
	}
	if strings.ContainsAny(s, " /()|[]") || !strings.Contains(s, ".") {
		return ""
	}
	return s
}

// providerCache memoises providerOf for one Poller.
type providerCache map[rowKey]string

func (pc providerCache) get(kind labelKind, label string) string {
	k := rowKey{label: label, by: string(rune('0' + kind))}
	if id, ok := pc[k]; ok {
		return id
	}
	if len(pc) > 50_000 {
		clear(pc)
	}
	id := providerOf(kind, label)
	pc[k] = id
	return id
}
