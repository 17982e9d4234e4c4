package rest

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// FuzzIngestCSV feeds job data to the ingest CSV parser in every
// delimiter and line ending: it must never panic, and what it accepts
// must have a header and rows that all have the header's width, which
// written back out and read again give the same values.
func FuzzIngestCSV(f *testing.F) {
	for _, seed := range []string{
		"Name,Industry\nAcme,Energy\n",
		"Name\r\n\"Quoted, with comma\"\r\n",
		"Name|Description\nA|\"multi\nline\"\n",
		"Id\n001000000000000AAA\n",
		"\"unterminated\n",
		"a,b\n1\n",
		"",
		"#N/A\n",
	} {
		f.Add([]byte(seed), uint8(0), false)
	}
	delimiters := []string{"COMMA", "TAB", "PIPE", "SEMICOLON", "CARET", "BACKQUOTE"}
	f.Fuzz(func(t *testing.T, data []byte, d uint8, crlf bool) {
		delimiter := delimiters[int(d)%len(delimiters)]
		lineEnding := "LF"
		if crlf {
			lineEnding = "CRLF"
		}
		parsed, problem := parseIngestCSV(data, delimiter, lineEnding)
		if problem != "" {
			if len(parsed.header) != 0 || len(parsed.rows) != 0 {
				t.Fatalf("failure %q came with data", problem)
			}
			return
		}
		if len(parsed.header) == 0 {
			t.Fatal("accepted data without a header row")
		}
		out := newCSVOut(delimiter, lineEnding)
		out.row(parsed.header)
		for _, row := range parsed.rows {
			if len(row) != len(parsed.header) {
				t.Fatalf("row %q is not as wide as header %q", row, parsed.header)
			}
			out.row(row)
		}
		r := csv.NewReader(bytes.NewReader(out.bytes()))
		r.Comma = columnDelimiters[delimiter]
		back, err := r.ReadAll()
		if err != nil {
			t.Fatalf("rereading %q: %v", out.bytes(), err)
		}
		if len(back) != len(parsed.rows)+1 {
			t.Fatalf("reread %d records; want %d", len(back), len(parsed.rows)+1)
		}
	})
}
