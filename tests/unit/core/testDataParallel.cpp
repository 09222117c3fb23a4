// Data parallelism without MPI: ranks simulated by threads that share a
// pinn::ThreadCommunicator (a real in-process communicator, summing in rank
// order like Pstream's gather/scatter). A point set split over 2 ranks gives the
// gradient of the whole set; a trainer on 2 ranks follows the serial run
// (Adam, then L-BFGS) and its replicas stay bit-identical; the trainer's
// host-side reduction (the path of a backend without its own) agrees with
// the backend's.

#include "pinn/CpuBackend.hpp"
#include "pinn/ThreadCommunicator.hpp"
#include "pinn/Trainer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace pinn;

namespace
{

// Heat equation with a source on the unit square, Dirichlet and Neumann sides
template<class Real>
struct Setup
{
    Problem pb;
    InteriorSet<Real> in;
    BoundarySet<Real> bs;

    Setup(int nInt, int nBnd)
    {
        pb.net.inputDim = 2;
        pb.net.hidden = {12, 12};
        pb.net.nOutputs = 1;
        pb.pde = PdeSpec::poisson(2);
        pb.nBoundaryGroups = 2;
        std::mt19937_64 g(7);
        std::uniform_real_distribution<double> U(0, 1);
        for (int p = 0; p < nInt; ++p)
        {
            in.x.push_back(Real(U(g)));
            in.x.push_back(Real(U(g)));
            in.w.push_back(Real(1.0 / nInt));
        }
        for (int b = 0; b < nBnd; ++b)
        {
            const double t = U(g);
            const int side = b % 4;
            bs.x.push_back(Real(side == 0 ? t : side == 1 ? 1 : side == 2 ? t : 0));
            bs.x.push_back(Real(side == 0 ? 0 : side == 1 ? t : side == 2 ? 1 : t));
            bs.normal.push_back(Real(side == 1 ? 1 : side == 3 ? -1 : 0));
            bs.normal.push_back(Real(side == 2 ? 1 : side == 0 ? -1 : 0));
            bs.alpha.push_back(Real(side == 1 ? 0 : 1));
            bs.beta.push_back(Real(side == 1 ? 1 : 0));
            bs.g.push_back(Real(side == 2 ? std::sin(3 * t) : 0.5));
            bs.w.push_back(Real(4.0 / nBnd));
            bs.component.push_back(0);
            bs.group.push_back(side == 1 ? 1 : 0);
        }
    }

    //- Rank r's share of nRanks: every nRanks-th point, from r (weights global)
    void share(int r, int nRanks, InteriorSet<Real>& i, BoundarySet<Real>& b) const
    {
        i = InteriorSet<Real>();
        for (idx p = r; p < in.size(2); p += nRanks)
        {
            i.x.push_back(in.x[2 * p]);
            i.x.push_back(in.x[2 * p + 1]);
            i.w.push_back(in.w[p]);
        }
        b = BoundarySet<Real>();
        for (idx k = r; k < bs.size(); k += nRanks)
        {
            for (int d = 0; d < 2; ++d)
            {
                b.x.push_back(bs.x[2 * k + d]);
                b.normal.push_back(bs.normal[2 * k + d]);
            }
            b.alpha.push_back(bs.alpha[k]);
            b.beta.push_back(bs.beta[k]);
            b.g.push_back(bs.g[k]);
            b.w.push_back(bs.w[k]);
            b.component.push_back(bs.component[k]);
            b.group.push_back(bs.group[k]);
        }
    }

    template<class B = CpuBackend<Real>>
    std::unique_ptr<B> backend(const InteriorSet<Real>& i, const BoundarySet<Real>& b) const
    {
        BackendOptions o;
        o.threads = 1;
        auto be = std::make_unique<B>(pb, o);
        be->setInterior(i);
        be->setBoundary(b);
        std::vector<Real> p(pb.net.nParams());
        glorotInit(pb.net, 3, p.data());
        be->setParameters(p.data());
        return be;
    }
};


//- The CPU backend kept local: the trainer must reduce on the host, as it
//  does for a backend without a data-parallel path of its own
template<class Real>
class LocalCpuBackend : public CpuBackend<Real>
{
public:
    using CpuBackend<Real>::CpuBackend;
    bool setCommunicator(Communicator&) override { return false; }
};


TrainerConfig config()
{
    TrainerConfig c;
    c.adam.lr = 1e-2;
    c.adam.decayRate = 0.5;
    c.adam.decaySteps = 20;
    c.lbfgsStart = 25;
    c.historySize = 8;
    return c;
}

double relDiff(double a, double b)
{
    return std::abs(a - b) / std::max(std::abs(b), 1e-300);
}

} // namespace


