package importer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// DefaultMaxFileSize bounds how much of one input file is read (512 MiB).
// It follows from AWS's quotas (snapshot.Quota): an account at every raised
// quota with every document at its maximum size holds about 240 million
// characters of policy text (5,000 roles × (4,096 trust + 10,240 inline),
// 5,000 users × 2,048, 300 groups × 5,120, 5,000 customer managed policies
// × 5 versions × 6,144), and the AWS CLI's indented output roughly doubles
// that. Real accounts produce tens of MiB. Files are checked before they
// are read; their entries are counted against the quotas before they are
// decoded (authz_stream.go).
const DefaultMaxFileSize int64 = 512 << 20

// size formats a byte count for messages.
func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readInput reads one input: the file at path, or o.Stdin for "-" (which
// only one input may name: standard input can be read once).
func readInput(path string, o Options) ([]byte, error) {
	if path != "-" {
		return readFile(path, o.MaxFileSize)
	}
	if o.Stdin == nil {
		return nil, &InputError{File: "standard input", Msg: "- (standard input) is not available here"}
	}
	data, err := io.ReadAll(io.LimitReader(o.Stdin, o.MaxFileSize+1))
	if err != nil {
		return nil, &InputError{File: "standard input", Msg: "reading: " + err.Error(), Err: err}
	}
	if int64(len(data)) > o.MaxFileSize {
		return nil, &InputError{File: "standard input", Msg: "larger than the limit for one input (" + size(o.MaxFileSize) + ")"}
	}
	return data, nil
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
	var buf []byte
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, &InputError{File: path, Msg: "is a folder; pass a file (or use --from for a folder)"}
	} else if err == nil && st.Mode().IsRegular() && st.Size() > max {
		// Refused before reading anything.
		return nil, &InputError{File: path, Msg: fmt.Sprintf("file is %s, larger than the limit for one input (%s)", size(st.Size()), size(max))}
	} else if err == nil && st.Mode().IsRegular() {
		// Read into one buffer of the file's size (and a byte to see the
		// end), not through io.ReadAll's doubling copies.
		buf = make([]byte, 0, st.Size()+1)
	}
	data, err := readAllInto(buf, io.LimitReader(f, max+1))
	if err != nil {
		return nil, &InputError{File: path, Msg: "reading: " + err.Error(), Err: err}
	}
	if int64(len(data)) > max {
		return nil, &InputError{File: path, Msg: "file is larger than the limit for one input (" + size(max) + ")"}
	}
	return data, nil
}

// readAllInto is io.ReadAll appending to buf.
func readAllInto(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
