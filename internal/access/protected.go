package access

import (
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Roles only AWS may change: service-linked roles (/aws-service-role/) and
// the roles IAM Identity Center provisions for permission sets
// (/aws-reserved/sso.amazonaws.com/, named AWSReservedSSO_*). IAM refuses to
// change their trust policy, their inline and attached policies or their
// boundary for anyone else (UnmodifiableEntity), so a method that rewrites
// such a role cannot be used on it. Their customer managed policies remain
// the customer's: a permission set may reference one by name, and a new
// version of it changes what the role can do.

// ReservedPath is the path prefix of the roles IAM Identity Center manages.
const ReservedPath = "/aws-reserved/"

// Unmodifiable reports whether IAM refuses changes to the role's trust and
// permission policies from anyone but AWS.
func Unmodifiable(r *snapshot.Role) bool {
	return r != nil && (r.ServiceLinked() || strings.HasPrefix(r.Path, ReservedPath))
}

// modifiesRole reports whether the method rewrites the role it targets (or
// the principal itself): its trust, its inline or attached policies, or its
// boundary.
func (m *Method) modifiesRole() bool {
	for _, s := range m.Steps {
		if s.On != OnTarget && s.On != OnSelf {
			continue
		}
		switch strings.ToLower(s.Action) {
		case "iam:updateassumerolepolicy", "iam:attachrolepolicy", "iam:putrolepolicy",
			"iam:deleterolepolicy", "iam:detachrolepolicy",
			"iam:deleterolepermissionsboundary", "iam:putrolepermissionsboundary":
			return true
		}
	}
	return false
}

// cannotModify: the method rewrites role r, which AWS does not let anyone
// change.
func cannotModify(m *Method, r *Principal) bool {
	return r != nil && r.Kind == KindRole && Unmodifiable(r.Role) && m.modifiesRole()
}
