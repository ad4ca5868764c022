package gcbudget

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestFits(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name          string
		floor         int64
		live, nonHeap uint64
		want          bool
	}{
		{"a poll's heap", 30 * mib, 7 * mib, 9 * mib, true},
		{"empty heap", 30 * mib, 0, 0, true},
		{"just fits", 30 * mib, 8 * mib, 10 * mib, true},
		{"a byte too many", 30 * mib, 8*mib + 1, 10 * mib, false},
		{"a large store's heap", 30 * mib, 40 * mib, 10 * mib, false},
		{"no floor", 0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fits(tt.floor, tt.live, tt.nonHeap); got != tt.want {
				t.Errorf("fits(%d, %d, %d) = %v, want %v", tt.floor, tt.live, tt.nonHeap, got, tt.want)
			}
		})
	}
}

// heapGoal is the collector's heap goal after a collection.
func heapGoal() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestBudgetCollectsLessOften compares the heap goals, which set how
// much is allocated between collections; counting collections instead
// depends on how quickly each finishes on a busy machine.
func TestBudgetCollectsLessOften(t *testing.T) {
	plain := heapGoal()
	b := start(30 << 20)
	defer b.stop()
	budgeted := heapGoal()
	t.Logf("heap goal %d KiB plain, %d KiB with a budget", plain>>10, budgeted>>10)
	if budgeted < 2*plain {
		t.Errorf("heap goal with a budget %d, want at least twice the %d without", budgeted, plain)
	}
}

// limitNow reads the memory limit without changing it.
func limitNow() int64 { return debug.SetMemoryLimit(-1) }

func TestBudgetStepsAsideForALargeHeap(t *testing.T) {
	const floor = 30 << 20
	prevPercent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prevPercent)
	before := limitNow()
	b := start(floor)
	defer b.stop()
	// A live heap of 64 MiB leaves a floor of 30 MiB no room: the limit
	// and GOGC must be what they were before the budget.
	live := make([][]byte, 64)
	for i := range live {
		live[i] = make([]byte, 1<<20)
	}
	waitForLimit(t, func(l int64) bool { return l == before })
	if got := percentNow(); got != 100 {
		t.Errorf("GOGC with a large heap = %d, want 100", got)
	}
	runtime.KeepAlive(live)
	live = nil
	// Once it is garbage, the budget's settings are back.
	waitForLimit(t, func(l int64) bool { return l == floor })
	if got := percentNow(); got != percent {
		t.Errorf("GOGC with a small heap again = %d, want %d", got, percent)
	}
}

// percentNow reads GOGC without changing it.
func percentNow() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// waitForLimit collects until the limit set after a collection satisfies
// ok; the budget hears of a collection a moment after it ends.
func waitForLimit(t *testing.T, ok func(int64) bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		if ok(limitNow()) {
			return
		}
	}
	t.Fatalf("memory limit %d after 10 s of collections", limitNow())
}

func TestStopRestoresTheSettings(t *testing.T) {
	prevPercent := debug.SetGCPercent(150)
	prevLimit := debug.SetMemoryLimit(1 << 40)
	defer func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	}()
	b := start(30 << 20)
	if got := limitNow(); got != 30<<20 {
		t.Errorf("memory limit while running = %d, want %d", got, 30<<20)
	}
	b.stop()
	b.stop() // a second stop changes nothing
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("GOGC after stop = %d, want 150", got)
	}
	if got := limitNow(); got != 1<<40 {
		t.Errorf("memory limit after stop = %d, want %d", got, int64(1<<40))
	}
	// Collections after stop, with a large heap and then a small one
	// again, must not set the budget's settings again.
	live := make([][]byte, 64)
	for i := range live {
		live[i] = make([]byte, 1<<20)
	}
	for range 3 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(live)
	live = nil
	for range 3 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := limitNow(); got != 1<<40 {
		t.Errorf("memory limit after collections after stop = %d, want %d", got, int64(1<<40))
	}
	if got := percentNow(); got != 150 {
		t.Errorf("GOGC after collections after stop = %d, want 150", got)
	}
}

func TestStartLeavesTheOperatorsChoice(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "100")
			before := limitNow()
			stop := Start(30 << 20)
			defer stop()
			if got := limitNow(); got != before {
				t.Errorf("with %s set, memory limit = %d, want it left at %d", env, got, before)
			}
		})
	}
}
