package kb

import (
	"slices"
	"strings"
)

// The "## " sections a deep entry's body may hold, by lowercased title.
const (
	secMeaning = "what it means"
	secWho     = "who sends it"
	secWhy     = "why it happens"
	secFix     = "how to fix it"
	secBulk    = "in bulk and cold email"
	secFAQ     = "faq"
)

var sectionNames = []string{secMeaning, secWho, secWhy, secFix, secBulk, secFAQ}

// parseBody fills e's sections from the Markdown after the front matter;
// first is the file line number of lines[0].
func parseBody(e *Entry, lines []string, first int) error {
	seen := map[string]int{}
	cur, curLine := "", 0
	var buf []string
	flush := func() error {
		if cur == "" {
			return nil
		}
		return e.setSection(cur, curLine, buf)
	}
	for i, l := range lines {
		n := first + i
		if title, ok := strings.CutPrefix(l, "## "); ok {
			if err := flush(); err != nil {
				return err
			}
			key := strings.ToLower(strings.TrimSpace(title))
			if !slices.Contains(sectionNames, key) {
				return errAt(n, "unknown section %q (known: What it means, Who sends it, Why it happens, How to fix it, In bulk and cold email, FAQ)", strings.TrimSpace(title))
			}
			if prev, dup := seen[key]; dup {
				return errAt(n, "section %q appears twice (first on line %d)", strings.TrimSpace(title), prev)
			}
			seen[key] = n
			cur, curLine, buf = key, n, nil
			continue
		}
		if cur == "" {
			if strings.TrimSpace(l) != "" {
				return errAt(n, "text before the first ## section: %q", l)
			}
			continue
		}
		buf = append(buf, l)
	}
	if err := flush(); err != nil {
		return err
	}
	if e.Meaning == "" {
		return errAt(first, "the \"## What it means\" section is required and must not be empty")
	}
	return nil
}

// setSection stores one section's lines; at is the heading's line number.
func (e *Entry) setSection(name string, at int, lines []string) error {
	switch name {
	case secMeaning:
		e.Meaning = foldProse(lines)
	case secWho:
		e.WhoSends = foldProse(lines)
	case secWhy:
		e.Why = foldProse(lines)
	case secBulk:
		e.Bulk = foldProse(lines)
	case secFix:
		steps, err := parseSteps(lines, at+1)
		if err != nil {
			return err
		}
		e.Fix = steps
	case secFAQ:
		faq, err := parseFAQ(lines, at+1)
		if err != nil {
			return err
		}
		e.FAQ = faq
	}
	return nil
}

// foldProse joins soft-wrapped lines into paragraphs separated by a blank
// line. A list item ("- ", "* ", "1. ") starts a line of its own; the lines
// under it continue it.
func foldProse(lines []string) string {
	var b strings.Builder
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b.Grow(n)
	open := false // a paragraph is being written
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			open = false
			continue
		case !open:
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
		case isListItem(t):
			b.WriteByte('\n')
		default:
			b.WriteByte(' ')
		}
		b.WriteString(t)
		open = true
	}
	return b.String()
}

func isListItem(t string) bool {
	if strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") {
		return true
	}
	_, _, ok := cutStepNumber(t)
	return ok
}

// cutStepNumber splits "12. text" into 12 and "text".
func cutStepNumber(t string) (int, string, bool) {
	num, rest, ok := strings.Cut(t, ". ")
	if !ok {
		return 0, "", false
	}
	n, ok := parseNum(num, 3)
	return n, strings.TrimSpace(rest), ok
}

// parseSteps reads an ordered list; first is the line number of lines[0].
// Lines that do not start a new item continue the item above.
func parseSteps(lines []string, first int) ([]string, error) {
	var steps []string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if _, rest, ok := cutStepNumber(t); ok {
			steps = append(steps, rest)
			continue
		}
		if len(steps) == 0 {
			return nil, errAt(first+i, "how to fix it: text before the first numbered step (want \"1. ...\"): %q", t)
		}
		steps[len(steps)-1] += " " + t
	}
	if len(steps) == 0 {
		return nil, errAt(first-1, "how to fix it: no numbered steps")
	}
	return steps, nil
}

// parseFAQ reads paragraphs that open with a bold question
// ("**Is it lost?** No, ..."); paragraphs that do not open with "**"
// continue the answer above.
func parseFAQ(lines []string, first int) ([]QA, error) {
	var faq []QA
	var para []string
	paraLine := 0
	end := func() error {
		if len(para) == 0 {
			return nil
		}
		p := strings.Join(para, " ")
		para = nil
		if rest, ok := strings.CutPrefix(p, "**"); ok {
			q, a, ok := strings.Cut(rest, "**")
			if !ok || strings.TrimSpace(q) == "" {
				return errAt(paraLine, "faq: question without closing **: %q", p)
			}
			faq = append(faq, QA{Q: strings.TrimSpace(q), A: strings.TrimSpace(a)})
			return nil
		}
		if len(faq) == 0 {
			return errAt(paraLine, "faq: answer before the first **question**: %q", p)
		}
		last := &faq[len(faq)-1]
		last.A = strings.TrimSpace(last.A + "\n\n" + p)
		return nil
	}
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			if err := end(); err != nil {
				return nil, err
			}
			continue
		}
		if len(para) == 0 {
			paraLine = first + i
		}
		para = append(para, t)
	}
	if err := end(); err != nil {
		return nil, err
	}
	for _, qa := range faq {
		if qa.A == "" {
			return nil, errAt(first-1, "faq: question %q has no answer", qa.Q)
		}
	}
	if len(faq) == 0 {
		return nil, errAt(first-1, "faq: no questions")
	}
	return faq, nil
}
