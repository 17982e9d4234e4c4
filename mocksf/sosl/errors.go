package sosl

import (
	"fmt"
	"strings"
)

// Salesforce's error codes for a bad search.
const (
	CodeMalformedSearch = "MALFORMED_SEARCH"
)

// Salesforce's messages, one place for all of them. Those marked
// assumption were not captured from Salesforce (docs/mocksf-rest.md).
const (
	// MsgNoSearch answers /search without q (assumption: worded as the
	// query resource's "A query string has to be specified").
	MsgNoSearch = "A search string has to be specified"
	// msgNoTerm is Salesforce's answer to FIND without braces.
	msgNoTerm = "No search term found. The search term must be enclosed in braces."
)

func msgShortTerm(term string) string {
	return "search term must be longer than one character: " + term
}

func msgUnexpected(text string) string { return "unexpected token: " + text }

func msgTooLong() string {
	return fmt.Sprintf("SOSL statements cannot exceed %d characters", MaxLength)
}

func msgTooDeep() string {
	return fmt.Sprintf("mocksf: search term nested more than %d deep", maxDepth)
}

// Error is a search Salesforce refuses: the REST error entry's errorCode
// and message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return "sosl: " + e.Code + ": " + e.Message }

func malformed(msg string) *Error { return &Error{Code: CodeMalformedSearch, Message: msg} }

// ErrorAt is an error of a search's RETURNING item found by the SOQL
// parser, which quotes the SOQL it was given: the same code and
// explanation (the message's last line), quoted at the item in the
// statement instead, as Salesforce quotes the SOSL.
func (s *Search) ErrorAt(r Returning, code, message string) *Error {
	explanation := message[strings.LastIndexByte(message, '\n')+1:]
	if s.Source == "" {
		return &Error{Code: code, Message: explanation}
	}
	e := positioned(s.Source, r.Offset, explanation)
	e.Code = code
	return e
}

// positioned is a MALFORMED_SEARCH at an offset of src, quoted as
// Salesforce quotes SOQL and SOSL errors: the row, a caret under the
// column, then the explanation.
func positioned(src string, off int, explanation string) *Error {
	row, col, start := 1, 1, 0
	for i := 0; i < off && i < len(src); i++ {
		if src[i] == '\n' {
			row, col, start = row+1, 1, i+1
			continue
		}
		col++
	}
	end := start
	for end < len(src) && src[end] != '\n' {
		end++
	}
	line := src[start:end]
	caret := col - 1
	return malformed(fmt.Sprintf("\n%s\n%*s^\nERROR at Row:%d:Column:%d\n%s", line, caret, "", row, col, explanation))
}
