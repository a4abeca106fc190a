# The recipes' tests, one set per entry of recipes/recipes.json (recipes/README.md says what a
# recipe provides): recipe_<id> runs the whole corpus through the recipe's protocol adapter
# against its expected-failure list (recipes/<id>/expected.txt, which holds only token gaps);
# recipe_<id>_signer has the reference verify the tokens the recipe signs, its seed example
# included; recipe_<id>_fuzz_diff finds no disagreement with the reference in a fixed number of
# generated requests; recipe_<id>_mock_product has the recipe sign and send calls with the
# language's HTTP client to the mock product (built with libmicrohttpd only), which must get
# each target byte for byte and accept it; probe_recipe_<id> runs the probe against the
# recipe's verifier in a tiny app (its "app", built with libcurl's probe only). A recipe with a
# build step (and an app with its "appBuild" step) builds in a setup test first. Label recipes.
set(RECIPES_JSON ${PROJECT_SOURCE_DIR}/recipes/recipes.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${RECIPES_JSON})
file(READ ${RECIPES_JSON} recipes_doc)
include(${CMAKE_CURRENT_LIST_DIR}/needs.cmake)
set(QSHCHECK_RECIPE_FUZZ_CASES 3000 CACHE STRING "Generated requests each recipe's fuzz-diff test sends")
string(JSON n_recipes LENGTH "${recipes_doc}" recipes)
math(EXPR last "${n_recipes} - 1")
foreach(i RANGE ${last})
  string(JSON id GET "${recipes_doc}" recipes ${i} id)
  json_string_list(needs "${recipes_doc}" recipes ${i} needs)
  needs_met(ok "recipe ${id}" "${needs}")
  if(NOT ok)
    continue()
  endif()
  string(JSON command GET "${recipes_doc}" recipes ${i} command)
  string(REPLACE "@BUILD@" "${CMAKE_BINARY_DIR}" command "${command}")
  set(tests recipe_${id} recipe_${id}_signer recipe_${id}_fuzz_diff)
  if(TARGET qshcheck-mock-bench)
    add_test(NAME recipe_${id}_mock_product
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_recipe_mock_product.py
                     $<TARGET_FILE:qshcheck> "${command}"
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    list(APPEND tests recipe_${id}_mock_product)
  endif()
  string(JSON app ERROR_VARIABLE no_app GET "${recipes_doc}" recipes ${i} app)
  set(app_needs "")
  string(JSON app_needs_type ERROR_VARIABLE no_app_needs TYPE "${recipes_doc}" recipes ${i} appNeeds)
  if(NOT no_app_needs)
    json_string_list(app_needs "${recipes_doc}" recipes ${i} appNeeds)
  endif()
  if(NOT no_app)
    needs_met(app_ok "probe_recipe_${id}" "${app_needs}")
  endif()
  if(NOT no_app AND app_ok AND TARGET qc_probe)
    string(REPLACE "@BUILD@" "${CMAKE_BINARY_DIR}" app "${app}")
    add_test(NAME probe_recipe_${id}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_probe_recipes.py
                     $<TARGET_FILE:qshcheck> "${app}"
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    string(JSON app_build ERROR_VARIABLE no_app_build GET "${recipes_doc}" recipes ${i} appBuild)
    if(NOT no_app_build)
      string(REPLACE "@BUILD@" "${CMAKE_BINARY_DIR}" app_build "${app_build}")
      separate_arguments(app_build_args UNIX_COMMAND "${app_build}")
      add_test(NAME probe_recipe_${id}_build COMMAND ${app_build_args}
               WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
      set_tests_properties(probe_recipe_${id}_build PROPERTIES LABELS recipes
                           FIXTURES_SETUP probe_recipe_${id})
      set_property(TEST probe_recipe_${id} APPEND PROPERTY FIXTURES_REQUIRED probe_recipe_${id})
    endif()
    list(APPEND tests probe_recipe_${id})
  endif()
  add_test(NAME recipe_${id}
           COMMAND qshcheck run --hide-stderr --exec "${command}"
                   --expected-failures recipes/${id}/expected.txt
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  add_test(NAME recipe_${id}_signer
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_recipe_signer.py
                   $<TARGET_FILE:qshcheck> "${command}"
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  add_test(NAME recipe_${id}_fuzz_diff
           COMMAND qshcheck fuzz-diff --hide-stderr --exec "${command}" --seed 1
                   --cases ${QSHCHECK_RECIPE_FUZZ_CASES} --seconds 300
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(${tests} PROPERTIES LABELS recipes)
  string(JSON linted ERROR_VARIABLE no_flag GET "${recipes_doc}" recipes ${i} lintedByBuild)
  if(no_flag OR NOT linted)
    add_test(NAME recipe_${id}_lint COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/check_recipe_lint.sh ${id}
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(recipe_${id}_lint PROPERTIES LABELS source)
  endif()
  string(JSON build ERROR_VARIABLE no_build GET "${recipes_doc}" recipes ${i} build)
  if(NOT no_build)
    string(REPLACE "@BUILD@" "${CMAKE_BINARY_DIR}" build "${build}")
    separate_arguments(build_args UNIX_COMMAND "${build}")
    add_test(NAME recipe_${id}_build COMMAND ${build_args} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(recipe_${id}_build PROPERTIES LABELS recipes FIXTURES_SETUP recipe_${id})
    set_property(TEST ${tests} APPEND PROPERTY FIXTURES_REQUIRED recipe_${id})
    list(APPEND recipe_fixtures recipe_${id})
  endif()
endforeach()

# docs/recipes.md, generated from a run of every recipe, must match a fresh run.
add_test(NAME recipes_report_up_to_date
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/recipes/report.py --check --built
                 --qshcheck $<TARGET_FILE:qshcheck> --build ${CMAKE_BINARY_DIR}
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(recipes_report_up_to_date PROPERTIES LABELS recipes
                     FIXTURES_REQUIRED "${recipe_fixtures}")
