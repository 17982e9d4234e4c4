package store

import (
	"hash/fnv"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// DerivedID is the stable ID of an org's i-th derived record with the
// given key prefix (its Profiles, PermissionSets, Group...): the same on
// every read and in every API, different across orgs. Derived records are
// built from the org, never stored, so their IDs come from the org's ID.
func DerivedID(prefix, orgID string, i int) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(orgID))
	// 40 bits of the org's hash leave room for 256 records an object.
	return sfid.New(prefix, (h.Sum64()&(1<<40-1))<<8|uint64(i&0xff))
}

// The profiles every org has, in the order their IDs are derived; the REST
// API serves them as Profile records and SOAP's userInfo names them.
const (
	AdminProfile    = 0 // System Administrator
	StandardProfile = 1 // Standard User
)

// ProfilePrefix is the Profile key prefix.
const ProfilePrefix = "00e"

// ProfileID is the ID of the user's profile: System Administrator for
// admins, Standard User for the others.
func (u User) ProfileID() string {
	if u.Admin {
		return DerivedID(ProfilePrefix, u.OrgID, AdminProfile)
	}
	return DerivedID(ProfilePrefix, u.OrgID, StandardProfile)
}
