#include "cli/commands.h"

int main(int argc, char** argv) { return bt::cli::main_entry(argc, argv); }
