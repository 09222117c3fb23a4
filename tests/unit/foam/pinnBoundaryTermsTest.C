/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
-------------------------------------------------------------------------------
Description
    Tests of Foam::pinnBoundaryTerms and Foam::pinnPatchInterpolation on the
    committed cases: coefficients per patch type, patch matching by group and
    regular expression, targets exact for linear data at sampled boundary
    points, and the errors for an unsupported type and a missing field.

    The linear functions are those tests/cases/writeFields.py wrote.

\*---------------------------------------------------------------------------*/

#include "testCases.H"
#include "pinnBoundaryTerms.H"
#include "pinnPatchInterpolation.H"
#include "volFields.H"

#include <functional>

using namespace Foam;
using pinnTest::foamCase;

namespace
{

typedef std::function<scalar(const point&)> spaceFunction;

//- Expect every entry of f to equal v
void expectUniform(const scalarField& f, const scalar v, const std::string& what)
{
    forAll(f, i)
    {
        EXPECT_NEAR(f[i], v, 1e-14) << what << " face " << i;
    }
}

//- Expect face and point values of a term entry to follow fn
void expectLinear
(
    const polyPatch& pp,
    const scalarField& faceValues,
    const scalarField& pointValues,
    const spaceFunction& fn,
    const std::string& what
)
{
    const vectorField::subField fc = pp.faceCentres();
    ASSERT_EQ(faceValues.size(), pp.size()) << what;
    forAll(faceValues, i)
    {
        EXPECT_NEAR(faceValues[i], fn(fc[i]), 1e-12) << what << " face " << i;
    }
    ASSERT_EQ(pointValues.size(), pp.nPoints()) << what;
    forAll(pointValues, i)
    {
        EXPECT_NEAR(pointValues[i], fn(pp.localPoints()[i]), 1e-10)
            << what << " point " << pinnTest::str(pp.localPoints()[i]);
    }
}

//- Expect the target g at boundary samples on patch patchi to follow fn
void expectTargetsFollow
(
    const fvMesh& mesh,
    const pinnBoundaryTerms& terms,
    const label patchi,
    const spaceFunction& fn,
    const std::string& what
)
{
    pinnDomain domain(mesh);
    pinnDomain::boundarySamples s;
    domain.sampleBoundary(labelList({patchi}), 2000, 5, 0, s);

    scalarList alpha, beta, g;
    terms.evaluate(s, alpha, beta, g);
    ASSERT_EQ(g.size(), s.size());

    scalar maxErr = 0;
    forAll(g, k)
    {
        maxErr = max(maxErr, mag(g[k] - fn(s.points[k])));
    }
    EXPECT_LT(maxErr, 1e-10) << what;
}

} // End anonymous namespace


// * * * * * * * * * * * * * * Coefficients per type * * * * * * * * * * * //

TEST(pinnBoundaryTerms, coefficientsOf2DCase)
{
    foamCase c("hex2D");
    const fvMesh& mesh = *c.mesh;
    const polyBoundaryMesh& bMesh = mesh.boundaryMesh();
    pinnBoundaryTerms terms(mesh, "T");

    EXPECT_EQ(terms.fieldName(), "T");
    EXPECT_TRUE(pinnTest::contains(terms.filePath(), "hex2D/0/T"));

    // Every patch but the empty one
    const label emptyi = bMesh.findPatchID("frontAndBack");
    EXPECT_FALSE(terms.hasTerm(emptyi));
    EXPECT_EQ(terms.patches(), labelList({0, 1, 2, 3}));

    const auto& left = terms.term(bMesh.findPatchID("left"));
    EXPECT_EQ(left.type, "fixedValue");
    EXPECT_EQ(left.kind, pinnBoundaryTerms::dirichlet);
    expectUniform(left.alpha, 1, "left alpha");
    expectUniform(left.beta, 0, "left beta");
    expectUniform(left.g, 1, "left g");
    expectUniform(left.gPoint, 1, "left gPoint");

    // Nonuniform fixedValue: T = 1 + 2y
    const label righti = bMesh.findPatchID("right");
    const auto& right = terms.term(righti);
    EXPECT_EQ(right.kind, pinnBoundaryTerms::dirichlet);
    expectUniform(right.alpha, 1, "right alpha");
    expectLinear
    (
        bMesh[righti], right.g, right.gPoint,
        [](const point& x) { return 1 + 2*x.y(); }, "right g"
    );

    const auto& bottom = terms.term(bMesh.findPatchID("bottom"));
    EXPECT_EQ(bottom.type, "fixedGradient");
    EXPECT_EQ(bottom.kind, pinnBoundaryTerms::neumann);
    expectUniform(bottom.alpha, 0, "bottom alpha");
    expectUniform(bottom.beta, 1, "bottom beta");
    expectUniform(bottom.g, 2, "bottom g");

    // mixed: f = 0.25, refValue 3, refGradient 0.5
    const auto& top = terms.term(bMesh.findPatchID("top"));
    EXPECT_EQ(top.kind, pinnBoundaryTerms::robin);
    expectUniform(top.alpha, 0.25, "top alpha");
    expectUniform(top.beta, 0.75, "top beta");
    expectUniform(top.g, 0.25*3 + 0.75*0.5, "top g");
    expectUniform(top.alphaPoint, 0.25, "top alphaPoint");
    expectUniform(top.betaPoint, 0.75, "top betaPoint");
}


