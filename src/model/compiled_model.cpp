#include "engraft/model/compiled_model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "bytecode.hpp"

namespace engraft {

using detail::Instruction;
using detail::OpCode;
using detail::Program;

namespace {

OpCode opcode_for(Op op) {
  switch (op) {
    case Op::negate: return OpCode::negate;
    case Op::logical_not: return OpCode::logical_not;
    case Op::add: return OpCode::add;
    case Op::subtract: return OpCode::subtract;
    case Op::multiply: return OpCode::multiply;
    case Op::divide: return OpCode::divide;
    case Op::power: return OpCode::power;
    case Op::min: return OpCode::min;
    case Op::max: return OpCode::max;
    case Op::less: return OpCode::less;
    case Op::less_equal: return OpCode::less_equal;
    case Op::greater: return OpCode::greater;
    case Op::greater_equal: return OpCode::greater_equal;
    case Op::equal: return OpCode::equal;
    case Op::not_equal: return OpCode::not_equal;
    case Op::logical_and: return OpCode::logical_and;
    case Op::logical_or: return OpCode::logical_or;
    case Op::exp: return OpCode::exp;
    case Op::log: return OpCode::log;
    case Op::log10: return OpCode::log10;
    case Op::sqrt: return OpCode::sqrt;
    case Op::abs: return OpCode::abs;
    case Op::floor: return OpCode::floor;
    case Op::ceil: return OpCode::ceil;
    case Op::sin: return OpCode::sin;
    case Op::cos: return OpCode::cos;
    case Op::tan: return OpCode::tan;
    case Op::sinh: return OpCode::sinh;
    case Op::cosh: return OpCode::cosh;
    case Op::tanh: return OpCode::tanh;
    case Op::asin: return OpCode::asin;
    case Op::acos: return OpCode::acos;
    case Op::atan: return OpCode::atan;
    case Op::factorial: return OpCode::factorial;
    default: break;
  }
  ENGRAFT_ASSERT(false, "operator without an opcode");
}

std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) {
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

enum class Kind { time, state, parameter, assignment, algebraic };

// What changes during a solve (assignments of these change too).
bool varies(Kind kind) { return kind == Kind::time || kind == Kind::state || kind == Kind::algebraic; }

struct Symbol {
  Kind kind;
  std::size_t index;      // into the model's vector of that kind
  std::uint32_t reg = 0;  // register that holds it
};

}  // namespace

class ModelCompiler {
 public:
  explicit ModelCompiler(CompiledModel& out) : out_(out), model_(out.model_) {}

  void run() {
    declare_symbols();
    order_assignments();
    allocate_registers();
    compile_programs();
    resolve_routes();
    compute_hash();
    out_.n_registers_ = next_register_;
    // Fusion needs every read known: run it once all programs are complete. A temporary
    // written by one program is never read by another (hoisted values live in derive).
    std::vector<bool> temporary(next_register_, false);
    for (std::uint32_t r : temporaries_) temporary[r] = true;
    for (Program* p : {out_.rhs_.get(), out_.observe_.get(), out_.roots_program_.get()})
      detail::fuse_multiply_add(*p, temporary);
  }

 private:
  [[noreturn]] void fail(const SourceLocation& where, const std::string& expected, const std::string& got,
                         const std::string& hint = {}) const {
    throw InputError(where.file.empty() ? SourceLocation{model_.where.file, where.line, where.key} : where,
                     expected, got, hint);
  }

  void declare(const std::string& name, Kind kind, std::size_t index, const SourceLocation& where) {
    if (name == "t") fail(where, "a name other than 't' (reserved for time in days)", name);
    if (!symbols_.emplace(name, Symbol{kind, index}).second)
      fail(where, "a name not defined before", "'" + name + "' again", "each parameter, state, assignment and observable needs its own name");
  }

  void declare_symbols() {
    symbols_.emplace("t", Symbol{Kind::time, 0});
    for (std::size_t i = 0; i < model_.parameters.size(); ++i) {
      const Parameter& p = model_.parameters[i];
      if (!std::isfinite(p.value)) fail(p.where, "a finite value", fmt::format("{}", p.value));
      declare(p.name, Kind::parameter, i, p.where);
    }
    for (std::size_t i = 0; i < model_.states.size(); ++i) declare(model_.states[i].name, Kind::state, i, model_.states[i].where);
    // Observables are assignments that are reported; both may be used in expressions.
    for (const Observable& o : model_.observables) {
      assignments_.push_back(Assignment{o.name, o.value, o.unit, o.description, o.where});
    }
    for (const Assignment& a : model_.assignments) assignments_.push_back(a);
    for (std::size_t i = 0; i < assignments_.size(); ++i) declare(assignments_[i].name, Kind::assignment, i, assignments_[i].where);
    for (std::size_t i = 0; i < model_.algebraic_rules.size(); ++i)
      declare(model_.algebraic_rules[i].variable, Kind::algebraic, i, model_.algebraic_rules[i].where);

    derivative_of_.assign(model_.states.size(), nullptr);
    for (const Derivative& d : model_.derivatives) {
      const auto it = symbols_.find(d.state);
      if (it == symbols_.end() || it->second.kind != Kind::state)
        fail(d.where, "the name of a state", "'" + d.state + "'", "every ODE needs a [states] entry");
      if (derivative_of_[it->second.index]) fail(d.where, "one ODE per state", "a second ODE for '" + d.state + "'");
      derivative_of_[it->second.index] = &d;
    }
    for (std::size_t i = 0; i < model_.states.size(); ++i)
      if (!derivative_of_[i]) fail(model_.states[i].where, "an ODE for state '" + model_.states[i].name + "' in [odes]", "none");
  }

