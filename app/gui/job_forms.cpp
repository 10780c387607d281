#include "app/gui/job_forms.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>

#include <stdexcept>
#include <string>

#include "app/gui/path_field.h"
#include "app/jobs/decode_encoder_job.h"
#include "app/jobs/decode_linear_job.h"
#include "app/jobs/explain_job.h"
#include "app/jobs/model_preset.h"
#include "app/jobs/pretrain_job.h"
#include "app/jobs/simulate_job.h"
#include "app/jobs/train_job.h"
#include "core/attribution/explain.h"

namespace gui {

namespace {

namespace fs = std::filesystem;

// The command line's --high-pass default (a cosine basis below 0.008 Hz).
constexpr double kDefaultHighPassHz = 0.008;
const char* const kAtlasFilter = "NIfTI images (*.nii *.nii.gz);;All files (*)";
const char* const kModelFilter = "safetensors (*.safetensors);;All files (*)";

QSpinBox* spin_box(const QString& name, int minimum, int maximum, int value, QWidget* parent,
                   const QString& zero_means = {}) {
  auto* box = new QSpinBox(parent);
  box->setObjectName(name);
  box->setRange(minimum, maximum);
  box->setValue(value);
  if (!zero_means.isEmpty()) box->setSpecialValueText(zero_means);
  return box;
}

QComboBox* choice_box(const QString& name, const QStringList& items, QWidget* parent) {
  auto* box = new QComboBox(parent);
  box->setObjectName(name);
  box->addItems(items);
  return box;
}

QStringList preset_list() {
  QStringList names;
  for (const auto& n : jobs::preset_names())
    names << QString::fromStdString(n);
  return names;
}

fs::path required(const PathField* field, const char* label) {
  const fs::path path = field->path();
  if (path.empty()) throw std::runtime_error(std::string(label) + ": choose a path");
  return path;
}

// The recipe the command line uses when only --atlas is given.
jobs::SeriesRecipe default_recipe(const fs::path& atlas) {
  jobs::SeriesRecipe recipe;
  recipe.atlas = atlas;
  recipe.clean.filter = neuro::CleanOptions::Filter::kCosine;
  recipe.clean.high_pass_hz = kDefaultHighPassHz;
  return recipe;
}

std::string text_of(const QComboBox* box) {
  return box->currentText().toStdString();
}

void note_scores(const jobs::JobContext& context, const jobs::DecodingSummary& s) {
  context.note(QString("%1: %2 windows, %3 states, %4 folds: accuracy %5, balanced accuracy %6, "
                       "macro-F1 %7 (chance %8, binomial p = %9)")
                   .arg(QString::fromStdString(s.model))
                   .arg(s.windows)
                   .arg(s.states.size())
                   .arg(s.folds)
                   .arg(s.scores.accuracy, 0, 'f', 3)
                   .arg(s.scores.balanced_accuracy, 0, 'f', 3)
                   .arg(s.scores.macro_f1, 0, 'f', 3)
                   .arg(s.chance, 0, 'f', 3)
                   .arg(s.binomial_p, 0, 'g', 2)
                   .toStdString());
}

// Dataset, atlas, the events column that names the states and the confound
// strategy, which every job that reads a dataset needs; the last two open
// with the recipe's defaults.
struct DatasetFields {
  PathField* dataset = nullptr;
  PathField* atlas = nullptr;
  QLineEdit* state_column = nullptr;
  QLineEdit* confounds = nullptr;

  static DatasetFields add_to(QFormLayout* form, QWidget* parent) {
    const jobs::SeriesRecipe defaults;
    DatasetFields f{
        new PathField(PathField::Kind::kExistingFolder, "dataset", parent),
        new PathField(PathField::Kind::kExistingFile, "atlas", parent, kAtlasFilter),
        new QLineEdit(QString::fromStdString(defaults.labels.events.state_column), parent),
        new QLineEdit(QString::fromStdString(neuro::describe(defaults.confound_strategy)), parent)};
    f.dataset->setToolTip("A BIDS dataset or fMRIPrep derivatives folder.");
    f.atlas->setToolTip("A label atlas (dseg) or probabilistic maps (probseg).");
    f.state_column->setObjectName("state_column");
    f.state_column->setToolTip("The events.tsv column whose values name the mental states.");
    f.confounds->setObjectName("confound_strategy");
    f.confounds->setToolTip(
        "fMRIPrep confounds as nilearn's load_confounds strategies, e.g. "
        "motion=basic,high_pass,compcor=temporal:5 (empty: none).");
    form->addRow("Dataset:", f.dataset);
    form->addRow("Atlas:", f.atlas);
    form->addRow("State column:", f.state_column);
    form->addRow("Confounds:", f.confounds);
    return f;
  }

