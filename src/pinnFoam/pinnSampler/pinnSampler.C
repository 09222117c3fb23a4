/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnSampler.H"
#include "FlatOutput.H"
#include "pinnDict.H"
#include "addToRunTimeSelectionTable.H"

#include <cmath>

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(pinnSampler, 0);
    defineRunTimeSelectionTable(pinnSampler, dictionary);

namespace pinnSamplers
{
    defineTypeNameAndDebug(uniform, 0);
    addToRunTimeSelectionTable(pinnSampler, uniform, dictionary);
    defineTypeNameAndDebug(resampledUniform, 0);
    addToRunTimeSelectionTable(pinnSampler, resampledUniform, dictionary);
}
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnSampler::pinnSampler
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms
)
:
    domain_(domain),
    terms_(terms),
    refOutput_(-1),
    refValue_(0),
    refPoint_(Zero),
    refHere_(false),
    nInterior_(pinnDict::getPositive<label>(dict, "nInterior")),
    nBoundary_(pinnDict::getPositive<label>(dict, "nBoundary")),
    seed_(pinnDict::getOrDefaultNonNegative<label>(dict, "seed", 1)),
    equationWeight_(pinnDict::getOrDefaultPositive<scalar>(lossDict, "equationWeight", 1)),
    boundaryWeight_(pinnDict::getOrDefaultPositive<scalar>(lossDict, "boundaryWeight", 1))
{
    pinnDict::checkKeys
    (
        lossDict,
        wordList({"equationWeight", "boundaryWeight", "patchWeights", "balancing"})
    );

    // The groups: every patch with a condition on some output
    const polyBoundaryMesh& pbm = domain_.mesh().boundaryMesh();
    forAll(pbm, patchi)
    {
        bool has = false;
        forAll(terms_, k)
        {
            has = has || terms_[k].hasTerm(patchi);
        }
        if (has)
        {
            groupPatch_.append(patchi);
            groupName_.append(pbm[patchi].name());
        }
    }
    if (groupPatch_.empty())
    {
        FatalErrorInFunction
            << "Field " << terms_[0].fieldName() << " (" << terms_[0].filePath()
            << ") has no patch with a boundary condition: the problem is not"
            << " well posed." << nl
            << "    Give at least one patch a fixedValue, fixedGradient or"
            << " mixed condition."
            << exit(FatalError);
    }
    patchWeight_.setSize(groupPatch_.size(), 1.0);
    if (lossDict.found("patchWeights"))
    {
        const dictionary& pw = lossDict.subDict("patchWeights");
        pinnDict::checkKeys(pw, groupName_);
        forAll(groupName_, i)
        {
            patchWeight_[i] = pinnDict::getOrDefaultPositive<scalar>
            (
                pw, groupName_[i], 1
            );
        }
    }
    checkPointMemory(dict, scalar(nInterior_) + scalar(nBoundary_));
}


Foam::pinnSamplers::uniform::uniform
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms
)
:
    pinnSampler(dict, lossDict, domain, terms)
{
    pinnDict::checkKeys(dict, wordList({"type", "nInterior", "nBoundary", "seed"}));
}


Foam::pinnSamplers::resampledUniform::resampledUniform
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms
)
:
    pinnSampler(dict, lossDict, domain, terms),
    interval_(pinnDict::getPositive<label>(dict, "resampleInterval"))
{
    pinnDict::checkKeys
    (
        dict,
        wordList({"type", "nInterior", "nBoundary", "seed", "resampleInterval"})
    );
}


// * * * * * * * * * * * * * * * * Selectors * * * * * * * * * * * * * * * * //

Foam::autoPtr<Foam::pinnSampler> Foam::pinnSampler::New
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms
)
{
    const word modelType
    (
        pinnDict::selectType(dict, "sampling", *dictionaryConstructorTablePtr_)
    );
    auto cstrIter = dictionaryConstructorTablePtr_->cfind(modelType);

    return autoPtr<pinnSampler>(cstrIter()(dict, lossDict, domain, terms));
}


