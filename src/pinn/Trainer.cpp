#include "pinn/Trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <istream>
#include <ostream>
#include <numeric>
#include <stdexcept>

namespace pinn
{

namespace
{

// Version 02 adds the balancing weights; version 01 states read as unbalanced
const char magic[8] = {'p', 'i', 'n', 'n', 'S', 't', '0', '2'};
const char magic01[8] = {'p', 'i', 'n', 'n', 'S', 't', '0', '1'};

template<class T>
void put(std::ostream& os, const T& v)
{
    os.write(reinterpret_cast<const char*>(&v), sizeof(T));
}

template<class T>
void get(std::istream& is, T& v)
{
    is.read(reinterpret_cast<char*>(&v), sizeof(T));
    if (!is) throw std::runtime_error("truncated pinnFoam state");
}

template<class T>
void putVec(std::ostream& os, const std::vector<T>& v)
{
    put(os, std::int64_t(v.size()));
    os.write(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

//- Bytes left in a stream (a corrupt length must not allocate beyond them)
std::int64_t bytesLeft(std::istream& is)
{
    const std::istream::pos_type here = is.tellg();
    if (here < 0) return std::numeric_limits<std::int64_t>::max();
    is.seekg(0, std::ios::end);
    const std::istream::pos_type end = is.tellg();
    is.seekg(here);
    return std::int64_t(end - here);
}

template<class T>
void getVec(std::istream& is, std::vector<T>& v, std::int64_t expected = -1)
{
    std::int64_t n;
    get(is, n);
    if (n < 0 || (expected >= 0 && n != expected))
    {
        throw std::runtime_error("pinnFoam state has a vector of " + std::to_string(n)
            + " entries where " + std::to_string(expected) + " are expected");
    }
    if (n > bytesLeft(is) / std::int64_t(sizeof(T)))
    {
        throw std::runtime_error("pinnFoam state is truncated or corrupt: a vector of "
            + std::to_string(n) + " entries, " + std::to_string(bytesLeft(is))
            + " bytes left in the file");
    }
    v.resize(n);
    is.read(reinterpret_cast<char*>(v.data()), n * sizeof(T));
    if (!is) throw std::runtime_error("truncated pinnFoam state");
}

//- Whether x is NaN or Inf, and which, from its bits: no floating-point
//  operation on what a file holds (a signalling NaN would trap under
//  OpenFOAM's trapFpe)
inline bool nonFinite(const double x, bool& nan)
{
    std::uint64_t b;
    std::memcpy(&b, &x, sizeof(b));
    nan = (b & 0x000fffffffffffffULL) != 0;
    return (b & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL;
}

inline bool nonFinite(const float x, bool& nan)
{
    std::uint32_t b;
    std::memcpy(&b, &x, sizeof(b));
    nan = (b & 0x007fffffU) != 0;
    return (b & 0x7f800000U) == 0x7f800000U;
}

//- A checkpoint's numbers must be finite: NaN or Inf there is a corrupt
//  file or a state written from a diverged run, and training from it
//  would only spread the NaN
template<class T>
void checkFinite(const std::vector<T>& v, const char* what)
{
    for (std::size_t i = 0; i < v.size(); ++i)
    {
        bool nan = false;
        if (nonFinite(v[i], nan))
        {
            throw std::runtime_error("pinnFoam state holds a non-finite number ("
                + std::string(nan ? "nan" : "inf") + ") in " + what
                + " (entry " + std::to_string(i) + " of " + std::to_string(v.size())
                + "): the file is corrupt or was written from a diverged run");
        }
    }
}

//- What a trainer writes, or the file is corrupt: a number >= 0
template<class T>
void checkNonNegative(const std::vector<T>& v, const char* what)
{
    for (std::size_t i = 0; i < v.size(); ++i)
    {
        if (v[i] < T(0))
        {
            throw std::runtime_error("pinnFoam state is corrupt: " + std::string(what)
                + " (entry " + std::to_string(i) + " of " + std::to_string(v.size())
                + ") is " + std::to_string(double(v[i])) + ", below 0");
        }
    }
}

//- A vector read without an expected length: empty, or of length n (n
//  required once the optimiser uses it)
template<class T>
void checkLength(const std::vector<T>& v, const std::int64_t n, const char* what, const bool required)
{
    if ((required || !v.empty()) && std::int64_t(v.size()) != n)
    {
        throw std::runtime_error("pinnFoam state is corrupt: " + std::string(what) + " has "
            + std::to_string(v.size()) + " entries where " + std::to_string(n)
            + " are expected");
    }
}

double dot(const std::vector<double>& a, const std::vector<double>& b)
{
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

} // namespace


template<class Real>
Trainer<Real>::Trainer(Backend<Real>& backend, const TrainerConfig& cfg)
    : backend_(backend), cfg_(cfg), scaleBc_(backend.problem().nBoundaryGroups, 1.0)
{
    if (cfg_.historySize < 1)
    {
        throw std::invalid_argument("L-BFGS history size must be at least 1");
    }
    const BalanceConfig& b = cfg_.balance;
    if (b.interval < 0 || !(b.smoothing >= 0 && b.smoothing < 1) || !(b.maxScale >= 1))
    {
        throw std::invalid_argument(
            "loss balancing: interval >= 0, smoothing in [0, 1) and maxScale >= 1 expected");
    }
}


template<class Real>
void Trainer<Real>::balance()
{
    const int G = int(scaleBc_.size());
    const idx n = backend_.nParams();
    std::vector<Real> p(n);
    backend_.getParameters(p.data());
    const std::vector<double> x(p.begin(), p.end());
    std::vector<double> g, norms(G + 1, 0.0);
    LossTerms terms;
    for (int k = 0; k <= G; ++k)
    {
        std::vector<double> bc(G, 0.0);
        if (k > 0) bc[k - 1] = 1.0;
        backend_.setTermScales(k == 0 ? 1.0 : 0.0, bc);
        evaluate(x, g, terms);
        norms[k] = std::sqrt(dot(g, g));
    }
    const double s = balanced_ ? cfg_.balance.smoothing : 0.0;
    const double ref = norms[0];
    for (int k = 0; k < G; ++k)
    {
        // a group without gradient (no points, or met exactly) keeps its
        // weight, and so do all when the equations have none
        const double norm = norms[k + 1];
        if (!(norm > 0) || !std::isfinite(norm) || !(ref > 0) || !std::isfinite(ref)) continue;
        const double target = std::min(std::max(ref / norm, 1.0), cfg_.balance.maxScale);
        scaleBc_[k] = s * scaleBc_[k] + (1 - s) * target;
    }
    scalePde_ = 1;
    balanced_ = true;
    backend_.setTermScales(scalePde_, scaleBc_);
}


template<class Real>
std::string Trainer<Real>::phase() const
{
    return inLbfgs() ? "lbfgs" : "adam";
}


template<class Real>
double Trainer<Real>::learningRate() const
{
    if (inLbfgs()) return 0;
    return cfg_.adam.learningRate(std::max<std::int64_t>(1, iteration_));
}


template<class Real>
void Trainer<Real>::pointsChanged()
{
    // the loss landscape changed: L-BFGS starts afresh at the current point
    lbfgsReady_ = false;
    s_.clear();
    y_.clear();
}


template<class Real>
double Trainer<Real>::evaluate(
    const std::vector<double>& x, std::vector<double>& g, LossTerms& terms)
{
    const idx n = backend_.nParams();
    buf_.resize(n);
    gbuf_.resize(n);
    for (idx i = 0; i < n; ++i) buf_[i] = Real(x[i]);
    terms = backend_.lossAndGradient(buf_.data(), gbuf_.data());
    if (hostReduce_) allreduceLossAndGradient(*comm_, terms, gbuf_.data(), n);
    ++nEvals_;
    g.resize(n);
    for (idx i = 0; i < n; ++i) g[i] = double(gbuf_[i]);
    return terms.total;
}


template<class Real>
void Trainer<Real>::lbfgsIteration()
{
    const idx n = backend_.nParams();
    if (!lbfgsReady_)
    {
        std::vector<Real> p(n);
        backend_.getParameters(p.data());
        x_.assign(p.begin(), p.end());
        f_ = evaluate(x_, g_, fTerms_);
        lbfgsReady_ = true;
        s_.clear();
        y_.clear();
    }
    if (!std::isfinite(f_))
    {
        return; // the caller sees the non-finite loss and stops
    }

    // Two-loop recursion: d = -H g
    std::vector<double> q = g_;
    const std::size_t m = s_.size();
    std::vector<double> alpha(m), rho(m);
    for (std::size_t k = m; k-- > 0;)
    {
        rho[k] = 1.0 / dot(y_[k], s_[k]);
        alpha[k] = rho[k] * dot(s_[k], q);
        for (idx i = 0; i < n; ++i) q[i] -= alpha[k] * y_[k][i];
    }
    double gamma = 1.0;
    if (m > 0) gamma = dot(s_.back(), y_.back()) / dot(y_.back(), y_.back());
    for (auto& v : q) v *= gamma;
    for (std::size_t k = 0; k < m; ++k)
    {
        const double beta = rho[k] * dot(y_[k], q);
        for (idx i = 0; i < n; ++i) q[i] += (alpha[k] - beta) * s_[k][i];
    }
    std::vector<double> d(n);
    for (idx i = 0; i < n; ++i) d[i] = -q[i];
    double gtd = dot(g_, d);
    if (!(gtd < 0))
    {
        // not a descent direction: restart from steepest descent
        s_.clear();
        y_.clear();
        for (idx i = 0; i < n; ++i) d[i] = -g_[i];
        gtd = dot(g_, d);
    }

    // Backtracking line search (Armijo), first step 1 once curvature is known
    double t = 1.0;
    if (s_.empty())
    {
        double gnorm1 = 0;
        for (double v : g_) gnorm1 += std::abs(v);
        t = std::min(1.0, 1.0 / std::max(gnorm1, 1e-300)) * 1e-1;
    }
    const double c1 = 1e-4;
    std::vector<double> xNew(n), gNew;
    LossTerms termsNew;
    double fNew = f_;
    bool accepted = false;
    for (int ls = 0; ls < cfg_.maxLineSearch; ++ls)
    {
        for (idx i = 0; i < n; ++i) xNew[i] = x_[i] + t * d[i];
        fNew = evaluate(xNew, gNew, termsNew);
        if (std::isfinite(fNew) && fNew <= f_ + c1 * t * gtd)
        {
            accepted = true;
            break;
        }
        // quadratic interpolation of the step, safeguarded
        double tq = -gtd * t * t / (2 * (fNew - f_ - gtd * t));
        if (!std::isfinite(tq) || tq < 0.1 * t || tq > 0.5 * t) tq = 0.5 * t;
        t = tq;
    }
    if (!accepted)
    {
        // no decrease found: drop the curvature history and keep the point
        s_.clear();
        y_.clear();
        ++lbfgsFailures_;
        return;
    }
    lbfgsFailures_ = 0;

    std::vector<double> s(n), y(n);
    for (idx i = 0; i < n; ++i)
    {
        s[i] = xNew[i] - x_[i];
        y[i] = gNew[i] - g_[i];
    }
    const double sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y))
    {
        s_.push_back(std::move(s));
        y_.push_back(std::move(y));
        if (int(s_.size()) > cfg_.historySize)
        {
            s_.pop_front();
            y_.pop_front();
        }
    }
    x_.swap(xNew);
    g_.swap(gNew);
    f_ = fNew;
    fTerms_ = termsNew;

    std::vector<Real> p(x_.begin(), x_.end());
    backend_.setParameters(p.data());
}


template<class Real>
void Trainer<Real>::setCommunicator(Communicator& comm)
{
    comm_ = &comm;
    hostReduce_ = !backend_.setCommunicator(comm) && comm.parallel();
}


template<class Real>
void Trainer<Real>::hostAdamIteration()
{
    // The update of CpuBackend::adamSteps, on the host-reduced gradient
    const idx n = backend_.nParams();
    std::vector<Real> p(n), g(n);
    backend_.getParameters(p.data());
    adamTerms_ = backend_.lossAndGradient(p.data(), g.data());
    allreduceLossAndGradient(*comm_, adamTerms_, g.data(), n);
    AdamState<Real> a = backend_.getAdamState();
    const std::int64_t t = ++a.step;
    adamStepHost(p.data(), a.m.data(), a.v.data(), g.data(), n, t, cfg_.adam);
    backend_.setParameters(p.data());
    backend_.setAdamState(a);
}


template<class Real>
void Trainer<Real>::iterate()
{
    if (inLbfgs())
    {
        lbfgsIteration();
    }
    else
    {
        if (cfg_.balance.interval > 0 && iteration_ % cfg_.balance.interval == 0)
        {
            balance();
        }
        if (hostReduce_)
        {
            hostAdamIteration();
        }
        else
        {
            backend_.adamSteps(1, cfg_.adam);
        }
        ++nEvals_;
    }
    ++iteration_;
}


template<class Real>
LossTerms Trainer<Real>::loss()
{
    return unbalanced((cfg_.lbfgsStart >= 0 && iteration_ > cfg_.lbfgsStart && lbfgsReady_)
        ? fTerms_
        : (hostReduce_ ? adamTerms_ : backend_.lastLoss()));
}


template<class Real>
LossTerms Trainer<Real>::currentLoss()
{
    if (cfg_.lbfgsStart >= 0 && iteration_ > cfg_.lbfgsStart && lbfgsReady_)
    {
        return loss(); // x_ are the parameters
    }
    const idx n = backend_.nParams();
    std::vector<Real> p(n);
    backend_.getParameters(p.data());
    LossTerms t = backend_.lossAndGradient(p.data(), nullptr);
    if (hostReduce_) allreduceLossAndGradient<Real>(*comm_, t, nullptr, n);
    return unbalanced(t);
}


template<class Real>
LossTerms Trainer<Real>::unbalanced(LossTerms t) const
{
    if (!balanced_) return t;
    t.total = 0;
    for (double& v : t.pde)
    {
        v /= scalePde_;
        t.total += v;
    }
    for (std::size_t k = 0; k < t.bc.size() && k < scaleBc_.size(); ++k)
    {
        t.bc[k] /= scaleBc_[k];
        t.total += t.bc[k];
    }
    return t;
}


template<class Real>
void Trainer<Real>::write(std::ostream& os)
{
    const idx n = backend_.nParams();
    os.write(magic, sizeof(magic));
    put(os, std::int32_t(sizeof(Real)));
    put(os, std::int64_t(n));
    put(os, iteration_);
    put(os, nEvals_);

    std::vector<Real> p(n);
    backend_.getParameters(p.data());
    putVec(os, p);
    const AdamState<Real> a = backend_.getAdamState();
    put(os, a.step);
    putVec(os, a.m);
    putVec(os, a.v);

    put(os, std::int32_t(lbfgsReady_));
    putVec(os, x_);
    putVec(os, g_);
    put(os, f_);
    putVec(os, fTerms_.pde);
    putVec(os, fTerms_.bc);
    put(os, std::int64_t(s_.size()));
    for (std::size_t k = 0; k < s_.size(); ++k)
    {
        putVec(os, s_[k]);
        putVec(os, y_[k]);
    }
    put(os, std::int32_t(balanced_));
    put(os, scalePde_);
    putVec(os, scaleBc_);
    put(os, std::int32_t(lbfgsFailures_));
    if (!os) throw std::runtime_error("could not write the pinnFoam state");
}


template<class Real>
void Trainer<Real>::read(std::istream& is)
{
    char m[8];
    is.read(m, sizeof(m));
    const bool v01 = is && std::memcmp(m, magic01, sizeof(m)) == 0;
    if (!is || (!v01 && std::memcmp(m, magic, sizeof(m)) != 0))
    {
        throw std::runtime_error("not a pinnFoam state file (bad magic)");
    }
    std::int32_t realSize;
    get(is, realSize);
    if (realSize != std::int32_t(sizeof(Real)))
    {
        throw std::runtime_error("the state was written in "
            + std::string(realSize == 4 ? "float" : "double")
            + " precision; set 'precision' in pinnProperties to match or start afresh");
    }
    const idx n = backend_.nParams();
    std::int64_t nFile;
    get(is, nFile);
    if (nFile != n)
    {
        throw std::runtime_error("the state holds " + std::to_string(nFile)
            + " parameters but the network in "
              "pinnProperties has "
            + std::to_string(n) + ": the network changed since it was written");
    }
    std::int64_t iteration, nEvals;
    get(is, iteration);
    get(is, nEvals);

    // Everything is read and checked before any of it is used
    std::vector<Real> p;
    getVec(is, p, n);
    checkFinite(p, "the network parameters");
    AdamState<Real> a;
    get(is, a.step);
    getVec(is, a.m, n);
    getVec(is, a.v, n);
    checkFinite(a.m, "the Adam first moments");
    checkFinite(a.v, "the Adam second moments");
    // (Adam's update takes the root of v and divides by 1 - beta^step)
    checkNonNegative(a.v, "an Adam second moment");
    if (iteration < 0 || nEvals < 0 || a.step < 0)
    {
        throw std::runtime_error("pinnFoam state is corrupt: iteration " + std::to_string(iteration)
            + ", loss evaluations " + std::to_string(nEvals) + ", Adam step "
            + std::to_string(a.step) + " (none may be negative)");
    }

    std::int32_t ready;
    get(is, ready);
    std::vector<double> x, g;
    double f;
    LossTerms fTerms;
    getVec(is, x);
    getVec(is, g);
    get(is, f);
    getVec(is, fTerms.pde);
    getVec(is, fTerms.bc);
    checkFinite(x, "the L-BFGS point");
    checkFinite(g, "the L-BFGS gradient");
    checkFinite(fTerms.pde, "the L-BFGS loss terms");
    checkFinite(fTerms.bc, "the L-BFGS loss terms");
    if (ready) checkFinite(std::vector<double>(1, f), "the L-BFGS loss");
    // The L-BFGS point, gradient and loss terms are of this network and
    // problem (all of them once L-BFGS has started: a short point overran
    // the line search)
    const Problem& pb = backend_.problem();
    checkLength(x, n, "the L-BFGS point", ready != 0);
    checkLength(g, n, "the L-BFGS gradient", ready != 0);
    checkLength(fTerms.pde, pb.pde.nEq, "the L-BFGS equation loss terms", ready != 0);
    checkLength(fTerms.bc, pb.nBoundaryGroups, "the L-BFGS boundary loss terms", ready != 0);
    std::int64_t hist;
    get(is, hist);
    if (hist < 0 || hist > bytesLeft(is) / std::int64_t(2 * sizeof(std::int64_t)))
    {
        throw std::runtime_error("pinnFoam state is truncated or corrupt: an L-BFGS history of "
            + std::to_string(hist) + " pairs");
    }
    std::deque<std::vector<double>> sHist(hist), yHist(hist);
    for (std::int64_t k = 0; k < hist; ++k)
    {
        getVec(is, sHist[k], n);
        getVec(is, yHist[k], n);
        checkFinite(sHist[k], "the L-BFGS history");
        checkFinite(yHist[k], "the L-BFGS history");
    }
    bool balanced = false;
    double scalePde = 1;
    std::vector<double> scaleBc(scaleBc_.size(), 1.0);
    std::int32_t failures = 0;
    if (!v01)
    {
        std::int32_t b;
        get(is, b);
        balanced = b != 0;
        get(is, scalePde);
        getVec(is, scaleBc);
        if (scaleBc.size() != scaleBc_.size())
        {
            throw std::runtime_error("the state has balancing weights for "
                + std::to_string(scaleBc.size()) + " boundary groups where the case has "
                + std::to_string(scaleBc_.size()) + ": the patches changed since it was written");
        }
        checkFinite(std::vector<double>(1, scalePde), "the balancing weights");
        checkFinite(scaleBc, "the balancing weights");
        get(is, failures);
        if
        (
            !(scalePde > 0) || failures < 0
         || std::any_of(scaleBc.begin(), scaleBc.end(), [](const double w) { return !(w > 0); })
        )
        {
            throw std::runtime_error("pinnFoam state is corrupt: the balancing weights must be > 0"
                " and the L-BFGS failure count >= 0 (now " + std::to_string(failures) + ")");
        }
    }

    iteration_ = iteration;
    nEvals_ = nEvals;
    backend_.setParameters(p.data());
    backend_.setAdamState(a);
    lbfgsReady_ = ready != 0;
    x_.swap(x);
    g_.swap(g);
    f_ = f;
    fTerms_ = fTerms;
    s_.swap(sHist);
    y_.swap(yHist);
    balanced_ = balanced;
    scalePde_ = scalePde;
    scaleBc_ = scaleBc;
    lbfgsFailures_ = failures;
    backend_.setTermScales(scalePde_, scaleBc_);
}


template class Trainer<float>;
template class Trainer<double>;

} // namespace pinn
