# Fuzz targets for every parser of untrusted text (docs/fuzzing.md). Each tests/fuzz/<name>_fuzz.cpp
# defines LLVMFuzzerTestOneInput and is built twice:
#   - <name>_fuzz_replay (any compiler, in ctest as fuzz.<name>_replay): replay_main.cpp runs the
#     target over its seeds, their deterministic mutations and the reproducers in
#     tests/fuzz/regressions/<name>/, under ASan + UBSan when the sanitized core is built;
#   - <name>_fuzz (clang with -DLEAKGATE_FUZZ=ON, in the tree scripts/fuzz.sh configures): the
#     libFuzzer binary, run briefly in ctest (fuzz.<name>_libfuzzer) and at length by hand.
if(NOT LEAKGATE_BUILD_TESTS)
  return()
endif()

set(LEAKGATE_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})

# name, then SEEDS (globs under the project folder; tests/fuzz/seeds/<name>/* is always added) and
# OPTIONS (libFuzzer flags, e.g. a max_len that keeps a target fast on large captures).
set(LEAKGATE_FUZZ_TARGETS)
function(leakgate_fuzz_target name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SEEDS;OPTIONS")
  set(globs ${LEAKGATE_FUZZ_DIR}/seeds/${name}/*)
  foreach(glob IN LISTS arg_SEEDS)
    list(APPEND globs ${PROJECT_SOURCE_DIR}/${glob})
  endforeach()
  file(GLOB seeds CONFIGURE_DEPENDS ${globs})
  file(GLOB regressions CONFIGURE_DEPENDS ${LEAKGATE_FUZZ_DIR}/regressions/${name}/*)
  list(SORT seeds)
  list(SORT regressions)
  set(options ${arg_OPTIONS})
  if(EXISTS ${LEAKGATE_FUZZ_DIR}/dicts/${name}.dict)
    list(APPEND options -dict=${LEAKGATE_FUZZ_DIR}/dicts/${name}.dict)
  endif()
  set(LEAKGATE_FUZZ_TARGETS ${LEAKGATE_FUZZ_TARGETS} ${name} PARENT_SCOPE)
  set(LEAKGATE_FUZZ_${name}_SEEDS ${seeds} PARENT_SCOPE)
  set(LEAKGATE_FUZZ_${name}_REGRESSIONS ${regressions} PARENT_SCOPE)
  set(LEAKGATE_FUZZ_${name}_OPTIONS ${options} PARENT_SCOPE)
endfunction()

# Inputs are capped (max_len) so that one execution stays around 0.1 ms under the sanitizers and
# a long run reaches millions of executions: the parsers are line by line, so a capped input
# still holds every kind of line. The large captures are replayed whole; the fuzzer starts from
# their first max_len bytes and from the small seeds cut from them (tests/fuzz/seeds/derive.py).
# The /proc parsers and the memory classifier (captures up to 200 KB).
leakgate_fuzz_target(smaps SEEDS tests/fixtures/proc/* OPTIONS -max_len=2048)
# The SOS parsers see whole analyze sessions; every capture is a seed of every SOS target (the
# ones without its table reach the rejection paths).
leakgate_fuzz_target(dumpheap_stat SEEDS tests/fixtures/sos/* OPTIONS -max_len=2048)
leakgate_fuzz_target(eeheap_gc SEEDS tests/fixtures/sos/* OPTIONS -max_len=4096)
leakgate_fuzz_target(retention SEEDS tests/fixtures/sos/* OPTIONS -max_len=1024)
leakgate_fuzz_target(manifest SEEDS scenarios/*/scenario.json OPTIONS -max_len=4096)
leakgate_fuzz_target(baseline SEEDS baselines/*.json OPTIONS -max_len=2048)
leakgate_fuzz_target(known_leaks SEEDS baselines/known-leaks.json OPTIONS -max_len=2048)
# Accepted reports are rendered as Markdown, HTML and JUnit per input: the 170 KB capture is
# replayed, the fuzzer mutates trimmed copies of it.
leakgate_fuzz_target(report_merge SEEDS tests/fixtures/report/*.json OPTIONS -max_len=4096)
leakgate_fuzz_target(protocol OPTIONS -max_len=2048)
leakgate_fuzz_target(ipc_reply SEEDS tests/fixtures/ipc/*.bin OPTIONS -max_len=1024)
# The heap engine's reply lines (heapstat replies are tens of KB: the fuzzer mutates their heads).
leakgate_fuzz_target(engine_reply SEEDS tests/fixtures/engine/*.jsonl OPTIONS -max_len=4096)

# The replay binaries, on the core the unit tests use.
set(LEAKGATE_FUZZ_CORE leakgate_core)
if(LEAKGATE_SANITIZED_TESTS)
  set(LEAKGATE_FUZZ_CORE leakgate_core_sanitized)
endif()
# replay_main.cpp is compiled once for all of them.
add_library(leakgate_fuzz_replay_main OBJECT ${LEAKGATE_FUZZ_DIR}/replay_main.cpp)
target_link_libraries(leakgate_fuzz_replay_main PRIVATE ${LEAKGATE_FUZZ_CORE} leakgate_warnings)
foreach(name IN LISTS LEAKGATE_FUZZ_TARGETS)
  add_executable(${name}_fuzz_replay ${LEAKGATE_FUZZ_DIR}/${name}_fuzz.cpp
                                     $<TARGET_OBJECTS:leakgate_fuzz_replay_main>)
  target_link_libraries(${name}_fuzz_replay PRIVATE ${LEAKGATE_FUZZ_CORE} leakgate_warnings)
  add_test(NAME fuzz.${name}_replay
           COMMAND ${name}_fuzz_replay ${LEAKGATE_FUZZ_${name}_SEEDS}
                   ${LEAKGATE_FUZZ_${name}_REGRESSIONS})
  set_tests_properties(fuzz.${name}_replay PROPERTIES LABELS fuzz TIMEOUT 300)
endforeach()

option(LEAKGATE_FUZZ "Build the libFuzzer targets (needs clang; scripts/fuzz.sh sets it)" OFF)
if(LEAKGATE_FUZZ)
  # The core's sources (read from leakgate_core, so a new source is picked up) less the ones no
  # parser reaches (process control, the pipeline, the collectors, the verdict), instrumented for
  # coverage and the sanitizers: far less to compile with clang than the whole core. A link error
  # here means a parser now calls into an excluded file: take it off the list.
  set(unreached
      "^(cli|pipeline|process)/"
      "^verdict/(candidate|growth_fit|rules/|verdict)"
      "^collect/(collector_table|memory_collector|dotnet_dump|environment_probe|retention_|sos_session|sos_collector|engine_collector|heap_engine)"
      "^baseline/(baseline_recorder|calibration)"
      "^scenario/(session|step_runner)"
      "^report/(report_files|text_summary)")
  list(JOIN unreached "|" unreached)
  get_target_property(core_sources leakgate_core SOURCES)
  get_target_property(core_dir leakgate_core SOURCE_DIR)
  set(fuzz_core_sources)
  foreach(source IN LISTS core_sources)
    if(NOT source MATCHES "${unreached}")
      list(APPEND fuzz_core_sources ${core_dir}/${source})
    endif()
  endforeach()
  # Its usage requirements too (include folders, definitions, libraries), less the private ones.
  get_target_property(core_libraries leakgate_core INTERFACE_LINK_LIBRARIES)
  list(FILTER core_libraries EXCLUDE REGEX "LINK_ONLY")
  add_library(leakgate_fuzz_core STATIC ${fuzz_core_sources})
  target_include_directories(leakgate_fuzz_core
                             PUBLIC $<TARGET_PROPERTY:leakgate_core,INTERFACE_INCLUDE_DIRECTORIES>)
  target_compile_definitions(leakgate_fuzz_core
                             PUBLIC $<TARGET_PROPERTY:leakgate_core,INTERFACE_COMPILE_DEFINITIONS>)
  target_link_libraries(leakgate_fuzz_core PUBLIC ${core_libraries})
  set(sanitizers -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(leakgate_fuzz_core PUBLIC ${sanitizers} PRIVATE -fsanitize=fuzzer-no-link)
  target_link_options(leakgate_fuzz_core PUBLIC -fsanitize=address,undefined)
  leakgate_unity_build(leakgate_fuzz_core)

  # What scripts/fuzz.sh runs: the target names, and per target its seeds and libFuzzer options,
  # one per line.
  set(listing ${PROJECT_BINARY_DIR}/fuzz-targets)
  file(MAKE_DIRECTORY ${listing})
  string(REPLACE ";" "\n" names "${LEAKGATE_FUZZ_TARGETS}")
  file(WRITE ${listing}/targets "${names}\n")
  add_custom_target(leakgate_fuzzers)
  foreach(name IN LISTS LEAKGATE_FUZZ_TARGETS)
    add_executable(${name}_fuzz ${LEAKGATE_FUZZ_DIR}/${name}_fuzz.cpp)
    target_compile_options(${name}_fuzz PRIVATE -fsanitize=fuzzer)
    target_link_options(${name}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name}_fuzz PRIVATE leakgate_fuzz_core leakgate_warnings)
    add_dependencies(leakgate_fuzzers ${name}_fuzz)
    string(REPLACE ";" "\n" seeds "${LEAKGATE_FUZZ_${name}_SEEDS}")
    string(REPLACE ";" "\n" options "${LEAKGATE_FUZZ_${name}_OPTIONS}")
    file(WRITE ${listing}/${name}.seeds "${seeds}\n")
    file(WRITE ${listing}/${name}.options "${options}\n")
  endforeach()
else()
  # Every libFuzzer target for a few seconds, in a clang tree of its own (<build>/fuzz), so a
  # crash the fuzzer finds quickly fails CI. The build is one test, the runs depend on it. The
  # seed is fixed: every CI run makes the same mutations in the same order, so a red fuzz test
  # is a change of the code, not a roll of the dice; the long runs by hand (docs/fuzzing.md)
  # draw fresh seeds and go further.
  option(LEAKGATE_FUZZ_SHORT_RUNS "Run each libFuzzer target briefly in ctest (needs clang++-14)"
         ON)
  set(LEAKGATE_FUZZ_SECONDS 5 CACHE STRING "Seconds per libFuzzer target in ctest")
  if(LEAKGATE_FUZZ_SHORT_RUNS)
    set(fuzz_env LEAKGATE_FUZZ_BUILD=${PROJECT_BINARY_DIR}/fuzz)
    add_test(NAME fuzz.libfuzzer_build COMMAND ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh --build-only)
    set_tests_properties(fuzz.libfuzzer_build PROPERTIES LABELS fuzz TIMEOUT 1800
                         ENVIRONMENT "${fuzz_env}" FIXTURES_SETUP leakgate_libfuzzer)
    foreach(name IN LISTS LEAKGATE_FUZZ_TARGETS)
      add_test(NAME fuzz.${name}_libfuzzer
               COMMAND ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh --no-build --fresh -seed=20041215
                       ${LEAKGATE_FUZZ_SECONDS} ${name})
      set_tests_properties(fuzz.${name}_libfuzzer PROPERTIES LABELS fuzz TIMEOUT 300
                           ENVIRONMENT "${fuzz_env}" FIXTURES_REQUIRED leakgate_libfuzzer)
    endforeach()
  endif()
endif()
