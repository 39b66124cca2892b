// keystorm store export|import|stats --db DIR: the RocksDB store's offline
// tools (docs/storage_format.md).
//
//   export  JSON lines of every user, credential and consumed challenge, from
//           one snapshot (read-only open: safe next to a running service).
//   import  reads such lines into a store (create it fresh; each batch of
//           lines is one synced write; a refused line stops the import).
//   stats   sizes per column family, WAL, block cache; --exact counts every
//           key; --check walks the integrity of every record and index.
//
// Exit status 1 on any failure, with the Status on stderr.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "keystorm/json_writer.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/store_export.h"

namespace keystorm::cli {
namespace {

std::unique_ptr<storage::RocksCredentialStore> OpenStore(const std::string& db, bool read_only,
                                                         bool create, int* exit_code) {
  storage::StoreConfig config;
  config.path = db;
  config.read_only = read_only;
  config.create_if_missing = create;
  config.challenge_sweep_interval_ms = 0;  // a tool run leaves cleaning to the service
  auto store = storage::RocksCredentialStore::Open(config);
  if (!store) {
    std::cerr << "store " << db << ": " << store.error().ToString() << "\n";
    *exit_code = 1;
    return nullptr;
  }
  return std::move(store.value());
}

void PrintStats(const storage::StoreStats& s, const storage::IntegrityReport* integrity) {
  JsonWriter w;
  // clang-format off
  w.BeginObject()
      .Key("format_version").Uint(s.format_version)
      .Key("challenge_horizon_ms").Int(s.challenge_horizon_ms)
      .Key("exact_counts").Bool(s.exact_counts)
      .Key("families").BeginArray();
  uint64_t sst = 0;
  for (const storage::ColumnFamilyStats& f : s.families) {
    sst += f.sst_bytes;
    w.BeginObject()
        .Key("name").String(f.name)
        .Key("estimated_keys").Uint(f.estimated_keys);
    if (s.exact_counts) w.Key("keys").Uint(f.exact_keys);
    w.Key("sst_bytes").Uint(f.sst_bytes)
        .Key("memtable_bytes").Uint(f.memtable_bytes)
        .EndObject();
  }
  w.EndArray()
      .Key("sst_bytes").Uint(sst)
      .Key("live_wal_bytes").Uint(s.live_wal_bytes)
      .Key("block_cache_usage_bytes").Uint(s.block_cache_usage_bytes)
      .Key("block_cache_capacity_bytes").Uint(s.block_cache_capacity_bytes);
  if (integrity != nullptr) {
    w.Key("integrity").BeginObject()
        .Key("ok").Bool(true)
        .Key("credentials").Uint(integrity->credentials)
        .Key("user_credential_entries").Uint(integrity->user_credential_entries)
        .Key("users").Uint(integrity->users)
        .Key("consumed_challenges").Uint(integrity->consumed_challenges)
        .EndObject();
  }
  w.EndObject();
  // clang-format on
  std::cout << w.str() << "\n";
}

}  // namespace

void AddStoreCommand(CLI::App* app, int* exit_code) {
  auto* store = app->add_subcommand("store", "The RocksDB credential store: export, import, stats");
  store->require_subcommand(1);
  static std::string db;

  auto* export_cmd = store->add_subcommand("export", "Write the store as JSON lines");
  static std::string out_path;
  export_cmd->add_option("--db", db, "Store directory")->required();
  export_cmd->add_option("--out", out_path, "Output file (default: stdout)");
  export_cmd->callback([exit_code] {
    auto s = OpenStore(db, /*read_only=*/true, /*create=*/false, exit_code);
    if (!s) return;
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!out_path.empty()) {
      file.open(out_path, std::ios::binary | std::ios::trunc);
      out = &file;
    }
    storage::DumpCounts counts;
    Status st = storage::ExportJsonLines(s.get(), out, &counts);
    if (!st.ok()) {
      std::cerr << "store export: " << st.ToString() << "\n";
      *exit_code = 1;
      return;
    }
    std::cerr << "exported " << counts.users << " users, " << counts.credentials << " credentials, "
              << counts.consumed_challenges << " consumed challenges\n";
  });

  auto* import_cmd = store->add_subcommand("import", "Read JSON lines into a store");
  static std::string in_path;
  static size_t batch_lines = 1000;
  import_cmd->add_option("--db", db, "Store directory (created if missing)")->required();
  import_cmd->add_option("--in", in_path, "Input file (default: stdin)");
  import_cmd->add_option("--batch", batch_lines, "Lines per synced write");
  import_cmd->callback([exit_code] {
    auto s = OpenStore(db, /*read_only=*/false, /*create=*/true, exit_code);
    if (!s) return;
    std::ifstream file;
    std::istream* in = &std::cin;
    if (!in_path.empty()) {
      file.open(in_path, std::ios::binary);
      if (!file) {
        std::cerr << "store import: cannot read " << in_path << "\n";
        *exit_code = 1;
        return;
      }
      in = &file;
    }
    storage::DumpCounts counts;
    Status st = storage::ImportJsonLines(in, s.get(), batch_lines, &counts);
    std::cerr << "imported " << counts.users << " users, " << counts.credentials << " credentials, "
              << counts.consumed_challenges << " consumed challenges\n";
    if (!st.ok()) {
      std::cerr << "store import: " << st.ToString() << "\n";
      *exit_code = 1;
    }
  });

  auto* stats_cmd = store->add_subcommand("stats", "Sizes and counts of a store (JSON)");
  static bool exact = false;
  static bool check = false;
  stats_cmd->add_option("--db", db, "Store directory")->required();
  stats_cmd->add_flag("--exact", exact, "Count every key (walks the store)");
  stats_cmd->add_flag("--check", check, "Also check every record and index (walks the store)");
  stats_cmd->callback([exit_code] {
    auto s = OpenStore(db, /*read_only=*/true, /*create=*/false, exit_code);
    if (!s) return;
    storage::StoreStats stats;
    Status st = s->GetStats(exact, &stats);
    storage::IntegrityReport report;
    if (st.ok() && check) st = s->CheckIntegrity(&report);
    if (!st.ok()) {
      std::cerr << "store stats: " << st.ToString() << "\n";
      *exit_code = 1;
      return;
    }
    PrintStats(stats, check ? &report : nullptr);
  });
}

}  // namespace keystorm::cli
