#include "parse_support.h"

#include <algorithm>
#include <utility>

#include "keystorm/civil_date.h"

namespace keystorm::policy::internal {
namespace {

std::string_view TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

}  // namespace

SourcePosition PositionOf(const toml::node& node) {
  const toml::source_position& p = node.source().begin;
  return {static_cast<uint32_t>(p.line), static_cast<uint32_t>(p.column)};
}

SourcePosition PositionOf(const toml::key& key) {
  const toml::source_position& p = key.source().begin;
  return {static_cast<uint32_t>(p.line), static_cast<uint32_t>(p.column)};
}

TableReader::TableReader(const toml::table& table, std::string where, DiagnosticSink* sink)
    : table_(table), where_(std::move(where)), sink_(sink) {}

const toml::node* TableReader::Get(std::string_view key) {
  used_.push_back(key);
  return table_.get(key);
}

SourcePosition TableReader::KeyPosition(std::string_view key) const {
  auto it = table_.find(key);
  return it == table_.end() ? position() : PositionOf(it->first);
}

void TableReader::TypeError(const toml::node& node, std::string_view key,
                            std::string_view expected) {
  sink_->Error(PositionOf(node), where_ + "." + std::string(key) + ": expected " +
                                     std::string(expected) + ", got " +
                                     std::string(TypeName(node)));
}

bool TableReader::String(std::string_view key, Located<std::string>* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  if (!node->is_string()) {
    TypeError(*node, key, "a string");
    return false;
  }
  out->value = node->as_string()->get();
  out->position = PositionOf(*node);
  return true;
}

bool TableReader::String(std::string_view key, std::string* out) {
  Located<std::string> located;
  if (!String(key, &located)) return false;
  *out = std::move(located.value);
  return true;
}

bool TableReader::Integer(std::string_view key, Located<int64_t>* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  if (!node->is_integer()) {
    TypeError(*node, key, "an integer");
    return false;
  }
  out->value = node->as_integer()->get();
  out->position = PositionOf(*node);
  return true;
}

bool TableReader::Bool(std::string_view key, bool* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  if (!node->is_boolean()) {
    TypeError(*node, key, "true or false");
    return false;
  }
  *out = node->as_boolean()->get();
  return true;
}

bool TableReader::StringList(std::string_view key, std::vector<Located<std::string>>* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    TypeError(*node, key, "an array of strings");
    return false;
  }
  bool ok = true;
  for (const toml::node& element : *array) {
    if (!element.is_string()) {
      TypeError(element, key, "a string in the array");
      ok = false;
      continue;
    }
    out->push_back({element.as_string()->get(), PositionOf(element)});
  }
  return ok;
}

bool TableReader::DateTime(std::string_view key, int64_t* unix_seconds) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  const toml::value<toml::date_time>* value = node->as_date_time();
  if (value == nullptr || !value->get().offset.has_value()) {
    TypeError(*node, key, "a date-time with a UTC offset (2026-09-01T00:00:00Z)");
    return false;
  }
  const toml::date_time& dt = value->get();
  int64_t days = DaysFromCivil(dt.date.year, dt.date.month, dt.date.day);
  *unix_seconds = days * 86400 + dt.time.hour * 3600 + dt.time.minute * 60 + dt.time.second -
                  int64_t{dt.offset->minutes} * 60;
  return true;
}

const toml::table* TableReader::Table(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) {
    TypeError(*node, key, "a table");
    return nullptr;
  }
  return node->as_table();
}

const toml::array* TableReader::TableArray(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return nullptr;
  const toml::array* array = node->as_array();
  if (array != nullptr && array->empty()) return array;
  if (array == nullptr || !array->is_array_of_tables()) {
    TypeError(*node, key, "an array of tables ([[" + std::string(key) + "]])");
    return nullptr;
  }
  return array;
}

void TableReader::Finish() {
  for (const auto& [key, node] : table_) {
    if (std::find(used_.begin(), used_.end(), key.str()) != used_.end()) continue;
    sink_->Error(PositionOf(key), where_ + ": unknown key \"" + std::string(key.str()) + "\"");
  }
}

}  // namespace keystorm::policy::internal
