/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnAdaptiveSamplers.H"
#include "pinnDict.H"
#include "polyMesh.H"
#include "Time.H"
#include "OSspecific.H"
#include "PstreamReduceOps.H"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <sstream>
#include <string>

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
namespace pinnSamplers
{
    defineTypeNameAndDebug(adaptiveSampler, 0);
}
}


// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * * //

namespace
{

//- The first line of a sampler state
const char* const stateMagic = "pinnSamplerState 1";

//- Bytes left in a stream (a corrupt length must not allocate or read
//  beyond them)
std::int64_t bytesLeft(std::istream& is)
{
    const std::istream::pos_type here = is.tellg();
    if (here < 0)
    {
        return 0;
    }
    is.seekg(0, std::ios::end);
    const std::istream::pos_type end = is.tellg();
    is.seekg(here);
    return std::int64_t(end - here);
}

//- Whether x is finite, from its bits: no floating-point operation, which
//  a signalling NaN read from a damaged file would trap (trapFpe)
bool finiteBits(const double x)
{
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof(bits));
    return (bits & 0x7ff0000000000000ULL) != 0x7ff0000000000000ULL;
}

} // End anonymous namespace


void Foam::pinnSamplers::adaptiveSampler::writeScalars
(
    std::ostream& os,
    const UList<scalar>& v
)
{
    const std::int64_t n = v.size();
    os.write(reinterpret_cast<const char*>(&n), sizeof(n));
    if (n)
    {
        os.write(reinterpret_cast<const char*>(v.cdata()), n*sizeof(scalar));
    }
}


void Foam::pinnSamplers::adaptiveSampler::readScalars
(
    std::istream& is,
    const fileName& file,
    const label expected,
    scalarList& v
)
{
    std::int64_t n = -1;
    is.read(reinterpret_cast<char*>(&n), sizeof(n));
    if (!is || n < 0 || (expected >= 0 && n != 0 && n != expected))
    {
        FatalErrorInFunction
            << "Sampler state in " << file << " is damaged or belongs to"
            << " another mesh (a list of " << std::to_string(n).c_str()
            << " values where " << expected << " were expected)" << nl
            << "    Start from the initial time, or from a time written for"
            << " this mesh" << exit(FatalError);
    }
    // A corrupt length must not allocate, or read, beyond the file
    const std::int64_t left = bytesLeft(is);
    if (n > left/std::int64_t(sizeof(scalar)) || n > labelMax)
    {
        FatalErrorInFunction
            << "Sampler state in " << file << " is truncated or damaged: a"
            << " list of " << std::to_string(n).c_str() << " values, "
            << std::to_string(left).c_str() << " bytes left in the file" << nl
            << "    Start from the initial time, or from an earlier time"
            << exit(FatalError);
    }
    v.setSize(label(n));
    if (n)
    {
        is.read(reinterpret_cast<char*>(v.data()), n*sizeof(scalar));
    }
    if (!is)
    {
        FatalErrorInFunction
            << "Sampler state in " << file << " is truncated" << nl
            << "    Start from the initial time, or from an earlier time"
            << exit(FatalError);
    }
    forAll(v, i)
    {
        if (!finiteBits(v[i]))
        {
            FatalErrorInFunction
                << "Sampler state in " << file << " is damaged: value " << i
                << " of a list of " << v.size() << " is not finite" << nl
                << "    Start from the initial time, or from an earlier time"
                << exit(FatalError);
        }
    }
}