TEST(pinnBoundaryTerms, vectorComponentsOf2DCase)
{
    foamCase c("hex2D");
    const fvMesh& mesh = *c.mesh;
    const polyBoundaryMesh& bMesh = mesh.boundaryMesh();
    const label left = bMesh.findPatchID("left");
    const label right = bMesh.findPatchID("right");
    const label bottom = bMesh.findPatchID("bottom");
    const label top = bMesh.findPatchID("top");

    // x and y components of U (the network's directions of a 2D case)
    pinnBoundaryTerms ux(mesh, "U", word::null, 0);
    pinnBoundaryTerms uy(mesh, "U", word::null, 1);
    EXPECT_EQ(ux.name(), "Ux");
    EXPECT_EQ(uy.name(), "Uy");
    EXPECT_EQ(ux.fieldName(), "U");
    EXPECT_EQ(ux.component(), 0);
    EXPECT_EQ(ux.patches(), labelList({0, 1, 2, 3}));

    // fixedValue: the component of the value
    EXPECT_EQ(ux.term(left).kind, pinnBoundaryTerms::dirichlet);
    expectUniform(ux.term(left).g, 1, "Ux left g");
    expectUniform(uy.term(left).g, 2, "Uy left g");
    expectUniform(uy.term(left).alpha, 1, "Uy left alpha");
    expectUniform(uy.term(left).beta, 0, "Uy left beta");

    // nonuniform fixedValue (y, 2y, 0): linear-exact point values
    expectLinear
    (
        bMesh[right], ux.term(right).g, ux.term(right).gPoint,
        [](const point& x) { return x.y(); }, "Ux right g"
    );
    expectLinear
    (
        bMesh[right], uy.term(right).g, uy.term(right).gPoint,
        [](const point& x) { return 2*x.y(); }, "Uy right g"
    );

    // noSlip: zero value of every component
    for (const pinnBoundaryTerms* t : {&ux, &uy})
    {
        EXPECT_EQ(t->term(bottom).kind, pinnBoundaryTerms::dirichlet);
        expectUniform(t->term(bottom).alpha, 1, "noSlip alpha");
        expectUniform(t->term(bottom).g, 0, "noSlip g");
    }

    // slip on the top wall (normal y): Uy = 0, zero normal gradient of Ux
    EXPECT_EQ(uy.term(top).kind, pinnBoundaryTerms::dirichlet);
    expectUniform(uy.term(top).g, 0, "slip Uy g");
    EXPECT_EQ(ux.term(top).kind, pinnBoundaryTerms::neumann);
    expectUniform(ux.term(top).beta, 1, "slip Ux beta");
    expectUniform(ux.term(top).g, 0, "slip Ux g");

    // Range of the fixed values: Ux in [0, 1] (left 1, right y, walls 0)
    scalar lo, hi, maxGrad;
    bool fluxFree;
    ux.fixedValueRange(lo, hi, maxGrad, fluxFree);
    EXPECT_DOUBLE_EQ(lo, 0);
    EXPECT_DOUBLE_EQ(hi, 1);
    EXPECT_TRUE(ux.fixesValue());
}


