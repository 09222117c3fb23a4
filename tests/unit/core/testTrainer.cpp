// Trainer: Adam then L-BFGS; a run restarted from its written state follows
// the uninterrupted run exactly.

#include "pinn/CpuBackend.hpp"
#include "pinn/Trainer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

using namespace pinn;

namespace
{

// -lap u = 2 pi^2 sin(pi x) sin(pi y) on the unit square, u = 0 on the boundary
struct PoissonSetup
{
    Problem pb;
    InteriorSet<double> in;
    BoundarySet<double> bs;

    PoissonSetup(int nInt, int nBnd)
    {
        pb.net.inputDim = 2;
        pb.net.hidden = {16, 16};
        pb.net.nOutputs = 1;
        pb.pde = PdeSpec::poisson(2);
        pb.nBoundaryGroups = 1;
        std::mt19937_64 g(42);
        std::uniform_real_distribution<double> U(0, 1);
        for (int p = 0; p < nInt; ++p)
        {
            in.x.push_back(U(g));
            in.x.push_back(U(g));
            in.w.push_back(1.0 / nInt);
        }
        for (int b = 0; b < nBnd; ++b)
        {
            const double t = U(g);
            const int side = b % 4;
            const double x = side == 0 ? t : side == 1 ? 1 : side == 2 ? t : 0;
            const double y = side == 0 ? 0 : side == 1 ? t : side == 2 ? 1 : t;
            bs.x.push_back(x);
            bs.x.push_back(y);
            bs.normal.push_back(side == 1 ? 1 : side == 3 ? -1 : 0);
            bs.normal.push_back(side == 2 ? 1 : side == 0 ? -1 : 0);
            bs.alpha.push_back(1);
            bs.beta.push_back(0);
            bs.g.push_back(0);
            bs.w.push_back(1.0 / nBnd);
            bs.component.push_back(0);
            bs.group.push_back(0);
        }
    }

    std::unique_ptr<CpuBackend<double>> backend() const
    {
        BackendOptions o;
        o.threads = 2;
        auto be = std::make_unique<CpuBackend<double>>(pb, o);
        be->setInterior(in);
        be->setBoundary(bs);
        std::vector<double> p(pb.net.nParams());
        glorotInit(pb.net, 1, p.data());
        be->setParameters(p.data());
        return be;
    }
};

TrainerConfig config(std::int64_t lbfgsStart)
{
    TrainerConfig c;
    c.adam.lr = 5e-3;
    c.adam.decayRate = 0.5;
    c.adam.decaySteps = 200;
    c.lbfgsStart = lbfgsStart;
    c.historySize = 10;
    return c;
}

} // namespace


TEST(Trainer, LbfgsImprovesOnAdam)
{
    PoissonSetup s(300, 80);
    auto b1 = s.backend();
    auto b2 = s.backend();
    Trainer<double> adamOnly(*b1, config(-1));
    Trainer<double> hybrid(*b2, config(200));
    for (int i = 0; i < 400; ++i)
    {
        adamOnly.iterate();
        hybrid.iterate();
    }
    EXPECT_EQ(hybrid.phase(), "lbfgs");
    EXPECT_GT(hybrid.lossEvaluations(), 400);
    const double la = adamOnly.loss().total, lh = hybrid.loss().total;
    EXPECT_TRUE(std::isfinite(lh));
    EXPECT_LT(lh, 0.5 * la) << "adam " << la << " adam+lbfgs " << lh;
}


// Restart from the written state == uninterrupted run, in each phase
class TrainerRestart : public ::testing::TestWithParam<int>
{
};

TEST_P(TrainerRestart, ReproducesUninterruptedRun)
{
    const int stop = GetParam();
    PoissonSetup s(200, 40);
    auto b1 = s.backend();
    Trainer<double> full(*b1, config(60));
    for (int i = 0; i < 120; ++i) full.iterate();

    auto b2 = s.backend();
    Trainer<double> first(*b2, config(60));
    for (int i = 0; i < stop; ++i) first.iterate();
    std::stringstream state;
    first.write(state);

    auto b3 = s.backend();
    Trainer<double> resumed(*b3, config(60));
    resumed.read(state);
    EXPECT_EQ(resumed.iteration(), stop);
    for (int i = stop; i < 120; ++i) resumed.iterate();

    std::vector<double> p1(s.pb.net.nParams()), p3(s.pb.net.nParams());
    b1->getParameters(p1.data());
    b3->getParameters(p3.data());
    for (std::size_t i = 0; i < p1.size(); ++i) ASSERT_EQ(p1[i], p3[i]) << "parameter " << i;
    EXPECT_EQ(full.loss().total, resumed.loss().total);
}

INSTANTIATE_TEST_SUITE_P(Phases, TrainerRestart, ::testing::Values(30, 60, 90));


namespace
{

// The state of an Adam run of s after one iteration
std::string stateAfterOneIteration(const PoissonSetup& s)
{
    auto b = s.backend();
    Trainer<double> t(*b, config(-1));
    t.iterate();
    std::stringstream state;
    t.write(state);
    return state.str();
}

} // namespace


TEST(Trainer, RejectsMismatchedState)
{
    PoissonSetup s(50, 20);
    auto b1 = s.backend();
    Trainer<double> t(*b1, config(-1));
    std::stringstream state(stateAfterOneIteration(s));

    PoissonSetup other(50, 20);
    other.pb.net.hidden = {8};
    auto b2 = other.backend();
    Trainer<double> t2(*b2, config(-1));
    EXPECT_THROW(t2.read(state), std::runtime_error);

    std::stringstream garbage("not a state");
    EXPECT_THROW(t.read(garbage), std::runtime_error);
}


// A state with a NaN in it (a corrupt file, or one saved from a diverged
// run) is refused before any of it is used
TEST(Trainer, RejectsNonFiniteState)
{
    PoissonSetup s(50, 20);
    const std::string good = stateAfterOneIteration(s);

    // magic, real size, nParams, iteration, evaluations, then the
    // parameters' length and values
    const std::size_t first = 8 + 4 + 8 + 8 + 8 + 8;
    for (const double bad : {std::nan(""), HUGE_VAL})
    {
        std::string bytes = good;
        std::memcpy(&bytes[first + 3 * sizeof(double)], &bad, sizeof(double));
        std::istringstream is(bytes);
        auto b2 = s.backend();
        Trainer<double> t2(*b2, config(-1));
        try
        {
            t2.read(is);
            ADD_FAILURE() << "a state with " << bad << " was read";
        }
        catch (const std::runtime_error& e)
        {
            EXPECT_NE(std::string(e.what()).find("network parameters"), std::string::npos)
                << e.what();
        }
        EXPECT_EQ(t2.iteration(), 0);
    }
}


// currentLoss is the loss at the parameters as they are: in the Adam phase
// the loss the next iteration reports, in the L-BFGS phase loss() itself
TEST(Trainer, CurrentLossIsThatOfTheParameters)
{
    PoissonSetup s(100, 40);
    auto b = s.backend();
    Trainer<double> t(*b, config(20));
    for (int i = 0; i < 10; ++i) t.iterate();
    const double now = t.currentLoss().total;
    t.iterate();
    EXPECT_NEAR(t.loss().total, now, 1e-12 * now);
    for (int i = 0; i < 20; ++i) t.iterate();
    EXPECT_EQ(t.phase(), "lbfgs");
    EXPECT_EQ(t.currentLoss().total, t.loss().total);
}
