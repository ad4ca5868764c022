package farm

import (
	"net/http"
	"sync/atomic"
)

// Counts are the feed requests served over some period.
type Counts struct {
	Requests int64 `json:"requests"`
	// Status counts responses by status: "200", "304", "429", "500" and
	// "other" (404, 503…).
	Status map[string]int64 `json:"status"`
	// Canceled counts slow requests given up before their answer.
	Canceled int64 `json:"canceled"`
	// Bytes counts body bytes sent, compressed when sent compressed.
	Bytes int64 `json:"bytes"`
}

// Stats is what GET /-/stats answers.
type Stats struct {
	Round      int    `json:"round"`
	SinceStart Counts `json:"since_start"`
	SinceRound Counts `json:"since_round"`
}

// statusIndex maps the counted statuses to their slot; the last slot is
// for any other status.
var statusNames = [...]string{"200", "304", "429", "500", "other"}

func statusIndex(code int) int {
	switch code {
	case http.StatusOK:
		return 0
	case http.StatusNotModified:
		return 1
	case http.StatusTooManyRequests:
		return 2
	case http.StatusInternalServerError:
		return 3
	}
	return 4
}

type counters struct {
	requests, canceled, bytes atomic.Int64
	status                    [len(statusNames)]atomic.Int64
}

func (c *counters) reset() {
	c.requests.Store(0)
	c.canceled.Store(0)
	c.bytes.Store(0)
	for i := range c.status {
		c.status[i].Store(0)
	}
}

func (c *counters) counts() Counts {
	out := Counts{
		Requests: c.requests.Load(),
		Canceled: c.canceled.Load(),
		Bytes:    c.bytes.Load(),
		Status:   make(map[string]int64, len(statusNames)),
	}
	for i, name := range statusNames {
		out.Status[name] = c.status[i].Load()
	}
	return out
}

// stats counts since start (total) and since the last round.
type stats struct{ total, round counters }

func (s *stats) request() {
	s.total.requests.Add(1)
	s.round.requests.Add(1)
}

func (s *stats) response(code int, bytes int) {
	i := statusIndex(code)
	s.total.status[i].Add(1)
	s.round.status[i].Add(1)
	s.total.bytes.Add(int64(bytes))
	s.round.bytes.Add(int64(bytes))
}

func (s *stats) canceled() {
	s.total.canceled.Add(1)
	s.round.canceled.Add(1)
}

// Stats returns the counters and the current round.
func (f *Farm) Stats() Stats {
	return Stats{Round: f.Round(), SinceStart: f.stats.total.counts(), SinceRound: f.stats.round.counts()}
}

// ResetStats zeroes every counter.
func (f *Farm) ResetStats() {
	f.stats.total.reset()
	f.stats.round.reset()
}
