#pragma once
// The page's script and stylesheet: src/report/assets/report.{js,css},
// compiled in by cmake/report_assets.cmake (generated report_assets.cpp).
#include <string_view>

namespace ktstr::report::assets {

std::string_view js();
std::string_view css();

}  // namespace ktstr::report::assets
