// Package aggregator holds gleaner's domain: sources, entries, items and
// outputs, and the pipeline that turns upstream feeds into stored, tagged
// items (Poller, Scheduler, Tagger).
//
// It declares the small interfaces it needs (Store, Fetcher, Parser) and
// imports none of the packages that implement them.
package aggregator

import (
	"context"
	"time"
)

// Source is one upstream feed as configured.
type Source struct {
	Name     string
	URL      string
	Schedule Schedule
	// Tags are given to every item of this source.
	Tags []string
	// Location interprets dates that carry no zone; nil means UTC.
	Location *time.Location
	// AllowPrivate lets the source resolve to loopback or private addresses.
	AllowPrivate bool
	// NoMerge keeps this source's items apart from other sources' copies.
	NoMerge bool
	// Priority prefers this source's copy as an item's primary; equal
	// priorities prefer the earliest published.
	Priority int
	// Categories maps this source's upstream categories (folded) to tags.
	Categories map[string]string
}

// Entry is one source's copy of a story, as read from upstream and
// normalised.
type Entry struct {
	Source string
	// Key identifies the entry within its source across polls:
	// "guid:…", "link:…" or "hash:…".
	Key        string
	GUID       string
	Link       string
	Title      string
	Summary    string // sanitised HTML
	Content    string // sanitised HTML
	Author     string
	Categories []string
	Published  time.Time
	Updated    time.Time
	// Tags are computed by the Tagger from this entry's text and its source.
	Tags []string
	// Fingerprint is computed by the Poller for merging.
	Fingerprint Fingerprint
	// CVEs and Indicators are what the Tagger's extractors found.
	CVEs       []string
	Indicators []string
	// RawHash fingerprints the entry as upstream sent it, before
	// cleaning; Unchanged marks an entry the Parser left as it was (only
	// Source, GUID, Link and RawHash set) because the store already holds
	// it with that RawHash.
	RawHash   string
	Unchanged bool
	// ItemDigest is a digest of the item's bytes as upstream sent them,
	// with what shapes how they read (0: none). Unread marks an item the
	// Parser did not read at all (only Source and ItemDigest set): the
	// last fetch had it byte for byte, and the store holds what it said.
	ItemDigest uint64
	Unread     bool
}

// Item is a story as published in outputs: one or more entries merged,
// shown through its primary entry.
type Item struct {
	ID int64
	// UID is the stable public identifier; it never changes once assigned.
	UID       string
	Title     string
	Link      string
	Summary   string
	Content   string
	Author    string
	Published time.Time
	Updated   time.Time
	Tags      []string
	// CVEs and Indicators are the union of what the extractors found in
	// the item's copies.
	CVEs       []string
	Indicators []string
	// Sources lists every source that reported the item, the primary first.
	Sources []ItemSource
}

// ItemSource is one source's copy of an item, as shown to readers.
type ItemSource struct {
	Name    string
	Link    string
	Title   string
	FeedURL string // the source's feed, for RSS <source url>
}

// Output is a curated feed that gleaner publishes.
type Output struct {
	Name        string
	Title       string
	Description string
	// Tags selects items that carry any of them; empty selects every item.
	Tags  []string
	Limit int
}

// ItemQuery selects items for an output, newest first.
type ItemQuery struct {
	Tags  []string
	Limit int
	// UID, when set, selects that one item.
	UID string
}

// FetchRequest asks a Fetcher for a source's current document.
type FetchRequest struct {
	Source       string
	URL          string
	ETag         string
	LastModified string
	AllowPrivate bool
}

// FetchResult is what a Fetcher got back.
type FetchResult struct {
	Status       int
	NotModified  bool
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	// URL is the address the body came from after redirects.
	URL string
	// PermanentURL is set when every redirect on the way was permanent
	// (301, 308): the source has moved there.
	PermanentURL string
	// MaxAge is how long the upstream says the document stays fresh
	// (Cache-Control max-age, or Expires).
	MaxAge time.Duration
}

// Fetcher retrieves upstream documents.
type Fetcher interface {
	Fetch(ctx context.Context, req FetchRequest) (*FetchResult, error)
}

