#pragma once
// The guest side of a KTSTR_TEST: guest action "test" finds the body the
// host named in this binary's registry and runs it with the scheduler
// attached; GoogleTest assertions inside it are captured and become
// failure details (there is no running GoogleTest test in the guest).
//
// Request params: {"test": "<Suite>.<Name>", "variant": name, "flags": [...],
//   "thresholds": merged defaults<-scheduler<-test, "scheduler": {...}?}
namespace ktstr::testkit {

// Adds the "test" action to guest init's table (before guest::init_main()).
void install_guest_actions();

}  // namespace ktstr::testkit
