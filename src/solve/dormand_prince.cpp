// Dormand-Prince 5(4) with PI step control, Hairer's 4th-order dense output
// and stiffness test (Hairer, Norsett, Wanner: Solving ODEs I, II.4-II.6; DOPRI5).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "stepper.hpp"

namespace engraft::detail {
namespace {

constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
constexpr double a21 = 1.0 / 5;
constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561, a54 = -212.0 / 729;
constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                 a65 = -5103.0 / 18656;
constexpr double a71 = 35.0 / 384, a73 = 500.0 / 1113, a74 = 125.0 / 192, a75 = -2187.0 / 6784, a76 = 11.0 / 84;
constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                 e6 = 22.0 / 525, e7 = -1.0 / 40;
constexpr double d1 = -12715105075.0 / 11282082432.0, d3 = 87487479700.0 / 32700410799.0,
                 d4 = -10690763975.0 / 1880347072.0, d5 = 701980252875.0 / 199316789632.0,
                 d6 = -1453857185.0 / 822651844.0, d7 = 69997945.0 / 29380423.0;

// Step-size control constants of DOPRI5.
constexpr double safety = 0.9, beta = 0.04, expo1 = 0.2 - beta * 0.75;
constexpr double grow_max = 10.0, shrink_max = 0.2;  // h_new / h within [0.2, 10]
constexpr long max_rejections_in_a_row = 100;
// Steps shorter than this, relative to max(1, |t|), cannot move t reliably in double precision.
constexpr double min_step_relative = 1e-14;

class DormandPrince final : public Stepper {
 public:
  DormandPrince(std::size_t n, RightHandSide& f, const SolverOptions& options, bool detect_stiffness)
      : n_(n), f_(f), options_(options), detect_stiffness_(detect_stiffness),
        y_(n), y_new_(n), y_stage_(n), k1_(n), k2_(n), k3_(n), k4_(n), k5_(n), k6_(n), k7_(n),
        r1_(n), r2_(n), r3_(n), r4_(n), r5_(n) {}

  void reset(double t, const double* y) override {
    t_ = t;
    std::copy(y, y + n_, y_.begin());
    f_(t_, y_.data(), k1_.data());
    h_ = initial_step();
    previous_error_beta_ = std::pow(1e-4, beta);
    stiff_count_ = non_stiff_count_ = 0;
  }

  StepOutcome step(double t_limit) override {
    StepOutcome out;
    bool rejected_last = false;
    for (long attempts = 0;; ++attempts) {
      if (attempts >= max_rejections_in_a_row) {  // the driver counts accepted steps against max_steps
        out.status = SolveStatus::accuracy_not_reached;
        out.message = fmt::format("{} rejected steps in a row at t = {:.6g} d (rk45)", attempts, t_);
        return out;
      }
      double h = std::min(h_, t_limit - t_);
      const bool hits_limit = h >= t_limit - t_;
      if (h < min_step_relative * std::max(1.0, std::abs(t_))) {
        out.status = SolveStatus::accuracy_not_reached;
        out.message = fmt::format("step size {:.3g} d too small at t = {:.6g} d (rk45)", h, t_);
        return out;
      }
      const double error = attempt(h);
      if (!(error <= 1.0)) {  // also catches NaN
        ++rejected_;
        if (!std::isfinite(error)) {
          h_ = h * shrink_max;
          if (attempts > 50) {
            out.status = SolveStatus::rhs_failed;
            out.message = fmt::format("right-hand side not finite near t = {:.6g} d", t_);
            return out;
          }
        } else {
          h_ = h / std::min(1.0 / shrink_max, std::pow(error, expo1) / safety);
        }
        rejected_last = true;
        continue;
      }
      // accepted
      ++steps_;
      if (detect_stiffness_ && stiffness_test(h)) out.became_stiff = true;
      double factor = std::pow(error, expo1) / previous_error_beta_ / safety;
      factor = std::clamp(factor, 1.0 / grow_max, 1.0 / shrink_max);
      double h_next = h / factor;
      if (rejected_last) h_next = std::min(h_next, h);
      previous_error_beta_ = std::pow(std::max(error, 1e-4), beta);
      prepare_dense(h);
      t_old_ = t_;
      h_last_ = h;
      t_ = hits_limit ? t_limit : t_ + h;
      y_.swap(y_new_);
      k1_.swap(k7_);  // FSAL
      if (!hits_limit || h_next < h_) h_ = h_next;
      out.t_new = t_;
      return out;
    }
  }

  void interpolate(double t, double* y) override {
    const double theta = (t - t_old_) / h_last_;
    const double theta1 = 1.0 - theta;
    for (std::size_t i = 0; i < n_; ++i)
      y[i] = r1_[i] + theta * (r2_[i] + theta1 * (r3_[i] + theta * (r4_[i] + theta1 * r5_[i])));
  }

  const double* y() const override { return y_.data(); }
  long steps() const override { return steps_; }
  long rejected_steps() const override { return rejected_; }

 private:
  double weight(double a, double b) const {
    return options_.atol + options_.rtol * std::max(std::abs(a), std::abs(b));
  }

