#include "store/recorder.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/log.hpp"

namespace ktstr::store {
namespace fs = std::filesystem;

Recorder::Recorder(const RecorderOptions& o) : opts_(o) {
  try {
    store_.emplace(RunStore::open_for_writing(o.path));
    run_id_ = store_->begin_run(o.command, host_context());
  } catch (const Error& e) {
    if (o.explicit_path) throw;
    disable(e.what());
  }
}

Recorder::~Recorder() = default;

bool Recorder::active() const { return store_.has_value(); }
const std::string& Recorder::run_id() const { return run_id_; }
const fs::path& Recorder::path() const { return opts_.path; }

void Recorder::disable(const std::string& why) {
  log::warn("not recording this run: {} (the tests' verdicts are unaffected; KTSTR_RECORD=0 silences this)", why);
  store_.reset();
  run_id_.clear();
}

void Recorder::record(Record r) {
  std::lock_guard lk(mu_);
  if (!store_ || finished_) return;
  if (r.started.empty()) r.started = utc_iso8601();
  if (r.host.empty()) r.host = host_context();
  if (r.identity.commit.empty()) r.identity.commit = build_commit();
  try {
    store_->append(run_id_, r);
    ++count_;
  } catch (const std::exception& e) {
    disable(e.what());
  }
}

std::optional<RecordedRun> Recorder::finish() {
  std::lock_guard lk(mu_);
  if (!store_ || finished_) return std::nullopt;
  finished_ = true;
  RecordedRun out;
  out.run_id = run_id_;
  out.store = opts_.path;
  out.records = count_;
  try {
    store_->end_run(run_id_);
    nlohmann::json doc{{"run", store_->run(run_id_).to_json()}};
    nlohmann::json recs = nlohmann::json::array();
    for (auto& r : store_->records_of(run_id_)) recs.push_back(std::move(r));
    doc["records"] = std::move(recs);
    fs::path dir = store_->runs_dir();
    fs::create_directories(dir);
    out.json = dir / (run_id_ + ".json");
    write_file_atomic(out.json, doc.dump(1));
  } catch (const std::exception& e) {
    log::warn("run {} recorded in {}, but its JSON file could not be written: {}", run_id_, opts_.path.string(),
              e.what());
    out.json.clear();
  }
  try {
    auto pr = store_->prune(opts_.prune, run_id_);
    std::error_code ec;
    for (const auto& id : pr.removed_run_ids) fs::remove(store_->runs_dir() / (id + ".json"), ec);
    if (pr.runs_removed)
      log::debug("pruned {} old run(s) ({} records) from {}", pr.runs_removed, pr.records_removed,
                 opts_.path.string());
  } catch (const std::exception& e) {
    log::warn("could not prune old runs from {}: {}", opts_.path.string(), e.what());
  }
  return out;
}

std::string recorded_hint(const RecordedRun& r) {
  return fmt::format("recorded run {} ({} test{}) in {} — ktstr stats list / ktstr report {} -o report.html", r.run_id,
                     r.records, r.records == 1 ? "" : "s", r.store.string(), r.run_id);
}

}  // namespace ktstr::store
