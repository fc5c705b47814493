#pragma once
// `ktstr run`'s side of the run store: the record of one finished scenario
// (identity from the variant it ran, verdict, ScenarioVerdict::to_json() as
// the result) and the recorder the command opens before any VM boots.
#include <memory>
#include <string>

#include "runner/catalog_plan.hpp"
#include "runner/scenario_run.hpp"
#include "store/record.hpp"
#include "store/recorder.hpp"

namespace ktstr::cli {

struct RecordSettings {
  bool host = false;          // --host: vmm "host", the host's kernel and scheduler
  bool gauntlet = false;      // variant = the gauntlet variant's name
  std::string work_type;      // --work-type, "" if none
  std::string kernel;         // fallback for verdicts that booted nothing (skips)
};

store::Record record_from_verdict(const runner::ScenarioVerdict& v, const runner::CatalogVariant& var,
                                  const RecordSettings& s, const std::string& started);

// This machine's topology as a model name ("1n1l2c1t"), "host" if irregular.
std::string host_topology_name();

// nullptr when recording is off (--no-record, KTSTR_RECORD=0). Error (exit
// 2) when an explicit --store cannot be written; other failures warn.
std::unique_ptr<store::Recorder> open_recorder(const std::string& store_option, bool no_record);

}  // namespace ktstr::cli
