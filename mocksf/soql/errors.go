package soql

import (
	"fmt"
	"strings"
)

// Error codes of query errors, as the REST API reports them in errorCode.
const (
	CodeMalformedQuery = "MALFORMED_QUERY"
	CodeInvalidField   = "INVALID_FIELD"
	CodeInvalidType    = "INVALID_TYPE"
	CodeInvalidFilter  = "INVALID_QUERY_FILTER_OPERATOR"
	CodeOutOfRange     = "NUMBER_OUTSIDE_VALID_RANGE"
)

// Messages without a position, used by callers before there is a query to
// parse.
const (
	MsgNoQuery    = "A query string has to be specified"
	MsgEmptyQuery = "SOQL statements cannot be empty or null"
)

// Error is a query error the way Salesforce reports it. Message is the
// exact text of the REST API's "message": for errors at a place in the
// query it starts with a newline, the part of the query around the place,
// a caret line and "ERROR at Row:r:Column:c", then the explanation.
type Error struct {
	Code    string // one of the Code constants
	Message string
	Row     int // 1-based; 0 when the error has no position
	Col     int
}

func (e *Error) Error() string { return "soql: " + e.Code + ": " + e.Message }

// Salesforce's explanations, one place for all of them.
func msgUnexpected(text string) string { return "unexpected token: " + text }

func msgNoSuchColumn(field, object string) string {
	return fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", field, object)
}

func msgNoRelationship(name string) string {
	return fmt.Sprintf("Didn't understand relationship '%s' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.", name)
}

func msgUnsupportedObject(object string) string {
	return fmt.Sprintf("sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.", object)
}

func msgFilterType(field, typ string, quoted bool) string {
	if quoted {
		return fmt.Sprintf("value of filter criterion for field '%s' must be of type %s and should be enclosed in quotes", field, typ)
	}
	return fmt.Sprintf("value of filter criterion for field '%s' must be of type %s and should not be enclosed in quotes", field, typ)
}

func msgIllegalEscape(lit, seq string) string {
	return fmt.Sprintf("Invalid string literal %s. Illegal character sequence '%s' in string literal.", lit, seq)
}

func msgMaxOffset() string { return "Maximum SOQL offset allowed is 2000" }

// The lexer errors are worded like the ANTLR parser Salesforce uses, which
// counts columns from 0.
func msgUnterminated(row, col int) string {
	return fmt.Sprintf("line %d:%d mismatched character '<EOF>' expecting '''", row, col)
}

func msgIllegalChar(row, col int, c string) string {
	return fmt.Sprintf("line %d:%d no viable alternative at character '%s'", row, col, c)
}

// The remaining explanations are mocksf's best guesses at wording that was
// not captured from a real org; those marked "mocksf:" are limits of this
// implementation rather than of Salesforce.
func msgInvalidID(value string) string      { return "invalid ID field: " + value }
func msgDuplicateField(field string) string { return "duplicate field selected: " + field }
func msgBadDate(lit string) string          { return "invalid date: " + lit }
func msgNeedsInteger(lit string) string     { return "expecting a non-negative integer, found: " + lit }
func msgCountWithFields() string            { return "COUNT() cannot be used with other fields" }
func msgInvalidNumber(lit string) string    { return "invalid number: " + lit }

func msgIncludesType() string {
	return "includes or excludes operator only valid on multipicklist field"
}

func msgMultiPicklistOperator(field string) string {
	return fmt.Sprintf("invalid operator on multipicklist field '%s': use =, !=, INCLUDES or EXCLUDES", field)
}

func msgTooManyLevels() string {
	return fmt.Sprintf("SOQL statements cannot query relationships more than %d levels away from the root entity object.", maxRelationshipDepth)
}

func msgNotFilterable(field string) string {
	return fmt.Sprintf("field '%s' can not be filtered in a query call", field)
}

func msgNotSortable(field string) string {
	return fmt.Sprintf("field '%s' can not be sorted in a query call", field)
}

func msgLikeType(field string) string {
	return fmt.Sprintf("invalid operator on field '%s': LIKE is only valid on string fields", field)
}

func msgBooleanOperator(field string) string {
	return fmt.Sprintf("invalid operator on field '%s': boolean fields only support = and !=", field)
}

func msgNullComparison(op string) string {
	return "invalid operator " + op + " for null value; use = or !="
}

func msgAggregate(name string) string {
	return "mocksf: aggregate function " + name + " is not supported; only COUNT() is"
}

func msgTooLong() string {
	return fmt.Sprintf("mocksf: SOQL statements cannot exceed %d characters", maxQueryLength)
}

func msgTooDeep() string {
	return fmt.Sprintf("mocksf: conditions nested more than %d deep", maxDepth)
}

// positioned builds the error for the token at index i of toks, quoting
// the query around it the way Salesforce does: up to four tokens either
// side of it on its row, the caret under its first character.
func positioned(code string, src string, toks []token, i int, explanation string) *Error {
	t := toks[i]
	lo := i
	for lo > 0 && i-lo < 4 && toks[lo-1].pos.Row == t.pos.Row {
		lo--
	}
	hi := i
	if t.kind == tokEOF {
		hi = i - 1
	}
	for hi+1 < len(toks) && hi-i < 4 && toks[hi+1].kind != tokEOF && toks[hi+1].pos.Row == t.pos.Row {
		hi++
	}
	snippet, caret := "", 0
	if lo <= hi && hi >= 0 {
		snippet = src[toks[lo].pos.Offset:toks[hi].end]
		caret = t.pos.Col - toks[lo].pos.Col
	}
	if caret < 0 {
		caret = 0
	}
	return &Error{
		Code: code,
		Message: fmt.Sprintf("\n%s\n%s^\nERROR at Row:%d:Column:%d\n%s",
			snippet, strings.Repeat(" ", caret), t.pos.Row, t.pos.Col, explanation),
		Row: t.pos.Row,
		Col: t.pos.Col,
	}
}
