package feeds

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

func TestZZDump(t *testing.T) {
	files, _ := filepath.Glob("testdata/parse/*")
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		es, err := NewParser().Parse(context.Background(), aggregator.ParseInput{Body: b, URL: "https://feeds.example.com/x/feed.xml", Location: sh, Now: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})
		fmt.Println("==", f, err)
		for _, e := range es {
			fmt.Printf("%+v\n", e)
		}
	}
}
