package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// cmdStatus prints each configured source's health as a table.
func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, cfg, _, err := setup("status", args, stderr)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Close()
	states, err := a.db.SourceStates(ctx)
	if err != nil {
		return err
	}
	byName := map[string]aggregator.SourceState{}
	for _, st := range states {
		byName[st.Name] = st
	}
	now := time.Now()
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SOURCE\tSTATE\tLAST ATTEMPT\tLAST SUCCESS\tSTATUS\tFAILURES\tNEXT\tITEMS\tNEW\tERROR")
	for _, src := range cfg.Sources {
		st := byName[src.Name]
		st.Name = src.Name
		if st.URL != src.URL {
			st = aggregator.SourceState{Name: src.Name} // the URL changed: not polled yet
		}
		note := oneLineText(st.LastError)
		if st.FetchURL != "" {
			note = strings.TrimSpace("moved to " + st.FetchURL + "; " + note)
		}
		next := ago(st.NextAttempt, now)
		if st.Gone {
			next = "never (410 Gone)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%d\t%d\t%s\n", src.Name, st.Condition(),
			ago(st.LastAttempt, now), ago(st.LastSuccess, now), statusText(st.LastStatus),
			st.Failures, next, st.LastEntries, st.LastNewItems, note)
	}
	return w.Flush()
}

// ago renders t relative to now, to the second: "3m0s ago", "in 14m0s".
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t).Round(time.Second)
	if d < 0 {
		return "in " + (-d).String()
	}
	return d.String() + " ago"
}

func statusText(code int) string {
	if code == 0 {
		return "-"
	}
	return fmt.Sprint(code)
}

func oneLineText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
