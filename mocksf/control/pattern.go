package control

import (
	"path"
	"regexp"
	"strings"
)

// pathPattern matches request paths segment by segment. A segment of the
// pattern is a glob (path.Match: *, ?, [a-z]) for one path segment; "**"
// matches any number of segments, none included; {name} matches one
// segment and {name:regexp} one that matches the regexp, as in gorilla/mux
// routes. The empty pattern matches every path.
//
//	/services/oauth2/token          that path only
//	/services/data/*/query          any version
//	/services/data/{v}/sobjects/**  anything under sobjects
//	/services/data/**               the whole REST API
type pathPattern struct {
	segs []segment
}

type segment struct {
	glob  string         // path.Match pattern, when re is nil and !any
	re    *regexp.Regexp // for {name:regexp}
	multi bool           // "**"
}

func compilePattern(p string) pathPattern {
	pp, _ := parsePattern(p)
	return pp
}

func checkPattern(p string) error {
	_, err := parsePattern(p)
	return err
}

func parsePattern(p string) (pathPattern, error) {
	if p == "" {
		return pathPattern{}, nil
	}
	if !strings.HasPrefix(p, "/") {
		return pathPattern{}, errorf(CodeBadRequest, "path %q: want a pattern that starts with /", p)
	}
	var pp pathPattern
	for _, s := range strings.Split(p[1:], "/") {
		switch {
		case s == "**":
			pp.segs = append(pp.segs, segment{multi: true})
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			_, expr, hasRE := strings.Cut(s[1:len(s)-1], ":")
			if !hasRE {
				pp.segs = append(pp.segs, segment{glob: "*"})
				continue
			}
			re, err := regexp.Compile("^(?:" + expr + ")$")
			if err != nil {
				return pathPattern{}, errorf(CodeBadRequest, "path %q: segment %s: %v", p, s, err)
			}
			pp.segs = append(pp.segs, segment{re: re})
		default:
			if _, err := path.Match(s, ""); err != nil {
				return pathPattern{}, errorf(CodeBadRequest, "path %q: segment %q is not a valid glob", p, s)
			}
			pp.segs = append(pp.segs, segment{glob: s})
		}
	}
	return pp, nil
}

func (pp pathPattern) match(p string) bool {
	if pp.segs == nil {
		return true
	}
	return matchSegs(pp.segs, strings.Split(strings.TrimPrefix(p, "/"), "/"))
}

func matchSegs(segs []segment, parts []string) bool {
	for len(segs) > 0 {
		s := segs[0]
		if s.multi {
			for i := 0; i <= len(parts); i++ {
				if matchSegs(segs[1:], parts[i:]) {
					return true
				}
			}
			return false
		}
		if len(parts) == 0 || !s.matchOne(parts[0]) {
			return false
		}
		segs, parts = segs[1:], parts[1:]
	}
	return len(parts) == 0
}

func (s segment) matchOne(part string) bool {
	if s.re != nil {
		return s.re.MatchString(part)
	}
	ok, _ := path.Match(s.glob, part)
	return ok
}
