// Directory files: the bulk import and export format of a UserDirectory
// (`keystorm directory import|export`, docs/directory.md).
//
// Two formats, one user per record:
//
//   JSON lines  {"name":"alice","display_name":"Alice A.","email":"a@x.org",
//                "groups":["jira-users"],"attributes":{"department":"R&D",
//                "memberOf":["cn=a,dc=x","cn=b,dc=x"]}}
//               name is required; the other members are optional; an
//               attribute is a string or an array of strings (a repeated
//               attribute); an unknown or repeated member is an error.
//               Blank lines and a leading UTF-8 byte order mark are
//               skipped.  Export writes this format.
//   CSV         RFC 4180 (an LDAP or spreadsheet export): a header row, then
//               one row per user; columns name (required), display_name,
//               email, groups (separated by ';'), and every other column is
//               an attribute of that name (an empty cell: no attribute; a
//               repeated column: a repeated attribute).  Quoted fields may
//               hold commas, quotes ("") and line breaks; CRLF or LF; a
//               leading UTF-8 byte order mark is ignored.
//
// Importing never half-applies a file: the whole file is parsed and every
// user validated first, with every error reported by line number; only a
// file without errors is written, as one UserDirectory::ApplyBatch.  It is
// idempotent: importing the same file again changes nothing and reports
// every user unchanged.
//
// All functions are thread-safe as far as the directory they are given is.
#ifndef KEYSTORM_STORAGE_DIRECTORY_FILE_H_
#define KEYSTORM_STORAGE_DIRECTORY_FILE_H_

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/status.h"
#include "keystorm/user_directory.h"

namespace keystorm::storage {

enum class DirectoryFileFormat : uint8_t { kJsonLines, kCsv };

// "jsonl" or "csv"; false for anything else.
KEYSTORM_EXPORT bool ParseDirectoryFileFormat(std::string_view text, DirectoryFileFormat* out);

// One problem in a file: the 1-based line where the record starts.
struct KEYSTORM_EXPORT DirectoryFileError {
  size_t line = 0;
  std::string message;
};

struct KEYSTORM_EXPORT ParsedDirectoryFile {
  std::vector<DirectoryUser> users;   // in file order, canonical
  std::vector<size_t> lines;          // lines[i]: where users[i] starts
  std::vector<DirectoryFileError> errors;  // every problem, in line order
};

// Parses and validates a whole file: syntax, the limits of
// ValidateDirectoryUser, and a name given twice (both lines named).
KEYSTORM_EXPORT void ParseDirectoryFile(std::string_view text, DirectoryFileFormat format,
                        ParsedDirectoryFile* out);

struct KEYSTORM_EXPORT DirectoryImportOptions {
  // Also remove every user of the directory that the file does not name
  // (the file is the whole directory, as from a full LDAP export).
  bool replace = false;
  // Compute the report, write nothing.
  bool dry_run = false;
};

struct KEYSTORM_EXPORT DirectoryImportReport {
  size_t created = 0;
  size_t updated = 0;
  size_t unchanged = 0;
  size_t removed = 0;  // only with replace
  std::vector<DirectoryFileError> errors;
  bool applied = false;  // the batch was written (false for dry runs, errors)
};

// Parses `text`, compares it with the directory and writes the difference
// in one ApplyBatch.  InvalidArgument (and report->errors) when the file has
// errors: then nothing is written.  Another failure is the directory's.
KEYSTORM_EXPORT Status ImportDirectoryFile(UserDirectory* directory, std::string_view text,
                           DirectoryFileFormat format, const DirectoryImportOptions& options,
                           DirectoryImportReport* report);

// Writes every user as JSON lines, in name order; *count (may be null) is how
// many.  The output imports back to the same directory.
KEYSTORM_EXPORT Status ExportDirectoryJsonLines(UserDirectory* directory, std::ostream* out, size_t* count);

// One user as a JSON object (the JSON-lines format, no newline).
KEYSTORM_EXPORT std::string DirectoryUserToJson(const DirectoryUser& user);

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_DIRECTORY_FILE_H_
