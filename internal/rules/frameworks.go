package rules

// Framework IDs. Conformity rule IDs are aliases users moving from Trend
// Micro Conformity can search and suppress by.
const (
	CISv3      Framework = "cis-aws-v3.0"
	CISv5      Framework = "cis-aws-v5.0"
	CISv7      Framework = "cis-aws-v7.0"
	FSBP       Framework = "aws-fsbp"
	WellArch   Framework = "aws-well-architected"
	NIST80053  Framework = "nist-800-53-r5"
	Conformity Framework = "conformity"
)

// Frameworks lists every known framework ID.
var Frameworks = []Framework{CISv3, CISv5, CISv7, FSBP, WellArch, NIST80053, Conformity}

// cis maps one CIS recommendation across the three benchmark versions; an
// empty string means the version has no such recommendation.
func cis(v3, v5, v7 string) map[Framework][]string {
	m := map[Framework][]string{}
	for fw, c := range map[Framework]string{CISv3: v3, CISv5: v5, CISv7: v7} {
		if c != "" {
			m[fw] = []string{c}
		}
	}
	return m
}

// with adds controls of other frameworks to a mapping.
func with(m map[Framework][]string, fw Framework, controls ...string) map[Framework][]string {
	m[fw] = append(m[fw], controls...)
	return m
}
