# `cmake --install`: the library, its public headers, the `fdgd` command, a CMake package, so that
# another project can `find_package(fdgd)` and link `fdgd::fdgd` (tests/install checks it), and the
# documentation (README.md and docs/, whose links are relative, as in the repository).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(fdgd_exact_arithmetic PROPERTIES EXPORT_NAME exact_arithmetic)
install(TARGETS fdgd fdgd_exact_arithmetic EXPORT fdgdTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
if(TARGET fdgd_cli)
  install(TARGETS fdgd_cli EXPORT fdgdTargets RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()
install(DIRECTORY include/fdgd DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
# Named outright: CMAKE_INSTALL_DOCDIR is the first project's that included GNUInstallDirs, a parent's too.
install(FILES README.md DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/fdgd")
install(DIRECTORY docs DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/fdgd")

set(fdgd_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/fdgd")
install(EXPORT fdgdTargets NAMESPACE fdgd:: DESTINATION "${fdgd_cmake_dir}")
# The build tree is a package too (-Dfdgd_DIR=build), its targets those built there; fdgd_flags goes
# along as fdgd's link-only dependency (its flags are not its users').
set(fdgd_build_tree_targets fdgd fdgd_exact_arithmetic fdgd_flags)
if(TARGET fdgd_cli)
  list(APPEND fdgd_build_tree_targets fdgd_cli)
endif()
export(TARGETS ${fdgd_build_tree_targets} NAMESPACE fdgd:: FILE "${CMAKE_CURRENT_BINARY_DIR}/fdgdTargets.cmake")
configure_package_config_file(cmake/fdgdConfig.cmake.in "${CMAKE_CURRENT_BINARY_DIR}/fdgdConfig.cmake"
                              INSTALL_DESTINATION "${fdgd_cmake_dir}")
# 0.x: a minor version may change the API.
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/fdgdConfigVersion.cmake" COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/fdgdConfig.cmake" "${CMAKE_CURRENT_BINARY_DIR}/fdgdConfigVersion.cmake"
        DESTINATION "${fdgd_cmake_dir}")
