package main

import (
	"context"
	"strings"
	"testing"
)

func TestKeyCounterSharing(t *testing.T) {
	many := func(n int, sketch []uint64) [][]uint64 {
		out := make([][]uint64, n)
		for i := range out {
			out[i] = sketch
		}
		return out
	}
	tests := []struct {
		name     string
		sketches [][]uint64
		want     keySharing
	}{
		{"none", nil, keySharing{}},
		{"an entry without a sketch", [][]uint64{nil}, keySharing{}},
		{"no key shared", [][]uint64{{1, 2}, {3, 4}}, keySharing{Entries: 2, Rows: 4, Distinct: 4, Largest: 1}},
		{"eleven entries share one key", append(many(11, []uint64{7}), []uint64{8}),
			keySharing{Entries: 12, Rows: 12, Distinct: 2, Over: [3]int{11, 0, 0}, Largest: 11}},
		{"ten entries are not more than ten", many(10, []uint64{7, 9}),
			keySharing{Entries: 10, Rows: 20, Distinct: 2, Largest: 10}},
		{"past every bound", many(1001, []uint64{5}),
			keySharing{Entries: 1001, Rows: 1001, Distinct: 1, Over: [3]int{1001, 1001, 1001}, Largest: 1001}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c keyCounter
			for _, s := range tt.sketches {
				c.add(s)
			}
			if got := c.sharing(); got != tt.want {
				t.Errorf("sharing = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSharingOfDir reads real feed files: an entry in both of an
// outlet's feeds counts once (the bridge; the library and the ferry are
// in one each), and a file that is no feed counts nothing.
func TestSharingOfDir(t *testing.T) {
	s, err := sharingOfDir(context.Background(), "testdata/keys")
	if err != nil {
		t.Fatal(err)
	}
	if want := (keySharing{Entries: 3, Rows: 3 * 8, Distinct: 3 * 8, Largest: 1}); s != want {
		t.Errorf("sharing %+v, want %+v: 8 keys an entry, none shared by three different texts", s, want)
	}
	if _, err := sharingOfDir(context.Background(), "testdata/no-such-folder"); err == nil {
		t.Error("a missing folder gave no error")
	}
}

// TestSharingOfFarm serves a small farm in this process: every entry of
// every feed, or as many as asked.
func TestSharingOfFarm(t *testing.T) {
	o := options{items: 40, seed: 1}
	all, err := sharingOfFarm(context.Background(), o, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if all.Entries != 120 || all.Rows != 8*120 {
		t.Errorf("three feeds: %+v, want 120 entries of 8 keys", all)
	}
	some, err := sharingOfFarm(context.Background(), o, 3, 50)
	if err != nil {
		t.Fatal(err)
	}
	if some.Entries != 50 {
		t.Errorf("limit 50: %d entries", some.Entries)
	}
}

func TestKeySharingReport(t *testing.T) {
	r := &keySharingReport{rows: []keySharingRow{
		{"real", keySharing{Entries: 100, Rows: 800, Distinct: 700, Over: [3]int{40, 0, 0}, Largest: 12}},
		{"farm", keySharing{Entries: 100, Rows: 800, Distinct: 200, Over: [3]int{400, 100, 0}, Largest: 150}},
	}}
	var out strings.Builder
	r.write(&out)
	for _, want := range []string{"| real | 100 | 800 | 700 | 5.0 % | 0.0 % | 0.0 % | 12 entries |",
		"| farm | 100 | 800 | 200 | 50.0 % | 12.5 % | 0.0 % | 150 entries |", "is 10.0× the feeds'"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestKeysOf runs the whole test against the fixture feeds: the farm is
// counted at as many entries as they hold, then at -feeds.
func TestKeysOf(t *testing.T) {
	o := options{feeds: 3, items: 40, seed: 1}
	r, err := keysOf(context.Background(), o, "testdata/keys")
	if err != nil {
		t.Fatal(err)
	}
	var entries []int
	for _, row := range r.rows {
		entries = append(entries, row.Entries)
	}
	if len(entries) != 3 || entries[0] != 3 || entries[1] != 3 || entries[2] != 120 {
		t.Errorf("rows of %v entries, want the fixtures' 3, the farm's first 3 and its 120", entries)
	}
	if _, err := keysOf(context.Background(), o, t.TempDir()); err == nil || !strings.Contains(err.Error(), "no feed entries") {
		t.Errorf("an empty folder: %v, want an error that says it holds no entries", err)
	}
}
