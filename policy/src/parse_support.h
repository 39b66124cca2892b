// Private: reading toml++ tables into typed fields with positions.
//
// A TableReader hands out the table's fields by key and type; Finish()
// reports every key nobody asked for, so a misspelt key is an error rather
// than a silently ignored line. Wrong types and unknown enumeration values
// become diagnostics at the value's position; the getters then leave the
// output untouched (its default) and parsing goes on to find more errors.
#ifndef KEYSTORM_POLICY_SRC_PARSE_SUPPORT_H_
#define KEYSTORM_POLICY_SRC_PARSE_SUPPORT_H_

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "diagnostic_sink.h"
#include "keystorm/policy/diagnostic.h"

namespace keystorm::policy::internal {

SourcePosition PositionOf(const toml::node& node);
SourcePosition PositionOf(const toml::key& key);

// A value of one of a fixed set of names, for TableReader::Enum.
template <typename E>
using EnumNames = std::initializer_list<std::pair<std::string_view, E>>;

class TableReader {
 public:
  // `where` names the table in messages ("[webauthn]", "[[rule]] #2").
  TableReader(const toml::table& table, std::string where, DiagnosticSink* sink);

  const toml::table& table() const { return table_; }
  const std::string& where() const { return where_; }
  SourcePosition position() const { return PositionOf(table_); }
  DiagnosticSink* sink() const { return sink_; }

  // The node under `key` (marking the key as used), or null when absent.
  const toml::node* Get(std::string_view key);
  // The position of `key` itself, or the table's when absent.
  SourcePosition KeyPosition(std::string_view key) const;

  // Each returns true when the key is present with the right type.
  bool String(std::string_view key, Located<std::string>* out);
  bool String(std::string_view key, std::string* out);
  bool Integer(std::string_view key, Located<int64_t>* out);
  bool Bool(std::string_view key, bool* out);
  // An array of strings (a single string is refused: lists stay lists).
  bool StringList(std::string_view key, std::vector<Located<std::string>>* out);
  // An offset date-time (RFC 3339 with Z or +hh:mm), as unix seconds.
  bool DateTime(std::string_view key, int64_t* unix_seconds);
  // A sub-table, or null (with an error when present but not a table).
  const toml::table* Table(std::string_view key);
  // An array of tables ([[key]]), or null.
  const toml::array* TableArray(std::string_view key);

  template <typename E>
  bool Enum(std::string_view key, EnumNames<E> names, E* out) {
    Located<std::string> text;
    if (!String(key, &text)) return false;
    return EnumValue(text, key, names, out);
  }
  template <typename E>
  bool EnumValue(const Located<std::string>& text, std::string_view key, EnumNames<E> names,
                 E* out) {
    std::string choices;
    for (const auto& [name, value] : names) {
      if (name == text.value) {
        *out = value;
        return true;
      }
      choices += choices.empty() ? "" : ", ";
      choices += name;
    }
    sink_->Error(text.position, where_ + "." + std::string(key) + ": expected one of " + choices +
                                    ", got \"" + text.value + "\"");
    return false;
  }

  // Reports each key never passed to a getter.
  void Finish();

 private:
  void TypeError(const toml::node& node, std::string_view key, std::string_view expected);

  const toml::table& table_;
  std::string where_;
  DiagnosticSink* sink_;
  std::vector<std::string_view> used_;
};

}  // namespace keystorm::policy::internal

#endif  // KEYSTORM_POLICY_SRC_PARSE_SUPPORT_H_