  // The recipe the command line uses with these fields.
  jobs::SeriesRecipe recipe() const {
    jobs::SeriesRecipe r = default_recipe(required(atlas, "Atlas"));
    const auto column = state_column->text().trimmed().toStdString();
    if (!column.empty()) r.labels.events.state_column = column;
    const auto strategy = confounds->text().trimmed().toStdString();
    if (strategy.empty()) {
      r.use_confounds = false;
    } else {
      try {
        r.confound_strategy = neuro::parse_confound_strategy(strategy);
      } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("Confounds: ") + e.what());
      }
    }
    return r;
  }
};

class SimulateForm : public JobForm {
 public:
  explicit SimulateForm(QWidget* parent) : JobForm(parent) {
    const neuro::SimulationOptions defaults;
    auto* form = new QFormLayout(this);
    output_ = new PathField(PathField::Kind::kOutputFolder, "output", this);
    subjects_ = spin_box("subjects", 1, 200, defaults.subjects, this);
    task_runs_ = spin_box("task_runs", 1, 20, defaults.task_runs, this);
    rest_runs_ = spin_box("rest_runs", 0, 20, defaults.rest_runs, this);
    atlas_ = choice_box("atlas_choice", {"auto", "harvard-oxford", "aicha", "phantom"}, this);
    design_ = choice_box("design", {"block", "event", "mixed"}, this);
    seed_ = spin_box("seed", 0, 1 << 30, static_cast<int>(defaults.seed), this);
    overwrite_ = new QCheckBox("Replace an earlier simulation there", this);
    overwrite_->setObjectName("overwrite");
    form->addRow("Output folder:", output_);
    form->addRow("Subjects:", subjects_);
    form->addRow("Task runs:", task_runs_);
    form->addRow("Resting runs:", rest_runs_);
    form->addRow("Atlas:", atlas_);
    form->addRow("Design:", design_);
    form->addRow("Seed:", seed_);
    form->addRow(overwrite_);
  }
  QString title() const override { return "Simulate a dataset"; }
  PreparedJob prepare() const override {
    neuro::SimulationOptions o;
    o.output_root = required(output_, "Output folder");
    o.subjects = subjects_->value();
    o.task_runs = task_runs_->value();
    o.rest_runs = rest_runs_->value();
    o.space.atlas = neuro::parse_atlas_choice(text_of(atlas_));
    o.design = neuro::parse_design_kind(text_of(design_));
    o.seed = static_cast<uint64_t>(seed_->value());
    o.overwrite = overwrite_->isChecked();
    return {title(),
            [o](const jobs::JobContext& context) {
              const auto s = jobs::run_simulate(o, context);
              for (const auto& note : s.notes)
                context.note(note);
              context.note(QString("%1: %2 subjects, %3 runs, %4 atlas (%5) in %6 s")
                               .arg(QString::fromStdString(s.root.string()))
                               .arg(s.subjects.size())
                               .arg(s.runs.size())
                               .arg(QString::fromStdString(s.atlas))
                               .arg(QString::fromStdString(s.atlas_image.string()))
                               .arg(s.seconds, 0, 'f', 1)
                               .toStdString());
            },
            {}};
  }

 private:
  PathField* output_;
  QSpinBox *subjects_, *task_runs_, *rest_runs_, *seed_;
  QComboBox *atlas_, *design_;
  QCheckBox* overwrite_;
};

class PretrainForm : public JobForm {
 public:
  explicit PretrainForm(QWidget* parent) : JobForm(parent) {
    const jobs::PretrainConfig defaults;
    auto* form = new QFormLayout(this);
    data_ = DatasetFields::add_to(form, this);
    preset_ = choice_box("preset", preset_list(), this);
    preset_->setCurrentText(QString::fromStdString(defaults.preset));
    steps_ = spin_box("steps", 0, 1000000, 0, this, "preset's");
    seed_ = spin_box("seed", 0, 1 << 30, static_cast<int>(defaults.seed), this);
    output_ = new PathField(PathField::Kind::kOutputFolder, "output", this);
    resume_ = new QCheckBox("Continue from the folder's checkpoint", this);
    resume_->setObjectName("resume");
    form->addRow("Preset:", preset_);
    form->addRow("Steps:", steps_);
    form->addRow("Seed:", seed_);
    form->addRow("Model folder:", output_);
    form->addRow(resume_);
  }
  QString title() const override { return "Pretrain an encoder"; }
  PreparedJob prepare() const override {
    jobs::PretrainConfig c;
    c.datasets = {required(data_.dataset, "Dataset")};
    c.recipe = data_.recipe();
    c.preset = text_of(preset_);
    if (steps_->value() > 0) c.steps = steps_->value();
    c.seed = static_cast<uint64_t>(seed_->value());
    c.output = required(output_, "Model folder");
    c.resume = resume_->isChecked();
    return {title(),
            [c](const jobs::JobContext& context) {
              const auto r = jobs::run_pretrain(c, context);
              context.note(QString("%1: %2 steps, loss %3 \u2192 %4, validation %5 "
                                   "(predicting the mean: %6)")
                               .arg(QString::fromStdString(r.model.string()))
                               .arg(r.steps)
                               .arg(r.first_loss, 0, 'f', 4)
                               .arg(r.last_loss, 0, 'f', 4)
                               .arg(r.validation_loss, 0, 'f', 4)
                               .arg(r.validation_baseline, 0, 'f', 4)
                               .toStdString());
            },
            {}};
  }

