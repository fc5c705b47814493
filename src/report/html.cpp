#include "report/html.hpp"

#include <fmt/format.h>

#include "report/assets.hpp"
#include "report/model.hpp"

namespace ktstr::report {

std::string json_for_script(const nlohmann::json& j) {
  // ensure_ascii: every non-ASCII character (U+2028/2029 included) becomes
  // a \uXXXX escape; invalid UTF-8 in a record (guest output) is replaced
  // rather than making dump() throw.
  std::string s = j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (char c : s) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// The stylesheet and script are ours, but a "</style>" or "</script>" in
// them would still end the element early: refuse to build such a page.
std::string_view checked(std::string_view asset, std::string_view closing) {
  std::string lower(asset);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find(closing) != std::string::npos)
    throw std::logic_error(fmt::format("report asset contains {}", closing));
  return asset;
}

std::string title_of(const std::vector<nlohmann::json>& records) {
  std::string run;
  for (const auto& r : records)
    if (r.value("run_id", "") != "") {
      run = r.value("run_id", "");
      break;
    }
  size_t n = records.size();
  return fmt::format("ktstr report{}{} — {} test{}", run.empty() ? "" : " — run ", run, n, n == 1 ? "" : "s");
}

}  // namespace

std::string render_html(const std::vector<nlohmann::json>& records, const nlohmann::json& compare) {
  nlohmann::json model = report_model(records, compare);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // Nothing may be fetched: no network, and no inline code but ours.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n";
  out += fmt::format("<title>{}</title>\n", html_escape(title_of(records)));
  out += "<style>\n";
  out += checked(assets::css(), "</style");
  out += "</style>\n</head>\n<body>\n";
  out += "<main id=\"ktstr-report\"><noscript>This report is drawn by JavaScript; enable it to see the "
         "timelines and tables.</noscript></main>\n";
  out += "<script type=\"application/json\" id=\"ktstr-data\">";
  out += json_for_script(model);
  out += "</script>\n<script>\n";
  out += checked(checked(assets::js(), "</script"), "<!--");
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace ktstr::report
