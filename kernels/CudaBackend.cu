/*---------------------------------------------------------------------------*\
  pinnFoam kernels: CudaBackend.cu

  Description
      The CUDA backend.

      Training set on the device: interior points first, then the unique
      boundary points (boundary entries that share a point are grouped, so
      the cavity's u and v conditions cost one pass through the network).
      A pass over the set runs chunk by chunk (at most chunkSize points):

        input streams -> for each hidden layer: fusedForwardKernel (GEMM
        with the bias folded in + the forward stream recurrence, per tile
        of 32 points in shared memory) -> output layer GEMM (cuBLAS) ->
        residual/loss/VJP kernel -> for each layer, top down:
        fusedBackwardKernel (weight gradient G A^T + transposed GEMM +
        backward stream recurrence; persistent blocks, each accumulating
        its own weight-gradient slice: deterministic, no atomics)

      and the weight-gradient slices accumulate over the chunks; the Adam
      kernel sums them (fixed order) and updates. Layers wider than 64
      units (or CudaKernelOptions::fusedLayers false) take the cuBLAS path instead: GEMM +
      elementwise stream kernel per layer, the weight gradient as a
      strided-batched GEMM over fixed slices of the points. The whole training step
      is captured once in a CUDA graph and replayed by adamSteps(n): no
      host synchronisation within or between iterations; loss terms stay
      on the device until lastLoss().

      Memory: one pool (DeviceArena), sized from the point set and the chunk
      size: persistent part (parameters, Adam moments, cuBLAS workspace)
      then the data part (points, chunk workspace), laid out again when
      the point sets change.
\*---------------------------------------------------------------------------*/

#include "CudaBackend.hpp"
#include "pinn/BackendRegistry.hpp"
#include "DeviceArena.cuh"
#include "cudaCheck.cuh"
#include "cudaSampling.cuh"
#include "streamKernels.cuh"

#ifdef PINN_WITH_NCCL
#include <nccl.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <sstream>
#include <tuple>

namespace pinn
{
namespace cuda
{

namespace
{

//- cuBLAS dispatch on the precision
inline cublasStatus_t gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
    int n, int k, float alpha, const float* A, int lda, const float* B, int ldb, float beta,
    float* C, int ldc)
{
    return cublasSgemm(h, ta, tb, m, n, k, &alpha, A, lda, B, ldb, &beta, C, ldc);
}

inline cublasStatus_t gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
    int n, int k, double alpha, const double* A, int lda, const double* B, int ldb, double beta,
    double* C, int ldc)
{
    return cublasDgemm(h, ta, tb, m, n, k, &alpha, A, lda, B, ldb, &beta, C, ldc);
}

inline cublasStatus_t gemmStridedBatched(cublasHandle_t h, cublasOperation_t ta,
    cublasOperation_t tb, int m, int n, int k, float alpha, const float* A, int lda, long long sA,
    const float* B, int ldb, long long sB, float beta, float* C, int ldc, long long sC, int batch)
{
    return cublasSgemmStridedBatched(
        h, ta, tb, m, n, k, &alpha, A, lda, sA, B, ldb, sB, &beta, C, ldc, sC, batch);
}

inline cublasStatus_t gemmStridedBatched(cublasHandle_t h, cublasOperation_t ta,
    cublasOperation_t tb, int m, int n, int k, double alpha, const double* A, int lda, long long sA,
    const double* B, int ldb, long long sB, double beta, double* C, int ldc, long long sC,
    int batch)
{
    return cublasDgemmStridedBatched(
        h, ta, tb, m, n, k, &alpha, A, lda, sA, B, ldb, sB, &beta, C, ldc, sC, batch);
}

inline int gridFor(idx n, int block = blockSize)
{
    const idx g = (n + block - 1) / block;
    return int(std::max<idx>(1, std::min<idx>(g, idx(1) << 30)));
}

//- Sizes counted before the pool is made (same order as the allocations)
struct Planner
{
    std::size_t bytes = 0;
    template<class T>
    T* allocate(std::size_t n, const char*)
    {
        bytes += DeviceArena::alignUp(std::max<std::size_t>(n, 1) * sizeof(T));
        return nullptr;
    }
};

struct Allocator
{
    DeviceArena& arena;
    template<class T>
    T* allocate(std::size_t n, const char* what)
    {
        return arena.allocate<T>(std::max<std::size_t>(n, 1), what);
    }
};

} // namespace


//- Phases of a pass, for the per-phase timing breakdown
enum Phase : int
{
    phaseInput = 0,
    phaseFwdGemm,
    phaseFwdStreams,
    phaseLoss,
    phaseWgradGemm,
    phaseBwdGemm,
    phaseBwdStreams,
    phaseUpdate,
    phaseFusedFwd,
    phaseFusedBwd,
    nPhases
};

static const char* phaseNames[nPhases] = {"input streams", "forward GEMM", "forward streams",
    "residual+loss+VJP", "weight-gradient GEMM", "backward GEMM", "backward streams",
    "gradient sum + Adam", "fused fwd GEMM+streams", "fused bwd GEMM+streams"};


template<class Real>
class CudaBackend : public Backend<Real>
{
public:
    CudaBackend(const Problem& problem, const BackendOptions& opts);
    ~CudaBackend() override;

    std::string name() const override { return name_; }

    void setInterior(const InteriorSet<Real>& pts) override;
    void setBoundary(const BoundarySet<Real>& pts) override;
    void setTermScales(double pde, const std::vector<double>& bc) override;

    bool canDrawInterior() const override { return true; }
    void setCellTable(const sampling::CellTable& table, idx nMax) override;
    idx drawInterior(const sampling::InteriorDraw& d) override;

    void setParameters(const Real* params) override;
    void getParameters(Real* params) override;

    void setAdamState(const AdamState<Real>& s) override;
    AdamState<Real> getAdamState() override;

    LossTerms lossAndGradient(const Real* params, Real* grad) override;
    void adamSteps(int n, const AdamConfig& cfg) override;
    LossTerms lastLoss() override;

    void evaluate(const Real* x, idx n, Real* values, Real* residuals,
        const Real* source = nullptr) override;

    MemoryStats memoryStats() const override;

    //- Data parallelism through NCCL: the gradient and the loss terms are
    //  summed over the ranks on the device, inside the captured step,
    //  before the Adam kernel (false where NCCL is not built in)
    bool setCommunicator(Communicator& comm) override;

    //- cuda::testing::interiorSet: the interior points and weights as the
    //  device holds them
    InteriorSet<Real> deviceInterior()
    {
        prepare();
        InteriorSet<Real> in;
        in.x.resize(nI_ * D_);
        in.w.resize(nI_);
        download(in.x.data(), X_, in.x.size() * sizeof(Real));
        download(in.w.data(), wRaw_, in.w.size() * sizeof(Real));
        if (haveSource_)
        {
            in.s.resize(nI_);
            download(in.s.data(), sI_, in.s.size() * sizeof(Real));
        }
        PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
        return in;
    }

    //- cuda::testing::poisonPoints
    void poisonPoints()
    {
        prepare();
        X_ = reinterpret_cast<Real*>(std::uintptr_t(64));
        graphValid_ = false;
    }

    //- Mean time per phase (ms) of reps eager (not captured) training steps
    std::vector<std::pair<std::string, double>> profile(int reps, const AdamConfig& cfg);

    //- Device time (ms) of each of n training steps (graph replays), from
    //  CUDA events on the backend's stream around each step
    std::vector<double> timeSteps(int n, const AdamConfig& cfg);

private:
    // ---- problem shape
    int D_, S_, nOut_, nEq_, nGroups_, nTerms_;
    std::vector<int> sizes_; // D, hidden..., nOut
    std::vector<int> ld_; // leading dimension of the streams of layer l
    std::vector<idx> wOff_; // offset of [W_l b_l]
    int nW_; // weight layers
    idx nParams_;
    BackendOptions opts_;
    std::string name_;
    int nSm_ = 1;
    //- Hidden layers through fusedForwardKernel/fusedBackwardKernel (widths <= 64) instead of
    //  cuBLAS + elementwise kernels (CudaKernelOptions::fusedLayers)
    bool fused_ = false;
    //- Forward layer kernel variant (0: double-buffered tile, 2 blocks/SM;
    //  1: one tile, 3 blocks/SM; 2: one tile, 4 blocks/SM), its resident
    //  blocks per SM (from the occupancy calculator)
    int fwdVariant_ = 0;
    int fwdBlocksPerSm_ = 2;
    //- Hidden-layer products of the fused kernels on the tensor cores by
    //  3xTF32 (float only; CudaKernelOptions::mma, bits): 1 forward, 2
    //  backward data gradient, 4 weight gradient; 0 = FFMA everywhere; bit
    //  256: the backward's Z prefetch
    int mma_ = 6;
    //- Layer 0's weight gradient folded into layer 1's backward
    bool fold0_ = true;
    //- The last hidden layer, output layer, loss and output backward in one
    //  kernel (fusedHeadKernel; float, FFMA forward, nW >= 3, two blocks per
    //  SM, up to headMaxOut outputs: see the constructor)
    bool head_ = false;
    //- No first-layer kernel: layer 1's forward and backward compute their
    //  input streams A_1 (and Z_1) from the points (firstLayerTile); needs
    //  layer 0's weight gradient folded (the input streams A_0 are then
    //  never read)
    bool first_ = false;

    // ---- CUDA objects
    cudaStream_t stream_ = nullptr;
    cublasHandle_t blas_ = nullptr;
    DeviceArena arena_;
    cudaGraphExec_t graph_ = nullptr;
    bool graphValid_ = false;
    AdamParams graphCfg_{};

    // ---- persistent device buffers
    Real* params_ = nullptr;
    Real* scratch_ = nullptr; // parameters of lossAndGradient
    Real* m_ = nullptr;
    Real* v_ = nullptr;
    Real* grad_ = nullptr;
    std::int64_t* step_ = nullptr;
    double* lossAcc_ = nullptr; // Adam steps
    double* lossEval_ = nullptr; // lossAndGradient
    void* blasWork_ = nullptr;
    std::size_t blasWorkBytes_ = 32u << 20;
    std::size_t persistentMark_ = 0;

