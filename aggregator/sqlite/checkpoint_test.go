package sqlite_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// TestCheckpointBetweenBursts: bursts of writes separated by rests leave
// the WAL no longer than one burst, because the WAL is copied into the
// database while the writer rests, so the next burst writes it from its
// start. Left to wal_autocheckpoint, the WAL would grow to hold all of
// them (it checkpoints only past 64 MB).
func TestCheckpointBetweenBursts(t *testing.T) {
	db, file := open(t)
	filler := strings.Repeat("<p>lorem ipsum dolor sit amet</p>", 100) // about 3 KB
	burst := func(n int) {
		for i := range 100 {
			src := source(fmt.Sprintf("s%d-%d", n, i))
			e := entry(src.Name, fmt.Sprintf("https://example.org/%d/%d", n, i), fmt.Sprintf("story %d %d", n, i), i)
			e.Content = filler
			save(t, db, aggregator.FetchRecord{Source: src, State: aggregator.SourceState{Name: src.Name, URL: src.URL}, Entries: []aggregator.Entry{e}})
		}
	}
	walSize := func() int64 {
		fi, err := os.Stat(file + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	burst(0)
	one := walSize()
	for n := 1; n <= 3; n++ {
		time.Sleep(time.Second) // the writer rests
		burst(n)
	}
	if got := walSize(); got > one*3/2 {
		t.Errorf("WAL after four bursts with rests between: %d KB; after one: %d KB. Want it reused, not grown", got>>10, one>>10)
	}
}
