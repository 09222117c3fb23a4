/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "fuzzHarness.H"

#include "error.H"
#include "messageStream.H"
#include "dynamicCode.H"
#include "fileName.H"

#include <cfenv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

// abort(FatalError) ends pinnFoam with SIGABRT and a stack trace: in the
// harness it is a finding, not a clean error. These replace OpenFOAM's own
// definitions for every caller (the executable's symbol takes precedence
// over libOpenFOAM's).
//
// Except for defects of OpenFOAM's own parser, found by these targets and
// reported, not pinnFoam's to fix: those are thrown as OpenFOAM throws a
// fatal error (FatalError.throwExceptions()), a clean rejection here, so
// that a campaign is not flooded with them:
//   - primitiveEntry::dict(): '$a;' in keyword position where a is not a
//     dictionary ('a 1; b { $a; }' aborts any OpenFOAM v1912 program,
//     foamDictionary included)

namespace
{

bool knownFoamDefect(const Foam::error& err)
{
    return err.functionName().find("Foam::primitiveEntry::dict()") != std::string::npos;
}

void reportAbort(const char* kind, const Foam::error& err, const std::string& file)
{
    std::fprintf
    (
        stderr,
        "\npinnFuzz: abort(%s) (pinnFoam would end with SIGABRT):\n"
        "    %s\n    (%s%s%s, line %d of %s)\n",
        kind, err.message().c_str(), file.c_str(), file.empty() ? "" : ", ",
        err.functionName().c_str(), int(err.sourceFileLineNumber()),
        err.sourceFileName().c_str()
    );
    std::fflush(stderr);
    std::abort();
}

} // End anonymous namespace


void Foam::error::abort()
{
    if (knownFoamDefect(*this))
    {
        error errorException(*this);
        messageStreamPtr_->reset();
        throw errorException;
    }
    reportAbort("FatalError", *this, "");
}


void Foam::IOerror::abort()
{
    if (knownFoamDefect(*this))
    {
        IOerror errorException(*this);
        messageStreamPtr_->reset();
        throw errorException;
    }
    reportAbort("FatalIOError", *this, "file " + ioFileName());
}


namespace
{

bool verbose()
{
    static const bool v = std::getenv("PINN_FUZZ_VERBOSE") != nullptr;
    return v;
}


bool trapFpe()
{
    const char* e = std::getenv("PINN_FUZZ_FPE");
    return !(e && std::string(e) == "0");
}


//- Floating-point traps as OpenFOAM's sigFpe sets them (trapFpe 1, the
//  default of etc/controlDict), for the duration of one input
class fpeTraps
{
    const bool on_;

public:

    fpeTraps()
    :
        on_(trapFpe())
    {
        if (on_)
        {
            std::feclearexcept(FE_ALL_EXCEPT);
            feenableexcept(FE_DIVBYZERO | FE_INVALID | FE_OVERFLOW);
        }
    }

    ~fpeTraps()
    {
        if (on_)
        {
            fedisableexcept(FE_DIVBYZERO | FE_INVALID | FE_OVERFLOW);
            std::feclearexcept(FE_ALL_EXCEPT);
        }
    }
};

} // End anonymous namespace


// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

void pinnFuzz::setUp()
{
    static bool done = false;
    if (done)
    {
        return;
    }
    done = true;
    Foam::FatalError.throwExceptions();
    Foam::FatalIOError.throwExceptions();
    if (!verbose())
    {
        Foam::messageStream::level = 0;
    }
    Foam::dynamicCode::allowSystemOperations = 0;
    // etc/controlDict's DebugSwitches has 'fileName 2': an invalid file name
    // read from a dictionary (a header entry with a stray byte) then ends
    // the program in fileName::stripInvalid with exit(1) and OpenFOAM's
    // message, no crash and not pinnFoam's code; at 0 the name is kept as
    // it is and the input goes on to pinnFoam's checks
    Foam::fileName::debug = 0;
}


