// Package fetch is gleaner's HTTP client for upstream feeds: conditional
// GET, timeouts, a body cap counted after decompression, an honest
// User-Agent, and a guard against sources that resolve or redirect to
// private addresses.
//
// It imports aggregator and nothing else of gleaner.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// ErrTooLarge reports a body over the cap.
var ErrTooLarge = errors.New("response body over the size limit")

// ErrPrivateAddress reports a connection to an address sources may not use.
var ErrPrivateAddress = errors.New("address is private, loopback or link-local")

// Options configure a Client; zero fields take the defaults.
type Options struct {
	UserAgent string
	// MaxBody caps the decompressed body (default 16 MiB).
	MaxBody int64
	// Timeout bounds a whole fetch (default 60s).
	Timeout time.Duration
	// AllowPrivate lets every source reach private addresses.
	AllowPrivate bool
	// AllowNetworks are networks sources may reach although they are
	// private (an intranet feed server), without opening all of them.
	AllowNetworks []netip.Prefix
	// MaxRedirects (default 5).
	MaxRedirects int
	// PerHost bounds concurrent requests to one host:port (default 2).
	PerHost int
	// HostInterval is the least time between the starts of two requests
	// to one host:port (0: none).
	HostInterval time.Duration
}

// Client fetches upstream feeds.
type Client struct {
	opts    Options
	public  *http.Client // refuses private addresses
	private *http.Client // for sources allowed to reach them
	hosts   *hostLimiter
}

var _ aggregator.Fetcher = (*Client)(nil)

// New returns a Client.
func New(opts Options) *Client {
	if opts.UserAgent == "" {
		opts.UserAgent = "gleaner (feed aggregator)"
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 16 << 20
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = 5
	}
	if opts.PerHost <= 0 {
		opts.PerHost = 2
	}
	c := &Client{opts: opts, hosts: newHostLimiter(opts.PerHost, opts.HostInterval)}
	c.private = c.httpClient(true)
	c.public = c.private
	if !opts.AllowPrivate {
		c.public = c.httpClient(false)
	}
	return c
}

func (c *Client) httpClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		// Checked on the resolved address of every connection, so DNS
		// tricks and redirects are covered too.
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			addr, err := netip.ParseAddr(host)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, host)
			}
			addr = addr.Unmap()
			if !isPrivate(net.IP(addr.AsSlice())) {
				return nil
			}
			for _, allowed := range c.opts.AllowNetworks {
				if allowed.Contains(addr) {
					return nil
				}
			}
			return fmt.Errorf("%w: %s", ErrPrivateAddress, host)
		}
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would hide the real destination from the guard
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          256,
		// As many kept-alive connections to a host as requests may run
		// on it at once: with fewer, each request beyond them costs the
		// upstream a new connection (and TLS handshake).
		MaxIdleConnsPerHost: min(max(4, c.opts.PerHost), 256),
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= c.opts.MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", len(via))
			}
			if hops, ok := req.Context().Value(hopsKey{}).(*[]int); ok && req.Response != nil {
				*hops = append(*hops, req.Response.StatusCode)
			}
			return nil
		},
	}
}

func isPrivate(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() ||
		// 100.64.0.0/10 carrier-grade NAT, and IPv4-mapped forms of the above.
		(ip.To4() != nil && ip.To4()[0] == 100 && ip.To4()[1]&0xC0 == 64)
}

// hopsKey carries the status codes of a fetch's redirects.
type hopsKey struct{}

// Fetch GETs req.URL, conditionally when validators are given, waiting
// for its turn at the host first.
func (c *Client) Fetch(ctx context.Context, req aggregator.FetchRequest) (*aggregator.FetchResult, error) {
	var hops []int
	ctx = context.WithValue(ctx, hopsKey{}, &hops)
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	release, err := c.hosts.acquire(ctx, hr.URL.Host)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: waiting for the host: %w", req.URL, err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	hr = hr.WithContext(ctx)
	hr.Header.Set("User-Agent", c.opts.UserAgent)
	hr.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5")
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}
	client := c.public
	if req.AllowPrivate {
		client = c.private
	}
	resp, err := client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	defer resp.Body.Close()

	res := &aggregator.FetchResult{
		Status:       resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		URL:          resp.Request.URL.String(),
		MaxAge:       freshness(resp.Header, time.Now()),
	}
	if len(hops) > 0 && !slices.ContainsFunc(hops, func(code int) bool {
		return code != http.StatusMovedPermanently && code != http.StatusPermanentRedirect
	}) {
		res.PermanentURL = res.URL
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
		return res, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return nil, fmt.Errorf("fetch %s: %w", req.URL, &aggregator.StatusError{
			Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
		})
	}
	// Go's transport decompresses gzip itself, so the cap counts
	// decompressed bytes.
	body, err := readBody(resp.Body, c.opts.MaxBody+1)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: read body: %w", req.URL, &aggregator.StatusError{Status: resp.StatusCode, Err: err})
	}
	if int64(len(body)) > c.opts.MaxBody {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, &aggregator.StatusError{
			Status: resp.StatusCode, Err: fmt.Errorf("%w (%d bytes)", ErrTooLarge, c.opts.MaxBody)})
	}
	res.Body = body
	return res, nil
}

// bodyBuffers hold bodies while they are read. io.ReadAll grows a slice
// from 512 bytes for each body, allocating about twice its size in all;
// reading into a kept buffer and copying the body out allocates it once.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads at most limit bytes of r.
func readBody(r io.Reader, limit int64) ([]byte, error) {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 { // a rare huge body is not kept
			buf.Reset()
			bodyBuffers.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(io.LimitReader(r, limit)); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// freshness is how long the response says it stays fresh: max-age, or
// Expires less Date.
func freshness(h http.Header, now time.Time) time.Duration {
	cc := strings.ToLower(h.Get("Cache-Control"))
	if strings.Contains(cc, "no-cache") || strings.Contains(cc, "no-store") {
		return 0
	}
	for _, d := range strings.Split(cc, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			if secs, err := strconv.Atoi(strings.Trim(v, `"`)); err == nil && secs > 0 {
				return time.Duration(secs) * time.Second
			}
			return 0
		}
	}
	expires, err := http.ParseTime(h.Get("Expires"))
	if err != nil {
		return 0
	}
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	return max(0, expires.Sub(now))
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
