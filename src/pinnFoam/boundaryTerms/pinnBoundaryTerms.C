/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnBoundaryTerms.H"
#include "pinnPatchInterpolation.H"
#include "IOdictionary.H"
#include "IFstream.H"
#include "volFields.H"
#include "emptyPolyPatch.H"
#include "processorPolyPatch.H"
#include "primitiveFacePatch.H"
#include "pinnProcAddressing.H"
#include "Map.H"
#include "Pstream.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(pinnBoundaryTerms, 0);
}


const Foam::Enum<Foam::pinnBoundaryTerms::kindType>
Foam::pinnBoundaryTerms::kindTypeNames
({
    { kindType::dirichlet, "dirichlet" },
    { kindType::neumann, "neumann" },
    { kindType::robin, "robin" },
});


// * * * * * * * * * * * * * Static Member Functions * * * * * * * * * * * * //

const Foam::wordList& Foam::pinnBoundaryTerms::supportedTypes()
{
    static const wordList types
    ({
        "fixedValue",
        "zeroGradient",
        "fixedGradient",
        "mixed",
        "symmetryPlane",
        "symmetry",
        "fixedFluxPressure"
    });
    return types;
}


const Foam::wordList& Foam::pinnBoundaryTerms::supportedVectorTypes()
{
    static const wordList types
    ({
        "fixedValue",
        "noSlip",
        "movingWallVelocity",
        "zeroGradient",
        "fixedGradient",
        "slip",
        "symmetryPlane",
        "symmetry"
    });
    return types;
}


const Foam::wordList& Foam::pinnBoundaryTerms::skippedTypes()
{
    static const wordList types({"empty", "processor"});
    return types;
}


// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * * //

namespace
{

//- Words separated by commas, for messages
Foam::string joined(const Foam::wordList& words)
{
    Foam::string s;
    forAll(words, i)
    {
        s += (i ? ", " : "") + words[i];
    }
    return s;
}


//- Entry 'entry' of a patch (n values), which must be finite: ascii 'nan'
//  or 'inf' the reader rejects, but a binary field file holds any bits
template<class Type>
Foam::Field<Type> finiteEntry
(
    const Foam::word& entry,
    const Foam::dictionary& patchDict,
    const Foam::polyPatch& pp,
    const Foam::word& fieldName,
    const Foam::fileName& file
)
{
    using namespace Foam;
    Field<Type> f(entry, patchDict, pp.size());
    forAll(f, facei)
    {
        for (direction d = 0; d < pTraits<Type>::nComponents; ++d)
        {
            const scalar v = component(f[facei], d);
            if (!std::isfinite(v))
            {
                FatalIOErrorInFunction(patchDict)
                    << "Entry '" << entry << "' of patch " << pp.name()
                    << " of field " << fieldName << " in " << file
                    << " is not finite (" << (std::isnan(v) ? "nan" : "inf")
                    << ") at face " << facei << " of " << f.size() << nl
                    << "    The file is corrupt or was written from a diverged"
                    << " run: give finite values (restore " << file.name()
                    << ", e.g. from 0.orig)"
                    << exit(FatalIOError);
            }
        }
    }
    return f;
}

} // End anonymous namespace


// * * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

