// main() for KTSTR_TEST binaries (link ktstr::gtest_main), like gtest_main.
#include "ktstr/test/ktstr_test.hpp"

int main(int argc, char** argv) { return ktstr::test_main(argc, argv); }
