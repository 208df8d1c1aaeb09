#include "engraft/trial/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace engraft {

unsigned parallel_threads(unsigned threads, std::size_t count) {
  const unsigned wanted = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(wanted, count)));
}

void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t, unsigned)>& body) {
  const unsigned n = parallel_threads(threads, count);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const auto work = [&](unsigned worker) {
    for (std::size_t i = next++; i < count && !stop; i = next++) {
      try {
        body(i, worker);
      } catch (...) {  // no exception leaves a worker thread: kept and rethrown by the caller
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < n; ++t) pool.emplace_back(work, t);
    work(0);
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace engraft
