/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
-------------------------------------------------------------------------------
Description
    Tests of Foam::pinnDomain on the committed cases: dimension detection,
    interior points inside their cells (hex, tet, prism, polyhedra), cell
    counts proportional to volume, uniformity inside cells, reproducibility,
    boundary points on their faces with outward unit normals.

\*---------------------------------------------------------------------------*/

#include "testCases.H"
#include "pinnDomain.H"
#include "volFields.H"
#include "surfaceFields.H"

#include <map>

using namespace Foam;
using pinnTest::foamCase;

namespace
{

const char* const allCases[] = {"hex2D", "hex3D", "tet3D", "prism2D", "poly3D"};

//- Chi-square statistic of observed counts against expected shares
double chiSquare(const labelList& observed, const scalarList& share)
{
    const double n = sum(observed);
    const double total = sum(share);
    double chi2 = 0;
    forAll(observed, i)
    {
        const double e = n*share[i]/total;
        chi2 += sqr(observed[i] - e)/e;
    }
    return chi2;
}

} // End anonymous namespace


// * * * * * * * * * * * * * * * * Dimension * * * * * * * * * * * * * * * //

TEST(pinnDomain, dimensionOf2DAnd3DMeshes)
{
    for (const char* name : {"hex2D", "prism2D"})
    {
        foamCase c(name);
        pinnDomain domain(*c.mesh);
        EXPECT_EQ(domain.nDim(), 2) << name;
        EXPECT_EQ(domain.components(), labelList({0, 1})) << name;

        // The empty patch carries no condition
        const labelList patches(domain.conditionPatches());
        EXPECT_EQ(patches.size(), c.mesh->boundaryMesh().size() - 1);
        for (const label patchi : patches)
        {
            EXPECT_NE(c.mesh->boundaryMesh()[patchi].type(), "empty");
        }

        scalarList coords;
        domain.networkCoordinates(List<point>({point(1, 2, 3)}), coords);
        EXPECT_EQ(coords, scalarList({1, 2}));
    }
    for (const char* name : {"hex3D", "tet3D", "poly3D"})
    {
        foamCase c(name);
        pinnDomain domain(*c.mesh);
        EXPECT_EQ(domain.nDim(), 3) << name;
        EXPECT_EQ(domain.components(), labelList({0, 1, 2})) << name;
        EXPECT_EQ
        (
            domain.conditionPatches().size(),
            c.mesh->boundaryMesh().size()
        );

        scalarList coords;
        domain.networkCoordinates
        (
            List<point>({point(1, 2, 3), point(4, 5, 6)}),
            coords
        );
        EXPECT_EQ(coords, scalarList({1, 2, 3, 4, 5, 6}));
        EXPECT_EQ(domain.coordinate(point(4, 5, 6), 2), 6);
    }
}


TEST(pinnDomain, meshWithoutCellsIsFatal)
{
    foamCase c("hex2D");
    fvMesh emptyMesh
    (
        IOobject
        (
            "noCells",
            c.runTime->timeName(),
            *c.runTime,
            IOobject::NO_READ,
            IOobject::NO_WRITE,
            false
        ),
        pointField(),
        faceList(),
        labelList(),
        labelList(),
        false
    );
    ASSERT_EQ(emptyMesh.nCells(), 0);

    try
    {
        pinnDomain domain(emptyMesh);
        FAIL() << "no error for a mesh without cells";
    }
    catch (const Foam::error& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, "has no cells")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "hex2D")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "blockMesh")) << msg;
    }
}


TEST(pinnDomain, wedgeMeshIsFatal)
{
    foamCase c("wedge");
    try
    {
        pinnDomain domain(*c.mesh);
        FAIL() << "no error for a wedge (axisymmetric) mesh";
    }
    catch (const Foam::error& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, "wedge")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "front")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "empty front and back")) << msg;
    }
}


TEST(pinnDomain, totalVolumeIsMeshVolume)
{
    for (const char* name : allCases)
    {
        foamCase c(name);
        pinnDomain domain(*c.mesh);
        const scalar meshV = sum(c.mesh->V().field());
        EXPECT_NEAR(domain.totalVolume(), meshV, 1e-10*meshV) << name;
    }
}


// * * * * * * * * * * * * * * * Interior points * * * * * * * * * * * * * //