  void check_symbols(const Expression& e, const SourceLocation& where) const {
    for (const std::string& name : symbols_of(e))
      if (!symbols_.count(name)) fail(where, "defined names only", "unknown name '" + name + "'");
  }

  // Depth-first topological order; a cycle is reported with its path.
  void order_assignments() {
    std::vector<int> mark(assignments_.size(), 0);
    std::vector<std::string> path;
    const auto visit = [&](const auto& self, std::size_t i) -> void {
      if (mark[i] == 2) return;
      const Assignment& a = assignments_[i];
      if (mark[i] == 1) {
        std::string cycle;
        for (const std::string& n : path) cycle += n + " -> ";
        fail(a.where, "assignments without a cycle", cycle + a.name);
      }
      mark[i] = 1;
      path.push_back(a.name);
      check_symbols(a.value, a.where);
      bool dynamic = false;
      for (const std::string& name : symbols_of(a.value)) {
        const Symbol& s = symbols_.at(name);
        if (s.kind == Kind::assignment) {
          self(self, s.index);
          dynamic = dynamic || dynamic_[s.index];
        } else if (varies(s.kind)) {
          dynamic = true;
        }
      }
      path.pop_back();
      mark[i] = 2;
      dynamic_[i] = dynamic;
      order_.push_back(i);
    };
    dynamic_.assign(assignments_.size(), false);
    for (std::size_t i = 0; i < assignments_.size(); ++i) visit(visit, i);
  }

  std::uint32_t allocate() { return static_cast<std::uint32_t>(next_register_++); }

  std::uint32_t constant(double value) {
    // Keyed by bit pattern: NaN must not compare equal to every other constant.
    const auto key = std::bit_cast<std::uint64_t>(value);
    const auto it = constants_.find(key);
    if (it != constants_.end()) return it->second;
    const std::uint32_t r = allocate();
    constants_.emplace(key, r);
    out_.constants_.emplace_back(r, value);
    return r;
  }

  void allocate_registers() {
    next_register_ = 1;  // register 0 is t
    out_.state_base_ = next_register_;
    for (std::size_t i = 0; i < model_.states.size(); ++i) allocate();
    out_.parameter_base_ = next_register_;
    for (std::size_t i = 0; i < model_.parameters.size(); ++i) allocate();
    out_.observable_base_ = next_register_;  // observables are the first assignments
    assignment_register_.resize(assignments_.size());
    for (std::size_t i = 0; i < assignments_.size(); ++i) assignment_register_[i] = allocate();
    out_.derivative_base_ = next_register_;
    for (std::size_t i = 0; i < model_.states.size(); ++i) allocate();
    const std::size_t n_algebraic = model_.algebraic_rules.size();
    out_.algebraic_base_ = next_register_;
    for (std::size_t i = 0; i < n_algebraic; ++i) allocate();
    out_.solved_base_ = next_register_;
    for (std::size_t i = 0; i < n_algebraic; ++i) allocate();
    out_.residual_base_ = next_register_;
    for (std::size_t i = 0; i < n_algebraic; ++i) allocate();
    out_.jacobian_base_ = next_register_;
    for (std::size_t i = 0; i < n_algebraic * n_algebraic; ++i) allocate();
    for (auto& [name, s] : symbols_) {
      switch (s.kind) {
        case Kind::time: s.reg = 0; break;
        case Kind::state: s.reg = static_cast<std::uint32_t>(out_.state_base_ + s.index); break;
        case Kind::parameter: s.reg = static_cast<std::uint32_t>(out_.parameter_base_ + s.index); break;
        case Kind::assignment: s.reg = assignment_register_[s.index]; break;
        case Kind::algebraic: s.reg = static_cast<std::uint32_t>(out_.algebraic_base_ + s.index); break;
      }
    }
  }

  // Emits code for e; returns the register holding its value. `dst` (if set)
  // receives the value of the top node without an extra copy.
  // Appends out = code(a, b, c). Without a fixed destination, an identical earlier instruction
  // of the same program is reused: each register is written once per program run, so equal
  // operands give equal results (local value numbering).
  std::uint32_t instr(Program& p, OpCode code, std::uint32_t a, std::uint32_t b, std::uint32_t c,
                      std::optional<std::uint32_t> dst) {
    const bool commutative = code == OpCode::add || code == OpCode::multiply || code == OpCode::min ||
                             code == OpCode::max || code == OpCode::equal || code == OpCode::not_equal ||
                             code == OpCode::logical_and || code == OpCode::logical_or;
    if (commutative && b < a) std::swap(a, b);
    auto& seen = value_numbers_[&p];
    const auto key = std::make_tuple(code, a, b, c);
    if (!dst)
      if (const auto it = seen.find(key); it != seen.end()) return it->second;
    const std::uint32_t out = dst ? *dst : allocate();
    if (!dst) temporaries_.insert(out);
    p.code.push_back({code, out, a, b, c});
    seen.emplace(key, out);
    return out;
  }

