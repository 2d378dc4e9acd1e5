package kumo

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The fast decoder: a hand-written reader of the record's fields that
// gives what json.Unmarshal into record gives, without its reflection and
// allocations. It walks the top-level object once, checks the JSON syntax
// of the whole line as encoding/json does (a cut or invalid line is
// unparsed), notes where each field of record lies in the line and skips
// every other value (meta, headers, ...). Nothing is copied while
// walking: a result record's strings are then pieces of one copy of the
// line (the event's Raw), except those that need unescaping or invalid
// UTF-8 replaced; a noise record costs nothing but the walk.
//
// Where it cannot be sure of giving encoding/json's result it says so
// (fastFallback) and the line is decoded by encoding/json instead: a key
// of one of the decoded objects (the record, response, enhanced_code,
// peer_address, source_address) written twice (encoding/json merges the
// values) or with an escape or a non-ASCII byte (encoding/json matches
// keys by Unicode case folding: "ſite" is site), and values nested deeper
// than maxFastDepth. The keys inside skipped values are only checked. The
// other behaviours of encoding/json with a struct are followed
// exactly: keys match case-insensitively, a value of an unexpected type or
// null leaves its field as it was (empty), an int field takes only a
// number written as an integer that fits, and timestamp and created keep
// their value's text (json.RawMessage).

// fastStatus is what the fast decoder made of a line.
type fastStatus uint8

const (
	fastOK       fastStatus = iota // decoded
	fastSyntax                     // not valid JSON: unparsed
	fastFallback                   // decode it with encoding/json
)

// maxFastDepth bounds the nesting the fast decoder follows; deeper lines
// go to encoding/json (which accepts up to 10000 levels).
const maxFastDepth = 64

// span is where a value of the record lies in the line: for a string its
// text between the quotes, for a raw value (timestamp, created) the whole
// value.
type span struct {
	lo, hi int
	set    bool
	esc    bool // a string holding a backslash escape
}

// fastRecord is record as positions in the line.
type fastRecord struct {
	typ, id, recipient, site, egressPool, egressSource span
	content, command                                   span
	peerName, peerAddr, sourceAddr                     span
	timestamp, created                                 span
	code, class, subject, detail                       int
	enhanced, peer, source                             bool // the object was there
}

// The keys of record and its objects. The bit of each is its place in
// its object's seen mask.
const (
	kNone = iota
	kType
	kID
	kRecipient
	kSite
	kResponse
	kPeerAddress
	kTimestamp
	kCreated
	kEgressPool
	kEgressSource
	kSourceAddress
	// response
	kCode
	kEnhancedCode
	kContent
	kCommand
	// enhanced_code
	kClass
	kSubject
	kDetail
	// peer_address
	kName
	kAddr
	// source_address
	kAddress
)

// Which keys each object knows.
const (
	objRecord = iota
	objResponse
	objEnhanced
	objPeer
	objSource
)

// keyOf returns the key of object obj that k names, kNone for an unknown
// one, or fastFallback when only encoding/json's folding can tell.
func keyOf(obj int, k []byte) (int, fastStatus) {
	if key := exactKey(obj, k); key != kNone {
		return key, fastOK
	}
	if plain(k) {
		return kNone, fastOK
	}
	for _, c := range k {
		if c >= utf8.RuneSelf {
			return kNone, fastFallback // may fold to ASCII: ſ is s, K (Kelvin) is k
		}
	}
	// Keys match case-insensitively.
	var low [16]byte
	if len(k) > len(low) {
		return kNone, fastOK // longer than any key
	}
	for i, c := range k {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	return exactKey(obj, low[:len(k)]), fastOK
}

// plain says whether k is ASCII without capitals.
func plain(k []byte) bool {
	for _, c := range k {
		if c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			return false
		}
	}
	return true
}

