// Compiled as if it were a file of src/vm/: vm/ must not know scenarios, so
// this include has to fail (tests/arch/CMakeLists.txt expects exactly that).
#include "scenario/scenario.hpp"
