#pragma once
// Records one run as its tests finish: the store rows (RunStore::append)
// and, at the end, runs/<run_id>.json next to the database (all records of
// the run), then prunes by the policy. Used by `ktstr run` and KTSTR_TEST
// binaries.
//
// Failure policy: with an explicit store path (--store) a store that cannot
// be opened for writing is an Error (exit 2) from start(), before any test
// runs. With the default or $KTSTR_STORE path the run goes on: one warning,
// nothing recorded, and the exit code stays the tests' verdict.
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "store/record.hpp"
#include "store/run_store.hpp"

namespace ktstr::store {

struct RecorderOptions {
  std::filesystem::path path;  // store_path(...)
  bool explicit_path = false;  // --store given: failure to open is an Error
  std::string command;         // the command line to show in `stats list`
  PrunePolicy prune;
};

struct RecordedRun {
  std::string run_id;
  std::filesystem::path store;   // the database
  std::filesystem::path json;    // runs/<run_id>.json ("" if it could not be written)
  size_t records = 0;
};

class Recorder {
 public:
  // Opens the store and begins the run (see the failure policy above).
  explicit Recorder(const RecorderOptions& o);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  bool active() const;                 // false after a failure (already warned)
  const std::string& run_id() const;   // "" if not active
  const std::filesystem::path& path() const;

  // Thread-safe (parallel VMs finish on their own threads). Fills run_id
  // and, if empty, started/host/identity.commit. A failure warns once and
  // turns recording off; it never throws.
  void record(Record r);

  // Ends the run, writes runs/<run_id>.json and prunes. Never throws;
  // nullopt if nothing was recorded because the store was unusable.
  std::optional<RecordedRun> finish();

 private:
  void disable(const std::string& why);
  RecorderOptions opts_;
  std::mutex mu_;
  std::optional<RunStore> store_;
  std::string run_id_;
  size_t count_ = 0;
  bool finished_ = false;
};

// The one-line hint `ktstr run` prints after recording.
std::string recorded_hint(const RecordedRun& r);

}  // namespace ktstr::store
