// Package server is gleaner's HTTP face: output feeds in three formats
// with validators and 304s, an HTML index with autodiscovery, item pages,
// and a health check.
//
// It imports aggregator and feeds; nothing imports it but main.
package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/feeds"
)

// Store is what the server reads.
type Store interface {
	Items(ctx context.Context, q aggregator.ItemQuery) ([]aggregator.Item, error)
	Version(ctx context.Context) (int64, error)
	SourceStates(ctx context.Context) ([]aggregator.SourceState, error)
}

// Site is the configured part of what the server publishes; it changes
// on reload.
type Site struct {
	BaseURL   string
	Outputs   []aggregator.Output
	Sources   []aggregator.Source
	Hubs      []string
	Generator string
}

func (s *Site) output(name string) (aggregator.Output, bool) {
	for _, o := range s.Outputs {
		if o.Name == name {
			return o, true
		}
	}
	return aggregator.Output{}, false
}

// ErrUnknownOutput reports an output name the site does not have.
var ErrUnknownOutput = errors.New("unknown output")

// Rendered is an output feed ready to serve.
type Rendered struct {
	Body         []byte
	ContentType  string
	ETag         string
	LastModified time.Time
}

// Render renders one output of site from store. The server serves
// exactly these bytes, and `gleaner render` prints them.
func Render(ctx context.Context, store Store, site *Site, name string, f feeds.Format) (*Rendered, error) {
	out, ok := site.output(name)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownOutput, name)
	}
	items, err := store.Items(ctx, aggregator.ItemQuery{Tags: out.Tags, Limit: out.Limit})
	if err != nil {
		return nil, err
	}
	doc := &feeds.Document{Output: out, BaseURL: site.BaseURL, Items: items, Hubs: site.Hubs, Generator: site.Generator}
	body, err := feeds.Render(f, doc)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	return &Rendered{
		Body:         body,
		ContentType:  f.ContentType(),
		ETag:         `"` + hex.EncodeToString(sum[:12]) + `"`,
		LastModified: doc.Updated(),
	}, nil
}

// Server serves a site from a store.
type Server struct {
	store Store
	log   *slog.Logger
	wg    sync.WaitGroup // background re-renders

	mu        sync.RWMutex
	site      *Site
	cache     map[cacheKey]*cached
	first     map[cacheKey]*firstRender // outputs not yet cached, being rendered
	version   int64                     // the store's version, as last read
	versionAt time.Time                 // when it was read
}

// versionTTL is how long the store's version is trusted before it is read
// again: a busy server then asks the database a few times a second, not
// once per request.
const versionTTL = 250 * time.Millisecond

type cacheKey struct {
	output string
	format feeds.Format
}

// firstRender is an output's first rendering under a site, which the
// requests that arrive meanwhile wait for instead of each rendering the
// feed again: a feed reader fleet reconnecting to a restarted server
// would otherwise render it once per connection.
type firstRender struct {
	site *Site
	done chan struct{}
	r    *encoded
	err  error
}

type cached struct {
	version    int64
	r          *encoded
	refreshing bool
}

// encoded is a rendering with its gzip encoding: compressed once per
// rendering rather than once per response, since feed readers ask for
// gzip and an output is fetched many times between changes.
type encoded struct {
	*Rendered
	gzipped []byte // nil when the body is too small to gain
	// The response headers of each variant, built once: a response
	// copies them, sharing their values, which nothing changes in place.
	plainHeader, gzipHeader http.Header
}

// minGzip is the smallest body worth compressing: below a packet's
// worth, gzip saves no round trip.
const minGzip = 1400

