package config

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParse parses a configuration of 600 sources, as every
// `gleaner poll` of a large installation does before its first fetch.
func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("database: gleaner.db\npoll:\n  schedule: \"@every 15m\"\n  concurrency: 32\nsources:\n")
	for i := range 600 {
		fmt.Fprintf(&sb, "  - name: feed-%04d\n    url: http://127.0.0.1:8080/feeds/feed-%04d.xml\n", i, i)
		if i%5 == 0 {
			sb.WriteString("    timezone: Asia/Shanghai\n")
		}
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("bench.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