TEST(pinnDomain, interiorPointsLieInsideTheirCells)
{
    for (const char* name : allCases)
    {
        foamCase c(name);
        const fvMesh& mesh = *c.mesh;
        pinnDomain domain(mesh);

        List<point> x;
        labelList cellOf;
        domain.sampleInterior(3000, 7, 0, x, cellOf);
        ASSERT_EQ(x.size(), 3000);
        ASSERT_EQ(cellOf.size(), 3000);

        label nOutside = 0;
        label nInNeighbour = 0;
        forAll(x, k)
        {
            ASSERT_GE(cellOf[k], 0);
            ASSERT_LT(cellOf[k], mesh.nCells());
            const double w = pinnTest::windingNumber(mesh, cellOf[k], x[k]);
            if (std::abs(w - 1) > 1e-6)
            {
                ++nOutside;
                ADD_FAILURE()
                    << name << ": point " << pinnTest::str(x[k]) << " not inside cell "
                    << cellOf[k] << " (winding number " << w << ")";
            }

            // The check is not vacuous: the point is outside another cell
            const label other = (cellOf[k] + 1) % mesh.nCells();
            if (std::abs(pinnTest::windingNumber(mesh, other, x[k])) > 1e-6)
            {
                ++nInNeighbour;
            }
        }
        EXPECT_EQ(nOutside, 0) << name;
        EXPECT_EQ(nInNeighbour, 0) << name;
    }
}


TEST(pinnDomain, cellCountsProportionalToVolume)
{
    // Graded hex, irregular tets, polyhedra: volumes vary between cells
    for (const char* name : {"hex3D", "tet3D", "poly3D", "prism2D"})
    {
        foamCase c(name);
        const fvMesh& mesh = *c.mesh;
        pinnDomain domain(mesh);

        const label n = 200*mesh.nCells();
        List<point> x;
        labelList cellOf;
        domain.sampleInterior(n, 2024, 3, x, cellOf);

        labelList counts(mesh.nCells(), Zero);
        for (const label celli : cellOf)
        {
            ++counts[celli];
        }

        const scalar maxV = max(mesh.V().field());
        const scalar minV = min(mesh.V().field());
        EXPECT_GT(maxV/minV, 1.5) << name << ": volumes do not vary";

        // Chi-square against the mesh's own cell volumes: mean dof,
        // standard deviation sqrt(2 dof); allow 6 standard deviations
        const double dof = mesh.nCells() - 1;
        const double chi2 = chiSquare(counts, mesh.V().field());
        EXPECT_LT(chi2, dof + 6*std::sqrt(2*dof)) << name;
        EXPECT_GT(chi2, dof - 6*std::sqrt(2*dof)) << name;
    }
}


TEST(pinnDomain, pointsUniformInsideCells)
{
    // The mean of the points of a cell tends to its centroid (mesh.C())
    for (const char* name : {"hex3D", "tet3D", "poly3D", "prism2D"})
    {
        foamCase c(name);
        const fvMesh& mesh = *c.mesh;
        pinnDomain domain(mesh);

        const label n = 400*mesh.nCells();
        List<point> x;
        labelList cellOf;
        domain.sampleInterior(n, 99, 0, x, cellOf);

        List<vector> sumX(mesh.nCells(), Zero);
        labelList counts(mesh.nCells(), Zero);
        forAll(x, k)
        {
            sumX[cellOf[k]] += x[k];
            ++counts[cellOf[k]];
        }

        forAll(counts, celli)
        {
            if (counts[celli] < 100)
            {
                continue;
            }
            const boundBox bb(mesh.points(), mesh.cellPoints()[celli], false);
            const vector mean = sumX[celli]/counts[celli];
            for (direction d = 0; d < 3; ++d)
            {
                // Standard deviation of a mean of uniforms on the extent
                const double sigma =
                    bb.span()[d]/std::sqrt(12.0*counts[celli]);
                EXPECT_NEAR(mean[d], mesh.C()[celli][d], 5*sigma)
                    << name << " cell " << celli << " component " << d;
            }
        }
    }
}


