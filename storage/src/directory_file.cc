#include "keystorm/storage/directory_file.h"

#include <simdjson.h>

#include <map>
#include <set>

#include "keystorm/json_writer.h"
#include "keystorm/storage/directory_codec.h"

namespace keystorm::storage {
namespace {

// ---- JSON lines ----

// One JSON object into *user; the message of the first problem, or "".
std::string ParseJsonUser(simdjson::dom::parser* parser, std::string_view line,
                          DirectoryUser* user) {
  simdjson::dom::object object;
  if (parser->parse(line.data(), line.size()).get_object().get(object) != simdjson::SUCCESS) {
    return "not a JSON object";
  }
  std::set<std::string_view> seen;
  bool has_name = false;
  for (auto field : object) {
    std::string_view key = field.key;
    if (!seen.insert(key).second) return "member \"" + std::string(key) + "\" appears twice";
    std::string_view text;
    if (key == "name" || key == "display_name" || key == "email") {
      if (field.value.get_string().get(text) != simdjson::SUCCESS) {
        return "\"" + std::string(key) + "\" must be a string";
      }
      if (key == "name") {
        user->name = std::string(text);
        has_name = true;
      } else if (key == "display_name") {
        user->display_name = std::string(text);
      } else {
        user->email = std::string(text);
      }
    } else if (key == "groups") {
      simdjson::dom::array groups;
      if (field.value.get_array().get(groups) != simdjson::SUCCESS) {
        return "\"groups\" must be an array of strings";
      }
      for (auto group : groups) {
        if (group.get_string().get(text) != simdjson::SUCCESS) {
          return "\"groups\" must be an array of strings";
        }
        user->groups.emplace_back(text);
      }
    } else if (key == "attributes") {
      simdjson::dom::object attributes;
      if (field.value.get_object().get(attributes) != simdjson::SUCCESS) {
        return "\"attributes\" must be an object";
      }
      for (auto attribute : attributes) {
        std::string name(attribute.key);
        if (attribute.value.get_string().get(text) == simdjson::SUCCESS) {
          user->attributes.emplace_back(name, std::string(text));
          continue;
        }
        simdjson::dom::array values;
        if (attribute.value.get_array().get(values) != simdjson::SUCCESS) {
          return "attribute \"" + name + "\" must be a string or an array of strings";
        }
        for (auto value : values) {
          if (value.get_string().get(text) != simdjson::SUCCESS) {
            return "attribute \"" + name + "\" must be a string or an array of strings";
          }
          user->attributes.emplace_back(name, std::string(text));
        }
      }
    } else {
      return "unknown member \"" + std::string(key) + "\"";
    }
  }
  if (!has_name) return "\"name\" is missing";
  return "";
}

struct Record {
  size_t line = 0;
  std::vector<std::string> fields;
};

// ---- CSV (RFC 4180) ----

// Splits the whole text into records; a malformed quote is an error at the
// line of its record.  Blank lines are skipped.
void SplitCsv(std::string_view text, std::vector<Record>* records,
              std::vector<DirectoryFileError>* errors) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t line = 1;
  size_t i = 0;
  while (i < text.size()) {
    Record record;
    record.line = line;
    std::string field;
    bool in_quotes = false;
    bool field_was_quoted = false;
    bool bad = false;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line;
          field.push_back(c);
        }
        continue;
      }
      if (c == '"' && (!field.empty() || field_was_quoted)) {
        bad = true;  // a quote inside a bare field, or after a closing one
        field.push_back(c);
      } else if (c == '"') {
        in_quotes = true;
        field_was_quoted = true;
      } else if (c == ',') {
        record.fields.push_back(std::move(field));
        field.clear();
        field_was_quoted = false;
      } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        // CRLF: the LF ends the record.
      } else if (c == '\n') {
        ++i;
        ++line;
        break;
      } else {
        if (field_was_quoted) bad = true;  // text after a closing quote
        field.push_back(c);
      }
    }
    if (in_quotes) {
      errors->push_back({record.line, "a quoted field is not closed"});
      return;
    }
    record.fields.push_back(std::move(field));
    if (bad) {
      errors->push_back({record.line, "a quote in the middle of a field (RFC 4180)"});
      continue;
    }
    if (record.fields.size() == 1 && record.fields[0].empty()) continue;  // blank line
    records->push_back(std::move(record));
  }
}

