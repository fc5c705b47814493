#include "workload/proc_stats.hpp"

#include <charconv>

#include "util/files.hpp"

namespace ktstr::workload {
namespace {

bool parse_u64(std::string_view s, uint64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Splits on spaces/newlines/tabs, skipping empty tokens.
template <typename F>
void for_each_token(std::string_view text, F&& f) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n' && text[j] != '\t') ++j;
    if (j > i) f(text.substr(i, j - i));
    i = j;
  }
}

}  // namespace

std::optional<SchedstatSample> parse_schedstat(std::string_view text) {
  uint64_t v[3] = {};
  size_t n = 0;
  bool ok = true;
  for_each_token(text, [&](std::string_view tok) {
    if (n < 3 && !parse_u64(tok, v[n])) ok = false;
    ++n;
  });
  if (!ok || n < 3) return std::nullopt;
  return SchedstatSample{v[0], v[1], v[2]};
}

std::optional<SchedstatSample> read_schedstat() {
  // Workers are single-threaded, but thread-self is what we mean.
  auto text = try_read_file("/proc/thread-self/schedstat");
  if (!text) text = try_read_file("/proc/self/schedstat");
  if (!text) return std::nullopt;
  return parse_schedstat(*text);
}

std::map<int, uint64_t> parse_numa_maps(std::string_view text) {
  std::map<int, uint64_t> out;
  for_each_token(text, [&](std::string_view tok) {
    if (tok.size() < 4 || tok[0] != 'N') return;
    auto eq = tok.find('=');
    if (eq == std::string_view::npos || eq < 2) return;
    uint64_t node = 0, pages = 0;
    if (!parse_u64(tok.substr(1, eq - 1), node) || !parse_u64(tok.substr(eq + 1), pages)) return;
    out[static_cast<int>(node)] += pages;
  });
  return out;
}

std::map<int, uint64_t> read_numa_pages() {
  auto text = try_read_file("/proc/self/numa_maps");
  if (!text) return {};
  return parse_numa_maps(*text);
}

std::optional<uint64_t> parse_numa_pages_migrated(std::string_view text) {
  constexpr std::string_view kKey = "numa_pages_migrated";
  for (size_t pos = text.find(kKey); pos != std::string_view::npos; pos = text.find(kKey, pos + 1)) {
    if (pos > 0 && text[pos - 1] != '\n') continue;  // must start a line
    size_t colon = text.find(':', pos);
    size_t eol = text.find('\n', pos);
    if (colon == std::string_view::npos || (eol != std::string_view::npos && colon > eol)) continue;
    std::optional<uint64_t> out;
    for_each_token(text.substr(colon + 1, eol == std::string_view::npos ? eol : eol - colon - 1),
                   [&](std::string_view tok) {
                     uint64_t v = 0;
                     if (!out && parse_u64(tok, v)) out = v;
                   });
    return out;
  }
  return std::nullopt;
}

std::optional<uint64_t> read_numa_pages_migrated() {
  auto text = try_read_file("/proc/thread-self/sched");
  if (!text) return std::nullopt;
  return parse_numa_pages_migrated(*text);
}

}  // namespace ktstr::workload
