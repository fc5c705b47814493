#include "vm/vm_spec.hpp"

namespace ktstr::vm {

const char* to_string(ExitKind k) {
  switch (k) {
    case ExitKind::Clean: return "clean exit";
    case ExitKind::Panic: return "guest kernel panic";
    case ExitKind::Timeout: return "timeout";
    case ExitKind::NoResult: return "no result from guest";
    case ExitKind::BackendError: return "VM backend error";
    case ExitKind::Interrupted: return "interrupted";
    case ExitKind::VcpuCrash: return "vCPU crash";
  }
  return "?";
}

std::string tail_lines(const std::string& text, size_t lines) {
  if (lines == 0) return {};
  size_t pos = text.size();
  if (pos && text[pos - 1] == '\n') --pos;
  size_t count = 0;
  while (pos > 0) {
    size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    if (++count == lines) return text.substr(nl + 1);
    pos = nl;
  }
  return text;
}

}  // namespace ktstr::vm
