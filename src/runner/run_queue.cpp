#include "runner/run_queue.hpp"

#include <cstdio>

#include "runner/parallel_executor.hpp"
#include "runner/progress.hpp"

namespace ktstr::runner {

std::vector<ScenarioVerdict> run_queue(const std::vector<RunItem>& items, const RunQueueOptions& o) {
  std::vector<std::string> names;
  for (const auto& it : items) names.push_back(it.name);
  ProgressPrinter progress(names, stdout, stderr, o.status_line);
  auto block = [&](const ScenarioVerdict& v) { return o.format ? o.format(v) : std::string(); };
  std::vector<ScenarioVerdict> out;
  if (o.jobs <= 1 || items.size() <= 1) {
    // One at a time on this thread, exactly as before -j existed.
    for (size_t i = 0; i < items.size(); ++i) {
      progress.started(i);
      out.push_back(items[i].run());
      progress.finished(i, block(out.back()));
    }
    return out;
  }
  ParallelExecutor::Hooks hooks;
  hooks.started = [&](size_t i, const std::string&) { progress.started(i); };
  hooks.finished = [&](size_t i, const ScenarioVerdict* v) {
    if (v) progress.finished(i, block(*v));
  };
  ParallelExecutor ex(o.jobs, hooks);
  for (const auto& it : items) ex.submit(it.name, it.run);
  for (size_t i = 0; i < items.size(); ++i) out.push_back(ex.wait(i));
  return out;
}

}  // namespace ktstr::runner
