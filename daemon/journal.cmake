# ioasid_journal: ioasidd's durable journal (daemon/journal.h), a small
# static library of its own so that its tests and fuzz harness can link it
# without the rest of the daemon. The daemon's CMakeLists.txt include()s
# this file; test/unit/journal includes it too when the daemon has not.
if(TARGET ioasid_journal)
	return()
endif()
set(IOASID_JOURNAL_SOURCES
	${PROJECT_SOURCE_DIR}/daemon/journal.c
	${PROJECT_SOURCE_DIR}/daemon/journal_format.c
	${PROJECT_SOURCE_DIR}/daemon/journal_io.c
	${PROJECT_SOURCE_DIR}/daemon/journal_reader.c
	${PROJECT_SOURCE_DIR}/daemon/journal_snapshot.c
	${PROJECT_SOURCE_DIR}/daemon/crc32c.c)
add_library(ioasid_journal STATIC ${IOASID_JOURNAL_SOURCES})
target_include_directories(ioasid_journal
	PUBLIC ${PROJECT_SOURCE_DIR}/daemon
	PRIVATE ${PROJECT_SOURCE_DIR}/lib)
target_link_libraries(ioasid_journal PUBLIC ioasid_static Threads::Threads)
