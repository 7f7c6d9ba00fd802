package access

// Gains lists what becoming target adds to p: up to n of the catalogue's
// escalation actions and the sensitive actions (privilege escalation,
// credential exposure, data access) that target is allowed on some
// resource and p is not, in catalogue order, and how many there are in
// all. An administrator target gains everything: callers say
// "administrator" instead.
func (a *Analysis) Gains(target, p *Principal, n int) (names []string, total int) {
	if target == nil || p == nil {
		return nil, 0
	}
	t, mine := a.power(target), a.power(p)
	for i, act := range powerActions {
		if t[i/64]&^mine[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		total++
		if len(names) < n {
			names = append(names, act)
		}
	}
	return names, total
}