void Foam::pinnSamplers::adaptiveSampler::readDensity
(
    std::istream& is,
    const fileName& file,
    const label expected,
    scalarList& d
)
{
    readScalars(is, file, expected, d);
    // A density relative to uniform has mean 1 over the cells' volumes (the
    // faces' areas), so its largest value is at least 1: the draw then has
    // a positive total weight. (The largest a residual gives is far below
    // 1e100.)
    scalar lo = 0, hi = 1;
    if (d.size())
    {
        lo = min(d);
        hi = max(d);
    }
    if (!(lo >= 0 && hi >= 1 - 1e-6 && hi <= 1e100))
    {
        FatalErrorInFunction
            << "Sampler state in " << file << " is damaged: a density of "
            << d.size() << " values from " << lo << " to " << hi << " (a"
            << " density relative to uniform is >= 0, <= 1e100 and has a"
            << " largest value of at least 1)" << nl
            << "    Start from the initial time, or from an earlier time"
            << exit(FatalError);
    }
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnSamplers::adaptiveSampler::adaptiveSampler
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms,
    const wordList& extraKeys
)
:
    pinnSampler(dict, lossDict, domain, terms),
    interval_(pinnDict::getPositive<label>(dict, "resampleInterval")),
    k_(pinnDict::getOrDefaultNonNegative<scalar>(dict, "k", 1)),
    c_(pinnDict::getOrDefaultNonNegative<scalar>(dict, "c", 1)),
    weighted_(pinnDict::getOrDefault<bool>(dict, "weighted", false)),
    adaptBoundary_(pinnDict::getOrDefault<bool>(dict, "adaptBoundary", true)),
    stateDraw_(0),
    faceDensity_(groupPatch_.size()),
    faceGlobal_(groupPatch_.size()),
    cellResidual_(),
    boundaryResidual_(0),
    startTimeName_(domain.mesh().time().timeName())
{
    wordList keys
    ({
        "type", "nInterior", "nBoundary", "seed", "resampleInterval", "k",
        "c", "weighted", "adaptBoundary"
    });
    keys.append(extraKeys);
    pinnDict::checkKeys(dict, keys);

    if (weighted_ && c_ <= 0)
    {
        FatalIOErrorInFunction(dict)
            << "weighted true needs c > 0 in " << dict.name() << ": with c 0"
            << " the density vanishes where the residual does and its"
            << " inverse, the loss weight, is unbounded" << nl
            << "    Set c (e.g. 1) or weighted false"
            << exit(FatalIOError);
    }

    // Global face order of each group's patch (importance weights of
    // boundary samples are looked up by it)
    forAll(groupPatch_, grp)
    {
        domain_.globalPatchFaces(groupPatch_[grp], faceGlobal_[grp]);
    }
}


// * * * * * * * * * * * * * Protected Member Functions  * * * * * * * * * * //

Foam::scalarList Foam::pinnSamplers::adaptiveSampler::radDensity
(
    const scalarList& r,
    const UList<scalar>& measure
) const
{
    scalarList p(r.size());
    scalar sum = 0;
    scalar total = 0;
    forAll(r, i)
    {
        if (!std::isfinite(r[i]))
        {
            FatalErrorInFunction
                << "The network's residual is not finite at a resample:"
                << " training has diverged" << nl
                << "    Nothing was written for this time: restart from the"
                << " last time written ('startFrom latestTime;' in"
                << " system/controlDict) with a smaller optimiser/learningRate"
                << exit(FatalError);
        }
        p[i] = k_ == 0 ? scalar(1) : std::pow(mag(r[i]), k_);
        sum += measure[i]*p[i];
        total += measure[i];
    }
    const scalar mean = total > 0 ? sum/total : 0;
    scalarList d(r.size(), 1.0);
    if (mean > 0)
    {
        // |r|^k/mean(|r|^k) + c, normalised to mean 1 over the measure
        forAll(d, i)
        {
            d[i] = (p[i]/mean + c_)/(1 + c_);
        }
    }
    return d;
}


const Foam::scalarList* Foam::pinnSamplers::adaptiveSampler::faceDensity
(
    const label grp
) const
{
    if (!adaptBoundary_ || faceDensity_[grp].empty())
    {
        return nullptr;
    }
    return &faceDensity_[grp];
}


Foam::scalarList Foam::pinnSamplers::adaptiveSampler::boundaryWeightFactors
(
    const label grp,
    const pinnDomain::boundarySamples& samples
) const
{
    const scalarList* q = faceDensity(grp);
    if (!weighted_ || !q)
    {
        return scalarList();
    }
    scalarList f(samples.size());
    forAll(f, i)
    {
        f[i] = 1/(*q)[faceGlobal_[grp][samples.face[i]]];
    }
    return f;
}