// ParseInput is an upstream document to parse.
type ParseInput struct {
	Body        []byte
	ContentType string
	URL         string
	Source      string
	Location    *time.Location
	// Now is the fetch time: it stands in for missing dates and caps
	// dates in the future.
	Now time.Time
	// Unchanged, when set, reports whether the store already holds an
	// entry like e (GUID, Link and RawHash set): the Parser then skips
	// cleaning it, which is most of the work of a re-poll.
	Unchanged func(e *Entry) bool
	// KnownItem, when set, reports an ItemDigest of the last fetch: the
	// Parser then need not read that item at all.
	KnownItem func(digest uint64) bool
}

// Feed is a parsed upstream document.
type Feed struct {
	Entries []Entry
	// TTL is the feed's own minimum polling interval (RSS <ttl>).
	TTL time.Duration
	// SkipHours (0–23, UTC) and SkipDays are when the feed asks not to be
	// polled (RSS <skipHours>, <skipDays>).
	SkipHours []int
	SkipDays  []time.Weekday
}

// Parser turns an upstream document into entries.
type Parser interface {
	Parse(ctx context.Context, in ParseInput) (*Feed, error)
}

// SourceState is what the store remembers of a source between polls.
type SourceState struct {
	Name string
	// URL is the configured URL this state belongs to; when the
	// configuration changes it, the rest of the state starts afresh.
	URL string
	// FetchURL replaces URL after a permanent redirect ("" = URL).
	FetchURL     string
	ETag         string
	LastModified string
	// Gone is set by 410 Gone: the source is no longer polled on its
	// schedule until its URL changes or it is polled by hand.
	Gone bool
	// ItemDigests are the ItemDigests of the last fetched document's
	// items that were taken (within the per-fetch cap).
	ItemDigests []uint64
	Hints
	Health
}

// Target is the URL to fetch.
func (st *SourceState) Target() string {
	if st.FetchURL != "" {
		return st.FetchURL
	}
	return st.URL
}

// Hints are the upstream's own wishes about polling, kept between polls
// so that a 304 still honours them.
type Hints struct {
	TTL       time.Duration // RSS <ttl>
	SkipHours []int         // UTC hours
	SkipDays  []time.Weekday
}

// Health is a source's polling record.
type Health struct {
	LastAttempt  time.Time
	LastSuccess  time.Time
	LastStatus   int
	LastError    string
	Failures     int // consecutive
	NextAttempt  time.Time
	LastEntries  int // entries in the last fetched document
	LastNewItems int
}

// FetchRecord is the outcome of one successful poll, written in one
// transaction: the entries and the state (validators, health) that
// describes them.
type FetchRecord struct {
	Source  Source
	State   SourceState
	Entries []Entry
	Now     time.Time
	// Merge says how new entries join other sources' copies.
	Merge MergePolicy
}

// RetagReport says what re-tagging stored items changed.
type RetagReport struct {
	Items   int // items looked at
	Changed int // items whose tags changed
	// Gained and Lost count, per tag, the items that gained or lost it.
	Gained map[string]int
	Lost   map[string]int
}

// SaveResult counts what a FetchRecord changed.
type SaveResult struct {
	New     int
	Updated int
}

// Store persists sources, entries and items.
type Store interface {
	SourceState(ctx context.Context, name string) (SourceState, error)
	// RawHashes maps the keys of a source's stored entries to their
	// RawHash.
	RawHashes(ctx context.Context, source string) (map[string]string, error)
	// Save writes a successful poll's entries and state at once.
	Save(ctx context.Context, rec FetchRecord) (SaveResult, error)
	// RecordState writes a poll that stored no entries (failure or 304).
	RecordState(ctx context.Context, st SourceState) error
}

// Condition sums up a source's state in a word for people: "new" (never
// polled), "ok", "failing", "gone" or "moved".
func (st *SourceState) Condition() string {
	switch {
	case st.Gone:
		return "gone"
	case st.LastAttempt.IsZero():
		return "new"
	case st.Failures > 0:
		return "failing"
	case st.FetchURL != "":
		return "moved"
	}
	return "ok"
}
