#pragma once
// Strict reading of hand-written JSON: wrong types and unknown keys are
// errors that name the path ("scenario.steps[1].ops[0].cgrop: unknown key"),
// because a typo in a scenario file must not silently change the test.
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "util/error.hpp"

namespace ktstr::scenario {

template <typename T>
struct IsVector : std::false_type {};
template <typename U>
struct IsVector<std::vector<U>> : std::true_type {};

// Converts `v` to T or throws ktstr::Error naming `path`. Stricter than
// nlohmann's get<>: integers must be integral and in range (no silent
// wrap-around of -1 into 4294967295 workers).
template <typename T>
T json_as(const nlohmann::json& v, const std::string& path) {
  if constexpr (IsVector<T>::value) {
    if (!v.is_array()) fail("{}: expected an array, got {}", path, v.dump());
    T out;
    for (size_t i = 0; i < v.size(); ++i)
      out.push_back(json_as<typename T::value_type>(v[i], path + "[" + std::to_string(i) + "]"));
    return out;
  } else {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<T>::max());
      constexpr auto kMin = static_cast<int64_t>(std::numeric_limits<T>::min());
      bool in_range = false;
      if (v.is_number_unsigned()) {
        in_range = v.get<uint64_t>() <= kMax;
      } else if (v.is_number_integer()) {
        int64_t x = v.get<int64_t>();
        in_range = x >= kMin && (x < 0 || static_cast<uint64_t>(x) <= kMax);
      }
      if (!in_range)
        fail("{}: expected an integer in [{}, {}], got {}", path, std::numeric_limits<T>::min(),
             std::numeric_limits<T>::max(), v.dump());
    }
    try {
      return v.get<T>();
    } catch (const nlohmann::json::exception&) {
      fail("{}: unexpected value {}", path, v.dump());
    }
  }
}

class JsonObject {
 public:
  JsonObject(const nlohmann::json& j, std::string path);

  const std::string& path() const { return path_; }
  std::string at(std::string_view key) const { return path_ + "." + std::string(key); }

  // The value under key (marked as read); nullptr when absent or null.
  const nlohmann::json* get(const char* key);
  template <typename T>
  std::optional<T> opt(const char* key) {
    const nlohmann::json* v = get(key);
    if (!v) return std::nullopt;
    return json_as<T>(*v, at(key));
  }
  template <typename T>
  T req(const char* key) {
    const nlohmann::json* v = get(key);
    if (!v) fail("{}: missing '{}'", path_, key);
    return json_as<T>(*v, at(key));
  }
  template <typename T>
  void read(const char* key, T& out) {
    if (auto v = opt<T>(key)) out = std::move(*v);
  }
  // Throws if any key was never read.
  void done() const;

 private:
  const nlohmann::json& j_;
  std::string path_;
  std::set<std::string> used_;
};

// Runs a text-spec parser (CpusetSpec::parse ...) and prefixes its error
// with the JSON path.
template <typename F>
auto parse_at(const std::string& path, F&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const Error& e) {
    fail("{}: {}", path, e.what());
  }
}

struct CgroupControls;
// cgroup controller settings as keys of an enclosing object (a cgroup def
// or a set_cgroup op): weight, weight_nice, cpu_max, idle, pids_max, memory_max.
void controls_to_json(nlohmann::json& j, const CgroupControls& c);
CgroupControls controls_from_json(JsonObject& o);

}  // namespace ktstr::scenario
