package aggregator

import (
	"context"
	"errors"
	"strings"
	"sync"
)

// memStore is an in-memory Store for pipeline tests.
type memStore struct {
	mu       sync.Mutex
	states   map[string]SourceState
	entries  map[string]Entry // source + "\x00" + key
	saves    int
	failSave error
}

func newMemStore() *memStore {
	return &memStore{states: map[string]SourceState{}, entries: map[string]Entry{}}
}

func (m *memStore) SourceState(_ context.Context, name string) (SourceState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.states[name]
	if !ok {
		st.Name = name
	}
	return st, nil
}

func (m *memStore) Save(_ context.Context, rec FetchRecord) (SaveResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failSave != nil {
		return SaveResult{}, m.failSave
	}
	m.saves++
	var res SaveResult
	for _, e := range rec.Entries {
		k := e.Source + "\x00" + e.Key
		old, ok := m.entries[k]
		switch {
		case !ok:
			res.New++
		case ContentHash(&old) != ContentHash(&e):
			res.Updated++
		}
		m.entries[k] = e
	}
	m.states[rec.Source.Name] = rec.State
	return res, nil
}

func (m *memStore) RawHashes(_ context.Context, source string) (map[string]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]string{}
	for k, e := range m.entries {
		if e.Source == source {
			out[e.Key] = e.RawHash
			_ = k
		}
	}
	return out, nil
}

func (m *memStore) RecordState(_ context.Context, st SourceState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.states[st.Name] = st
	return nil
}

func (m *memStore) state(name string) SourceState {
	st, _ := m.SourceState(context.Background(), name)
	return st
}

// fetchFunc adapts a function to Fetcher.
type fetchFunc func(ctx context.Context, req FetchRequest) (*FetchResult, error)

func (f fetchFunc) Fetch(ctx context.Context, req FetchRequest) (*FetchResult, error) {
	return f(ctx, req)
}

// lineParser reads one entry per line "guid|title"; "PANIC" panics and
// "BAD" is a parse error.
type lineParser struct{}

func (lineParser) Parse(_ context.Context, in ParseInput) (*Feed, error) {
	body := string(in.Body)
	if body == "PANIC" {
		panic("parser exploded")
	}
	if body == "BAD" {
		return nil, errors.New("bad document")
	}
	var out []Entry
	for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
		if l == "" {
			continue
		}
		guid, title, _ := strings.Cut(l, "|")
		out = append(out, Entry{Source: in.Source, GUID: guid, Title: title, Published: in.Now, Updated: in.Now})
	}
	return &Feed{Entries: out}, nil
}