TEST(pinnBoundaryTerms, otherVectorConditionsAndUnsupportedType)
{
    foamCase c("hex2D");
    const fvMesh& mesh = *c.mesh;
    const polyBoundaryMesh& bMesh = mesh.boundaryMesh();
    // movingWallVelocity (static mesh: its value), zeroGradient,
    // fixedGradient (the component of the gradient)
    pinnBoundaryTerms ux(mesh, "Uother", word::null, 0);
    pinnBoundaryTerms uy(mesh, "Uother", word::null, 1);
    const label left = bMesh.findPatchID("left");
    const label right = bMesh.findPatchID("right");
    const label bottom = bMesh.findPatchID("bottom");
    EXPECT_EQ(ux.term(left).kind, pinnBoundaryTerms::dirichlet);
    expectUniform(ux.term(left).g, 4, "movingWallVelocity Ux");
    expectUniform(uy.term(left).g, 0, "movingWallVelocity Uy");
    EXPECT_EQ(ux.term(right).kind, pinnBoundaryTerms::neumann);
    expectUniform(ux.term(right).g, 0, "zeroGradient Ux");
    EXPECT_EQ(uy.term(bottom).kind, pinnBoundaryTerms::neumann);
    expectUniform(uy.term(bottom).g, 5, "fixedGradient Uy");
    expectUniform(ux.term(bottom).g, 0, "fixedGradient Ux");

    try
    {
        pinnBoundaryTerms terms(mesh, "UbadType", word::null, 1);
        FAIL() << "no error for inletOutlet";
    }
    catch (const Foam::IOerror& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, "inletOutlet")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "top")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "vector field")) << msg;
        for (const word& type : pinnBoundaryTerms::supportedVectorTypes())
        {
            EXPECT_TRUE(pinnTest::contains(msg, type)) << type << ": " << msg;
        }
        EXPECT_TRUE(pinnTest::contains(err.ioFileName(), "hex2D/0/UbadType"));
    }

    // A scalar field read as a vector component, and the reverse
    try
    {
        pinnBoundaryTerms terms(mesh, "T", word::null, 0);
        FAIL() << "no error for a volScalarField read as a vector";
    }
    catch (const Foam::IOerror& err)
    {
        EXPECT_TRUE(pinnTest::contains(err.message(), "volVectorField")) << err.message();
    }
}


TEST(pinnBoundaryTerms, coefficientsOf3DCase)
{
    foamCase c("hex3D");
    const fvMesh& mesh = *c.mesh;
    const polyBoundaryMesh& bMesh = mesh.boundaryMesh();
    pinnBoundaryTerms terms(mesh, "T");

    EXPECT_EQ(terms.terms().size(), 6);

    const auto& xMin = terms.term(bMesh.findPatchID("xMin"));
    EXPECT_EQ(xMin.kind, pinnBoundaryTerms::dirichlet);
    expectUniform(xMin.g, 0, "xMin g");

    for (const word name : {"xMax", "yMin", "zMax"})
    {
        const auto& t = terms.term(bMesh.findPatchID(name));
        EXPECT_EQ(t.kind, pinnBoundaryTerms::neumann) << name;
        expectUniform(t.alpha, 0, name + " alpha");
        expectUniform(t.beta, 1, name + " beta");
        expectUniform(t.g, 0, name + " g");
        expectUniform(t.gPoint, 0, name + " gPoint");
    }
    EXPECT_EQ(terms.term(bMesh.findPatchID("xMax")).type, "zeroGradient");
    EXPECT_EQ(terms.term(bMesh.findPatchID("yMin")).type, "symmetryPlane");
    EXPECT_EQ(terms.term(bMesh.findPatchID("zMax")).type, "symmetry");

    // Nonuniform fixedGradient: 0.5 + x - z
    const label yMaxi = bMesh.findPatchID("yMax");
    const auto& yMax = terms.term(yMaxi);
    EXPECT_EQ(yMax.type, "fixedGradient");
    expectUniform(yMax.beta, 1, "yMax beta");
    expectLinear
    (
        bMesh[yMaxi], yMax.g, yMax.gPoint,
        [](const point& x) { return 0.5 + x.x() - x.z(); }, "yMax g"
    );

    // Nonuniform mixed: f = 0.2 + 0.6x, refValue x + y, refGradient -1
    const label zMini = bMesh.findPatchID("zMin");
    const auto& zMin = terms.term(zMini);
    EXPECT_EQ(zMin.kind, pinnBoundaryTerms::robin);
    const vectorField::subField fc = bMesh[zMini].faceCentres();
    forAll(fc, i)
    {
        const scalar f = 0.2 + 0.6*fc[i].x();
        EXPECT_NEAR(zMin.alpha[i], f, 1e-12);
        EXPECT_NEAR(zMin.beta[i], 1 - f, 1e-12);
        EXPECT_NEAR(zMin.g[i], f*(fc[i].x() + fc[i].y()) - (1 - f), 1e-12);
    }
    expectLinear
    (
        bMesh[zMini], zMin.alpha, zMin.alphaPoint,
        [](const point& x) { return 0.2 + 0.6*x.x(); }, "zMin alpha"
    );
}


