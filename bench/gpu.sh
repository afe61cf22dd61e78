#!/usr/bin/env bash
# The backbone on a real GPU, end to end in under 5 minutes on a machine with an NVIDIA GPU:
#   bash bench/gpu.sh
# 1. installs what it needs (Debian's chromium and the Vulkan loader; npm ci if needed),
# 2. headless Chromium with WebGPU on the machine's adapter: ViT-S/14 at 224 and 448, one slice a
#    call and 8 a call, beside onnxruntime-web's WebGPU at 224, warm-up not counted,
# 3. the CLI's engine: Node with Dawn (the webgpu package) through the CLI's own backend choice.
# Each prints the adapter's name and slices/s. Without a GPU (this project's 2-core machines) it
# runs the same steps on the software adapter with 2 runs, to show the script works, and says so.
set -uo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libvulkan.so.1 ] || need+=(libvulkan1)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi
[ -d node_modules/@tensorflow/tfjs-backend-webgpu ] || npm ci --no-audit --no-fund > /dev/null

if [ -e /dev/nvidia0 ] || ls /dev/dri/renderD* > /dev/null 2>&1; then
  echo "GPU device: $( (nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || ls /dev/dri) | head -1)"
  export BENCH_GPU=real RUNS=${BENCH_RUNS:-15} SIZES=224,448
else
  # SwiftShader takes ~10 s a slice at 224: small inputs, 2 a call, 2 runs.
  echo "no GPU device here: the software adapter, 2 runs at 112 px, only to check that the script runs"
  export RUNS=2 SIZES=112 BENCH_GPU_BATCH=2
fi

echo "== page: headless Chromium, WebGPU =="
BENCH_HEAD=0 BENCH_SCRIBBLES=0 BENCH_BACKENDS=webgpu BENCH_EXTRACT_BACKENDS= BENCH_RUNS=$RUNS BENCH_SIZES=$SIZES BENCH_PROFILE_RUNS=0 BENCH_PAGE_TIMEOUT_S=200 \
  timeout 240 npx tsx bench/run.ts > /tmp/gpu-page.json 2> /tmp/gpu-page.log
node -e '
const r = JSON.parse(require("fs").readFileSync("/tmp/gpu-page.json", "utf8"));
console.log(`adapter: ${r.adapter}`);
for (const x of r.results) console.log(x.ms ? `${x.engine} ${x.backend} ${x.size} px, ${x.batch ?? 1} a call: ${x.slicesPerSecond} slices/s (${x.ms.median} ms a slice, ${x.ms.min}-${x.ms.max}, ${x.ms.runs} runs)` : `${x.engine} ${x.backend}: ${x.note}`);
for (const [k, v] of Object.entries(r.comparison)) console.log(`${k}: ${v.toExponential(2)}`);
' 2>/dev/null || { echo "page bench failed:"; tail -5 /tmp/gpu-page.log; }

echo "== CLI: Node, the backend the CLI picks =="
timeout 120 npx tsx bench/nodeBackbone.ts --runs "$RUNS" --sizes "${SIZES%%,*}" --batch "${BENCH_GPU_BATCH:-8}" 2>&1 | grep -E '^backend:|slices/s' || echo "node bench failed"
echo "total: $(( $(date +%s) - START )) s"
