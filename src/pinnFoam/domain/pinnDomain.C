/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnDomain.H"
#include "pinn/sampling.hpp"
#include "volFields.H"
#include "emptyPolyPatch.H"
#include "processorPolyPatch.H"
#include "wedgePolyPatch.H"
#include "globalIndex.H"
#include "pinnProcAddressing.H"
#include "Pstream.H"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(pinnDomain, 0);
}


// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * * //

namespace
{

//- Random stream of one draw: std::mt19937_64 seeded from (seed, draw,
//  stream) through std::seed_seq; uniform doubles from the top 53 bits
class drawStream
{
    std::mt19937_64 engine_;

    static std::mt19937_64 makeEngine
    (
        const uint64_t seed,
        const uint64_t draw,
        const uint32_t stream
    )
    {
        std::seed_seq seq
        {
            uint32_t(seed & 0xffffffffu), uint32_t(seed >> 32),
            uint32_t(draw & 0xffffffffu), uint32_t(draw >> 32),
            stream
        };
        return std::mt19937_64(seq);
    }

public:

    drawStream(const uint64_t seed, const uint64_t draw, const uint32_t stream)
    :
        engine_(makeEngine(seed, draw, stream))
    {}

    //- Uniform in [0, 1)
    double operator()()
    {
        return double(engine_() >> 11)*0x1.0p-53;
    }
};


//- Stream tags: interior and boundary draws are independent
constexpr uint32_t interiorStream = 1;
constexpr uint32_t boundaryStream = 2;


//- Sum per-entry weights (each processor fills its own entries) over the
//  processors, then make them a running sum; returns the total
Foam::scalar globalCumulativeSum(Foam::scalarList& w)
{
    if (Foam::Pstream::parRun())
    {
        Foam::Pstream::listCombineGather(w, Foam::plusEqOp<Foam::scalar>());
        Foam::Pstream::listCombineScatter(w);
    }
    Foam::scalar sum = 0;
    forAll(w, i)
    {
        sum += w[i];
        w[i] = sum;
    }
    return sum;
}


//- Index i with cumulative[i-1] <= u*total < cumulative[i]
Foam::label pickCumulative(const Foam::scalarList& cumulative, const double u)
{
    const Foam::scalar target = u*cumulative.last();
    const Foam::label i = Foam::label
    (
        std::upper_bound(cumulative.cbegin(), cumulative.cend(), target)
      - cumulative.cbegin()
    );
    return Foam::min(i, cumulative.size() - 1);
}


//- Magnitude of the volume of tet (a, b, c, d)
inline Foam::scalar tetVolume
(
    const Foam::point& a,
    const Foam::point& b,
    const Foam::point& c,
    const Foam::point& d
)
{
    return Foam::mag(((b - a) ^ (c - a)) & (d - a))/6.0;
}


//- Area of triangle (a, b, c)
inline Foam::scalar triArea
(
    const Foam::point& a,
    const Foam::point& b,
    const Foam::point& c
)
{
    return 0.5*Foam::mag((b - a) ^ (c - a));
}

} // End anonymous namespace


// * * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

template<class Visit>
void Foam::pinnDomain::walkTets(const label celli, const Visit& visit) const
{
    const pointField& pts = mesh_.points();
    const point& cc = mesh_.cellCentres()[celli];
    for (const label facei : cellFaces_[celli])
    {
        const face& f = mesh_.faces()[facei];
        const point& fc = mesh_.faceCentres()[facei];
        const label nf = f.size();
        const bool flip = flipped_[facei];
        for (label i = 0; i < nf; ++i)
        {
            const point& a = pts[flip ? f[(nf - i) % nf] : f[i]];
            const point& b = pts[flip ? f[nf - 1 - i] : f[(i + 1) % nf]];
            if (visit(fc, a, b, tetVolume(cc, fc, a, b)))
            {
                return;
            }
        }
    }
}


Foam::scalar Foam::pinnDomain::cellVolume(const label celli) const
{
    // Faces and their points in the undecomposed mesh's order (see
    // sampleInterior), so that a processor sums as the serial run does
    scalar v = 0;
    walkTets
    (
        celli,
        [&](const point&, const point&, const point&, const scalar tv)
        {
            v += tv;
            return false;
        }
    );
    return v;
}