namespace
{

using namespace Foam;

//- Point values (patch-local points of pp) of face fields, interpolated
//  with pinnPatchInterpolation as a serial run does it on the undecomposed
//  patch: in a parallel run with decomposePar's addressing the whole patch
//  is gathered on every processor (faces in the undecomposed order, points
//  identified by their global index), so that points next to a processor
//  cut get the serial run's stencil and values rather than one-sided ones.
//  Collective in a parallel run.
List<scalarField> patchPointValues
(
    const polyPatch& pp,
    const List<scalarField>& faceFields
)
{
    List<scalarField> result(faceFields.size());
    const polyMesh& mesh = pp.boundaryMesh().mesh();

    const autoPtr<labelIOList> pointAddr =
        pinnProcAddressing::read(mesh, "pointProcAddressing", mesh.nPoints());
    const autoPtr<labelIOList> faceAddr =
        pinnProcAddressing::read(mesh, "faceProcAddressing", mesh.nFaces());

    if (!returnReduce(pointAddr.valid() && faceAddr.valid(), andOp<bool>()))
    {
        const pinnPatchInterpolation interp(pp);
        forAll(faceFields, k)
        {
            result[k] = interp.faceToPoint(faceFields[k]);
        }
        return result;
    }

    // This processor's part: faces by their index in the undecomposed patch,
    // points by their global index
    const label myProc = Pstream::myProcNo();
    const label nProcs = Pstream::nProcs();
    const labelList& meshPoints = pp.meshPoints();

    label start = labelMax;
    forAll(pp, i)
    {
        start = min(start, mag(faceAddr()[pp.start() + i]) - 1);
    }
    reduce(start, minOp<label>());

    List<labelList> index(nProcs), pointIds(nProcs);
    List<faceList> faces(nProcs);
    List<pointField> points(nProcs);
    List<vectorField> centres(nProcs);
    index[myProc].setSize(pp.size());
    faces[myProc] = pp.localFaces();
    forAll(pp, i)
    {
        index[myProc][i] = mag(faceAddr()[pp.start() + i]) - 1 - start;
        for (label& pti : faces[myProc][i])
        {
            pti = pointAddr()[meshPoints[pti]];
        }
    }
    pointIds[myProc] = labelList(UIndirectList<label>(pointAddr(), meshPoints));
    points[myProc] = pp.localPoints();
    centres[myProc] = pp.faceCentres();
    Pstream::gatherList(index);
    Pstream::scatterList(index);
    Pstream::gatherList(faces);
    Pstream::scatterList(faces);
    Pstream::gatherList(pointIds);
    Pstream::scatterList(pointIds);
    Pstream::gatherList(points);
    Pstream::scatterList(points);
    Pstream::gatherList(centres);
    Pstream::scatterList(centres);

    // The whole patch, points numbered compactly
    label nFaces = 0;
    for (const labelList& idx : index)
    {
        nFaces += idx.size();
    }
    Map<label> compact;
    DynamicList<point> wholePoints;
    forAll(pointIds, proci)
    {
        forAll(pointIds[proci], i)
        {
            if (compact.insert(pointIds[proci][i], wholePoints.size()))
            {
                wholePoints.append(points[proci][i]);
            }
        }
    }
    const pointField wholePointField(std::move(wholePoints));
    faceList wholeFaces(nFaces);
    vectorField wholeCentres(nFaces);
    forAll(index, proci)
    {
        forAll(index[proci], i)
        {
            const label j = index[proci][i];
            if (j < 0 || j >= nFaces)
            {
                FatalErrorInFunction
                    << "Faces of patch " << pp.name() << " are not numbered"
                    << " consecutively in faceProcAddressing" << nl
                    << "    Decompose the case again (decomposePar -force)"
                    << exit(FatalError);
            }
            face& f = wholeFaces[j];
            f = faces[proci][i];
            for (label& pti : f)
            {
                pti = compact[pti];
            }
            wholeCentres[j] = centres[proci][i];
        }
    }
    const primitiveFacePatch whole(wholeFaces, wholePointField);
    const pinnPatchInterpolation interp
    (
        whole.pointFaces(),
        whole.localFaces(),
        whole.localPoints(),
        wholeCentres,
        mesh.solutionD()
    );
    const Map<label>& wholePointOf = whole.meshPointMap();

    forAll(faceFields, k)
    {
        List<scalarField> values(nProcs);
        values[myProc] = faceFields[k];
        Pstream::gatherList(values);
        Pstream::scatterList(values);
        scalarField wholeValues(nFaces);
        forAll(index, proci)
        {
            forAll(index[proci], i)
            {
                wholeValues[index[proci][i]] = values[proci][i];
            }
        }
        const scalarField wholePointValues(interp.faceToPoint(wholeValues));
        result[k].setSize(meshPoints.size());
        forAll(meshPoints, pointi)
        {
            const label c = compact[pointAddr()[meshPoints[pointi]]];
            result[k][pointi] = wholePointValues[wholePointOf[c]];
        }
    }
    return result;
}

} // End anonymous namespace


void Foam::pinnBoundaryTerms::unsupported
(
    const polyPatch& pp,
    const word& type,
    const dictionary& patchDict
) const
{
    const wordList& types =
        component_ >= 0 ? supportedVectorTypes() : supportedTypes();
    FatalIOErrorInFunction(patchDict)
        << "Unsupported patch type " << type << " for patch "
        << pp.name() << " of field " << fieldName_ << " in "
        << filePath_ << nl
        << "    Supported patch types of a "
        << (component_ >= 0 ? "vector" : "scalar") << " field: "
        << joined(types).c_str()
        << nl << "    (" << joined(skippedTypes()).c_str()
        << " patches carry no boundary term)." << nl
        << "    Change the type of patch " << pp.name()
        << " to one of the supported types."
        << exit(FatalIOError);
}


