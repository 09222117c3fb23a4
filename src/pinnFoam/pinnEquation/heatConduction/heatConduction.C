/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "heatConduction.H"
#include "pinnDict.H"
#include "addToRunTimeSelectionTable.H"
#include "IOdictionary.H"
#include "dimensionedScalar.H"
#include "volFields.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
namespace pinnEquations
{
    defineTypeNameAndDebug(heatConduction, 0);
    addToRunTimeSelectionTable(pinnEquation, heatConduction, dictionary);
}
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnEquations::heatConduction::heatConduction
(
    const dictionary& dict,
    const label nDim,
    const wordList& fieldNames,
    const fvMesh& mesh
)
:
    pinnEquation(dict, nDim, fieldNames, mesh),
    DT_(0),
    S_(0)
{
    // S: a number (uniform), or the name of a volScalarField in the start
    // time directory (its cell values, as fvOptions sources are per cell)
    if (dict.found("S"))
    {
        pinnDict::checkValue(dict, "S");
        ITstream& is = dict.lookup("S");
        token t(is);
        if (t.isWord())
        {
            sourceName_ = t.wordToken();
        }
        else
        {
            S_ = pinnDict::get<scalar>(dict, "S");
        }
    }
    if (!sourceName_.empty())
    {
        IOobject sio
        (
            sourceName_,
            mesh.time().timeName(),
            mesh,
            IOobject::MUST_READ,
            IOobject::NO_WRITE,
            false
        );
        if (!sio.typeHeaderOk<volScalarField>(true))
        {
            FatalIOErrorInFunction(dict)
                << "Entry 'S " << sourceName_ << ";' in " << dict.name()
                << " names a source field, but " << sio.objectPath()
                << " is not a volScalarField file" << nl
                << "    Give S a number (a uniform source, " << fieldNames_[0]
                << "/s), or write the field " << sourceName_ << " into "
                << mesh.time().timeName() << "/ (class volScalarField,"
                << " dimensions [0 0 -1 1 0 0 0] for T in K)"
                << exit(FatalIOError);
        }
        const volScalarField Sf(sio, mesh);
        cellS_ = Sf.primitiveField();
        forAll(cellS_, celli)
        {
            if (!std::isfinite(cellS_[celli]))
            {
                FatalIOErrorInFunction(dict)
                    << "The source field " << sio.objectPath() << " is "
                    << cellS_[celli] << " in cell " << celli << nl
                    << "    Every value of S must be a finite number"
                    << exit(FatalIOError);
            }
        }
    }

    if (dict.found("DT"))
    {
        FatalIOErrorInFunction(dict)
            << "Entry 'DT' in the equation dictionary of " << dict.name()
            << nl << "    The diffusivity is read from"
            << " constant/transportProperties, as laplacianFoam reads it:"
            << " move the entry there: " << *dict.findEntry("DT")
            << exit(FatalIOError);
    }
    pinnDict::checkKeys(dict, wordList({"type", "S"}));
    if (fieldNames_.size() != 1)
    {
        FatalIOErrorInFunction(dict)
            << "heatConduction trains one scalar field (e.g. 'field T;' in"
            << " pinnProperties), not " << fieldNames_.size() << " fields "
            << fieldNames_ << exit(FatalIOError);
    }

    IOobject io
    (
        "transportProperties",
        mesh.time().constant(),
        mesh,
        IOobject::MUST_READ,
        IOobject::NO_WRITE,
        false
    );
    if (!io.typeHeaderOk<IOdictionary>(true))
    {
        FatalErrorInFunction
            << "heatConduction needs the diffusivity DT in "
            << io.objectPath() << ", which does not exist" << nl
            << "    Create it as for laplacianFoam, with the entry"
            << " 'DT 1e-5;' (m2/s)"
            << exit(FatalError);
    }
    const IOdictionary transport(io);
    if (!transport.found("DT"))
    {
        pinnDict::missingEntry
        (
            transport, "DT", "Add 'DT <diffusivity>;' (m2/s, > 0), as for laplacianFoam"
        );
    }
    // 'DT 4e-5;' or 'DT [0 2 -1 0 0 0 0] 4e-5;', as laplacianFoam reads it
    pinnDict::checkValue(transport, "DT");
    DT_ = dimensionedScalar("DT", dimViscosity, transport).value();
    if (!(DT_ > 0))
    {
        FatalIOErrorInFunction(transport)
            << "DT = " << DT_ << " in " << transport.objectPath()
            << " must be > 0 (m2/s)" << exit(FatalIOError);
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

pinn::PdeSpec Foam::pinnEquations::heatConduction::spec
(
    const pinnScaling& scaling
) const
{
    const scalar rs = residualScales(scaling)[0];
    return pinn::PdeSpec::heat(nDim_, DT_*scaling.scale(0)/sqr(scaling.length())/rs, S_/rs);
}


Foam::scalarField Foam::pinnEquations::heatConduction::cellSource
(
    const pinnScaling& scaling
) const
{
    if (sourceName_.empty())
    {
        return scalarField();
    }
    return scalarField(cellS_/residualScales(scaling)[0]);
}


Foam::scalar Foam::pinnEquations::heatConduction::maxSource() const
{
    if (sourceName_.empty())
    {
        return mag(S_);
    }
    return returnReduce(cellS_.empty() ? 0 : max(mag(cellS_)), maxOp<scalar>());
}


void Foam::pinnEquations::heatConduction::checkCoefficients
(
    const pinnScaling& scaling,
    const scalar realMax
) const
{
    // In network units laplacian(D', u') + S' = 0 (D' = 1 with scaling) on
    // coordinates within +-h (h = 1 with scaling, the mesh's half extent
    // without): the source alone makes u' vary by about S' h^2/D', where
    // the network's outputs are of order 1
    const pinn::PdeSpec pde = spec(scaling);
    const scalar S = maxSource()/residualScales(scaling)[0];
    const scalar L = 0.5*cmptMax(mesh_.bounds().span());
    const scalar h = L/scaling.length();
    const scalar variation = mag(S)*sqr(h)/pde.c[0];
    const word& T = fieldNames_[0];
    const scalar suggested = maxSource()*sqr(L)/DT_;

    OStringStream what;
    what
        << "The source S = "
        << (sourceName_.empty() ? Foam::name(S_) : "max |" + sourceName_ + "| " + Foam::name(maxSource())).c_str()
        << " in " << dict_.name() << " alone makes "
        << T << " vary by about " << variation << " in the network's units (";
    if (scaling.active())
    {
        what
            << "S L^2/(DT U) with L = " << scaling.length() << " m and U = "
            << scaling.scale(0) << " the scaling's length and scale of " << T;
    }
    else
    {
        what
            << "S L^2/DT in the case's units, scaling type none, L = " << L
            << " m half the mesh's extent";
    }
    what << ", DT = " << DT_ << " m2/s)";
    OStringStream fix;
    fix << "    Check S and its units (" << T << "/s: laplacian(DT, " << T
        << ") + S = 0), or give " << T << " a scale of about S L^2/DT: "
        << "'scaling { " << (scaling.active() ? "" : "type auto; ") << T
        << " { scale " << suggested << "; } }' in pinnProperties";

    // A network with outputs of order 1 and weights that Adam moves by
    // about the learning rate per iteration does not get that far
    const scalar maxVariation = 1e4;
    if (!(variation <= maxVariation))
    {
        FatalIOErrorInFunction(dict_)
            << what.str().c_str() << ": more than " << maxVariation
            << " times the network's outputs of order 1, which training"
            << " cannot reach" << nl << fix.str().c_str()
            << exit(FatalIOError);
    }
    // The loss squares the residual (times its weights): with a margin
    if (!(mag(S) < Foam::sqrt(realMax)*1e-3))
    {
        FatalIOErrorInFunction(dict_)
            << "The source S = " << maxSource() << " in " << dict_.name() << " is "
            << S << " in the network's units: the loss squares it, which"
            << " overflows the backend's arithmetic (numbers up to " << realMax
            << ")" << nl << fix.str().c_str() << ", or use 'precision double;'"
            << exit(FatalIOError);
    }
    if (variation > 100)
    {
        WarningInFunction
            << what.str().c_str() << ", where the network's outputs are of"
            << " order 1: training will be slow or fail" << nl
            << fix.str().c_str() << nl << endl;
    }
}


Foam::scalarList Foam::pinnEquations::heatConduction::residualScales
(
    const pinnScaling& scaling
) const
{
    // Unscaled: the residual as written in the case (no division)
    if (!scaling.active())
    {
        return scalarList(1, 1.0);
    }
    return scalarList(1, DT_*scaling.scale(0)/sqr(scaling.length()));
}


Foam::wordList Foam::pinnEquations::heatConduction::fieldClasses() const
{
    return wordList({volScalarField::typeName});
}


Foam::wordList Foam::pinnEquations::heatConduction::equationNames() const
{
    return wordList({fieldNames_[0]});
}


Foam::string Foam::pinnEquations::heatConduction::description() const
{
    OStringStream os;
    os  << "heatConduction: laplacian(" << DT_ << ", " << fieldNames_[0] << ") + ";
    if (sourceName_.empty())
    {
        os  << S_;
    }
    else
    {
        os  << sourceName_ << " (field, max |" << sourceName_ << "| "
            << maxSource() << ")";
    }
    os  << " = 0";
    return os.str();
}

// ************************************************************************* //
