package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestResolveClientIP(t *testing.T) {
	trusted := parseTrustedProxies([]string{"10.0.0.0/8", "192.0.2.1", "2001:db8:ff::/48"})
	tests := []struct {
		name string
		peer string
		xff  []string
		want string
	}{
		{"no proxy configured path: untrusted peer, header ignored", "203.0.113.9", []string{"198.51.100.1"}, "203.0.113.9"},
		{"trusted peer, no header", "10.1.2.3", nil, "10.1.2.3"},
		{"trusted peer, one hop", "10.1.2.3", []string{"198.51.100.1"}, "198.51.100.1"},
		{"client-written entries left of the real one are ignored", "10.1.2.3", []string{"1.1.1.1, 2.2.2.2, 198.51.100.1"}, "198.51.100.1"},
		{"chain of trusted proxies", "10.1.2.3", []string{"6.6.6.6, 198.51.100.1, 192.0.2.1, 10.9.9.9"}, "198.51.100.1"},
		{"several header lines read in order", "10.1.2.3", []string{"6.6.6.6", "198.51.100.1, 10.0.0.5"}, "198.51.100.1"},
		{"entry with a port", "10.1.2.3", []string{"198.51.100.1:5123"}, "198.51.100.1"},
		{"IPv6 entry with a port", "10.1.2.3", []string{"[2001:db8:1::7]:443"}, "2001:db8:1::7"},
		{"IPv4-mapped entry", "10.1.2.3", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
		{"invalid rightmost entry: the proxy is the answer", "10.1.2.3", []string{"198.51.100.1, garbage"}, "10.1.2.3"},
		{"invalid entry behind a trusted hop", "10.1.2.3", []string{"nonsense, 10.0.0.8"}, "10.0.0.8"},
		{"empty entries are invalid", "10.1.2.3", []string{" , "}, "10.1.2.3"},
		{"all trusted: the farthest hop", "10.1.2.3", []string{"10.0.0.1, 192.0.2.1"}, "10.0.0.1"},
		{"trusted IPv6 proxy", "2001:db8:ff::1", []string{"2001:db8:2::9"}, "2001:db8:2::9"},
		{"untrusted IPv6 peer", "2001:db8:3::1", []string{"198.51.100.1"}, "2001:db8:3::1"},
		{"IPv4-mapped trusted peer", "::ffff:10.1.2.3", []string{"198.51.100.1"}, "198.51.100.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolveClientIP(netip.MustParseAddr(tt.peer), tt.xff, trusted)
			if got != tt.want {
				t.Errorf("resolveClientIP(%s, %q) = %q; want %q", tt.peer, tt.xff, got, tt.want)
			}
		})
	}
	if got := resolveClientIP(netip.MustParseAddr("198.51.100.1"), []string{"1.1.1.1"}, nil); got != "198.51.100.1" {
		t.Errorf("no trusted proxies: %q; want the peer", got)
	}
}

func TestThrottleKey(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"198.51.100.1", "198.51.100.1"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"},
		{"unknown", "unknown"},
	}
	for _, tt := range tests {
		if got := throttleKey(tt.ip); got != tt.want {
			t.Errorf("throttleKey(%q) = %q; want %q", tt.ip, got, tt.want)
		}
	}
}

// TestLogin_RotatingForwardedFor checks that a client cannot escape the
// per-address sign-in limit by writing a new X-Forwarded-For on every
// attempt, whether it talks to the app directly (an untrusted peer) or
// through a trusted proxy that appends the real address.
func TestLogin_RotatingForwardedFor(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		xff     func(i int) string
	}{
		// The test connection's peer is 0.0.0.0.
		{"untrusted peer", []string{"10.0.0.0/8"}, func(i int) string { return fmt.Sprintf("198.51.100.%d", i) }},
		{"trusted proxy", []string{"0.0.0.0/32"}, func(i int) string { return fmt.Sprintf("198.51.100.%d, 203.0.113.7", i) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newFixtureServer(t, func(c *Config) { c.TrustedProxies = tt.trusted })
			anon, token := visitorToken(t, s)
			allowed, throttled := 0, 0
			for i := range 3 * loginBurstPerIP {
				form := url.Values{"_csrf": {token}, "username": {fmt.Sprintf("guess%d", i)}, "password": {"x"}}
				req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", tt.xff(i))
				req.AddCookie(anon)
				resp, _ := do(t, s, req)
				switch resp.StatusCode {
				case http.StatusTooManyRequests:
					throttled++
				case http.StatusUnprocessableEntity:
					allowed++
				default:
					t.Fatalf("attempt %d: status %d", i, resp.StatusCode)
				}
			}
			if allowed != loginBurstPerIP || throttled != 2*loginBurstPerIP {
				t.Errorf("%d attempts checked, %d throttled; want %d and %d", allowed, throttled, loginBurstPerIP, 2*loginBurstPerIP)
			}
		})
	}
}
