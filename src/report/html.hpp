#pragma once
// `ktstr report`'s page: one self-contained HTML file. The data (model.hpp)
// travels as JSON in a <script type="application/json"> element; the
// inlined script (assets/report.js) draws it; nothing is fetched.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktstr::report {

// records: contract-shaped (records.hpp); compare: a validated compare
// document or null.
std::string render_html(const std::vector<nlohmann::json>& records, const nlohmann::json& compare = nullptr);

// JSON text safe inside a <script> element: '<', '>' and '&' (which JSON
// only has inside strings) become \u003c \u003e \u0026, so no "</script>"
// or "<!--" can end or confuse the element; U+2028/2029 are escaped too
// (valid in JSON, historically not in JS string literals).
std::string json_for_script(const nlohmann::json& j);

// Text safe in HTML element content and attribute values.
std::string html_escape(std::string_view s);

}  // namespace ktstr::report
