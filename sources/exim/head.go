package exim

import "bytes"

// head is what a delivery line says before its reason: the addresses and
// the KEY=VALUE fields Exim writes, in any order.
type head struct {
	rcpt      []byte // the address delivered ("a@b", "userx", ":blackhole:", "|/bin/cmd")
	parent    []byte // the first "<orig@c>" after it, if any
	router    []byte // R=
	transport []byte // T=
	host, ip  []byte // H=host [ip] or H=[ip]
	iface     []byte // I=[ip]:port, the sending address
	confirm   []byte // C="250 ..."
	// errno is the "(N)" of "defer (N)"; errText the strerror text that
	// may follow it ("Connection timed out").
	errno, errText []byte
	msg            []byte // the reason, after " : " or ": "
}

// splitHead reads "ADDR [<orig>]... [R=.. T=.. H=host [ip] ... ][defer (N)[: strerror]][ H=...][: reason]".
// Fields end at a ": " that is not inside a value; what follows is the
// reason. It reports false when there is no address.
func splitHead(s []byte) (head, bool) {
	var h head
	s = bytes.TrimLeft(s, " ")
	end := bytes.IndexByte(s, ' ')
	if len(s) > 0 && s[0] == '|' {
		// A pipe command may hold spaces: it runs to its parent or fields.
		end = -1
		for _, sep := range [...]string{" <", " (", " R=", " T=", ": "} {
			if i := bytes.Index(s, []byte(sep)); i > 0 && (end < 0 || i < end) {
				end = i
			}
		}
	}
	if end < 0 {
		end = len(s)
	}
	h.rcpt, s = s[:end], s[end:]
	if len(h.rcpt) > 1 && h.rcpt[0] != ':' && h.rcpt[len(h.rcpt)-1] == ':' {
		h.rcpt = h.rcpt[:len(h.rcpt)-1]
		h.msg = bytes.TrimSpace(s)
		return h, len(h.rcpt) > 0
	}
	if len(h.rcpt) == 0 {
		return h, false
	}
	for {
		s = bytes.TrimLeft(s, " ")
		if len(s) == 0 {
			return h, true
		}
		if msg, ok := reasonAt(s); ok {
			h.msg = msg
			return h, true
		}
		switch {
		case s[0] == '<' || s[0] == '(':
			cl := byte('>')
			if s[0] == '(' {
				cl = ')'
			}
			e := bytes.IndexByte(s, cl)
			if e < 0 {
				return h, true
			}
			if s[0] == '<' && h.parent == nil {
				h.parent = s[1:e]
			}
			s = s[e+1:]
		case bytes.HasPrefix(s, []byte("defer (")):
			s = h.deferPart(s[len("defer ("):])
		default:
			var done bool
			s, done = h.field(s)
			if done {
				return h, true
			}
		}
	}
}

// reasonAt reports whether s starts the reason (": text" or a lone ":").
func reasonAt(s []byte) ([]byte, bool) {
	if s[0] != ':' || (len(s) > 1 && s[1] != ' ') {
		return nil, false
	}
	return bytes.TrimSpace(s[1:]), true
}

// deferPart reads "N)[: strerror]" after "defer (". A negative N is
// Exim's own error code, which has no strerror: a ": " after it starts the
// reason. A strerror text runs to " H=" or ": ".
func (h *head) deferPart(s []byte) []byte {
	e := bytes.IndexByte(s, ')')
	if e < 0 {
		h.errno = s
		return nil
	}
	h.errno, s = s[:e], s[e+1:]
	if len(h.errno) > 0 && h.errno[0] == '-' || !bytes.HasPrefix(s, []byte(": ")) {
		return s
	}
	s = s[2:]
	end := len(s)
	for _, sep := range [...]string{" H=", ": "} {
		if i := bytes.Index(s, []byte(sep)); i >= 0 && i < end {
			end = i
		}
	}
	h.errText = s[:end]
	return s[end:]
}

// field reads one "KEY=VALUE" or bare token ("L", "K", "DS", "PRDR") and
// reports whether the reason started right after it (a value ending in
// ':'), in which case h.msg is set.
func (h *head) field(s []byte) ([]byte, bool) {
	sp := bytes.IndexByte(s, ' ')
	eq := bytes.IndexByte(s, '=')
	if eq <= 0 || (sp >= 0 && eq > sp) {
		// A bare token.
		if sp < 0 {
			sp = len(s)
		}
		tok := s[:sp]
		if tok[len(tok)-1] == ':' {
			h.msg = bytes.TrimSpace(s[sp:])
			return nil, true
		}
		return s[sp:], false
	}
	key, v := s[:eq], s[eq+1:]
	if len(key) == 1 && key[0] == 'H' {
		return h.hostField(v)
	}
	var val []byte
	if len(v) > 0 && v[0] == '"' {
		val, s = quoted(v)
	} else {
		e := bytes.IndexByte(v, ' ')
		if e < 0 {
			e = len(v)
		}
		val, s = v[:e], v[e:]
		if len(val) > 0 && val[len(val)-1] == ':' {
			h.set(key, val[:len(val)-1])
			h.msg = bytes.TrimSpace(s)
			return nil, true
		}
	}
	h.set(key, val)
	return h.after(s)
}

// after checks for a reason glued to the end of a value ("[ip]: ...",
// "\"...\": ...").
func (h *head) after(s []byte) ([]byte, bool) {
	if len(s) > 0 && s[0] == ':' {
		if msg, ok := reasonAt(s); ok {
			h.msg = msg
			return nil, true
		}
	}
	return s, false
}

func (h *head) set(key, val []byte) {
	switch string(key) {
	case "R":
		h.router = val
	case "T":
		h.transport = val
	case "C":
		h.confirm = val
	case "I":
		h.iface = val
	}
}

// hostField reads "host [ip][:port][*]", "[ip][:port][*]" or "host".
func (h *head) hostField(v []byte) ([]byte, bool) {
	if len(v) > 0 && v[0] != '[' {
		e := bytes.IndexByte(v, ' ')
		if e < 0 {
			e = len(v)
		}
		h.host, v = v[:e], v[e:]
		if len(h.host) > 0 && h.host[len(h.host)-1] == ':' {
			h.host = h.host[:len(h.host)-1]
			h.msg = bytes.TrimSpace(v)
			return nil, true
		}
		if !bytes.HasPrefix(v, []byte(" [")) {
			return h.after(v)
		}
		v = v[1:]
	}
	cl := bytes.IndexByte(v, ']')
	if cl < 0 {
		return nil, true
	}
	h.ip, v = v[1:cl], v[cl+1:]
	// ":port" (+outgoing_port) and "*" (a continued connection).
	if len(v) > 1 && v[0] == ':' && isDigit(v[1]) {
		i := 1
		for i < len(v) && isDigit(v[i]) {
			i++
		}
		v = v[i:]
	}
	for len(v) > 0 && v[0] == '*' {
		v = v[1:]
	}
	return h.after(v)
}

// quoted reads a "..." value (v starts with the quote). The closing quote
// is the one followed by a space, a colon or the end, so quotes inside a
// reply survive.
func quoted(v []byte) ([]byte, []byte) {
	for i := 1; i < len(v); i++ {
		if v[i] == '"' && (i+1 == len(v) || v[i+1] == ' ' || v[i+1] == ':') {
			return v[1:i], v[i+1:]
		}
	}
	return v[1:], nil
}