  // A sub-expression of parameters alone inside a per-step program is computed once per
  // subject by the derive program instead.
  // A key that tells numbers from symbols (a symbol may be called "inf" or "nan").
  static std::string structural_key(const Expression& e) {
    if (e.op() == Op::number) return fmt::format("#{:x}", std::bit_cast<std::uint64_t>(e.value()));
    if (e.op() == Op::symbol) return "$" + e.name();
    std::string key = fmt::format("({}", static_cast<int>(e.op()));
    for (const Expression& arg : e.args()) key += " " + structural_key(arg);
    return key + ")";
  }

  std::uint32_t hoisted(const Expression& e) {
    const std::string key = structural_key(e);
    if (const auto it = hoisted_.find(key); it != hoisted_.end()) return it->second;
    const std::uint32_t reg = emit(e, *out_.derive_);
    hoisted_.emplace(key, reg);
    return reg;
  }

  static void flatten_product(const Expression& e, std::vector<Expression>& factors) {
    if (e.op() == Op::multiply) {
      for (const Expression& a : e.args()) flatten_product(a, factors);
    } else {
      factors.push_back(e);
    }
  }

  // Products are reordered: state and time symbols first (sorted, so that shared partial
  // products such as sp*c1 are computed once), then the per-subject constant factor, then
  // composite factors.
  std::uint32_t emit_product(const Expression& e, Program& p, std::optional<std::uint32_t> dst) {
    std::vector<Expression> factors, fixed, composite;
    std::vector<std::uint32_t> regs;
    flatten_product(e, factors);
    for (const Expression& f : factors) {
      if (!depends_on_time_or_state(f)) fixed.push_back(f);
      else if (f.op() == Op::symbol) regs.push_back(symbols_.at(f.name()).reg);
      else composite.push_back(f);
    }
    std::sort(regs.begin(), regs.end());
    if (regs.empty() && composite.empty()) {  // constant for this subject (in the derive program)
      for (const Expression& f : fixed) regs.push_back(emit(f, p));
    } else if (!fixed.empty()) {
      Expression product = fixed[0];
      for (std::size_t k = 1; k < fixed.size(); ++k) product = Expression::apply(Op::multiply, {product, fixed[k]});
      regs.push_back(emit(product, p));
    }
    for (const Expression& f : composite) regs.push_back(emit(f, p));
    std::uint32_t acc = regs[0];
    for (std::size_t k = 1; k < regs.size(); ++k)
      acc = instr(p, OpCode::multiply, acc, regs[k], 0, k + 1 == regs.size() ? dst : std::nullopt);
    if (dst && acc != *dst) p.code.push_back({OpCode::copy, *dst, acc, 0, 0});
    return dst ? *dst : acc;
  }

  // Emits code for e; returns the register holding its value. `dst` (if set)
  // receives the value of the top node without an extra copy.
  std::uint32_t emit(const Expression& e, Program& p, std::optional<std::uint32_t> dst = std::nullopt) {
    const auto finish = [&](std::uint32_t reg) {
      if (dst && *dst != reg) {
        p.code.push_back({OpCode::copy, *dst, reg, 0, 0});
        return *dst;
      }
      return reg;
    };
    const auto& args = e.args();
    if (&p != out_.derive_.get() && e.op() != Op::number && e.op() != Op::symbol && !depends_on_time_or_state(e))
      return finish(hoisted(e));
    switch (e.op()) {
      case Op::number: return finish(constant(e.value()));
      case Op::symbol: return finish(symbols_.at(e.name()).reg);
      case Op::multiply: return emit_product(e, p, dst);
      case Op::power:
        if (args[1].is_number()) {
          const double n = args[1].value();
          if (n == 1.0) return emit(args[0], p, dst);
          if (n == 2.0 || n == 3.0 || n == 0.5 || n == -1.0) {
            const std::uint32_t base = emit(args[0], p);
            if (n == 0.5) return instr(p, OpCode::sqrt, base, 0, 0, dst);
            if (n == -1.0) return instr(p, OpCode::divide, constant(1.0), base, 0, dst);
            const std::uint32_t square = instr(p, OpCode::multiply, base, base, 0, n == 2.0 ? dst : std::nullopt);
            return n == 2.0 ? square : instr(p, OpCode::multiply, square, base, 0, dst);
          }
        }
        break;
      case Op::piecewise: {
        // piecewise(v1, c1, ..., otherwise): folded from the last pair backwards.
        std::uint32_t result = args.size() % 2 == 1 ? emit(args.back(), p) : constant(std::nan(""));
        for (std::size_t k = (args.size() / 2); k-- > 0;) {
          const std::uint32_t value = emit(args[2 * k], p);
          const std::uint32_t cond = emit(args[2 * k + 1], p);
          result = instr(p, OpCode::select, cond, value, result, k == 0 ? dst : std::nullopt);
        }
        return finish(result);
      }
      case Op::min: case Op::max:
        if (args.size() == 1) return emit(args[0], p, dst);
        break;
      default: break;
    }
    if (args.size() == 1) return instr(p, opcode_for(e.op()), emit(args[0], p), 0, 0, dst);
    // binary, and n-ary min/max folded left to right
    std::uint32_t acc = emit(args[0], p);
    for (std::size_t k = 1; k < args.size(); ++k)
      acc = instr(p, opcode_for(e.op()), acc, emit(args[k], p), 0, k + 1 == args.size() ? dst : std::nullopt);
    return acc;
  }

