// benchScaling: data-parallel training across the GPUs of one machine, one
// thread per GPU (rank), each with its own CUDA backend and a replica of the
// weights; the trainer sums loss terms and gradients over the ranks every
// iteration (pinn::Communicator), so all replicas apply the same update.
//
// Problem: `poisson` as pinn_reference.py (../shared/reference) defines it (unit
// square, 2-64x4-1 tanh, fp32, Adam lr 1e-3), N interior + N/10 boundary
// points in all (strong scaling: N fixed, split over the ranks) or per rank
// (weak scaling: N per rank).
//
// Time: wall time of a whole iteration on the slowest rank (every iteration
// ends with the reduction, so ranks are in step), median over the steps
// after warm-up. Efficiency: strong T1/(G*TG), weak T1/TG.
//
//   benchScaling [--points 1000000] [--steps 30] [--chunk 131072] [--gpus 1,2,4]

#include "pinn/Backend.hpp"
#include "pinn/Trainer.hpp"
#include "pinn/ThreadCommunicator.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace pinn;

namespace
{

Problem poisson()
{
    Problem pb;
    pb.net.inputDim = 2;
    pb.net.hidden = {64, 64, 64, 64};
    pb.net.nOutputs = 1;
    pb.net.activation = Activation::tanh;
    pb.pde = PdeSpec::poisson(2);
    pb.nBoundaryGroups = 1;
    return pb;
}

// This rank's share: nInt interior and nBnd boundary points, weights of the
// global mean over nIntAll and nBndAll points
void makePoints(idx nInt, idx nBnd, idx nIntAll, idx nBndAll, std::uint64_t seed,
    InteriorSet<float>& in, BoundarySet<float>& bs)
{
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<float> U(0.f, 1.f);
    in.x.resize(2 * nInt);
    for (auto& v : in.x) v = U(g);
    in.w.assign(nInt, 1.f / nIntAll);
    bs = BoundarySet<float>();
    for (idx b = 0; b < nBnd; ++b)
    {
        const float t = U(g);
        const int side = int(b % 4);
        bs.x.push_back(side == 0 ? t : side == 1 ? 1.f : side == 2 ? t : 0.f);
        bs.x.push_back(side == 0 ? 0.f : side == 1 ? t : side == 2 ? 1.f : t);
        bs.normal.push_back(side == 1 ? 1.f : side == 3 ? -1.f : 0.f);
        bs.normal.push_back(side == 2 ? 1.f : side == 0 ? -1.f : 0.f);
        bs.alpha.push_back(1.f);
        bs.beta.push_back(0.f);
        bs.g.push_back(0.f);
        bs.w.push_back(1.f / nBndAll);
        bs.component.push_back(0);
        bs.group.push_back(0);
    }
}

// ms per iteration with G ranks; points per rank nInt (+ nInt/10 boundary)
double run(int G, idx nInt, idx nIntAll, int steps, idx chunk, double& loss)
{
    std::vector<double> rankMs(G, 0.0);
    std::vector<double> rankLoss(G, 0.0);
    onThreadRanks(G,
        [&](int r, ThreadCommunicator& comm)
        {
            cudaSetDevice(r);
            const Problem pb = poisson();
            BackendOptions opts;
            opts.deviceId = r;
            opts.chunkSize = chunk;
            auto be = newBackend<float>("gpu", pb, opts);
            InteriorSet<float> in;
            BoundarySet<float> bs;
            const idx nBnd = std::max<idx>(nInt / 10, 4);
            makePoints(nInt, nBnd, nIntAll, std::max<idx>(nIntAll / 10, 4), 1000 + r, in, bs);
            be->setInterior(in);
            be->setBoundary(bs);
            std::vector<float> p(pb.net.nParams());
            glorotInit(pb.net, 1, p.data());
            be->setParameters(p.data());
            TrainerConfig cfg;
            cfg.adam.lr = 1e-3;
            Trainer<float> tr(*be, cfg);
            tr.setCommunicator(comm);
            for (int i = 0; i < 5; ++i) tr.iterate();
            tr.loss();
            std::vector<double> ms;
            for (int s = 0; s < steps; ++s)
            {
                comm.barrier();
                const auto t0 = std::chrono::steady_clock::now();
                tr.iterate();
                tr.loss(); // completes the iteration on the device
                const auto t1 = std::chrono::steady_clock::now();
                ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            }
            std::sort(ms.begin(), ms.end());
            rankMs[r] = ms[ms.size() / 2];
            rankLoss[r] = tr.loss().total;
        });
    loss = rankLoss[0];
    for (int r = 1; r < G; ++r)
    {
        if (rankLoss[r] != rankLoss[0])
        {
            std::fprintf(stderr, "benchScaling: ranks disagree on the loss (%g vs %g)\n",
                rankLoss[r], rankLoss[0]);
            std::exit(1);
        }
    }
    return *std::max_element(rankMs.begin(), rankMs.end());
}

} // namespace


int main(int argc, char** argv)
{
    idx N = 1000000;
    int steps = 30;
    idx chunk = 131072;
    std::vector<int> gpus{1, 2, 4, 8};
    for (int i = 1; i < argc; ++i)
    {
        const std::string a = argv[i];
        if (a == "--points" && i + 1 < argc)
            N = std::atoll(argv[++i]);
        else if (a == "--steps" && i + 1 < argc)
            steps = std::atoi(argv[++i]);
        else if (a == "--chunk" && i + 1 < argc)
            chunk = std::atoll(argv[++i]);
        else if (a == "--gpus" && i + 1 < argc)
        {
            gpus.clear();
            std::stringstream ss(argv[++i]);
            std::string t;
            while (std::getline(ss, t, ',')) gpus.push_back(std::atoi(t.c_str()));
        }
    }
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0)
    {
        std::printf("benchScaling: no GPU\n");
        return 1;
    }
    std::vector<int> use;
    for (int g : gpus)
        if (g <= count) use.push_back(g);
    std::printf("benchScaling: %d GPU(s); poisson 2-64x4-1 fp32, N = %lld, chunk %lld, %d steps\n",
        count, (long long)N, (long long)chunk, steps);
    for (int d = 0; d < count; ++d)
    {
        cudaDeviceProp prop;
        cudaGetDeviceProperties(&prop, d);
        std::printf("  GPU %d: %s\n", d, prop.name);
    }

    std::printf("\n| scaling | GPUs | points per GPU | ms/iteration | efficiency | loss |\n"
                "|---|---:|---:|---:|---:|---:|\n");
    double t1 = 0, loss = 0;
    for (int G : use)
    {
        const double t = run(G, N / G, N, steps, chunk, loss);
        if (G == 1) t1 = t;
        std::printf("| strong | %d | %lld | %.3f | %.1f%% | %.6e |\n", G, (long long)(N / G), t,
            100 * t1 / (G * t), loss);
        std::fflush(stdout);
    }
    for (int G : use)
    {
        const double t = run(G, N, N * G, steps, chunk, loss);
        if (G == 1) t1 = t;
        std::printf("| weak | %d | %lld | %.3f | %.1f%% | %.6e |\n", G, (long long)N, t,
            100 * t1 / t, loss);
        std::fflush(stdout);
    }
    return 0;
}
