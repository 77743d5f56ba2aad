#!/bin/sh
# Recipe of the prior-ellipses-64 pack (run from the repository root after `npm run build`).
# Same seed, data and steps give the same weights on the same backend (training is seeded; resume
# equals an uninterrupted run). The shipped weights are the EMA of the step recorded in
# weights/config.json ("train.step"); continue toward STEPS with the same command plus --resume.
set -e
RUN=${RUN:-runs/prior-ellipses-64}
STEPS=${STEPS:-2000}
node packages/cli/dist/main.js train --data ellipses --size 64 --data-seed 0 \
  --model-config ncsnpp-tiny --sde ve --sde-set sigma_max=40 --sde-set sigma_min=0.01 \
  --steps "$STEPS" --batch-size 8 --lr 2e-3 --warmup 25 --ema 0.99 --grad-clip 1 \
  --checkpoint-every 10 --seed 1 --out "$RUN" --backend wasm "$@"
node plugins/prior-ellipses-64/recipe/export-pack.mjs "$RUN" plugins/prior-ellipses-64/weights
