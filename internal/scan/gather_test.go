package scan

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
)

// randomChunks makes results that tie on every sort criterion in many
// ways: few rules, accounts and resources, every status and severity
// (unknown ones too, which rank like PASS and below info), and a serial
// number in the message to tell tied results apart.
func randomChunks(rng *rand.Rand) [][]finding.Result {
	statuses := []finding.Status{finding.Fail, finding.Pass, finding.Muted, finding.Unknown, "ODD"}
	severities := []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info, "", "odd"}
	var chunks [][]finding.Result
	serial := 0
	for range rng.IntN(20) {
		var c []finding.Result
		for range rng.IntN(50) {
			serial++
			c = append(c, finding.Result{
				RuleID:      fmt.Sprintf("rule-%d", rng.IntN(4)),
				AccountID:   fmt.Sprintf("%012d", rng.IntN(3)),
				ResourceARN: fmt.Sprintf("arn:aws:iam::1:user/u%d", rng.IntN(5)),
				Status:      statuses[rng.IntN(len(statuses))],
				Severity:    severities[rng.IntN(len(severities))],
				Message:     fmt.Sprint(serial),
			})
		}
		chunks = append(chunks, c)
	}
	return chunks
}

// sortedConcat gives exactly what concatenating the chunks and
// finding.Sort (a stable sort) give, ties in concatenation order included.
func TestSortedConcatEqualsSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 7))
	for round := range 300 {
		chunks := randomChunks(rng)
		want := slices.Concat(chunks...)
		finding.Sort(want)
		got := sortedConcat(chunks)
		if len(got) != len(want) {
			t.Fatalf("round %d: %d results, want %d", round, len(got), len(want))
		}
		for i := range want {
			if got[i].Message != want[i].Message {
				t.Fatalf("round %d: result %d is #%s (%s %s %s), want #%s", round, i, got[i].Message,
					got[i].Status, got[i].Severity, got[i].RuleID, want[i].Message)
			}
		}
	}
}