 private:
  DatasetFields data_;
  QComboBox* preset_;
  QSpinBox *steps_, *seed_;
  PathField* output_;
  QCheckBox* resume_;
};

class FineTuneForm : public JobForm {
 public:
  explicit FineTuneForm(QWidget* parent) : JobForm(parent) {
    const jobs::TrainConfig defaults;
    auto* form = new QFormLayout(this);
    data_ = DatasetFields::add_to(form, this);
    preset_ = choice_box("preset", preset_list(), this);
    preset_->setCurrentText(QString::fromStdString(defaults.preset));
    pretrained_ = new PathField(PathField::Kind::kExistingFile, "pretrained", this, kModelFilter);
    pretrained_->setToolTip("model.safetensors of a pretraining run; empty: train from scratch.");
    steps_ = spin_box("steps", 0, 1000000, 0, this, "preset's");
    seed_ = spin_box("seed", 0, 1 << 30, static_cast<int>(defaults.seed), this);
    output_ = new PathField(PathField::Kind::kOutputFolder, "output", this);
    form->addRow("Preset:", preset_);
    form->addRow("Pretrained encoder:", pretrained_);
    form->addRow("Steps:", steps_);
    form->addRow("Seed:", seed_);
    form->addRow("Decoder folder:", output_);
  }
  QString title() const override { return "Fine-tune a decoder"; }
  PreparedJob prepare() const override {
    jobs::TrainConfig c;
    c.dataset = required(data_.dataset, "Dataset");
    c.recipe = data_.recipe();
    c.preset = text_of(preset_);
    c.pretrained = pretrained_->path();
    if (steps_->value() > 0) c.steps = steps_->value();
    c.seed = static_cast<uint64_t>(seed_->value());
    c.output = required(output_, "Decoder folder");
    return {title(),
            [c](const jobs::JobContext& context) {
              const auto r = jobs::run_train(c, context);
              context.note(QString("%1: %2 states, %3 windows, training accuracy %4")
                               .arg(QString::fromStdString(r.decoder.string()))
                               .arg(r.states.size())
                               .arg(r.windows)
                               .arg(r.training_accuracy, 0, 'f', 3)
                               .toStdString());
            },
            {}};
  }

 private:
  DatasetFields data_;
  QComboBox* preset_;
  PathField* pretrained_;
  QSpinBox *steps_, *seed_;
  PathField* output_;
};

