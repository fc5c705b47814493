#pragma once
// Checks a store file's bytes before SQLite opens it, so that a file that
// is not an SQLite database (random bytes, text) or a truncated copy is
// refused without SQLite ever writing to it.
#include <filesystem>

namespace ktstr::store {

enum class StoreFileState { Missing, Empty, Database };

// Error (exit 2) naming the path and what is wrong with it: a directory,
// not a SQLite database, or shorter than its header says.
StoreFileState check_store_file(const std::filesystem::path& path);

}  // namespace ktstr::store
