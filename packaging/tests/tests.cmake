# The install and packaging tests (label install): each works in a scratch folder under
# install-tests/ of the build dir and removes it. packaging/README.md lists what each covers.
set(PKG_TESTS ${CMAKE_CURRENT_LIST_DIR})
# A sanitizer build installs instrumented libraries: the consumers are built with the same flags.
set(PKG_CONSUMER_FLAGS "")
if(QSHCHECK_SANITIZE)
  set(PKG_CONSUMER_FLAGS "-fsanitize=address,undefined -fno-sanitize-recover=all")
endif()
foreach(t tree pkgconfig cmake_package deb python_loader npm action)
  add_test(NAME install_${t} COMMAND sh ${PKG_TESTS}/test_${t}.sh ${PROJECT_BINARY_DIR}
                                     ${PROJECT_SOURCE_DIR} "${PKG_CONSUMER_FLAGS}")
  set_tests_properties(install_${t} PROPERTIES LABELS install TIMEOUT 300)
endforeach()
