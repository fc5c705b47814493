#include "store/run_store.hpp"

#include <algorithm>
#include <mutex>
#include <random>
#include <thread>

#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/store_file.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::store {
namespace fs = std::filesystem;

namespace {

// Long enough for another process's whole prune or a burst of appends by
// many parallel writers; short enough that a stuck lock ends in an error.
constexpr int kBusyTimeoutMs = 60'000;

std::vector<std::string> split_sorted(const std::string& s) {
  std::vector<std::string> v;
  if (s.empty()) return v;
  for (auto& p : split(s, ',')) v.push_back(p);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

nlohmann::json parse_json_column(const sql::Db& db, const std::string& text, const char* what) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) fail("run store {} is corrupt: a record's {} is not JSON", db.path().string(), what);
  return j;
}

std::string new_run_id() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  auto now = std::chrono::system_clock::now();
  std::time_t tt = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return fmt::format("{}-{:04x}", buf, rng() & 0xffff);
}

const char* kRecordColumns =
    "id, run_id, started, test, variant, topology, scheduler, flags, kernel, vmm, commit_id, work_type, verdict, "
    "seconds, result, host";

nlohmann::json record_from_row(const sql::Db& db, const sql::Stmt& s) {
  Record r;
  r.id = s.integer(0);
  r.run_id = s.text(1);
  r.started = s.text(2);
  int col = 3;
  for (const auto& f : Identity::fields()) r.identity.get(f) = s.text(col++);
  r.verdict = s.text(12);
  r.seconds = s.real(13);
  r.result = parse_json_column(db, s.text(14), "result");
  r.host = parse_json_column(db, s.text(15), "host");
  return r.to_json();
}

}  // namespace

nlohmann::json RunInfo::to_json() const {
  return {{"run_id", run_id},   {"started", started},     {"ended", ended},           {"command", command},
          {"host", host},       {"passed", passed},       {"failed", failed},         {"skipped", skipped},
          {"total", total()},   {"schedulers", schedulers}, {"kernels", kernels},     {"commits", commits},
          {"topologies", topologies}};
}

struct RunStore::Impl {
  fs::path path;
  std::unique_ptr<sql::Db> db;
  mutable std::mutex mu;