TEST(pinnBoundaryTerms, patchesMatchedByGroupAndRegex)
{
    {
        // poly3D: "sides" (in group wall) is given by the entry "wall"
        foamCase c("poly3D");
        pinnBoundaryTerms terms(*c.mesh, "T");
        const auto& sides = terms.term(c.mesh->boundaryMesh().findPatchID("sides"));
        EXPECT_EQ(sides.type, "zeroGradient");
        EXPECT_EQ(terms.terms().size(), 4);
    }
    {
        // prism2D: "(bottom|top)" covers two patches; empty skipped
        foamCase c("prism2D");
        pinnBoundaryTerms terms(*c.mesh, "T");
        const polyBoundaryMesh& bMesh = c.mesh->boundaryMesh();
        EXPECT_EQ(terms.term(bMesh.findPatchID("bottom")).type, "zeroGradient");
        EXPECT_EQ(terms.term(bMesh.findPatchID("top")).type, "zeroGradient");
        EXPECT_FALSE(terms.hasTerm(bMesh.findPatchID("frontAndBack")));
        EXPECT_EQ(terms.terms().size(), 4);
    }
}


// * * * * * * * * * * * * * * Targets at samples * * * * * * * * * * * * * //

TEST(pinnBoundaryTerms, targetsExactForLinearData)
{
    struct linearCase
    {
        const char* caseName;
        const char* patchName;
        spaceFunction fn;
    };
    const List<linearCase> cases
    ({
        {"hex2D", "right", [](const point& x) { return 1 + 2*x.y(); }},
        {"hex3D", "yMax", [](const point& x) { return 0.5 + x.x() - x.z(); }},
        {"tet3D", "xMax", [](const point& x) { return 2 + x.y() - 3*x.z(); }},
        {"poly3D", "xMin", [](const point& x) { return x.y() + 2*x.z(); }},
        {"prism2D", "right", [](const point& x) { return 3*x.y(); }},
    });

    for (const linearCase& lc : cases)
    {
        foamCase c(lc.caseName);
        pinnBoundaryTerms terms(*c.mesh, "T");
        const label patchi = c.mesh->boundaryMesh().findPatchID(lc.patchName);
        ASSERT_GE(patchi, 0) << lc.caseName;
        expectTargetsFollow
        (
            *c.mesh, terms, patchi, lc.fn,
            std::string(lc.caseName) + "/" + lc.patchName
        );
    }
}


TEST(pinnBoundaryTerms, evaluateCombinesFaceAndPointValues)
{
    // Mixed patch with nonuniform f: alpha + beta = 1 at every sample, and
    // alpha is exact (f is linear); each coefficient is the barycentric
    // combination of its face and point values
    foamCase c("hex3D");
    pinnBoundaryTerms terms(*c.mesh, "T");
    pinnDomain domain(*c.mesh);

    const label zMini = c.mesh->boundaryMesh().findPatchID("zMin");
    pinnDomain::boundarySamples s;
    domain.sampleBoundary(labelList({zMini}), 500, 8, 2, s);

    scalarList alpha, beta, g;
    terms.evaluate(s, alpha, beta, g);
    const auto& t = terms.term(zMini);
    forAll(alpha, k)
    {
        EXPECT_NEAR(alpha[k] + beta[k], 1, 1e-12);
        EXPECT_NEAR(alpha[k], 0.2 + 0.6*s.points[k].x(), 1e-10);
        const scalar gk =
            s.wCentre[k]*t.g[s.face[k]]
          + s.w0[k]*t.gPoint[s.point0[k]]
          + s.w1[k]*t.gPoint[s.point1[k]];
        EXPECT_DOUBLE_EQ(g[k], gk);
    }
}


