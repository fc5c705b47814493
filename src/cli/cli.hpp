#pragma once

namespace ktstr::cli {
int main(int argc, char** argv);
}
