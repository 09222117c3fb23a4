/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnScaling.H"
#include "pinnDict.H"
#include "boundBox.H"

#include <cmath>

// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnScaling::pinnScaling(const wordList& outputs)
:
    active_(false),
    origin_(Zero),
    length_(1),
    inputScale_(1),
    outputs_(outputs),
    offset_(outputs.size(), Zero),
    scale_(outputs.size(), 1.0),
    source_(outputs.size(), "none")
{}


Foam::pinnScaling::pinnScaling
(
    const dictionary& dict,
    const pinnDomain& domain,
    const wordList& outputs,
    const UPtrList<const pinnBoundaryTerms>& terms,
    const wordList& extraKeys
)
:
    pinnScaling(outputs)
{
    wordList keys({"type", "length", "origin", "inputScale"});
    keys.append(outputs);
    keys.append(extraKeys);
    pinnDict::checkKeys(dict, keys);
    const word type = pinnDict::getChoiceOrDefault
    (
        dict, "type", wordList({"auto", "none"}), "auto"
    );
    if (type == "none")
    {
        for (const word& o : outputs)
        {
            if (dict.found(o) || dict.found("inputScale"))
            {
                FatalIOErrorInFunction(dict)
                    << "Entry '" << (dict.found(o) ? o : word("inputScale"))
                    << "' in scaling has no effect with"
                    << " 'type none;'" << nl
                    << "    Remove it or set 'type auto;'"
                    << exit(FatalIOError);
            }
        }
        return;
    }
    active_ = true;

    // Length and origin: the bounding box of the whole mesh (polyMesh's
    // bounds are reduced over the processors) in the network's directions
    const boundBox& bb = domain.mesh().bounds();
    origin_ = bb.centre();
    scalar halfExtent = 0;
    for (const label c : domain.components())
    {
        halfExtent = max(halfExtent, 0.5*(bb.max()[c] - bb.min()[c]));
    }
    length_ = halfExtent;
    if (dict.found("length"))
    {
        length_ = pinnDict::getPositive<scalar>(dict, "length");
    }
    if (dict.found("origin"))
    {
        origin_ = pinnDict::get<point>(dict, "origin");
    }
    if (!(length_ > 0))
    {
        FatalIOErrorInFunction(dict)
            << "The mesh of " << domain.mesh().time().path() << " has no extent"
            << " in the directions the network sees (bounding box " << bb
            << ")" << nl
            << "    Check the mesh (checkMesh) or give 'length' in scaling"
            << exit(FatalIOError);
    }

    forAll(outputs, k)
    {
        // Fixed values and fixed gradients of the output's conditions
        scalar lo = GREAT, hi = -GREAT, maxGrad = 0;
        bool fluxFree = true;
        if (k < terms.size() && terms.set(k))
        {
            terms[k].fixedValueRange(lo, hi, maxGrad, fluxFree);
        }

        scalar u0 = 0, U = 0;
        word source;
        if (hi >= lo)
        {
            u0 = 0.5*(lo + hi);
            U = 0.5*(hi - lo);
            source = "fixed values";
        }
        if (maxGrad*length_ > U)
        {
            U = maxGrad*length_;
            source = "fixed gradients times the length";
        }
        if (!(U > SMALL*max(mag(u0), 1.0)))
        {
            U = max(mag(u0), 1.0);
            source = "uniform conditions: the value's magnitude (or 1)";
        }
        if (dict.found(outputs[k]))
        {
            const dictionary& od = dict.subDict(outputs[k]);
            pinnDict::checkKeys(od, wordList({"value", "scale"}));
            u0 = pinnDict::getOrDefault<scalar>(od, "value", u0);
            if (od.found("scale"))
            {
                U = pinnDict::getPositive<scalar>(od, "scale");
            }
            source = "given in scaling";
        }
        offset_[k] = u0;
        scale_[k] = U;
        source_[k] = source;
    }

    // The network's coordinates: the output scales above use the length L
    // itself (a fixed gradient times L); the coordinate map, the equation's
    // coefficients and the boundary gradients use L/inputScale
    inputScale_ = pinnDict::getOrDefaultPositive<scalar>(dict, "inputScale", 1);
    length_ /= inputScale_;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::pinnScaling::set
(
    const label k,
    const scalar offset,
    const scalar scale,
    const word& source
)
{
    if (!(scale > 0))
    {
        FatalErrorInFunction
            << "Scale " << scale << " of output " << outputs_[k]
            << " must be > 0" << abort(FatalError);
    }
    offset_[k] = offset;
    scale_[k] = scale;
    source_[k] = source;
}


void Foam::pinnScaling::toNetwork(pinn::BoundarySet<double>& bs) const
{
    if (!active_)
    {
        return;
    }
    for (pinn::idx i = 0; i < bs.size(); ++i)
    {
        const label c = bs.component[i];
        const double U = scale_[c];
        const double a = bs.alpha[i]*U;
        const double b = bs.beta[i]*U/length_;
        const double g = bs.g[i] - bs.alpha[i]*offset_[c];
        const double norm = std::abs(a) + std::abs(b);
        bs.alpha[i] = a/norm;
        bs.beta[i] = b/norm;
        bs.g[i] = g/norm;
    }
}


void Foam::pinnScaling::toCase(std::vector<double>& values) const
{
    if (!active_)
    {
        return;
    }
    const std::size_t nOut = offset_.size();
    for (std::size_t i = 0; i < values.size(); ++i)
    {
        const label k = label(i % nOut);
        values[i] = offset_[k] + scale_[k]*values[i];
    }
}


void Foam::pinnScaling::describe(Ostream& os) const
{
    if (!active_)
    {
        os  << "none (the network sees the case's coordinates and values)";
        return;
    }
    os  << "x* = (x - " << origin_ << ")/" << length_;
    if (inputScale_ != 1)
    {
        os  << " (length " << length_*inputScale_ << "/inputScale " << inputScale_ << ")";
    }
    forAll(outputs_, k)
    {
        os  << "; " << outputs_[k] << " = " << offset_[k] << " + "
            << scale_[k] << " " << outputs_[k] << "* (" << source_[k].c_str()
            << ")";
    }
}


void Foam::pinnScaling::write(dictionary& dict) const
{
    dictionary d;
    d.add("type", word(active_ ? "auto" : "none"));
    d.add("origin", origin_);
    d.add("length", length_);
    d.add("inputScale", inputScale_);
    forAll(outputs_, k)
    {
        dictionary od;
        od.add("value", offset_[k]);
        od.add("scale", scale_[k]);
        d.add(outputs_[k], od);
    }
    dict.add("scaling", d);
}


void Foam::pinnScaling::checkSame(const dictionary& dict, const fileName& file) const
{
    auto differ = [](const scalar a, const scalar b)
    {
        return mag(a - b) > 1e-9*max(mag(a), mag(b)) + VSMALL;
    };
    bool same = dict.isDict("scaling");
    if (same)
    {
        const dictionary& d = dict.subDict("scaling");
        same = (pinnDict::get<word>(d, "type") == "auto") == active_
            && !differ(pinnDict::get<scalar>(d, "length"), length_);
        const point o = pinnDict::get<point>(d, "origin");
        for (direction c = 0; same && c < 3; ++c)
        {
            same = !differ(o[c], origin_[c]) || mag(o[c] - origin_[c]) < 1e-12*length_;
        }
        forAll(outputs_, k)
        {
            if (!same || !d.isDict(outputs_[k])) { same = false; break; }
            const dictionary& od = d.subDict(outputs_[k]);
            same = !differ(pinnDict::get<scalar>(od, "value"), offset_[k])
                && !differ(pinnDict::get<scalar>(od, "scale"), scale_[k]);
        }
    }
    if (!same)
    {
        OStringStream os;
        describe(os);
        FatalErrorInFunction
            << "The checkpoint " << file << " was trained with another"
            << " scaling than this case's:" << nl
            << "    now: " << os.str().c_str() << nl
            << "    A network is only valid with its own scaling (the mesh, the"
            << " boundary values or 'scaling' in pinnProperties changed)."
            << " Start from the initial time, or restore the settings"
            << exit(FatalError);
    }
}

// ************************************************************************* //
