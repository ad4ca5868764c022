package farm

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Handler serves the farm:
//
//	GET  /feeds/{name}.xml|.json  a feed, with ETag, Last-Modified, 304 and gzip
//	POST /-/round                 start the next round
//	GET  /-/stats                 counters since start and since the last round
//	POST /-/reset-stats           zero the counters
//	GET  /-/stories               every entry served so far and its story (see WriteStories)
func (f *Farm) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feeds/{file}", f.serveFeed)
	mux.HandleFunc("POST /-/round", f.serveRound)
	mux.HandleFunc("GET /-/stats", f.serveStats)
	mux.HandleFunc("POST /-/reset-stats", f.serveResetStats)
	mux.HandleFunc("GET /-/stories", f.serveStories)
	return mux
}

func (f *Farm) serveFeed(w http.ResponseWriter, r *http.Request) {
	f.stats.request()
	name, ext, _ := strings.Cut(r.PathValue("file"), ".")
	i, ok := f.byName[name]
	if !ok || "."+ext != f.feeds[i].Format.Ext() {
		f.stats.response(http.StatusNotFound, 0)
		http.NotFound(w, r)
		return
	}
	switch f.feeds[i].Fault {
	case ServerError:
		f.stats.response(http.StatusInternalServerError, 0)
		http.Error(w, "internal server error (feedfarm fault)", http.StatusInternalServerError)
		return
	case TooMany:
		f.stats.response(http.StatusTooManyRequests, 0)
		w.Header().Set("Retry-After", "60")
		http.Error(w, "too many requests (feedfarm fault)", http.StatusTooManyRequests)
		return
	case Slow:
		t := time.NewTimer(f.opts.Slow)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			f.stats.canceled()
			http.Error(w, "canceled", http.StatusServiceUnavailable)
			return
		}
	}

	b := f.cur.Load().bodies[i]
	h := w.Header()
	h.Set("ETag", b.etag)
	h.Set("Last-Modified", b.lastModified)
	h.Set("Vary", "Accept-Encoding")
	if notModified(r, b) {
		f.stats.response(http.StatusNotModified, 0)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	data := b.raw
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		data = b.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", b.contentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		f.stats.response(http.StatusOK, 0)
		return
	}
	n, _ := w.Write(data) // a client gone away is not our error
	f.stats.response(http.StatusOK, n)
}

// notModified applies If-None-Match, or else If-Modified-Since.
func notModified(r *http.Request, b *body) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return etagMatches(inm, b.etag)
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !t.Before(b.modified)
	}
	return false
}

// etagMatches compares weakly, as If-None-Match does.
func etagMatches(header, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == want {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.TrimSpace(coding)
		if !strings.EqualFold(coding, "gzip") && !strings.EqualFold(coding, "x-gzip") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(p, "=")
			if strings.TrimSpace(k) == "q" {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				return err == nil && q > 0
			}
		}
		return true
	}
	return false
}

// RoundResult is what POST /-/round answers.
type RoundResult struct {
	Round   int    `json:"round"`
	Changed int    `json:"changed"`
	Took    string `json:"took"`
}

func (f *Farm) serveRound(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	round, changed, err := f.Advance()
	if err != nil {
		f.log.Error("round failed", "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, RoundResult{Round: round, Changed: changed, Took: time.Since(start).Round(time.Millisecond).String()})
}

func (f *Farm) serveStats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, f.Stats())
}

func (f *Farm) serveResetStats(w http.ResponseWriter, r *http.Request) {
	f.ResetStats()
	writeJSON(w, f.Stats())
}

func (f *Farm) serveStories(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/tab-separated-values; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	f.WriteStories(w) // a client gone away is not our error
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v) // a client gone away is not our error
}