Foam::scalar Foam::pinnSamplers::adaptiveSampler::interiorWeightFactor
(
    const label g
) const
{
    const scalarList* q = cellDensity();
    if (!weighted_ || !q || q->empty())
    {
        return 1;
    }
    return 1/(*q)[g];
}


void Foam::pinnSamplers::adaptiveSampler::adaptBoundary()
{
    const polyBoundaryMesh& pbm = domain_.mesh().boundaryMesh();
    scalar sumAR = 0;
    scalar sumA = 0;
    forAll(groupPatch_, grp)
    {
        const label patchi = groupPatch_[grp];
        const polyPatch& pp = pbm[patchi];
        const label n = pp.size();

        // One sample at each face centre
        pinnDomain::boundarySamples bs;
        bs.points = pp.faceCentres();
        bs.patch.setSize(n, patchi);
        bs.face = identity(n);
        bs.normal = pp.faceNormals();
        bs.wCentre.setSize(n, 1.0);
        bs.point0.setSize(n);
        forAll(bs.point0, f)
        {
            bs.point0[f] = pp.localFaces()[f][0];
        }
        bs.point1 = bs.point0;
        bs.w0.setSize(n, 0.0);
        bs.w1.setSize(n, 0.0);

        pinn::BoundarySet<double> rows;
        appendRows(grp, bs, 1, scalarList(), rows);
        scalarList r;
        residuals_->boundary(rows, r);

        // Norm over the patch's conditions: the rows come output by output
        const label nCond = n > 0 ? r.size()/n : 0;
        scalarField rFace(n, Zero);
        forAll(rFace, f)
        {
            scalar s = 0;
            for (label c = 0; c < nCond; ++c)
            {
                s += sqr(r[c*n + f]);
            }
            rFace[f] = std::sqrt(s);
        }
        const scalarField area(mag(pp.faceAreas()));
        const scalarList rGlobal(domain_.globalPatchValues(patchi, rFace));
        const scalarList aGlobal(domain_.globalPatchValues(patchi, area));
        forAll(rGlobal, f)
        {
            sumAR += aGlobal[f]*rGlobal[f];
            sumA += aGlobal[f];
        }
        if (adaptBoundary_)
        {
            faceDensity_[grp] = radDensity(rGlobal, aGlobal);
        }
    }
    boundaryResidual_ = sumA > 0 ? sumAR/sumA : 0;
}