// exactKey returns the key of object obj that k is, kNone for none.
func exactKey(obj int, k []byte) int {
	switch obj {
	case objRecord:
		switch string(k) {
		case "type":
			return kType
		case "id":
			return kID
		case "recipient":
			return kRecipient
		case "site":
			return kSite
		case "response":
			return kResponse
		case "peer_address":
			return kPeerAddress
		case "timestamp":
			return kTimestamp
		case "created":
			return kCreated
		case "egress_pool":
			return kEgressPool
		case "egress_source":
			return kEgressSource
		case "source_address":
			return kSourceAddress
		}
	case objResponse:
		switch string(k) {
		case "code":
			return kCode
		case "enhanced_code":
			return kEnhancedCode
		case "content":
			return kContent
		case "command":
			return kCommand
		}
	case objEnhanced:
		switch string(k) {
		case "class":
			return kClass
		case "subject":
			return kSubject
		case "detail":
			return kDetail
		}
	case objPeer:
		switch string(k) {
		case "name":
			return kName
		case "addr":
			return kAddr
		}
	case objSource:
		if string(k) == "address" {
			return kAddress
		}
	}
	return kNone
}

// decodeFast reads the record of b, a line trimmed of white space that
// starts with '{'.
func decodeFast(b []byte, r *fastRecord) fastStatus {
	i, st := object(b, 0, objRecord, r, 1)
	if st != fastOK {
		return st
	}
	if ws(b, i) != len(b) {
		return fastSyntax // something after the object
	}
	return fastOK
}

// isSpace holds JSON's white space.
var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// ws returns the index of the first byte from i on that is no white space.
func ws(b []byte, i int) int {
	for i < len(b) && isSpace[b[i]] {
		i++
	}
	return i
}

// The readers below take the line and the index of a value and return
// the index after it (meaningless with a status other than fastOK).

// member reads a member's key and colon at i ('"'), and the white space
// after them: it returns the key and where the value starts.
func member(b []byte, i int) (span, int, fastStatus) {
	if i >= len(b) || b[i] != '"' {
		return span{}, i, fastSyntax
	}
	k, st := str(b, i)
	if st != fastOK {
		return k, i, st
	}
	i = ws(b, k.hi+1)
	if i >= len(b) || b[i] != ':' {
		return k, i, fastSyntax
	}
	return k, ws(b, i+1), fastOK
}

// object reads the object at i (its '{'), one of the record's (obj),
// filling r.
func object(b []byte, i, obj int, r *fastRecord, depth int) (int, fastStatus) {
	i = ws(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, fastOK
	}
	var seen uint32
	for {
		var k span
		var st fastStatus
		k, i, st = member(b, i)
		if st != fastOK {
			return i, st
		}
		if i >= len(b) {
			return i, fastSyntax
		}
		key := kNone
		if k.esc {
			st = fastFallback // the key may unescape to one of obj's
		} else {
			key, st = keyOf(obj, b[k.lo:k.hi])
		}
		if st != fastOK {
			return i, st
		}
		if key != kNone {
			if seen&(1<<key) != 0 {
				return i, fastFallback // encoding/json merges repeated keys
			}
			seen |= 1 << key
		}
		switch key {
		case kType:
			i, st = strField(b, i, &r.typ, depth)
		case kID:
			i, st = strField(b, i, &r.id, depth)
		case kRecipient:
			i, st = strField(b, i, &r.recipient, depth)
		case kSite:
			i, st = strField(b, i, &r.site, depth)
		case kEgressPool:
			i, st = strField(b, i, &r.egressPool, depth)
		case kEgressSource:
			i, st = strField(b, i, &r.egressSource, depth)
		case kContent:
			i, st = strField(b, i, &r.content, depth)
		case kCommand:
			i, st = strField(b, i, &r.command, depth)
		case kName:
			i, st = strField(b, i, &r.peerName, depth)
		case kAddr:
			i, st = strField(b, i, &r.peerAddr, depth)
		case kAddress:
			i, st = strField(b, i, &r.sourceAddr, depth)
		case kCode:
			i, st = intField(b, i, &r.code, depth)
		case kClass:
			i, st = intField(b, i, &r.class, depth)
		case kSubject:
			i, st = intField(b, i, &r.subject, depth)
		case kDetail:
			i, st = intField(b, i, &r.detail, depth)
		case kTimestamp:
			i, st = rawField(b, i, &r.timestamp, depth)
		case kCreated:
			i, st = rawField(b, i, &r.created, depth)
		case kResponse:
			i, st = objField(b, i, objResponse, r, nil, depth)
		case kEnhancedCode:
			i, st = objField(b, i, objEnhanced, r, &r.enhanced, depth)
		case kPeerAddress:
			i, st = objField(b, i, objPeer, r, &r.peer, depth)
		case kSourceAddress:
			i, st = objField(b, i, objSource, r, &r.source, depth)
		default:
			i, st = skip(b, i, depth)
		}
		if st != fastOK {
			return i, st
		}
		i = ws(b, i)
		if i >= len(b) {
			return i, fastSyntax
		}
		switch b[i] {
		case ',':
			i = ws(b, i+1)
		case '}':
			return i + 1, fastOK
		default:
			return i, fastSyntax
		}
	}
}

