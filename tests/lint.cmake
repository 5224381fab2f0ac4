# clang-format and clang-tidy checks, registered as ctest tests (label lint).
# Both run scripts/lint.py, which finds the tools when the test runs (clang-format-14 and
# clang-tidy-14, Debian packages of those names), so configuring needs neither.
if(LEAKGATE_BUILD_TESTS)
  set(LEAKGATE_LINT ${PROJECT_SOURCE_DIR}/scripts/lint.py)

  # Every *.cpp and *.h of harness/, tests/ (but fixtures), scenarios/lib/cpp and
  # scenarios/apps/native, as .clang-format says.
  add_test(NAME lint.clang_format COMMAND ${LEAKGATE_LINT} format)
  set_tests_properties(lint.clang_format PROPERTIES LABELS lint TIMEOUT 120)

  # The checks of .clang-tidy over the harness sources of this build's compile_commands.json,
  # each file once (the sanitized and fuzz builds of a file are skipped), in parallel on every
  # core: ctest is told, so it runs nothing else meanwhile. The tests' sources (a third of the
  # time, which CI's 30 minutes do not leave) are checked by `scripts/lint.py tidy -p build`
  # before a commit that touches them.
  cmake_host_system_information(RESULT LEAKGATE_LINT_JOBS QUERY NUMBER_OF_LOGICAL_CORES)
  add_test(NAME lint.clang_tidy
           COMMAND ${LEAKGATE_LINT} tidy -p ${PROJECT_BINARY_DIR} -j ${LEAKGATE_LINT_JOBS}
                   "^harness/")
  set_tests_properties(lint.clang_tidy PROPERTIES LABELS lint TIMEOUT 1200
                                                  PROCESSORS ${LEAKGATE_LINT_JOBS})
endif()
