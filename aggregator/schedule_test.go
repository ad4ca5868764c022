package aggregator

import (
	"strings"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	from := time.Date(2024, 3, 5, 10, 7, 0, 0, time.UTC)
	tests := []struct {
		spec    string
		next    time.Time
		wantErr string
	}{
		{spec: "*/10 * * * *", next: time.Date(2024, 3, 5, 10, 10, 0, 0, time.UTC)},
		{spec: "@hourly", next: time.Date(2024, 3, 5, 11, 0, 0, 0, time.UTC)},
		{spec: "@every 15m", next: from.Add(15 * time.Minute)},
		{spec: "0 0 29 2 *", next: time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
		{spec: "0 0 31 2 *", wantErr: "never fires"},
		{spec: "CRON_TZ=UTC", wantErr: "malformed"},
		{spec: "TZ=Asia/Shanghai", wantErr: "malformed"},
		{spec: "* * *", wantErr: "expected exactly 5 fields"},
		{spec: "@every 10s", wantErr: "interval under"},
		{spec: "", wantErr: "empty"},
		{spec: "61 * * * *", wantErr: "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := ParseSchedule(tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSchedule(%q) error = %v, want one containing %q", tt.spec, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSchedule(%q): %v", tt.spec, err)
			}
			if got := s.Next(from); !got.Equal(tt.next) {
				t.Errorf("Next(%v) = %v, want %v", from, got, tt.next)
			}
		})
	}
}