TEST(pinnDomain, samplingIsAPureFunctionOfSeedAndDraw)
{
    foamCase c("poly3D");
    pinnDomain domain(*c.mesh);

    List<point> a, b, d, s;
    labelList ca, cb, cd, cs;
    domain.sampleInterior(500, 11, 5, a, ca);
    domain.sampleInterior(500, 11, 5, b, cb);
    domain.sampleInterior(500, 11, 6, d, cd);
    domain.sampleInterior(500, 12, 5, s, cs);

    EXPECT_EQ(a, b);
    EXPECT_EQ(ca, cb);

    label nSameDraw = 0;
    label nSameSeed = 0;
    forAll(a, k)
    {
        nSameDraw += (a[k] == d[k]);
        nSameSeed += (a[k] == s[k]);
    }
    EXPECT_EQ(nSameDraw, 0);
    EXPECT_EQ(nSameSeed, 0);

    // A restarted run: a new domain on a freshly read mesh redraws the same
    foamCase again("poly3D");
    pinnDomain domain2(*again.mesh);
    List<point> r;
    labelList cr;
    domain2.sampleInterior(500, 11, 5, r, cr);
    EXPECT_EQ(a, r);
    EXPECT_EQ(ca, cr);

    // A prefix of a larger draw is the smaller draw
    List<point> big;
    labelList cbig;
    domain.sampleInterior(800, 11, 5, big, cbig);
    EXPECT_EQ(SubList<point>(big, 500), SubList<point>(a, 500));

    // Boundary draws: reproducible, and a different draw differs
    const labelList patches(domain.conditionPatches());
    pinnDomain::boundarySamples p, q, o;
    domain.sampleBoundary(patches, 300, 11, 5, p);
    domain2.sampleBoundary(patches, 300, 11, 5, q);
    domain.sampleBoundary(patches, 300, 11, 6, o);
    EXPECT_EQ(p.points, q.points);
    EXPECT_EQ(p.face, q.face);
    EXPECT_EQ(p.wCentre, q.wCentre);
    label nSame = 0;
    forAll(p.points, k)
    {
        nSame += (p.points[k] == o.points[k]);
    }
    EXPECT_EQ(nSame, 0);

    // Zero points is an empty draw
    domain.sampleInterior(0, 11, 5, r, cr);
    EXPECT_EQ(r.size(), 0);
}


// * * * * * * * * * * * * * * * Boundary points * * * * * * * * * * * * * //

TEST(pinnDomain, boundaryPointsOnTheirFacesWithOutwardNormals)
{
    for (const char* name : allCases)
    {
        foamCase c(name);
        const fvMesh& mesh = *c.mesh;
        pinnDomain domain(mesh);
        const polyBoundaryMesh& bMesh = mesh.boundaryMesh();
        const labelList patches(domain.conditionPatches());
        const scalar L = mag(mesh.bounds().span());

        pinnDomain::boundarySamples s;
        domain.sampleBoundary(patches, 4000, 3, 1, s);
        ASSERT_EQ(s.size(), 4000);

        for (label k = 0; k < s.size(); ++k)
        {
            const label patchi = s.patch[k];
            ASSERT_TRUE(patches.found(patchi)) << name;
            const polyPatch& pp = bMesh[patchi];
            ASSERT_GE(s.face[k], 0);
            ASSERT_LT(s.face[k], pp.size());
            const label facei = pp.start() + s.face[k];
            const point& fc = mesh.faceCentres()[facei];
            const vector& n = s.normal[k];

            // On the face plane
            EXPECT_NEAR((s.points[k] - fc) & n, 0, 1e-12*L) << name;

            // Outward unit normal
            EXPECT_NEAR(mag(n), 1, 1e-12) << name;
            EXPECT_GT
            (
                n & (fc - mesh.cellCentres()[mesh.faceOwner()[facei]]),
                0
            ) << name;
            EXPECT_LT(mag(n - domain.faceNormals(patchi)()[s.face[k]]), 1e-12);

            // Interpolation data: corners of the face, convex weights that
            // reproduce the point
            const face& lf = pp.localFaces()[s.face[k]];
            EXPECT_TRUE(lf.found(s.point0[k])) << name;
            EXPECT_TRUE(lf.found(s.point1[k])) << name;
            EXPECT_EQ(lf.nextLabel(lf.find(s.point0[k])), s.point1[k]);
            EXPECT_GE(s.wCentre[k], 0);
            EXPECT_GE(s.w0[k], 0);
            EXPECT_GE(s.w1[k], 0);
            EXPECT_NEAR(s.wCentre[k] + s.w0[k] + s.w1[k], 1, 1e-14);
            const point rebuilt =
                s.wCentre[k]*fc
              + s.w0[k]*pp.localPoints()[s.point0[k]]
              + s.w1[k]*pp.localPoints()[s.point1[k]];
            EXPECT_LT(mag(rebuilt - s.points[k]), 1e-13*L) << name;
        }
    }
}


