package sqlite

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"

	"github.com/dti-platform/dti/assessment"
)

// Snapshot results are stored as gzip-compressed JSON: a period of 3,500
// units with self, appraised and final scores is about 140 MB of JSON and
// a tenth of that compressed. Blobs are encoded and decoded as streams, so
// the uncompressed JSON is never held in memory whole. A blob that does
// not start with the gzip magic is read as plain JSON.

func encodeResults(r assessment.SnapshotResults) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if err := json.NewEncoder(zw).Encode(r); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeResults(blob []byte, r *assessment.SnapshotResults) error {
	var src io.Reader = bytes.NewReader(blob)
	if len(blob) >= 2 && blob[0] == 0x1f && blob[1] == 0x8b {
		zr, err := gzip.NewReader(src)
		if err != nil {
			return err
		}
		defer zr.Close()
		src = zr
	}
	return json.NewDecoder(src).Decode(r)
}