std::string pinnFuzz::caseSource()
{
    const char* env = std::getenv("PINN_FUZZ_CASE");
    const std::string dir = env && *env ? std::string(env) : std::string(PINN_FUZZ_CASE_DIR);
    if (!std::filesystem::is_directory(dir + "/constant/polyMesh"))
    {
        std::fprintf
        (
            stderr,
            "pinnFuzz: no fuzz case at %s (constant/polyMesh missing)\n"
            "    Set PINN_FUZZ_CASE to tests/fuzz/case (runFuzz does)\n",
            dir.c_str()
        );
        std::exit(2);
    }
    return dir;
}


pinnFuzz::workCase::workCase(const std::string& name)
{
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/pinnFuzz-" + name + "-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data()))
    {
        std::fprintf(stderr, "pinnFuzz: cannot make %s: %s\n", tmpl.c_str(), std::strerror(errno));
        std::exit(2);
    }
    dir_ = std::string(buf.data()) + "/case";
    std::filesystem::copy
    (
        caseSource(), dir_,
        std::filesystem::copy_options::recursive
    );
}


pinnFuzz::workCase::~workCase()
{
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(dir_).parent_path(), ec);
}


pinnFuzz::foamCase::foamCase(const std::string& dir)
{
    // (as tests/unit/foam/testCases.H opens a case, which brings GoogleTest
    // with it: the fuzz build has none)
    setUp();
    const std::filesystem::path p(dir);
    runTime.reset
    (
        new Foam::Time
        (
            Foam::Time::controlDictName,
            Foam::fileName(p.parent_path().string()),
            Foam::fileName(p.filename().string()),
            "system",
            "constant",
            false,      // no function objects
            false       // no libs
        )
    );
    mesh.reset
    (
        new Foam::fvMesh
        (
            Foam::IOobject
            (
                Foam::fvMesh::defaultRegion,
                runTime->timeName(),
                *runTime,
                Foam::IOobject::MUST_READ
            )
        )
    );
}


void pinnFuzz::writeFile
(
    const std::string& path,
    const void* data,
    const std::size_t size
)
{
    const std::filesystem::path p(path);
    if (!data)
    {
        std::error_code ec;
        std::filesystem::remove(p, ec);
        return;
    }
    std::filesystem::create_directories(p.parent_path());
    std::ofstream os(path, std::ios::binary | std::ios::trunc);
    os.write(static_cast<const char*>(data), std::streamsize(size));
    os.close();
    if (!os)
    {
        std::fprintf(stderr, "pinnFuzz: cannot write %s\n", path.c_str());
        std::exit(2);
    }
}


std::string pinnFuzz::readFile(const std::string& path)
{
    std::ifstream is(path, std::ios::binary);
    if (!is)
    {
        std::fprintf(stderr, "pinnFuzz: cannot read %s\n", path.c_str());
        std::exit(2);
    }
    std::ostringstream ss;
    ss << is.rdbuf();
    return ss.str();
}


bool pinnFuzz::run(const char* what, const std::function<void()>& f)
{
    try
    {
        fpeTraps traps;
        f();
        return true;
    }
    catch (const Foam::error& err)
    {
        if (verbose())
        {
            std::fprintf
            (
                stderr, "pinnFuzz: %s: clean error: %s\n", what,
                err.message().c_str()
            );
        }
        return false;
    }
    catch (const std::exception& err)
    {
        std::fprintf
        (
            stderr,
            "\npinnFuzz: %s: uncaught C++ exception (pinnFoam would end in"
            " std::terminate): %s\n", what, err.what()
        );
    }
    catch (...)
    {
        std::fprintf
        (
            stderr,
            "\npinnFuzz: %s: uncaught exception of unknown type (pinnFoam"
            " would end in std::terminate)\n", what
        );
    }
    std::fflush(stderr);
    std::abort();
}

// ************************************************************************* //
