# leakgate for CTest: registers each scenario as a test, so that `ctest -j N`, CTest's filtering
# (-R, -L, -LE) and its timeouts work on a leakgate suite as on any other tests.
#
#   include(path/to/leakgate/cmake/LeakGate.cmake)
#   leakgate_add_scenarios(
#     SCENARIOS_DIR <dir>          # folder of <name>/scenario.json (required)
#     BASELINES_DIR <dir>          # folder of <name>.json baselines (required)
#     [REPORT_DIR <dir>]           # each test writes <dir>/<name>/ (default: build/leakgate-reports)
#     [LEAKGATE <path>]            # the leakgate executable (default: ${LEAKGATE_EXECUTABLE}, then PATH)
#     [SCENARIOS <name>...]        # only these (default: every scenario folder, found at configure time)
#     [PREFIX <text>]              # test name prefix (default: "leakgate.")
#     [LABELS <label>...]          # added to every test, beside "leakgate" and "canary" or "gate"
#     [TIMEOUT <seconds>]          # per test (default 900)
#     [EXTRA_ARGS <arg>...])       # passed to `leakgate run` (e.g. --strict-env --keep-dumps=on-failure)
#
# A test passes when its scenario meets its expectation (leakgate's exit code 0); a leak, a
# regression or a canary that catches nothing fails it (exit 1), and so does an error (2 or 3).
# Labels: "leakgate", then "canary" for scenarios that expect a leak, "gate" for the others.
# Afterwards `leakgate report merge --out <REPORT_DIR> <REPORT_DIR>/*/` gives one report of all.
cmake_minimum_required(VERSION 3.19)  # string(JSON)

function(leakgate_add_scenarios)
  cmake_parse_arguments(PARSE_ARGV 0 LG "" "SCENARIOS_DIR;BASELINES_DIR;REPORT_DIR;LEAKGATE;PREFIX;TIMEOUT"
                        "SCENARIOS;LABELS;EXTRA_ARGS")
  if(NOT LG_SCENARIOS_DIR OR NOT LG_BASELINES_DIR)
    message(FATAL_ERROR "leakgate_add_scenarios: SCENARIOS_DIR and BASELINES_DIR are required")
  endif()
  get_filename_component(scenarios_dir "${LG_SCENARIOS_DIR}" ABSOLUTE)
  get_filename_component(baselines_dir "${LG_BASELINES_DIR}" ABSOLUTE)
  if(NOT LG_REPORT_DIR)
    set(LG_REPORT_DIR "${CMAKE_BINARY_DIR}/leakgate-reports")
  endif()
  if(NOT LG_PREFIX)
    set(LG_PREFIX "leakgate.")
  endif()
  if(NOT LG_TIMEOUT)
    set(LG_TIMEOUT 900)
  endif()
  if(NOT LG_LEAKGATE)
    if(LEAKGATE_EXECUTABLE)
      set(LG_LEAKGATE "${LEAKGATE_EXECUTABLE}")
    else()
      find_program(LG_LEAKGATE leakgate REQUIRED)
    endif()
  endif()

  if(NOT LG_SCENARIOS)
    file(GLOB manifests CONFIGURE_DEPENDS "${scenarios_dir}/*/scenario.json")
    foreach(manifest IN LISTS manifests)
      get_filename_component(dir "${manifest}" DIRECTORY)
      get_filename_component(name "${dir}" NAME)
      list(APPEND LG_SCENARIOS "${name}")
    endforeach()
    list(SORT LG_SCENARIOS)
  endif()
  if(NOT LG_SCENARIOS)
    message(FATAL_ERROR "leakgate_add_scenarios: no <name>/scenario.json under ${scenarios_dir}")
  endif()

  foreach(name IN LISTS LG_SCENARIOS)
    set(manifest "${scenarios_dir}/${name}/scenario.json")
    if(NOT EXISTS "${manifest}")
      message(FATAL_ERROR "leakgate_add_scenarios: no scenario '${name}' (${manifest})")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${manifest}")
    file(READ "${manifest}" text)
    string(JSON expect ERROR_VARIABLE json_error GET "${text}" expect)
    if(json_error)
      message(FATAL_ERROR "leakgate_add_scenarios: ${manifest}: ${json_error}")
    endif()
    if(expect STREQUAL "leak")
      set(kind canary)
    else()
      set(kind gate)
    endif()
    add_test(NAME "${LG_PREFIX}${name}"
             COMMAND "${LG_LEAKGATE}" run --quiet --scenario "${name}"
                     --scenarios-dir "${scenarios_dir}" --baselines-dir "${baselines_dir}"
                     --report-dir "${LG_REPORT_DIR}/${name}" ${LG_EXTRA_ARGS})
    set_tests_properties("${LG_PREFIX}${name}" PROPERTIES
                         LABELS "leakgate;${kind};${LG_LABELS}"
                         TIMEOUT "${LG_TIMEOUT}")
  endforeach()
endfunction()