  // Assignments that `exprs` need, transitively, in evaluation order; only dynamic ones
  // (those of parameters alone are computed once by the derive program).
  std::vector<std::size_t> needed_dynamic(const std::vector<Expression>& exprs) const {
    std::set<std::size_t> needed;
    std::vector<std::string> stack;
    for (const Expression& e : exprs)
      for (const std::string& n : symbols_of(e)) stack.push_back(n);
    while (!stack.empty()) {
      const std::string name = stack.back();
      stack.pop_back();
      const Symbol& s = symbols_.at(name);
      if (s.kind != Kind::assignment || !needed.insert(s.index).second) continue;
      for (const std::string& n : symbols_of(assignments_[s.index].value)) stack.push_back(n);
    }
    std::vector<std::size_t> ordered;
    for (std::size_t i : order_)
      if (needed.count(i) && dynamic_[i]) ordered.push_back(i);
    return ordered;
  }

  void emit_assignments(const std::vector<std::size_t>& which, Program& p) {
    for (std::size_t i : which) emit(assignments_[i].value, p, assignment_register_[i]);
  }

  bool depends_on_time_or_state(const Expression& e) const {
    for (const std::string& name : symbols_of(e)) {
      const Symbol& s = symbols_.at(name);
      if (varies(s.kind)) return true;
      if (s.kind == Kind::assignment && dynamic_[s.index]) return true;
    }
    return false;
  }

  // g > 0 exactly when a relational is true (up to the boundary).
  Expression root_function(const Expression& relational) const {
    const auto& a = relational.args();
    switch (relational.op()) {
      case Op::greater: case Op::greater_equal: return Expression::apply(Op::subtract, {a[0], a[1]});
      case Op::less: case Op::less_equal: return Expression::apply(Op::subtract, {a[1], a[0]});
      default: return Expression::apply(Op::subtract, {a[0], a[1]});  // == and != switch where they are equal
    }
  }

  void collect_switches(const Expression& e, std::map<std::string, Expression>& out) const {
    if (e.is_relational() && depends_on_time_or_state(e)) out.emplace(to_string(e), e);
    for (const Expression& arg : e.args()) collect_switches(arg, out);
  }

  void compile_programs() {
    out_.derive_ = std::make_unique<Program>();
    for (std::size_t i : order_)
      if (!dynamic_[i]) emit(assignments_[i].value, *out_.derive_, assignment_register_[i]);

    out_.initial_ = std::make_unique<Program>();
    for (std::size_t i = 0; i < model_.states.size(); ++i) {
      const State& s = model_.states[i];
      check_symbols(s.initial, s.where);
      for (const std::string& name : symbols_of(s.initial)) {
        const Symbol& sym = symbols_.at(name);
        if (sym.kind == Kind::state || sym.kind == Kind::algebraic || (sym.kind == Kind::assignment && dynamic_[sym.index]))
          fail(s.where, "an initial value of parameters and time only", "'" + name + "' (depends on states)");
      }
      emit(s.initial, *out_.initial_, static_cast<std::uint32_t>(out_.state_base_ + i));
    }
    compile_algebraic_rules();

    std::vector<Expression> rates;
    for (std::size_t i = 0; i < model_.states.size(); ++i) {
      check_symbols(derivative_of_[i]->rate, derivative_of_[i]->where);
      rates.push_back(derivative_of_[i]->rate);
    }
    out_.rhs_ = std::make_unique<Program>();
    const std::vector<std::size_t> rhs_needs = needed_dynamic(rates);
    emit_assignments(rhs_needs, *out_.rhs_);
    for (std::size_t i = 0; i < rates.size(); ++i)
      emit(rates[i], *out_.rhs_, static_cast<std::uint32_t>(out_.derivative_base_ + i));

    std::vector<Expression> observed;
    for (const Observable& o : model_.observables) observed.push_back(Expression::symbol(o.name));
    out_.observe_ = std::make_unique<Program>();
    emit_assignments(needed_dynamic(observed), *out_.observe_);

    // Roots: each comparison on the path to the right-hand side, then each event trigger.
    std::map<std::string, Expression> switches;
    for (const Expression& r : rates) collect_switches(r, switches);
    for (std::size_t i : rhs_needs) collect_switches(assignments_[i].value, switches);
    for (const Expression& residual : inlined_residuals_) collect_switches(residual, switches);
    std::vector<Expression> root_exprs;
    for (const auto& [text, relational] : switches) {
      out_.roots_.push_back(RootInfo{false, 0, text});
      root_exprs.push_back(root_function(relational));
    }
    for (std::size_t k = 0; k < model_.events.size(); ++k) {
      const EventRule& ev = model_.events[k];
      check_symbols(ev.trigger, ev.where);
      out_.roots_.push_back(RootInfo{true, k, to_string(ev.trigger)});
      // A trigger that is not a plain comparison switches between -1 and +1.
      root_exprs.push_back(ev.trigger.is_relational()
                               ? root_function(ev.trigger)
                               : Expression::apply(Op::piecewise, {Expression::number(1.0), ev.trigger, Expression::number(-1.0)}));
    }
    out_.roots_program_ = std::make_unique<Program>();
    emit_assignments(needed_dynamic(root_exprs), *out_.roots_program_);
    root_base_ = next_register_;
    for (std::size_t k = 0; k < root_exprs.size(); ++k) allocate();
    for (std::size_t k = 0; k < root_exprs.size(); ++k)
      emit(root_exprs[k], *out_.roots_program_, static_cast<std::uint32_t>(root_base_ + k));
    out_.root_base_ = root_base_;

    for (const EventRule& ev : model_.events) {
      out_.triggers_.push_back(scalar_program(ev.trigger, ev.where));
      out_.delays_.push_back(optional_scalar_program(ev.delay, ev.where));
      out_.priorities_.push_back(optional_scalar_program(ev.priority, ev.where));

      auto program = std::make_unique<Program>();
      std::vector<Expression> values;
      for (const auto& [target, value_expr] : ev.assignments) {
        check_symbols(value_expr, ev.where);
        values.push_back(value_expr);
      }
      emit_assignments(needed_dynamic(values), *program);
      std::vector<std::uint32_t> value_registers, targets;
      for (const Expression& v : values) value_registers.push_back(emit(v, *program, allocate()));
      for (const auto& [target, value_expr] : ev.assignments) {
        const auto it = symbols_.find(target);
        if (it == symbols_.end() || (it->second.kind != Kind::state && it->second.kind != Kind::parameter))
          fail(ev.where, "a state or parameter as event target", "'" + target + "'");
        targets.push_back(it->second.reg);
      }
      out_.events_.push_back(std::move(program));
      out_.event_value_registers_.push_back(std::move(value_registers));
      out_.event_targets_.push_back(std::move(targets));
    }
  }

