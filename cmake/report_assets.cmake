# The HTML report's script and stylesheet live as ordinary files in
# src/report/assets/ and are compiled into ktstr_report at build time
# (src/report/assets.hpp declares the accessors).
set(_report_assets js=${PROJECT_SOURCE_DIR}/src/report/assets/report.js
                   css=${PROJECT_SOURCE_DIR}/src/report/assets/report.css)
set(_report_assets_cpp ${PROJECT_BINARY_DIR}/generated/report_assets.cpp)
set(_report_asset_files)
foreach(_a ${_report_assets})
  string(REGEX REPLACE "^[^=]*=" "" _f "${_a}")
  list(APPEND _report_asset_files ${_f})
endforeach()
# '|' separates the list on the command line (a ';' would split it).
string(REPLACE ";" "|" _report_assets_arg "${_report_assets}")
add_custom_command(OUTPUT ${_report_assets_cpp}
                   COMMAND ${CMAKE_COMMAND} -DOUT=${_report_assets_cpp} -DNAMESPACE=ktstr::report::assets
                           "-DASSETS=${_report_assets_arg}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_assets.cmake
                   DEPENDS ${_report_asset_files} ${PROJECT_SOURCE_DIR}/cmake/embed_assets.cmake
                   COMMENT "Embedding the report's JS and CSS" VERBATIM)
target_sources(ktstr_report PRIVATE ${_report_assets_cpp})
