package reports

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"
)

// utf8BOM makes Excel open a CSV file as UTF-8 (Vietnamese text would
// otherwise be garbled).
const utf8BOM = "\ufeff"

// csvWriter writes CSV for spreadsheets: UTF-8 with a BOM, CRLF line ends,
// and text cells that a spreadsheet would run as a formula neutralised.
type csvWriter struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func newCSVWriter(w io.Writer) (*csvWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	return &csvWriter{bw: bw, cw: cw}, nil
}

// write writes one record; the fields must already be made safe (csvText
// for text, numbers formatted by this package as they are).
func (c *csvWriter) write(rec []string) error { return c.cw.Write(rec) }

// close flushes everything to the underlying writer.
func (c *csvWriter) close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

// CSVSafe returns s made safe for a CSV cell that a spreadsheet opens: a
// value starting with "=", "+", "-", "@", a tab or a carriage return gets a
// leading apostrophe so it is shown as text and never run as a formula
// (OWASP "CSV injection"). Characters XML and spreadsheets cannot show are
// dropped.
func CSVSafe(s string) string {
	s = cellText(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
