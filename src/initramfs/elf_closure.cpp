#include "initramfs/elf_closure.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "initramfs/elf_info.hpp"
#include "util/error.hpp"

namespace ktstr::initramfs {
namespace fs = std::filesystem;
namespace {

// An object loaded into the (simulated) process image.
struct Object {
  ElfInfo info;
  fs::path host_origin;     // $ORIGIN on the host: directory the file was found in
  std::string guest_origin; // $ORIGIN in the guest
  std::string name;         // for error messages
  int loader = -1;          // index of the object whose DT_NEEDED loaded it
};

struct SearchDir {
  fs::path host;
  std::string guest;
};

struct Found {
  fs::path host;       // path as found (may be a symlink)
  std::string guest;
  ElfInfo info;
};

std::string join_guest(const std::string& dir, const std::string& name) {
  return fs::path(dir + "/" + name).lexically_normal().string();
}

// Expands $ORIGIN / ${ORIGIN}; nullopt for entries the guest cannot honour
// ($LIB, $PLATFORM, relative paths that depend on the working directory).
std::optional<SearchDir> expand(const std::string& entry, const Object& o) {
  std::string host = entry, guest = entry;
  for (const char* tok : {"${ORIGIN}", "$ORIGIN"}) {
    std::string t = tok;
    for (size_t p; (p = host.find(t)) != std::string::npos;) host.replace(p, t.size(), o.host_origin.string());
    for (size_t p; (p = guest.find(t)) != std::string::npos;) guest.replace(p, t.size(), o.guest_origin);
  }
  if (host.find('$') != std::string::npos || host.empty() || host[0] != '/') return std::nullopt;
  return SearchDir{fs::path(host).lexically_normal(), fs::path(guest).lexically_normal().string()};
}

class Resolver {
 public:
  Resolver(const LibrarySearch& s, std::string exe) : search_(s), exe_(std::move(exe)) {}

  std::vector<SearchDir> dirs_for(const std::vector<Object>& objs, int idx) const {
    std::vector<SearchDir> dirs;
    auto add = [&](const std::vector<std::string>& entries, const Object& o) {
      for (const auto& e : entries)
        if (auto d = expand(e, o)) dirs.push_back(*d);
    };
    const Object& me = objs[static_cast<size_t>(idx)];
    if (me.info.runpath.empty()) {
      for (int i = idx; i >= 0; i = objs[static_cast<size_t>(i)].loader)
        if (objs[static_cast<size_t>(i)].info.runpath.empty())
          add(objs[static_cast<size_t>(i)].info.rpath, objs[static_cast<size_t>(i)]);
    } else {
      add(me.info.runpath, me);
    }
    for (const auto& d : search_.conf_dirs) dirs.push_back({d, guest_dir_for(d)});
    for (const auto& d : search_.default_dirs) dirs.push_back({d, guest_dir_for(d)});
    return dirs;
  }

  Found find(const std::string& name, const std::vector<Object>& objs, int idx) const {
    const Object& req = objs[static_cast<size_t>(idx)];
    if (name.find('/') != std::string::npos) {  // a path, used as is
      auto info = try_read_elf_info(name);
      if (!info || name[0] != '/')
        fail("{}: library {} needed by {} not found", exe_, name, req.name);
      return {name, fs::path(name).lexically_normal().string(), *info};
    }
    std::vector<SearchDir> dirs = dirs_for(objs, idx);
    for (const auto& d : dirs) {
      fs::path cand = d.host / name;
      std::error_code ec;
      if (!fs::is_regular_file(cand, ec)) continue;
      auto info = try_read_elf_info(cand);
      // Like ld.so, skip libraries of another class or machine (e.g. i386
      // libraries in a biarch directory) and keep searching.
      if (!info || info->elf_class != req.info.elf_class || info->machine != req.info.machine)
        continue;
      return {cand, join_guest(d.guest, name), *info};
    }
    std::string searched;
    for (const auto& d : dirs) searched += (searched.empty() ? "" : ":") + d.host.string();
    fail("{}: library {} needed by {} not found (searched {})", exe_, name, req.name, searched);
  }

 private:
  // A host directory the guest loader does not search (no ld.so.cache in the
  // guest) maps to the guest's first system directory.
  std::string guest_dir_for(const fs::path& host_dir) const {
    const auto& sys = search_.guest_system_dirs;
    if (sys.empty() || std::find(sys.begin(), sys.end(), host_dir.string()) != sys.end())
      return host_dir.string();
    return sys.front();
  }

  const LibrarySearch& search_;
  std::string exe_;
};

fs::path real(const fs::path& p, const std::string& exe) {
  std::error_code ec;
  fs::path r = fs::canonical(p, ec);
  if (ec) fail("{}: cannot resolve {}: {}", exe, p.string(), ec.message());
  return r;
}

void add_dep(std::map<std::string, fs::path>& out, const std::string& guest, const fs::path& host,
             const std::string& exe) {
  auto [it, inserted] = out.emplace(guest, host);
  if (!inserted && it->second != host)
    fail("{}: guest path {} would need both {} and {}", exe, guest, it->second.string(),
         host.string());
}

void closure_of(const ClosureRoot& root, const LibrarySearch& search,
                std::map<std::string, fs::path>& out) {
  const std::string exe = root.host.string();
  std::vector<Object> objs;
  objs.push_back({read_elf_info(root.host), real(root.host, exe).parent_path(),
                  fs::path(root.guest).lexically_normal().parent_path().string(), exe, -1});
  if (objs[0].info.is_static()) return;

  // Names already loaded, as ld.so matches them: by DT_NEEDED name and soname.
  std::map<std::string, int> loaded;
  if (const auto& interp = objs[0].info.interp) {
    std::error_code ec;
    if (!fs::exists(*interp, ec)) fail("{}: program interpreter {} not found", exe, *interp);
    add_dep(out, *interp, real(*interp, exe), exe);
    // libc's DT_NEEDED on the loader must resolve to the running loader, not
    // a second copy in a library directory.
    loaded[fs::path(*interp).filename().string()] = 0;
    if (auto li = try_read_elf_info(*interp); li && li->soname) loaded[*li->soname] = 0;
  }

  Resolver resolver(search, exe);
  for (size_t i = 0; i < objs.size(); ++i) {
    std::vector<std::string> needed = objs[i].info.needed;  // objs may grow below
    for (const auto& name : needed) {
      if (loaded.count(name)) continue;
      Found f = resolver.find(name, objs, static_cast<int>(i));
      add_dep(out, f.guest, real(f.host, exe), exe);
      int idx = static_cast<int>(objs.size());
      loaded[name] = idx;
      if (f.info.soname) loaded.emplace(*f.info.soname, idx);
      objs.push_back({std::move(f.info), f.host.parent_path(),
                      fs::path(f.guest).parent_path().string(), f.host.string(),
                      static_cast<int>(i)});
    }
  }
}

}  // namespace

std::vector<Dependency> elf_closure(const std::vector<ClosureRoot>& roots,
                                    const LibrarySearch& search) {
  std::map<std::string, fs::path> out;  // sorted by guest path: deterministic
  for (const auto& r : roots) closure_of(r, search, out);
  std::vector<Dependency> deps;
  for (auto& [g, h] : out) deps.push_back({g, h});
  return deps;
}

std::vector<Dependency> elf_closure(const fs::path& exe) {
  return elf_closure({ClosureRoot{exe, fs::absolute(exe).lexically_normal().string()}});
}

}  // namespace ktstr::initramfs
