/*---------------------------------------------------------------------------*\
  pinnFoam core: CpuBackend.hpp

  Description
      CPU backend: OpenBLAS GEMMs over blocks of points, OpenMP threads over
      blocks, the shared stream/residual/Adam functions for the elementwise
      work. The reference every other backend is tested against.

      Each thread owns a workspace for one block of points and a gradient
      accumulator; blocks are dealt to threads statically and the
      accumulators summed in thread order, so results are reproducible for a
      given thread count.

      Data parallel (setCommunicator): after the thread reduction the loss
      terms and gradient are summed over the ranks in one allreduce (in
      double), so lossAndGradient returns global values and adamSteps
      applies the global update. On the CPU this message is not overlapped
      with the backward pass: the threads work through all blocks first and
      the gradient is a few thousand values, small against the compute.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/Backend.hpp"

#include <vector>

namespace pinn
{

template<class Real>
class CpuBackend : public Backend<Real>
{
public:
    //- Points per block (GEMM width is streams x block)
    static constexpr idx blockSize = 256;

    CpuBackend(const Problem& problem, const BackendOptions& opts);

    std::string name() const override;

    void setInterior(const InteriorSet<Real>& pts) override;
    void setBoundary(const BoundarySet<Real>& pts) override;
    void setTermScales(double pde, const std::vector<double>& bc) override;
    void setParameters(const Real* params) override;
    void getParameters(Real* params) override;
    void setAdamState(const AdamState<Real>& s) override;
    AdamState<Real> getAdamState() override;
    LossTerms lossAndGradient(const Real* params, Real* grad) override;
    void adamSteps(int n, const AdamConfig& cfg) override;
    LossTerms lastLoss() override { return lastLoss_; }
    void evaluate(const Real* x, idx n, Real* values, Real* residuals,
        const Real* source = nullptr) override;
    bool setCommunicator(Communicator& comm) override
    {
        comm_ = &comm;
        return true;
    }

    int nThreads() const { return nThreads_; }

    //- All output streams at points: out[(p*S + s)*nOut + k] for point p,
    //  stream s (0 value, 1..D gradient, D+1 Laplacian), output k
    void evaluateStreams(const Real* x, idx n, Real* out);

private:
    struct Workspace
    {
        std::vector<Real> a0; //- input streams [D x S*M]
        std::vector<std::vector<Real>> z; //- pre-activations per layer
        std::vector<std::vector<Real>> a; //- activations per hidden layer
        std::vector<Real> g, gPrev; //- backward buffers
        std::vector<Real> grad; //- gradient accumulator
        std::vector<double> lossPde, lossBc;
    };

    void forward(const Real* params, const Real* x, idx M, Workspace& ws) const;
    void backward(const Real* params, idx M, Workspace& ws) const;

    //- Loss and (optionally) gradient of one block of interior points
    void interiorBlock(const Real* params, idx first, idx M, Workspace& ws, bool wantGrad) const;
    void boundaryBlock(const Real* params, idx first, idx M, Workspace& ws, bool wantGrad) const;

    BackendOptions opts_;
    int nThreads_;
    std::vector<int> sizes_;
    std::vector<Workspace> ws_;

    //- The weights of interior_ and boundary_ with the term scales applied
    void applyTermScales();

    InteriorSet<Real> interior_;
    BoundarySet<Real> boundary_;
    std::vector<Real> baseWI_, baseBW_; //- weights as given
    double scalePde_ = 1;
    std::vector<double> scaleBc_;

    std::vector<Real> params_, grad_;
    AdamState<Real> adam_;
    LossTerms lastLoss_;
    Communicator* comm_ = &serialCommunicator();
};

} // namespace pinn
