#include "kernel/apt_repo.hpp"

#include <sstream>

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/log.hpp"
#include "util/process.hpp"

namespace ktstr::kernel {
namespace fs = std::filesystem;
namespace {

constexpr auto kAptTimeout = std::chrono::minutes(5);
constexpr const char* kDefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

// Last few lines of apt's stderr: enough to show the cause, not a wall.
std::string tail(const std::string& s, size_t max_lines = 6) {
  auto lines = split(trim(s), '\n');
  size_t from = lines.size() > max_lines ? lines.size() - max_lines : 0;
  std::string out;
  for (size_t i = from; i < lines.size(); ++i) out += "\n  " + lines[i];
  return out;
}

RunResult run_apt(const std::vector<std::string>& argv, const fs::path& cwd = {}) {
  if (!find_in_path(argv[0])) fail("{} not found; fetching kernels needs apt (Debian)", argv[0]);
  // `apt-get download` writes into its working directory; run_capture has
  // no cwd option, so let coreutils' env change it.
  std::vector<std::string> cmd;
  if (!cwd.empty()) cmd = {"env", "-C", cwd.string()};
  cmd.insert(cmd.end(), argv.begin(), argv.end());
  auto r = run_capture(cmd, kAptTimeout);
  if (r.timed_out) fail("{} {} timed out after {} minutes", argv[0], argv.back(), kAptTimeout.count());
  return r;
}

bool has_package_lists(const fs::path& lists) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(lists, ec))
    if (e.path().filename().string().find("_Packages") != std::string::npos) return true;
  return false;
}

}  // namespace

std::string sources_list_line(const ArchiveLocation& archive, const std::string& suite) {
  std::string keyring = archive.keyring;
  std::error_code ec;
  if (keyring.empty() && fs::exists(kDefaultKeyring, ec)) keyring = kDefaultKeyring;
  std::string opts = keyring.empty() ? "" : fmt::format("[signed-by={}] ", keyring);
  return fmt::format("deb {}{} {} main\n", opts, archive.uri, suite);
}

std::vector<std::string> private_apt_options(const fs::path& d) {
  return {
      "-q",
      "-oDir::Etc::SourceList=" + (d / "sources.list").string(),
      "-oDir::Etc::SourceParts=/dev/null",
      // System pinning is about the system's suites, not ours.
      "-oDir::Etc::Preferences=/dev/null",
      "-oDir::Etc::PreferencesParts=/dev/null",
      "-oDir::State::Lists=" + (d / "lists").string(),
      // Dir::Cache also holds pkgcache.bin: without this apt-cache would
      // rewrite the system's cache from our lists.
      "-oDir::Cache=" + (d / "cache").string(),
      "-oDir::Cache::Archives=" + (d / "archives").string(),
      "-oAPT::Architecture=amd64",
      "-oAPT::Architectures=amd64",
      // Downloads land in our own directory; the _apt sandbox user may not
      // be able to write there, and apt warns about it when run as root.
      "-oAPT::Sandbox::User=root",
  };
}

AptRepo::AptRepo(fs::path state_dir, ArchiveLocation archive, std::string suite)
    : dir_(std::move(state_dir)), archive_(std::move(archive)), suite_(std::move(suite)) {
  std::error_code ec;
  for (const char* sub : {"lists/partial", "cache", "archives/partial"}) {
    fs::create_directories(dir_ / sub, ec);
    if (ec) fail("cannot create {}: {}", (dir_ / sub).string(), ec.message());
  }
  std::string line = sources_list_line(archive_, suite_);
  if (try_read_file(dir_ / "sources.list") != line) write_file_atomic(dir_ / "sources.list", line);
}

std::vector<std::string> AptRepo::command(const char* tool, const std::vector<std::string>& args) const {
  std::vector<std::string> cmd{tool};
  for (auto& o : private_apt_options(dir_)) cmd.push_back(o);
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

void AptRepo::update() {
  auto r = run_apt(command("apt-get", {"update"}));
  bool failed_fetch =
      r.err.find("Failed to fetch") != std::string::npos || r.err.find("failed to download") != std::string::npos;
  if (!r.status.ok() || (failed_fetch && !has_package_lists(dir_ / "lists")))
    fail("cannot download the package list of Debian suite '{}' from {} ({}):{}", suite_, archive_.uri,
         r.status.describe(), tail(r.err));
  if (failed_fetch)
    log::warn("apt could not refresh the '{}' package list; using the previous one:{}", suite_, tail(r.err));
}

std::vector<PackageRecord> AptRepo::find_packages(std::string_view regex) const {
  auto r = run_apt(command("apt-cache", {"search", "--names-only", "--full", std::string(regex)}));
  if (!r.status.ok()) fail("apt-cache search failed ({}):{}", r.status.describe(), tail(r.err));
  return parse_package_records(r.out);
}

std::vector<fs::path> AptRepo::download(const std::vector<std::string>& packages, const fs::path& dir) const {
  std::vector<std::string> args{"download"};
  args.insert(args.end(), packages.begin(), packages.end());
  auto r = run_apt(command("apt-get", args), dir);
  if (!r.status.ok())
    fail("cannot download {} from {} ({}):{}", fmt::join(packages, ", "), archive_.uri, r.status.describe(),
         tail(r.err));
  std::vector<fs::path> out;
  for (const auto& package : packages) {
    std::error_code ec;
    size_t before = out.size();
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      auto name = e.path().filename().string();
      if (name.rfind(package + "_", 0) == 0 && e.path().extension() == ".deb") {
        out.push_back(e.path());
        break;
      }
    }
    if (out.size() == before) fail("apt-get download {} succeeded but left no .deb in {}", package, dir.string());
  }
  return out;
}

void dpkg_extract(const fs::path& deb, const fs::path& dest) {
  if (!find_in_path("dpkg")) fail("dpkg not found; unpacking kernel packages needs it");
  auto r = run_capture({"dpkg", "-x", deb.string(), dest.string()}, kAptTimeout);
  if (r.timed_out || !r.status.ok())
    fail("cannot unpack {} ({}):{}", deb.string(), r.timed_out ? "timed out" : r.status.describe(), tail(r.err));
}

}  // namespace ktstr::kernel
