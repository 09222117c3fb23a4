/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
-------------------------------------------------------------------------------
Description
    Fuzz target: the input replaces one file of a checkpoint, which pinnModel
    restores as a restarted pinnFoam does (startTime 3, 3/uniform/pinn), and
    which then trains one iteration from it:

        state       the trainer's binary state (magic, precision, parameter
                    count, iteration, parameters, Adam, L-BFGS history,
                    balancing weights: pinn::Trainer::read)
        pinnState   the dictionary beside it (network, equation, scaling,
                    samplerState: pinnModel::restart, pinnScaling::checkSame)
        sampler     an adaptive sampler's state (header line, face and cell
                    densities or held points: adaptiveSampler::setState)

    The input is a selector byte, then the file's bytes. With
    k = (selector - '0') mod 256:

        k % 3           the file: 0 state, 1 pinnState, 2 sampler
        (k/3) % 3       the checkpoint (tests/fuzz/case/checkpoints/):
                        0 heat       T, RAD, double, Adam
                        1 heatLbfgs  T, hierarchical, double, in L-BFGS
                        2 ns         U p, RARD, float, Adam with balancing
                        (heat and ns resample every 2 iterations: the
                        iteration after the restart draws its points from
                        the checkpoint's densities or held points)
        (k/9) % 2       1: the file is removed (the bytes are ignored)

    so '0'...'8' replace a file, '9'...'A' remove one. The checkpoint's other
    files are its valid ones, and constant/pinnProperties is the one it was
    written with (tests/fuzz/makeSeeds writes them all with pinnFoam).

    Seeds: tests/fuzz/corpus/fuzzCheckpoint (tests/fuzz/makeSeeds).

\*---------------------------------------------------------------------------*/

#include "fuzzHarness.H"
#include "pinnModel.H"

#include <array>
#include <cstring>
#include <fstream>

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

namespace
{

const char* const checkpointNames[] = {"heat", "heatLbfgs", "ns"};
const char* const fileNames[] = {"state", "pinnState", "sampler"};
const int nCheckpoints = 3;

//- The case's controlDict for the restart: start at time 3
const char* const controlDict =
    "FoamFile { version 2.0; format ascii; class dictionary;"
    " location \"system\"; object controlDict; }\n"
    "application pinnFoam;\nstartFrom startTime;\nstartTime 3;\n"
    "stopAt endTime;\nendTime 6;\ndeltaT 1;\nwriteControl timeStep;\n"
    "writeInterval 3;\npurgeWrite 0;\nwriteFormat ascii;\nwritePrecision 10;\n"
    "writeCompression off;\ntimeFormat general;\ntimePrecision 6;\n"
    "runTimeModifiable false;\n";

//- A checkpoint's files as they were written (an absent one: not present)
struct checkpoint
{
    std::string pinnProperties;
    std::array<std::string, 3> files;
    std::array<bool, 3> present;
};

} // End anonymous namespace


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static pinnFuzz::workCase work("checkpoint");
    static std::vector<checkpoint> checkpoints;
    static std::unique_ptr<pinnFuzz::foamCase> foam;
    if (!foam)
    {
        for (const char* name : checkpointNames)
        {
            const std::string dir = work.path(std::string("checkpoints/") + name);
            checkpoint c;
            c.pinnProperties = pinnFuzz::readFile(dir + "/pinnProperties");
            for (int f = 0; f < 3; ++f)
            {
                const std::string file = dir + "/" + fileNames[f];
                c.present[f] = std::ifstream(file).good();
                if (c.present[f])
                {
                    c.files[f] = pinnFuzz::readFile(file);
                }
            }
            checkpoints.push_back(c);
        }
        pinnFuzz::writeFile
        (
            work.path("system/controlDict"), controlDict, std::strlen(controlDict)
        );
        pinnFuzz::writeFile(work.path("3/uniform/pinn/state"), "", 0);
        foam.reset(new pinnFuzz::foamCase(work.dir()));
    }

    const unsigned k = size ? std::uint8_t(data[0] - '0') : 0;
    const int file = k % 3;
    const checkpoint& c = checkpoints[(k/3) % nCheckpoints];
    const bool remove = (k/9) % 2;
    if (file == 1 && pinnFuzz::includesFiles(data, size))
    {
        // pinnState is a dictionary: no #include (fuzzHarness.H)
        return 0;
    }

    pinnFuzz::writeFile
    (
        work.path("constant/pinnProperties"),
        c.pinnProperties.data(), c.pinnProperties.size()
    );
    for (int f = 0; f < 3; ++f)
    {
        const std::string path = work.path(std::string("3/uniform/pinn/") + fileNames[f]);
        if (f == file)
        {
            // the bytes after the selector (an empty file when there are none)
            const char* body = size > 1 ? reinterpret_cast<const char*>(data + 1) : "";
            pinnFuzz::writeFile(path, remove ? nullptr : body, size > 1 ? size - 1 : 0);
        }
        else
        {
            pinnFuzz::writeFile(path, c.present[f] ? c.files[f].data() : nullptr, c.files[f].size());
        }
    }
    pinnFuzz::run("checkpoint", [&]()
    {
        Foam::pinnModel model(*foam->runTime, *foam->mesh);
        model.iterate();
    });
    return 0;
}

// ************************************************************************* //
