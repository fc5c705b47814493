#include "util/error.hpp"

#include <cerrno>
#include <cstring>

namespace ktstr {

void fail_errno(const std::string& what) {
  int e = errno;
  throw Error(fmt::format("{}: {}", what, std::strerror(e)));
}

}  // namespace ktstr
