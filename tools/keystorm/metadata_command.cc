// keystorm metadata check BLOB --root PEM [--now ISO] [--db DIR]: verifies a
// FIDO MDS3 BLOB the operator downloaded, before it is installed
// (docs/attestation.md, "FIDO metadata").
//
// stdout is JSON lines, each with an "event" member:
//   metadata_blob_verified            no, next_update, entries, revoked
//   credential_authenticator_revoked  one per stored credential of a revoked
//                                     model (with --db; metadata_recheck.h)
//   metadata_recheck_done             credentials scanned and revoked (--db)
// The store is opened read-only, so this runs safely next to the service.
// Exit status 1 if the BLOB is refused or anything fails; the Status goes to
// stderr.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>

#include "commands.h"
#include "keystorm/civil_date.h"
#include "keystorm/json_writer.h"
#include "keystorm/metadata.h"
#include "keystorm/metadata_recheck.h"
#include "keystorm/storage/rocks_store.h"

namespace keystorm::cli {
namespace {

// "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ" to unix seconds.
std::optional<int64_t> ParseIsoTime(const std::string& text) {
  int year, month, day, hour = 0, minute = 0, second = 0;
  char tail = 0;
  if (text.size() == 10) {
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3) return {};
  } else if (text.size() == 20) {
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute,
                    &second, &tail) != 7 ||
        tail != 'Z') {
      return {};
    }
  } else {
    return {};
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return {};
  }
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
}

int Fail(std::string_view what, const Status& status) {
  std::cerr << "metadata check: " << what << ": " << status.ToString() << "\n";
  return 1;
}

int RunCheck(const std::string& blob_path, const std::string& root_path, const std::string& now_text,
             const std::string& db) {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (!now_text.empty()) {
    std::optional<int64_t> parsed = ParseIsoTime(now_text);
    if (!parsed) {
      return Fail("--now", Status::InvalidArgument("expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"));
    }
    now = *parsed;
  }
  Result<std::string> root_pem = ReadMetadataFile(root_path, 1 << 20);
  if (!root_pem) return Fail(root_path, root_pem.error());
  Result<std::shared_ptr<const TrustAnchors>> root = TrustAnchors::FromPem(*root_pem);
  if (!root) return Fail(root_path, root.error());
  Result<std::string> text = ReadMetadataFile(blob_path, kMaxMetadataBlobBytes);
  if (!text) return Fail(blob_path, text.error());
  Result<std::shared_ptr<const MetadataBlob>> blob = MetadataBlob::Load(*text, **root, now);
  if (!blob) return Fail(blob_path, blob.error());

  JsonWriter summary;
  summary.BeginObject()
      .Key("event").String("metadata_blob_verified")
      .Key("no").Int((*blob)->serial())
      .Key("next_update").String((*blob)->next_update())
      .Key("entries").Uint((*blob)->entries().size())
      .Key("revoked").Uint((*blob)->revoked_count())
      .EndObject();
  std::cout << summary.str() << "\n";
  if (db.empty()) return 0;

  storage::StoreConfig config;
  config.path = db;
  config.read_only = true;
  config.create_if_missing = false;
  config.challenge_sweep_interval_ms = 0;
  auto store = storage::RocksCredentialStore::Open(config);
  if (!store) return Fail(db, store.error());
  JsonLinesAuditSink sink(&std::cout);
  RecheckCounts counts;
  if (Status s = RecheckStoredCredentials(**blob, store->get(), &sink, &counts); !s.ok()) {
    return Fail("re-check", s);
  }
  JsonWriter done;
  done.BeginObject()
      .Key("event").String("metadata_recheck_done")
      .Key("credentials_scanned").Uint(counts.credentials_scanned)
      .Key("credentials_revoked").Uint(counts.credentials_revoked)
      .EndObject();
  std::cout << done.str() << "\n";
  return std::cout ? 0 : 1;
}

}  // namespace

void AddMetadataCommand(CLI::App* app, int* exit_code) {
  auto* metadata = app->add_subcommand("metadata", "FIDO MDS3 metadata BLOBs");
  metadata->require_subcommand(1);
  auto* check = metadata->add_subcommand(
      "check", "Verify a BLOB (signature, chain to the MDS root, nextUpdate); with --db, list "
               "the stored credentials of models it revokes");
  static std::string blob_path, root_path, now_text, db;
  check->add_option("BLOB", blob_path, "The BLOB file (a JWT)")->required();
  check->add_option("--root", root_path, "PEM file with the FIDO MDS root certificate")->required();
  check->add_option("--now", now_text, "Verification time, YYYY-MM-DD[THH:MM:SSZ] (default: now)");
  check->add_option("--db", db, "RocksDB store to re-check (opened read-only)");
  check->callback([exit_code] { *exit_code = RunCheck(blob_path, root_path, now_text, db); });
}

}  // namespace keystorm::cli
