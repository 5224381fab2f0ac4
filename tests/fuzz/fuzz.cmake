if(LEAKGATE_BUILD_TESTS)
  # The smaps fuzz target, replayed over the real fixtures and their mutations (any compiler),
  # under the sanitizers when the sanitized core is built.
  set(LEAKGATE_FUZZ_CORE leakgate_core)
  if(LEAKGATE_SANITIZED_TESTS)
    set(LEAKGATE_FUZZ_CORE leakgate_core_sanitized)
  endif()
  add_executable(smaps_fuzz_replay ${CMAKE_CURRENT_LIST_DIR}/smaps_fuzz.cpp ${CMAKE_CURRENT_LIST_DIR}/replay_main.cpp)
  target_link_libraries(smaps_fuzz_replay PRIVATE ${LEAKGATE_FUZZ_CORE} leakgate_warnings)
  file(GLOB LEAKGATE_FUZZ_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/proc/*)
  add_test(NAME fuzz.smaps_replay COMMAND smaps_fuzz_replay ${LEAKGATE_FUZZ_SEEDS})
  set_tests_properties(fuzz.smaps_replay PROPERTIES LABELS fuzz)

  option(LEAKGATE_FUZZ "Build the libFuzzer target (needs clang)" OFF)
  if(LEAKGATE_FUZZ)
    add_executable(smaps_fuzz ${CMAKE_CURRENT_LIST_DIR}/smaps_fuzz.cpp)
    target_compile_options(smaps_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(smaps_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(smaps_fuzz PRIVATE leakgate_core)
  endif()
endif()

