#include "util/log.hpp"

#include <atomic>

namespace ktstr::log {
namespace {
std::atomic<Level> g_level{Level::normal};
}
void set_level(Level l) { g_level = l; }
Level level() { return g_level.load(); }
}  // namespace ktstr::log
