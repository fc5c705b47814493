#include "util/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/error.hpp"
#include "util/fd.hpp"

namespace ktstr {
namespace fs = std::filesystem;

std::optional<std::string> try_read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string read_file(const fs::path& p) {
  auto s = try_read_file(p);
  if (!s) fail("cannot read {}", p.string());
  return *s;
}

void write_file_atomic(const fs::path& p, std::string_view data) {
  // Unique per call, not just per process: two threads writing the same
  // destination (e.g. building the same cached archive) must not share a temp.
  static std::atomic<uint64_t> counter{0};
  fs::path tmp = p;
  tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter++);
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd) fail_errno("create " + tmp.string());
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        int e = errno;
        ::unlink(tmp.c_str());
        errno = e;
        fail_errno("write " + tmp.string());
      }
      off += static_cast<size_t>(n);
    }
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) {
    fs::remove(tmp, ec);
    fail("rename {} -> {}: {}", tmp.string(), p.string(), ec.message());
  }
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

fs::path cache_root_path() {
  fs::path root;
  if (const char* d = std::getenv("KTSTR_CACHE_DIR"); d && *d) {
    root = d;
  } else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    root = fs::path(x) / "ktstr";
  } else if (const char* h = std::getenv("HOME"); h && *h) {
    root = fs::path(h) / ".cache" / "ktstr";
  } else {
    root = "/var/tmp/ktstr-cache";
  }
  return root;
}

fs::path cache_root() {
  fs::path root = cache_root_path();
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) fail("cannot create cache directory {}: {}", root.string(), ec.message());
  // Checked once here so a read-only cache fails with its name, not deep in
  // whichever writer happens to touch it first.
  if (::access(root.c_str(), W_OK) != 0)
    fail("cache directory {} is not writable: {} (set KTSTR_CACHE_DIR to a writable directory)", root.string(),
         std::strerror(errno));
  return root;
}

}  // namespace ktstr
