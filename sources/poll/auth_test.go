package poll

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestAuthFromEnv(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		kind string // "" means an error
	}{
		{"nothing", nil, "none"},
		{"token", map[string]string{EnvToken: "tok-4242\n"}, "bearer"},
		{"basic", map[string]string{EnvUser: "ops", EnvPassword: "pa55word"}, "basic"},
		{"user without password", map[string]string{EnvUser: "ops"}, ""},
		{"password without user", map[string]string{EnvPassword: "pa55word"}, ""},
		{"two at once", map[string]string{EnvToken: "tok-4242", EnvUser: "ops", EnvPassword: "pa55word"}, ""},
		{"file bearer", map[string]string{EnvAuthFile: file("b", "Bearer tok-4242\n")}, "bearer"},
		{"file bearer lowercase", map[string]string{EnvAuthFile: file("b2", "bearer   tok-4242")}, "bearer"},
		{"file basic", map[string]string{EnvAuthFile: file("u", "ops:pa:55word\nsecond line ignored\n")}, "basic"},
		{"file empty", map[string]string{EnvAuthFile: file("e", "")}, ""},
		{"file garbage", map[string]string{EnvAuthFile: file("g", "pa55word-alone\n")}, ""},
		{"file bearer without token", map[string]string{EnvAuthFile: file("bt", "Bearer \n")}, ""},
		{"file missing", map[string]string{EnvAuthFile: filepath.Join(dir, "absent")}, ""},
		{"file and token", map[string]string{EnvAuthFile: file("c", "Bearer x"), EnvToken: "tok-4242"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := AuthFromEnv(env(tc.env))
			if tc.kind == "" {
				if err == nil || !errors.Is(err, ErrCredentials) {
					t.Fatalf("got %v, %v; want an ErrCredentials error", a, err)
				}
				for _, secret := range []string{"tok-4242", "pa55word", "pa:55word"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error %q shows a secret", err)
					}
				}
				return
			}
			if err != nil || a.Kind() != tc.kind {
				t.Fatalf("got %v, %v; want %s", a, err, tc.kind)
			}
		})
	}
	a, _ := AuthFromEnv(env(map[string]string{EnvAuthFile: file("p", "ops:pa:55word\n")}))
	if a.user != "ops" || a.password != "pa:55word" {
		t.Errorf("user:password split wrong: %q", a.user)
	}
}

// TestAuthNeverPrinted: printing or marshalling Auth shows no secret.
func TestAuthNeverPrinted(t *testing.T) {
	for _, a := range []Auth{BearerAuth("tok-4242-secret"), BasicAuth("ops", "pa55word")} {
		js, _ := json.Marshal(struct{ A Auth }{a})
		out := fmt.Sprintf("%v %+v %#v %s %v", a, a, a, a, Options{Auth: a}) + string(js)
		for _, secret := range []string{"tok-4242-secret", "pa55word"} {
			if strings.Contains(out, secret) {
				t.Errorf("printed a secret: %s", out)
			}
		}
	}
}

func TestAuthSent(t *testing.T) {
	rp := newReplay()
	rp.set("/metrics", "text/plain", fixture(t, "kumo-http", "metrics.txt"))
	srv := serve(t, rp)
	poll(t, mustPoller(t, srv.URL+"/metrics", newClock(), Options{Auth: BearerAuth("tok-4242")}))
	poll(t, mustPoller(t, srv.URL+"/metrics", newClock(), Options{Auth: BasicAuth("ops", "pa55word")}))
	poll(t, mustPoller(t, srv.URL+"/metrics", newClock(), Options{}))
	want := []string{"Bearer tok-4242", "Basic " + base64.StdEncoding.EncodeToString([]byte("ops:pa55word")), ""}
	if fmt.Sprint(rp.auths) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", rp.auths, want)
	}
}

// TestCredentialsNeverLeak: errors and State never show credentials, even
// when the server echoes them back.
func TestCredentialsNeverLeak(t *testing.T) {
	const token, user, pass = "tok-4242-secret", "ops", "pa55word-secret"
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	secrets := []string{token, pass, basic}
	check := func(what, s string) {
		t.Helper()
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Errorf("%s shows a secret: %s", what, s)
			}
		}
	}
	echo := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", r.URL.Query().Get("ct"))
		w.Header().Set("X-Echo", h)
		if r.URL.Query().Get("status") != "" {
			w.WriteHeader(http.StatusUnauthorized)
		}
		fmt.Fprintf(w, "<rsp><error>%s</error></rsp>\n{%q: %q}\n%s", h, h, h, h)
	}))
	for _, auth := range []Auth{BearerAuth(token), BasicAuth(user, pass)} {
		for _, path := range []string{"/metrics?status=401", "/metrics.json?ct=application/json", "/metrics?ct=text/plain",
			"/status?format=xml&ct=text/xml", "/metrics?ct=text/html"} {
			p := mustPoller(t, echo.URL+path, newClock(), Options{Auth: auth})
			err := pollErr(t, p)
			check("error", err.Error())
			check("state", fmt.Sprintf("%+v", p.State()))
		}
	}
	// Credentials in the URL are refused, and not repeated.
	for _, u := range []string{"http://" + user + ":" + pass + "@127.0.0.1:1/metrics", "https://" + token + "@example.test/metrics"} {
		_, err := New(u, Options{})
		if !errors.Is(err, ErrCredentials) {
			t.Errorf("%s: got %v", Redact(u), err)
		}
		check("New error", err.Error())
		check("Redact", Redact(u))
	}
	if got := Redact("http://u:p@h:1/metrics?api_key=k1&token=t1&x=1"); got != "http://h:1/metrics?api_key=REDACTED&token=REDACTED&x=1" {
		t.Errorf("Redact: %s", got)
	}
	if _, err := New("http://[::1:bad/"+pass, Options{}); err == nil || strings.Contains(err.Error(), pass) {
		t.Errorf("invalid URL: %v", err)
	}
}