  // A program of its own that computes e (with the assignments it needs) into a fresh register.
  detail::ScalarProgram scalar_program(const Expression& e, const SourceLocation& where) {
    check_symbols(e, where);
    auto program = std::make_unique<Program>();
    emit_assignments(needed_dynamic({e}), *program);
    const std::uint32_t result = allocate();
    emit(e, *program, result);
    return {std::move(program), result};
  }

  std::optional<detail::ScalarProgram> optional_scalar_program(const std::optional<Expression>& e,
                                                               const SourceLocation& where) {
    if (!e) return std::nullopt;
    return scalar_program(*e, where);
  }

  // An expression with every dynamic assignment replaced by its value, so that it can be
  // differentiated with respect to the algebraic variables. Each assignment is inlined once and
  // shared (the tree may still be large: within_budget bounds what differentiate() walks).
  Expression inline_dynamic(const Expression& e) {
    if (e.op() == Op::symbol) {
      const Symbol& s = symbols_.at(e.name());
      if (s.kind != Kind::assignment || !dynamic_[s.index]) return e;
      if (const auto it = inlined_.find(s.index); it != inlined_.end()) return it->second;
      Expression value = inline_dynamic(assignments_[s.index].value);
      inlined_.emplace(s.index, value);
      return value;
    }
    if (e.args().empty()) return e;
    std::vector<Expression> args;
    for (const Expression& a : e.args()) args.push_back(inline_dynamic(a));
    return Expression::apply(e.op(), std::move(args));
  }

  // Whether e, walked as a tree (as differentiate() walks it), has at most 200000 nodes and depth
  // 2000: chains of assignments can make an inlined residual exponentially large.
  static bool within_budget(const Expression& e, std::size_t& nodes, std::size_t depth = 1) {
    if (++nodes > 200000 || depth > 2000) return false;
    return std::all_of(e.args().begin(), e.args().end(),
                       [&](const Expression& a) { return within_budget(a, nodes, depth + 1); });
  }

  // The guesses (in the initial program), the residuals and their exact Jacobian (row-major)
  // for CompiledModel::solve_algebraic.
  void compile_algebraic_rules() {
    const std::vector<AlgebraicRule>& rules = model_.algebraic_rules;
    out_.residual_ = std::make_unique<Program>();
    out_.jacobian_ = std::make_unique<Program>();
    std::vector<Expression> residuals, jacobian;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const AlgebraicRule& rule = rules[i];
      check_symbols(rule.guess, rule.where);
      check_symbols(rule.residual, rule.where);
      if (depends_on_time_or_state(rule.guess))
        fail(rule.where, "a guess for '" + rule.variable + "' of parameters only", to_string(rule.guess));
      const std::uint32_t guess = emit(rule.guess, *out_.initial_, static_cast<std::uint32_t>(out_.algebraic_base_ + i));
      out_.initial_->code.push_back({OpCode::copy, static_cast<std::uint32_t>(out_.solved_base_ + i), guess, 0, 0});
      residuals.push_back(rule.residual);
      const Expression inlined = inline_dynamic(rule.residual);
      std::size_t nodes = 0;
      if (!within_budget(inlined, nodes))
        fail(rule.where, "an algebraic rule of at most 200000 operations and depth 2000 with its assignments substituted",
             "a larger one for '" + rule.variable + "'");
      inlined_residuals_.push_back(inlined);
      for (const AlgebraicRule& unknown : rules) jacobian.push_back(differentiate(inlined, unknown.variable));
    }
    emit_assignments(needed_dynamic(residuals), *out_.residual_);
    for (std::size_t i = 0; i < residuals.size(); ++i)
      emit(residuals[i], *out_.residual_, static_cast<std::uint32_t>(out_.residual_base_ + i));
    for (std::size_t k = 0; k < jacobian.size(); ++k)
      emit(jacobian[k], *out_.jacobian_, static_cast<std::uint32_t>(out_.jacobian_base_ + k));
  }

