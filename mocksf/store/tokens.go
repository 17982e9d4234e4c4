package store

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// ErrCodeReplayed is returned when an authorization code is redeemed a
// second time; the tokens it issued are revoked by then.
var ErrCodeReplayed = errors.New("authorization code already used")

// AuthCode is an authorization code waiting to be exchanged at the token
// endpoint.
type AuthCode struct {
	Code          string
	ConsumerKey   string
	OrgID         string
	UserID        string
	RedirectURI   string
	Scopes        []string
	CodeChallenge string
	Nonce         string
	ExpiresAt     time.Time

	used   bool
	issued []string // tokens issued from it, revoked on replay
}

// AccessToken is an issued access token.
type AccessToken struct {
	Token        string
	ConsumerKey  string
	OrgID        string
	UserID       string
	Scopes       []string
	IssuedAt     time.Time
	RefreshToken string // the refresh token it came from or with, if any
	// LastUsed is when it was issued or last used; the org's session
	// timeout runs from it.
	LastUsed time.Time
}

// RefreshToken is an issued refresh token.
type RefreshToken struct {
	Token       string
	ConsumerKey string
	OrgID       string
	UserID      string
	Scopes      []string
	IssuedAt    time.Time
	LastUsed    time.Time // for "expire if not used for N"

	seq  uint64 // issue order, for the approvals cap
	code string // the authorization code it came from, if any
}

// SaveCode stores a new authorization code for c (whose Code is ignored)
// and returns it with the code set. The code looks like Salesforce's:
// "aPrx" and base64 characters ending in "==".
func (s *Store) SaveCode(c AuthCode) AuthCode {
	c.Code = "aPrx" + randomString(76, alnum) + "=="
	c.Scopes = append([]string(nil), c.Scopes...)
	c.used, c.issued = false, nil
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := c
	// The caller's copy must not share its Scopes array with the store's.
	stored.Scopes = append([]string(nil), c.Scopes...)
	s.codes[c.Code] = &stored
	s.grewLocked()
	return c
}

// RedeemCode marks an authorization code used and returns it. A code used
// before fails with ErrCodeReplayed after revoking every token issued from
// it; an unknown one fails with ErrNotFound. Expiry, client and redirect
// checks are the caller's, since their errors differ.
func (s *Store) RedeemCode(code string) (AuthCode, error) {
	return s.RedeemCodeReplay(code, true)
}

// RedeemCodeReplay is RedeemCode, with what a replay does chosen:
// revoke the tokens the code issued (revoke), or only fail.
func (s *Store) RedeemCodeReplay(code string, revoke bool) (AuthCode, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	if !ok {
		return AuthCode{}, fmt.Errorf("store: code: %w", ErrNotFound)
	}
	if c.used {
		if revoke {
			for _, t := range c.issued {
				s.revokeLocked(t)
			}
			c.issued = nil
		}
		return AuthCode{}, ErrCodeReplayed
	}
	c.used = true
	out := *c
	out.Scopes = append([]string(nil), c.Scopes...)
	return out, nil
}

// IssueTokens creates an access token, and a refresh token when
// withRefresh is set, for a user of an app. When code is not empty the
// tokens are remembered against that code so a replay can revoke them.
func (s *Store) IssueTokens(code, consumerKey, userID string, scopes []string, withRefresh bool) (AccessToken, *RefreshToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return AccessToken{}, nil, fmt.Errorf("store: issue tokens: user %s: %w", userID, ErrNotFound)
	}
	now := s.now()
	var rt *RefreshToken
	if withRefresh {
		s.enforceApprovalCapLocked(u.ID, consumerKey)
		s.serial++
		rt = &RefreshToken{
			Token:       "5Aep861" + randomString(80, tokenChars) + "==",
			ConsumerKey: consumerKey, OrgID: u.OrgID, UserID: u.ID,
			Scopes: append([]string(nil), scopes...), IssuedAt: now, LastUsed: now, seq: s.serial, code: code,
		}
		stored := *rt
		stored.Scopes = append([]string(nil), rt.Scopes...)
		s.refresh[rt.Token] = &stored
		key := approvalKey{u.ID, consumerKey}
		s.heldRefresh[key] = append(s.heldRefresh[key], rt.Token)
	}
	at := s.newAccessLocked(consumerKey, *u, scopes, now)
	if rt != nil {
		at.RefreshToken = rt.Token
		s.access[at.Token].RefreshToken = rt.Token
		s.accessFrom[rt.Token] = append(s.accessFrom[rt.Token], at.Token)
	}
	if c, ok := s.codes[code]; ok && code != "" {
		c.issued = append(c.issued, at.Token)
		if rt != nil {
			c.issued = append(c.issued, rt.Token)
		}
	}
	return at, rt, nil
}

