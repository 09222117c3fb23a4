/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnPatchInterpolation.H"
#include "HashSet.H"
#include "SubField.H"
#include "symmTensor.H"
#include "polyMesh.H"

#include <cmath>

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * * //

namespace
{

//- Pseudo-inverse of a symmetric positive semi-definite 3x3 matrix by
//  cyclic Jacobi rotations; eigenvalues not above tol are taken as zero.
//  range: the projection onto the range of m
Foam::symmTensor pseudoInverse
(
    const Foam::symmTensor& m,
    const double tol,
    Foam::symmTensor& range
)
{
    range = Foam::symmTensor::zero;

    double a[3][3] =
    {
        {m.xx(), m.xy(), m.xz()},
        {m.xy(), m.yy(), m.yz()},
        {m.xz(), m.yz(), m.zz()}
    };
    double v[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

    const double scale =
        std::abs(a[0][0]) + std::abs(a[1][1]) + std::abs(a[2][2]);

    if (!(scale > 0))
    {
        return Foam::symmTensor::zero;
    }

    for (int sweep = 0; sweep < 50; ++sweep)
    {
        const double off =
            std::abs(a[0][1]) + std::abs(a[0][2]) + std::abs(a[1][2]);
        if (off <= 1e-15*scale)
        {
            break;
        }

        for (int p = 0; p < 2; ++p)
        {
            for (int q = p + 1; q < 3; ++q)
            {
                if (a[p][q] == 0)
                {
                    continue;
                }
                const double theta = (a[q][q] - a[p][p])/(2*a[p][q]);
                const double t =
                    (theta >= 0 ? 1.0 : -1.0)
                   /(std::abs(theta) + std::sqrt(theta*theta + 1));
                const double c = 1/std::sqrt(t*t + 1);
                const double s = t*c;

                for (int k = 0; k < 3; ++k)
                {
                    const double akp = a[k][p];
                    const double akq = a[k][q];
                    a[k][p] = c*akp - s*akq;
                    a[k][q] = s*akp + c*akq;
                }
                for (int k = 0; k < 3; ++k)
                {
                    const double apk = a[p][k];
                    const double aqk = a[q][k];
                    a[p][k] = c*apk - s*aqk;
                    a[q][k] = s*apk + c*aqk;
                }
                for (int k = 0; k < 3; ++k)
                {
                    const double vkp = v[k][p];
                    const double vkq = v[k][q];
                    v[k][p] = c*vkp - s*vkq;
                    v[k][q] = s*vkp + c*vkq;
                }
            }
        }
    }

    Foam::symmTensor inv(Foam::symmTensor::zero);
    for (int i = 0; i < 3; ++i)
    {
        const double lambda = a[i][i];
        if (lambda > tol)
        {
            const Foam::vector e(v[0][i], v[1][i], v[2][i]);
            inv += Foam::sqr(e)/lambda;
            range += Foam::sqr(e);
        }
    }
    return inv;
}


//- Least-squares weights of the value at the origin from values at the
//  offsets d (weights 1/|d|^2).  Returns whether the fit is exact for
//  linear data: the origin lies in the affine hull of the offsets.
bool fitWeights(const Foam::List<Foam::vector>& d, Foam::scalarList& weights)
{
    using namespace Foam;

    scalarList w(d.size());
    scalar sumW = 0;
    vector dMean(Zero);
    scalar dMax = 0;
    scalar secondMoment = 0;
    forAll(d, i)
    {
        w[i] = 1/max(magSqr(d[i]), VSMALL);
        sumW += w[i];
        dMean += w[i]*d[i];
        dMax = max(dMax, mag(d[i]));
        secondMoment += w[i]*magSqr(d[i]);
    }
    dMean /= sumW;

    symmTensor moment(Zero);
    forAll(d, i)
    {
        moment += w[i]*sqr(d[i] - dMean);
    }
    // Directions the offsets do not span (relative to their size) are
    // left out of the fit
    symmTensor range;
    const symmTensor momentInv =
        pseudoInverse(moment, 1e-10*secondMoment, range);

    // Fit g = a + b.d: a = gMean - b.dMean, linear in the values
    weights.setSize(d.size());
    const vector back = momentInv & dMean;
    forAll(d, i)
    {
        weights[i] = w[i]*(1/sumW - ((d[i] - dMean) & back));
    }

    return mag(dMean - (range & dMean)) <= 1e-9*dMax;
}

} // End anonymous namespace


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnPatchInterpolation::pinnPatchInterpolation(const polyPatch& pp)
:
    stencils_(),
    weights_()
{
    build
    (
        pp.pointFaces(),
        pp.localFaces(),
        pp.localPoints(),
        pp.faceCentres(),
        pp.boundaryMesh().mesh().solutionD()
    );
}


Foam::pinnPatchInterpolation::pinnPatchInterpolation
(
    const labelListList& pointFaces,
    const faceList& localFaces,
    const pointField& localPoints,
    const UList<vector>& faceCentres,
    const Vector<label>& solutionD
)
:
    stencils_(),
    weights_()
{
    build(pointFaces, localFaces, localPoints, faceCentres, solutionD);
}


// * * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

void Foam::pinnPatchInterpolation::build
(
    const labelListList& pointFaces,
    const faceList& localFaces,
    const pointField& localPoints,
    const UList<vector>& faceCentres,
    const Vector<label>& solutionD
)
{
    // Empty (2D) directions (solutionD < 0) take no part in the fit
    stencils_.setSize(pointFaces.size());
    weights_.setSize(pointFaces.size());

    forAll(pointFaces, pointi)
    {
        const point& xp = localPoints[pointi];

        // Rings of faces about the point, grown until the fit is exact for
        // linear data (the point lies in the affine hull of the centres)
        labelHashSet faceSet(pointFaces[pointi]);
        labelList faces;
        List<vector> d;
        scalarList& weights = weights_[pointi];

        while (true)
        {
            faces = faceSet.sortedToc();
            d.setSize(faces.size());
            forAll(faces, i)
            {
                d[i] = faceCentres[faces[i]] - xp;
                for (direction cmpt = 0; cmpt < vector::nComponents; ++cmpt)
                {
                    if (solutionD[cmpt] < 0)
                    {
                        d[i][cmpt] = 0;
                    }
                }
            }

            if (fitWeights(d, weights))
            {
                break;
            }

            // Next ring: faces sharing a point with the stencil
            const label nOld = faceSet.size();
            for (const label facei : faces)
            {
                for (const label pti : localFaces[facei])
                {
                    faceSet.insert(pointFaces[pti]);
                }
            }
            if (faceSet.size() == nOld)
            {
                // Whole connected patch: the best fit there is
                break;
            }
        }

        stencils_[pointi].transfer(faces);
    }
}


// ************************************************************************* //
