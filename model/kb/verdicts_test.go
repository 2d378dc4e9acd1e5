package kb

import (
	"testing"

	"github.com/relaytop/relaytop/model"
)

func TestVerdictFamilies(t *testing.T) {
	v := Default().Verdicts()
	sig := func(p string, code int, enh, text string) model.SigKey {
		return model.SigKey{Provider: p, Code: code, Enhanced: enh, Text: model.Normalize(text)}
	}
	prx1 := sig("microsoft", 451, "4.7.0", "Temporary server error. Please try again later. PRX1")
	prx4 := sig("microsoft", 451, "4.7.0", "Temporary server error. Please try again later. PRX4 [AM0PR02MB1234.eurprd02.prod.outlook.com 2026-11-27T10:00:00.000Z 08DD1A2B3C4D5E6F]")
	if f := v.Family(prx1); f == "" || f != v.Family(prx4) {
		t.Errorf("PRX1 %q and PRX4 %q are one reply", f, v.Family(prx4))
	}
	if v.Threshold(prx1) != 0.10 {
		t.Errorf("threshold %v", v.Threshold(prx1))
	}
	rate := sig("google", 421, "4.7.0", "Our system has detected an unusual rate of unsolicited mail originating from your IP address.")
	tls := sig("google", 421, "4.7.0", "TLS required for RCPT domain, closing connection.")
	if v.Family(rate) == "" || v.Family(rate) == v.Family(tls) {
		t.Errorf("unusual rate %q and TLS required %q are different replies", v.Family(rate), v.Family(tls))
	}
	// A reply only the registry knows stands alone.
	if f := v.Family(sig("other", 451, "4.3.0", "try later")); f != "" {
		t.Errorf("registry-only reply in family %q", f)
	}
}