func (s *Store) newAccessLocked(consumerKey string, u User, scopes []string, now time.Time) AccessToken {
	at := AccessToken{
		Token:       sfid.To15(u.OrgID) + "!AQ" + randomString(100, tokenChars),
		ConsumerKey: consumerKey, OrgID: u.OrgID, UserID: u.ID,
		Scopes: append([]string(nil), scopes...), IssuedAt: now, LastUsed: now,
	}
	stored := at
	stored.Scopes = append([]string(nil), at.Scopes...)
	s.access[at.Token] = &stored
	s.grewLocked()
	return at
}

// Refresh issues a new access token from a refresh token.
func (s *Store) Refresh(refreshToken string) (AccessToken, RefreshToken, error) {
	return s.refreshToken(refreshToken, false)
}

// RefreshRotating issues a new access token and a new refresh token from
// a refresh token, which dies: the app's "Enable Refresh Token Rotation".
// The new refresh token takes the old one's place: its approval slot
// (the five-per-user cap), its issue time (so an absolute expiry policy
// still counts from the first login) and its access tokens, which a
// revoke of the new one takes with it.
func (s *Store) RefreshRotating(refreshToken string) (AccessToken, RefreshToken, error) {
	return s.refreshToken(refreshToken, true)
}

func (s *Store) refreshToken(refreshToken string, rotate bool) (AccessToken, RefreshToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[refreshToken]
	if !ok {
		return AccessToken{}, RefreshToken{}, fmt.Errorf("store: refresh token: %w", ErrNotFound)
	}
	u, ok := s.users[rt.UserID]
	if !ok {
		return AccessToken{}, RefreshToken{}, fmt.Errorf("store: refresh token user: %w", ErrNotFound)
	}
	return s.refreshLocked(rt, *u, rotate)
}

// refreshLocked issues an access token from rt to its user u, rotating
// rt first when rotate is set; s.mu must be held for writing.
func (s *Store) refreshLocked(rt *RefreshToken, u User, rotate bool) (AccessToken, RefreshToken, error) {
	now := s.now()
	s.touchRefreshLocked(rt, now)
	if rotate {
		rt = s.rotateLocked(rt)
	}
	at := s.newAccessLocked(rt.ConsumerKey, u, rt.Scopes, now)
	at.RefreshToken = rt.Token
	s.access[at.Token].RefreshToken = rt.Token
	s.accessFrom[rt.Token] = append(s.accessFrom[rt.Token], at.Token)
	out := *rt
	out.Scopes = append([]string(nil), rt.Scopes...)
	return at, out, nil
}

// Errors of a token holder who may no longer use it: UseAccessToken,
// ActiveUser and RefreshGrant answer them.
var (
	// ErrUserInactive is a user deactivated, or gone with its org.
	ErrUserInactive = errors.New("user is inactive")
	// ErrOrgInactive is an org frozen, closed or deleted.
	ErrOrgInactive = errors.New("org is inactive")
)

// ActiveUser returns a user who may hold and use tokens, with the org,
// read under one lock: ErrUserInactive for a user unknown or
// deactivated, ErrOrgInactive for an org frozen, closed or gone. The org
// is asked before the user's own switch, so a deactivated user of a
// frozen org is ErrOrgInactive, as the token endpoint answers.
func (s *Store) ActiveUser(userID string) (User, Org, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.activeUserLocked(userID)
}

func (s *Store) activeUserLocked(userID string) (User, Org, error) {
	u, ok := s.users[sfid.To18(userID)]
	if !ok {
		return User{}, Org{}, fmt.Errorf("store: user %s: %w", userID, ErrUserInactive)
	}
	if o, ok := s.orgs[u.OrgID]; !ok || !o.Active() {
		return User{}, Org{}, fmt.Errorf("store: org %s: %w", u.OrgID, ErrOrgInactive)
	}
	if !u.Active {
		return User{}, Org{}, fmt.Errorf("store: user %s: %w", userID, ErrUserInactive)
	}
	return *u, s.orgs[u.OrgID].Org, nil
}