Foam::scalar Foam::pinnDomain::faceArea(const label facei) const
{
    const pointField& pts = mesh_.points();
    const face& f = mesh_.faces()[facei];
    const point& fc = mesh_.faceCentres()[facei];

    scalar a = 0;
    forAll(f, i)
    {
        a += triArea(fc, pts[f[i]], pts[f.nextLabel(i)]);
    }
    return a;
}


void Foam::pinnDomain::setGlobalNumbering()
{
    const label nCells = mesh_.nCells();
    const label nFaces = mesh_.nFaces();

    decompositionInvariant_ = true;
    globalCell_ = identity(nCells);
    globalFace_ = identity(nFaces);
    flipped_.setSize(nFaces);
    flipped_ = false;
    label nGlobal = nCells;

    if (Pstream::parRun())
    {
        nGlobal = returnReduce(nCells, sumOp<label>());

        // decomposePar's addressing, next to the processor's mesh
        autoPtr<labelIOList> cellAddr =
            pinnProcAddressing::read(mesh_, "cellProcAddressing", nCells);
        autoPtr<labelIOList> faceAddr =
            pinnProcAddressing::read(mesh_, "faceProcAddressing", nFaces);

        if (returnReduce(cellAddr.valid() && faceAddr.valid(), andOp<bool>()))
        {
            globalCell_ = cellAddr();
            forAll(faceAddr(), facei)
            {
                // decomposePar: +-(global face + 1), negative if turned
                globalFace_[facei] = mag(faceAddr()[facei]) - 1;
                flipped_[facei] = faceAddr()[facei] < 0;
            }
            const label maxCell = nCells ? max(globalCell_) : -1;
            if (returnReduce(maxCell, maxOp<label>()) + 1 != nGlobal)
            {
                FatalErrorInFunction
                    << "cellProcAddressing of the processor meshes of case "
                    << mesh_.time().globalPath() << " does not number "
                    << nGlobal << " cells" << nl
                    << "    The case was decomposed again or the mesh changed;"
                    << " run decomposePar -force"
                    << exit(FatalError);
            }
        }
        else
        {
            decompositionInvariant_ = false;
            const globalIndex cells(nCells);
            const globalIndex faces(nFaces);
            forAll(globalCell_, celli)
            {
                globalCell_[celli] = cells.toGlobal(celli);
            }
            forAll(globalFace_, facei)
            {
                globalFace_[facei] = faces.toGlobal(facei);
            }
            WarningInFunction
                << "No decomposePar addressing (constant/polyMesh/"
                << "cellProcAddressing) in the processor directories of "
                << mesh_.time().globalPath() << ":" << nl
                << "    collocation points are drawn uniformly over the whole"
                << " mesh, but they are not those of a serial run." << endl;
        }
    }

    localCell_.setSize(nGlobal);
    localCell_ = -1;
    forAll(globalCell_, celli)
    {
        localCell_[globalCell_[celli]] = celli;
    }

    // Faces of each cell as primitiveMesh::cells orders them in the
    // undecomposed mesh: the faces the cell owns, then those it neighbours,
    // each by face index.  A face that decomposePar turned (negative
    // addressing) is owned there by the other cell.
    const labelList& own = mesh_.faceOwner();
    cellFaces_.setSize(nCells);
    std::vector<std::pair<std::pair<bool, label>, label>> keyed;
    forAll(cellFaces_, celli)
    {
        const cell& c = mesh_.cells()[celli];
        keyed.clear();
        for (const label facei : c)
        {
            const bool owned = (own[facei] == celli) != flipped_[facei];
            keyed.push_back({{!owned, globalFace_[facei]}, facei});
        }
        std::sort(keyed.begin(), keyed.end());
        labelList& cf = cellFaces_[celli];
        cf.setSize(c.size());
        forAll(cf, i)
        {
            cf[i] = keyed[i].second;
        }
    }
}


