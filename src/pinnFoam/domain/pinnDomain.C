/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnDomain.H"
#include "volFields.H"
#include "emptyPolyPatch.H"
#include "processorPolyPatch.H"
#include "wedgePolyPatch.H"

#include <algorithm>
#include <random>

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

Foam::scalar Foam::pinnDomain::cellVolume(const label celli) const
{
    const pointField& pts = mesh_.points();
    const point& cc = mesh_.cellCentres()[celli];

    scalar v = 0;
    for (const label facei : mesh_.cells()[celli])
    {
        const face& f = mesh_.faces()[facei];
        const point& fc = mesh_.faceCentres()[facei];
        forAll(f, i)
        {
            v += tetVolume(cc, fc, pts[f[i]], pts[f.nextLabel(i)]);
        }
    }
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


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnDomain::pinnDomain(const fvMesh& mesh)
:
    mesh_(mesh),
    nDim_(3),
    components_(),
    cumulativeVolume_()
{
    const fileName casePath(mesh.time().path());

    if (mesh.nCells() == 0)
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

    cumulativeVolume_.setSize(mesh.nCells());
    scalar sum = 0;
    forAll(cumulativeVolume_, celli)
    {
        sum += cellVolume(celli);
        cumulativeVolume_[celli] = sum;
    }

    if (!(sum > 0))
    {
        FatalErrorInFunction
            << "The mesh of case " << casePath << " has zero total volume."
            << nl << "    Check it with checkMesh."
            << exit(FatalError);
    }

    DebugInfo
        << "pinnDomain: " << nDim_ << "D, components " << components_
        << ", " << mesh.nCells() << " cells, volume " << sum << endl;
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
            coords[k++] = p[cmpt];
        }
    }
}


void Foam::pinnDomain::sampleInterior
(
    const label n,
    const uint64_t seed,
    const uint64_t draw,
    List<point>& points,
    labelList& cellOfPoint
) const
{
    if (n < 0)
    {
        FatalErrorInFunction
            << "Negative number of interior points " << n
            << abort(FatalError);
    }

    const pointField& pts = mesh_.points();
    const vectorField& cellC = mesh_.cellCentres();
    const vectorField& faceC = mesh_.faceCentres();

    points.setSize(n);
    cellOfPoint.setSize(n);

    drawStream uniform(seed, draw, interiorStream);

    for (label k = 0; k < n; ++k)
    {
        // Cell by volume
        const label celli = pickCumulative(cumulativeVolume_, uniform());
        const scalar cellV =
            cumulativeVolume_[celli]
          - (celli > 0 ? cumulativeVolume_[celli - 1] : 0);

        // Tet of the cell by volume: first tet whose running sum passes
        // the target; the last tet with volume catches round-off
        const scalar target = uniform()*cellV;
        const point& cc = cellC[celli];
        const point* tet[3] = {nullptr, nullptr, nullptr};
        scalar sum = 0;
        bool found = false;

        for (const label facei : mesh_.cells()[celli])
        {
            const face& f = mesh_.faces()[facei];
            forAll(f, i)
            {
                const point& a = pts[f[i]];
                const point& b = pts[f.nextLabel(i)];
                const scalar v = tetVolume(cc, faceC[facei], a, b);
                if (v > 0)
                {
                    tet[0] = &faceC[facei];
                    tet[1] = &a;
                    tet[2] = &b;
                    sum += v;
                    if (sum > target)
                    {
                        found = true;
                        break;
                    }
                }
            }
            if (found)
            {
                break;
            }
        }

        // Uniform in the tet: gaps of three sorted uniforms
        double u[3] = {uniform(), uniform(), uniform()};
        std::sort(u, u + 3);

        points[k] =
            (1 - u[2])*cc
          + u[0]*(*tet[0])
          + (u[1] - u[0])*(*tet[1])
          + (u[2] - u[1])*(*tet[2]);
        cellOfPoint[k] = celli;
    }
}


void Foam::pinnDomain::sampleBoundary
(
    const labelList& patches,
    const label n,
    const uint64_t seed,
    const uint64_t draw,
    boundarySamples& samples
) const
{
    const polyBoundaryMesh& bMesh = mesh_.boundaryMesh();

    if (n < 0)
    {
        FatalErrorInFunction
            << "Negative number of boundary points " << n
            << abort(FatalError);
    }

    // Faces of the requested patches with their cumulative areas
    label nFaces = 0;
    for (const label patchi : patches)
    {
        if (patchi < 0 || patchi >= bMesh.size())
        {
            FatalErrorInFunction
                << "Patch index " << patchi << " out of range 0.."
                << bMesh.size() - 1 << " of case " << mesh_.time().path()
                << abort(FatalError);
        }
        nFaces += bMesh[patchi].size();
    }

    labelList facePatch(nFaces);
    labelList faceLocal(nFaces);
    scalarList cumulativeArea(nFaces);
    scalar sum = 0;
    label k = 0;
    for (const label patchi : patches)
    {
        const polyPatch& pp = bMesh[patchi];
        forAll(pp, facei)
        {
            sum += faceArea(pp.start() + facei);
            facePatch[k] = patchi;
            faceLocal[k] = facei;
            cumulativeArea[k] = sum;
            ++k;
        }
    }

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

    drawStream uniform(seed, draw, boundaryStream);

    for (label s = 0; s < n; ++s)
    {
        // Face by area
        const label j = pickCumulative(cumulativeArea, uniform());
        const label patchi = facePatch[j];
        const label facei = faceLocal[j];
        const polyPatch& pp = bMesh[patchi];
        const label meshFacei = pp.start() + facei;

        const face& f = mesh_.faces()[meshFacei];
        const face& lf = pp.localFaces()[facei];
        const point& fc = faceC[meshFacei];

        const scalar area =
            cumulativeArea[j] - (j > 0 ? cumulativeArea[j - 1] : 0);

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
}


// ************************************************************************* //
