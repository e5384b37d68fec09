#include "cli/commands.h"

int main(int argc, char** argv) { return bt::cli::serve_main(argc, argv); }
