#pragma once
// Struct layouts of the guest kernel from its BTF (the .BTF section of the
// vmlinux ELF), so the monitor never hard-codes an offset. Parsing a 7.2
// vmlinux's BTF takes ~0.1 s and every VM of a run boots the same kernel:
// load() parses once per file per process.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct btf;

namespace ktstr::monitor {

struct BtfMember {
  uint64_t offset = 0;     // bytes from the start of the outermost type
  uint64_t size = 0;       // bytes of the member's type
  uint32_t type_id = 0;    // resolved (typedefs and qualifiers skipped)
  uint64_t array_len = 0;  // element count when the member is an array, else 0
};

class BtfTypes {
 public:
  // Cached per path (re-parsed if the file's size or mtime changed).
  // Throws Error naming the file when it has no usable .BTF.
  static std::shared_ptr<const BtfTypes> load(const std::filesystem::path& vmlinux);
  // From raw BTF bytes (tests, fuzzing, or a kernel's /sys/kernel/btf/vmlinux).
  // The header is checked against the bytes (truncation, magic, version,
  // section bounds are named), then libbpf validates the types.
  static std::shared_ptr<const BtfTypes> from_raw(const void* data, size_t size);
  ~BtfTypes();
  BtfTypes(const BtfTypes&) = delete;
  BtfTypes& operator=(const BtfTypes&) = delete;

  // "task_struct.pid", "rq.scx.nr_running": a struct or union name, then
  // member names; members of anonymous structs/unions are found as if
  // they were direct members (as in C). Bitfields are rejected.
  // Throws Error naming the missing type or member.
  BtfMember member(std::string_view path) const;
  std::optional<BtfMember> try_member(std::string_view path) const;
  uint64_t offset_of(std::string_view path) const { return member(path).offset; }

  // Direct members of a struct or union in declaration order (name,
  // layout); bitfields and anonymous members are skipped. Empty if absent.
  std::vector<std::pair<std::string, BtfMember>> members(std::string_view type_name) const;

  // Size of a struct or union; throws Error naming it if absent.
  uint64_t size_of(std::string_view type_name) const;
  bool has_type(std::string_view type_name) const;

  // Value of `enumerator` in `enum enum_name`.
  std::optional<int64_t> enum_value(std::string_view enum_name, std::string_view enumerator) const;
  // The enumerator of `enum enum_name` with this value.
  std::optional<std::string> enum_name(std::string_view enum_name, int64_t value) const;

  // The variables of a DATASEC (a BPF object's .bss/.data/.rodata as the
  // value type of its array map), by type id.
  struct SecVar {
    std::string name;
    uint64_t offset = 0, size = 0;
    uint32_t type_id = 0;  // the variable's type as declared (typedefs kept)
  };
  std::vector<SecVar> datasec_vars(uint32_t datasec_id) const;
  // Integer-like view of a type (after typedefs/qualifiers): size and
  // signedness for ints, bools, chars and enums; nullopt otherwise.
  struct Scalar {
    uint64_t size = 0;
    bool is_signed = false, is_bool = false, is_char = false;
  };
  std::optional<Scalar> scalar(uint32_t type_id) const;
  // C-ish spelling of a type: "u64", "char[16]", "struct foo" (for listings).
  std::string type_name(uint32_t type_id) const;

  // A global variable's type as BTF records it (per-CPU variables included):
  // total size and, for arrays, element count and element size.
  struct Var {
    uint64_t size = 0;
    uint64_t array_len = 0;
    uint64_t elem_size = 0;
  };
  std::optional<Var> var(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, int64_t>> enumerators(std::string_view enum_name) const;
  explicit BtfTypes(struct btf* b) : btf_(b) {}
  int32_t find_composite(std::string_view name) const;
  std::string type_name_at(uint32_t type_id, int depth) const;
  struct btf* btf_;
};

}  // namespace ktstr::monitor
