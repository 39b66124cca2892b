// JsonWriter (json_writer.h): escapes, numbers as printf's %.6g writes them,
// and commas between members.
#include "keystorm/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace keystorm {
namespace {

std::string Escaped(std::string_view text) {
  JsonWriter writer;
  writer.String(text);
  return writer.str();
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Escaped("plain"), "\"plain\"");
  EXPECT_EQ(Escaped(""), "\"\"");
  EXPECT_EQ(Escaped("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Escaped("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(Escaped(std::string("x\x01y\x1f", 4)), "\"x\\u0001y\\u001f\"");
  EXPECT_EQ(Escaped(std::string("\0", 1)), "\"\\u0000\"");
  EXPECT_EQ(Escaped("\x7f caf\xc3\xa9"), "\"\x7f caf\xc3\xa9\"") << "DEL and UTF-8 pass as they are";
  EXPECT_EQ(Escaped("\"start and end\""), "\"\\\"start and end\\\"\"");
}

TEST(JsonWriterTest, DoublesAreWrittenAsPrintfG6) {
  for (double value : {0.0, -0.0, 1.5, 0.1, 0.00880178123, 1e-7, 123456789.0, 100000.0, -2.5e300,
                       std::numeric_limits<double>::denorm_min()}) {
    JsonWriter writer;
    writer.Double(value);
    char expected[32];
    std::snprintf(expected, sizeof(expected), "%.6g", value);
    EXPECT_EQ(writer.str(), expected) << value;
  }
  JsonWriter not_finite;
  not_finite.BeginArray().Double(std::nan("")).Double(INFINITY).EndArray();
  EXPECT_EQ(not_finite.str(), "[null,null]");
}

TEST(JsonWriterTest, IntegersAndMembers) {
  JsonWriter writer;
  writer.BeginObject()
      .Key("min").Int(std::numeric_limits<int64_t>::min())
      .Key("max").Uint(std::numeric_limits<uint64_t>::max())
      .Key("list").BeginArray().Int(0).Int(-1).Bool(true).EndArray()
      .EndObject();
  EXPECT_EQ(writer.str(),
            "{\"min\":-9223372036854775808,\"max\":18446744073709551615,\"list\":[0,-1,true]}");
}

}  // namespace
}  // namespace keystorm
