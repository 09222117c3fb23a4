/*---------------------------------------------------------------------------*\
  pinnFoam core: BackendRegistry.hpp

  Description
      Backends by name. The core registers "cpu"; a backend in a library of
      its own (the CUDA backend, libpinnCuda.so) registers itself when that
      library is loaded, with a static BackendRegistration. The core never
      links such a library: when a name is asked for that is not registered
      yet, the registry loads the library known to provide it from the
      directory that holds libpinn.so itself (then by the loader's search),
      so a CPU-only build, a CPU-only test and a machine without the CUDA
      runtime never touch CUDA.

      A build without CUDA installs a libpinnCuda.so of the same names whose
      "gpu" entry says that pinnFoam was built without CUDA (as Ginkgo's
      stubs do), so that callers need no conditional compilation.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/Backend.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pinn
{

//- What a backend library registers
struct BackendEntry
{
    template<class Real>
    using Factory = std::unique_ptr<Backend<Real>> (*)(const Problem&, const BackendOptions&);

    std::string name; //- as in 'device <name>;'
    std::string description;
    Factory<float> makeFloat = nullptr;
    Factory<double> makeDouble = nullptr;

    //- Whether the backend can run here; the reason (or what it runs on)
    //  in msg. Never throws.
    bool (*usable)(std::string& msg) = nullptr;
};

//- Adds (or replaces) the entry of its name
void registerBackend(const BackendEntry& entry);

//- The entry of a name, loading the library that provides it where it is
//  known and not loaded yet; nullptr if there is none, with the reason
//  (e.g. the loader's message) in why
const BackendEntry* findBackend(const std::string& name, std::string& why);

//- Names registered now, sorted
std::vector<std::string> backendNames();

//- Registers an entry when the object is constructed: a namespace-scope
//  object of this type in a backend library registers it at load time
struct BackendRegistration
{
    explicit BackendRegistration(const BackendEntry& entry) { registerBackend(entry); }
};

} // namespace pinn
