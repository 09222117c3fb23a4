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

#include <csignal>
#include <set>

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

// abort(FatalError) and a floating-point trap end pinnFoam with SIGABRT or
// SIGFPE and a stack trace: in the harness they are findings, not clean
// errors. error::abort and IOerror::abort below replace OpenFOAM's own
// definitions for every caller (the executable's symbols take precedence
// over libOpenFOAM's); a SIGFPE handler sees every trap.
//
// Except where OpenFOAM's own parser aborts or traps on a malformed input,
// before any pinnFoam code is involved: defects of OpenFOAM v1912, reported
// (tests/fuzz/README.md), not pinnFoam's to fix. The call stack tells: a
// frame of the parser (dictionary::read, entry::New, IOobject::readHeader,
// ISstream::read, an Istream operator>>, readDouble ...) nearer to the
// fault than any pinnFoam frame. Such an abort is thrown as OpenFOAM
// throws a fatal error (a clean rejection here); such a trap is masked for
// the rest of the input (the instruction then runs as without trapFpe).
// Each kind is noted once per process on stderr. Examples:
//   'a 1; b { $a; }'                 abort in primitiveEntry::dict()
//   'FoamFile { class { } }'         abort in dictionaryEntry::stream()
//   'layers -2(8 8);'                abort in List::doResize (bad size)
//   'learningRate 1e999;'            SIGFPE (overflow) in readDouble
//   'FoamFile { version 1e20; }'     SIGFPE (invalid) in IOobject::readHeader

namespace
{

//- Whether the innermost frames of this thread's stack reach OpenFOAM's
//  parser before any pinnFoam frame; what: the parser frame. valueReads:
//  dictionary::get/readEntry (where gcc inlines the Istream operators) count
//  as the parser too; not for an abort in dictionaryEntry::stream(), which
//  is a value asked of a sub-dictionary: pinnFoam's reads check for that
//  (pinnDict::checkValue), so there it is pinnFoam's
bool inFoamParser(std::string& what, const bool valueReads = true)
{
    void* frames[64];
    const int n = backtrace(frames, 64);
    static const char* const parser[] =
    {
        "Foam::dictionary::read(", "Foam::entry::New(",
        "Foam::IOobject::readHeader(", "Foam::ISstream::read(",
        "Foam::operator>>", "Foam::readDouble(", "Foam::readFloat(",
        "Foam::readInt32(", "Foam::readInt64(", "Foam::readUint32(",
        "Foam::readUint64(", "Foam::primitiveEntry::primitiveEntry(",
        "Foam::dictionaryEntry::dictionaryEntry(",
        "Foam::dictionary::substituteScopedKeyword("
    };
    static const char* const values[] =
    {
        "Foam::dictionary::get<", "Foam::dictionary::getOrDefault<",
        "Foam::dictionary::readEntry<", "Foam::dictionary::readIfPresent<"
    };
    static const char* const pinnFoam[] =
    {
        "Foam::pinn", "pinn::", "pinnFuzz::", "LLVMFuzzerTestOneInput"
    };
    static const bool debug = std::getenv("PINN_FUZZ_DEBUG_STACK") != nullptr;
    for (int i = 0; i < n; ++i)
    {
        Dl_info info;
        if (!dladdr(frames[i], &info) || !info.dli_sname)
        {
            continue;
        }
        int status = 0;
        char* name = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
        const std::string f(status == 0 && name ? name : info.dli_sname);
        std::free(name);
        if (debug)
        {
            std::fprintf(stderr, "pinnFuzz: frame %d: %s\n", i, f.substr(0, 150).c_str());
        }
        for (const char* p : pinnFoam)
        {
            if (f.find(p) != std::string::npos)
            {
                return false;
            }
        }
        for (const char* p : parser)
        {
            if (f.find(p) != std::string::npos)
            {
                what = f.substr(0, 160);
                return true;
            }
        }
        for (const char* p : values)
        {
            if (valueReads && f.find(p) != std::string::npos)
            {
                what = f.substr(0, 160);
                return true;
            }
        }
    }
    return false;
}


//- An abort of OpenFOAM's parser (see inFoamParser)
bool foamParserAbort(const Foam::error& err, std::string& what)
{
    const bool valueOfADictionary =
        err.functionName().find("Foam::dictionaryEntry::stream()") != std::string::npos;
    return inFoamParser(what, !valueOfADictionary);
}


//- Once per process and kind: a defect of OpenFOAM's parser met
void noteFoamDefect(const std::string& kind, const std::string& where)
{
    static std::set<std::string> noted;
    if (noted.insert(kind + where).second)
    {
        std::fprintf
        (
            stderr,
            "pinnFuzz: note: %s in OpenFOAM's parser (%s): an OpenFOAM v1912"
            " defect, taken as a clean rejection\n", kind.c_str(), where.c_str()
        );
    }
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


//- The SIGFPE handler before ours (libFuzzer's, or the default)
struct sigaction previousFpe;

void fpeHandler(int sig, siginfo_t* info, void* context)
{
    std::string where;
    #if defined(__x86_64__)
    if (inFoamParser(where))
    {
        noteFoamDefect("floating-point trap", where);
        // mask the exceptions in the interrupted context (SSE and x87,
        // whose pending exception is cleared): the faulting instruction
        // runs again, untrapped
        ucontext_t* uc = static_cast<ucontext_t*>(context);
        uc->uc_mcontext.fpregs->mxcsr |= 0x1f80;
        uc->uc_mcontext.fpregs->mxcsr &= ~0x3fu;
        uc->uc_mcontext.fpregs->cwd |= 0x3f;
        uc->uc_mcontext.fpregs->swd &= ~0x80ffu;
        return;
    }
    #endif
    std::fprintf
    (
        stderr,
        "\npinnFuzz: floating-point trap (pinnFoam would end with SIGFPE under"
        " trapFpe 1)\n"
    );
    if (previousFpe.sa_flags & SA_SIGINFO)
    {
        previousFpe.sa_sigaction(sig, info, context);
    }
    else if
    (
        previousFpe.sa_handler != SIG_DFL && previousFpe.sa_handler != SIG_IGN
    )
    {
        previousFpe.sa_handler(sig);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

} // End anonymous namespace


void Foam::error::abort()
{
    std::string where;
    if (foamParserAbort(*this, where))
    {
        noteFoamDefect("abort(FatalError)", where);
        error errorException(*this);
        messageStreamPtr_->reset();
        throw errorException;
    }
    reportAbort("FatalError", *this, "");
}


void Foam::IOerror::abort()
{
    std::string where;
    if (foamParserAbort(*this, where))
    {
        noteFoamDefect("abort(FatalIOError)", where);
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
    struct sigaction sa;
    std::memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fpeHandler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGFPE, &sa, &previousFpe);
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


bool pinnFuzz::includesFiles(const void* data, const std::size_t size)
{
    static const char directive[] = "#include";
    return memmem(data, size, directive, sizeof(directive) - 1) != nullptr;
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
