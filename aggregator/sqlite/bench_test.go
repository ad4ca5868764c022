package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// synthText writes a news-like text of n words drawn from a Zipf-shaped
// vocabulary, so that common word pairs recur across texts as they do in
// real news.
type synthText struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	vocab []string
}

func newSynthText(seed uint64) *synthText {
	rng := rand.New(rand.NewPCG(seed, 1))
	vocab := make([]string, 20000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%x", i*2654435761%1000003)
	}
	return &synthText{rng: rng, zipf: rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1)), vocab: vocab}
}

func (s *synthText) text(n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = s.vocab[s.zipf.Uint64()]
	}
	return strings.Join(words, " ")
}

// fillStore writes n stored entries spread over a year straight into the
// tables (as Save would leave them), in one transaction.
func fillStore(b *testing.B, db *DB, n int, gen *synthText) {
	b.Helper()
	ctx := context.Background()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	must := func(_ sql.Result, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	for s := range 100 {
		must(tx.ExecContext(ctx, `INSERT INTO sources (name, url) VALUES (?, ?)`, fmt.Sprint("s", s), "https://example.org/"))
	}
	insItem, _ := tx.PrepareContext(ctx, `INSERT INTO items (id, uid, primary_entry, published, updated, first_seen) VALUES (?, ?, ?, ?, ?, ?)`)
	insEntry, _ := tx.PrepareContext(ctx, `INSERT INTO entries (id, item_id, source, key, guid, link, canonical_link, title, summary,
		content, author, categories, tags, hash, published, updated, first_seen, simhash, title_key)
		VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, '', '', '[]', '[]', '', ?, ?, ?, ?, ?)`)
	insKey, _ := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO merge_keys (bucket, key, published, entry_id) VALUES (?, ?, ?, ?)`)
	for i := 1; i <= n; i++ {
		at := start.Add(time.Duration(gen.rng.Int64N(int64(365 * 24 * time.Hour))))
		e := aggregator.Entry{Title: gen.text(8), Summary: gen.text(80), Published: at}
		fp := aggregator.NewFingerprint(&e)
		link := fmt.Sprintf("https://example.org/%d", i)
		ms := at.UnixMilli()
		must(insItem.ExecContext(ctx, i, fmt.Sprint("u", i), i, ms, ms, ms))
		must(insEntry.ExecContext(ctx, i, i, fmt.Sprint("s", i%100), fmt.Sprint("k", i), link, link, e.Title, e.Summary,
			ms, ms, ms, int64(fp.Simhash), fp.TitleKey))
		for _, k := range storeKeys(fp) {
			must(insKey.ExecContext(ctx, keyBucket(ms), k, ms, i))
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkMergeLookup times finding the story a new entry belongs to —
// title, index keys, candidate comparison — as the store grows. With
// GLEANER_BENCH_1M=1 it also runs with a million stored entries (building
// that store takes a few minutes).
func BenchmarkMergeLookup(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if os.Getenv("GLEANER_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) {
			db, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			gen := newSynthText(uint64(n))
			fillStore(b, db, n, gen)
			rec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "new"}, Merge: aggregator.MergePolicy{MaxDistance: 3}}
			at := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
			probes := make([]aggregator.Entry, 256)
			fields := make([]entryFields, len(probes))
			for i := range probes {
				probes[i] = aggregator.Entry{Source: "new", Title: gen.text(8), Summary: gen.text(80), Published: at.Add(time.Duration(i) * time.Minute)}
				probes[i].Fingerprint = aggregator.NewFingerprint(&probes[i])
				fields[i] = fieldsOf(&probes[i])
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				j := i % len(probes)
				if _, err := findStory(context.Background(), db.reader, &db.names, rec, &probes[j], &fields[j], 0, 1<<62); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRecentCandidates times a plan's look through memory when it
// is full: recentSize entries from 600 sources over three days, their
// sketch keys drawn with the skew of real text (on the benchmark farm's
// 600 feeds, 192,000 keys of 24,000 entries were 9,563 distinct ones,
// a few filed under thousands of entries); and with the keys of farSize
// forgotten entries too, in runs, as after a cold import of thousands
// of feeds.
func BenchmarkRecentCandidates(b *testing.B) {
	for _, bb := range []struct {
		name  string
		saved int64
	}{
		{"memory", recentSize},
		{"memory+forgotten", recentSize + farSize},
	} {
		b.Run(bb.name, func(b *testing.B) { benchmarkRecentCandidates(b, bb.saved) })
	}
}

func benchmarkRecentCandidates(b *testing.B, saved int64) {
	rng := rand.New(rand.NewPCG(7, 1))
	zipf := rand.NewZipf(rng, 1.5, 4, 60000)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	drawKeys := func() []int64 {
		var keys []int64
		for len(keys) < aggregator.SketchSize {
			if k := int64(zipf.Uint64()); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		return keys
	}
	// Names too are skewed: a few (a country, the year) in many entries.
	nameZipf := rand.NewZipf(rng, 1.01, 1, 100000)
	drawNames := func() []string {
		names := make([]string, 6)
		for i := range names {
			names[i] = fmt.Sprint("name", nameZipf.Uint64())
		}
		return names
	}
	r := recentIndex{names: &nameSigs{}}
	defer r.release()
	// Memory keeps the keys of what it forgot only while lookups reach
	// back to them (rebuild), as a cold import's do: one lookup in the
	// middle of the three days every 4,096 entries.
	reach := aggregator.Entry{Source: "new", Published: base.Add(36 * time.Hour)}
	reachFields := fieldsOf(&reach)
	reachRec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "new"}}
	distinct := map[int64]bool{}
	for id := int64(1); id <= saved; id++ {
		if id%4096 == 0 {
			r.candidates(reachRec, &reach, &reachFields, 0)
		}
		keys := drawKeys()
		for _, k := range keys {
			distinct[k] = true
		}
		names := aggregator.NameKeys(drawNames())
		r.add(recentEntry{id: id, itemID: id, published: millis(base) + rng.Int64N(3*86400)*1000,
			source: fmt.Sprint("feed-", rng.IntN(600)), mergeable: true, names: names}, keys)
		r.names.set(id, aggregator.NamesSig(names))
	}
	probes := make([]aggregator.Entry, 256)
	for i := range probes {
		var sketch []uint64
		for _, k := range drawKeys() {
			sketch = append(sketch, uint64(k)<<8)
		}
		probes[i] = aggregator.Entry{Source: "new", Published: time.UnixMilli(millis(base) + rng.Int64N(3*86400)*1000),
			Fingerprint: aggregator.Fingerprint{Sketch: sketch, Names: drawNames()}}
	}
	fields := make([]entryFields, len(probes))
	for i := range probes {
		fields[i] = fieldsOf(&probes[i]) // worked out by each poll before its plan
	}
	rec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "new"}}
	found := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_, ids := r.candidates(rec, &probes[i%len(probes)], &fields[i%len(probes)], 0)
		found += len(ids)
	}
	b.ReportMetric(float64(len(distinct)), "keys")
	b.ReportMetric(float64(len(r.far)), "runs")
	if saved > recentSize && len(r.far) == 0 {
		b.Fatal("memory kept no keys of the entries it forgot")
	}
	b.ReportMetric(float64(found)/float64(b.N), "candidates/op")
}
