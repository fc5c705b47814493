#pragma once
// The filesystems guest init needs: proc, sys, dev, cgroup2, debugfs,
// tracefs, bpffs, tmp.
#include <string>
#include <vector>

namespace ktstr::guest {

// Mounts everything; returns the mounts that failed (non-essential ones
// only — a failure of proc/sys/dev throws).
std::vector<std::string> mount_all();

}  // namespace ktstr::guest