// * * * * * * * * * * * * Protected Member Functions  * * * * * * * * * * * //

void Foam::pinnSampler::checkPointMemory
(
    const dictionary& dict,
    const scalar nPoints
) const
{
    // A point on the host: its position, cell and weight, its network
    // coordinates, and the copies the runner and the backend keep (a
    // boundary point holds more, per output)
    const scalar bytesPerPoint = 200;
    const scalar bytes = bytesPerPoint*nPoints;
    const scalar memory = pinn::hostMemoryBytes();
    if (memory > 0 && bytes > memory)
    {
        FatalIOErrorInFunction(dict)
            << "Sampling " << nPoints << " points per draw (" << dict.name()
            << ") takes at least " << std::round(bytes/1073741824) << " GiB of"
            << " host memory (about " << bytesPerPoint << " bytes a point), more"
            << " than the " << std::round(memory/1073741824) << " GiB this"
            << " process may use"
            << nl << "    Give fewer points (nInterior, nBoundary"
            << (type() == "RARD" ? ", nAdd x poolFactor" : "") << ")"
            << exit(FatalIOError);
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::pinnSampler::setReference
(
    const word& name,
    const label k,
    const scalar value,
    const point& p,
    const bool here
)
{
    refOutput_ = k;
    refValue_ = value;
    refPoint_ = p;
    refHere_ = here;
    groupName_.append(name);
}


Foam::wordList Foam::pinnSampler::groupNames() const
{
    return groupName_;
}


void Foam::pinnSampler::draw
(
    const label drawi,
    pinn::InteriorSet<double>& interior,
    pinn::BoundarySet<double>& boundary
) const
{
    // Interior
    List<point> pts;
    labelList cells;
    scalarList w;
    interiorPoints(drawi, pts, cells, w);
    scalarList coords;
    domain_.networkCoordinates(pts, coords);
    interior.x.assign(coords.begin(), coords.end());
    interior.w.assign(w.begin(), w.end());
    interior.s.clear();
    if (cellSource_)
    {
        interior.s.resize(cells.size());
        forAll(cells, i)
        {
            interior.s[i] = (*cellSource_)[cells[i]];
        }
    }

    drawBoundary(drawi, boundary);
}


void Foam::pinnSampler::drawBoundary
(
    const label drawi,
    pinn::BoundarySet<double>& boundary
) const
{
    const label D = domain_.nDim();
    scalarList coords;

    // Boundary: patch by patch, each patch with its own stream, so that a
    // small patch gets its share of points whatever its area
    const label nGroups = groupName_.size();
    const labelList counts(patchCounts());
    boundary = pinn::BoundarySet<double>();
    forAll(groupPatch_, grp)
    {
        pinnDomain::boundarySamples bs;
        domain_.sampleBoundary
        (
            labelList(1, groupPatch_[grp]), counts[grp], seed_, drawi, bs, grp,
            faceDensity(grp)
        );

        // Each patch's term is the mean over its points: the boundary loss
        // is boundaryWeight times the average over the patches of
        // patchWeight*mean(r^2), summed over the patch's conditions
        const scalar wp =
            boundaryWeight_*patchWeight_[grp]/(nGroups*scalar(counts[grp]));
        appendRows(grp, bs, wp, boundaryWeightFactors(grp, bs), boundary);
    }
    if (refOutput_ >= 0 && refHere_)
    {
        domain_.networkCoordinates(List<point>(1, refPoint_), coords);
        boundary.x.insert(boundary.x.end(), coords.begin(), coords.end());
        boundary.alpha.push_back(1);
        boundary.beta.push_back(0);
        boundary.g.push_back(refValue_);
        for (label d = 0; d < D; ++d)
        {
            boundary.normal.push_back(0);
        }
        boundary.w.push_back(boundaryWeight_/nGroups);
        boundary.component.push_back(refOutput_);
        boundary.group.push_back(nGroups - 1);
    }
}


bool Foam::pinnSampler::interiorDraw
(
    const label drawi,
    pinn::sampling::InteriorDraw& d
) const
{
    d = pinn::sampling::InteriorDraw();
    d.n = nInterior_;
    d.seed = seed_;
    d.draw = uint64_t(drawi);
    d.stream = pinnDomain::interiorStreamTag(0);
    d.weight = equationWeight_/nInterior_;
    if (globalCellSource_)
    {
        d.source.assign(globalCellSource_->begin(), globalCellSource_->end());
    }
    return true;
}


void Foam::pinnSampler::interiorPoints
(
    const label drawi,
    List<point>& points,
    labelList& cells,
    scalarList& weights
) const
{
    domain_.sampleInterior(nInterior_, seed_, drawi, points, cells);
    // nInterior_, nBoundary_ are global counts: the weights make the loss
    // the global mean whatever share of the points this processor holds
    weights.setSize(points.size());
    weights = equationWeight_/nInterior_;
}


void Foam::pinnSampler::appendRows
(
    const label grp,
    const pinnDomain::boundarySamples& bs,
    const scalar w,
    const scalarList& factors,
    pinn::BoundarySet<double>& set
) const
{
    const label D = domain_.nDim();
    scalarList coords;
    domain_.networkCoordinates(bs.points, coords);
    forAll(terms_, k)
    {
        if (!terms_[k].hasTerm(groupPatch_[grp]))
        {
            continue;
        }
        scalarList alpha, beta, g;
        terms_[k].evaluate(bs, alpha, beta, g);
        set.x.insert(set.x.end(), coords.begin(), coords.end());
        set.alpha.insert(set.alpha.end(), alpha.begin(), alpha.end());
        set.beta.insert(set.beta.end(), beta.begin(), beta.end());
        set.g.insert(set.g.end(), g.begin(), g.end());
        forAll(alpha, i)
        {
            for (label d = 0; d < D; ++d)
            {
                set.normal.push_back(domain_.coordinate(bs.normal[i], d));
            }
            set.w.push_back(factors.empty() ? w : w*factors[i]);
            set.component.push_back(k);
            set.group.push_back(grp);
        }
    }
}


Foam::labelList Foam::pinnSampler::patchCounts() const
{
    // Half of nBoundary split evenly over the patches, half by area
    // (largest remainders), at least one point per patch
    const label nP = groupPatch_.size();
    scalarList area(nP);
    scalar total = 0;
    forAll(groupPatch_, i)
    {
        area[i] = domain_.patchArea(groupPatch_[i]);
        total += area[i];
    }
    scalarList share(nP);
    labelList n(nP);
    label sum = 0;
    forAll(groupPatch_, i)
    {
        share[i] = nBoundary_*(0.5/nP + 0.5*area[i]/max(total, VSMALL));
        n[i] = max(label(share[i]), 1);
        sum += n[i];
    }
    while (sum < nBoundary_)
    {
        label best = 0;
        forAll(n, i)
        {
            if (share[i] - n[i] > share[best] - n[best]) best = i;
        }
        ++n[best];
        ++sum;
    }
    return n;
}


Foam::string Foam::pinnSamplers::uniform::description() const
{
    OStringStream os;
    os  << "uniform: " << nInterior_ << " interior and " << nBoundary_
        << " boundary points, drawn once (seed " << label(seed_) << ")";
    return os.str();
}


Foam::string Foam::pinnSamplers::resampledUniform::description() const
{
    OStringStream os;
    os  << "resampledUniform: " << nInterior_ << " interior and " << nBoundary_
        << " boundary points, drawn anew every " << interval_
        << " iterations (seed " << label(seed_) << ")";
    return os.str();
}

// ************************************************************************* //
