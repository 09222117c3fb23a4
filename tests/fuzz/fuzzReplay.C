/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
-------------------------------------------------------------------------------
Description
    main() of the <target>Replay programs of the normal (gcc) build: runs a
    fuzz target's LLVMFuzzerTestOneInput over the files given, directories
    searched recursively (in name order), as libFuzzer runs a file argument.
    An input that crashes, aborts or hangs ends the program there (the
    files done so far are listed with -v): exit 0 when all ran.

Usage
    fuzzPinnPropertiesReplay [-v] FILE_OR_DIR...

\*---------------------------------------------------------------------------*/

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

int main(int argc, char* argv[])
{
    namespace fs = std::filesystem;
    bool verbose = false;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i)
    {
        const std::string a(argv[i]);
        if (a == "-v")
        {
            verbose = true;
            continue;
        }
        if (fs::is_directory(a))
        {
            std::vector<std::string> inDir;
            for (const auto& e : fs::recursive_directory_iterator(a))
            {
                if (e.is_regular_file())
                {
                    inDir.push_back(e.path().string());
                }
            }
            std::sort(inDir.begin(), inDir.end());
            files.insert(files.end(), inDir.begin(), inDir.end());
        }
        else if (fs::is_regular_file(a))
        {
            files.push_back(a);
        }
        else
        {
            std::fprintf(stderr, "%s: no file or directory %s\n", argv[0], a.c_str());
            return 2;
        }
    }
    if (files.empty())
    {
        std::fprintf(stderr, "Usage: %s [-v] FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    for (const std::string& f : files)
    {
        if (verbose)
        {
            std::fprintf(stderr, "replay %s\n", f.c_str());
        }
        std::ifstream is(f, std::ios::binary);
        const std::vector<char> bytes
        (
            (std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>()
        );
        LLVMFuzzerTestOneInput
        (
            reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()
        );
    }
    std::printf("%s: %zu inputs replayed\n", argv[0], files.size());
    return 0;
}

// ************************************************************************* //
