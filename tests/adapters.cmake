# The adapter tests, one per entry of harness/adapters/adapters.json: `qshcheck run` of the
# adapter (a command, or a plugin target) against its expected-failure list. Each entry's
# "needs" says what it runs on (tests/needs.cmake).
set(ADAPTERS_JSON ${PROJECT_SOURCE_DIR}/harness/adapters/adapters.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ADAPTERS_JSON})
file(READ ${ADAPTERS_JSON} adapters_doc)
string(JSON n_adapters LENGTH "${adapters_doc}" adapters)
include(${CMAKE_CURRENT_LIST_DIR}/needs.cmake)
set(ADAPTERS_MISSING 0)
math(EXPR last "${n_adapters} - 1")
foreach(i RANGE ${last})
  string(JSON id GET "${adapters_doc}" adapters ${i} id)
  json_string_list(needs "${adapters_doc}" adapters ${i} needs)
  needs_met(ok "adapter ${id}" "${needs}")
  if(NOT ok)
    set(ADAPTERS_MISSING 1)
    continue()
  endif()
  string(JSON command ERROR_VARIABLE no_command GET "${adapters_doc}" adapters ${i} command)
  if(no_command)
    string(JSON plugin GET "${adapters_doc}" adapters ${i} plugin)
    set(how --plugin ${CMAKE_BINARY_DIR}/${plugin})
  else()
    set(how --exec "${command}")
  endif()
  add_test(NAME adapter_${id}
           COMMAND qshcheck run --hide-stderr ${how}
                   --expected-failures harness/adapters/expected/${id}.txt
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(adapter_${id} PROPERTIES LABELS adapters)
endforeach()

# The matrix runs every adapter, so it needs them all.
if(ADAPTERS_MISSING)
  message(STATUS "compatibility matrix test: skipped, an adapter is missing")
else()
  add_test(NAME compatibility_matrix_up_to_date
           COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/harness/adapters/matrix.py --check
                   --qshcheck $<TARGET_FILE:qshcheck>)
  set_tests_properties(compatibility_matrix_up_to_date PROPERTIES LABELS adapters)
endif()
