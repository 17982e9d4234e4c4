package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
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

	used bool
	// replayed is set by a replay that found the code used but its
	// tokens not issued yet: IssueTokens then refuses to issue them.
	replayed bool
	issued   []string // access tokens issued from it, revoked on replay
	family   uint64   // the refresh token family it started, revoked on replay
}

// AccessToken is an issued access token.
type AccessToken struct {
	Token       string
	ConsumerKey string
	OrgID       string
	UserID      string
	Scopes      []string
	IssuedAt    time.Time
	// RefreshToken is the refresh token it came from or with, if any, as
	// it was then: rotation replaces that one, and the family goes on.
	RefreshToken string
	// LastUsed is when it was issued or last used; the org's session
	// timeout runs from it.
	LastUsed time.Time

	family uint64 // the refresh token family it was issued in, 0 for none
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

	seq    uint64 // issue order, for the approvals cap
	family uint64 // its login's family (tokenFamily); rotation keeps it
}

// DefaultMaxAccessPerFamily is how many access tokens one login (a
// refresh token and those that rotation put in its place) keeps unless
// SetMaxAccessPerFamily says otherwise: a refresh past it revokes the
// family's oldest access token. Without it a client that refreshes
// without end holds every access token it was ever given until each
// times out (two hours by default), and revoking the refresh token walks
// them all. Salesforce documents no such cap; a client uses its newest
// token, so the oldest going early is not seen by one (docs/security.md,
// "Bounds").
const DefaultMaxAccessPerFamily = 100

