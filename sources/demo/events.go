package demo

// evKind is what a scheduled event does; each writes one line.
type evKind uint8

const (
	evConnect     evKind = iota // smtpd: connect from (session id)
	evClient                    // smtpd: QID: client= (session id; allocates a message)
	evDisconnect                // smtpd: disconnect from (session id)
	evCleanup                   // cleanup: QID: message-id=
	evQmgr                      // qmgr: QID: from=..., (queue active): starts an attempt
	evTLS                       // smtp: Trusted TLS connection established
	evConnTimeout               // smtp: connect to ...: Connection timed out
	evResult                    // smtp/error/local: QID: to=..., status=
	evHop                       // smtp: loopback content-filter hop, status=sent
	evNDRCleanup                // cleanup: message-id= of a non-delivery notice
	evBounce                    // bounce: QID: sender non-delivery notification
	evExpire                    // qmgr: QID: from=, status=expired, returned to sender (other MTAs: one recipient's expiry)
	evRemoved                   // qmgr: QID: removed
	evProbe                     // cleanup: message-id= of an address-verification probe
	evRecv                      // PowerMTA, KumoMTA: the reception record of a further recipient
)

// event is one scheduled step. id is a message index, or a session index
// for the smtpd events; r a recipient index.
type event struct {
	at   int64 // ms since the Sim's origin
	seq  uint64
	id   int32
	kind evKind
	r    uint8
}

// eventHeap is a 4-ary min-heap ordered by (at, seq): events at the same
// millisecond run in the order they were scheduled, which keeps the log
// deterministic and its timestamps non-decreasing. The order is total (seq
// is unique), so the shape of the heap never shows in the log; four
// children per node halve its depth, and the sift-down touches fewer cache
// lines than a binary heap's.
type eventHeap []event

func (h eventHeap) less(i, j int) bool {
	return h[i].at < h[j].at || (h[i].at == h[j].at && h[i].seq < h[j].seq)
}

func (h eventHeap) peek() event { return h[0] }

func (h *eventHeap) push(e event) {
	*h = append(*h, e)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !a.less(i, p) {
			break
		}
		a[i], a[p] = a[p], a[i]
		i = p
	}
}

func (h *eventHeap) pop() event {
	a := *h
	top := a[0]
	n := len(a) - 1
	a[0] = a[n]
	a = a[:n]
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for k := c + 1; k < min(c+4, n); k++ {
			if a.less(k, m) {
				m = k
			}
		}
		if !a.less(m, i) {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}

// Message kinds.
const (
	mkCampaign uint8 = iota // a campaign message (maybe via the content filter)
	mkNDR                   // a non-delivery notice, delivered locally
	mkProbe                 // an address-verification probe
)

// Recipient states.
const (
	stNew uint8 = iota
	stDeferred
	stSent
	stBounced
)

// Delivery routes of one attempt.
const (
	routeSMTP    uint8 = iota // connect and talk to the MX
	routeTimeout              // the connection times out (dead destination)
	routeError                // destination suspended: postfix/error defers at once
	routeDNS                  // MX lookup fails
	routeLocal                // local(8) delivery of a notice
)

const maxRcpt = 3

// recipient is one envelope recipient and the state of its current attempt.
type recipient struct {
	qAt        int64 // when the attempt started (qmgr), ms since origin
	b, c, d    int32 // delays= parts 2-4 of the attempt, ms
	num        uint16
	dom        uint16
	first      uint8
	last       uint8
	style      uint8
	invalid    bool // the mailbox does not exist: bounces when not deferred
	state      uint8
	route      uint8
	relay      uint8 // index into the provider's MX list
	ipLast     byte  // last octet of the relay address
	ipThird    byte  // third octet (provider pools)
	pid        int32
	tried      bool // has had a previous attempt (greylisting)
	hasTLSLine bool
	rp         reply // the answer to its last SMTP attempt
}

// message is one queue file.
type message struct {
	seq      uint64 // unique number behind the queue id
	mid      uint64 // key of the Message-ID header
	arrival  int64  // ms since origin
	size     int32
	link     int32 // its non-delivery notice; for a filtered one, its re-injected copy
	parent   int32 // a re-injected copy: the filtered original, until its hop
	kind     uint8
	nrcpt    uint8
	pending  uint8 // results still to come in this attempt
	attempt  uint8
	bounced  uint8 // recipients bounced in this attempt
	filtered bool  // goes to the content filter first
	web      bool  // submitted by the web application
	ident    uint8 // sending identity (index into identities)
	expiring bool
	backlog  bool // queued yesterday: retried and expired on Postfix's real schedule
	rcpt     [maxRcpt]recipient
}

// Clients that submit mail.
const (
	clientApp   uint8 = iota // the campaign application
	clientWeb                // the web application; its mail is content-filtered
	clientLocal              // re-injection from the content filter
)

// session is one smtpd connection.
type session struct {
	pid    int32
	parent int32 // clientLocal: the filtered message being re-injected
	left   int16 // messages still to submit
	msgs   int16
	rcpts  int16
	client uint8
}

// allocMsg returns the index of a zeroed message with a fresh queue id.
func (s *Sim) allocMsg(kind uint8) int32 {
	var i int32
	if n := len(s.free); n > 0 {
		i = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		s.msgs = append(s.msgs, message{})
		i = int32(len(s.msgs) - 1)
	}
	s.seq++
	s.msgs[i] = message{seq: s.seq, arrival: s.now, kind: kind, link: -1, parent: -1}
	return i
}

func (s *Sim) freeMsg(i int32) { s.free = append(s.free, i) }

// lifetime is how long message m may stay queued, in ms.
func (m *message) lifetime() int64 {
	if m.backlog {
		return backlogLifetime.Milliseconds()
	}
	return QueueLifetime.Milliseconds()
}

// newSession allocates an smtpd session from client c.
func (s *Sim) newSession(c uint8, parent int32) int32 {
	var i int32
	if n := len(s.sfree); n > 0 {
		i = s.sfree[n-1]
		s.sfree = s.sfree[:n-1]
	} else {
		s.sess = append(s.sess, session{})
		i = int32(len(s.sess) - 1)
	}
	left := int16(1)
	if c == clientApp {
		left = int16(1 + s.rng.IntN(2*sessionMean-1))
	}
	s.sess[i] = session{pid: s.pids.takeSmtpd(s), parent: parent, left: left, client: c}
	return i
}

// takeSmtpd returns the pid of an idle smtpd process, starting a new one
// when all are busy, so that concurrent sessions never share a pid.
func (p *pidTable) takeSmtpd(s *Sim) int32 {
	if n := len(p.smtpd); n > 0 {
		pid := p.smtpd[n-1]
		p.smtpd = p.smtpd[:n-1]
		return pid
	}
	return 2000 + s.rng.Int32N(60000)
}
