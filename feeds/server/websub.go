package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Publisher tells WebSub hubs that outputs changed, so that subscribers
// get new items at once instead of at their next poll
// (https://www.w3.org/TR/websub/#publishing). Changes are gathered and
// announced at most once per Interval.
type Publisher struct {
	Client   *http.Client
	Log      *slog.Logger
	Interval time.Duration // default one minute

	changed chan struct{}
}

// NewPublisher returns a Publisher.
func NewPublisher(log *slog.Logger) *Publisher {
	return &Publisher{Client: &http.Client{Timeout: 30 * time.Second}, Log: log,
		Interval: time.Minute, changed: make(chan struct{}, 1)}
}

// Changed notes that outputs changed; it never blocks.
func (p *Publisher) Changed() {
	select {
	case p.changed <- struct{}{}:
	default: // already noted
	}
}

// Run announces changes to the current site's hubs until ctx ends.
func (p *Publisher) Run(ctx context.Context, current func() Site) {
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.changed:
		}
		if wait := p.Interval - time.Since(last); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		select { // changes noted while waiting are in this announcement
		case <-p.changed:
		default:
		}
		last = time.Now()
		site := current()
		for _, hub := range site.Hubs {
			if err := p.publish(ctx, hub, Topics(&site)); err != nil {
				p.Log.Warn("websub publish failed", "hub", hub, "err", err)
			} else {
				p.Log.Info("websub published", "hub", hub)
			}
		}
	}
}

// publish sends one hub.mode=publish request naming every topic.
func (p *Publisher) publish(ctx context.Context, hub string, topics []string) error {
	form := url.Values{"hub.mode": {"publish"}}
	for _, t := range topics {
		form.Add("hub.url", t) // hubs also read hub.topic; most take hub.url
		form.Add("hub.topic", t)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := p.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("hub answered %s", resp.Status)
	}
	return nil
}

// Topics are the feed URLs of every output of site, in every format.
func Topics(site *Site) []string {
	var out []string
	for _, o := range site.Outputs {
		for _, f := range []string{"rss", "atom", "json"} {
			out = append(out, site.BaseURL+"/feeds/"+o.Name+"."+f)
		}
	}
	return out
}
