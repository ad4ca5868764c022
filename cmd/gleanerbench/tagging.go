package main

import (
	"fmt"
	"os"
	"strings"
)

// taggingSections are the top-level keys of a gleaner configuration that
// say how entries are tagged.
var taggingSections = []string{"tags", "extract"}

// useTagging replaces the tagging of the farm's configuration (its one
// cyber-security rule and the extractors) with that of another gleaner
// configuration, such as the shipped config.yaml, so that the cycles
// tag as its users' do: the shipped rules hold regular expressions,
// which the farm's rule does not.
func useTagging(config, from string) error {
	farm, err := os.ReadFile(config)
	if err != nil {
		return fmt.Errorf("tagging: %w", err)
	}
	other, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("tagging: %w", err)
	}
	kept, _ := splitSections(string(farm))
	_, taken := splitSections(string(other))
	if !strings.Contains(taken, "\ntags:") && !strings.HasPrefix(taken, "tags:") {
		return fmt.Errorf("tagging: %s has no tags section", from)
	}
	return os.WriteFile(config, []byte(kept+"\n"+taken), 0o644)
}

// turnMergingOff adds merge.enabled: false to the farm's configuration,
// which has no merge section of its own.
func turnMergingOff(config string) error {
	doc, err := os.ReadFile(config)
	if err != nil {
		return fmt.Errorf("merging off: %w", err)
	}
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "merge:") {
			return fmt.Errorf("merging off: %s has a merge section already", config)
		}
	}
	return os.WriteFile(config, append(doc, "\nmerge:\n  enabled: false\n"...), 0o644)
}

// splitSections splits a YAML document's lines into those of the
// tagging sections and the others, by top-level key: a section runs from
// its key to the next line that starts another (comments at the start
// of a line go with the section they are in).
func splitSections(doc string) (others, tagging string) {
	var o, t strings.Builder
	in := false
	for _, line := range strings.SplitAfter(doc, "\n") {
		if line != "" && line[0] != ' ' && line[0] != '\t' && line[0] != '#' && line[0] != '\n' {
			key, _, _ := strings.Cut(line, ":")
			in = false
			for _, s := range taggingSections {
				in = in || strings.TrimSpace(key) == s
			}
		}
		if in {
			t.WriteString(line)
		} else {
			o.WriteString(line)
		}
	}
	return o.String(), t.String()
}
