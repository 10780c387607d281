#!/bin/sh
# Reproduces model.safetensors and model.json in this folder: a long-convolution
# encoder (preset longconv-small) pretrained by autoencoding on a simulated
# corpus of 24 subjects, 2 resting and 2 task runs each, task effects of 1 %
# signal change. Of the three objectives, autoencoding transferred best to
# decoding held-out simulated subjects from 2 training subjects (validation
# dataset `simulate --seed 201`: +12.8 points of balanced accuracy over
# training from scratch, against +6.6 for masked and +5.6 for causal
# modelling). With the same build the weights are bit-identical.
#
#   sh resources/models/longconv-small/recipe.sh [WORK_FOLDER]
#
# About 10 minutes on 2 cores; NEUROSEQ names the executable (default: the
# release build, else `neuroseq` on PATH).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${1:-recipe-longconv-small}
neuroseq=${NEUROSEQ:-$root/build/release/app/cli/neuroseq}
[ -x "$neuroseq" ] || neuroseq=neuroseq

"$neuroseq" simulate -o "$work/corpus" --overwrite --subjects 24 --rest-runs 2 --task-runs 2 \
  --activation 1.0 --seed 300
atlas="$work/corpus/sim/space-MNIColin27_atlas-HarvardOxford_dseg"
"$neuroseq" pretrain "$work/corpus" --atlas "$atlas.nii.gz" --atlas-names "$atlas.tsv" \
  --preset longconv-small --objective autoencode --steps 4000 --seed 1 -o "$work/model"
cp "$work/model/model.safetensors" "$work/model/model.json" "$here/"
echo "wrote $here/model.safetensors"
