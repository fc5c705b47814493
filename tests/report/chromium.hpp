#pragma once
// Headless Chromium driven through the DevTools protocol over
// --remote-debugging-pipe: the browser reads NUL-terminated JSON commands
// on fd 3 and writes replies and events on fd 4. Enough of the protocol to
// load a page, collect everything that went wrong on it (uncaught
// exceptions, console errors, log errors, network requests), evaluate an
// expression and take a screenshot.
//
// The browser runs in its own process group with a fresh profile in a temp
// directory; the destructor closes it (Browser.close, then SIGKILL to the
// group after a grace period) and removes the directory on every path.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktstr::browsertest {

struct PageResult {
  std::vector<std::string> errors;    // exceptions, console errors, log errors (with their text)
  std::vector<std::string> requests;  // every URL the page requested
  nlohmann::json probe;               // the value of the probe expression
  double load_ms = 0;                 // navigate -> load event
};

class Chromium {
 public:
  // Error (std::runtime_error) if the binary is missing or the browser
  // does not answer within `deadline`.
  Chromium(const std::string& binary, std::chrono::seconds deadline);
  ~Chromium();
  Chromium(const Chromium&) = delete;
  Chromium& operator=(const Chromium&) = delete;

  // Opens `html` in a new tab, waits for its load event, evaluates `probe`
  // (an expression returning a JSON-serialisable value) and, if
  // `screenshot` is not empty, saves a PNG of the whole page there.
  PageResult load(const std::filesystem::path& html, const std::string& probe,
                  const std::filesystem::path& screenshot = {});

  pid_t pid() const { return pid_; }

 private:
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::object(),
                      const std::string& session = "");
  // Reads one message (deadline-bounded); events go to on_event().
  nlohmann::json read_message();
  void on_event(const nlohmann::json& m);
  void send(const nlohmann::json& m);
  void shutdown();

  pid_t pid_ = -1;
  int to_browser_ = -1, from_browser_ = -1;
  std::filesystem::path profile_;
  std::chrono::steady_clock::time_point deadline_;
  std::string buffer_;
  int next_id_ = 1;
  std::vector<nlohmann::json> events_;
};

}  // namespace ktstr::browsertest