void ParseCsv(std::string_view text, std::vector<DirectoryUser>* users, std::vector<size_t>* lines,
              std::vector<DirectoryFileError>* errors) {
  std::vector<Record> records;
  SplitCsv(text, &records, errors);
  if (records.empty()) {
    if (errors->empty()) errors->push_back({1, "no header row"});
    return;
  }
  const Record& header = records.front();
  enum Column { kName, kDisplayName, kEmail, kGroups, kAttribute };
  std::vector<Column> columns;
  std::set<std::string_view> fixed_seen;
  bool has_name = false;
  for (const std::string& title : header.fields) {
    Column column = kAttribute;
    if (title == "name") column = kName;
    if (title == "display_name") column = kDisplayName;
    if (title == "email") column = kEmail;
    if (title == "groups") column = kGroups;
    if (column != kAttribute && !fixed_seen.insert(title).second) {
      errors->push_back({header.line, "column \"" + title + "\" appears twice"});
    }
    if (column == kAttribute && title.empty()) {
      errors->push_back({header.line, "a column without a name"});
    }
    has_name = has_name || column == kName;
    columns.push_back(column);
  }
  if (!has_name) errors->push_back({header.line, "the header has no \"name\" column"});
  if (!errors->empty() && errors->front().line == header.line) return;

  for (size_t r = 1; r < records.size(); ++r) {
    const Record& record = records[r];
    if (record.fields.size() != columns.size()) {
      errors->push_back({record.line, "has " + std::to_string(record.fields.size()) +
                                          " fields, the header " +
                                          std::to_string(columns.size())});
      continue;
    }
    DirectoryUser user;
    for (size_t c = 0; c < columns.size(); ++c) {
      const std::string& value = record.fields[c];
      switch (columns[c]) {
        case kName: user.name = value; break;
        case kDisplayName: user.display_name = value; break;
        case kEmail: user.email = value; break;
        case kGroups: {
          size_t start = 0;
          while (start <= value.size() && !value.empty()) {
            size_t end = value.find(';', start);
            if (end == std::string::npos) end = value.size();
            std::string group = value.substr(start, end - start);
            // Spaces around a separator are layout, not part of a name.
            while (!group.empty() && group.front() == ' ') group.erase(group.begin());
            while (!group.empty() && group.back() == ' ') group.pop_back();
            if (!group.empty()) user.groups.push_back(std::move(group));
            start = end + 1;
          }
          break;
        }
        case kAttribute:
          if (!value.empty()) user.attributes.emplace_back(header.fields[c], value);
          break;
      }
    }
    users->push_back(std::move(user));
    lines->push_back(record.line);
  }
}

bool SameUser(const DirectoryUser& a, const DirectoryUser& b) {
  return a.name == b.name && a.display_name == b.display_name && a.email == b.email &&
         a.groups == b.groups && a.attributes == b.attributes;
}

}  // namespace

bool ParseDirectoryFileFormat(std::string_view text, DirectoryFileFormat* out) {
  if (text == "jsonl") {
    *out = DirectoryFileFormat::kJsonLines;
    return true;
  }
  if (text == "csv") {
    *out = DirectoryFileFormat::kCsv;
    return true;
  }
  return false;
}

void ParseDirectoryFile(std::string_view text, DirectoryFileFormat format,
                        ParsedDirectoryFile* out) {
  *out = ParsedDirectoryFile();
  std::vector<DirectoryUser> users;
  std::vector<size_t> lines;
  if (format == DirectoryFileFormat::kJsonLines) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // an editor's BOM
    simdjson::dom::parser parser;
    size_t number = 0;
    while (!text.empty()) {
      ++number;
      size_t end = text.find('\n');
      std::string_view line = text.substr(0, end);
      text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      DirectoryUser user;
      std::string error = ParseJsonUser(&parser, line, &user);
      if (!error.empty()) {
        out->errors.push_back({number, std::move(error)});
        continue;
      }
      users.push_back(std::move(user));
      lines.push_back(number);
    }
  } else {
    ParseCsv(text, &users, &lines, &out->errors);
  }

  std::map<std::string, size_t, std::less<>> first_line;
  for (size_t i = 0; i < users.size(); ++i) {
    if (Status s = ValidateDirectoryUser(users[i]); !s.ok()) {
      out->errors.push_back({lines[i], std::string(s.message())});
      continue;
    }
    auto [it, fresh] = first_line.emplace(users[i].name, lines[i]);
    if (!fresh) {
      out->errors.push_back(
          {lines[i], "user " + users[i].name + " is already on line " + std::to_string(it->second)});
      continue;
    }
    CanonicalizeDirectoryUser(&users[i]);
    out->users.push_back(std::move(users[i]));
    out->lines.push_back(lines[i]);
  }
  std::stable_sort(out->errors.begin(), out->errors.end(),
                   [](const DirectoryFileError& a, const DirectoryFileError& b) {
                     return a.line < b.line;
                   });
}

