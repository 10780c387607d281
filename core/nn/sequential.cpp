#include "core/nn/sequential.h"

#include <stdexcept>

namespace core {

Module& Sequential::add(std::unique_ptr<Module> child) {
  if (!child) throw std::invalid_argument(name() + ": cannot add a null module");
  children_.push_back(Child{std::move(child), std::nullopt});
  return *children_.back().module;
}

void Sequential::set_rule(size_t index, const LrpRule& rule) {
  children_.at(index).rule = rule;
}

void Sequential::clear_rule(size_t index) {
  children_.at(index).rule.reset();
}

void Sequential::check_input(const Tensor& x) const {
  if (children_.empty()) throw std::invalid_argument(name() + ": has no modules to run");
  require_any_tensor(x, name());
}

Shape Sequential::output_shape(const Shape& input) const {
  Shape shape = input;
  for (const Child& c : children_)
    shape = c.module->output_shape_for(shape);
  return shape;
}

Tensor Sequential::forward_impl(const Tensor& x, Context& ctx) {
  ctx.children.resize(children_.size());
  Tensor h = x;
  for (size_t i = 0; i < children_.size(); ++i)
    h = children_[i].module->forward(h, ctx.children[i], ctx.mode);
  return h;
}

Tensor Sequential::backward_impl(const Tensor& grad_y, const Context& ctx) {
  Tensor g = grad_y;
  for (size_t i = children_.size(); i-- > 0;)
    g = children_[i].module->backward(g, ctx.children[i]);
  return g;
}

Tensor Sequential::relevance_impl(const Tensor& relevance_y, const Context& ctx,
                                  const LrpRule& rule) {
  Tensor r = relevance_y;
  for (size_t i = children_.size(); i-- > 0;) {
    const Child& c = children_[i];
    r = c.module->relevance(r, ctx.children[i], c.rule ? *c.rule : rule);
  }
  return r;
}

void Sequential::collect_parameters(std::vector<Parameter*>& out) {
  for (Child& c : children_) {
    for (Parameter* p : c.module->parameters())
      out.push_back(p);
  }
}

}  // namespace core
