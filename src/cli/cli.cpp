#include "cli/cli.hpp"

namespace ktstr::cli {
int main(int, char**) { return 0; }
}