    // ---- training set (host copies: the pool may be laid out again)
    std::vector<Real> hostX_; // interior then boundary points, D each
    std::vector<Real> hostWI_;
    std::vector<Real> hostSI_; // per-point sources (haveSource_)
    bool haveSource_ = false;
    idx nI_ = 0, nBp_ = 0;
    std::vector<idx> hostBPtr_;
    std::vector<Real> hostBNormal_, hostBAlpha_, hostBBeta_, hostBG_, hostBW_;
    std::vector<int> hostBComp_, hostBGroup_;
    // ---- loss-term scales (setTermScales) and the scaled weights uploaded
    double scalePde_ = 1;
    std::vector<double> scaleBc_;
    std::vector<Real> scaledWI_, scaledBW_;
    void scaleWeights();
    bool dataDirty_ = true;

    // ---- interior points drawn on the device (drawInterior): the host
    //  copies hostX_ (interior part) and hostWI_ are then not kept; a new
    //  layout of the pool (prepare) first fetches them from the device,
    //  except while a draw is being placed
    DeviceArena tableArena_;
    cuda::DeviceCellTable table_;
    bool interiorOnDevice_ = false;
    bool drawPending_ = false;
    Real* wRaw_ = nullptr; // interior weights before the term scale
    Real* sI_ = nullptr; // interior per-point sources (read where haveSource_)
    Real* evalS_ = nullptr; // sources of evaluation points

    // ---- data part of the pool
    idx mCap_ = 0; // points per chunk the workspace holds
    int nSlices_ = 1; // weight-gradient slices
    Real* X_ = nullptr;
    Real* wI_ = nullptr;
    BoundaryView<Real> bnd_;
    std::vector<Real*> A_; // A_[l], l < nW: input streams of weight layer l
    std::vector<Real*> Z_; // Z_[l], 1 <= l < nW: pre-activation streams
    Real* O_ = nullptr;
    Real* G_[2] = {nullptr, nullptr};
    Real* partial_ = nullptr;
    Real* evalX_ = nullptr;
    Real* evalVal_ = nullptr;
    Real* evalRes_ = nullptr;

    // ---- host staging (pinned) for evaluate
    Real* pinned_ = nullptr;
    std::size_t pinnedCount_ = 0;

    // ---- statistics
    std::size_t h2d_ = 0, d2h_ = 0;
    bool haveLoss_ = false;

    // ---- profiling (eager passes only)
#ifdef PINN_WITH_NCCL
    ncclComm_t nccl_ = nullptr;
#endif
    bool ncclOn_ = false;

    std::vector<cudaEvent_t> events_;
    std::vector<int> eventPhase_;
    bool profiling_ = false;

    // ---- helpers
    template<class Alloc>
    void layoutPersistent(Alloc& a);
    template<class Alloc>
    void layoutData(Alloc& a, idx mCap);

    void prepare(idx evalPoints = 0);

    //- After a kernel launch: its launch error, and with checkKernels the
    //  fault of its execution (the stream is synchronised), named
    void checkLaunch(const char* kernel, int line);

    //- State kept on the host while the pool is laid out again (prepare):
    //  survives a failed reservation, so that the next prepare (e.g. with
    //  fewer points) restores it instead of starting from zeros
    struct SavedState
    {
        bool valid = false;
        std::vector<Real> p, m, v;
        std::int64_t step = 0;
    } saved_;
    void upload(void* dst, const void* src, std::size_t bytes);
    void download(void* dst, const void* src, std::size_t bytes);
    void mark(int phase);

    //- Fused forward through hidden layer (fusedForwardKernel)
    void launchForward(const Real* W, int m, int K, const Real* In, int ldIn, idx M, Real* Zout,
        Real* Out, int ldOut, const Real* X1 = nullptr, const Real* W0 = nullptr,
        double* lossAcc = nullptr, std::int64_t* step = nullptr);

    //- Fused backward through weight layer (fusedBackwardKernel)
    void launchBackward(const Real* W, int m, int n, bool dataGrad, const Real* G, int ldG,
        const Real* A, int ldA, idx M, const Real* Zin, Real* Out, Real* dW, bool accumulate,
        const Real* X0 = nullptr, Real* dW0 = nullptr, const Real* W0 = nullptr);

    //- Whether layer 1's backward takes layer 0's weight gradient along
    //  (X0, dW0 of launchBackward): the kernel does it in its 3xTF32
    //  data-gradient epilogue, used for float with mma bit 2 and m2 >= 16
    //  output rows of layer 1 (foldFirstLayerGradient false keeps the separate launch)
    bool foldLayer0(int m2) const
    {
        return fold0_ && sizeof(Real) == 4 && (mma_ & 2) && m2 >= 16 && m2 <= fusedMaxRows;
    }

    //- Shared memory of the head kernel for a layer of m units and K inputs
    std::size_t headSmem(int K, int m) const
    {
        return D_ == 1 ? fusedHeadSmem<Real, 1>(K, m, nOut_, nTerms_)
            : D_ == 2  ? fusedHeadSmem<Real, 2>(K, m, nOut_, nTerms_)
                       : fusedHeadSmem<Real, 3>(K, m, nOut_, nTerms_);
    }

    //- Forward streams of M points X (device) through parameters P into O_;
    //  lossAcc/step (fused path): zeroed/advanced by the first kernel
    void forward(const Real* P, const Real* X, idx M, double* lossAcc = nullptr,
        std::int64_t* step = nullptr, const HeadArgs<Real>* head = nullptr);
    //- One pass over the training set: loss into loss, gradient slices into
    //  partial_; then Adam (adam != nullptr) or the gradient sum into grad_
    void pass(const Real* P, double* loss, const AdamParams* adam);
    void capture(const AdamParams& cfg);
    LossTerms readLoss(const double* dLoss);
    std::string memoryHint(std::size_t perPoint) const;
};


// * * * * * * * * * * * * * * * Construction  * * * * * * * * * * * * * * * //

