// A parallel loop for independent, indexed tasks: each task writes its own result slot,
// so what a loop computes does not depend on the number of threads.
#pragma once

#include <cstddef>
#include <functional>

namespace engraft {

/// Runs body(index, worker) for index 0 .. count-1 on `threads` threads (0 = all cores,
/// never more than count). `worker` (0 .. threads-1) says which thread runs it, so that a
/// caller can keep per-thread scratch such as a Solver. The first exception a task throws
/// is rethrown after every thread has stopped; the remaining tasks are then skipped.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t, unsigned)>& body);

/// The number of threads parallel_for uses for `threads` (0 = all cores) and `count` tasks.
unsigned parallel_threads(unsigned threads, std::size_t count);

}  // namespace engraft
