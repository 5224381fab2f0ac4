# clang-format and clang-tidy checks, registered as ctest tests (label lint).
