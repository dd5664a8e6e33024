package web

import (
	"net"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// parseTrustedProxies turns the configured proxy addresses (IPs or CIDR
// ranges, already validated by New) into prefixes.
func parseTrustedProxies(list []string) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(list))
	for _, p := range list {
		if pf, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pf.Masked())
			continue
		}
		if a, err := netip.ParseAddr(p); err == nil {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out
}

// clientIP is the address of the client of the request: the one sign-in
// throttling, sessions, audit entries and the request log use. It is the
// direct peer unless the peer is a trusted proxy; then X-Forwarded-For is
// read from the right (the entries the proxies appended) and the first
// address that is not itself a trusted proxy is the client. Entries left
// of it were written by the client and are never believed.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	var xff []string
	if len(s.trusted) > 0 {
		for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
			xff = append(xff, string(v))
		}
	}
	return resolveClientIP(peer, xff, s.trusted)
}

// resolveClientIP is clientIP without the request: peer is the address
// of the connection, xff the X-Forwarded-For header lines in the order
// they came. When every hop is a trusted proxy, or an entry is not a
// valid address, the farthest hop that could be checked is the answer.
func resolveClientIP(peer netip.Addr, xff []string, trusted []netip.Prefix) string {
	peer = peer.Unmap()
	if !peer.IsValid() {
		return "unknown"
	}
	if !isTrustedProxy(peer, trusted) {
		return peer.String()
	}
	var hops []string
	for _, line := range xff {
		hops = append(hops, strings.Split(line, ",")...)
	}
	last := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		if !isTrustedProxy(a, trusted) {
			return a.String()
		}
		last = a
	}
	return last.String()
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port ("203.0.113.7:5123", "[2001:db8::1]:443").
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		if a, err := netip.ParseAddr(host); err == nil && a.Zone() == "" {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

func isTrustedProxy(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// throttleKey is the key an address is throttled under: an IPv6 client
// usually holds a whole /64, so it counts as one.
func throttleKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}
