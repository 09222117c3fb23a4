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
    S_(pinnDict::getOrDefault<scalar>(dict, "S", 0))
{
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
    os  << "heatConduction: laplacian(" << DT_ << ", " << fieldNames_[0] << ") + "
        << S_ << " = 0";
    return os.str();
}

// ************************************************************************* //
