package importer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// DefaultMaxFileSize bounds how much of one input file is read (512 MiB):
// large accounts produce authorization details of tens of MiB, so this only
// stops runaway or hostile inputs from exhausting memory.
const DefaultMaxFileSize int64 = 512 << 20

// size formats a byte count for messages.
func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readFile reads a whole input file, refusing ones larger than max.
func readFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "file not found"
		}
		return nil, &InputError{File: path, Msg: msg, Err: err}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, &InputError{File: path, Msg: "is a folder; pass a file (or use --from for a folder)"}
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, &InputError{File: path, Msg: "reading: " + err.Error(), Err: err}
	}
	if int64(len(data)) > max {
		return nil, &InputError{File: path, Msg: "file is larger than the limit for one input (" + size(max) + ")"}
	}
	return data, nil
}
