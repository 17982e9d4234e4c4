// Package soql parses and evaluates the part of the Salesforce Object Query
// Language (SOQL Reference, "SOQL SELECT Syntax") that a sync client uses:
//
//	SELECT field, ... | COUNT() FROM object
//	  [WHERE condition] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...]
//	  [LIMIT n] [OFFSET n]
//
// Conditions combine comparisons (=, !=, <>, <, <=, >, >=, LIKE, IN, NOT
// IN) with AND, OR, NOT and parentheses; values are quoted strings with
// SOQL's escapes, numbers, true, false, null, dates (2026-01-02),
// datetimes (2026-01-02T03:04:05Z, ...+01:00, ....000+0000) and the
// relative dates TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n and
// NEXT_N_DAYS:n. Keywords and names ignore case.
//
// Parse builds a Query from text with a hand-written lexer and
// recursive-descent parser; Resolve checks it against a Schema; Run
// filters, sorts and pages rows. Failures are *Error values whose Code
// and Message are what the Salesforce REST API answers, position and caret
// included.
package soql