TEST(pinnDomain, boundaryCountsProportionalToArea)
{
    for (const char* name : {"hex3D", "poly3D", "prism2D"})
    {
        foamCase c(name);
        const fvMesh& mesh = *c.mesh;
        pinnDomain domain(mesh);
        const polyBoundaryMesh& bMesh = mesh.boundaryMesh();

        // Two patches only: no sample may fall elsewhere
        const labelList patches({0, 1});
        const label nFaces = bMesh[0].size() + bMesh[1].size();

        pinnDomain::boundarySamples s;
        domain.sampleBoundary(patches, 300*nFaces, 17, 0, s);

        labelList counts(nFaces, Zero);
        scalarList areas(nFaces);
        forAll(bMesh[0], i)
        {
            areas[i] = mesh.magSf().boundaryField()[0][i];
        }
        forAll(bMesh[1], i)
        {
            areas[bMesh[0].size() + i] = mesh.magSf().boundaryField()[1][i];
        }
        for (label k = 0; k < s.size(); ++k)
        {
            ASSERT_TRUE(s.patch[k] == 0 || s.patch[k] == 1) << name;
            ++counts[s.face[k] + (s.patch[k] == 1 ? bMesh[0].size() : 0)];
        }

        const double dof = nFaces - 1;
        const double chi2 = chiSquare(counts, areas);
        EXPECT_LT(chi2, dof + 6*std::sqrt(2*dof)) << name;
    }
}


// * * * * * * * * * * * * * Sampling by a density * * * * * * * * * * * * //
// What the adaptive samplers (RAD, hierarchical, boundary adaptation) draw
// through: a cell (face) with probability proportional to volume (area) x
// density, then a point uniform inside it

namespace
{

//- A density that varies by two orders of magnitude and vanishes in a few
//  cells (as RAD's with c = 0 where the residual does)
scalarList testDensity(const label n)
{
    scalarList q(n);
    forAll(q, i)
    {
        q[i] = (i % 7 == 3) ? 0 : std::pow(10.0, 2.0*((i*37) % n)/scalar(n));
    }
    return q;
}

} // End anonymous namespace


TEST(pinnDomain, densityDrawsFollowVolumeTimesDensity)
{
    for (const char* name : {"hex3D", "tet3D", "poly3D", "prism2D"})
    {
        foamCase c(name);
        const fvMesh& mesh = *c.mesh;
        pinnDomain domain(mesh);
        const scalarList q(testDensity(mesh.nCells()));

        const label n = 300*mesh.nCells();
        List<point> x;
        labelList cellOf;
        domain.sampleInterior(n, 99, 4, x, cellOf, 0, &q);
        ASSERT_EQ(x.size(), n) << name;

        labelList counts(mesh.nCells(), Zero);
        label nOutside = 0;
        forAll(x, k)
        {
            ++counts[cellOf[k]];
            if
            (
                k % 50 == 0
             && std::abs(pinnTest::windingNumber(mesh, cellOf[k], x[k]) - 1) > 1e-6
            )
            {
                ++nOutside;
            }
        }
        EXPECT_EQ(nOutside, 0) << name << ": points outside their cells";

        // No point where the density vanishes; chi-square over the others
        labelList obs;
        scalarList share;
        forAll(q, i)
        {
            if (q[i] == 0)
            {
                EXPECT_EQ(counts[i], 0) << name << ": cell " << i;
            }
            else
            {
                obs.append(counts[i]);
                share.append(mesh.V()[i]*q[i]);
            }
        }
        const double dof = obs.size() - 1;
        const double chi2 = chiSquare(obs, share);
        EXPECT_LT(chi2, dof + 6*std::sqrt(2*dof)) << name;
        EXPECT_GT(chi2, dof - 6*std::sqrt(2*dof)) << name;

        // Not vacuous: the same counts are far from volume alone
        EXPECT_GT(chiSquare(counts, mesh.V().field()), dof + 50*std::sqrt(2*dof))
            << name;

        // A pure function of (seed, draw, density)
        List<point> y;
        labelList cellOfY;
        domain.sampleInterior(n, 99, 4, y, cellOfY, 0, &q);
        EXPECT_EQ(x, y) << name;
        EXPECT_EQ(cellOf, cellOfY) << name;
    }
}