  void resolve_routes() {
    for (const Route& r : model_.routes) {
      ResolvedRoute resolved{r.name, r.unit, {}, {}, {}, {}, {}, {}};
      for (const auto& [state, fraction] : r.into) {
        const auto it = symbols_.find(state);
        if (it == symbols_.end() || it->second.kind != Kind::state)
          fail(r.where, "a state name in routes." + r.name + ".into", "'" + state + "'");
        check_symbols(fraction, r.where);
        if (depends_on_time_or_state(fraction))
          fail(r.where, "a fraction of parameters only in routes." + r.name, to_string(fraction));
        resolved.states.push_back(it->second.index);
        const std::uint32_t reg = allocate();
        emit(fraction, *out_.derive_, reg);
        resolved.fraction_registers.push_back(reg);
      }
      const auto modifier = [&](const std::optional<Expression>& e, const char* what) -> std::optional<std::size_t> {
        if (!e) return std::nullopt;
        check_symbols(*e, r.where);
        if (depends_on_time_or_state(*e)) fail(r.where, fmt::format("a {} of parameters only in routes.{}", what, r.name), to_string(*e));
        const std::uint32_t reg = allocate();
        emit(*e, *out_.derive_, reg);
        return reg;
      };
      resolved.lag_register = modifier(r.lag_days, "lag");
      resolved.bioavailability_register = modifier(r.bioavailability, "bioavailability");
      resolved.rate_register = modifier(r.rate, "rate");
      resolved.duration_register = modifier(r.duration_days, "duration");
      out_.routes_.push_back(std::move(resolved));
    }
  }

  void compute_hash() {
    std::uint64_t h = 1469598103934665603ull;
    h = fnv1a(h, model_.name);
    h = fnv1a(h, model_.version);
    for (const Parameter& p : model_.parameters) h = fnv1a(h, p.name + "=" + fmt::format("{}", p.value));
    for (const State& s : model_.states) h = fnv1a(h, s.name + "0=" + to_string(s.initial));
    for (const Assignment& a : assignments_) h = fnv1a(h, a.name + ":=" + to_string(a.value));
    for (const Derivative& d : model_.derivatives) h = fnv1a(h, d.state + "'=" + to_string(d.rate));
    for (const AlgebraicRule& a : model_.algebraic_rules)
      h = fnv1a(h, "0=" + to_string(a.residual) + " for " + a.variable + " from " + to_string(a.guess));
    for (const EventRule& e : model_.events) {
      h = fnv1a(h, "when " + to_string(e.trigger));
      h = fnv1a(h, fmt::format("delay {} priority {} {}{}{}", e.delay ? to_string(*e.delay) : "-",
                               e.priority ? to_string(*e.priority) : "-", e.persistent, e.initial_value,
                               e.use_values_from_trigger_time));
      for (const auto& [target, value] : e.assignments) h = fnv1a(h, target + "=" + to_string(value));
    }
    for (const Route& r : model_.routes) {
      for (const auto& [state, fraction] : r.into) h = fnv1a(h, r.name + ">" + state + "*" + to_string(fraction));
      for (const auto* e : {&r.lag_days, &r.bioavailability, &r.rate, &r.duration_days})
        h = fnv1a(h, *e ? to_string(**e) : "-");
    }
    out_.hash_ = h;
  }

  CompiledModel& out_;
  const Model& model_;
  std::map<std::string, Symbol, std::less<>> symbols_;
  std::vector<Assignment> assignments_;           // observables first, then the model's assignments
  std::vector<std::size_t> order_;                // topological order of assignments_
  std::vector<bool> dynamic_;                     // depends on t or states
  std::vector<std::uint32_t> assignment_register_;
  std::vector<const Derivative*> derivative_of_;
  std::map<std::size_t, Expression> inlined_;      // dynamic assignment -> its value, inlined
  std::vector<Expression> inlined_residuals_;      // per algebraic rule
  std::map<std::uint64_t, std::uint32_t> constants_;
  std::map<const Program*, std::map<std::tuple<OpCode, std::uint32_t, std::uint32_t, std::uint32_t>, std::uint32_t>> value_numbers_;
  std::map<std::string, std::uint32_t> hoisted_;
  std::set<std::uint32_t> temporaries_;
  std::size_t next_register_ = 1;
  std::size_t root_base_ = 0;
};

detail::ScalarProgram::ScalarProgram() = default;
detail::ScalarProgram::ScalarProgram(std::unique_ptr<Program> p, std::uint32_t r) : program(std::move(p)), result(r) {}
detail::ScalarProgram::ScalarProgram(ScalarProgram&&) noexcept = default;
detail::ScalarProgram& detail::ScalarProgram::operator=(ScalarProgram&&) noexcept = default;
detail::ScalarProgram::~ScalarProgram() = default;