// strField reads a string field's value; any other value is checked and
// skipped, leaving the field unset as encoding/json does.
func strField(b []byte, i int, s *span, depth int) (int, fastStatus) {
	if b[i] != '"' {
		return skip(b, i, depth)
	}
	v, st := str(b, i)
	if st != fastOK {
		return i, st
	}
	*s = v
	return v.hi + 1, fastOK
}

// intField reads an int field's value: encoding/json takes a number
// written as an integer that fits an int, and leaves the field for any
// other value (1.0, 1e2, "1", null).
func intField(b []byte, i int, n *int, depth int) (int, fastStatus) {
	end, st := skip(b, i, depth)
	if st != fastOK {
		return end, st
	}
	if v, ok := parseInt(b[i:end]); ok {
		*n = v
	}
	return end, fastOK
}

// rawField notes where a value lies (a json.RawMessage).
func rawField(b []byte, i int, s *span, depth int) (int, fastStatus) {
	end, st := skip(b, i, depth)
	if st != fastOK {
		return end, st
	}
	*s = span{lo: i, hi: end, set: true}
	return end, fastOK
}

// objField reads one of the record's objects; null or a value of another
// type leaves it empty (encoding/json leaves a nil pointer or an empty
// struct, which the event does not tell apart).
func objField(b []byte, i, obj int, r *fastRecord, there *bool, depth int) (int, fastStatus) {
	if b[i] != '{' {
		return skip(b, i, depth)
	}
	if depth+1 > maxFastDepth {
		return i, fastFallback
	}
	if there != nil {
		*there = true
	}
	return object(b, i, obj, r, depth+1)
}

// parseInt reads a JSON number token as strconv.ParseInt(s, 10, 64) does
// and says whether it fits an int.
func parseInt(s []byte) (int, bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	var n uint64
	for _, c := range s {
		if c < '0' || c > '9' || n > (1<<63)/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
		if n > 1<<63 {
			return 0, false
		}
	}
	v := int64(n) // -(1<<63) as it should be when neg
	if neg {
		v = -v
	} else if n > 1<<63-1 {
		return 0, false
	}
	if int64(int(v)) != v {
		return 0, false
	}
	return int(v), true
}

// skip checks and skips the value at i, at the given depth.
func skip(b []byte, i, depth int) (int, fastStatus) {
	if i >= len(b) {
		return i, fastSyntax
	}
	switch c := b[i]; c {
	case '"':
		s, st := str(b, i)
		return s.hi + 1, st
	case '{', '[':
		if depth+1 > maxFastDepth {
			return i, fastFallback
		}
		return skipContainer(b, i, depth+1)
	case 't':
		return lit(b, i, "true")
	case 'f':
		return lit(b, i, "false")
	case 'n':
		return lit(b, i, "null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			return number(b, i)
		}
		return i, fastSyntax
	}
}

func lit(b []byte, i int, w string) (int, fastStatus) {
	if len(b)-i < len(w) || string(b[i:i+len(w)]) != w {
		return i, fastSyntax
	}
	return i + len(w), fastOK
}

// number skips a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func number(b []byte, i int) (int, fastStatus) {
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return i, fastSyntax
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return i, fastSyntax
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, fastSyntax
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, fastSyntax
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i, fastOK
}

