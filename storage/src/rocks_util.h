// Private: RocksDB glue shared by the store's source files.
#ifndef KEYSTORM_STORAGE_SRC_ROCKS_UTIL_H_
#define KEYSTORM_STORAGE_SRC_ROCKS_UTIL_H_

#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/status.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/status.h"
#include "keystorm/storage/store_config.h"

namespace rocksdb {
class Cache;
}  // namespace rocksdb

namespace keystorm::storage {

// Maps a RocksDB status onto ours; `context` names the operation.
Status FromRocks(const rocksdb::Status& status, std::string_view context);

inline rocksdb::Slice ToSlice(ByteView b) {
  return rocksdb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
}
inline rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline ByteView ToBytes(const rocksdb::Slice& s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// The smallest key greater than every key that starts with `prefix`
// ("" if there is none: prefix is all 0xff).
std::string PrefixSuccessor(std::string_view prefix);

// DBOptions and one ColumnFamilyOptions per layout family (in
// layout::kColumnFamilies order), from the config.  The DBOptions string
// has been validated already (ValidateStoreConfig).
struct RocksOptions {
  rocksdb::DBOptions db;
  rocksdb::ColumnFamilyOptions default_family;
  std::vector<rocksdb::ColumnFamilyOptions> families;
  std::shared_ptr<rocksdb::Cache> cache;
};
Status BuildRocksOptions(const StoreConfig& config, RocksOptions* out);

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_SRC_ROCKS_UTIL_H_
