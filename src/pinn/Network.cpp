#include "pinn/Network.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

namespace pinn
{

std::vector<int> NetworkSpec::sizes() const
{
    std::vector<int> s;
    s.push_back(inputDim);
    for (int h : hidden) s.push_back(h);
    s.push_back(nOutputs);
    return s;
}

int NetworkSpec::maxWidth() const
{
    const auto s = sizes();
    return *std::max_element(s.begin(), s.end());
}

idx NetworkSpec::nParams() const
{
    const auto s = sizes();
    idx n = 0;
    for (std::size_t l = 0; l + 1 < s.size(); ++l) n += idx(s[l + 1]) * (s[l] + 1);
    return n;
}

idx NetworkSpec::weightOffset(int l) const
{
    const auto s = sizes();
    idx n = 0;
    for (int k = 0; k < l; ++k) n += idx(s[k + 1]) * (s[k] + 1);
    return n;
}

idx NetworkSpec::biasOffset(int l) const
{
    const auto s = sizes();
    return weightOffset(l) + idx(s[l + 1]) * s[l];
}

std::string NetworkSpec::describe() const
{
    std::ostringstream os;
    const auto s = sizes();
    for (std::size_t i = 0; i < s.size(); ++i) os << (i ? "-" : "") << s[i];
    os << ' ' << (activation == Activation::tanh ? "tanh" : "sin") << ", " << nParams()
       << " parameters";
    return os.str();
}

template<class Real>
void glorotInit(const NetworkSpec& net, std::uint64_t seed, Real* params)
{
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> U(-1.0, 1.0);
    const auto s = net.sizes();
    for (int l = 0; l < net.nLayers(); ++l)
    {
        const double lim = std::sqrt(6.0 / (s[l] + s[l + 1]));
        Real* W = params + net.weightOffset(l);
        for (idx i = 0; i < idx(s[l]) * s[l + 1]; ++i) W[i] = Real(lim * U(gen));
        Real* b = params + net.biasOffset(l);
        for (int j = 0; j < s[l + 1]; ++j) b[j] = Real(0);
    }
}

template void glorotInit<float>(const NetworkSpec&, std::uint64_t, float*);
template void glorotInit<double>(const NetworkSpec&, std::uint64_t, double*);

} // namespace pinn