void Foam::pinnSamplers::adaptiveSampler::writeStatistics
(
    const label drawi,
    const scalar seconds
) const
{
    const label nCells = domain_.nGlobalCells();

    // Residual over the cells (volume-weighted mean)
    scalar sumVR = 0;
    scalar sumV = 0;
    scalar maxR = 0;
    forAll(cellResidual_, g)
    {
        const scalar V = domain_.globalCellVolume(g);
        sumVR += V*cellResidual_[g];
        sumV += V;
        maxR = max(maxR, cellResidual_[g]);
    }
    const scalar meanR = sumV > 0 ? sumVR/sumV : 0;

    // Points of the new draw per cell
    List<point> pts;
    labelList cells;
    scalarList w;
    interiorPoints(drawi, pts, cells, w);
    scalarField localCount(domain_.mesh().nCells(), Zero);
    forAll(cells, i)
    {
        localCount[cells[i]] += 1;
    }
    const scalarList count(domain_.globalCellValues(localCount));
    const scalar nPts = sum(count);

    // Share of the points in the tenth of the cells with largest residual
    labelList order(identity(nCells));
    std::stable_sort
    (
        order.begin(), order.end(),
        [&](const label a, const label b)
        {
            return cellResidual_[a] > cellResidual_[b];
        }
    );
    const label nTop = max(label(std::ceil(0.1*nCells)), 1);
    scalar inTop = 0;
    for (label i = 0; i < min(nTop, nCells); ++i)
    {
        inTop += count[order[i]];
    }

    // Effective sample size of the importance weights 1/q, q the density
    // relative to uniform (the sampler's own, or the points per cell
    // against the volumes)
    const scalarList* q = cellDensity();
    scalar sw = 0;
    scalar sw2 = 0;
    forAll(count, g)
    {
        if (count[g] <= 0)
        {
            continue;
        }
        const scalar qg =
            q && !q->empty()
          ? (*q)[g]
          : (count[g]/nPts)/(domain_.globalCellVolume(g)/sumV);
        sw += count[g]/qg;
        sw2 += count[g]/sqr(qg);
    }
    const scalar ess = nPts > 0 && sw2 > 0 ? sqr(sw)/(nPts*sw2) : 0;
    const scalar share = nPts > 0 ? inTop/nPts : 0;

    Info<< "pinnFoam: resample " << drawi << " (" << type() << ", iteration "
        << drawi*interval_ << "): residual mean " << meanR << " max " << maxR
        << ", boundary residual mean " << boundaryResidual_ << "; "
        << 100*share << "% of the points in the 10% of cells with the"
        << " largest residual, effective sample size " << ess << " n, "
        << seconds << " s" << nl;

    if (!Pstream::master())
    {
        return;
    }
    if (!statsFile_.valid())
    {
        const Time& runTime = domain_.mesh().time();
        const fileName dir =
            runTime.globalPath()/"postProcessing"/"pinnFoam"/startTimeName_;
        mkDir(dir);
        const fileName file = dir/"sampling.dat";
        // appended to after a restart, as the other files of the run
        const bool fresh = !isFile(file);
        statsFile_.reset
        (
            new OFstream
            (
                file, IOstream::ASCII, IOstream::currentVersion,
                IOstream::UNCOMPRESSED, true
            )
        );
        if (fresh)
        {
            statsFile_()
                << "# pinnFoam sampling statistics at each resample ("
                << type() << "): residual norm at the cell centres (network"
                << " units; volume-weighted mean), share of the interior"
                << " points in the 10% of cells with the largest residual,"
                << " effective sample size / n of the weights 1/density,"
                << " area-weighted mean boundary-term residual, seconds spent"
                << nl << "# Time draw meanResidual maxResidual top10Share"
                << " ESSfraction meanBoundaryResidual seconds" << endl;
        }
    }
    OFstream& os = statsFile_();
    os.precision(8);
    os  << drawi*interval_ << " " << drawi << " " << meanR << " " << maxR << " "
        << share << " " << ess << " " << boundaryResidual_ << " " << seconds
        << endl;
}


void Foam::pinnSamplers::adaptiveSampler::writePoints
(
    std::ostream& os,
    const List<point>& points,
    const labelList& cells
) const
{
    // (global cell, x, y, z) of every processor's points, in processor
    // order
    List<scalarList> all(Pstream::nProcs());
    scalarList& mine = all[Pstream::myProcNo()];
    mine.setSize(4*points.size());
    forAll(points, i)
    {
        mine[4*i] = domain_.globalCell(cells[i]);
        for (direction d = 0; d < 3; ++d)
        {
            mine[4*i + 1 + d] = points[i][d];
        }
    }
    Pstream::gatherList(all);
    if (Pstream::master())
    {
        scalarList joined;
        for (const scalarList& l : all)
        {
            joined.append(l);
        }
        writeScalars(os, joined);
    }
}


