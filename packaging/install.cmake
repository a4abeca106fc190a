# What `cmake --install` puts under the prefix, the pkg-config file and the CMake package.
# Included from the top-level CMakeLists.txt after ref/ and harness/.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(QSH_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/qsh)
set(QSH_INSTALL_VECTORSDIR ${CMAKE_INSTALL_DATADIR}/qshcheck/vectors)
# qshcheck --version prints this; the corpus's version is read from the vector files.
target_compile_definitions(qshcheck PRIVATE QSHCHECK_VERSION="${PROJECT_VERSION}")

# libqsh, static and shared (libqsh.so.MAJOR, ref/CMakeLists.txt), and its headers.
set_target_properties(qsh_shared PROPERTIES EXPORT_NAME qsh)
set_target_properties(qsh_static PROPERTIES EXPORT_NAME qsh_static)
install(TARGETS qsh_shared qsh_static qshcheck EXPORT qshTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_SKIP
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS qsh_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_ONLY)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/ref/include/qsh DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/harness/include/qshcheck/plugin.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/qshcheck)

# The corpus and its schemas, where the installed qshcheck looks first (corpus/files.c).
file(GLOB QSH_VECTOR_FILES ${PROJECT_SOURCE_DIR}/vectors/qsh_*.json
     ${PROJECT_SOURCE_DIR}/vectors/token_*.json)
install(FILES ${QSH_VECTOR_FILES} ${PROJECT_SOURCE_DIR}/vectors/README.md
        DESTINATION ${QSH_INSTALL_VECTORSDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/vectors/schema DESTINATION ${QSH_INSTALL_VECTORSDIR}
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/harness/protocol/PROTOCOL.md ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/CHANGELOG.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# pkg-config: qsh.pc finds its prefix from its own folder.
file(RELATIVE_PATH QSH_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
configure_file(${CMAKE_CURRENT_LIST_DIR}/qsh.pc.in ${PROJECT_BINARY_DIR}/qsh.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/qsh.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CMake: find_package(qsh) gives qsh::qsh, qsh::qsh_static, qsh::qshcheck and
# qshcheck_add_conformance_test().
install(EXPORT qshTargets NAMESPACE qsh:: DESTINATION ${QSH_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/qshConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/qshConfig.cmake
                              INSTALL_DESTINATION ${QSH_INSTALL_CMAKEDIR}
                              PATH_VARS QSH_INSTALL_VECTORSDIR)
# Before 1.0 a minor release may change the API (SONAME is the major number).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/qshConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/qshConfig.cmake ${PROJECT_BINARY_DIR}/qshConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/qshcheckConformance.cmake
        DESTINATION ${QSH_INSTALL_CMAKEDIR})

# Man pages, made from the --help of qshcheck and of each command at build time.
set(QSH_MAN_DIR ${PROJECT_BINARY_DIR}/man)
add_custom_command(OUTPUT ${QSH_MAN_DIR}/qshcheck.1
                   COMMAND ${CMAKE_COMMAND} -DQSHCHECK=$<TARGET_FILE:qshcheck> -DOUT=${QSH_MAN_DIR}
                           -DVERSION=${PROJECT_VERSION} -P ${CMAKE_CURRENT_LIST_DIR}/man/gen_man.cmake
                   DEPENDS qshcheck ${CMAKE_CURRENT_LIST_DIR}/man/gen_man.cmake
                   COMMENT "man pages from qshcheck --help")
add_custom_target(qshcheck_man ALL DEPENDS ${QSH_MAN_DIR}/qshcheck.1)
install(DIRECTORY ${QSH_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 FILES_MATCHING
        PATTERN "*.1")
