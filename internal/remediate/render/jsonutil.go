package render

import "encoding/json"

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
func jsonIndent(v any) ([]byte, error)    { return json.MarshalIndent(v, "", "  ") }
