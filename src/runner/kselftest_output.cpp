#include "runner/kselftest_output.hpp"

#include <sstream>

namespace ktstr::runner {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

// "ok 3 name # SKIP " / "not ok 3 name #": the status, or unfinished when
// the line is no result line for `name`.
SelftestResult::Status result_line(std::string_view line, const std::string& name) {
  bool failed = starts_with(line, "not ok ");
  if (!failed && !starts_with(line, "ok ")) return SelftestResult::Status::unfinished;
  std::string_view rest = line.substr(failed ? 7 : 3);
  size_t sp = rest.find(' ');
  if (sp == std::string_view::npos) return SelftestResult::Status::unfinished;
  rest = rest.substr(sp + 1);
  if (!starts_with(rest, name + " #")) return SelftestResult::Status::unfinished;
  if (failed) return SelftestResult::Status::fail;
  return rest.find("# SKIP") != std::string_view::npos ? SelftestResult::Status::skip : SelftestResult::Status::pass;
}

std::string last_lines(const std::string& text, size_t n) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!trim(l).empty()) lines.push_back(trim(l));
  std::string out;
  for (size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i)
    out += (out.empty() ? "" : " | ") + lines[i];
  return out;
}

void finish(SelftestResult& t) {
  using S = SelftestResult::Status;
  if (t.status == S::pass) return;
  if (t.status == S::skip) {
    std::istringstream in(t.output);
    for (std::string l; std::getline(in, l);)
      if (auto s = l.find("SKIP"); s != std::string::npos) t.reason = trim(std::string_view(l).substr(s));
    if (t.reason.empty()) t.reason = last_lines(t.output, 1);
    return;
  }
  t.reason = last_lines(t.output, 3);
  if (t.status == S::unfinished)
    t.reason = "never printed its result (the runner or the VM died in it)" +
               (t.reason.empty() ? std::string() : "; last output: " + t.reason);
}

}  // namespace

SelftestOutput parse_selftest_output(std::string_view text) {
  SelftestOutput out;
  SelftestResult* cur = nullptr;
  bool in_output = false;
  std::istringstream in{std::string(text)};
  for (std::string raw; std::getline(in, raw);) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "===== START =====") {
      if (cur) finish(*cur);
      out.tests.emplace_back();
      cur = &out.tests.back();
      in_output = false;
      continue;
    }
    if (line == "RESULTS:") {
      out.summary = true;
      if (cur) finish(*cur);
      cur = nullptr;
      continue;
    }
    if (!cur) continue;
    if (!in_output) {
      if (starts_with(line, "TEST: ")) cur->name = trim(line.substr(6));
      else if (starts_with(line, "DESCRIPTION: ")) cur->description = trim(line.substr(13));
      else if (line == "OUTPUT:") in_output = true;
      continue;
    }
    if (line == "=====  END  =====") {
      finish(*cur);
      cur = nullptr;
      continue;
    }
    if (auto st = result_line(line, cur->name); st != SelftestResult::Status::unfinished) {
      cur->status = st;
      continue;
    }
    cur->output += line + "\n";
  }
  if (cur) finish(*cur);
  return out;
}

std::string_view status_name(SelftestResult::Status s) {
  switch (s) {
    case SelftestResult::Status::pass: return "PASS";
    case SelftestResult::Status::fail: return "FAIL";
    case SelftestResult::Status::skip: return "SKIP";
    case SelftestResult::Status::unfinished: return "UNFINISHED";
  }
  return "?";
}

}  // namespace ktstr::runner
