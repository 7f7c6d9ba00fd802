package rules

import (
	"fmt"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// DateSlack is how far an account's data may be dated after the snapshot
// was collected: clocks a little off, files exported a few hours apart.
const DateSlack = 24 * time.Hour

// CheckDates refuses data dated after the snapshot was collected, which no
// real export holds (a wrong clock, or an edited file): ages measured
// against the snapshot's time would be negative, and every "unused for N
// days" check would pass. (An --as-of earlier than the data is refused by
// the engine.)
func CheckDates(s *snapshot.Snapshot) error {
	if s.CollectedAt.IsZero() {
		return nil
	}
	for _, a := range s.Accounts {
		if d, ok := a.NewestDate(); ok && d.Time.After(s.CollectedAt.Add(DateSlack)) {
			return fmt.Errorf("account %s: the data is dated after it was collected (%s): %s on %s; the export's clock is wrong or the file was edited",
				a.ID, s.CollectedAt.UTC().Format(time.RFC3339), d.What, d.Time.UTC().Format(time.RFC3339))
		}
	}
	return nil
}
