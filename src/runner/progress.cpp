#include "runner/progress.hpp"

#include <fmt/format.h>

namespace ktstr::runner {

ProgressPrinter::ProgressPrinter(std::vector<std::string> names, std::FILE* out, std::FILE* status,
                                 bool status_line)
    : names_(std::move(names)), out_(out), status_(status), status_line_(status_line), blocks_(names_.size()) {}

ProgressPrinter::~ProgressPrinter() { close(); }

void ProgressPrinter::close() {
  std::lock_guard lock(mu_);
  clear_locked();
}

void ProgressPrinter::clear_locked() {
  if (!drawn_) return;
  std::fputs("\r\033[K", status_);
  std::fflush(status_);
  drawn_ = false;
}

void ProgressPrinter::redraw_locked() {
  if (!status_line_) return;
  std::string line = fmt::format("[{}/{}] running:", finished_, names_.size());
  for (size_t i : running_) line += " " + names_[i];
  if (line.size() > 118) line = line.substr(0, 115) + "...";
  std::fprintf(status_, "\r\033[K%s", line.c_str());
  std::fflush(status_);
  drawn_ = true;
}

void ProgressPrinter::started(size_t index) {
  std::lock_guard lock(mu_);
  running_.insert(index);
  redraw_locked();
}

void ProgressPrinter::finished(size_t index, std::string text) {
  std::lock_guard lock(mu_);
  running_.erase(index);
  ++finished_;
  if (index < blocks_.size()) blocks_[index] = std::move(text);
  clear_locked();
  while (printed_ < blocks_.size() && blocks_[printed_]) {
    std::fputs(blocks_[printed_]->c_str(), out_);
    blocks_[printed_].reset();
    ++printed_;
  }
  std::fflush(out_);
  if (finished_ < names_.size()) redraw_locked();
}

}  // namespace ktstr::runner