template<class Real>
CudaBackend<Real>::CudaBackend(const Problem& problem, const BackendOptions& opts)
    : Backend<Real>(problem), opts_(opts)
{
    const NetworkSpec& net = problem.net;
    D_ = net.inputDim;
    S_ = D_ + 2;
    nOut_ = net.nOutputs;
    nEq_ = problem.pde.nEq;
    nGroups_ = std::max(problem.nBoundaryGroups, 0);
    nTerms_ = nEq_ + nGroups_;
    if (D_ < 1 || D_ > 3)
    {
        throw std::runtime_error("CUDA backend: inputDim must be 1, 2 or 3");
    }
    if (problem.pde.dim != D_ || problem.pde.nOut != nOut_)
    {
        throw std::runtime_error(
            "CUDA backend: the PDE's dimension/outputs do not match the network's");
    }
    if (nOut_ > maxOutputs || nEq_ > maxEquations)
    {
        throw std::runtime_error("CUDA backend: too many outputs or equations");
    }
    if (opts_.chunkSize < 1)
    {
        throw std::runtime_error("CUDA backend: chunkSize must be positive");
    }

    // Layer sizes and the parameter layout (as NetworkSpec lays it out)
    sizes_.push_back(D_);
    for (int h : net.hidden) sizes_.push_back(h);
    sizes_.push_back(nOut_);
    nW_ = int(sizes_.size()) - 1;
    idx off = 0;
    for (int l = 0; l < nW_; ++l)
    {
        wOff_.push_back(off);
        off += idx(sizes_[l + 1]) * (sizes_[l] + 1);
    }
    nParams_ = off;
    if (nParams_ != net.nParams())
    {
        throw std::runtime_error("CUDA backend: parameter layout mismatch");
    }
    for (int l = 0; l < nW_; ++l) ld_.push_back(roundUp4(sizes_[l] + 1));

    int count = 0;
    PINN_CUDA_CHECK(cudaGetDeviceCount(&count));
    if (count > 0 && opts_.deviceId >= count)
    {
        // ranks beyond the GPUs of a node share them round robin
        opts_.deviceId %= count;
    }
    if (opts_.deviceId < 0 || opts_.deviceId >= count)
    {
        throw std::runtime_error("CUDA backend: device " + std::to_string(opts_.deviceId)
            + " does not exist (" + std::to_string(count) + " GPUs)");
    }
    PINN_CUDA_CHECK(cudaSetDevice(opts_.deviceId));
    cudaDeviceProp prop;
    PINN_CUDA_CHECK(cudaGetDeviceProperties(&prop, opts_.deviceId));
    nSm_ = prop.multiProcessorCount;
    name_ = std::string("cuda (") + prop.name + ", " + (sizeof(Real) == 4 ? "fp32" : "fp64") + ")";

    PINN_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    PINN_CUBLAS_CHECK(cublasCreate(&blas_));
    PINN_CUBLAS_CHECK(cublasSetStream(blas_, stream_));
    // fp32 stays fp32: no TF32 tensor-core rounding
    PINN_CUBLAS_CHECK(cublasSetMathMode(blas_, CUBLAS_DEFAULT_MATH));
    PINN_CUBLAS_CHECK(cublasSetPointerMode(blas_, CUBLAS_POINTER_MODE_HOST));

    // Fused layer kernels where every hidden layer fits their 64-unit tile
    const CudaKernelOptions& k = opts_.cuda;
    k.check();
    fused_ = k.fusedLayers;
    for (int l = 0; l + 1 < nW_; ++l)
    {
        if (sizes_[l + 1] > fusedMaxRows || sizes_[l] + 1 > fusedMaxK) fused_ = false;
    }
    if (nOut_ > fusedMaxRows || nW_ < 2) fused_ = false;
    if (fused_)
    {
        auto raise = [](const void* f, std::size_t bytes)
        {
            PINN_CUDA_CHECK(
                cudaFuncSetAttribute(f, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)));
        };
        fwdVariant_ = k.forwardVariant;
        mma_ = sizeof(Real) == 4 ? int(k.mma) : 0;
        // bit 8 of the kernels' mode: L2 prefetch of the backward's Z values
        if (k.prefetchZ) mma_ |= 256;
        fold0_ = k.foldFirstLayerGradient;
        const void* fwd = nullptr;
        std::size_t fwdSmem = 0;
        if (D_ == 1)
        {
            raise((const void*)fusedForwardKernel<Real, 1, 2, 2>,
                fusedForwardSmem<Real, 1>(fusedMaxK));
            raise((const void*)fusedForwardKernel<Real, 1, 1, 3>,
                fusedForwardSmem<Real, 1>(fusedMaxK));
            raise((const void*)fusedForwardKernel<Real, 1, 1, 4>,
                fusedForwardSmem<Real, 1>(fusedMaxK));
            raise((const void*)fusedBackwardKernel<Real, 1>,
                fusedBackwardSmem<Real, 1>(fusedMaxRows, fusedMaxK));
            fwd = fwdVariant_ == 0 ? (const void*)fusedForwardKernel<Real, 1, 2, 2>
                : fwdVariant_ == 1 ? (const void*)fusedForwardKernel<Real, 1, 1, 3>
                                   : (const void*)fusedForwardKernel<Real, 1, 1, 4>;
            fwdSmem = fusedForwardSmem<Real, 1>(fusedMaxK);
        }
        else if (D_ == 2)
        {
            raise((const void*)fusedForwardKernel<Real, 2, 2, 2>,
                fusedForwardSmem<Real, 2>(fusedMaxK));
            raise((const void*)fusedForwardKernel<Real, 2, 1, 3>,
                fusedForwardSmem<Real, 2>(fusedMaxK));
            raise((const void*)fusedForwardKernel<Real, 2, 1, 4>,
                fusedForwardSmem<Real, 2>(fusedMaxK));
            raise((const void*)fusedBackwardKernel<Real, 2>,
                fusedBackwardSmem<Real, 2>(fusedMaxRows, fusedMaxK));
            fwd = fwdVariant_ == 0 ? (const void*)fusedForwardKernel<Real, 2, 2, 2>
                : fwdVariant_ == 1 ? (const void*)fusedForwardKernel<Real, 2, 1, 3>
                                   : (const void*)fusedForwardKernel<Real, 2, 1, 4>;
            fwdSmem = fusedForwardSmem<Real, 2>(fusedMaxK);
        }
        else
        {
            raise((const void*)fusedForwardKernel<Real, 3, 2, 2>,
                fusedForwardSmem<Real, 3>(fusedMaxK));
            raise((const void*)fusedForwardKernel<Real, 3, 1, 3>,
                fusedForwardSmem<Real, 3>(fusedMaxK));
            raise((const void*)fusedForwardKernel<Real, 3, 1, 4>,
                fusedForwardSmem<Real, 3>(fusedMaxK));
            raise((const void*)fusedBackwardKernel<Real, 3>,
                fusedBackwardSmem<Real, 3>(fusedMaxRows, fusedMaxK));
            fwd = fwdVariant_ == 0 ? (const void*)fusedForwardKernel<Real, 3, 2, 2>
                : fwdVariant_ == 1 ? (const void*)fusedForwardKernel<Real, 3, 1, 3>
                                   : (const void*)fusedForwardKernel<Real, 3, 1, 4>;
            fwdSmem = fusedForwardSmem<Real, 3>(fusedMaxK);
        }
        // the single-buffer variants use half of the input-tile space
        if (fwdVariant_ > 0)
        {
            fwdSmem -= std::size_t(S_ * fusedPoints) * tileStride(fusedMaxK) * sizeof(Real);
        }
        int occ = 0;
        PINN_CUDA_CHECK(
            cudaOccupancyMaxActiveBlocksPerMultiprocessor(&occ, fwd, fusedThreads, fwdSmem));
        fwdBlocksPerSm_ = std::max(occ, 1);

        // Up to headMaxOut outputs where two blocks fit per SM: the loss
        // then runs once per tile on one warp
        head_ = k.fusedHead && sizeof(Real) == 4 && fwdVariant_ == 0 && !(mma_ & 1) && nW_ >= 3
            && nOut_ <= headMaxOut;
        if (head_)
        {
            const void* hk = D_ == 1 ? (const void*)fusedHeadKernel<Real, 1>
                : D_ == 2            ? (const void*)fusedHeadKernel<Real, 2>
                                     : (const void*)fusedHeadKernel<Real, 3>;
            const std::size_t hs = headSmem(fusedMaxK, fusedMaxRows);
            raise(hk, hs);
            int hocc = 0;
            PINN_CUDA_CHECK(
                cudaOccupancyMaxActiveBlocksPerMultiprocessor(&hocc, hk, fusedThreads, hs));
            // one block per SM would halve the layer's parallelism: not worth it
            head_ = hocc >= 2;
        }
        first_ = k.firstLayerOnTheFly && fwdVariant_ == 0 && nW_ >= 3 && foldLayer0(sizes_[2]);
    }
    name_ +=
        fused_ ? ((mma_ & 7) ? ", fused layers (3xTF32)" : ", fused layers") : ", cuBLAS layers";
    if (head_) name_ += ", fused head";
    if (first_) name_ += ", first layer on the fly";
    if (opts_.cuda.checkKernels) name_ += ", every kernel checked as it ends (no graphs)";

    try
    {
        prepare();
    }
    catch (...)
    {
        // no destructor runs for a half-made object
        cublasDestroy(blas_);
        cudaStreamDestroy(stream_);
        throw;
    }
}


template<class Real>
CudaBackend<Real>::~CudaBackend()
{
    if (graph_) cudaGraphExecDestroy(graph_);
#ifdef PINN_WITH_NCCL
    if (nccl_) ncclCommDestroy(nccl_);
#endif
    for (cudaEvent_t e : events_) cudaEventDestroy(e);
    if (pinned_) cudaFreeHost(pinned_);
    if (blas_) cublasDestroy(blas_);
    if (stream_) cudaStreamDestroy(stream_);
}


// * * * * * * * * * * * * * * * * Memory  * * * * * * * * * * * * * * * * * //

template<class Real>
template<class Alloc>
void CudaBackend<Real>::layoutPersistent(Alloc& a)
{
    params_ = a.template allocate<Real>(nParams_, "parameters");
    scratch_ = a.template allocate<Real>(nParams_, "scratch parameters");
    m_ = a.template allocate<Real>(nParams_, "Adam m");
    v_ = a.template allocate<Real>(nParams_, "Adam v");
    grad_ = a.template allocate<Real>(nParams_, "gradient");
    step_ = a.template allocate<std::int64_t>(1, "Adam step");
    lossAcc_ = a.template allocate<double>(std::max(nTerms_, 1), "loss terms");
    lossEval_ = a.template allocate<double>(std::max(nTerms_, 1), "loss terms");
    blasWork_ = a.template allocate<char>(blasWorkBytes_, "cuBLAS workspace");
}


template<class Real>
template<class Alloc>
void CudaBackend<Real>::layoutData(Alloc& a, idx mCap)
{
    const idx nTot = nI_ + nBp_;
    const idx nE = idx(hostBAlpha_.size());
    X_ = a.template allocate<Real>(nTot * D_, "points");
    wI_ = a.template allocate<Real>(nI_, "interior weights");
    wRaw_ = a.template allocate<Real>(nI_, "interior weights before scaling");
    sI_ = a.template allocate<Real>(haveSource_ ? nI_ : 0, "interior sources");
    bnd_.ptr = a.template allocate<idx>(nBp_ + 1, "boundary idx");
    bnd_.normal = a.template allocate<Real>(nE * D_, "boundary normals");
    bnd_.alpha = a.template allocate<Real>(nE, "boundary alpha");
    bnd_.beta = a.template allocate<Real>(nE, "boundary beta");
    bnd_.g = a.template allocate<Real>(nE, "boundary g");
    bnd_.w = a.template allocate<Real>(nE, "boundary weights");
    bnd_.component = a.template allocate<int>(nE, "boundary components");
    bnd_.group = a.template allocate<int>(nE, "boundary groups");

    const idx C = idx(S_) * mCap;
    A_.assign(nW_, nullptr);
    Z_.assign(nW_, nullptr);
    int maxLd = nOut_;
    for (int l = 0; l < nW_; ++l)
    {
        A_[l] = a.template allocate<Real>(ld_[l] * C, "activation streams");
        if (l > 0)
        {
            Z_[l] = a.template allocate<Real>(ld_[l] * C, "pre-activation streams");
            maxLd = std::max(maxLd, ld_[l]);
        }
    }
    O_ = a.template allocate<Real>(nOut_ * C, "output streams");
    G_[0] = a.template allocate<Real>(maxLd * C, "stream gradients");
    G_[1] = a.template allocate<Real>(maxLd * C, "stream gradients");

    // Weight-gradient slices: enough to fill the GPU for the largest chunk
    // (fused: one slice per persistent backward block, two blocks per SM)
    const idx slices = fused_
        ? std::max<idx>(1, std::min<idx>((mCap + fusedPoints - 1) / fusedPoints, 2 * nSm_))
        : std::max<idx>(1, std::min<idx>(C / 2048, 2 * nSm_));
    nSlices_ = int(slices);
    partial_ = a.template allocate<Real>(slices * nParams_, "weight-gradient slices");

    evalX_ = a.template allocate<Real>(mCap * D_, "evaluation points");
    evalVal_ = a.template allocate<Real>(mCap * nOut_, "evaluation values");
    evalRes_ = a.template allocate<Real>(mCap * nEq_, "evaluation residuals");
    evalS_ = a.template allocate<Real>(mCap, "evaluation sources");
}


template<class Real>
std::string CudaBackend<Real>::memoryHint(std::size_t perPoint) const
{
    std::ostringstream os;
    os << "Lower `chunkSize` in constant/pinnProperties (now " << opts_.chunkSize
       << " points per pass; the workspace takes about " << perPoint
       << " bytes per point of a chunk), or use fewer collocation points (" << (nI_ + nBp_)
       << " on the device now).";
    return os.str();
}