func encode(r *Rendered) (*encoded, error) {
	e := &encoded{Rendered: r}
	header := func(body []byte, etag string) http.Header {
		h := http.Header{
			"Content-Type":           {r.ContentType},
			"Cache-Control":          {"public, max-age=60"},
			"X-Content-Type-Options": {"nosniff"},
			"Vary":                   {"Accept-Encoding"},
			"Etag":                   {etag},
			"Content-Length":         {strconv.Itoa(len(body))},
		}
		if !r.LastModified.IsZero() {
			h["Last-Modified"] = []string{r.LastModified.UTC().Format(http.TimeFormat)}
		}
		return h
	}
	e.plainHeader = header(r.Body, r.ETag)
	if len(r.Body) < minGzip {
		return e, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(r.Body) / 4)
	zw := gzip.NewWriter(&buf)
	// In pieces, pacing: compressing a large feed again while a poll
	// changes it must not hold up the requests served meanwhile.
	var pace aggregator.Pacer
	for rest := r.Body; len(rest) > 0; {
		pace.Pace()
		n := min(len(rest), 16<<10)
		if _, err := zw.Write(rest[:n]); err != nil {
			return nil, fmt.Errorf("gzip feed: %w", err)
		}
		rest = rest[n:]
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip feed: %w", err)
	}
	e.gzipped = buf.Bytes()
	// The same content in another encoding: the tag turns weak, as it
	// does behind nginx, so either variant's tag revalidates.
	e.gzipHeader = header(e.gzipped, "W/"+r.ETag)
	e.gzipHeader["Content-Encoding"] = []string{"gzip"}
	return e, nil
}

// acceptsGzip reports whether a request's Accept-Encoding allows gzip:
// named with a q above zero, or left to "*" when not named.
func acceptsGzip(r *http.Request) bool {
	gzipOK, starOK := -1, -1 // -1: not mentioned, 0: refused, 1: accepted
	for _, header := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(header, ",") {
			coding, params, _ := strings.Cut(part, ";")
			ok := 1
			if q, hasQ := strings.CutPrefix(strings.ReplaceAll(strings.ToLower(params), " ", ""), "q="); hasQ && strings.Trim(q, "0.") == "" {
				ok = 0 // q=0, 0.0, 0.000
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gzipOK = max(gzipOK, ok)
			case "*":
				starOK = max(starOK, ok)
			}
		}
	}
	if gzipOK >= 0 {
		return gzipOK == 1
	}
	return starOK == 1
}

// New returns a Server for site.
func New(store Store, site Site, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{store: store, log: log, site: &site, cache: map[cacheKey]*cached{}, first: map[cacheKey]*firstRender{}}
}

// SetSite replaces the published site (on reload) and drops the cache.
func (s *Server) SetSite(site Site) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.site = &site
	s.cache = map[cacheKey]*cached{}
}

// Close waits for background re-renders to finish.
func (s *Server) Close() { s.wg.Wait() }

// CurrentSite returns the site being served.
func (s *Server) CurrentSite() Site { return *s.currentSite() }

func (s *Server) currentSite() *Site {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.site
}

// Handler routes the server's pages.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /feeds/{file}", s.feed)
	mux.HandleFunc("GET /items/{uid}", s.item)
	mux.HandleFunc("GET /healthz", s.health)
	return mux
}

func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	name, ext, ok := strings.Cut(r.PathValue("file"), ".")
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := feeds.ParseFormat(ext)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	rendered, err := s.rendered(r.Context(), name, f)
	if errors.Is(err, ErrUnknownOutput) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.log.Error("render feed", "output", name, "format", f, "err", err)
		http.Error(w, "could not render feed", http.StatusInternalServerError)
		return
	}
	header, body := rendered.plainHeader, rendered.Body
	if rendered.gzipped != nil && acceptsGzip(r) {
		header, body = rendered.gzipHeader, rendered.gzipped
	}
	maps.Copy(w.Header(), header)
	serveBytes(w, r, body, rendered.LastModified)
}