Foam::label Foam::pinnDomain::globalPatchFaces
(
    const label patchi,
    labelList& index
) const
{
    const polyPatch& pp = mesh_.boundaryMesh()[patchi];
    index = identity(pp.size());
    if (!Pstream::parRun())
    {
        return pp.size();
    }

    const label nGlobal = returnReduce(pp.size(), sumOp<label>());
    if (decompositionInvariant_)
    {
        // A patch's faces are consecutive in the undecomposed mesh
        label start = labelMax;
        forAll(pp, i)
        {
            start = min(start, globalFace_[pp.start() + i]);
        }
        reduce(start, minOp<label>());
        forAll(pp, i)
        {
            index[i] = globalFace_[pp.start() + i] - start;
            if (index[i] < 0 || index[i] >= nGlobal)
            {
                FatalErrorInFunction
                    << "Face " << i << " of patch " << pp.name()
                    << " is not numbered consecutively in faceProcAddressing"
                    << " of " << mesh_.time().path() << nl
                    << "    Decompose the case again (decomposePar -force)"
                    << exit(FatalError);
            }
        }
    }
    else
    {
        const globalIndex faces(pp.size());
        forAll(pp, i)
        {
            index[i] = faces.toGlobal(i);
        }
    }
    return nGlobal;
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnDomain::pinnDomain(const fvMesh& mesh)
:
    mesh_(mesh),
    nDim_(3),
    components_(),
    decompositionInvariant_(true),
    cumulativeVolume_(),
    localVolume_(0),
    origin_(Zero),
    length_(1)
{
    const fileName casePath(mesh.time().path());

    if (returnReduce(mesh.nCells(), sumOp<label>()) == 0)
    {
        FatalErrorInFunction
            << "The mesh of case " << casePath << " has no cells"
            << " (region " << mesh.name() << ")." << nl
            << "    Create the mesh first (blockMesh, snappyHexMesh or a"
            << " mesh converter) and check it with checkMesh."
            << exit(FatalError);
    }

    for (const polyPatch& pp : mesh.boundaryMesh())
    {
        if (isA<wedgePolyPatch>(pp))
        {
            FatalErrorInFunction
                << "Patch " << pp.name() << " of case " << casePath
                << " is a wedge: axisymmetric cases are not supported yet."
                << nl
                << "    Mesh the full 3D geometry, or a 2D section with"
                << " empty front and back patches."
                << exit(FatalError);
        }
    }

    // Solved directions: 1 = solved, -1 = empty
    const Vector<label>& solD = mesh.solutionD();
    nDim_ = mesh.nSolutionD();

    if (nDim_ < 2)
    {
        FatalErrorInFunction
            << "The mesh of case " << casePath << " solves for "
            << nDim_ << " direction(s) (solutionD " << solD << ");"
            << " pinnFoam needs a 2D or 3D mesh." << nl
            << "    Give the mesh at most one pair of empty patches"
            << " (front and back)."
            << exit(FatalError);
    }

    components_.setSize(nDim_);
    label d = 0;
    for (direction cmpt = 0; cmpt < vector::nComponents; ++cmpt)
    {
        if (solD[cmpt] > 0)
        {
            components_[d++] = cmpt;
        }
    }

    setGlobalNumbering();

    // Cell volumes in global order, gathered from the processors (each
    // global cell is nonzero on one processor only: the sum is exact)
    cumulativeVolume_.setSize(localCell_.size());
    cumulativeVolume_ = 0;
    forAll(globalCell_, celli)
    {
        const scalar v = cellVolume(celli);
        cumulativeVolume_[globalCell_[celli]] = v;
        localVolume_ += v;
    }
    const scalar sum = globalCumulativeSum(cumulativeVolume_);

    if (!(sum > 0))
    {
        FatalErrorInFunction
            << "The mesh of case " << casePath << " has zero total volume."
            << nl << "    Check it with checkMesh."
            << exit(FatalError);
    }

    DebugInfo
        << "pinnDomain: " << nDim_ << "D, components " << components_
        << ", " << nGlobalCells() << " cells, volume " << sum << endl;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::pinnDomain::boundarySamples::setSize(const label n)
{
    points.setSize(n);
    patch.setSize(n);
    face.setSize(n);
    normal.setSize(n);
    wCentre.setSize(n);
    point0.setSize(n);
    point1.setSize(n);
    w0.setSize(n);
    w1.setSize(n);
}


Foam::scalar Foam::pinnDomain::totalVolume() const
{
    return cumulativeVolume_.last();
}


const Foam::vectorField& Foam::pinnDomain::cellCentres() const
{
    return mesh_.C().primitiveField();
}


const Foam::vectorField& Foam::pinnDomain::faceCentres(const label patchi) const
{
    return mesh_.C().boundaryField()[patchi];
}


Foam::tmp<Foam::vectorField>
Foam::pinnDomain::faceNormals(const label patchi) const
{
    return mesh_.boundary()[patchi].nf();
}


Foam::labelList Foam::pinnDomain::conditionPatches() const
{
    DynamicList<label> patches(mesh_.boundaryMesh().size());
    for (const polyPatch& pp : mesh_.boundaryMesh())
    {
        if (!isA<emptyPolyPatch>(pp) && !isA<processorPolyPatch>(pp))
        {
            patches.append(pp.index());
        }
    }
    return labelList(std::move(patches));
}


void Foam::pinnDomain::networkCoordinates
(
    const UList<point>& points,
    scalarList& coords
) const
{
    coords.setSize(points.size()*nDim_);
    label k = 0;
    for (const point& p : points)
    {
        for (const label cmpt : components_)
        {
            coords[k++] = (p[cmpt] - origin_[cmpt])/length_;
        }
    }
}


Foam::scalarList Foam::pinnDomain::globalCellValues
(
    const scalarField& local
) const
{
    if (local.size() != globalCell_.size())
    {
        FatalErrorInFunction
            << local.size() << " cell values for " << globalCell_.size()
            << " cells" << abort(FatalError);
    }
    scalarList g(nGlobalCells(), Zero);
    forAll(local, celli)
    {
        g[globalCell_[celli]] = local[celli];
    }
    if (Pstream::parRun())
    {
        // each global cell is on one processor: the sum is exact
        Pstream::listCombineGather(g, plusEqOp<scalar>());
        Pstream::listCombineScatter(g);
    }
    return g;
}


Foam::scalarList Foam::pinnDomain::globalPatchValues
(
    const label patchi,
    const scalarField& local
) const
{
    labelList index;
    const label nGlobal = globalPatchFaces(patchi, index);
    if (local.size() != index.size())
    {
        FatalErrorInFunction
            << local.size() << " face values for the " << index.size()
            << " faces of patch " << mesh_.boundaryMesh()[patchi].name()
            << abort(FatalError);
    }
    scalarList g(nGlobal, Zero);
    forAll(local, facei)
    {
        g[index[facei]] = local[facei];
    }
    if (Pstream::parRun())
    {
        Pstream::listCombineGather(g, plusEqOp<scalar>());
        Pstream::listCombineScatter(g);
    }
    return g;
}


void Foam::pinnDomain::sampleInterior
(
    const label n,
    const uint64_t seed,
    const uint64_t draw,
    List<point>& points,
    labelList& cellOfPoint,
    const label stream,
    const scalarList* density
) const
{
    if (n < 0)
    {
        FatalErrorInFunction
            << "Negative number of interior points " << n
            << abort(FatalError);
    }

    // Cell weights: the volumes, or volume x density, summed as
    // pinn::sampling::drawReference sums them (the GPU draws the same points)
    if (density && density->size() != nGlobalCells())
    {
        FatalErrorInFunction
            << "Density of " << density->size() << " values for "
            << nGlobalCells() << " cells" << abort(FatalError);
    }
    scalarList cumulative(nGlobalCells());
    {
        scalar sum = 0;
        forAll(cumulative, g)
        {
            sum +=
                density
              ? globalCellVolume(g)*max((*density)[g], scalar(0))
              : globalCellVolume(g);
            cumulative[g] = sum;
        }
        if (!(sum > 0))
        {
            FatalErrorInFunction
                << "Sampling density is zero everywhere" << abort(FatalError);
        }
    }

    const vectorField& cellC = mesh_.cellCentres();

    points.setSize(n);
    cellOfPoint.setSize(n);
    label nLocal = 0;

    const uint32_t streamTag = interiorStreamTag(stream);

    for (label k = 0; k < n; ++k)
    {
        // Point k's own uniforms (counter-based): another processor's
        // points are not drawn here at all
        double u[5];
        pinn::sampling::pointUniforms(seed, draw, streamTag, uint64_t(k), u);

        // Cell by volume (x density), over the whole mesh
        const label globalCelli = label
        (
            pinn::sampling::pickCumulative(cumulative.cdata(), cumulative.size(), u[0])
        );
        const label celli = localCell_[globalCelli];
        if (celli < 0)
        {
            continue;
        }

        // Tet of the cell by volume (the first whose running sum passes the
        // target; the last catches round-off), then a point uniform in it:
        // pinn::sampling::placeInCell on the tets as cellTable lists them,
        // faces and edges in the undecomposed mesh's order and orientation
        const scalar target = u[1]*globalCellVolume(globalCelli);
        const point& cc = cellC[celli];
        const point* tet[3] = {nullptr, nullptr, nullptr};
        scalar sum = 0;
        walkTets
        (
            celli,
            [&](const point& fc, const point& pa, const point& pb, const scalar v)
            {
                if (!(v > 0))
                {
                    return false;
                }
                tet[0] = &fc;
                tet[1] = &pa;
                tet[2] = &pb;
                sum += v;
                return sum > target;
            }
        );

        // Uniform in the tet: gaps of three sorted uniforms
        double s[3] = {u[2], u[3], u[4]};
        std::sort(s, s + 3);

        points[nLocal] =
            (1 - s[2])*cc
          + s[0]*(*tet[0])
          + (s[1] - s[0])*(*tet[1])
          + (s[2] - s[1])*(*tet[2]);
        cellOfPoint[nLocal] = celli;
        ++nLocal;
    }

    points.setSize(nLocal);
    cellOfPoint.setSize(nLocal);
}


Foam::scalar Foam::pinnDomain::patchArea(const label patchi) const
{
    const polyPatch& pp = mesh_.boundaryMesh()[patchi];
    scalar a = 0;
    forAll(pp, facei)
    {
        a += faceArea(pp.start() + facei);
    }
    return returnReduce(a, sumOp<scalar>());
}


void Foam::pinnDomain::sampleBoundary
(
    const labelList& patches,
    const label n,
    const uint64_t seed,
    const uint64_t draw,
    boundarySamples& samples,
    const label stream,
    const scalarList* density
) const
{
    const polyBoundaryMesh& bMesh = mesh_.boundaryMesh();

    if (n < 0)
    {
        FatalErrorInFunction
            << "Negative number of boundary points " << n
            << abort(FatalError);
    }

    for (const label patchi : patches)
    {
        if (patchi < 0 || patchi >= bMesh.size())
        {
            FatalErrorInFunction
                << "Patch index " << patchi << " out of range 0.."
                << bMesh.size() - 1 << " of case " << mesh_.time().path()
                << abort(FatalError);
        }
    }

    // Faces of the requested patches over the whole mesh, by patch and
    // then by face within the (undecomposed) patch, with their areas; the
    // local ones know their patch and patch-local index
    label nFaces = 0;
    List<labelList> index(patches.size());
    labelList offset(patches.size());
    forAll(patches, k)
    {
        offset[k] = nFaces;
        nFaces += globalPatchFaces(patches[k], index[k]);
    }

    if (density && density->size() != nFaces)
    {
        FatalErrorInFunction
            << "Density of " << density->size() << " values for " << nFaces
            << " faces" << abort(FatalError);
    }

    labelList facePatch(nFaces, -1);
    labelList faceLocal(nFaces, -1);
    scalarList cumulativeArea(nFaces, Zero);
    forAll(patches, k)
    {
        const polyPatch& pp = bMesh[patches[k]];
        forAll(pp, facei)
        {
            const label j = offset[k] + index[k][facei];
            cumulativeArea[j] = faceArea(pp.start() + facei);
            if (density)
            {
                cumulativeArea[j] *= max((*density)[j], scalar(0));
            }
            facePatch[j] = patches[k];
            faceLocal[j] = facei;
        }
    }
    const scalar sum = globalCumulativeSum(cumulativeArea);

    samples.setSize(n);
    if (n == 0)
    {
        return;
    }

    if (!(sum > 0))
    {
        FatalErrorInFunction
            << "Cannot sample " << n << " boundary points: patches "
            << UIndirectList<word>(bMesh.names(), patches)
            << " of case " << mesh_.time().path() << " have no area"
            << abort(FatalError);
    }

    const pointField& pts = mesh_.points();
    const vectorField& faceC = mesh_.faceCentres();
    const vectorField& faceA = mesh_.faceAreas();

    drawStream uniform(seed, draw, boundaryStream + 2*uint32_t(stream));

    label nLocal = 0;
    for (label k = 0; k < n; ++k)
    {
        // Face by area, over the whole mesh
        const label j = pickCumulative(cumulativeArea, uniform());
        if (faceLocal[j] < 0)
        {
            // another processor's point: skip its three remaining uniforms
            uniform(); uniform(); uniform();
            continue;
        }
        const label s = nLocal++;
        const label patchi = facePatch[j];
        const label facei = faceLocal[j];
        const polyPatch& pp = bMesh[patchi];
        const label meshFacei = pp.start() + facei;

        const face& f = mesh_.faces()[meshFacei];
        const face& lf = pp.localFaces()[facei];
        const point& fc = faceC[meshFacei];

        const scalar area = faceArea(meshFacei);

        // Triangle (fc, p_i, p_i+1) of the face by area
        const scalar target = uniform()*area;
        label tri = -1;
        scalar triSum = 0;
        forAll(f, i)
        {
            const scalar a = triArea(fc, pts[f[i]], pts[f.nextLabel(i)]);
            if (a > 0)
            {
                tri = i;
                triSum += a;
                if (triSum > target)
                {
                    break;
                }
            }
        }

        // Uniform in the triangle: gaps of two sorted uniforms
        double u[2] = {uniform(), uniform()};
        if (u[0] > u[1])
        {
            std::swap(u[0], u[1]);
        }
        const scalar wC = 1 - u[1];
        const scalar w0 = u[0];
        const scalar w1 = u[1] - u[0];

        const label next = f.fcIndex(tri);

        samples.points[s] = wC*fc + w0*pts[f[tri]] + w1*pts[f[next]];
        samples.patch[s] = patchi;
        samples.face[s] = facei;
        samples.normal[s] = faceA[meshFacei]/mag(faceA[meshFacei]);
        samples.wCentre[s] = wC;
        samples.point0[s] = lf[tri];
        samples.point1[s] = lf[next];
        samples.w0[s] = w0;
        samples.w1[s] = w1;
    }
    samples.setSize(nLocal);
}


// ************************************************************************* //


pinn::sampling::CellTable Foam::pinnDomain::cellTable() const
{
    pinn::sampling::CellTable t;
    const label nG = nGlobalCells();
    t.cellVolume.resize(nG);
    t.localCell.resize(nG);
    for (label g = 0; g < nG; ++g)
    {
        t.cellVolume[g] = globalCellVolume(g);
        t.localCell[g] = int32_t(localCell_[g]);
    }

    // The local cells' tets of positive volume, in sampleInterior's order
    const vectorField& cellC = mesh_.cellCentres();
    const label nCells = mesh_.nCells();
    t.centre.resize(3*nCells);
    t.tetStart.assign(1, 0);
    for (label celli = 0; celli < nCells; ++celli)
    {
        const point& cc = cellC[celli];
        for (direction i = 0; i < 3; ++i)
        {
            t.centre[3*celli + i] = cc[i];
        }
        walkTets
        (
            celli,
            [&](const point& fc, const point& pa, const point& pb, const scalar v)
            {
                if (v > 0)
                {
                    for (const point* q : {&fc, &pa, &pb})
                    {
                        t.tets.insert(t.tets.end(), {(*q)[0], (*q)[1], (*q)[2]});
                    }
                    t.tetVolume.push_back(v);
                }
                return false;
            }
        );
        t.tetStart.push_back(pinn::idx(t.tetVolume.size()));
    }

    t.dim = int(nDim_);
    for (label d = 0; d < nDim_; ++d)
    {
        t.component[d] = int(components_[d]);
    }
    for (direction i = 0; i < 3; ++i)
    {
        t.origin[i] = origin_[i];
    }
    t.length = length_;
    t.check();
    return t;
}


uint32_t Foam::pinnDomain::interiorStreamTag(const label stream)
{
    return interiorStream + 2*uint32_t(stream);
}
