/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
-------------------------------------------------------------------------------
Description
    Fuzz target: the input is the text of constant/pinnProperties. pinnModel
    reads it as pinnFoam does (IOdictionary with its FoamFile header) and
    runs every check and builds every part that the dictionary selects:
    trained fields and their boundary terms, equation, scaling, network,
    sampler, loss and its balancing, optimiser, convergence, device,
    precision, chunkSize/nThreads/logInterval, references, VTK settings
    (pinnModel's checkOnly: up to where the backend would be set up).

    The case (fuzzHarness.H): tests/fuzz/case at time 0, a 20 x 4 channel
    with the fields T (heatConduction), Tg (gradient conditions only), U, p
    (incompressibleNavierStokes), pz (a pressure whose level pzRefCell
    fixes) and DT and nu in constant/transportProperties.

    Seeds: tests/fuzz/corpus/fuzzPinnProperties (tests/fuzz/makeSeeds).

\*---------------------------------------------------------------------------*/

#include "fuzzHarness.H"
#include "pinnModel.H"

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static pinnFuzz::workCase work("pinnProperties");
    static pinnFuzz::foamCase foam(work.dir());

    if (pinnFuzz::includesFiles(data, size))
    {
        return 0;
    }
    // (an empty input is an empty file: writeFile removes a file for nullptr)
    const void* text = size ? static_cast<const void*>(data) : "";
    pinnFuzz::writeFile(work.path("constant/pinnProperties"), text, size);
    pinnFuzz::run("pinnProperties", [&]()
    {
        Foam::pinnModel model(*foam.runTime, *foam.mesh, true);
    });
    return 0;
}

// ************************************************************************* //
