# ioasid_add_test(NAME SOURCES src... [LIBS lib...] [LABELS label...] [TIMEOUT s])
#
# Builds a test executable linked with cmocka, the static libioasid and the
# test support library, and registers it with CTest. Every test carries the
# label "unit", "integration" or whatever LABELS says; the TSan tree runs only
# the tests labelled "concurrency".
function(ioasid_add_test name)
	cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
	add_executable(${name} ${T_SOURCES})
	target_include_directories(${name} PRIVATE
		${PROJECT_SOURCE_DIR}/lib ${PROJECT_SOURCE_DIR}/test/support)
	target_link_libraries(${name} PRIVATE ${T_LIBS} ioasid_test_support
		ioasid_static PkgConfig::CMOCKA)
	add_test(NAME ${name} COMMAND ${name})
	if(NOT T_TIMEOUT)
		set(T_TIMEOUT 120)
	endif()
	if(NOT T_LABELS)
		set(T_LABELS unit)
	endif()
	set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
		LABELS "${T_LABELS}"
		ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout")
endfunction()

# ioasid_add_layers() - add every subdirectory of the current source directory
# that has a CMakeLists.txt: test/unit, test/integration and test/fuzz hold
# one subdirectory per layer, each registering its own tests.
function(ioasid_add_layers)
	file(GLOB subdirs LIST_DIRECTORIES true ${CMAKE_CURRENT_SOURCE_DIR}/*)
	foreach(sub ${subdirs})
		if(IS_DIRECTORY ${sub} AND EXISTS ${sub}/CMakeLists.txt)
			add_subdirectory(${sub})
		endif()
	endforeach()
endfunction()