TEST(pinnPatchInterpolation, pointValuesExactForLinearFields)
{
    // Every condition patch of every case, including the non-planar
    // "sides" of tet3D and poly3D (three faces of the cube) and the
    // one-cell-wide strips of the 2D cases (field independent of z there)
    for (const char* name : {"hex2D", "hex3D", "tet3D", "prism2D", "poly3D"})
    {
        foamCase c(name);
        pinnDomain domain(*c.mesh);
        const vector b =
            domain.nDim() == 2 ? vector(0.7, -1.3, 0) : vector(0.7, -1.3, 2.1);

        for (const label patchi : domain.conditionPatches())
        {
            const polyPatch& pp = c.mesh->boundaryMesh()[patchi];
            const pinnPatchInterpolation interp(pp);

            const scalarField faceValues(0.4 + (pp.faceCentres() & b));
            const scalarField pointValues(interp.faceToPoint(faceValues));
            const scalarField exact(0.4 + (pp.localPoints() & b));

            EXPECT_LT(max(mag(pointValues - exact)), 1e-10)
                << name << " patch " << pp.name();

            forAll(interp.weights(), pointi)
            {
                EXPECT_NEAR(sum(interp.weights()[pointi]), 1, 1e-12);
            }
        }
    }
}


// * * * * * * * * * * * * * * * * Bad input * * * * * * * * * * * * * * * //

TEST(pinnBoundaryTerms, unsupportedPatchTypeIsFatalIOError)
{
    foamCase c("badPatchType");
    try
    {
        pinnBoundaryTerms terms(*c.mesh, "T");
        FAIL() << "no error for patch type calculated";
    }
    catch (const Foam::IOerror& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, "calculated")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "outlet")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "field T")) << msg;
        for (const word& type : pinnBoundaryTerms::supportedTypes())
        {
            EXPECT_TRUE(pinnTest::contains(msg, type)) << type << ": " << msg;
        }

        // File and line of the patch entry
        EXPECT_TRUE
        (
            pinnTest::contains(err.ioFileName(), "badPatchType/0/T")
        ) << err.ioFileName();
        EXPECT_GT(err.ioStartLineNumber(), 20);
    }
}


TEST(pinnBoundaryTerms, otherBadFieldFilesAreFatalIOErrors)
{
    foamCase c("badPatchType");

    // A patch without an entry
    try
    {
        pinnBoundaryTerms terms(*c.mesh, "TmissingPatch");
        FAIL() << "no error for a patch without an entry";
    }
    catch (const Foam::IOerror& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, "No entry for patch walls")) << msg;
        EXPECT_TRUE(pinnTest::contains(err.ioFileName(), "0/TmissingPatch"));
    }

    // valueFraction outside [0, 1]
    try
    {
        pinnBoundaryTerms terms(*c.mesh, "TbadFraction");
        FAIL() << "no error for valueFraction 1.5";
    }
    catch (const Foam::IOerror& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, "valueFraction")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "walls")) << msg;
    }

    // Not a scalar field
    try
    {
        pinnBoundaryTerms terms(*c.mesh, "U");
        FAIL() << "no error for a volVectorField";
    }
    catch (const Foam::IOerror& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, "volVectorField")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "volScalarField")) << msg;
    }
}


TEST(pinnBoundaryTerms, missingFieldIsFatal)
{
    foamCase c("hex2D");
    try
    {
        pinnBoundaryTerms terms(*c.mesh, "Tmissing");
        FAIL() << "no error for a missing field file";
    }
    catch (const Foam::error& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, "hex2D/0/Tmissing")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "Create")) << msg;
    }

    // An explicit instance (a restarted run reads the initial time)
    pinnBoundaryTerms terms0(*c.mesh, "T", "0");
    EXPECT_TRUE(pinnTest::contains(terms0.filePath(), "hex2D/0/T"));
    EXPECT_EQ(terms0.terms().size(), 4);
    try
    {
        pinnBoundaryTerms terms(*c.mesh, "T", "5");
        FAIL() << "no error for a missing time directory";
    }
    catch (const Foam::error& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, "hex2D/5/T")) << msg;
    }
}


// ************************************************************************* //