template<class Real>
void CudaBackend<Real>::prepare(idx evalPoints)
{
    const idx nTot = nI_ + nBp_;
    const idx want = std::min<idx>(opts_.chunkSize, std::max<idx>({nTot, evalPoints, idx(1)}));
    if (arena_.valid() && !dataDirty_ && want <= mCap_) return;
    const idx mCap = std::max(want, mCap_);

    if (interiorOnDevice_ && !drawPending_ && arena_.valid())
    {
        // The pool is laid out again: the device's interior comes back to
        // the host first (the only time points drawn on the device do),
        // while X_, wRaw_ and sI_ still point at it (the planners below
        // overwrite the data pointers)
        download(hostX_.data(), X_, nI_ * D_ * sizeof(Real));
        download(hostWI_.data(), wRaw_, nI_ * sizeof(Real));
        if (haveSource_) download(hostSI_.data(), sI_, nI_ * sizeof(Real));
        PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
        interiorOnDevice_ = false;
    }

    // Count the bytes (the planners set the buffer pointers to null: the
    // persistent ones are kept, the data ones are laid out again below)
    const auto kept =
        std::make_tuple(params_, scratch_, m_, v_, grad_, step_, lossAcc_, lossEval_, blasWork_);
    Planner persistent;
    layoutPersistent(persistent);
    Planner data;
    layoutData(data, mCap);
    Planner onePoint;
    layoutData(onePoint, 1);
    std::tie(params_, scratch_, m_, v_, grad_, step_, lossAcc_, lossEval_, blasWork_) = kept;
    const std::size_t need = persistent.bytes + data.bytes;

    if (graph_)
    {
        PINN_CUDA_CHECK(cudaGraphExecDestroy(graph_));
        graph_ = nullptr;
    }
    graphValid_ = false;

    if (!arena_.valid() || need > arena_.poolBytes())
    {
        // New pool: keep the parameters and optimiser state across it, on
        // the host until the new pool holds them (saved_ outlives a failed
        // reservation: the next prepare restores it)
        if (arena_.valid())
        {
            saved_.p.resize(nParams_);
            saved_.m.resize(nParams_);
            saved_.v.resize(nParams_);
            download(saved_.p.data(), params_, nParams_ * sizeof(Real));
            download(saved_.m.data(), m_, nParams_ * sizeof(Real));
            download(saved_.v.data(), v_, nParams_ * sizeof(Real));
            download(&saved_.step, step_, sizeof(saved_.step));
            PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
            saved_.valid = true;
            arena_.release();
        }
        std::size_t freeB = 0, totalB = 0;
        PINN_CUDA_CHECK(cudaMemGetInfo(&freeB, &totalB));
        const std::size_t maxBytes = std::size_t(opts_.memoryFraction * double(freeB));
        const std::size_t perPoint =
            (data.bytes - onePoint.bytes) / std::size_t(std::max<idx>(mCap - 1, 1));
        arena_.reserve(need, maxBytes, memoryHint(perPoint));

        Allocator alloc{arena_};
        layoutPersistent(alloc);
        persistentMark_ = arena_.mark();
        PINN_CUBLAS_CHECK(cublasSetWorkspace(blas_, blasWork_, blasWorkBytes_));
        PINN_CUDA_CHECK(
            cudaMemsetAsync(lossAcc_, 0, std::max(nTerms_, 1) * sizeof(double), stream_));
        if (saved_.valid)
        {
            upload(params_, saved_.p.data(), nParams_ * sizeof(Real));
            upload(m_, saved_.m.data(), nParams_ * sizeof(Real));
            upload(v_, saved_.v.data(), nParams_ * sizeof(Real));
            upload(step_, &saved_.step, sizeof(saved_.step));
            PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
            saved_ = SavedState();
        }
        else
        {
            PINN_CUDA_CHECK(cudaMemsetAsync(params_, 0, nParams_ * sizeof(Real), stream_));
            PINN_CUDA_CHECK(cudaMemsetAsync(m_, 0, nParams_ * sizeof(Real), stream_));
            PINN_CUDA_CHECK(cudaMemsetAsync(v_, 0, nParams_ * sizeof(Real), stream_));
            PINN_CUDA_CHECK(cudaMemsetAsync(step_, 0, sizeof(std::int64_t), stream_));
        }
    }
    else
    {
        arena_.rewind(persistentMark_);
    }

    Allocator alloc{arena_};
    layoutData(alloc, mCap);
    mCap_ = mCap;

    const idx nE = idx(hostBAlpha_.size());
    if (drawPending_)
    {
        // the interior is placed on the device (drawInterior): the
        // boundary points only
        upload(X_ + nI_ * D_, hostX_.data() + nI_ * D_, nBp_ * D_ * sizeof(Real));
        scaleWeights();
    }
    else
    {
        upload(X_, hostX_.data(), hostX_.size() * sizeof(Real));
        scaleWeights();
        upload(wI_, scaledWI_.data(), scaledWI_.size() * sizeof(Real));
        upload(wRaw_, hostWI_.data(), hostWI_.size() * sizeof(Real));
        if (haveSource_) upload(sI_, hostSI_.data(), hostSI_.size() * sizeof(Real));
    }
    upload(const_cast<idx*>(bnd_.ptr), hostBPtr_.data(), hostBPtr_.size() * sizeof(idx));
    upload(const_cast<Real*>(bnd_.normal), hostBNormal_.data(), nE * D_ * sizeof(Real));
    upload(const_cast<Real*>(bnd_.alpha), hostBAlpha_.data(), nE * sizeof(Real));
    upload(const_cast<Real*>(bnd_.beta), hostBBeta_.data(), nE * sizeof(Real));
    upload(const_cast<Real*>(bnd_.g), hostBG_.data(), nE * sizeof(Real));
    upload(const_cast<Real*>(bnd_.w), scaledBW_.data(), nE * sizeof(Real));
    upload(const_cast<int*>(bnd_.component), hostBComp_.data(), nE * sizeof(int));
    upload(const_cast<int*>(bnd_.group), hostBGroup_.data(), nE * sizeof(int));
    PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    dataDirty_ = false;
}


template<class Real>
void CudaBackend<Real>::checkLaunch(const char* kernel, int line)
{
    cudaError_t err = cudaGetLastError();
    if (err == cudaSuccess && opts_.cuda.checkKernels)
    {
        err = cudaStreamSynchronize(stream_);
    }
    if (err != cudaSuccess)
    {
        cudaGetLastError();
        std::string detail = cudaGetErrorString(err);
        if (cuda::deviceFault(err))
        {
            detail += opts_.cuda.checkKernels
                ? "\n    A kernel faulted on the GPU: the CUDA context is lost and this run"
                  " cannot go on.\n    Every visible time directory holds a complete"
                  " checkpoint; restart from the last one\n    with 'startFrom latestTime;'."
                  " Please report the kernel and the case."
                : cuda::faultAdvice();
        }
        cuda::throwError(
            (std::string("kernel ") + kernel + (opts_.cuda.checkKernels ? " (checked as it ended)" : ""))
                .c_str(),
            detail, __FILE__, line);
    }
}


template<class Real>
void CudaBackend<Real>::upload(void* dst, const void* src, std::size_t bytes)
{
    if (!bytes) return;
    PINN_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream_));
    h2d_ += bytes;
}


template<class Real>
void CudaBackend<Real>::download(void* dst, const void* src, std::size_t bytes)
{
    if (!bytes) return;
    PINN_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream_));
    d2h_ += bytes;
}


template<class Real>
MemoryStats CudaBackend<Real>::memoryStats() const
{
    MemoryStats s;
    s.poolBytes = arena_.poolBytes();
    s.inUse = arena_.inUse();
    s.peak = arena_.peak();
    s.allocations = arena_.allocations();
    s.hostToDevice = h2d_;
    s.deviceToHost = d2h_;
    return s;
}


// * * * * * * * * * * * * * * * Point sets * * * * * * * * * * * * * * * * //

template<class Real>
void CudaBackend<Real>::scaleWeights()
{
    scaledWI_.resize(hostWI_.size());
    for (std::size_t i = 0; i < hostWI_.size(); ++i)
    {
        scaledWI_[i] = Real(double(hostWI_[i]) * scalePde_);
    }
    scaledBW_.resize(hostBW_.size());
    for (std::size_t k = 0; k < hostBW_.size(); ++k)
    {
        const double sc = scaleBc_.empty() ? 1.0 : scaleBc_[hostBGroup_[k]];
        scaledBW_[k] = Real(double(hostBW_[k]) * sc);
    }
}


template<class Real>
void CudaBackend<Real>::setTermScales(double pde, const std::vector<double>& bc)
{
    if (int(bc.size()) != nGroups_)
    {
        throw std::invalid_argument("CUDA backend: one term scale per boundary group expected");
    }
    scalePde_ = pde;
    scaleBc_ = bc;
    if (arena_.valid() && !dataDirty_)
    {
        // The buffers keep their addresses: the captured step stays valid
        scaleWeights();
        if (interiorOnDevice_)
        {
            cuda::scaleWeights<Real>(wRaw_, wI_, nI_, scalePde_, stream_);
        }
        else
        {
            upload(wI_, scaledWI_.data(), scaledWI_.size() * sizeof(Real));
        }
        upload(const_cast<Real*>(bnd_.w), scaledBW_.data(), scaledBW_.size() * sizeof(Real));
        PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    }
}


template<class Real>
void CudaBackend<Real>::setInterior(const InteriorSet<Real>& pts)
{
    const idx n = pts.size(D_);
    if (idx(pts.x.size()) != n * D_ || idx(pts.w.size()) != n)
    {
        throw std::runtime_error("CUDA backend: interior set needs n*D coordinates and n weights");
    }
    std::vector<Real> bx(hostX_.begin() + nI_ * D_, hostX_.end());
    hostX_.assign(pts.x.begin(), pts.x.end());
    hostX_.insert(hostX_.end(), bx.begin(), bx.end());
    if (!pts.s.empty() && idx(pts.s.size()) != n)
    {
        throw std::runtime_error("CUDA backend: interior set needs n sources or none");
    }
    hostWI_ = pts.w;
    hostSI_ = pts.s;
    haveSource_ = !pts.s.empty();
    nI_ = n;
    interiorOnDevice_ = false;
    dataDirty_ = true;
}


