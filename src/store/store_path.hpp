#pragma once
// Where the run store lives: --store PATH, else $KTSTR_STORE, else
// <ktstr cache dir>/runs.db (cache dir: $KTSTR_CACHE_DIR, $XDG_CACHE_HOME/
// ktstr or ~/.cache/ktstr, as for kernels). Recording is on unless
// --no-record or KTSTR_RECORD=0.
#include <filesystem>
#include <string>

namespace ktstr::store {

inline constexpr const char* kStoreEnvVar = "KTSTR_STORE";
inline constexpr const char* kRecordEnvVar = "KTSTR_RECORD";

// explicit_path: the --store option ("" if not given).
std::filesystem::path store_path(const std::string& explicit_path = "");
// False if KTSTR_RECORD is "0", "false", "no" or "off".
bool recording_enabled_by_env();

}  // namespace ktstr::store
