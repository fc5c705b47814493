#pragma once
// ktstr's public API for test authors grows here (DESIGN.md: a KTSTR_TEST
// macro, scenario builders); for now, the version the binary reports.
#define KTSTR_VERSION_MAJOR 0
#define KTSTR_VERSION_MINOR 1
#define KTSTR_VERSION_PATCH 0
#define KTSTR_VERSION_STRING "0.1.0"
