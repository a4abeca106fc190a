# cmake -DQSHCHECK=path -DOUT=dir -DVERSION=x.y.z -P gen_man.cmake
# Writes qshcheck.1 from `qshcheck --help` and qshcheck-COMMAND.1 from `qshcheck COMMAND --help`
# for every command that --help lists, so the pages cannot drift from the program.
foreach(v QSHCHECK OUT VERSION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "gen_man.cmake: -D${v}= is required")
  endif()
endforeach()
file(MAKE_DIRECTORY ${OUT})

function(help_of out_var)
  execute_process(COMMAND ${QSHCHECK} ${ARGN} --help OUTPUT_VARIABLE text RESULT_VARIABLE rc
                  TIMEOUT 30)
  if(NOT rc EQUAL 0 OR text STREQUAL "")
    message(FATAL_ERROR "gen_man.cmake: qshcheck ${ARGN} --help failed (${rc})")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# roff: a backslash is \e, a line starting with . or ' is protected with \&.
function(write_page file name summary text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  string(REPLACE "-" "\\-" summary "${summary}")
  string(TOUPPER "${name}" upper)
  file(WRITE ${file} ".TH ${upper} 1 \"\" \"qshcheck ${VERSION}\" \"qshcheck manual\"\n"
                     ".SH NAME\n${name} \\- ${summary}\n.SH DESCRIPTION\n.nf\n${text}.fi\n"
                     ".SH SEE ALSO\nqshcheck(1); the corpus in share/qshcheck/vectors\n")
endfunction()

help_of(main)
write_page(${OUT}/qshcheck.1 qshcheck "conformance suite for the Atlassian Connect qsh claim"
           "${main}")
# The command list of the main help: "  NAME  summary" lines after "commands:".
string(REGEX MATCH "commands:\n(.*)\n\n" block "${main}")
string(REPLACE "\n" ";" lines "${CMAKE_MATCH_1}")
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^  ([a-z-]+) +(.+)$")
    set(cmd ${CMAKE_MATCH_1})
    help_of(help ${cmd})
    write_page(${OUT}/qshcheck-${cmd}.1 qshcheck-${cmd} "${CMAKE_MATCH_2}" "${help}")
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count LESS 5)
  message(FATAL_ERROR "gen_man.cmake: found only ${count} commands in qshcheck --help")
endif()
