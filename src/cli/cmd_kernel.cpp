// `ktstr kernel`: fetch, list, inspect and clean cached guest kernels.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/command.hpp"
#include "kernel/kernel_cache.hpp"
#include "kernel/kernel_fetch.hpp"
#include "kernel/kernel_resolve.hpp"
#include "kernel/kernel_version.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ktstr::cli {
namespace {
namespace fs = std::filesystem;
using namespace ktstr::kernel;

std::string mb(uint64_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

std::string size_of(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? "size unknown" : mb(n);
}

std::string source_of(const KernelMeta& m) {
  if (m.source == "debian") return "debian " + m.suite;
  return m.source.empty() ? "-" : m.source;
}

int do_list(bool json) {
  KernelCache cache;
  auto kernels = cache.list();
  if (json) {
    auto arr = nlohmann::json::array();
    for (const auto& k : kernels) {
      auto j = k.meta.to_json();
      j["dir"] = k.dir.string();
      j["vmlinux"] = k.vmlinux().string();
      j["default"] = k.meta.version == kDefaultKernelVersion;
      arr.push_back(std::move(j));
    }
    fmt::print("{}\n", arr.dump(2));
    return kExitPass;
  }
  if (kernels.empty()) {
    log::info("no kernels cached in {}; run `ktstr kernel fetch` to download {}", cache.root().string(),
              kDefaultKernelVersion);
    return kExitPass;
  }
  size_t w = 7;
  for (const auto& k : kernels)
    w = std::max(w, k.meta.version.size() + (k.meta.version == kDefaultKernelVersion ? 2 : 0));
  fmt::print("{:<{}}  {:<24} {:<21} {:>9}\n", "VERSION", w, "SOURCE", "FETCHED", "VMLINUX");
  for (const auto& k : kernels) {
    std::string v = k.meta.version + (k.meta.version == kDefaultKernelVersion ? " *" : "");
    fmt::print("{:<{}}  {:<24} {:<21} {:>9}\n", v, w, source_of(k.meta),
               k.meta.fetched_at.empty() ? "-" : k.meta.fetched_at, mb(k.meta.vmlinux_size));
  }
  fmt::print("(* = default; cache: {})\n", cache.root().string());
  return kExitPass;
}

int do_fetch(const FetchOptions& opts) {
  auto k = fetch_kernel(opts);
  fmt::print("{}\n", k.vmlinux().string());  // stdout: the path, for scripts
  return kExitPass;
}

struct CleanArgs {
  std::string version;
  bool all = false;
};

int do_clean(const CleanArgs& a) {
  if (a.all == !a.version.empty()) fail("kernel clean: name one VERSION to remove, or pass --all");
  KernelCache cache;
  if (a.all) {
    size_t n = cache.remove_all();
    std::error_code ec;
    fs::remove_all(apt_state_root(), ec);  // package lists; the next fetch downloads them again
    log::info("removed {} cached kernel{} from {}", n, n == 1 ? "" : "s", cache.root().string());
    return kExitPass;
  }
  if (!cache.remove(a.version)) {
    std::string have;
    for (const auto& k : cache.list()) have += (have.empty() ? "" : ", ") + k.meta.version;
    fail("kernel {} is not cached (cached: {})", a.version, have.empty() ? "none" : have);
  }
  log::info("removed kernel {}", a.version);
  return kExitPass;
}

struct ShowArgs {
  std::string kernel;
  bool json = false;
};

std::optional<std::string> spec_of(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

int do_path(const ShowArgs& a) {
  fmt::print("{}\n", resolve_kernel(spec_of(a.kernel)).vmlinux.string());
  return kExitPass;
}

int do_show(const ShowArgs& a) {
  // Show even a kernel that fails the requirement check: that is when the
  // user most wants to see its options.
  ResolveOptions ro;
  ro.check_config = false;
  Kernel k = resolve_kernel(spec_of(a.kernel), ro);
  auto j = describe_kernel(k);
  if (a.json) {
    fmt::print("{}\n", j.dump(2));
    return j["missing_options"].empty() ? kExitPass : kExitUsage;
  }
  fmt::print("version:   {} (found via {})\n", k.version, k.found_by);
  fmt::print("vmlinux:   {} ({})\n", k.vmlinux.string(), size_of(k.vmlinux));
  if (!k.bzimage.empty()) fmt::print("bzImage:   {} ({})\n", k.bzimage.string(), size_of(k.bzimage));
  fmt::print("config:    {}\n", k.config.empty() ? "(none found)" : k.config.string());
  if (!k.info.build_id.empty()) fmt::print("build id:  {}\n", k.info.build_id);
  if (k.info.pvh_entry) fmt::print("PVH entry: {:#x}\n", *k.info.pvh_entry);
  if (k.meta && !k.meta->packages.empty()) {
    fmt::print("source:    {} ({})\n", source_of(*k.meta), k.meta->origin);
    for (const auto& p : k.meta->packages) fmt::print("           {}\n", p);
    fmt::print("fetched:   {}\n", k.meta->fetched_at);
  }
  if (k.cfg.empty()) return kExitPass;
  fmt::print("required options:\n");
  auto missing = missing_requirements(k.cfg);
  for (const auto& r : required_options()) {
    bool ok = std::none_of(missing.begin(), missing.end(), [&](const auto& m) { return m.option == r.option; });
    auto v = k.cfg.get(r.option);
    fmt::print("  {:<28} {:<10} {}\n", r.option, v ? *v : "not set", ok ? "ok" : "MISSING: " + r.why);
  }
  fmt::print("other options:\n");
  for (const auto& [name, value] : j["options"].items()) {
    bool required = std::any_of(required_options().begin(), required_options().end(),
                                [&](const auto& r) { return r.option == name; });
    if (!required) fmt::print("  {:<28} {}\n", name, value.is_null() ? "not set" : value.get<std::string>());
  }
  if (missing.empty()) return kExitPass;
  log::warn("kernel {} lacks {} required option{}; ktstr will refuse to boot it", k.version, missing.size(),
            missing.size() == 1 ? "" : "s");
  return kExitUsage;
}

}  // namespace

void add_kernel_command(CLI::App& app, Action& selected) {
  auto* kernel = app.add_subcommand("kernel", "Fetch, list, inspect and clean the guest kernels ktstr boots");
  kernel->require_subcommand(1);
  const std::string discovery = fmt::format(
      "Kernel discovery order (run, shell, kernel path/show):\n"
      "  1. --kernel SPEC: a vmlinux, a bzImage, a directory holding them (build tree,\n"
      "     unpacked package) or a cached version (or prefix, e.g. 7.2)\n"
      "  2. ${} (same forms)\n"
      "  3. the cache: {} if cached, else the newest cached kernel\n"
      "  4. otherwise: error — run `ktstr kernel fetch`\n"
      "Cache: $KTSTR_CACHE_DIR, $XDG_CACHE_HOME/ktstr or ~/.cache/ktstr, under kernels/.",
      kKernelEnvVar, kDefaultKernelVersion);

  auto* list = kernel->add_subcommand("list", "List cached kernels");
  auto list_json = std::make_shared<bool>(false);
  list->add_flag("--json", *list_json, "Print a JSON array instead of a table");
  list->callback([&selected, list_json] { selected = [list_json] { return do_list(*list_json); }; });

  auto* fetch = kernel->add_subcommand("fetch", "Download a Debian kernel and cache its vmlinux");
  auto fetch_args = std::make_shared<FetchOptions>();
  fetch->add_option(
      "--version", fetch_args->version,
      fmt::format("Kernel version, or 'latest' for the newest the suite offers [{}]", kDefaultKernelVersion));
  fetch->add_option("--suite", fetch_args->suite,
                    fmt::format("Debian suite to fetch from, e.g. trixie-backports [{}]", kDefaultSuite));
  fetch->add_flag("--force", fetch_args->force, "Download again even if already cached");
  fetch->callback([&selected, fetch_args] { selected = [fetch_args] { return do_fetch(*fetch_args); }; });

  auto* clean = kernel->add_subcommand("clean", "Remove one cached kernel, or all of them");
  auto clean_args = std::make_shared<CleanArgs>();
  clean->add_option("VERSION", clean_args->version, "Cached kernel version to remove");
  clean->add_flag("--all", clean_args->all, "Remove every cached kernel, unpacked local image and apt package list");
  clean->callback([&selected, clean_args] { selected = [clean_args] { return do_clean(*clean_args); }; });

  auto* path = kernel->add_subcommand("path", "Print the vmlinux path of the kernel a run would boot");
  auto path_args = std::make_shared<ShowArgs>();
  path->add_option("--kernel", path_args->kernel, "Kernel spec (path or cached version); see discovery order");
  path->footer(discovery);
  path->callback([&selected, path_args] { selected = [path_args] { return do_path(*path_args); }; });

  auto* show = kernel->add_subcommand("show", "Describe the kernel a run would boot: version, paths, options");
  auto show_args = std::make_shared<ShowArgs>();
  show->add_option("--kernel", show_args->kernel, "Kernel spec (path or cached version); see discovery order");
  show->add_flag("--json", show_args->json, "Print JSON");
  show->footer(discovery);
  show->callback([&selected, show_args] { selected = [show_args] { return do_show(*show_args); }; });
  kernel->footer(discovery);  // last, so the subcommands above do not inherit it
}

}  // namespace ktstr::cli
