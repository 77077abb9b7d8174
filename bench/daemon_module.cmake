# The daemon module (bench_daemon.c) starts the ioasidd binary of this build
# and talks to it through libioasid-client. Included by bench/CMakeLists.txt
# after the ioasid-bench target exists.
target_sources(ioasid-bench PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/daemon_proc.c
	${CMAKE_CURRENT_LIST_DIR}/daemon_echo.c
	${CMAKE_CURRENT_LIST_DIR}/daemon_load.c
	${CMAKE_CURRENT_LIST_DIR}/daemon_pin.c)
target_link_libraries(ioasid-bench PRIVATE ioasid_client_static)
if(TARGET ioasidd)
	# ioasidd is built with libsystemd only; without it the module says so.
	add_dependencies(ioasid-bench ioasidd)
	target_compile_definitions(ioasid-bench PRIVATE
		IOASID_BENCH_IOASIDD="$<TARGET_FILE:ioasidd>")
endif()