// The mesh's cell table (what the GPU draws from, pinn/sampling.hpp) draws
// exactly sampleInterior's points: the same cells, bitwise the same network
// coordinates, on every cell shape and in 2D, with and without a density
TEST(pinnDomain, cellTableDrawsTheSamePointsAsTheMesh)
{
    for (const char* name : allCases)
    {
        foamCase c(name);
        const fvMesh& mesh = *c.mesh;
        pinnDomain domain(mesh);
        const pinn::sampling::CellTable t = domain.cellTable();
        EXPECT_EQ(t.nGlobal(), mesh.nCells()) << name;
        EXPECT_EQ(t.nLocal(), mesh.nCells()) << name;
        EXPECT_EQ(t.dim, domain.nDim()) << name;
        const scalarList q(testDensity(mesh.nCells()));
        for (const bool withDensity : {false, true})
        {
            const label n = 20*mesh.nCells() + 7;
            List<point> x;
            labelList cellOf;
            domain.sampleInterior(n, 31, 9, x, cellOf, 0, withDensity ? &q : nullptr);
            scalarList coords;
            domain.networkCoordinates(x, coords);

            pinn::sampling::InteriorDraw d;
            d.n = n;
            d.seed = 31;
            d.draw = 9;
            d.stream = pinnDomain::interiorStreamTag(0);
            if (withDensity) d.density.assign(q.begin(), q.end());
            d.weight = 1;
            std::vector<double> xr, wr;
            std::vector<pinn::idx> gr;
            pinn::sampling::drawReference(t, d, xr, wr, &gr);
            ASSERT_EQ(label(gr.size()), cellOf.size()) << name;
            label nDiff = 0;
            forAll(cellOf, k)
            {
                nDiff += label(gr[k]) != domain.globalCell(cellOf[k]);
            }
            EXPECT_EQ(nDiff, 0) << name << ": cells differ";
            ASSERT_EQ(label(xr.size()), coords.size()) << name;
            label nX = 0;
            forAll(coords, i)
            {
                nX += xr[i] != coords[i];
            }
            EXPECT_EQ(nX, 0) << name << ": coordinates differ";
        }
    }
}


TEST(pinnDomain, boundaryDensityDrawsFollowAreaTimesDensity)
{
    for (const char* name : {"hex3D", "poly3D", "prism2D"})
    {
        foamCase c(name);
        const fvMesh& mesh = *c.mesh;
        pinnDomain domain(mesh);
        const polyBoundaryMesh& bMesh = mesh.boundaryMesh();

        const labelList patches({0, 1});
        const label n0 = bMesh[0].size();
        const label nFaces = n0 + bMesh[1].size();
        const scalarList q(testDensity(nFaces));

        pinnDomain::boundarySamples s;
        domain.sampleBoundary(patches, 400*nFaces, 23, 1, s, 0, &q);

        labelList counts(nFaces, Zero);
        for (label k = 0; k < s.size(); ++k)
        {
            ASSERT_TRUE(s.patch[k] == 0 || s.patch[k] == 1) << name;
            ++counts[s.face[k] + (s.patch[k] == 1 ? n0 : 0)];
        }
        labelList obs;
        scalarList share;
        forAll(q, i)
        {
            const scalar a =
                mesh.magSf().boundaryField()[i < n0 ? 0 : 1][i < n0 ? i : i - n0];
            if (q[i] == 0)
            {
                EXPECT_EQ(counts[i], 0) << name << ": face " << i;
            }
            else
            {
                obs.append(counts[i]);
                share.append(a*q[i]);
            }
        }
        const double dof = obs.size() - 1;
        const double chi2 = chiSquare(obs, share);
        EXPECT_LT(chi2, dof + 6*std::sqrt(2*dof)) << name;
        EXPECT_GT(chi2, dof - 6*std::sqrt(2*dof)) << name;
    }
}


// ************************************************************************* //
