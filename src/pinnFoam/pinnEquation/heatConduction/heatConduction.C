/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "heatConduction.H"
#include "pinnDict.H"
#include "addToRunTimeSelectionTable.H"

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
    const word& fieldName
)
:
    pinnEquation(dict, nDim, fieldName),
    DT_(pinnDict::getPositive<scalar>(dict, "DT")),
    S_(dict.getOrDefault<scalar>("S", 0))
{
    pinnDict::checkKeys(dict, wordList({"type", "DT", "S"}));
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

pinn::PdeSpec Foam::pinnEquations::heatConduction::spec() const
{
    return pinn::PdeSpec::heat(nDim_, DT_, S_);
}


Foam::wordList Foam::pinnEquations::heatConduction::outputNames() const
{
    return wordList({fieldName_});
}


Foam::wordList Foam::pinnEquations::heatConduction::equationNames() const
{
    return wordList({fieldName_});
}


Foam::string Foam::pinnEquations::heatConduction::description() const
{
    OStringStream os;
    os  << "heatConduction: laplacian(" << DT_ << ", " << fieldName_ << ") + "
        << S_ << " = 0";
    return os.str();
}

// ************************************************************************* //
