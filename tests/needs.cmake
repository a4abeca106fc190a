# What an adapter or a recipe runs on, as its "needs" list says: "node:PACKAGE" (node and the
# package under harness/adapters/node/node_modules, which `npm ci` installs), "python3:MODULE"
# (Debian's python3 can import it), "program:NAME" (a program on PATH, or an absolute path),
# "ruby:LIB" (ruby can require it), "php:EXTENSION" (php has it loaded), "crate:NAME" (a Rust
# crate in Debian's registry, /usr/share/cargo/registry), "file:PATH" (the file exists),
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
    elseif(kind STREQUAL "ruby")
      execute_process(COMMAND ruby -e "require '${what}'" RESULT_VARIABLE rc OUTPUT_QUIET
                      ERROR_QUIET)
      if(NOT rc EQUAL 0)
        set(${out} "the Ruby library ${what}" PARENT_SCOPE)
        return()
      endif()
    elseif(kind STREQUAL "php")
      execute_process(COMMAND php -m OUTPUT_VARIABLE modules RESULT_VARIABLE rc ERROR_QUIET)
      if(NOT rc EQUAL 0 OR NOT modules MATCHES "(^|\n)${what}\n")
        set(${out} "the PHP extension ${what}" PARENT_SCOPE)
        return()
      endif()
    elseif(kind STREQUAL "crate")
      # a Rust crate of Debian's local registry (a librust-*-dev package)
      file(GLOB crate_dirs /usr/share/cargo/registry/${what}-[0-9]*)
      if(NOT crate_dirs)
        string(REPLACE "_" "-" package "librust-${what}-dev")
        set(${out} "the Rust crate ${what} (Debian's ${package})" PARENT_SCOPE)
        return()
      endif()
    elseif(kind STREQUAL "file")
      if(NOT EXISTS ${what})
        set(${out} "the file ${what}" PARENT_SCOPE)
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


# Sets ${ok} to TRUE when every need of what is met; otherwise configuring stops under
# QSHCHECK_REQUIRE_ADAPTERS (the presets: ./dev.sh must not skip), or what is skipped with a
# one-line message and ${ok} is FALSE.
function(needs_met ok what needs)
  needs_missing(missing "${needs}")
  if(missing AND QSHCHECK_REQUIRE_ADAPTERS)
    message(FATAL_ERROR "${what} needs ${missing} (QSHCHECK_REQUIRE_ADAPTERS is on)")
  elseif(missing)
    message(STATUS "${what}: skipped, needs ${missing}")
    set(${ok} FALSE PARENT_SCOPE)
  else()
    set(${ok} TRUE PARENT_SCOPE)
  endif()
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