// serveBytes answers with body, or 304 when the request's validators
// match, as http.ServeContent does, with the body in one write: a
// feed is sent thousands of times a second, and ServeContent copies
// it in 32 KB pieces, a system call each. Range requests, which feed
// readers do not send, still go to ServeContent.
func serveBytes(w http.ResponseWriter, r *http.Request, body []byte, modified time.Time) {
	if r.Header.Get("Range") != "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.ServeContent(w, r, "", modified, bytes.NewReader(body))
		return
	}
	h := w.Header()
	if _, set := h["Last-Modified"]; !set && !modified.IsZero() {
		h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	if notModified(r, h.Get("ETag"), modified) {
		for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Last-Modified"} {
			if k != "Last-Modified" || h.Get("ETag") != "" {
				h.Del(k)
			}
		}
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if _, set := h["Content-Length"]; !set {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// notModified applies RFC 9110's conditions: If-None-Match (weak
// comparison, any tag in the list or "*") decides when present;
// otherwise If-Modified-Since, to the second.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for candidate := range strings.SplitSeq(inm, ",") {
			candidate = strings.TrimSpace(candidate)
			if candidate == "*" || (etag != "" && strings.TrimPrefix(candidate, "W/") == strings.TrimPrefix(etag, "W/")) {
				return true
			}
		}
		return false
	}
	since := r.Header.Get("If-Modified-Since")
	if since == "" {
		return false // most requests: ParseTime would fail through three layouts first
	}
	ims, err := http.ParseTime(since)
	return err == nil && !modified.IsZero() && !modified.Truncate(time.Second).After(ims)
}

// rendered returns an output's rendering. While the store has not
// changed it is the cached one. When it has, the first request starts a
// re-render in the background and every request meanwhile gets the
// previous rendering: a poll that commits every few milliseconds must not
// make each request render the feed again.
func (s *Server) rendered(ctx context.Context, name string, f feeds.Format) (*encoded, error) {
	version, err := s.currentVersion(ctx)
	if err != nil {
		return nil, err
	}
	key := cacheKey{name, f}
	s.mu.RLock()
	if c, ok := s.cache[key]; ok && c.version == version {
		s.mu.RUnlock()
		return c.r, nil // the common case: readers do not queue behind each other
	}
	s.mu.RUnlock()
	s.mu.Lock()
	c, ok := s.cache[key]
	site := s.site
	switch {
	case ok && c.version == version:
		s.mu.Unlock()
		return c.r, nil
	case ok:
		if !c.refreshing {
			c.refreshing = true
			s.wg.Go(func() { s.refresh(key, site, version) })
		}
		s.mu.Unlock()
		return c.r, nil
	}
	if p := s.first[key]; p != nil && p.site == site {
		s.mu.Unlock()
		select {
		case <-p.done:
			return p.r, p.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	p := &firstRender{site: site, done: make(chan struct{})}
	s.first[key] = p
	s.mu.Unlock()
	// Rendered for every waiter: one client leaving must not fail the rest.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	p.r, p.err = renderEncoded(rctx, s.store, site, name, f)
	cancel()
	s.mu.Lock()
	if p.err == nil && s.site == site {
		s.cache[key] = &cached{version: version, r: p.r}
	}
	if s.first[key] == p {
		delete(s.first, key)
	}
	s.mu.Unlock()
	close(p.done)
	return p.r, p.err
}

func renderEncoded(ctx context.Context, store Store, site *Site, name string, f feeds.Format) (*encoded, error) {
	r, err := Render(ctx, store, site, name, f)
	if err != nil {
		return nil, err
	}
	return encode(r)
}

// refresh renders an output again for the cache.
func (s *Server) refresh(key cacheKey, site *Site, version int64) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := renderEncoded(ctx, s.store, site, key.output, key.format)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cache[key]
	if err != nil {
		s.log.Error("render feed", "output", key.output, "format", key.format, "err", err)
		if c != nil {
			c.refreshing = false
		}
		return
	}
	if s.site == site {
		s.cache[key] = &cached{version: version, r: r}
	}
}

// currentVersion reads the store's version at most every versionTTL.
func (s *Server) currentVersion(ctx context.Context) (int64, error) {
	s.mu.RLock()
	v, at := s.version, s.versionAt
	s.mu.RUnlock()
	if time.Since(at) < versionTTL {
		return v, nil
	}
	v, err := s.store.Version(ctx)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.version, s.versionAt = v, time.Now()
	s.mu.Unlock()
	return v, nil
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if _, err := s.store.Version(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}
