// Package sosl parses the Salesforce Object Search Language as mocksf's
// REST search resources take it: FIND {term} [IN ALL|NAME|EMAIL|PHONE
// FIELDS] [RETURNING Object [(fields [WHERE …] [ORDER BY …] [LIMIT n]
// [OFFSET n])], …] [LIMIT n], and the search term syntax inside the
// braces (words, "phrases", * and ? wildcards, AND, OR, AND NOT,
// parentheses). It follows the SOSL and SOQL Reference; a RETURNING
// clause's inside is left as text for the SOQL parser, which already
// knows fields, WHERE, ORDER BY and LIMIT.
//
// Errors are *Error with Salesforce's codes (MALFORMED_SEARCH and
// friends), as REST reports them.
package sosl
