#include "pinn/CpuBackend.hpp"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

extern "C" void openblas_set_num_threads(int);

namespace pinn
{

namespace
{

inline void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, float alpha,
    const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc)
{
    cblas_sgemm(CblasColMajor, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

inline void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha,
    const double* A, int lda, const double* B, int ldb, double beta, double* C, int ldc)
{
    cblas_dgemm(CblasColMajor, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

template<class R>
void forwardUnits(Activation act, int D, const R* z, R* a, int w, idx M)
{
    const idx stride = idx(w) * M;
    for (idx p = 0; p < M; ++p)
    {
        for (int j = 0; j < w; ++j)
        {
            const idx o = p * w + j;
            if (D == 2)
                streamForward<R, 2>(act, z + o, a + o, stride);
            else
                streamForward<R, 3>(act, z + o, a + o, stride);
        }
    }
}

//  a: the layer's activations (its value block spares tanh a re-evaluation)
template<class R>
void backwardUnits(Activation act, int D, const R* z, const R* a, R* g, int w, idx M)
{
    const idx stride = idx(w) * M;
    for (idx p = 0; p < M; ++p)
    {
        for (int j = 0; j < w; ++j)
        {
            const idx o = p * w + j;
            const ActivationDerivs<R> d = activationDerivsFromValue(act, z[o], a[o]);
            if (D == 2)
                streamBackward<R, 2>(d, z + o, g + o, stride);
            else
                streamBackward<R, 3>(d, z + o, g + o, stride);
        }
    }
}

} // namespace


template<class Real>
CpuBackend<Real>::CpuBackend(const Problem& problem, const BackendOptions& opts)
    : Backend<Real>(problem), opts_(opts),
      nThreads_(opts.threads > 0 ? opts.threads : omp_get_max_threads()),
      sizes_(problem.net.sizes())
{
    const int D = problem.net.inputDim;
    if (D != 2 && D != 3)
    {
        throw std::invalid_argument("CpuBackend: input dimension must be 2 or 3");
    }
    if (problem.pde.dim != D || problem.pde.nOut != problem.net.nOutputs)
    {
        throw std::invalid_argument("CpuBackend: network and equation dimensions differ");
    }
    if (nThreads_ < 1)
    {
        throw std::invalid_argument("CpuBackend: " + std::to_string(nThreads_) + " threads");
    }
    // Threads run over blocks; each GEMM is single-threaded
    openblas_set_num_threads(1);

    const int S = problem.net.nStreams();
    const idx cols = S * blockSize;
    const int L = problem.net.nLayers();
    const int wMax = problem.net.maxWidth();

    // Everything is allocated here, once: parameters (and their initial
    // values), gradient, Adam's moments, and per thread a gradient and the
    // stream blocks of every layer. More than the machine's memory must be
    // an error here, not an abort in the allocator (OpenFOAM's new handler)
    // or the kernel's out-of-memory killer.
    {
        double widths = 0;
        for (int l = 0; l < L; ++l) widths += 2.0 * sizes_[l + 1];
        const double nP = double(problem.net.nParams());
        const double perThread = nP + (D + widths + 2.0 * wMax) * double(cols);
        const double bytes = sizeof(Real) * (5 * nP + nThreads_ * perThread);
        const double memory = hostMemoryBytes();
        if (memory > 0 && bytes > memory)
        {
            const auto gib = [](const double b) { return std::to_string(std::lround(b / 1073741824.0)); };
            throw std::runtime_error("the CPU backend needs " + gib(bytes) + " GiB for a network of "
                + std::to_string(problem.net.nParams()) + " parameters with " + std::to_string(nThreads_)
                + " threads (a gradient per thread), more than the " + gib(memory)
                + " GiB of this machine (or of ulimit -v): give a smaller network or fewer threads"
                  " (nThreads)");
        }
    }
    ws_.resize(nThreads_);
    for (auto& ws : ws_)
    {
        ws.a0.assign(idx(D) * cols, Real(0));
        ws.z.resize(L);
        ws.a.resize(L);
        for (int l = 0; l < L; ++l)
        {
            ws.z[l].assign(idx(sizes_[l + 1]) * cols, Real(0));
            if (l + 1 < L) ws.a[l].assign(idx(sizes_[l + 1]) * cols, Real(0));
        }
        ws.g.assign(idx(wMax) * cols, Real(0));
        ws.gPrev.assign(idx(wMax) * cols, Real(0));
        ws.grad.assign(problem.net.nParams(), Real(0));
    }
    params_.assign(problem.net.nParams(), Real(0));
    grad_.assign(problem.net.nParams(), Real(0));
    adam_.m.assign(problem.net.nParams(), Real(0));
    adam_.v.assign(problem.net.nParams(), Real(0));
}


template<class Real>
std::string CpuBackend<Real>::name() const
{
    return "cpu (OpenBLAS, " + std::to_string(nThreads_) + " threads, "
        + (sizeof(Real) == 4 ? "float" : "double") + ")";
}


template<class Real>
void CpuBackend<Real>::setTermScales(double pde, const std::vector<double>& bc)
{
    if (idx(bc.size()) != this->problem_.nBoundaryGroups)
    {
        throw std::invalid_argument("CpuBackend: one term scale per boundary group expected");
    }
    scalePde_ = pde;
    scaleBc_ = bc;
    applyTermScales();
}


template<class Real>
void CpuBackend<Real>::applyTermScales()
{
    const idx nI = idx(baseWI_.size());
    for (idx i = 0; i < nI; ++i) interior_.w[i] = Real(double(baseWI_[i]) * scalePde_);
    const idx nB = idx(baseBW_.size());
    for (idx b = 0; b < nB; ++b)
    {
        const double s = scaleBc_.empty() ? 1.0 : scaleBc_[boundary_.group[b]];
        boundary_.w[b] = Real(double(baseBW_[b]) * s);
    }
}


template<class Real>
void CpuBackend<Real>::setInterior(const InteriorSet<Real>& pts)
{
    const int D = this->problem_.net.inputDim;
    if (pts.x.size() % D != 0 || idx(pts.w.size()) != pts.size(D)
        || (!pts.s.empty() && pts.s.size() != pts.w.size()))
    {
        throw std::invalid_argument("CpuBackend: interior set sizes disagree");
    }
    interior_ = pts;
    baseWI_ = pts.w;
    applyTermScales();
}


template<class Real>
void CpuBackend<Real>::setBoundary(const BoundarySet<Real>& pts)
{
    const int D = this->problem_.net.inputDim;
    const idx n = pts.size();
    if (idx(pts.x.size()) != n * D || idx(pts.normal.size()) != n * D || idx(pts.beta.size()) != n
        || idx(pts.g.size()) != n || idx(pts.w.size()) != n || idx(pts.component.size()) != n
        || idx(pts.group.size()) != n)
    {
        throw std::invalid_argument("CpuBackend: boundary set sizes disagree");
    }
    for (idx b = 0; b < n; ++b)
    {
        if (pts.component[b] < 0 || pts.component[b] >= this->problem_.net.nOutputs
            || pts.group[b] < 0 || pts.group[b] >= this->problem_.nBoundaryGroups)
        {
            throw std::invalid_argument("CpuBackend: boundary component or group out of range");
        }
    }
    boundary_ = pts;
    baseBW_ = pts.w;
    applyTermScales();
}


template<class Real>
void CpuBackend<Real>::setParameters(const Real* params)
{
    std::copy(params, params + params_.size(), params_.begin());
}


template<class Real>
void CpuBackend<Real>::getParameters(Real* params)
{
    std::copy(params_.begin(), params_.end(), params);
}


template<class Real>
void CpuBackend<Real>::setAdamState(const AdamState<Real>& s)
{
    if (s.m.size() != params_.size() || s.v.size() != params_.size())
    {
        throw std::invalid_argument("CpuBackend: Adam state size differs from the network's");
    }
    adam_ = s;
}


template<class Real>
AdamState<Real> CpuBackend<Real>::getAdamState()
{
    return adam_;
}


template<class Real>
void CpuBackend<Real>::forward(const Real* params, const Real* x, idx M, Workspace& ws) const
{
    const NetworkSpec& net = this->problem_.net;
    const int D = net.inputDim;
    const int S = net.nStreams();
    const int L = net.nLayers();
    const idx cols = S * M;

    // Input streams: value x, gradient e_i, Laplacian 0
    Real* a0 = ws.a0.data();
    for (idx p = 0; p < M; ++p)
    {
        for (int i = 0; i < D; ++i)
        {
            a0[p * D + i] = x[p * D + i];
            for (int k = 0; k < D; ++k)
            {
                a0[((1 + k) * M + p) * D + i] = (i == k) ? Real(1) : Real(0);
            }
            a0[((D + 1) * M + p) * D + i] = Real(0);
        }
    }

    const Real* in = a0;
    for (int l = 0; l < L; ++l)
    {
        const int nIn = sizes_[l];
        const int nOut = sizes_[l + 1];
        const Real* W = params + net.weightOffset(l);
        const Real* b = params + net.biasOffset(l);
        Real* z = ws.z[l].data();
        gemm(CblasNoTrans, CblasNoTrans, nOut, int(cols), nIn, Real(1), W, nOut, in, nIn, Real(0),
            z, nOut);
        for (idx p = 0; p < M; ++p)
        {
            for (int j = 0; j < nOut; ++j) z[p * nOut + j] += b[j];
        }
        if (l + 1 < L)
        {
            forwardUnits(net.activation, D, z, ws.a[l].data(), nOut, M);
            in = ws.a[l].data();
        }
    }
}


template<class Real>
void CpuBackend<Real>::backward(const Real* params, idx M, Workspace& ws) const
{
    // ws.g holds dL/d(output streams) [nOut x S*M]
    const NetworkSpec& net = this->problem_.net;
    const int D = net.inputDim;
    const int S = net.nStreams();
    const int L = net.nLayers();
    const idx cols = S * M;
    Real* grad = ws.grad.data();

    for (int l = L - 1; l >= 0; --l)
    {
        const int nIn = sizes_[l];
        const int nOut = sizes_[l + 1];
        Real* g = ws.g.data();
        if (l + 1 < L)
        {
            backwardUnits(net.activation, D, ws.z[l].data(), ws.a[l].data(), g, nOut, M);
        }
        const Real* in = (l == 0) ? ws.a0.data() : ws.a[l - 1].data();
        // dW += G A^T
        gemm(CblasNoTrans, CblasTrans, nOut, nIn, int(cols), Real(1), g, nOut, in, nIn, Real(1),
            grad + net.weightOffset(l), nOut);
        Real* gb = grad + net.biasOffset(l);
        for (idx p = 0; p < M; ++p)
        {
            for (int j = 0; j < nOut; ++j) gb[j] += g[p * nOut + j];
        }
        if (l > 0)
        {
            const Real* W = params + net.weightOffset(l);
            gemm(CblasTrans, CblasNoTrans, nIn, int(cols), nOut, Real(1), W, nOut, g, nOut, Real(0),
                ws.gPrev.data(), nIn);
            std::swap(ws.g, ws.gPrev);
        }
    }
}


template<class Real>
void CpuBackend<Real>::interiorBlock(
    const Real* params, idx first, idx M, Workspace& ws, bool wantGrad) const
{
    const PdeSpec& pde = this->problem_.pde;
    const int D = pde.dim;
    const int nOut = pde.nOut;
    const int S = D + 2;
    const Real* x = interior_.x.data() + first * D;
    forward(params, x, M, ws);
    const Real* o = ws.z.back().data();
    const idx sStride = M * nOut;
    Real* go = ws.g.data();
    if (wantGrad) std::fill(go, go + idx(nOut) * S * M, Real(0));
    Real r[8], rbar[8];
    for (idx p = 0; p < M; ++p)
    {
        pdeResidual(pde, x + p * D, o + p * nOut, sStride, r);
        if (!interior_.s.empty()) r[0] += interior_.s[first + p];
        const Real w = interior_.w[first + p];
        for (int e = 0; e < pde.nEq; ++e)
        {
            ws.lossPde[e] += double(w) * double(r[e]) * double(r[e]);
            rbar[e] = Real(2) * w * r[e];
        }
        if (wantGrad) pdeResidualVjp(pde, x + p * D, o + p * nOut, sStride, rbar, go + p * nOut);
    }
    if (wantGrad) backward(params, M, ws);
}


template<class Real>
void CpuBackend<Real>::boundaryBlock(
    const Real* params, idx first, idx M, Workspace& ws, bool wantGrad) const
{
    const int D = this->problem_.net.inputDim;
    const int nOut = this->problem_.net.nOutputs;
    const int S = D + 2;
    const BoundarySet<Real>& bs = boundary_;
    forward(params, bs.x.data() + first * D, M, ws);
    const Real* o = ws.z.back().data();
    const idx sStride = M * nOut;
    Real* go = ws.g.data();
    if (wantGrad) std::fill(go, go + idx(nOut) * S * M, Real(0));
    for (idx p = 0; p < M; ++p)
    {
        const idx b = first + p;
        const Real* n = bs.normal.data() + b * D;
        const Real r = bcResidual(
            D, o + p * nOut, sStride, bs.component[b], n, bs.alpha[b], bs.beta[b], bs.g[b]);
        ws.lossBc[bs.group[b]] += double(bs.w[b]) * double(r) * double(r);
        if (wantGrad)
        {
            bcResidualVjp(D, sStride, bs.component[b], n, bs.alpha[b], bs.beta[b],
                Real(2) * bs.w[b] * r, go + p * nOut);
        }
    }
    if (wantGrad) backward(params, M, ws);
}


template<class Real>
LossTerms CpuBackend<Real>::lossAndGradient(const Real* params, Real* grad)
{
    const int D = this->problem_.net.inputDim;
    const int nEq = this->problem_.pde.nEq;
    const int nGroups = this->problem_.nBoundaryGroups;
    const idx nInt = interior_.size(D);
    const idx nBnd = boundary_.size();
    const idx nbInt = (nInt + blockSize - 1) / blockSize;
    const idx nbBnd = (nBnd + blockSize - 1) / blockSize;
    const bool wantGrad = (grad != nullptr);

    for (auto& ws : ws_)
    {
        if (wantGrad) std::fill(ws.grad.begin(), ws.grad.end(), Real(0));
        ws.lossPde.assign(nEq, 0.0);
        ws.lossBc.assign(nGroups, 0.0);
    }

    // Interior and boundary blocks in one statically scheduled loop
    const idx nBlocks = nbInt + nbBnd;
#pragma omp parallel for schedule(static) num_threads(nThreads_)
    for (idx blk = 0; blk < nBlocks; ++blk)
    {
        Workspace& ws = ws_[omp_get_thread_num()];
        if (blk < nbInt)
        {
            const idx first = blk * blockSize;
            interiorBlock(params, first, std::min(blockSize, nInt - first), ws, wantGrad);
        }
        else
        {
            const idx first = (blk - nbInt) * blockSize;
            boundaryBlock(params, first, std::min(blockSize, nBnd - first), ws, wantGrad);
        }
    }

    LossTerms terms;
    terms.pde.assign(nEq, 0.0);
    terms.bc.assign(nGroups, 0.0);
    const idx nP = this->nParams();
    if (wantGrad) std::fill(grad, grad + nP, Real(0));
    for (const auto& ws : ws_)
    {
        for (int e = 0; e < nEq; ++e) terms.pde[e] += ws.lossPde[e];
        for (int k = 0; k < nGroups; ++k) terms.bc[k] += ws.lossBc[k];
        if (wantGrad)
        {
            for (idx i = 0; i < nP; ++i) grad[i] += ws.grad[i];
        }
    }
    for (double v : terms.pde) terms.total += v;
    for (double v : terms.bc) terms.total += v;

    // Global loss and gradient over the ranks (no-op on one)
    allreduceLossAndGradient(*comm_, terms, grad, nP);
    return terms;
}


template<class Real>
void CpuBackend<Real>::adamSteps(int n, const AdamConfig& cfg)
{
    const idx nP = this->nParams();
    for (int it = 0; it < n; ++it)
    {
        lastLoss_ = lossAndGradient(params_.data(), grad_.data());
        const std::int64_t t = ++adam_.step;
        adamStepHost(params_.data(), adam_.m.data(), adam_.v.data(), grad_.data(), nP, t, cfg);
    }
}


template<class Real>
void CpuBackend<Real>::evaluate(
    const Real* x, idx n, Real* values, Real* residuals, const Real* source)
{
    const PdeSpec& pde = this->problem_.pde;
    const int D = pde.dim;
    const int nOut = pde.nOut;
    const idx nb = (n + blockSize - 1) / blockSize;
#pragma omp parallel for schedule(static) num_threads(nThreads_)
    for (idx blk = 0; blk < nb; ++blk)
    {
        Workspace& ws = ws_[omp_get_thread_num()];
        const idx first = blk * blockSize;
        const idx M = std::min(blockSize, n - first);
        forward(params_.data(), x + first * D, M, ws);
        const Real* o = ws.z.back().data();
        for (idx p = 0; p < M; ++p)
        {
            for (int k = 0; k < nOut; ++k) values[(first + p) * nOut + k] = o[p * nOut + k];
            if (residuals)
            {
                pdeResidual(pde, x + (first + p) * D, o + p * nOut, M * nOut,
                    residuals + (first + p) * pde.nEq);
                if (source) residuals[(first + p) * pde.nEq] += source[first + p];
            }
        }
    }
}


template<class Real>
void CpuBackend<Real>::evaluateStreams(const Real* x, idx n, Real* out)
{
    const int nOut = this->problem_.net.nOutputs;
    const int S = this->problem_.net.nStreams();
    const int D = this->problem_.net.inputDim;
    Workspace& ws = ws_[0];
    for (idx first = 0; first < n; first += blockSize)
    {
        const idx M = std::min(blockSize, n - first);
        forward(params_.data(), x + first * D, M, ws);
        const Real* o = ws.z.back().data();
        for (idx p = 0; p < M; ++p)
        {
            for (int s = 0; s < S; ++s)
            {
                for (int k = 0; k < nOut; ++k)
                {
                    out[((first + p) * S + s) * nOut + k] = o[(s * M + p) * nOut + k];
                }
            }
        }
    }
}


template class CpuBackend<float>;
template class CpuBackend<double>;

} // namespace pinn