CompiledModel::CompiledModel() = default;
CompiledModel::~CompiledModel() = default;

std::shared_ptr<const CompiledModel> CompiledModel::compile(const Model& model) {
  std::shared_ptr<CompiledModel> compiled(new CompiledModel());
  compiled->model_ = model;
  ModelCompiler(*compiled).run();
  return compiled;
}

namespace {
template <typename Items>
std::size_t index_of(const Items& items, std::string_view name, const SourceLocation& where, const char* what,
                     const std::string& model_name) {
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].name == name) return i;
  std::string known;
  for (const auto& item : items) known += (known.empty() ? "" : ", ") + item.name;
  throw InputError(where, fmt::format("the name of a {} of model '{}' ({})", what, model_name, known),
                   "'" + std::string(name) + "'");
}
}  // namespace

std::size_t CompiledModel::state_index(std::string_view name, const SourceLocation& where) const {
  return index_of(model_.states, name, where, "state", model_.name);
}
std::size_t CompiledModel::parameter_index(std::string_view name, const SourceLocation& where) const {
  return index_of(model_.parameters, name, where, "parameter", model_.name);
}
std::size_t CompiledModel::observable_index(std::string_view name, const SourceLocation& where) const {
  return index_of(model_.observables, name, where, "observable", model_.name);
}
bool CompiledModel::has_observable(std::string_view name) const {
  return std::any_of(model_.observables.begin(), model_.observables.end(),
                     [&](const Observable& o) { return o.name == name; });
}
const ResolvedRoute& CompiledModel::route(std::string_view name, const SourceLocation& where) const {
  return routes_[index_of(routes_, name, where, "dose route", model_.name)];
}

std::vector<double> CompiledModel::default_parameters() const {
  std::vector<double> values;
  for (const Parameter& p : model_.parameters) values.push_back(p.value);
  return values;
}

Workspace CompiledModel::make_workspace() const {
  Workspace w;
  w.registers_.assign(n_registers_, 0.0);
  for (const auto& [reg, value] : constants_) w.registers_[reg] = value;
  return w;
}

void CompiledModel::load_parameters(std::span<const double> parameters, Workspace& w) const {
  ENGRAFT_ASSERT(parameters.size() == n_parameters(), "parameter vector of the wrong size");
  std::copy(parameters.begin(), parameters.end(), w.registers_.begin() + static_cast<long>(parameter_base_));
  derive_->run(w.registers_.data());
}

std::span<const double> CompiledModel::parameters(const Workspace& w) const {
  return {w.registers_.data() + parameter_base_, n_parameters()};
}

double CompiledModel::route_fraction(std::size_t fraction_register, const Workspace& w) const {
  return w.registers_[fraction_register];
}

void CompiledModel::initial_state(double t, std::span<double> y, Workspace& w) const {
  double* r = w.registers_.data();
  r[0] = t;
  initial_->run(r);
  std::copy(r + state_base_, r + state_base_ + n_states(), y.begin());
}

double* CompiledModel::run_at(const detail::Program& program, double t, const double* y, Workspace& w) const {
  double* r = w.registers_.data();
  r[0] = t;
  std::copy(y, y + n_states(), r + state_base_);
  if (n_algebraic() > 0) solve_algebraic(r);
  program.run(r);
  return r;
}

namespace {
// Solves a x = b in place (a: n x n row-major, destroyed; b becomes x) by Gaussian elimination
// with partial pivoting. Returns false when a is singular.
bool solve_dense(double* a, double* b, std::size_t n) {
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t row = col + 1; row < n; ++row)
      if (std::abs(a[row * n + col]) > std::abs(a[pivot * n + col])) pivot = row;
    if (!(std::abs(a[pivot * n + col]) > 0.0) || !std::isfinite(a[pivot * n + col])) return false;
    if (pivot != col) {
      std::swap_ranges(a + col * n, a + col * n + n, a + pivot * n);
      std::swap(b[col], b[pivot]);
    }
    for (std::size_t row = col + 1; row < n; ++row) {
      const double factor = a[row * n + col] / a[col * n + col];
      for (std::size_t k = col; k < n; ++k) a[row * n + k] -= factor * a[col * n + k];
      b[row] -= factor * b[col];
    }
  }
  for (std::size_t col = n; col-- > 0;) {
    for (std::size_t k = col + 1; k < n; ++k) b[col] -= a[col * n + k] * b[k];
    b[col] /= a[col * n + col];
  }
  return true;
}
}  // namespace

// Where the Jacobian is singular (rules already satisfied whose variables it cannot move, or a
// variable a rule does not feel at the guess), the Gauss-Newton step (J^T J + mu I) step = J^T F
// with mu 1e-12 of J^T J's largest diagonal entry: it leaves alone the directions no residual
// sees and moves the others as Newton would. Registers as solve_algebraic; false if J is 0.
bool CompiledModel::least_squares_step(double* r) const {
  const std::size_t n = n_algebraic();
  residual_->run(r);  // solve_dense overwrote both
  jacobian_->run(r);
  const double* jacobian = r + jacobian_base_;
  double* step = r + residual_base_;
  std::vector<double> normal(n * n, 0.0), gradient(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t k = 0; k < n; ++k) normal[i * n + j] += jacobian[k * n + i] * jacobian[k * n + j];
      gradient[i] += jacobian[j * n + i] * step[j];
    }
  double largest = 0.0;
  for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, normal[i * n + i]);
  if (!(largest > 0.0) || !std::isfinite(largest)) return false;
  for (std::size_t i = 0; i < n; ++i) normal[i * n + i] += 1e-12 * largest;
  if (!solve_dense(normal.data(), gradient.data(), n)) return false;
  std::copy(gradient.begin(), gradient.end(), step);
  return true;
}

