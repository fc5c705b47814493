#include "chromium.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace ktstr::browsertest {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& what) { throw std::runtime_error(what); }

std::string base64_decode(const std::string& in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (unsigned char c : in) {
    auto p = chars.find(static_cast<char>(c));
    if (p == std::string::npos) continue;  // '=' padding, whitespace
    val = (val << 6) + static_cast<int>(p);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

// A fd of the pipe at >= 10, so dup2 onto 3 and 4 in the child never hits
// the same number (dup2 onto itself would keep O_CLOEXEC).
int high_fd(int fd) {
  int h = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  ::close(fd);
  if (h < 0) die(std::string("fcntl: ") + std::strerror(errno));
  return h;
}

std::string describe(const json& m) {
  const std::string method = m.value("method", "");
  const json& p = m.contains("params") ? m["params"] : json::object();
  if (method == "Runtime.exceptionThrown") {
    const json& d = p.value("exceptionDetails", json::object());
    std::string text = d.value("text", "");
    if (d.contains("exception")) text += " " + d["exception"].value("description", "");
    return "uncaught exception: " + text;
  }
  if (method == "Runtime.consoleAPICalled") {
    std::string text;
    for (const auto& a : p.value("args", json::array()))
      text += (text.empty() ? "" : " ") + (a.contains("value") ? (a["value"].is_string() ? a["value"].get<std::string>()
                                                                                          : a["value"].dump())
                                                               : a.value("description", ""));
    return "console." + p.value("type", "") + ": " + text;
  }
  if (method == "Log.entryAdded") {
    const json& e = p.value("entry", json::object());
    return "log " + e.value("level", "") + " (" + e.value("source", "") + "): " + e.value("text", "") + " " +
           e.value("url", "");
  }
  return m.dump();
}

}  // namespace

Chromium::Chromium(const std::string& binary, std::chrono::seconds deadline)
    : deadline_(Clock::now() + deadline) {
  if (::access(binary.c_str(), X_OK) != 0) die(binary + " is not an executable (scripts/bootstrap.sh installs chromium)");
  // A browser that died must not kill the test with SIGPIPE on our next write.
  std::signal(SIGPIPE, SIG_IGN);
  std::string tmpl = (fs::temp_directory_path() / "ktstr-chromium-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) die(std::string("mkdtemp: ") + std::strerror(errno));
  profile_ = tmpl;
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) die(std::string("pipe: ") + std::strerror(errno));
  int child_in = high_fd(in[0]), child_out = high_fd(out[1]);
  to_browser_ = high_fd(in[1]);
  from_browser_ = high_fd(out[0]);
  std::string log = (profile_ / "chromium.log").string();
  // These flags are what headless Chromium needs as root on a machine
  // without network, GPU or D-Bus (README "Reports").
  std::vector<std::string> args{binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                "--disable-sync", "--disable-default-apps", "--disable-extensions",
                                "--mute-audio", "--hide-scrollbars", "--window-size=1280,900",
                                "--remote-debugging-pipe", "--user-data-dir=" + profile_.string(), "about:blank"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) die(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Async-signal-safe only until exec.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    if (logfd >= 0) {
      ::dup2(logfd, 1);
      ::dup2(logfd, 2);
    }
    if (::dup2(child_in, 3) < 0 || ::dup2(child_out, 4) < 0) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // both sides, so a kill of the group cannot race the child's own setpgid
  ::close(child_in);
  ::close(child_out);
  try {
    call("Browser.getVersion");
  } catch (...) {
    shutdown();
    throw;
  }
}

Chromium::~Chromium() { shutdown(); }

void Chromium::shutdown() {
  if (pid_ > 0) {
    // Ask politely (a short deadline of its own), then end the whole group.
    if (to_browser_ >= 0) {
      json close{{"id", next_id_++}, {"method", "Browser.close"}};
      std::string s = close.dump();
      s.push_back('\0');
      (void)!::write(to_browser_, s.data(), s.size());
    }
    auto until = Clock::now() + std::chrono::seconds(3);
    int status = 0;
    bool reaped = false;
    while (Clock::now() < until) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno == ECHILD)) {
        reaped = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Renderer and utility processes share the group; none may outlive us.
    ::kill(-pid_, SIGKILL);
    if (!reaped) ::waitpid(pid_, &status, 0);
    // The others are reaped by whoever inherited them; wait until the
    // group is empty so the profile directory is no longer in use.
    for (int i = 0; i < 250 && ::kill(-pid_, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    pid_ = -1;
  }
  if (to_browser_ >= 0) ::close(to_browser_);
  if (from_browser_ >= 0) ::close(from_browser_);
  to_browser_ = from_browser_ = -1;
  if (!profile_.empty()) {
    std::error_code ec;
    // The group's last processes may still be exiting and writing; retry briefly.
    for (int i = 0; i < 20; ++i) {
      fs::remove_all(profile_, ec);
      if (!fs::exists(profile_)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    profile_.clear();
  }
}

void Chromium::send(const json& m) {
  std::string s = m.dump();
  s.push_back('\0');
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(to_browser_, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die("the browser closed its pipe (" + std::string(std::strerror(errno)) + ")");
    off += static_cast<size_t>(n);
  }
}

json Chromium::read_message() {
  for (;;) {
    if (auto nul = buffer_.find('\0'); nul != std::string::npos) {
      std::string msg = buffer_.substr(0, nul);
      buffer_.erase(0, nul + 1);
      return json::parse(msg);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
    if (left <= 0) die("the browser did not answer before the test's deadline");
    pollfd p{from_browser_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (r < 0 && errno != EINTR) die(std::string("poll: ") + std::strerror(errno));
    if (r <= 0) continue;
    char buf[65536];
    ssize_t n = ::read(from_browser_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die("the browser exited (see its log in the profile directory)");
    buffer_.append(buf, static_cast<size_t>(n));
  }
}

void Chromium::on_event(const json& m) { events_.push_back(m); }

json Chromium::call(const std::string& method, json params, const std::string& session) {
  int id = next_id_++;
  json m{{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (!session.empty()) m["sessionId"] = session;
  send(m);
  for (;;) {
    json r = read_message();
    if (r.contains("id") && r["id"] == id) {
      if (r.contains("error")) die(method + " failed: " + r["error"].dump());
      return r.value("result", json::object());
    }
    if (r.contains("method")) on_event(r);
  }
}

PageResult Chromium::load(const fs::path& html, const std::string& probe, const fs::path& screenshot) {
  PageResult out;
  events_.clear();
  std::string target = call("Target.createTarget", {{"url", "about:blank"}})["targetId"];
  std::string s = call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"];
  call("Runtime.enable", json::object(), s);
  call("Log.enable", json::object(), s);
  call("Page.enable", json::object(), s);
  call("Network.enable", json::object(), s);
  auto t0 = Clock::now();
  std::string url = "file://" + fs::absolute(html).string();
  json nav = call("Page.navigate", {{"url", url}}, s);
  if (nav.contains("errorText")) die("navigation to " + url + " failed: " + nav["errorText"].get<std::string>());
  // Until the load event of this session (events before it are kept).
  auto loaded = [&] {
    for (const auto& e : events_)
      if (e.value("method", "") == "Page.loadEventFired" && e.value("sessionId", "") == s) return true;
    return false;
  };
  while (!loaded()) {
    json m = read_message();
    if (m.contains("method")) on_event(m);
  }
  out.load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  json ev = call("Runtime.evaluate", {{"expression", probe}, {"returnByValue", true}, {"awaitPromise", true}}, s);
  if (ev.contains("exceptionDetails")) out.errors.push_back("probe threw: " + ev["exceptionDetails"].dump());
  out.probe = ev["result"].value("value", json());
  if (!screenshot.empty()) {
    // The whole page, not just the 900-pixel viewport.
    json metrics = call("Page.getLayoutMetrics", json::object(), s);
    const json& size = metrics.contains("cssContentSize") ? metrics["cssContentSize"] : metrics["contentSize"];
    double w = size.value("width", 1280.0), h = std::min(size.value("height", 900.0), 6000.0);
    json shot = call("Page.captureScreenshot",
                     {{"format", "png"}, {"captureBeyondViewport", true},
                      {"clip", {{"x", 0}, {"y", 0}, {"width", w}, {"height", h}, {"scale", 1}}}},
                     s);
    std::ofstream(screenshot, std::ios::binary) << base64_decode(shot.value("data", ""));
  }
  for (const auto& e : events_) {
    if (e.value("sessionId", "") != s) continue;
    std::string method = e.value("method", "");
    const json& p = e.contains("params") ? e["params"] : json::object();
    if (method == "Runtime.exceptionThrown") out.errors.push_back(describe(e));
    else if (method == "Runtime.consoleAPICalled" && (p.value("type", "") == "error" || p.value("type", "") == "assert"))
      out.errors.push_back(describe(e));
    else if (method == "Log.entryAdded" && p.value("entry", json::object()).value("level", "") == "error")
      out.errors.push_back(describe(e));
    else if (method == "Network.requestWillBeSent")
      out.requests.push_back(p.value("request", json::object()).value("url", ""));
  }
  call("Target.closeTarget", {{"targetId", target}});
  return out;
}

}  // namespace ktstr::browsertest
