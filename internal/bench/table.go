package bench

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"
)

// WriteTable prints the measurements as an aligned table (times: the
// least of each case's runs).
func WriteTable(w io.Writer, ms []Measurement) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "shape\tusers+roles+policies\taccounts\twall\tCPU\tpeak RSS\tJSON parse\tprincipals/s\tresults\truns\texponent (wall)\texponent (CPU)\t")
	for _, m := range ms {
		rss := "?"
		if m.PeakRSS > 0 {
			rss = fmt.Sprintf("%.0f MB", float64(m.PeakRSS)/1e6)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%.0f\t%d\t%d\t%s\t%s\t\n", m.Shape, m.Size, m.Accounts, seconds(m.Wall), seconds(m.CPU),
			rss, seconds(m.ParseFloor), m.PerSecond(), m.Results, m.Runs, exponent(m.Exponent), exponent(m.CPUExponent))
	}
	return tw.Flush()
}

func exponent(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.2f", x)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
