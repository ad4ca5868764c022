package server

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/feeds"
)

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
}).Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.2rem .5rem;border-bottom:1px solid #ddd}
.err{color:#a00}.tags span{background:#eef;border-radius:3px;padding:0 .3rem;margin-right:.3rem}</style>
{{end}}

{{define "index"}}{{template "head" .}}
{{.Alternates}}</head><body>
<h1>{{.Title}}</h1>
<h2>Feeds</h2>
<ul>{{range .Outputs}}{{$o := .}}
<li><strong>{{or .Title .Name}}</strong>{{with .Description}} — {{.}}{{end}}:
{{range $.Formats}}<a href="{{$.FeedURL $o.Name .Ext}}">{{.Name}}</a> {{end}}</li>{{end}}
</ul>
<h2>Sources</h2>
<table><tr><th>source</th><th>state</th><th>last attempt</th><th>last success</th><th>status</th><th>failures</th><th>next attempt</th><th>items</th><th>error</th></tr>
{{range .Sources}}<tr><td><a href="{{.URL}}">{{.Name}}</a></td><td>{{.Condition}}</td><td>{{when .LastAttempt}}</td><td>{{when .LastSuccess}}</td>
<td>{{if .LastStatus}}{{.LastStatus}}{{end}}</td><td>{{.Failures}}</td><td>{{if .Gone}}never (410 Gone){{else}}{{when .NextAttempt}}{{end}}</td>
<td>{{.LastEntries}}</td><td class="err">{{with .FetchURL}}moved to {{.}}; {{end}}{{.LastError}}</td></tr>
{{end}}</table>
</body></html>
{{end}}

{{define "item"}}{{template "head" .}}</head><body>
{{with .Item}}<h1><a href="{{.Link}}">{{.Title}}</a></h1>
<p>Published {{when .Published}}{{if ne .Updated .Published}}, updated {{when .Updated}}{{end}}{{with .Author}} by {{.}}{{end}}</p>
<p class="tags">{{range .Tags}}<span>{{.}}</span>{{end}}</p>
<div>{{$.Body}}</div>
{{with $.Primary}}<p>Source: <a href="{{.Link}}">{{.Name}}</a></p>{{end}}
{{with $.Others}}<h2>Also reported by</h2>
<ul>{{range .}}<li><a href="{{.Link}}">{{.Name}}</a>{{with .Title}}: {{.}}{{end}}</li>{{end}}</ul>{{end}}
{{end}}</body></html>
{{end}}
`))

type formatLink struct{ Name, Ext, Type string }

var formatLinks = []formatLink{
	{"RSS", string(feeds.RSS), "application/rss+xml"},
	{"Atom", string(feeds.Atom), "application/atom+xml"},
	{"JSON Feed", string(feeds.JSON), "application/feed+json"},
}

type indexPage struct {
	Title   string
	Site    *Site
	Outputs []aggregator.Output
	Formats []formatLink
	Sources []sourceRow
}

func (p indexPage) FeedURL(name, ext string) string {
	return p.Site.BaseURL + "/feeds/" + name + "." + ext
}

type sourceRow struct {
	aggregator.SourceState
	URL string
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	site := s.currentSite()
	states, err := s.store.SourceStates(r.Context())
	if err != nil {
		s.log.Error("index", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	byName := map[string]aggregator.SourceState{}
	for _, st := range states {
		byName[st.Name] = st
	}
	page := indexPage{Title: "gleaner", Site: site, Outputs: site.Outputs, Formats: formatLinks}
	for _, src := range site.Sources {
		st := byName[src.Name]
		if st.URL != src.URL {
			st = aggregator.SourceState{} // the URL changed: not polled yet
		}
		st.Name = src.Name
		page.Sources = append(page.Sources, sourceRow{SourceState: st, URL: src.URL})
	}
	s.html(w, "index", page)
}

func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	items, err := s.store.Items(r.Context(), aggregator.ItemQuery{UID: r.PathValue("uid"), Limit: 1})
	if err != nil {
		s.log.Error("item page", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	if len(items) == 0 {
		http.NotFound(w, r)
		return
	}
	it := items[0]
	body := it.Content
	if body == "" {
		body = it.Summary
	}
	// The HTML was sanitised at ingest.
	page := map[string]any{"Title": it.Title, "Item": it, "Body": template.HTML(body)}
	if len(it.Sources) > 0 {
		page["Primary"], page["Others"] = it.Sources[0], it.Sources[1:]
	}
	s.html(w, "item", page)
}

func (s *Server) html(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		s.log.Error("page", "page", name, "err", err)
	}
}

// Alternates are the autodiscovery links, written by hand because
// html/template would escape the "+" in media types, which naive
// discovery code fails to match.
func (p indexPage) Alternates() template.HTML {
	var b strings.Builder
	for _, o := range p.Outputs {
		title := o.Title
		if title == "" {
			title = o.Name
		}
		for _, f := range p.Formats {
			fmt.Fprintf(&b, "<link rel=\"alternate\" type=\"%s\" title=\"%s\" href=\"%s\">\n",
				f.Type, html.EscapeString(title+" ("+f.Name+")"), html.EscapeString(p.FeedURL(o.Name, f.Ext)))
		}
	}
	return template.HTML(b.String())
}
