#pragma once
// The store's tables (schema version kSchemaVersion). Identity fields are
// columns (indexed where selectors filter); the per-record JSON (result,
// host) is kept as text, unchanged.
#include <string>

namespace ktstr::store {

// The column holding an identity field ("commit" is an SQL keyword).
inline std::string identity_column(const std::string& field) { return field == "commit" ? "commit_id" : field; }

inline constexpr const char* kCreateSchema = R"sql(
CREATE TABLE runs(
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id       TEXT NOT NULL UNIQUE,
  started      TEXT NOT NULL,
  started_unix INTEGER NOT NULL,
  ended        TEXT NOT NULL DEFAULT '',
  command      TEXT NOT NULL,
  host         TEXT NOT NULL
);
CREATE TABLE records(
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id     TEXT NOT NULL,
  started    TEXT NOT NULL,
  test       TEXT NOT NULL,
  variant    TEXT NOT NULL,
  topology   TEXT NOT NULL,
  scheduler  TEXT NOT NULL,
  flags      TEXT NOT NULL,
  kernel     TEXT NOT NULL,
  vmm        TEXT NOT NULL,
  commit_id  TEXT NOT NULL,
  work_type  TEXT NOT NULL,
  verdict    TEXT NOT NULL,
  seconds    REAL NOT NULL,
  result     TEXT NOT NULL,
  host       TEXT NOT NULL
);
CREATE INDEX records_by_run ON records(run_id);
CREATE INDEX records_by_test ON records(test, topology);
CREATE INDEX records_by_scheduler ON records(scheduler, flags);
CREATE INDEX records_by_kernel ON records(kernel);
CREATE INDEX records_by_commit ON records(commit_id);
)sql";

}  // namespace ktstr::store
