package identitycenter

import (
	"bytes"
	"strings"
	"testing"
)

// The --people file is user input: it never panics the parser, and what it
// accepts has a 12-digit account, a user name and an e-mail on every row.
func FuzzParsePeople(f *testing.F) {
	f.Add([]byte("account_id,user_name,email,given_name,family_name,display_name\n111111111111,asilva,ana@example.com,Ana,Silva,Ana Silva\n"))
	f.Add([]byte("account_id,user_name,email,given_name,family_name,display_name\n\"111111111111\",\"a,b\",x@y,,,\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := ParsePeople(bytes.NewReader(b), "people.csv")
		if err != nil {
			return
		}
		for _, e := range es {
			if !accountRe.MatchString(e.AccountID) || e.UserName == "" || !strings.Contains(e.Email, "@") {
				t.Fatalf("accepted %+v", e)
			}
		}
	})
}
