package sqlite

import (
	"bytes"
	"errors"
	"sort"
	"strconv"
)

// The packed values of a submission (submissions.values_packed) are a copy
// of its input_values rows, rewritten by every transaction that changes
// them, so LoadDataset reads one row per unit. Per value:
//
//	indicator US input US number US len ':' text
//
// with US = 0x1f, number empty when the value has none, and len the byte
// length of text. Codes cannot contain US (assessment.ValidCode) and text
// is length-prefixed, so any text is safe.

const us = 0x1f

// packValues encodes values in key order (equal sets give equal bytes).
func packValues(values map[[2]string]valueRow) []byte {
	keys := make([][2]string, 0, len(values))
	size := 0
	for k, v := range values {
		keys = append(keys, k)
		size += len(k[0]) + len(k[1]) + len(v.text) + 32
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	b := make([]byte, 0, size)
	for _, k := range keys {
		v := values[k]
		b = append(b, k[0]...)
		b = append(b, us)
		b = append(b, k[1]...)
		b = append(b, us)
		if v.num != nil {
			b = strconv.AppendFloat(b, *v.num, 'g', -1, 64)
		}
		b = append(b, us)
		b = strconv.AppendInt(b, int64(len(v.text)), 10)
		b = append(b, ':')
		b = append(b, v.text...)
	}
	return b
}

var errPacked = errors.New("malformed packed values")

// packedValue is one decoded value; its slices point into the packed
// bytes.
type packedValue struct {
	indicator, input []byte
	num              []byte // empty: no number
	text             []byte
}

// nextPacked decodes the first value of p and returns the rest.
func nextPacked(p []byte) (v packedValue, rest []byte, err error) {
	if v.indicator, p, err = cut(p, us); err != nil {
		return v, nil, err
	}
	if v.input, p, err = cut(p, us); err != nil {
		return v, nil, err
	}
	if v.num, p, err = cut(p, us); err != nil {
		return v, nil, err
	}
	i := bytes.IndexByte(p, ':')
	if i < 0 {
		return v, nil, errPacked
	}
	n, err := strconv.Atoi(string(p[:i]))
	if err != nil || n < 0 || n > len(p)-i-1 {
		return v, nil, errPacked
	}
	v.text = p[i+1 : i+1+n]
	return v, p[i+1+n:], nil
}

// cut returns p up to sep and the rest after it.
func cut(p []byte, sep byte) (field, rest []byte, err error) {
	i := bytes.IndexByte(p, sep)
	if i < 0 {
		return nil, nil, errPacked
	}
	return p[:i], p[i+1:], nil
}

const qWritePacked = "UPDATE submissions SET values_packed = ? WHERE id = ?"