void Foam::pinnBoundaryTerms::addVectorTerm
(
    const polyPatch& pp,
    const word& type,
    const dictionary& patchDict,
    patchTerm& t
) const
{
    const label n = pp.size();
    const direction c = direction(component_);
    auto dirichlet = [&](const scalarField& g)
    {
        t.kind = kindType::dirichlet;
        t.alpha = scalarField(n, 1.0);
        t.beta = scalarField(n, Zero);
        t.g = g;
    };
    auto neumann = [&](const scalarField& g)
    {
        t.kind = kindType::neumann;
        t.alpha = scalarField(n, Zero);
        t.beta = scalarField(n, 1.0);
        t.g = g;
    };

    if (type == "fixedValue" || type == "movingWallVelocity")
    {
        // movingWallVelocity on a static mesh is its value
        dirichlet
        (
            finiteEntry<vector>("value", patchDict, pp, fieldName_, filePath_)
           .component(c)
        );
    }
    else if (type == "noSlip")
    {
        dirichlet(scalarField(n, Zero));
    }
    else if (type == "zeroGradient")
    {
        neumann(scalarField(n, Zero));
    }
    else if (type == "fixedGradient")
    {
        neumann
        (
            finiteEntry<vector>("gradient", patchDict, pp, fieldName_, filePath_)
           .component(c)
        );
    }
    else if (type == "slip" || type == "symmetryPlane" || type == "symmetry")
    {
        // No flow through the patch (n.U = 0) and no tangential stress: on a
        // patch normal to a coordinate axis that is a zero value of the
        // normal component and a zero normal gradient of the others
        const vectorField nf(pp.faceNormals());
        bool normal = true, tangential = true;
        for (const vector& v : nf)
        {
            normal = normal && mag(v[c]) > 1 - 1e-6;
            tangential = tangential && mag(v[c]) < 1e-6;
        }
        reduce(normal, andOp<bool>());
        reduce(tangential, andOp<bool>());
        if (normal)
        {
            dirichlet(scalarField(n, Zero));
        }
        else if (tangential)
        {
            neumann(scalarField(n, Zero));
        }
        else
        {
            FatalIOErrorInFunction(patchDict)
                << "Patch " << pp.name() << " of field " << fieldName_
                << " has type " << type << " but is not normal to a"
                << " coordinate axis" << nl
                << "    pinnFoam's " << type << " condition of a vector field"
                << " needs a plane patch normal to x, y or z (the normal"
                << " component is fixed at zero, the others have zero normal"
                << " gradient); give a patch that is not aligned another"
                << " condition"
                << exit(FatalIOError);
        }
    }
    else
    {
        unsupported(pp, type, patchDict);
    }
}


void Foam::pinnBoundaryTerms::fixedValueRange
(
    scalar& lo,
    scalar& hi,
    scalar& maxGradient,
    bool& fluxFree
) const
{
    lo = GREAT;
    hi = -GREAT;
    maxGradient = 0;
    fluxFree = true;
    for (const patchTerm& t : terms_)
    {
        forAll(t.g, facei)
        {
            if (t.beta[facei] == 0 && t.alpha[facei] > 0)
            {
                const scalar v = t.g[facei]/t.alpha[facei];
                lo = min(lo, v);
                hi = max(hi, v);
            }
            else if (t.alpha[facei] == 0 && t.beta[facei] > 0)
            {
                maxGradient = max(maxGradient, mag(t.g[facei]/t.beta[facei]));
                fluxFree = fluxFree && t.g[facei] == 0;
            }
            else
            {
                // mixed: exchanges with its reference value (no bound claimed)
                fluxFree = false;
            }
        }
    }
    reduce(lo, minOp<scalar>());
    reduce(hi, maxOp<scalar>());
    reduce(maxGradient, maxOp<scalar>());
    reduce(fluxFree, andOp<bool>());
}


bool Foam::pinnBoundaryTerms::fixesValue() const
{
    bool fixes = false;
    for (const patchTerm& t : terms_)
    {
        fixes = fixes || (t.alpha.size() && max(t.alpha) > 0);
    }
    return returnReduce(fixes, orOp<bool>());
}


