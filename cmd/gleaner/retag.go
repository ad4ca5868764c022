package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/config"
)

// tagRulesKey is the setting that remembers which rules tagged the store.
const tagRulesKey = "tag_rules"

// cmdRetag re-tags every stored item with the configured rules.
func cmdRetag(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, path := flags("retag", stderr)
	dryRun := fs.Bool("dry-run", false, "report what would change, change nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Close()
	report, err := a.retag(ctx, *dryRun)
	if err != nil {
		return err
	}
	printRetag(stdout, report, *dryRun)
	return nil
}

// retag applies the configured rules to every stored entry and, unless
// dryRun, remembers them as the rules the store is tagged with.
func (a *app) retag(ctx context.Context, dryRun bool) (aggregator.RetagReport, error) {
	tagger := a.poll.Tagger
	sources := map[string]aggregator.Source{}
	for _, s := range a.cfg.Sources {
		sources[s.Name] = s
	}
	report, err := a.db.Retag(ctx, func(e *aggregator.Entry) []string {
		src, ok := sources[e.Source]
		if !ok {
			src = aggregator.Source{Name: e.Source} // no longer configured
		}
		return tagger.Tags(e, src)
	}, dryRun)
	if err != nil || dryRun {
		return report, err
	}
	return report, a.db.SetSetting(ctx, tagRulesKey, rulesFingerprint(a.cfg))
}

// retagIfRulesChanged re-tags stored items when the rules differ from
// those that tagged them (on start and on reload).
func (a *app) retagIfRulesChanged(ctx context.Context) error {
	stored, err := a.db.Setting(ctx, tagRulesKey)
	if err != nil || stored == rulesFingerprint(a.cfg) {
		return err
	}
	if stored == "" {
		// Nothing tagged the store before these rules.
		return a.db.SetSetting(ctx, tagRulesKey, rulesFingerprint(a.cfg))
	}
	report, err := a.retag(ctx, false)
	if err != nil {
		return err
	}
	attrs := []any{"items", report.Items, "changed", report.Changed}
	for _, tag := range reportTags(report) {
		attrs = append(attrs, "tag."+tag, fmt.Sprintf("+%d -%d", report.Gained[tag], report.Lost[tag]))
	}
	a.log.Info("tag rules changed; re-tagged stored items", attrs...)
	return nil
}

// rulesFingerprint identifies everything that decides tags.
func rulesFingerprint(cfg *config.Config) string {
	type sourceTags struct {
		Name       string
		Tags       []string
		Categories map[string]string
	}
	var srcs []sourceTags
	for _, s := range cfg.Sources {
		srcs = append(srcs, sourceTags{s.Name, s.Tags, s.Categories})
	}
	b, _ := json.Marshal(struct {
		Tagging aggregator.TaggerOptions
		Sources []sourceTags
	}{cfg.Tagging, srcs})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func reportTags(r aggregator.RetagReport) []string {
	var tags []string
	for t := range r.Gained {
		tags = append(tags, t)
	}
	for t := range r.Lost {
		if _, ok := r.Gained[t]; !ok {
			tags = append(tags, t)
		}
	}
	slices.Sort(tags)
	return tags
}

func printRetag(w io.Writer, r aggregator.RetagReport, dryRun bool) {
	verb := "changed"
	if dryRun {
		verb = "would change"
	}
	fmt.Fprintf(w, "%d items looked at, %d %s\n", r.Items, r.Changed, verb)
	if len(reportTags(r)) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TAG\tGAINED\tLOST")
	for _, t := range reportTags(r) {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", t, r.Gained[t], r.Lost[t])
	}
	tw.Flush()
}

// cmdExplain prints why an item has each of its tags.
func cmdExplain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg, path, err := setup("explain", args, stderr)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &exitError{code: 2, err: fmt.Errorf("usage: gleaner explain [-config PATH] ITEM (an item id or link; config %s)", path)}
	}
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Close()
	item, entries, err := a.db.ItemEntries(ctx, fs.Arg(0))
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	fmt.Fprintf(stdout, "item %s  %s\n", item.UID, item.Title)
	fmt.Fprintf(stdout, "tags: %s\n", strings.Join(item.Tags, ", "))
	if len(item.CVEs) > 0 {
		fmt.Fprintf(stdout, "cves: %s\n", strings.Join(item.CVEs, ", "))
	}
	for _, e := range entries {
		src, ok := cfg.Source(e.Source)
		if !ok {
			src = aggregator.Source{Name: e.Source}
		}
		fmt.Fprintf(stdout, "\nsource %s  %s\n", e.Source, e.Link)
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  TAG\tFIELD\tPOS\tTERM\tCONTEXT")
		for _, r := range a.poll.Tagger.Explain(&e, src) {
			pos := "-"
			if r.Context != "" {
				pos = fmt.Sprint(r.Pos)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Tag, r.Field, pos, r.Term, r.Context)
		}
		tw.Flush()
	}
	return nil
}
