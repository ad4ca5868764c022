package aggregator

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule says when a source is due next.
type Schedule struct {
	spec  string
	sched cron.Schedule
}

// MinInterval is the shortest @every interval accepted.
const MinInterval = time.Minute

// cronParser accepts standard five-field specs and descriptors such as
// @every 15m and @hourly.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a cron spec or descriptor. It rejects specs that
// can never fire (cron would silently never run them) and turns the
// parser's panics into errors.
func ParseSchedule(spec string) (s Schedule, err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return Schedule{}, errors.New("empty schedule")
	}
	defer func() {
		if r := recover(); r != nil {
			// robfig/cron panics on some malformed specs, e.g. "CRON_TZ=UTC".
			err = fmt.Errorf("invalid schedule %q: malformed spec", spec)
		}
	}()
	sched, err := cronParser.Parse(spec)
	if err != nil {
		return Schedule{}, fmt.Errorf("invalid schedule %q: %w", spec, err)
	}
	if every, ok := strings.CutPrefix(spec, "@every "); ok {
		// cron rounds sub-second intervals up to a second; polling a
		// publisher more than once a minute is never polite.
		if d, err := time.ParseDuration(strings.TrimSpace(every)); err == nil && d < MinInterval {
			return Schedule{}, fmt.Errorf("invalid schedule %q: interval under %s", spec, MinInterval)
		}
	}
	// cron searches five years ahead and returns the zero time when
	// nothing matches, e.g. "0 0 31 2 *" (31 February).
	if sched.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return Schedule{}, fmt.Errorf("schedule %q never fires", spec)
	}
	return Schedule{spec: spec, sched: sched}, nil
}

// MustParseSchedule is ParseSchedule for specs known to be valid.
func MustParseSchedule(spec string) Schedule {
	s, err := ParseSchedule(spec)
	if err != nil {
		panic(err)
	}
	return s
}

// Next returns the first activation after t; the zero Schedule means
// every 15 minutes.
func (s Schedule) Next(t time.Time) time.Time {
	if s.sched == nil {
		return t.Add(15 * time.Minute)
	}
	return s.sched.Next(t)
}

// String returns the spec the schedule was parsed from.
func (s Schedule) String() string { return s.spec }

// Period estimates the gap between activations, for jitter.
func (s Schedule) Period(from time.Time) time.Duration {
	a := s.Next(from)
	return s.Next(a).Sub(a)
}
