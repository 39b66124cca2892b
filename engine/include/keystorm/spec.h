// The one place the specification revision is pinned.  Every "R<n>"/"A<n>"
// step number in this code base counts list items of §7.1 / §7.2 of this
// revision (shared/reference/spec-checklist.md); anchors are given too
// because step numbers drift between levels.
#ifndef KEYSTORM_SPEC_H_
#define KEYSTORM_SPEC_H_

namespace keystorm::spec {

inline constexpr char kName[] = "W3C Web Authentication Level 3";
inline constexpr char kRevision[] = "Editor's Draft, w3c/webauthn index.bs 146d0db (2026-07-30)";
inline constexpr char kRegistrationAnchor[] = "#sctn-registering-a-new-credential";
inline constexpr char kAssertionAnchor[] = "#sctn-verifying-assertion";

}  // namespace keystorm::spec

#endif  // KEYSTORM_SPEC_H_
