package kb

import (
	"sync"

	"github.com/relaytop/relaytop/model"
)

// Verdicts returns verdict settings drawn from the knowledge base: each
// signature's threshold is its entry's threshold_share, and signatures
// that match one deep entry by provider (and token) are one family,
// judged together. Lookups are cached; the result is safe for concurrent
// use.
func (k *KB) Verdicts() model.VerdictConfig {
	type res struct {
		thr    float64
		family string
	}
	var mu sync.Mutex
	cache := map[model.SigKey]res{}
	look := func(s model.SigKey) res {
		mu.Lock()
		defer mu.Unlock()
		if r, ok := cache[s]; ok {
			return r
		}
		m := k.Match(Query{Provider: s.Provider, Reply: model.Reply{Code: s.Code, Enhanced: s.Enhanced, Text: s.Text}})
		r := res{thr: m.Entry.ThresholdShare}
		if m.Entry.Deep && m.Level >= LevelProvider {
			r.family = m.Entry.ID
		}
		if len(cache) >= 20000 {
			// Full (a log of endless distinct replies): start again, so
			// that the Family lookup after a Threshold one still hits.
			clear(cache)
		}
		cache[s] = r
		return r
	}
	return model.VerdictConfig{
		Threshold: func(s model.SigKey) float64 { return look(s).thr },
		Family:    func(s model.SigKey) string { return look(s).family },
	}
}
