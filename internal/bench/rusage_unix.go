//go:build unix

package bench

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS is the child's maximum resident set size in bytes (ru_maxrss is
// in kilobytes on Linux and in bytes on macOS).
func peakRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	maxrss := int64(ru.Maxrss) //nolint:unconvert // int32 on 32-bit platforms
	if runtime.GOOS == "darwin" {
		return maxrss
	}
	return maxrss * 1024
}
