package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// NewCall builds a call with parameters in the order given as name, value
// pairs. A nil value is left out.
func NewCall(service, operation string, kv ...any) *Call {
	if len(kv)%2 != 0 {
		panic("plan.NewCall: odd number of key/value arguments")
	}
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			continue
		}
		k, _ := json.Marshal(kv[i].(string))
		v, err := json.Marshal(kv[i+1])
		if err != nil {
			panic(fmt.Sprintf("plan.NewCall %s: %v", kv[i], err))
		}
		if n > 0 {
			b.WriteByte(',')
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
		n++
	}
	b.WriteByte('}')
	return &Call{Service: service, Operation: operation, Params: json.RawMessage(b.Bytes())}
}

// ActionID derives a stable action ID from the account, the stage and the
// call (service, operation, parameters as written), so the same change
// planned twice has the same ID. Console-only actions hash their title.
func ActionID(a *Action) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", a.AccountID, a.Stage)
	if a.Call != nil {
		var compact bytes.Buffer
		if json.Compact(&compact, a.Call.Params) != nil {
			compact.Write(a.Call.Params)
		}
		fmt.Fprintf(h, "%s\x00%s\x00%s", a.Call.Service, a.Call.Operation, compact.Bytes())
	} else {
		fmt.Fprintf(h, "%s\x00%s", a.Title, strings.Join(a.Console, "\n"))
	}
	return a.AccountID + "-" + hex.EncodeToString(h.Sum(nil))[:12]
}
