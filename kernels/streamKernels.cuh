/*---------------------------------------------------------------------------*\
  pinnFoam kernels: streamKernels.cuh

  Description
      The CUDA backend's kernels. Each calls the PINN_HD functions of
      src/pinn (streamForward/streamBackward, pdeResidual/pdeResidualVjp,
      bcResidual/bcResidualVjp, adamUpdate), so the CPU and CUDA backends
      share every formula.

      Stream matrices of a layer of width n over a chunk of M points are
      column-major with leading dimension ld >= n + 1: column s*M + p holds
      stream s of point p; row n of an activation matrix is the constant 1 on
      the value block (0 on the derivative blocks), so that with the
      parameter layout [W_l, b_l] (= the n_{l+1} x (n_l + 1) matrix [W b])
      one GEMM adds the bias and the weight-gradient GEMM yields the bias
      gradient too.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/Adam.hpp"
#include "pinn/activation.hpp"
#include "pinn/pde.hpp"

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace pinn
{
namespace cuda
{

constexpr int maxStreams = 5; // D + 2 with D <= 3
constexpr int maxOutputs = 8;
constexpr int maxEquations = 8;
constexpr int blockSize = 256;

//- Boundary entries grouped by (unique) boundary point: entries of point b
//  are [ptr[b], ptr[b + 1])
template<class R>
struct BoundaryView
{
    const idx* ptr = nullptr;
    const R* normal = nullptr; // nEntries*D
    const R* alpha = nullptr;
    const R* beta = nullptr;
    const R* g = nullptr;
    const R* w = nullptr;
    const int* component = nullptr;
    const int* group = nullptr;
};

//- The start of a pass, by block 0 of the step's first kernel: the loss
//  accumulators zeroed, the Adam step advanced (either may be null)
__device__ inline void beginPass(double* lossAcc, int nTerms, std::int64_t* step)
{
    if (blockIdx.x != 0) return;
    if (lossAcc)
    {
        for (int t = threadIdx.x; t < nTerms; t += blockDim.x) lossAcc[t] = 0.0;
    }
    if (step && threadIdx.x == 0) ++(*step);
}

//- Adam hyper-parameters as plain doubles (kernel argument)
struct AdamParams
{
    double lr, beta1, beta2, eps, decayRate, decaySteps;
};

//- Input streams A0 (ld0 x S*M) of M points x (point-major, D each):
//  value block [x; 1], gradient block i [e_i; 0], Laplacian block 0
template<class R, int D>
__global__ void inputStreamsKernel(const R* __restrict__ x, idx M, int ld0, R* __restrict__ A0)
{
    const idx stride = idx(ld0) * M;
    for (idx p = idx(blockIdx.x) * blockDim.x + threadIdx.x; p < M;
         p += idx(gridDim.x) * blockDim.x)
    {
        R* a = A0 + p * ld0;
#pragma unroll
        for (int i = 0; i < D; ++i) a[i] = x[p * D + i];
        a[D] = R(1);
#pragma unroll
        for (int s = 1; s <= D; ++s)
        {
#pragma unroll
            for (int i = 0; i < D; ++i) a[s * stride + i] = (i == s - 1) ? R(1) : R(0);
            a[s * stride + D] = R(0);
        }
#pragma unroll
        for (int i = 0; i <= D; ++i) a[(D + 1) * stride + i] = R(0);
    }
}

//- Forward activation streams of a hidden layer: A = streamForward(Z) for
//  rows j < n, the constant row n, over all M points
template<class R, int D>
__global__ void forwardStreamsKernel(
    Activation act, const R* __restrict__ Z, R* __restrict__ A, int n, int ld, idx M)
{
    const idx total = idx(ld) * M;
    for (idx e = idx(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
         e += idx(gridDim.x) * blockDim.x)
    {
        const int j = int(e % ld);
        if (j < n)
        {
            streamForward<R, D>(act, Z + e, A + e, total);
        }
        else if (j == n)
        {
            A[e] = R(1);
#pragma unroll
            for (int s = 1; s < D + 2; ++s) A[e + s * total] = R(0);
        }
    }
}

//- Backward activation streams of a hidden layer, in place: G holds
//  dL/dA on entry and dL/dZ on exit (rows j < n)
template<class R, int D>
__global__ void backwardStreamsKernel(
    Activation act, const R* __restrict__ Z, R* __restrict__ G, int n, int ld, idx M)
{
    const idx total = idx(ld) * M;
    for (idx e = idx(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
         e += idx(gridDim.x) * blockDim.x)
    {
        const int j = int(e % ld);
        if (j < n)
        {
            streamBackward<R, D>(act, Z + e, G + e, total);
        }
    }
}

// * * * * * * * * * * * * * Fused layer kernels  * * * * * * * * * * * * //

//- Tiles of the fused layer kernels: a block of 256 threads covers 64 units
//  x 32 points x all S streams; each thread a register tile of fusedTR units
//  x fusedTP points x S streams. Shared-memory tiles are column-major by
//  stream column (column c = s*32 + p of the tile, its rows contiguous, the
//  row count rounded up to 4 and zero-padded), so a tile loads as a copy and
//  four rows read as one 16-byte access.
constexpr int fusedMaxRows = 64;
constexpr int fusedMaxK = 65;
constexpr int fusedTR = 4;
constexpr int fusedTP = 2;
constexpr int fusedRowGroups = fusedMaxRows / fusedTR; // 16
constexpr int fusedThreads = 256;
constexpr int fusedPoints = fusedTP * (fusedThreads / fusedRowGroups); // 32
constexpr int fusedLoadBatch = 8; // global loads in flight per thread

__host__ __device__ constexpr int roundUp4(int n)
{
    return (n + 3) / 4 * 4;
}
__host__ __device__ constexpr int roundUp8(int n)
{
    return (n + 7) / 8 * 8;
}

//- Shared-memory column stride of a tile of K rows: roundUp4(K), plus 4
//  where that is a multiple of 8 (stride = 4 mod 8), so that the 8 columns
//  x 4 rows of an mma fragment fall in 32 different banks. Only the first
//  roundUp4(K) rows of a column are loaded.
__host__ __device__ constexpr int tileStride(int K)
{
    return roundUp4(K) + ((roundUp4(K) / 4) % 2 == 0 ? 4 : 0);
}

//- Shared-memory elements of a layer's weights: 64 units x K rows padded
//  to 8 (the mma fragment order needs whole 8-row steps)
__host__ __device__ constexpr int weightElems(int K)
{
    return fusedMaxRows * roundUp8(K);
}

template<class R, int D>
constexpr std::size_t fusedForwardSmem(int K)
{
    // weights + two input tiles (double buffer)
    return (std::size_t(weightElems(K)) + 2 * std::size_t((D + 2) * fusedPoints) * tileStride(K))
        * sizeof(R);
}

template<class R, int D>
constexpr std::size_t fusedBackwardSmem(int K, int K2)
{
    // + the per-warp sums of a folded layer 0 (4 x 64 x (D + 1))
    return (std::size_t(weightElems(K))
               + std::size_t((D + 2) * fusedPoints) * (tileStride(K) + tileStride(K2))
               + std::size_t(4 * fusedMaxRows * (D + 1)))
        * sizeof(R);
}

__device__ inline void load4(const float* p, float w[4])
{
    const float4 v = *reinterpret_cast<const float4*>(p);
    w[0] = v.x;
    w[1] = v.y;
    w[2] = v.z;
    w[3] = v.w;
}

__device__ inline void load4(const double* p, double w[4])
{
    const double2 a = *reinterpret_cast<const double2*>(p);
    const double2 b = *reinterpret_cast<const double2*>(p + 2);
    w[0] = a.x;
    w[1] = a.y;
    w[2] = b.x;
    w[3] = b.y;
}

//- Four consecutive elements through one 16-byte (float) or two 16-byte
//  (double) accesses; the address must be 16-byte aligned
__device__ inline void gload4(const float* p, float v[4])
{
    const float4 a = __ldg(reinterpret_cast<const float4*>(p));
    v[0] = a.x;
    v[1] = a.y;
    v[2] = a.z;
    v[3] = a.w;
}

__device__ inline void gload4(const double* p, double v[4])
{
    const double2 a = __ldg(reinterpret_cast<const double2*>(p));
    const double2 b = __ldg(reinterpret_cast<const double2*>(p + 2));
    v[0] = a.x;
    v[1] = a.y;
    v[2] = b.x;
    v[3] = b.y;
}

__device__ inline void store4(float* p, const float v[4])
{
    *reinterpret_cast<float4*>(p) = make_float4(v[0], v[1], v[2], v[3]);
}

__device__ inline void store4(double* p, const double v[4])
{
    *reinterpret_cast<double2*>(p) = make_double2(v[0], v[1]);
    *reinterpret_cast<double2*>(p + 2) = make_double2(v[2], v[3]);
}

//- Ws[k*64 + j] = coefficient of input row k in output unit j (zero for
//  j >= nRows): W[j + k*m] (forward) or W[k + j*m] (transposed)
template<class R, bool Transposed>
__device__ inline void loadWeights(const R* __restrict__ W, int m, int nRows, int K, R* Ws)
{
    if (!Transposed && m == fusedMaxRows
        && reinterpret_cast<std::uintptr_t>(W) % (4 * sizeof(R)) == 0)
    {
        // 64-unit layer: whole columns of W by 16-byte loads
        const int total4 = K * (fusedMaxRows / 4);
        for (int e0 = threadIdx.x; e0 < total4; e0 += fusedThreads * fusedLoadBatch)
        {
            R v[fusedLoadBatch][4];
#pragma unroll
            for (int b = 0; b < fusedLoadBatch; ++b)
            {
                const int e = e0 + b * fusedThreads;
                if (e < total4) gload4(W + 4 * e, v[b]);
            }
#pragma unroll
            for (int b = 0; b < fusedLoadBatch; ++b)
            {
                const int e = e0 + b * fusedThreads;
                if (e < total4) store4(Ws + 4 * e, v[b]);
            }
        }
        return;
    }
    const int total = K * fusedMaxRows;
    for (int e0 = threadIdx.x; e0 < total; e0 += fusedThreads * fusedLoadBatch)
    {
        R v[fusedLoadBatch];
#pragma unroll
        for (int b = 0; b < fusedLoadBatch; ++b)
        {
            const int e = e0 + b * fusedThreads;
            const int k = e / fusedMaxRows;
            const int j = e - k * fusedMaxRows;
            v[b] = R(0);
            if (e < total && j < nRows) v[b] = Transposed ? W[k + idx(j) * m] : W[j + idx(k) * m];
        }
#pragma unroll
        for (int b = 0; b < fusedLoadBatch; ++b)
        {
            const int e = e0 + b * fusedThreads;
            if (e < total) Ws[e] = v[b];
        }
    }
}

//- Xs[c*kS + k] = In[k + (s*M + p)*ldIn] for the tile's columns c = s*32 + pl
//  (p = p0 + pl), rows k < K; zero for k >= K or p >= M
template<class R, int S>
__device__ inline void loadTile(const R* __restrict__ In, int ldIn, int K, idx M, idx p0, R* Xs)
{
    const int kS = roundUp4(K);
    const int kSm = tileStride(K);
    if (ldIn % 4 == 0)
    {
        // Whole columns by 16-byte loads (kS <= ldIn: the padding rows
        // come along; they only meet accumulators that are never stored)
        const int kS4 = kS / 4;
        const int total4 = S * fusedPoints * kS4;
        for (int e0 = threadIdx.x; e0 < total4; e0 += fusedThreads * fusedLoadBatch)
        {
            R v[fusedLoadBatch][4];
#pragma unroll
            for (int b = 0; b < fusedLoadBatch; ++b)
            {
                const int e = e0 + b * fusedThreads;
                const int c = e / kS4;
                const int k4 = e - c * kS4;
                const int s = c / fusedPoints;
                const idx p = p0 + (c - s * fusedPoints);
#pragma unroll
                for (int q = 0; q < 4; ++q) v[b][q] = R(0);
                if (e < total4 && p < M) gload4(In + (s * M + p) * ldIn + 4 * k4, v[b]);
            }
#pragma unroll
            for (int b = 0; b < fusedLoadBatch; ++b)
            {
                const int e = e0 + b * fusedThreads;
                if (e < total4)
                {
                    const int c = e / kS4;
                    store4(Xs + c * kSm + 4 * (e - c * kS4), v[b]);
                }
            }
        }
        return;
    }
    const int total = S * fusedPoints * kS;
    for (int e0 = threadIdx.x; e0 < total; e0 += fusedThreads * fusedLoadBatch)
    {
        R v[fusedLoadBatch];
#pragma unroll
        for (int b = 0; b < fusedLoadBatch; ++b)
        {
            const int e = e0 + b * fusedThreads;
            const int c = e / kS;
            const int k = e - c * kS;
            const int s = c / fusedPoints;
            const idx p = p0 + (c - s * fusedPoints);
            v[b] = R(0);
            if (e < total && k < K && p < M) v[b] = In[k + (s * M + p) * ldIn];
        }
#pragma unroll
        for (int b = 0; b < fusedLoadBatch; ++b)
        {
            const int e = e0 + b * fusedThreads;
            if (e < total)
            {
                const int c = e / kS;
                Xs[c * kSm + (e - c * kS)] = v[b];
            }
        }
    }
}

//- 16-byte asynchronous copy global -> shared (cp.async, sm_80+) to the
//  shared-space address dst; zero fill where !valid (src is not read then)
__device__ inline void cpAsync16(unsigned dst, const void* src, bool valid)
{
    const int n = valid ? 16 : 0;
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(n)
                 : "memory");
}

__device__ inline void cpAsyncCommit()
{
    asm volatile("cp.async.commit_group;\n" ::: "memory");
}

//- Wait until at most N committed groups are still in flight
template<int N>
__device__ inline void cpAsyncWait()
{
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
}

//- loadTile by asynchronous 16-byte copies (ldIn % 4 == 0: every column
//  16-byte aligned); the caller commits and waits
template<class R, int S>
__device__ inline void loadTileAsync(
    const R* __restrict__ In, int ldIn, int K, idx M, idx p0, R* Xs)
{
    constexpr int perChunk = 16 / sizeof(R);
    const int kS = roundUp4(K);
    const int kSm = tileStride(K);
    const unsigned chunks = unsigned(kS / perChunk);
    const unsigned total = unsigned(S * fusedPoints) * chunks;
    // element e = threadIdx.x + i*fusedThreads as (column c, chunk q),
    // advanced by constant steps: one division per call, not one per
    // element (a signed division by the run-time chunk count per element
    // was ~35 of the ~50 instructions per copy in the SASS)
    unsigned c = threadIdx.x / chunks;
    unsigned q = threadIdx.x - c * chunks;
    const unsigned dc = unsigned(fusedThreads) / chunks;
    const unsigned dq = unsigned(fusedThreads) - dc * chunks;
    // Per copy: the source as the tile's first column + stream s's offset
    // (64-bit, s*M*ldIn) + a 32-bit offset within the stream's 32 columns;
    // the destination as a 32-bit shared address (the 64-bit products and
    // the branch on validity were ~20 of ~37 instructions per copy)
    const R* const tileIn = In + p0 * ldIn;
    const idx streamStride = M * ldIn;
    const unsigned nValid = unsigned(M - p0 < idx(fusedPoints) ? M - p0 : idx(fusedPoints));
    const unsigned xs = unsigned(__cvta_generic_to_shared(Xs));
    for (unsigned e = threadIdx.x; e < total; e += fusedThreads)
    {
        const unsigned s = c / fusedPoints;
        const unsigned cp = c % fusedPoints;
        const bool valid = cp < nValid;
        const R* src = tileIn + (idx(s) * streamStride + idx(cp * unsigned(ldIn) + q * perChunk));
        cpAsync16(
            xs + (c * unsigned(kSm) + q * perChunk) * unsigned(sizeof(R)), valid ? src : In, valid);
        c += dc;
        q += dq;
        if (q >= chunks)
        {
            q -= chunks;
            ++c;
        }
    }
}

//- The S streams of the 4 consecutive units j0.. (< n) of point p of a
//  stream matrix Z (ld ldZ, M points): one 16-byte load per stream where
//  all 4 units exist, else element by element (0 beyond n)
template<class R, int S>
__device__ inline void loadUnits4(
    const R* __restrict__ Z, idx M, idx p, int ldZ, int j0, int n, R (&z)[S][4])
{
#pragma unroll
    for (int s = 0; s < S; ++s)
    {
        const idx col = (s * M + p) * ldZ + j0;
        if (j0 + 4 <= n)
        {
            gload4(Z + col, z[s]);
        }
        else
        {
#pragma unroll
            for (int r = 0; r < 4; ++r) z[s][r] = j0 + r < n ? Z[col + r] : R(0);
        }
    }
}

//- acc[r][s][t] = sum_k Ws[k][j0 + r] Xs[col(s, pl0 + t)][k]
//  Rows in groups of four: one 16-byte shared load per column and group
//  (the tile's columns are 16-byte aligned, their stride a multiple of 4),
//  then the K % 4 last rows one by one (the padding rows of a column may
//  hold anything and are never read)
template<class R, int S>
__device__ inline void tileProduct(
    const R* Ws, const R* Xs, int K, int j0, int pl0, R (&acc)[fusedTR][S][fusedTP])
{
    const int kS = tileStride(K);
#pragma unroll
    for (int r = 0; r < fusedTR; ++r)
    {
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
#pragma unroll
            for (int t = 0; t < fusedTP; ++t) acc[r][s][t] = R(0);
        }
    }
    const R* xb = Xs + pl0 * kS;
    const int K4 = sizeof(R) == 4 ? (K & ~3) : 0; // double: the registers of x would spill
#pragma unroll 1
    for (int k = 0; k < K4; k += 4)
    {
        R x[S][fusedTP][4];
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
#pragma unroll
            for (int t = 0; t < fusedTP; ++t) load4(xb + (s * fusedPoints + t) * kS + k, x[s][t]);
        }
#pragma unroll
        for (int kk = 0; kk < 4; ++kk)
        {
            R w[fusedTR];
            load4(Ws + (k + kk) * fusedMaxRows + j0, w);
#pragma unroll
            for (int s = 0; s < S; ++s)
            {
#pragma unroll
                for (int t = 0; t < fusedTP; ++t)
                {
#pragma unroll
                    for (int r = 0; r < fusedTR; ++r) acc[r][s][t] += w[r] * x[s][t][kk];
                }
            }
        }
    }
    for (int k = K4; k < K; ++k)
    {
        R w[fusedTR];
        load4(Ws + k * fusedMaxRows + j0, w);
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
#pragma unroll
            for (int t = 0; t < fusedTP; ++t)
            {
                const R xv = xb[(s * fusedPoints + t) * kS + k];
#pragma unroll
                for (int r = 0; r < fusedTR; ++r) acc[r][s][t] += w[r] * xv;
            }
        }
    }
}

//- The first layer's coefficients of unit j: w[i] = W0[j][i] (i < D),
//  w[D] = b0[j]; [W0 b0] is n x (D + 1) (ld n)
template<class R, int D>
__device__ inline void firstLayerWeights(const R* __restrict__ W0, int n, int j, R* w)
{
#pragma unroll
    for (int i = 0; i <= D; ++i) w[i] = W0[j + idx(i) * n];
}

//- The first layer's pre-activation streams of a unit (coefficients w) at
//  a point x: the input streams are [x; 1], e_i and 0, so z = w.x + b
//  (value), w_i (gradient i), 0 (Laplacian)
template<class R, int D>
__device__ inline void firstLayerZ(const R* w, const R* x, R* z)
{
    R v = w[D];
#pragma unroll
    for (int i = 0; i < D; ++i)
    {
        v += w[i] * x[i];
        z[1 + i] = w[i];
    }
    z[0] = v;
    z[D + 1] = R(0);
}

//- The input tile of layer 1 (the first layer's output streams A_1: n
//  units and the constant row n) computed from the points instead of read
//  from memory: Xs[c*kSm + j], c = s*32 + pl. Thread t takes unit t % 64
//  (its weights loaded once) at points t/64 + 4q, q < 8: consecutive shared
//  addresses across a warp, independent points for the pipeline. Points
//  p >= M get finite values (from x = 0) that meet only zero gradient
//  columns or are never stored. n <= 64.
template<class R, int D, bool LoadAll = true>
__device__ inline void firstLayerTile(
    Activation act, const R* __restrict__ X, const R* __restrict__ W0, int n, idx M, idx p0, R* Xs)
{
    constexpr int S = D + 2;
    constexpr int groups = fusedThreads / fusedMaxRows; // 4
    const int kSm = tileStride(n + 1);
    const int j = threadIdx.x % fusedMaxRows;
    const int g = threadIdx.x / fusedMaxRows;
    if (j < n)
    {
        R w[D + 1];
        firstLayerWeights<R, D>(W0, n, j, w);
        // the streams of unit j at point pl (coordinates x) into the tile
        auto store = [&](int pl, const R* x)
        {
            R z[S], a[S];
            firstLayerZ<R, D>(w, x, z);
            streamForward<R, D>(act, z, a, 1);
#pragma unroll
            for (int s = 0; s < S; ++s) Xs[(s * fusedPoints + pl) * kSm + j] = a[s];
        };
        if constexpr (LoadAll)
        {
            // the thread's 8 points' coordinates loaded at once, in flight
            // together (H100: layer 1's forward 256 -> 218 us)
            constexpr int nPl = fusedPoints / groups;
            R xs[nPl][D];
#pragma unroll
            for (int q = 0; q < nPl; ++q)
            {
                const idx p = p0 + g + q * groups;
#pragma unroll
                for (int i = 0; i < D; ++i) xs[q][i] = p < M ? X[p * D + i] : R(0);
            }
#pragma unroll
            for (int q = 0; q < nPl; ++q) store(g + q * groups, xs[q]);
        }
        else
        {
// point by point (the backward: its registers are short at the
// tile's start, LoadAll spilled there)
#pragma unroll 4
            for (int pl = g; pl < fusedPoints; pl += groups)
            {
                const idx p = p0 + pl;
                R x[D];
#pragma unroll
                for (int i = 0; i < D; ++i) x[i] = p < M ? X[p * D + i] : R(0);
                store(pl, x);
            }
        }
    }
    if (threadIdx.x < fusedPoints)
    {
#pragma unroll
        for (int s = 0; s < S; ++s)
            Xs[(s * fusedPoints + threadIdx.x) * kSm + n] = s == 0 ? R(1) : R(0);
    }
}

// * * * * * * * * * * * 3xTF32 tensor-core tile products  * * * * * * * * * //
//
// fp32 products on the tensor cores with fp32-like accuracy: each operand
// is split as x = hi + lo (hi = x rounded to tf32, lo = x - hi, exact, then
// truncated to tf32) and a b = al bh + ah bl + ah bh (al bl, ~2^-22 a b,
// dropped), accumulated in fp32 by mma.sync.m16n8k8 (float only; double
// keeps the FFMA tile product).
//
// Fragments (g = lane/4, t = lane%4): A (16 x 8) a0 (g, t), a1 (g + 8, t),
// a2 (g, t + 4), a3 (g + 8, t + 4); B (8 x 8) b0 (t, g), b1 (t + 4, g);
// C (16 x 8) c0 (g, 2t), c1 (g, 2t + 1), c2 (g + 8, 2t), c3 (g + 8, 2t + 1).

__device__ inline void splitTf32(float x, unsigned& hi, unsigned& lo)
{
#ifdef PINN_SPLIT_ROUNDED
    hi = (__float_as_uint(x) + 0x1000u) & 0xffffe000u;
    lo = __float_as_uint(x - __uint_as_float(hi)) & 0xffffe000u;
#else
    // hi = x truncated to tf32 (1 op), lo = x - hi exactly (1 op); lo is
    // not masked: the tensor core reads a tf32 operand's upper 19 bits
    // only, i.e. truncates it itself. Error of the product: |lo| < 2^-10 |x|,
    // truncated to 2^-10 of that: ~2^-20 relative (the rounded split above:
    // 2^-21) for half the instructions. H200: poisson 100K 1.487 -> 1.457 ms,
    // same tests passed, heatedPlate in float below 1e-3 either way
    hi = __float_as_uint(x) & 0xffffe000u;
    lo = __float_as_uint(x - __uint_as_float(hi));
#endif
}

__device__ inline void mmaTf32(float (&c)[4], const unsigned (&a)[4], unsigned b0, unsigned b1)
{
    asm("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 "
        "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

//- Weights in A-fragment order: Wf[((mt*nK8 + ks)*32 + lane)*4 + i] is the
//  coefficient of input row k in output unit j, j = 16 mt + g + 8 (i & 1),
//  k = 8 ks + t + 4 (i >> 1), for the 4 m-tiles of 16 units and the
//  nK8 = ceil(K/8) steps of 8 rows; zero for j >= nRows or k >= K.
//  W[j + k*m] (forward) or W[k + j*m] (transposed). weightElems(K) elements.
template<class R, bool Transposed>
__device__ inline void loadWeightsFrag(const R* __restrict__ W, int m, int nRows, int K, R* Wf)
{
    const int nK8 = (K + 7) / 8;
    const int total = weightElems(K);
    constexpr int batch = 6;
    for (int e0 = threadIdx.x; e0 < total; e0 += fusedThreads * batch)
    {
        R v[batch];
#pragma unroll
        for (int b = 0; b < batch; ++b)
        {
            const int e = e0 + b * fusedThreads;
            const int i = e & 3;
            const int lane = (e >> 2) & 31;
            const int blk = e >> 7;
            const int mt = blk / nK8;
            const int ks = blk - mt * nK8;
            const int j = mt * 16 + (lane >> 2) + 8 * (i & 1);
            const int k = ks * 8 + (lane & 3) + 4 * (i >> 1);
            v[b] = R(0);
            if (e < total && j < nRows && k < K)
            {
                v[b] = Transposed ? W[k + idx(j) * m] : W[j + idx(k) * m];
            }
        }
#pragma unroll
        for (int b = 0; b < batch; ++b)
        {
            const int e = e0 + b * fusedThreads;
            if (e < total) Wf[e] = v[b];
        }
    }
}

//- acc[mt][s][.] = C fragment of units 16 (mt0 + mt) + 0..15 x points
//  pb + 0..7 of stream s: sum_k W[j][k] Xs[col(s, p)][k] (Wf in fragment
//  order, Xs column-major with stride tileStride(K); rows k >= K read as 0)
template<int S>
__device__ inline void tileProductMma(
    const float* Wf, const float* Xs, int K, int mt0, int pb, float (&acc)[2][S][4])
{
    const int lane = threadIdx.x & 31;
    const int g = lane >> 2;
    const int t = lane & 3;
    const int kS = tileStride(K);
    const int nK8 = (K + 7) / 8;
#pragma unroll
    for (int mt = 0; mt < 2; ++mt)
    {
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
#pragma unroll
            for (int i = 0; i < 4; ++i) acc[mt][s][i] = 0.f;
        }
    }
    const float* xb = Xs + (pb + g) * kS + t;
    const float4* wf = reinterpret_cast<const float4*>(Wf) + lane;
#pragma unroll 2
    for (int ks = 0; ks < nK8; ++ks)
    {
        unsigned ah[2][4], al[2][4];
#pragma unroll
        for (int mt = 0; mt < 2; ++mt)
        {
            const float4 w = wf[((mt0 + mt) * nK8 + ks) * 32];
            splitTf32(w.x, ah[mt][0], al[mt][0]);
            splitTf32(w.y, ah[mt][1], al[mt][1]);
            splitTf32(w.z, ah[mt][2], al[mt][2]);
            splitTf32(w.w, ah[mt][3], al[mt][3]);
        }
        const bool v0 = ks * 8 + t < K;
        const bool v1 = ks * 8 + t + 4 < K;
        unsigned bh[S][2], bl[S][2];
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
            const float* xp = xb + s * fusedPoints * kS + ks * 8;
            const float x0 = v0 ? xp[0] : 0.f;
            const float x1 = v1 ? xp[4] : 0.f;
            splitTf32(x0, bh[s][0], bl[s][0]);
            splitTf32(x1, bh[s][1], bl[s][1]);
        }
// small terms first, independent accumulators between dependent mma
#pragma unroll
        for (int mt = 0; mt < 2; ++mt)
        {
#pragma unroll
            for (int s = 0; s < S; ++s) mmaTf32(acc[mt][s], al[mt], bh[s][0], bh[s][1]);
        }
#pragma unroll
        for (int mt = 0; mt < 2; ++mt)
        {
#pragma unroll
            for (int s = 0; s < S; ++s) mmaTf32(acc[mt][s], ah[mt], bl[s][0], bl[s][1]);
        }
#pragma unroll
        for (int mt = 0; mt < 2; ++mt)
        {
#pragma unroll
            for (int s = 0; s < S; ++s) mmaTf32(acc[mt][s], ah[mt], bh[s][0], bh[s][1]);
        }
    }
}

//- 4 x 4 transpose among the lanes b = (lane / 4) % 4 of a group (lanes
//  lane ^ 4, ^ 8, ^ 12): on entry lane b holds row b (v[i] = M[b][i]), on
//  exit column b (v[i] = M[i][b]). All lanes of the warp take part.
__device__ inline void transpose4Lanes(float (&v)[4])
{
    const int b = (threadIdx.x >> 2) & 3;
    {
        const bool odd = b & 1;
        const float s0 = odd ? v[0] : v[1];
        const float s1 = odd ? v[2] : v[3];
        const float r0 = __shfl_xor_sync(0xffffffffu, s0, 4);
        const float r1 = __shfl_xor_sync(0xffffffffu, s1, 4);
        if (odd)
        {
            v[0] = r0;
            v[2] = r1;
        }
        else
        {
            v[1] = r0;
            v[3] = r1;
        }
    }
    {
        const bool hi = b & 2;
        const float s0 = hi ? v[0] : v[2];
        const float s1 = hi ? v[1] : v[3];
        const float r0 = __shfl_xor_sync(0xffffffffu, s0, 8);
        const float r1 = __shfl_xor_sync(0xffffffffu, s1, 8);
        if (hi)
        {
            v[0] = r0;
            v[1] = r1;
        }
        else
        {
            v[2] = r0;
            v[3] = r1;
        }
    }
}

//- The layer-product tile by 3xTF32 in the mapping of the forward and the
//  backward data gradient: warp w takes points 8 (w % 4) + 0..7 (all S
//  streams) and units 32 (w / 4) + 0..31; after the product the C fragments
//  are transposed so that a thread holds, for each m-tile mt of its two,
//  4 consecutive units mmaTileUnit(mt) + 0..3 of one point mmaTilePoint()
//  (lane b = g % 4: units 16 mt + 8 (b / 2) + 4 (g / 4), point 2t + b % 2)
__device__ inline int mmaTilePoint()
{
    const int lane = threadIdx.x & 31;
    return ((threadIdx.x >> 5) & 3) * 8 + 2 * (lane & 3) + ((lane >> 2) & 1);
}

__device__ inline int mmaTileUnit(int mt)
{
    const int g = (threadIdx.x & 31) >> 2;
    return (int(threadIdx.x >> 7) * 2 + mt) * 16 + 8 * ((g & 3) >> 1) + 4 * (g >> 2); // warp / 4
}

template<int S>
__device__ inline void mmaTileProduct(
    const float* Wf, const float* Xs, int K, float (&acc)[2][S][4])
{
    const int warp = threadIdx.x >> 5;
    tileProductMma<S>(Wf, Xs, K, (warp >> 2) * 2, (warp & 3) * 8, acc);
#pragma unroll
    for (int mt = 0; mt < 2; ++mt)
    {
#pragma unroll
        for (int s = 0; s < S; ++s) transpose4Lanes(acc[mt][s]);
    }
}

//- One tile of the forward layer by 3xTF32 (float): warp w takes points
//  8 (w % 4) + 0..7 (all S streams) and units 32 (w / 4) + 0..31; a thread
//  then holds 2 x 2 x 2 (unit, point) pairs with all their streams
template<int D>
__device__ inline void fusedForwardTileMma(Activation act, const float* Wf, const float* Xs, int m,
    int K, idx M, idx p0, float* __restrict__ Zout, float* __restrict__ Out, int ldOut)
{
    constexpr int S = D + 2;
    // 4 consecutive units of one point per thread: 16-byte stores
    float acc[2][S][4];
    mmaTileProduct<S>(Wf, Xs, K, acc);
    const idx p = p0 + mmaTilePoint();
#pragma unroll
    for (int mt = 0; mt < 2; ++mt)
    {
        const int j0 = mmaTileUnit(mt);
        if (j0 >= m || p >= M) continue;
        float z[S][4], a[S][4];
#pragma unroll
        for (int r = 0; r < 4; ++r)
        {
            float zr[S], ar[S];
#pragma unroll
            for (int s = 0; s < S; ++s) zr[s] = acc[mt][s][r];
            streamForward<float, D>(act, zr, ar, 1);
#pragma unroll
            for (int s = 0; s < S; ++s)
            {
                z[s][r] = zr[s];
                a[s][r] = ar[s];
            }
        }
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
            const idx col = (s * M + p) * ldOut + j0;
            if (j0 + 4 <= m)
            {
                store4(Zout + col, z[s]);
                store4(Out + col, a[s]);
            }
            else
            {
#pragma unroll
                for (int r = 0; r < 4; ++r)
                {
                    if (j0 + r < m)
                    {
                        Zout[col + r] = z[s][r];
                        Out[col + r] = a[s][r];
                    }
                }
            }
        }
    }
    // the constant row m: lanes 0..3 of warps 0..3 (their 8 points)
    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    if (warp < 4 && lane < 4)
    {
#pragma unroll
        for (int q = 0; q < 2; ++q)
        {
            const idx p = p0 + (warp & 3) * 8 + 2 * lane + q;
            if (p >= M) continue;
#pragma unroll
            for (int s = 0; s < S; ++s) Out[m + (s * M + p) * ldOut] = s == 0 ? 1.f : 0.f;
        }
    }
}

//- Data gradient of one backward tile by 3xTF32 (float): Out = dL/dZ_l =
//  streamBackward(Zin, W^T G) for the n units (mapping as the forward's)
template<int D>
__device__ inline void backwardDataTileMma(Activation act, const float* Wf, const float* Gs, int K,
    int n, idx M, idx p0, const float* __restrict__ Zin, float* __restrict__ Out, int ldA,
    const float* __restrict__ X0, float* foldS, const float* __restrict__ W0)
{
    constexpr int S = D + 2;
    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    // 4 consecutive units of one point per thread, as in the forward
    float acc[2][S][4];
    mmaTileProduct<S>(Wf, Gs, K, acc);
    const idx p = p0 + mmaTilePoint();
    // Folded layer 0 (foldS != nullptr): this is layer 1's backward, whose
    // dL/dZ_1 is consumed here instead of being stored: layer 0's input
    // streams are [x; 1] (value) and e_i (gradient i), so its weight
    // gradient is dW0[j][i] = sum_p g_0(j, p) x_i(p) + g_{1+i}(j, p) and
    // db0[j] = sum_p g_0(j, p). A thread's (unit, point) terms are summed
    // over the 8 points of its warp by shuffles, then written per warp
    // (foldS[((w % 4)*64 + j)*(D + 1) + i]); the kernel sums the 4 warps
    // of a unit in a fixed order after the tile (deterministic)
    float xp[D];
#pragma unroll
    for (int i = 0; i < D; ++i) xp[i] = foldS && p < M ? X0[p * D + i] : 0.f;
#pragma unroll
    for (int mt = 0; mt < 2; ++mt)
    {
        const int j0 = mmaTileUnit(mt);
        const bool valid = j0 < n && p < M;
        const bool full = j0 + 4 <= n;
        // dL/dZ of the thread's 4 units (zero where not valid: the fold's
        // shuffles below need every lane)
        float gv[S][4];
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
#pragma unroll
            for (int r = 0; r < 4; ++r) gv[s][r] = 0.f;
        }
        if (valid)
        {
            float z[S][4];
            if (W0)
            {
// layer 1: Z_1 from the point and the first layer
#pragma unroll
                for (int r = 0; r < 4; ++r)
                {
                    float w[D + 1], zr[S];
                    firstLayerWeights<float, D>(W0, n, j0 + r < n ? j0 + r : 0, w);
                    firstLayerZ<float, D>(w, xp, zr);
#pragma unroll
                    for (int s = 0; s < S; ++s) z[s][r] = zr[s];
                }
            }
            else
            {
                loadUnits4<float, S>(Zin, M, p, ldA, j0, n, z);
            }
#pragma unroll
            for (int r = 0; r < 4; ++r)
            {
                float zr[S], gr[S];
#pragma unroll
                for (int s = 0; s < S; ++s)
                {
                    zr[s] = z[s][r];
                    gr[s] = acc[mt][s][r];
                }
                streamBackward<float, D>(act, zr, gr, 1);
#pragma unroll
                for (int s = 0; s < S; ++s) gv[s][r] = j0 + r < n ? gr[s] : 0.f;
            }
        }
        if (foldS)
        {
// layer 0's gradient terms, summed over the 8 points of the
// unit quad: lanes ^1, ^2 (t), ^4 (b % 2)
#pragma unroll
            for (int r = 0; r < 4; ++r)
            {
#pragma unroll
                for (int i = 0; i <= D; ++i)
                {
                    float v = i < D ? gv[0][r] * xp[i] + gv[1 + i][r] : gv[0][r];
                    v += __shfl_xor_sync(0xffffffffu, v, 1);
                    v += __shfl_xor_sync(0xffffffffu, v, 2);
                    v += __shfl_xor_sync(0xffffffffu, v, 4);
                    if ((lane & 7) == 0) foldS[((warp & 3) * 64 + j0 + r) * (D + 1) + i] = v;
                }
            }
            continue;
        }
        if (!valid) continue;
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
            const idx col = (s * M + p) * ldA + j0;
            if (full)
            {
                store4(Out + col, gv[s]);
            }
            else
            {
#pragma unroll
                for (int r = 0; r < 4; ++r)
                {
                    if (j0 + r < n) Out[col + r] = gv[s][r];
                }
            }
        }
    }
}

//- Weight gradient of one backward tile by 3xTF32 (float), accumulated in
//  C fragments: dw[u] += G A^T for the 16 rows 16 (w % 4) + 0..15 (of G's
//  K rows) x the 8 columns of n-tile nt = 4 (w / 4) + u, u < 4 (dw[4] is
//  weightGradBiasRow's), i.e. A's
//  rows 0..63; summed over the tile's S*32 columns. Every warp has the same
//  4 n-tiles of work and no predicate: n-tiles or rows past A's K2 rows
//  (or G's K) read whatever lies there (the padding, the next column, the
//  fold's sums after the tile: inside the block's shared memory) into
//  results that are never written. A's row 64 (the bias column when K2 =
//  65) is weightGradBiasRow's. (The 9 n-tiles of K2 = 65 on 8 warps, the 9th
//  predicated, cost 102 instructions per 8-column step of which 30 were
//  WARPSYNC and 10 register zeroing: 38% of the backward's instructions.)
template<int S>
__device__ inline void weightGradTileMma(
    const float* Gs, const float* As, int K, int K2, float (&dw)[5][4])
{
    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    const int g = lane >> 2;
    const int t = lane & 3;
    const int mt = warp & 3;
    const int nt0 = (warp >> 2) * 4;
    if (mt * 16 >= K) return;
    const int kS = tileStride(K);
    const int kS2 = tileStride(K2);
    const float* g0 = Gs + t * kS + mt * 16 + g;
    const float* g1 = g0 + 4 * kS;
    const float* a0 = As + t * kS2 + nt0 * 8 + g;
    const float* a1 = a0 + 4 * kS2;
#pragma unroll 4
    for (int kc = 0; kc < S * fusedPoints / 8; ++kc)
    {
        unsigned ah[4], al[4];
        splitTf32(g0[0], ah[0], al[0]);
        splitTf32(g0[8], ah[1], al[1]);
        splitTf32(g1[0], ah[2], al[2]);
        splitTf32(g1[8], ah[3], al[3]);
        unsigned bh[4][2], bl[4][2];
#pragma unroll
        for (int u = 0; u < 4; ++u)
        {
            splitTf32(a0[u * 8], bh[u][0], bl[u][0]);
            splitTf32(a1[u * 8], bh[u][1], bl[u][1]);
        }
#pragma unroll
        for (int u = 0; u < 4; ++u) mmaTf32(dw[u], al, bh[u][0], bh[u][1]);
#pragma unroll
        for (int u = 0; u < 4; ++u) mmaTf32(dw[u], ah, bl[u][0], bl[u][1]);
#pragma unroll
        for (int u = 0; u < 4; ++u) mmaTf32(dw[u], ah, bh[u][0], bh[u][1]);
        g0 += 8 * kS;
        g1 += 8 * kS;
        a0 += 8 * kS2;
        a1 += 8 * kS2;
    }
}

//- The weight gradient's column of A's row 64 (K2 = 65: the bias) in FFMA:
//  thread = rows 4 (tid % 16) + 0..3 of G x the columns c = tid / 16 + 16 i
//  of the tile; wb[r] += G[row][c] A[64][c] (rows >= K: never written)
template<int S>
__device__ inline void weightGradBiasRow(
    const float* Gs, const float* As, int K, int K2, float (&wb)[4])
{
    const int kS = tileStride(K);
    const int kS2 = tileStride(K2);
    const int r0 = (threadIdx.x & 15) * 4;
    const int c0 = threadIdx.x >> 4;
#pragma unroll 4
    for (int c = c0; c < S * fusedPoints; c += fusedThreads / 16)
    {
        float g4[4];
        load4(Gs + c * kS + r0, g4);
        const float a = As[c * kS2 + 64];
#pragma unroll
        for (int r = 0; r < 4; ++r) wb[r] += g4[r] * a;
    }
}

//- The stream recurrence on the FFMA tile product of point t: z[s][r] =
//  acc[r][s][t] and a = streamForward(z), unit by unit
template<class R, int D>
__device__ inline void tileStreamsForward(Activation act, const R (&acc)[fusedTR][D + 2][fusedTP],
    int t, R (&z)[D + 2][fusedTR], R (&a)[D + 2][fusedTR])
{
    constexpr int S = D + 2;
#pragma unroll
    for (int r = 0; r < fusedTR; ++r)
    {
        R zr[S], ar[S];
#pragma unroll
        for (int s = 0; s < S; ++s) zr[s] = acc[r][s][t];
        streamForward<R, D>(act, zr, ar, 1);
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
            z[s][r] = zr[s];
            a[s][r] = ar[s];
        }
    }
}

//- Forward through one hidden layer, its GEMM fused with the stream
//  recurrence: Z = [W b] In over the K = n_in + 1 rows of In (input streams
//  with their constant row), then Zout = Z and Out = streamForward(Z) for
//  the nRows (= m) units, and Out's constant row nRows.
//- One tile of fusedForwardKernel (weights already in Ws)
template<class R, int D>
__device__ inline void fusedForwardTile(Activation act, const R* Ws, const R* Xs, int m, int K,
    idx M, idx p0, R* __restrict__ Zout, R* __restrict__ Out, int ldOut)
{
    constexpr int S = D + 2;

    const int rg = threadIdx.x % fusedRowGroups;
    const int j0 = rg * fusedTR;
    const int pl0 = (threadIdx.x / fusedRowGroups) * fusedTP;
    R acc[fusedTR][S][fusedTP];
    tileProduct<R, S>(Ws, Xs, K, j0, pl0, acc);

    const bool full = j0 + fusedTR <= m; // 16-byte stores of 4 units
#pragma unroll
    for (int t = 0; t < fusedTP; ++t)
    {
        const idx p = p0 + pl0 + t;
        if (p >= M) continue;
        R z[S][fusedTR], a[S][fusedTR];
        tileStreamsForward<R, D>(act, acc, t, z, a);
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
            const idx col = (s * M + p) * ldOut + j0;
            if (full)
            {
                store4(Zout + col, z[s]);
                store4(Out + col, a[s]);
            }
            else
            {
#pragma unroll
                for (int r = 0; r < fusedTR; ++r)
                {
                    if (j0 + r < m)
                    {
                        Zout[col + r] = z[s][r];
                        Out[col + r] = a[s][r];
                    }
                }
            }
        }
        if (rg == 0)
        {
#pragma unroll
            for (int s = 0; s < S; ++s) Out[m + (s * M + p) * ldOut] = s == 0 ? R(1) : R(0);
        }
    }
}

//- The input tiles of a persistent block (tiles b, b + gridDim.x, ...):
//  copied from In by double-buffered asynchronous copies (Xs0 and Xs0 +
//  tileElems), or, with X1 (layer 1), computed from the points by
//  firstLayerTile into the same two buffers. startInputTiles issues the
//  first copy (the caller loads its weights meanwhile); forEachInputTile
//  hands each tile to body(xs, p0) with the block synchronised, and drains
//  the copies (tileElems 0: one buffer, with X1 only).
template<class R, int S>
__device__ inline void startInputTiles(
    const R* __restrict__ In, int ldIn, int K, idx M, const R* X1, R* Xs0)
{
    if (!X1 && idx(blockIdx.x) * fusedPoints < M)
    {
        loadTileAsync<R, S>(In, ldIn, K, M, idx(blockIdx.x) * fusedPoints, Xs0);
    }
    cpAsyncCommit();
}

template<class R, int D, class Body>
__device__ inline void forEachInputTile(Activation act, const R* __restrict__ In, int ldIn, int K,
    idx M, const R* __restrict__ X1, const R* __restrict__ W0, R* Xs0, int tileElems, Body&& body)
{
    constexpr int S = D + 2;
    const idx nTiles = (M + fusedPoints - 1) / fusedPoints;
    // X1: computed tiles, double-buffered too: a warp that has finished its
    // part of tile i's product goes on with tile i + 1's inputs in the other
    // buffer (one barrier per tile). One call site of body (it is large).
    idx tile = blockIdx.x;
    if (X1 && tile < nTiles) firstLayerTile<R, D>(act, X1, W0, K - 1, M, tile * fusedPoints, Xs0);
    for (int i = 0; tile < nTiles; tile += gridDim.x, ++i)
    {
        const idx next = tile + gridDim.x;
        R* const other = Xs0 + ((i + 1) & 1) * tileElems;
        if (!X1)
        {
            // the next tile streams into the other buffer meanwhile
            if (next < nTiles) loadTileAsync<R, S>(In, ldIn, K, M, next * fusedPoints, other);
            cpAsyncCommit();
            cpAsyncWait<1>();
        }
        __syncthreads();
        body(Xs0 + (i & 1) * tileElems, tile * fusedPoints);
        if (X1)
        {
            // one buffer only (tileElems 0): the product must be done first
            if (tileElems == 0) __syncthreads();
            if (next < nTiles)
                firstLayerTile<R, D>(act, X1, W0, K - 1, M, next * fusedPoints, other);
        }
        else
        {
            __syncthreads();
        }
    }
    cpAsyncWait<0>();
}

//- A forward tile by 3xTF32 (useMma, float) or by FFMA
template<class R, int D>
__device__ inline void forwardTile(bool useMma, Activation act, const R* Ws, const R* Xs, int m,
    int K, idx M, idx p0, R* __restrict__ Zout, R* __restrict__ Out, int ldOut)
{
    if constexpr (std::is_same<R, float>::value)
    {
        if (useMma)
        {
            fusedForwardTileMma<D>(act, Ws, Xs, m, K, M, p0, Zout, Out, ldOut);
            return;
        }
    }
    fusedForwardTile<R, D>(act, Ws, Xs, m, K, M, p0, Zout, Out, ldOut);
}

//- The forward layer kernel: persistent blocks (block b takes tiles b,
//  b + gridDim.x, ...), the weights loaded once per block
//  Variants (chosen at run time by occupancy): NBuf = 2 double-buffers the
//  input tile (86 KB of shared memory, 2 blocks per SM); NBuf = 1 keeps one
//  tile (51 KB) and relies on MinBlocks resident blocks to hide the loads.
template<class R, int D, int NBuf = 2, int MinBlocks = 2>
__global__ void __launch_bounds__(fusedThreads, MinBlocks)
    fusedForwardKernel(Activation act, const R* __restrict__ W, int m, int K,
        const R* __restrict__ In, int ldIn, idx M, R* __restrict__ Zout, R* __restrict__ Out,
        int ldOut, int mma, const R* __restrict__ X1, const R* __restrict__ W0,
        double* __restrict__ lossAcc, int nTerms, std::int64_t* __restrict__ step)
{
    constexpr int S = D + 2;
    // the start of a pass (when the first-layer kernel, which does it
    // otherwise, does not run)
    beginPass(lossAcc, nTerms, step);
    // 3xTF32 tensor-core product (float, K >= 16) or FFMA
    const bool useMma = std::is_same<R, float>::value && (mma & 1) && K >= 16;
    extern __shared__ __align__(16) unsigned char fusedSmem[];
    R* Ws = reinterpret_cast<R*>(fusedSmem);
    // The two tile buffers by arithmetic, not through an array: a pointer
    // read back from (local) memory is generic, and every tile load of the
    // product then went out as a generic LD with 64-bit address arithmetic
    // instead of an LDS (seen in the PTX)
    R* const Xs0 = Ws + weightElems(K);
    const int tileElems = NBuf == 2 ? S * fusedPoints * tileStride(K) : 0;
    const idx nTiles = (M + fusedPoints - 1) / fusedPoints;
    idx tile = blockIdx.x;
    if (NBuf == 1 && !X1)
    {
        if (useMma)
            loadWeightsFrag<R, false>(W, m, m, K, Ws);
        else
            loadWeights<R, false>(W, m, m, K, Ws);
        for (; tile < nTiles; tile += gridDim.x)
        {
            loadTileAsync<R, S>(In, ldIn, K, M, tile * fusedPoints, Xs0);
            cpAsyncCommit();
            cpAsyncWait<0>();
            __syncthreads();
            forwardTile<R, D>(useMma, act, Ws, Xs0, m, K, M, tile * fusedPoints, Zout, Out, ldOut);
            __syncthreads();
        }
        return;
    }
    // X1 (layer 1): the tiles are computed from the points (firstLayerTile)
    startInputTiles<R, S>(In, ldIn, K, M, X1, Xs0);
    if (useMma)
        loadWeightsFrag<R, false>(W, m, m, K, Ws);
    else
        loadWeights<R, false>(W, m, m, K, Ws);
    forEachInputTile<R, D>(act, In, ldIn, K, M, X1, W0, Xs0, tileElems,
        [&](const R* xs, idx p0)
        { forwardTile<R, D>(useMma, act, Ws, xs, m, K, M, p0, Zout, Out, ldOut); });
}

//- The first weight layer (K = D + 1 inputs), without a tile: its input
//  streams are [x; 1] (value), [e_i; 0] (gradient i) and 0 (Laplacian), so
//  Z = [W b][x; 1] on the value stream, column i of W on gradient stream i
//  and 0 on the Laplacian stream. One thread per 4 consecutive rows of a
//  point's columns (the constant row m and the padding rows up to ldOut
//  written too: 16-byte stores of whole columns). Also writes the input
//  streams A0 (ld0 = 4 rows: D <= 3), which the backward's weight gradient
//  reads, and, at the start of a pass, zeroes the loss accumulators and
//  advances the Adam step counter (lossAcc/step may be null).
template<class R, int D>
__global__ void __launch_bounds__(blockSize)
    firstLayerKernel(Activation act, const R* __restrict__ W, int m, const R* __restrict__ X, idx M,
        R* __restrict__ A0, R* __restrict__ Zout, R* __restrict__ Out, int ldOut,
        double* __restrict__ lossAcc, int nTerms, std::int64_t* __restrict__ step)
{
    constexpr int S = D + 2;
    static_assert(D + 1 <= 4, "input streams take 4 rows");
    beginPass(lossAcc, nTerms, step);
    const int q4 = ldOut / 4;
    const idx total = M * q4;
    for (idx e = idx(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
         e += idx(gridDim.x) * blockDim.x)
    {
        const idx p = e / q4;
        const int q = int(e - p * q4);
        R x[D];
#pragma unroll
        for (int i = 0; i < D; ++i) x[i] = X[p * D + i];
        R z[S][4], a[S][4];
#pragma unroll
        for (int r = 0; r < 4; ++r)
        {
            const int j = 4 * q + r;
            R zr[S], ar[S];
#pragma unroll
            for (int s = 0; s < S; ++s)
            {
                zr[s] = R(0);
                ar[s] = R(0);
            }
            if (j < m)
            {
                R v = W[j + idx(D) * m];
#pragma unroll
                for (int i = 0; i < D; ++i)
                {
                    const R wi = W[j + idx(i) * m];
                    v += wi * x[i];
                    zr[1 + i] = wi;
                }
                zr[0] = v;
                streamForward<R, D>(act, zr, ar, 1);
            }
            else if (j == m)
            {
                ar[0] = R(1);
            }
#pragma unroll
            for (int s = 0; s < S; ++s)
            {
                z[s][r] = zr[s];
                a[s][r] = ar[s];
            }
        }
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
            const idx col = (s * M + p) * ldOut + 4 * q;
            store4(Zout + col, z[s]);
            store4(Out + col, a[s]);
        }
        if (q == 0)
        {
#pragma unroll
            for (int s = 0; s < S; ++s)
            {
                R v[4];
#pragma unroll
                for (int i = 0; i < 4; ++i)
                {
                    v[i] = s == 0 ? (i < D ? x[i] : (i == D ? R(1) : R(0)))
                                  : (s <= D && i == s - 1 ? R(1) : R(0));
                }
                store4(A0 + (s * M + p) * 4, v);
            }
        }
    }
}

//- Backward through weight layer l, fused: with G = dL/dZ of the layer's
//  output (m rows) and A its input streams (K2 = n + 1 rows, constant row
//  included):
//    dW += G A^T  (the m x (n + 1) gradient of [W b]; each block adds the
//                  sum over its tiles, in a fixed order, to its own slice
//                  dW + blockIdx.x*sliceStride: deterministic, no atomics)
//    if dataGrad: Out = dL/dZ_l = streamBackward(Zin, W^T G)  (n rows)
//  Persistent blocks: block b takes tiles b, b + gridDim.x, ...
template<class R, int D>
__global__ void __launch_bounds__(fusedThreads, 2) fusedBackwardKernel(Activation act,
    const R* __restrict__ W, int m, int n, bool dataGrad, const R* __restrict__ G, int ldG,
    const R* __restrict__ A, int ldA, idx M, const R* __restrict__ Zin, R* __restrict__ Out,
    R* __restrict__ dW, idx sliceStride, bool accumulate, int mma, const R* __restrict__ X0,
    R* __restrict__ dW0, const R* __restrict__ W0)
{
    constexpr int S = D + 2;
    constexpr int cols = S * fusedPoints;
    const int K = m;
    const int K2 = n + 1;
    // 3xTF32 tensor-core products (float): the data gradient (mma & 2,
    // K >= 16) and the weight gradient (mma & 4, K > 28)
    const bool mmaData = std::is_same<R, float>::value && (mma & 2) && K >= 16;
    const bool mmaW = std::is_same<R, float>::value && (mma & 4) && K > 28;
    const int kS = tileStride(K);
    const int kS2 = tileStride(K2);
    extern __shared__ __align__(16) unsigned char fusedSmem[];
    R* Ws = reinterpret_cast<R*>(fusedSmem);
    R* Gs = Ws + weightElems(K);
    R* As = Gs + cols * kS;
    // Layer 0's weight gradient folded into layer 1's backward (dW0 given;
    // 3xTF32 data gradient only, which the host checks): per-warp sums in
    // foldS, one unit x input column per thread in fold0 (fixed order)
    const bool fold = dW0 != nullptr && dataGrad && mmaData && n <= fusedMaxRows;
    R* foldS = As + cols * kS2;
    R fold0 = R(0);
    if (dataGrad)
    {
        if (mmaData)
            loadWeightsFrag<R, true>(W, m, n, K, Ws);
        else
            loadWeights<R, true>(W, m, n, K, Ws);
    }

    // data gradient: units j0.. of points pl0..; weight gradient: rows i0..
    // (of G) x columns k0.. (of A), plus column 64 (kg == 0)
    const int rg = threadIdx.x % fusedRowGroups;
    const int j0 = rg * fusedTR;
    const int pl0 = (threadIdx.x / fusedRowGroups) * fusedTP;
    // Narrow layers (m <= 28: the output layer): the weight gradient's
    // 4 x 4 blocks (ceil(m/4) x kS2/4 of them) times nParts column
    // partitions, reduced over the partitions at the end
    const bool narrow = K <= 28;
    const int nKg = kS2 / 4;
    const int nPairs = narrow ? ((K + 3) / 4) * nKg : 1;
    const int smemElems = weightElems(K) + cols * (kS + kS2);
    const int nParts = narrow ? min(fusedThreads / nPairs, smemElems / (16 * nPairs)) : 1;
    const int pair = narrow ? int(threadIdx.x) % nPairs : 0;
    const int part = narrow ? int(threadIdx.x) / nPairs : 0;
    const int i0 = narrow ? (pair / nKg) * 4 : rg * 4;
    const int k0 = narrow ? (pair % nKg) * 4 : (threadIdx.x / fusedRowGroups) * 4;
    const bool wActive = !mmaW && (narrow ? part < nParts : (i0 < K && k0 < K2));
    const bool extraColumn = !narrow && k0 == 0 && K2 > 64;
    // FFMA: dw[0..3][.] a 4 x 4 block, dw[4][.] column 64 (extraColumn);
    // mma: dw[u] the C fragment of n-tile u (weightGradTileMma), dw[4][.]
    // column 64 of 4 rows (weightGradBiasRow)
    R dw[5][4];
#pragma unroll
    for (int r = 0; r < 5; ++r)
    {
#pragma unroll
        for (int q = 0; q < 4; ++q) dw[r][q] = R(0);
    }

    const idx nTiles = (M + fusedPoints - 1) / fusedPoints;
    for (idx tile = blockIdx.x; tile < nTiles; tile += gridDim.x)
    {
        const idx p0 = tile * fusedPoints;
        __syncthreads();
        // both tiles in flight at once (asynchronous copies where aligned)
        // (W0 given: layer 1, whose input streams A_1 and Z_1 come from the
        // points, firstLayerTile / firstLayerZ, instead of from memory)
        if (ldG % 4 == 0) loadTileAsync<R, S>(G, ldG, K, M, p0, Gs);
        if (ldA % 4 == 0 && !W0) loadTileAsync<R, S>(A, ldA, K2, M, p0, As);
        cpAsyncCommit();
        if (W0) firstLayerTile<R, D, false>(act, X0, W0, n, M, p0, As);
        // (mma bit 8) the Z values that the data-gradient epilogue will
        // read, prefetched into L2 now: they then arrive after the product
        // from L2 instead of from DRAM (no registers held meanwhile)
        if (dataGrad && mmaData && (mma & 256) && !W0)
        {
            const idx p = p0 + mmaTilePoint();
            if (p < M)
            {
#pragma unroll
                for (int mt = 0; mt < 2; ++mt)
                {
                    const int j0 = mmaTileUnit(mt);
                    if (j0 >= n) continue;
#pragma unroll
                    for (int s = 0; s < S; ++s)
                    {
                        asm volatile(
                            "prefetch.global.L2 [%0];" ::"l"(Zin + (s * M + p) * ldA + j0));
                    }
                }
            }
        }
        if (ldG % 4 != 0) loadTile<R, S>(G, ldG, K, M, p0, Gs);
        if (ldA % 4 != 0 && !W0) loadTile<R, S>(A, ldA, K2, M, p0, As);
        cpAsyncWait<0>();
        __syncthreads();

        bool dataDone = false;
        if constexpr (std::is_same<R, float>::value)
        {
            // the weight gradient first: the Z values that the data
            // gradient's epilogue reads (prefetched into L2 at the tile's
            // start) then have its time to arrive (H100: -3 us per backward)
            if (mmaW)
            {
                weightGradTileMma<S>(Gs, As, K, K2, dw);
                if (K2 > 64) weightGradBiasRow<S>(Gs, As, K, K2, dw[4]);
            }
            if (dataGrad && mmaData)
            {
                backwardDataTileMma<D>(
                    act, Ws, Gs, K, n, M, p0, Zin, Out, ldA, X0, fold ? foldS : nullptr, W0);
                dataDone = true;
            }
            if (fold)
            {
                __syncthreads();
                if (int(threadIdx.x) < fusedMaxRows * (D + 1))
                {
#pragma unroll
                    for (int pg = 0; pg < 4; ++pg)
                        fold0 += foldS[pg * fusedMaxRows * (D + 1) + threadIdx.x];
                }
            }
        }
        if (dataGrad && !dataDone)
        {
            R acc[fusedTR][S][fusedTP];
            tileProduct<R, S>(Ws, Gs, K, j0, pl0, acc);
            const bool full = j0 + fusedTR <= n;
#pragma unroll
            for (int t = 0; t < fusedTP; ++t)
            {
                const idx p = p0 + pl0 + t;
                if (p >= M || j0 >= n) continue;
                R z[S][fusedTR];
                loadUnits4<R, S>(Zin, M, p, ldA, j0, n, z);
                R g[S][fusedTR];
#pragma unroll
                for (int r = 0; r < fusedTR; ++r)
                {
                    R zr[S], gr[S];
#pragma unroll
                    for (int s = 0; s < S; ++s)
                    {
                        zr[s] = z[s][r];
                        gr[s] = acc[r][s][t];
                    }
                    streamBackward<R, D>(act, zr, gr, 1);
#pragma unroll
                    for (int s = 0; s < S; ++s) g[s][r] = gr[s];
                }
#pragma unroll
                for (int s = 0; s < S; ++s)
                {
                    const idx col = (s * M + p) * ldA + j0;
                    if (full)
                    {
                        store4(Out + col, g[s]);
                    }
                    else
                    {
#pragma unroll
                        for (int r = 0; r < fusedTR; ++r)
                        {
                            if (j0 + r < n) Out[col + r] = g[s][r];
                        }
                    }
                }
            }
        }

        if (wActive)
        {
#pragma unroll 4
            for (int c = part; c < cols; c += nParts)
            {
                R g4[4], a4[4];
                load4(Gs + c * kS + i0, g4);
                load4(As + c * kS2 + k0, a4);
#pragma unroll
                for (int r = 0; r < 4; ++r)
                {
#pragma unroll
                    for (int q = 0; q < 4; ++q) dw[r][q] += g4[r] * a4[q];
                }
                if (extraColumn)
                {
                    const R a64 = As[c * kS2 + 64];
#pragma unroll
                    for (int r = 0; r < 4; ++r) dw[4][r] += g4[r] * a64;
                }
            }
        }
    }

    // this block's slice: added to (later chunks) or overwritten (first chunk)
    R* slice = dW + idx(blockIdx.x) * sliceStride;
    if (fold && int(threadIdx.x) < fusedMaxRows * (D + 1))
    {
        const int j = threadIdx.x / (D + 1);
        const int i = threadIdx.x - j * (D + 1);
        if (j < n)
        {
            R& d = dW0[idx(blockIdx.x) * sliceStride + j + idx(i) * n];
            d = accumulate ? d + fold0 : fold0;
        }
    }
    if (narrow)
    {
        // partitions' partial sums through shared memory, summed in a
        // fixed order (deterministic)
        R* red = reinterpret_cast<R*>(fusedSmem);
        __syncthreads();
        if (part < nParts)
        {
#pragma unroll
            for (int r = 0; r < 4; ++r)
            {
#pragma unroll
                for (int q = 0; q < 4; ++q) red[(part * nPairs + pair) * 16 + r * 4 + q] = dw[r][q];
            }
        }
        __syncthreads();
        for (int e = threadIdx.x; e < nPairs * 16; e += fusedThreads)
        {
            const int pr = e / 16;
            const int rq = e - pr * 16;
            const int i = (pr / nKg) * 4 + rq / 4;
            const int k = (pr % nKg) * 4 + rq % 4;
            if (i >= m || k >= K2) continue;
            R sum = R(0);
            for (int pt = 0; pt < nParts; ++pt) sum += red[(pt * nPairs + pr) * 16 + rq];
            R& d = slice[i + idx(k) * m];
            d = accumulate ? d + sum : sum;
        }
        return;
    }
    if (mmaW)
    {
        const int warp = threadIdx.x >> 5;
        const int lane = threadIdx.x & 31;
        const int mt = warp & 3;
        const int nt0 = (warp >> 2) * 4;
#pragma unroll
        for (int u = 0; u < 4; ++u)
        {
#pragma unroll
            for (int c = 0; c < 4; ++c)
            {
                const int i = mt * 16 + (lane >> 2) + 8 * (c >> 1);
                const int k = (nt0 + u) * 8 + 2 * (lane & 3) + (c & 1);
                if (i < m && k < K2)
                {
                    R& d = slice[i + idx(k) * m];
                    d = accumulate ? d + dw[u][c] : dw[u][c];
                }
            }
        }
        if (K2 > 64)
        {
            // column 64: the 16 column groups' sums in a fixed order
            // (deterministic), through the weights' shared memory
            R* red = reinterpret_cast<R*>(fusedSmem);
            __syncthreads();
#pragma unroll
            for (int r = 0; r < 4; ++r)
                red[(threadIdx.x >> 4) * 64 + (threadIdx.x & 15) * 4 + r] = dw[4][r];
            __syncthreads();
            const int i = threadIdx.x;
            if (i < m)
            {
                R sum = R(0);
                for (int cg = 0; cg < fusedThreads / 16; ++cg) sum += red[cg * 64 + i];
                R& d = slice[i + idx(64) * m];
                d = accumulate ? d + sum : sum;
            }
        }
        return;
    }
#pragma unroll
    for (int r = 0; r < 4; ++r)
    {
        const int i = i0 + r;
        if (i >= m) continue;
#pragma unroll
        for (int q = 0; q < 4; ++q)
        {
            const int k = k0 + q;
            if (k < K2)
            {
                R& d = slice[i + idx(k) * m];
                d = accumulate ? d + dw[r][q] : dw[r][q];
            }
        }
        if (extraColumn)
        {
            R& d = slice[i + idx(64) * m];
            d = accumulate ? d + dw[4][r] : dw[4][r];
        }
    }
}


template<class R>
__device__ inline R warpSum(R v)
{
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    return v;
}

//- Residual, loss terms and dL/do of training point gp (interior points
//  first, then boundary points): o and ob hold its output streams
//  o[s*nOut + k]; the interior terms go to eqLoss (per thread), the
//  boundary terms to the block's sAcc (shared, double)
template<class R, int D>
__device__ inline void pointLoss(const PdeSpec& pde, idx gp, const R* o, idx nInterior,
    const R* __restrict__ X, const R* __restrict__ wI, const R* __restrict__ sI,
    const BoundaryView<R>& bnd, R* eqLoss, double* sAcc, R* ob)
{
    const int nOut = pde.nOut;
    const int nEq = pde.nEq;
    const R* x = X + gp * D;
    if (gp < nInterior)
    {
        R r[maxEquations];
        R rbar[maxEquations];
        pdeResidual<R>(pde, x, o, nOut, r);
        if (sI) r[0] += sI[gp];
        const R w = wI[gp];
        for (int e = 0; e < nEq; ++e)
        {
            eqLoss[e] += w * r[e] * r[e];
            rbar[e] = R(2) * w * r[e];
        }
        pdeResidualVjp<R>(pde, x, o, nOut, rbar, ob);
    }
    else
    {
        const idx b = gp - nInterior;
        for (idx q = bnd.ptr[b]; q < bnd.ptr[b + 1]; ++q)
        {
            const int c = bnd.component[q];
            const R* nq = bnd.normal + q * D;
            const R r = bcResidual<R>(D, o, nOut, c, nq, bnd.alpha[q], bnd.beta[q], bnd.g[q]);
            const R w = bnd.w[q];
            atomicAdd(&sAcc[nEq + bnd.group[q]], double(w * r * r));
            bcResidualVjp<R>(D, nOut, c, nq, bnd.alpha[q], bnd.beta[q], R(2) * w * r, ob);
        }
    }
}

//- Residuals, loss terms and dL/dO of the points [start, start + M) of the
//  training set (interior points first, then boundary points), one thread
//  per point. O and GO: nOut x S*M (ld nOut). Loss terms (nEq per-equation
//  sums, then one per boundary group) are reduced per block and added to
//  lossAcc (double).
template<class R, int D>
__global__ void __launch_bounds__(blockSize) lossKernel(PdeSpec pde, const R* __restrict__ O, idx M,
    idx start, idx nInterior, const R* __restrict__ X, const R* __restrict__ wI,
    const R* __restrict__ sI, BoundaryView<R> bnd, int nGroups, R* __restrict__ GO,
    double* __restrict__ lossAcc)
{
    constexpr int S = D + 2;
    extern __shared__ double sAcc[];
    const int nOut = pde.nOut;
    const int nEq = pde.nEq;
    const int nTerms = nEq + nGroups;
    for (int t = threadIdx.x; t < nTerms; t += blockDim.x) sAcc[t] = 0.0;
    __syncthreads();

    R eqLoss[maxEquations];
#pragma unroll
    for (int e = 0; e < maxEquations; ++e) eqLoss[e] = R(0);

    const idx p = idx(blockIdx.x) * blockDim.x + threadIdx.x;
    if (p < M)
    {
        R o[S * maxOutputs];
        R ob[S * maxOutputs];
        for (int s = 0; s < S; ++s)
        {
            for (int k = 0; k < nOut; ++k)
            {
                o[s * nOut + k] = O[k + (s * M + p) * nOut];
                ob[s * nOut + k] = R(0);
            }
        }
        pointLoss<R, D>(pde, start + p, o, nInterior, X, wI, sI, bnd, eqLoss, sAcc, ob);
        for (int s = 0; s < S; ++s)
        {
            for (int k = 0; k < nOut; ++k)
            {
                GO[k + (s * M + p) * nOut] = ob[s * nOut + k];
            }
        }
    }

    const int lane = threadIdx.x & 31;
    for (int e = 0; e < nEq; ++e)
    {
        const R v = warpSum(eqLoss[e]);
        if (lane == 0) atomicAdd(&sAcc[e], double(v));
    }
    __syncthreads();
    for (int t = threadIdx.x; t < nTerms; t += blockDim.x)
    {
        atomicAdd(&lossAcc[t], sAcc[t]);
    }
}

// * * * * * * * * * * * * * * * The fused head  * * * * * * * * * * * * * //
//
// The last hidden layer's forward, the output layer, the residuals and loss,
// and the backward through the output layer and that hidden layer's stream
// recurrence, in one kernel. Per point the outputs o = [W_o b_o] [a; 1] are
// summed over the 16 threads that share the point (4 units each), the loss
// and dL/do come from the same pointLoss as lossKernel's, and then each
// thread has what it needs for its units: dL/da_j = sum_k W_o[k][j] dL/do_k
// and dL/dz = streamBackward(z, dL/da), which is stored as the G of the
// next backward kernel. The layer's Z and A, the output streams and the
// output layer's kernels are then never needed. The output layer's weight
// gradient is summed per thread (shared memory, own slots) over the block's
// tiles and reduced in a fixed order at the end into the block's slice.

constexpr int headMaxOut = 4;

template<class R>
struct HeadArgs
{
    const R* Wo = nullptr; // [W b] of the output layer, nOut x (m + 1)
    PdeSpec pde;
    idx start = 0; // first training point of this chunk
    idx nInterior = 0;
    const R* X = nullptr;
    const R* wI = nullptr;
    const R* sI = nullptr; // per-point sources of the interior (nullptr: none)
    BoundaryView<R> bnd;
    int nGroups = 0;
    double* lossAcc = nullptr;
    R* dWo = nullptr; // the output layer's gradient slices
    idx sliceStride = 0;
    bool accumulate = false;
};

//- Row stride of the per-point rows of the tile's outputs (then dL/do):
//  the S*nOut values of a point, rounded up to an odd count, so that the
//  loss warp's lanes (one row each) and the two rows a warp reads at once
//  in phase 3 fall in distinct banks
__host__ __device__ constexpr int headRowStride(int S, int nOut)
{
    return (S * nOut) | 1;
}

//- Shared memory of fusedHeadKernel: the forward kernel's (weights, two
//  tiles), the loss terms (double), the output weights, 5 nOut
//  accumulators per thread and the tile's per-point rows
template<class R, int D>
constexpr std::size_t fusedHeadSmem(int K, int m, int nOut, int nTerms)
{
    return fusedForwardSmem<R, D>(K) + std::size_t((nTerms + 1) / 2 * 2) * sizeof(double)
        + std::size_t(roundUp4(nOut * (m + 1)) + fusedThreads * 5 * nOut
              + fusedPoints * headRowStride(D + 2, nOut))
        * sizeof(R);
}

//- pointLoss for the head, out of line (one warp of the block runs it, once
//  per tile, lane = point; inlined it would crowd the tile product's
//  registers): row holds the point's outputs on entry, dL/do on exit
template<class R, int D>
__device__ __noinline__ void headPointLoss(
    const HeadArgs<R>& h, idx gp, R* row, R* eqLoss, double* sAcc)
{
    constexpr int S = D + 2;
    const int n = S * h.pde.nOut;
    R o[S * headMaxOut];
    for (int e = 0; e < n; ++e)
    {
        o[e] = row[e];
        row[e] = R(0);
    }
    pointLoss<R, D>(h.pde, gp, o, h.nInterior, h.X, h.wI, h.sI, h.bnd, eqLoss, sAcc, row);
}

//- Point t's accumulators of a thread's tile product, in slot 0 of out (t
//  at run time: selects, no local memory)
template<class R, int S>
__device__ inline void pointAcc(
    const R (&acc)[fusedTR][S][fusedTP], int t, R (&out)[fusedTR][S][fusedTP])
{
    static_assert(fusedTP == 2, "pointAcc selects one of two points");
#pragma unroll
    for (int r = 0; r < fusedTR; ++r)
    {
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
            out[r][s][0] = t == 0 ? acc[r][s][0] : acc[r][s][1];
            out[r][s][1] = out[r][s][0];
        }
    }
}

//- One tile of the head. Three phases: (1) the product, the layer's streams
//  and the outputs o of the tile's 32 points (4-unit partial sums summed
//  over the 16 threads of a point), written to oS; (2) warp 0 computes the
//  32 points' residuals, loss terms and dL/do (lane = point: one call of
//  pointLoss per tile, all lanes busy, where 2 of 32 lanes per call in
//  every warp did it before) in their place; (3) every thread reads dL/do of its
//  points and goes back through the output layer and the stream recurrence
template<class R, int D>
__device__ inline void fusedHeadTile(Activation act, const R* Ws, const R* Xs, int m, int K, idx M,
    idx p0, R* __restrict__ Gout, int ldOut, const HeadArgs<R>& h, const R* WoS, R* myAcc,
    double* sAcc, R* oS, R* eqLoss)
{
    constexpr int S = D + 2;
    const int nOut = h.pde.nOut;
    const int rowStride = headRowStride(S, nOut);
    const int rg = threadIdx.x % fusedRowGroups;
    const int j0 = rg * fusedTR;
    const int pl0 = (threadIdx.x / fusedRowGroups) * fusedTP;
    R acc[fusedTR][S][fusedTP];
    tileProduct<R, S>(Ws, Xs, K, j0, pl0, acc);

// (1) outputs of the thread's points (the two points by a loop, not
// unrolled: code run once per tile, half as long to fetch)
#pragma unroll 1
    for (int t = 0; t < fusedTP; ++t)
    {
        R z[S][fusedTR], a[S][fusedTR];
        {
            R accT[fusedTR][S][fusedTP];
            pointAcc<R, S>(acc, t, accT);
            tileStreamsForward<R, D>(act, accT, 0, z, a);
        }
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
#pragma unroll
            for (int k = 0; k < headMaxOut; ++k)
            {
                if (k >= nOut) continue; // uniform: only the outputs there are
                R v = R(0);
#pragma unroll
                for (int r = 0; r < fusedTR; ++r)
                {
                    if (j0 + r < m) v += WoS[k + (j0 + r) * nOut] * a[s][r];
                }
#pragma unroll
                for (int off = 8; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
                if (s == 0) v += WoS[k + m * nOut];
                if (rg == 0) oS[(pl0 + t) * rowStride + s * nOut + k] = v;
            }
        }
    }
    __syncthreads();

    // (2) loss and dL/do of the tile's points by warp 0 (in place)
    if (threadIdx.x < fusedPoints)
    {
        const int pl = threadIdx.x;
        R* row = oS + pl * rowStride;
        if (p0 + pl < M)
        {
            headPointLoss<R, D>(h, h.start + p0 + pl, row, eqLoss, sAcc);
        }
        else
        {
            for (int e = 0; e < S * nOut; ++e) row[e] = R(0);
        }
    }
    __syncthreads();

// (3) back through the output layer and the layer's stream recurrence
// (the points by a loop, as in (1))
#pragma unroll 1
    for (int t = 0; t < fusedTP; ++t)
    {
        const idx p = p0 + pl0 + t;
        const bool valid = p < M;
        R z[S][fusedTR], a[S][fusedTR];
        {
            R accT[fusedTR][S][fusedTP];
            pointAcc<R, S>(acc, t, accT);
            tileStreamsForward<R, D>(act, accT, 0, z, a);
        }
#pragma unroll
        for (int r = 0; r < fusedTR; ++r)
        {
#pragma unroll
            for (int s = 0; s < S; ++s) a[s][r] = j0 + r < m ? a[s][r] : R(0);
        }
        R ob[S][headMaxOut];
#pragma unroll
        for (int s = 0; s < S; ++s)
        {
#pragma unroll
            for (int k = 0; k < headMaxOut; ++k)
            {
                ob[s][k] = k < nOut ? oS[(pl0 + t) * rowStride + s * nOut + k] : R(0);
            }
        }
        // dL/da of the thread's units, dL/dz (stored), the output layer's
        // weight gradient (dW_o[k][j] += sum_s dL/do_k,s a_j,s; bias: rg 0)
        R gz[S][fusedTR];
#pragma unroll
        for (int r = 0; r < fusedTR; ++r)
        {
            R zr[S], gr[S];
#pragma unroll
            for (int s = 0; s < S; ++s)
            {
                R v = R(0);
#pragma unroll
                for (int k = 0; k < headMaxOut; ++k)
                {
                    if (k < nOut && j0 + r < m) v += WoS[k + (j0 + r) * nOut] * ob[s][k];
                }
                gr[s] = v;
                zr[s] = z[s][r];
            }
            // a = s(z) is at hand: tanh's derivatives need no tanh again
            const ActivationDerivs<R> d = activationDerivsFromValue(act, zr[0], a[0][r]);
            streamBackward<R, D>(d, zr, gr, 1);
#pragma unroll
            for (int s = 0; s < S; ++s) gz[s][r] = gr[s];
        }
        if (valid && j0 < m)
        {
#pragma unroll
            for (int s = 0; s < S; ++s)
            {
                const idx col = (s * M + p) * ldOut + j0;
                if (j0 + fusedTR <= m)
                {
                    store4(Gout + col, gz[s]);
                }
                else
                {
#pragma unroll
                    for (int r = 0; r < fusedTR; ++r)
                    {
                        if (j0 + r < m) Gout[col + r] = gz[s][r];
                    }
                }
            }
        }
#pragma unroll
        for (int k = 0; k < headMaxOut; ++k)
        {
            if (k >= nOut) continue;
#pragma unroll
            for (int r = 0; r < fusedTR; ++r)
            {
                R v = R(0);
#pragma unroll
                for (int s = 0; s < S; ++s) v += ob[s][k] * a[s][r];
                myAcc[k * fusedTR + r] += v;
            }
            if (rg == 0) myAcc[fusedTR * nOut + k] += ob[0][k];
        }
    }
}

//- The head kernel: persistent blocks over 32-point tiles as in
//  fusedForwardKernel (double-buffered input tiles, FFMA product); grid =
//  the number of weight-gradient slices the pass sums (or fewer tiles).
//  Gout: dL/dZ of this layer (m rows, ld ldOut)
template<class R, int D>
__global__ void __launch_bounds__(fusedThreads, 2)
    fusedHeadKernel(Activation act, const R* __restrict__ W, int m, int K, const R* __restrict__ In,
        int ldIn, idx M, R* __restrict__ Gout, int ldOut, HeadArgs<R> h, const R* __restrict__ X1,
        const R* __restrict__ W0)
{
    constexpr int S = D + 2;
    const int nOut = h.pde.nOut;
    const int nEq = h.pde.nEq;
    const int nTerms = nEq + h.nGroups;
    extern __shared__ __align__(16) unsigned char fusedSmem[];
    R* Ws = reinterpret_cast<R*>(fusedSmem);
    R* const Xs0 = Ws + weightElems(K);
    const int tileElems = S * fusedPoints * tileStride(K);
    double* sAcc = reinterpret_cast<double*>(Xs0 + 2 * tileElems);
    R* WoS = reinterpret_cast<R*>(sAcc + (nTerms + 1) / 2 * 2);
    R* hAcc = WoS + roundUp4(nOut * (m + 1));
    R* myAcc = hAcc + threadIdx.x * 5 * nOut;
    R* oS = hAcc + fusedThreads * 5 * nOut;

    for (int e = threadIdx.x; e < nTerms; e += fusedThreads) sAcc[e] = 0.0;
    for (int e = threadIdx.x; e < nOut * (m + 1); e += fusedThreads) WoS[e] = h.Wo[e];
    for (int e = 0; e < 5 * nOut; ++e) myAcc[e] = R(0);
    // the interior loss terms of warp 0's points (per thread, summed at the end)
    R eqLoss[maxEquations];
#pragma unroll
    for (int e = 0; e < maxEquations; ++e) eqLoss[e] = R(0);

    // input tiles as in fusedForwardKernel (X1: the head is layer 1)
    startInputTiles<R, S>(In, ldIn, K, M, X1, Xs0);
    loadWeights<R, false>(W, m, m, K, Ws);
    forEachInputTile<R, D>(act, In, ldIn, K, M, X1, W0, Xs0, tileElems,
        [&](const R* xs, idx p0) {
            fusedHeadTile<R, D>(
                act, Ws, xs, m, K, M, p0, Gout, ldOut, h, WoS, myAcc, sAcc, oS, eqLoss);
        });
    if (threadIdx.x < 32)
    {
        for (int e = 0; e < nEq; ++e)
        {
            const R v = warpSum(eqLoss[e]);
            if (threadIdx.x == 0) atomicAdd(&sAcc[e], double(v));
        }
    }
    __syncthreads();
    for (int e = threadIdx.x; e < nTerms; e += fusedThreads) atomicAdd(&h.lossAcc[e], sAcc[e]);

    // the output layer's gradient [k + j nOut] (j = m: bias) of this block:
    // the 16 threads of unit quad j/4 (bias: of quad 0) in a fixed order
    R* slice = h.dWo + idx(blockIdx.x) * h.sliceStride;
    for (int e = threadIdx.x; e < nOut * (m + 1); e += fusedThreads)
    {
        const int j = e / nOut;
        const int k = e - j * nOut;
        const int q = j < m ? j / fusedTR : 0;
        const int at = j < m ? k * fusedTR + (j - q * fusedTR) : fusedTR * nOut + k;
        R sum = R(0);
        for (int g = 0; g < fusedThreads / fusedRowGroups; ++g)
        {
            sum += hAcc[(g * fusedRowGroups + q) * 5 * nOut + at];
        }
        slice[e] = h.accumulate ? slice[e] + sum : sum;
    }
}

//- Outputs (M x nOut) and, if residuals != nullptr, PDE residuals
//  (M x nEq) at M points, from the output streams O
template<class R, int D>
__global__ void evaluateKernel(PdeSpec pde, const R* __restrict__ O, idx M, const R* __restrict__ X,
    R* __restrict__ values, R* __restrict__ residuals, const R* __restrict__ source)
{
    constexpr int S = D + 2;
    const idx p = idx(blockIdx.x) * blockDim.x + threadIdx.x;
    if (p >= M) return;
    const int nOut = pde.nOut;
    R o[S * maxOutputs];
    for (int s = 0; s < S; ++s)
    {
        for (int k = 0; k < nOut; ++k) o[s * nOut + k] = O[k + (s * M + p) * nOut];
    }
    for (int k = 0; k < nOut; ++k) values[p * nOut + k] = o[k];
    if (residuals)
    {
        R r[maxEquations];
        pdeResidual<R>(pde, X + p * D, o, nOut, r);
        if (source) r[0] += source[p];
        for (int e = 0; e < pde.nEq; ++e) residuals[p * pde.nEq + e] = r[e];
    }
}

//- Start of a pass: zero the loss accumulators; advance the Adam step
//  counter (device side, so that a captured graph replays correctly)
static __global__ void beginPassKernel(double* lossAcc, int nTerms, std::int64_t* step)
{
    beginPass(lossAcc, nTerms, step);
}

//- Block shape of the slice sums: sliceParams parameters (one warp wide,
//  coalesced) times sliceGroups groups of slices, reduced in shared memory
//  in a fixed order (deterministic)
constexpr int sliceParams = 32;
constexpr int sliceGroups = 8;

//- Sum over the nPartial weight-gradient slices of parameter i; the result
//  is valid in the threads with threadIdx.y == 0
template<class R>
__device__ inline R sumSlices(
    const R* __restrict__ partial, int nPartial, idx nParams, idx i, R* shm)
{
    // The slices' loads 8 at a time, then added in the order of the plain
    // loop (the same sum to the bit; H100, one tile per block: Adam 10.4 ->
    // 9.8 us, its time is the latency to the slices, not the adds)
    constexpr int batch = 8;
    R g = R(0);
    if (i < nParams)
    {
        int b = threadIdx.y;
        for (; b + (batch - 1) * sliceGroups < nPartial; b += batch * sliceGroups)
        {
            R v[batch];
#pragma unroll
            for (int u = 0; u < batch; ++u) v[u] = partial[idx(b + u * sliceGroups) * nParams + i];
#pragma unroll
            for (int u = 0; u < batch; ++u) g += v[u];
        }
        for (; b < nPartial; b += sliceGroups) g += partial[idx(b) * nParams + i];
    }
    shm[threadIdx.y * sliceParams + threadIdx.x] = g;
    __syncthreads();
    R s = R(0);
    if (threadIdx.y == 0)
    {
#pragma unroll
        for (int k = 0; k < sliceGroups; ++k) s += shm[k * sliceParams + threadIdx.x];
    }
    return s;
}


//- grad = sum of the nPartial weight-gradient slices (fixed order)
template<class R>
__global__ void reducePartialsKernel(
    const R* __restrict__ partial, int nPartial, idx nParams, R* __restrict__ grad)
{
    __shared__ R shm[sliceGroups * sliceParams];
    const idx i = idx(blockIdx.x) * sliceParams + threadIdx.x;
    const R g = sumSlices(partial, nPartial, nParams, i, shm);
    if (threadIdx.y == 0 && i < nParams) grad[i] = g;
}

//- Fused gradient reduction and Adam update; the step t (counting from 1)
//  and the learning rate lr*decayRate^(t/decaySteps) come from the device
template<class R>
__global__ void adamKernel(R* __restrict__ params, R* __restrict__ m, R* __restrict__ v,
    const R* __restrict__ partial, int nPartial, idx nParams, const std::int64_t* __restrict__ step,
    AdamParams cfg)
{
    __shared__ R shm[sliceGroups * sliceParams];
    const idx i = idx(blockIdx.x) * sliceParams + threadIdx.x;
    const R g = sumSlices(partial, nPartial, nParams, i, shm);
    if (threadIdx.y != 0 || i >= nParams) return;
    const double t = double(*step);
    const double lr = adamLearningRate(cfg.lr, cfg.decayRate, cfg.decaySteps, t);
    const double bc1 = 1.0 - pow(cfg.beta1, t);
    const double bc2 = 1.0 - pow(cfg.beta2, t);
    R pi = params[i];
    R mi = m[i];
    R vi = v[i];
    adamUpdate<R>(pi, mi, vi, g, R(lr), R(cfg.beta1), R(cfg.beta2), R(cfg.eps), R(bc1), R(bc2));
    params[i] = pi;
    m[i] = mi;
    v[i] = vi;
}

//- x = lo + (hi - lo)*u in place, coordinates point-major (D each)
template<class R>
__global__ void scaleBoxKernel(R* __restrict__ x, idx n, int D, double lo0, double lo1, double lo2,
    double h0, double h1, double h2)
{
    const idx e = idx(blockIdx.x) * blockDim.x + threadIdx.x;
    if (e >= n * D) return;
    const int i = int(e % D);
    const double lo = i == 0 ? lo0 : (i == 1 ? lo1 : lo2);
    const double h = i == 0 ? h0 : (i == 1 ? h1 : h2);
    x[e] = R(lo + h * double(x[e]));
}

} // namespace cuda
} // namespace pinn
