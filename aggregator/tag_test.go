package aggregator

import (
	"slices"
	"testing"
)

func TestTagger(t *testing.T) {
	tagger := NewTagger([]TagRule{
		{Name: "cyber-security", Any: []string{"ransomware", "botnet", "zero-day", "网络攻击", "勒索软件", "APT"}, None: []string{"cyber monday"}},
		{Name: "china-us", All: []string{"china", "united states"}},
	})
	tests := []struct {
		name       string
		entry      Entry
		sourceTags []string
		want       []string
	}{
		{"latin whole word", Entry{Title: "Ransomware hits hospital"}, nil, []string{"cyber-security"}},
		{"case folded", Entry{Title: "RANSOMWARE gang arrested"}, nil, []string{"cyber-security"}},
		{"not inside a word", Entry{Title: "Botnets of old"}, nil, nil},
		{"inside a longer word", Entry{Title: "The rapture of apts"}, nil, nil},
		{"hyphenated term", Entry{Title: "A zero-day in the browser"}, nil, []string{"cyber-security"}},
		{"chinese substring", Entry{Title: "多地遭受网络攻击事件"}, nil, []string{"cyber-security"}},
		{"latin term next to chinese", Entry{Title: "黑客使用botnet发起攻击"}, nil, []string{"cyber-security"}},
		{"full-width latin", Entry{Title: "ＲＡＮＳＯＭＷＡＲＥ 来袭"}, nil, []string{"cyber-security"}},
		{"in summary html", Entry{Title: "News", Summary: "<p>a <b>botnet</b> was seized</p>"}, nil, []string{"cyber-security"}},
		{"none vetoes", Entry{Title: "Cyber Monday deals on ransomware insurance"}, nil, nil},
		{"all needs every term", Entry{Title: "China and the United States meet"}, nil, []string{"china-us"}},
		{"all missing one", Entry{Title: "China meets its neighbours"}, nil, nil},
		{"source tags kept and sorted", Entry{Title: "勒索软件"}, []string{"zz", "china"}, []string{"china", "cyber-security", "zz"}},
		{"nothing", Entry{Title: "Weather is fine"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tagger.Tags(&tt.entry, tt.sourceTags)
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("Tags(%q) = %v, want %v", tt.entry.Title, got, tt.want)
			}
		})
	}
}
