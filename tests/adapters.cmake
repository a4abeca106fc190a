# The adapter tests, one per entry of harness/adapters/adapters.json: `qshcheck run` of the
# adapter (a command, or a plugin target) against its expected-failure list. Each entry's
# "needs" says what it runs on: "node:PACKAGE" (node and the package under
# harness/adapters/node/node_modules, which `npm ci` installs), "python3:MODULE" (Debian's
# python3 can import it), "target:NAME" (a plugin target this build made).
set(ADAPTERS_JSON ${PROJECT_SOURCE_DIR}/harness/adapters/adapters.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ADAPTERS_JSON})
file(READ ${ADAPTERS_JSON} adapters_doc)
string(JSON n_adapters LENGTH "${adapters_doc}" adapters)
find_program(NODE_EXECUTABLE node)
set(QSHCHECK_ADAPTER_PYTHON /usr/bin/python3 CACHE FILEPATH
    "The python3 that runs the Python adapters (Debian's, with its python3-* modules)")

# Sets ${out} to "" when every need is met, else to the first one that is not.
function(adapter_missing out needs)
  set(${out} "" PARENT_SCOPE)
  foreach(need ${needs})
    string(REPLACE ":" ";" nv "${need}")
    list(GET nv 0 kind)
    list(GET nv 1 what)
    if(kind STREQUAL "node")
      if(NOT NODE_EXECUTABLE OR
         NOT EXISTS ${PROJECT_SOURCE_DIR}/harness/adapters/node/node_modules/${what}/package.json)
        set(${out} "the npm package ${what} (cd harness/adapters/node && npm ci)" PARENT_SCOPE)
        return()
      endif()
    elseif(kind STREQUAL "python3")
      execute_process(COMMAND ${QSHCHECK_ADAPTER_PYTHON} -c "import ${what}" RESULT_VARIABLE rc
                      OUTPUT_QUIET ERROR_QUIET)
      if(NOT rc EQUAL 0)
        set(${out} "the Python module ${what} for ${QSHCHECK_ADAPTER_PYTHON}" PARENT_SCOPE)
        return()
      endif()
    elseif(kind STREQUAL "target")
      if(NOT TARGET ${what})
        set(${out} "the plugin ${what}" PARENT_SCOPE)
        return()
      endif()
    else()
      message(FATAL_ERROR "${ADAPTERS_JSON}: unknown need '${need}'")
    endif()
  endforeach()
endfunction()

set(ADAPTERS_MISSING 0)
math(EXPR last "${n_adapters} - 1")
foreach(i RANGE ${last})
  string(JSON id GET "${adapters_doc}" adapters ${i} id)
  string(JSON n_needs LENGTH "${adapters_doc}" adapters ${i} needs)
  set(needs "")
  if(n_needs GREATER 0)
    math(EXPR last_need "${n_needs} - 1")
    foreach(k RANGE ${last_need})
      string(JSON need GET "${adapters_doc}" adapters ${i} needs ${k})
      list(APPEND needs "${need}")
    endforeach()
  endif()
  adapter_missing(missing "${needs}")
  if(missing AND QSHCHECK_REQUIRE_ADAPTERS)
    message(FATAL_ERROR "adapter ${id} needs ${missing} (QSHCHECK_REQUIRE_ADAPTERS is on)")
  elseif(missing)
    message(STATUS "adapter ${id}: skipped, needs ${missing}")
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
