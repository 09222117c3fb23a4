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

#include <cstdint>

namespace pinn
{
namespace cuda
{

constexpr int maxStreams = 5;       // D + 2 with D <= 3
constexpr int maxOutputs = 8;
constexpr int maxEquations = 8;
constexpr int blockSize = 256;

//- Boundary entries grouped by (unique) boundary point: entries of point b
//  are [ptr[b], ptr[b + 1])
template<class R>
struct BoundaryView
{
    const idx* ptr = nullptr;
    const R* normal = nullptr;      // nEntries*D
    const R* alpha = nullptr;
    const R* beta = nullptr;
    const R* g = nullptr;
    const R* w = nullptr;
    const int* component = nullptr;
    const int* group = nullptr;
};

//- Adam hyper-parameters as plain doubles (kernel argument)
struct AdamParams
{
    double lr, beta1, beta2, eps, decayRate, decaySteps;
};

//- Input streams A0 (ld0 x S*M) of M points x (point-major, D each):
//  value block [x; 1], gradient block i [e_i; 0], Laplacian block 0
template<class R, int D>
__global__ void inputStreamsKernel
(
    const R* __restrict__ x, idx M, int ld0, R* __restrict__ A0
)
{
    const idx stride = idx(ld0)*M;
    for
    (
        idx p = idx(blockIdx.x)*blockDim.x + threadIdx.x;
        p < M;
        p += idx(gridDim.x)*blockDim.x
    )
    {
        R* a = A0 + p*ld0;
        #pragma unroll
        for (int i = 0; i < D; ++i) a[i] = x[p*D + i];
        a[D] = R(1);
        #pragma unroll
        for (int s = 1; s <= D; ++s)
        {
            #pragma unroll
            for (int i = 0; i < D; ++i) a[s*stride + i] = (i == s - 1) ? R(1) : R(0);
            a[s*stride + D] = R(0);
        }
        #pragma unroll
        for (int i = 0; i <= D; ++i) a[(D + 1)*stride + i] = R(0);
    }
}

//- Forward activation streams of a hidden layer: A = streamForward(Z) for
//  rows j < n, the constant row n, over all M points
template<class R, int D>
__global__ void forwardStreamsKernel
(
    Activation act, const R* __restrict__ Z, R* __restrict__ A,
    int n, int ld, idx M
)
{
    const idx total = idx(ld)*M;
    for
    (
        idx e = idx(blockIdx.x)*blockDim.x + threadIdx.x;
        e < total;
        e += idx(gridDim.x)*blockDim.x
    )
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
            for (int s = 1; s < D + 2; ++s) A[e + s*total] = R(0);
        }
    }
}

