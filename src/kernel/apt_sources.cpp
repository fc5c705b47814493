#include "kernel/apt_sources.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <sstream>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::kernel {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool is_yes(const std::string& v) {
  auto l = lower(trim(v));
  return l != "no" && l != "false" && l != "0";
}

void add_field(AptSource& s, const std::string& key, const std::string& value) {
  auto k = lower(key);
  if (k == "types")
    s.types = words(value);
  else if (k == "uris")
    s.uris = words(value);
  else if (k == "suites")
    s.suites = words(value);
  else if (k == "components")
    s.components = words(value);
  else if (k == "enabled")
    s.enabled = is_yes(value);
  else
    s.options[k] = trim(value);
}

// A suite like "bookworm" or "sid" — not "bookworm-security" or
// "stable/updates" (old security layout), which hold only a few packages.
bool plain_suite(const std::string& suite) { return !suite.empty() && suite.find_first_of("-/") == std::string::npos; }

bool known_debian_suite(const std::string& suite) {
  static constexpr std::array names = {"sid",    "unstable", "testing",  "stable", "oldstable", "experimental",
                                       "buster", "bullseye", "bookworm", "trixie", "forky",     "duke"};
  return std::find(names.begin(), names.end(), suite) != names.end();
}

std::string strip_trailing_slash(std::string u) {
  while (u.size() > 1 && u.back() == '/') u.pop_back();
  return u;
}

}  // namespace

std::vector<AptSource> parse_deb822_sources(std::string_view text) {
  std::vector<AptSource> out;
  AptSource cur;
  bool in_stanza = false;
  std::string key, value;
  auto flush_field = [&] {
    if (!key.empty()) add_field(cur, key, value);
    key.clear();
    value.clear();
  };
  auto flush_stanza = [&] {
    flush_field();
    if (in_stanza) out.push_back(std::move(cur));
    cur = AptSource{};
    in_stanza = false;
  };
  for (const auto& raw : split(text, '\n')) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) {
      flush_stanza();
      continue;
    }
    if (line[0] == '#') continue;             // comments do not end a stanza
    if (line[0] == ' ' || line[0] == '\t') {  // continuation of the last field
      if (!key.empty() && trim(line) != ".") value += " " + trim(line);
      continue;
    }
    flush_field();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;  // malformed line: apt would reject; we skip it
    key = trim(std::string_view(line).substr(0, colon));
    value = trim(std::string_view(line).substr(colon + 1));
    in_stanza = true;
  }
  flush_stanza();
  return out;
}

std::vector<AptSource> parse_one_line_sources(std::string_view text) {
  std::vector<AptSource> out;
  for (const auto& raw : split(text, '\n')) {
    std::string line = raw;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    line = trim(line);
    if (line.empty()) continue;
    AptSource s;
    auto type_end = line.find_first_of(" \t");
    if (type_end == std::string::npos) continue;
    s.types = {line.substr(0, type_end)};
    std::string rest = trim(std::string_view(line).substr(type_end));
    if (!rest.empty() && rest[0] == '[') {
      auto close = rest.find(']');
      if (close == std::string::npos) continue;
      for (const auto& opt : words(std::string_view(rest).substr(1, close - 1))) {
        auto eq = opt.find('=');
        if (eq == std::string::npos) continue;
        add_field(s, opt.substr(0, eq), opt.substr(eq + 1));
      }
      rest = trim(std::string_view(rest).substr(close + 1));
    }
    auto w = words(rest);
    if (w.size() < 2) continue;
    s.uris = {w[0]};
    s.suites = {w[1]};
    s.components.assign(w.begin() + 2, w.end());
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<ArchiveLocation> pick_debian_archive(const std::vector<AptSource>& sources) {
  std::optional<ArchiveLocation> best;
  int best_score = -1;
  for (const auto& s : sources) {
    if (!s.enabled || std::find(s.types.begin(), s.types.end(), "deb") == s.types.end()) continue;
    if (s.uris.empty()) continue;
    bool plain = false, known = false;
    for (const auto& suite : s.suites) {
      plain |= plain_suite(suite);
      known |= plain_suite(suite) && known_debian_suite(suite);
    }
    if (!plain) continue;
    std::string keyring;
    if (auto it = s.options.find("signed-by"); it != s.options.end() && it->second.rfind('/', 0) == 0)
      keyring = it->second;
    // Score: a Debian codename matters most (third-party repos use names
    // like "nodistro"), then the Debian keyring, then a ".../debian" path.
    std::string uri = strip_trailing_slash(s.uris.front());
    int score = (known ? 4 : 0) + (keyring.find("debian-archive-keyring") != std::string::npos ? 2 : 0) +
                (uri.size() >= 7 && uri.substr(uri.size() - 7) == "/debian" ? 1 : 0);
    if (score > best_score) {
      best_score = score;
      best = ArchiveLocation{uri, keyring};
    }
  }
  return best;
}

ArchiveLocation system_debian_archive(const fs::path& etc_apt) {
  if (const char* u = std::getenv("KTSTR_APT_URI"); u && *u) return {strip_trailing_slash(u), ""};
  std::vector<AptSource> all;
  std::vector<std::string> read;
  auto take = [&](const fs::path& p, bool deb822) {
    auto text = try_read_file(p);
    if (!text) return;
    read.push_back(p.string());
    auto got = deb822 ? parse_deb822_sources(*text) : parse_one_line_sources(*text);
    all.insert(all.end(), got.begin(), got.end());
  };
  take(etc_apt / "sources.list", false);
  std::error_code ec;
  std::vector<fs::path> parts;
  for (const auto& e : fs::directory_iterator(etc_apt / "sources.list.d", ec)) parts.push_back(e.path());
  std::sort(parts.begin(), parts.end());  // apt reads them in lexical order
  for (const auto& p : parts) {
    if (p.extension() == ".sources")
      take(p, true);
    else if (p.extension() == ".list")
      take(p, false);
  }
  auto loc = pick_debian_archive(all);
  if (!loc)
    fail(
        "no Debian archive found in the apt sources ({}); ktstr downloads kernels from the "
        "archive this machine already uses. Add a Debian entry or set KTSTR_APT_URI",
        read.empty() ? std::string("none readable under " + etc_apt.string())
                     : fmt::format("{}", fmt::join(read, ", ")));
  return *loc;
}

}  // namespace ktstr::kernel