template<class Real>
void checkSplitGradient(const double tol)
{
    // 1 point, a prime and a multi-block count
    for (const int nInt : {1, 37, 701})
    {
        Setup<Real> s(nInt, 2 * nInt + 3);
        auto whole = s.backend(s.in, s.bs);
        const idx nP = s.pb.net.nParams();
        std::vector<Real> p(nP), g(nP);
        whole->getParameters(p.data());
        const LossTerms L = whole->lossAndGradient(p.data(), g.data());

        // Summed by hand, no communicator
        std::vector<double> gSum(nP, 0.0);
        double lSum = 0;
        for (int r = 0; r < 2; ++r)
        {
            InteriorSet<Real> i;
            BoundarySet<Real> b;
            s.share(r, 2, i, b);
            std::vector<Real> gr(nP);
            const LossTerms Lr = s.backend(i, b)->lossAndGradient(p.data(), gr.data());
            lSum += Lr.total;
            for (idx k = 0; k < nP; ++k) gSum[k] += gr[k];
        }
        double gMax = 0;
        for (idx k = 0; k < nP; ++k) gMax = std::max(gMax, std::abs(double(g[k])));
        EXPECT_LT(relDiff(lSum, L.total), tol) << nInt << " points";
        for (idx k = 0; k < nP; ++k)
        {
            ASSERT_LE(std::abs(gSum[k] - g[k]), tol * gMax) << "parameter " << k;
        }

        // Through the communicator: every rank returns the global values
        std::vector<std::vector<Real>> gRank(2, std::vector<Real>(nP));
        std::vector<LossTerms> lRank(2);
        onThreadRanks(2,
            [&](int r, Communicator& comm)
            {
                InteriorSet<Real> i;
                BoundarySet<Real> b;
                s.share(r, 2, i, b);
                auto be = s.backend(i, b);
                EXPECT_TRUE(be->setCommunicator(comm));
                lRank[r] = be->lossAndGradient(p.data(), gRank[r].data());
            });
        EXPECT_EQ(lRank[0].total, lRank[1].total);
        EXPECT_EQ(gRank[0], gRank[1]) << "ranks hold different gradients";
        EXPECT_LT(relDiff(lRank[0].total, L.total), tol);
        for (std::size_t e = 0; e < L.pde.size(); ++e)
        {
            EXPECT_LT(relDiff(lRank[0].pde[e], L.pde[e]), tol);
        }
        for (std::size_t k = 0; k < L.bc.size(); ++k)
        {
            EXPECT_LT(relDiff(lRank[0].bc[k], L.bc[k]), tol);
        }
        for (idx k = 0; k < nP; ++k)
        {
            ASSERT_LE(std::abs(double(gRank[0][k]) - double(g[k])), tol * gMax)
                << "parameter " << k;
        }
    }
}

TEST(DataParallel, SplitGradientEqualsWholeDouble)
{
    checkSplitGradient<double>(1e-13);
}

TEST(DataParallel, SplitGradientEqualsWholeFloat)
{
    checkSplitGradient<float>(2e-5);
}


// Trainer on 2 and 3 ranks (Adam, then L-BFGS) vs the serial run
template<template<class> class B>
void checkLockstep(const int nRanks, std::vector<double>& history0)
{
    Setup<double> s(401, 120);
    const int nIter = 50;

    std::vector<double> serial;
    {
        auto be = s.backend(s.in, s.bs);
        Trainer<double> t(*be, config());
        for (int it = 0; it < nIter; ++it)
        {
            t.iterate();
            serial.push_back(t.loss().total);
        }
    }

    std::vector<std::vector<double>> hist(nRanks), params(nRanks);
    std::vector<int> hostReduce(nRanks);
    onThreadRanks(nRanks,
        [&](int r, Communicator& comm)
        {
            InteriorSet<double> i;
            BoundarySet<double> b;
            s.share(r, nRanks, i, b);
            auto be = s.template backend<B<double>>(i, b);
            Trainer<double> t(*be, config());
            t.setCommunicator(comm);
            hostReduce[r] = t.reducesOnHost();
            for (int it = 0; it < nIter; ++it)
            {
                t.iterate();
                hist[r].push_back(t.loss().total);
            }
            params[r].resize(be->nParams());
            be->getParameters(params[r].data());
        });

    for (int r = 1; r < nRanks; ++r)
    {
        EXPECT_EQ(hist[r], hist[0]) << "rank " << r << " left lockstep";
        EXPECT_EQ(params[r], params[0]) << "rank " << r << " has other weights";
    }
    double worst = 0;
    for (int it = 0; it < nIter; ++it) worst = std::max(worst, relDiff(hist[0][it], serial[it]));
    EXPECT_LT(worst, 1e-9) << "loss history differs from the serial run";
    EXPECT_LT(hist[0].back(), 0.5 * hist[0][0]) << "did not train";
    std::cout << "    " << nRanks << " ranks" << (hostReduce[0] ? " (host reduction)" : "")
              << ": largest relative loss difference to serial over " << nIter << " iterations "
              << worst << std::endl;
    history0 = hist[0];
}

TEST(DataParallel, TrainerFollowsSerialRun)
{
    std::vector<double> h;
    checkLockstep<CpuBackend>(2, h);
    checkLockstep<CpuBackend>(3, h);
}

TEST(DataParallel, HostReductionEqualsBackendReduction)
{
    std::vector<double> inBackend, onHost;
    checkLockstep<CpuBackend>(2, inBackend);
    checkLockstep<LocalCpuBackend>(2, onHost);
    EXPECT_EQ(onHost, inBackend);
}

TEST(DataParallel, BroadcastFromRankZero)
{
    std::vector<std::vector<double>> got(3);
    onThreadRanks(3,
        [&](int r, Communicator& comm)
        {
            std::vector<double> v(5, double(r + 1));
            comm.broadcast(v.data(), v.size() * sizeof(double));
            got[r] = v;
        });
    for (const auto& v : got) EXPECT_EQ(v, std::vector<double>(5, 1.0));
}
