// Records the ceremony the embedding example verifies
// (docs/examples/embed/ceremony.txt): a registration and an assertion by the
// test authenticator, answering challenges sealed with the example's fixed
// key at the example's fixed clock, for the example's recorded account.
// The example cannot link the test authenticator (it uses the installed
// package only), hence a recording.  Regenerate with
//   make_example_ceremony > docs/examples/embed/ceremony.txt
// and keep docs/examples/embed/main.cc's constants in step (example_constants.h).
#include <iostream>

#include "example_constants.h"
#include "keystorm/base64url.h"
#include "keystorm/storage/challenge_sealer.h"
#include "keystorm/test/test_authenticator.h"

int main() {
  using namespace keystorm;
  storage::ChallengeKey key;
  key.id = example::kChallengeKeyId;
  key.secret.fill(example::kChallengeKeyByte);
  auto sealer = storage::ChallengeSealer::Create({key}, example::kChallengeTtlMs);
  if (!sealer) return 1;
  Bytes handle;
  if (!Base64UrlDecode(example::kUserHandle, &handle)) return 1;

  auto registration = sealer.value().Issue(storage::CeremonyKind::kRegistration, handle,
                                           example::kRecordedAtMs);
  auto authentication = sealer.value().Issue(storage::CeremonyKind::kAuthentication, handle,
                                             example::kRecordedAtMs);
  if (!registration || !authentication) return 1;

  test::TestAuthenticator authenticator(-7);
  test::RegistrationOptions ro;
  ro.rp_id = example::kRpId;
  ro.client_data.origin = example::kOrigin;
  ro.client_data.challenge = Base64UrlEncode(registration.value());
  test::AssertionOptions ao;
  ao.rp_id = example::kRpId;
  ao.client_data.origin = example::kOrigin;
  ao.client_data.challenge = Base64UrlEncode(authentication.value());
  ao.user_handle = handle;
  ao.sign_count = 1;
  std::cout << authenticator.Register(ro).Json() << "\n" << authenticator.Assert(ao).Json() << "\n";
  return 0;
}
