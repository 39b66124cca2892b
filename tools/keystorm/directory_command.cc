// keystorm directory import|export|show --db DIR: the user directory of a
// RocksDB store (docs/directory.md).
//
//   import FILE  JSON lines or CSV (--format, default from the extension);
//                validates the whole file first and writes it as one atomic
//                batch, or nothing; reports created/updated/unchanged/removed
//                and every error with its line number.  --replace removes
//                users the file does not name; --dry-run writes nothing;
//                --mapping POLICY.toml checks the policy compiles and counts
//                the users its [[group_mapping]] gives groups.
//   export       JSON lines, in name order (--out FILE, default stdout).
//   show NAME    one user as JSON; with --policy, also the groups after the
//                policy's mapping and the login decision.
//
// Exit status: 0 on success, 1 on a failure (nothing written), 2 when the
// user to show does not exist.
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "keystorm/json_writer.h"
#include "keystorm/policy/directory_input.h"
#include "keystorm/policy/explain.h"
#include "keystorm/policy/policy.h"
#include "keystorm/read_file.h"
#include "keystorm/storage/directory_file.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/rocks_user_directory.h"

namespace keystorm::cli {
namespace {

std::unique_ptr<storage::RocksCredentialStore> OpenDirectoryStore(const std::string& db,
                                                                  bool read_only) {
  storage::StoreConfig config;
  config.path = db;
  config.read_only = read_only;
  config.create_if_missing = !read_only;
  config.challenge_sweep_interval_ms = 0;
  auto store = storage::RocksCredentialStore::Open(config);
  if (!store) {
    std::cerr << "store " << db << ": " << store.error().ToString() << "\n";
    return nullptr;
  }
  return std::move(store.value());
}

std::shared_ptr<const policy::CompiledPolicy> LoadPolicyFile(const std::string& path) {
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) {
    std::cerr << "policy " << path << ": cannot read\n";
    return nullptr;
  }
  auto loaded = policy::LoadPolicy(*text, 1, nullptr);
  if (!loaded) {
    std::cerr << "policy " << path << ": " << loaded.error().ToString() << "\n";
    return nullptr;
  }
  return loaded.value();
}

// The groups `policy` gives the user: imported plus mapped, sorted.
std::vector<std::string> EffectiveGroups(const policy::CompiledPolicy& policy,
                                         const DirectoryUser& user, int64_t now) {
  policy::DirectoryPolicyInput input(user);
  auto explained = policy::Explain(policy, input.Get(now));
  return explained ? explained.value().groups : user.groups;
}

int Import(const std::string& db, const std::string& path, std::string format_name, bool replace,
           bool dry_run, const std::string& mapping) {
  storage::DirectoryFileFormat format;
  if (format_name.empty()) {
    format_name = path.size() >= 4 && path.substr(path.size() - 4) == ".csv" ? "csv" : "jsonl";
  }
  if (!storage::ParseDirectoryFileFormat(format_name, &format)) {
    std::cerr << "directory import: --format must be jsonl or csv\n";
    return 1;
  }
  std::shared_ptr<const policy::CompiledPolicy> policy;
  if (!mapping.empty() && !(policy = LoadPolicyFile(mapping))) return 1;
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) {
    std::cerr << "directory import: cannot read " << path << "\n";
    return 1;
  }
  auto store = OpenDirectoryStore(db, /*read_only=*/dry_run);
  if (!store) return 1;
  storage::RocksUserDirectory directory(store.get());
  storage::DirectoryImportOptions options;
  options.replace = replace;
  options.dry_run = dry_run;
  storage::DirectoryImportReport report;
  Status s = storage::ImportDirectoryFile(&directory, *text, format, options, &report);
  for (const storage::DirectoryFileError& e : report.errors) {
    std::cerr << path << ":" << e.line << ": " << e.message << "\n";
  }
  if (!s.ok()) {
    std::cerr << "directory import: " << s.ToString() << "\n";
    return 1;
  }
  JsonWriter w;
  w.BeginObject()
      .Key("created").Uint(report.created)
      .Key("updated").Uint(report.updated)
      .Key("unchanged").Uint(report.unchanged)
      .Key("removed").Uint(report.removed)
      .Key("applied").Bool(report.applied);
  if (policy) {
    // How many users of the file the policy's mappings give extra groups.
    storage::ParsedDirectoryFile parsed;
    storage::ParseDirectoryFile(*text, format, &parsed);
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    uint64_t mapped = 0;
    for (const DirectoryUser& user : parsed.users) {
      mapped += EffectiveGroups(*policy, user, now) != user.groups;
    }
    w.Key("mapped").Uint(mapped);
  }
  w.EndObject();
  std::cout << w.str() << "\n";
  return 0;
}

