# What an adapter or a recipe runs on, as its "needs" list says: "node:PACKAGE" (node and the
# package under harness/adapters/node/node_modules, which `npm ci` installs), "python3:MODULE"
# (Debian's python3 can import it), "program:NAME" (a program on PATH, or an absolute path),
# "target:NAME" (a plugin target this build made). needs_missing sets out to "" when every
# need is met, else to the first one that is not, in words.
find_program(NODE_EXECUTABLE node)
set(QSHCHECK_ADAPTER_PYTHON /usr/bin/python3 CACHE FILEPATH
    "The python3 that runs the Python adapters (Debian's, with its python3-* modules)")

# Sets ${out} to "" when every need is met, else to the first one that is not.
function(needs_missing out needs)
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
    elseif(kind STREQUAL "program")
      string(MAKE_C_IDENTIFIER "NEEDS_PROGRAM_${what}" var)
      find_program(${var} NAMES ${what})
      if(NOT ${var})
        set(${out} "the program ${what}" PARENT_SCOPE)
        return()
      endif()
    elseif(kind STREQUAL "target")
      if(NOT TARGET ${what})
        set(${out} "the plugin ${what}" PARENT_SCOPE)
        return()
      endif()
    else()
      message(FATAL_ERROR "unknown need '${need}'")
    endif()
  endforeach()
endfunction()


# Sets ${out} to the strings of the JSON array at the given path of doc ("" when empty).
function(json_string_list out doc)
  string(JSON n LENGTH "${doc}" ${ARGN})
  set(items "")
  if(n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(k RANGE ${last})
      string(JSON item GET "${doc}" ${ARGN} ${k})
      list(APPEND items "${item}")
    endforeach()
  endif()
  set(${out} "${items}" PARENT_SCOPE)
endfunction()
