#pragma once
// The run store: every test's record (identity, verdict, stats, monitor
// summary, host context) in one SQLite database shared by all ktstr
// processes of a user. See /README.md "Run records" and the record shape in
// record.hpp.
//
// Concurrency: WAL mode, a busy timeout and BEGIN IMMEDIATE transactions,
// so several processes (parallel `ktstr run`s, KTSTR_TEST binaries under
// `ctest -j`) append at once without losing records or failing with
// SQLITE_BUSY. One RunStore object is safe to use from several threads (an
// internal mutex serialises its statements).
//
// Safety: a file that is not a ktstr run store (random bytes, a text file,
// a truncated database, another program's database) or a store written by
// a newer ktstr (schema version above kSchemaVersion) is refused with an
// Error (exit 2) before anything is written to it.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/record.hpp"
#include "store/selector.hpp"

namespace ktstr::store {

// PRAGMA user_version of the schema this build writes and reads.
inline constexpr int kSchemaVersion = 1;

// One run, as `stats list` shows it.
struct RunInfo {
  std::string run_id;
  std::string started;   // UTC ISO-8601, e.g. "2026-11-30T14:05:12Z"
  std::string ended;     // "" while the run is still going (or it died)
  std::string command;   // the command line that made it
  nlohmann::json host;   // {"hostname","cpus","load1","ktstr"}
  int passed = 0, failed = 0, skipped = 0;
  // Distinct values over the run's records, sorted.
  std::vector<std::string> schedulers, kernels, commits, topologies;
  int total() const { return passed + failed + skipped; }
  nlohmann::json to_json() const;
};

// What prune() keeps: the newest keep_runs runs, none older than max_age
// (0 disables either rule). The run being recorded is never removed.
struct PrunePolicy {
  size_t keep_runs = 200;
  std::chrono::hours max_age = std::chrono::hours(24 * 90);
};

struct PruneResult {
  size_t runs_removed = 0;
  size_t records_removed = 0;
  std::vector<std::string> removed_run_ids;  // for deleting their runs/<id>.json
};

class RunStore {
 public:
  // Creates the file (and its directory) if missing. Error (exit 2) if the
  // path cannot be created or written, or is not a ktstr store (see above).
  static RunStore open_for_writing(const std::filesystem::path& path);
  // Error "no run store at PATH — `ktstr run` records every run there" if
  // missing; never creates or modifies the database.
  static RunStore open_read_only(const std::filesystem::path& path);

  RunStore(RunStore&&) noexcept;
  RunStore& operator=(RunStore&&) noexcept;
  ~RunStore();

  const std::filesystem::path& path() const;
  // Directory for per-run JSON files: <dir of the db>/runs/.
  std::filesystem::path runs_dir() const;

  // Starts a run; returns its new, unique run_id ("20261130-140512-3f9a").
  std::string begin_run(const std::string& command, const nlohmann::json& host);
  // Marks the run ended (stats list shows unfinished runs as such).
  void end_run(const std::string& run_id);
  // Appends one record to a run begun with begin_run; returns its id.
  // r.run_id is ignored (the argument wins).
  int64_t append(const std::string& run_id, const Record& r);

  // Newest first; limit 0 = all.
  std::vector<RunInfo> list_runs(size_t limit = 0) const;
  std::optional<RunInfo> latest_run() const;
  // A run by reference: a run id, a unique prefix of one, "latest" or
  // "latest~N" (N runs before the latest). Error (exit 2) naming the store
  // if there is no such run.
  RunInfo run(const std::string& ref) const;
  std::string resolve_run_id(const std::string& ref) const;
  // Records of one run (by reference, as above), in append order, as JSON
  // of the contract shape (record.hpp).
  std::vector<nlohmann::json> records_of(const std::string& ref) const;
  // Records matching every term of the selector, oldest first. Error (exit
  // 2) for an unknown run reference inside it.
  std::vector<nlohmann::json> select(const Selector& s) const;

  PruneResult prune(const PrunePolicy& p, const std::string& keep_run_id = "");

 private:
  struct Impl;
  explicit RunStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ktstr::store