// UseAccessToken answers "is this access token live, and its user and
// org active?" in one read under one lock, for every endpoint that takes
// one (REST, SOAP, the identity URL, userinfo). A live token's use is
// counted, which restarts its session timeout, as LookupAccessToken
// does. It fails with ErrNotFound for a token unknown, revoked or timed
// out, and as ActiveUser for its holder.
func (s *Store) UseAccessToken(token string) (AccessToken, User, Org, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.liveAccessLocked(token, now)
	if !ok {
		return AccessToken{}, User{}, Org{}, fmt.Errorf("store: access token: %w", ErrNotFound)
	}
	at.LastUsed = now
	u, o, err := s.activeUserLocked(at.UserID)
	if err != nil {
		return AccessToken{}, User{}, Org{}, err
	}
	out := *at
	out.Scopes = append([]string(nil), at.Scopes...)
	return out, u, o, nil
}

// RefreshGrant is the refresh token grant's store half, checked and done
// under one lock: refreshToken must be a refresh token of app that its
// Refresh Token Policy has not expired (RefreshPolicy.Expired), its user
// and org active (ActiveUser); allow, when not nil, is asked last with
// them and may refuse with an error of its own (it runs under the
// store's lock and must not call the store). The new access token is
// issued as Refresh issues it, or as RefreshRotating when the app
// rotates refresh tokens. It fails with ErrNotFound for a token unknown,
// revoked, another app's or expired, as ActiveUser for its holder, or
// with allow's error.
func (s *Store) RefreshGrant(refreshToken string, app ConnectedApp, allow func(User, Org) error) (AccessToken, RefreshToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[refreshToken]
	if !ok || rt.ConsumerKey != app.ConsumerKey || app.Policy.Refresh.Expired(*rt, s.now()) {
		return AccessToken{}, RefreshToken{}, fmt.Errorf("store: refresh token: %w", ErrNotFound)
	}
	u, o, err := s.activeUserLocked(rt.UserID)
	if err != nil {
		return AccessToken{}, RefreshToken{}, err
	}
	if allow != nil {
		if err := allow(u, o); err != nil {
			return AccessToken{}, RefreshToken{}, err
		}
	}
	return s.refreshLocked(rt, u, app.Policy.RotateRefreshTokens)
}

// Expired applies a Refresh Token Policy to a refresh token at now
// (reference §10.5). An expired token is not revoked: it still counts as
// an approval, and the access tokens it issued keep working until they
// are revoked, as "Immediately expire refresh token" lets the current
// session go on.
func (p RefreshPolicy) Expired(rt RefreshToken, now time.Time) bool {
	switch p.Mode {
	case RefreshImmediately:
		return true
	case RefreshIdle:
		return now.Sub(rt.LastUsed) > p.For
	case RefreshAbsolute:
		return now.Sub(rt.IssuedAt) > p.For
	default:
		return false
	}
}

// LookupAccessToken returns a live access token's record and counts the
// lookup as a use of the session, which restarts its timeout. A token
// unused for longer than its org's session timeout is gone: ErrNotFound.
func (s *Store) LookupAccessToken(token string) (AccessToken, error) {
	return s.accessToken(token, true)
}

// PeekAccessToken is LookupAccessToken without counting a use, for those
// who only ask about a token (introspection).
func (s *Store) PeekAccessToken(token string) (AccessToken, error) {
	return s.accessToken(token, false)
}

func (s *Store) accessToken(token string, use bool) (AccessToken, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.liveAccessLocked(token, now)
	if !ok {
		return AccessToken{}, fmt.Errorf("store: access token: %w", ErrNotFound)
	}
	if use {
		at.LastUsed = now
	}
	out := *at
	out.Scopes = append([]string(nil), at.Scopes...)
	return out, nil
}

// liveAccessLocked returns an access token its org's session timeout has
// not ended at now, deleting one it has ended.
func (s *Store) liveAccessLocked(token string, now time.Time) (*AccessToken, bool) {
	at, ok := s.access[token]
	if !ok {
		return nil, false
	}
	if now.Sub(at.LastUsed) >= s.sessionTimeoutLocked(at.OrgID) {
		delete(s.access, token)
		return nil, false
	}
	return at, true
}

// SessionExpiry is when an access token's session ends if it is not used
// before: its last use plus its org's session timeout.
func (s *Store) SessionExpiry(at AccessToken) time.Time {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return at.LastUsed.Add(s.sessionTimeoutLocked(at.OrgID))
}