Status ImportDirectoryFile(UserDirectory* directory, std::string_view text,
                           DirectoryFileFormat format, const DirectoryImportOptions& options,
                           DirectoryImportReport* report) {
  *report = DirectoryImportReport();
  ParsedDirectoryFile file;
  ParseDirectoryFile(text, format, &file);
  if (!file.errors.empty()) {
    report->errors = std::move(file.errors);
    return Status::InvalidArgument("directory file: " + std::to_string(report->errors.size()) +
                                   " errors; nothing was written");
  }

  std::set<std::string> named;  // every user the file names, for --replace
  for (const DirectoryUser& user : file.users) named.insert(user.name);
  std::vector<DirectoryUser> upserts;
  for (DirectoryUser& user : file.users) {
    std::optional<DirectoryUser> existing;
    if (Status s = directory->FindByName(user.name, &existing); !s.ok()) return s;
    if (!existing) {
      ++report->created;
    } else if (SameUser(*existing, user)) {
      ++report->unchanged;
      continue;
    } else {
      ++report->updated;
    }
    upserts.push_back(std::move(user));
  }

  std::vector<std::string> removals;
  if (options.replace) {
    std::string after;
    std::vector<DirectoryUser> page;
    do {
      if (Status s = directory->List(after, 1000, &page); !s.ok()) return s;
      for (const DirectoryUser& user : page) {
        if (!named.contains(user.name)) removals.push_back(user.name);
      }
      if (!page.empty()) after = page.back().name;
    } while (!page.empty());
    report->removed = removals.size();
  }

  if (options.dry_run) return Status::Ok();
  if (!upserts.empty() || !removals.empty()) {
    if (Status s = directory->ApplyBatch(upserts, removals); !s.ok()) return s;
  }
  report->applied = true;
  return Status::Ok();
}

std::string DirectoryUserToJson(const DirectoryUser& user) {
  JsonWriter w;
  w.BeginObject().Key("name").String(user.name);
  if (!user.display_name.empty()) w.Key("display_name").String(user.display_name);
  if (!user.email.empty()) w.Key("email").String(user.email);
  w.Key("groups").BeginArray();
  for (const std::string& group : user.groups) w.String(group);
  w.EndArray().Key("attributes").BeginObject();
  // A repeated attribute becomes one array, at the position of its first value.
  std::vector<bool> done(user.attributes.size(), false);
  for (size_t i = 0; i < user.attributes.size(); ++i) {
    if (done[i]) continue;
    const std::string& name = user.attributes[i].first;
    size_t count = 0;
    for (size_t j = i; j < user.attributes.size(); ++j) count += user.attributes[j].first == name;
    w.Key(name);
    if (count == 1) {
      w.String(user.attributes[i].second);
      continue;
    }
    w.BeginArray();
    for (size_t j = i; j < user.attributes.size(); ++j) {
      if (user.attributes[j].first != name) continue;
      w.String(user.attributes[j].second);
      done[j] = true;
    }
    w.EndArray();
  }
  w.EndObject().EndObject();
  return w.str();
}

Status ExportDirectoryJsonLines(UserDirectory* directory, std::ostream* out, size_t* count) {
  if (count != nullptr) *count = 0;
  std::string after;
  std::vector<DirectoryUser> page;
  while (true) {
    if (Status s = directory->List(after, 1000, &page); !s.ok()) return s;
    if (page.empty()) return Status::Ok();
    for (const DirectoryUser& user : page) {
      *out << DirectoryUserToJson(user) << '\n';
      if (!out->good()) return Status::IOError("directory export: write failed");
      if (count != nullptr) ++*count;
    }
    after = page.back().name;
  }
}

}  // namespace keystorm::storage
