// Private: PublicKeyCredentialCreationOptionsJSON and
// PublicKeyCredentialRequestOptionsJSON (WebAuthn L3 §5.4, §5.5) from the
// typed starts.
#ifndef KEYSTORM_RP_SRC_CEREMONY_OPTIONS_H_
#define KEYSTORM_RP_SRC_CEREMONY_OPTIONS_H_

#include <string>

#include "keystorm/relying_party.h"

namespace keystorm::rp {

std::string CreationOptionsJson(const RelyingPartyOptions& rp, const RegistrationStart& start);
std::string RequestOptionsJson(const RelyingPartyOptions& rp, const AuthenticationStart& start);

}  // namespace keystorm::rp

#endif  // KEYSTORM_RP_SRC_CEREMONY_OPTIONS_H_