  int user_version() {
    sql::Stmt s(*db, "PRAGMA user_version");
    s.step();
    return static_cast<int>(s.integer(0));
  }
  int64_t table_count() {
    sql::Stmt s(*db, "SELECT count(*) FROM sqlite_master");
    s.step();
    return s.integer(0);
  }
  // Refuses what is not a store of a version we understand. Returns false
  // for a blank database (no tables, version 0).
  bool validate() {
    int v = 0;
    int64_t tables = 0;
    try {
      // One statement, one read transaction: another process creating the
      // schema meanwhile is seen either wholly or not at all.
      sql::Stmt s(*db, "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)");
      s.step();
      v = static_cast<int>(s.integer(0));
      tables = s.integer(1);
    } catch (const Error& e) {
      fail("{} is not a ktstr run store or is corrupt ({}); refusing to touch it", path.string(), e.what());
    }
    if (v > kSchemaVersion)
      fail("run store {} has schema version {}, newer than this ktstr understands ({}); refusing to touch it — use "
           "a newer ktstr or another --store",
           path.string(), v, kSchemaVersion);
    if (v == 0 && tables > 0)
      fail("{} is an SQLite database but not a ktstr run store; refusing to touch it", path.string());
    if (v < 0) fail("run store {} has an invalid schema version {}", path.string(), v);
    return v != 0;
  }
  void set_wal() {
    // Changing the journal mode needs an exclusive lock; the busy handler
    // does not always wait for it, so retry a while ourselves.
    for (int i = 0;; ++i) {
      try {
        sql::Stmt s(*db, "PRAGMA journal_mode=WAL");
        s.step();
        if (s.text(0) != "wal") fail("run store {}: cannot switch to WAL mode (got '{}')", path.string(), s.text(0));
        return;
      } catch (const Error&) {
        if (i >= 600) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  void create_schema() {
    sql::WriteTxn t(*db);
    if (user_version() == 0) {  // not created by another process meanwhile
      if (table_count() > 0) fail("{} is an SQLite database but not a ktstr run store", path.string());
      db->exec(kCreateSchema);
      db->exec(fmt::format("PRAGMA user_version={}", kSchemaVersion).c_str());
    }
    t.commit();
  }
};

RunStore::RunStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;
RunStore::~RunStore() = default;

RunStore RunStore::open_for_writing(const fs::path& path) {
  auto state = check_store_file(path);
  if (state == StoreFileState::Missing) {
    std::error_code ec;
    fs::path dir = path.parent_path();
    if (!dir.empty()) {
      fs::create_directories(dir, ec);
      if (ec) fail("cannot create the run store's directory {}: {}", dir.string(), ec.message());
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->db = std::make_unique<sql::Db>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3_busy_timeout(impl->db->get(), kBusyTimeoutMs);
  bool ready = impl->validate();
  // SQLite falls back to read-only when the file is not writable.
  if (sqlite3_db_readonly(impl->db->get(), "main") == 1)
    fail("run store {} is not writable (permissions)", path.string());
  impl->set_wal();
  // NORMAL is durable in WAL mode except for the last commits on power loss.
  impl->db->exec("PRAGMA synchronous=NORMAL");
  if (!ready) impl->create_schema();
  return RunStore(std::move(impl));
}

RunStore RunStore::open_read_only(const fs::path& path) {
  auto state = check_store_file(path);
  if (state != StoreFileState::Database)
    fail("no run store at {} — `ktstr run` records every run there (or pass --store / set KTSTR_STORE)",
         path.string());
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->db = std::make_unique<sql::Db>(path, SQLITE_OPEN_READONLY);
  sqlite3_busy_timeout(impl->db->get(), kBusyTimeoutMs);
  if (!impl->validate())
    fail("no run store at {} (an empty database) — `ktstr run` records every run there", path.string());
  return RunStore(std::move(impl));
}

const fs::path& RunStore::path() const { return impl_->path; }

fs::path RunStore::runs_dir() const { return impl_->path.parent_path() / "runs"; }

std::string RunStore::begin_run(const std::string& command, const nlohmann::json& host) {
  std::lock_guard lk(impl_->mu);
  auto& db = *impl_->db;
  for (int attempt = 0;; ++attempt) {
    std::string id = new_run_id();
    auto now = std::chrono::system_clock::now();
    sql::WriteTxn t(db);
    sql::Stmt exists(db, "SELECT 1 FROM runs WHERE run_id=?");
    exists.bind(1, id);
    if (exists.step()) {
      if (attempt > 100) fail("run store {}: cannot find a free run id", impl_->path.string());
      continue;  // another run began in the same second with the same suffix
    }
    sql::Stmt s(db, "INSERT INTO runs(run_id, started, started_unix, command, host) VALUES(?,?,?,?,?)");
    s.bind(1, id)
        .bind(2, utc_iso8601(now))
        .bind(3, int64_t(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()))
        .bind(4, command)
        .bind(5, host.dump());
    s.step();
    t.commit();
    return id;
  }
}

void RunStore::end_run(const std::string& run_id) {
  std::lock_guard lk(impl_->mu);
  sql::WriteTxn t(*impl_->db);
  sql::Stmt s(*impl_->db, "UPDATE runs SET ended=? WHERE run_id=?");
  s.bind(1, utc_iso8601()).bind(2, run_id);
  s.step();
  t.commit();
}

int64_t RunStore::append(const std::string& run_id, const Record& r) {
  if (r.verdict != "PASS" && r.verdict != "FAIL" && r.verdict != "SKIP")
    fail("record verdict '{}' is not PASS, FAIL or SKIP", r.verdict);
  std::lock_guard lk(impl_->mu);
  auto& db = *impl_->db;
  sql::WriteTxn t(db);
  {
    sql::Stmt known(db, "SELECT 1 FROM runs WHERE run_id=?");
    known.bind(1, run_id);
    if (!known.step()) fail("run store {}: no run '{}' to append to", impl_->path.string(), run_id);
  }
  sql::Stmt s(db,
              "INSERT INTO records(run_id, started, test, variant, topology, scheduler, flags, kernel, vmm, "
              "commit_id, work_type, verdict, seconds, result, host) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, run_id).bind(2, r.started.empty() ? utc_iso8601() : r.started);
  int i = 3;
  for (const auto& f : Identity::fields()) s.bind(i++, r.identity.get(f));
  s.bind(i, r.verdict).bind(i + 1, r.seconds).bind(i + 2, r.result.dump()).bind(i + 3, r.host.dump());
  s.step();
  int64_t id = db.last_insert_rowid();
  t.commit();
  return id;
}

std::vector<RunInfo> RunStore::list_runs(size_t limit) const {
  std::lock_guard lk(impl_->mu);
  sql::Stmt s(*impl_->db,
              "SELECT r.run_id, r.started, r.ended, r.command, r.host, "
              "coalesce(sum(c.verdict='PASS'),0), coalesce(sum(c.verdict='FAIL'),0), coalesce(sum(c.verdict='SKIP'),0), "
              "coalesce(group_concat(DISTINCT c.scheduler),''), coalesce(group_concat(DISTINCT c.kernel),''), "
              "coalesce(group_concat(DISTINCT c.commit_id),''), coalesce(group_concat(DISTINCT c.topology),'') "
              "FROM runs r LEFT JOIN records c ON c.run_id = r.run_id GROUP BY r.seq ORDER BY r.seq DESC LIMIT ?");
  s.bind(1, limit ? int64_t(limit) : int64_t(-1));
  std::vector<RunInfo> out;
  while (s.step()) {
    RunInfo ri;
    ri.run_id = s.text(0);
    ri.started = s.text(1);
    ri.ended = s.text(2);
    ri.command = s.text(3);
    ri.host = parse_json_column(*impl_->db, s.text(4), "host");
    ri.passed = int(s.integer(5));
    ri.failed = int(s.integer(6));
    ri.skipped = int(s.integer(7));
    ri.schedulers = split_sorted(s.text(8));
    ri.kernels = split_sorted(s.text(9));
    ri.commits = split_sorted(s.text(10));
    ri.topologies = split_sorted(s.text(11));
    out.push_back(std::move(ri));
  }
  return out;
}

std::optional<RunInfo> RunStore::latest_run() const {
  auto v = list_runs(1);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::string RunStore::resolve_run_id(const std::string& ref) const {
  std::lock_guard lk(impl_->mu);
  auto& db = *impl_->db;
  const std::string& p = impl_->path.string();
  if (ref.empty()) fail("an empty run reference (a run id, latest or latest~N)");
  if (ref == "latest" || ref.rfind("latest~", 0) == 0) {
    int64_t back = 0;
    if (ref != "latest") {
      std::string n = ref.substr(7);
      if (n.empty() || n.size() > 9 || n.find_first_not_of("0123456789") != std::string::npos)
        fail("bad run reference '{}' (latest~N takes a number)", ref);
      back = std::stoll(n);
    }
    sql::Stmt s(db, "SELECT run_id FROM runs ORDER BY seq DESC LIMIT 1 OFFSET ?");
    s.bind(1, back);
    if (s.step()) return s.text(0);
    sql::Stmt c(db, "SELECT count(*) FROM runs");
    c.step();
    if (c.integer(0) == 0) fail("the run store {} has no runs yet — `ktstr run` records them", p);
    fail("no run '{}' in the run store {}: it holds only {} run(s)", ref, p, c.integer(0));
  }
  sql::Stmt s(db, "SELECT run_id FROM runs WHERE substr(run_id, 1, length(?1)) = ?1 ORDER BY seq DESC LIMIT 3");
  s.bind(1, ref);
  std::vector<std::string> found;
  while (s.step()) found.push_back(s.text(0));
  for (const auto& f : found)
    if (f == ref) return f;
  if (found.empty()) fail("no run '{}' in the run store {} (`ktstr stats list` shows the runs)", ref, p);
  if (found.size() > 1) fail("run reference '{}' is ambiguous in {}: {}, {}...", ref, p, found[0], found[1]);
  return found.front();
}

RunInfo RunStore::run(const std::string& ref) const {
  std::string id = resolve_run_id(ref);
  for (auto& r : list_runs(0))
    if (r.run_id == id) return r;
  fail("no run '{}' in the run store {}", ref, impl_->path.string());
}

std::vector<nlohmann::json> RunStore::records_of(const std::string& ref) const {
  Selector s;
  s.text = "run=" + ref;
  s.terms.emplace_back("run", ref);
  return select(s);
}

std::vector<nlohmann::json> RunStore::select(const Selector& sel) const {
  std::vector<std::pair<std::string, std::string>> where;  // (sql, value)
  for (const auto& [dim, val] : sel.terms) {
    if (dim == "run") {
      where.emplace_back("run_id = ?", resolve_run_id(val));
    } else if (dim == "verdict") {
      std::string v = val;
      std::transform(v.begin(), v.end(), v.begin(), ::toupper);
      where.emplace_back("verdict = ?", v);
    } else {
      Identity{}.get(dim);  // Error for an unknown dimension
      where.emplace_back(identity_column(dim) + " = ?", val);
    }
  }
  std::string q = fmt::format("SELECT {} FROM records", kRecordColumns);
  for (size_t i = 0; i < where.size(); ++i) q += (i ? " AND " : " WHERE ") + where[i].first;
  q += " ORDER BY id";
  std::lock_guard lk(impl_->mu);
  sql::Stmt s(*impl_->db, q);
  for (size_t i = 0; i < where.size(); ++i) s.bind(int(i + 1), where[i].second);
  std::vector<nlohmann::json> out;
  while (s.step()) out.push_back(record_from_row(*impl_->db, s));
  return out;
}

PruneResult RunStore::prune(const PrunePolicy& p, const std::string& keep_run_id) {
  std::lock_guard lk(impl_->mu);
  auto& db = *impl_->db;
  PruneResult res;
  sql::WriteTxn t(db);
  int64_t cutoff = p.max_age.count() > 0
                       ? std::chrono::duration_cast<std::chrono::seconds>(
                             (std::chrono::system_clock::now() - p.max_age).time_since_epoch())
                             .count()
                       : INT64_MIN;
  sql::Stmt s(db,
              "SELECT run_id FROM runs WHERE run_id != ?1 AND (started_unix < ?2 OR seq NOT IN "
              "(SELECT seq FROM runs ORDER BY seq DESC LIMIT ?3))");
  s.bind(1, keep_run_id).bind(2, cutoff).bind(3, p.keep_runs ? int64_t(p.keep_runs) : int64_t(-1));
  while (s.step()) res.removed_run_ids.push_back(s.text(0));
  for (const auto& id : res.removed_run_ids) {
    sql::Stmt dr(db, "DELETE FROM records WHERE run_id=?");
    dr.bind(1, id);
    dr.step();
    res.records_removed += size_t(db.changes());
    sql::Stmt du(db, "DELETE FROM runs WHERE run_id=?");
    du.bind(1, id);
    du.step();
  }
  res.runs_removed = res.removed_run_ids.size();
  t.commit();
  return res;
}

}  // namespace ktstr::store