void Foam::pinnBoundaryTerms::addTerm
(
    const polyPatch& pp,
    const word& type,
    const dictionary& patchDict
)
{
    const label n = pp.size();

    autoPtr<patchTerm> termPtr(new patchTerm());
    patchTerm& t = termPtr.ref();
    t.patchi = pp.index();
    t.patchName = pp.name();
    t.type = type;

    if (component_ >= 0)
    {
        addVectorTerm(pp, type, patchDict, t);
    }
    else if (type == "fixedValue")
    {
        t.kind = kindType::dirichlet;
        t.alpha = scalarField(n, 1.0);
        t.beta = scalarField(n, Zero);
        t.g = finiteEntry<scalar>("value", patchDict, pp, fieldName_, filePath_);
    }
    else if (type == "fixedGradient")
    {
        t.kind = kindType::neumann;
        t.alpha = scalarField(n, Zero);
        t.beta = scalarField(n, 1.0);
        t.g = finiteEntry<scalar>("gradient", patchDict, pp, fieldName_, filePath_);
    }
    else if
    (
        type == "zeroGradient"
     || type == "symmetryPlane"
     || type == "symmetry"
     || type == "fixedFluxPressure"
    )
    {
        // For a scalar the symmetry conditions are zero normal gradient;
        // fixedFluxPressure (p of the incompressible solvers, no body
        // force) is the zero normal gradient of p
        t.kind = kindType::neumann;
        t.alpha = scalarField(n, Zero);
        t.beta = scalarField(n, 1.0);
        t.g = scalarField(n, Zero);
    }
    else if (type == "mixed")
    {
        const scalarField f
        (
            finiteEntry<scalar>("valueFraction", patchDict, pp, fieldName_, filePath_)
        );
        const scalarField refValue
        (
            finiteEntry<scalar>("refValue", patchDict, pp, fieldName_, filePath_)
        );
        const scalarField refGradient
        (
            finiteEntry<scalar>("refGradient", patchDict, pp, fieldName_, filePath_)
        );

        if (n && (min(f) < 0 || max(f) > 1))
        {
            FatalIOErrorInFunction(patchDict)
                << "valueFraction of patch " << pp.name() << " of field "
                << fieldName_ << " is outside [0, 1] (min " << min(f)
                << ", max " << max(f) << ")." << nl
                << "    Give valueFraction values between 0 (fixed"
                << " gradient) and 1 (fixed value)."
                << exit(FatalIOError);
        }

        t.kind = kindType::robin;
        t.alpha = f;
        t.beta = 1 - f;
        t.g = f*refValue + (1 - f)*refGradient;
    }
    else
    {
        unsupported(pp, type, patchDict);
    }

    // Point values by the linear-exact face-to-point interpolation, on the
    // whole patch in a parallel run
    List<scalarField> pointValues =
        patchPointValues(pp, List<scalarField>({t.alpha, t.beta, t.g}));
    t.alphaPoint.transfer(pointValues[0]);
    t.betaPoint.transfer(pointValues[1]);
    t.gPoint.transfer(pointValues[2]);

    termOfPatch_[pp.index()] = terms_.size();
    terms_.append(termPtr.ptr());
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnBoundaryTerms::pinnBoundaryTerms
(
    const fvMesh& mesh,
    const word& fieldName,
    const word& instance,
    const label component
)
:
    fieldName_(fieldName),
    component_(component),
    name_
    (
        component < 0
      ? fieldName
      : word(fieldName + vector::componentNames[component])
    ),
    filePath_(),
    terms_(),
    termOfPatch_(mesh.boundaryMesh().size(), -1)
{
    // Not registered: the solver may hold a volScalarField of this name
    const IOobject io
    (
        fieldName,
        instance.empty() ? mesh.time().timeName() : instance,
        mesh,
        IOobject::MUST_READ,
        IOobject::NO_WRITE,
        false
    );
    filePath_ = io.objectPath();

    if (!isFile(filePath_))
    {
        FatalErrorInFunction
            << "Cannot find the field file of " << fieldName << ": "
            << filePath_ << nl
            << "    pinnFoam takes the boundary conditions of "
            << fieldName << " from its patch types in "
            << io.instance() << '/' << fieldName << "." << nl
            << "    Create " << filePath_ << " (a volScalarField with a"
            << " boundaryField entry for every patch), or check the"
            << " field name and the start time."
            << exit(FatalError);
    }

    // Read the file as a dictionary, so that errors give file and line
    IFstream is(filePath_);
    IOobject headerIo(io);
    if (!is.good() || !headerIo.readHeader(is))
    {
        FatalIOErrorInFunction(is)
            << "Cannot read the FoamFile header of " << filePath_ << nl
            << "    Give the file a FoamFile header with"
            << " class volScalarField."
            << exit(FatalIOError);
    }
    const word& wanted =
        component < 0 ? volScalarField::typeName : volVectorField::typeName;
    if (headerIo.headerClassName() != wanted)
    {
        FatalIOErrorInFunction(is)
            << "Field file " << filePath_ << " holds a "
            << headerIo.headerClassName() << "; pinnFoam needs a "
            << wanted << " for " << fieldName << " here." << nl
            << "    Check the field's class in its FoamFile header and the"
            << " fields the equation trains (fields in pinnProperties)."
            << exit(FatalIOError);
    }

    const IOdictionary fieldDict
    (
        IOobject
        (
            fieldName,
            io.instance(),
            mesh,
            IOobject::NO_READ,
            IOobject::NO_WRITE,
            false
        ),
        is
    );

    const dictionary& bfDict = fieldDict.subDict("boundaryField");

    for (const polyPatch& pp : mesh.boundaryMesh())
    {
        // Patch entry as OpenFOAM matches it: name, groups, then regex
        const dictionary* dictPtr =
            bfDict.findDict(pp.name(), keyType::LITERAL);

        for (const word& group : pp.inGroups())
        {
            if (dictPtr)
            {
                break;
            }
            dictPtr = bfDict.findDict(group, keyType::LITERAL);
        }
        if (!dictPtr)
        {
            dictPtr = bfDict.findDict(pp.name(), keyType::REGEX);
        }

        if (isA<processorPolyPatch>(pp))
        {
            continue;
        }

        if (!dictPtr)
        {
            FatalIOErrorInFunction(bfDict)
                << "No entry for patch " << pp.name() << " (type "
                << pp.type() << ") in boundaryField of field " << fieldName
                << nl << "    Add an entry for " << pp.name()
                << " with one of the supported patch types: "
                << joined
                   (
                       component < 0 ? supportedTypes() : supportedVectorTypes()
                   ).c_str()
                << "."
                << exit(FatalIOError);
        }

        const word type(dictPtr->get<word>("type"));

        if (isA<emptyPolyPatch>(pp))
        {
            if (type != "empty")
            {
                FatalIOErrorInFunction(*dictPtr)
                    << "Patch " << pp.name() << " of field " << fieldName
                    << " is empty in the mesh but has type " << type << nl
                    << "    Give it type empty (2D cases)."
                    << exit(FatalIOError);
            }
            continue;
        }

        addTerm(pp, type, *dictPtr);
    }

    DebugInfo
        << "pinnBoundaryTerms: " << fieldName << " from " << filePath_
        << ": " << terms_.size() << " patch terms" << endl;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::labelList Foam::pinnBoundaryTerms::patches() const
{
    labelList result(terms_.size());
    forAll(terms_, i)
    {
        result[i] = terms_[i].patchi;
    }
    return result;
}


const Foam::pinnBoundaryTerms::patchTerm&
Foam::pinnBoundaryTerms::term(const label patchi) const
{
    if (patchi < 0 || patchi >= termOfPatch_.size() || !hasTerm(patchi))
    {
        FatalErrorInFunction
            << "Patch " << patchi << " carries no boundary term of field "
            << fieldName_ << " (patches with terms: " << patches() << ")"
            << abort(FatalError);
    }
    return terms_[termOfPatch_[patchi]];
}


void Foam::pinnBoundaryTerms::evaluate
(
    const pinnDomain::boundarySamples& samples,
    scalarList& alpha,
    scalarList& beta,
    scalarList& g
) const
{
    const label n = samples.size();
    alpha.setSize(n);
    beta.setSize(n);
    g.setSize(n);

    for (label k = 0; k < n; ++k)
    {
        const patchTerm& t = term(samples.patch[k]);
        const label facei = samples.face[k];
        const label p0 = samples.point0[k];
        const label p1 = samples.point1[k];
        const scalar wC = samples.wCentre[k];
        const scalar w0 = samples.w0[k];
        const scalar w1 = samples.w1[k];

        alpha[k] =
            wC*t.alpha[facei] + w0*t.alphaPoint[p0] + w1*t.alphaPoint[p1];
        beta[k] =
            wC*t.beta[facei] + w0*t.betaPoint[p0] + w1*t.betaPoint[p1];
        g[k] = wC*t.g[facei] + w0*t.gPoint[p0] + w1*t.gPoint[p1];
    }
}


// ************************************************************************* //
