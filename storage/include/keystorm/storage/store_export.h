// keystorm store export / import: a RocksDB store as JSON lines.
//
// The first line is a header, {"keystorm_store_export":1,"format_version":1};
// then one object per line, "type" first: every "user", then every
// "credential", then every "consumed_challenge", in key order, all from one
// snapshot.  Binary fields are base64url without padding, the AAGUID is 32
// hex digits.  docs/storage_format.md lists the fields.  Exporting and
// importing into an empty store and exporting again gives the same bytes.
//
// Import is strict: an unknown type or field, a missing field, a value of the
// wrong type or out of bounds fails with the line number.  It writes in
// batches of `batch_lines`, each one atomic and synced; on failure, the
// batches before it stay written, so import into an empty store and discard
// it on error.
#ifndef KEYSTORM_STORAGE_STORE_EXPORT_H_
#define KEYSTORM_STORAGE_STORE_EXPORT_H_

#include <cstdint>
#include <istream>
#include <ostream>

#include "keystorm/export.h"
#include "keystorm/status.h"
#include "keystorm/storage/rocks_store.h"

namespace keystorm::storage {

struct KEYSTORM_EXPORT DumpCounts {
  uint64_t users = 0;
  uint64_t credentials = 0;
  uint64_t consumed_challenges = 0;
};

KEYSTORM_EXPORT Status ExportJsonLines(RocksCredentialStore* store, std::ostream* out, DumpCounts* counts);

KEYSTORM_EXPORT Status ImportJsonLines(std::istream* in, RocksCredentialStore* store, size_t batch_lines,
                       DumpCounts* counts);

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_STORE_EXPORT_H_
