package finding

import (
	"fmt"
	"strings"
)

// Severity ranks how bad a failing result is.
type Severity string

// The severities, from worst to least.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Severities lists every severity, worst first.
var Severities = []Severity{Critical, High, Medium, Low, Info}

// Rank orders severities: critical is 5, info 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 5
	case High:
		return 4
	case Medium:
		return 3
	case Low:
		return 2
	case Info:
		return 1
	}
	return 0
}

// ParseSeverity accepts a severity name in any case.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
	}
	return sev, nil
}

// Status is a result's outcome.
type Status string

// The statuses a result can have.
const (
	Fail    Status = "FAIL"
	Pass    Status = "PASS"
	Muted   Status = "MUTED"
	Unknown Status = "UNKNOWN"
)

// Rank orders statuses for display: FAIL, UNKNOWN, MUTED, PASS.
func (s Status) Rank() int {
	switch s {
	case Fail:
		return 4
	case Unknown:
		return 3
	case Muted:
		return 2
	}
	return 1
}
