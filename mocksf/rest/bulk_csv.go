package rest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// columnDelimiters maps the Bulk API's ColumnDelimiterEnum to the
// characters (Bulk API 2.0 guide, "Create a Job").
var columnDelimiters = map[string]rune{
	"COMMA":     ',',
	"TAB":       '\t',
	"PIPE":      '|',
	"SEMICOLON": ';',
	"CARET":     '^',
	"BACKQUOTE": '`',
}

// bulkNull is the value that sets a field to null in job data; an empty
// value leaves it as it is.
const bulkNull = "#N/A"

// ingestCSV is an ingest job's data: the header row and the records.
type ingestCSV struct {
	header []string
	rows   [][]string
}

// parseIngestCSV reads job data as Salesforce does: in the job's
// delimiter and line ending, a header row and records with as many
// values each. A failure is the job's errorMessage.
func parseIngestCSV(data []byte, delimiter, lineEnding string) (ingestCSV, string) {
	if len(bytes.TrimSpace(data)) == 0 {
		return ingestCSV{}, jobErrorNoData()
	}
	if bad := wrongLineEnding(data, lineEnding); bad {
		return ingestCSV{}, jobErrorLineEnding(lineEnding)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = columnDelimiters[delimiter]
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return ingestCSV{}, jobErrorCSV(csvProblem(err))
	}
	out := ingestCSV{header: header}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return ingestCSV{}, jobErrorCSV(csvProblem(err))
		}
		out.rows = append(out.rows, row)
	}
	return out, ""
}

// wrongLineEnding reports whether the header row ends otherwise than the
// job's setting says, which Salesforce refuses for the whole job.
func wrongLineEnding(data []byte, lineEnding string) bool {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		return false // one line, nothing to tell
	}
	crlf := i > 0 && data[i-1] == '\r'
	return crlf != (lineEnding == "CRLF")
}

// csvProblem words a CSV error without Go's "record on line" prefix
// noise, keeping its place.
func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%v on line %d", pe.Err, pe.Line)
	}
	return err.Error()
}

// csvOut writes CSV in a job's delimiter and line ending.
type csvOut struct {
	buf  bytes.Buffer
	w    *csv.Writer
	crlf bool
}

func newCSVOut(delimiter, lineEnding string) *csvOut {
	c := &csvOut{crlf: lineEnding == "CRLF"}
	c.w = csv.NewWriter(&c.buf)
	c.w.Comma = columnDelimiters[delimiter]
	c.w.UseCRLF = c.crlf
	return c
}

// row writes one record; values are already text.
func (c *csvOut) row(values []string) {
	if len(values) == 1 && values[0] == "" {
		// encoding/csv would write a blank line, which readers skip.
		c.buf.WriteString(`""`)
		c.buf.WriteString(map[bool]string{false: "\n", true: "\r\n"}[c.crlf])
		return
	}
	_ = c.w.Write(values) // writes to a bytes.Buffer cannot fail
	c.w.Flush()
}

// raw writes text as it is, such as the quoted sf__ header columns.
func (c *csvOut) raw(s string) { c.buf.WriteString(s) }

func (c *csvOut) bytes() []byte { return c.buf.Bytes() }

func (c *csvOut) len() int { return c.buf.Len() }

// csvValue is a query result's value as a Bulk API CSV writes it: empty
// for null, true/false, numbers without exponent, dates as 2026-01-02
// and datetimes in UTC as 2026-01-02T03:04:05.000Z.
func csvValue(f *fieldDef, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if f != nil && f.typ == "int" && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		if f != nil && f.typ == "date" {
			return x.UTC().Format(time.DateOnly)
		}
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return fmt.Sprint(v)
}
