// A small streaming JSON writer for our own output (benchmark reports, CLI
// results, later HTTP bodies).  It escapes strings per RFC 8259 and keeps
// commas right; it does not check that the caller nests correctly.
#ifndef KEYSTORM_JSON_WRITER_H_
#define KEYSTORM_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/export.h"

namespace keystorm {

class KEYSTORM_EXPORT JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // An object member's name; the next value call writes its value.
  JsonWriter& Key(std::string_view name);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Double(double value);  // non-finite values are written as null
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  const std::string& str() const { return out_; }

 private:
  void BeforeValue();
  void WriteEscaped(std::string_view value);
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace keystorm

#endif  // KEYSTORM_JSON_WRITER_H_