// SetMaxAccessPerFamily sets how many access tokens one login keeps
// (DefaultMaxAccessPerFamily when n < 1), for the tokens issued from now
// on.
func (s *Store) SetMaxAccessPerFamily(n int) {
	if n < 1 {
		n = DefaultMaxAccessPerFamily
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxAccessPerFamily = n
}

// tokenFamily is one login's tokens (RFC 9700 §4.14.2): the refresh
// token live now, which rotation replaces, and the access tokens issued
// with it or from it and its predecessors, oldest first. A family lives
// as long as its refresh token: revoking it, or a replay of a token it
// rotated out, revokes them all.
type tokenFamily struct {
	refresh string
	access  []string
}

// SaveCode stores a new authorization code for c (whose Code is ignored)
// and returns it with the code set. The code looks like Salesforce's:
// "aPrx" and base64 characters ending in "==".
func (s *Store) SaveCode(c AuthCode) AuthCode {
	c.Code = "aPrx" + randomString(76, alnum) + "=="
	c.Scopes = append([]string(nil), c.Scopes...)
	c.used, c.replayed, c.issued, c.family = false, false, nil, 0
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := c
	// The caller's copy must not share its Scopes array with the store's.
	stored.Scopes = append([]string(nil), c.Scopes...)
	s.codes[c.Code] = &stored
	s.grewLocked()
	return c
}

// RedeemCode marks an authorization code used and returns it, whichever
// app presents it. A code used before fails with ErrCodeReplayed after
// revoking every token issued from it; an unknown one fails with
// ErrNotFound. Expiry and redirect checks are the caller's, since their
// errors differ.
func (s *Store) RedeemCode(code string) (AuthCode, error) {
	return s.redeemCode(code, "", true)
}

// RedeemCodeReplay is RedeemCode for the app whose consumer key is
// consumerKey, with what a replay does chosen: revoke the tokens the code
// issued (revoke), or only fail. A code of another app fails with
// ErrNotFound and is left as it was, neither used nor counted as a
// replay: the client check comes first so that a client the code was not
// issued to can neither burn it before its own client exchanges it nor
// revoke the tokens that client got (RFC 6749 §4.1.3 ties the code to
// its client; only that client's second exchange is a replay).
func (s *Store) RedeemCodeReplay(code, consumerKey string, revoke bool) (AuthCode, error) {
	if consumerKey == "" {
		return AuthCode{}, fmt.Errorf("store: code: no client: %w", ErrNotFound)
	}
	return s.redeemCode(code, consumerKey, revoke)
}

// redeemCode is RedeemCodeReplay; an empty consumerKey takes any app's
// code.
func (s *Store) redeemCode(code, consumerKey string, revoke bool) (AuthCode, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	if !ok || (consumerKey != "" && c.ConsumerKey != consumerKey) {
		return AuthCode{}, fmt.Errorf("store: code: %w", ErrNotFound)
	}
	if c.used {
		if revoke {
			s.revokeCodeTokensLocked(c)
		}
		return AuthCode{}, ErrCodeReplayed
	}
	c.used = true
	out := *c
	out.Scopes = append([]string(nil), c.Scopes...)
	return out, nil
}

// revokeCodeTokensLocked revokes what an authorization code issued, and
// marks it replayed so that an exchange still between redeeming it and
// issuing its tokens issues none (IssueTokens).
func (s *Store) revokeCodeTokensLocked(c *AuthCode) {
	c.replayed = true
	for _, t := range c.issued {
		s.revokeLocked(t)
	}
	if fam, ok := s.families[c.family]; ok && c.family != 0 {
		s.deleteRefreshLocked(fam.refresh)
	}
	c.issued, c.family = nil, 0
}

// IssueTokens creates an access token, and a refresh token when
// withRefresh is set, for a user of an app. When code is not empty the
// tokens are remembered against that code so a replay can revoke them;
// a code a replay has already come for (RedeemCodeReplay, revoking) gets
// none: ErrCodeReplayed. Redeeming and issuing are two calls, with the
// caller's checks between them, and this is what makes a replay landing
// between the two revoke what the exchange would otherwise issue.
func (s *Store) IssueTokens(code, consumerKey, userID string, scopes []string, withRefresh bool) (AccessToken, *RefreshToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return AccessToken{}, nil, fmt.Errorf("store: issue tokens: user %s: %w", userID, ErrNotFound)
	}
	c := s.codes[code]
	if code != "" && c != nil && c.replayed {
		return AccessToken{}, nil, ErrCodeReplayed
	}
	now := s.nowIn(u.OrgID)
	var rt *RefreshToken
	if withRefresh {
		rt = s.newRefreshLocked(consumerKey, *u, scopes, now)
	}
	var family uint64
	if rt != nil {
		family = rt.family
	}
	// The stored access token shares the stored refresh token's scopes:
	// the store never changes a record's Scopes in place.
	kept := append([]string(nil), scopes...)
	if rt != nil {
		kept = s.refresh[rt.Token].Scopes
	}
	at := s.newAccessLocked(consumerKey, *u, kept, now, family)
	if rt != nil {
		at.RefreshToken = rt.Token
		s.access[at.Token].RefreshToken = rt.Token
	}
	if c != nil && code != "" {
		c.issued = append(c.issued, at.Token)
		c.family = family
	}
	return at, rt, nil
}

// newRefreshLocked issues a refresh token that starts a family, within
// the user's approvals cap for the app, and returns a copy.
func (s *Store) newRefreshLocked(consumerKey string, u User, scopes []string, now time.Time) *RefreshToken {
	s.enforceApprovalCapLocked(u.ID, consumerKey)
	s.serial++
	rt := &RefreshToken{
		Token:       s.refreshTokenString(s.serial),
		ConsumerKey: consumerKey, OrgID: u.OrgID, UserID: u.ID,
		Scopes: append([]string(nil), scopes...), IssuedAt: now, LastUsed: now, seq: s.serial, family: s.serial,
	}
	stored := *rt
	stored.Scopes = append([]string(nil), rt.Scopes...)
	s.refresh[rt.Token] = &stored
	s.families[rt.family] = &tokenFamily{refresh: rt.Token}
	key := approvalKey{u.ID, consumerKey}
	s.heldRefresh[key] = append(s.heldRefresh[key], rt.Token)
	return rt
}

