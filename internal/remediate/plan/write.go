package plan

import (
	"encoding/json"
	"io"

	"github.com/iamspect/iamspect/internal/outfile"
)

// Encode writes the plan as indented JSON after validating it.
func (pl *Plan) Encode(w io.Writer) error {
	if pl.SchemaVersion == "" {
		pl.SchemaVersion = SchemaVersion
	}
	if err := pl.Validate(); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(pl)
}

// Write stores the plan at path through internal/outfile.
func (pl *Plan) Write(path string) error {
	return outfile.Write(path, 0o644, pl.Encode)
}

// ByStage returns the actions of one stage, in plan order.
func (pl *Plan) ByStage(stage string) []*Action {
	var out []*Action
	for i := range pl.Actions {
		if pl.Actions[i].Stage == stage {
			out = append(out, &pl.Actions[i])
		}
	}
	return out
}
