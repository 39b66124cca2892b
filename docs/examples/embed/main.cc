// Embedding Keystorm: a product with its own credential store and its own
// user directory registers a passkey and logs in with it, using nothing but
// the installed package (find_package(keystorm CONFIG)).
//
// A browser would answer the options this program prints; here the answers
// are a recording (ceremony.txt) that Keystorm's test authenticator made for
// the same relying party, challenge key, clock and account
// (example_constants.h), so the program runs anywhere without a browser.
//
// Usage: keystorm_embed_example CEREMONY.txt     Exit status 0: all went as expected.
#include <fstream>
#include <future>
#include <iostream>
#include <string>

#include <keystorm/base64url.h>
#include <keystorm/relying_party.h>
#include <keystorm/version.h>

#include "example_constants.h"
#include "map_credential_store.h"
#include "map_user_directory.h"

namespace {

int failures = 0;

void Expect(bool ok, const std::string& what) {
  std::cout << (ok ? "ok    " : "FAIL  ") << what << "\n";
  if (!ok) ++failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " CEREMONY.txt\n";
    return 2;
  }
  std::ifstream recording(argv[1]);
  std::string registration_json, assertion_json;
  if (!std::getline(recording, registration_json) || !std::getline(recording, assertion_json)) {
    std::cerr << "cannot read the recorded ceremony from " << argv[1] << "\n";
    return 2;
  }
  std::cout << "Keystorm " << KEYSTORM_VERSION_STRING << "\n";

  // The product's own storage, behind Keystorm's two interfaces.
  example::MapCredentialStore store;
  example::MapUserDirectory directory;
  keystorm::DirectoryUser alice;
  alice.name = example::kUserName;
  alice.display_name = "Alice Example";
  alice.groups = {"jira-users"};
  Expect(directory.Upsert(alice).ok(), "the product's directory knows alice");

  // The account the recording was made for.  Normally StartRegistration
  // creates it with a random handle; here the handle must be the recorded one.
  keystorm::UserRecord account;
  if (!keystorm::Base64UrlDecode(example::kUserHandle, &account.user_handle)) return 2;
  account.name = example::kUserName;
  account.display_name = alice.display_name;
  keystorm::UserInsertOutcome inserted;
  Expect(store.InsertUserIfAbsent(account, &inserted).ok() &&
             inserted == keystorm::UserInsertOutcome::kInserted,
         "the recorded account exists");

  keystorm::RelyingPartyOptions options;
  options.rp_id = example::kRpId;
  options.rp_name = "Example Jira";
  options.origins = {example::kOrigin};
  keystorm::storage::ChallengeKey key;
  key.id = example::kChallengeKeyId;
  key.secret.fill(example::kChallengeKeyByte);
  options.challenge_keys = {key};
  options.challenge_ttl_ms = example::kChallengeTtlMs;
  // One second after the recording, so that its challenges are fresh.
  options.now_ms = [] { return example::kRecordedAtMs + 1000; };
  options.pipeline.workers = 2;
  auto created = keystorm::RelyingParty::Create(options, &store, &directory);
  if (!created) {
    std::cerr << "RelyingParty::Create: " << created.error().ToString() << "\n";
    return 1;
  }
  keystorm::RelyingParty& rp = *created.value();

  // 1. Registration: options for the browser, then its answer.
  keystorm::RegistrationStart start = rp.StartRegistration(example::kUserName);
  Expect(start.status.ok(), "StartRegistration");
  std::cout << "      navigator.credentials.create options: " << start.json << "\n";
  keystorm::RegistrationResult registered =
      rp.FinishRegistration(example::kUserName, registration_json);
  Expect(registered.ok(), std::string("FinishRegistration: ") +
                              std::string(keystorm::VerifyErrorName(registered.outcome)));

  // 2. Login: options naming alice's credential, then the assertion.
  keystorm::AuthenticationStart login = rp.StartAuthentication(example::kUserName);
  Expect(login.status.ok() && login.allow_credentials.size() == 1 &&
             login.allow_credentials[0] == registered.credential_id,
         "StartAuthentication lists the new credential");
  std::cout << "      navigator.credentials.get options: " << login.json << "\n";
  keystorm::AuthenticationResult result = rp.FinishAuthentication(assertion_json);
  Expect(result.ok() && result.user_name == example::kUserName && result.sign_count == 1,
         std::string("FinishAuthentication: ") +
             std::string(keystorm::VerifyErrorName(result.outcome)) + ", user " +
             result.user_name + ", counter " + std::to_string(result.sign_count));

  // 3. The same assertion again, asynchronously: a replay, refused.
  std::promise<keystorm::AuthenticationResult> replayed;
  keystorm::Status submitted = rp.SubmitAuthentication(
      assertion_json,
      [&replayed](keystorm::AuthenticationResult&& r) { replayed.set_value(std::move(r)); });
  keystorm::AuthenticationResult replay = replayed.get_future().get();
  Expect(submitted.ok() && replay.outcome == keystorm::VerifyError::kChallengeUnknown,
         std::string("a replayed assertion is refused: ") +
             std::string(keystorm::VerifyErrorName(replay.outcome)));

  std::cout << (failures == 0 ? "embedding example: ok\n" : "embedding example: FAILED\n");
  return failures == 0 ? 0 : 1;
}
