/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnDict.H"
#include "FlatOutput.H"

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

template<class Type>
Type Foam::pinnDict::get(const dictionary& dict, const word& key)
{
    checkValue(dict, key);
    return dict.get<Type>(key);
}


template<class Type>
Type Foam::pinnDict::getOrDefault
(
    const dictionary& dict,
    const word& key,
    const Type& deflt
)
{
    checkValue(dict, key);
    return dict.getOrDefault<Type>(key, deflt);
}


template<class Table>
Foam::word Foam::pinnDict::selectType
(
    const dictionary& dict,
    const word& what,
    const Table& table
)
{
    if (!dict.found("type", keyType::LITERAL))
    {
        FatalIOErrorInFunction(dict)
            << "Missing entry 'type' in " << dict.dictName() << " of "
            << dict.name() << nl
            << "    Valid " << what << " types: " << flatOutput(table.sortedToc())
            << exit(FatalIOError);
    }
    const word type(get<word>(dict, "type"));
    if (!table.found(type))
    {
        FatalIOErrorInLookup(dict, what, type, table) << exit(FatalIOError);
    }
    return type;
}


template<class Type>
Type Foam::pinnDict::getPositive(const dictionary& dict, const word& key)
{
    if (!dict.found(key, keyType::LITERAL))
    {
        missingEntry
        (
            dict, key,
            "Add '" + key + " <value>;' (a number > 0) to " + dict.dictName()
        );
    }
    const Type v = get<Type>(dict, key);
    if (!(v > Type(0)))
    {
        FatalIOErrorInFunction(dict)
            << "Entry '" << key << "' in " << dict.dictName()
            << " must be > 0, but is " << v << nl
            << "    Set a positive value."
            << exit(FatalIOError);
    }
    return v;
}


template<class Type>
Type Foam::pinnDict::getOrDefaultPositive
(
    const dictionary& dict,
    const word& key,
    const Type& deflt
)
{
    if (!dict.found(key, keyType::LITERAL))
    {
        return deflt;
    }
    return getPositive<Type>(dict, key);
}


template<class Type>
Type Foam::pinnDict::getOrDefaultNonNegative
(
    const dictionary& dict,
    const word& key,
    const Type& deflt
)
{
    const Type v = getOrDefault<Type>(dict, key, deflt);
    if (v < Type(0))
    {
        FatalIOErrorInFunction(dict)
            << "Entry '" << key << "' in " << dict.dictName()
            << " must be >= 0, but is " << v << nl
            << "    Set a value >= 0."
            << exit(FatalIOError);
    }
    return v;
}

// ************************************************************************* //
