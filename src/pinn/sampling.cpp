/*---------------------------------------------------------------------------*\
  pinnFoam core: sampling.cpp
\*---------------------------------------------------------------------------*/

#include "pinn/sampling.hpp"

#include <stdexcept>
#include <string>

namespace pinn
{
namespace sampling
{

void CellTable::check() const
{
    const idx nG = nGlobal();
    const idx nL = nLocal();
    auto fail = [](const std::string& what)
    { throw std::invalid_argument("cell table: " + what); };
    if (nG < 1) fail("no cells");
    if (idx(localCell.size()) != nG) fail("one local index per global cell expected");
    if (idx(centre.size()) != 3 * nL) fail("three centre coordinates per local cell expected");
    if (tetStart.empty() || tetStart.front() != 0) fail("tetStart must start at 0");
    for (idx c = 0; c < nL; ++c)
    {
        if (tetStart[c + 1] <= tetStart[c]) fail("a local cell without tets");
    }
    const idx nT = tetStart.back();
    if (idx(tetVolume.size()) != nT || idx(tets.size()) != 9 * nT)
    {
        fail("nine coordinates and one volume per tet expected");
    }
    idx nHere = 0;
    for (idx g = 0; g < nG; ++g)
    {
        if (!(cellVolume[g] >= 0)) fail("negative or NaN cell volume");
        if (localCell[g] >= nL || localCell[g] < -1) fail("local cell index out of range");
        nHere += localCell[g] >= 0;
    }
    if (nHere != nL) fail("every local cell must be the local cell of one global cell");
    if (dim < 1 || dim > 3) fail("dimension out of range");
    for (int d = 0; d < dim; ++d)
    {
        if (component[d] < 0 || component[d] > 2) fail("component out of range");
    }
    if (!(length > 0)) fail("length must be positive");
}


void InteriorDraw::check(const CellTable& t) const
{
    if (n < 0) throw std::invalid_argument("interior draw: negative number of points");
    if (stream > 255) throw std::invalid_argument("interior draw: stream above 255");
    if (draw >> 48) throw std::invalid_argument("interior draw: draw index above 2^48");
    if (!density.empty() && idx(density.size()) != t.nGlobal())
    {
        throw std::invalid_argument("interior draw: one density value per global cell expected");
    }
    if (!factor.empty() && idx(factor.size()) != t.nGlobal())
    {
        throw std::invalid_argument("interior draw: one weight factor per global cell expected");
    }
    if (!source.empty() && idx(source.size()) != t.nGlobal())
    {
        throw std::invalid_argument("interior draw: one source value per global cell expected");
    }
}


void drawReference(const CellTable& t, const InteriorDraw& d, std::vector<double>& x,
    std::vector<double>& w, std::vector<idx>* globalCell, std::vector<double>* source)
{
    t.check();
    d.check(t);
    const idx nG = t.nGlobal();
    std::vector<double> cum(nG);
    double sum = 0;
    for (idx g = 0; g < nG; ++g)
    {
        const double dens = d.density.empty() ? 1.0 : (d.density[g] > 0 ? d.density[g] : 0.0);
        sum += d.density.empty() ? t.cellVolume[g] : t.cellVolume[g] * dens;
        cum[g] = sum;
    }
    if (!(sum > 0)) throw std::invalid_argument("interior draw: the density is zero everywhere");

    x.clear();
    w.clear();
    if (globalCell) globalCell->clear();
    if (source) source->clear();
    for (idx k = 0; k < d.n; ++k)
    {
        double u[5];
        pointUniforms(d.seed, d.draw, d.stream, std::uint64_t(k), u);
        const idx g = pickCumulative(cum.data(), nG, u[0]);
        const idx c = t.localCell[g];
        if (c < 0) continue;
        double p[3];
        placeInCell(t.centre.data() + 3 * c, t.tets.data(), t.tetVolume.data(), t.tetStart[c],
            t.tetStart[c + 1], t.cellVolume[g], u, p);
        for (int i = 0; i < t.dim; ++i)
        {
            const int cm = t.component[i];
            x.push_back(divRn(subRn(p[cm], t.origin[cm]), t.length));
        }
        w.push_back(d.factor.empty() ? d.weight : d.weight * d.factor[g]);
        if (globalCell) globalCell->push_back(g);
        if (source && !d.source.empty()) source->push_back(d.source[g]);
    }
}

} // namespace sampling
} // namespace pinn