// newAccessLocked issues an access token, in family unless it is 0, and
// returns a copy. It keeps scopes as they are, so they must be the
// store's own: a record of the store (the refresh token it comes from)
// or a copy made for it.
func (s *Store) newAccessLocked(consumerKey string, u User, scopes []string, now time.Time, family uint64) AccessToken {
	stored := &AccessToken{
		Token:       prefixedRandom(sfid.To15(u.OrgID)+"!AQ", 100, tokenChars),
		ConsumerKey: consumerKey, OrgID: u.OrgID, UserID: u.ID,
		Scopes: scopes, IssuedAt: now, LastUsed: now, family: family,
	}
	s.access[stored.Token] = stored
	if fam, ok := s.families[family]; ok && family != 0 {
		s.addToFamilyLocked(family, fam, stored.Token)
	}
	s.grewLocked()
	at := *stored
	at.Scopes = append([]string(nil), scopes...)
	return at
}

// addToFamilyLocked lists an access token in its family, revoking the
// family's oldest past the store's cap (SetMaxAccessPerFamily): O(1),
// whatever the family's history.
func (s *Store) addToFamilyLocked(id uint64, fam *tokenFamily, token string) {
	fam.access = append(fam.access, token)
	for len(fam.access) > s.maxAccessPerFamily {
		oldest := fam.access[0]
		fam.access = fam.access[1:]
		if at, ok := s.access[oldest]; ok && at.family == id {
			delete(s.access, oldest)
		}
	}
}

// refreshTokenString makes a refresh token of family id that looks like
// Salesforce's ("5Aep861", 80 characters, "=="): 69 random characters,
// then 11 that carry the family masked by an HMAC of the 69 under the
// store's key. A token rotation retired thus still names its family
// without the store keeping it (familyOf), so a replay of any retired
// token is caught however long ago it was retired, and tokens of one
// family share nothing a client could see.
func (s *Store) refreshTokenString(id uint64) string {
	r := randomString(69, tokenChars)
	v := id ^ s.familyMask(r)
	var tail [11]byte
	for i := range tail {
		tail[i] = tokenChars[v>>(6*i)&63]
	}
	return "5Aep861" + r + string(tail[:]) + "=="
}

// familyOf is the family a refresh token of this store names, or false
// for a string no refreshTokenString made (a forged one names an
// unknown family but for a chance in 2^64).
func (s *Store) familyOf(token string) (uint64, bool) {
	body, ok := strings.CutPrefix(token, "5Aep861")
	body, ok2 := strings.CutSuffix(body, "==")
	if !ok || !ok2 || len(body) != 80 {
		return 0, false
	}
	var v uint64
	for i, c := range []byte(body[69:]) {
		d := strings.IndexByte(tokenChars, c)
		if d < 0 || (i == 10 && d >= 16) {
			return 0, false // not a character of ours, or past 64 bits
		}
		v |= uint64(d) << (6 * i)
	}
	return v ^ s.familyMask(body[:69]), true
}

