// Test-only: a store's files opened with plain RocksDB, to plant corruption
// and to dump every column family for byte-level comparisons.  Never while
// the store itself is open for writing.
#ifndef KEYSTORM_TESTS_STORAGE_RAW_DB_H_
#define KEYSTORM_TESTS_STORAGE_RAW_DB_H_

#include <rocksdb/db.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "keystorm/storage/store_layout.h"

namespace keystorm::storage::testing {

class RawDb {
 public:
  // Opens (creating missing families) the database at `path`, with any
  // `extra_families` besides the layout's.
  explicit RawDb(const std::string& path, std::vector<std::string> extra_families = {}) {
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
    for (const char* name : layout::kColumnFamilies) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    for (const std::string& name : extra_families) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* raw = nullptr;
    status_ = rocksdb::DB::Open(options, path, descriptors, &handles_, &raw);
    db_.reset(raw);
  }
  ~RawDb() {
    for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
    if (db_) (void)db_->Close();
  }
  const rocksdb::Status& status() const { return status_; }
  rocksdb::DB* db() { return db_.get(); }
  // The handle of a layout family by name.
  rocksdb::ColumnFamilyHandle* Family(const std::string& name) {
    for (auto* h : handles_) {
      if (h->GetName() == name) return h;
    }
    return nullptr;
  }
  rocksdb::Status Put(const std::string& family, const std::string& key, const std::string& value) {
    rocksdb::WriteOptions w;
    w.sync = true;
    return db_->Put(w, Family(family), key, value);
  }
  rocksdb::Status Delete(const std::string& family, const std::string& key) {
    rocksdb::WriteOptions w;
    w.sync = true;
    return db_->Delete(w, Family(family), key);
  }
  // Every key and value of every layout family.
  std::map<std::string, std::map<std::string, std::string>> Dump() {
    std::map<std::string, std::map<std::string, std::string>> out;
    for (const char* name : layout::kColumnFamilies) {
      auto& family = out[name];
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Family(name)));
      for (it->SeekToFirst(); it->Valid(); it->Next())
        family[it->key().ToString()] = it->value().ToString();
    }
    return out;
  }

 private:
  rocksdb::Status status_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace keystorm::storage::testing

#endif  // KEYSTORM_TESTS_STORAGE_RAW_DB_H_
