// MPI for `engraft trial` when it runs under mpirun: one RAII session per process.
// Built without MPI (or run without mpirun), it is a session of one process.
#pragma once

namespace engraft::cli {

class MpiSession {
 public:
  MpiSession();    // initialises MPI only when launched by an MPI launcher
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  unsigned rank() const { return rank_; }
  unsigned ranks() const { return ranks_; }
  void barrier() const;
  /// Stops every process (a rank that fails alone would leave the others waiting).
  [[noreturn]] void abort(int exit_code) const;

 private:
  unsigned rank_ = 0, ranks_ = 1;
  bool initialised_ = false;
};

}  // namespace engraft::cli
