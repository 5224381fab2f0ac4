# clang-format and clang-tidy checks, registered as ctest tests (label lint): scripts/lint.py.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME lint.clang_format COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/lint.py
                                          format)
  set_tests_properties(lint.clang_format PROPERTIES LABELS lint TIMEOUT 300)
endif()
