#!/bin/bash
# Round 6, call 10: SASS of the fused kernels (float, D = 2) for an
# instruction-mix count here (this machine has no cuobjdump)
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c10}"; mkdir -p "$final"
mkdir -p /tmp/rn && tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
lib=/tmp/rn/tree/build-gpu/lib/libpinnCuda.so
which cuobjdump nvdisasm
cuobjdump -sass "$lib" > /tmp/all.sass 2>&1; echo "cuobjdump rc $? $(wc -l < /tmp/all.sass)"
awk '/Function : /{keep = ($0 ~ /fusedBackwardKernelIfLi2E|fusedHeadKernelIfLi2E|fusedForwardKernelIfLi2ELi2ELi2E/)} keep' /tmp/all.sass | gzip -9 > "$final/fused.sass.gz"
ls -la "$final"
