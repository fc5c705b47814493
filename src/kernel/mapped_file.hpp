#pragma once
// A whole file mapped read-only: kernel images are tens of MB and we often
// need only their headers, so mapping beats reading them into memory.
#include <cstdint>
#include <filesystem>
#include <span>

#include "util/mapping.hpp"

namespace ktstr::kernel {

class MappedFile {
 public:
  // Throws Error naming the file if it cannot be opened or mapped.
  static MappedFile open(const std::filesystem::path& p);
  std::span<const uint8_t> bytes() const { return {map_.data(), map_.size()}; }

 private:
  Mapping map_;
};

}  // namespace ktstr::kernel
