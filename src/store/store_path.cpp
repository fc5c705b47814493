#include "store/store_path.hpp"

#include <cstdlib>
#include <string_view>

#include "util/files.hpp"

namespace ktstr::store {

std::filesystem::path store_path(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (const char* e = std::getenv(kStoreEnvVar); e && *e) return e;
  return cache_root_path() / "runs.db";
}

bool recording_enabled_by_env() {
  const char* e = std::getenv(kRecordEnvVar);
  if (!e) return true;
  std::string_view v(e);
  return !(v == "0" || v == "false" || v == "no" || v == "off");
}

}  // namespace ktstr::store
