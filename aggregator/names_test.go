package aggregator

import "testing"

func TestSameNames(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		want bool
	}{
		{"one side has no names", nil, []string{"cisa"}, true},
		{"same names", []string{"cisa", "fortinet"}, []string{"cisa", "fortinet"}, true},
		{"enough shared", []string{"cisa", "fortinet", "microsoft"}, []string{"cisa", "fortinet", "zyxel"}, true},
		{"too few shared", []string{"cisa", "fortinet", "ivanti"}, []string{"nasa", "boeing", "ivanti"}, false},
		{"shared names, other numbers", []string{"22.8", "ministry", "party"}, []string{"4.7", "ministry", "party"}, false},
		{"shared names and a number", []string{"2026", "22.8", "ministry"}, []string{"22.8", "ministry"}, true},
		{"numbers on one side only", []string{"4.7", "ministry", "party"}, []string{"ministry", "party"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SameNames(tt.a, tt.b); got != tt.want {
				t.Errorf("SameNames(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := SameNames(tt.b, tt.a); got != tt.want {
				t.Errorf("SameNames(%q, %q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}
