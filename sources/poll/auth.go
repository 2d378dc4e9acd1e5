package poll

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// Environment variables AuthFromEnv reads.
const (
	EnvToken    = "RELAYTOP_POLL_TOKEN"
	EnvUser     = "RELAYTOP_POLL_USER"
	EnvPassword = "RELAYTOP_POLL_PASSWORD"
	EnvAuthFile = "RELAYTOP_POLL_AUTH_FILE"
)

// Auth is the credentials sent to an endpoint: a bearer token, a user and
// password for basic authentication, or nothing. Its fields are unexported
// and it formats as "Auth(bearer, redacted)", so that printing or
// marshalling one never shows the secret.
type Auth struct {
	token, user, password string
}

// BearerAuth returns credentials sent as "Authorization: Bearer TOKEN".
func BearerAuth(token string) Auth { return Auth{token: token} }

// BasicAuth returns credentials sent with HTTP basic authentication.
func BasicAuth(user, password string) Auth { return Auth{user: user, password: password} }

// Kind returns "bearer", "basic" or "none".
func (a Auth) Kind() string {
	switch {
	case a.token != "":
		return "bearer"
	case a.user != "" || a.password != "":
		return "basic"
	}
	return "none"
}

// String describes the credentials without revealing them.
func (a Auth) String() string {
	if a.Kind() == "none" {
		return "Auth(none)"
	}
	return "Auth(" + a.Kind() + ", redacted)"
}

// GoString is String, so that %#v redacts too.
func (a Auth) GoString() string { return a.String() }

// apply sets the Authorization header of req.
func (a Auth) apply(req *http.Request) {
	switch a.Kind() {
	case "bearer":
		req.Header.Set("Authorization", "Bearer "+a.token)
	case "basic":
		req.SetBasicAuth(a.user, a.password)
	}
}

// secrets returns the strings that must never appear in a message: the
// token, the password and the encoded basic credentials. Secrets shorter
// than 4 bytes are left out: scrubbing them would mangle every message,
// and no message this package builds contains a credential anyway.
func (a Auth) secrets() []string {
	var s []string
	add := func(v string) {
		if len(v) >= 4 {
			s = append(s, v)
		}
	}
	switch a.Kind() {
	case "bearer":
		add(a.token)
	case "basic":
		add(a.password)
		add(base64.StdEncoding.EncodeToString([]byte(a.user + ":" + a.password)))
	}
	return s
}

// AuthFromEnv reads credentials from the environment, never from the
// command line (where ps and shell history would show them):
//
//   - RELAYTOP_POLL_TOKEN: a bearer token;
//   - RELAYTOP_POLL_USER and RELAYTOP_POLL_PASSWORD: basic authentication;
//   - RELAYTOP_POLL_AUTH_FILE: a file whose first line is "Bearer TOKEN"
//     or "user:password".
//
// At most one of the three may be set; none gives no credentials. Errors
// wrap ErrCredentials and never contain a secret.
func AuthFromEnv(getenv func(string) string) (Auth, error) {
	token, user, pass, file := getenv(EnvToken), getenv(EnvUser), getenv(EnvPassword), getenv(EnvAuthFile)
	set := 0
	for _, on := range []bool{token != "", user != "" || pass != "", file != ""} {
		if on {
			set++
		}
	}
	switch {
	case set > 1:
		return Auth{}, credErr("set only one of %s, %s with %s, or %s", EnvToken, EnvUser, EnvPassword, EnvAuthFile)
	case token != "":
		return BearerAuth(strings.TrimSpace(token)), nil
	case user != "" && pass == "":
		return Auth{}, credErr("%s is set but %s is empty", EnvUser, EnvPassword)
	case pass != "" && user == "":
		return Auth{}, credErr("%s is set but %s is empty", EnvPassword, EnvUser)
	case user != "":
		return BasicAuth(user, pass), nil
	case file != "":
		return authFromFile(file)
	}
	return Auth{}, nil
}

func authFromFile(path string) (Auth, error) {
	f, err := os.Open(path)
	if err != nil {
		return Auth{}, credErr("%s: cannot open %s: %v", EnvAuthFile, path, pathErr(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return Auth{}, credErr("%s: cannot read %s: %v", EnvAuthFile, path, pathErr(err))
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSpace(line)
	if scheme, tok, ok := strings.Cut(line, " "); ok && strings.EqualFold(scheme, "bearer") {
		if tok = strings.TrimSpace(tok); tok != "" {
			return BearerAuth(tok), nil
		}
	} else if user, pass, ok := strings.Cut(line, ":"); ok && user != "" && pass != "" && !strings.ContainsAny(user, " \t") {
		return BasicAuth(user, pass), nil
	}
	return Auth{}, credErr(`%s: %s must hold "Bearer TOKEN" or "user:password" on its first line`, EnvAuthFile, path)
}

// pathErr drops the path an *os.PathError repeats.
func pathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func credErr(format string, args ...any) error {
	return &Error{Msg: "poll: " + fmt.Sprintf(format, args...), Kind: ErrCredentials}
}

// sensitiveParams are query parameters Redact hides the value of.
var sensitiveParams = []string{"token", "key", "secret", "password", "passwd", "pass", "auth", "signature", "sig"}

// Redact returns rawURL fit to show: without user information, with the
// values of query parameters that look like credentials (token, api_key,
// password, ...) replaced by "REDACTED". A URL that does not parse is
// shown as "(invalid URL)".
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(invalid URL)"
	}
	return redactURL(u)
}

func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			lk := strings.ToLower(k)
			for _, s := range sensitiveParams {
				if strings.Contains(lk, s) {
					q[k] = []string{"REDACTED"}
					changed = true
					break
				}
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

// scrubber removes secrets from messages.
type scrubber []string

func (s scrubber) clean(msg string) string {
	for _, v := range s {
		msg = strings.ReplaceAll(msg, v, "REDACTED")
	}
	return msg
}
