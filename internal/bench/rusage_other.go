//go:build !unix

package bench

import "os"

// peakRSS is unknown where rusage is not available.
func peakRSS(*os.ProcessState) int64 { return 0 }
