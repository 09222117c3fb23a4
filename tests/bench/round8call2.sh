#!/bin/bash
# Round 8, call 2 (diagnosis): warp stall reasons per kernel at one tile per
# block (poisson 7680 = 264 tiles) and at 100K (13 rounds): is the one-tile
# kernels' fixed cost instruction fetch (no_instruction), memory latency or
# barriers?
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r8c2}"; mkdir -p "$final"
mkdir -p /tmp/rn; tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
for n in 7680 100000; do
  runNew timeout 150 ncu --clock-control none -s 40 -c 7 --metrics 'gpu__time_duration.sum,smsp__inst_executed.sum,regex:smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio' \
    benchTrainStep --only poisson:$n --steps 5 --cpu-steps 0 > "$final/ncu-stall-$n.txt" 2>&1
  python3 - "$final/ncu-stall-$n.txt" <<'PY'
import sys,re
k=None; rows=[]
for line in open(sys.argv[1]):
    m=re.match(r'\s+void pinn::cuda::(\w+)',line)
    if m: k={'name':m.group(1)}; rows.append(k); continue
    m=re.match(r'\s+(\S+)\s+\S+\s+([\d,.]+)\s*$',line)
    if m and k is not None:
        v=float(m.group(2).replace(',',''))
        name=m.group(1).replace('smsp__average_warps_issue_stalled_','').replace('_per_issue_active.ratio','')
        k[name]=v
print("== "+sys.argv[1])
for r in rows:
    st={a:b for a,b in r.items() if a not in('name','gpu__time_duration.sum','smsp__inst_executed.sum')}
    tot=sum(st.values())
    top=sorted(st.items(),key=lambda x:-x[1])[:7]
    print("%-22s %8.1f us %6.1fM inst  stall/issue %5.2f: %s"%(r['name'],r.get('gpu__time_duration.sum',0),r.get('smsp__inst_executed.sum',0)/1e6,tot,' '.join('%s %.2f'%(a,b) for a,b in top)))
PY
done
