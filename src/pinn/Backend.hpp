/*---------------------------------------------------------------------------*\
  pinnFoam core: Backend.hpp

  Description
      The interface that the CPU and CUDA backends implement: collocation
      data in, loss and gradient, Adam steps, evaluation at points.

      Loss (weights are absolute: a mean has its 1/N folded in):
          L = sum_p w_p sum_e r_e(p)^2  +  sum_b w_b r_b^2
      over interior points p (equations e) and boundary entries b.

      All host pointers are host memory; a device backend copies as needed.

      Data parallelism (several ranks, one network): see setCommunicator.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/Network.hpp"
#include "pinn/pde.hpp"
#include "pinn/Adam.hpp"
#include "pinn/Communicator.hpp"
#include "pinn/sampling.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace pinn
{

//- The network and the equations it is trained for
struct Problem
{
    NetworkSpec net;
    PdeSpec pde;
    int nBoundaryGroups = 1; //- boundary loss is reported per group (patch)
};

//- Interior collocation points
template<class Real>
struct InteriorSet
{
    std::vector<Real> x; //- n*D coordinates, point-major
    std::vector<Real> w; //- n weights
    //- n per-point sources added to the first equation's residual (a
    //  source that varies in space, e.g. heat's S(x)); empty: none
    std::vector<Real> s;
    idx size(int D) const { return idx(x.size()) / D; }
};

//- Boundary entries: one residual alpha*u_c + beta*dn(u_c) - g each
template<class Real>
struct BoundarySet
{
    std::vector<Real> x; //- n*D
    std::vector<Real> normal; //- n*D, outward unit normals
    std::vector<Real> alpha, beta, g, w;
    std::vector<int> component; //- output component c
    std::vector<int> group; //- reporting group (patch) in [0, nBoundaryGroups)
    idx size() const { return idx(alpha.size()); }
};

//- Loss terms of one evaluation
struct LossTerms
{
    double total = 0;
    std::vector<double> pde; //- per equation
    std::vector<double> bc; //- per boundary group
};

//- Device memory statistics (zero for the CPU backend)
struct MemoryStats
{
    std::size_t poolBytes = 0; //- arena size
    std::size_t inUse = 0; //- bytes handed out now
    std::size_t peak = 0; //- high-water mark
    std::size_t allocations = 0; //- number of allocations from the arena
    std::size_t hostToDevice = 0; //- bytes copied host -> device
    std::size_t deviceToHost = 0; //- bytes copied device -> host
};

//- Kernel choices of the CUDA backend (the CPU backend ignores them).
//  The defaults are the fastest measured (tests/bench/RESULTS.md); the
//  alternatives stay selectable so that tests can check every path against
//  the CPU backend and benchmarks can compare them. A choice that a network
//  cannot use (e.g. the fused kernels for layers wider than 64) falls back
//  to the general path; the backend's name() says what it runs.
struct CudaKernelOptions
{
    //- Hidden layers in the fused tile kernels (widths <= 64); false: cuBLAS
    //  GEMMs and separate elementwise stream kernels
    bool fusedLayers = true;

    //- Forward layer kernel: 0 double-buffered tile (two blocks per SM),
    //  1 one tile (three blocks per SM), 2 one tile (four blocks per SM)
    int forwardVariant = 0;

    //- Products of the fused kernels on the tensor cores in 3xTF32 (float
    //  only), bits: 1 forward, 2 backward data gradient, 4 weight gradient
    unsigned mma = 6;

    //- Prefetch the backward's Z values into L2 at the start of a tile
    bool prefetchZ = true;

    //- Layer 0's weight gradient computed inside layer 1's backward kernel
    bool foldFirstLayerGradient = true;

    //- Last hidden layer, output layer, loss and their backward in one
    //  kernel (float, up to four outputs)
    bool fusedHead = true;

    //- Layer 1 computes its input streams from the points instead of
    //  reading them from a first-layer kernel
    bool firstLayerOnTheFly = true;

    //- Debugging device faults: every kernel is checked as it ends (a
    //  stream synchronisation after each launch, no CUDA graph), so that a
    //  fault names its kernel; slower ('checkKernels' in pinnProperties)
    bool checkKernels = false;

    //- Throws std::invalid_argument naming the option out of range
    void check() const;
};

struct BackendOptions
{
    idx chunkSize = 16384; //- points per pass; larger sets accumulate gradients
    int threads = 0; //- CPU threads (0: all cores)
    int deviceId = 0; //- GPU
    double memoryFraction = 0.9; //- share of free device memory the pool may take
    CudaKernelOptions cuda; //- kernel choices of the CUDA backend
};

template<class Real>
class Backend
{
public:
    explicit Backend(const Problem& problem) : problem_(problem) {}
    virtual ~Backend() = default;

    const Problem& problem() const { return problem_; }
    idx nParams() const { return problem_.net.nParams(); }

    virtual std::string name() const = 0;

    virtual void setInterior(const InteriorSet<Real>& pts) = 0;
    virtual void setBoundary(const BoundarySet<Real>& pts) = 0;

    //- Interior points drawn by the backend itself (pinn/sampling.hpp):
    //  a device backend draws them on the device, without copying points
    //  through the host. Where canDrawInterior() is false, the points come
    //  through setInterior only.
    virtual bool canDrawInterior() const { return false; }

    //- The cells to draw from, once (nMax: the most points of a draw)
    virtual void setCellTable(const sampling::CellTable& table, idx nMax)
    {
        (void)table;
        (void)nMax;
        throw std::logic_error(name() + " does not draw interior points itself");
    }

    //- Replace the interior set by the points of draw d that are in this
    //  processor's cells (the same as sampling::drawReference gives);
    //  returns their number. The boundary set is kept (set it first when it
    //  changes too, so that the device's layout is made once).
    virtual idx drawInterior(const sampling::InteriorDraw& d)
    {
        (void)d;
        throw std::logic_error(name() + " does not draw interior points itself");
    }

    //- Loss-term scales (loss balancing): every interior weight is taken
    //  times pde, every boundary entry's weight times bc[its group]; all 1
    //  until set. The points stay where they are (a device backend rewrites
    //  the weights in place); kept across setInterior/setBoundary.
    virtual void setTermScales(double pde, const std::vector<double>& bc) = 0;

    virtual void setParameters(const Real* params) = 0;
    virtual void getParameters(Real* params) = 0;

    virtual void setAdamState(const AdamState<Real>& s) = 0;
    virtual AdamState<Real> getAdamState() = 0;

    //- Loss and gradient at the given parameters (host arrays); the
    //  backend's own parameters are not changed. grad may be nullptr.
    virtual LossTerms lossAndGradient(const Real* params, Real* grad) = 0;

    //- n Adam iterations on the backend's parameters
    virtual void adamSteps(int n, const AdamConfig& cfg) = 0;

    //- Loss terms at the parameters before the last Adam update
    virtual LossTerms lastLoss() = 0;

    //- Outputs (n*nOut) and PDE residuals (n*nEq, may be nullptr) at points,
    //  with the points' sources (n, as InteriorSet::s; nullptr: none)
    virtual void evaluate(
        const Real* x, idx n, Real* values, Real* residuals, const Real* source = nullptr) = 0;

    virtual MemoryStats memoryStats() const { return MemoryStats(); }

    //- Data parallelism: the ranks of comm train one network, each on its
    //  share of the points (weights already global, see LossTerms).
    //  Returns true when this backend sums the loss terms and gradient over
    //  comm itself, inside lossAndGradient and before each Adam update in
    //  adamSteps, so that both are global and every rank's update is the
    //  same; both calls are then collective. The default returns false and
    //  keeps the backend local: the Trainer then reduces on the host after
    //  lossAndGradient and runs Adam on the host (correct, with a host round
    //  trip of the parameters and moments per iteration). A device backend
    //  overrides this to reduce on the device (e.g. NCCL, overlapped with
    //  the backward pass), using comm for rank, size and broadcast.
    virtual bool setCommunicator(Communicator& comm)
    {
        (void)comm;
        return false;
    }

protected:
    Problem problem_;
};

//- Sum loss terms (and the gradient, n host values, unless nullptr) over
//  the ranks of comm in one message of doubles; total is recomputed from the
//  summed terms, as a serial evaluation forms it. No-op on one rank.
template<class Real>
void allreduceLossAndGradient(Communicator& comm, LossTerms& terms, Real* grad, idx n)
{
    if (!comm.parallel()) return;
    const idx nT = idx(terms.pde.size() + terms.bc.size());
    const idx nG = grad ? n : 0;
    std::vector<double> buf(nG + nT);
    for (idx i = 0; i < nG; ++i) buf[i] = double(grad[i]);
    idx k = nG;
    for (double v : terms.pde) buf[k++] = v;
    for (double v : terms.bc) buf[k++] = v;
    comm.allreduceSum(buf.data(), idx(buf.size()));
    for (idx i = 0; i < nG; ++i) grad[i] = Real(buf[i]);
    k = nG;
    terms.total = 0;
    for (double& v : terms.pde)
    {
        v = buf[k++];
        terms.total += v;
    }
    for (double& v : terms.bc)
    {
        v = buf[k++];
        terms.total += v;
    }
}

//- Make a backend by name ("cpu", "gpu", see backendNames); throws
//  std::runtime_error with a message for the user when it cannot be made
//  (an unknown name lists the known ones). See BackendRegistry.hpp.
template<class Real>
std::unique_ptr<Backend<Real>> newBackend(
    const std::string& kind, const Problem& problem, const BackendOptions& opts);

//- Whether the GPU backend can be used here; why not (or which GPU) in msg
bool gpuAvailable(std::string& msg);

//- Host memory this process may use, in bytes: the physical memory, or the
//  address-space limit (ulimit -v) where that is lower; 0 if not known.
//  Set-up checks compare what they will allocate with it, so that a size
//  beyond it is an error, not an abort in the allocator
double hostMemoryBytes();

} // namespace pinn