void Foam::pinnSamplers::adaptiveSampler::readPoints
(
    std::istream& is,
    const fileName& file,
    List<point>& points,
    labelList& cells
) const
{
    scalarList joined;
    readScalars(is, file, -1, joined);
    if (joined.size() % 4)
    {
        FatalErrorInFunction
            << "Sampler state in " << file << " is damaged (point list of "
            << joined.size() << " values)" << nl
            << "    Start from the initial time" << exit(FatalError);
    }
    points.clear();
    cells.clear();
    const label nCells = domain_.nGlobalCells();
    for (label i = 0; i < joined.size()/4; ++i)
    {
        // (compared as a double: a damaged value may not fit a label)
        const scalar cell = joined[4*i];
        if (!(cell >= 0 && cell < nCells && cell == std::floor(cell)))
        {
            FatalErrorInFunction
                << "Sampler state in " << file << " names cell " << cell
                << " of a mesh of " << nCells << " cells" << nl
                << "    Start from the initial time" << exit(FatalError);
        }
        const label g = label(cell);
        const label celli = domain_.localCell(g);
        if (celli >= 0)
        {
            points.append
            (
                point(joined[4*i + 1], joined[4*i + 2], joined[4*i + 3])
            );
            cells.append(celli);
        }
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::pinnSamplers::adaptiveSampler::adapt
(
    const label drawi,
    const residualFunctions& fns
)
{
    const auto start = std::chrono::steady_clock::now();
    residuals_ = &fns;

    // The residual at the cell centres: the interior density of RAD and
    // hierarchical, the statistics of every type
    scalarList rLocal;
    fns.interior(domain_.cellCentres(), rLocal);
    cellResidual_ = domain_.globalCellValues(scalarField(rLocal));

    adaptInterior(drawi);
    adaptBoundary();
    stateDraw_ = drawi;
    residuals_ = nullptr;

    const scalar seconds = std::chrono::duration<double>
    (
        std::chrono::steady_clock::now() - start
    ).count();
    writeStatistics(drawi, seconds);
}


std::string Foam::pinnSamplers::adaptiveSampler::state() const
{
    std::ostringstream os(std::ios::binary);
    os  << stateMagic << " " << type() << " draw " << stateDraw_ << " cells "
        << domain_.nGlobalCells() << " groups " << groupPatch_.size() << "\n";
    forAll(faceDensity_, grp)
    {
        writeScalars(os, faceDensity_[grp]);
    }
    writeInteriorState(os);
    return os.str();
}


void Foam::pinnSamplers::adaptiveSampler::setState
(
    const std::string& bytes,
    const fileName& file
)
{
    std::istringstream is(bytes, std::ios::binary);
    std::string line;
    std::getline(is, line);
    std::istringstream header(line);
    std::string m1, m2, t, kwDraw, kwCells, kwGroups;
    long long drawi = -1, nCells = -1, nGroups = -1;
    header >> m1 >> m2 >> t >> kwDraw >> drawi >> kwCells >> nCells >> kwGroups
        >> nGroups;
    if
    (
        !header || m1 + " " + m2 != stateMagic || kwDraw != "draw"
     || kwCells != "cells" || kwGroups != "groups" || drawi < 0 || drawi > labelMax
    )
    {
        FatalErrorInFunction
            << "Sampler state " << file << " is not a pinnFoam sampler state"
            << nl << "    Start from the initial time" << exit(FatalError);
    }
    if (t != type())
    {
        FatalErrorInFunction
            << "Sampler state " << file << " was written by sampler " << t
            << ", this run's sampling type is " << type() << nl
            << "    Restart with 'type " << t.c_str() << ";' in the sampling"
            << " dictionary, or start from the initial time" << exit(FatalError);
    }
    if (nCells != domain_.nGlobalCells() || nGroups != groupPatch_.size())
    {
        FatalErrorInFunction
            << "Sampler state " << file << " is of a mesh of " << label(nCells)
            << " cells and " << label(nGroups) << " boundary groups; this case has "
            << domain_.nGlobalCells() << " and " << groupPatch_.size() << nl
            << "    Start from the initial time" << exit(FatalError);
    }
    forAll(faceDensity_, grp)
    {
        labelList index;
        const label nFaces = domain_.globalPatchFaces(groupPatch_[grp], index);
        readDensity(is, file, nFaces, faceDensity_[grp]);
    }
    readInteriorState(is, file);
    stateDraw_ = label(drawi);
}


Foam::string Foam::pinnSamplers::adaptiveSampler::adaptiveDescription() const
{
    OStringStream os;
    os  << nInterior_ << " interior and " << nBoundary_ << " boundary points,"
        << " resampled every " << interval_ << " iterations by the residual"
        << " (k " << k_ << ", c " << c_ << (weighted_ ? ", weighted" : "")
        << (adaptBoundary_ ? ", boundary adapted" : ", boundary uniform")
        << ", seed " << label(seed_) << ")";
    return os.str();
}

// ************************************************************************* //
