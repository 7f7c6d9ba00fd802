package compliance

import (
	"slices"
	"strconv"
	"strings"
)

// sortControls orders dotted numeric IDs naturally (1.2 < 1.10 < 2.1.1).
func sortControls(cs []Control) {
	slices.SortStableFunc(cs, func(a, b Control) int { return compareIDs(a.ID, b.ID) })
}

func compareIDs(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		if ea == nil && eb == nil {
			if na != nb {
				return na - nb
			}
			continue
		}
		if c := strings.Compare(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return len(pa) - len(pb)
}
