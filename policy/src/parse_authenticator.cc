// [authenticator.NAME]: user verification, algorithms, attestation, AAGUIDs,
// synced passkeys, sign counter.
#include <string>

#include "keystorm/cose_key.h"
#include "parse_sections.h"

namespace keystorm::policy::internal {
namespace {

struct AlgorithmName {
  std::string_view name;
  CoseAlgorithm algorithm;
};

// The names the file may use; integers (COSE ids) are accepted as well.
constexpr AlgorithmName kAlgorithmNames[] = {
    {"ES256", CoseAlgorithm::kES256},     {"ES384", CoseAlgorithm::kES384},
    {"ES512", CoseAlgorithm::kES512},     {"EdDSA", CoseAlgorithm::kEdDSA},
    {"Ed25519", CoseAlgorithm::kEd25519}, {"ESP256", CoseAlgorithm::kESP256},
    {"ESP384", CoseAlgorithm::kESP384},   {"ESP512", CoseAlgorithm::kESP512},
    {"RS256", CoseAlgorithm::kRS256},     {"RS384", CoseAlgorithm::kRS384},
    {"RS512", CoseAlgorithm::kRS512},     {"PS256", CoseAlgorithm::kPS256},
    {"PS384", CoseAlgorithm::kPS384},     {"PS512", CoseAlgorithm::kPS512},
    {"RS1", CoseAlgorithm::kRS1},
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The 8-4-4-4-12 hex form of a UUID, either case.
bool ParseAaguid(std::string_view text, Aaguid* out) {
  if (text.size() != 36) return false;
  size_t byte = 0;
  for (size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      ++i;
      continue;
    }
    int hi = HexValue(text[i]), lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[byte++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return byte == out->size();
}

void ParseAaguidList(TableReader* reader, std::string_view key, std::vector<Aaguid>* out) {
  std::vector<Located<std::string>> texts;
  reader->StringList(key, &texts);
  for (const auto& text : texts) {
    Aaguid aaguid{};
    if (!ParseAaguid(text.value, &aaguid)) {
      reader->sink()->Error(text.position, reader->where() + "." + std::string(key) + ": \"" +
                                               text.value +
                                               "\" is not an AAGUID "
                                               "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
      continue;
    }
    out->push_back(aaguid);
  }
}

void ParseAlgorithms(TableReader* reader, AuthenticatorSpec* profile) {
  const toml::node* node = reader->Get("algorithms");
  if (node == nullptr) return;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    reader->sink()->Error(PositionOf(*node),
                          reader->where() + ".algorithms: expected an array of names or COSE ids");
    return;
  }
  for (const toml::node& element : *array) {
    SourcePosition position = PositionOf(element);
    if (element.is_integer()) {
      profile->algorithms.push_back({element.as_integer()->get(), position});
      continue;
    }
    if (element.is_string()) {
      const std::string& name = element.as_string()->get();
      bool found = false;
      for (const AlgorithmName& known : kAlgorithmNames) {
        if (known.name != name) continue;
        profile->algorithms.push_back({static_cast<int64_t>(known.algorithm), position});
        found = true;
        break;
      }
      if (!found) {
        reader->sink()->Error(position, reader->where() + ".algorithms: unknown algorithm \"" +
                                            name + "\" (ES256, EdDSA, RS256, ... or a COSE id)");
      }
      continue;
    }
    reader->sink()->Error(position, reader->where() + ".algorithms: expected a name or a COSE id");
  }
}

}  // namespace

void ParseAuthenticators(const toml::table& table, DiagnosticSink* sink, PolicySpec* spec) {
  for (const auto& [key, node] : table) {
    std::string where = "[authenticator." + std::string(key.str()) + "]";
    if (!node.is_table()) {
      sink->Error(PositionOf(node), where + ": expected a table");
      continue;
    }
    TableReader reader(*node.as_table(), where, sink);
    AuthenticatorSpec profile;
    profile.name = std::string(key.str());
    profile.position = PositionOf(key);
    reader.Enum<UserVerification>("user_verification",
                                  {{"required", UserVerification::kRequired},
                                   {"preferred", UserVerification::kPreferred},
                                   {"discouraged", UserVerification::kDiscouraged}},
                                  &profile.user_verification);
    ParseAlgorithms(&reader, &profile);
    reader.Enum<bool>("attestation", {{"required", true}, {"optional", false}},
                      &profile.attestation_required);
    ParseAaguidList(&reader, "aaguids_allowed", &profile.allowed_aaguids);
    ParseAaguidList(&reader, "aaguids_denied", &profile.denied_aaguids);
    reader.Bool("backup_eligible", &profile.backup_eligible_allowed);
    reader.Enum<SignCountPolicy>(
        "sign_count", {{"reject", SignCountPolicy::kReject}, {"warn", SignCountPolicy::kWarn}},
        &profile.sign_count);
    reader.Bool("backup_eligibility_upgrade", &profile.backup_eligibility_upgrade);
    reader.Finish();
    spec->authenticators.push_back(std::move(profile));
  }
}

}  // namespace keystorm::policy::internal