// familyMask is the 64 bits that hide a family in refreshTokenString.
func (s *Store) familyMask(random string) uint64 {
	mac := hmac.New(sha256.New, s.familyKey)
	mac.Write([]byte(random))
	return binary.BigEndian.Uint64(mac.Sum(nil))
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

// RefreshReplay says what a refresh grant does with a refresh token that
// rotation retired: RevokeFamilyOnReplay revokes the token that took its
// place and every access token of the login, as RFC 9700 §4.14.2 says an
// authorization server using rotation does (one of the two holders of
// the old token is an attacker, and the server cannot tell which);
// KeepFamilyOnReplay only refuses it.
type RefreshReplay bool

// What a refresh grant does with a retired refresh token (RefreshReplay).
const (
	RevokeFamilyOnReplay RefreshReplay = true
	KeepFamilyOnReplay   RefreshReplay = false
)

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
	now := s.nowIn(rt.OrgID)
	s.touchRefreshLocked(rt, now)
	if rotate {
		rt = s.rotateLocked(rt)
	}
	at := s.newAccessLocked(rt.ConsumerKey, u, rt.Scopes, now, rt.family)
	at.RefreshToken = rt.Token
	s.access[at.Token].RefreshToken = rt.Token
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
	s.mu.Lock()
	defer s.mu.Unlock()
	at, now, ok := s.liveAccessLocked(token, s.now())
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
// with allow's error. A token of app that rotation retired fails with
// ErrNotFound too, after revoking its family when replay says so.
func (s *Store) RefreshGrant(refreshToken string, app ConnectedApp, replay RefreshReplay, allow func(User, Org) error) (AccessToken, RefreshToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[refreshToken]
	if !ok && replay == RevokeFamilyOnReplay {
		s.revokeRetiredLocked(refreshToken, app.ConsumerKey)
	}
	if !ok || rt.ConsumerKey != app.ConsumerKey || app.Policy.Refresh.Expired(*rt, s.nowIn(rt.OrgID)) {
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

// revokeRetiredLocked revokes the family of a refresh token of the app
// that rotation retired: the refresh token in its place and its access
// tokens. A token of another app's family revokes nothing, so that one
// app cannot end another's logins.
func (s *Store) revokeRetiredLocked(token, consumerKey string) {
	id, ok := s.familyOf(token)
	if !ok {
		return
	}
	fam, ok := s.families[id]
	if !ok {
		return
	}
	if live, ok := s.refresh[fam.refresh]; ok && live.ConsumerKey == consumerKey {
		s.deleteRefreshLocked(fam.refresh)
	}
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
	s.mu.Lock()
	defer s.mu.Unlock()
	at, now, ok := s.liveAccessLocked(token, s.now())
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
// not ended when mocksf's clock reads base, deleting one it has ended,
// with the time in its org then.
func (s *Store) liveAccessLocked(token string, base time.Time) (*AccessToken, time.Time, bool) {
	at, ok := s.access[token]
	if !ok {
		return nil, time.Time{}, false
	}
	now := s.inOrg(at.OrgID, base)
	if now.Sub(at.LastUsed) >= s.sessionTimeoutLocked(at.OrgID) {
		delete(s.access, token)
		return nil, time.Time{}, false
	}
	return at, now, true
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
	if _, _, ok := s.liveAccessLocked(token, s.now()); ok {
		delete(s.access, token)
		return true
	}
	if _, ok := s.refresh[token]; ok {
		s.deleteRefreshLocked(token)
		return true
	}
	return false
}

// deleteRefreshLocked deletes a refresh token and its family: the access
// tokens issued with it, from it and from those it replaced.
func (s *Store) deleteRefreshLocked(token string) {
	rt, ok := s.refresh[token]
	if !ok {
		return
	}
	delete(s.refresh, token)
	if fam, ok := s.families[rt.family]; ok {
		for _, t := range fam.access {
			if at, ok := s.access[t]; ok && at.family == rt.family {
				delete(s.access, t)
			}
		}
		delete(s.families, rt.family)
	}
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

// rotateLocked replaces a refresh token with a new one of its family,
// in every place the store keeps it, and returns the new one. The
// family's access tokens and the code it came from name the family, not
// the token, so rotation costs the same after a million refreshes as
// after one.
func (s *Store) rotateLocked(old *RefreshToken) *RefreshToken {
	next := *old
	next.Token = s.refreshTokenString(old.family)
	next.Scopes = append([]string(nil), old.Scopes...)
	delete(s.refresh, old.Token)
	s.refresh[next.Token] = &next
	if fam, ok := s.families[old.family]; ok {
		fam.refresh = next.Token
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
