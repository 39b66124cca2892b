#include "metadata/blob_payload.h"

#include <simdjson.h>

#include <algorithm>

#include "attestation/certificate.h"
#include "json_scratch_impl.h"
#include "keystorm/trust_store.h"
#include "metadata/mds_date.h"
#include "standard_base64.h"

namespace keystorm::metadata {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Status Refuse(std::string_view why) {
  return Status::InvalidArgument("metadata BLOB payload: " + std::string(why));
}

std::string EntryName(size_t index) { return "entries[" + std::to_string(index) + "]"; }

bool Has(object o, std::string_view key, element* value) { return o[key].get(*value) == SUCCESS; }

bool IsKeyIdentifier(std::string_view text) {
  return text.size() == 40 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status ParseStatement(object statement, const std::string& where, MetadataEntry* entry) {
  element value;
  if (Has(statement, "description", &value)) {
    std::string_view text;
    if (value.get_string().get(text) != SUCCESS) return Refuse(where + ".description is not a string");
    entry->description = std::string(text);
  }
  array roots;
  if (statement["attestationRootCertificates"].get_array().get(roots) != SUCCESS) {
    return Refuse(where + ".attestationRootCertificates is not an array");
  }
  for (element root : roots) {
    std::string_view text;
    Bytes der;
    if (root.get_string().get(text) != SUCCESS || !DecodeStandardBase64(text, &der) ||
        !attestation::ParseCertificate(der)) {
      return Refuse(where + ".attestationRootCertificates holds something that is not base64 of "
                            "one DER certificate");
    }
    entry->attestation_root_certificates.push_back(std::move(der));
  }
  if (!entry->attestation_root_certificates.empty()) {
    Result<std::shared_ptr<const TrustAnchors>> anchors =
        TrustAnchors::FromDer(entry->attestation_root_certificates);
    if (!anchors) return Refuse(where + ".attestationRootCertificates: " + std::string(anchors.error().message()));
    entry->anchors = std::move(*anchors);
  }
  return Status::Ok();
}

Status ParseStatusReports(array reports, const std::string& where, MetadataEntry* entry) {
  for (element report_value : reports) {
    object report;
    std::string_view status;
    if (report_value.get_object().get(report) != SUCCESS ||
        report["status"].get_string().get(status) != SUCCESS || status.empty()) {
      return Refuse(where + " has a status report without a string status");
    }
    MetadataStatusReport parsed{std::string(status), {}};
    element date_value;
    if (Has(report, "effectiveDate", &date_value)) {
      std::string_view date;
      if (date_value.get_string().get(date) != SUCCESS || !IsMdsDate(date)) {
        return Refuse(where + " has a status report whose effectiveDate is not YYYY-MM-DD");
      }
      parsed.effective_date = std::string(date);
    }
    entry->status_reports.push_back(std::move(parsed));
  }
  if (entry->status_reports.empty()) return Refuse(where + ".statusReports is empty");
  // The latest report decides; a report without a date counts as the oldest,
  // and of equal dates the one later in the array wins.
  for (size_t i = 1; i < entry->status_reports.size(); ++i) {
    if (entry->status_reports[i].effective_date >=
        entry->status_reports[entry->latest_report].effective_date) {
      entry->latest_report = i;
    }
  }
  entry->revoked = IsRevokingStatus(entry->latest().status);
  return Status::Ok();
}

Status ParseEntry(object entry_object, size_t index, MetadataEntry* entry) {
  const std::string where = EntryName(index);
  element value;
  bool identified = false;
  if (Has(entry_object, "aaid", &value)) {
    std::string_view aaid;  // UAF: Keystorm has no use for it
    if (value.get_string().get(aaid) != SUCCESS) return Refuse(where + ".aaid is not a string");
    identified = true;
  }
  if (Has(entry_object, "aaguid", &value)) {
    std::string_view text;
    Aaguid aaguid;
    if (value.get_string().get(text) != SUCCESS || !ParseAaguid(text, &aaguid)) {
      return Refuse(where + ".aaguid is not a UUID string");
    }
    entry->aaguid = aaguid;
    identified = true;
  }
  if (Has(entry_object, "attestationCertificateKeyIdentifiers", &value)) {
    array ids;
    if (value.get_array().get(ids) != SUCCESS) {
      return Refuse(where + ".attestationCertificateKeyIdentifiers is not an array");
    }
    for (element id : ids) {
      std::string_view text;
      if (id.get_string().get(text) != SUCCESS || !IsKeyIdentifier(text)) {
        return Refuse(where + ".attestationCertificateKeyIdentifiers holds something that is not "
                              "40 hex digits");
      }
      entry->key_identifiers.push_back(Lowercase(text));
    }
    identified = identified || !entry->key_identifiers.empty();
  }
  if (!identified) return Refuse(where + " identifies no authenticator (no aaguid, key identifier or aaid)");
  if (Has(entry_object, "metadataStatement", &value)) {
    object statement;
    if (value.get_object().get(statement) != SUCCESS) {
      return Refuse(where + ".metadataStatement is not an object");
    }
    if (Status s = ParseStatement(statement, where + ".metadataStatement", entry); !s.ok()) return s;
  }
  array reports;
  if (entry_object["statusReports"].get_array().get(reports) != SUCCESS) {
    return Refuse(where + ".statusReports is missing or not an array");
  }
  return ParseStatusReports(reports, where + ".statusReports", entry);
}

}  // namespace

Status ParseBlobPayload(ByteView json, BlobPayload* out) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(reinterpret_cast<const char*>(json.data()), json.size());
  element root;
  object payload;
  if (parser.parse(padded).get(root) != SUCCESS || root.get_object().get(payload) != SUCCESS ||
      !HasUniqueMembers(root, JsonScratch::kMaxDepth)) {
    return Refuse("not one JSON object with unique member names");
  }
  BlobPayload parsed;
  std::string_view text;
  if (payload["legalHeader"].get_string().get(text) != SUCCESS) {
    return Refuse("legalHeader is missing or not a string");
  }
  parsed.legal_header = std::string(text);
  if (payload["no"].get_int64().get(parsed.serial) != SUCCESS || parsed.serial < 0) {
    return Refuse("no is missing or not a non-negative integer");
  }
  if (payload["nextUpdate"].get_string().get(text) != SUCCESS || !IsMdsDate(text)) {
    return Refuse("nextUpdate is missing or not YYYY-MM-DD");
  }
  parsed.next_update = std::string(text);
  array entries;
  if (payload["entries"].get_array().get(entries) != SUCCESS) {
    return Refuse("entries is missing or not an array");
  }
  size_t index = 0;
  for (element entry_value : entries) {
    object entry_object;
    if (entry_value.get_object().get(entry_object) != SUCCESS) {
      return Refuse(EntryName(index) + " is not an object");
    }
    MetadataEntry entry;
    if (Status s = ParseEntry(entry_object, index, &entry); !s.ok()) return s;
    parsed.entries.push_back(std::move(entry));
    ++index;
  }
  *out = std::move(parsed);
  return Status::Ok();
}

}  // namespace keystorm::metadata