template<class Real>
void CudaBackend<Real>::setBoundary(const BoundarySet<Real>& pts)
{
    const idx nE = pts.size();
    auto bad = [&](std::size_t sz, idx want) { return idx(sz) != want; };
    if (bad(pts.x.size(), nE * D_) || bad(pts.normal.size(), nE * D_) || bad(pts.beta.size(), nE)
        || bad(pts.g.size(), nE) || bad(pts.w.size(), nE) || bad(pts.component.size(), nE)
        || bad(pts.group.size(), nE))
    {
        throw std::runtime_error("CUDA backend: boundary set arrays differ in length");
    }
    for (idx q = 0; q < nE; ++q)
    {
        if (pts.component[q] < 0 || pts.component[q] >= nOut_)
        {
            throw std::runtime_error("CUDA backend: boundary component out of range");
        }
        if (pts.group[q] < 0 || pts.group[q] >= nGroups_)
        {
            throw std::runtime_error("CUDA backend: boundary group out of range");
        }
    }

    // Group entries by point (bitwise-equal coordinates): sort by x, then
    // by entry, so the order is deterministic
    std::vector<idx> order(nE);
    std::iota(order.begin(), order.end(), idx(0));
    const Real* x = pts.x.data();
    const int D = D_;
    std::stable_sort(order.begin(), order.end(),
        [x, D](idx a, idx b)
        {
            for (int i = 0; i < D; ++i)
            {
                if (x[a * D + i] < x[b * D + i]) return true;
                if (x[b * D + i] < x[a * D + i]) return false;
            }
            return false;
        });
    std::vector<Real> px;
    hostBPtr_.assign(1, 0);
    hostBNormal_.resize(nE * D_);
    hostBAlpha_.resize(nE);
    hostBBeta_.resize(nE);
    hostBG_.resize(nE);
    hostBW_.resize(nE);
    hostBComp_.resize(nE);
    hostBGroup_.resize(nE);
    for (idx k = 0; k < nE; ++k)
    {
        const idx q = order[k];
        const bool newPoint =
            k == 0 || std::memcmp(x + q * D_, x + order[k - 1] * D_, D_ * sizeof(Real)) != 0;
        if (newPoint)
        {
            if (k > 0) hostBPtr_.push_back(k);
            px.insert(px.end(), x + q * D_, x + (q + 1) * D_);
        }
        for (int i = 0; i < D_; ++i) hostBNormal_[k * D_ + i] = pts.normal[q * D_ + i];
        hostBAlpha_[k] = pts.alpha[q];
        hostBBeta_[k] = pts.beta[q];
        hostBG_[k] = pts.g[q];
        hostBW_[k] = pts.w[q];
        hostBComp_[k] = pts.component[q];
        hostBGroup_[k] = pts.group[q];
    }
    if (nE > 0) hostBPtr_.push_back(nE);
    nBp_ = idx(hostBPtr_.size()) - 1;

    hostX_.resize(nI_ * D_);
    hostX_.insert(hostX_.end(), px.begin(), px.end());
    dataDirty_ = true;
}


template<class Real>
void CudaBackend<Real>::setCellTable(const sampling::CellTable& table, idx nMax)
{
    PINN_CUDA_CHECK(cudaSetDevice(opts_.deviceId));
    if (table.dim != D_)
    {
        throw std::invalid_argument("CUDA backend: the cell table's dimension is not the network's");
    }
    table_ = cuda::DeviceCellTable();
    tableArena_.release();
    cuda::uploadCellTable(table, nMax, tableArena_, table_, stream_);
    h2d_ += table_.h2d;
    table_.h2d = 0;
}


template<class Real>
idx CudaBackend<Real>::drawInterior(const sampling::InteriorDraw& d)
{
    const idx count = cuda::countDraw(table_, d, stream_);
    h2d_ += table_.h2d;
    d2h_ += table_.d2h;
    table_.h2d = table_.d2h = 0;

    // The interior becomes the count points drawn here; its host copies
    // keep their sizes only (the pool's layout follows the sizes)
    std::vector<Real> bx(hostX_.begin() + nI_ * D_, hostX_.end());
    hostX_.assign(std::size_t(count * D_), Real(0));
    hostX_.insert(hostX_.end(), bx.begin(), bx.end());
    hostWI_.assign(std::size_t(count), Real(0));
    haveSource_ = !d.source.empty();
    hostSI_.assign(haveSource_ ? std::size_t(count) : 0, Real(0));
    nI_ = count;
    interiorOnDevice_ = true;
    drawPending_ = true;
    dataDirty_ = true;
    try
    {
        prepare();
    }
    catch (...)
    {
        drawPending_ = false;
        interiorOnDevice_ = false; // the host copies are no points: a new draw is needed
        throw;
    }
    drawPending_ = false;
    cuda::placeDraw<Real>(table_, d, X_, wRaw_, wI_, haveSource_ ? sI_ : nullptr, scalePde_, stream_);
    PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    return count;
}


// * * * * * * * * * * * * * * * Parameters * * * * * * * * * * * * * * * * //

template<class Real>
void CudaBackend<Real>::setParameters(const Real* params)
{
    prepare();
    upload(params_, params, nParams_ * sizeof(Real));
    PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
}


template<class Real>
void CudaBackend<Real>::getParameters(Real* params)
{
    if (!arena_.valid())
    {
        // no pool (a reservation failed): the state kept on the host
        for (idx i = 0; i < nParams_; ++i) params[i] = saved_.valid ? saved_.p[i] : Real(0);
        return;
    }
    download(params, params_, nParams_ * sizeof(Real));
    PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
}


template<class Real>
void CudaBackend<Real>::setAdamState(const AdamState<Real>& s)
{
    prepare();
    const std::vector<Real> zero(nParams_, Real(0));
    const auto& m = s.m.empty() ? zero : s.m;
    const auto& v = s.v.empty() ? zero : s.v;
    if (idx(m.size()) != nParams_ || idx(v.size()) != nParams_)
    {
        throw std::runtime_error("CUDA backend: Adam state of the wrong size");
    }
    upload(m_, m.data(), nParams_ * sizeof(Real));
    upload(v_, v.data(), nParams_ * sizeof(Real));
    upload(step_, &s.step, sizeof(std::int64_t));
    PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
}


template<class Real>
AdamState<Real> CudaBackend<Real>::getAdamState()
{
    AdamState<Real> s;
    s.m.resize(nParams_);
    s.v.resize(nParams_);
    if (!arena_.valid())
    {
        if (saved_.valid)
        {
            s.m = saved_.m;
            s.v = saved_.v;
            s.step = saved_.step;
        }
        return s;
    }
    download(s.m.data(), m_, nParams_ * sizeof(Real));
    download(s.v.data(), v_, nParams_ * sizeof(Real));
    download(&s.step, step_, sizeof(std::int64_t));
    PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    return s;
}


// * * * * * * * * * * * * * * * * The pass  * * * * * * * * * * * * * * * * //

template<class Real>
void CudaBackend<Real>::mark(int phase)
{
    if (!profiling_) return;
    cudaEvent_t e;
    PINN_CUDA_CHECK(cudaEventCreate(&e));
    PINN_CUDA_CHECK(cudaEventRecord(e, stream_));
    events_.push_back(e);
    eventPhase_.push_back(phase);
}


template<class Real>
void CudaBackend<Real>::launchForward(const Real* W, int m, int K, const Real* In, int ldIn, idx M,
    Real* Zout, Real* Out, int ldOut, const Real* X1, const Real* W0, double* lossAcc,
    std::int64_t* step)
{
    const Activation act = this->problem_.net.activation;
    const idx tiles = (M + fusedPoints - 1) / fusedPoints;
    const int grid = int(std::max<idx>(1, std::min<idx>(tiles, idx(fwdBlocksPerSm_) * nSm_)));
    const std::size_t tileBytes = std::size_t(S_ * fusedPoints) * tileStride(K) * sizeof(Real);
#define PINN_FWD_LAUNCH(DD)                                                                        \
    {                                                                                              \
        const std::size_t smem = fusedForwardSmem<Real, DD>(K);                                    \
        if (fwdVariant_ == 0)                                                                      \
            fusedForwardKernel<Real, DD, 2, 2><<<grid, fusedThreads, smem, stream_>>>(act, W, m,   \
                K, In, ldIn, M, Zout, Out, ldOut, mma_, X1, W0, lossAcc, nTerms_, step);           \
        else if (fwdVariant_ == 1)                                                                 \
            fusedForwardKernel<Real, DD, 1, 3>                                                     \
                <<<grid, fusedThreads, smem - tileBytes, stream_>>>(act, W, m, K, In, ldIn, M,     \
                    Zout, Out, ldOut, mma_, X1, W0, lossAcc, nTerms_, step);                       \
        else                                                                                       \
            fusedForwardKernel<Real, DD, 1, 4>                                                     \
                <<<grid, fusedThreads, smem - tileBytes, stream_>>>(act, W, m, K, In, ldIn, M,     \
                    Zout, Out, ldOut, mma_, X1, W0, lossAcc, nTerms_, step);                       \
    }
    if (D_ == 1)
        PINN_FWD_LAUNCH(1)
    else if (D_ == 2)
        PINN_FWD_LAUNCH(2)
    else
        PINN_FWD_LAUNCH(3)
#undef PINN_FWD_LAUNCH
    checkLaunch("fusedForwardKernel", __LINE__);
}


