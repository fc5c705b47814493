// One binary, three roles: PID 1 in a guest runs guest init; otherwise the CLI.
#include "cli/cli.hpp"

int main(int argc, char** argv) { return ktstr::cli::main(argc, argv); }
