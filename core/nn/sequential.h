#pragma once
// Sequential: a chain of child modules, each fed the previous one's output.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/nn/module.h"

namespace core {

class Sequential final : public Module {
 public:
  explicit Sequential(std::string name) : Module(std::move(name)) {}

  // Appends `child` and returns it.
  Module& add(std::unique_ptr<Module> child);
  template <typename M, typename... Args>
  M& emplace(Args&&... args) {
    auto child = std::make_unique<M>(std::forward<Args>(args)...);
    M& ref = *child;
    add(std::move(child));
    return ref;
  }

  size_t size() const { return children_.size(); }
  Module& child(size_t index) { return *children_.at(index).module; }

  // An LRP composite: child `index` uses `rule` instead of the one handed to
  // relevance(), e.g. z-box for the first layer and gamma for lower ones.
  void set_rule(size_t index, const LrpRule& rule);
  void clear_rule(size_t index);

 protected:
  // Checks only that there is a chain: each child checks its own input as
  // the chain runs, so errors name the child that rejected the shape.
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override;
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // Relevance runs the chain backwards, each child with its own rule when
  // set_rule gave it one.
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
  void collect_parameters(std::vector<Parameter*>& out) override;

 private:
  struct Child {
    std::unique_ptr<Module> module;
    std::optional<LrpRule> rule;
  };
  std::vector<Child> children_;
};

}  // namespace core
