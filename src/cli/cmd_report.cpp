// `ktstr report [RUN] [--compare BASE | --compare-json FILE] -o FILE.html [--trace FILE.json] [--store PATH]`:
// one self-contained HTML page of a run (per test: per-CPU timeline heat
// maps with stall/verdict markers and step boundaries, checks, metrics,
// monitor summary; the A/B table when comparing) and/or the same timeline
// as Chrome trace-event JSON for ui.perfetto.dev. RUN is a run in the store
// (id, unique prefix, latest, latest~N; default latest) or a file: a
// store's per-run JSON or `ktstr run --json` output. --compare BASE adds
// `stats compare` of BASE (side A) against RUN (side B).
//
// Outputs appear whole or not at all: every output is written to a temp
// file next to it first and renamed only once all of them are written.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "report/html.hpp"
#include "report/records.hpp"
#include "report/trace.hpp"
#include "stats/compare.hpp"
#include "stats/policy.hpp"
#include "store/run_store.hpp"
#include "store/store_path.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

namespace ktstr::cli {
namespace {
namespace fs = std::filesystem;

struct ReportArgs {
  std::string run;
  std::string compare;
  std::string policy;
  std::string compare_json;
  std::string out;
  std::string trace;
  std::string store;
};

// An output written to "<path>.tmp.<pid>" and renamed into place by
// commit(); removed by the destructor if never committed.
class StagedFile {
 public:
  StagedFile(fs::path dest, std::string_view data) : dest_(std::move(dest)) {
    fs::path dir = dest_.parent_path().empty() ? fs::path(".") : dest_.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) fail("cannot write {}: directory {} does not exist", dest_.string(), dir.string());
    if (fs::is_directory(dest_, ec)) fail("cannot write {}: it is a directory", dest_.string());
    tmp_ = dest_;
    tmp_ += fmt::format(".tmp.{}", ::getpid());
    Fd fd(::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) fail_errno(fmt::format("cannot write {}", dest_.string()));
    staged_ = true;
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail_errno(fmt::format("cannot write {}", dest_.string()));
      off += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0 && errno != EINVAL) fail_errno(fmt::format("cannot write {}", dest_.string()));
  }
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;
  ~StagedFile() {
    if (staged_) ::unlink(tmp_.c_str());
  }
  void commit() {
    if (::rename(tmp_.c_str(), dest_.c_str()) != 0) fail_errno(fmt::format("cannot write {}", dest_.string()));
    staged_ = false;
  }

 private:
  fs::path dest_, tmp_;
  bool staged_ = false;
};

// A path to a JSON file, rather than a run reference of the store.
bool is_file_ref(const std::string& ref) {
  std::error_code ec;
  return fs::exists(ref, ec) || ref.find('/') != std::string::npos ||
         (ref.size() > 5 && ref.compare(ref.size() - 5, 5, ".json") == 0);
}

struct Run {
  std::vector<nlohmann::json> records;
  store::Selector selector;  // how `stats compare` names this side
};

Run load_run(const std::string& ref, const std::string& store_opt) {
  Run r;
  if (!ref.empty() && is_file_ref(ref)) {
    r.records = report::records_from_document(report::read_json_file(ref), ref);
    r.selector.text = ref;
    return r;
  }
  // Read-only: a report never creates, migrates or writes the store.
  auto path = store::store_path(store_opt);
  auto st = store::RunStore::open_read_only(path);
  std::string id = st.resolve_run_id(ref.empty() ? "latest" : ref);
  auto records = st.records_of(id);
  if (records.empty()) fail("run {} in {} has no test records", id, path.string());
  r.records = report::records_from_document(nlohmann::json(records), fmt::format("{} (run {})", path.string(), id));
  r.selector = store::Selector::parse("run=" + id);
  return r;
}

std::string kib(size_t bytes) { return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024); }

int report_cmd(const ReportArgs& a) {
  if (a.out.empty() && a.trace.empty()) fail("ktstr report needs -o FILE.html and/or --trace FILE.json");
  if (!a.out.empty() && a.out == a.trace) fail("-o and --trace name the same file {}", a.out);
  auto t0 = std::chrono::steady_clock::now();
  if (!a.compare.empty() && !a.compare_json.empty()) fail("--compare and --compare-json exclude each other");
  if (!a.policy.empty() && a.compare.empty()) fail("--policy applies to --compare");
  // The policy file first: bad input is refused before any store is opened.
  stats::Policy policy = a.policy.empty() ? stats::Policy{} : stats::load_policy(a.policy);
  Run run = load_run(a.run, a.store);
  const std::vector<nlohmann::json>& records = run.records;
  nlohmann::json compare = nullptr;
  if (!a.compare.empty()) {
    Run base = load_run(a.compare, a.store);
    compare = stats::compare(base.records, run.records, base.selector, run.selector, policy).to_json();
  } else if (!a.compare_json.empty()) {
    compare = report::read_json_file(a.compare_json);
    report::validate_compare(compare, a.compare_json);
  }
  std::string html, trace;
  if (!a.out.empty()) html = report::render_html(records, compare);
  if (!a.trace.empty()) trace = report::trace_events(records).dump();
  std::vector<std::unique_ptr<StagedFile>> staged;
  if (!a.out.empty()) staged.push_back(std::make_unique<StagedFile>(a.out, html));
  if (!a.trace.empty()) staged.push_back(std::make_unique<StagedFile>(a.trace, trace));
  for (auto& s : staged) s->commit();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  size_t n = records.size();
  if (!a.out.empty())
    std::printf("report: %s (%zu test%s%s, %s, %.0f ms)\n", a.out.c_str(), n, n == 1 ? "" : "s",
                compare.is_null() ? "" : " + A/B comparison", kib(html.size()).c_str(), ms);
  if (!a.trace.empty())
    std::printf("trace: %s (%s; open it in ui.perfetto.dev or chrome://tracing)\n", a.trace.c_str(),
                kib(trace.size()).c_str());
  return kExitPass;
}

}  // namespace

void add_report_command(CLI::App& app, Action& selected) {
  auto a = std::make_shared<ReportArgs>();
  auto* sub = app.add_subcommand(
      "report", "Self-contained HTML report of a run (per-CPU timelines, checks, metrics) and a Perfetto trace");
  sub->add_option("RUN", a->run,
                  "The run: id, unique prefix, latest or latest~N in the store (default latest), or a run JSON "
                  "file (the store's runs/<id>.json or `ktstr run --json` output)");
  sub->add_option("--compare", a->compare,
                  "Add the A/B table of `ktstr stats compare`: this run (id, latest~N or run JSON file) is side A, "
                  "RUN side B");
  sub->add_option("--policy", a->policy, "With --compare: TOML file overriding per-metric gates (as stats compare)");
  sub->add_option("--compare-json", a->compare_json, "Add the A/B table of a `ktstr stats compare --json` document");
  sub->add_option("-o,--output", a->out, "Write the HTML report here");
  sub->add_option("--trace", a->trace, "Write the timeline as Chrome trace-event JSON here (ui.perfetto.dev opens it)");
  sub->add_option("--store", a->store, "Run store database (default $KTSTR_STORE, else <cache>/runs.db)");
  sub->callback([&selected, a] { selected = [a] { return report_cmd(*a); }; });
}

}  // namespace ktstr::cli
