#pragma once
// Temp directories and record builders shared by the store tests.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/record.hpp"
#include "util/files.hpp"

namespace ktstr::store::testing {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/ktstr-store-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline Record make_record(const std::string& test, const std::string& scheduler, const std::string& verdict,
                          double seconds = 1.5) {
  Record r;
  r.identity.test = test;
  r.identity.topology = "1n2l2c1t";
  r.identity.scheduler = scheduler;
  r.identity.kernel = "7.2.0-test";
  r.identity.vmm = "qemu";
  r.identity.commit = "abc1234";
  r.verdict = verdict;
  r.seconds = seconds;
  r.result = {{"name", test}, {"verdict", verdict}, {"stats", {{"worst_spread", seconds * 2}}}};
  r.host = host_context();
  return r;
}

// Bytes and modification time, to prove a refused store was not touched.
struct FileStamp {
  std::string bytes;
  timespec mtime{};
  static FileStamp of(const std::filesystem::path& p) {
    FileStamp s;
    s.bytes = read_file(p);
    struct stat st {};
    ::stat(p.c_str(), &st);
    s.mtime = st.st_mtim;
    return s;
  }
  bool operator==(const FileStamp& o) const {
    return bytes == o.bytes && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

}  // namespace ktstr::store::testing
