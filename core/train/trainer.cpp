#include "core/train/trainer.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/io/safetensors.h"
#include "core/models/model_io.h"

namespace core {

namespace {

constexpr int kMaxBadStepsInARow = 10;
constexpr const char* kOptimiserPrefix = "optimiser.";

// Checks the trainer's own options first, so that a bad `steps` is reported
// as such rather than as the schedule's total_steps.
LrScheduleOptions schedule_for(const TrainerOptions& options) {
  if (options.steps < 1) throw std::invalid_argument("training steps must be >= 1");
  LrScheduleOptions s = options.schedule;
  s.total_steps = options.steps;
  return s;
}

// JSON has no NaN or infinity (nlohmann writes null, which then does not read
// back as a number): a skipped step's loss is stored as a string.
nlohmann::json loss_json(double loss) {
  if (std::isfinite(loss)) return loss;
  return std::isnan(loss) ? "nan" : (loss > 0 ? "inf" : "-inf");
}

double loss_of(const nlohmann::json& j) {
  if (!j.is_string()) return j.get<double>();
  const std::string s = j.get<std::string>();
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  throw std::invalid_argument("a loss of '" + s + "'");
}

}  // namespace

Trainer::Trainer(std::vector<Parameter*> parameters, const TrainerOptions& options)
    : parameters_(std::move(parameters)),
      options_(options),
      optimiser_(parameters_, options.adamw),
      schedule_(schedule_for(options)) {
  if (options.clip_norm < 0) throw std::invalid_argument("clip_norm must be >= 0");
  if (options.validate_every < 0 || options.checkpoint_every < 0) {
    throw std::invalid_argument("validate_every and checkpoint_every must be >= 0");
  }
}

nlohmann::json Trainer::training_json() const {
  nlohmann::json losses = nlohmann::json::array();
  for (double loss : history_.loss)
    losses.push_back(loss_json(loss));
  nlohmann::json validation = nlohmann::json::array();
  for (const auto& [step, loss] : history_.validation)
    validation.push_back({step, loss_json(loss)});
  return {{"step", step_},
          {"steps", options_.steps},
          {"seed", std::to_string(options_.seed)},
          {"skipped_steps", skipped_},
          {"loss", losses},
          {"validation", validation}};
}

void Trainer::save(const std::filesystem::path& path, const nlohmann::json& model_config) const {
  std::vector<NamedTensor> tensors = parameter_tensors(parameters_);
  for (auto& t : optimiser_.state().tensors)
    tensors.push_back({kOptimiserPrefix + t.name, t.tensor});
  nlohmann::json config = model_config;
  config["training"] = training_json();
  save_checkpoint(path, tensors, config,
                  {{"neuroseq.optimiser_step", std::to_string(optimiser_.steps())}});
}

void Trainer::resume(const std::filesystem::path& checkpoint) {
  const std::string source = checkpoint.string();
  const Checkpoint loaded = load_checkpoint(checkpoint);
  const auto& training = loaded.config.value("training", nlohmann::json());
  if (!training.is_object()) throw std::runtime_error(source + ": not a training checkpoint");
  try {
    if (training.at("seed").get<std::string>() != std::to_string(options_.seed)) {
      throw std::runtime_error(source + ": written by a run with seed " +
                               training.at("seed").get<std::string>() + ", this run has seed " +
                               std::to_string(options_.seed));
    }
    if (training.at("steps").get<int64_t>() != options_.steps) {
      throw std::runtime_error(source + ": written by a run of " +
                               std::to_string(training.at("steps").get<int64_t>()) +
                               " steps, this run has " + std::to_string(options_.steps));
    }
    load_parameters(loaded.weights, parameters_, source);
    AdamWState state;
    state.step = std::stoll(loaded.weights.metadata.at("neuroseq.optimiser_step"));
    for (const auto& t : loaded.weights.tensors)
      if (t.name.starts_with(kOptimiserPrefix))
        state.tensors.push_back({t.name.substr(std::string(kOptimiserPrefix).size()), t.tensor});
    optimiser_.load_state(state);
    step_ = training.at("step").get<int64_t>();
    skipped_ = training.at("skipped_steps").get<int64_t>();
    history_ = {};
    for (const auto& v : training.at("loss"))
      history_.loss.push_back(loss_of(v));
    for (const auto& v : training.at("validation"))
      history_.validation.emplace_back(v.at(0).get<int64_t>(), loss_of(v.at(1)));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(source + ": malformed training state (" + e.what() + ")");
  } catch (const std::out_of_range&) {
    throw std::runtime_error(source + ": the optimiser state is missing");
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(source + ": " + e.what());
  }
  if (step_ < 0 || step_ > options_.steps || static_cast<int64_t>(history_.loss.size()) != step_) {
    throw std::runtime_error(source + ": inconsistent training state");
  }
}

TrainingOutcome Trainer::run(const TrainerHooks& hooks) {
  if (!hooks.loss_and_grad) throw std::invalid_argument("trainer: no loss function");
  TrainingOutcome outcome;
  const bool checkpoints = !options_.checkpoint.empty();
  int bad_in_a_row = 0;
  auto validate = [&] {
    if (hooks.validation_loss) history_.validation.emplace_back(step_, hooks.validation_loss());
  };
  while (step_ < options_.steps) {
    if (hooks.should_stop && hooks.should_stop()) {
      outcome.stopped = true;
      break;
    }
    for (Parameter* p : parameters_)
      grad_buffer(*p).fill(0.0f);
    const ForwardMode mode{
        .training = true, .seed = options_.seed, .step = static_cast<uint64_t>(step_)};
    const double loss = hooks.loss_and_grad(mode);
    const double norm = options_.clip_norm > 0
                            ? clip_grad_norm(parameters_, options_.clip_norm)
                            : clip_grad_norm(parameters_, std::numeric_limits<double>::max());
    const double lr = schedule_.at(step_);
    if (std::isfinite(norm) && std::isfinite(loss)) {
      optimiser_.set_lr(lr);
      optimiser_.step();
      bad_in_a_row = 0;
    } else {
      ++skipped_;
      if (++bad_in_a_row >= kMaxBadStepsInARow) {
        throw std::runtime_error("training diverged: " + std::to_string(kMaxBadStepsInARow) +
                                 " steps in a row with a non-finite loss or gradient (step " +
                                 std::to_string(step_) + "); lower the learning rate");
      }
    }
    history_.loss.push_back(loss);
    ++step_;
    if (hooks.on_step) hooks.on_step({step_ - 1, loss, lr, norm});
    if (options_.validate_every > 0 && step_ % options_.validate_every == 0 &&
        step_ < options_.steps) {
      validate();
    }
    if (checkpoints && options_.checkpoint_every > 0 && step_ % options_.checkpoint_every == 0 &&
        step_ < options_.steps) {
      save(options_.checkpoint, hooks.model_config);
    }
  }
  // A finished run resumed has validated at its last step already.
  if (!outcome.stopped &&
      (history_.validation.empty() || history_.validation.back().first != step_)) {
    validate();
  }
  if (checkpoints) save(options_.checkpoint, hooks.model_config);
  outcome.steps_done = step_;
  outcome.skipped_steps = skipped_;
  outcome.history = history_;
  return outcome;
}

}  // namespace core
