/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnDict.H"
#include "IOstreams.H"
#include "FlatOutput.H"

#include <algorithm>
#include <vector>

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

namespace
{

Foam::label editDistance(const std::string& a, const std::string& b)
{
    std::vector<Foam::label> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
    {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
        {
            const Foam::label sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

} // End anonymous namespace


Foam::word Foam::pinnDict::closest(const word& w, const wordList& list)
{
    word best;
    label bestDist = labelMax;
    for (const word& c : list)
    {
        const label d = editDistance(w, c);
        if (d < bestDist)
        {
            bestDist = d;
            best = c;
        }
    }
    // close enough to be a typo
    if (bestDist <= max(label(2), label(w.size()/3)))
    {
        return best;
    }
    return word::null;
}


void Foam::pinnDict::missingEntry
(
    const dictionary& dict,
    const word& key,
    const string& fix
)
{
    FatalIOErrorInFunction(dict)
        << "Missing entry '" << key << "' in " << dict.dictName()
        << " of " << dict.name() << nl;
    const word guess = closest(key, dict.toc());
    if (!guess.empty())
    {
        FatalIOError
            << "    Found '" << guess << "': did you mean '" << key << "'?" << nl;
    }
    FatalIOError << "    " << fix.c_str() << exit(FatalIOError);
}


void Foam::pinnDict::checkKeys(const dictionary& dict, const wordList& valid)
{
    for (const entry& e : dict)
    {
        const word key = e.keyword();
        if (!valid.found(key))
        {
            const word guess = closest(key, valid);
            FatalIOErrorInFunction(dict)
                << "Unknown entry '" << key << "' in " << dict.dictName()
                << " of " << dict.name() << nl;
            if (!guess.empty())
            {
                FatalIOError << "    Did you mean '" << guess << "'?" << nl;
            }
            FatalIOError
                << "    Valid entries: " << flatOutput(valid)
                << exit(FatalIOError);
        }
    }
}


void Foam::pinnDict::checkValue(const dictionary& dict, const word& key)
{
    if (dict.isDict(key))
    {
        FatalIOErrorInFunction(dict)
            << "Entry '" << key << "' in " << dict.dictName() << " of "
            << dict.name() << " is a dictionary { ... }, where a value is"
            << " expected" << nl
            << "    Write it as '" << key << " <value>;'"
            << exit(FatalIOError);
    }
}


Foam::word Foam::pinnDict::getChoice
(
    const dictionary& dict,
    const word& key,
    const wordList& choices
)
{
    if (!dict.found(key, keyType::LITERAL))
    {
        OStringStream fix;
        fix << "Add '" << key << " <choice>;' with one of " << flatOutput(choices);
        missingEntry(dict, key, fix.str());
    }
    const word v = get<word>(dict, key);
    if (!choices.found(v))
    {
        const word guess = closest(v, choices);
        FatalIOErrorInFunction(dict)
            << "Invalid " << key << " '" << v << "' in " << dict.dictName() << nl;
        if (!guess.empty())
        {
            FatalIOError << "    Did you mean '" << guess << "'?" << nl;
        }
        FatalIOError
            << "    Valid choices: " << flatOutput(choices)
            << exit(FatalIOError);
    }
    return v;
}


Foam::word Foam::pinnDict::getChoiceOrDefault
(
    const dictionary& dict,
    const word& key,
    const wordList& choices,
    const word& deflt
)
{
    if (!dict.found(key, keyType::LITERAL))
    {
        return deflt;
    }
    return getChoice(dict, key, choices);
}

// ************************************************************************* //
