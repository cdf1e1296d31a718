#include <iostream>

#include "guildhall/server/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  return guildhall::server::run_cli(args, guildhall::server::process_environment(), std::cout,
                                    std::cerr);
}
