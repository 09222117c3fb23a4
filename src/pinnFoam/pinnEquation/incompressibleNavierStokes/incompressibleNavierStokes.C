/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "incompressibleNavierStokes.H"
#include "pinnDict.H"
#include "addToRunTimeSelectionTable.H"
#include "IOdictionary.H"
#include "dimensionedScalar.H"
#include "volFields.H"

#include <cctype>

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
namespace pinnEquations
{
    defineTypeNameAndDebug(incompressibleNavierStokes, 0);
    addToRunTimeSelectionTable(pinnEquation, incompressibleNavierStokes, dictionary);
}
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnEquations::incompressibleNavierStokes::incompressibleNavierStokes
(
    const dictionary& dict,
    const label nDim,
    const wordList& fieldNames,
    const fvMesh& mesh
)
:
    pinnEquation(dict, nDim, fieldNames, mesh),
    nu_(0)
{
    if (dict.found("nu"))
    {
        FatalIOErrorInFunction(dict)
            << "Entry 'nu' in the equation dictionary of " << dict.name()
            << nl << "    The viscosity is read from"
            << " constant/transportProperties, as icoFoam reads it:"
            << " move the entry there: " << *dict.findEntry("nu")
            << exit(FatalIOError);
    }
    pinnDict::checkKeys(dict, wordList({"type"}));
    if (fieldNames_.size() != 2)
    {
        FatalIOErrorInFunction(dict)
            << "incompressibleNavierStokes trains the velocity and the"
            << " pressure: give 'fields (U p);' in pinnProperties (now "
            << fieldNames_ << ")" << exit(FatalIOError);
    }

    // The directions the network sees, as pinnDomain takes them
    const Vector<label>& solD = mesh.solutionD();
    for (direction c = 0; c < vector::nComponents; ++c)
    {
        if (solD[c] >= 0)
        {
            directions_.append(word(vector::componentNames[c]));
        }
    }
    if (directions_.size() != nDim_)
    {
        directions_.setSize(nDim_);
        forAll(directions_, d)
        {
            directions_[d] = word(vector::componentNames[d]);
        }
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
            << "incompressibleNavierStokes needs the kinematic viscosity nu in "
            << io.objectPath() << ", which does not exist" << nl
            << "    Create it as for icoFoam, with the entry 'nu 0.01;' (m2/s)"
            << exit(FatalError);
    }
    const IOdictionary transport(io);
    const word model = pinnDict::getOrDefault<word>(transport, "transportModel", "Newtonian");
    if (model != "Newtonian")
    {
        FatalIOErrorInFunction(transport)
            << "transportModel " << model << " in " << transport.objectPath()
            << ": pinnFoam's incompressibleNavierStokes is Newtonian only" << nl
            << "    Set 'transportModel Newtonian;' and a uniform 'nu'"
            << exit(FatalIOError);
    }
    if (!transport.found("nu"))
    {
        pinnDict::missingEntry
        (
            transport, "nu", "Add 'nu <kinematic viscosity>;' (m2/s, > 0), as for icoFoam"
        );
    }
    pinnDict::checkValue(transport, "nu");
    nu_ = dimensionedScalar("nu", dimViscosity, transport).value();
    if (!(nu_ > 0))
    {
        FatalIOErrorInFunction(transport)
            << "nu = " << nu_ << " in " << transport.objectPath()
            << " must be > 0 (m2/s)" << exit(FatalIOError);
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::wordList
Foam::pinnEquations::incompressibleNavierStokes::fieldClasses() const
{
    return wordList({volVectorField::typeName, volScalarField::typeName});
}


Foam::wordList
Foam::pinnEquations::incompressibleNavierStokes::scalingKeys() const
{
    return wordList({fieldNames_[0]});
}


const Foam::dictionary&
Foam::pinnEquations::incompressibleNavierStokes::referenceDict() const
{
    const dictionary& solution = mesh_.solutionDict();
    for (const word& name : {"PISO", "PIMPLE", "SIMPLE"})
    {
        const dictionary* d = solution.findDict(name);
        if
        (
            d
         && (
                d->found(fieldNames_[1] + "RefCell")
             || d->found(fieldNames_[1] + "RefPoint")
            )
        )
        {
            return *d;
        }
    }
    FatalIOErrorInFunction(solution)
        << "No patch of " << fieldNames_[1] << " fixes its value, and "
        << solution.name() << " gives no reference level" << nl
        << "    The pressure of incompressible flow is determined up to a"
        << " constant: add '" << fieldNames_[1] << "RefCell 0; "
        << fieldNames_[1] << "RefValue 0;' to the PISO (or SIMPLE) dictionary,"
        << " as for icoFoam, or give a patch a fixedValue pressure"
        << exit(FatalIOError);
    return solution;
}


Foam::scalar
Foam::pinnEquations::incompressibleNavierStokes::referenceValue() const
{
    const dictionary& solution = mesh_.solutionDict();
    for (const word& name : {"PISO", "PIMPLE", "SIMPLE"})
    {
        const dictionary* d = solution.findDict(name);
        if (d && d->found(fieldNames_[1] + "RefValue"))
        {
            return d->get<scalar>(fieldNames_[1] + "RefValue");
        }
    }
    return 0;
}


void Foam::pinnEquations::incompressibleNavierStokes::constrainScaling
(
    pinnScaling& scaling,
    const UPtrList<const pinnBoundaryTerms>& terms,
    const dictionary& dict
) const
{
    if (!scaling.active())
    {
        return;
    }
    // One velocity scale: the largest fixed velocity component
    scalar U0 = 0;
    for (label k = 0; k < nDim_; ++k)
    {
        scalar lo, hi, maxGrad;
        bool fluxFree;
        terms[k].fixedValueRange(lo, hi, maxGrad, fluxFree);
        if (hi >= lo)
        {
            U0 = max(U0, max(mag(lo), mag(hi)));
        }
    }
    word source("largest fixed velocity");
    if (!(U0 > 0))
    {
        U0 = 1;
        source = "no fixed velocity: 1";
    }
    const word& Uname = fieldNames_[0];
    if (dict.found(Uname))
    {
        const dictionary& ud = dict.subDict(Uname);
        pinnDict::checkKeys(ud, wordList({"scale"}));
        U0 = pinnDict::getPositive<scalar>(ud, "scale");
        source = "given in scaling";
    }
    for (label k = 0; k < nDim_; ++k)
    {
        scaling.set(k, 0, U0, source);
    }

    // p: offset from its fixed values (or the reference value), scale U0^2
    scalar lo, hi, maxGrad;
    bool fluxFree;
    terms[nDim_].fixedValueRange(lo, hi, maxGrad, fluxFree);
    scalar p0 = hi >= lo ? 0.5*(lo + hi) : referenceValue();
    const word& pname = fieldNames_[1];
    word pSource("U0^2");
    if (dict.found(pname))
    {
        const dictionary& pd = dict.subDict(pname);
        pinnDict::checkKeys(pd, wordList({"value"}));
        p0 = pinnDict::getOrDefault<scalar>(pd, "value", p0);
        pSource = "U0^2, value given in scaling";
    }
    scaling.set(nDim_, p0, sqr(U0), pSource);

    Info<< "incompressibleNavierStokes: Re = U0 L/nu = " << U0 << " * "
        << scaling.length() << " / " << nu_ << " = "
        << U0*scaling.length()/nu_ << " (network units: L is the length of the"
        << " coordinate map)" << nl;
}


pinn::PdeSpec Foam::pinnEquations::incompressibleNavierStokes::spec
(
    const pinnScaling& scaling
) const
{
    // nu* = 1/Re; unscaled (type none): nu itself
    const scalar U0 = scaling.scale(0);
    return pinn::PdeSpec::navierStokes(nDim_, nu_/(U0*scaling.length()));
}


Foam::scalarList Foam::pinnEquations::incompressibleNavierStokes::residualScales
(
    const pinnScaling& scaling
) const
{
    scalarList s(nDim_ + 1, 1.0);
    if (!scaling.active())
    {
        return s;
    }
    const scalar U0 = scaling.scale(0);
    const scalar L = scaling.length();
    for (label k = 0; k < nDim_; ++k)
    {
        s[k] = sqr(U0)/L;
    }
    s[nDim_] = U0/L;
    return s;
}


Foam::wordList
Foam::pinnEquations::incompressibleNavierStokes::equationNames() const
{
    wordList names;
    for (const word& d : directions_)
    {
        // momentumX, momentumY, momentumZ
        names.append(word("momentum" + std::string(1, char(std::toupper(d[0])))));
    }
    names.append("continuity");
    return names;
}


Foam::string
Foam::pinnEquations::incompressibleNavierStokes::description() const
{
    OStringStream os;
    os  << "incompressibleNavierStokes: div(" << fieldNames_[0] << " "
        << fieldNames_[0] << ") + grad(" << fieldNames_[1] << ") - "
        << nu_ << " laplacian(" << fieldNames_[0] << ") = 0, div("
        << fieldNames_[0] << ") = 0 (steady, laminar)";
    return os.str();
}

// ************************************************************************* //
