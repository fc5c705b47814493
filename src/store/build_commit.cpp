// ktstr's commit, generated at build time by cmake/build_commit.cmake into
// a header that is rewritten only when the commit (or its -dirty state)
// changes, so an unchanged tree rebuilds nothing.
#include "ktstr_build_commit.h"
#include "store/record.hpp"

namespace ktstr::store {

const char* build_commit() { return KTSTR_BUILD_COMMIT; }

}  // namespace ktstr::store
