#pragma once
// Small file helpers with errors that name the file.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ktstr {

std::string read_file(const std::filesystem::path& p);
std::optional<std::string> try_read_file(const std::filesystem::path& p);
// Writes atomically: a temp file unique to this call in the same directory,
// then rename; concurrent writers of one path never see a partial file.
void write_file_atomic(const std::filesystem::path& p, std::string_view data);
std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);

// Per-user cache root: $KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr,
// else ~/.cache/ktstr. Created on demand.
std::filesystem::path cache_root();
// The same path without creating or checking it (for readers that must not
// create anything, e.g. `ktstr stats list` on a fresh machine).
std::filesystem::path cache_root_path();

}  // namespace ktstr
