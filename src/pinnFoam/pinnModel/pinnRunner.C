/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnRunner.H"

#include <cfenv>

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

namespace Foam
{
namespace
{

//- The core computes without floating-point traps, whatever OpenFOAM's
//  trapFpe (on by default) set: it meets overflow and NaN by design and
//  handles them (the L-BFGS line search steps back from a non-finite loss,
//  the loss is checked after every iteration and a diverged run stops
//  with advice), where a trap would end pinnFoam with SIGFPE. The caller's
//  environment is restored on return; the OpenMP threads of the CPU
//  backend, created within such a call, inherit the masked one.
class nonTrapping
{
    std::fenv_t env_;

public:

    nonTrapping()
    {
        std::feholdexcept(&env_);
    }

    ~nonTrapping()
    {
        std::fesetenv(&env_);
    }

    nonTrapping(const nonTrapping&) = delete;
    void operator=(const nonTrapping&) = delete;
};


template<class Real>
class pinnRunnerImpl
:
    public pinnRunner
{
    std::unique_ptr<pinn::Backend<Real>> backend_;
    pinn::Trainer<Real> trainer_;

public:

    pinnRunnerImpl
    (
        const std::string& device,
        const pinn::Problem& problem,
        const pinn::BackendOptions& options,
        const pinn::TrainerConfig& config,
        const std::uint64_t seed
    )
    :
        backend_(pinn::newBackend<Real>(device, problem, options)),
        trainer_(*backend_, config)
    {
        std::vector<Real> p(problem.net.nParams());
        pinn::glorotInit(problem.net, seed, p.data());
        backend_->setParameters(p.data());
    }

    std::string backendName() const override
    {
        return backend_->name();
    }

    static pinn::BoundarySet<Real> toReal(const pinn::BoundarySet<double>& bs)
    {
        pinn::BoundarySet<Real> b;
        b.x.assign(bs.x.begin(), bs.x.end());
        b.normal.assign(bs.normal.begin(), bs.normal.end());
        b.alpha.assign(bs.alpha.begin(), bs.alpha.end());
        b.beta.assign(bs.beta.begin(), bs.beta.end());
        b.g.assign(bs.g.begin(), bs.g.end());
        b.w.assign(bs.w.begin(), bs.w.end());
        b.component = bs.component;
        b.group = bs.group;
        return b;
    }

    void setPoints
    (
        const pinn::InteriorSet<double>& in,
        const pinn::BoundarySet<double>& bs,
        const bool changed
    ) override
    {
        nonTrapping guard;
        pinn::InteriorSet<Real> i;
        i.x.assign(in.x.begin(), in.x.end());
        i.w.assign(in.w.begin(), in.w.end());
        i.s.assign(in.s.begin(), in.s.end());
        backend_->setInterior(i);
        backend_->setBoundary(toReal(bs));
        if (changed)
        {
            trainer_.pointsChanged();
        }
    }

    bool canDrawInterior() const override
    {
        return backend_->canDrawInterior();
    }

    void setCellTable
    (
        const pinn::sampling::CellTable& table,
        const pinn::idx nMax
    ) override
    {
        nonTrapping guard;
        backend_->setCellTable(table, nMax);
    }

    pinn::idx drawPoints
    (
        const pinn::sampling::InteriorDraw& interior,
        const pinn::BoundarySet<double>& bs,
        const bool changed
    ) override
    {
        nonTrapping guard;
        // the boundary first: the device lays its pool out once
        backend_->setBoundary(toReal(bs));
        const pinn::idx n = backend_->drawInterior(interior);
        if (changed)
        {
            trainer_.pointsChanged();
        }
        return n;
    }

    void iterate() override
    {
        nonTrapping guard;
        trainer_.iterate();
    }

    pinn::LossTerms loss() override
    {
        nonTrapping guard;
        return trainer_.loss();
    }

    pinn::LossTerms currentLoss() override
    {
        nonTrapping guard;
        return trainer_.currentLoss();
    }

    void evaluate
    (
        const std::vector<double>& x,
        std::vector<double>& values,
        std::vector<double>& residuals,
        const std::vector<double>* source
    ) override
    {
        nonTrapping guard;
        const pinn::Problem& pb = backend_->problem();
        const pinn::idx n = pinn::idx(x.size())/pb.net.inputDim;
        std::vector<Real> xr(x.begin(), x.end());
        std::vector<Real> v(n*pb.net.nOutputs), r(n*pb.pde.nEq);
        std::vector<Real> s;
        if (source)
        {
            s.assign(source->begin(), source->end());
            if (pinn::idx(s.size()) != n)
            {
                throw std::invalid_argument("evaluate: one source per point expected");
            }
        }
        backend_->evaluate(xr.data(), n, v.data(), r.data(), source ? s.data() : nullptr);
        values.assign(v.begin(), v.end());
        residuals.assign(r.begin(), r.end());
    }

    std::int64_t iteration() const override
    {
        return trainer_.iteration();
    }

    std::int64_t lossEvaluations() const override
    {
        return trainer_.lossEvaluations();
    }

    std::string phase() const override
    {
        return trainer_.phase();
    }

    double learningRate() const override
    {
        return trainer_.learningRate();
    }

    double pdeScale() const override
    {
        return trainer_.pdeScale();
    }

    std::vector<double> bcScales() const override
    {
        return trainer_.bcScales();
    }

    int lbfgsFailures() const override
    {
        return trainer_.lbfgsFailures();
    }

    pinn::MemoryStats memoryStats() const override
    {
        return backend_->memoryStats();
    }

    void setCommunicator(pinn::Communicator& comm) override
    {
        trainer_.setCommunicator(comm);
    }

    bool reducesOnHost() const override
    {
        return trainer_.reducesOnHost();
    }

    void writeState(std::ostream& os) override
    {
        nonTrapping guard;
        trainer_.write(os);
    }

    void readState(std::istream& is) override
    {
        nonTrapping guard;
        trainer_.read(is);
    }
};

} // End anonymous namespace
} // End namespace Foam


std::unique_ptr<Foam::pinnRunner> Foam::pinnRunner::New
(
    const std::string& precision,
    const std::string& device,
    const pinn::Problem& problem,
    const pinn::BackendOptions& options,
    const pinn::TrainerConfig& config,
    const std::uint64_t seed
)
{
    nonTrapping guard;
    if (precision == "float")
    {
        return std::unique_ptr<pinnRunner>
        (
            new pinnRunnerImpl<float>(device, problem, options, config, seed)
        );
    }
    return std::unique_ptr<pinnRunner>
    (
        new pinnRunnerImpl<double>(device, problem, options, config, seed)
    );
}

// ************************************************************************* //