func (s *Store) sessionTimeoutLocked(orgID string) time.Duration {
	if o, ok := s.orgs[orgID]; ok && o.SessionTimeout > 0 {
		return o.SessionTimeout
	}
	return DefaultSessionTimeout
}

// Revoke revokes an access or refresh token; revoking a refresh token also
// revokes the access tokens issued from it.
func (s *Store) Revoke(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.revokeLocked(token) {
		return fmt.Errorf("store: revoke: %w", ErrNotFound)
	}
	return nil
}

func (s *Store) revokeLocked(token string) bool {
	if _, ok := s.liveAccessLocked(token, s.now()); ok {
		delete(s.access, token)
		return true
	}
	if _, ok := s.refresh[token]; ok {
		s.deleteRefreshLocked(token)
		return true
	}
	return false
}

// deleteRefreshLocked deletes a refresh token and the access tokens
// issued from it, which accessFrom lists.
func (s *Store) deleteRefreshLocked(token string) {
	rt, ok := s.refresh[token]
	if !ok {
		return
	}
	delete(s.refresh, token)
	for _, t := range s.accessFrom[token] {
		if at, ok := s.access[t]; ok && at.RefreshToken == token {
			delete(s.access, t)
		}
	}
	delete(s.accessFrom, token)
	key := approvalKey{rt.UserID, rt.ConsumerKey}
	held := s.heldRefresh[key]
	for i, t := range held {
		if t == token {
			held = append(held[:i:i], held[i+1:]...)
			break
		}
	}
	if len(held) == 0 {
		delete(s.heldRefresh, key)
	} else {
		s.heldRefresh[key] = held
	}
}

// rotateLocked replaces a refresh token with a new one in every place
// the store keeps it, and returns the new one.
func (s *Store) rotateLocked(old *RefreshToken) *RefreshToken {
	next := *old
	next.Token = "5Aep861" + randomString(80, tokenChars) + "=="
	next.Scopes = append([]string(nil), old.Scopes...)
	delete(s.refresh, old.Token)
	s.refresh[next.Token] = &next
	for _, t := range s.accessFrom[old.Token] {
		if at, ok := s.access[t]; ok && at.RefreshToken == old.Token {
			at.RefreshToken = next.Token
			s.accessFrom[next.Token] = append(s.accessFrom[next.Token], t)
		}
	}
	delete(s.accessFrom, old.Token)
	// A replay of the code it came from must still reach it.
	if c, ok := s.codes[old.code]; ok && old.code != "" {
		for i, t := range c.issued {
			if t == old.Token {
				c.issued[i] = next.Token
			}
		}
	}
	key := approvalKey{old.UserID, old.ConsumerKey}
	for i, t := range s.heldRefresh[key] {
		if t == old.Token {
			s.heldRefresh[key][i] = next.Token
		}
	}
	return &next
}

// heldLocked returns the refresh tokens a user holds for an app, in issue
// order, and forgets heldRefresh's entries for tokens deleted since.
func (s *Store) heldLocked(userID, consumerKey string) []*RefreshToken {
	key := approvalKey{userID, consumerKey}
	var held []*RefreshToken
	live := s.heldRefresh[key][:0]
	for _, t := range s.heldRefresh[key] {
		if rt, ok := s.refresh[t]; ok {
			held = append(held, rt)
			live = append(live, t)
		}
	}
	if len(live) == 0 {
		delete(s.heldRefresh, key)
	} else {
		s.heldRefresh[key] = live
	}
	return held
}

// LookupRefreshToken returns a refresh token's record without using it.
func (s *Store) LookupRefreshToken(token string) (RefreshToken, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rt, ok := s.refresh[token]
	if !ok {
		return RefreshToken{}, fmt.Errorf("store: refresh token: %w", ErrNotFound)
	}
	out := *rt
	out.Scopes = append([]string(nil), rt.Scopes...)
	return out, nil
}

// RefreshTokens returns the refresh tokens a user holds for an app, oldest
// first.
func (s *Store) RefreshTokens(userID, consumerKey string) []RefreshToken {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []RefreshToken
	for _, t := range s.heldRefresh[approvalKey{userID, consumerKey}] {
		if rt, ok := s.refresh[t]; ok {
			c := *rt
			c.Scopes = append([]string(nil), rt.Scopes...)
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// touchRefreshLocked records the use of a refresh token for idle policies.
func (s *Store) touchRefreshLocked(rt *RefreshToken, now time.Time) { rt.LastUsed = now }
