#include "guest/kmsg.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace ktstr::guest {

bool parse_kmsg_record(const std::string& raw, KmsgRecord* out) {
  size_t semi = raw.find(';');
  if (semi == std::string::npos) return false;
  std::string head = raw.substr(0, semi);
  char* end = nullptr;
  long prio = std::strtol(head.c_str(), &end, 10);
  if (*end != ',') return false;
  out->level = static_cast<int>(prio & 7);
  out->seq = std::strtoull(end + 1, &end, 10);
  if (*end != ',') return false;
  out->usec = std::strtoull(end + 1, &end, 10);
  std::string text = raw.substr(semi + 1);
  size_t nl = text.find('\n');
  out->text = text.substr(0, nl);
  return true;
}

KmsgReader::KmsgReader(bool from_start) {
  fd_.reset(::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd_ && !from_start) ::lseek(fd_.get(), 0, SEEK_END);
}

std::vector<KmsgRecord> KmsgReader::read_new() {
  std::vector<KmsgRecord> out;
  if (!fd_) return out;
  char buf[8192];
  while (true) {
    ssize_t n = ::read(fd_.get(), buf, sizeof buf - 1);
    if (n < 0) {
      if (errno == EPIPE) continue;  // records were overwritten; keep going
      break;                         // EAGAIN: nothing more
    }
    if (n == 0) break;
    KmsgRecord r;
    if (parse_kmsg_record(std::string(buf, static_cast<size_t>(n)), &r)) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ktstr::guest
