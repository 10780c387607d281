#pragma once
// The training loop shared by pretraining and decoding: AdamW with warm-up
// and decay, gradient clipping, validation, checkpoints every N steps, and
// resuming. Every random draw of a step is keyed by (seed, step), and the
// checkpoint holds the optimiser's moments, so a run resumed from a
// checkpoint ends with exactly the weights of a run never interrupted.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "core/nn/module.h"
#include "core/train/adamw.h"
#include "core/train/schedule.h"

namespace core {

struct TrainerOptions {
  int64_t steps = 1000;
  LrScheduleOptions schedule;  // total_steps is taken from `steps`
  AdamWOptions adamw;
  double clip_norm = 1.0;  // 0: no clipping
  uint64_t seed = 1;
  int64_t validate_every = 0;        // 0: only after the last step
  int64_t checkpoint_every = 0;      // 0: only at the end and when stopped
  std::filesystem::path checkpoint;  // empty: no checkpoints
};

struct TrainingStep {
  int64_t step = 0;  // 0-based, the update just made
  double loss = 0;
  double lr = 0;
  double grad_norm = 0;
};

struct TrainerHooks {
  // Computes one batch's loss and adds its gradients into the parameters'
  // grads; the batch and every random draw must depend on mode.seed and
  // mode.step only.
  std::function<double(const ForwardMode& mode)> loss_and_grad;
  std::function<double()> validation_loss;  // optional
  // The model's JSON config, stored in each checkpoint beside "training".
  nlohmann::json model_config = nlohmann::json::object();
  std::function<void(const TrainingStep&)> on_step;  // optional
  std::function<bool()> should_stop;                 // optional: saves and returns
};

struct TrainingHistory {
  std::vector<double> loss;                            // one per step
  std::vector<std::pair<int64_t, double>> validation;  // (steps done, loss)
};

struct TrainingOutcome {
  int64_t steps_done = 0;
  bool stopped = false;       // should_stop said so before the last step
  int64_t skipped_steps = 0;  // non-finite gradients, update skipped
  TrainingHistory history;
};

class Trainer {
 public:
  // Throws std::invalid_argument for options out of range.
  Trainer(std::vector<Parameter*> parameters, const TrainerOptions& options);

  // Restores weights, optimiser state, the step and the history. Throws
  // std::runtime_error "<file>: <problem>" for a checkpoint that is corrupt,
  // of another model, or of a run with another seed or length.
  void resume(const std::filesystem::path& checkpoint);
  int64_t steps_done() const { return step_; }

  // Runs from the current step to options.steps. Throws std::runtime_error
  // when 10 steps in a row have non-finite gradients (the run diverged).
  TrainingOutcome run(const TrainerHooks& hooks);

  // Weights and optimiser state, written atomically.
  void save(const std::filesystem::path& path, const nlohmann::json& model_config) const;

 private:
  nlohmann::json training_json() const;

  std::vector<Parameter*> parameters_;
  TrainerOptions options_;
  AdamW optimiser_;
  LrSchedule schedule_;
  int64_t step_ = 0;
  int64_t skipped_ = 0;
  TrainingHistory history_;
};

}  // namespace core