// skipContainer skips the object or array at i.
func skipContainer(b []byte, i, depth int) (int, fastStatus) {
	isObj := b[i] == '{'
	i = ws(b, i+1)
	if i >= len(b) {
		return i, fastSyntax
	}
	if c := b[i]; isObj && c == '}' || !isObj && c == ']' {
		return i + 1, fastOK
	}
	for {
		var st fastStatus
		if isObj {
			if _, i, st = member(b, i); st != fastOK {
				return i, st
			}
		}
		if i, st = skip(b, i, depth); st != fastOK {
			return i, st
		}
		i = ws(b, i)
		if i >= len(b) {
			return i, fastSyntax
		}
		switch c := b[i]; {
		case c == ',':
			i = ws(b, i+1)
		case isObj && c == '}', !isObj && c == ']':
			return i + 1, fastOK
		default:
			return i, fastSyntax
		}
	}
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// str reads the string at i (its opening quote) and returns where its
// text lies (hi is the index of its closing quote); it checks the escapes
// and that no control character is in it.
func str(b []byte, i int) (span, fastStatus) {
	i++
	s := span{lo: i, set: true}
	for {
		// Eight bytes at a time to the next quote, backslash or control
		// character (the lowest flagged byte is exact).
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			q := x ^ ('"' * ones)
			bs := x ^ ('\\' * ones)
			m := ((q - ones) &^ q) | ((bs - ones) &^ bs) | ((x - ' '*ones) &^ x)
			m &= highs
			if m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		for i < len(b) && b[i] >= ' ' && b[i] != '"' && b[i] != '\\' {
			i++
		}
		if i >= len(b) {
			return s, fastSyntax
		}
		switch c := b[i]; {
		case c == '"':
			s.hi = i
			return s, fastOK
		case c == '\\':
			s.esc = true
			if i+1 >= len(b) {
				return s, fastSyntax
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return s, fastSyntax
				}
				i += 6
			default:
				return s, fastSyntax
			}
		default: // a control character
			return s, fastSyntax
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// text returns the string value at s of the line b, whose copy is line:
// a piece of line when it needs no unescaping and is valid UTF-8, else
// what encoding/json makes of it.
func (s span) text(b []byte, line string) string {
	if !s.set {
		return ""
	}
	v := b[s.lo:s.hi]
	if !s.esc && utf8.Valid(v) {
		return line[s.lo:s.hi]
	}
	return unquote(v)
}

// unquote decodes the text of a JSON string (checked by decoder.str) as
// encoding/json does: escapes decoded, a \u escape of a lone or misplaced
// surrogate and each byte of invalid UTF-8 replaced by U+FFFD.
func unquote(s []byte) string {
	return string(appendUnquoted(make([]byte, 0, len(s)+2*utf8.UTFMax), s))
}

// appendUnquoted appends to buf what unquote returns.
func appendUnquoted(buf, s []byte) []byte {
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\' && r+1 < len(s):
			switch e := s[r+1]; e {
			case 'u':
				rr := getu4(s[r:])
				if rr < 0 {
					return buf // not reached: the string was checked
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						r += 6
						buf = utf8.AppendRune(buf, dec)
						break
					}
					rr = unicode.ReplacementChar
				}
				buf = utf8.AppendRune(buf, rr)
			default:
				r += 2
				switch e {
				case 'b':
					e = '\b'
				case 'f':
					e = '\f'
				case 'n':
					e = '\n'
				case 'r':
					e = '\r'
				case 't':
					e = '\t'
				}
				buf = append(buf, e)
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			buf = utf8.AppendRune(buf, rr)
		}
	}
	return buf
}

// getu4 decodes \uXXXX from the beginning of s, -1 if it is not one.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// fill sets r's fields but the pointers from f; b is the line, line its
// copy.
func (f *fastRecord) fill(r *record, b []byte, line string) {
	r.Type = f.typ.text(b, line)
	r.ID = f.id.text(b, line)
	r.Recipient = f.recipient.text(b, line)
	r.Site = f.site.text(b, line)
	r.EgressPool = f.egressPool.text(b, line)
	r.EgressSource = f.egressSource.text(b, line)
	r.Response = response{Code: f.code, Content: f.content.text(b, line), Command: f.command.text(b, line)}
	if f.timestamp.set {
		r.Timestamp = b[f.timestamp.lo:f.timestamp.hi]
	}
	if f.created.set {
		r.Created = b[f.created.lo:f.created.hi]
	}
}