template<class Real>
void CudaBackend<Real>::launchBackward(const Real* W, int m, int n, bool dataGrad, const Real* G,
    int ldG, const Real* A, int ldA, idx M, const Real* Zin, Real* Out, Real* dW, bool accumulate,
    const Real* X0, Real* dW0, const Real* W0)
{
    const Activation act = this->problem_.net.activation;
    const idx tiles = (M + fusedPoints - 1) / fusedPoints;
    const int grid = int(std::max<idx>(1, std::min<idx>(tiles, nSlices_)));
    if (D_ == 1)
    {
        fusedBackwardKernel<Real, 1>
            <<<grid, fusedThreads, fusedBackwardSmem<Real, 1>(m, n + 1), stream_>>>(act, W, m, n,
                dataGrad, G, ldG, A, ldA, M, Zin, Out, dW, nParams_, accumulate, mma_, X0, dW0, W0);
    }
    else if (D_ == 2)
    {
        fusedBackwardKernel<Real, 2>
            <<<grid, fusedThreads, fusedBackwardSmem<Real, 2>(m, n + 1), stream_>>>(act, W, m, n,
                dataGrad, G, ldG, A, ldA, M, Zin, Out, dW, nParams_, accumulate, mma_, X0, dW0, W0);
    }
    else
    {
        fusedBackwardKernel<Real, 3>
            <<<grid, fusedThreads, fusedBackwardSmem<Real, 3>(m, n + 1), stream_>>>(act, W, m, n,
                dataGrad, G, ldG, A, ldA, M, Zin, Out, dW, nParams_, accumulate, mma_, X0, dW0, W0);
    }
    checkLaunch("fusedBackwardKernel", __LINE__);
}


template<class Real>
void CudaBackend<Real>::forward(const Real* P, const Real* X, idx M, double* lossAcc,
    std::int64_t* step, const HeadArgs<Real>* head)
{
    const idx C = idx(S_) * M;
    const Activation act = this->problem_.net.activation;
    // no first-layer kernel (layer 1 computes its input from the points):
    // the pass's start (loss zeroed, step advanced) by layer 1's forward
    // kernel, or by a node of its own where layer 1 is the head (which adds
    // to the loss itself)
    const bool beginInLayer1 = first_ && !(head && nW_ - 2 == 1);
    if (first_)
    {
        if (lossAcc && !beginInLayer1)
        {
            beginPassKernel<<<1, 32, 0, stream_>>>(lossAcc, nTerms_, step);
            checkLaunch("beginPassKernel", __LINE__);
        }
        mark(phaseFusedFwd);
    }
    else if (fused_)
    {
        // first layer from the points directly (input streams written too)
        const int m = sizes_[1];
        const int ldOut = ld_[1];
        const int grid = gridFor(M * (ldOut / 4));
        if (D_ == 1)
            firstLayerKernel<Real, 1><<<grid, blockSize, 0, stream_>>>(
                act, P + wOff_[0], m, X, M, A_[0], Z_[1], A_[1], ldOut, lossAcc, nTerms_, step);
        else if (D_ == 2)
            firstLayerKernel<Real, 2><<<grid, blockSize, 0, stream_>>>(
                act, P + wOff_[0], m, X, M, A_[0], Z_[1], A_[1], ldOut, lossAcc, nTerms_, step);
        else
            firstLayerKernel<Real, 3><<<grid, blockSize, 0, stream_>>>(
                act, P + wOff_[0], m, X, M, A_[0], Z_[1], A_[1], ldOut, lossAcc, nTerms_, step);
        checkLaunch("firstLayerKernel", __LINE__);
        mark(phaseFusedFwd);
    }
    else if (D_ == 1)
        inputStreamsKernel<Real, 1><<<gridFor(M), blockSize, 0, stream_>>>(X, M, ld_[0], A_[0]);
    else if (D_ == 2)
        inputStreamsKernel<Real, 2><<<gridFor(M), blockSize, 0, stream_>>>(X, M, ld_[0], A_[0]);
    else
        inputStreamsKernel<Real, 3><<<gridFor(M), blockSize, 0, stream_>>>(X, M, ld_[0], A_[0]);
    checkLaunch("inputStreamsKernel", __LINE__);
    mark(phaseInput);

    for (int l = fused_ ? 1 : 0; l < nW_; ++l)
    {
        const bool last = l == nW_ - 1;
        // layer 1 without the first-layer kernel: input from the points
        const Real* X1 = first_ && l == 1 ? X : nullptr;
        const Real* W0 = first_ && l == 1 ? P + wOff_[0] : nullptr;
        if (head && l == nW_ - 2)
        {
            // last hidden layer + output layer + loss + their backward:
            // dL/dZ_{l+1} into G_[0]; nothing left for the output layer
            const int m = sizes_[l + 1];
            const int K = sizes_[l] + 1;
            const idx tiles = (M + fusedPoints - 1) / fusedPoints;
            const int grid = int(std::max<idx>(1, std::min<idx>(tiles, nSlices_)));
            const std::size_t smem = headSmem(K, m);
            if (D_ == 1)
                fusedHeadKernel<Real, 1><<<grid, fusedThreads, smem, stream_>>>(
                    act, P + wOff_[l], m, K, A_[l], ld_[l], M, G_[0], ld_[l + 1], *head, X1, W0);
            else if (D_ == 2)
                fusedHeadKernel<Real, 2><<<grid, fusedThreads, smem, stream_>>>(
                    act, P + wOff_[l], m, K, A_[l], ld_[l], M, G_[0], ld_[l + 1], *head, X1, W0);
            else
                fusedHeadKernel<Real, 3><<<grid, fusedThreads, smem, stream_>>>(
                    act, P + wOff_[l], m, K, A_[l], ld_[l], M, G_[0], ld_[l + 1], *head, X1, W0);
            checkLaunch("fusedHeadKernel", __LINE__);
            mark(phaseFusedFwd);
            break;
        }
        if (fused_ && !last)
        {
            launchForward(P + wOff_[l], sizes_[l + 1], sizes_[l] + 1, A_[l], ld_[l], M, Z_[l + 1],
                A_[l + 1], ld_[l + 1], X1, W0, beginInLayer1 && l == 1 ? lossAcc : nullptr,
                beginInLayer1 && l == 1 ? step : nullptr);
            mark(phaseFusedFwd);
            continue;
        }
        Real* out = last ? O_ : Z_[l + 1];
        const int ldOut = last ? nOut_ : ld_[l + 1];
        PINN_CUBLAS_CHECK(
            gemm(blas_, CUBLAS_OP_N, CUBLAS_OP_N, sizes_[l + 1], int(C), sizes_[l] + 1, Real(1),
                P + wOff_[l], sizes_[l + 1], A_[l], ld_[l], Real(0), out, ldOut));
        mark(phaseFwdGemm);
        if (!last)
        {
            const int n = sizes_[l + 1];
            const int ld = ld_[l + 1];
            const int grid = gridFor(idx(ld) * M);
            if (D_ == 1)
                forwardStreamsKernel<Real, 1>
                    <<<grid, blockSize, 0, stream_>>>(act, out, A_[l + 1], n, ld, M);
            else if (D_ == 2)
                forwardStreamsKernel<Real, 2>
                    <<<grid, blockSize, 0, stream_>>>(act, out, A_[l + 1], n, ld, M);
            else
                forwardStreamsKernel<Real, 3>
                    <<<grid, blockSize, 0, stream_>>>(act, out, A_[l + 1], n, ld, M);
            checkLaunch("forwardStreamsKernel", __LINE__);
            mark(phaseFwdStreams);
        }
    }
}


