/*---------------------------------------------------------------------------*\
  pinnFoam tests: cudaFaultProbe

  Description
      How a fault of a kernel on the device is reported (issue 16 item 4).
      A fault loses the CUDA context of the whole process, so each mode runs
      in a process of its own (ctest cuda.fault.graph, cuda.fault.checked):

          cudaFaultProbe graph     the training step replayed as a CUDA graph:
                                   the fault surfaces at the next
                                   synchronisation, whose error must say
                                   that a kernel faulted and how to find it
                                   ('checkKernels')
          cudaFaultProbe checked   CudaKernelOptions::checkKernels: the error
                                   names the kernel that faulted

      The fault is injected by pointing the backend's point buffer at an
      address no kernel may read (cuda::testing::poisonPoints). Exit 0 when
      the error is as expected, 1 when not, 77 without a GPU (skipped).
\*---------------------------------------------------------------------------*/

#include "CudaBackend.hpp"
#include "pinn/Backend.hpp"

#include <cstring>
#include <iostream>
#include <random>
#include <string>

using namespace pinn;

int main(int argc, char* argv[])
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode != "graph" && mode != "checked")
    {
        std::cerr << "usage: cudaFaultProbe graph|checked\n";
        return 2;
    }
    std::string why;
    if (!cudaDeviceUsable(why))
    {
        std::cout << "skipped: " << why << '\n';
        return 77;
    }

    Problem pb;
    pb.net.inputDim = 2;
    pb.net.hidden = {64, 64, 64};
    pb.net.nOutputs = 1;
    pb.pde = PdeSpec::heat(2, 1.0, 1.0);
    pb.nBoundaryGroups = 1;

    std::mt19937_64 g(3);
    std::uniform_real_distribution<float> U(0, 1);
    InteriorSet<float> in;
    for (int i = 0; i < 4000; ++i)
    {
        in.x.push_back(U(g));
        in.x.push_back(U(g));
        in.w.push_back(1.0f / 4000);
    }
    BoundarySet<float> bs;
    for (int i = 0; i < 400; ++i)
    {
        bs.x.insert(bs.x.end(), {0.0f, U(g)});
        bs.normal.insert(bs.normal.end(), {-1.0f, 0.0f});
        bs.alpha.push_back(1);
        bs.beta.push_back(0);
        bs.g.push_back(0);
        bs.w.push_back(1.0f / 400);
        bs.component.push_back(0);
        bs.group.push_back(0);
    }

    BackendOptions opts;
    opts.cuda.checkKernels = mode == "checked";
    auto be = newCudaBackend<float>(pb, opts);
    be->setInterior(in);
    be->setBoundary(bs);
    std::vector<float> p(pb.net.nParams());
    glorotInit(pb.net, 1, p.data());
    be->setParameters(p.data());
    std::cout << "backend: " << be->name() << '\n';
    // a healthy step first (the graph is captured and replayed)
    be->adamSteps(2, AdamConfig());
    std::cout << "healthy loss: " << be->lastLoss().total << '\n';

    cuda::testing::poisonPoints(*be);
    std::string msg;
    try
    {
        be->adamSteps(2, AdamConfig());
        be->lastLoss(); // synchronises
        std::cout << "FAILED: no error after the fault\n";
        return 1;
    }
    catch (const std::runtime_error& e)
    {
        msg = e.what();
    }
    std::cout << "error: " << msg << '\n';
    auto has = [&](const char* s) { return msg.find(s) != std::string::npos; };
    bool ok = has("faulted on the GPU") && has("startFrom latestTime");
    if (mode == "graph")
    {
        ok = ok && has("checkKernels");
    }
    else
    {
        ok = ok && has("kernel ") && has("Kernel (checked as it ended)");
    }
    std::cout << (ok ? "PASSED" : "FAILED: the message lacks what it must say") << '\n';
    return ok ? 0 : 1;
}
