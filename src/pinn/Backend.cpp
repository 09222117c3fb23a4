/*---------------------------------------------------------------------------*\
  pinnFoam core: Backend.cpp

  Description
      The registry of backends by name (BackendRegistry.hpp), the "cpu"
      entry, newBackend and gpuAvailable.
\*---------------------------------------------------------------------------*/

#include "pinn/Backend.hpp"
#include "pinn/BackendRegistry.hpp"
#include "pinn/CpuBackend.hpp"

#include <dlfcn.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>

namespace pinn
{

Communicator& serialCommunicator()
{
    static SerialCommunicator serial;
    return serial;
}


void CudaKernelOptions::check() const
{
    if (forwardVariant < 0 || forwardVariant > 2)
    {
        throw std::invalid_argument("CudaKernelOptions::forwardVariant "
            + std::to_string(forwardVariant) + " is not one of 0 1 2");
    }
    if (mma > 7)
    {
        throw std::invalid_argument("CudaKernelOptions::mma " + std::to_string(mma)
            + " has bits other than 1 (forward), 2 (backward data gradient)"
              " and 4 (weight gradient)");
    }
}


namespace
{

struct Registry
{
    std::mutex mutex;
    std::map<std::string, BackendEntry> entries;
    //- libraries already tried, with the loader's message if they failed
    std::map<std::string, std::string> tried;
};

Registry& registry()
{
    static Registry r;
    return r;
}

//- The library that provides a backend that is not part of the core
std::string pluginOf(const std::string& name)
{
    return name == "gpu" ? "libpinnCuda.so" : "";
}

//- The directory of the object that holds this function (libpinn.so)
std::string ownDirectory()
{
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&ownDirectory), &info) && info.dli_fname)
    {
        const std::string f(info.dli_fname);
        const auto slash = f.rfind('/');
        if (slash != std::string::npos) return f.substr(0, slash + 1);
    }
    return "";
}

//- dlopen the plugin, first beside libpinn.so, then by the loader's search;
//  the reason in why if neither works. Called without the registry's lock:
//  the plugin's static registration takes it.
bool loadPlugin(const std::string& lib, std::string& why)
{
    const std::string dir = ownDirectory();
    std::string msg;
    for (const std::string& path : {dir.empty() ? std::string() : dir + lib, lib})
    {
        if (path.empty()) continue;
        dlerror();
        if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL)) return true;
        const char* e = dlerror();
        if (msg.empty() && e) msg = e;
    }
    why = msg;
    return false;
}


std::unique_ptr<Backend<float>> makeCpuFloat(const Problem& pb, const BackendOptions& o)
{
    return std::unique_ptr<Backend<float>>(new CpuBackend<float>(pb, o));
}

std::unique_ptr<Backend<double>> makeCpuDouble(const Problem& pb, const BackendOptions& o)
{
    return std::unique_ptr<Backend<double>>(new CpuBackend<double>(pb, o));
}

bool cpuUsable(std::string& msg)
{
    msg = "CPU (OpenBLAS and threads)";
    return true;
}

const BackendRegistration cpuRegistration(
    BackendEntry{"cpu", "CPU: OpenBLAS and threads", &makeCpuFloat, &makeCpuDouble, &cpuUsable});


template<class Real>
typename BackendEntry::Factory<Real> factory(const BackendEntry& e);

template<>
BackendEntry::Factory<float> factory<float>(const BackendEntry& e)
{
    return e.makeFloat;
}

template<>
BackendEntry::Factory<double> factory<double>(const BackendEntry& e)
{
    return e.makeDouble;
}

} // namespace


void registerBackend(const BackendEntry& entry)
{
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.entries[entry.name] = entry;
}


const BackendEntry* findBackend(const std::string& name, std::string& why)
{
    Registry& r = registry();
    std::string lib;
    {
        std::lock_guard<std::mutex> lock(r.mutex);
        auto it = r.entries.find(name);
        if (it != r.entries.end()) return &it->second;
        lib = pluginOf(name);
        if (lib.empty())
        {
            std::vector<std::string> valid;
            for (const auto& e : r.entries) valid.push_back(e.first);
            for (const char* p : {"gpu"})
            {
                if (!r.entries.count(p)) valid.push_back(p);
            }
            std::sort(valid.begin(), valid.end());
            why = "unknown backend '" + name + "' (valid:";
            for (const std::string& v : valid) why += " " + v;
            why += ")";
            return nullptr;
        }
        auto t = r.tried.find(lib);
        if (t != r.tried.end())
        {
            why = t->second;
            return nullptr;
        }
    }
    std::string loadWhy;
    const bool loaded = loadPlugin(lib, loadWhy);
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.entries.find(name);
    if (it != r.entries.end()) return &it->second;
    why = loaded ? lib + " was loaded but registered no backend '" + name + "'"
                 : "the " + name + " backend's library " + lib + " could not be loaded (" + loadWhy
            + "); rebuild pinnFoam (./Allwmake) or set 'device cpu;'";
    r.tried[lib] = why;
    return nullptr;
}


std::vector<std::string> backendNames()
{
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::vector<std::string> names;
    for (const auto& e : r.entries) names.push_back(e.first);
    return names;
}


double hostMemoryBytes()
{
    double memory = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE));
    if (!(memory > 0)) memory = 0;
    rlimit as;
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
    {
        memory = memory > 0 ? std::min(memory, double(as.rlim_cur)) : double(as.rlim_cur);
    }
    return memory;
}


bool gpuAvailable(std::string& msg)
{
    const BackendEntry* e = findBackend("gpu", msg);
    return e && e->usable && e->usable(msg);
}


template<class Real>
std::unique_ptr<Backend<Real>> newBackend(
    const std::string& kind, const Problem& problem, const BackendOptions& opts)
{
    std::string why;
    const BackendEntry* e = findBackend(kind, why);
    if (!e)
    {
        throw std::runtime_error(why);
    }
    if (e->usable && !e->usable(why))
    {
        throw std::runtime_error(why);
    }
    const auto make = factory<Real>(*e);
    if (!make)
    {
        throw std::runtime_error("backend '" + kind + "' has no factory for this precision");
    }
    return make(problem, opts);
}

template std::unique_ptr<Backend<float>> newBackend<float>(
    const std::string&, const Problem&, const BackendOptions&);
template std::unique_ptr<Backend<double>> newBackend<double>(
    const std::string&, const Problem&, const BackendOptions&);

} // namespace pinn