template<class Real>
void CudaBackend<Real>::pass(const Real* P, double* loss, const AdamParams* adam)
{
    const PdeSpec pde = this->problem_.pde;
    const Activation act = this->problem_.net.activation;
    const idx nTot = nI_ + nBp_;

    // Fused path: the first chunk's first kernel zeroes the loss and
    // advances the step, its backward kernels overwrite their weight-gradient
    // slices (all slices that the sum reads: the first chunk is the largest)
    const bool fusedStart = fused_ && nTot > 0;
    int nPartial = nSlices_;
    if (fusedStart)
    {
        const idx tiles = (std::min(mCap_, nTot) + fusedPoints - 1) / fusedPoints;
        nPartial = int(std::min<idx>(nSlices_, tiles));
    }
    else
    {
        beginPassKernel<<<1, 32, 0, stream_>>>(loss, nTerms_, adam ? step_ : nullptr);
        checkLaunch("beginPassKernel", __LINE__);
        PINN_CUDA_CHECK(
            cudaMemsetAsync(partial_, 0, std::size_t(nSlices_) * nParams_ * sizeof(Real), stream_));
    }
    mark(phaseUpdate);

    for (idx start = 0; start < nTot; start += mCap_)
    {
        const idx M = std::min(mCap_, nTot - start);
        const int C = int(idx(S_) * M);
        const bool first = start == 0;
        // The head kernel (head_) does the forward, the loss and the backward
        // through the output layer: the backward goes on from layer nW-2
        // with dL/dZ_{nW-1} in G_[0]. Otherwise: forward, loss kernel, and
        // the backward from the output layer with dL/dO in G_[1].
        HeadArgs<Real> h;
        if (head_)
        {
            h.Wo = P + wOff_[nW_ - 1];
            h.pde = pde;
            h.start = start;
            h.nInterior = nI_;
            h.X = X_;
            h.wI = wI_;
            h.sI = haveSource_ ? sI_ : nullptr;
            h.bnd = bnd_;
            h.nGroups = nGroups_;
            h.lossAcc = loss;
            h.dWo = partial_ + wOff_[nW_ - 1];
            h.sliceStride = nParams_;
            h.accumulate = !first;
        }
        forward(P, X_ + start * D_, M, fusedStart && first ? loss : nullptr,
            fusedStart && first && adam ? step_ : nullptr, head_ ? &h : nullptr);

        // Residuals, loss, dL/dO (into G_[1]: free until layer nW-2's backward)
        Real* GO = G_[1];
        if (!head_)
        {
            const std::size_t shm = std::max(nTerms_, 1) * sizeof(double);
            // one thread per point, small blocks: many blocks even at 10K points
            const int lossBlock = 64;
            const unsigned lossGrid = unsigned((M + lossBlock - 1) / lossBlock);
            if (D_ == 1)
                lossKernel<Real, 1><<<lossGrid, lossBlock, shm, stream_>>>(
                    pde, O_, M, start, nI_, X_, wI_, haveSource_ ? sI_ : nullptr, bnd_, nGroups_, GO, loss);
            else if (D_ == 2)
                lossKernel<Real, 2><<<lossGrid, lossBlock, shm, stream_>>>(
                    pde, O_, M, start, nI_, X_, wI_, haveSource_ ? sI_ : nullptr, bnd_, nGroups_, GO, loss);
            else
                lossKernel<Real, 3><<<lossGrid, lossBlock, shm, stream_>>>(
                    pde, O_, M, start, nI_, X_, wI_, haveSource_ ? sI_ : nullptr, bnd_, nGroups_, GO, loss);
            checkLaunch("lossKernel", __LINE__);
        }
        mark(phaseLoss);

        const Real* g = head_ ? G_[0] : GO;
        int ldg = head_ ? ld_[nW_ - 1] : nOut_;
        int ping = head_ ? 1 : 0;
        if (fused_)
        {
            // weight gradient and data gradient of each layer in one kernel
            for (int l = head_ ? nW_ - 2 : nW_ - 1; l >= 0; --l)
            {
                const bool dataGrad = l > 0;
                // layer 0's weight gradient folded into layer 1's backward
                // (its 3xTF32 data-gradient epilogue; the kernel's condition)
                const bool fold0 = l == 1 && foldLayer0(sizes_[2]);
                Real* gOut = dataGrad ? G_[ping] : nullptr;
                launchBackward(P + wOff_[l], sizes_[l + 1], sizes_[l], dataGrad, g, ldg, A_[l],
                    ld_[l], M, dataGrad ? Z_[l] : nullptr, gOut, partial_ + wOff_[l], !first,
                    fold0 ? X_ + start * D_ : nullptr, fold0 ? partial_ + wOff_[0] : nullptr,
                    fold0 && first_ ? P + wOff_[0] : nullptr);
                mark(phaseFusedBwd);
                if (fold0) break;
                g = gOut;
                ldg = ld_[l];
                ping ^= 1;
            }
            continue;
        }
        for (int l = nW_ - 1; l >= 0; --l)
        {
            // dW_l (with the bias column) += G_{l+1} A_l^T, the C columns
            // split into nSlices_ slices of k columns (+ a remainder)
            const int m = sizes_[l + 1];
            const int n = sizes_[l] + 1;
            const int slices = std::min(nSlices_, C);
            const int k = C / slices;
            const int rem = C - slices * k;
            Real* dW = partial_ + wOff_[l];
            PINN_CUBLAS_CHECK(gemmStridedBatched(blas_, CUBLAS_OP_N, CUBLAS_OP_T, m, n, k, Real(1),
                g, ldg, (long long)(k)*ldg, A_[l], ld_[l], (long long)(k)*ld_[l], Real(1), dW, m,
                (long long)(nParams_), slices));
            if (rem > 0)
            {
                PINN_CUBLAS_CHECK(gemm(blas_, CUBLAS_OP_N, CUBLAS_OP_T, m, n, rem, Real(1),
                    g + idx(slices) * k * ldg, ldg, A_[l] + idx(slices) * k * ld_[l], ld_[l],
                    Real(1), dW, m));
            }
            mark(phaseWgradGemm);

            if (l == 0) break;

            // dL/dA_l = W_l^T G_{l+1}, then dL/dZ_l in place
            Real* gOut = G_[ping];
            PINN_CUBLAS_CHECK(gemm(blas_, CUBLAS_OP_T, CUBLAS_OP_N, sizes_[l], C, m, Real(1),
                P + wOff_[l], m, g, ldg, Real(0), gOut, ld_[l]));
            mark(phaseBwdGemm);
            const int grid = gridFor(idx(ld_[l]) * M);
            if (D_ == 1)
                backwardStreamsKernel<Real, 1>
                    <<<grid, blockSize, 0, stream_>>>(act, Z_[l], gOut, sizes_[l], ld_[l], M);
            else if (D_ == 2)
                backwardStreamsKernel<Real, 2>
                    <<<grid, blockSize, 0, stream_>>>(act, Z_[l], gOut, sizes_[l], ld_[l], M);
            else
                backwardStreamsKernel<Real, 3>
                    <<<grid, blockSize, 0, stream_>>>(act, Z_[l], gOut, sizes_[l], ld_[l], M);
            checkLaunch("backwardStreamsKernel", __LINE__);
            mark(phaseBwdStreams);
            g = gOut;
            ldg = ld_[l];
            ping ^= 1;
        }
    }

    const dim3 sliceBlock(sliceParams, sliceGroups);
    const unsigned sliceGrid = unsigned((nParams_ + sliceParams - 1) / sliceParams);
#ifdef PINN_WITH_NCCL
    if (ncclOn_)
    {
        // Sum the slices, then the ranks (NCCL gives every rank the same
        // sums), then Adam on the global gradient
        reducePartialsKernel<Real>
            <<<sliceGrid, sliceBlock, 0, stream_>>>(partial_, nPartial, nParams_, grad_);
        checkLaunch("reducePartialsKernel", __LINE__);
        const ncclDataType_t type = sizeof(Real) == 4 ? ncclFloat : ncclDouble;
        PINN_NCCL_CHECK(ncclGroupStart());
        PINN_NCCL_CHECK(ncclAllReduce(grad_, grad_, nParams_, type, ncclSum, nccl_, stream_));
        PINN_NCCL_CHECK(ncclAllReduce(loss, loss, nTerms_, ncclDouble, ncclSum, nccl_, stream_));
        PINN_NCCL_CHECK(ncclGroupEnd());
        if (adam)
        {
            adamKernel<Real><<<sliceGrid, sliceBlock, 0, stream_>>>(
                params_, m_, v_, grad_, 1, nParams_, step_, *adam);
            checkLaunch("adamKernel", __LINE__);
        }
        mark(phaseUpdate);
        return;
    }
#endif
    if (adam)
    {
        adamKernel<Real><<<sliceGrid, sliceBlock, 0, stream_>>>(
            params_, m_, v_, partial_, nPartial, nParams_, step_, *adam);
    }
    else
    {
        reducePartialsKernel<Real>
            <<<sliceGrid, sliceBlock, 0, stream_>>>(partial_, nPartial, nParams_, grad_);
    }
    checkLaunch(adam ? "adamKernel" : "reducePartialsKernel", __LINE__);
    mark(phaseUpdate);
}


template<class Real>
LossTerms CudaBackend<Real>::readLoss(const double* dLoss)
{
    std::vector<double> h(std::max(nTerms_, 1), 0.0);
    download(h.data(), dLoss, nTerms_ * sizeof(double));
    PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    LossTerms t;
    t.pde.assign(h.begin(), h.begin() + nEq_);
    t.bc.assign(h.begin() + nEq_, h.begin() + nTerms_);
    t.total = 0;
    for (int i = 0; i < nTerms_; ++i) t.total += h[i];
    return t;
}


template<class Real>
bool CudaBackend<Real>::setCommunicator(Communicator& comm)
{
#ifdef PINN_WITH_NCCL
    if (!comm.parallel())
    {
        return false;
    }
    if (!nccl_)
    {
        ncclUniqueId id;
        if (comm.rank() == 0)
        {
            PINN_NCCL_CHECK(ncclGetUniqueId(&id));
        }
        comm.broadcast(&id, sizeof(id));
        PINN_CUDA_CHECK(cudaSetDevice(opts_.deviceId));
        const ncclResult_t st = ncclCommInitRank(&nccl_, comm.size(), id, comm.rank());
        if (st != ncclSuccess)
        {
            nccl_ = nullptr;
            int nGpu = 0;
            cudaGetDeviceCount(&nGpu);
            cuda::throwError("ncclCommInitRank", std::string(ncclGetErrorString(st))
                + " (rank " + std::to_string(comm.rank()) + " of " + std::to_string(comm.size())
                + " on GPU " + std::to_string(opts_.deviceId) + " of " + std::to_string(nGpu)
                + " on this node)\n    Each rank of a parallel run needs a GPU of its own:"
                  " run with at most as many ranks per node as it has GPUs, or use"
                  " 'device cpu;'", __FILE__, __LINE__);
        }
        // The first collective sets up NCCL's connections, which cannot
        // happen inside a stream capture: do one now, outside any graph
        PINN_NCCL_CHECK(
            ncclAllReduce(lossEval_, lossEval_, nTerms_, ncclDouble, ncclSum, nccl_, stream_));
        PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
        name_ += ", NCCL over " + std::to_string(comm.size()) + " ranks";
    }
    ncclOn_ = true;
    graphValid_ = false; // the captured step gains the reduction
    return true;
#else
    (void)comm;
    return false;
#endif
}


template<class Real>
LossTerms CudaBackend<Real>::lossAndGradient(const Real* params, Real* grad)
{
    prepare();
    upload(scratch_, params, nParams_ * sizeof(Real));
    pass(scratch_, lossEval_, nullptr);
    if (grad) download(grad, grad_, nParams_ * sizeof(Real));
    return readLoss(lossEval_);
}


template<class Real>
void CudaBackend<Real>::capture(const AdamParams& cfg)
{
    if (graph_)
    {
        PINN_CUDA_CHECK(cudaGraphExecDestroy(graph_));
        graph_ = nullptr;
    }
    cudaGraph_t graph = nullptr;
    PINN_CUDA_CHECK(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal));
    try
    {
        pass(params_, lossAcc_, &cfg);
    }
    catch (...)
    {
        cudaStreamEndCapture(stream_, &graph);
        if (graph) cudaGraphDestroy(graph);
        throw;
    }
    PINN_CUDA_CHECK(cudaStreamEndCapture(stream_, &graph));
    const cudaError_t err = cudaGraphInstantiate(&graph_, graph, 0);
    cudaGraphDestroy(graph);
    PINN_CUDA_CHECK(err);
    graphCfg_ = cfg;
    graphValid_ = true;
}


