package reports

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dti-platform/dti/scoring"
)

// bigIndex is a synthetic index of 4 pillars × 5 groups × 5 indicators =
// 100 indicators of 10 points (1000 in total), three blocks and five bands.
func bigIndex() *scoring.Index {
	ix := testIndex()
	ix.Nodes = nil
	ix.Adjustments = nil
	for p := 1; p <= 4; p++ {
		top := &scoring.Node{Code: fmt.Sprintf("P%d", p), Name: txt(fmt.Sprintf("Trụ cột số %d", p), fmt.Sprintf("Pillar %d", p)), MaxPoints: 250}
		for g := 1; g <= 5; g++ {
			grp := &scoring.Node{Code: fmt.Sprintf("P%d.%d", p, g), Name: txt(fmt.Sprintf("Nhóm chỉ tiêu %d.%d", p, g), fmt.Sprintf("Group %d.%d", p, g)), MaxPoints: 50}
			for i := 1; i <= 5; i++ {
				n := ind(fmt.Sprintf("P%d.%d.%02d", p, g, i), fmt.Sprintf("Chỉ tiêu đánh giá mức độ chuyển đổi số %d.%d.%d", p, g, i),
					fmt.Sprintf("Indicator %d.%d.%d", p, g, i), 10, scoring.MethodPercent,
					scoring.Input{Key: "v", Label: txt("Tỷ lệ", "Share"), Type: scoring.InputPercent})
				n.Pillars = []string{[]string{"CQS", "KTS"}[(g+i)%2]}
				grp.Children = append(grp.Children, n)
			}
			top.Children = append(top.Children, grp)
		}
		ix.Nodes = append(ix.Nodes, top)
	}
	link(ix)
	return ix
}

// bigRankingInput is a period of n units with results for the current and
// the previous period.
func bigRankingInput(n int) RankingInput {
	ix := bigIndex()
	us := make([]testUnit, n)
	blocks := []string{"SO", "SO_KHAC", "HUYEN"}
	for i := range us {
		b := blocks[i%3]
		typ := "department"
		if b == "HUYEN" {
			typ = "district"
		}
		us[i] = testUnit{fmt.Sprintf("U%05d", i), fmt.Sprintf("Ủy ban nhân dân xã Phước Long số %d", i), typ, b}
	}
	return RankingInput{
		Index:          ix,
		Period:         testPeriod(),
		Results:        fakeResults(ix, us, 1),
		Previous:       fakeResults(ix, us, 2),
		PreviousPeriod: Period{Code: "DTI-2024", Name: txt("DTI 2024", "DTI 2024")},
		GeneratedAt:    testTime,
		GroupDepth:     1,
	}
}

// BenchmarkWriteRanking writes the full ranking workbook with the matrix
// for 3,500 units × 100 indicators. Target: ≤ 3 s and ≤ 200 MB peak memory
// (see TestRankingPeakMemory for the peak).
func BenchmarkWriteRanking(b *testing.B) {
	in := bigRankingInput(3500)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteRanking(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRankingPeakMemory writes the 3,500 × 100 workbook once and prints the
// process's peak resident memory (VmHWM) and Go heap figures. It runs only
// with DTI_BENCH_RSS=1, in a process of its own:
//
//	DTI_BENCH_RSS=1 go test -run TestRankingPeakMemory -v ./reports/
func TestRankingPeakMemory(t *testing.T) {
	if os.Getenv("DTI_BENCH_RSS") != "1" {
		t.Skip("set DTI_BENCH_RSS=1 to measure peak memory")
	}
	in := bigRankingInput(3500)
	runtime.GC()
	before := vmHWM(t)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapBefore := ms.HeapAlloc
	start := time.Now()
	var w countingWriter
	if err := WriteRanking(&w, in); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&ms)
	t.Logf("3500 units × 100 indicators: %d bytes in %v", w.n, elapsed)
	t.Logf("peak RSS (VmHWM) after input built: %s, after writing: %s; heap in use before %d MB; total allocated %d MB; Sys %d MB",
		before, vmHWM(t), heapBefore>>20, ms.TotalAlloc>>20, ms.Sys>>20)
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// vmHWM reads the peak resident set size from /proc/self/status.
func vmHWM(t *testing.T) string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "?"
}
