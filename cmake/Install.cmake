# What `cmake --install` puts under the prefix, and the packages CPack makes of it (.deb, .tar.gz):
#   bin/leakgate
#   lib/leakgate/heap-engine/      the heap engine (leakgate looks there, or beside itself)
#   lib/cmake/LeakGate/            find_package(LeakGate): LEAKGATE_EXECUTABLE, leakgate_add_scenarios()
#   share/leakgate/schemas/        the JSON Schemas of scenario.json and baselines
#   share/doc/leakgate/            README, the scenario and report docs
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# lib/, not the multiarch CMAKE_INSTALL_LIBDIR: leakgate finds its engine at bin/../lib/leakgate.
set(LEAKGATE_INSTALL_CMAKEDIR lib/cmake/LeakGate)
set(LEAKGATE_INSTALL_SCHEMASDIR ${CMAKE_INSTALL_DATADIR}/leakgate/schemas)

install(TARGETS leakgate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(LEAKGATE_BUILD_HEAP_ENGINE)
  install(DIRECTORY ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/heap-engine/
          DESTINATION lib/leakgate/heap-engine USE_SOURCE_PERMISSIONS
          PATTERN "*.pdb" EXCLUDE PATTERN "*.dbg" EXCLUDE)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/schemas/ DESTINATION ${LEAKGATE_INSTALL_SCHEMASDIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/scenarios/README.md RENAME scenarios.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/scenarios/PROTOCOL.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/LeakGateConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/LeakGateConfig.cmake
                              INSTALL_DESTINATION ${LEAKGATE_INSTALL_CMAKEDIR}
                              PATH_VARS CMAKE_INSTALL_BINDIR LEAKGATE_INSTALL_SCHEMASDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/LeakGateConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/LeakGateConfig.cmake
              ${PROJECT_BINARY_DIR}/LeakGateConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/LeakGate.cmake
        DESTINATION ${LEAKGATE_INSTALL_CMAKEDIR})

# CPack: `cpack --config build/CPackConfig.cmake` (or `cmake --build build --target package`).
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGE_NAME leakgate)
set(CPACK_PACKAGE_VENDOR "leakgate")
set(CPACK_PACKAGE_CONTACT "leakgate maintainers <leakgate@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "CI gate for managed (.NET) memory leaks")
set(CPACK_PACKAGE_FILE_NAME "leakgate-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The shared libraries leakgate links (RE2, cpp-httplib, ...) as dpkg-shlibdeps finds them; the .NET
# runtime the scenario apps and dotnet-dump need is not a Debian package: installed apart (the heap
# engine is a native program on x64).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Runs reproducible scenario apps, measures their memory and managed heap at checkpoints,\ncompares them with checked-in baselines and fails the build on a leak, with the\nreference chain that keeps it alive. The apps it runs need the .NET runtime (10).")
include(CPack)