int Export(const std::string& db, const std::string& out_path) {
  auto store = OpenDirectoryStore(db, /*read_only=*/true);
  if (!store) return 1;
  storage::RocksUserDirectory directory(store.get());
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!out_path.empty()) {
    file.open(out_path, std::ios::binary | std::ios::trunc);
    out = &file;
  }
  size_t count = 0;
  Status s = storage::ExportDirectoryJsonLines(&directory, out, &count);
  if (!s.ok()) {
    std::cerr << "directory export: " << s.ToString() << "\n";
    return 1;
  }
  std::cerr << "exported " << count << " users\n";
  return 0;
}

int Show(const std::string& db, const std::string& name, const std::string& policy_path) {
  std::shared_ptr<const policy::CompiledPolicy> policy;
  if (!policy_path.empty() && !(policy = LoadPolicyFile(policy_path))) return 1;
  auto store = OpenDirectoryStore(db, /*read_only=*/true);
  if (!store) return 1;
  storage::RocksUserDirectory directory(store.get());
  std::optional<DirectoryUser> user;
  if (Status s = directory.FindByName(name, &user); !s.ok()) {
    std::cerr << "directory show: " << s.ToString() << "\n";
    return 1;
  }
  if (!user) {
    std::cerr << "directory show: no user " << name << "\n";
    return 2;
  }
  std::cout << storage::DirectoryUserToJson(*user) << "\n";
  if (policy) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    policy::DirectoryPolicyInput input(*user);
    policy::Decision d = policy->Decide(input.Get(now));
    JsonWriter w;
    w.BeginObject().Key("effective_groups").BeginArray();
    for (const std::string& g : EffectiveGroups(*policy, *user, now)) w.String(g);
    w.EndArray().Key("rule").String(d.rule_id).Key("action").String(policy::ActionName(d.action));
    w.EndObject();
    std::cout << w.str() << "\n";
  }
  return 0;
}

}  // namespace

void AddDirectoryCommand(CLI::App* app, int* exit_code) {
  auto* directory = app->add_subcommand("directory", "The user directory: import, export, show");
  directory->require_subcommand(1);
  static std::string db, file, format, mapping, out_path, name, policy_path;
  static bool replace = false, dry_run = false;

  auto* import_cmd = directory->add_subcommand("import", "Import users (all or nothing)");
  import_cmd->add_option("FILE", file, "JSON lines or CSV file")->required();
  import_cmd->add_option("--db", db, "Store directory (created if missing)")->required();
  import_cmd->add_option("--format", format, "jsonl or csv (default: from the extension)");
  import_cmd->add_option("--mapping", mapping, "Policy whose [[group_mapping]] to report");
  import_cmd->add_flag("--replace", replace, "Remove users the file does not name");
  import_cmd->add_flag("--dry-run", dry_run, "Report, write nothing");
  import_cmd->callback([exit_code] {
    *exit_code = Import(db, file, format, replace, dry_run, mapping);
  });

  auto* export_cmd = directory->add_subcommand("export", "Write every user as JSON lines");
  export_cmd->add_option("--db", db, "Store directory")->required();
  export_cmd->add_option("--out", out_path, "Output file (default: stdout)");
  export_cmd->callback([exit_code] { *exit_code = Export(db, out_path); });

  auto* show_cmd = directory->add_subcommand("show", "One user; with --policy, its decision");
  show_cmd->add_option("NAME", name, "Login name")->required();
  show_cmd->add_option("--db", db, "Store directory")->required();
  show_cmd->add_option("--policy", policy_path, "Policy file: show mapped groups and decision");
  show_cmd->callback([exit_code] { *exit_code = Show(db, name, policy_path); });
}

}  // namespace keystorm::cli
