#pragma once
// Readable output while several VMs run: one block per finished test on
// `out`, always in the run's order (a test's block is held back until all
// earlier tests have printed), and on a terminal a status line on `status`
// ("[3/12] running: steady, cpuset_apply") redrawn in place.
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ktstr::runner {

class ProgressPrinter {
 public:
  // names: every test of the run, in order. status_line: draw the status
  // line (pass isatty(fileno(status))).
  ProgressPrinter(std::vector<std::string> names, std::FILE* out, std::FILE* status, bool status_line);
  ~ProgressPrinter();

  void started(size_t index);
  // `text` is the test's whole block (one line for a pass), printed in order.
  void finished(size_t index, std::string text);
  // Clears the status line (also done by the destructor).
  void close();

 private:
  void redraw_locked();
  void clear_locked();

  std::vector<std::string> names_;
  std::FILE* out_;
  std::FILE* status_;
  bool status_line_;
  std::mutex mu_;
  std::vector<std::optional<std::string>> blocks_;
  std::set<size_t> running_;
  size_t printed_ = 0, finished_ = 0;
  bool drawn_ = false;
};

}  // namespace ktstr::runner
