#pragma once
// Thin RAII over the SQLite C API: a connection and prepared statements
// that finalize/close themselves, and errors as ktstr::Error naming the
// database file and the SQLite message.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ktstr::store::sql {

class Db;

class Stmt {
 public:
  Stmt(Db& db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Binding is 1-based, as in SQLite.
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, double v);
  // True while a row is available; false when done. Error otherwise.
  bool step();
  void reset();
  std::string text(int col) const;
  int64_t integer(int col) const;
  double real(int col) const;
  bool is_null(int col) const;

 private:
  Db& db_;
  sqlite3_stmt* s_ = nullptr;
};

class Db {
 public:
  // flags: SQLITE_OPEN_* (NOMUTEX is added: callers serialise).
  Db(const std::filesystem::path& path, int flags);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() const { return db_; }
  const std::filesystem::path& path() const { return path_; }
  void exec(const char* sql);
  int64_t last_insert_rowid() const;
  int changes() const;
  // Error "<what> (<path>): <sqlite message>".
  [[noreturn]] void fail_sql(std::string_view what, int rc) const;

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

// A BEGIN IMMEDIATE ... COMMIT scope: takes the write lock up front so two
// writers never deadlock upgrading read locks (which SQLite reports as
// SQLITE_BUSY without waiting); rolls back if not committed.
class WriteTxn {
 public:
  explicit WriteTxn(Db& db);
  ~WriteTxn();
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace ktstr::store::sql