// Newton's method with the exact Jacobian, from the values in the registers (the last solution,
// or the guesses at the start): a few iterations per call along a solution. Converged when the
// residuals are exactly 0, when every step is below 1e-12 of its variable, or when the steps stop
// shrinking while below 1e-9 of their variables: near a simple root Newton's steps shrink
// quadratically, so a step that does not halve there is rounding noise. Every test is relative to
// the variable, never to its unit (a halving step of 1e-10 towards a root at 1e-12 is not noise).
// Without convergence the variables become NaN, which the solver reports as a failed right-hand
// side: never a wrong value. The next call starts again from the last solution (an integrator's
// rejected trial step must not poison the ones after it).
void CompiledModel::solve_algebraic(double* r) const {
  const std::size_t n = n_algebraic();
  double* z = r + algebraic_base_;
  double* step = r + residual_base_;
  double* jacobian = r + jacobian_base_;
  double* solved = r + solved_base_;
  if (std::any_of(z, z + n, [](double v) { return std::isnan(v); })) std::copy(solved, solved + n, z);
  const auto converged = [&] { std::copy(z, z + n, solved); };
  double previous = std::numeric_limits<double>::infinity();
  for (int iteration = 0; iteration < 60; ++iteration) {
    residual_->run(r);
    // Exactly satisfied: nothing to solve, even where the Jacobian is singular (a fast reaction
    // whose rate constant is 0 leaves every value at equilibrium).
    if (std::all_of(step, step + n, [](double f) { return f == 0.0; })) return converged();
    jacobian_->run(r);
    if (!solve_dense(jacobian, step, n) && !least_squares_step(r)) break;
    bool tiny = true, small = true;
    double largest = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(step[i])) {
        std::fill(z, z + n, std::nan(""));
        return;
      }
      z[i] -= step[i];
      const double change = std::abs(step[i]);
      tiny = tiny && change <= 1e-12 * std::abs(z[i]);
      small = small && change <= 1e-9 * std::abs(z[i]);
      largest = std::max(largest, change / std::max(std::abs(z[i]), 1e-300));
    }
    if (tiny || (small && largest > 0.5 * previous)) return converged();
    previous = largest;
  }
  std::fill(z, z + n, std::nan(""));
}

void CompiledModel::rhs(double t, const double* y, double* ydot, Workspace& w) const {
  const double* r = run_at(*rhs_, t, y, w);
  std::copy(r + derivative_base_, r + derivative_base_ + n_states(), ydot);
}

void CompiledModel::observe(double t, const double* y, double* out, Workspace& w) const {
  const double* r = run_at(*observe_, t, y, w);
  std::copy(r + observable_base_, r + observable_base_ + n_observables(), out);
}

void CompiledModel::roots(double t, const double* y, double* g, Workspace& w) const {
  const double* r = run_at(*roots_program_, t, y, w);
  std::copy(r + root_base_, r + root_base_ + n_roots(), g);
}

double CompiledModel::evaluate(const detail::ScalarProgram& program, double t, const double* y, Workspace& w) const {
  return run_at(*program.program, t, y, w)[program.result];
}

bool CompiledModel::trigger_value(std::size_t k, double t, const double* y, Workspace& w) const {
  return evaluate(triggers_[k], t, y, w) != 0.0;
}

double CompiledModel::event_delay(std::size_t k, double t, const double* y, Workspace& w) const {
  return delays_[k] ? evaluate(*delays_[k], t, y, w) : 0.0;
}

double CompiledModel::event_priority(std::size_t k, double t, const double* y, Workspace& w) const {
  return priorities_[k] ? evaluate(*priorities_[k], t, y, w) : -std::numeric_limits<double>::infinity();
}

void CompiledModel::event_values(std::size_t k, double t, const double* y, std::span<double> values, Workspace& w) const {
  const double* r = run_at(*events_[k], t, y, w);
  const auto& registers = event_value_registers_[k];
  ENGRAFT_ASSERT(values.size() == registers.size(), "event value buffer of the wrong size");
  std::transform(registers.begin(), registers.end(), values.begin(), [r](std::uint32_t reg) { return r[reg]; });
}

void CompiledModel::assign_event(std::size_t k, double t, std::span<const double> values, double* y, Workspace& w) const {
  double* r = w.registers_.data();
  r[0] = t;
  std::copy(y, y + n_states(), r + state_base_);
  const auto& targets = event_targets_[k];
  ENGRAFT_ASSERT(values.size() == targets.size(), "event value buffer of the wrong size");
  for (std::size_t j = 0; j < targets.size(); ++j) r[targets[j]] = values[j];
  std::copy(r + state_base_, r + state_base_ + n_states(), y);
  derive_->run(r);  // a parameter may have changed
}

}  // namespace engraft
