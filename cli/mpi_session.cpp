#include "mpi_session.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef ENGRAFT_WITH_MPI
#include <mpi.h>
#endif

namespace engraft::cli {

namespace {
// Open MPI, MPICH/Hydra and PMIx launchers set one of these; a plain `engraft trial`
// does not start MPI (a singleton MPI_Init can be slow and noisy in containers).
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(name)) return true;
  return false;
}
}  // namespace

MpiSession::MpiSession() {
  if (!launched_by_mpi()) return;
#ifdef ENGRAFT_WITH_MPI
  int provided = 0;
  // Only the main thread calls MPI; worker threads only simulate.
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  initialised_ = true;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  rank_ = static_cast<unsigned>(rank);
  ranks_ = static_cast<unsigned>(size);
#else
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (size && std::atoi(size) > 1)
    throw std::runtime_error("this engraft was built without MPI: every process would run the whole trial "
                             "(install libopenmpi-dev and rebuild, or run without mpirun)");
#endif
}

MpiSession::~MpiSession() {
#ifdef ENGRAFT_WITH_MPI
  if (initialised_) MPI_Finalize();
#endif
}

void MpiSession::barrier() const {
#ifdef ENGRAFT_WITH_MPI
  if (initialised_) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

void MpiSession::abort(int exit_code) const {
#ifdef ENGRAFT_WITH_MPI
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, exit_code);
#endif
  std::exit(exit_code);
}

}  // namespace engraft::cli