//- Backward activation streams of a hidden layer, in place: G holds
//  dL/dA on entry and dL/dZ on exit (rows j < n)
template<class R, int D>
__global__ void backwardStreamsKernel
(
    Activation act, const R* __restrict__ Z, R* __restrict__ G,
    int n, int ld, idx M
)
{
    const idx total = idx(ld)*M;
    for
    (
        idx e = idx(blockIdx.x)*blockDim.x + threadIdx.x;
        e < total;
        e += idx(gridDim.x)*blockDim.x
    )
    {
        const int j = int(e % ld);
        if (j < n)
        {
            streamBackward<R, D>(act, Z + e, G + e, total);
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

//- Residuals, loss terms and dL/dO of the points [start, start + M) of the
//  training set (interior points first, then boundary points), one thread
//  per point. O and GO: nOut x S*M (ld nOut). Loss terms (nEq per-equation
//  sums, then one per boundary group) are reduced per block and added to
//  lossAcc (double).
template<class R, int D>
__global__ void __launch_bounds__(blockSize) lossKernel
(
    PdeSpec pde, const R* __restrict__ O, idx M, idx start,
    idx nInterior, const R* __restrict__ X, const R* __restrict__ wI,
    BoundaryView<R> bnd, int nGroups, R* __restrict__ GO,
    double* __restrict__ lossAcc
)
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

    const idx p = idx(blockIdx.x)*blockDim.x + threadIdx.x;
    if (p < M)
    {
        const idx gp = start + p;
        R o[S*maxOutputs];
        R ob[S*maxOutputs];
        for (int s = 0; s < S; ++s)
        {
            for (int k = 0; k < nOut; ++k)
            {
                o[s*nOut + k] = O[k + (s*M + p)*nOut];
                ob[s*nOut + k] = R(0);
            }
        }
        const R* x = X + gp*D;
        if (gp < nInterior)
        {
            R r[maxEquations];
            R rbar[maxEquations];
            pdeResidual<R>(pde, x, o, nOut, r);
            const R w = wI[gp];
            for (int e = 0; e < nEq; ++e)
            {
                eqLoss[e] = w*r[e]*r[e];
                rbar[e] = R(2)*w*r[e];
            }
            pdeResidualVjp<R>(pde, x, o, nOut, rbar, ob);
        }
        else
        {
            const idx b = gp - nInterior;
            for (idx q = bnd.ptr[b]; q < bnd.ptr[b + 1]; ++q)
            {
                const int c = bnd.component[q];
                const R* nq = bnd.normal + q*D;
                const R r = bcResidual<R>
                (
                    D, o, nOut, c, nq, bnd.alpha[q], bnd.beta[q], bnd.g[q]
                );
                const R w = bnd.w[q];
                atomicAdd(&sAcc[nEq + bnd.group[q]], double(w*r*r));
                bcResidualVjp<R>
                (
                    D, nOut, c, nq, bnd.alpha[q], bnd.beta[q], R(2)*w*r, ob
                );
            }
        }
        for (int s = 0; s < S; ++s)
        {
            for (int k = 0; k < nOut; ++k)
            {
                GO[k + (s*M + p)*nOut] = ob[s*nOut + k];
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

//- Outputs (M x nOut) and, if residuals != nullptr, PDE residuals
//  (M x nEq) at M points, from the output streams O
template<class R, int D>
__global__ void evaluateKernel
(
    PdeSpec pde, const R* __restrict__ O, idx M, const R* __restrict__ X,
    R* __restrict__ values, R* __restrict__ residuals
)
{
    constexpr int S = D + 2;
    const idx p = idx(blockIdx.x)*blockDim.x + threadIdx.x;
    if (p >= M) return;
    const int nOut = pde.nOut;
    R o[S*maxOutputs];
    for (int s = 0; s < S; ++s)
    {
        for (int k = 0; k < nOut; ++k) o[s*nOut + k] = O[k + (s*M + p)*nOut];
    }
    for (int k = 0; k < nOut; ++k) values[p*nOut + k] = o[k];
    if (residuals)
    {
        R r[maxEquations];
        pdeResidual<R>(pde, X + p*D, o, nOut, r);
        for (int e = 0; e < pde.nEq; ++e) residuals[p*pde.nEq + e] = r[e];
    }
}

//- Start of a pass: zero the loss accumulators; advance the Adam step
//  counter (device side, so that a captured graph replays correctly)
static __global__ void beginPassKernel(double* lossAcc, int nTerms, std::int64_t* step)
{
    for (int t = threadIdx.x; t < nTerms; t += blockDim.x) lossAcc[t] = 0.0;
    if (step && threadIdx.x == 0) ++(*step);
}

//- grad = sum of the nPartial weight-gradient slices (fixed order)
template<class R>
__global__ void reducePartialsKernel
(
    const R* __restrict__ partial, int nPartial, idx nParams, R* __restrict__ grad
)
{
    const idx i = idx(blockIdx.x)*blockDim.x + threadIdx.x;
    if (i >= nParams) return;
    R g = R(0);
    for (int b = 0; b < nPartial; ++b) g += partial[b*nParams + i];
    grad[i] = g;
}

//- Fused gradient reduction and Adam update; the step t (counting from 1)
//  and the learning rate lr*decayRate^(t/decaySteps) come from the device
template<class R>
__global__ void adamKernel
(
    R* __restrict__ params, R* __restrict__ m, R* __restrict__ v,
    const R* __restrict__ partial, int nPartial, idx nParams,
    const std::int64_t* __restrict__ step, AdamParams cfg
)
{
    const idx i = idx(blockIdx.x)*blockDim.x + threadIdx.x;
    if (i >= nParams) return;
    const double t = double(*step);
    const double lr = cfg.lr*pow(cfg.decayRate, t/cfg.decaySteps);
    const double bc1 = 1.0 - pow(cfg.beta1, t);
    const double bc2 = 1.0 - pow(cfg.beta2, t);
    R g = R(0);
    for (int b = 0; b < nPartial; ++b) g += partial[b*nParams + i];
    R pi = params[i];
    R mi = m[i];
    R vi = v[i];
    adamUpdate<R>
    (
        pi, mi, vi, g, R(lr), R(cfg.beta1), R(cfg.beta2), R(cfg.eps),
        R(bc1), R(bc2)
    );
    params[i] = pi;
    m[i] = mi;
    v[i] = vi;
}

//- x = lo + (hi - lo)*u in place, coordinates point-major (D each)
template<class R>
__global__ void scaleBoxKernel
(
    R* __restrict__ x, idx n, int D, double lo0, double lo1, double lo2,
    double h0, double h1, double h2
)
{
    const idx e = idx(blockIdx.x)*blockDim.x + threadIdx.x;
    if (e >= n*D) return;
    const int i = int(e % D);
    const double lo = i == 0 ? lo0 : (i == 1 ? lo1 : lo2);
    const double h = i == 0 ? h0 : (i == 1 ? h1 : h2);
    x[e] = R(lo + h*double(x[e]));
}

} // namespace cuda
} // namespace pinn
