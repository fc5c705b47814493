#pragma once
// Checks a store file's bytes before SQLite opens it, so that a file that
// is not an SQLite database (random bytes, text) or a truncated copy is
// refused without SQLite ever writing to it.
#include <filesystem>
#include <string>

namespace ktstr::store {

enum class StoreFileState { Missing, Empty, Database };

// Error (exit 2) naming the path and what is wrong with it: a directory,
// not a SQLite database, shorter than its header says, or (when no writer
// has it open, i.e. no -wal file: the header is then current) a schema
// version above max_schema_version. Checked here because even a read-only
// SQLite connection to a WAL database leaves -wal/-shm files behind.
StoreFileState check_store_file(const std::filesystem::path& path, int max_schema_version);

// The message for a store from a newer ktstr.
std::string newer_schema_message(const std::filesystem::path& path, int version, int max_schema_version);

}  // namespace ktstr::store
