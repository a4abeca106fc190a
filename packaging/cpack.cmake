# CPack: `cpack -G DEB` (a Debian package of the install tree; DEB installs under /usr) and
# `cpack --config CPackSourceConfig.cmake` (the source tarball).
set(CPACK_PACKAGE_NAME qshcheck)
set(CPACK_PACKAGE_VENDOR qshcheck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "conformance suite for the Atlassian Connect qsh claim and Connect JWTs")
# The Debian Maintainer field: a release sets the real address (the default is a placeholder).
set(QSHCHECK_PACKAGE_CONTACT "qshcheck maintainers <maintainers@example.invalid>"
    CACHE STRING "Maintainer of the Debian package")
set(CPACK_PACKAGE_CONTACT "${QSHCHECK_PACKAGE_CONTACT}")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The libraries qshcheck and libqsh link, found by dpkg-shlibdeps from the binaries.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libssl-dev (>= 3.0), libjansson-dev (>= 2.11)")

set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME qshcheck-${PROJECT_VERSION})
# Build folders, caches and installed node modules are not sources.
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/node_modules/" "/__pycache__/"
                              "/target/" "\\\\.pyc$")
include(CPack)
