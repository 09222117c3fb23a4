/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnOptimiser.H"
#include "FlatOutput.H"
#include "pinnDict.H"
#include "addToRunTimeSelectionTable.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(pinnOptimiser, 0);
    defineRunTimeSelectionTable(pinnOptimiser, dictionary);

namespace pinnOptimisers
{
    defineTypeNameAndDebug(adam, 0);
    addToRunTimeSelectionTable(pinnOptimiser, adam, dictionary);
    defineTypeNameAndDebug(adamLbfgs, 0);
    addToRunTimeSelectionTable(pinnOptimiser, adamLbfgs, dictionary);
}
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::pinnOptimiser::readAdam(const dictionary& dict)
{
    pinn::AdamConfig& a = config_.adam;
    a.lr = pinnDict::getPositive<scalar>(dict, "learningRate");
    a.decayRate = pinnDict::getOrDefaultPositive<scalar>(dict, "decayRate", 1);
    a.decaySteps = pinnDict::getOrDefaultPositive<scalar>(dict, "decaySteps", 1000);
    a.beta1 = pinnDict::getOrDefault<scalar>(dict, "beta1", 0.9);
    a.beta2 = pinnDict::getOrDefault<scalar>(dict, "beta2", 0.999);
    a.eps = pinnDict::getOrDefaultPositive<scalar>(dict, "epsilon", 1e-8);
    for (const word key : {"beta1", "beta2"})
    {
        const scalar b = pinnDict::getOrDefault<scalar>(dict, key, 0.9);
        if (b < 0 || b >= 1)
        {
            FatalIOErrorInFunction(dict)
                << "Entry '" << key << "' in " << dict.dictName()
                << " must be in [0, 1), but is " << b
                << exit(FatalIOError);
        }
    }
    if (a.decayRate > 1)
    {
        FatalIOErrorInFunction(dict)
            << "Entry 'decayRate' in " << dict.dictName()
            << " must be in (0, 1] (the factor per decaySteps iterations), but is "
            << a.decayRate
            << exit(FatalIOError);
    }
}


Foam::string Foam::pinnOptimiser::description() const
{
    OStringStream os;
    const pinn::AdamConfig& a = config_.adam;
    os  << "adam (lr " << a.lr;
    if (a.decayRate != 1)
    {
        os  << " x " << a.decayRate << "^(iteration/" << a.decaySteps << ")";
    }
    os  << ")";
    if (config_.lbfgsStart >= 0)
    {
        os  << ", then L-BFGS (history " << config_.historySize << ") from iteration "
            << label(config_.lbfgsStart);
    }
    return os.str();
}


// * * * * * * * * * * * * * * * * Selectors * * * * * * * * * * * * * * * * //

Foam::autoPtr<Foam::pinnOptimiser> Foam::pinnOptimiser::New(const dictionary& dict)
{
    const word modelType
    (
        pinnDict::selectType(dict, "optimiser", *dictionaryConstructorTablePtr_)
    );
    auto cstrIter = dictionaryConstructorTablePtr_->cfind(modelType);

    return autoPtr<pinnOptimiser>(cstrIter()(dict));
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnOptimisers::adam::adam(const dictionary& dict)
{
    pinnDict::checkKeys
    (
        dict,
        wordList({"type", "learningRate", "decayRate", "decaySteps", "beta1", "beta2", "epsilon"})
    );
    readAdam(dict);
    config_.lbfgsStart = -1;
}


Foam::pinnOptimisers::adamLbfgs::adamLbfgs(const dictionary& dict)
{
    pinnDict::checkKeys
    (
        dict,
        wordList
        ({
            "type", "learningRate", "decayRate", "decaySteps", "beta1", "beta2",
            "epsilon", "lbfgsStart", "historySize", "maxLineSearch"
        })
    );
    readAdam(dict);
    config_.lbfgsStart = pinnDict::getOrDefaultNonNegative<label>(dict, "lbfgsStart", 0);
    if (!dict.found("lbfgsStart"))
    {
        FatalIOErrorInFunction(dict)
            << "Missing entry 'lbfgsStart' in " << dict.dictName() << nl
            << "    Add 'lbfgsStart <iteration>;': the iteration at which L-BFGS"
            << " takes over from Adam"
            << exit(FatalIOError);
    }
    config_.historySize = pinnDict::getOrDefaultPositive<label>(dict, "historySize", 20);
    config_.maxLineSearch = pinnDict::getOrDefaultPositive<label>(dict, "maxLineSearch", 25);
}

// ************************************************************************* //
