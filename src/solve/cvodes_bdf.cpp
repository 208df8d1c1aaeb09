// SUNDIALS CVODES (6.4): BDF, Newton iteration, dense direct linear solver with a
// difference-quotient Jacobian. One CVODES memory per solver, re-initialised
// at every discontinuity; every handle is owned by an RAII wrapper.
#include <cvodes/cvodes.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <memory>

#include <fmt/format.h>

#include "stepper.hpp"

namespace engraft::detail {
namespace {

struct ContextDeleter { void operator()(SUNContext c) const { SUNContext_Free(&c); } };
struct VectorDeleter { void operator()(N_Vector v) const { N_VDestroy(v); } };
struct MatrixDeleter { void operator()(SUNMatrix m) const { SUNMatDestroy(m); } };
struct LinearSolverDeleter { void operator()(SUNLinearSolver s) const { SUNLinSolFree(s); } };
struct CvodeDeleter { void operator()(void* mem) const { CVodeFree(&mem); } };

using ContextPtr = std::unique_ptr<std::remove_pointer_t<SUNContext>, ContextDeleter>;
using VectorPtr = std::unique_ptr<std::remove_pointer_t<N_Vector>, VectorDeleter>;
using MatrixPtr = std::unique_ptr<std::remove_pointer_t<SUNMatrix>, MatrixDeleter>;
using LinearSolverPtr = std::unique_ptr<std::remove_pointer_t<SUNLinearSolver>, LinearSolverDeleter>;
using CvodePtr = std::unique_ptr<void, CvodeDeleter>;

SolveStatus status_of(int flag) {
  switch (flag) {
    case CV_TOO_MUCH_WORK: return SolveStatus::too_much_work;
    case CV_TOO_MUCH_ACC: case CV_ERR_FAILURE: return SolveStatus::accuracy_not_reached;
    case CV_CONV_FAILURE: case CV_LSETUP_FAIL: case CV_LSOLVE_FAIL: return SolveStatus::convergence_failed;
    case CV_RHSFUNC_FAIL: case CV_FIRST_RHSFUNC_ERR: case CV_REPTD_RHSFUNC_ERR: case CV_UNREC_RHSFUNC_ERR:
      return SolveStatus::rhs_failed;
    default: return SolveStatus::convergence_failed;
  }
}

class CvodesBdf final : public Stepper {
 public:
  CvodesBdf(std::size_t n, RightHandSide& f, const SolverOptions& options) : n_(n), f_(f), options_(options) {
    SUNContext raw_context = nullptr;
    SUNContext_Create(nullptr, &raw_context);
    context_.reset(raw_context);
    y_.reset(N_VNew_Serial(static_cast<sunindextype>(std::max<std::size_t>(n, 1)), context_.get()));
    dense_.reset(N_VNew_Serial(static_cast<sunindextype>(std::max<std::size_t>(n, 1)), context_.get()));
    N_VConst(0.0, y_.get());
  }

  void reset(double t, const double* y) override {
    std::copy(y, y + n_, N_VGetArrayPointer(y_.get()));
    if (!memory_) {
      create(t);
    } else {  // CVodeReInit zeroes the counters: keep what was counted so far
      steps_base_ = steps_total_;
      rejected_base_ = rejected_total_;
      CVodeReInit(memory_.get(), t, y_.get());
    }
    t_ = t;
  }

  StepOutcome step(double t_limit) override {
    StepOutcome out;
    CVodeSetStopTime(memory_.get(), t_limit);
    double t_reached = t_;
    last_message_.clear();
    int flag = CV_SUCCESS;
    try {
      flag = CVode(memory_.get(), t_limit, y_.get(), &t_reached, CV_ONE_STEP);
    } catch (...) {  // the trampoline stores exceptions; nothing may unwind through C
      flag = CV_RHSFUNC_FAIL;
    }
    if (flag < 0) {
      out.status = status_of(flag);
      // SUNDIALS 6 returns the flag's name in a malloc'd buffer the caller frees.
      const std::unique_ptr<char, decltype(&std::free)> name(CVodeGetReturnFlagName(flag), &std::free);
      out.message = fmt::format("CVODES {}: {}", name ? name.get() : "error", last_message_);
      return out;
    }
    t_ = t_reached;
    out.t_new = t_reached;
    long steps = 0, failures = 0;
    CVodeGetNumSteps(memory_.get(), &steps);
    CVodeGetNumErrTestFails(memory_.get(), &failures);
    steps_total_ = steps_base_ + steps;
    rejected_total_ = rejected_base_ + failures;
    return out;
  }

  void interpolate(double t, double* y) override {
    CVodeGetDky(memory_.get(), t, 0, dense_.get());
    const double* d = N_VGetArrayPointer(dense_.get());
    std::copy(d, d + n_, y);
  }

  const double* y() const override { return N_VGetArrayPointer(y_.get()); }
  long steps() const override { return steps_total_; }
  long rejected_steps() const override { return rejected_total_; }

 private:
  static int rhs_trampoline(double t, N_Vector y, N_Vector ydot, void* user_data) {
    auto* self = static_cast<CvodesBdf*>(user_data);
    const double* yy = N_VGetArrayPointer(y);
    double* out = N_VGetArrayPointer(ydot);
    self->f_(t, yy, out);
    for (std::size_t i = 0; i < self->n_; ++i)
      if (!std::isfinite(out[i])) return 1;  // recoverable: CVODES retries with a smaller step
    return 0;
  }

  static void error_handler(int, const char*, const char* function, char* message, void* user_data) {
    static_cast<CvodesBdf*>(user_data)->last_message_ = fmt::format("{}: {}", function, message);
  }

  void create(double t) {
    memory_.reset(CVodeCreate(CV_BDF, context_.get()));
    void* mem = memory_.get();
    CVodeSetErrHandlerFn(mem, &CvodesBdf::error_handler, this);
    CVodeInit(mem, &CvodesBdf::rhs_trampoline, t, y_.get());
    CVodeSetUserData(mem, this);
    CVodeSStolerances(mem, options_.rtol, options_.atol);
    CVodeSetMaxNumSteps(mem, options_.max_steps);
    matrix_.reset(SUNDenseMatrix(static_cast<sunindextype>(std::max<std::size_t>(n_, 1)),
                                 static_cast<sunindextype>(std::max<std::size_t>(n_, 1)), context_.get()));
    linear_solver_.reset(SUNLinSol_Dense(y_.get(), matrix_.get(), context_.get()));
    CVodeSetLinearSolver(mem, linear_solver_.get(), matrix_.get());
  }

  std::size_t n_;
  RightHandSide& f_;
  SolverOptions options_;
  ContextPtr context_;
  VectorPtr y_, dense_;
  MatrixPtr matrix_;
  LinearSolverPtr linear_solver_;
  CvodePtr memory_;  // declared last: freed first
  double t_ = 0.0;
  long steps_base_ = 0, rejected_base_ = 0, steps_total_ = 0, rejected_total_ = 0;
  std::string last_message_;
};

}  // namespace

std::unique_ptr<Stepper> make_cvodes_bdf(std::size_t n, RightHandSide& f, const SolverOptions& options) {
  return std::make_unique<CvodesBdf>(n, f, options);
}

}  // namespace engraft::detail