  // One trial step of size h from (t_, y_); returns the scaled RMS error.
  double attempt(double h) {
    const double t = t_;
    const double* y = y_.data();
    for (std::size_t i = 0; i < n_; ++i) y_stage_[i] = y[i] + h * a21 * k1_[i];
    f_(t + c2 * h, y_stage_.data(), k2_.data());
    for (std::size_t i = 0; i < n_; ++i) y_stage_[i] = y[i] + h * (a31 * k1_[i] + a32 * k2_[i]);
    f_(t + c3 * h, y_stage_.data(), k3_.data());
    for (std::size_t i = 0; i < n_; ++i) y_stage_[i] = y[i] + h * (a41 * k1_[i] + a42 * k2_[i] + a43 * k3_[i]);
    f_(t + c4 * h, y_stage_.data(), k4_.data());
    for (std::size_t i = 0; i < n_; ++i)
      y_stage_[i] = y[i] + h * (a51 * k1_[i] + a52 * k2_[i] + a53 * k3_[i] + a54 * k4_[i]);
    f_(t + c5 * h, y_stage_.data(), k5_.data());
    for (std::size_t i = 0; i < n_; ++i)
      y_stage_[i] = y[i] + h * (a61 * k1_[i] + a62 * k2_[i] + a63 * k3_[i] + a64 * k4_[i] + a65 * k5_[i]);
    f_(t + h, y_stage_.data(), k6_.data());
    for (std::size_t i = 0; i < n_; ++i)
      y_new_[i] = y[i] + h * (a71 * k1_[i] + a73 * k3_[i] + a74 * k4_[i] + a75 * k5_[i] + a76 * k6_[i]);
    f_(t + h, y_new_.data(), k7_.data());
    double sum = 0.0;
    for (std::size_t i = 0; i < n_; ++i) {
      const double e = h * (e1 * k1_[i] + e3 * k3_[i] + e4 * k4_[i] + e5 * k5_[i] + e6 * k6_[i] + e7 * k7_[i]);
      const double scaled = e / weight(y[i], y_new_[i]);
      sum += scaled * scaled;
    }
    return n_ == 0 ? 0.0 : std::sqrt(sum / static_cast<double>(n_));
  }

  void prepare_dense(double h) {
    for (std::size_t i = 0; i < n_; ++i) {
      const double dy = y_new_[i] - y_[i];
      const double bspl = h * k1_[i] - dy;
      r1_[i] = y_[i];
      r2_[i] = dy;
      r3_[i] = bspl;
      r4_[i] = dy - h * k7_[i] - bspl;
      r5_[i] = h * (d1 * k1_[i] + d3 * k3_[i] + d4 * k4_[i] + d5 * k5_[i] + d6 * k6_[i] + d7 * k7_[i]);
    }
  }

  // Hairer's test: h * |lambda| estimated from the last two stages; 15 stiff-looking steps in a row = stiff.
  bool stiffness_test(double h) {
    double num = 0.0, den = 0.0;
    for (std::size_t i = 0; i < n_; ++i) {
      num += (k7_[i] - k6_[i]) * (k7_[i] - k6_[i]);
      den += (y_new_[i] - y_stage_[i]) * (y_new_[i] - y_stage_[i]);
    }
    if (den > 0.0 && h * std::sqrt(num / den) > 3.25) {
      non_stiff_count_ = 0;
      return ++stiff_count_ >= 15;
    }
    if (++non_stiff_count_ >= 6) stiff_count_ = 0;
    return false;
  }

  // Hairer's starting step (HINIT) for order 5.
  double initial_step() {
    double dnf = 0.0, dny = 0.0;
    for (std::size_t i = 0; i < n_; ++i) {
      const double sk = weight(y_[i], y_[i]);
      dnf += (k1_[i] / sk) * (k1_[i] / sk);
      dny += (y_[i] / sk) * (y_[i] / sk);
    }
    double h = (dnf <= 1e-10 || dny <= 1e-10) ? 1e-6 : std::sqrt(dny / dnf) * 0.01;
    for (std::size_t i = 0; i < n_; ++i) y_stage_[i] = y_[i] + h * k1_[i];
    f_(t_ + h, y_stage_.data(), k2_.data());
    double der2 = 0.0;
    for (std::size_t i = 0; i < n_; ++i) {
      const double d = (k2_[i] - k1_[i]) / weight(y_[i], y_[i]);
      der2 += d * d;
    }
    der2 = std::sqrt(der2) / h;
    const double der = std::max(std::abs(der2), std::sqrt(dnf));
    const double h1 = der <= 1e-15 ? std::max(1e-6, h * 1e-3) : std::pow(0.01 / der, 0.2);
    // Hairer's estimate shrinks towards zero when a rate meets a state near zero (an infusion
    // long after the last dose); start at least at a step the too-small check accepts.
    return std::max(std::min(100 * h, h1), min_step_relative * 100 * std::max(1.0, std::abs(t_)));
  }

  std::size_t n_;
  RightHandSide& f_;
  SolverOptions options_;
  bool detect_stiffness_;
  double t_ = 0.0, t_old_ = 0.0, h_ = 0.0, h_last_ = 1.0;
  double previous_error_beta_ = 1.0;  // (error of the last accepted step)^beta, for the PI controller
  long steps_ = 0, rejected_ = 0;
  int stiff_count_ = 0, non_stiff_count_ = 0;
  std::vector<double> y_, y_new_, y_stage_, k1_, k2_, k3_, k4_, k5_, k6_, k7_;
  std::vector<double> r1_, r2_, r3_, r4_, r5_;  // dense-output coefficients of the last step
};

}  // namespace

std::unique_ptr<Stepper> make_dormand_prince(std::size_t n, RightHandSide& f, const SolverOptions& options,
                                             bool detect_stiffness) {
  return std::make_unique<DormandPrince>(n, f, options, detect_stiffness);
}

}  // namespace engraft::detail
