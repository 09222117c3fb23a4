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
#include <string>

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

//- Whether x is finite, from its bits (no floating-point operation on a
//  signalling NaN read from a file)
inline bool finiteBits(const double x)
{
    std::uint64_t b;
    std::memcpy(&b, &x, sizeof(b));
    return (b & 0x7ff0000000000000ULL) != 0x7ff0000000000000ULL;
}

inline bool finiteBits(const float x)
{
    std::uint32_t b;
    std::memcpy(&b, &x, sizeof(b));
    return (b & 0x7f800000U) != 0x7f800000U;
}

//- Every value finite (and >= 0 where nonNegative): a state that holds
//  anything else was not written by a trainer
template<class T>
void checkFinite(const std::vector<T>& v, const char* what, const bool nonNegative = false)
{
    for (std::size_t i = 0; i < v.size(); ++i)
    {
        if (!finiteBits(v[i]) || (nonNegative && v[i] < T(0)))
        {
            throw std::runtime_error("pinnFoam state is corrupt: " + std::string(what) + " "
                + std::to_string(i) + " of " + std::to_string(v.size()) + " is "
                + (finiteBits(v[i]) ? std::to_string(double(v[i])) : std::string("not finite")));
        }
    }
}

//- A vector read without an expected length: empty, or of length n
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
    LossTerms t = (cfg_.lbfgsStart >= 0 && iteration_ > cfg_.lbfgsStart && lbfgsReady_)
        ? fTerms_
        : (hostReduce_ ? adamTerms_ : backend_.lastLoss());
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
    get(is, iteration_);
    get(is, nEvals_);

    std::vector<Real> p;
    getVec(is, p, n);
    AdamState<Real> a;
    get(is, a.step);
    getVec(is, a.m, n);
    getVec(is, a.v, n);

    std::int32_t ready;
    get(is, ready);
    lbfgsReady_ = ready != 0;
    getVec(is, x_);
    getVec(is, g_);
    get(is, f_);
    getVec(is, fTerms_.pde);
    getVec(is, fTerms_.bc);
    std::int64_t hist;
    get(is, hist);
    if (hist < 0 || hist > bytesLeft(is) / std::int64_t(2 * sizeof(std::int64_t)))
    {
        throw std::runtime_error("pinnFoam state is truncated or corrupt: an L-BFGS history of "
            + std::to_string(hist) + " pairs");
    }
    s_.assign(hist, {});
    y_.assign(hist, {});
    for (std::int64_t k = 0; k < hist; ++k)
    {
        getVec(is, s_[k], n);
        getVec(is, y_[k], n);
    }

    // What the optimisers compute with must be what a trainer writes: the
    // L-BFGS point, gradient and loss terms of this network and problem
    // (all of them once L-BFGS has started), finite values, Adam's second
    // moment >= 0 and its step count >= 0 (its bias correction divides by
    // 1 - beta^step)
    const Problem& pb = backend_.problem();
    checkLength(x_, n, "the L-BFGS point", lbfgsReady_);
    checkLength(g_, n, "the L-BFGS gradient", lbfgsReady_);
    checkLength(fTerms_.pde, pb.pde.nEq, "the L-BFGS equation loss terms", lbfgsReady_);
    checkLength(fTerms_.bc, pb.nBoundaryGroups, "the L-BFGS boundary loss terms", lbfgsReady_);
    checkFinite(p, "parameter");
    checkFinite(a.m, "Adam first moment");
    checkFinite(a.v, "Adam second moment", true);
    checkFinite(x_, "L-BFGS point");
    checkFinite(g_, "L-BFGS gradient");
    checkFinite(fTerms_.pde, "L-BFGS equation loss term");
    checkFinite(fTerms_.bc, "L-BFGS boundary loss term");
    if (lbfgsReady_ && !finiteBits(f_))
    {
        throw std::runtime_error("pinnFoam state is corrupt: the L-BFGS loss is " + std::to_string(f_));
    }
    for (std::int64_t k = 0; k < hist; ++k)
    {
        checkFinite(s_[k], "L-BFGS step");
        checkFinite(y_[k], "L-BFGS gradient change");
    }
    if (iteration_ < 0 || nEvals_ < 0 || a.step < 0)
    {
        throw std::runtime_error("pinnFoam state is corrupt: iteration " + std::to_string(iteration_)
            + ", loss evaluations " + std::to_string(nEvals_) + ", Adam step "
            + std::to_string(a.step) + " (none may be negative)");
    }
    if (v01)
    {
        balanced_ = false;
        scalePde_ = 1;
        scaleBc_.assign(scaleBc_.size(), 1.0);
        lbfgsFailures_ = 0;
    }
    else
    {
        std::int32_t b;
        get(is, b);
        balanced_ = b != 0;
        get(is, scalePde_);
        std::vector<double> bc;
        getVec(is, bc);
        if (bc.size() != scaleBc_.size())
        {
            throw std::runtime_error("the state has balancing weights for "
                + std::to_string(bc.size()) + " boundary groups where the case has "
                + std::to_string(scaleBc_.size()) + ": the patches changed since it was written");
        }
        std::int32_t f;
        get(is, f);
        const std::vector<double> scales{scalePde_};
        checkFinite(scales, "equation loss weight", true);
        checkFinite(bc, "boundary loss weight", true);
        if (!(scalePde_ > 0) || f < 0
         || std::any_of(bc.begin(), bc.end(), [](const double w) { return !(w > 0); }))
        {
            throw std::runtime_error("pinnFoam state is corrupt: loss weights must be > 0 and the"
                " L-BFGS failure count >= 0 (now " + std::to_string(f) + ")");
        }
        scaleBc_ = bc;
        lbfgsFailures_ = f;
    }
    backend_.setParameters(p.data());
    backend_.setAdamState(a);
    backend_.setTermScales(scalePde_, scaleBc_);
}


template class Trainer<float>;
template class Trainer<double>;

} // namespace pinn