template<class Real>
void CudaBackend<Real>::adamSteps(int n, const AdamConfig& cfg)
{
    if (n <= 0) return;
    prepare();
    const AdamParams p{cfg.lr, cfg.beta1, cfg.beta2, cfg.eps, cfg.decayRate, cfg.decaySteps};
    if (opts_.cuda.checkKernels)
    {
        // eager passes: every kernel is checked as it ends
        for (int i = 0; i < n; ++i)
        {
            pass(params_, lossAcc_, &p);
        }
        haveLoss_ = true;
        return;
    }
    if (!graphValid_ || std::memcmp(&p, &graphCfg_, sizeof(p)) != 0)
    {
        capture(p);
    }
    for (int i = 0; i < n; ++i)
    {
        PINN_CUDA_CHECK(cudaGraphLaunch(graph_, stream_));
    }
    haveLoss_ = true;
}


template<class Real>
LossTerms CudaBackend<Real>::lastLoss()
{
    if (!haveLoss_)
    {
        LossTerms t;
        t.pde.assign(nEq_, 0.0);
        t.bc.assign(nGroups_, 0.0);
        return t;
    }
    return readLoss(lossAcc_);
}


template<class Real>
void CudaBackend<Real>::evaluate(
    const Real* x, idx n, Real* values, Real* residuals, const Real* source)
{
    if (n <= 0) return;
    prepare(n);
    const PdeSpec pde = this->problem_.pde;
    const std::size_t need = std::size_t(mCap_) * (D_ + nOut_ + nEq_ + 1);
    if (pinnedCount_ < need)
    {
        if (pinned_) PINN_CUDA_CHECK(cudaFreeHost(pinned_));
        pinned_ = nullptr;
        PINN_CUDA_CHECK(cudaMallocHost(&pinned_, need * sizeof(Real)));
        pinnedCount_ = need;
    }
    Real* hx = pinned_;
    Real* hv = hx + mCap_ * D_;
    Real* hr = hv + mCap_ * nOut_;
    Real* hs = hr + mCap_ * nEq_;
    for (idx start = 0; start < n; start += mCap_)
    {
        const idx M = std::min(mCap_, n - start);
        std::memcpy(hx, x + start * D_, M * D_ * sizeof(Real));
        upload(evalX_, hx, M * D_ * sizeof(Real));
        const Real* src = nullptr;
        if (residuals && source)
        {
            std::memcpy(hs, source + start, M * sizeof(Real));
            upload(evalS_, hs, M * sizeof(Real));
            src = evalS_;
        }
        forward(params_, evalX_, M);
        Real* res = residuals ? evalRes_ : nullptr;
        if (D_ == 1)
            evaluateKernel<Real, 1>
                <<<gridFor(M), blockSize, 0, stream_>>>(pde, O_, M, evalX_, evalVal_, res, src);
        else if (D_ == 2)
            evaluateKernel<Real, 2>
                <<<gridFor(M), blockSize, 0, stream_>>>(pde, O_, M, evalX_, evalVal_, res, src);
        else
            evaluateKernel<Real, 3>
                <<<gridFor(M), blockSize, 0, stream_>>>(pde, O_, M, evalX_, evalVal_, res, src);
        checkLaunch("evaluateKernel", __LINE__);
        download(hv, evalVal_, M * nOut_ * sizeof(Real));
        if (residuals) download(hr, evalRes_, M * nEq_ * sizeof(Real));
        PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
        std::memcpy(values + start * nOut_, hv, M * nOut_ * sizeof(Real));
        if (residuals) std::memcpy(residuals + start * nEq_, hr, M * nEq_ * sizeof(Real));
    }
}


template<class Real>
std::vector<std::pair<std::string, double>> CudaBackend<Real>::profile(
    int reps, const AdamConfig& cfg)
{
    prepare();
    const AdamParams p{cfg.lr, cfg.beta1, cfg.beta2, cfg.eps, cfg.decayRate, cfg.decaySteps};
    std::vector<double> total(nPhases, 0.0);
    for (int r = 0; r < reps; ++r)
    {
        profiling_ = true;
        mark(phaseUpdate);
        try
        {
            pass(params_, lossAcc_, &p);
        }
        catch (...)
        {
            profiling_ = false;
            throw;
        }
        profiling_ = false;
        PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
        for (std::size_t i = 1; i < events_.size(); ++i)
        {
            float ms = 0;
            PINN_CUDA_CHECK(cudaEventElapsedTime(&ms, events_[i - 1], events_[i]));
            total[eventPhase_[i]] += ms;
        }
        for (cudaEvent_t e : events_) PINN_CUDA_CHECK(cudaEventDestroy(e));
        events_.clear();
        eventPhase_.clear();
    }
    haveLoss_ = true;
    std::vector<std::pair<std::string, double>> out;
    for (int i = 0; i < nPhases; ++i) out.emplace_back(phaseNames[i], total[i] / std::max(reps, 1));
    return out;
}

template<class Real>
std::vector<double> CudaBackend<Real>::timeSteps(int n, const AdamConfig& cfg)
{
    std::vector<cudaEvent_t> ev(std::max(n, 0) + 1);
    for (auto& e : ev) PINN_CUDA_CHECK(cudaEventCreate(&e));
    std::vector<double> ms;
    try
    {
        adamSteps(1, cfg); // capture outside the timed region
        PINN_CUDA_CHECK(cudaEventRecord(ev[0], stream_));
        for (int i = 0; i < n; ++i)
        {
            adamSteps(1, cfg);
            PINN_CUDA_CHECK(cudaEventRecord(ev[i + 1], stream_));
        }
        PINN_CUDA_CHECK(cudaStreamSynchronize(stream_));
        for (int i = 0; i < n; ++i)
        {
            float t = 0;
            PINN_CUDA_CHECK(cudaEventElapsedTime(&t, ev[i], ev[i + 1]));
            ms.push_back(t);
        }
    }
    catch (...)
    {
        for (auto& e : ev) cudaEventDestroy(e);
        throw;
    }
    for (auto& e : ev) PINN_CUDA_CHECK(cudaEventDestroy(e));
    return ms;
}

} // namespace cuda


// * * * * * * * * * * * * * * * Public API * * * * * * * * * * * * * * * * //

template<class Real>
std::unique_ptr<Backend<Real>> newCudaBackend(const Problem& problem, const BackendOptions& opts)
{
    return std::unique_ptr<Backend<Real>>(new cuda::CudaBackend<Real>(problem, opts));
}

template std::unique_ptr<Backend<float>> newCudaBackend<float>(
    const Problem&, const BackendOptions&);
template std::unique_ptr<Backend<double>> newCudaBackend<double>(
    const Problem&, const BackendOptions&);

namespace
{

//- "gpu" in the core's registry, as soon as this library is loaded
const BackendRegistration cudaRegistration(
    BackendEntry{"gpu", "CUDA: fused kernels, cuBLAS, cuRAND, NCCL", &newCudaBackend<float>,
        &newCudaBackend<double>, &cudaDeviceUsable});

} // namespace


namespace cuda
{

template<class Real>
std::vector<std::pair<std::string, double>> profileStep(
    Backend<Real>& backend, int reps, const AdamConfig& cfg)
{
    auto* b = dynamic_cast<CudaBackend<Real>*>(&backend);
    if (!b) throw std::runtime_error("profileStep: not a CUDA backend");
    return b->profile(reps, cfg);
}

template std::vector<std::pair<std::string, double>> profileStep<float>(
    Backend<float>&, int, const AdamConfig&);
template std::vector<std::pair<std::string, double>> profileStep<double>(
    Backend<double>&, int, const AdamConfig&);

template<class Real>
std::vector<double> timeSteps(Backend<Real>& backend, int n, const AdamConfig& cfg)
{
    auto* b = dynamic_cast<CudaBackend<Real>*>(&backend);
    if (!b) throw std::runtime_error("timeSteps: not a CUDA backend");
    return b->timeSteps(n, cfg);
}

template std::vector<double> timeSteps<float>(Backend<float>&, int, const AdamConfig&);
template std::vector<double> timeSteps<double>(Backend<double>&, int, const AdamConfig&);

namespace testing
{
template<class Real>
InteriorSet<Real> interiorSet(Backend<Real>& backend)
{
    auto* b = dynamic_cast<CudaBackend<Real>*>(&backend);
    if (!b) throw std::runtime_error("interiorSet: not a CUDA backend");
    return b->deviceInterior();
}
template InteriorSet<float> interiorSet<float>(Backend<float>&);
template InteriorSet<double> interiorSet<double>(Backend<double>&);

template<class Real>
void poisonPoints(Backend<Real>& backend)
{
    auto* b = dynamic_cast<CudaBackend<Real>*>(&backend);
    if (!b) throw std::runtime_error("poisonPoints: not a CUDA backend");
    b->poisonPoints();
}
template void poisonPoints<float>(Backend<float>&);
template void poisonPoints<double>(Backend<double>&);
} // namespace testing

} // namespace cuda


namespace
{
__global__ void probeKernel(int* out)
{
    *out = 42;
}
} // namespace

bool cudaDeviceUsable(std::string& msg)
{
    cudaGetLastError(); // an earlier, unrelated failure is not ours
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess)
    {
        cudaGetLastError();
        msg = std::string("no usable CUDA driver/GPU: ") + cudaGetErrorString(err);
        return false;
    }
    if (count == 0)
    {
        msg = "no GPU found";
        return false;
    }
    // A kernel of this build must run (catches a GPU older than the
    // architecture the kernels were compiled for)
    int* d = nullptr;
    int h = 0;
    err = cudaMalloc(&d, sizeof(int));
    if (err == cudaSuccess)
    {
        probeKernel<<<1, 1>>>(d);
        err = cudaGetLastError();
        if (err == cudaSuccess) err = cudaMemcpy(&h, d, sizeof(int), cudaMemcpyDeviceToHost);
        cudaFree(d);
    }
    if (err != cudaSuccess || h != 42)
    {
        cudaGetLastError();
        msg = std::string("the GPU cannot run this build's kernels: ")
            + (err != cudaSuccess ? cudaGetErrorString(err) : "wrong result");
        return false;
    }
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess)
    {
        msg = std::string(prop.name) + " (compute capability " + std::to_string(prop.major) + "."
            + std::to_string(prop.minor) + ", " + std::to_string(count) + " GPU"
            + (count > 1 ? "s" : "") + ")";
    }
    return true;
}

} // namespace pinn
