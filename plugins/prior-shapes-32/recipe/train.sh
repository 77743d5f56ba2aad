#!/bin/sh
# Recipe of the prior-shapes-32 pack (run from the repository root after `npm run build`):
# the score prior, then its noise-conditional classifier on the same VE SDE (σ 0.01…25).
# Same seeds, data and steps give the same weights on the same backend. The shipped weights are
# the EMA at the steps recorded in weights/config.json ("train.step") and weights/classifier.json;
# continue toward STEPS / CLF_STEPS with the same commands plus --resume.
set -e
RUN=${RUN:-runs/prior-shapes-32}
STEPS=${STEPS:-5900}
CLF_STEPS=${CLF_STEPS:-3000}
node packages/cli/dist/main.js train --data shapes --size 32 --data-seed 0 \
  --model-config ncsnpp-tiny --sde ve --sde-set sigma_max=25 --sde-set sigma_min=0.01 \
  --steps "$STEPS" --batch-size 16 --lr 2e-3 --warmup 25 --ema 0.99 --grad-clip 1 \
  --checkpoint-every 10 --seed 2 --out "$RUN" --backend wasm "$@"
node plugins/prior-shapes-32/recipe/train-classifier.mjs "$RUN-classifier" --steps "$CLF_STEPS"
node plugins/prior-shapes-32/recipe/export-pack.mjs "$RUN" plugins/prior-shapes-32/weights
cp "$RUN-classifier/classifier.safetensors" "$RUN-classifier/classifier.json" plugins/prior-shapes-32/weights/
