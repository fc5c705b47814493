#pragma once
// The version of ktstr (the command reports it with --version; the CMake
// package carries the same number).
#define KTSTR_VERSION_MAJOR 0
#define KTSTR_VERSION_MINOR 1
#define KTSTR_VERSION_PATCH 0
#define KTSTR_VERSION_STRING "0.1.0"
