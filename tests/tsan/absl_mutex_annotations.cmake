# ThreadSanitizer builds: the happens-before edges of absl::Mutex for TSan
# (why: absl_mutex_annotations.cc). Included by the top-level CMakeLists.txt
# before any target exists, so that every executable links the wrappers and
# passes --wrap for each wrapped function.

# g++ warns that TSan does not model atomic_thread_fence, which abseil's
# flags use inline (absl::GetFlag in main.cc); that is abseil's code, and
# the warning would fail the warnings-as-errors build.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-tsan)
endif()

# The inline namespace Debian's abseil is built with ("debian3"), as it
# appears in mangled names ("7debian3").
find_file(SCHEDULING_ABSL_OPTIONS_H absl/base/options.h REQUIRED)
file(STRINGS "${SCHEDULING_ABSL_OPTIONS_H}" _absl_ns_line
  REGEX "^#define ABSL_OPTION_INLINE_NAMESPACE_NAME ")
string(REGEX REPLACE ".* " "" _absl_ns "${_absl_ns_line}")
string(LENGTH "${_absl_ns}" _absl_ns_length)
set(_absl_mangled_ns "${_absl_ns_length}${_absl_ns}")

set(_absl_wrapped
  5Mutex4LockEv
  5Mutex6UnlockEv
  5Mutex7TryLockEv
  5Mutex10ReaderLockEv
  5Mutex12ReaderUnlockEv
  5Mutex13ReaderTryLockEv
  5Mutex5AwaitERKNS0_9ConditionE
  5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE
  5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE
  5Mutex8LockWhenERKNS0_9ConditionE
  5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE
  5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE
  5Mutex14ReaderLockWhenERKNS0_9ConditionE
  7CondVar4WaitEPNS0_5MutexE
  7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE
  7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE
)
foreach(_symbol IN LISTS _absl_wrapped)
  add_link_options("LINKER:--wrap=_ZN4absl${_absl_mangled_ns}${_symbol}")
endforeach()

add_library(scheduling_tsan_absl_mutex STATIC
  "${CMAKE_CURRENT_LIST_DIR}/absl_mutex_annotations.cc")
target_compile_definitions(scheduling_tsan_absl_mutex PRIVATE
  SCHEDULING_ABSL_MANGLED_NS="${_absl_mangled_ns}")
target_link_libraries(scheduling_tsan_absl_mutex PUBLIC absl::synchronization)
target_compile_options(scheduling_tsan_absl_mutex PRIVATE ${SCHEDULING_WARNINGS})
# Every target created from here on links it; only in this build tree, so
# that the client library's export set stays as it is.
link_libraries($<BUILD_INTERFACE:scheduling_tsan_absl_mutex>)
message(STATUS "TSan: absl::Mutex annotated through --wrap (namespace ${_absl_ns})")
