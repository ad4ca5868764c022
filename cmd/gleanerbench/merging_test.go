package main

import "testing"

func TestScoreMerging(t *testing.T) {
	// Story s1 has copies in feeds a, b and c; s2 in a and d; s3 only in e.
	stories := map[[2]string]string{
		{"a", "/1"}: "s1", {"b", "/1"}: "s1", {"c", "/1"}: "s1",
		{"a", "/2"}: "s2", {"d", "/2"}: "s2",
		{"e", "/3"}: "s3",
	}
	tests := []struct {
		name    string
		entries []storedEntry
		want    mergeScore
	}{
		{"every copy merged", []storedEntry{
			{"a", "/1", 1}, {"b", "/1", 1}, {"c", "/1", 1}, {"a", "/2", 2}, {"d", "/2", 2}, {"e", "/3", 3},
		}, mergeScore{Pairs: 4, Found: 4, Right: 4}},
		{"nothing merged", []storedEntry{
			{"a", "/1", 1}, {"b", "/1", 2}, {"c", "/1", 3}, {"a", "/2", 4}, {"d", "/2", 5}, {"e", "/3", 6},
		}, mergeScore{Pairs: 4}},
		{"one copy missed, one false merge", []storedEntry{
			{"a", "/1", 1}, {"b", "/1", 1}, {"c", "/1", 2}, {"a", "/2", 3}, {"d", "/2", 3}, {"e", "/3", 3},
		}, mergeScore{Pairs: 4, Found: 4, Right: 2}},
		{"an entry the farm never served", []storedEntry{
			{"a", "/1", 1}, {"b", "/1", 1}, {"x", "/9", 1},
		}, mergeScore{Pairs: 1, Found: 1, Right: 1, Untracked: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scoreMerging(stories, tt.entries); got != tt.want {
				t.Errorf("scoreMerging = %+v, want %+v", got, tt.want)
			}
		})
	}
}