class DecodeForm : public JobForm {
 public:
  explicit DecodeForm(QWidget* parent) : JobForm(parent) {
    const jobs::EncoderDecodeConfig defaults;
    auto* form = new QFormLayout(this);
    data_ = DatasetFields::add_to(form, this);
    model_ = choice_box("model", QStringList{"linear"} + preset_list(), this);
    model_->setToolTip("linear: logistic regression on window means; else an encoder preset.");
    pretrained_ = new PathField(PathField::Kind::kExistingFile, "pretrained", this, kModelFilter);
    pretrained_->setToolTip("Encoders only: a pretrained encoder to fine-tune or freeze.");
    freeze_ = new QCheckBox("Keep the pretrained encoder frozen (logistic-regression head)", this);
    freeze_->setObjectName("freeze");
    folds_ = spin_box("folds", 0, 100, defaults.folds, this, "leave one subject out");
    steps_ = spin_box("steps", 0, 1000000, 0, this, "preset's");
    permutations_ = spin_box("permutations", 0, 100000, defaults.permutations, this, "none");
    seed_ = spin_box("seed", 0, 1 << 30, static_cast<int>(defaults.seed), this);
    output_ = new PathField(PathField::Kind::kOutputFolder, "output", this);
    form->addRow("Model:", model_);
    form->addRow("Pretrained encoder:", pretrained_);
    form->addRow(freeze_);
    form->addRow("Folds:", folds_);
    form->addRow("Steps:", steps_);
    form->addRow("Permutations:", permutations_);
    form->addRow("Seed:", seed_);
    form->addRow("Results folder:", output_);
    const auto linear_only = [this] {
      const bool encoder = model_->currentText() != "linear";
      pretrained_->setEnabled(encoder);
      freeze_->setEnabled(encoder);
      steps_->setEnabled(encoder);
    };
    connect(model_, &QComboBox::currentTextChanged, this, linear_only);
    linear_only();
  }
  QString title() const override { return "Decode"; }
  PreparedJob prepare() const override {
    const fs::path dataset = required(data_.dataset, "Dataset");
    const auto recipe = data_.recipe();
    const fs::path output = required(output_, "Results folder");
    if (model_->currentText() == "linear") {
      jobs::LinearDecodeConfig c;
      c.dataset = dataset;
      c.recipe = recipe;
      c.folds = folds_->value();
      c.permutations = permutations_->value();
      c.seed = static_cast<uint64_t>(seed_->value());
      c.output = output;
      return {"Decode (linear)",
              [c](const jobs::JobContext& context) {
                note_scores(context, jobs::run_decode_linear(c, context));
              },
              output};
    }
    jobs::EncoderDecodeConfig c;
    c.dataset = dataset;
    c.recipe = recipe;
    c.preset = text_of(model_);
    c.pretrained = pretrained_->path();
    c.freeze = freeze_->isChecked();
    if (c.freeze && c.pretrained.empty()) {
      throw std::runtime_error("Pretrained encoder: a frozen encoder must be a pretrained one");
    }
    c.folds = folds_->value();
    if (steps_->value() > 0) c.steps = steps_->value();
    c.permutations = permutations_->value();
    c.seed = static_cast<uint64_t>(seed_->value());
    c.output = output;
    return {"Decode (" + model_->currentText() + ")",
            [c](const jobs::JobContext& context) {
              note_scores(context, jobs::run_decode_encoder(c, context).summary);
            },
            output};
  }

 private:
  DatasetFields data_;
  QComboBox* model_;
  PathField* pretrained_;
  QCheckBox* freeze_;
  QSpinBox *folds_, *steps_, *permutations_, *seed_;
  PathField* output_;
};

class ExplainForm : public JobForm {
 public:
  explicit ExplainForm(QWidget* parent) : JobForm(parent) {
    const jobs::ExplainConfig defaults;
    auto* form = new QFormLayout(this);
    data_ = DatasetFields::add_to(form, this);
    decoder_ = new PathField(PathField::Kind::kExistingFile, "decoder", this, kModelFilter);
    decoder_->setToolTip("decoder.safetensors of a fine-tuning run.");
    QStringList methods{"every method"};
    for (int m = 0; m <= static_cast<int>(core::AttributionMethod::kOcclusionTime); ++m)
      methods << core::attribution_method_name(static_cast<core::AttributionMethod>(m));
    method_ = choice_box("method", methods, this);
    seed_ = spin_box("seed", 0, 1 << 30, static_cast<int>(defaults.seed), this);
    output_ = new PathField(PathField::Kind::kOutputFolder, "output", this);
    form->addRow("Decoder:", decoder_);
    form->addRow("Method:", method_);
    form->addRow("Seed:", seed_);
    form->addRow("Results folder:", output_);
  }
  QString title() const override { return "Explain"; }
  PreparedJob prepare() const override {
    jobs::ExplainConfig c;
    c.dataset = required(data_.dataset, "Dataset");
    c.recipe = data_.recipe();
    c.decoder = required(decoder_, "Decoder");
    if (method_->currentIndex() > 0) c.methods = {text_of(method_)};
    c.seed = static_cast<uint64_t>(seed_->value());
    c.output = required(output_, "Results folder");
    return {title(),
            [c](const jobs::JobContext& context) {
              const auto r = jobs::run_explain(c, context);
              context.note(QString("%1 of %2 windows decoded correctly; report: %3")
                               .arg(r.correct)
                               .arg(r.windows)
                               .arg(QString::fromStdString(r.report.string()))
                               .toStdString());
            },
            {}};
  }

 private:
  DatasetFields data_;
  PathField* decoder_;
  QComboBox* method_;
  QSpinBox* seed_;
  PathField* output_;
};

}  // namespace

std::vector<JobForm*> make_job_forms(QWidget* parent) {
  return {new SimulateForm(parent), new PretrainForm(parent), new FineTuneForm(parent),
          new DecodeForm(parent), new ExplainForm(parent)};
}

}  // namespace gui
